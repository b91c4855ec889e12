/* terrawatt forecast: apply a trained model to the series named in a
 * configuration and write the forecasts as NetCDF.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "terrawatt/forecast.h"
#include "terrawatt/log.h"

void tw_cmd_forecast_usage(FILE *out) {
  fprintf(out,
          "usage: terrawatt forecast MODEL.nc CONFIG.yaml [--out FILE.nc] [--json]\n\n"
          "Forecast with a model written by 'terrawatt train'. CONFIG.yaml names the series\n"
          "(same format as for train; its model and training sections are ignored): the\n"
          "exogenous features the model uses and, when the model uses lags, the target\n"
          "history. Where the target is known the forecast is scored against it.\n\n"
          "  --out FILE.nc    forecasts to write (default forecast.nc), atomically\n"
          "  --json           print one JSON object (rows, skill where the truth is known)\n");
}

int tw_cmd_forecast(int argc, char **argv) {
  const char *model_path = NULL, *config_path = NULL, *out_path = "forecast.nc";
  int json = 0, rc = 0;
  tw_status st = TW_OK;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) json = 1;
    else if (strcmp(argv[i], "--out") == 0) {
      if (i + 1 >= argc) return tw_cli_usage_error("forecast", "--out needs a file name");
      out_path = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1])
      return tw_cli_usage_error("forecast", "unknown option '%s'", argv[i]);
    else if (!model_path) model_path = argv[i];
    else if (!config_path) config_path = argv[i];
    else return tw_cli_usage_error("forecast", "unexpected argument '%s'", argv[i]);
  }
  if (!model_path || !config_path)
    return tw_cli_usage_error("forecast", "expected MODEL.nc and CONFIG.yaml");
  if ((rc = tw_cli_require_path("forecast", model_path)) != 0) return rc;
  if ((rc = tw_cli_require_path("forecast", config_path)) != 0) return rc;

  tw_forecast_config *cfg = NULL;
  tw_forecast_model *model = NULL;
  tw_forecast_dataset ds = {0};
  tw_backend *be = NULL;
  float *pred = NULL, *yk = NULL;
  TW_CHECK_GOTO(st, tw_forecast_model_read(model_path, &model));
  TW_CHECK_GOTO(st, tw_forecast_config_load(config_path, &cfg));
  if (cfg->horizon_h != (unsigned)model->horizon_h && cfg->horizon_h != 1)
    TW_LOG_W("%s: horizon_h %u ignored; the model forecasts %d h ahead", config_path,
             cfg->horizon_h, model->horizon_h);
  TW_CHECK_GOTO(st, tw_forecast_dataset_build(cfg, model->features, model->n_features,
                                              model->horizon_h, model->holiday_days,
                                              model->n_holidays, &ds));
  if (ds.step_s != model->step_s) {
    st = tw_error(TW_ERR_INPUT, "%s: the series have a time step of %lld s but the model was "
                                "trained on %lld s",
                  config_path, (long long)ds.step_s, (long long)model->step_s);
    goto cleanup;
  }
  const int nout = tw_forecast_model_outputs(model);
  TW_CHECK_GOTO(st, tw_calloc(ds.n_rows * (size_t)nout, sizeof *pred, "forecasts", &pred));
  TW_CHECK_GOTO(st, tw_backend_create_on(tw_cli_global.backend, tw_cli_global.device, &be));
  TW_CHECK_GOTO(st, tw_forecast_predict(model, be, ds.x, ds.n_rows, pred));
  if (tw_cli_global.mpi_rank == 0) {
    TW_CHECK_GOTO(st, tw_forecast_output_write(out_path, model, &ds, pred));
    double metrics[TW_SKILL_METRICS];
    int nq = model->spec.quantile_count;
    if (ds.have_target)
      tw_forecast_skill(pred, nout, tw_forecast_model_point_index(model), model->spec.quantiles,
                        nq, nq >= 2, ds.y, ds.n_rows, metrics);
    char t0[32], t1[32];
    tw_time_format(TW_CAL_STANDARD, ds.time_s[0], t0, sizeof t0);
    tw_time_format(TW_CAL_STANDARD, ds.time_s[ds.n_rows - 1], t1, sizeof t1);
    if (json) {
      fputs("{\"status\":\"ok\",\"output\":", stdout);
      tw_fc_json_string(stdout, out_path);
      fprintf(stdout, ",\"backend\":\"%s\",\"rows\":%zu,\"start\":\"%s\",\"end\":\"%s\",\"skill\":",
              tw_backend_name(be), ds.n_rows, t0, t1);
      if (ds.have_target) {
        fputc('{', stdout);
        for (int j = 0; j < TW_SKILL_METRICS; j++) {
          fprintf(stdout, "%s\"%s\":", j ? "," : "", tw_skill_metric_names[j]);
          tw_fc_json_number(stdout, metrics[j]);
        }
        fputc('}', stdout);
      } else {
        fputs("null", stdout);
      }
      fputs("}\n", stdout);
    } else {
      printf("forecast: %s, %zu times %s..%s\n", out_path, ds.n_rows, t0, t1);
      if (ds.have_target)
        printf("skill against the target: MAE %.5g RMSE %.5g pinball %.5g P10-P90 coverage %.4g\n",
               metrics[0], metrics[1], metrics[2], metrics[3]);
    }
  }
cleanup:
  if (st != TW_OK) rc = tw_cli_fail("forecast", st);
  free(pred);
  free(yk);
  tw_backend_destroy(&be);
  tw_forecast_dataset_free(&ds);
  tw_forecast_model_free(&model);
  tw_forecast_config_free(&cfg);
  return rc;
}
