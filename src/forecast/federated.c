/* Federated training (FedAvg, McMahan et al. 2017) over MPI ranks: each
 * rank holds only its own region's rows; only aggregates (sums for the
 * standardisation, weights times sample counts, loss sums, skill sums,
 * per-rank data hashes and time ranges) are exchanged. Every exchange is
 * deterministic and bit-identical on all ranks: each rank writes into its
 * own slot of a zeroed buffer, MPI_Allreduce(SUM) is then exact (one
 * non-zero contributor per element) and the slots are added in rank order
 * in double precision.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "forecast/train_internal.h"
#include "terrawatt/forecast.h"
#include "terrawatt/log.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "terrawatt/alloc.h"

typedef struct fed_comm {
  MPI_Comm comm; /* MPI_COMM_NULL: one region, no exchange */
  int rank, size;
  double *slots;
  size_t cap;
} fed_comm;

/* sum[i] = sum over ranks, in rank order, of local[i] (see the file comment). */
static tw_status exact_sum(fed_comm *c, const double *local, size_t len, double *sum) {
  if (c->size == 1) {
    memcpy(sum, local, len * sizeof *sum);
    return TW_OK;
  }
  size_t need = len * (size_t)c->size;
  if (need > (size_t)INT_MAX)
    return tw_error(TW_ERR_RESOURCE, "federated training: %zu values per exchange exceed MPI's "
                                     "int count; use a smaller model or fewer ranks",
                    need);
  if (need > c->cap) {
    double *p = tw_realloc(c->slots, need * sizeof *p);
    if (!p) return tw_error(TW_ERR_RESOURCE, "federated training: out of memory (%zu values)", need);
    c->slots = p;
    c->cap = need;
  }
  memset(c->slots, 0, need * sizeof *c->slots);
  memcpy(c->slots + (size_t)c->rank * len, local, len * sizeof *local);
  if (MPI_Allreduce(MPI_IN_PLACE, c->slots, (int)need, MPI_DOUBLE, MPI_SUM, c->comm) != MPI_SUCCESS)
    return tw_error(TW_ERR_INTERNAL, "federated training: MPI_Allreduce failed");
  for (size_t i = 0; i < len; i++) {
    double s = 0;
    for (int r = 0; r < c->size; r++) s += c->slots[(size_t)r * len + i];
    sum[i] = s;
  }
  return TW_OK;
}

/* All ranks learn whether any rank failed; a failing rank keeps its own
 * message, the others report that another rank failed. */
static tw_status agree(fed_comm *c, tw_status local) {
  int code = (int)local;
  if (c->size > 1 && MPI_Allreduce(MPI_IN_PLACE, &code, 1, MPI_INT, MPI_MAX, c->comm) != MPI_SUCCESS)
    return tw_error(TW_ERR_INTERNAL, "federated training: MPI_Allreduce failed");
  if (local != TW_OK) return local;
  if (code != TW_OK)
    return tw_error((tw_status)code, "federated training: another rank failed (see its message)");
  return TW_OK;
}

static tw_status minmax_time(fed_comm *c, int64_t *v, MPI_Op op) {
  if (c->size > 1 && MPI_Allreduce(MPI_IN_PLACE, v, 1, MPI_INT64_T, op, c->comm) != MPI_SUCCESS)
    return tw_error(TW_ERR_INTERNAL, "federated training: MPI_Allreduce of times failed");
  return TW_OK;
}

/* Global metadata: rows, time ranges, step, data hash; standardisation
 * from global sums (two passes: means, then squared deviations). */
