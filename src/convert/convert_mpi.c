/* The conversion stage over MPI ranks holding different cells: a layout of
 * the whole grid on every rank, local conversions, and an exact
 * (fixed-point) reduction of the partial per-bus sums.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/convert_mpi.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "terrawatt/alloc.h"

/* All ranks learn whether any failed; the failing rank keeps its message. */
static tw_status agree(tw_status mine, MPI_Comm comm) {
  int local = (int)mine, worst = 0;
  if (MPI_Allreduce(&local, &worst, 1, MPI_INT, MPI_MAX, comm) != MPI_SUCCESS)
    return tw_error(TW_ERR_INTERNAL, "MPI_Allreduce failed while agreeing on the convert status");
  if (mine != TW_OK) return mine;
  if (worst != TW_OK) return tw_error((tw_status)worst, "convert failed on another rank");
  return TW_OK;
}

#define MPI_OK(call, what)                                                                   \
  do {                                                                                       \
    if ((call) != MPI_SUCCESS) {                                                             \
      st = tw_error(TW_ERR_INTERNAL, "convert: %s failed", what);                            \
      goto cleanup;                                                                          \
    }                                                                                        \
  } while (0)

/* The grid of the whole dataset, coordinates only (no variables), built
 * from rank 0's metadata and every rank's latitude rows. */
typedef struct grid_info {
  tw_climate g;     /* coordinates only: lat_deg, lon_deg, nlat, nlon, ncell */
  size_t cell_off;  /* first global cell of this rank */
  size_t ncell_loc; /* cells of this rank */
} grid_info;

static tw_status gather_grid(const tw_climate *local, MPI_Comm comm, grid_info *gi) {
  tw_status st = TW_OK;
  int rank = 0, size = 1;
  int *counts = NULL, *displs = NULL;
  double *lat_loc = NULL, *lon_loc = NULL;
  memset(gi, 0, sizeof *gi);
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  /* [is_station, nlon, nlat_total, ntime] from rank 0 */
  unsigned long long meta[4] = {0, 0, 0, 0};
  if (rank == 0 && local) {
    meta[0] = (unsigned long long)local->is_station;
    meta[1] = (unsigned long long)local->nlon;
    meta[2] = (unsigned long long)local->nlat_total;
    meta[3] = (unsigned long long)local->ntime;
  }
  MPI_OK(MPI_Bcast(meta, 4, MPI_UNSIGNED_LONG_LONG, 0, comm), "MPI_Bcast of the grid shape");
  if (meta[2] == 0) return tw_error(TW_ERR_INPUT, "convert (MPI): rank 0 holds no cells");
  if (meta[2] > (unsigned long long)INT32_MAX)
    return tw_error(TW_ERR_INPUT, "convert (MPI): %llu grid rows is too many", meta[2]);
  int station = (int)meta[0];
  size_t nlon = (size_t)meta[1], nlat = (size_t)meta[2];
  int mine[2] = {local ? (int)local->row_offset : 0, local ? (int)local->nlat : 0};
  if (local && (local->nlon != nlon || local->ntime != (size_t)meta[3] ||
                local->ntime != local->ntime_total ||
                local->row_offset + local->nlat > nlat)) {
    st = tw_error(TW_ERR_INPUT, "%s: convert (MPI) needs row slabs of one dataset "
                  "(TW_SPLIT_ROWS): rows %zu+%zu of %zu, %zu of %zu times, %zu longitudes "
                  "(rank 0: %zu)", local->source ? local->source : "climate",
                  local->row_offset, local->nlat, nlat, local->ntime, local->ntime_total,
                  local->nlon, nlon);
  }
  TW_CHECK(agree(st, comm));
  TW_CHECK_GOTO(st, tw_calloc((size_t)size, sizeof *counts, "MPI counts", &counts));
  TW_CHECK_GOTO(st, tw_calloc((size_t)size, sizeof *displs, "MPI counts", &displs));
  int both[2 * 64], *all = NULL;
  if (size <= 64) all = both;
  else TW_CHECK_GOTO(st, tw_calloc(2 * (size_t)size, sizeof *all, "MPI counts", &all));
  if (MPI_Allgather(mine, 2, MPI_INT, all, 2, MPI_INT, comm) != MPI_SUCCESS) {
    if (all != both) free(all);
    st = tw_error(TW_ERR_INTERNAL, "convert: MPI_Allgather of row blocks failed");
    goto cleanup;
  }
  for (int r = 0; r < size; r++) {
    displs[r] = all[2 * r];
    counts[r] = all[2 * r + 1];
  }
  if (all != both) free(all);
  gi->g.is_station = station;
  gi->g.nlat = nlat;
  gi->g.nlon = nlon;
  gi->g.ncell = nlat * nlon;
  gi->g.nlat_total = nlat;
  gi->g.source = local && local->source ? local->source : (char *)"climate";
  gi->cell_off = local ? local->row_offset * nlon : 0;
  gi->ncell_loc = local ? local->ncell : 0;
  TW_CHECK_GOTO(st, tw_calloc(nlat, sizeof(double), "grid latitudes", &gi->g.lat_deg));
  TW_CHECK_GOTO(st, tw_calloc(station ? nlat : nlon, sizeof(double), "grid longitudes",
                              &gi->g.lon_deg));
  /* MPI send buffers must not be NULL-and-counted; copy the local rows */
  size_t nrow = local ? local->nlat : 0;
  TW_CHECK_GOTO(st, tw_calloc(nrow ? nrow : 1, sizeof(double), "grid latitudes", &lat_loc));
  TW_CHECK_GOTO(st, tw_calloc(nrow ? nrow : 1, sizeof(double), "grid longitudes", &lon_loc));
  if (nrow) memcpy(lat_loc, local->lat_deg, nrow * sizeof(double));
  if (nrow && station) memcpy(lon_loc, local->lon_deg, nrow * sizeof(double));
  MPI_OK(MPI_Allgatherv(lat_loc, (int)nrow, MPI_DOUBLE, gi->g.lat_deg, counts, displs, MPI_DOUBLE,
                        comm), "MPI_Allgatherv of latitudes");
  if (station) {
    MPI_OK(MPI_Allgatherv(lon_loc, (int)nrow, MPI_DOUBLE, gi->g.lon_deg, counts, displs,
                          MPI_DOUBLE, comm), "MPI_Allgatherv of longitudes");
  } else {
    if (rank == 0) memcpy(gi->g.lon_deg, local->lon_deg, nlon * sizeof(double));
    MPI_OK(MPI_Bcast(gi->g.lon_deg, (int)nlon, MPI_DOUBLE, 0, comm), "MPI_Bcast of longitudes");
  }
cleanup:
  free(counts);
  free(displs);
  free(lat_loc);
  free(lon_loc);
  if (st != TW_OK) {
    free(gi->g.lat_deg);
    free(gi->g.lon_deg);
    memset(gi, 0, sizeof *gi);
  }
  return st;
}

