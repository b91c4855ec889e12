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
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/fixture.h"
#include "mpi_assert.h"
#include "terrawatt/convert_mpi.h"
#include "terrawatt/ingest_mpi.h"

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

static int rank = 0, size = 1;
static tw_backend *be;
static double v[6] = {0, 3, 6, 12, 25, 25}, pw[6] = {0, 0, 0.6, 3.0, 3.0, 0};
static tw_turbine turb = {(char *)"test", 110.0, 6, v, pw, 3.0};
static tw_convert_params p;
static tw_climate *g;   /* the whole dataset, on every rank */
static tw_climate *loc; /* this rank's rows */

/* Collective: the backend, the dataset and this rank's slab on every rank. */
static int setup(void **state) {
  (void)state;
  int ok = tw_backend_create(TW_BACKEND_CPU, &be) == TW_OK;
  if (!ok) fprintf(stderr, "rank %d: backend: %s\n", rank, tw_last_error());
  MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!ok) return -1;
  tw_convert_params_default(&p);
  p.turbine = &turb;
  p.solar = 1;
  p.degree_hours = 1;
  p.daily_mean = 1;
  g = make_climate(17); /* cell 17 (row 3) has one missing u100 */
  size_t off = 0, cnt = 0;
  tw_ingest_block(NLAT, rank, size, &off, &cnt);
  loc = slab(g, off, cnt);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  tw_climate_destroy(&loc);
  tw_climate_destroy(&g);
  tw_backend_destroy(&be);
  return 0;
}

/* The checks rank 0 makes against one rank and the plain stage (1 where
 * they hold; the other ranks keep 1). */
typedef struct rank0_checks {
  int self_ok, layout_ok, plain_ok, bitwise_equal_one_rank, within_2e7_of_plain, nan_to_one_bus,
      wind_mean_in_range, times_and_names;
} rank0_checks;

static void check_on_rank0(const tw_bus_series *all, rank0_checks *c) {
  tw_bus_series *self = NULL, *plain = NULL;
  tw_status st = tw_convert_capacity_factors_mpi(be, g, &p, 4, bus_names, bus_lon, bus_lat,
                                                 TW_LAYOUT_AREA, MPI_COMM_SELF, &self);
  c->self_ok = st == TW_OK;
  if (!c->self_ok) fprintf(stderr, "self: %s\n", tw_last_error());
  tw_layout *l = NULL;
  c->layout_ok = tw_layout_voronoi(g, 4, bus_names, bus_lon, bus_lat, TW_LAYOUT_AREA, NULL, &l) == TW_OK;
  if (!c->layout_ok) fprintf(stderr, "layout: %s\n", tw_last_error());
  c->plain_ok = tw_convert_capacity_factors(be, g, &p, l, &plain) == TW_OK;
  if (!c->plain_ok) fprintf(stderr, "plain: %s\n", tw_last_error());
  tw_layout_destroy(&l);
  size_t n = NTIME * 4;
  if (self && plain) {
    c->bitwise_equal_one_rank =
        same_bits(all->wind_cf, self->wind_cf, n) && same_bits(all->solar_cf, self->solar_cf, n) &&
        same_bits(all->hdh_K, self->hdh_K, n) && same_bits(all->cdh_K, self->cdh_K, n);
    if (!c->bitwise_equal_one_rank) fprintf(stderr, "%d ranks differ from one rank\n", size);
    double dw = max_rel(all->wind_cf, plain->wind_cf, n), ds = max_rel(all->solar_cf, plain->solar_cf, n);
    double dh = max_rel(all->hdh_K, plain->hdh_K, n), dc = max_rel(all->cdh_K, plain->cdh_K, n);
    printf("np %d: bitwise equal to 1 rank; vs single-process stage: wind %.2g, solar %.2g, "
           "hdh %.2g, cdh %.2g (relative)\n", size, dw, ds, dh, dc);
    c->within_2e7_of_plain = dw < 2e-7 && ds < 2e-7 && dh < 2e-7 && dc < 2e-7;
    /* the NaN cell (row 3, col 2: lat 52.75, lon 8.5) belongs to one bus at t = 5 */
    int nan_buses = 0;
    for (int b = 0; b < 4; b++) nan_buses += isnan(all->wind_cf[5 * 4 + b]);
    c->nan_to_one_bus = nan_buses == 1;
    if (!c->nan_to_one_bus) fprintf(stderr, "NaN went to %d buses\n", nan_buses);
    double mean = 0.0;
    for (size_t i = 0; i < n; i++) mean += isnan(all->wind_cf[i]) ? 0.0 : all->wind_cf[i];
    c->wind_mean_in_range = mean / (double)n > 0.05 && mean / (double)n < 0.95;
    if (!c->wind_mean_in_range) fprintf(stderr, "wind mean %g\n", mean / (double)n);
    c->times_and_names = all->time[NTIME - 1] == g->time[NTIME - 1] && !strcmp(all->bus_names[3], "south");
  }
  tw_bus_series_destroy(&self);
  tw_bus_series_destroy(&plain);
}

