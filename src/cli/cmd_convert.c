/* terrawatt convert CONFIG.yaml [--out FILE.nc] [--json]: weather to
 * per-bus capacity factors and degree-hours (docs/CONVERT.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "terrawatt/convert_config.h"
#include "terrawatt/json.h"

void tw_cmd_convert_usage(FILE *out) {
  fprintf(out,
          "usage: terrawatt convert CONFIG.yaml [--out FILE.nc] [--json]\n\n"
          "Convert climate data into per-bus wind and PV capacity factors (p_max_pu) and\n"
          "heating/cooling degree-hours, written as NetCDF (default convert.nc).\n"
          "--json prints a summary object on stdout. See docs/CONVERT.md.\n");
}

int tw_cmd_convert(int argc, char **argv) {
  const char *config = NULL, *out = "convert.nc";
  int json = 0;
  for (int i = 1; i < argc; i++) {
    if (tw_cli_is_help(argv[i])) {
      tw_cmd_convert_usage(stdout);
      return 0;
    } else if (!strcmp(argv[i], "--out")) {
      if (i + 1 >= argc) return tw_cli_usage_error("convert", "--out needs a file name");
      out = argv[++i];
    } else if (!strcmp(argv[i], "--json")) {
      json = 1;
    } else if (argv[i][0] == '-') {
      return tw_cli_usage_error("convert", "unknown option '%s'", argv[i]);
    } else if (!config) {
      config = argv[i];
    } else {
      return tw_cli_usage_error("convert", "unexpected argument '%s'", argv[i]);
    }
  }
  if (!config) return tw_cli_usage_error("convert", "missing CONFIG.yaml");
  int rc = tw_cli_require_path("convert", config);
  if (rc) return rc;
  if ((rc = tw_cli_check_out_path("convert", "--out", out, 0))) return rc;
  tw_convert_config *cfg = NULL;
  tw_backend *be = NULL;
  tw_convert_summary sum;
  memset(&sum, 0, sizeof sum);
  tw_status st = tw_convert_config_load(config, &cfg);
  if (st == TW_OK) st = tw_backend_create_on(tw_cli_global.backend, tw_cli_global.device, &be);
  if (st == TW_OK) st = tw_convert_run(cfg, be, out, &sum);
  if (st == TW_OK && json) {
    tw_json j;
    tw_json_init(&j);
    tw_json_object_begin(&j);
    tw_json_kv_string(&j, "status", "ok");
    tw_json_kv_string(&j, "output", out);
    tw_json_kv_string(&j, "backend", tw_backend_name(be));
    tw_json_kv_int(&j, "buses", (long long)sum.nbus);
    tw_json_kv_int(&j, "cells", (long long)sum.ncell);
    tw_json_kv_int(&j, "times", (long long)sum.ntime);
    tw_json_kv_number(&j, "wind_cf_mean", sum.wind_cf_mean);
    tw_json_kv_number(&j, "solar_cf_mean", sum.solar_cf_mean);
    tw_json_kv_number(&j, "heating_degree_hours", sum.hdh_sum_Kh);
    tw_json_kv_number(&j, "cooling_degree_hours", sum.cdh_sum_Kh);
    tw_json_kv_number(&j, "seconds", sum.seconds);
    tw_json_object_end(&j);
    const char *text = tw_json_text(&j);
    if (text) printf("%s\n", text);
    tw_json_free(&j);
  } else if (st == TW_OK) {
    fprintf(stderr, "terrawatt convert: wrote %s (%zu buses x %zu times, %zu cells)\n", out,
            sum.nbus, sum.ntime, sum.ncell);
  }
  tw_backend_destroy(&be);
  tw_convert_config_destroy(&cfg);
  return st == TW_OK ? 0 : tw_cli_fail("convert", st);
}
