/* The forecast model: inference, skill scores, hashing, JSON.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "forecast/train_internal.h"
#include "terrawatt/forecast.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const tw_skill_method_names[TW_SKILL_METHODS] = {
    "mlp", "persistence", "seasonal_naive", "climatology_hour_of_week", "ols"};
const char *const tw_skill_metric_names[TW_SKILL_METRICS] = {"mae", "rmse", "pinball",
                                                             "coverage_p10_p90"};

void tw_forecast_model_free(tw_forecast_model **model) {
  if (!model || !*model) return;
  tw_forecast_model *m = *model;
  free(m->params);
  free(m->features);
  free(m->feature_mean);
  free(m->feature_std);
  free(m->holiday_days);
  free(m->importance);
  free(m->residual_coef);
  free(m);
  *model = NULL;
}

int tw_forecast_model_outputs(const tw_forecast_model *model) {
  return tw_mlp_spec_outputs(&model->spec);
}

int tw_forecast_model_point_index(const tw_forecast_model *model) {
  int best = 0;
  for (int k = 1; k < model->spec.quantile_count; k++)
    if (fabsf(model->spec.quantiles[k] - 0.5f) < fabsf(model->spec.quantiles[best] - 0.5f))
      best = k;
  return best;
}

int tw_forecast_best_baseline(const tw_forecast_model *m, double *skill) {
  int best = TW_SKILL_PERSISTENCE;
  for (int i = TW_SKILL_PERSISTENCE + 1; i < TW_SKILL_METHODS; i++)
    if (m->skill[i][TW_SKILL_RMSE] < m->skill[best][TW_SKILL_RMSE]) best = i;
  if (skill)
    *skill = m->skill[best][TW_SKILL_RMSE] > 0
                 ? 1.0 - m->skill[TW_SKILL_MLP][TW_SKILL_RMSE] / m->skill[best][TW_SKILL_RMSE]
                 : NAN;
  return best;
}

const char *tw_forecast_exogenous_timing(const tw_forecast_model *m) {
  int issue = 0, fc = 0;
  for (int k = 0; k < m->n_features; k++) {
    tw_feature_kind kind = m->features[k].kind;
    if (kind != TW_FEAT_EXOGENOUS && kind != TW_FEAT_HDH && kind != TW_FEAT_CDH) continue;
    if (m->features[k].at_issue) issue = 1;
    else fc = 1;
  }
  return issue && fc ? "mixed" : issue ? "issue" : fc ? "forecast" : "none";
}

tw_status tw_forecast_predict(const tw_forecast_model *model, tw_backend *be,
                              const float *features_raw, size_t n, float *out) {
  tw_status st = TW_OK;
  tw_mlp *mlp = NULL;
  float *xs = NULL, *part = NULL;
  const size_t nf = (size_t)model->n_features, chunk = 4096;
  const int nout = tw_forecast_model_outputs(model);
  const int K = model->members > 0 ? model->members : 1;
  if (n == 0) return TW_OK;
  TW_CHECK(tw_mlp_create(be, &model->spec, (int)(n < chunk ? n : chunk), &mlp));
  TW_CHECK_GOTO(st, tw_calloc(nf * (n < chunk ? n : chunk), sizeof *xs, "standardised features", &xs));
  TW_CHECK_GOTO(st, tw_calloc((size_t)nout * (n < chunk ? n : chunk), sizeof *part, "member predictions",
                              &part));
  for (size_t r = 0; r < n; r++)
    for (size_t k = 0; k < nf; k++)
      if (!isfinite(features_raw[r * nf + k])) {
        st = tw_error(TW_ERR_INPUT, "forecast: feature '%s' of sample %zu is not finite (%g)",
                      model->features[k].name, r, (double)features_raw[r * nf + k]);
        goto cleanup;
      }
  memset(out, 0, n * (size_t)nout * sizeof *out);
  /* ensemble: the mean of the members (per quantile level, which keeps the
   * quantiles non-crossing) */
  for (int member = 0; member < K; member++) {
    TW_CHECK_GOTO(st, tw_mlp_set_params(mlp, model->params + (size_t)member * model->n_params));
    for (size_t s = 0; s < n; s += chunk) {
      size_t count = n - s < chunk ? n - s : chunk;
      for (size_t r = 0; r < count; r++)
        for (size_t k = 0; k < nf; k++)
          xs[r * nf + k] = (features_raw[(s + r) * nf + k] - model->feature_mean[k]) /
                           model->feature_std[k];
      TW_CHECK_GOTO(st, tw_mlp_predict(mlp, xs, count, part));
      float *o = out + s * (size_t)nout;
      for (size_t i = 0; i < count * (size_t)nout; i++) o[i] += part[i] / (float)K;
    }
  }
  for (size_t r = 0; r < n; r++) {
    const float *x = features_raw + r * nf;
    double base = 0;
    if (model->residual == TW_RESIDUAL_SEASONAL_NAIVE && model->residual_feature >= 0)
      base = x[model->residual_feature];
    else if (model->residual == TW_RESIDUAL_OLS && model->residual_coef)
      base = tw_fc_ols_apply(model, model->residual_coef, x);
    for (int q = 0; q < nout; q++) {
      float *o = out + r * (size_t)nout + (size_t)q;
      *o = (float)((double)*o * model->target_std + model->target_mean + base);
    }
  }
