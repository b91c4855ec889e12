/* Validation skill of the model and the baselines (persistence at the
 * horizon, seasonal naive, hour-of-week climatology, OLS on the same
 * features), and permutation feature importance.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "forecast/train_internal.h"
#include "terrawatt/forecast.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Solve the symmetric positive definite system A x = b (n x n, row-major,
 * overwritten) by Cholesky. Returns 0, or -1 when A is not positive. */
static int cholesky_solve(double *a, double *b, size_t n) {
  for (size_t j = 0; j < n; j++) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return -1;
    d = sqrt(d);
    a[j * n + j] = d;
    for (size_t i = j + 1; i < n; i++) {
      double s = a[i * n + j];
      for (size_t k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  for (size_t i = 0; i < n; i++) {
    double s = b[i];
    for (size_t k = 0; k < i; k++) s -= a[i * n + k] * b[k];
    b[i] = s / a[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {
    double s = b[i];
    for (size_t k = i + 1; k < n; k++) s -= a[k * n + i] * b[k];
    b[i] = s / a[i * n + i];
  }
  return 0;
}

tw_status tw_fc_ols_fit(const tw_forecast_model *m, const tw_forecast_dataset *ds, size_t n_train,
                        double *coef) {
  tw_status st = TW_OK;
  const size_t nf = (size_t)m->n_features, p = nf + 1;
  double *a = NULL, *z = NULL;
  TW_CHECK(tw_calloc(p * p, sizeof *a, "OLS normal matrix", &a));
  TW_CHECK_GOTO(st, tw_calloc(p, sizeof *z, "OLS row", &z));
  memset(coef, 0, p * sizeof *coef);
  for (size_t r = 0; r < n_train; r++) {
    z[0] = 1.0;
    for (size_t k = 0; k < nf; k++)
      z[k + 1] = (ds->x[r * nf + k] - m->feature_mean[k]) / m->feature_std[k];
    for (size_t i = 0; i < p; i++) {
      coef[i] += z[i] * ds->y[r];
      for (size_t j = 0; j <= i; j++) a[i * p + j] += z[i] * z[j];
    }
  }
  for (size_t i = 0; i < p; i++) {
    for (size_t j = 0; j < i; j++) a[j * p + i] = a[i * p + j];
    a[i * p + i] += 1e-8 * (double)n_train;
  }
  if (cholesky_solve(a, coef, p) != 0)
    st = tw_error(TW_ERR_INPUT, "OLS: the feature matrix is singular");
cleanup:
  free(a);
  free(z);
  return st;
}

double tw_fc_ols_apply(const tw_forecast_model *m, const double *coef, const float *x) {
  double s = coef[0];
  for (int k = 0; k < m->n_features; k++)
    s += coef[k + 1] * (x[k] - m->feature_mean[k]) / m->feature_std[k];
  return s;
}

/* OLS baseline: fitted on the rows before n_train, predictions for the
 * rows after it in target units. */
static tw_status ols_predict(const tw_forecast_model *m, const tw_forecast_dataset *ds,
                             size_t n_train, float *pred) {
  double *coef = NULL;
  const size_t nf = (size_t)m->n_features;
  TW_CHECK(tw_calloc(nf + 1, sizeof *coef, "OLS coefficients", &coef));
  tw_status st = tw_fc_ols_fit(m, ds, n_train, coef);
  if (st == TW_OK)
    for (size_t r = n_train; r < ds->n_rows; r++)
      pred[r - n_train] = (float)tw_fc_ols_apply(m, coef, ds->x + r * nf);
  else tw_error_prefix(st, "OLS baseline: ");
  free(coef);
  return st;
}

static int hour_of_week(tw_time_s t) {
  tw_datetime dt;
  tw_time_to_datetime(TW_CAL_STANDARD, t, &dt);
  return tw_time_day_of_week(TW_CAL_STANDARD, t) * 24 + dt.hour;
}

tw_status tw_forecast_evaluate(tw_forecast_model *m, tw_backend *be, const tw_forecast_dataset *ds,
                               size_t n_train) {
  tw_status st = TW_OK;
  const size_t nf = (size_t)m->n_features, rows = ds->n_rows, nv = rows - n_train;
  const int nout = tw_forecast_model_outputs(m), pi = tw_forecast_model_point_index(m);
  const int nq = m->spec.quantile_count;
  const float *yv = ds->y + n_train;
  float *pred = NULL, *base = NULL, *xperm = NULL;
  size_t *perm = NULL;
  TW_CHECK(tw_calloc(nv * (size_t)nout, sizeof *pred, "validation predictions", &pred));
  TW_CHECK_GOTO(st, tw_calloc(nv, sizeof *base, "baseline predictions", &base));
  TW_CHECK_GOTO(st, tw_forecast_predict(m, be, ds->x + n_train * nf, nv, pred));
  tw_forecast_skill(pred, nout, pi, m->spec.quantiles, nq, nq >= 2, yv, nv, m->skill[TW_SKILL_MLP]);

  /* persistence at the horizon and seasonal naive (same hour k weeks ago,
   * k = ceil(h / 168)) */
  const size_t h_steps = (size_t)((int64_t)m->horizon_h * 3600 / ds->step_s);
  const size_t w_steps = (size_t)((int64_t)168 * 3600 * ((m->horizon_h + 167) / 168) / ds->step_s);
  for (size_t r = 0; r < nv; r++) base[r] = (float)ds->series[ds->series_index[n_train + r] - h_steps];
  tw_forecast_skill(base, 1, 0, m->spec.quantiles, nq, 0, yv, nv, m->skill[TW_SKILL_PERSISTENCE]);
  for (size_t r = 0; r < nv; r++) base[r] = (float)ds->series[ds->series_index[n_train + r] - w_steps];
  tw_forecast_skill(base, 1, 0, m->spec.quantiles, nq, 0, yv, nv,
                    m->skill[TW_SKILL_SEASONAL_NAIVE]);

  /* hour-of-week climatology of the training block */
  double sum[168] = {0}, all = 0;
  size_t cnt[168] = {0};
  for (size_t r = 0; r < n_train; r++) {
    int how = hour_of_week(ds->time_s[r]);
    sum[how] += ds->y[r];
    cnt[how]++;
    all += ds->y[r];
  }
  for (size_t r = 0; r < nv; r++) {
    int how = hour_of_week(ds->time_s[n_train + r]);
    base[r] = (float)(cnt[how] ? sum[how] / (double)cnt[how] : all / (double)n_train);
  }
  tw_forecast_skill(base, 1, 0, m->spec.quantiles, nq, 0, yv, nv, m->skill[TW_SKILL_CLIMATOLOGY]);

  TW_CHECK_GOTO(st, ols_predict(m, ds, n_train, base));
  tw_forecast_skill(base, 1, 0, m->spec.quantiles, nq, 0, yv, nv, m->skill[TW_SKILL_OLS]);

  /* permutation importance: increase of the validation MAE when one
   * feature's column is shuffled (Breiman 2001; Fisher et al. 2019) */
  TW_CHECK_GOTO(st, tw_calloc(nv * nf, sizeof *xperm, "permuted features", &xperm));
  TW_CHECK_GOTO(st, tw_calloc(nv, sizeof *perm, "permutation", &perm));
  tw_rng rng;
  tw_rng_seed(&rng, m->seed ^ 0x5DEECE66Dull);
  for (size_t k = 0; k < nf; k++) {
    memcpy(xperm, ds->x + n_train * nf, nv * nf * sizeof *xperm);
    for (size_t r = 0; r < nv; r++) perm[r] = r;
    tw_rng_shuffle(&rng, perm, nv);
    for (size_t r = 0; r < nv; r++) xperm[r * nf + k] = ds->x[(n_train + perm[r]) * nf + k];
    TW_CHECK_GOTO(st, tw_forecast_predict(m, be, xperm, nv, pred));
    double metrics[TW_SKILL_METRICS];
    tw_forecast_skill(pred, nout, pi, NULL, 0, 0, yv, nv, metrics);
    m->importance[k] = metrics[TW_SKILL_MAE] - m->skill[TW_SKILL_MLP][TW_SKILL_MAE];
  }
cleanup:
  free(pred);
  free(base);
  free(xperm);
  free(perm);
  return st;
}
