/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/climate.h"

#include <stdlib.h>
#include <string.h>

const tw_climate_var *tw_climate_find(const tw_climate *c, const char *name) {
  for (size_t i = 0; c && i < c->nvar; i++)
    if (strcmp(c->vars[i].name, name) == 0) return &c->vars[i];
  return NULL;
}

tw_status tw_climate_require(const tw_climate *c, const char *name, const tw_climate_var **out) {
  *out = tw_climate_find(c, name);
  if (!*out)
    return tw_error(TW_ERR_INPUT, "%s: variable '%s' is required but not in the dataset",
                    c && c->source ? c->source : "climate dataset", name);
  return TW_OK;
}

void tw_climate_cell_coords(const tw_climate *c, size_t cell, double *lat_deg, double *lon_deg) {
  if (c->is_station) {
    *lat_deg = c->lat_deg[cell];
    *lon_deg = c->lon_deg[cell];
  } else {
    *lat_deg = c->lat_deg[cell / c->nlon];
    *lon_deg = c->lon_deg[cell % c->nlon];
  }
}

void tw_climate_destroy(tw_climate **c) {
  if (!c || !*c) return;
  tw_climate *d = *c;
  for (size_t i = 0; i < d->nvar; i++) {
    free(d->vars[i].name);
    free(d->vars[i].units);
    free(d->vars[i].data);
    free(d->vars[i].source_name);
    free(d->vars[i].cell_methods);
  }
  free(d->vars);
  free(d->time);
  free(d->lat_deg);
  free(d->lon_deg);
  free(d->source);
  free(d);
  *c = NULL;
}
