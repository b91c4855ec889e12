/* Forecast training end to end on synthetic demand: skill against the
 * noise floor and the baselines, model file round trip, determinism, and
 * dataset checks (gaps, units, alignment).
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

#include "forecast/synth.h"
#include "terrawatt/forecast.h"

static char dir[256];

static void write_file(const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static const char *config_point =
    "target: {file: demand.csv, column: load, units: MW}\n"
    "horizon_h: 24\n"
    "features:\n"
    "  calendar: [hour_of_day, day_of_week, holiday]\n"
    "  holidays: ['2019-01-01', '2019-04-19', '2019-04-22']\n"
    "  lags: true\n"
    "  exogenous:\n"
    "    - {name: temperature, file: weather.csv, column: t2m, units: K, timing: forecast}\n"
    "model: {hidden: [32, 32], activation: gelu, residual: ols, ensemble: 3}\n"
    "training: {epochs: 80, batch_size: 64, learning_rate: 0.003, weight_decay: 0.0001,\n"
    "           validation_fraction: 0.2, patience: 15, seed: 3, shards: 2, schedule: cosine}\n";

typedef struct trained {
  tw_forecast_config *cfg;
  tw_feature *features;
  int n_features;
  int64_t *holidays;
  size_t n_holidays;
  tw_forecast_dataset ds;
  tw_forecast_model *model;
} trained;

static void train_config(const char *yaml_name, trained *t) {
  char path[512];
  memset(t, 0, sizeof *t);
  snprintf(path, sizeof path, "%s/%s", dir, yaml_name);
  assert_int_equal(tw_forecast_config_load(path, &t->cfg), TW_OK);
  assert_int_equal(tw_forecast_features_from_config(t->cfg, &t->features, &t->n_features), TW_OK);
  assert_int_equal(tw_forecast_holidays_parse(t->cfg, &t->holidays, &t->n_holidays), TW_OK);
  tw_status st = tw_forecast_dataset_build(t->cfg, t->features, t->n_features,
                                           (int)t->cfg->horizon_h, t->holidays, t->n_holidays,
                                           &t->ds);
  if (st != TW_OK) fail_msg("%s", tw_last_error());
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  tw_forecast_train_options opt = {.backend = be, .comm = MPI_COMM_NULL, .log_every = 0};
  st = tw_forecast_train(t->cfg, t->features, t->n_features, t->holidays, t->n_holidays, &t->ds,
                         &opt, &t->model);
  if (st != TW_OK) fail_msg("%s", tw_last_error());
  tw_backend_destroy(&be);
}

static void trained_free(trained *t) {
  tw_forecast_model_free(&t->model);
  tw_forecast_dataset_free(&t->ds);
  free(t->features);
  free(t->holidays);
  tw_forecast_config_free(&t->cfg);
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/tw_forecast_XXXXXX");
  if (!mkdtemp(dir)) return -1;
  if (tw_synth_write(dir, 24 * 365, 5, -1) != 0) return -1; /* one year */
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static void test_features(void **state) {
  (void)state;
  write_file("point.yaml", config_point);
  char path[512];
  snprintf(path, sizeof path, "%s/point.yaml", dir);
  tw_forecast_config *cfg = NULL;
  assert_int_equal(tw_forecast_config_load(path, &cfg), TW_OK);
  tw_feature *f = NULL;
  int n = 0;
  assert_int_equal(tw_forecast_features_from_config(cfg, &f, &n), TW_OK);
  /* 4 calendar sin/cos + holiday + lags h, h + step, 48 h, 168 h, 336 h (24 h = h; nothing
   * below h) + temperature */
  assert_int_equal(n, 11);
  assert_string_equal(f[0].name, "hour_of_day_sin");
  assert_string_equal(f[3].name, "day_of_week_cos");
  assert_string_equal(f[4].name, "holiday");
  assert_string_equal(f[5].name, "lag_24h");
  assert_string_equal(f[6].name, "lag_25h");
  assert_string_equal(f[7].name, "lag_48h");
  assert_string_equal(f[8].name, "lag_168h");
  assert_string_equal(f[9].name, "lag_336h");
  assert_string_equal(f[10].name, "exo:temperature@forecast");
  assert_string_equal(f[10].units, "K");
  assert_int_equal(f[10].at_issue, 0);
  free(f);
  tw_forecast_config_free(&cfg);
}

