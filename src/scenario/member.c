/* Loading one ensemble member: climate -> snapshots -> capacity factors ->
 * renewable droughts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"
#include "terrawatt/ingest.h"
#include "terrawatt/log.h"

tw_status tw_path_join(const char *dir, const char *name, char **out) {
  size_t n = strlen(dir) + strlen(name) + 2;
  *out = malloc(n);
  if (!*out) return tw_error(TW_ERR_RESOURCE, "out of memory");
  snprintf(*out, n, "%s/%s", dir, name);
  return TW_OK;
}

static tw_status member_params(const tw_run_ctx *ctx, const tw_run_member *m, char ***paths,
                               tw_ingest_params *p) {
  TW_CHECK(tw_calloc(m->nfiles, sizeof **paths, "climate file list", paths));
  for (size_t i = 0; i < m->nfiles; i++)
    TW_CHECK(tw_scenario_path(ctx->scenario, m->files[i], &(*paths)[i]));
  tw_ingest_params_default(p);
  p->paths = (const char *const *)*paths;
  p->npaths = m->nfiles;
  return TW_OK;
}

static void free_paths(char **paths, size_t n) {
  for (size_t i = 0; paths && i < n; i++) free(paths[i]);
  free(paths);
}

/* Map every network snapshot to the climate time step with the same
 * instant. Snapshot labels are ISO dates ("2019-01-07 00:00:00"). */
static tw_status align_snapshots(const tw_run_ctx *ctx, const tw_climate *c, size_t *index) {
  const tw_network *net = ctx->base;
  for (size_t t = 0; t < net->n_snapshots; t++) {
    tw_datetime dt;
    tw_time_s instant;
    int offset = 0;
    if (tw_datetime_parse(net->snapshots[t], &dt, &offset) != TW_OK ||
        tw_time_from_datetime(c->calendar, &dt, &instant) != TW_OK)
      return tw_error(TW_ERR_INPUT, "%s: snapshot %zu '%s' is not a date, so it cannot be matched "
                                    "to the climate data", ctx->network_path, t, net->snapshots[t]);
    instant -= (tw_time_s)offset * 60;
    size_t lo = 0, hi = c->ntime;
    while (lo < hi) { /* first climate time >= instant */
      size_t mid = (lo + hi) / 2;
      if (c->time[mid] < instant) lo = mid + 1;
      else hi = mid;
    }
    if (lo == c->ntime || c->time[lo] != instant) {
      char first[32], last[32];
      if (c->ntime == 0)
        return tw_error(TW_ERR_INPUT, "%s: the climate data has no time steps", c->source);
      tw_time_format(c->calendar, c->time[0], first, sizeof first);
      tw_time_format(c->calendar, c->time[c->ntime - 1], last, sizeof last);
      return tw_error(TW_ERR_INPUT, "%s: snapshot '%s' has no climate data in %s (which covers %s "
                                    "to %s)", ctx->network_path, net->snapshots[t], c->source,
                      first, last);
    }
    index[t] = lo;
  }
  return TW_OK;
}

static tw_status solar_params(const tw_scenario_file *s, tw_convert_params *p) {
  char *panel = NULL;
  tw_pv_params_default(&p->pv);
  TW_CHECK(tw_scenario_path(s, s->solar->panel, &panel));
  tw_status st = tw_pv_panel_load_yaml(panel, &p->pv);
  free(panel);
  TW_CHECK(st);
  const char *o = s->solar->orientation ? s->solar->orientation : "latitude_optimal";
  if (strcmp(o, "fixed") == 0) {
    p->pv.orientation = TW_PV_FIXED;
    p->pv.tilt_deg = s->solar->tilt_deg;
    p->pv.azimuth_deg = s->solar->azimuth_deg;
  } else if (strcmp(o, "single_axis") == 0) {
    p->pv.orientation = TW_PV_SINGLE_AXIS;
  } else {
    p->pv.orientation = TW_PV_LATITUDE_OPTIMAL;
  }
  p->solar = 1;
  return TW_OK;
}

/* 1 if an EV fleet's consumption depends on the air temperature. */
static int fleet_temperature_needed(const tw_scenario_file *s) {
  for (unsigned k = 0; k < s->fleets_count; k++)
    if (s->fleets[k].temperature_dependent && *s->fleets[k].temperature_dependent) return 1;
  return 0;
}

