/* Training: standardisation, mini-batch AdamW with deterministic gradient
 * shards (optionally over MPI ranks), early stopping on the validation
 * block at the end of the time axis.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "forecast/train_internal.h"
#include "terrawatt/forecast.h"
#include "terrawatt/log.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double tw_fc_now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Mean per-sample loss of standardised predictions (outputs x n). */
double tw_fc_mean_loss(const tw_mlp_spec *spec, const float *pred, const float *y, size_t n) {
  double total = 0;
  int nout = tw_mlp_spec_outputs(spec);
  for (size_t i = 0; i < n; i++) {
    const float *p = pred + i * (size_t)nout;
    if (spec->quantile_count == 0) {
      double d = (double)p[0] - y[i];
      total += d * d;
    } else {
      for (int k = 0; k < nout; k++) {
        double e = (double)y[i] - p[k], tau = spec->quantiles[k];
        total += e >= 0 ? tau * e : (tau - 1.0) * e;
      }
    }
  }
  return total / (double)n;
}

tw_status tw_fc_model_from_config(const tw_forecast_config *cfg, const tw_feature *features,
                                   int n_features, const int64_t *holidays, size_t n_holidays,
                                   tw_forecast_model **out) {
  tw_forecast_model *m = NULL;
  tw_status st = TW_OK;
  TW_CHECK(tw_calloc(1, sizeof *m, "model", &m));
  const tw_forecast_model_cfg *mc = cfg->model;
  m->spec.n_inputs = n_features;
  if (mc->hidden_count == 0) {
    m->spec.n_hidden = 2;
    m->spec.hidden[0] = m->spec.hidden[1] = 32;
  } else {
    m->spec.n_hidden = (int)mc->hidden_count;
    for (unsigned l = 0; l < mc->hidden_count; l++) m->spec.hidden[l] = (int)mc->hidden[l];
  }
  TW_CHECK_GOTO(st, tw_activation_parse(mc->activation, &m->spec.activation));
  m->spec.quantile_count = (int)mc->quantiles_count;
  for (unsigned k = 0; k < mc->quantiles_count; k++) m->spec.quantiles[k] = mc->quantiles[k];
  TW_CHECK_GOTO(st, tw_mlp_spec_validate(&m->spec));
  m->n_features = n_features;
  TW_CHECK_GOTO(st, tw_calloc((size_t)n_features, sizeof *m->features, "features", &m->features));
  memcpy(m->features, features, (size_t)n_features * sizeof *features);
  TW_CHECK_GOTO(st, tw_calloc((size_t)n_features, sizeof(float), "feature means", &m->feature_mean));
  TW_CHECK_GOTO(st, tw_calloc((size_t)n_features, sizeof(float), "feature stds", &m->feature_std));
  TW_CHECK_GOTO(st, tw_calloc((size_t)n_features, sizeof(double), "importance", &m->importance));
  m->n_holidays = n_holidays;
  TW_CHECK_GOTO(st, tw_calloc(n_holidays ? n_holidays : 1, sizeof(int64_t), "holidays",
                              &m->holiday_days));
  if (n_holidays) memcpy(m->holiday_days, holidays, n_holidays * sizeof(int64_t));
  if (cfg->target) {
    snprintf(m->target_name, sizeof m->target_name, "%s", cfg->target->column);
    snprintf(m->target_units, sizeof m->target_units, "%s",
             cfg->target->units ? cfg->target->units : "");
  }
  m->horizon_h = (int)cfg->horizon_h;
  const tw_forecast_training_cfg *t = cfg->training;
  m->epochs_max = (int)t->epochs;
  m->batch_size = t->batch_size;
  m->shards = t->shards;
  m->seed = t->seed;
  m->members = 1;
  m->residual_feature = -1;
  snprintf(m->schedule, sizeof m->schedule, "%s", t->schedule ? t->schedule : "exponential");
  m->warmup_epochs = t->warmup_epochs;
  m->learning_rate = t->learning_rate;
  m->learning_rate_decay = t->learning_rate_decay > 0.0f ? t->learning_rate_decay : 1.0f;
  m->weight_decay = t->weight_decay;
  m->validation_fraction = t->validation_fraction;
  for (int i = 0; i < TW_SKILL_METHODS; i++)
    for (int j = 0; j < TW_SKILL_METRICS; j++) m->skill[i][j] = NAN;
  *out = m;
  return TW_OK;
cleanup:
  tw_forecast_model_free(&m);
  return st;
}

