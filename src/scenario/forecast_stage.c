/* The forecast stage of `terrawatt run`: the scenario keys, forecasts of
 * demand and capacity factors (trained on the fly with blocked
 * cross-fitting, or from model files), skill against baselines, and the
 * JSON report. The costs are in forecast_cost.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/forecast_stage.h"
#include "terrawatt/forecast.h"
#include "terrawatt/log.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "terrawatt/alloc.h"

#define STR(key, flags, type, member) \
  CYAML_FIELD_STRING_PTR(key, (flags) | CYAML_FLAG_POINTER, type, member, 1, CYAML_UNLIMITED)
#define OPT (CYAML_FLAG_OPTIONAL)

static const cyaml_schema_value_t string_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED)};
static const cyaml_schema_field_t model_fields[] = {
    STR("target", CYAML_FLAG_DEFAULT, tw_forecast_stage_model, target),
    STR("file", CYAML_FLAG_DEFAULT, tw_forecast_stage_model, file), CYAML_FIELD_END};
static const cyaml_schema_value_t model_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_forecast_stage_model, model_fields)};

const cyaml_schema_field_t tw_forecast_stage_fields[] = {
    CYAML_FIELD_SEQUENCE("targets", CYAML_FLAG_POINTER, tw_forecast_stage_config, targets,
                         &string_entry, 1, 3),
    CYAML_FIELD_UINT("horizon_h", OPT, tw_forecast_stage_config, horizon_h),
    CYAML_FIELD_UINT("folds", OPT, tw_forecast_stage_config, folds),
    CYAML_FIELD_FLOAT("imbalance_cost", OPT, tw_forecast_stage_config, imbalance_cost),
    CYAML_FIELD_BOOL("weather_features", OPT, tw_forecast_stage_config, weather_features),
    STR("config", OPT, tw_forecast_stage_config, config),
    CYAML_FIELD_SEQUENCE("models", CYAML_FLAG_POINTER | OPT, tw_forecast_stage_config, models,
                         &model_entry, 0, CYAML_UNLIMITED),
    CYAML_FIELD_END};

enum { DEFAULT_HORIZON_H = 24, DEFAULT_FOLDS = 4 };
#define DEFAULT_IMBALANCE_COST 100.0

/* "key: <fmt>" to fn; counts it. */
static void add_problem(tw_forecast_stage_problem_fn fn, void *ctx, int *count, const char *key,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_problem(tw_forecast_stage_problem_fn fn, void *ctx, int *count, const char *key,
                        const char *fmt, ...) {
  char msg[2048];
  int n = snprintf(msg, sizeof msg, "%s: ", key);
  va_list ap;
  va_start(ap, fmt);
  if (n > 0 && (size_t)n < sizeof msg) vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  va_end(ap);
  fn(ctx, key, msg);
  (*count)++;
}

/* tw_forecast_stage_validate's text: problems separated by "; ". */
typedef struct problem_text {
  char *msg;
  size_t size;
  int count;
} problem_text;

static void append_problem(void *ctx, const char *key, const char *message) {
  problem_text *t = ctx;
  size_t used = strlen(t->msg);
  (void)key;
  if (used + 8 >= t->size) return;
  if (t->count++) {
    snprintf(t->msg + used, t->size - used, "; ");
    used += 2;
  }
  snprintf(t->msg + used, t->size - used, "%s", message);
}

static void resolve(const char *base_dir, const char *rel, char *buf, size_t size) {
  if (rel[0] == '/' || !base_dir) snprintf(buf, size, "%s", rel);
  else snprintf(buf, size, "%s%s", base_dir, rel);
}

static int target_kind(const char *name) {
  if (strcmp(name, "demand") == 0) return 0;
  if (strcmp(name, "wind") == 0) return 1;
  if (strcmp(name, "solar") == 0) return 2;
  return -1;
}

int tw_forecast_stage_check(const tw_forecast_stage_config *c, const char *base_dir,
                            tw_forecast_stage_problem_fn fn, void *ctx) {
  int n = 0;
  char path[4096], key[48];
  struct stat sb;
  for (unsigned i = 0; i < c->targets_count; i++) {
    if (target_kind(c->targets[i]) < 0)
      add_problem(fn, ctx, &n, "forecast.targets", "'%s' is not demand, wind or solar",
                  c->targets[i]);
    for (unsigned j = 0; j < i; j++)
      if (strcmp(c->targets[i], c->targets[j]) == 0)
        add_problem(fn, ctx, &n, "forecast.targets", "'%s' appears twice", c->targets[i]);
  }
  if (c->horizon_h > 8760)
    add_problem(fn, ctx, &n, "forecast.horizon_h", "%u is more than a year (8760 h)",
                c->horizon_h);
  if (c->folds == 1 || c->folds > 100)
    add_problem(fn, ctx, &n, "forecast.folds", "%u, expected 2..100", c->folds);
  if (!(c->imbalance_cost >= 0) || !isfinite(c->imbalance_cost))
    add_problem(fn, ctx, &n, "forecast.imbalance_cost", "%g is not a cost >= 0",
                c->imbalance_cost);
  if (c->config) {
    resolve(base_dir, c->config, path, sizeof path);
    if (stat(path, &sb) != 0)
      add_problem(fn, ctx, &n, "forecast.config", "'%s': %s", c->config, strerror(errno));
  }
  for (unsigned i = 0; i < c->models_count; i++) {
    const tw_forecast_stage_model *m = &c->models[i];
    const char *colon = strchr(m->target, ':');
    char kind[16] = "";
    if (colon && (size_t)(colon - m->target) < sizeof kind)
      memcpy(kind, m->target, (size_t)(colon - m->target));
    if (!colon || !colon[1] || target_kind(kind) < 0) {
      snprintf(key, sizeof key, "forecast.models[%u].target", i);
      add_problem(fn, ctx, &n, key, "'%s' is not demand:<load>, wind:<bus> or solar:<bus>",
                  m->target);
    }
    resolve(base_dir, m->file, path, sizeof path);
    if (stat(path, &sb) != 0) {
      int err = errno;
      snprintf(key, sizeof key, "forecast.models[%u].file", i);
      add_problem(fn, ctx, &n, key, "'%s': %s", m->file, strerror(err));
    }
  }
  return n;
}

int tw_forecast_stage_validate(const tw_forecast_stage_config *c, const char *base_dir, char *msg,
                               size_t msg_size) {
  problem_text t = {msg, msg_size, 0};
  msg[0] = '\0';
  return tw_forecast_stage_check(c, base_dir, append_problem, &t);
}

void tw_forecast_stage_result_destroy(tw_forecast_stage_result **r) {
  if (!r || !*r) return;
  free((*r)->targets);
  free(*r);
  *r = NULL;
}

/* ---- forecasting configuration --------------------------------------------- */

/* The forecast configuration used for on-the-fly training: from
 * `forecast.config` or the defaults below, with the stage's horizon and a
 * target entry that each forecast target fills in (its lags are built from it). */
typedef struct stage_fc {
  tw_forecast_config *loaded;
  tw_forecast_config cfg;
  tw_forecast_series_cfg target;
  tw_forecast_features_cfg features;
  tw_forecast_model_cfg model;
  tw_forecast_training_cfg training;
  char *calendar[2];
  unsigned hidden[1];
  char path[4200];
  int64_t *holidays;
  size_t n_holidays;
} stage_fc;

static tw_status stage_fc_init(const tw_forecast_stage_config *c, const char *base_dir,
                               const char *scenario_path, stage_fc *f) {
  memset(f, 0, sizeof *f);
  if (c->config) {
    char path[4096];
    resolve(base_dir, c->config, path, sizeof path);
    TW_CHECK(tw_forecast_config_load(path, &f->loaded));
    f->cfg = *f->loaded;
    f->features = *f->loaded->features;
    f->model = *f->loaded->model;
    f->training = *f->loaded->training;
    snprintf(f->path, sizeof f->path, "%s", path);
  } else {
    f->calendar[0] = (char *)"hour_of_day";
    f->calendar[1] = (char *)"day_of_week";
    f->features.calendar = f->calendar;
    f->features.calendar_count = 2;
    f->features.lags = 1;
    f->hidden[0] = 16;
    f->model.hidden = f->hidden;
    f->model.hidden_count = 1;
    f->model.ensemble = 1;
    f->training.epochs = 150;
    f->training.batch_size = 32;
    f->training.learning_rate = 3e-3f;
    f->training.schedule = (char *)"cosine";
    f->training.warmup_epochs = 5;
    f->training.validation_fraction = 0.2f;
    f->training.test_fraction = 0.2f;
    f->training.folds = 1;
    f->training.patience = 30;
    f->training.shards = 1;
    snprintf(f->path, sizeof f->path, "%s: forecast", scenario_path);
  }
  f->features.exogenous = NULL;
  f->features.exogenous_count = 0;
  f->target.column = (char *)"target";
  f->cfg.path = f->path;
  f->cfg.target = &f->target;
  f->cfg.horizon_h = c->horizon_h ? c->horizon_h : DEFAULT_HORIZON_H;
  f->cfg.features = &f->features;
  f->cfg.model = &f->model;
  f->cfg.training = &f->training;
  return tw_forecast_holidays_parse(&f->cfg, &f->holidays, &f->n_holidays);
}

static void stage_fc_free(stage_fc *f) {
  tw_forecast_config_free(&f->loaded);
  free(f->holidays);
  f->holidays = NULL;
}

/* ---- one target ------------------------------------------------------------ */

/* A series to forecast, over the network's snapshots. */
typedef struct stage_target {
  char name[TW_FORECAST_TARGET_NAME_BYTES];
  const double *actual; /* [T] */
  const float *hdh, *cdh; /* [T] or NULL: weather of its bus */
  double *forecast;     /* [T] (actual in the warm-up) */
  double lo, hi;        /* physical range of the forecast */
} stage_target;
/* the result's name is a copy of the target's: same size, never cut */
_Static_assert(sizeof(((stage_target *)0)->name) == sizeof(((tw_forecast_stage_target *)0)->name),
               "stage_target.name and tw_forecast_stage_target.name must agree");
/* the longest prefix, "demand:" or "solar:", and the NUL fit besides the
 * TW_FORECAST_TARGET_NAME_BYTES - 8 bytes that validation allows a name */
_Static_assert(sizeof "demand:" + (TW_FORECAST_TARGET_NAME_BYTES - 8) <= TW_FORECAST_TARGET_NAME_BYTES,
               "forecast target names: prefix + name + NUL must fit");

typedef struct stage_ctx {
  const tw_forecast_stage_config *c;
  const tw_forecast_stage_inputs *in;
  const tw_network *net;
  tw_backend *be;     /* in->backend, or own_be */
  tw_backend *own_be; /* made when the caller passed none */
  stage_fc fc;
  size_t T;
  tw_time_s *time_s; /* [T] */
  int64_t step_s;
  int h;             /* horizon in hours */
  size_t h_steps, w_steps;
} stage_ctx;

/* Raw features of snapshot i (lags need i >= the largest lag). */
static tw_status feature_row(const stage_ctx *x, const stage_target *tg, const tw_feature *feat,
                             int nf, const int64_t *hol, size_t nhol, size_t i, float *row) {
  for (int k = 0; k < nf; k++) {
    const tw_feature *f = &feat[k];
    /* weather at the issue time t - h (no oracle weather), or at t for a
     * model file of the older format ("exo:hdh_K") */
    size_t wi = f->at_issue ? i - x->h_steps : i;
    if (f->kind <= TW_FEAT_CALENDAR_LAST) {
      row[k] = tw_forecast_calendar_value(f->kind, x->time_s[i], hol, nhol);
    } else if (f->kind == TW_FEAT_LAG || f->kind == TW_FEAT_ROLL_MEAN ||
               f->kind == TW_FEAT_ROLL_MAX) {
      row[k] = tw_forecast_target_feature(f, tg->actual, i, x->step_s, x->h);
    } else if (f->kind == TW_FEAT_EXOGENOUS && strcmp(f->source, "hdh_K") == 0 && tg->hdh) {
      row[k] = tg->hdh[wi];
    } else if (f->kind == TW_FEAT_EXOGENOUS && strcmp(f->source, "cdh_K") == 0 && tg->cdh) {
      row[k] = tg->cdh[wi];
    } else {
      return tw_error(TW_ERR_INPUT, "%s: forecast of '%s': feature '%s' is not available in a run "
                                    "(calendar, lags, rolling statistics, exo:hdh_K and exo:cdh_K "
                                    "are; the latter need climate data and "
                                    "forecast.weather_features)",
                      x->in->scenario_path, tg->name, f->name);
    }
  }
  return TW_OK;
}

/* First snapshot where every lag and both baselines exist. */
static tw_status first_row(const stage_ctx *x, const tw_feature *feat, int nf, const char *what,
                           size_t *start) {
  size_t s = x->h_steps > x->w_steps ? x->h_steps : x->w_steps;
  for (int k = 0; k < nf; k++)
    if (feat[k].kind == TW_FEAT_LAG || feat[k].kind == TW_FEAT_ROLL_MEAN ||
        feat[k].kind == TW_FEAT_ROLL_MAX) {
      int64_t lag_s = (int64_t)feat[k].lag_h * 3600;
      if (lag_s % x->step_s != 0)
        return tw_error(TW_ERR_INPUT, "%s: %s: %d h is not a whole number of snapshots (%lld s)",
                        what, feat[k].name, feat[k].lag_h, (long long)x->step_s);
    }
  size_t look = tw_forecast_features_lookback_steps(feat, nf, x->h, x->step_s);
  if (look > s) s = look;
  if (s + 8 > x->T)
    return tw_error(TW_ERR_INPUT, "%s: the network has %zu snapshots but the lags and baselines "
                                  "need %zu before the first forecast; use a longer period, a "
                                  "shorter horizon or no lags",
                    what, x->T, s);
  *start = s;
  return TW_OK;
}

/* Build the dataset of rows start..T-1. */
static tw_status build_dataset(const stage_ctx *x, const stage_target *tg, const tw_feature *feat,
                               int nf, const int64_t *hol, size_t nhol, size_t start,
                               tw_forecast_dataset *ds) {
  tw_status st = TW_OK;
  const size_t rows = x->T - start;
  memset(ds, 0, sizeof *ds);
  ds->n_features = nf;
  ds->n_rows = rows;
  ds->step_s = x->step_s;
  ds->have_target = 1;
  ds->series_n = x->T;
  TW_CHECK_GOTO(st, tw_calloc(rows * (size_t)nf, sizeof(float), "feature matrix", &ds->x));
  TW_CHECK_GOTO(st, tw_calloc(rows, sizeof(float), "target", &ds->y));
  TW_CHECK_GOTO(st, tw_calloc(rows, sizeof(tw_time_s), "times", &ds->time_s));
  TW_CHECK_GOTO(st, tw_calloc(rows, sizeof(size_t), "row index", &ds->series_index));
  TW_CHECK_GOTO(st, tw_calloc(x->T, sizeof(double), "target series", &ds->series));
  memcpy(ds->series, tg->actual, x->T * sizeof(double));
  for (size_t r = 0; r < rows; r++) {
    size_t i = start + r;
    ds->y[r] = (float)tg->actual[i];
    ds->time_s[r] = x->time_s[i];
    ds->series_index[r] = i;
    TW_CHECK_GOTO(st, feature_row(x, tg, feat, nf, hol, nhol, i, ds->x + r * (size_t)nf));
  }
cleanup:
  if (st != TW_OK) tw_forecast_dataset_free(ds);
  return st;
}

/* Rows [lo, hi) of ds removed (time order kept). */
static tw_status dataset_without(const tw_forecast_dataset *ds, size_t lo, size_t hi,
                                 tw_forecast_dataset *out) {
  tw_status st = TW_OK;
  const size_t nf = (size_t)ds->n_features, rows = ds->n_rows - (hi - lo);
  *out = *ds;
  out->x = NULL;
  out->y = NULL;
  out->time_s = NULL;
  out->series = NULL;
  out->series_index = NULL;
  out->n_rows = rows;
  TW_CHECK_GOTO(st, tw_calloc(rows * nf, sizeof(float), "feature matrix", &out->x));
  TW_CHECK_GOTO(st, tw_calloc(rows, sizeof(float), "target", &out->y));
  TW_CHECK_GOTO(st, tw_calloc(rows, sizeof(tw_time_s), "times", &out->time_s));
  TW_CHECK_GOTO(st, tw_calloc(rows, sizeof(size_t), "row index", &out->series_index));
  TW_CHECK_GOTO(st, tw_calloc(ds->series_n, sizeof(double), "target series", &out->series));
  memcpy(out->series, ds->series, ds->series_n * sizeof(double));
  for (size_t r = 0, o = 0; r < ds->n_rows; r++) {
    if (r >= lo && r < hi) continue;
    memcpy(out->x + o * nf, ds->x + r * nf, nf * sizeof(float));
    out->y[o] = ds->y[r];
    out->time_s[o] = ds->time_s[r];
    out->series_index[o] = ds->series_index[r];
    o++;
  }
cleanup:
  if (st != TW_OK) tw_forecast_dataset_free(out);
  return st;
}

/* Forecast with blocked cross-fitting: fold k's rows are predicted by a
 * model trained on all other rows. */
static tw_status forecast_trained(stage_ctx *x, stage_target *tg, int demand, unsigned seed_offset,
                                  size_t *start_out) {
  tw_status st = TW_OK;
  tw_feature *feat = NULL;
  int nf = 0;
  tw_forecast_dataset ds, sub;
  tw_forecast_model *m = NULL;
  float *pred = NULL;
  memset(&ds, 0, sizeof ds);
  memset(&sub, 0, sizeof sub);
  x->fc.cfg.step_s = x->step_s;
  if (!x->fc.loaded) {
    /* defaults: lags up to a week (and the residual on seasonal naive) when
     * the period is long enough for folds separated by a week-long gap,
     * else lags up to 48 h and the residual on OLS */
    int long_period = (int64_t)x->T * x->step_s >= (int64_t)5 * 7 * 86400;
    x->fc.features.max_lag_h = long_period ? 168 : 48;
    x->fc.model.residual = (char *)(long_period ? "seasonal_naive" : "ols");
  }
  TW_CHECK(tw_forecast_features_from_config(&x->fc.cfg, &feat, &nf));
  if (demand && tg->hdh) { /* room for two more: the list was allocated with spare entries */
    /* observed weather, so taken at the issue time t - h (no oracle weather) */
    tw_feature_parse("exo:hdh_K@issue", &feat[nf]);
    snprintf(feat[nf++].units, sizeof feat[0].units, "K");
    tw_feature_parse("exo:cdh_K@issue", &feat[nf]);
    snprintf(feat[nf++].units, sizeof feat[0].units, "K");
  }
  size_t start = 0;
  TW_CHECK_GOTO(st, first_row(x, feat, nf, x->fc.path, &start));
  TW_CHECK_GOTO(st, build_dataset(x, tg, feat, nf, x->fc.holidays, x->fc.n_holidays, start, &ds));
  const unsigned K = x->c->folds ? x->c->folds : DEFAULT_FOLDS;
  const size_t rows = ds.n_rows;
  /* rows after a held-out fold whose lags reach into it are left out of
   * training too: gap = the longest look-back (lags, windows, weather at t - h) */
  const size_t gap = tw_forecast_features_lookback_steps(feat, nf, x->h, x->step_s);
  if (rows < 2 * K || rows / K + gap + 16 > rows)
    TW_CHECK_GOTO(st, tw_error(TW_ERR_INPUT, "%s: forecast of '%s': %zu rows for %u folds with a "
                                             "gap of %zu rows after each; use fewer folds or a "
                                             "longer period",
                               x->fc.path, tg->name, rows, K, gap));
  int nout = 0;
  for (unsigned k = 0; k < K; k++) {
    size_t lo = rows * k / K, hi = rows * (k + 1) / K;
    size_t cut = hi + gap < rows ? hi + gap : rows;
    tw_forecast_training_cfg tc = *x->fc.cfg.training;
    tw_forecast_config cfg = x->fc.cfg;
    tc.seed = x->fc.cfg.training->seed + seed_offset * 131u + k;
    cfg.training = &tc;
    TW_CHECK_GOTO(st, dataset_without(&ds, lo, cut, &sub));
    tw_forecast_train_options opt = {
        .backend = x->be, .comm = MPI_COMM_NULL, .log_every = 0, .no_test_block = 1};
    st = tw_forecast_train(&cfg, feat, nf, x->fc.holidays, x->fc.n_holidays, &sub, &opt, &m);
    tw_forecast_dataset_free(&sub);
    if (st != TW_OK) {
      tw_error_prefix(st, "forecast of '%s', fold %u: ", tg->name, k + 1);
      goto cleanup;
    }
    nout = tw_forecast_model_outputs(m);
    free(pred);
    pred = NULL;
    TW_CHECK_GOTO(st, tw_calloc((hi - lo) * (size_t)nout, sizeof *pred, "predictions", &pred));
    TW_CHECK_GOTO(st, tw_forecast_predict(m, x->be, ds.x + lo * (size_t)nf, hi - lo, pred));
    int pi = tw_forecast_model_point_index(m);
    for (size_t r = lo; r < hi; r++)
      tg->forecast[start + r] = pred[(r - lo) * (size_t)nout + (size_t)pi];
    tw_forecast_model_free(&m);
  }
  *start_out = start;
cleanup:
  tw_forecast_model_free(&m);
  tw_forecast_dataset_free(&ds);
  tw_forecast_dataset_free(&sub);
  free(feat);
  free(pred);
  return st;
}

/* Forecast with a model file. */
static tw_status forecast_model_file(stage_ctx *x, stage_target *tg, const char *file,
                                     size_t *start_out) {
  tw_status st = TW_OK;
  tw_forecast_model *m = NULL;
  float *xr = NULL, *pred = NULL;
  char path[4096];
  resolve(x->in->base_dir, file, path, sizeof path);
  TW_CHECK(tw_forecast_model_read(path, &m));
  if (m->horizon_h != x->h || m->step_s != x->step_s) {
    st = tw_error(TW_ERR_INPUT, "%s: model for '%s' has horizon %d h and step %lld s but the run "
                                "uses forecast.horizon_h %d and snapshots %lld s apart",
                  path, tg->name, m->horizon_h, (long long)m->step_s, x->h, (long long)x->step_s);
    goto cleanup;
  }
  size_t start = 0;
  TW_CHECK_GOTO(st, first_row(x, m->features, m->n_features, path, &start));
  const size_t rows = x->T - start, nf = (size_t)m->n_features;
  const int nout = tw_forecast_model_outputs(m), pi = tw_forecast_model_point_index(m);
  TW_CHECK_GOTO(st, tw_calloc(rows * nf, sizeof *xr, "features", &xr));
  TW_CHECK_GOTO(st, tw_calloc(rows * (size_t)nout, sizeof *pred, "predictions", &pred));
  for (size_t r = 0; r < rows; r++)
    TW_CHECK_GOTO(st, feature_row(x, tg, m->features, m->n_features, m->holiday_days,
                                  m->n_holidays, start + r, xr + r * nf));
  TW_CHECK_GOTO(st, tw_forecast_predict(m, x->be, xr, rows, pred));
  for (size_t r = 0; r < rows; r++) tg->forecast[start + r] = pred[r * (size_t)nout + (size_t)pi];
  *start_out = start;
cleanup:
  tw_forecast_model_free(&m);
  free(xr);
  free(pred);
  return st;
}

static int hour_of_week(tw_time_s t) {
  tw_datetime dt;
  tw_time_to_datetime(TW_CAL_STANDARD, t, &dt);
  return tw_time_day_of_week(TW_CAL_STANDARD, t) * 24 + dt.hour;
}

static void score(const stage_ctx *x, const stage_target *tg, size_t start,
                  tw_forecast_stage_target *out) {
  double a[4] = {0}, s2[4] = {0}, csum[168] = {0}, all = 0;
  size_t n = x->T - start, ccount[168] = {0};
  /* hour-of-week climatology over every snapshot of the run but the one
   * forecast (leave one out; the overall mean where its hour of week has
   * no other snapshot) */
  for (size_t i = 0; i < x->T; i++) {
    int how = hour_of_week(x->time_s[i]);
    csum[how] += tg->actual[i];
    ccount[how]++;
    all += tg->actual[i];
  }
  for (size_t i = start; i < x->T; i++) {
    double y = tg->actual[i];
    int how = hour_of_week(x->time_s[i]);
    double clim = ccount[how] > 1 ? (csum[how] - y) / (double)(ccount[how] - 1)
                                  : (all - y) / (double)(x->T - 1);
    double e[4] = {tg->forecast[i] - y, tg->actual[i - x->h_steps] - y,
                   tg->actual[i - x->w_steps] - y, clim - y};
    for (int k = 0; k < 4; k++) {
      a[k] += fabs(e[k]);
      s2[k] += e[k] * e[k];
    }
  }
  out->climatology_mae = a[3] / (double)n;
  out->climatology_rmse = sqrt(s2[3] / (double)n);
  out->rows = n;
  out->mae = a[0] / (double)n;
  out->rmse = sqrt(s2[0] / (double)n);
  out->persistence_mae = a[1] / (double)n;
  out->persistence_rmse = sqrt(s2[1] / (double)n);
  out->seasonal_naive_mae = a[2] / (double)n;
  out->seasonal_naive_rmse = sqrt(s2[2] / (double)n);
  out->skill_rmse_vs_persistence =
      out->persistence_rmse > 0 ? 1.0 - out->rmse / out->persistence_rmse : NAN;
  const char *names[3] = {"persistence", "seasonal_naive", "climatology_hour_of_week"};
  double rm[3] = {out->persistence_rmse, out->seasonal_naive_rmse, out->climatology_rmse};
  int best = 0;
  for (int k = 1; k < 3; k++)
    if (rm[k] < rm[best]) best = k;
  snprintf(out->best_baseline, sizeof out->best_baseline, "%s", names[best]);
  out->skill_rmse_vs_best_baseline = rm[best] > 0 ? 1.0 - out->rmse / rm[best] : NAN;
}

/* ---- reuse across scenario tasks ------------------------------------------ */

/* Forecasts of trained targets, keyed by a hash of everything that
 * determines them (the target's series, times and weather, the forecast
 * settings). A scenario that does not change a target's inputs gets the
 * same forecast without training again. Tasks run one after another on a
 * rank, so no locking; bounded to CACHE_MAX entries (oldest replaced). */
enum { CACHE_MAX = 256 };
typedef struct cache_entry {
  uint64_t key;
  size_t T, start;
  double *forecast;
} cache_entry;
static cache_entry cache[CACHE_MAX];
static size_t cache_used, cache_next;

size_t tw_forecast_stage_cache_size(void) { return cache_used; }

static uint64_t target_key(const stage_ctx *x, const stage_target *tg, int demand) {
  uint64_t h = TW_FNV_OFFSET;
  const tw_forecast_stage_config *c = x->c;
  unsigned nums[5] = {(unsigned)x->h, c->folds, (unsigned)c->weather_features, (unsigned)demand,
                      (unsigned)x->T};
  h = tw_fnv1a(h, nums, sizeof nums);
  h = tw_fnv1a(h, tg->name, strlen(tg->name));
  h = tw_fnv1a(h, x->time_s, x->T * sizeof *x->time_s);
  h = tw_fnv1a(h, tg->actual, x->T * sizeof *tg->actual);
  if (tg->hdh) h = tw_fnv1a(h, tg->hdh, x->T * sizeof *tg->hdh);
  if (tg->cdh) h = tw_fnv1a(h, tg->cdh, x->T * sizeof *tg->cdh);
  if (c->config) { /* the forecast configuration's text */
    char path[4096];
    resolve(x->in->base_dir, c->config, path, sizeof path);
    h = tw_fnv1a(h, path, strlen(path));
    FILE *f = fopen(path, "rb");
    if (f) {
      char buf[4096];
      size_t got;
      while ((got = fread(buf, 1, sizeof buf, f)) > 0) h = tw_fnv1a(h, buf, got);
      fclose(f);
    }
  }
  return h;
}

static const cache_entry *cache_find(uint64_t key, size_t T) {
  for (size_t i = 0; i < cache_used; i++)
    if (cache[i].key == key && cache[i].T == T) return &cache[i];
  return NULL;
}

static void cache_put(uint64_t key, size_t T, size_t start, const double *forecast) {
  double *copy = tw_malloc(T * sizeof *copy);
  if (!copy) return; /* reuse is an optimisation only */
  memcpy(copy, forecast, T * sizeof *copy);
  cache_entry *e = &cache[cache_next];
  free(e->forecast);
  e->key = key;
  e->T = T;
  e->start = start;
  e->forecast = copy;
  cache_next = (cache_next + 1) % CACHE_MAX;
  if (cache_used < CACHE_MAX) cache_used++;
}

static const char *model_file_for(const tw_forecast_stage_config *c, const char *name) {
  for (unsigned i = 0; i < c->models_count; i++)
    if (strcmp(c->models[i].target, name) == 0) return c->models[i].file;
  return NULL;
}

static tw_status forecast_target(stage_ctx *x, stage_target *tg, int demand, unsigned index,
                                 tw_forecast_stage_result *res) {
  size_t start = 0;
  const char *file = model_file_for(x->c, tg->name);
  int reused = 0;
  (void)index;
  memcpy(tg->forecast, tg->actual, x->T * sizeof(double));
  if (file) {
    TW_CHECK(forecast_model_file(x, tg, file, &start));
  } else {
    uint64_t key = target_key(x, tg, demand);
    const cache_entry *e = cache_find(key, x->T);
    if (e) {
      memcpy(tg->forecast, e->forecast, x->T * sizeof(double));
      start = e->start;
      reused = 1;
    } else {
      /* the seed depends on the target's name, not on its position, so a
       * target gets the same model whichever scenario trains it first */
      unsigned seed = (unsigned)(tw_fnv1a(TW_FNV_OFFSET, tg->name, strlen(tg->name)) & 0xffffu);
      TW_CHECK(forecast_trained(x, tg, demand, seed, &start));
      cache_put(key, x->T, start, tg->forecast);
    }
  }
  for (size_t i = start; i < x->T; i++) {
    if (tg->forecast[i] < tg->lo) tg->forecast[i] = tg->lo;
    if (tg->forecast[i] > tg->hi) tg->forecast[i] = tg->hi;
  }
  tw_forecast_stage_target *o = &res->targets[res->n_targets++];
  snprintf(o->name, sizeof o->name, "%s", tg->name);
  snprintf(o->source, sizeof o->source, "%s", file ? "model" : "trained");
  score(x, tg, start, o);
  o->reused = reused;
  if (start > res->warmup_snapshots) res->warmup_snapshots = start;
  TW_LOG_I("forecast '%s' (%s%s): MAE %.4g, RMSE %.4g; persistence RMSE %.4g, seasonal naive RMSE "
           "%.4g, climatology RMSE %.4g; skill vs best baseline (%s) %.3f",
           o->name, o->source, reused ? ", reused" : "", o->mae, o->rmse, o->persistence_rmse,
           o->seasonal_naive_rmse, o->climatology_rmse, o->best_baseline,
           o->skill_rmse_vs_best_baseline);
  return TW_OK;
}

static int wants(const tw_forecast_stage_config *c, const char *kind) {
  for (unsigned i = 0; i < c->targets_count; i++)
    if (strcmp(c->targets[i], kind) == 0) return 1;
  return 0;
}

static tw_status snapshot_times(stage_ctx *x) {
  const tw_network *net = x->net;
  TW_CHECK(tw_calloc(x->T, sizeof *x->time_s, "snapshot times", &x->time_s));
  for (size_t t = 0; t < x->T; t++) {
    tw_datetime dt;
    int offset = 0;
    if (tw_datetime_parse(net->snapshots[t], &dt, &offset) != TW_OK ||
        tw_time_from_datetime(TW_CAL_STANDARD, &dt, &x->time_s[t]) != TW_OK)
      return tw_error(TW_ERR_INPUT, "%s: forecast: snapshot %zu '%s' is not a date", x->in->scenario_path,
                      t, net->snapshots[t]);
    x->time_s[t] -= (tw_time_s)offset * 60;
  }
  if (x->T < 2) return tw_error(TW_ERR_INPUT, "%s: forecast: fewer than 2 snapshots", x->in->scenario_path);
  x->step_s = x->time_s[1] - x->time_s[0];
  for (size_t t = 1; t < x->T; t++)
    if (x->time_s[t] - x->time_s[t - 1] != x->step_s || x->step_s <= 0)
      return tw_error(TW_ERR_INPUT, "%s: forecast: snapshots '%s' and '%s' break the regular step "
                                    "of %lld s",
                      x->in->scenario_path, net->snapshots[t - 1], net->snapshots[t],
                      (long long)x->step_s);
  int64_t h_s = (int64_t)x->h * 3600, w_s = (int64_t)168 * 3600 * ((x->h + 167) / 168);
  if (h_s % x->step_s != 0 || w_s % x->step_s != 0)
    return tw_error(TW_ERR_INPUT, "%s: forecast.horizon_h %d h is not a whole number of snapshots "
                                  "(%lld s)",
                    x->in->scenario_path, x->h, (long long)x->step_s);
  x->h_steps = (size_t)(h_s / x->step_s);
  x->w_steps = (size_t)(w_s / x->step_s);
  return TW_OK;
}

/* Weather of bus b over the snapshots (NULL when not available). */
static tw_status bus_weather(const stage_ctx *x, size_t b, float **hdh, float **cdh) {
  const tw_bus_series *w = x->in->weather;
  *hdh = *cdh = NULL;
  if (!x->c->weather_features || !w || !x->in->climate_index || !w->hdh_K || !w->cdh_K)
    return TW_OK;
  size_t wb = w->nbus;
  for (size_t i = 0; i < w->nbus; i++)
    if (w->bus_names && strcmp(w->bus_names[i], x->net->buses[b].name) == 0) wb = i;
  if (wb == w->nbus) return TW_OK;
  TW_CHECK(tw_calloc(x->T, sizeof **hdh, "heating degrees", hdh));
  TW_CHECK(tw_calloc(x->T, sizeof **cdh, "cooling degrees", cdh));
  for (size_t t = 0; t < x->T; t++) {
    size_t ci = x->in->climate_index[t];
    (*hdh)[t] = w->hdh_K[ci * w->nbus + wb];
    (*cdh)[t] = w->cdh_K[ci * w->nbus + wb];
  }
  return TW_OK;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

tw_status tw_forecast_stage_run(const tw_forecast_stage_config *c,
                                const tw_forecast_stage_inputs *in, const tw_network *net,
                                const tw_optimize_params *p, const tw_optimize_result *pf,
                                tw_forecast_stage_result **out) {
  tw_status st = TW_OK;
  tw_forecast_stage_result *res = NULL;
  double **load_fc = NULL, **cf_fc = NULL;
  float *hdh = NULL, *cdh = NULL;
  stage_ctx x;
  double t0 = now_s();
  const size_t L = net->n_loads, G = net->n_generators;
  memset(&x, 0, sizeof x);
  *out = NULL;
  x.c = c;
  x.in = in;
  x.net = net;
  x.T = net->n_snapshots;
  x.h = (int)(c->horizon_h ? c->horizon_h : DEFAULT_HORIZON_H);
  TW_CHECK_GOTO(st, stage_fc_init(c, in->base_dir, in->scenario_path, &x.fc));
  TW_CHECK_GOTO(st, snapshot_times(&x));
  if (!in->backend) TW_CHECK_GOTO(st, tw_backend_create(TW_BACKEND_CPU, &x.own_be));
  x.be = in->backend ? in->backend : x.own_be;
  TW_CHECK_GOTO(st, tw_calloc(1, sizeof *res, "forecast result", &res));
  TW_CHECK_GOTO(st, tw_calloc(L + G + 1, sizeof *res->targets, "forecast targets", &res->targets));
  TW_CHECK_GOTO(st, tw_calloc(L + 1, sizeof *load_fc, "load forecasts", &load_fc));
  TW_CHECK_GOTO(st, tw_calloc(G + 1, sizeof *cf_fc, "capacity factor forecasts", &cf_fc));
  res->horizon_h = x.h;
  res->folds = c->folds ? c->folds : DEFAULT_FOLDS;
  unsigned index = 0;
  if (wants(c, "demand"))
    for (size_t l = 0; l < L; l++) {
      const tw_load *ld = &net->loads[l];
      if (!ld->p_set_t) continue; /* a constant demand is known */
      stage_target tg;
      memset(&tg, 0, sizeof tg);
      snprintf(tg.name, sizeof tg.name, "demand:%s", ld->name);
      tg.actual = ld->p_set_t;
      tg.lo = -INFINITY;
      tg.hi = INFINITY;
      TW_CHECK_GOTO(st, bus_weather(&x, (size_t)ld->bus, &hdh, &cdh));
      tg.hdh = hdh;
      tg.cdh = cdh;
      TW_CHECK_GOTO(st, tw_calloc(x.T, sizeof(double), "forecast", &load_fc[l]));
      tg.forecast = load_fc[l];
      TW_CHECK_GOTO(st, forecast_target(&x, &tg, 1, index++, res));
      free(hdh);
      free(cdh);
      hdh = cdh = NULL;
    }
  for (int kind = 1; kind <= 2; kind++) {
    const char *carrier = kind == 1 ? in->wind_carrier : in->solar_carrier;
    if (!wants(c, kind == 1 ? "wind" : "solar")) continue;
    if (!carrier) {
      st = tw_error(TW_ERR_INPUT, "%s: forecast.targets has '%s' but the scenario has no '%s' "
                                  "section",
                    in->scenario_path, kind == 1 ? "wind" : "solar", kind == 1 ? "wind" : "solar");
      goto cleanup;
    }
    for (size_t g = 0; g < G; g++) {
      const tw_generator *gen = &net->generators[g];
      if (!gen->p_max_pu_t || gen->carrier < 0 || strcmp(net->carriers[gen->carrier].name, carrier))
        continue;
      /* generators of the carrier at the same bus with the same series share one forecast */
      size_t same = G;
      int first_at_bus = 1;
      for (size_t q = 0; q < g; q++) {
        const tw_generator *o = &net->generators[q];
        if (o->bus != gen->bus || o->carrier != gen->carrier || !o->p_max_pu_t) continue;
        first_at_bus = 0;
        if (cf_fc[q] && memcmp(o->p_max_pu_t, gen->p_max_pu_t, x.T * sizeof(double)) == 0) same = q;
      }
      TW_CHECK_GOTO(st, tw_calloc(x.T, sizeof(double), "forecast", &cf_fc[g]));
      if (same < G) {
        memcpy(cf_fc[g], cf_fc[same], x.T * sizeof(double));
        continue;
      }
      stage_target tg;
      memset(&tg, 0, sizeof tg);
      snprintf(tg.name, sizeof tg.name, "%s:%s", kind == 1 ? "wind" : "solar",
               first_at_bus ? net->buses[gen->bus].name : gen->name);
      tg.actual = gen->p_max_pu_t;
      tg.lo = 0;
      tg.hi = 1;
      tg.forecast = cf_fc[g];
      TW_CHECK_GOTO(st, forecast_target(&x, &tg, 0, index++, res));
    }
  }
  if (res->n_targets == 0) {
    st = tw_error(TW_ERR_INPUT, "%s: forecast: nothing to forecast (no load with a p_set series, "
                                "no wind/solar generator with a p_max_pu series)",
                  in->scenario_path);
    goto cleanup;
  }
  for (unsigned i = 0; i < c->models_count; i++) {
    int used = 0;
    for (size_t k = 0; k < res->n_targets; k++) used |= strcmp(res->targets[k].name, c->models[i].target) == 0;
    if (!used) {
      st = tw_error(TW_ERR_INPUT, "%s: forecast.models[%u].target '%s' matches no forecast target",
                    in->scenario_path, i, c->models[i].target);
      goto cleanup;
    }
  }
  TW_CHECK_GOTO(st, tw_forecast_error_cost(net, p, pf, load_fc, cf_fc,
                                           c->imbalance_cost > 0 ? c->imbalance_cost
                                                                 : DEFAULT_IMBALANCE_COST,
                                           res));
  res->seconds = now_s() - t0;
  *out = res;
  res = NULL;
cleanup:
  if (load_fc)
    for (size_t l = 0; l < L; l++) free(load_fc[l]);
  if (cf_fc)
    for (size_t g = 0; g < G; g++) free(cf_fc[g]);
  free(load_fc);
  free(cf_fc);
  free(hdh);
  free(cdh);
  free(x.time_s);
  tw_backend_destroy(&x.own_be);
  stage_fc_free(&x.fc);
  tw_forecast_stage_result_destroy(&res);
  return st;
}

void tw_forecast_stage_to_json(const tw_forecast_stage_result *r, tw_json *j) {
  tw_json_key(j, "forecast");
  tw_json_object_begin(j);
  tw_json_kv_int(j, "horizon_h", r->horizon_h);
  tw_json_kv_int(j, "folds", (long long)r->folds);
  tw_json_kv_int(j, "warmup_snapshots", (long long)r->warmup_snapshots);
  tw_json_kv_number(j, "imbalance_cost", r->imbalance_cost);
  tw_json_kv_number(j, "perfect_foresight_cost", r->perfect_foresight_cost);
  tw_json_kv_number(j, "schedule_cost", r->schedule_cost);
  tw_json_kv_number(j, "realised_cost", r->realised_cost);
  tw_json_kv_number(j, "imbalance_mwh", r->imbalance_MWh);
  tw_json_kv_number(j, "imbalance_penalty", r->imbalance_penalty);
  tw_json_kv_number(j, "forecast_error_cost", r->forecast_error_cost);
  tw_json_kv_number(j, "unserved_mwh", r->unserved_MWh);
  tw_json_kv_number(j, "seconds", r->seconds);
  tw_json_kv_int(j, "stage1_iterations", r->stage_iterations[0]); /* simplex iterations */
  tw_json_kv_int(j, "stage2_iterations", r->stage_iterations[1]);
  tw_json_key(j, "stage1_warm_start"); /* started from a cached basis */
  tw_json_bool(j, r->stage_warm_start[0]);
  tw_json_key(j, "stage2_warm_start");
  tw_json_bool(j, r->stage_warm_start[1]);
  tw_json_key(j, "targets");
  tw_json_array_begin(j);
  for (size_t i = 0; i < r->n_targets; i++) {
    const tw_forecast_stage_target *t = &r->targets[i];
    tw_json_object_begin(j);
    tw_json_kv_string(j, "target", t->name);
    tw_json_kv_string(j, "source", t->source);
    tw_json_kv_int(j, "rows", (long long)t->rows);
    tw_json_kv_number(j, "mae", t->mae);
    tw_json_kv_number(j, "rmse", t->rmse);
    tw_json_kv_number(j, "persistence_mae", t->persistence_mae);
    tw_json_kv_number(j, "persistence_rmse", t->persistence_rmse);
    tw_json_kv_number(j, "seasonal_naive_mae", t->seasonal_naive_mae);
    tw_json_kv_number(j, "seasonal_naive_rmse", t->seasonal_naive_rmse);
    tw_json_kv_number(j, "skill_rmse_vs_persistence", t->skill_rmse_vs_persistence);
    tw_json_kv_number(j, "climatology_mae", t->climatology_mae);
    tw_json_kv_number(j, "climatology_rmse", t->climatology_rmse);
    tw_json_kv_string(j, "best_baseline", t->best_baseline);
    tw_json_kv_number(j, "skill_rmse_vs_best_baseline", t->skill_rmse_vs_best_baseline);
    tw_json_key(j, "reused");
    tw_json_bool(j, t->reused);
    tw_json_object_end(j);
  }
  tw_json_array_end(j);
  tw_json_object_end(j);
}
