/* The cell -> bus layout matrix (nearest-bus Voronoi regions).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/convert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "terrawatt/alloc.h"

void tw_layout_destroy(tw_layout **l) {
  if (!l || !*l) return;
  for (size_t b = 0; (*l)->bus_names && b < (*l)->nbus; b++) free((*l)->bus_names[b]);
  free((*l)->bus_names);
  free((*l)->bus_lon_deg);
  free((*l)->bus_lat_deg);
  free((*l)->row_ptr);
  free((*l)->col);
  free((*l)->val);
  free(*l);
  *l = NULL;
}

/* A point on the unit sphere. */
static void unit_xyz(double lat, double lon, double *p) {
  const double d2r = 3.14159265358979323846 / 180.0;
  p[0] = cos(lat * d2r) * cos(lon * d2r);
  p[1] = cos(lat * d2r) * sin(lon * d2r);
  p[2] = sin(lat * d2r);
}

/* Squared chord length between two points on the unit sphere (monotonic in
 * great-circle distance); the points' coordinates are computed once (the
 * trigonometry per cell-bus pair was most of a small conversion's time). */
static double chord2(const double *a, const double *b) {
  return (a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
         (a[2] - b[2]) * (a[2] - b[2]);
}

tw_status tw_layout_voronoi(const tw_climate *c, size_t nbus, const char *const *bus_names,
                            const double *bus_lon_deg, const double *bus_lat_deg,
                            tw_layout_weighting weighting, const double *cell_capacity_MW,
                            tw_layout **out) {
  tw_status st = TW_OK;
  tw_layout *l = NULL;
  int *owner = NULL, *nearest_cell = NULL;
  double *w = NULL, *row_sum = NULL, *best_cell_d = NULL, *bus_xyz = NULL;
  size_t ncell = c->ncell;
  *out = NULL;
  if (nbus == 0) return tw_error(TW_ERR_INPUT, "layout: no buses given");
  if (ncell == 0) return tw_error(TW_ERR_INPUT, "%s: layout: the dataset has no cells", c->source);
  if (ncell > (size_t)1 << 30 || nbus > (size_t)1 << 30)
    return tw_error(TW_ERR_INPUT, "layout: too many cells (%zu) or buses (%zu)", ncell, nbus);
  for (size_t b = 0; b < nbus; b++)
    if (!isfinite(bus_lon_deg[b]) || !isfinite(bus_lat_deg[b]) || fabs(bus_lat_deg[b]) > 90.0)
      return tw_error(TW_ERR_INPUT, "layout: bus '%s' has invalid coordinates x=%g y=%g "
                      "(lon/lat degrees expected)", bus_names[b], bus_lon_deg[b], bus_lat_deg[b]);
  TW_CHECK_GOTO(st, tw_calloc(1, sizeof *l, "layout", &l));
  l->nbus = nbus;
  l->ncell = ncell;
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof *l->bus_names, "layout", &l->bus_names));
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof(double), "layout", &l->bus_lon_deg));
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof(double), "layout", &l->bus_lat_deg));
  TW_CHECK_GOTO(st, tw_calloc(ncell, sizeof *owner, "layout", &owner));
  TW_CHECK_GOTO(st, tw_calloc(ncell, sizeof *w, "layout", &w));
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof *row_sum, "layout", &row_sum));
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof *nearest_cell, "layout", &nearest_cell));
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof *best_cell_d, "layout", &best_cell_d));
  TW_CHECK_GOTO(st, tw_calloc(3 * nbus, sizeof *bus_xyz, "layout", &bus_xyz));
  for (size_t b = 0; b < nbus; b++) unit_xyz(bus_lat_deg[b], bus_lon_deg[b], bus_xyz + 3 * b);
  for (size_t b = 0; b < nbus; b++) {
    l->bus_names[b] = tw_strdup(bus_names[b] ? bus_names[b] : "");
    if (!l->bus_names[b]) {
      st = tw_error(TW_ERR_RESOURCE, "layout: out of memory");
      goto cleanup;
    }
    l->bus_lon_deg[b] = bus_lon_deg[b];
    l->bus_lat_deg[b] = bus_lat_deg[b];
    best_cell_d[b] = INFINITY;
  }
  for (size_t i = 0; i < ncell; i++) {
    double lat, lon;
    tw_climate_cell_coords(c, i, &lat, &lon);
    double cell_xyz[3];
    unit_xyz(lat, lon, cell_xyz);
    double best = INFINITY;
    for (size_t b = 0; b < nbus; b++) {
      double d = chord2(cell_xyz, bus_xyz + 3 * b);
      if (d < best) {
        best = d;
        owner[i] = (int)b;
      }
      if (d < best_cell_d[b]) {
        best_cell_d[b] = d;
        nearest_cell[b] = (int)i;
      }
    }
    if (cell_capacity_MW) {
      if (!(cell_capacity_MW[i] >= 0.0) || !isfinite(cell_capacity_MW[i])) {
        st = tw_error(TW_ERR_INPUT, "layout: cell %zu (lat %g, lon %g) has capacity %g MW "
                      "(finite, >= 0 expected)", i, lat, lon, cell_capacity_MW[i]);
        goto cleanup;
      }
      w[i] = cell_capacity_MW[i];
    } else {
      w[i] = weighting == TW_LAYOUT_AREA ? cos(lat * 3.14159265358979323846 / 180.0) : 1.0;
      if (w[i] < 0.0) w[i] = 0.0;
    }
    row_sum[owner[i]] += w[i];
  }
  /* A bus with an empty region takes its nearest cell (weight 1). */
  size_t nnz = 0;
  for (size_t i = 0; i < ncell; i++)
    if (w[i] > 0.0) nnz++;
  for (size_t b = 0; b < nbus; b++)
    if (!(row_sum[b] > 0.0)) nnz++;
  TW_CHECK_GOTO(st, tw_calloc(nbus + 1, sizeof *l->row_ptr, "layout", &l->row_ptr));
  TW_CHECK_GOTO(st, tw_calloc(nnz ? nnz : 1, sizeof *l->col, "layout", &l->col));
  TW_CHECK_GOTO(st, tw_calloc(nnz ? nnz : 1, sizeof *l->val, "layout", &l->val));
  /* counting sort of cells by owner */
  for (size_t i = 0; i < ncell; i++)
    if (w[i] > 0.0) l->row_ptr[owner[i] + 1]++;
  for (size_t b = 0; b < nbus; b++) {
    if (!(row_sum[b] > 0.0)) l->row_ptr[b + 1]++;
    l->row_ptr[b + 1] += l->row_ptr[b];
  }
  {
    int *fill = NULL;
    TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof *fill, "layout", &fill));
    for (size_t b = 0; b < nbus; b++) {
      fill[b] = l->row_ptr[b];
      if (!(row_sum[b] > 0.0)) {
        l->col[fill[b]] = nearest_cell[b];
        l->val[fill[b]++] = 1.0f;
      }
    }
    for (size_t i = 0; i < ncell; i++) {
      if (!(w[i] > 0.0)) continue;
      int b = owner[i];
      l->col[fill[b]] = (int)i;
      l->val[fill[b]++] = (float)(w[i] / row_sum[b]);
    }
    free(fill);
  }
  *out = l;
  l = NULL;
cleanup:
  free(owner);
  free(nearest_cell);
  free(w);
  free(row_sum);
  free(best_cell_d);
  free(bus_xyz);
  tw_layout_destroy(&l);
  return st;
}
