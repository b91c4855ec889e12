/* Reader for emobpy's mobility statistics CSVs (cdgaete/emobpy).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/mobility.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "terrawatt/input_file.h"

#define EMOBPY_MAX_COLS 32
#define EMOBPY_LINE 1024

typedef struct csv_file {
  FILE *fp;
  char path[1024];
  int line;
  char buf[EMOBPY_LINE];
  char *cols[EMOBPY_MAX_COLS];
  int ncols;
} csv_file;

static tw_status csv_open(csv_file *c, const char *dir, const char *name) {
  memset(c, 0, sizeof *c);
  snprintf(c->path, sizeof c->path, "%s/%s", dir, name);
  return tw_input_fopen(c->path, TW_INPUT_IN_FOLDER, &c->fp);
}

/* Next non-empty line split at commas; returns 0 at end of file. */
static int csv_next(csv_file *c) {
  while (fgets(c->buf, sizeof c->buf, c->fp)) {
    char *p = c->buf;
    size_t len;
    c->line++;
    len = strlen(p);
    while (len && (p[len - 1] == '\n' || p[len - 1] == '\r' || p[len - 1] == ' ')) p[--len] = '\0';
    if (len == 0) continue;
    c->ncols = 0;
    for (;;) {
      char *comma = strchr(p, ',');
      if (c->ncols < EMOBPY_MAX_COLS) c->cols[c->ncols++] = p;
      if (!comma) break;
      *comma = '\0';
      p = comma + 1;
    }
    return 1;
  }
  return 0;
}

static tw_status csv_number(const csv_file *c, int col, double *out) {
  char *end = NULL;
  const char *s = c->cols[col];
  double v;
  errno = 0;
  v = strtod(s, &end);
  if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
    return tw_error(TW_ERR_INPUT, "%s: line %d, column %d: '%s' is not a number", c->path,
                    c->line, col + 1, s);
  *out = v;
  return TW_OK;
}

static tw_status csv_prob(const csv_file *c, int col, double *out) {
  TW_CHECK(csv_number(c, col, out));
  if (*out < 0 || *out > 1)
    return tw_error(TW_ERR_INPUT, "%s: line %d, column %d: probability %g is not in [0, 1]",
                    c->path, c->line, col + 1, *out);
  return TW_OK;
}

static tw_status check_sum(const csv_file *c, const char *what, double sum) {
  if (fabs(sum - 1.0) > 1e-3)
    return tw_error(TW_ERR_INPUT, "%s: %s sums to %.6g, expected 1", c->path, what, sum);
  return TW_OK;
}

static tw_status read_departures(const char *dir, tw_trip_stats *out) {
  static const char *names[TW_DAY_TYPES] = {"weekdays", "saturday", "sunday"};
  csv_file c;
  tw_status st = TW_OK;
  int seen[TW_DAY_TYPES][48];
  memset(seen, 0, sizeof seen);
  TW_CHECK(csv_open(&c, dir, "emobpy_DepartureDestinationTrip.csv"));
  if (!csv_next(&c) || c.ncols < 3 || strcmp(c.cols[0], "days") != 0 ||
      strcmp(c.cols[1], "time") != 0) {
    st = tw_error(TW_ERR_INPUT, "%s: line 1: expected a header 'days,time,<destinations...>'",
                  c.path);
    goto cleanup;
  }
  {
    int header_cols = c.ncols;
    while (csv_next(&c)) {
      int d = -1, slot;
      double hour, sum = 0.0;
      for (int k = 0; k < TW_DAY_TYPES; k++)
        if (strcmp(c.cols[0], names[k]) == 0) d = k;
      if (d < 0) {
        st = tw_error(TW_ERR_INPUT,
                      "%s: line %d: day '%s' is not one of weekdays, saturday, sunday", c.path,
                      c.line, c.cols[0]);
        goto cleanup;
      }
      if (c.ncols != header_cols) {
        st = tw_error(TW_ERR_INPUT, "%s: line %d: %d columns, the header has %d", c.path, c.line,
                      c.ncols, header_cols);
        goto cleanup;
      }
      TW_CHECK_GOTO(st, csv_number(&c, 1, &hour));
      slot = (int)lround(hour * 2.0);
      if (hour < 0 || hour >= 24 || fabs(hour * 2.0 - slot) > 1e-9) {
        st = tw_error(TW_ERR_INPUT, "%s: line %d: time %g h is not a half hour in [0, 24)",
                      c.path, c.line, hour);
        goto cleanup;
      }
      for (int k = 2; k < c.ncols; k++) {
        double p;
        TW_CHECK_GOTO(st, csv_prob(&c, k, &p));
        sum += p;
      }
      if (seen[d][slot]) {
        st = tw_error(TW_ERR_INPUT, "%s: line %d: %s at %g h appears twice", c.path, c.line,
                      names[d], hour);
        goto cleanup;
      }
      seen[d][slot] = 1;
      out->departure_prob[d][slot] = sum;
    }
  }
  for (int d = 0; d < TW_DAY_TYPES; d++) {
    double total = 0.0;
    for (int s = 0; s < 48; s++) {
      if (!seen[d][s]) {
        st = tw_error(TW_ERR_INPUT, "%s: no row for %s at %g h", c.path, names[d], s * 0.5);
        goto cleanup;
      }
      total += out->departure_prob[d][s];
    }
    {
      char what[64];
      snprintf(what, sizeof what, "the departure probability of '%s'", names[d]);
      TW_CHECK_GOTO(st, check_sum(&c, what, total));
    }
    for (int s = 0; s < 48; s++) out->departure_prob[d][s] /= total;
  }
cleanup:
  fclose(c.fp);
  return st;
}