cleanup:
  free(xs);
  free(part);
  tw_mlp_destroy(&mlp);
  return st;
}

void tw_forecast_skill(const float *pred, int nout, int point_index, const float *levels,
                       int nlevels, int have_interval, const float *y, size_t n,
                       double metrics[TW_SKILL_METRICS]) {
  double ae = 0, se = 0, pin = 0;
  size_t inside = 0;
  for (size_t i = 0; i < n; i++) {
    const float *p = pred + i * (size_t)nout;
    double d = (double)y[i] - p[point_index];
    ae += fabs(d);
    se += d * d;
    for (int k = 0; k < nlevels; k++) {
      double q = nout == nlevels ? p[k] : p[point_index];
      double e = (double)y[i] - q;
      pin += e >= 0 ? levels[k] * e : (levels[k] - 1.0) * e;
    }
    if (have_interval) inside += y[i] >= p[0] && y[i] <= p[nout - 1];
  }
  double dn = n ? (double)n : NAN;
  metrics[TW_SKILL_MAE] = ae / dn;
  metrics[TW_SKILL_RMSE] = sqrt(se / dn);
  metrics[TW_SKILL_PINBALL] = nlevels ? pin / (dn * nlevels) : NAN;
  metrics[TW_SKILL_COVERAGE] = have_interval ? (double)inside / dn : NAN;
}

uint64_t tw_fnv1a(uint64_t h, const void *data, size_t bytes) {
  const unsigned char *p = data;
  for (size_t i = 0; i < bytes; i++) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

void tw_fc_json_number(FILE *out, double v) {
  if (isfinite(v)) fprintf(out, "%.9g", v);
  else fputs("null", out);
}

void tw_fc_json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
    else if (c < 0x20) fprintf(out, "\\u%04x", c);
    else fputc(c, out);
  }
  fputc('"', out);
}

