/* Features (calendar, lags, exogenous) and the dataset builder.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/forecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const calendar_names[] = {"hour_of_day_sin", "hour_of_day_cos",
                                             "day_of_week_sin", "day_of_week_cos",
                                             "day_of_year_sin", "day_of_year_cos", "holiday"};

tw_status tw_feature_parse(const char *name, tw_feature *out) {
  memset(out, 0, sizeof *out);
  if (strlen(name) >= sizeof out->name)
    return tw_error(TW_ERR_INPUT, "feature name '%.40s...' is too long", name);
  snprintf(out->name, sizeof out->name, "%s", name);
  snprintf(out->units, sizeof out->units, "1");
  for (int k = 0; k <= TW_FEAT_HOLIDAY; k++)
    if (strcmp(name, calendar_names[k]) == 0) {
      out->kind = (tw_feature_kind)k;
      return TW_OK;
    }
  int lag = 0;
  char tail = 0;
  if (sscanf(name, "lag_%dh%c", &lag, &tail) == 1 && lag > 0) {
    out->kind = TW_FEAT_LAG;
    out->lag_h = lag;
    return TW_OK;
  }
  if (strncmp(name, "exo:", 4) == 0 && name[4]) {
    out->kind = TW_FEAT_EXOGENOUS;
    out->units[0] = '\0';
    return TW_OK;
  }
  return tw_error(TW_ERR_INPUT, "unknown feature name '%s'", name);
}

static int has_calendar(const tw_forecast_features_cfg *f, const char *what) {
  for (unsigned i = 0; i < f->calendar_count; i++)
    if (strcmp(f->calendar[i], what) == 0) return 1;
  return 0;
}

tw_status tw_forecast_features_from_config(const tw_forecast_config *cfg, tw_feature **out,
                                           int *count) {
  const tw_forecast_features_cfg *f = cfg->features;
  tw_feature *list = NULL;
  int n = 0;
  *out = NULL;
  *count = 0;
  TW_CHECK(tw_calloc(16 + f->exogenous_count, sizeof *list, "feature list", &list));
  static const char *const cycles[] = {"hour_of_day", "day_of_week", "day_of_year"};
  for (int c = 0; c < 3; c++)
    if (has_calendar(f, cycles[c])) {
      tw_feature_parse(calendar_names[2 * c], &list[n++]);
      tw_feature_parse(calendar_names[2 * c + 1], &list[n++]);
    }
  if (has_calendar(f, "holiday")) tw_feature_parse("holiday", &list[n++]);
  if (f->lags) {
    if (!cfg->target) {
      free(list);
      return tw_error(TW_ERR_INPUT, "%s: features.lags needs a 'target' series", cfg->path);
    }
    int h = (int)cfg->horizon_h, cand[3] = {h, 24, 168};
    for (int i = 0; i < 3; i++) {
      int dup = 0;
      for (int j = 0; j < i; j++) dup |= cand[j] == cand[i];
      if (dup || cand[i] < h) continue;
      char name[32];
      snprintf(name, sizeof name, "lag_%dh", cand[i]);
      tw_feature_parse(name, &list[n++]);
    }
    /* ascending lags */
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++)
        if (list[i].kind == TW_FEAT_LAG && list[j].kind == TW_FEAT_LAG &&
            list[j].lag_h < list[i].lag_h) {
          tw_feature t = list[i];
          list[i] = list[j];
          list[j] = t;
        }
  }
  for (unsigned i = 0; i < f->exogenous_count; i++) {
    char name[96];
    snprintf(name, sizeof name, "exo:%s", f->exogenous[i].name);
    tw_feature_parse(name, &list[n]);
    snprintf(list[n].units, sizeof list[n].units, "%s",
             f->exogenous[i].units ? f->exogenous[i].units : "");
    n++;
  }
  if (n == 0) {
    free(list);
    return tw_error(TW_ERR_INPUT, "%s: no features declared (features.calendar, lags, exogenous)",
                    cfg->path);
  }
  *out = list;
  *count = n;
  return TW_OK;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

tw_status tw_forecast_holidays_parse(const tw_forecast_config *cfg, int64_t **days,
                                     size_t *count) {
  const tw_forecast_features_cfg *f = cfg->features;
  *days = NULL;
  *count = 0;
  if (!f->holidays_count) return TW_OK;
  int64_t *d = NULL;
  TW_CHECK(tw_calloc(f->holidays_count, sizeof *d, "holidays", &d));
  for (unsigned i = 0; i < f->holidays_count; i++) {
    tw_datetime dt;
    tw_time_s t;
    int off = 0;
    if (tw_datetime_parse(f->holidays[i], &dt, &off) != TW_OK ||
        tw_time_from_datetime(TW_CAL_STANDARD, &dt, &t) != TW_OK) {
      free(d);
      return tw_error(TW_ERR_INPUT, "%s: features.holidays: '%s' is not a date YYYY-MM-DD",
                      cfg->path, f->holidays[i]);
    }
    d[i] = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  }
  qsort(d, f->holidays_count, sizeof *d, cmp_i64);
  *days = d;
  *count = f->holidays_count;
  return TW_OK;
}