float tw_fc_schedule_lr(const tw_forecast_training_cfg *tc, float base_lr, int epoch) {
  if (tc->schedule && strcmp(tc->schedule, "cosine") == 0) {
    /* linear warm-up, then cosine decay to 0 over the maximum number of epochs */
    const double pi = 3.14159265358979323846;
    double warm = tc->warmup_epochs && epoch <= (int)tc->warmup_epochs
                      ? (double)epoch / (double)tc->warmup_epochs
                      : 1.0;
    double E = (double)(tc->epochs > 1 ? tc->epochs : 1);
    return (float)((double)base_lr * warm * 0.5 * (1.0 + cos(pi * (double)(epoch - 1) / E)));
  }
  float decay = tc->learning_rate_decay > 0.0f ? tc->learning_rate_decay : 1.0f;
  return (float)((double)base_lr * pow((double)decay, (double)(epoch - 1)));
}

float tw_fc_epoch_learning_rate(const tw_forecast_training_cfg *tc, int epoch) {
  return tw_fc_schedule_lr(tc, tc->learning_rate, epoch);
}

/* Mean and standard deviation (population) over the first n rows; a
 * constant column gets std 1 so it standardises to 0. */
void tw_fc_standardise_stats(const float *x, size_t stride, size_t n, float *mean, float *sd) {
  double s = 0, s2 = 0;
  for (size_t i = 0; i < n; i++) s += x[i * stride];
  double mu = s / (double)n;
  for (size_t i = 0; i < n; i++) {
    double d = x[i * stride] - mu;
    s2 += d * d;
  }
  double v = sqrt(s2 / (double)n);
  *mean = (float)mu;
  *sd = v > 1e-12 * (fabs(mu) + 1.0) ? (float)v : 1.0f;
}


/* ---- one fit ------------------------------------------------------------- */

/* Rows [0, train_hi) train; [valid_lo, valid_hi) (empty: none) stop early;
 * epochs_fixed > 0 runs exactly that many epochs. */
typedef struct fit_spec {
  float lr;
  int residual;
  size_t train_hi, valid_lo, valid_hi;
  int epochs_fixed;
  uint64_t seed;
} fit_spec;

typedef struct fit_data {
  float *xs, *ys; /* standardised features and (residual) target of every row */
  float *base;    /* residual baseline of every row, target units (zeros for none) */
} fit_data;

static void fit_data_free(fit_data *d) {
  free(d->xs);
  free(d->ys);
  free(d->base);
  memset(d, 0, sizeof *d);
}

/* Seasonal naive lag (168 h ceil(h/168)) among the features, or -1. */
static int seasonal_feature(const tw_feature *f, int nf, int horizon_h) {
  int season = 168 * ((horizon_h + 167) / 168);
  for (int k = 0; k < nf; k++)
    if (f[k].kind == TW_FEAT_LAG && f[k].lag_h == season) return k;
  return -1;
}

/* Standardisation and the residual baseline from the rows [0, train_hi):
 * fills m's statistics (and OLS coefficients) and d for every row. */