static tw_status global_stats(fed_comm *c, tw_forecast_model *m, const tw_forecast_dataset *ds,
                              size_t n_train, size_t n_valid) {
  tw_status st = TW_OK;
  const size_t nf = (size_t)m->n_features;
  double *loc = NULL, *sum = NULL;
  uint64_t *hashes = NULL;
  TW_CHECK(tw_calloc(nf + 3, sizeof *loc, "federated statistics", &loc));
  TW_CHECK_GOTO(st, tw_calloc(nf + 3, sizeof *sum, "federated statistics", &sum));
  loc[0] = (double)n_train;
  loc[1] = (double)n_valid;
  for (size_t r = 0; r < n_train; r++) {
    loc[2] += ds->y[r];
    for (size_t k = 0; k < nf; k++) loc[3 + k] += ds->x[r * nf + k];
  }
  TW_CHECK_GOTO(st, exact_sum(c, loc, nf + 3, sum));
  const double n_all = sum[0];
  m->n_train = (size_t)sum[0];
  m->n_valid = (size_t)sum[1];
  double mean_y = sum[2] / n_all;
  for (size_t k = 0; k < nf; k++) m->feature_mean[k] = (float)(sum[3 + k] / n_all);
  memset(loc, 0, (nf + 3) * sizeof *loc);
  for (size_t r = 0; r < n_train; r++) {
    double d = ds->y[r] - mean_y;
    loc[0] += d * d;
    for (size_t k = 0; k < nf; k++) {
      double e = (double)ds->x[r * nf + k] - (double)m->feature_mean[k];
      loc[1 + k] += e * e;
    }
  }
  TW_CHECK_GOTO(st, exact_sum(c, loc, nf + 1, sum));
  m->target_mean = (float)mean_y;
  double sd = sqrt(sum[0] / n_all);
  m->target_std = sd > 1e-12 * (fabs(mean_y) + 1.0) ? (float)sd : 1.0f;
  for (size_t k = 0; k < nf; k++) {
    double v = sqrt(sum[1 + k] / n_all);
    m->feature_std[k] = v > 1e-12 * (fabs((double)m->feature_mean[k]) + 1.0) ? (float)v : 1.0f;
  }

  int64_t t[4] = {ds->time_s[0], ds->time_s[n_train - 1], ds->time_s[n_train],
                  ds->time_s[ds->n_rows - 1]};
  int64_t step_min = ds->step_s, step_max = ds->step_s;
  TW_CHECK_GOTO(st, minmax_time(c, &t[0], MPI_MIN));
  TW_CHECK_GOTO(st, minmax_time(c, &t[1], MPI_MAX));
  TW_CHECK_GOTO(st, minmax_time(c, &t[2], MPI_MIN));
  TW_CHECK_GOTO(st, minmax_time(c, &t[3], MPI_MAX));
  TW_CHECK_GOTO(st, minmax_time(c, &step_min, MPI_MIN));
  TW_CHECK_GOTO(st, minmax_time(c, &step_max, MPI_MAX));
  if (step_min != step_max) {
    st = tw_error(TW_ERR_INPUT, "federated training: regions have different time steps (%lld s "
                                "and %lld s); all ranks need the same step",
                  (long long)step_min, (long long)step_max);
    goto cleanup;
  }
  m->step_s = ds->step_s;
  tw_time_format(TW_CAL_STANDARD, t[0], m->train_start, sizeof m->train_start);
  tw_time_format(TW_CAL_STANDARD, t[1], m->train_end, sizeof m->train_end);
  tw_time_format(TW_CAL_STANDARD, t[2], m->valid_start, sizeof m->valid_start);
  tw_time_format(TW_CAL_STANDARD, t[3], m->valid_end, sizeof m->valid_end);

  /* data hash: FNV-1a 64 of the per-rank hashes in rank order */
  uint64_t h = TW_FNV_OFFSET;
  h = tw_fnv1a(h, ds->time_s, ds->n_rows * sizeof *ds->time_s);
  h = tw_fnv1a(h, ds->x, ds->n_rows * nf * sizeof(float));
  h = tw_fnv1a(h, ds->y, ds->n_rows * sizeof(float));
  TW_CHECK_GOTO(st, tw_calloc((size_t)c->size, sizeof *hashes, "rank hashes", &hashes));
  hashes[0] = h;
  if (c->size > 1 &&
      MPI_Allgather(&h, 1, MPI_UINT64_T, hashes, 1, MPI_UINT64_T, c->comm) != MPI_SUCCESS) {
    st = tw_error(TW_ERR_INTERNAL, "federated training: MPI_Allgather of the data hashes failed");
    goto cleanup;
  }
  h = tw_fnv1a(TW_FNV_OFFSET, hashes, (size_t)c->size * sizeof *hashes);
  snprintf(m->data_hash, sizeof m->data_hash, "%016llx", (unsigned long long)h);
cleanup:
  free(loc);
  free(sum);
  free(hashes);
  return st;
}

