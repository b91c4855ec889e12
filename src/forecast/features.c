/* Features (calendar, lags, exogenous) and the dataset builder.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/forecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "terrawatt/alloc.h"

static const char *const calendar_names[] = {"hour_of_day_sin", "hour_of_day_cos",
                                             "day_of_week_sin", "day_of_week_cos",
                                             "day_of_year_sin", "day_of_year_cos", "holiday",
                                             "bridge_day"};

/* "<source>@issue" / "<source>@forecast" / "<source>" (older files: forecast). */
static tw_status parse_source(const char *full, const char *text, tw_feature *out) {
  const char *at = strrchr(text, '@');
  size_t len = at ? (size_t)(at - text) : strlen(text);
  out->at_issue = 0;
  if (at) {
    if (strcmp(at, "@issue") == 0) out->at_issue = 1;
    else if (strcmp(at, "@forecast") != 0)
      return tw_error(TW_ERR_INPUT, "feature '%s': timing '%s' is not @issue or @forecast", full,
                      at);
  }
  if (len == 0 || len >= sizeof out->source)
    return tw_error(TW_ERR_INPUT, "feature '%s': no source name", full);
  memcpy(out->source, text, len);
  out->source[len] = '\0';
  return TW_OK;
}

tw_status tw_feature_parse(const char *name, tw_feature *out) {
  memset(out, 0, sizeof *out);
  if (strlen(name) >= sizeof out->name)
    return tw_error(TW_ERR_INPUT, "feature name '%.40s...' is too long", name);
  snprintf(out->name, sizeof out->name, "%s", name);
  snprintf(out->units, sizeof out->units, "1");
  for (int k = 0; k <= TW_FEAT_CALENDAR_LAST; k++)
    if (strcmp(name, calendar_names[k]) == 0) {
      out->kind = (tw_feature_kind)k;
      return TW_OK;
    }
  int lag = 0, used = 0;
  char tail = 0;
  if (sscanf(name, "lag_%dh%c", &lag, &tail) == 1 && lag > 0) {
    out->kind = TW_FEAT_LAG;
    out->lag_h = lag;
    return TW_OK;
  }
  if ((sscanf(name, "roll_mean_%dh%c", &lag, &tail) == 1 ||
       sscanf(name, "roll_max_%dh%c", &lag, &tail) == 1) && lag > 0) {
    out->kind = name[5] == 'm' && name[6] == 'e' ? TW_FEAT_ROLL_MEAN : TW_FEAT_ROLL_MAX;
    out->lag_h = lag;
    return TW_OK;
  }
  if (strncmp(name, "exo:", 4) == 0 && name[4]) {
    out->kind = TW_FEAT_EXOGENOUS;
    out->units[0] = '\0';
    return parse_source(name, name + 4, out);
  }
  float base = 0;
  if ((strncmp(name, "hdh_", 4) == 0 || strncmp(name, "cdh_", 4) == 0) &&
      sscanf(name + 4, "%gC:%n", &base, &used) == 1 && used > 0 && name[4 + used]) {
    out->kind = name[0] == 'h' ? TW_FEAT_HDH : TW_FEAT_CDH;
    out->base_C = base;
    snprintf(out->units, sizeof out->units, "K");
    return parse_source(name, name + 4 + used, out);
  }
  return tw_error(TW_ERR_INPUT, "unknown feature name '%s'", name);
}