static tw_status convert_weather(const tw_run_ctx *ctx, const tw_climate *climate,
                                 tw_bus_series **out) {
  const tw_scenario_file *s = ctx->scenario;
  const tw_network *net = ctx->base;
  tw_backend *be = NULL;
  tw_turbine *turbine = NULL;
  tw_layout *layout = NULL;
  char **names = NULL;
  double *lon = NULL, *lat = NULL;
  char *turbine_path = NULL;
  tw_convert_params p;
  tw_status st = TW_OK;
  tw_convert_params_default(&p);
  if (s->wind) {
    TW_CHECK_GOTO(st, tw_scenario_path(s, s->wind->turbine, &turbine_path));
    TW_CHECK_GOTO(st, tw_turbine_load(turbine_path, NULL, &turbine));
    p.turbine = turbine;
    p.hub_height_m = s->wind->hub_height_m;
  }
  if (s->solar) TW_CHECK_GOTO(st, solar_params(s, &p));
  if (fleet_temperature_needed(s)) {
    /* EV consumption deadband 15-20 C (PyPSA-Eur): hourly heating degrees
     * below 15 C and cooling degrees above 20 C per bus (src/scenario/task_ev.c) */
    p.degree_hours = 1;
    p.heating_threshold_C = 15.0;
    p.cooling_threshold_C = 20.0;
    p.daily_mean = 0;
  }
  TW_CHECK_GOTO(st, tw_calloc(net->n_buses, sizeof *names, "bus names", &names));
  TW_CHECK_GOTO(st, tw_calloc(net->n_buses, sizeof *lon, "bus longitudes", &lon));
  TW_CHECK_GOTO(st, tw_calloc(net->n_buses, sizeof *lat, "bus latitudes", &lat));
  for (size_t b = 0; b < net->n_buses; b++) {
    names[b] = net->buses[b].name;
    lon[b] = net->buses[b].x;
    lat[b] = net->buses[b].y;
  }
  TW_CHECK_GOTO(st, tw_layout_voronoi(climate, net->n_buses, (const char *const *)names, lon, lat,
                                      TW_LAYOUT_AREA, NULL, &layout));
  TW_CHECK_GOTO(st, tw_backend_create(ctx->backend, &be));
  TW_LOG_I("converting %zu cells x %zu hours on the %s backend", climate->ncell, climate->ntime,
           be->ops->name);
  TW_CHECK_GOTO(st, tw_convert_capacity_factors(be, climate, &p, layout, out));
cleanup:
  tw_backend_destroy(&be);
  tw_layout_destroy(&layout);
  tw_turbine_destroy(&turbine);
  free(turbine_path);
  free(names);
  free(lon);
  free(lat);
  return st;
}

/* Capacity factors on the snapshot axis, [T x B] doubles. */
static tw_status snapshot_cf(const tw_run_ctx *ctx, const tw_member_data *d, const float *cf,
                             const char *what, double **out) {
  const size_t T = ctx->base->n_snapshots, B = ctx->base->n_buses;
  TW_CHECK(tw_calloc(T * B + 1, sizeof **out, what, out));
  for (size_t t = 0; t < T; t++)
    for (size_t b = 0; b < B; b++) {
      double v = cf[d->climate_index[t] * d->series->nbus + b];
      if (!isfinite(v))
        return tw_error(TW_ERR_INPUT, "%s capacity factor of bus '%s' at snapshot '%s' is missing "
                                      "(NaN in the climate data of its region)", what,
                        ctx->base->buses[b].name, ctx->base->snapshots[t]);
      (*out)[t * B + b] = v;
    }
  return TW_OK;
}

