/* Real series from ../shared/data for the forecast tests (see realdata.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "forecast/realdata.h"
#include "forecast/bdew_profile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/forecast.h"
#include "reference_data.h"

const char *tw_real_reference_dir(void) { return tw_reference_data_dir(); }

/* profile[month][daytype][quarter], daytype 0 SA, 1 FT, 2 WT; kWh per quarter hour */
static double profile[12][3][96];

static int read_profile(void) {
  char path[1200];
  snprintf(path, sizeof path, "%s/load/bdew_h25.csv", tw_real_reference_dir());
  return tw_bdew_read_profile(path, profile);
}

/* MW of the H25 profile scaled to 900 GWh/a in the hour starting at t. */
static double bdew_mw(tw_time_s t, const int64_t *hol, size_t nhol) {
  tw_datetime dt;
  tw_time_to_datetime(TW_CAL_STANDARD, t, &dt);
  int dow = tw_time_day_of_week(TW_CAL_STANDARD, t); /* 0 = Monday */
  int holiday = tw_forecast_calendar_value(TW_FEAT_HOLIDAY, t, hol, nhol) > 0.5f;
  int type = dow == 6 || holiday ? 1 : (dow == 5 || (dt.month == 12 && (dt.day == 24 || dt.day == 31))) ? 0 : 2;
  double kwh = 0;
  for (int q = 0; q < 4; q++) kwh += profile[dt.month - 1][type][dt.hour * 4 + q];
  return kwh * 0.9; /* 1,000,000 kWh/a -> 900 GWh/a: kWh per hour x 0.9 = MW */
}

static tw_time_s year_start(int year) {
  tw_datetime d = {year, 1, 1, 0, 0, 0};
  tw_time_s t = 0;
  tw_time_from_datetime(TW_CAL_STANDARD, &d, &t);
  return t;
}

static void stamp(tw_time_s t, char *buf, size_t size) {
  tw_datetime dt;
  tw_time_to_datetime(TW_CAL_STANDARD, t, &dt);
  snprintf(buf, size, "%04d-%02d-%02d %02d:00", dt.year % 10000, dt.month % 100, dt.day % 100,
           dt.hour % 100);
}

int tw_real_bdew(const char *out_dir, int year0, int years, int step_h) {
  int64_t *hol = NULL;
  size_t nhol = 0;
  if (read_profile() != 0 || tw_holidays_country("DE", year0, year0 + years, &hol, &nhol) != TW_OK)
    return -1;
  char path[1200], ts[32];
  snprintf(path, sizeof path, "%s/bdew.csv", out_dir);
  FILE *f = fopen(path, "w");
  if (!f) {
    free(hol);
    return -1;
  }
  fprintf(f, "time,load [MW]\n");
  tw_time_s t0 = year_start(year0), t1 = year_start(year0 + years);
  for (tw_time_s t = t0; t < t1; t += (tw_time_s)step_h * 3600) {
    double s = 0;
    for (int k = 0; k < step_h; k++) s += bdew_mw(t + (tw_time_s)k * 3600, hol, nhol);
    stamp(t, ts, sizeof ts);
    fprintf(f, "%s,%.6f\n", ts, s / step_h);
  }
  free(hol);
  return fclose(f) == 0 ? 0 : -1;
}

/* PVWatts: 17 metadata rows, a header, then 8760 rows Month,Day,Hour,...,
 * ambient temperature (column 6), ..., AC output W (column 11). */
static int read_pvwatts(double *temp_C, double *ac_W) {
  char path[1200], line[1024];
  snprintf(path, sizeof path, "%s/pv/pvwatts_8760_rackmount.csv", tw_real_reference_dir());
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  int n = 0, header = 0;
  while (fgets(line, sizeof line, f)) {
    if (!header) {
      header = strncmp(line, "Month,Day,Hour", 14) == 0;
      continue;
    }
    double v[11];
    char *p = line;
    int c = 0;
    for (; c < 11; c++) {
      char *end = NULL;
      v[c] = strtod(p, &end);
      if (end == p) break;
      p = *end == ',' ? end + 1 : end;
    }
    if (c < 11 || n >= 8760) break;
    temp_C[n] = v[5];
    ac_W[n] = v[10];
    n++;
  }
  fclose(f);
  return n == 8760 ? 0 : -1;
}

int tw_real_pv(const char *out_dir, int year) {
  double *temp = malloc(8760 * sizeof *temp), *ac = malloc(8760 * sizeof *ac);
  int rc = -1;
  char path[1200], ts[32];
  if (!temp || !ac || read_pvwatts(temp, ac) != 0) goto done;
  snprintf(path, sizeof path, "%s/pv.csv", out_dir);
  FILE *f = fopen(path, "w");
  if (!f) goto done;
  fprintf(f, "time,ac [kW],temperature [degC]\n");
  tw_time_s t0 = year_start(year);
  for (int i = 0; i < 8760; i++) {
    stamp(t0 + (tw_time_s)i * 3600, ts, sizeof ts);
    fprintf(f, "%s,%.4f,%.1f\n", ts, ac[i] / 1000.0, temp[i]);
  }
  rc = fclose(f) == 0 ? 0 : -1;
done:
  free(temp);
  free(ac);
  return rc;
}

int tw_real_demand(const char *out_dir, int year, int step_h, double sigma_MW) {
  double *temp = malloc(8760 * sizeof *temp), *ac = malloc(8760 * sizeof *ac);
  int64_t *hol = NULL;
  size_t nhol = 0;
  int rc = -1;
  char path[1200], ts[32];
  FILE *d = NULL, *w = NULL;
  if (!temp || !ac || read_pvwatts(temp, ac) != 0 || read_profile() != 0 ||
      tw_holidays_country("DE", year, year + 1, &hol, &nhol) != TW_OK)
    goto done;
  snprintf(path, sizeof path, "%s/demand.csv", out_dir);
  d = fopen(path, "w");
  snprintf(path, sizeof path, "%s/weather.csv", out_dir);
  w = fopen(path, "w");
  if (!d || !w) goto done;
  fprintf(d, "time,load [MW]\n");
  fprintf(w, "time,t2m [degC]\n");
  tw_rng rng;
  tw_rng_seed(&rng, 11);
  tw_time_s t0 = year_start(year);
  for (int i = 0; i + step_h <= 8760; i += step_h) {
    double y = 0, tc = 0;
    for (int k = 0; k < step_h; k++) {
      double c = temp[i + k];
      y += bdew_mw(t0 + (tw_time_s)(i + k) * 3600, hol, nhol) + 4.0 * fmax(0.0, 15.0 - c) +
           5.0 * fmax(0.0, c - 22.0);
      tc += c;
    }
    stamp(t0 + (tw_time_s)i * 3600, ts, sizeof ts);
    fprintf(d, "%s,%.6f\n", ts, y / step_h + sigma_MW * tw_rng_normal(&rng));
    fprintf(w, "%s,%.3f\n", ts, tc / step_h);
  }
  rc = 0;
done:
  if (d && fclose(d) != 0) rc = -1;
  if (w && fclose(w) != 0) rc = -1;
  free(temp);
  free(ac);
  free(hol);
  return rc;
}
