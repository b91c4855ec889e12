/* Coarse climate steps (3-hourly .. monthly) to hourly values:
 * interpolation for instantaneous values, mean-preserving profiles for
 * interval means (docs/INGEST.md, "Time steps").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/climate_roles.h"
#include "terrawatt/physics_solar.h"

#define HOUR 3600
#define DAY 86400
#define TW_PI 3.14159265358979323846

static int has_word_after_time(const char *cm, const char *word) {
  const char *t = cm ? strstr(cm, "time:") : NULL;
  if (!t) return 0;
  t += 5;
  while (*t == ' ') t++;
  return strncmp(t, word, strlen(word)) == 0;
}

tw_timing tw_climate_var_timing(const tw_climate *c, const tw_climate_var *v, const char *preset) {
  const char *cm = v->cell_methods;
  if (has_word_after_time(cm, "point")) return TW_TIMING_POINT;
  if (has_word_after_time(cm, "mean") || has_word_after_time(cm, "sum")) return TW_TIMING_MEAN;
  if (has_word_after_time(cm, "maximum") || has_word_after_time(cm, "minimum"))
    return TW_TIMING_EXTREME;
  if (v->accumulated) return TW_TIMING_MEAN;
  const char *src = v->source_name ? v->source_name : v->name;
  if (preset && !strcmp(preset, "atlite") && !strncmp(src, "influx", 6)) return TW_TIMING_MEAN;
  if (!strcmp(v->name, "tasmax") || !strcmp(v->name, "tasmin")) return TW_TIMING_EXTREME;
  return c->step_s >= DAY ? TW_TIMING_MEAN : TW_TIMING_POINT;
}

static tw_time_s floor_div(tw_time_s a, tw_time_s b) {
  tw_time_s q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* The interval [*a, *b) an interval mean labelled at c->time[i] covers:
 * monthly steps the calendar month of the label, daily steps its day;
 * shorter steps Δ: (t - Δ, t] for accumulations and atlite influx
 * (labelled at the end), [t - Δ/2, t + Δ/2) for labels at half steps,
 * else [t, t + Δ). */
static void interval_of(const tw_climate *c, const tw_climate_var *v, const char *preset,
                        size_t i, tw_time_s *a, tw_time_s *b) {
  tw_time_s t = c->time[i];
  if (c->step_s >= 27.5 * DAY) {
    tw_datetime d;
    tw_time_to_datetime(c->calendar, t, &d);
    d.day = 1;
    d.hour = d.minute = 0;
    d.second = 0;
    tw_time_from_datetime(c->calendar, &d, a);
    *b = *a + (tw_time_s)tw_calendar_days_in_month(c->calendar, d.year, d.month) * DAY;
    return;
  }
  if (c->step_s >= DAY) {
    *a = floor_div(t, DAY) * DAY;
    *b = *a + (tw_time_s)c->step_s;
    return;
  }
  tw_time_s step = (tw_time_s)c->step_s;
  const char *src = v->source_name ? v->source_name : v->name;
  int end_label = v->accumulated || (preset && !strcmp(preset, "atlite") &&
                                     !strncmp(src, "influx", 6));
  if (end_label) {
    *a = t - step;
  } else if (floor_div(t, step) * step + step / 2 == t) {
    *a = t - step / 2;
  } else {
    *a = t;
  }
  *b = *a + step;
}

static int is_irradiance(const char *name) {
  return !strcmp(name, "ssrd") || !strcmp(name, "fdir") || !strcmp(name, "rsdsdiff") ||
         !strncmp(name, "influx", 6) || !strcmp(name, "rsds");
}

/* The instant on the real (proleptic Gregorian) calendar of a model-calendar
 * time: the same date and time (as tw_convert_sun_instant). */
static double real_instant(tw_calendar cal, tw_time_s t) {
  if (cal == TW_CAL_STANDARD || cal == TW_CAL_PROLEPTIC_GREGORIAN) return (double)t;
  tw_datetime dt;
  tw_time_to_datetime(cal, t, &dt);
  int dim = tw_calendar_days_in_month(TW_CAL_PROLEPTIC_GREGORIAN, dt.year, dt.month);
  if (dt.day > dim) dt.day = dim;
  tw_time_s real = t;
  if (tw_time_from_datetime(TW_CAL_PROLEPTIC_GREGORIAN, &dt, &real) != TW_OK) {
    tw_error_clear();
    real = t;
  }
  return (double)real;
}