/* Combined wind+solar CF weighted by the base network's capacities. */
static tw_status droughts(const tw_run_ctx *ctx, tw_member_data *d) {
  const tw_scenario_file *s = ctx->scenario;
  const tw_network *net = ctx->base;
  const size_t T = net->n_snapshots, B = net->n_buses;
  double cap = 0;
  TW_CHECK(tw_calloc(T ? T : 1, 1, "drought flags", &d->drought));
  TW_CHECK(tw_calloc(T ? T : 1, sizeof *d->combined_cf, "combined capacity factor", &d->combined_cf));
  for (size_t g = 0; g < net->n_generators; g++) {
    const tw_generator *gen = &net->generators[g];
    const char *carrier = gen->carrier >= 0 ? net->carriers[gen->carrier].name : "";
    const double *cf = NULL;
    if (s->wind && d->wind_cf && strcmp(carrier, s->wind->carrier) == 0) cf = d->wind_cf;
    if (s->solar && d->solar_cf && strcmp(carrier, s->solar->carrier) == 0) cf = d->solar_cf;
    if (!cf || gen->p_nom_MW <= 0) continue;
    cap += gen->p_nom_MW;
    for (size_t t = 0; t < T; t++) d->combined_cf[t] += gen->p_nom_MW * cf[t * B + (size_t)gen->bus];
  }
  if (cap <= 0) { /* no wind or solar: no droughts defined */
    free(d->combined_cf);
    d->combined_cf = NULL;
    return TW_OK;
  }
  for (size_t t = 0; t < T; t++) d->combined_cf[t] /= cap;
  double threshold = s->metrics ? s->metrics->drought_threshold : 0.1;
  double min_h = s->metrics ? s->metrics->drought_min_hours : 48;
  size_t window = s->metrics ? s->metrics->drought_window_h : 24;
  double *mean = NULL;
  TW_CHECK(tw_calloc(T ? T : 1, sizeof *mean, "drought window means", &mean));
  tw_moving_mean(d->combined_cf, T, window, mean);
  /* count first, then keep every run (no fixed cap) */
  tw_droughts_find(mean, net->weight_generators, T, threshold, min_h, NULL, 0, &d->n_runs,
                   &d->longest_h, &d->total_h, NULL);
  tw_status st = tw_calloc(d->n_runs ? d->n_runs : 1, sizeof *d->runs, "droughts", &d->runs);
  if (st == TW_OK)
    tw_droughts_find(mean, net->weight_generators, T, threshold, min_h, d->runs, d->n_runs,
                     &d->n_runs, &d->longest_h, &d->total_h, d->drought);
  free(mean);
  return st;
}

void tw_member_free(tw_member_data *d) {
  tw_bus_series_destroy(&d->series);
  free(d->climate_index);
  free(d->wind_cf);
  free(d->solar_cf);
  free(d->combined_cf);
  free(d->drought);
  free(d->runs);
  memset(d, 0, sizeof *d);
  d->index = -1;
}

tw_status tw_member_load(const tw_run_ctx *ctx, size_t index, tw_member_data *d) {
  const tw_run_member *m = &ctx->members[index];
  const size_t T = ctx->base->n_snapshots;
  tw_climate *climate = NULL;
  char **paths = NULL;
  tw_ingest_params p;
  tw_status st = TW_OK;
  tw_member_free(d);
  TW_LOG_I("member '%s': reading climate data", m->name);
  TW_CHECK_GOTO(st, member_params(ctx, m, &paths, &p));
  TW_CHECK_GOTO(st, tw_climate_read(&p, &climate));
  TW_CHECK_GOTO(st, tw_calloc(T ? T : 1, sizeof *d->climate_index, "snapshot map", &d->climate_index));
  TW_CHECK_GOTO(st, align_snapshots(ctx, climate, d->climate_index));
  if (ctx->scenario->wind || ctx->scenario->solar || fleet_temperature_needed(ctx->scenario)) {
    TW_CHECK_GOTO(st, convert_weather(ctx, climate, &d->series));
    if (ctx->scenario->wind && d->series->wind_cf)
      TW_CHECK_GOTO(st, snapshot_cf(ctx, d, d->series->wind_cf, "wind", &d->wind_cf));
    if (ctx->scenario->solar && d->series->solar_cf)
      TW_CHECK_GOTO(st, snapshot_cf(ctx, d, d->series->solar_cf, "solar", &d->solar_cf));
  }
  TW_CHECK_GOTO(st, droughts(ctx, d));
  d->index = (long)index;
cleanup:
  if (st != TW_OK) {
    tw_error_prefix(st, "member '%s': ", m->name);
    tw_member_free(d);
  }
  tw_climate_destroy(&climate);
  free_paths(paths, m->nfiles);
  return st;
}

tw_status tw_members_check(const tw_run_ctx *ctx, size_t *max_cells, size_t *max_times) {
  *max_cells = *max_times = 0;
  for (size_t i = 0; i < ctx->n_members; i++) {
    const tw_run_member *m = &ctx->members[i];
    char **paths = NULL;
    tw_ingest_params p;
    tw_ingest_shape shape;
    tw_status st = member_params(ctx, m, &paths, &p);
    if (st == TW_OK) st = tw_climate_shape(&p, &shape);
    free_paths(paths, m->nfiles);
    if (st != TW_OK) {
      tw_error_prefix(st, "member '%s': ", m->name);
      return st;
    }
    if (shape.nrow * shape.ncol > *max_cells) *max_cells = shape.nrow * shape.ncol;
    if (shape.ntime > *max_times) *max_times = shape.ntime;
  }
  return TW_OK;
}
