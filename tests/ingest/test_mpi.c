/* MPI-decomposed ingest: the same decoded sums under -np 1 and -np 2
 * (each rank reads only its slab, split by rows and by time). Uses the
 * bundled example's cutout, written by rank 0. */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "terrawatt/ingest_mpi.h"

static int check(int ok, const char *what) {
  if (!ok) fprintf(stderr, "FAIL: %s\n", what);
  return ok ? 0 : 1;
}

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
 * times of the whole read `whole`. */
static int chunks_equal(tw_climate_reader *r, const tw_climate *whole) {
  int fails = 0;
  size_t seen = 0;
  const tw_climate *c = NULL;
  while (tw_climate_reader_next(r, &c) == TW_OK && c) {
    for (size_t v = 0; v < c->nvar; v++)
      fails += check(memcmp(c->vars[v].data, whole->vars[v].data + (c->time_offset - whole->time_offset) * c->ncell,
                            c->ntime * c->ncell * sizeof(float)) == 0,
                     "chunked values equal the whole read bit for bit");
    fails += check(c->time[0] == whole->time[c->time_offset - whole->time_offset], "chunk times");
    seen += c->ntime;
  }
  fails += check(seen == whole->ntime, "chunks cover the slab");
  return fails;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size, fails = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  char dir[256] = "/tmp/tw_ingest_mpi_XXXXXX";
  if (rank == 0 && (!mkdtemp(dir) || tw_example_write(dir) != TW_OK)) {
    fprintf(stderr, "cannot write the example: %s\n", tw_last_error());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Bcast(dir, sizeof dir, MPI_CHAR, 0, MPI_COMM_WORLD);
  char path[512];
  snprintf(path, sizeof path, "%s/cutout.nc", dir);
  const char *paths[] = {path};
  const char *vars[] = {"u100", "ssrd"};
  tw_ingest_params p;
  tw_ingest_params_default(&p);
  p.paths = paths;
  p.npaths = 1;
  p.variables = vars;
  p.nvariables = 2;

  /* serial reference on every rank */
  tw_climate *all = NULL;
  fails += check(tw_climate_read(&p, &all) == TW_OK, "serial read");
  double want[2] = {0, 0};
  for (size_t v = 0; v < 2 && all; v++)
    for (size_t i = 0; i < all->ntime * all->ncell; i++) want[v] += all->vars[v].data[i];

  for (int split = 0; split < 2; split++) {
    tw_climate *mine = NULL;
    tw_status st = tw_climate_read_mpi(&p, MPI_COMM_WORLD, (tw_ingest_split)split, &mine);
    fails += check(st == TW_OK, tw_last_error());
    double sums[2] = {0, 0};
    for (size_t v = 0; v < 2 && mine; v++)
      for (size_t i = 0; i < mine->ntime * mine->ncell; i++) sums[v] += mine->vars[v].data[i];
    if (mine && size > 1)
      fails += check(split == 0 ? mine->nlat < mine->nlat_total : mine->ntime < mine->ntime_total,
                     "a rank reads only part of the data");
    fails += check(tw_ingest_allreduce_sum(sums, 2, MPI_COMM_WORLD) == TW_OK, "allreduce");
    for (int v = 0; v < 2; v++)
      fails += check(fabs(sums[v] - want[v]) <= 1e-9 * fabs(want[v]), "sum over ranks equals serial sum");
    if (rank == 0)
      printf("split %s, %d rank(s): sum u100 %.6f (serial %.6f), sum ssrd %.3f (serial %.3f)\n",
             split ? "time" : "rows", size, sums[0], want[0], sums[1], want[1]);
    tw_climate_destroy(&mine);
  }
  /* streaming: every rank's chunks (7 steps: not a divisor of 336) equal
   * its whole slab bit for bit, for both splits */
  for (int split = 0; split < 2; split++) {
    tw_climate *mine = NULL;
    tw_climate_reader *r = NULL;
    fails += check(tw_climate_read_mpi(&p, MPI_COMM_WORLD, (tw_ingest_split)split, &mine) == TW_OK, tw_last_error());
    fails += check(tw_climate_reader_open_mpi(&p, MPI_COMM_WORLD, (tw_ingest_split)split, 7, &r) == TW_OK,
                   tw_last_error());
    if (mine && r) fails += chunks_equal(r, mine);
    tw_climate_reader_close(&r);
    tw_climate_destroy(&mine);
  }
  /* the collective helper: per-cell and per-time sums equal the serial
   * ones exactly (so -np 1 and -np 2 agree bit for bit); per-bus sums over
   * several rows to 1e-12 */
  if (all) {
    acc a = {all->nlon, 3};
    size_t nc = all->ncell, ns = nc + a.nbus;
    double *got = calloc(ns, sizeof *got), *ref = calloc(ns, sizeof *ref);
    double *tgot = calloc(all->ntime, sizeof *tgot), *tref = calloc(all->ntime, sizeof *tref);
    for (size_t t = 0; t < all->ntime; t++)
      for (size_t i = 0; i < nc; i++) {
        ref[i] += all->vars[0].data[t * nc + i];
        ref[nc + (i / a.nlon) % a.nbus] += all->vars[1].data[t * nc + i];
        tref[t] += all->vars[1].data[t * nc + i];
      }
    fails += check(tw_climate_reduce_mpi(&p, MPI_COMM_WORLD, TW_SPLIT_ROWS, 5, acc_cells, &a, got, ns) == TW_OK,
                   tw_last_error());
    size_t diff = 0;
    for (size_t i = 0; i < nc; i++) diff += got[i] != ref[i];
    fails += check(diff == 0, "per-cell sums identical to the serial ones");
    for (size_t b = 0; b < a.nbus; b++)
      fails += check(fabs(got[nc + b] - ref[nc + b]) <= 1e-12 * fabs(ref[nc + b]), "per-bus sums");
    fails += check(tw_climate_reduce_mpi(&p, MPI_COMM_WORLD, TW_SPLIT_TIME, 5, acc_times, NULL, tgot, all->ntime) ==
                       TW_OK,
                   tw_last_error());
    size_t tdiff = 0;
    double check_cells = 0, check_times = 0;
    for (size_t t = 0; t < all->ntime; t++) tdiff += tgot[t] != tref[t];
    fails += check(tdiff == 0, "per-time sums identical to the serial ones");
    for (size_t i = 0; i < nc; i++) check_cells += got[i];
    for (size_t t = 0; t < all->ntime; t++) check_times += tgot[t];
    if (rank == 0)
      printf("reduce, %d rank(s): per-cell u100 sums total %.17g, per-time ssrd sums total %.17g, bus 0 %.17g\n",
             size, check_cells, check_times, got[nc]);
    /* a failing accumulator fails on every rank */
    fails += check(tw_climate_reduce_mpi(&p, MPI_COMM_WORLD, TW_SPLIT_TIME, 5, acc_times, NULL, tgot, 1) != TW_OK,
                   "accumulator error on all ranks");
    free(got);
    free(ref);
    free(tgot);
    free(tref);
  }
  /* a bad file fails on every rank */
  const char *bad[] = {"/nonexistent/file.nc"};
  p.paths = bad;
  tw_climate *none = NULL;
  fails += check(tw_climate_read_mpi(&p, MPI_COMM_WORLD, TW_SPLIT_ROWS, &none) == TW_ERR_INPUT, "error on all ranks");
  tw_climate_destroy(&all);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fails++;
  }
  int total = 0;
  MPI_Allreduce(&fails, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return total ? 1 : 0;
}