static void test_train_point(void **state) {
  (void)state;
  write_file("point.yaml", config_point);
  trained t;
  train_config("point.yaml", &t);
  tw_forecast_model *m = t.model;
  printf("point model: epochs %d (best %d), %zu train / %zu validation samples, hash %s\n",
         m->epochs_run, m->best_epoch, m->n_train, m->n_valid, m->data_hash);
  for (int i = 0; i < TW_SKILL_METHODS; i++)
    printf("  %-26s MAE %8.4f RMSE %8.4f MW\n", tw_skill_method_names[i],
           m->skill[i][TW_SKILL_MAE], m->skill[i][TW_SKILL_RMSE]);
  for (int k = 0; k < m->n_features; k++)
    printf("  importance %-18s %8.4f MW\n", m->features[k].name, m->importance[k]);
  double rmse = m->skill[TW_SKILL_MLP][TW_SKILL_RMSE];
  /* the noise floor is TW_SYNTH_NOISE_MW; stated tolerance on the final test block (the last
   * 20 %, never seen by training or early stopping): within 12 % (measured 2.209 MW, 10.4 %;
   * one network without the OLS residual and the 3-seed ensemble: 2.37 MW) */
  assert_true(rmse < 1.12 * TW_SYNTH_NOISE_MW);
  for (int i = 1; i < TW_SKILL_METHODS; i++)
    assert_true(rmse < m->skill[i][TW_SKILL_RMSE]);
  assert_true(isnan(m->skill[TW_SKILL_MLP][TW_SKILL_COVERAGE]));
  /* temperature drives the demand: it must matter more than the holiday flag */
  assert_true(m->importance[10] > m->importance[4]);

  /* round trip: bit-identical predictions */
  char path[512];
  snprintf(path, sizeof path, "%s/model.nc", dir);
  assert_int_equal(tw_forecast_model_write(m, path), TW_OK);
  tw_forecast_model *back = NULL;
  tw_status st = tw_forecast_model_read(path, &back);
  if (st != TW_OK) fail_msg("%s", tw_last_error());
  assert_int_equal(back->n_params, m->n_params);
  assert_int_equal(back->members, 3);
  assert_int_equal(back->residual, TW_RESIDUAL_OLS);
  assert_memory_equal(back->params, m->params, 3 * m->n_params * sizeof(float));
  assert_memory_equal(back->residual_coef, m->residual_coef,
                      (size_t)(m->n_features + 1) * sizeof(double));
  assert_string_equal(back->data_hash, m->data_hash);
  assert_int_equal(back->n_holidays, 3);
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  size_t n = t.ds.n_rows;
  float *p1 = malloc(n * sizeof *p1), *p2 = malloc(n * sizeof *p2);
  assert_int_equal(tw_forecast_predict(m, be, t.ds.x, n, p1), TW_OK);
  assert_int_equal(tw_forecast_predict(back, be, t.ds.x, n, p2), TW_OK);
  assert_memory_equal(p1, p2, n * sizeof *p1);
  for (int i = 0; i < TW_SKILL_METHODS; i++)
    assert_memory_equal(back->skill[i], m->skill[i], sizeof m->skill[i]);

  /* determinism: the same seed gives the same weights */
  trained again;
  train_config("point.yaml", &again);
  assert_memory_equal(again.model->params, m->params, 3 * m->n_params * sizeof(float));
  trained_free(&again);
  free(p1);
  free(p2);
  tw_backend_destroy(&be);
  tw_forecast_model_free(&back);
  trained_free(&t);
}