/* Skill and importance: each rank scores its own validation block, the
 * sample-weighted means are combined (RMSE through mean squares). */
static tw_status global_skill(fed_comm *c, tw_forecast_model *m, tw_backend *be,
                              const tw_forecast_dataset *ds, size_t n_train) {
  tw_status st = TW_OK;
  const size_t nf = (size_t)m->n_features, ns = TW_SKILL_METHODS * TW_SKILL_METRICS;
  const size_t len = ns + nf + 2;
  double *loc = NULL, *sum = NULL;
  TW_CHECK(tw_calloc(len, sizeof *loc, "federated skill", &loc));
  TW_CHECK_GOTO(st, tw_calloc(len, sizeof *sum, "federated skill", &sum));
  tw_status local = tw_forecast_evaluate(m, be, ds, n_train);
  const double nv = (double)(ds->n_rows - n_train);
  if (local == TW_OK) {
    for (int i = 0; i < TW_SKILL_METHODS; i++)
      for (int j = 0; j < TW_SKILL_METRICS; j++) {
        double v = m->skill[i][j];
        loc[i * TW_SKILL_METRICS + j] = nv * (j == TW_SKILL_RMSE ? v * v : v);
      }
    for (size_t k = 0; k < nf; k++) loc[ns + k] = nv * m->importance[k];
    loc[ns + nf] = nv;
  }
  loc[ns + nf + 1] = local != TW_OK;
  TW_CHECK_GOTO(st, exact_sum(c, loc, len, sum));
  if (sum[ns + nf + 1] > 0) {
    st = local != TW_OK ? local
                        : tw_error(TW_ERR_INTERNAL, "federated training: scoring failed on "
                                                    "another rank (see its message)");
    goto cleanup;
  }
  for (int i = 0; i < TW_SKILL_METHODS; i++)
    for (int j = 0; j < TW_SKILL_METRICS; j++) {
      double v = sum[i * TW_SKILL_METRICS + j] / sum[ns + nf];
      m->skill[i][j] = j == TW_SKILL_RMSE ? sqrt(v) : v;
    }
  for (size_t k = 0; k < nf; k++) m->importance[k] = sum[ns + k] / sum[ns + nf];
cleanup:
  free(loc);
  free(sum);
  return st;
}

/* Local epochs of one round on this rank's training rows. */
static tw_status local_epochs(tw_mlp *mlp, const tw_forecast_training_cfg *tc, int first_epoch,
                              tw_rng *rng, size_t *order, size_t n_train, const float *xs,
                              const float *ys, size_t nf, float *bx, float *by, int nout,
                              int quantile) {
  tw_adam_settings adam;
  tw_adam_settings_default(&adam);
  adam.weight_decay = tc->weight_decay;
  const size_t batch = tc->batch_size;
  for (unsigned e = 0; e < tc->federated->local_epochs; e++) {
    adam.learning_rate = tw_fc_epoch_learning_rate(tc, first_epoch + (int)e);
    tw_rng_shuffle(rng, order, n_train);
    for (size_t b0 = 0; b0 < n_train; b0 += batch) {
      size_t bn = n_train - b0 < batch ? n_train - b0 : batch;
      for (size_t j = 0; j < bn; j++) {
        memcpy(bx + j * nf, xs + order[b0 + j] * nf, nf * sizeof(float));
        by[j] = ys[order[b0 + j]];
      }
      float scale = 1.0f / ((float)bn * (float)(quantile ? nout : 1));
      TW_CHECK(tw_mlp_gradient(mlp, bx, by, (int)bn, scale, NULL));
      TW_CHECK(tw_mlp_adam_step(mlp, &adam));
    }
  }
  return TW_OK;
}

