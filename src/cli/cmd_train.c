/* terrawatt train: fit an MLP surrogate forecast model from a YAML
 * configuration and write it as NetCDF.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "terrawatt/forecast.h"
#include "terrawatt/log.h"

void tw_cmd_train_usage(FILE *out) {
  fprintf(out,
          "usage: terrawatt train CONFIG.yaml [--out MODEL.nc] [--json]\n\n"
          "Train an MLP surrogate forecast (point or quantiles) on the target and feature\n"
          "series named in CONFIG.yaml (see docs/FORECAST.md). The last validation_fraction\n"
          "of the time axis is held out for early stopping and skill scores; baselines\n"
          "(persistence, seasonal naive, hour-of-week climatology, OLS) are scored on it.\n"
          "Under mpirun, ranks share each mini-batch's gradient shards; the weights do not\n"
          "depend on the number of ranks. With training.federated, each rank trains on its\n"
          "own region's files (\"{rank}\" in file names is the rank) and the weights are\n"
          "averaged after every round (FedAvg).\n\n"
          "  --out MODEL.nc   model file to write (default model.nc), atomically\n"
          "  --json           print one JSON object (metadata, skill, importance)\n");
}

/* Configuration, features, holidays and dataset; in federated mode the
 * file names' "{rank}" becomes this rank's number. */
static tw_status load(const char *config_path, tw_forecast_config **cfg, tw_feature **features,
                      int *n_features, int64_t **holidays, size_t *n_holidays,
                      tw_forecast_dataset *ds) {
  TW_CHECK(tw_forecast_config_load(config_path, cfg));
  if (!(*cfg)->target)
    return tw_error(TW_ERR_INPUT, "%s: 'target' is required for training", config_path);
  if ((*cfg)->training->federated)
    TW_CHECK(tw_forecast_config_set_rank(*cfg, tw_cli_global.mpi_rank));
  TW_CHECK(tw_forecast_features_from_config(*cfg, features, n_features));
  TW_CHECK(tw_forecast_holidays_parse(*cfg, holidays, n_holidays));
  return tw_forecast_dataset_build(*cfg, *features, *n_features, (int)(*cfg)->horizon_h, *holidays,
                                   *n_holidays, ds);
}

int tw_cmd_train(int argc, char **argv) {
  const char *config_path = NULL, *out_path = "model.nc";
  int json = 0, rc = 0;
  tw_status st = TW_OK;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) json = 1;
    else if (strcmp(argv[i], "--out") == 0) {
      if (i + 1 >= argc) return tw_cli_usage_error("train", "--out needs a file name");
      out_path = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1])
      return tw_cli_usage_error("train", "unknown option '%s'", argv[i]);
    else if (!config_path) config_path = argv[i];
    else return tw_cli_usage_error("train", "unexpected argument '%s'", argv[i]);
  }
  if (!config_path) return tw_cli_usage_error("train", "missing CONFIG.yaml");
  if ((rc = tw_cli_require_path("train", config_path)) != 0) return rc;

  tw_forecast_config *cfg = NULL;
  tw_feature *features = NULL;
  int n_features = 0;
  int64_t *holidays = NULL;
  size_t n_holidays = 0;
  tw_forecast_dataset ds = {0};
  tw_backend *be = NULL;
  tw_forecast_model *model = NULL;
  st = load(config_path, &cfg, &features, &n_features, &holidays, &n_holidays, &ds);
  if (tw_cli_global.mpi_size > 1) {
    /* every rank must know that every rank loaded its data before the
     * collective training starts (federated ranks read different files) */
    int code = (int)st;
    MPI_Allreduce(MPI_IN_PLACE, &code, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (st == TW_OK && code != TW_OK)
      st = tw_error((tw_status)code, "%s: another rank failed to load its data (see its message)",
                    config_path);
  }
  if (st != TW_OK) goto cleanup;
  TW_CHECK_GOTO(st, tw_backend_create_on(tw_cli_global.backend, tw_cli_global.device, &be));
  tw_forecast_train_options opt = {
      .backend = be,
      .comm = tw_cli_global.mpi_size > 1 ? MPI_COMM_WORLD : MPI_COMM_NULL,
      .log_every = tw_log_get_level() >= TW_LOG_DEBUG ? 1 : 0,
  };
  TW_CHECK_GOTO(st, tw_forecast_train(cfg, features, n_features, holidays, n_holidays, &ds, &opt,
                                      &model));
  if (tw_cli_global.mpi_rank == 0) {
    TW_CHECK_GOTO(st, tw_forecast_model_write(model, out_path));
    if (json) {
      fputs("{\"status\":\"ok\",\"model_file\":", stdout);
      tw_fc_json_string(stdout, out_path);
      fprintf(stdout, ",\"backend\":\"%s\",\"model\":", tw_backend_name(be));
      tw_forecast_model_json(model, stdout);
      fputs("}\n", stdout);
    } else {
      tw_forecast_model_print(model, out_path, stdout);
    }
  }
cleanup:
  if (st != TW_OK) rc = tw_cli_fail("train", st);
  tw_forecast_model_free(&model);
  tw_backend_destroy(&be);
  tw_forecast_dataset_free(&ds);
  free(holidays);
  free(features);
  tw_forecast_config_free(&cfg);
  return rc;
}