/* Haurwitz (1945) clear-sky GHI (W m-2) for a cosine of the zenith angle. */
static double haurwitz(double cos_z) {
  return cos_z > 0.0 ? 1098.0 * cos_z * exp(-0.057 / cos_z) : 0.0;
}

typedef struct {
  tw_time_s a, b; /* interval [a, b) or, for points, a == b == the instant */
} span;

static int is_wind(const char *n) {
  return !strcmp(n, "u100") || !strcmp(n, "v100") || !strcmp(n, "u10") || !strcmp(n, "v10") ||
         !strcmp(n, "uas") || !strcmp(n, "vas") || !strcmp(n, "sfcWind") || !strcmp(n, "wnd100m");
}

/* The profile slot (month * 24 + UTC hour) of the hour ending at `end`. */
static size_t diurnal_slot(tw_calendar cal, tw_time_s end) {
  tw_datetime d;
  tw_time_to_datetime(cal, end - HOUR / 2, &d);
  return (size_t)(d.month - 1) * 24 + (size_t)d.hour;
}

tw_status tw_climate_to_hourly(tw_climate *c, const char *preset, int *changed) {
  return tw_climate_to_hourly_diurnal(c, preset, NULL, changed);
}

tw_status tw_climate_to_hourly_diurnal(tw_climate *c, const char *preset, const tw_diurnal *dc,
                                       int *changed) {
  *changed = 0;
  if (c->ntime < 2 || !(c->step_s > HOUR)) return TW_OK;
  tw_status st = TW_OK;
  const size_t T = c->ntime, C = c->ncell;
  span *sp = NULL;
  int *timing = NULL;
  tw_time_s *hours = NULL;
  float **newdata = NULL;
  double *cosz = NULL;
  size_t *near = NULL;
  TW_CHECK_GOTO(st, tw_calloc(c->nvar * T + 1, sizeof *sp, "intervals", &sp));
  TW_CHECK_GOTO(st, tw_calloc(c->nvar + 1, sizeof *timing, "timings", &timing));
  TW_CHECK_GOTO(st, tw_calloc(c->nvar + 1, sizeof *newdata, "hourly values", &newdata));
  /* the common hourly axis: where every variable has data */
  tw_time_s lo = INT64_MIN, hi = INT64_MAX;
  for (size_t k = 0; k < c->nvar; k++) {
    tw_climate_var *v = &c->vars[k];
    if (!v->time_varying) continue;
    timing[k] = (int)tw_climate_var_timing(c, v, preset);
    if (timing[k] == TW_TIMING_EXTREME && strcmp(v->name, "tasmax") && strcmp(v->name, "tasmin")) {
      st = tw_error(TW_ERR_INPUT, "%s: variable '%s' (%s) holds interval %s: no sound method brings "
                    "extremes to hourly values (give the interval mean instead)", c->source,
                    v->source_name ? v->source_name : v->name,
                    v->cell_methods ? v->cell_methods : "no cell_methods",
                    has_word_after_time(v->cell_methods, "minimum") ? "minima" : "maxima");
      goto cleanup;
    }
    for (size_t i = 0; i < T; i++) {
      span *s = &sp[k * T + i];
      if (timing[k] == TW_TIMING_POINT) s->a = s->b = c->time[i];
      else interval_of(c, v, preset, i, &s->a, &s->b);
      if ((s->a % HOUR) || (s->b % HOUR)) {
        char when[40];
        tw_time_format(c->calendar, c->time[i], when, sizeof when);
        st = tw_error(TW_ERR_INPUT, "%s: variable '%s': the interval of the value at %s does not "
                      "start and end on full hours: cannot bring it to hourly values", c->source,
                      v->name, when);
        goto cleanup;
      }
    }
    /* hourly labels: points at their instants, means at the ends of their hours */
    tw_time_s first = timing[k] == TW_TIMING_POINT ? sp[k * T].a : sp[k * T].a + HOUR;
    tw_time_s last = sp[k * T + T - 1].b;
    if (first > lo) lo = first;
    if (last < hi) hi = last;
  }
  if (lo == INT64_MIN || hi < lo) {
    st = tw_error(TW_ERR_INPUT, "%s: the variables have no common time span", c->source);
    goto cleanup;
  }
  const size_t H = (size_t)((hi - lo) / HOUR) + 1;
  TW_CHECK_GOTO(st, tw_calloc(H, sizeof *hours, "hourly axis", &hours));
  for (size_t h = 0; h < H; h++) hours[h] = lo + (tw_time_s)h * HOUR;
  /* cosine of the sun's zenith at the middle of each hour and cell, for the clear-sky shape */
  int any_irr = 0;
  for (size_t k = 0; k < c->nvar; k++)
    if (c->vars[k].time_varying && timing[k] == TW_TIMING_MEAN && is_irradiance(c->vars[k].name))
      any_irr = 1;
  if (any_irr) {
    TW_CHECK_GOTO(st, tw_calloc(H * C, sizeof *cosz, "sun positions", &cosz));
    for (size_t h = 0; h < H; h++) {
      double at = real_instant(c->calendar, hours[h]) - HOUR / 2.0;
      tw_sun_geo geo;
      tw_spa_geocentric(at, tw_spa_delta_t(1970.0 + at / (365.2425 * DAY)), &geo);
      for (size_t i = 0; i < C; i++) {
        double la, lon;
        tw_climate_cell_coords(c, i, &la, &lon);
        tw_sun_pos pos = tw_spa_topocentric(&geo, la, lon, 0.0, 1013.25, 12.0);
        cosz[h * C + i] = cos(pos.zenith_deg * TW_SPA_DEG);
      }
    }
  }
  if (dc) { /* the nearest diurnal-reference cell of each cell */
    TW_CHECK_GOTO(st, tw_calloc(C + 1, sizeof *near, "diurnal cells", &near));
    for (size_t i = 0; i < C; i++) {
      double la, lon, best = INFINITY;
      tw_climate_cell_coords(c, i, &la, &lon);
      for (size_t j = 0; j < dc->ncell; j++) {
        double dx = (dc->lon_deg[j] - lon) * cos(la * TW_PI / 180.0), dy = dc->lat_deg[j] - la;
        if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, near[i] = j;
      }
    }
  }
  const tw_climate_var *tmax = NULL, *tmin = NULL;
  for (size_t k = 0; k < c->nvar; k++) {
    if (!strcmp(c->vars[k].name, "tasmax")) tmax = &c->vars[k];
    if (!strcmp(c->vars[k].name, "tasmin")) tmin = &c->vars[k];
  }
  for (size_t k = 0; k < c->nvar; k++) {
    tw_climate_var *v = &c->vars[k];
    if (!v->time_varying) continue;
    float *out = NULL;
    TW_CHECK_GOTO(st, tw_calloc(H * C, sizeof *out, v->name, &out));
    newdata[k] = out;
    if (timing[k] == TW_TIMING_POINT) { /* linear interpolation between the two neighbours */
      size_t i = 0;
      for (size_t h = 0; h < H; h++) {
        while (i + 2 < T && c->time[i + 1] <= hours[h]) i++;
        double f = (double)(hours[h] - c->time[i]) / (double)(c->time[i + 1] - c->time[i]);
        if (f < 0) f = 0;
        if (f > 1) f = 1;
        for (size_t j = 0; j < C; j++)
          out[h * C + j] = (float)((1.0 - f) * v->data[i * C + j] + f * v->data[(i + 1) * C + j]);
      }
      continue;
    }
    /* tasmax/tasmin (extremes) are held constant over their day: t2m's profile uses them */
    int irr = is_irradiance(v->name);
    int diurnal = !strcmp(v->name, "t2m") && tmax && tmin && c->step_s >= DAY;
    const float *prof = !dc ? NULL : is_wind(v->name) ? dc->wind
                        : (!strcmp(v->name, "t2m") && !diurnal) ? dc->temp : NULL;
    int mult = prof && prof == dc->wind;
    for (size_t i = 0; i < T; i++) {
      const span *s = &sp[k * T + i];
      /* the hours (end labels) of this interval that lie on the common axis */
      tw_time_s e0 = s->a + HOUR, e1 = s->b;
      size_t h0 = e0 < lo ? 0 : (size_t)((e0 - lo) / HOUR);
      if (e1 < lo) continue;
      size_t h1 = (size_t)((e1 - lo) / HOUR);
      if (h1 >= H) h1 = H - 1;
      if (e0 > hi || h0 > h1) continue;
      size_t nh = (size_t)((s->b - s->a) / HOUR); /* hours of the whole interval */
      for (size_t j = 0; j < C; j++) {
        float mean = v->data[i * C + j];
        if (irr) {
          /* mean-preserving clear-sky shape over the whole interval */
          double sum = 0.0;
          for (size_t q = 0; q < nh; q++) {
            tw_time_s end = s->a + (tw_time_s)(q + 1) * HOUR;
            if (end >= lo && end <= hi) sum += haurwitz(cosz[(size_t)((end - lo) / HOUR) * C + j]);
            else { /* an hour outside the axis: its sun position computed here */
              double at = real_instant(c->calendar, end) - HOUR / 2.0;
              tw_sun_geo geo;
              double la, lon;
              tw_spa_geocentric(at, tw_spa_delta_t(1970.0 + at / (365.2425 * DAY)), &geo);
              tw_climate_cell_coords(c, j, &la, &lon);
              tw_sun_pos pos = tw_spa_topocentric(&geo, la, lon, 0.0, 1013.25, 12.0);
              sum += haurwitz(cos(pos.zenith_deg * TW_SPA_DEG));
            }
          }
          for (size_t h = h0; h <= h1; h++) {
            double g = haurwitz(cosz[h * C + j]);
            out[h * C + j] = sum > 0.0 ? (float)(mean * g * (double)nh / sum) : mean;
          }
        } else if (diurnal) {
          /* cosine cycle of amplitude (max - min) / 2 peaking at 15:00 local solar time:
           * it sums to zero over the 24 hours of a day, so the daily mean is kept */
          double la, lon;
          tw_climate_cell_coords(c, j, &la, &lon);
          float amp = 0.5f * (tmax->data[i * C + j] - tmin->data[i * C + j]);
          if (!(amp >= 0.0f)) amp = 0.0f;
          for (size_t h = h0; h <= h1; h++) {
            tw_time_s sod = ((hours[h] - HOUR / 2) % DAY + DAY) % DAY; /* seconds of day */
            double mid_h = (double)sod / HOUR + lon / 15.0;
            out[h * C + j] = (float)(mean + amp * cos(2.0 * TW_PI * (mid_h - 15.0) / 24.0));
          }
        } else if (prof) {
          /* the reference's diurnal climatology, mean-preserving over the whole interval */
          const float *pc = prof + near[j] * 288;
          double avg = 0;
          for (size_t q = 0; q < nh; q++)
            avg += pc[diurnal_slot(c->calendar, s->a + (tw_time_s)(q + 1) * HOUR)];
          avg /= (double)nh;
          for (size_t h = h0; h <= h1; h++) {
            double f = pc[diurnal_slot(c->calendar, hours[h])];
            out[h * C + j] = mult ? (avg > 0 ? (float)(mean * f / avg) : mean)
                                  : (float)(mean + f - avg);
          }
        } else {
          for (size_t h = h0; h <= h1; h++) out[h * C + j] = mean; /* constant: keeps the mean */
        }
      }
    }
  }
  /* swap in the hourly arrays */
  for (size_t k = 0; k < c->nvar; k++) {
    tw_climate_var *v = &c->vars[k];
    if (!v->time_varying || !newdata[k]) continue;
    free(v->data);
    v->data = newdata[k];
    newdata[k] = NULL;
    if (timing[k] == TW_TIMING_MEAN) v->accumulated = 1; /* mean over the hour ending at the label */
  }
  free(c->time);
  c->time = hours;
  hours = NULL;
  c->ntime = H;
  c->ntime_total = H;
  c->time_offset = 0;
  c->step_s = HOUR;
  *changed = 1;
cleanup:
  for (size_t k = 0; newdata && k < c->nvar; k++) free(newdata[k]);
  free(newdata);
  free(sp);
  free(timing);
  free(hours);
  free(cosz);
  free(near);
  return st;
}