/* Partial sums of this rank's cells into acc / nan ([ntime][nbus]):
 * acc += round(share * x * 2^48), exact integers. */
static tw_status accumulate(const tw_layout *l, const grid_info *gi, size_t ntime,
                            const float *x, int64_t *acc, int64_t *nan) {
  const double scale = ldexp(1.0, TW_CONVERT_MPI_FRAC_BITS);
  size_t lo = gi->cell_off, hi = gi->cell_off + gi->ncell_loc, nbus = l->nbus;
  int bad = 0;
  double bad_value = 0.0;
  const long long count = (long long)(ntime * nbus);
#pragma omp parallel for schedule(static) reduction(| : bad)
  for (long long i = 0; i < count; i++) {
    size_t t = (size_t)i / nbus, b = (size_t)i % nbus;
    const float *xt = x + t * gi->ncell_loc;
    int64_t sum = 0, nans = 0;
    for (int k = l->row_ptr[b]; k < l->row_ptr[b + 1]; k++) {
      size_t cell = (size_t)l->col[k];
      if (cell < lo || cell >= hi) continue;
      double term = (double)l->val[k] * (double)xt[cell - lo];
      if (term != term) {
        nans++;
        continue;
      }
      if (!(fabs(term) < TW_CONVERT_MPI_MAX_TERM)) {
        bad = 1;
#pragma omp critical(tw_convert_mpi_bad)
        bad_value = term;
        continue;
      }
      sum += (int64_t)llround(term * scale);
    }
    acc[i] += sum;
    nan[i] += nans;
  }
  if (bad)
    return tw_error(TW_ERR_INPUT, "%s: convert (MPI): weighted cell value %g is outside the "
                    "aggregation range (|x| < %g)", gi->g.source ? gi->g.source : "climate",
                    bad_value, TW_CONVERT_MPI_MAX_TERM);
  return TW_OK;
}

/* Host cell series of one kind (0 wind, 1 solar, 2 heating, 3 cooling). */
static tw_status local_cells(tw_backend *be, const tw_climate *c, const tw_convert_params *p,
                             int kind, float **out) {
  if (kind == 0) return tw_convert_wind_cells(be, c, p, out);
  if (kind == 1) return tw_convert_solar_cells(be, c, p, out);
  return tw_convert_degree_cells(c, p, kind - 2, out);
}

