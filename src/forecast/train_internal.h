/* Helpers shared by the training drivers (train.c: centralised and
 * data-parallel; federated.c: FedAvg over regions). Not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_FORECAST_TRAIN_INTERNAL_H
#define TW_FORECAST_TRAIN_INTERNAL_H

#include "terrawatt/forecast.h"

/* Monotonic clock, seconds. */
double tw_fc_now_s(void);

/* Mean per-sample loss of standardised predictions (outputs x n):
 * squared error, or the sum over quantiles of the pinball loss. */
double tw_fc_mean_loss(const tw_mlp_spec *spec, const float *pred, const float *y, size_t n);

/* A model with the architecture, features, holidays and training settings
 * of the configuration; parameters, statistics and skill not yet set. */
tw_status tw_fc_model_from_config(const tw_forecast_config *cfg, const tw_feature *features,
                                  int n_features, const int64_t *holidays, size_t n_holidays,
                                  tw_forecast_model **out);

/* Learning rate of epoch `epoch` (1-based) for base rate lr: exponential
 * lr * decay^(epoch-1), or cosine with linear warm-up:
 * lr * min(1, epoch / warmup) * (1 + cos(pi (epoch - 1) / epochs)) / 2. */
float tw_fc_schedule_lr(const tw_forecast_training_cfg *tc, float lr, int epoch);

/* tw_fc_schedule_lr with the configured training.learning_rate. */
float tw_fc_epoch_learning_rate(const tw_forecast_training_cfg *tc, int epoch);

/* OLS with intercept on the model's standardised features over the rows
 * [0, n_train) of ds (ridge 1e-8 n): coef[0] intercept, coef[k+1] feature
 * k. TW_ERR_INPUT when the normal matrix is singular. */
tw_status tw_fc_ols_fit(const tw_forecast_model *m, const tw_forecast_dataset *ds, size_t n_train,
                        double *coef);

/* The OLS prediction for one raw feature row. */
double tw_fc_ols_apply(const tw_forecast_model *m, const double *coef, const float *x_raw);

/* Mean and population standard deviation over the first n values (stride
 * floats apart); a constant column gets std 1. */
void tw_fc_standardise_stats(const float *x, size_t stride, size_t n, float *mean, float *sd);

/* Baselines, skill and importance on the rows after n_train (skill.c). */
tw_status tw_forecast_evaluate(tw_forecast_model *m, tw_backend *be, const tw_forecast_dataset *ds,
                               size_t n_train);

/* FedAvg training (federated.c); called by tw_forecast_train when
 * cfg->training->federated is set. Collective on opt->comm. */
tw_status tw_fc_train_federated(const tw_forecast_config *cfg, const tw_feature *features,
                                int n_features, const int64_t *holiday_days, size_t n_holidays,
                                const tw_forecast_dataset *ds, const tw_forecast_train_options *opt,
                                tw_forecast_model **out);

#endif