static void test_ranks_match_one_rank_and_plain_stage(void **state) {
  (void)state;
  tw_bus_series *all = NULL;
  tw_status st = tw_convert_capacity_factors_mpi(be, loc, &p, 4, bus_names, bus_lon, bus_lat,
                                                 TW_LAYOUT_AREA, MPI_COMM_WORLD, &all);
  assert_all_ranks_msg(st == TW_OK, tw_last_error());
  rank0_checks c = {1, 1, 1, 1, 1, 1, 1, 1};
  if (rank == 0) {
    c = (rank0_checks){0, 0, 0, 0, 0, 0, 0, 0};
    check_on_rank0(all, &c);
  }
  /* every rank returns the same series */
  float first = all->solar_cf[30 * 4 + 2], got[64];
  MPI_Allgather(&first, 1, MPI_FLOAT, got, 1, MPI_FLOAT, MPI_COMM_WORLD);
  int same = 1;
  for (int r = 1; r < size && r < 64; r++)
    if (got[r] != got[0]) {
      fprintf(stderr, "rank %d differs\n", r);
      same = 0;
    }
  tw_bus_series_destroy(&all);
  assert_all_ranks(c.self_ok);
  assert_all_ranks(c.layout_ok);
  assert_all_ranks(c.plain_ok);
  assert_all_ranks(c.bitwise_equal_one_rank);
  assert_all_ranks(c.within_2e7_of_plain);
  assert_all_ranks(c.nan_to_one_bus);
  assert_all_ranks(c.wind_mean_in_range);
  assert_all_ranks(c.times_and_names);
  assert_all_ranks(same);
}

/* A failure on the last rank (no u100) fails all ranks. */
static void test_failure_on_one_rank_fails_all(void **state) {
  (void)state;
  if (rank == size - 1 && loc) {
    free(loc->vars[0].name);
    loc->vars[0].name = strdup("not_u100");
  }
  tw_bus_series *none = NULL;
  tw_status st = tw_convert_capacity_factors_mpi(be, loc, &p, 4, bus_names, bus_lon, bus_lat,
                                                 TW_LAYOUT_AREA, MPI_COMM_WORLD, &none);
  int propagated = st != TW_OK && none == NULL;
  if (!propagated) fprintf(stderr, "rank %d: failure not propagated\n", rank);
  int named = rank != size - 1 || strstr(tw_last_error(), "u100") != NULL;
  if (!named) fprintf(stderr, "message: %s\n", tw_last_error());
  tw_bus_series_destroy(&none);
  assert_all_ranks(propagated);
  assert_all_ranks(named);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ranks_match_one_rank_and_plain_stage),
      cmocka_unit_test(test_failure_on_one_rank_fails_all),
  };
  int failed = cmocka_run_group_tests(tests, setup, teardown);
  MPI_Finalize();
  return failed ? 1 : 0;
}
