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

float tw_fc_epoch_learning_rate(const tw_forecast_training_cfg *tc, int epoch) {
  float decay = tc->learning_rate_decay > 0.0f ? tc->learning_rate_decay : 1.0f;
  return (float)((double)tc->learning_rate * pow((double)decay, (double)(epoch - 1)));
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

tw_status tw_forecast_train(const tw_forecast_config *cfg, const tw_feature *features,
                            int n_features, const int64_t *holiday_days, size_t n_holidays,
                            const tw_forecast_dataset *ds, const tw_forecast_train_options *opt,
                            tw_forecast_model **out) {
  tw_status st = TW_OK;
  tw_forecast_model *m = NULL;
  tw_mlp *mlp = NULL;
  float *xs = NULL, *ys = NULL, *bx = NULL, *by = NULL, *shard_grad = NULL, *grad = NULL;
  float *best = NULL, *vpred = NULL;
  size_t *order = NULL;
  double t_start = tw_fc_now_s();
  *out = NULL;
  if (cfg->training->federated)
    return tw_fc_train_federated(cfg, features, n_features, holiday_days, n_holidays, ds, opt, out);
  int rank = 0, size = 1;
  if (opt->comm != MPI_COMM_NULL) {
    MPI_Comm_rank(opt->comm, &rank);
    MPI_Comm_size(opt->comm, &size);
  }
  if (!ds->have_target)
    return tw_error(TW_ERR_INPUT, "%s: training needs a 'target' series", cfg->path);
  if (ds->n_features != n_features)
    return tw_error(TW_ERR_INTERNAL, "train: dataset has %d features, expected %d",
                    ds->n_features, n_features);
  const tw_forecast_training_cfg *tc = cfg->training;
  const size_t rows = ds->n_rows, nf = (size_t)n_features;
  size_t n_valid = (size_t)ceil(tc->validation_fraction * (double)rows);
  size_t n_train = rows - n_valid;
  if (n_valid < 1 || n_train < tc->batch_size || n_train < 2)
    return tw_error(TW_ERR_INPUT,
                    "%s: %zu usable samples leave %zu for training (batch_size %u) and %zu for "
                    "validation; provide a longer series",
                    cfg->path, rows, n_train, tc->batch_size, n_valid);
  if (tc->shards < (unsigned)size)
    TW_LOG_W("training.shards %u < %d ranks: ranks %u.. stay idle", tc->shards, size, tc->shards);
  TW_CHECK(tw_fc_model_from_config(cfg, features, n_features, holiday_days, n_holidays, &m));
  m->step_s = ds->step_s;
  m->ranks = size;
  m->n_train = n_train;
  m->n_valid = n_valid;
  tw_time_format(TW_CAL_STANDARD, ds->time_s[0], m->train_start, sizeof m->train_start);
  tw_time_format(TW_CAL_STANDARD, ds->time_s[n_train - 1], m->train_end, sizeof m->train_end);
  tw_time_format(TW_CAL_STANDARD, ds->time_s[n_train], m->valid_start, sizeof m->valid_start);
  tw_time_format(TW_CAL_STANDARD, ds->time_s[rows - 1], m->valid_end, sizeof m->valid_end);
  uint64_t h = TW_FNV_OFFSET;
  h = tw_fnv1a(h, ds->time_s, rows * sizeof *ds->time_s);
  h = tw_fnv1a(h, ds->x, rows * nf * sizeof(float));
  h = tw_fnv1a(h, ds->y, rows * sizeof(float));
  snprintf(m->data_hash, sizeof m->data_hash, "%016llx", (unsigned long long)h);

  /* standardisation on the training block only */
  for (size_t k = 0; k < nf; k++)
    tw_fc_standardise_stats(ds->x + k, nf, n_train, &m->feature_mean[k], &m->feature_std[k]);
  tw_fc_standardise_stats(ds->y, 1, n_train, &m->target_mean, &m->target_std);
  TW_CHECK_GOTO(st, tw_calloc(rows * nf, sizeof(float), "standardised features", &xs));
  TW_CHECK_GOTO(st, tw_calloc(rows, sizeof(float), "standardised target", &ys));
  for (size_t r = 0; r < rows; r++) {
    for (size_t k = 0; k < nf; k++)
      xs[r * nf + k] = (ds->x[r * nf + k] - m->feature_mean[k]) / m->feature_std[k];
    ys[r] = (ds->y[r] - m->target_mean) / m->target_std;
  }

  const unsigned batch = tc->batch_size, shards = tc->shards;
  const int shard_max = (int)((batch + shards - 1) / shards);
  const int nout = tw_mlp_spec_outputs(&m->spec);
  TW_CHECK_GOTO(st, tw_mlp_create(opt->backend, &m->spec, shard_max > 256 ? shard_max : 256, &mlp));
  TW_CHECK_GOTO(st, tw_mlp_init_params(mlp, (uint64_t)tc->seed * 2654435761ull + 1));
  const size_t np = tw_mlp_param_count(mlp);
  m->n_params = np;
  TW_CHECK_GOTO(st, tw_calloc(np, sizeof(float), "parameters", &m->params));
  TW_CHECK_GOTO(st, tw_calloc(np, sizeof(float), "best parameters", &best));
  TW_CHECK_GOTO(st, tw_calloc(np, sizeof(float), "gradient", &grad));
  TW_CHECK_GOTO(st, tw_calloc(np * shards, sizeof(float), "shard gradients", &shard_grad));
  TW_CHECK_GOTO(st, tw_calloc((size_t)shard_max * nf, sizeof(float), "batch", &bx));
  TW_CHECK_GOTO(st, tw_calloc((size_t)shard_max, sizeof(float), "batch target", &by));
  TW_CHECK_GOTO(st, tw_calloc(n_train, sizeof(size_t), "order", &order));
  TW_CHECK_GOTO(st, tw_calloc(n_valid * (size_t)nout, sizeof(float), "validation pred", &vpred));
  TW_CHECK_GOTO(st, tw_mlp_get_params(mlp, best));

  tw_adam_settings adam;
  tw_adam_settings_default(&adam);
  adam.learning_rate = tc->learning_rate;
  adam.weight_decay = tc->weight_decay;
  tw_rng rng;
  tw_rng_seed(&rng, (uint64_t)tc->seed);
  for (size_t i = 0; i < n_train; i++) order[i] = i;
  const int direct = shards == 1 && size == 1; /* gradient stays on the device */
  double best_loss = INFINITY;
  int best_epoch = 0, epoch = 0;
  for (epoch = 1; epoch <= (int)tc->epochs; epoch++) {
    tw_rng_shuffle(&rng, order, n_train);
    adam.learning_rate = tw_fc_epoch_learning_rate(tc, epoch);
    double train_loss = 0;
    for (size_t b0 = 0; b0 < n_train; b0 += batch) {
      size_t bn = n_train - b0 < batch ? n_train - b0 : batch;
      float scale = 1.0f / ((float)bn * (float)(m->spec.quantile_count ? nout : 1));
      if (!direct) memset(shard_grad, 0, np * shards * sizeof(float));
      for (unsigned s = (unsigned)rank; s < shards; s += (unsigned)size) {
        size_t lo = bn * s / shards, hi = bn * (s + 1) / shards;
        if (hi == lo) continue;
        for (size_t j = lo; j < hi; j++) {
          memcpy(bx + (j - lo) * nf, xs + order[b0 + j] * nf, nf * sizeof(float));
          by[j - lo] = ys[order[b0 + j]];
        }
        TW_CHECK_GOTO(st, tw_mlp_gradient(mlp, bx, by, (int)(hi - lo), scale, &train_loss));
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
    if (size > 1) MPI_Allreduce(MPI_IN_PLACE, &train_loss, 1, MPI_DOUBLE, MPI_SUM, opt->comm);
    TW_CHECK_GOTO(st, tw_mlp_predict(mlp, xs + n_train * nf, n_valid, vpred));
    double vloss = tw_fc_mean_loss(&m->spec, vpred, ys + n_train, n_valid);
    if (!isfinite(vloss)) {
      st = tw_error(TW_ERR_INPUT, "%s: training diverged at epoch %d (validation loss %g); lower "
                                  "training.learning_rate",
                    cfg->path, epoch, vloss);
      goto cleanup;
    }
    if (opt->log_every > 0 && rank == 0 && epoch % opt->log_every == 0)
      TW_LOG_I("epoch %d: train loss %.5f, validation loss %.5f (standardised)", epoch,
               train_loss / (double)n_train, vloss);
    if (vloss < best_loss) {
      best_loss = vloss;
      best_epoch = epoch;
      TW_CHECK_GOTO(st, tw_mlp_get_params(mlp, best));
    } else if (epoch - best_epoch >= (int)tc->patience) {
      break;
    }
  }
  m->epochs_run = epoch > (int)tc->epochs ? (int)tc->epochs : epoch;
  m->best_epoch = best_epoch;
  m->best_valid_loss = best_loss;
  memcpy(m->params, best, np * sizeof(float));
  tw_mlp_destroy(&mlp);
  TW_CHECK_GOTO(st, tw_forecast_evaluate(m, opt->backend, ds, n_train));
  m->train_seconds = tw_fc_now_s() - t_start;
  *out = m;
  m = NULL;
cleanup:
  tw_mlp_destroy(&mlp);
  tw_forecast_model_free(&m);
  free(xs);
  free(ys);
  free(bx);
  free(by);
  free(shard_grad);
  free(grad);
  free(best);
  free(vpred);
  free(order);
  return st;
}
