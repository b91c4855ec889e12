/* The inverse-distance cell -> bus layout: each bus takes the weather at
 * its own location, interpolated from the nearest cells with data.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/climate_roles.h"
#include "terrawatt/convert.h"
#include "terrawatt/convert_math.h"
#include "terrawatt/alloc.h"

static double great_circle_km(double lat1, double lon1, double lat2, double lon2) {
  const double d2r = 3.14159265358979323846 / 180.0;
  double dlat = (lat2 - lat1) * d2r, dlon = (lon2 - lon1) * d2r;
  double a = sin(dlat / 2) * sin(dlat / 2) +
             cos(lat1 * d2r) * cos(lat2 * d2r) * sin(dlon / 2) * sin(dlon / 2);
  return 2.0 * 6371.0 * asin(sqrt(a < 1.0 ? a : 1.0));
}

tw_status tw_layout_inverse_distance(const tw_climate *c, size_t nbus,
                                     const char *const *bus_names, const double *bus_lon_deg,
                                     const double *bus_lat_deg, tw_layout **out) {
  tw_status st = TW_OK;
  tw_layout *l = NULL;
  const size_t C = c->ncell, K = TW_IDW_NEIGHBOURS;
  const tw_climate_var *probe = c->nvar ? &c->vars[0] : NULL;
  /* a streaming chunk's first variable may be kept packed (int16) */
  const tw_pack probe_pack = probe && probe->data_i16 ? tw_pack_of(&probe->packing)
                                                     : tw_pack_make(1.0f, 0.0f, TW_PACK_NO_FILL);
  *out = NULL;
  if (nbus == 0) return tw_error(TW_ERR_INPUT, "layout: no buses given");
  if (C == 0) return tw_error(TW_ERR_INPUT, "%s: layout: the dataset has no cells", c->source);
  TW_CHECK_GOTO(st, tw_calloc(1, sizeof *l, "layout", &l));
  l->nbus = nbus;
  l->ncell = C;
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof *l->bus_names, "layout", &l->bus_names));
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof(double), "layout", &l->bus_lon_deg));
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof(double), "layout", &l->bus_lat_deg));
  TW_CHECK_GOTO(st, tw_calloc(nbus + 1, sizeof *l->row_ptr, "layout", &l->row_ptr));
  TW_CHECK_GOTO(st, tw_calloc(nbus * K + 1, sizeof *l->col, "layout", &l->col));
  TW_CHECK_GOTO(st, tw_calloc(nbus * K + 1, sizeof *l->val, "layout", &l->val));
  for (size_t b = 0; b < nbus; b++) {
    if (!isfinite(bus_lon_deg[b]) || !isfinite(bus_lat_deg[b]) || fabs(bus_lat_deg[b]) > 90.0) {
      st = tw_error(TW_ERR_INPUT, "layout: bus '%s' has invalid coordinates x=%g y=%g",
                    bus_names[b], bus_lon_deg[b], bus_lat_deg[b]);
      goto cleanup;
    }
    l->bus_names[b] = tw_strdup(bus_names[b]);
    if (!l->bus_names[b]) {
      st = tw_error(TW_ERR_RESOURCE, "layout: out of memory");
      goto cleanup;
    }
    l->bus_lon_deg[b] = bus_lon_deg[b];
    l->bus_lat_deg[b] = bus_lat_deg[b];
    /* the K nearest cells holding data (insertion into a sorted list) */
    size_t idx[TW_IDW_NEIGHBOURS], n = 0;
    double dist[TW_IDW_NEIGHBOURS];
    for (size_t i = 0; i < C; i++) {
      if (probe && probe->data_i16 ? isnan(tw_unpack(probe->data_i16[i], probe_pack))
                                   : probe && probe->data && !isfinite(probe->data[i]))
        continue;
      double la, lo;
      tw_climate_cell_coords(c, i, &la, &lo);
      double d = great_circle_km(bus_lat_deg[b], bus_lon_deg[b], la, lo);
      if (n == K && d >= dist[K - 1]) continue;
      size_t j = n < K ? n++ : K - 1;
      while (j > 0 && dist[j - 1] > d) {
        dist[j] = dist[j - 1];
        idx[j] = idx[j - 1];
        j--;
      }
      dist[j] = d;
      idx[j] = i;
    }
    if (n == 0) {
      st = tw_error(TW_ERR_INPUT, "%s: layout: no cell holds data", c->source);
      goto cleanup;
    }
    size_t r = (size_t)l->row_ptr[b];
    if (dist[0] < 1e-6) { /* the bus sits on a cell */
      l->col[r] = (int)idx[0];
      l->val[r] = 1.0f;
      l->row_ptr[b + 1] = (int)(r + 1);
      continue;
    }
    double sum = 0;
    for (size_t j = 0; j < n; j++) sum += 1.0 / (dist[j] * dist[j]);
    for (size_t j = 0; j < n; j++) {
      l->col[r + j] = (int)idx[j];
      l->val[r + j] = (float)(1.0 / (dist[j] * dist[j]) / sum);
    }
    l->row_ptr[b + 1] = (int)(r + n);
  }
  *out = l;
  l = NULL;
cleanup:
  tw_layout_destroy(&l);
  return st;
}
