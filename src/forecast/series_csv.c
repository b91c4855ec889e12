/* Time series from CSV files with a header row and a time column.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/forecast.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "terrawatt/input_file.h"
#include "terrawatt/alloc.h"

void tw_series_free(tw_series *s) {
  if (!s) return;
  free(s->source);
  free(s->name);
  free(s->units);
  free(s->time_s);
  free(s->value);
  memset(s, 0, sizeof *s);
}

/* Trim spaces and surrounding double quotes in place. */
static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
  if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
    s[n - 1] = '\0';
    s++;
  }
  return s;
}

/* Split a line on commas in place; returns the number of cells (<= max). */
static int split(char *line, char **cells, int max) {
  int n = 0;
  char *p = line;
  while (n < max) {
    cells[n++] = p;
    char *comma = strchr(p, ',');
    if (!comma) break;
    *comma = '\0';
    p = comma + 1;
  }
  for (int i = 0; i < n; i++) cells[i] = trim(cells[i]);
  return n;
}

/* "load [MW]" -> name "load", units "MW" (units NULL when absent). */
static void header_units(char *cell, char **units) {
  *units = NULL;
  char *open = strchr(cell, '[');
  char *close = open ? strchr(open, ']') : NULL;
  if (!open || !close) return;
  *close = '\0';
  *units = trim(open + 1);
  *open = '\0';
  char *end = open;
  while (end > cell && isspace((unsigned char)end[-1])) *--end = '\0';
}

static tw_status parse_time(const char *path, size_t row, const char *text, tw_time_s *out) {
  tw_datetime dt;
  int offset_min = 0;
  if (tw_datetime_parse(text, &dt, &offset_min) != TW_OK)
    return tw_error(TW_ERR_INPUT, "%s: row %zu: time '%s' is not an ISO date (YYYY-MM-DD HH:MM)",
                    path, row, text);
  if (tw_time_from_datetime(TW_CAL_STANDARD, &dt, out) != TW_OK)
    return tw_error(TW_ERR_INPUT, "%s: row %zu: time '%s' is not a valid date", path, row, text);
  *out -= (tw_time_s)offset_min * 60;
  return TW_OK;
}

enum { MAX_CELLS = 4096 };