static void test_train_quantiles(void **state) {
  (void)state;
  write_file("quant.yaml",
             "target: {file: demand.csv, column: load, units: MW}\n"
             "horizon_h: 1\n"
             "features:\n"
             "  calendar: [hour_of_day, day_of_week]\n"
             "  lags: true\n"
             "  exogenous: [{name: temperature, file: weather.csv, column: t2m, timing: forecast}]\n"
             "model: {hidden: [32], activation: relu, quantiles: [0.1, 0.5, 0.9], residual: ols,\n"
             "        ensemble: 3}\n"
             "training: {epochs: 40, batch_size: 128, learning_rate: 0.003, seed: 1}\n");
  trained t;
  train_config("quant.yaml", &t);
  double cov = t.model->skill[TW_SKILL_MLP][TW_SKILL_COVERAGE];
  printf("quantile model: P10-P90 coverage %.3f, pinball %.4f (persistence %.4f)\n", cov,
         t.model->skill[TW_SKILL_MLP][TW_SKILL_PINBALL],
         t.model->skill[TW_SKILL_PERSISTENCE][TW_SKILL_PINBALL]);
  /* on the final test block: measured 0.758 (one network without the OLS residual: 0.731) */
  assert_true(fabs(cov - 0.8) <= 0.06);
  assert_true(t.model->skill[TW_SKILL_MLP][TW_SKILL_PINBALL] <
              t.model->skill[TW_SKILL_OLS][TW_SKILL_PINBALL]);
  /* lags with h = 1: t-1, t-2 (h + step), t-24, t-48, t-168, t-336 */
  assert_string_equal(t.features[4].name, "lag_1h");
  assert_string_equal(t.features[5].name, "lag_2h");
  assert_string_equal(t.features[9].name, "lag_336h");
  trained_free(&t);
}

/* Feature values against the series: lags and rolling windows end at the
 * issue time t - h, exogenous inputs are taken at t - h unless declared a
 * forecast product, degree-hours follow the temperature, national holidays
 * and bridge days fall on the right dates. */
