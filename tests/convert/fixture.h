/* In-memory climate datasets for convert tests.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_TEST_CONVERT_FIXTURE_H
#define TW_TEST_CONVERT_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "terrawatt/climate.h"

/* A grid of nlat x nlon cells, ntime hourly steps from `t0` (unix s), with
 * no variables yet. */
static inline tw_climate *fixture_grid(size_t nlat, size_t nlon, size_t ntime, long long t0,
                                       double lat0, double lon0, double dlat, double dlon) {
  tw_climate *c = (tw_climate *)calloc(1, sizeof *c);
  c->calendar = TW_CAL_STANDARD;
  c->ntime = ntime;
  c->time = (tw_time_s *)calloc(ntime, sizeof *c->time);
  for (size_t t = 0; t < ntime; t++) c->time[t] = (tw_time_s)(t0 + 3600LL * (long long)t);
  c->step_s = 3600.0;
  c->nlat = nlat;
  c->nlon = nlon;
  c->ncell = nlat * nlon;
  c->lat_deg = (double *)calloc(nlat, sizeof(double));
  c->lon_deg = (double *)calloc(nlon, sizeof(double));
  for (size_t i = 0; i < nlat; i++) c->lat_deg[i] = lat0 + dlat * (double)i;
  for (size_t i = 0; i < nlon; i++) c->lon_deg[i] = lon0 + dlon * (double)i;
  c->vars = (tw_climate_var *)calloc(16, sizeof(tw_climate_var));
  c->source = strdup("fixture");
  c->nlat_total = nlat;
  c->ntime_total = ntime;
  return c;
}

/* Add a variable; returns its data array ([ntime][ncell], or [ncell] if
 * static) to fill. */
static inline float *fixture_var(tw_climate *c, const char *name, const char *units,
                                 int time_varying, int accumulated) {
  tw_climate_var *v = &c->vars[c->nvar++];
  v->name = strdup(name);
  v->units = strdup(units);
  v->source_name = strdup(name);
  v->time_varying = time_varying;
  v->accumulated = accumulated;
  v->data = (float *)calloc(time_varying ? c->ntime * c->ncell : c->ncell, sizeof(float));
  return v->data;
}

#endif