tw_status tw_convert_capacity_factors_mpi(tw_backend *be, const tw_climate *local,
                                          const tw_convert_params *p, size_t nbus,
                                          const char *const *bus_names,
                                          const double *bus_lon_deg, const double *bus_lat_deg,
                                          tw_layout_weighting weighting, MPI_Comm comm,
                                          tw_bus_series **out) {
  tw_status st = TW_OK;
  grid_info gi;
  tw_layout *layout = NULL;
  tw_bus_series *s = NULL;
  int64_t *acc = NULL, *nan = NULL;
  float *cells = NULL;
  int rank = 0;
  *out = NULL;
  memset(&gi, 0, sizeof gi);
  MPI_Comm_rank(comm, &rank);
  if (!p->turbine && !p->solar && !p->degree_hours)
    st = tw_error(TW_ERR_INPUT, "convert: nothing to compute (no wind, solar or demand)");
  TW_CHECK(agree(st, comm));
  TW_CHECK(gather_grid(local, comm, &gi));
  st = tw_layout_voronoi(&gi.g, nbus, bus_names, bus_lon_deg, bus_lat_deg, weighting, NULL,
                         &layout);
  TW_CHECK_GOTO(st, agree(st, comm));
  /* times and calendar from rank 0 */
  size_t ntime = local ? local->ntime : 0;
  {
    unsigned long long nt = (unsigned long long)ntime;
    MPI_OK(MPI_Bcast(&nt, 1, MPI_UNSIGNED_LONG_LONG, 0, comm), "MPI_Bcast of the time count");
    ntime = (size_t)nt;
  }
  st = tw_calloc(1, sizeof *s, "bus series", &s);
  if (st == TW_OK) {
    s->ntime = ntime;
    s->nbus = nbus;
    s->calendar = local ? local->calendar : TW_CAL_STANDARD;
    st = tw_calloc(ntime ? ntime : 1, sizeof *s->time, "bus series", &s->time);
  }
  if (st == TW_OK) st = tw_calloc(nbus ? nbus : 1, sizeof *s->bus_names, "bus series", &s->bus_names);
  for (size_t b = 0; st == TW_OK && b < nbus; b++) {
    s->bus_names[b] = tw_strdup(layout->bus_names[b]);
    if (!s->bus_names[b]) st = tw_error(TW_ERR_RESOURCE, "bus series: out of memory");
  }
  size_t ny = ntime * nbus;
  if (st == TW_OK) st = tw_calloc(ny ? ny : 1, sizeof *acc, "partial sums", &acc);
  if (st == TW_OK) st = tw_calloc(ny ? ny : 1, sizeof *nan, "partial sums", &nan);
  TW_CHECK_GOTO(st, agree(st, comm));
  if (rank == 0) memcpy(s->time, local->time, ntime * sizeof *s->time);
  {
    int cal = (int)s->calendar;
    MPI_OK(MPI_Bcast(&cal, 1, MPI_INT, 0, comm), "MPI_Bcast of the calendar");
    s->calendar = (tw_calendar)cal;
  }
  MPI_OK(MPI_Bcast(s->time, (int)(ntime * sizeof *s->time), MPI_BYTE, 0, comm),
         "MPI_Bcast of the times");
  for (int kind = 0; kind < 4; kind++) {
    int want = kind == 0 ? p->turbine != NULL : (kind == 1 ? p->solar : p->degree_hours);
    if (!want) continue;
    memset(acc, 0, (ny ? ny : 1) * sizeof *acc);
    memset(nan, 0, (ny ? ny : 1) * sizeof *nan);
    st = TW_OK;
    if (local) {
      st = local_cells(be, local, p, kind, &cells);
      if (st == TW_OK) st = accumulate(layout, &gi, ntime, cells, acc, nan);
      free(cells);
      cells = NULL;
    }
    TW_CHECK_GOTO(st, agree(st, comm));
    /* exact: integer sums do not depend on the order of the ranks */
    for (size_t done = 0; done < ny;) {
      size_t k = ny - done > (size_t)1 << 28 ? (size_t)1 << 28 : ny - done;
      MPI_OK(MPI_Allreduce(MPI_IN_PLACE, acc + done, (int)k, MPI_INT64_T, MPI_SUM, comm),
             "MPI_Allreduce of the partial per-bus sums");
      MPI_OK(MPI_Allreduce(MPI_IN_PLACE, nan + done, (int)k, MPI_INT64_T, MPI_SUM, comm),
             "MPI_Allreduce of the missing-value counts");
      done += k;
    }
    float *y = NULL;
    TW_CHECK_GOTO(st, tw_calloc(ny ? ny : 1, sizeof *y, "bus series", &y));
    for (size_t i = 0; i < ny; i++)
      y[i] = nan[i] ? NAN : (float)ldexp((double)acc[i], -TW_CONVERT_MPI_FRAC_BITS);
    if (kind == 0) s->wind_cf = y;
    else if (kind == 1) s->solar_cf = y;
    else if (kind == 2) s->hdh_K = y;
    else s->cdh_K = y;
  }
  *out = s;
  s = NULL;
cleanup:
  free(acc);
  free(nan);
  free(cells);
  free(gi.g.lat_deg);
  free(gi.g.lon_deg);
  tw_layout_destroy(&layout);
  tw_bus_series_destroy(&s);
  return st;
}
