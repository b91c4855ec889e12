/* OUT/run.json: what the run is about, for the report and for readers of
 * the outputs: descriptions, currency, baseline, value of lost load.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>

#include "run_internal.h"
#include "terrawatt/json.h"

tw_status tw_run_info_write(const tw_run_ctx *ctx) {
  const tw_scenario_file *s = ctx->scenario;
  char *path = NULL;
  tw_json j;
  TW_CHECK(tw_path_join(ctx->out_dir, "run.json", &path));
  tw_json_init(&j);
  tw_json_object_begin(&j);
  tw_json_kv_string(&j, "run", s->name);
  tw_json_kv_string(&j, "description", s->description); /* null when absent */
  tw_json_kv_string(&j, "currency", s->currency);
  tw_json_kv_string(&j, "baseline", s->baseline);
  tw_json_kv_number(&j, "load_shedding_cost", ctx->value_of_lost_load); /* currency/MWh */
  tw_json_key(&j, "scenarios");
  tw_json_array_begin(&j);
  for (size_t v = 0; v < ctx->n_variants; v++) {
    tw_json_object_begin(&j);
    tw_json_kv_string(&j, "name", ctx->variants[v].name);
    tw_json_kv_string(&j, "description", ctx->variants[v].description);
    tw_json_object_end(&j);
  }
  tw_json_array_end(&j);
  tw_json_object_end(&j);
  tw_status st = tw_json_write_file(&j, path);
  tw_json_free(&j);
  free(path);
  return st;
}
