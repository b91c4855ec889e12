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
