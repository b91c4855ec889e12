/* MPI-decomposed ingest: the same decoded sums under -np 1 and -np 2
 * (each rank reads only its slab, split by rows and by time). Uses the
 * bundled example's cutout, written by rank 0. */
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
#include <unistd.h>

#include "mpi_assert.h"
#include "terrawatt/ingest_mpi.h"

/* Accumulators for tw_climate_reduce_mpi. Variable 0 is u100, 1 ssrd. */
typedef struct acc {
  size_t nlon;      /* columns of the full grid */
  size_t nbus;
} acc;

/* Row split: per-cell sums of u100 over time, in time order (each cell
 * lives on one rank), then per-"bus" sums of ssrd (bus = row % nbus). */
static tw_status acc_cells(void *user, const tw_climate *c, double *sums, size_t n) {
  const acc *a = user;
  size_t ncell_total = c->nlat_total * a->nlon;
  if (n != ncell_total + a->nbus) return tw_error(TW_ERR_INTERNAL, "acc_cells: %zu sums", n);
  for (size_t t = 0; t < c->ntime; t++)
    for (size_t i = 0; i < c->ncell; i++) {
      sums[c->row_offset * a->nlon + i] += c->vars[0].data[t * c->ncell + i];
      sums[ncell_total + (c->row_offset + i / a->nlon) % a->nbus] += c->vars[1].data[t * c->ncell + i];
    }
  return TW_OK;
}

/* Time split: per-time sums of ssrd over the cells, in cell order. */
static tw_status acc_times(void *user, const tw_climate *c, double *sums, size_t n) {
  (void)user;
  if (n != c->ntime_total) return tw_error(TW_ERR_INTERNAL, "acc_times: %zu sums", n);
  for (size_t t = 0; t < c->ntime; t++)
    for (size_t i = 0; i < c->ncell; i++) sums[c->time_offset + t] += c->vars[1].data[t * c->ncell + i];
  return TW_OK;
}

/* Every chunk of a reader over the slab equals, bit for bit, the same
 * times of the whole read `whole`: NULL, or what differs. Local (ranks hold
 * different numbers of chunks); the caller asserts on all ranks. */
static const char *chunks_differ(tw_climate_reader *r, const tw_climate *whole) {
  size_t seen = 0;
  const tw_climate *c = NULL;
  while (tw_climate_reader_next(r, &c) == TW_OK && c) {
    for (size_t v = 0; v < c->nvar; v++)
      if (memcmp(c->vars[v].data, whole->vars[v].data + (c->time_offset - whole->time_offset) * c->ncell,
                 c->ntime * c->ncell * sizeof(float)) != 0)
        return "chunked values equal the whole read bit for bit";
    if (c->time[0] != whole->time[c->time_offset - whole->time_offset]) return "chunk times";
    seen += c->ntime;
  }
  if (seen != whole->ntime) return "chunks cover the slab";
  return NULL;
}

static int rank = 0, size = 1;
static char dir[256] = "/tmp/tw_ingest_mpi_XXXXXX";
static char path[512];
static const char *paths[1];
static const char *vars[] = {"u100", "ssrd"};
static tw_ingest_params p;
static tw_climate *all; /* the serial read, on every rank */

/* Collective: rank 0 writes the example; every rank reads it serially. */
static int setup(void **state) {
  (void)state;
  int ok = 1;
  if (rank == 0 && (!mkdtemp(dir) || tw_example_write(dir) != TW_OK)) {
    fprintf(stderr, "cannot write the example: %s\n", tw_last_error());
    ok = 0;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Bcast(dir, sizeof dir, MPI_CHAR, 0, MPI_COMM_WORLD);
  if (!ok) return -1;
  snprintf(path, sizeof path, "%s/cutout.nc", dir);
  paths[0] = path;
  tw_ingest_params_default(&p);
  p.paths = paths;
  p.npaths = 1;
  p.variables = vars;
  p.nvariables = 2;
  ok = tw_climate_read(&p, &all) == TW_OK;
  if (!ok) fprintf(stderr, "rank %d: serial read: %s\n", rank, tw_last_error());
  MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return ok ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  int ok = 1;
  tw_climate_destroy(&all);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) ok = 0;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return ok ? 0 : -1;
}

/* Each rank reads only its slab (split by rows, then by time); the sums
 * over ranks equal the serial sums. */
static void test_split_sums_equal_serial(void **state) {
  (void)state;
  double want[2] = {0, 0};
  for (size_t v = 0; v < 2; v++)
    for (size_t i = 0; i < all->ntime * all->ncell; i++) want[v] += all->vars[v].data[i];
  for (int split = 0; split < 2; split++) {
    tw_climate *mine = NULL;
    tw_status st = tw_climate_read_mpi(&p, MPI_COMM_WORLD, (tw_ingest_split)split, &mine);
    assert_all_ranks_msg(st == TW_OK, tw_last_error());
    double sums[2] = {0, 0};
    for (size_t v = 0; v < 2; v++)
      for (size_t i = 0; i < mine->ntime * mine->ncell; i++) sums[v] += mine->vars[v].data[i];
    /* a rank reads only part of the data */
    assert_all_ranks(size == 1 ||
                     (split == 0 ? mine->nlat < mine->nlat_total : mine->ntime < mine->ntime_total));
    assert_all_ranks(tw_ingest_allreduce_sum(sums, 2, MPI_COMM_WORLD) == TW_OK);
    for (int v = 0; v < 2; v++) assert_all_ranks(fabs(sums[v] - want[v]) <= 1e-9 * fabs(want[v]));
    if (rank == 0)
      printf("split %s, %d rank(s): sum u100 %.6f (serial %.6f), sum ssrd %.3f (serial %.3f)\n",
             split ? "time" : "rows", size, sums[0], want[0], sums[1], want[1]);
    tw_climate_destroy(&mine);
  }
}