static tw_status read_trips_per_day(const char *dir, tw_trip_stats *out) {
  csv_file c;
  tw_status st = TW_OK;
  double sum_wd = 0, sum_we = 0, mean_wd = 0, mean_we = 0;
  int rows = 0;
  TW_CHECK(csv_open(&c, dir, "emobpy_TripsPerDay.csv"));
  if (!csv_next(&c) || c.ncols != 3 || strcmp(c.cols[1], "weekday") != 0 ||
      strcmp(c.cols[2], "weekend") != 0) {
    st = tw_error(TW_ERR_INPUT, "%s: line 1: expected a header 'trip,weekday,weekend'", c.path);
    goto cleanup;
  }
  while (csv_next(&c)) {
    double k, pwd, pwe;
    if (c.ncols != 3) {
      st = tw_error(TW_ERR_INPUT, "%s: line %d: %d columns, expected 3", c.path, c.line, c.ncols);
      goto cleanup;
    }
    TW_CHECK_GOTO(st, csv_number(&c, 0, &k));
    if (k < 0) {
      st = tw_error(TW_ERR_INPUT, "%s: line %d: trip count %g is negative", c.path, c.line, k);
      goto cleanup;
    }
    TW_CHECK_GOTO(st, csv_prob(&c, 1, &pwd));
    TW_CHECK_GOTO(st, csv_prob(&c, 2, &pwe));
    sum_wd += pwd;
    sum_we += pwe;
    mean_wd += k * pwd;
    mean_we += k * pwe;
    rows++;
  }
  if (rows == 0) {
    st = tw_error(TW_ERR_INPUT, "%s: no data rows", c.path);
    goto cleanup;
  }
  TW_CHECK_GOTO(st, check_sum(&c, "the weekday column", sum_wd));
  TW_CHECK_GOTO(st, check_sum(&c, "the weekend column", sum_we));
  out->trips_per_day[TW_DAY_WEEKDAY] = mean_wd / sum_wd;
  out->trips_per_day[TW_DAY_SATURDAY] = mean_we / sum_we;
  out->trips_per_day[TW_DAY_SUNDAY] = mean_we / sum_we;
cleanup:
  fclose(c.fp);
  return st;
}

static tw_status read_distance(const char *dir, tw_trip_stats *out) {
  csv_file c;
  tw_status st = TW_OK;
  double minutes[EMOBPY_MAX_COLS], total = 0, km_sum = 0, min_sum = 0;
  int ncols = 0;
  TW_CHECK(csv_open(&c, dir, "emobpy_DistanceDurationTrip.csv"));
  if (!csv_next(&c) || c.ncols < 2 || strcmp(c.cols[0], "km") != 0) {
    st = tw_error(TW_ERR_INPUT, "%s: line 1: expected a header 'km,<minutes...>'", c.path);
    goto cleanup;
  }
  ncols = c.ncols;
  for (int k = 1; k < ncols; k++) {
    TW_CHECK_GOTO(st, csv_number(&c, k, &minutes[k]));
    if (minutes[k] < 0) {
      st = tw_error(TW_ERR_INPUT, "%s: line 1: duration %g minutes is negative", c.path,
                    minutes[k]);
      goto cleanup;
    }
  }
  while (csv_next(&c)) {
    double km;
    if (c.ncols != ncols) {
      st = tw_error(TW_ERR_INPUT, "%s: line %d: %d columns, the header has %d", c.path, c.line,
                    c.ncols, ncols);
      goto cleanup;
    }
    TW_CHECK_GOTO(st, csv_number(&c, 0, &km));
    if (km < 0) {
      st = tw_error(TW_ERR_INPUT, "%s: line %d: distance %g km is negative", c.path, c.line, km);
      goto cleanup;
    }
    for (int k = 1; k < ncols; k++) {
      double p;
      TW_CHECK_GOTO(st, csv_prob(&c, k, &p));
      total += p;
      km_sum += km * p;
      min_sum += minutes[k] * p;
    }
  }
  TW_CHECK_GOTO(st, check_sum(&c, "the distance-duration distribution", total));
  out->trip_km_mean = km_sum / total;
  out->trip_minutes_mean = min_sum / total;
cleanup:
  fclose(c.fp);
  return st;
}

tw_status tw_trip_stats_read_emobpy(const char *dir, tw_trip_stats *out) {
  tw_trip_stats s;
  memset(&s, 0, sizeof s);
  TW_CHECK(read_departures(dir, &s));
  TW_CHECK(read_trips_per_day(dir, &s));
  TW_CHECK(read_distance(dir, &s));
  *out = s;
  return TW_OK;
}
