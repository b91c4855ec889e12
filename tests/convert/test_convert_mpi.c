/* The conversion stage over MPI ranks holding different row slabs
 * (tw_convert_capacity_factors_mpi): run under mpirun -np 1 and -np 2.
 * Every rank builds the same synthetic dataset and keeps its rows
 * (tw_ingest_block, as tw_climate_read_mpi with TW_SPLIT_ROWS). Checks:
 *   - the per-bus series of all ranks together are bitwise identical to
 *     those of rank 0 alone (MPI_COMM_SELF over the whole grid): the
 *     fixed-point reduction does not depend on the number of ranks;
 *   - they match the single-process stage (tw_convert_capacity_factors,
 *     double accumulation) within 2e-7 relative + 1e-7 (one float rounding);
 *   - a NaN in one cell propagates to its bus only;
 *   - a failure on one rank fails every rank (no hang).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/fixture.h"
#include "terrawatt/convert_mpi.h"
#include "terrawatt/ingest_mpi.h"

static int failures = 0;
#define CHECK(cond, ...)                                                                    \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                  \
      fprintf(stderr, __VA_ARGS__);                                                         \
      fprintf(stderr, "\n");                                                                \
      failures++;                                                                           \
    }                                                                                       \
  } while (0)

#define NLAT 7
#define NLON 5
#define NTIME 50

static tw_climate *make_climate(int nan_cell) {
  tw_climate *c = fixture_grid(NLAT, NLON, NTIME, 1496275200LL, 55.0, 6.0, -0.75, 1.25);
  float *u = fixture_var(c, "u100", "m s-1", 1, 0);
  float *v = fixture_var(c, "v100", "m s-1", 1, 0);
  float *fsr = fixture_var(c, "fsr", "m", 0, 0);
  float *t2m = fixture_var(c, "t2m", "K", 1, 0);
  float *ssrd = fixture_var(c, "ssrd", "W m-2", 1, 1);
  for (size_t i = 0; i < c->ncell; i++) fsr[i] = (i % 7 == 0) ? 0.0f : 0.013f * (float)(i % 9 + 1);
  for (size_t t = 0; t < c->ntime; t++)
    for (size_t i = 0; i < c->ncell; i++) {
      size_t k = t * c->ncell + i;
      u[k] = 5.0f + 7.0f * sinf(0.11f * (float)t + 0.37f * (float)i);
      v[k] = 4.0f * cosf(0.05f * (float)t + 1.3f * (float)i);
      t2m[k] = 283.0f + 9.0f * sinf(6.2831853f * ((float)t - 9.0f) / 24.0f) - 0.3f * (float)i;
      float hour = (float)(t % 24) + 0.5f;
      float day = sinf(3.14159265f * (hour - 4.0f) / 17.0f);
      ssrd[k] = day > 0.0f ? 780.0f * day * (0.55f + 0.45f * cosf((float)(i * 3 + t))) : 0.0f;
    }
  if (nan_cell >= 0) u[5 * c->ncell + (size_t)nan_cell] = NAN;
  return c;
}

/* Rows [off, off + n) of the whole dataset as a rank's local dataset. */
static tw_climate *slab(const tw_climate *g, size_t off, size_t n) {
  if (n == 0) return NULL;
  tw_climate *c = fixture_grid(n, g->nlon, g->ntime, 0, 0.0, 0.0, 0.0, 0.0);
  memcpy(c->time, g->time, g->ntime * sizeof *c->time);
  memcpy(c->lat_deg, g->lat_deg + off, n * sizeof(double));
  memcpy(c->lon_deg, g->lon_deg, g->nlon * sizeof(double));
  c->row_offset = off;
  c->nlat_total = g->nlat;
  for (size_t k = 0; k < g->nvar; k++) {
    const tw_climate_var *gv = &g->vars[k];
    float *d = fixture_var(c, gv->name, gv->units, gv->time_varying, gv->accumulated);
    size_t nt = gv->time_varying ? g->ntime : 1;
    for (size_t t = 0; t < nt; t++)
      memcpy(d + t * c->ncell, gv->data + t * g->ncell + off * g->nlon, c->ncell * sizeof(float));
  }
  return c;
}

static const char *bus_names[4] = {"north", "west", "east", "south"};
static const double bus_lon[4] = {8.0, 6.2, 10.9, 8.5};
static const double bus_lat[4] = {54.9, 53.0, 53.4, 50.8};

static int same_bits(const float *a, const float *b, size_t n) {
  return (a == NULL) == (b == NULL) && (!a || memcmp(a, b, n * sizeof(float)) == 0);
}