static tw_status fit_prepare(tw_forecast_model *m, const tw_forecast_dataset *ds, size_t train_hi,
                             int residual, fit_data *d) {
  const size_t rows = ds->n_rows, nf = (size_t)m->n_features;
  memset(d, 0, sizeof *d);
  for (size_t k = 0; k < nf; k++)
    tw_fc_standardise_stats(ds->x + k, nf, train_hi, &m->feature_mean[k], &m->feature_std[k]);
  TW_CHECK(tw_calloc(rows * nf, sizeof(float), "standardised features", &d->xs));
  TW_CHECK(tw_calloc(rows, sizeof(float), "standardised target", &d->ys));
  TW_CHECK(tw_calloc(rows, sizeof(float), "residual baseline", &d->base));
  for (size_t r = 0; r < rows; r++)
    for (size_t k = 0; k < nf; k++)
      d->xs[r * nf + k] = (ds->x[r * nf + k] - m->feature_mean[k]) / m->feature_std[k];
  m->residual = residual;
  if (residual == TW_RESIDUAL_SEASONAL_NAIVE) {
    m->residual_feature = seasonal_feature(m->features, m->n_features, m->horizon_h);
    if (m->residual_feature < 0)
      return tw_error(TW_ERR_INPUT, "residual on seasonal naive needs the feature lag_%dh "
                                    "(set features.lags: true)",
                      168 * ((m->horizon_h + 167) / 168));
    for (size_t r = 0; r < rows; r++) d->base[r] = ds->x[r * nf + (size_t)m->residual_feature];
  } else if (residual == TW_RESIDUAL_OLS) {
    free(m->residual_coef);
    m->residual_coef = NULL;
    TW_CHECK(tw_calloc(nf + 1, sizeof(double), "OLS coefficients", &m->residual_coef));
    TW_CHECK(tw_fc_ols_fit(m, ds, train_hi, m->residual_coef));
    for (size_t r = 0; r < rows; r++) d->base[r] = (float)tw_fc_ols_apply(m, m->residual_coef, ds->x + r * nf);
  }
  /* the target statistics are those of the residual */
  for (size_t r = 0; r < rows; r++) d->ys[r] = ds->y[r] - d->base[r];
  tw_fc_standardise_stats(d->ys, 1, train_hi, &m->target_mean, &m->target_std);
  for (size_t r = 0; r < rows; r++) d->ys[r] = (d->ys[r] - m->target_mean) / m->target_std;
  return TW_OK;
}

/* Mini-batch AdamW on the prepared rows; params gets the best (or last)
 * weights. Returns the best validation loss (standardised) in *best_loss and
 * the validation RMSE in target units in *valid_rmse (NaN without
 * validation). Collective on opt->comm (gradient shards). */