void tw_forecast_dataset_free(tw_forecast_dataset *ds) {
  if (!ds) return;
  free(ds->x);
  free(ds->y);
  free(ds->time_s);
  free(ds->series);
  free(ds->series_index);
  memset(ds, 0, sizeof *ds);
}

/* Resolve a file name relative to the configuration's folder. */
static void resolve(const tw_forecast_config *cfg, const char *file, char *buf, size_t size) {
  if (file[0] == '/' || !cfg->dir || !cfg->dir[0]) snprintf(buf, size, "%s", file);
  else snprintf(buf, size, "%s%s", cfg->dir, file);
}

float tw_forecast_calendar_value(tw_feature_kind kind, tw_time_s t, const int64_t *hol,
                                 size_t nhol) {
  const double two_pi = 6.283185307179586;
  tw_datetime dt;
  tw_time_to_datetime(TW_CAL_STANDARD, t, &dt);
  double hour = dt.hour + dt.minute / 60.0 + dt.second / 3600.0;
  switch (kind) {
  case TW_FEAT_HOUR_SIN: return (float)sin(two_pi * hour / 24.0);
  case TW_FEAT_HOUR_COS: return (float)cos(two_pi * hour / 24.0);
  case TW_FEAT_DOW_SIN:
  case TW_FEAT_DOW_COS: {
    double a = two_pi * (tw_time_day_of_week(TW_CAL_STANDARD, t) + hour / 24.0) / 7.0;
    return (float)(kind == TW_FEAT_DOW_SIN ? sin(a) : cos(a));
  }
  case TW_FEAT_DOY_SIN:
  case TW_FEAT_DOY_COS: {
    double a = two_pi * (tw_datetime_day_of_year(TW_CAL_STANDARD, &dt) - 1 + hour / 24.0) /
               tw_calendar_days_in_year(TW_CAL_STANDARD, dt.year);
    return (float)(kind == TW_FEAT_DOY_SIN ? sin(a) : cos(a));
  }
  case TW_FEAT_HOLIDAY: {
    int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    return bsearch(&day, hol, nhol, sizeof *hol, cmp_i64) ? 1.0f : 0.0f;
  }
  default: return 0.0f;
  }
}