static double max_rel(const float *a, const float *b, size_t n) {
  double m = 0.0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(a[i]) || isnan(b[i])) {
      if (isnan(a[i]) != isnan(b[i])) return INFINITY;
      continue;
    }
    double d = fabs((double)a[i] - (double)b[i]) / (1.0 + fabs((double)b[i]));
    m = d > m ? d : m;
  }
  return m;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  tw_backend *be = NULL;
  if (tw_backend_create(TW_BACKEND_CPU, &be) != TW_OK) {
    fprintf(stderr, "backend: %s\n", tw_last_error());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  double v[6] = {0, 3, 6, 12, 25, 25}, pw[6] = {0, 0, 0.6, 3.0, 3.0, 0};
  tw_turbine turb = {(char *)"test", 110.0, 6, v, pw, 3.0};
  tw_convert_params p;
  tw_convert_params_default(&p);
  p.turbine = &turb;
  p.solar = 1;
  p.degree_hours = 1;
  p.daily_mean = 1;

  tw_climate *g = make_climate(17); /* cell 17 (row 3) has one missing u100 */
  size_t off = 0, cnt = 0;
  tw_ingest_block(NLAT, rank, size, &off, &cnt);
  tw_climate *loc = slab(g, off, cnt);
  tw_bus_series *all = NULL, *self = NULL, *plain = NULL;
  tw_status st = tw_convert_capacity_factors_mpi(be, loc, &p, 4, bus_names, bus_lon, bus_lat,
                                                 TW_LAYOUT_AREA, MPI_COMM_WORLD, &all);
  CHECK(st == TW_OK, "rank %d: %s", rank, tw_last_error());
  if (st == TW_OK && rank == 0) {
    st = tw_convert_capacity_factors_mpi(be, g, &p, 4, bus_names, bus_lon, bus_lat, TW_LAYOUT_AREA,
                                         MPI_COMM_SELF, &self);
    CHECK(st == TW_OK, "self: %s", tw_last_error());
    tw_layout *l = NULL;
    CHECK(tw_layout_voronoi(g, 4, bus_names, bus_lon, bus_lat, TW_LAYOUT_AREA, NULL, &l) == TW_OK,
          "layout: %s", tw_last_error());
    CHECK(tw_convert_capacity_factors(be, g, &p, l, &plain) == TW_OK, "plain: %s",
          tw_last_error());
    tw_layout_destroy(&l);
    size_t n = NTIME * 4;
    if (self && plain) {
      CHECK(same_bits(all->wind_cf, self->wind_cf, n) && same_bits(all->solar_cf, self->solar_cf, n) &&
                same_bits(all->hdh_K, self->hdh_K, n) && same_bits(all->cdh_K, self->cdh_K, n),
            "%d ranks differ from one rank", size);
      double dw = max_rel(all->wind_cf, plain->wind_cf, n), ds = max_rel(all->solar_cf, plain->solar_cf, n);
      double dh = max_rel(all->hdh_K, plain->hdh_K, n), dc = max_rel(all->cdh_K, plain->cdh_K, n);
      printf("np %d: bitwise equal to 1 rank; vs single-process stage: wind %.2g, solar %.2g, "
             "hdh %.2g, cdh %.2g (relative)\n", size, dw, ds, dh, dc);
      CHECK(dw < 2e-7 && ds < 2e-7 && dh < 2e-7 && dc < 2e-7, "differs from the plain stage");
      /* the NaN cell (row 3, col 2: lat 52.75, lon 8.5) belongs to one bus at t = 5 */
      int nan_buses = 0;
      for (int b = 0; b < 4; b++) nan_buses += isnan(all->wind_cf[5 * 4 + b]);
      CHECK(nan_buses == 1, "NaN went to %d buses", nan_buses);
      double mean = 0.0;
      for (size_t i = 0; i < n; i++) mean += isnan(all->wind_cf[i]) ? 0.0 : all->wind_cf[i];
      CHECK(mean / (double)n > 0.05 && mean / (double)n < 0.95, "wind mean %g", mean / (double)n);
      CHECK(all->time[NTIME - 1] == g->time[NTIME - 1] && !strcmp(all->bus_names[3], "south"),
            "times or names not broadcast");
    }
  }
  /* every rank returns the same series */
  if (all) {
    float first = all->solar_cf[30 * 4 + 2], got[64];
    MPI_Allgather(&first, 1, MPI_FLOAT, got, 1, MPI_FLOAT, MPI_COMM_WORLD);
    for (int r = 1; r < size && r < 64; r++) CHECK(got[r] == got[0], "rank %d differs", r);
  }
  /* a failure on the last rank (no u100) fails all ranks */
  tw_climate *bad = loc;
  if (rank == size - 1 && bad) {
    free(bad->vars[0].name);
    bad->vars[0].name = strdup("not_u100");
  }
  tw_bus_series *none = NULL;
  st = tw_convert_capacity_factors_mpi(be, loc, &p, 4, bus_names, bus_lon, bus_lat, TW_LAYOUT_AREA,
                                       MPI_COMM_WORLD, &none);
  CHECK(st != TW_OK && none == NULL, "rank %d: failure not propagated", rank);
  if (rank == size - 1) CHECK(strstr(tw_last_error(), "u100") != NULL, "message: %s", tw_last_error());

  tw_bus_series_destroy(&all);
  tw_bus_series_destroy(&self);
  tw_bus_series_destroy(&plain);
  tw_climate_destroy(&loc);
  tw_climate_destroy(&g);
  tw_backend_destroy(&be);
  int total = 0;
  MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  if (rank == 0) printf("%s\n", total ? "FAILED" : "OK");
  return total ? 1 : 0;
}
