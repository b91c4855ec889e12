/* A diurnal climatology from an hourly reference dataset: per cell,
 * calendar month and hour of day (UTC), the wind speed relative to the
 * month's mean and the temperature minus the month's mean. Used to give
 * daily (or coarser) interval means of wind and temperature a
 * mean-preserving diurnal cycle (docs/INGEST.md, "Time steps").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/climate_roles.h"

void tw_diurnal_destroy(tw_diurnal **d) {
  if (!d || !*d) return;
  free((*d)->lat_deg);
  free((*d)->lon_deg);
  free((*d)->wind);
  free((*d)->temp);
  free(*d);
  *d = NULL;
}

tw_status tw_diurnal_from_reference(const tw_climate *ref, tw_diurnal **out) {
  tw_status st = TW_OK;
  tw_diurnal *d = NULL;
  double *sum = NULL;
  size_t *cnt = NULL;
  const size_t C = ref->ncell, B = C * 12 * 24;
  *out = NULL;
  if (!(ref->ntime > 1 && ref->step_s == 3600.0))
    return tw_error(TW_ERR_INPUT, "%s: a diurnal reference must be hourly (its step is %g s)",
                    ref->source, ref->step_s);
  const tw_climate_var *u = tw_climate_find(ref, "u100"), *v = tw_climate_find(ref, "v100"),
                       *t = tw_climate_find(ref, "t2m");
  if (!(u && v) && !t)
    return tw_error(TW_ERR_INPUT, "%s: a diurnal reference needs wind at 100 m or t2m",
                    ref->source);
  TW_CHECK_GOTO(st, tw_calloc(1, sizeof *d, "diurnal climatology", &d));
  d->ncell = C;
  TW_CHECK_GOTO(st, tw_calloc(C, sizeof *d->lat_deg, "diurnal climatology", &d->lat_deg));
  TW_CHECK_GOTO(st, tw_calloc(C, sizeof *d->lon_deg, "diurnal climatology", &d->lon_deg));
  for (size_t i = 0; i < C; i++) tw_climate_cell_coords(ref, i, &d->lat_deg[i], &d->lon_deg[i]);
  TW_CHECK_GOTO(st, tw_calloc(B, sizeof *sum, "diurnal climatology", &sum));
  TW_CHECK_GOTO(st, tw_calloc(B, sizeof *cnt, "diurnal climatology", &cnt));
  for (int which = 0; which < 2; which++) { /* 0: wind factors, 1: temperature offsets */
    if (which == 0 && !(u && v)) continue;
    if (which == 1 && !t) continue;
    float *prof = NULL;
    TW_CHECK_GOTO(st, tw_calloc(B, sizeof *prof, "diurnal climatology", &prof));
    if (which == 0) d->wind = prof;
    else d->temp = prof;
    memset(sum, 0, B * sizeof *sum);
    memset(cnt, 0, B * sizeof *cnt);
    for (size_t k = 0; k < ref->ntime; k++) {
      tw_datetime dt;
      tw_time_to_datetime(ref->calendar, ref->time[k], &dt);
      size_t slot = (size_t)(dt.month - 1) * 24 + (size_t)dt.hour;
      for (size_t i = 0; i < C; i++) {
        size_t e = k * C + i;
        double x = which == 0 ? hypot(u->data[e], v->data[e]) : t->data[e];
        if (!isfinite(x)) continue;
        sum[i * 288 + slot] += x;
        cnt[i * 288 + slot]++;
      }
    }
    for (size_t i = 0; i < C; i++)
      for (size_t m = 0; m < 12; m++) {
        double hm[24], mean = 0;
        int full = 1;
        for (size_t h = 0; h < 24; h++) {
          size_t s = i * 288 + m * 24 + h;
          full &= cnt[s] > 0;
          hm[h] = cnt[s] ? sum[s] / (double)cnt[s] : 0.0;
          mean += hm[h] / 24.0;
        }
        for (size_t h = 0; h < 24; h++) { /* a month without every hour: no cycle */
          float *p = &prof[i * 288 + m * 24 + h];
          if (which == 0) *p = full && mean > 0 ? (float)(hm[h] / mean) : 1.0f;
          else *p = full ? (float)(hm[h] - mean) : 0.0f;
        }
      }
  }
  *out = d;
  d = NULL;
cleanup:
  free(sum);
  free(cnt);
  tw_diurnal_destroy(&d);
  return st;
}