static tw_status fit_run(const tw_forecast_config *cfg, tw_forecast_model *m, const fit_data *d,
                         const tw_forecast_dataset *ds, const fit_spec *fs,
                         const tw_forecast_train_options *opt, float *params, int *best_epoch_out,
                         int *epochs_run, double *best_loss_out, double *valid_rmse) {
  tw_status st = TW_OK;
  const tw_forecast_training_cfg *tc = cfg->training;
  const size_t nf = (size_t)m->n_features, n_train = fs->train_hi;
  const size_t n_valid = fs->valid_hi - fs->valid_lo;
  int rank = 0, size = 1;
  if (opt->comm != MPI_COMM_NULL) {
    MPI_Comm_rank(opt->comm, &rank);
    MPI_Comm_size(opt->comm, &size);
  }
  tw_mlp *mlp = NULL;
  float *bx = NULL, *by = NULL, *shard_grad = NULL, *grad = NULL, *vpred = NULL;
  float *vpred_train = NULL;
  size_t *order = NULL;
  const unsigned batch = tc->batch_size, shards = tc->shards;
  const int shard_max = (int)((batch + shards - 1) / shards);
  const int nout = tw_mlp_spec_outputs(&m->spec);
  TW_CHECK_GOTO(st, tw_mlp_create(opt->backend, &m->spec, shard_max > 256 ? shard_max : 256, &mlp));
  TW_CHECK_GOTO(st, tw_mlp_init_params(mlp, fs->seed * 2654435761ull + 1));
  const size_t np = tw_mlp_param_count(mlp);
  TW_CHECK_GOTO(st, tw_calloc(np, sizeof(float), "gradient", &grad));
  TW_CHECK_GOTO(st, tw_calloc(np * shards, sizeof(float), "shard gradients", &shard_grad));
  TW_CHECK_GOTO(st, tw_calloc((size_t)shard_max * nf, sizeof(float), "batch", &bx));
  TW_CHECK_GOTO(st, tw_calloc((size_t)shard_max, sizeof(float), "batch target", &by));
  TW_CHECK_GOTO(st, tw_calloc(n_train, sizeof(size_t), "order", &order));
  TW_CHECK_GOTO(st, tw_calloc((n_valid ? n_valid : 1) * (size_t)nout, sizeof(float),
                              "validation pred", &vpred));
  TW_CHECK_GOTO(st, tw_calloc((size_t)shard_max * (size_t)nout, sizeof(float), "train pred",
                              &vpred_train));
  TW_CHECK_GOTO(st, tw_mlp_get_params(mlp, params));

  tw_adam_settings adam;
  tw_adam_settings_default(&adam);
  adam.weight_decay = tc->weight_decay;
  tw_rng rng;
  tw_rng_seed(&rng, fs->seed);
  for (size_t i = 0; i < n_train; i++) order[i] = i;
  const int direct = shards == 1 && size == 1; /* gradient stays on the device */
  const int want_loss = opt->log_every > 0;
  const int max_epochs = fs->epochs_fixed > 0 ? fs->epochs_fixed : (int)tc->epochs;
  double best_loss = INFINITY;
  int best_epoch = 0, epoch = 0;
  for (epoch = 1; epoch <= max_epochs; epoch++) {
    tw_rng_shuffle(&rng, order, n_train);
    adam.learning_rate = tw_fc_schedule_lr(tc, fs->lr, epoch);
    double train_loss = 0;
    for (size_t b0 = 0; b0 < n_train; b0 += batch) {
      size_t bn = n_train - b0 < batch ? n_train - b0 : batch;
      float scale = 1.0f / ((float)bn * (float)(m->spec.quantile_count ? nout : 1));
      if (!direct) memset(shard_grad, 0, np * shards * sizeof(float));
      for (unsigned s = (unsigned)rank; s < shards; s += (unsigned)size) {
        size_t lo = bn * s / shards, hi = bn * (s + 1) / shards;
        if (hi == lo) continue;
        for (size_t j = lo; j < hi; j++) {
          memcpy(bx + (j - lo) * nf, d->xs + order[b0 + j] * nf, nf * sizeof(float));
          by[j - lo] = d->ys[order[b0 + j]];
        }
        /* the loss is downloaded only for the log: weights, gradients and Adam state
         * stay on the device for the whole fit */
        TW_CHECK_GOTO(st, tw_mlp_gradient(mlp, bx, by, (int)(hi - lo), scale,
                                          want_loss ? &train_loss : NULL));
        if (!direct) TW_CHECK_GOTO(st, tw_mlp_get_gradient(mlp, shard_grad + (size_t)s * np));
      }
      if (!direct) {
        /* each shard slot has exactly one non-zero contributor, so this sum is exact */
        if (size > 1 &&
            MPI_Allreduce(MPI_IN_PLACE, shard_grad, (int)(np * shards), MPI_FLOAT, MPI_SUM,
                          opt->comm) != MPI_SUCCESS) {
          st = tw_error(TW_ERR_INTERNAL, "train: MPI_Allreduce of the gradient shards failed");
          goto cleanup;
        }
        memcpy(grad, shard_grad, np * sizeof(float));
        for (unsigned s = 1; s < shards; s++)
          for (size_t i = 0; i < np; i++) grad[i] += shard_grad[(size_t)s * np + i];
        TW_CHECK_GOTO(st, tw_mlp_set_gradient(mlp, grad));
      }
      TW_CHECK_GOTO(st, tw_mlp_adam_step(mlp, &adam));
    }
    if (size > 1 && want_loss)
      MPI_Allreduce(MPI_IN_PLACE, &train_loss, 1, MPI_DOUBLE, MPI_SUM, opt->comm);
    if (n_valid == 0) { /* refit for a fixed number of epochs */
      if (opt->log_every > 0 && rank == 0 && epoch % opt->log_every == 0)
        TW_LOG_I("epoch %d (lr %.3g): train loss %.5f (standardised)", epoch,
                 (double)adam.learning_rate, train_loss / (double)n_train);
      best_epoch = epoch;
      continue;
    }
    TW_CHECK_GOTO(st, tw_mlp_predict(mlp, d->xs + fs->valid_lo * nf, n_valid, vpred));
    double vloss = tw_fc_mean_loss(&m->spec, vpred, d->ys + fs->valid_lo, n_valid);
    if (!isfinite(vloss)) {
      st = tw_error(TW_ERR_INPUT, "%s: training diverged at epoch %d (validation loss %g); lower "
                                  "training.learning_rate",
                    cfg->path, epoch, vloss);
      goto cleanup;
    }
    if (opt->log_every > 0 && rank == 0 && epoch % opt->log_every == 0)
      TW_LOG_I("epoch %d (lr %.3g): train loss %.5f, validation loss %.5f (standardised)", epoch,
               (double)adam.learning_rate, train_loss / (double)n_train, vloss);
    if (vloss < best_loss) {
      best_loss = vloss;
      best_epoch = epoch;
      TW_CHECK_GOTO(st, tw_mlp_get_params(mlp, params));
    } else if (epoch - best_epoch >= (int)tc->patience) {
      break;
    }
  }
  if (n_valid == 0) {
    TW_CHECK_GOTO(st, tw_mlp_get_params(mlp, params));
    for (size_t i = 0; i < np; i++)
      if (!isfinite(params[i])) {
        st = tw_error(TW_ERR_INPUT, "%s: training diverged (non-finite weights after %d epochs); "
                                    "lower training.learning_rate",
                      cfg->path, max_epochs);
        goto cleanup;
      }
    /* the training loss of the final weights (standardised units) */
    double sum = 0;
    for (size_t b0 = 0; b0 < n_train; b0 += (size_t)shard_max) {
      size_t bn = n_train - b0 < (size_t)shard_max ? n_train - b0 : (size_t)shard_max;
      TW_CHECK_GOTO(st, tw_mlp_predict(mlp, d->xs + b0 * nf, bn, vpred_train));
      sum += tw_fc_mean_loss(&m->spec, vpred_train, d->ys + b0, bn) * (double)bn;
    }
    best_loss = sum / (double)n_train;
  }
  *epochs_run = epoch > max_epochs ? max_epochs : epoch;
  *best_epoch_out = best_epoch;
  *best_loss_out = best_loss;
  *valid_rmse = NAN;
  if (n_valid) { /* RMSE of the point forecast in target units */
    TW_CHECK_GOTO(st, tw_mlp_set_params(mlp, params));
    TW_CHECK_GOTO(st, tw_mlp_predict(mlp, d->xs + fs->valid_lo * nf, n_valid, vpred));
    const int pi = tw_forecast_model_point_index(m);
    double se = 0;
    for (size_t r = 0; r < n_valid; r++) {
      double f = (double)vpred[r * (size_t)nout + (size_t)pi] * m->target_std + m->target_mean +
                 d->base[fs->valid_lo + r];
      double e = f - ds->y[fs->valid_lo + r];
      se += e * e;
    }
    *valid_rmse = sqrt(se / (double)n_valid);
  }
cleanup:
  tw_mlp_destroy(&mlp);
  free(bx);
  free(by);
  free(shard_grad);
  free(grad);
  free(vpred);
  free(vpred_train);
  free(order);
  return st;
}

