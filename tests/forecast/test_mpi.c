/* Data-parallel training over MPI gives the same weights as serial
 * training with the same gradient shards (run under mpirun -np 1 and 2).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forecast/synth.h"
#include "terrawatt/forecast.h"

static int train(const char *yaml, MPI_Comm comm, tw_forecast_model **out) {
  tw_forecast_config *cfg = NULL;
  tw_feature *f = NULL;
  int n = 0, rc = 1;
  tw_forecast_dataset ds = {0};
  tw_backend *be = NULL;
  if (tw_forecast_config_load(yaml, &cfg) == TW_OK &&
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

int main(int argc, char **argv) {
  int rank = 0, size = 1, rc = 0;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  char dir[64] = "/tmp/tw_forecast_mpi_XXXXXX", yaml[128];
  if (rank == 0 && (!mkdtemp(dir) || tw_synth_write(dir, 24 * 7 * 12, 4, -1) != 0)) rc = 1;
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Bcast(dir, sizeof dir, MPI_CHAR, 0, MPI_COMM_WORLD);
  if (rc) goto done;
  snprintf(yaml, sizeof yaml, "%s/mpi.yaml", dir);
  if (rank == 0) {
    FILE *y = fopen(yaml, "w");
    fputs("target: {file: demand.csv, column: load}\n"
          "features: {calendar: [hour_of_day, day_of_week], lags: true,\n"
          "           exogenous: [{name: t, file: weather.csv, column: t2m}]}\n"
          "model: {hidden: [16, 16], activation: tanh, quantiles: [0.1, 0.5, 0.9]}\n"
          "training: {epochs: 8, batch_size: 64, shards: 4, seed: 9, weight_decay: 0.001}\n",
          y);
    fclose(y);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  tw_forecast_model *par = NULL, *ser = NULL;
  rc = train(yaml, MPI_COMM_WORLD, &par);
  if (!rc) rc = train(yaml, MPI_COMM_NULL, &ser);
  if (!rc) {
    if (par->n_params != ser->n_params ||
        memcmp(par->params, ser->params, par->n_params * sizeof(float)) != 0) {
      size_t diff = 0;
      for (size_t i = 0; i < par->n_params; i++) diff += par->params[i] != ser->params[i];
      fprintf(stderr, "rank %d: %zu of %zu weights differ between %d ranks and serial\n", rank,
              diff, par->n_params, size);
      rc = 1;
    } else if (rank == 0) {
      printf("%d rank(s): %zu weights identical to serial training (4 shards); valid loss %.6f\n",
             size, par->n_params, par->best_valid_loss);
    }
  }
  tw_forecast_model_free(&par);
  tw_forecast_model_free(&ser);
  MPI_Allreduce(MPI_IN_PLACE, &rc, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) rc = 1;
  }
done:
  MPI_Finalize();
  return rc;
}