static void resolve(const tw_forecast_config *cfg, const char *file, char *buf, size_t size);

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
  TW_CHECK(tw_calloc(32 + f->exogenous_count, sizeof *list, "feature list", &list));
  static const char *const cycles[] = {"hour_of_day", "day_of_week", "day_of_year"};
  for (int c = 0; c < 3; c++)
    if (has_calendar(f, cycles[c])) {
      tw_feature_parse(calendar_names[2 * c], &list[n++]);
      tw_feature_parse(calendar_names[2 * c + 1], &list[n++]);
    }
  if (has_calendar(f, "holiday")) tw_feature_parse("holiday", &list[n++]);
  if (has_calendar(f, "bridge_day")) tw_feature_parse("bridge_day", &list[n++]);
  if ((f->lags || f->rolling) && !cfg->target) {
    free(list);
    return tw_error(TW_ERR_INPUT, "%s: features.lags and features.rolling need a 'target' series",
                    cfg->path);
  }
  if (f->lags) {
    /* h + step: the newest value known at the issue time after y(t - h) */
    int64_t step = cfg->step_s;
    if (step <= 0) {
      tw_series target = {0};
      char path[4096];
      resolve(cfg, cfg->target->file, path, sizeof path);
      tw_status st = tw_series_read(path, cfg->target->time_column, cfg->target->column,
                                    cfg->target->units, &target);
      if (st == TW_OK) st = tw_series_regular_step(&target, &step);
      tw_series_free(&target);
      if (st != TW_OK) {
        free(list);
        return st;
      }
    }
    int h = (int)cfg->horizon_h, hs = step % 3600 == 0 ? h + (int)(step / 3600) : h;
    int cand[6] = {h, hs, 24, 48, 168, 336};
    for (int i = 0; i < 6; i++) {
      int dup = 0;
      for (int j = 0; j < i; j++) dup |= cand[j] == cand[i];
      if (dup || cand[i] < h || (f->max_lag_h && (unsigned)cand[i] > f->max_lag_h)) continue;
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
  if (f->rolling)
    for (int w = 0; w < 2; w++)
      for (int k = 0; k < 2 && !(f->max_lag_h && (w ? 168u : 24u) > f->max_lag_h); k++) {
        char name[32];
        snprintf(name, sizeof name, "roll_%s_%dh", k ? "max" : "mean", w ? 168 : 24);
        tw_feature_parse(name, &list[n++]);
      }
  for (unsigned i = 0; i < f->exogenous_count; i++) {
    const tw_forecast_series_cfg *e = &f->exogenous[i];
    const char *timing = e->timing && strcmp(e->timing, "forecast") == 0 ? "forecast" : "issue";
    char name[128];
    snprintf(name, sizeof name, "exo:%s@%s", e->name, timing);
    if (tw_feature_parse(name, &list[n]) != TW_OK) {
      free(list);
      return tw_error_prefix(TW_ERR_INPUT, "%s: features.exogenous: ", cfg->path);
    }
    snprintf(list[n].units, sizeof list[n].units, "%s", e->units ? e->units : "");
    n++;
  }
  if (f->degree_hours) {
    const tw_forecast_degree_cfg *d = f->degree_hours;
    const tw_forecast_series_cfg *e = NULL;
    for (unsigned i = 0; i < f->exogenous_count; i++)
      if (d->temperature && strcmp(f->exogenous[i].name, d->temperature) == 0) e = &f->exogenous[i];
    if (!e) {
      free(list);
      return tw_error(TW_ERR_INPUT, "%s: features.degree_hours.temperature '%s' names no entry of "
                                    "features.exogenous",
                      cfg->path, d->temperature ? d->temperature : "");
    }
    const char *timing = e->timing && strcmp(e->timing, "forecast") == 0 ? "forecast" : "issue";
    for (int k = 0; k < 2; k++) {
      char name[128];
      snprintf(name, sizeof name, "%s_%gC:%s@%s", k ? "cdh" : "hdh",
               (double)(k ? d->cooling_base_C : d->heating_base_C), e->name, timing);
      if (tw_feature_parse(name, &list[n]) != TW_OK) {
        free(list);
        return tw_error_prefix(TW_ERR_INPUT, "%s: features.degree_hours: ", cfg->path);
      }
      n++;
    }
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
  int64_t *national = NULL;
  size_t n_national = 0;
  if (f->holidays_country) {
    tw_status st = tw_holidays_country(f->holidays_country, 1990, 2060, &national, &n_national);
    if (st != TW_OK) return tw_error_prefix(st, "%s: features.holidays_country: ", cfg->path);
  }
  if (!f->holidays_count && !n_national) {
    free(national);
    return TW_OK;
  }
  int64_t *d = NULL;
  if (tw_calloc(f->holidays_count + n_national, sizeof *d, "holidays", &d) != TW_OK) {
    free(national);
    return TW_ERR_RESOURCE;
  }
  for (unsigned i = 0; i < f->holidays_count; i++) {
    tw_datetime dt;
    tw_time_s t;
    int off = 0;
    if (tw_datetime_parse(f->holidays[i], &dt, &off) != TW_OK ||
        tw_time_from_datetime(TW_CAL_STANDARD, &dt, &t) != TW_OK) {
      free(d);
      free(national);
      return tw_error(TW_ERR_INPUT, "%s: features.holidays: '%s' is not a date YYYY-MM-DD",
                      cfg->path, f->holidays[i]);
    }
    d[i] = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  }
  if (n_national) memcpy(d + f->holidays_count, national, n_national * sizeof *d);
  free(national);
  size_t n = f->holidays_count + n_national, u = 0;
  qsort(d, n, sizeof *d, cmp_i64);
  for (size_t i = 0; i < n; i++) /* unique */
    if (u == 0 || d[i] != d[u - 1]) d[u++] = d[i];
  *days = d;
  *count = u;
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
  case TW_FEAT_BRIDGE: {
    /* a working day between a holiday and the weekend: Monday before a
     * holiday Tuesday, Friday after a holiday Thursday */
    int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int dow = tw_time_day_of_week(TW_CAL_STANDARD, t);
    if (bsearch(&day, hol, nhol, sizeof *hol, cmp_i64)) return 0.0f;
    int64_t next = day + 1, prev = day - 1;
    if (dow == 0 && bsearch(&next, hol, nhol, sizeof *hol, cmp_i64)) return 1.0f;
    if (dow == 4 && bsearch(&prev, hol, nhol, sizeof *hol, cmp_i64)) return 1.0f;
    return 0.0f;
  }
  default: return 0.0f;
  }
}

size_t tw_forecast_features_lookback_steps(const tw_feature *features, int n_features,
                                           int horizon_h, int64_t step_s) {
  const size_t h = (size_t)((int64_t)horizon_h * 3600 / step_s);
  size_t need = h;
  for (int k = 0; k < n_features; k++) {
    const tw_feature *f = &features[k];
    size_t s = 0;
    if (f->kind == TW_FEAT_LAG) s = (size_t)((int64_t)f->lag_h * 3600 / step_s);
    else if (f->kind == TW_FEAT_ROLL_MEAN || f->kind == TW_FEAT_ROLL_MAX)
      s = h + (size_t)((int64_t)f->lag_h * 3600 / step_s) - 1;
    if (s > need) need = s;
  }
  return need;
}

float tw_forecast_target_feature(const tw_feature *f, const double *y, size_t i, int64_t step_s,
                                 int horizon_h) {
  if (f->kind == TW_FEAT_LAG) return (float)y[i - (size_t)((int64_t)f->lag_h * 3600 / step_s)];
  /* rolling statistics over the W/step values ending at t - h (known at the issue time) */
  size_t end = i - (size_t)((int64_t)horizon_h * 3600 / step_s);
  size_t w = (size_t)((int64_t)f->lag_h * 3600 / step_s);
  if (w == 0) w = 1;
  double acc = f->kind == TW_FEAT_ROLL_MAX ? -INFINITY : 0.0;
  for (size_t j = end + 1 - w; j <= end; j++)
    acc = f->kind == TW_FEAT_ROLL_MAX ? (y[j] > acc ? y[j] : acc) : acc + y[j];
  return (float)(f->kind == TW_FEAT_ROLL_MAX ? acc : acc / (double)w);
}

/* Temperature in degC from a series value in `units` (K or degC). */
static int temperature_C(const char *units, double v, double *out) {
  if (!units) return -1;
  if (strcmp(units, "K") == 0) *out = v - 273.15;
  else if (strcmp(units, "degC") == 0 || strcmp(units, "C") == 0 ||
           strcmp(units, "\xc2\xb0" "C") == 0 || strcmp(units, "celsius") == 0)
    *out = v;
  else return -1;
  return 0;
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
  for (int k = 0; k < n_features; k++)
    need_lags |= features[k].kind == TW_FEAT_LAG || features[k].kind == TW_FEAT_ROLL_MEAN ||
                 features[k].kind == TW_FEAT_ROLL_MAX;
  if (cfg->target) {
    const tw_forecast_series_cfg *tc = cfg->target;
    resolve(cfg, tc->file, path, sizeof path);
    TW_CHECK_GOTO(st, tw_series_read(path, tc->time_column, tc->column, tc->units, &target));
    TW_CHECK_GOTO(st, tw_series_regular_step(&target, &step));
    base = &target;
  } else if (need_lags) { /* lags or rolling statistics */
    st = tw_error(TW_ERR_INPUT, "%s: the model uses lags of the target, so 'target' is required",
                  cfg->path);
    goto cleanup;
  }
  for (int k = 0; k < n_features; k++) {
    int degree = features[k].kind == TW_FEAT_HDH || features[k].kind == TW_FEAT_CDH;
    if (features[k].kind != TW_FEAT_EXOGENOUS && !degree) continue;
    const char *name = features[k].source;
    const tw_forecast_series_cfg *ec = NULL;
    for (unsigned i = 0; i < cfg->features->exogenous_count; i++)
      if (strcmp(cfg->features->exogenous[i].name, name) == 0) ec = &cfg->features->exogenous[i];
    if (!ec) {
      st = tw_error(TW_ERR_INPUT, "%s: feature '%s' has no entry in features.exogenous", cfg->path,
                    name);
      goto cleanup;
    }
    if (degree) {
      double c;
      if (temperature_C(ec->units, 0.0, &c) != 0) {
        st = tw_error(TW_ERR_INPUT, "%s: features.degree_hours: temperature '%s' has units '%s'; "
                                    "declare units K or degC",
                      cfg->path, name, ec->units ? ec->units : "(none)");
        goto cleanup;
      }
    } else if (features[k].units[0] && ec->units && strcmp(features[k].units, ec->units) != 0) {
      st = tw_error(TW_ERR_INPUT, "%s: features.exogenous '%s': units '%s' but the model was "
                                  "trained with '%s'",
                    cfg->path, name, ec->units, features[k].units);
      goto cleanup;
    }
    const char *units =
        ec->units ? ec->units : (features[k].units[0] && !degree ? features[k].units : NULL);
    resolve(cfg, ec->file, path, sizeof path);
    TW_CHECK_GOTO(st, tw_series_read(path, ec->time_column, ec->column, units, &exo[k]));
    if (degree && !exo[k].units && !(exo[k].units = tw_strdup(ec->units))) {
      st = tw_error(TW_ERR_RESOURCE, "out of memory");
      goto cleanup;
    }
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
      if (features[k].kind == TW_FEAT_LAG || features[k].kind == TW_FEAT_ROLL_MEAN ||
          features[k].kind == TW_FEAT_ROLL_MAX) {
        int64_t lag_s = (int64_t)features[k].lag_h * 3600;
        if (lag_s % step != 0) {
          st = tw_error(TW_ERR_INPUT, "%s: %s: %d h is not a whole number of time steps (%lld s)",
                        target.source, features[k].name, features[k].lag_h, (long long)step);
          goto cleanup;
        }
      }
    if (h_s % step != 0) {
      st = tw_error(TW_ERR_INPUT, "%s: horizon %d h is not a whole number of time steps (%lld s)",
                    cfg->path, horizon_h, (long long)step);
      goto cleanup;
    }
    start = (size_t)((need_s + step - 1) / step);
    size_t look = tw_forecast_features_lookback_steps(features, n_features, horizon_h, step);
    if (look > start) start = look;
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
      if (f->kind <= TW_FEAT_CALENDAR_LAST) {
        xr[k] = tw_forecast_calendar_value(f->kind, t, holiday_days, n_holidays);
      } else if (f->kind == TW_FEAT_LAG || f->kind == TW_FEAT_ROLL_MEAN ||
                 f->kind == TW_FEAT_ROLL_MAX) {
        xr[k] = tw_forecast_target_feature(f, target.value, i, step, horizon_h);
      } else {
        const tw_series *e = &exo[k];
        /* no oracle weather: at the issue time t - h unless the column is a forecast product */
        tw_time_s te = f->at_issue ? t - (tw_time_s)horizon_h * 3600 : t;
        int64_t d = te - e->time_s[0];
        if (d < 0 || d % step != 0 || (size_t)(d / step) >= e->n) {
          st = tw_error(TW_ERR_INPUT, "%s: column '%s' has no value at %s (%s)", e->source,
                        e->name, tw_time_format(TW_CAL_STANDARD, te, a, sizeof a),
                        d % step != 0 ? "times are not aligned with the target's"
                                      : "the series does not cover the target's times");
          goto cleanup;
        }
        double v = e->value[d / step], c = 0;
        if (f->kind == TW_FEAT_HDH || f->kind == TW_FEAT_CDH) {
          temperature_C(e->units, v, &c);
          v = f->kind == TW_FEAT_HDH ? (f->base_C - c > 0 ? f->base_C - c : 0)
                                     : (c - f->base_C > 0 ? c - f->base_C : 0);
        }
        xr[k] = (float)v;
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