/* Streaming: every rank's chunks (7 steps: not a divisor of 336) equal its
 * whole slab bit for bit, for both splits. */
static void test_streamed_chunks_equal_slab(void **state) {
  (void)state;
  for (int split = 0; split < 2; split++) {
    tw_climate *mine = NULL;
    tw_climate_reader *r = NULL;
    tw_status st = tw_climate_read_mpi(&p, MPI_COMM_WORLD, (tw_ingest_split)split, &mine);
    assert_all_ranks_msg(st == TW_OK, tw_last_error());
    st = tw_climate_reader_open_mpi(&p, MPI_COMM_WORLD, (tw_ingest_split)split, 7, &r);
    assert_all_ranks_msg(st == TW_OK, tw_last_error());
    const char *differs = chunks_differ(r, mine);
    tw_climate_reader_close(&r);
    tw_climate_destroy(&mine);
    assert_all_ranks_msg(differs == NULL, differs);
  }
}

/* The collective helper: per-cell and per-time sums equal the serial ones
 * exactly (so -np 1 and -np 2 agree bit for bit); per-bus sums over several
 * rows to 1e-12; a failing accumulator fails on every rank. */
static void test_reduce_equals_serial(void **state) {
  (void)state;
  acc a = {all->nlon, 3};
  size_t nc = all->ncell, ns = nc + a.nbus;
  double *got = calloc(ns, sizeof *got), *ref = calloc(ns, sizeof *ref);
  double *tgot = calloc(all->ntime, sizeof *tgot), *tref = calloc(all->ntime, sizeof *tref);
  assert_all_ranks(got && ref && tgot && tref);
  for (size_t t = 0; t < all->ntime; t++)
    for (size_t i = 0; i < nc; i++) {
      ref[i] += all->vars[0].data[t * nc + i];
      ref[nc + (i / a.nlon) % a.nbus] += all->vars[1].data[t * nc + i];
      tref[t] += all->vars[1].data[t * nc + i];
    }
  tw_status st = tw_climate_reduce_mpi(&p, MPI_COMM_WORLD, TW_SPLIT_ROWS, 5, acc_cells, &a, got, ns);
  assert_all_ranks_msg(st == TW_OK, tw_last_error());
  size_t diff = 0;
  for (size_t i = 0; i < nc; i++) diff += got[i] != ref[i];
  assert_all_ranks(diff == 0); /* per-cell sums identical to the serial ones */
  for (size_t b = 0; b < a.nbus; b++)
    assert_all_ranks(fabs(got[nc + b] - ref[nc + b]) <= 1e-12 * fabs(ref[nc + b])); /* per bus */
  st = tw_climate_reduce_mpi(&p, MPI_COMM_WORLD, TW_SPLIT_TIME, 5, acc_times, NULL, tgot, all->ntime);
  assert_all_ranks_msg(st == TW_OK, tw_last_error());
  size_t tdiff = 0;
  double check_cells = 0, check_times = 0;
  for (size_t t = 0; t < all->ntime; t++) tdiff += tgot[t] != tref[t];
  assert_all_ranks(tdiff == 0); /* per-time sums identical to the serial ones */
  for (size_t i = 0; i < nc; i++) check_cells += got[i];
  for (size_t t = 0; t < all->ntime; t++) check_times += tgot[t];
  if (rank == 0)
    printf("reduce, %d rank(s): per-cell u100 sums total %.17g, per-time ssrd sums total %.17g, bus 0 %.17g\n",
           size, check_cells, check_times, got[nc]);
  /* a failing accumulator fails on every rank */
  st = tw_climate_reduce_mpi(&p, MPI_COMM_WORLD, TW_SPLIT_TIME, 5, acc_times, NULL, tgot, 1);
  free(got);
  free(ref);
  free(tgot);
  free(tref);
  assert_all_ranks(st != TW_OK);
}

/* A bad file fails on every rank. */
static void test_bad_file_fails_on_every_rank(void **state) {
  (void)state;
  tw_ingest_params bad_p = p;
  const char *bad[] = {"/nonexistent/file.nc"};
  bad_p.paths = bad;
  tw_climate *none = NULL;
  assert_all_ranks(tw_climate_read_mpi(&bad_p, MPI_COMM_WORLD, TW_SPLIT_ROWS, &none) == TW_ERR_INPUT);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_split_sums_equal_serial),
      cmocka_unit_test(test_streamed_chunks_equal_slab),
      cmocka_unit_test(test_reduce_equals_serial),
      cmocka_unit_test(test_bad_file_fails_on_every_rank),
  };
  int failed = cmocka_run_group_tests(tests, setup, teardown);
  MPI_Finalize();
  return failed ? 1 : 0;
}