tw_status tw_forecast_dataset_build(const tw_forecast_config *cfg, const tw_feature *features,
                                    int n_features, int horizon_h, const int64_t *holiday_days,
                                    size_t n_holidays, tw_forecast_dataset *out) {
  tw_status st = TW_OK;
  tw_series target = {0};
  tw_series *exo = NULL;
  const tw_series *base = NULL;
  char path[4096], a[32];
  memset(out, 0, sizeof *out);
  TW_CHECK_GOTO(st, tw_calloc((size_t)n_features, sizeof *exo, "exogenous series", &exo));
  int64_t step = 0;
  int need_lags = 0;
  for (int k = 0; k < n_features; k++) need_lags |= features[k].kind == TW_FEAT_LAG;
  if (cfg->target) {
    const tw_forecast_series_cfg *tc = cfg->target;
    resolve(cfg, tc->file, path, sizeof path);
    TW_CHECK_GOTO(st, tw_series_read(path, tc->time_column, tc->column, tc->units, &target));
    TW_CHECK_GOTO(st, tw_series_regular_step(&target, &step));
    base = &target;
  } else if (need_lags) {
    st = tw_error(TW_ERR_INPUT, "%s: the model uses lags of the target, so 'target' is required",
                  cfg->path);
    goto cleanup;
  }
  for (int k = 0; k < n_features; k++) {
    if (features[k].kind != TW_FEAT_EXOGENOUS) continue;
    const char *name = features[k].name + 4;
    const tw_forecast_series_cfg *ec = NULL;
    for (unsigned i = 0; i < cfg->features->exogenous_count; i++)
      if (strcmp(cfg->features->exogenous[i].name, name) == 0) ec = &cfg->features->exogenous[i];
    if (!ec) {
      st = tw_error(TW_ERR_INPUT, "%s: feature '%s' has no entry in features.exogenous", cfg->path,
                    name);
      goto cleanup;
    }
    if (features[k].units[0] && ec->units && strcmp(features[k].units, ec->units) != 0) {
      st = tw_error(TW_ERR_INPUT, "%s: features.exogenous '%s': units '%s' but the model was "
                                  "trained with '%s'",
                    cfg->path, name, ec->units, features[k].units);
      goto cleanup;
    }
    const char *units = ec->units ? ec->units : (features[k].units[0] ? features[k].units : NULL);
    resolve(cfg, ec->file, path, sizeof path);
    TW_CHECK_GOTO(st, tw_series_read(path, ec->time_column, ec->column, units, &exo[k]));
    int64_t s = 0;
    TW_CHECK_GOTO(st, tw_series_regular_step(&exo[k], &s));
    if (!base) {
      base = &exo[k];
      step = s;
    } else if (s != step) {
      st = tw_error(TW_ERR_INPUT, "%s: column '%s' has a time step of %lld s but %s has %lld s",
                    exo[k].source, exo[k].name, (long long)s, base->source, (long long)step);
      goto cleanup;
    }
  }
  if (!base) {
    st = tw_error(TW_ERR_INPUT, "%s: neither a target nor an exogenous series defines the times",
                  cfg->path);
    goto cleanup;
  }
  /* first usable row */
  size_t start = 0;
  if (cfg->target) {
    int64_t h_s = (int64_t)horizon_h * 3600, season_s = 168 * 3600 * ((horizon_h + 167) / 168);
    int64_t need_s = h_s > season_s ? h_s : season_s;
    for (int k = 0; k < n_features; k++)
      if (features[k].kind == TW_FEAT_LAG) {
        int64_t lag_s = (int64_t)features[k].lag_h * 3600;
        if (lag_s % step != 0) {
          st = tw_error(TW_ERR_INPUT, "%s: lag %d h is not a whole number of time steps (%lld s)",
                        target.source, features[k].lag_h, (long long)step);
          goto cleanup;
        }
        if (lag_s > need_s) need_s = lag_s;
      }
    if (h_s % step != 0) {
      st = tw_error(TW_ERR_INPUT, "%s: horizon %d h is not a whole number of time steps (%lld s)",
                    cfg->path, horizon_h, (long long)step);
      goto cleanup;
    }
    start = (size_t)((need_s + step - 1) / step);
    if (start >= base->n) {
      st = tw_error(TW_ERR_INPUT, "%s: '%s' has %zu times; the lags and baselines need more than %zu",
                    target.source, target.name, target.n, start);
      goto cleanup;
    }
  }
  size_t rows = base->n - start;
  size_t nf = (size_t)n_features;
  out->n_features = n_features;
  out->n_rows = rows;
  out->step_s = step;
  out->have_target = cfg->target != NULL;
  TW_CHECK_GOTO(st, tw_calloc(rows * nf, sizeof(float), "feature matrix", &out->x));
  TW_CHECK_GOTO(st, tw_calloc(rows, sizeof(float), "target", &out->y));
  TW_CHECK_GOTO(st, tw_calloc(rows, sizeof(tw_time_s), "times", &out->time_s));
  TW_CHECK_GOTO(st, tw_calloc(rows, sizeof(size_t), "row index", &out->series_index));
  if (cfg->target) {
    out->series_n = target.n;
    TW_CHECK_GOTO(st, tw_calloc(target.n, sizeof(double), "target series", &out->series));
    memcpy(out->series, target.value, target.n * sizeof(double));
  }
  for (size_t r = 0; r < rows; r++) {
    size_t i = start + r;
    tw_time_s t = base->time_s[i];
    float *xr = out->x + r * nf;
    out->time_s[r] = t;
    out->series_index[r] = i;
    out->y[r] = cfg->target ? (float)target.value[i] : NAN;
    for (int k = 0; k < n_features; k++) {
      const tw_feature *f = &features[k];
      if (f->kind <= TW_FEAT_HOLIDAY) {
        xr[k] = tw_forecast_calendar_value(f->kind, t, holiday_days, n_holidays);
      } else if (f->kind == TW_FEAT_LAG) {
        xr[k] = (float)target.value[i - (size_t)((int64_t)f->lag_h * 3600 / step)];
      } else {
        const tw_series *e = &exo[k];
        int64_t d = t - e->time_s[0];
        if (d < 0 || d % step != 0 || (size_t)(d / step) >= e->n) {
          st = tw_error(TW_ERR_INPUT, "%s: column '%s' has no value at %s (%s)", e->source,
                        e->name, tw_time_format(TW_CAL_STANDARD, t, a, sizeof a),
                        d % step != 0 ? "times are not aligned with the target's"
                                      : "the series does not cover the target's times");
          goto cleanup;
        }
        xr[k] = (float)e->value[d / step];
      }
    }
  }
cleanup:
  if (st != TW_OK) tw_forecast_dataset_free(out);
  tw_series_free(&target);
  if (exo)
    for (int k = 0; k < n_features; k++) tw_series_free(&exo[k]);
  free(exo);
  return st;
}