tw_status tw_series_read_csv(const char *path, const char *time_column, const char *column,
                             const char *units, tw_series *out) {
  tw_status st = TW_OK;
  FILE *f = NULL;
  char *line = NULL;
  size_t cap = 0, n = 0, alloc = 0;
  char **cells = NULL;
  memset(out, 0, sizeof *out);
  if (!time_column) time_column = "time";
  TW_CHECK(tw_input_fopen(path, 0, &f));
  TW_CHECK_GOTO(st, tw_calloc(MAX_CELLS, sizeof *cells, "csv cells", &cells));
  if (getline(&line, &cap, f) < 0) {
    st = tw_error(TW_ERR_INPUT, "%s: the file is empty, expected a header row", path);
    goto cleanup;
  }
  int ncols = split(line, cells, MAX_CELLS), tcol = -1, vcol = -1;
  for (int i = 0; i < ncols; i++) {
    char *file_units = NULL;
    if (strcmp(cells[i], time_column) == 0) {
      tcol = i;
      continue;
    }
    header_units(cells[i], &file_units);
    if (strcmp(cells[i], column) == 0) {
      vcol = i;
      if (file_units && units && strcmp(file_units, units) != 0) {
        st = tw_error(TW_ERR_INPUT, "%s: column '%s': units '%s' but '%s' were expected", path,
                      column, file_units, units);
        goto cleanup;
      }
      if (file_units && !(out->units = tw_strdup(file_units))) goto oom;
    }
  }
  if (tcol < 0) {
    st = tw_error(TW_ERR_INPUT, "%s: no time column '%s' in the header", path, time_column);
    goto cleanup;
  }
  if (vcol < 0) {
    st = tw_error(TW_ERR_INPUT, "%s: no column '%s' in the header", path, column);
    goto cleanup;
  }
  if (!out->units && units && !(out->units = tw_strdup(units))) goto oom;
  size_t row = 1;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) >= 0) {
    row++;
    char *l = trim(line);
    if (!*l) continue;
    int nc = split(l, cells, MAX_CELLS);
    if (nc <= tcol || nc <= vcol) {
      st = tw_error(TW_ERR_INPUT, "%s: row %zu has %d cells, expected at least %d", path, row, nc,
                    (tcol > vcol ? tcol : vcol) + 1);
      goto cleanup;
    }
    if (n == alloc) {
      size_t na = alloc ? alloc * 2 : 1024;
      tw_time_s *nt = tw_realloc(out->time_s, na * sizeof *nt);
      if (nt) out->time_s = nt;
      double *nv = tw_realloc(out->value, na * sizeof *nv);
      if (nv) out->value = nv;
      if (!nt || !nv) goto oom;
      alloc = na;
    }
    TW_CHECK_GOTO(st, parse_time(path, row, cells[tcol], &out->time_s[n]));
    char *end = NULL;
    const char *text = cells[vcol];
    double v = strtod(text, &end);
    if (!*text || *end != '\0' || !isfinite(v)) {
      st = tw_error(TW_ERR_INPUT, "%s: row %zu (%s): column '%s': value '%s' is not a finite number",
                    path, row, cells[tcol], column, text);
      goto cleanup;
    }
    out->value[n++] = v;
  }
  if (n == 0) {
    st = tw_error(TW_ERR_INPUT, "%s: column '%s' has no data rows", path, column);
    goto cleanup;
  }
  out->n = n;
  if (!(out->source = tw_strdup(path)) || !(out->name = tw_strdup(column))) goto oom;
  goto cleanup;
oom:
  st = tw_error(TW_ERR_RESOURCE, "%s: out of memory reading the CSV file", path);
cleanup:
  if (st != TW_OK) tw_series_free(out);
  free(cells);
  free(line);
  if (f) fclose(f);
  return st;
}

tw_status tw_series_read(const char *path, const char *time_column, const char *column,
                         const char *units, tw_series *out) {
  size_t n = strlen(path);
  if (n > 3 && strcmp(path + n - 3, ".nc") == 0)
    return tw_series_read_netcdf(path, column, units, out);
  return tw_series_read_csv(path, time_column, column, units, out);
}

tw_status tw_series_regular_step(const tw_series *s, int64_t *step_s) {
  char a[32], b[32];
  if (s->n < 2)
    return tw_error(TW_ERR_INPUT, "%s: '%s' has %zu time(s), need at least 2", s->source, s->name,
                    s->n);
  int64_t step = s->time_s[1] - s->time_s[0];
  if (step <= 0)
    return tw_error(TW_ERR_INPUT, "%s: '%s': time %s does not increase after %s", s->source,
                    s->name, tw_time_format(TW_CAL_STANDARD, s->time_s[1], a, sizeof a),
                    tw_time_format(TW_CAL_STANDARD, s->time_s[0], b, sizeof b));
  for (size_t i = 2; i < s->n; i++) {
    int64_t d = s->time_s[i] - s->time_s[i - 1];
    if (d != step)
      return tw_error(TW_ERR_INPUT,
                      "%s: '%s': time %s follows %s by %lld s, expected the regular step of %lld s "
                      "(%s)",
                      s->source, s->name, tw_time_format(TW_CAL_STANDARD, s->time_s[i], a, sizeof a),
                      tw_time_format(TW_CAL_STANDARD, s->time_s[i - 1], b, sizeof b), (long long)d,
                      (long long)step, d > step ? "gap" : (d <= 0 ? "not increasing" : "irregular"));
  }
  *step_s = step;
  return TW_OK;
}
