/* Human-readable summary of a forecast model (train, inspect).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/forecast.h"

#include <math.h>
#include <stdio.h>

void tw_forecast_model_print(const tw_forecast_model *m, const char *path, FILE *out) {
  fprintf(out, "model: %s (%d features, %zu parameters, %s)\n", path, m->n_features, m->n_params,
          m->spec.quantile_count ? "quantiles" : "point");
  fprintf(out, "network: %d hidden layer%s [", m->spec.n_hidden, m->spec.n_hidden == 1 ? "" : "s");
  for (int l = 0; l < m->spec.n_hidden; l++) fprintf(out, "%s%d", l ? ", " : "", m->spec.hidden[l]);
  fprintf(out, "], %s; target '%s' [%s], horizon %d h, step %lld s\n",
          tw_activation_name(m->spec.activation), m->target_name, m->target_units, m->horizon_h,
          (long long)m->step_s);
  if (m->spec.quantile_count) {
    fprintf(out, "quantiles:");
    for (int k = 0; k < m->spec.quantile_count; k++) fprintf(out, " %g", (double)m->spec.quantiles[k]);
    fprintf(out, "\n");
  }
  fprintf(out, "epochs: %d of %d, best %d; train %zu samples %s..%s; validation %zu samples %s..%s; "
               "test %zu samples %s..%s\n",
          m->epochs_run, m->epochs_max, m->best_epoch, m->n_train, m->train_start, m->train_end,
          m->n_valid, m->valid_start, m->valid_end, m->n_test, m->test_start, m->test_end);
  fprintf(out, "model: ensemble of %d, residual on %s, schedule %s", m->members,
          tw_forecast_residual_name(m->residual), m->schedule);
  if (m->warmup_epochs) fprintf(out, " (warm-up %u epochs)", m->warmup_epochs);
  if (m->selection_folds)
    fprintf(out, "; rolling-origin selection over %u candidates x %u folds, RMSE %.5g",
            m->selection_candidates, m->selection_folds, m->selection_rmse);
  fprintf(out, "\nexogenous inputs: %s (issue: value at t - h; forecast: a forecast product issued "
               "at t - h)\n",
          tw_forecast_exogenous_timing(m));
  fprintf(out,
          "training: seed %llu, batch %u, lr %g (x%g per epoch), weight decay %g, %d rank%s; "
          "data hash %s\n",
          (unsigned long long)m->seed, m->batch_size, (double)m->learning_rate,
          (double)m->learning_rate_decay, (double)m->weight_decay, m->ranks, m->ranks == 1 ? "" : "s", m->data_hash);
  if (m->fed_rounds)
    fprintf(out, "federated (FedAvg): %u rounds of %u local epochs over %d regions\n",
            m->fed_rounds, m->fed_local_epochs, m->ranks);
  fprintf(out, "%-26s %12s %12s %12s %10s   [%s]\n", "test block skill", "MAE", "RMSE", "pinball",
          "P10-P90", m->target_units);
  for (int i = 0; i < TW_SKILL_METHODS; i++)
    fprintf(out, "%-26s %12.5g %12.5g %12.5g %10.4g\n", tw_skill_method_names[i],
            m->skill[i][TW_SKILL_MAE], m->skill[i][TW_SKILL_RMSE], m->skill[i][TW_SKILL_PINBALL],
            m->skill[i][TW_SKILL_COVERAGE]);
  double skill = NAN;
  int best = tw_forecast_best_baseline(m, &skill);
  fprintf(out, "skill (1 - RMSE / RMSE of the best baseline, %s): %.4f\n",
          tw_skill_method_names[best], skill);
  fprintf(out, "%-26s %12s %12s\n", "feature", "units", "importance");
  for (int k = 0; k < m->n_features; k++)
    fprintf(out, "%-26s %12s %12.5g\n", m->features[k].name, m->features[k].units,
            m->importance ? m->importance[k] : 0.0);
}
