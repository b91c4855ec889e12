/* terrawatt inspect MODEL.nc: metadata, skill and permutation importance
 * of a forecast model (docs/FORECAST.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>

#include "cli.h"
#include "terrawatt/forecast.h"

int tw_cmd_inspect_model(const char *path, int json);

int tw_cmd_inspect_model(const char *path, int json) {
  tw_forecast_model *m = NULL;
  tw_status st = tw_forecast_model_read(path, &m);
  if (st != TW_OK) return tw_cli_fail("inspect", st);
  if (json) {
    printf("{\"file\":");
    tw_fc_json_string(stdout, path);
    printf(",\"kind\":\"forecast_model\",\"model\":");
    tw_forecast_model_json(m, stdout);
    printf("}\n");
  } else {
    tw_forecast_model_print(m, path, stdout);
  }
  tw_forecast_model_free(&m);
  return 0;
}