/* ---- the driver: rolling-origin selection, ensemble, final test block ---- */

static void format_time(const tw_forecast_dataset *ds, size_t r, char *buf, size_t size) {
  tw_time_format(TW_CAL_STANDARD, ds->time_s[r], buf, size);
}

tw_status tw_forecast_train(const tw_forecast_config *cfg, const tw_feature *features,
                            int n_features, const int64_t *holiday_days, size_t n_holidays,
                            const tw_forecast_dataset *ds, const tw_forecast_train_options *opt,
                            tw_forecast_model **out) {
  tw_status st = TW_OK;
  tw_forecast_model *m = NULL;
  fit_data d = {0};
  float *params = NULL;
  double t_start = tw_fc_now_s();
  *out = NULL;
  const tw_forecast_training_cfg *tc = cfg->training;
  const tw_forecast_model_cfg *mc = cfg->model;
  if (tc->federated) {
    if ((mc->residual && strcmp(mc->residual, "none")) || mc->ensemble > 1 || tc->folds > 1 ||
        tc->selection)
      return tw_error(TW_ERR_INPUT, "%s: federated training supports neither model.residual, "
                                    "model.ensemble, training.folds nor training.selection",
                      cfg->path);
    return tw_fc_train_federated(cfg, features, n_features, holiday_days, n_holidays, ds, opt, out);
  }
  int size = 1;
  if (opt->comm != MPI_COMM_NULL) MPI_Comm_size(opt->comm, &size);
  if (!ds->have_target)
    return tw_error(TW_ERR_INPUT, "%s: training needs a 'target' series", cfg->path);
  if (ds->n_features != n_features)
    return tw_error(TW_ERR_INTERNAL, "train: dataset has %d features, expected %d",
                    ds->n_features, n_features);
  const size_t rows = ds->n_rows, nf = (size_t)n_features;
  const unsigned F = tc->folds ? tc->folds : 1;
  const size_t n_test =
      opt->no_test_block ? 0 : (size_t)ceil((double)tc->test_fraction * (double)rows);
  const size_t n_sel = rows > n_test ? rows - n_test : 0;
  const size_t v = (size_t)ceil((double)tc->validation_fraction * (double)n_sel / (double)F);
  if ((n_test < 1 && !opt->no_test_block) || v < 1 || n_sel < (size_t)F * v + tc->batch_size || n_sel < (size_t)F * v + 2)
    return tw_error(TW_ERR_INPUT,
                    "%s: %zu usable samples: test block %zu, %u validation fold%s of %zu, leave too "
                    "few for training (batch_size %u); provide a longer series",
                    cfg->path, rows, n_test, F, F == 1 ? "" : "s", v, tc->batch_size);
  if (tc->shards < (unsigned)size)
    TW_LOG_W("training.shards %u < %d ranks: ranks %u.. stay idle", tc->shards, size, tc->shards);
  for (int k = 0; k < n_features; k++)
    if (features[k].kind == TW_FEAT_DOY_SIN && n_sel > 0 &&
        ds->time_s[n_sel - 1] - ds->time_s[0] < (tw_time_s)365 * 86400)
      TW_LOG_W("%s: day_of_year with %.0f days before the test block: some days of the year of "
               "the test block never occur in training and the network extrapolates there "
               "(docs/FORECAST.md); drop day_of_year or use a longer series",
               cfg->path, (double)(ds->time_s[n_sel - 1] - ds->time_s[0]) / 86400.0);
  TW_CHECK(tw_fc_model_from_config(cfg, features, n_features, holiday_days, n_holidays, &m));
  m->step_s = ds->step_s;
  m->ranks = size;
  uint64_t h = TW_FNV_OFFSET;
  h = tw_fnv1a(h, ds->time_s, rows * sizeof *ds->time_s);
  h = tw_fnv1a(h, ds->x, rows * nf * sizeof(float));
  h = tw_fnv1a(h, ds->y, rows * sizeof(float));
  snprintf(m->data_hash, sizeof m->data_hash, "%016llx", (unsigned long long)h);

  /* candidates: learning rates x residual modes */
  const tw_forecast_selection_cfg *sel = tc->selection;
  float lrs[16];
  int residuals[3];
  unsigned n_lr = 0, n_res = 0;
  if (sel && sel->learning_rates_count)
    for (unsigned i = 0; i < sel->learning_rates_count && i < 16; i++) lrs[n_lr++] = sel->learning_rates[i];
  else lrs[n_lr++] = tc->learning_rate;
  if (sel && sel->residual_count)
    for (unsigned i = 0; i < sel->residual_count && i < 3; i++)
      TW_CHECK_GOTO(st, tw_forecast_residual_parse(sel->residual[i], &residuals[n_res++]));
  else TW_CHECK_GOTO(st, tw_forecast_residual_parse(mc->residual, &residuals[n_res++]));
  const unsigned n_cand = n_lr * n_res, K = mc->ensemble ? mc->ensemble : 1;
  const int refit = n_cand > 1 || F > 1;

  /* the parameter count, from a throw-away MLP of the architecture */
  {
    tw_mlp *probe = NULL;
    TW_CHECK_GOTO(st, tw_mlp_create(opt->backend, &m->spec, 1, &probe));
    m->n_params = tw_mlp_param_count(probe);
    tw_mlp_destroy(&probe);
  }
  const size_t np = m->n_params;
  TW_CHECK_GOTO(st, tw_calloc(np * K, sizeof(float), "parameters", &params));
  m->members = (int)K;

  float best_lr = lrs[0];
  int best_res = residuals[0], best_epochs = 0;
  double best_rmse = INFINITY;
  if (refit) {
    /* rolling origin: fold f trains on rows before its validation block */
    for (unsigned c = 0; c < n_cand; c++) {
      float lr = lrs[c / n_res];
      int res = residuals[c % n_res];
      double se = 0;
      int epochs_sum = 0;
      for (unsigned f = 0; f < F; f++) {
        size_t vlo = n_sel - (size_t)(F - f) * v;
        fit_spec fs = {.lr = lr, .residual = res, .train_hi = vlo, .valid_lo = vlo,
                       .valid_hi = vlo + v, .seed = tc->seed};
        int be_, er;
        double bl, rmse;
        TW_CHECK_GOTO(st, fit_prepare(m, ds, vlo, res, &d));
        TW_CHECK_GOTO(st, fit_run(cfg, m, &d, ds, &fs, opt, params, &be_, &er, &bl, &rmse));
        fit_data_free(&d);
        se += rmse * rmse;
        epochs_sum += be_;
      }
      double rmse = sqrt(se / F);
      TW_LOG_I("selection: learning rate %g, residual %s: rolling-origin RMSE %.5g over %u "
               "fold%s",
               (double)lr, tw_forecast_residual_name(res), rmse, F, F == 1 ? "" : "s");
      if (rmse < best_rmse) {
        best_rmse = rmse;
        best_lr = lr;
        best_res = res;
        best_epochs = (int)((epochs_sum + (int)F / 2) / (int)F);
      }
    }
    if (best_epochs < 1) best_epochs = 1;
  }
  /* the final members */
  const size_t train_hi = refit ? n_sel : n_sel - v;
  TW_CHECK_GOTO(st, fit_prepare(m, ds, train_hi, best_res, &d));
  double loss_sum = 0, rmse_sq = 0;
  int best_epoch_sum = 0, run_max = 0;
  for (unsigned k = 0; k < K; k++) {
    fit_spec fs = {.lr = best_lr, .residual = best_res, .train_hi = train_hi,
                   .valid_lo = refit ? 0 : n_sel - v, .valid_hi = refit ? 0 : n_sel,
                   .epochs_fixed = refit ? best_epochs : 0,
                   .seed = (uint64_t)tc->seed + 7919ull * k};
    int be_, er;
    double bl, rmse;
    TW_CHECK_GOTO(st, fit_run(cfg, m, &d, ds, &fs, opt, params + (size_t)k * np, &be_, &er, &bl,
                              &rmse));
    loss_sum += bl;
    if (!refit) rmse_sq += rmse * rmse;
    best_epoch_sum += be_;
    if (er > run_max) run_max = er;
  }
  fit_data_free(&d);
  free(m->params);
  m->params = params;
  params = NULL;
  m->learning_rate = best_lr;
  m->epochs_run = run_max;
  m->best_epoch = (int)((best_epoch_sum + (int)K / 2) / (int)K);
  m->best_valid_loss = loss_sum / K;
  m->selection_folds = refit ? F : 0;
  m->selection_candidates = refit ? n_cand : 0;
  m->selection_rmse = refit ? best_rmse : sqrt(rmse_sq / K);
  m->n_train = train_hi;
  m->n_valid = refit ? (size_t)F * v : v;
  m->n_test = rows - n_sel;
  format_time(ds, 0, m->train_start, sizeof m->train_start);
  format_time(ds, train_hi - 1, m->train_end, sizeof m->train_end);
  format_time(ds, n_sel - m->n_valid, m->valid_start, sizeof m->valid_start);
  format_time(ds, n_sel - 1, m->valid_end, sizeof m->valid_end);
  if (n_test) {
    format_time(ds, n_sel, m->test_start, sizeof m->test_start);
    format_time(ds, rows - 1, m->test_end, sizeof m->test_end);
    /* skill of the model and every baseline on the test block (baselines fitted before it) */
    TW_CHECK_GOTO(st, tw_forecast_evaluate(m, opt->backend, ds, n_sel));
  }
  m->train_seconds = tw_fc_now_s() - t_start;
  *out = m;
  m = NULL;
cleanup:
  fit_data_free(&d);
  free(params);
  tw_forecast_model_free(&m);
  return st;
}
