/* Data-parallel training over MPI gives the same weights as serial
 * training with the same gradient shards (run under mpirun -np 1 and 2).
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
#include <unistd.h>

#include "forecast/synth.h"
#include "mpi_assert.h"
#include "terrawatt/forecast.h"

static int rank = 0, size = 1;
static char dir[64] = "/tmp/tw_forecast_mpi_XXXXXX", yaml[128];

static int train(const char *path, MPI_Comm comm, tw_forecast_model **out) {
  tw_forecast_config *cfg = NULL;
  tw_feature *f = NULL;
  int n = 0, rc = 1;
  tw_forecast_dataset ds = {0};
  tw_backend *be = NULL;
  if (tw_forecast_config_load(path, &cfg) == TW_OK &&
      tw_forecast_features_from_config(cfg, &f, &n) == TW_OK &&
      tw_forecast_dataset_build(cfg, f, n, (int)cfg->horizon_h, NULL, 0, &ds) == TW_OK &&
      tw_backend_create(TW_BACKEND_CPU, &be) == TW_OK) {
    tw_forecast_train_options opt = {.backend = be, .comm = comm, .log_every = 0};
    rc = tw_forecast_train(cfg, f, n, NULL, 0, &ds, &opt, out) == TW_OK ? 0 : 1;
  }
  if (rc) fprintf(stderr, "train: %s\n", tw_last_error());
  tw_backend_destroy(&be);
  tw_forecast_dataset_free(&ds);
  free(f);
  tw_forecast_config_free(&cfg);
  return rc;
}

/* Collective: rank 0 writes the series and the config; every rank agrees. */
static int setup(void **state) {
  (void)state;
  int rc = 0;
  if (rank == 0 && (!mkdtemp(dir) || tw_synth_write(dir, 24 * 7 * 12, 4, -1) != 0)) rc = 1;
  snprintf(yaml, sizeof yaml, "%s/mpi.yaml", dir);
  if (rank == 0 && !rc) {
    FILE *y = fopen(yaml, "w");
    if (!y) rc = 1;
    else {
      fputs("target: {file: demand.csv, column: load}\n"
            "features: {calendar: [hour_of_day, day_of_week], lags: true,\n"
            "           exogenous: [{name: t, file: weather.csv, column: t2m}]}\n"
            "model: {hidden: [16, 16], activation: tanh, quantiles: [0.1, 0.5, 0.9]}\n"
            "training: {epochs: 8, batch_size: 64, shards: 4, seed: 9, weight_decay: 0.001}\n",
            y);
      if (fclose(y) != 0) rc = 1;
    }
  }
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Bcast(dir, sizeof dir, MPI_CHAR, 0, MPI_COMM_WORLD);
  snprintf(yaml, sizeof yaml, "%s/mpi.yaml", dir);
  return rc ? -1 : 0;
}

static int teardown(void **state) {
  (void)state;
  int rc = 0;
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) rc = 1;
  }
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return rc ? -1 : 0;
}

static void test_parallel_training_equals_serial(void **state) {
  (void)state;
  tw_forecast_model *par = NULL, *ser = NULL;
  int rc = train(yaml, MPI_COMM_WORLD, &par);
  if (!rc) rc = train(yaml, MPI_COMM_NULL, &ser);
  int same = !rc && par->n_params == ser->n_params &&
             memcmp(par->params, ser->params, par->n_params * sizeof(float)) == 0;
  if (!rc && !same) {
    size_t diff = 0;
    for (size_t i = 0; i < par->n_params && i < ser->n_params; i++) diff += par->params[i] != ser->params[i];
    fprintf(stderr, "rank %d: %zu of %zu weights differ between %d ranks and serial\n", rank, diff,
            par->n_params, size);
  } else if (same && rank == 0) {
    printf("%d rank(s): %zu weights identical to serial training (4 shards); valid loss %.6f\n",
           size, par->n_params, par->best_valid_loss);
  }
  tw_forecast_model_free(&par);
  tw_forecast_model_free(&ser);
  assert_all_ranks(rc == 0);
  assert_all_ranks(same);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_parallel_training_equals_serial)};
  int failed = cmocka_run_group_tests(tests, setup, teardown);
  MPI_Finalize();
  return failed ? 1 : 0;
}