void tw_forecast_model_json(const tw_forecast_model *m, FILE *out) {
  fputs("{\"target\":", out);
  tw_fc_json_string(out, m->target_name);
  fputs(",\"units\":", out);
  tw_fc_json_string(out, m->target_units);
  fprintf(out, ",\"horizon_h\":%d,\"step_s\":%lld,\"activation\":", m->horizon_h,
          (long long)m->step_s);
  tw_fc_json_string(out, tw_activation_name(m->spec.activation));
  fputs(",\"hidden\":[", out);
  for (int l = 0; l < m->spec.n_hidden; l++) fprintf(out, "%s%d", l ? "," : "", m->spec.hidden[l]);
  fputs("],\"quantiles\":[", out);
  for (int k = 0; k < m->spec.quantile_count; k++) {
    fprintf(out, "%s%g", k ? "," : "", (double)m->spec.quantiles[k]);
  }
  fprintf(out, "],\"parameters\":%zu,\"ensemble\":%d,\"residual\":\"%s\","
               "\"exogenous_timing\":\"%s\",\"features\":[",
          m->n_params, m->members, tw_forecast_residual_name(m->residual),
          tw_forecast_exogenous_timing(m));
  for (int k = 0; k < m->n_features; k++) {
    if (k) fputc(',', out);
    tw_fc_json_string(out, m->features[k].name);
  }
  fputs("],\"training\":{\"train_start\":", out);
  tw_fc_json_string(out, m->train_start);
  fputs(",\"train_end\":", out);
  tw_fc_json_string(out, m->train_end);
  fputs(",\"validation_start\":", out);
  tw_fc_json_string(out, m->valid_start);
  fputs(",\"validation_end\":", out);
  tw_fc_json_string(out, m->valid_end);
  fputs(",\"test_start\":", out);
  tw_fc_json_string(out, m->test_start);
  fputs(",\"test_end\":", out);
  tw_fc_json_string(out, m->test_end);
  fprintf(out, ",\"test_samples\":%zu,\"selection_folds\":%u,\"selection_candidates\":%u,"
               "\"schedule\":\"%s\",\"warmup_epochs\":%u,\"selection_rmse\":",
          m->n_test, m->selection_folds, m->selection_candidates, m->schedule, m->warmup_epochs);
  tw_fc_json_number(out, m->selection_rmse);
  fprintf(out,
          ",\"train_samples\":%zu,\"validation_samples\":%zu,\"data_hash\":\"%s\","
          "\"epochs_max\":%d,\"epochs_run\":%d,\"best_epoch\":%d,\"batch_size\":%u,"
          "\"shards\":%u,\"ranks\":%d,\"seed\":%llu,\"learning_rate\":",
          m->n_train, m->n_valid, m->data_hash, m->epochs_max, m->epochs_run, m->best_epoch,
          m->batch_size, m->shards, m->ranks, (unsigned long long)m->seed);
  tw_fc_json_number(out, m->learning_rate);
  fputs(",\"learning_rate_decay\":", out);
  tw_fc_json_number(out, m->learning_rate_decay);
  fprintf(out, ",\"federated_rounds\":%u,\"federated_local_epochs\":%u", m->fed_rounds,
          m->fed_local_epochs);
  fputs(",\"weight_decay\":", out);
  tw_fc_json_number(out, m->weight_decay);
  fputs(",\"best_validation_loss\":", out);
  tw_fc_json_number(out, m->best_valid_loss);
  fputs(",\"seconds\":", out);
  tw_fc_json_number(out, m->train_seconds);
  double skill_best = NAN;
  int best = tw_forecast_best_baseline(m, &skill_best);
  fprintf(out, "},\"best_baseline\":\"%s\",\"skill_rmse_vs_best_baseline\":",
          tw_skill_method_names[best]);
  tw_fc_json_number(out, skill_best);
  fputs(",\"test\":{", out);
  for (int i = 0; i < TW_SKILL_METHODS; i++) {
    fprintf(out, "%s\"%s\":{", i ? "," : "", tw_skill_method_names[i]);
    for (int j = 0; j < TW_SKILL_METRICS; j++) {
      fprintf(out, "%s\"%s\":", j ? "," : "", tw_skill_metric_names[j]);
      tw_fc_json_number(out, m->skill[i][j]);
    }
    fputc('}', out);
  }
  fputs("},\"importance\":{", out);
  for (int k = 0; k < m->n_features; k++) {
    if (k) fputc(',', out);
    tw_fc_json_string(out, m->features[k].name);
    fputc(':', out);
    tw_fc_json_number(out, m->importance ? m->importance[k] : NAN);
  }
  fputs("}}", out);
}