static void test_feature_values(void **state) {
  (void)state;
  write_file("values.yaml",
             "target: {file: demand.csv, column: load, units: MW}\n"
             "horizon_h: 24\n"
             "features:\n"
             "  calendar: [holiday, bridge_day]\n"
             "  holidays_country: DE\n"
             "  lags: true\n"
             "  rolling: true\n"
             "  exogenous:\n"
             "    - {name: t, file: weather.csv, column: t2m, units: K}\n"
             "    - {name: tf, file: weather.csv, column: t2m, units: K, timing: forecast}\n"
             "  degree_hours: {temperature: t, heating_base_C: 15, cooling_base_C: 22}\n");
  char path[512];
  snprintf(path, sizeof path, "%s/values.yaml", dir);
  tw_forecast_config *cfg = NULL;
  tw_feature *f = NULL;
  int nf = 0;
  int64_t *hol = NULL;
  size_t nhol = 0;
  tw_forecast_dataset ds;
  assert_int_equal(tw_forecast_config_load(path, &cfg), TW_OK);
  assert_int_equal(tw_forecast_features_from_config(cfg, &f, &nf), TW_OK);
  assert_int_equal(tw_forecast_holidays_parse(cfg, &hol, &nhol), TW_OK);
  tw_status st = tw_forecast_dataset_build(cfg, f, nf, 24, hol, nhol, &ds);
  if (st != TW_OK) fail_msg("%s", tw_last_error());
  /* holiday, bridge_day, 5 lags, 4 rolling, 2 exogenous, hdh, cdh */
  assert_int_equal(nf, 15);
  assert_string_equal(f[7].name, "roll_mean_24h");
  assert_string_equal(f[10].name, "roll_max_168h");
  assert_string_equal(f[11].name, "exo:t@issue");
  assert_string_equal(f[12].name, "exo:tf@forecast");
  assert_string_equal(f[13].name, "hdh_15C:t@issue");
  assert_string_equal(f[14].name, "cdh_22C:t@issue");
  /* rows start after the longest look-back (lag 336 h) */
  assert_int_equal(ds.series_index[0], 336);
  tw_series w = {0};
  snprintf(path, sizeof path, "%s/weather.csv", dir);
  assert_int_equal(tw_series_read(path, NULL, "t2m", "K", &w), TW_OK);
  for (size_t r = 0; r < ds.n_rows; r += 97) {
    size_t i = ds.series_index[r];
    const float *x = ds.x + r * (size_t)nf;
    const double *y = ds.series;
    assert_float_equal(x[2], (float)y[i - 24], 0);  /* lag_24h */
    assert_float_equal(x[3], (float)y[i - 25], 0);  /* lag_25h = h + step */
    assert_float_equal(x[6], (float)y[i - 336], 0); /* lag_336h */
    double mean = 0, mx = -1e300;
    for (size_t j = i - 24 - 23; j <= i - 24; j++) mean += y[j] / 24.0;
    for (size_t j = i - 24 - 167; j <= i - 24; j++) mx = y[j] > mx ? y[j] : mx;
    assert_float_equal(x[7], (float)mean, 1e-3);
    assert_float_equal(x[10], (float)mx, 0);
    /* the target at t is never among the inputs */
    assert_true(ds.time_s[r] == w.time_s[i]);
    assert_float_equal(x[11], (float)w.value[i - 24], 0); /* issue time t - h */
    assert_float_equal(x[12], (float)w.value[i], 0);      /* forecast product for t */
    double c = w.value[i - 24] - 273.15;
    assert_float_equal(x[13], (float)fmax(0.0, 15.0 - c), 1e-4);
    assert_float_equal(x[14], (float)fmax(0.0, c - 22.0), 1e-4);
  }
  /* German holidays 2019 (Easter 21 April): Good Friday, Easter Monday, Ascension
   * (30 May), Whit Monday (10 June), 3 October; bridge days: Friday 31 May and
   * Friday 4 October */
  static const char *const holidays[] = {"2019-04-19", "2019-04-22", "2019-05-30",
                                         "2019-06-10", "2019-10-03", "2019-12-25"};
  for (size_t k = 0; k < sizeof holidays / sizeof *holidays; k++) {
    tw_datetime d;
    tw_time_s t;
    int off = 0;
    assert_int_equal(tw_datetime_parse(holidays[k], &d, &off), TW_OK);
    assert_int_equal(tw_time_from_datetime(TW_CAL_STANDARD, &d, &t), TW_OK);
    assert_float_equal(tw_forecast_calendar_value(TW_FEAT_HOLIDAY, t + 43200, hol, nhol), 1, 0);
    assert_float_equal(tw_forecast_calendar_value(TW_FEAT_HOLIDAY, t - 43200, hol, nhol), 0, 0);
  }
  static const char *const bridges[] = {"2019-05-31", "2019-10-04"};
  static const char *const not_bridges[] = {"2019-05-29", "2019-10-03", "2019-06-11", "2019-10-07"};
  for (size_t k = 0; k < 2; k++) {
    tw_datetime d;
    tw_time_s t;
    int off = 0;
    assert_int_equal(tw_datetime_parse(bridges[k], &d, &off), TW_OK);
    assert_int_equal(tw_time_from_datetime(TW_CAL_STANDARD, &d, &t), TW_OK);
    assert_float_equal(tw_forecast_calendar_value(TW_FEAT_BRIDGE, t + 3600, hol, nhol), 1, 0);
  }
  for (size_t k = 0; k < 4; k++) {
    tw_datetime d;
    tw_time_s t;
    int off = 0;
    assert_int_equal(tw_datetime_parse(not_bridges[k], &d, &off), TW_OK);
    assert_int_equal(tw_time_from_datetime(TW_CAL_STANDARD, &d, &t), TW_OK);
    assert_float_equal(tw_forecast_calendar_value(TW_FEAT_BRIDGE, t + 3600, hol, nhol), 0, 0);
  }
  /* other countries: Easter-based and fixed dates */
  int64_t *days = NULL;
  size_t n = 0;
  assert_int_equal(tw_holidays_country("FR", 2019, 2019, &days, &n), TW_OK);
  assert_int_equal(n, 11);
  free(days);
  assert_int_equal(tw_holidays_country("XX", 2019, 2019, &days, &n), TW_ERR_INPUT);
  tw_series_free(&w);
  tw_forecast_dataset_free(&ds);
  free(f);
  free(hol);
  tw_forecast_config_free(&cfg);
}

