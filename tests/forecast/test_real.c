/* Real series (issue 19): the MLP must beat the best baseline by at least
 * 10 % RMSE on a final test block that training and model selection never
 * saw. Series from ../shared/data (skipped with exit 77 when absent):
 * - the BDEW H25 household profile (oemof/demandlib), hourly 2017-2019,
 *   German national holidays (calendar effects), h = 24 h;
 * - the PVWatts AC output of a real TMY year in Denver (pvlib), hourly,
 *   h = 1 h; at h = 24 h (no weather forecast among the inputs) the best
 *   baseline cannot be beaten by 10 % (docs/FORECAST.md has the numbers):
 *   there the MLP must only not lose by more than 5 %.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forecast/realdata.h"
#include "reference_data.h"
#include "terrawatt/forecast.h"

static char dir[256];

/* Train the configuration `yaml` (written into dir) and return the model. */
static tw_forecast_model *train(const char *name, const char *yaml) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s.yaml", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(yaml, f);
  fclose(f);
  tw_forecast_config *cfg = NULL;
  tw_feature *feat = NULL;
  int nf = 0;
  int64_t *hol = NULL;
  size_t nhol = 0;
  tw_forecast_dataset ds = {0};
  tw_backend *be = NULL;
  tw_forecast_model *m = NULL;
  tw_status st = tw_forecast_config_load(path, &cfg);
  if (st == TW_OK) st = tw_forecast_features_from_config(cfg, &feat, &nf);
  if (st == TW_OK) st = tw_forecast_holidays_parse(cfg, &hol, &nhol);
  if (st == TW_OK)
    st = tw_forecast_dataset_build(cfg, feat, nf, (int)cfg->horizon_h, hol, nhol, &ds);
  if (st == TW_OK) st = tw_backend_create(TW_BACKEND_CPU, &be);
  tw_forecast_train_options opt = {.backend = be, .comm = MPI_COMM_NULL};
  if (st == TW_OK) st = tw_forecast_train(cfg, feat, nf, hol, nhol, &ds, &opt, &m);
  if (st != TW_OK) fail_msg("%s: %s", name, tw_last_error());
  double skill = NAN;
  int best = tw_forecast_best_baseline(m, &skill);
  printf("%s: test block %s..%s (%zu rows): MLP RMSE %.4f, best baseline %s %.4f, skill %.4f\n",
         name, m->test_start, m->test_end, m->n_test, m->skill[TW_SKILL_MLP][TW_SKILL_RMSE],
         tw_skill_method_names[best], m->skill[best][TW_SKILL_RMSE], skill);
  tw_backend_destroy(&be);
  tw_forecast_dataset_free(&ds);
  free(feat);
  free(hol);
  tw_forecast_config_free(&cfg);
  return m;
}

static double skill_of(const tw_forecast_model *m) {
  double s = NAN;
  tw_forecast_best_baseline(m, &s);
  return s;
}

static void test_bdew_calendar(void **state) {
  (void)state;
  tw_forecast_model *m = train("bdew", "target: {file: bdew.csv, column: load, units: MW}\n"
                                       "horizon_h: 24\n"
                                       "features:\n"
                                       "  calendar: [hour_of_day, day_of_week, day_of_year, "
                                       "holiday, bridge_day]\n"
                                       "  holidays_country: DE\n"
                                       "  lags: true\n"
                                       "model: {hidden: [32, 32], residual: seasonal_naive, "
                                       "ensemble: 3}\n"
                                       "training: {learning_rate: 0.003, schedule: cosine, "
                                       "epochs: 60}\n");
  /* measured: MLP 2.69 MW vs OLS 5.25 MW, skill 0.487 */
  assert_true(skill_of(m) >= 0.10);
  assert_string_equal(tw_forecast_exogenous_timing(m), "none");
  tw_forecast_model_free(&m);
}

static void test_pv(void **state) {
  (void)state;
  tw_forecast_model *m = train("pv1", "target: {file: pv.csv, column: ac, units: kW}\n"
                                      "horizon_h: 1\n"
                                      "features: {calendar: [hour_of_day], lags: true, "
                                      "rolling: true}\n"
                                      "model: {hidden: [32, 32], ensemble: 3}\n"
                                      "training: {learning_rate: 0.003, schedule: cosine, "
                                      "epochs: 60}\n");
  /* measured: MLP 0.2751 kW vs OLS 0.3124 kW, skill 0.1195 */
  assert_true(skill_of(m) >= 0.10);
  tw_forecast_model_free(&m);
  m = train("pv24", "target: {file: pv.csv, column: ac, units: kW}\n"
                    "horizon_h: 24\n"
                    "features: {calendar: [hour_of_day], lags: true, rolling: true}\n"
                    "model: {hidden: [32, 32], ensemble: 3}\n"
                    "training: {learning_rate: 0.003, schedule: cosine, epochs: 60}\n");
  /* measured: skill 0.012 against OLS; tomorrow's clouds are not in the inputs */
  assert_true(skill_of(m) > -0.05);
  tw_forecast_model_free(&m);
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/tw_fc_real_XXXXXX");
  if (!mkdtemp(dir)) return -1;
  return tw_real_bdew(dir, 2017, 3, 1) == 0 && tw_real_pv(dir, 2019) == 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  char probe[1200];
  snprintf(probe, sizeof probe, "%s/load/bdew_h25.csv", tw_real_reference_dir());
  char probe2[1200];
  snprintf(probe2, sizeof probe2, "%s/pv/pvwatts_8760_rackmount.csv", tw_real_reference_dir());
  if (access(probe, R_OK) != 0) return tw_reference_data_absent(probe);
  if (access(probe2, R_OK) != 0) return tw_reference_data_absent(probe2);
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_bdew_calendar), cmocka_unit_test(test_pv)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