tw_status tw_fc_train_federated(const tw_forecast_config *cfg, const tw_feature *features,
                                int n_features, const int64_t *holiday_days, size_t n_holidays,
                                const tw_forecast_dataset *ds, const tw_forecast_train_options *opt,
                                tw_forecast_model **out) {
  tw_status st = TW_OK, local = TW_OK;
  fed_comm c = {opt->comm, 0, 1, NULL, 0};
  tw_forecast_model *m = NULL;
  tw_mlp *mlp = NULL;
  float *xs = NULL, *ys = NULL, *bx = NULL, *by = NULL, *w = NULL, *best = NULL, *vpred = NULL;
  double *loc = NULL, *sum = NULL;
  size_t *order = NULL;
  const double t_start = tw_fc_now_s();
  *out = NULL;
  if (opt->comm != MPI_COMM_NULL) {
    MPI_Comm_rank(opt->comm, &c.rank);
    MPI_Comm_size(opt->comm, &c.size);
  }
  const tw_forecast_training_cfg *tc = cfg->training;
  const tw_forecast_federated_cfg *fc = tc->federated;
  const size_t rows = ds->n_rows, nf = (size_t)n_features;
  const size_t n_valid = (size_t)ceil(tc->validation_fraction * (double)rows);
  const size_t n_train = rows > n_valid ? rows - n_valid : 0;
  if (!ds->have_target)
    local = tw_error(TW_ERR_INPUT, "%s: training needs a 'target' series", cfg->path);
  else if (ds->n_features != n_features)
    local = tw_error(TW_ERR_INTERNAL, "train: dataset has %d features, expected %d",
                     ds->n_features, n_features);
  else if (n_valid < 1 || n_train < tc->batch_size || n_train < 2)
    local = tw_error(TW_ERR_INPUT,
                     "%s: rank %d: %zu usable samples leave %zu for training (batch_size %u) and "
                     "%zu for validation; provide a longer series for this region",
                     cfg->path, c.rank, rows, n_train, tc->batch_size, n_valid);
  if (local == TW_OK)
    local = tw_fc_model_from_config(cfg, features, n_features, holiday_days, n_holidays, &m);
  TW_CHECK_GOTO(st, agree(&c, local));
  m->ranks = c.size;
  TW_CHECK_GOTO(st, global_stats(&c, m, ds, n_train, n_valid));

  TW_CHECK_GOTO(st, tw_calloc(rows * nf, sizeof(float), "standardised features", &xs));
  TW_CHECK_GOTO(st, tw_calloc(rows, sizeof(float), "standardised target", &ys));
  for (size_t r = 0; r < rows; r++) {
    for (size_t k = 0; k < nf; k++)
      xs[r * nf + k] = (ds->x[r * nf + k] - m->feature_mean[k]) / m->feature_std[k];
    ys[r] = (ds->y[r] - m->target_mean) / m->target_std;
  }
  const int nout = tw_mlp_spec_outputs(&m->spec);
  const int max_batch = tc->batch_size > 256 ? (int)tc->batch_size : 256;
  local = tw_mlp_create(opt->backend, &m->spec, max_batch, &mlp);
  if (local == TW_OK) local = tw_mlp_init_params(mlp, (uint64_t)tc->seed * 2654435761ull + 1);
  TW_CHECK_GOTO(st, agree(&c, local));
  const size_t np = tw_mlp_param_count(mlp);
  m->n_params = np;
  TW_CHECK_GOTO(st, tw_calloc(np, sizeof(float), "parameters", &m->params));
  TW_CHECK_GOTO(st, tw_calloc(np, sizeof(float), "local parameters", &w));
  TW_CHECK_GOTO(st, tw_calloc(np, sizeof(float), "best parameters", &best));
  TW_CHECK_GOTO(st, tw_calloc(np + 2, sizeof(double), "exchange", &loc));
  TW_CHECK_GOTO(st, tw_calloc(np + 2, sizeof(double), "exchange", &sum));
  TW_CHECK_GOTO(st, tw_calloc(tc->batch_size * nf, sizeof(float), "batch", &bx));
  TW_CHECK_GOTO(st, tw_calloc(tc->batch_size, sizeof(float), "batch target", &by));
  TW_CHECK_GOTO(st, tw_calloc(n_train, sizeof(size_t), "order", &order));
  TW_CHECK_GOTO(st, tw_calloc(n_valid * (size_t)nout, sizeof(float), "validation pred", &vpred));
  TW_CHECK_GOTO(st, tw_mlp_get_params(mlp, best));
  for (size_t i = 0; i < n_train; i++) order[i] = i;
  tw_rng rng;
  tw_rng_seed(&rng, (uint64_t)tc->seed ^ (0x9E3779B97F4A7C15ull * (uint64_t)(c.rank + 1)));

  double best_loss = INFINITY;
  unsigned best_round = 0, round = 0;
  for (round = 1; round <= fc->rounds; round++) {
    /* local epochs from the common weights (Adam moments stay local) */
    local = local_epochs(mlp, tc, (int)((round - 1) * fc->local_epochs) + 1, &rng, order, n_train,
                         xs, ys, nf, bx, by, nout, m->spec.quantile_count > 0);
    if (local == TW_OK) local = tw_mlp_get_params(mlp, w);
    /* FedAvg: w = sum_r n_r w_r / sum_r n_r */
    for (size_t i = 0; i < np; i++) loc[i] = (double)n_train * (double)w[i];
    loc[np] = (double)n_train;
    loc[np + 1] = local != TW_OK;
    TW_CHECK_GOTO(st, exact_sum(&c, loc, np + 2, sum));
    if (sum[np + 1] > 0) {
      st = agree(&c, local); /* the failure is known everywhere; keep the local message */
      if (st == TW_OK) st = tw_error(TW_ERR_INTERNAL, "federated training: another rank failed");
      goto cleanup;
    }
    for (size_t i = 0; i < np; i++) w[i] = (float)(sum[i] / sum[np]);
    local = tw_mlp_set_params(mlp, w);
    /* validation loss of the averaged model over all regions */
    if (local == TW_OK) local = tw_mlp_predict(mlp, xs + n_train * nf, n_valid, vpred);
    loc[0] = local == TW_OK
                 ? tw_fc_mean_loss(&m->spec, vpred, ys + n_train, n_valid) * (double)n_valid
                 : 0.0;
    loc[1] = (double)n_valid;
    loc[2] = local != TW_OK;
    TW_CHECK_GOTO(st, exact_sum(&c, loc, 3, sum));
    if (sum[2] > 0) {
      st = agree(&c, local);
      if (st == TW_OK) st = tw_error(TW_ERR_INTERNAL, "federated training: another rank failed");
      goto cleanup;
    }
    double vloss = sum[0] / sum[1];
    if (!isfinite(vloss)) {
      st = tw_error(TW_ERR_INPUT, "%s: federated training diverged in round %u (validation loss "
                                  "%g); lower training.learning_rate",
                    cfg->path, round, vloss);
      goto cleanup;
    }
    if (opt->log_every > 0 && c.rank == 0 && round % (unsigned)opt->log_every == 0)
      TW_LOG_I("federated round %u: validation loss %.5f (standardised, %d regions)", round, vloss,
               c.size);
    if (vloss < best_loss) {
      best_loss = vloss;
      best_round = round;
      memcpy(best, w, np * sizeof(float));
    } else if (round - best_round >= tc->patience) {
      break;
    }
  }
  if (round > fc->rounds) round = fc->rounds;
  m->fed_rounds = round;
  m->fed_local_epochs = fc->local_epochs;
  m->epochs_max = (int)(fc->rounds * fc->local_epochs);
  m->epochs_run = (int)(round * fc->local_epochs);
  m->best_epoch = (int)(best_round * fc->local_epochs);
  m->best_valid_loss = best_loss;
  memcpy(m->params, best, np * sizeof(float));
  tw_mlp_destroy(&mlp);
  TW_CHECK_GOTO(st, global_skill(&c, m, opt->backend, ds, n_train));
  m->train_seconds = tw_fc_now_s() - t_start;
  *out = m;
  m = NULL;
cleanup:
  tw_mlp_destroy(&mlp);
  tw_forecast_model_free(&m);
  free(c.slots);
  free(xs);
  free(ys);
  free(bx);
  free(by);
  free(w);
  free(best);
  free(vpred);
  free(loc);
  free(sum);
  free(order);
  return st;
}