/* A folder with a demand file missing one row and a short weather file. */
static int mkdir_p_gap(const char *sub) {
  char cmd[700];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", sub);
  if (system(cmd) != 0) return -1;
  if (tw_synth_write(sub, 24 * 30, 2, 100) != 0) return -1;
  char src[512], dst[512];
  snprintf(src, sizeof src, "%s/weather.csv", sub);
  snprintf(dst, sizeof dst, "%s/short.csv", sub);
  FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
  if (!in || !out) return -1;
  char line[256];
  for (int i = 0; i < 200 && fgets(line, sizeof line, in); i++) fputs(line, out);
  fclose(in);
  fclose(out);
  return 0;
}

static tw_status build_only(const char *yaml) {
  char path[512];
  tw_forecast_config *cfg = NULL;
  tw_feature *f = NULL;
  int n = 0;
  tw_forecast_dataset ds;
  write_file("bad.yaml", yaml);
  snprintf(path, sizeof path, "%s/bad.yaml", dir);
  tw_status st = tw_forecast_config_load(path, &cfg);
  if (st == TW_OK) st = tw_forecast_features_from_config(cfg, &f, &n);
  if (st == TW_OK) st = tw_forecast_dataset_build(cfg, f, n, (int)cfg->horizon_h, NULL, 0, &ds);
  if (st == TW_OK) tw_forecast_dataset_free(&ds);
  free(f);
  tw_forecast_config_free(&cfg);
  return st;
}

static void test_dataset_errors(void **state) {
  (void)state;
  /* units mismatch between the config and the CSV header */
  assert_int_equal(build_only("target: {file: demand.csv, column: load, units: kW}\n"
                              "features: {calendar: [hour_of_day]}\n"),
                   TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "units 'MW' but 'kW'"));
  /* a gap in the target */
  char sub[300];
  snprintf(sub, sizeof sub, "%s/gap", dir);
  assert_int_equal(mkdir_p_gap(sub), 0);
  assert_int_equal(build_only("target: {file: gap/demand.csv, column: load}\n"
                              "features: {calendar: [hour_of_day]}\n"),
                   TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "gap"));
  /* exogenous series that does not cover the target's times */
  assert_int_equal(build_only("target: {file: demand.csv, column: load}\n"
                              "features: {exogenous: [{name: t, file: gap/short.csv, column: t2m}]}\n"),
                   TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "no value at"));
  /* unknown key, bad activation, bad quantiles */
  assert_int_equal(build_only("target: {file: demand.csv, column: load}\nfoo: 1\n"), TW_ERR_INPUT);
  assert_int_equal(build_only("target: {file: demand.csv, column: load}\n"
                              "features: {calendar: [hour_of_day]}\nmodel: {activation: swish}\n"),
                   TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "swish"));
  assert_int_equal(build_only("target: {file: demand.csv, column: load}\n"
                              "features: {calendar: [hour_of_day]}\nmodel: {quantiles: [0.9, 0.1]}\n"),
                   TW_ERR_INPUT);
  /* a missing column, a non-numeric value */
  assert_int_equal(build_only("target: {file: demand.csv, column: nope}\n"
                              "features: {calendar: [hour_of_day]}\n"),
                   TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "no column 'nope'"));
  write_file("gap/text.csv", "time,load\n2019-01-01 00:00,1\n2019-01-01 01:00,abc\n");
  assert_int_equal(build_only("target: {file: gap/text.csv, column: load}\n"
                              "features: {calendar: [hour_of_day]}\n"),
                   TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "'abc'"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_features),
      cmocka_unit_test(test_feature_values),
      cmocka_unit_test(test_dataset_errors),
      cmocka_unit_test(test_train_point),
      cmocka_unit_test(test_train_quantiles),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
