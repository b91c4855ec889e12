/* The forecast YAML configuration: libcyaml schema, defaults, validation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/forecast.h"
#include "terrawatt/yaml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "terrawatt/alloc.h"

#define STR(key, flags, type, member) \
  CYAML_FIELD_STRING_PTR(key, (flags) | CYAML_FLAG_POINTER, type, member, 1, CYAML_UNLIMITED)
#define OPT (CYAML_FLAG_OPTIONAL)

static const cyaml_schema_value_t string_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED)};
static const cyaml_schema_value_t uint_entry = {CYAML_VALUE_UINT(CYAML_FLAG_DEFAULT, unsigned)};
static const cyaml_schema_value_t float_entry = {CYAML_VALUE_FLOAT(CYAML_FLAG_DEFAULT, float)};

static const cyaml_schema_field_t series_fields[] = {
    STR("name", OPT, tw_forecast_series_cfg, name),
    STR("file", CYAML_FLAG_DEFAULT, tw_forecast_series_cfg, file),
    STR("column", CYAML_FLAG_DEFAULT, tw_forecast_series_cfg, column),
    STR("time_column", OPT, tw_forecast_series_cfg, time_column),
    STR("units", OPT, tw_forecast_series_cfg, units),
    STR("timing", OPT, tw_forecast_series_cfg, timing),
    CYAML_FIELD_END};
static const cyaml_schema_value_t series_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_forecast_series_cfg, series_fields)};

static const cyaml_schema_field_t degree_fields[] = {
    STR("temperature", CYAML_FLAG_DEFAULT, tw_forecast_degree_cfg, temperature),
    CYAML_FIELD_FLOAT("heating_base_C", OPT, tw_forecast_degree_cfg, heating_base_C),
    CYAML_FIELD_FLOAT("cooling_base_C", OPT, tw_forecast_degree_cfg, cooling_base_C),
    CYAML_FIELD_END};

static const cyaml_schema_field_t features_fields[] = {
    CYAML_FIELD_SEQUENCE("calendar", CYAML_FLAG_POINTER | OPT, tw_forecast_features_cfg, calendar,
                         &string_entry, 0, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("holidays", CYAML_FLAG_POINTER | OPT, tw_forecast_features_cfg, holidays,
                         &string_entry, 0, CYAML_UNLIMITED),
    STR("holidays_country", OPT, tw_forecast_features_cfg, holidays_country),
    CYAML_FIELD_BOOL("lags", OPT, tw_forecast_features_cfg, lags),
    CYAML_FIELD_BOOL("rolling", OPT, tw_forecast_features_cfg, rolling),
    CYAML_FIELD_UINT("max_lag_h", OPT, tw_forecast_features_cfg, max_lag_h),
    CYAML_FIELD_MAPPING_PTR("degree_hours", CYAML_FLAG_POINTER | OPT, tw_forecast_features_cfg,
                            degree_hours, degree_fields),
    CYAML_FIELD_SEQUENCE("exogenous", CYAML_FLAG_POINTER | OPT, tw_forecast_features_cfg,
                         exogenous, &series_entry, 0, CYAML_UNLIMITED),
    CYAML_FIELD_END};

static const cyaml_schema_field_t model_fields[] = {
    CYAML_FIELD_SEQUENCE("hidden", CYAML_FLAG_POINTER | OPT, tw_forecast_model_cfg, hidden,
                         &uint_entry, 0, TW_MLP_MAX_HIDDEN),
    STR("activation", OPT, tw_forecast_model_cfg, activation),
    CYAML_FIELD_SEQUENCE("quantiles", CYAML_FLAG_POINTER | OPT, tw_forecast_model_cfg, quantiles,
                         &float_entry, 0, TW_MAX_QUANTILES),
    STR("residual", OPT, tw_forecast_model_cfg, residual),
    CYAML_FIELD_UINT("ensemble", OPT, tw_forecast_model_cfg, ensemble),
    CYAML_FIELD_END};

static const cyaml_schema_field_t selection_fields[] = {
    CYAML_FIELD_SEQUENCE("learning_rates", CYAML_FLAG_POINTER | OPT, tw_forecast_selection_cfg,
                         learning_rates, &float_entry, 1, 16),
    CYAML_FIELD_SEQUENCE("residual", CYAML_FLAG_POINTER | OPT, tw_forecast_selection_cfg,
                         residual, &string_entry, 1, 3),
    CYAML_FIELD_END};

static const cyaml_schema_field_t federated_fields[] = {
    CYAML_FIELD_UINT("rounds", OPT, tw_forecast_federated_cfg, rounds),
    CYAML_FIELD_UINT("local_epochs", OPT, tw_forecast_federated_cfg, local_epochs),
    CYAML_FIELD_END};

static const cyaml_schema_field_t training_fields[] = {
    CYAML_FIELD_UINT("epochs", OPT, tw_forecast_training_cfg, epochs),
    CYAML_FIELD_UINT("batch_size", OPT, tw_forecast_training_cfg, batch_size),
    CYAML_FIELD_FLOAT("learning_rate", OPT, tw_forecast_training_cfg, learning_rate),
    CYAML_FIELD_FLOAT("learning_rate_decay", OPT, tw_forecast_training_cfg, learning_rate_decay),
    STR("schedule", OPT, tw_forecast_training_cfg, schedule),
    CYAML_FIELD_UINT("warmup_epochs", OPT, tw_forecast_training_cfg, warmup_epochs),
    CYAML_FIELD_FLOAT("test_fraction", OPT, tw_forecast_training_cfg, test_fraction),
    CYAML_FIELD_UINT("folds", OPT, tw_forecast_training_cfg, folds),
    CYAML_FIELD_MAPPING_PTR("selection", CYAML_FLAG_POINTER | OPT, tw_forecast_training_cfg,
                            selection, selection_fields),
    CYAML_FIELD_FLOAT("weight_decay", OPT, tw_forecast_training_cfg, weight_decay),
    CYAML_FIELD_FLOAT("validation_fraction", OPT, tw_forecast_training_cfg, validation_fraction),
    CYAML_FIELD_UINT("patience", OPT, tw_forecast_training_cfg, patience),
    CYAML_FIELD_UINT("seed", OPT, tw_forecast_training_cfg, seed),
    CYAML_FIELD_UINT("shards", OPT, tw_forecast_training_cfg, shards),
    CYAML_FIELD_MAPPING_PTR("federated", CYAML_FLAG_POINTER | OPT, tw_forecast_training_cfg,
                            federated, federated_fields),
    CYAML_FIELD_END};

static const cyaml_schema_field_t top_fields[] = {
    CYAML_FIELD_MAPPING_PTR("target", CYAML_FLAG_POINTER | OPT, tw_forecast_config, target,
                            series_fields),
    CYAML_FIELD_UINT("horizon_h", OPT, tw_forecast_config, horizon_h),
    CYAML_FIELD_MAPPING_PTR("features", CYAML_FLAG_POINTER | OPT, tw_forecast_config, features,
                            features_fields),
    CYAML_FIELD_MAPPING_PTR("model", CYAML_FLAG_POINTER | OPT, tw_forecast_config, model,
                            model_fields),
    CYAML_FIELD_MAPPING_PTR("training", CYAML_FLAG_POINTER | OPT, tw_forecast_config, training,
                            training_fields),
    CYAML_FIELD_END};

static const cyaml_schema_value_t top_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, tw_forecast_config, top_fields)};

tw_status tw_forecast_residual_parse(const char *name, int *out) {
  if (!name || strcmp(name, "none") == 0) *out = TW_RESIDUAL_NONE;
  else if (strcmp(name, "seasonal_naive") == 0) *out = TW_RESIDUAL_SEASONAL_NAIVE;
  else if (strcmp(name, "ols") == 0) *out = TW_RESIDUAL_OLS;
  else return tw_error(TW_ERR_INPUT, "'%s' is not none, seasonal_naive or ols", name);
  return TW_OK;
}

const char *tw_forecast_residual_name(int residual) {
  return residual == TW_RESIDUAL_SEASONAL_NAIVE ? "seasonal_naive"
         : residual == TW_RESIDUAL_OLS          ? "ols"
                                                : "none";
}

tw_status tw_activation_parse(const char *name, tw_activation *out) {
  if (!name || strcmp(name, "relu") == 0) *out = TW_ACT_RELU;
  else if (strcmp(name, "gelu") == 0) *out = TW_ACT_GELU;
  else if (strcmp(name, "tanh") == 0) *out = TW_ACT_TANH;
  else return tw_error(TW_ERR_INPUT, "activation '%s' is not relu, gelu or tanh", name);
  return TW_OK;
}

const char *tw_activation_name(tw_activation act) {
  switch (act) {
  case TW_ACT_RELU: return "relu";
  case TW_ACT_GELU: return "gelu";
  case TW_ACT_TANH: return "tanh";
  default: return "identity";
  }
}

static tw_status validate(tw_forecast_config *c) {
  const char *p = c->path;
  if (c->horizon_h == 0) c->horizon_h = 1;
  if (c->horizon_h > 8760)
    return tw_error(TW_ERR_INPUT, "%s: horizon_h: %u is more than a year (8760 h)", p, c->horizon_h);
  if (!c->features && !(c->features = tw_calloc_raw(1, sizeof *c->features)))
    return tw_error(TW_ERR_RESOURCE, "%s: out of memory", p);
  if (!c->model && !(c->model = tw_calloc_raw(1, sizeof *c->model)))
    return tw_error(TW_ERR_RESOURCE, "%s: out of memory", p);
  if (!c->training && !(c->training = tw_calloc_raw(1, sizeof *c->training)))
    return tw_error(TW_ERR_RESOURCE, "%s: out of memory", p);
  tw_forecast_features_cfg *f = c->features;
  for (unsigned i = 0; i < f->calendar_count; i++) {
    const char *name = f->calendar[i];
    if (strcmp(name, "hour_of_day") && strcmp(name, "day_of_week") && strcmp(name, "day_of_year") &&
        strcmp(name, "holiday") && strcmp(name, "bridge_day"))
      return tw_error(TW_ERR_INPUT,
                      "%s: features.calendar: '%s' is not hour_of_day, day_of_week, day_of_year, "
                      "holiday or bridge_day",
                      p, name);
  }
  if (f->holidays_country) {
    int64_t *days = NULL;
    size_t n = 0;
    tw_status st = tw_holidays_country(f->holidays_country, 2000, 2000, &days, &n);
    free(days);
    if (st != TW_OK) return tw_error_prefix(st, "%s: features.holidays_country: ", p);
  }
  if (f->degree_hours) {
    tw_forecast_degree_cfg *d = f->degree_hours;
    if (d->heating_base_C == 0.0f) d->heating_base_C = 15.0f;
    if (d->cooling_base_C == 0.0f) d->cooling_base_C = 22.0f;
    if (!(d->heating_base_C > -60.0f && d->heating_base_C < 60.0f) ||
        !(d->cooling_base_C > -60.0f && d->cooling_base_C < 60.0f))
      return tw_error(TW_ERR_INPUT, "%s: features.degree_hours: bases %g / %g degC, expected "
                                    "-60..60",
                      p, (double)d->heating_base_C, (double)d->cooling_base_C);
  }
  for (unsigned i = 0; i < f->exogenous_count; i++) {
    tw_forecast_series_cfg *e = &f->exogenous[i];
    if (!e->name)
      return tw_error(TW_ERR_INPUT, "%s: features.exogenous[%u] (file '%s'): 'name' is missing", p,
                      i, e->file);
    if (strlen(e->name) > 80)
      return tw_error(TW_ERR_INPUT, "%s: features.exogenous name '%s' is longer than 80 characters",
                      p, e->name);
    for (unsigned j = 0; j < i; j++)
      if (strcmp(f->exogenous[j].name, e->name) == 0)
        return tw_error(TW_ERR_INPUT, "%s: features.exogenous: name '%s' appears twice", p, e->name);
    if (strchr(e->name, '@') || strchr(e->name, ':'))
      return tw_error(TW_ERR_INPUT, "%s: features.exogenous name '%s' contains '@' or ':'", p,
                      e->name);
    if (e->timing && strcmp(e->timing, "issue") && strcmp(e->timing, "forecast"))
      return tw_error(TW_ERR_INPUT,
                      "%s: features.exogenous '%s': timing '%s' is not issue (value at t - h) or "
                      "forecast (a forecast product issued at t - h)",
                      p, e->name, e->timing);
  }
  tw_forecast_model_cfg *m = c->model;
  tw_activation act;
  int residual;
  if (tw_activation_parse(m->activation, &act) != TW_OK)
    return tw_error_prefix(TW_ERR_INPUT, "%s: model: ", p);
  if (tw_forecast_residual_parse(m->residual, &residual) != TW_OK)
    return tw_error_prefix(TW_ERR_INPUT, "%s: model.residual: ", p);
  if (m->ensemble == 0) m->ensemble = 1;
  if (m->ensemble > 64)
    return tw_error(TW_ERR_INPUT, "%s: model.ensemble: %u seeds, expected 1..64", p, m->ensemble);
  for (unsigned i = 0; i < m->hidden_count; i++)
    if (m->hidden[i] == 0 || m->hidden[i] > 4096)
      return tw_error(TW_ERR_INPUT, "%s: model.hidden[%u]: %u units, expected 1..4096", p, i,
                      m->hidden[i]);
  for (unsigned i = 0; i < m->quantiles_count; i++) {
    float q = m->quantiles[i];
    if (!(q > 0.0f && q < 1.0f))
      return tw_error(TW_ERR_INPUT, "%s: model.quantiles: %g is not strictly between 0 and 1", p,
                      (double)q);
    if (i > 0 && !(q > m->quantiles[i - 1]))
      return tw_error(TW_ERR_INPUT, "%s: model.quantiles must be strictly ascending: %g after %g",
                      p, (double)q, (double)m->quantiles[i - 1]);
  }
  tw_forecast_training_cfg *t = c->training;
  if (t->epochs == 0) t->epochs = 200;
  if (t->batch_size == 0) t->batch_size = 64;
  if (t->learning_rate == 0.0f) t->learning_rate = 1e-3f;
  if (t->validation_fraction == 0.0f) t->validation_fraction = 0.2f;
  if (t->patience == 0) t->patience = 20;
  if (t->shards == 0) t->shards = 1;
  if (t->learning_rate_decay == 0.0f) t->learning_rate_decay = 1.0f;
  if (t->schedule && strcmp(t->schedule, "exponential") && strcmp(t->schedule, "cosine"))
    return tw_error(TW_ERR_INPUT, "%s: training.schedule: '%s' is not exponential or cosine", p,
                    t->schedule);
  const int warmup_given = t->warmup_epochs != 0;
  if (t->warmup_epochs == 0 && t->schedule && strcmp(t->schedule, "cosine") == 0)
    t->warmup_epochs = 5;
  if (t->test_fraction == 0.0f) t->test_fraction = 0.2f;
  if (!(t->test_fraction > 0.0f && t->test_fraction < 0.8f))
    return tw_error(TW_ERR_INPUT, "%s: training.test_fraction: %g, expected 0 < f < 0.8", p,
                    (double)t->test_fraction);
  if (t->folds == 0) t->folds = 1;
  if (t->folds > 20)
    return tw_error(TW_ERR_INPUT, "%s: training.folds: %u, expected 1..20", p, t->folds);
  if (t->selection) {
    tw_forecast_selection_cfg *sel = t->selection;
    for (unsigned i = 0; i < sel->learning_rates_count; i++)
      if (!(sel->learning_rates[i] > 0.0f && sel->learning_rates[i] < 1.0f))
        return tw_error(TW_ERR_INPUT, "%s: training.selection.learning_rates: %g, expected 0 < lr "
                                      "< 1",
                        p, (double)sel->learning_rates[i]);
    for (unsigned i = 0; i < sel->residual_count; i++)
      if (tw_forecast_residual_parse(sel->residual[i], &residual) != TW_OK)
        return tw_error_prefix(TW_ERR_INPUT, "%s: training.selection.residual: ", p);
  }
  if (!(t->learning_rate_decay > 0.0f && t->learning_rate_decay <= 1.0f))
    return tw_error(TW_ERR_INPUT, "%s: training.learning_rate_decay: %g, expected 0 < d <= 1", p,
                    (double)t->learning_rate_decay);
  if (t->federated) {
    tw_forecast_federated_cfg *fd = t->federated;
    if (fd->rounds == 0) fd->rounds = 20;
    if (fd->local_epochs == 0) fd->local_epochs = 1;
    if (fd->rounds > 100000 || fd->local_epochs > 10000)
      return tw_error(TW_ERR_INPUT,
                      "%s: training.federated: rounds %u / local_epochs %u, expected 1..100000 / "
                      "1..10000",
                      p, fd->rounds, fd->local_epochs);
  }
  if (!(t->learning_rate > 0.0f && t->learning_rate < 1.0f))
    return tw_error(TW_ERR_INPUT, "%s: training.learning_rate: %g, expected 0 < lr < 1", p,
                    (double)t->learning_rate);
  if (!(t->weight_decay >= 0.0f && t->weight_decay < 1.0f))
    return tw_error(TW_ERR_INPUT, "%s: training.weight_decay: %g, expected 0 <= wd < 1", p,
                    (double)t->weight_decay);
  if (!(t->validation_fraction > 0.0f && t->validation_fraction < 0.9f))
    return tw_error(TW_ERR_INPUT, "%s: training.validation_fraction: %g, expected 0 < f < 0.9", p,
                    (double)t->validation_fraction);
  if (t->batch_size > 65536)
    return tw_error(TW_ERR_INPUT, "%s: training.batch_size: %u, expected 1..65536", p,
                    t->batch_size);
  if (t->shards > t->batch_size)
    return tw_error(TW_ERR_INPUT, "%s: training.shards: %u is more than batch_size %u", p,
                    t->shards, t->batch_size);
  if (t->epochs > 100000)
    return tw_error(TW_ERR_INPUT, "%s: training.epochs: %u, expected 1..100000", p, t->epochs);
  if (warmup_given && t->warmup_epochs > t->epochs)
    return tw_error(TW_ERR_INPUT, "%s: training.warmup_epochs: %u is more than epochs %u", p,
                    t->warmup_epochs, t->epochs);
  if (t->patience > 100000)
    return tw_error(TW_ERR_INPUT, "%s: training.patience: %u, expected 1..100000", p, t->patience);
  if (f->max_lag_h > 87600)
    return tw_error(TW_ERR_INPUT, "%s: features.max_lag_h: %u h, expected 1..87600 (10 years)", p,
                    f->max_lag_h);
  return TW_OK;
}

tw_status tw_forecast_config_load(const char *path, tw_forecast_config **out) {
  tw_status st = TW_OK;
  tw_forecast_config *c = NULL;
  *out = NULL;
  TW_CHECK(tw_yaml_load(path, &top_schema, (void **)&c));
  c->path = tw_strdup(path);
  c->dir = tw_strdup(path);
  if (!c->path || !c->dir) {
    st = tw_error(TW_ERR_RESOURCE, "%s: out of memory", path);
    goto cleanup;
  }
  char *slash = strrchr(c->dir, '/');
  if (slash) slash[1] = '\0';
  else c->dir[0] = '\0';
  TW_CHECK_GOTO(st, validate(c));
  *out = c;
  c = NULL;
cleanup:
  tw_forecast_config_free(&c);
  return st;
}

void tw_forecast_config_free(tw_forecast_config **cfg) {
  if (!cfg || !*cfg) return;
  free((*cfg)->path);
  free((*cfg)->dir);
  (*cfg)->path = NULL;
  (*cfg)->dir = NULL;
  tw_yaml_free(&top_schema, *cfg);
  *cfg = NULL;
}

/* Replace every "{rank}" in *name (heap string owned by the config). */
static tw_status substitute_rank(const char *path, char **name, int rank) {
  if (!*name || !strstr(*name, "{rank}")) return TW_OK;
  char num[16];
  snprintf(num, sizeof num, "%d", rank);
  size_t len = strlen(*name), cap = len + 1 + 16 * (len / 6 + 1);
  char *out = tw_malloc(cap), *o = out;
  if (!out) return tw_error(TW_ERR_RESOURCE, "%s: out of memory", path);
  for (const char *p = *name; *p;) {
    if (strncmp(p, "{rank}", 6) == 0) {
      o += sprintf(o, "%s", num);
      p += 6;
    } else {
      *o++ = *p++;
    }
  }
  *o = '\0';
  free(*name);
  *name = out;
  return TW_OK;
}

tw_status tw_forecast_config_set_rank(tw_forecast_config *cfg, int rank) {
  if (cfg->target) TW_CHECK(substitute_rank(cfg->path, &cfg->target->file, rank));
  for (unsigned i = 0; cfg->features && i < cfg->features->exogenous_count; i++)
    TW_CHECK(substitute_rank(cfg->path, &cfg->features->exogenous[i].file, rank));
  return TW_OK;
}
