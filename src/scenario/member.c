/* Loading one ensemble member: climate -> snapshots -> capacity factors ->
 * renewable droughts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"
#include "terrawatt/climate_bias.h"
#include "terrawatt/ingest.h"
#include "terrawatt/log.h"
#include "terrawatt/alloc.h"

tw_status tw_path_join(const char *dir, const char *name, char **out) {
  size_t n = strlen(dir) + strlen(name) + 2;
  *out = tw_malloc(n);
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
  if (m->level) {
    p->has_level = 1;
    p->level = *m->level;
  }
  return TW_OK;
}

static void free_paths(char **paths, size_t n) {
  for (size_t i = 0; paths && i < n; i++) free(paths[i]);
  free(paths);
}

/* The instant of every network snapshot in the member's calendar: the same
 * instant (align exact) or the same month, day and hour of the member's
 * year (align month-day-hour). Snapshot labels are ISO dates. */
static tw_status snapshot_instants(const tw_run_ctx *ctx, const tw_run_member *m, tw_calendar cal,
                                   int member_year, tw_time_s *instants) {
  const tw_network *net = ctx->base;
  int year0 = 0;
  for (size_t t = 0; t < net->n_snapshots; t++) {
    tw_datetime dt;
    int offset = 0;
    tw_status st = tw_datetime_parse(net->snapshots[t], &dt, &offset);
    if (st == TW_OK) {
      if (offset) { /* to UTC first */
        tw_time_s u;
        st = tw_time_from_datetime(TW_CAL_PROLEPTIC_GREGORIAN, &dt, &u);
        tw_time_to_datetime(TW_CAL_PROLEPTIC_GREGORIAN, u - (tw_time_s)offset * 60, &dt);
      }
      if (t == 0) year0 = dt.year;
    }
    if (st == TW_OK)
      st = m->align_mdh ? tw_align_month_day_hour(&dt, year0, member_year, cal, &instants[t])
                        : tw_time_from_datetime(cal, &dt, &instants[t]);
    if (st != TW_OK) {
      tw_error_clear();
      return tw_error(TW_ERR_INPUT, "%s: snapshot %zu '%s' is not a date of the member's %s "
                      "calendar, so it cannot be matched to the climate data%s",
                      ctx->network_path, t, net->snapshots[t], tw_calendar_name(cal),
                      m->align_mdh ? "" : " (set `align: month-day-hour` on the member)");
    }
  }
  return TW_OK;
}

/* The member's year for the network's first year: its `years:` entry, or
 * (align month-day-hour without years) the year of its first time. */
static int member_year_of(const tw_run_member *m, const tw_ingest_shape *shape) {
  if (m->has_year) return m->year;
  tw_datetime d;
  tw_time_to_datetime(shape->calendar, shape->time_first, &d);
  return d.year;
}

/* Map every snapshot instant to the climate time step with that instant. */
static tw_status align_snapshots(const tw_run_ctx *ctx, const tw_run_member *m,
                                 const tw_climate *c, const tw_time_s *instants, size_t *index) {
  const tw_network *net = ctx->base;
  for (size_t t = 0; t < net->n_snapshots; t++) {
    tw_time_s instant = instants[t];
    size_t lo = 0, hi = c->ntime;
    while (lo < hi) { /* first climate time >= instant */
      size_t mid = (lo + hi) / 2;
      if (c->time[mid] < instant) lo = mid + 1;
      else hi = mid;
    }
    if (lo == c->ntime || c->time[lo] != instant) {
      char first[32], last[32], want[32];
      if (c->ntime == 0)
        return tw_error(TW_ERR_INPUT, "%s: the climate data has no time steps", c->source);
      tw_time_format(c->calendar, c->time[0], first, sizeof first);
      tw_time_format(c->calendar, c->time[c->ntime - 1], last, sizeof last);
      tw_time_format(c->calendar, instant, want, sizeof want);
      return tw_error(TW_ERR_INPUT, "%s: snapshot '%s' (%s%s) has no climate data in %s (which "
                      "covers %s to %s%s)", ctx->network_path, net->snapshots[t],
                      m->align_mdh ? "mapped to " : "", want, c->source, first, last,
                      c->step_s == 3600.0 ? " hourly" : "");
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
  tw_backend *be = ctx->be;
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
  if (s->climate_assignment && !strcmp(s->climate_assignment, "inverse_distance"))
    TW_CHECK_GOTO(st, tw_layout_inverse_distance(climate, net->n_buses, (const char *const *)names,
                                                 lon, lat, &layout));
  else
    TW_CHECK_GOTO(st, tw_layout_voronoi(climate, net->n_buses, (const char *const *)names, lon,
                                        lat, TW_LAYOUT_AREA, NULL, &layout));
  TW_LOG_I("converting %zu cells x %zu hours on the %s backend", climate->ncell, climate->ntime,
           tw_backend_name(be));
  TW_CHECK_GOTO(st, tw_convert_capacity_factors(be, climate, &p, layout, out));
cleanup:
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

/* What the scenario's conversions need from a member. */
static void member_request(const tw_run_ctx *ctx, const tw_run_member *m, tw_climate_request *rq) {
  const tw_scenario_file *s = ctx->scenario;
  memset(rq, 0, sizeof *rq);
  rq->preset = m->preset;
  rq->names = m->variables;
  rq->wind = s->wind != NULL;
  rq->solar = s->solar != NULL;
  rq->degree_hours = fleet_temperature_needed(s); /* hourly degrees (task_ev.c) */
  rq->roughness_default_m = 0.03;
}

static int needs_weather(const tw_run_ctx *ctx) {
  return ctx->scenario->wind || ctx->scenario->solar || fleet_temperature_needed(ctx->scenario);
}

/* Read around the snapshots: two steps (an interval and the neighbour an
 * interpolation needs) and a day (daily intervals start at midnight). */
static tw_time_s read_margin_s(const tw_ingest_shape *shape) {
  return (tw_time_s)(2.0 * (shape->step_s > 0 ? shape->step_s : 0.0)) + 86400;
}

/* The snapshots' instants in the member's calendar, and the time range to read. */
static tw_status member_instants(const tw_run_ctx *ctx, const tw_run_member *m,
                                 const tw_ingest_shape *shape, tw_time_s **instants,
                                 tw_time_s *lo, tw_time_s *hi) {
  const size_t T = ctx->base->n_snapshots;
  TW_CHECK(tw_calloc(T ? T : 1, sizeof **instants, "snapshot instants", instants));
  TW_CHECK(snapshot_instants(ctx, m, shape->calendar, member_year_of(m, shape), *instants));
  *lo = T ? (*instants)[0] : 0;
  *hi = *lo;
  for (size_t t = 0; t < T; t++) {
    if ((*instants)[t] < *lo) *lo = (*instants)[t];
    if ((*instants)[t] > *hi) *hi = (*instants)[t];
  }
  return TW_OK;
}

/* Great-circle distance (km) between two points given in degrees. */
static double distance_km(double lat1, double lon1, double lat2, double lon2) {
  const double d2r = 3.14159265358979323846 / 180.0;
  double dlat = (lat2 - lat1) * d2r, dlon = (lon2 - lon1) * d2r;
  double a = sin(dlat / 2) * sin(dlat / 2) +
             cos(lat1 * d2r) * cos(lat2 * d2r) * sin(dlon / 2) * sin(dlon / 2);
  return 2.0 * 6371.0 * asin(sqrt(a < 1.0 ? a : 1.0));
}

/* Warn about every bus farther than ctx->max_bus_distance_km from the
 * nearest cell holding data (a non-missing value at the first time of the
 * first variable): it gets that cell's weather. Returns how many. */
static size_t warn_far_buses(const tw_run_ctx *ctx, const tw_run_member *m, const tw_climate *c) {
  const tw_network *net = ctx->base;
  const tw_climate_var *v = c->nvar ? &c->vars[0] : NULL;
  char list[2048] = "";
  size_t len = 0, nfar = 0;
  double worst = 0;
  for (size_t b = 0; b < net->n_buses; b++) {
    double best = INFINITY;
    for (size_t i = 0; i < c->ncell; i++) {
      if (v && !isfinite(v->data[i])) continue;
      double la, lo;
      tw_climate_cell_coords(c, i, &la, &lo);
      double d = distance_km(net->buses[b].y, net->buses[b].x, la, lo);
      if (d < best) best = d;
    }
    if (best > ctx->max_bus_distance_km) {
      nfar++;
      if (best > worst) worst = best;
      if (len + 64 < sizeof list)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s (%.0f km)", nfar > 1 ? ", " : "",
                                net->buses[b].name, best);
    }
  }
  if (nfar)
    TW_LOG_W("member '%s': %zu of %zu buses are farther than %g km (climate.max_bus_distance_km) "
             "from any cell with data in %s, and get the weather of the nearest one: %s", m->name,
             nfar, net->n_buses, ctx->max_bus_distance_km, c->source, list);
  return nfar;
}

/* [1 January of y0, 1 January of y1 + 1) in calendar cal. */
static tw_status year_range(tw_calendar cal, int y0, int y1, tw_time_s *a, tw_time_s *b) {
  tw_datetime d;
  memset(&d, 0, sizeof d);
  d.year = y0;
  d.month = d.day = 1;
  TW_CHECK(tw_time_from_datetime(cal, &d, a));
  d.year = y1 + 1;
  TW_CHECK(tw_time_from_datetime(cal, &d, b));
  *b -= 1;
  return TW_OK;
}

/* Bias-correct the member's data c against the reference over the
 * calibration years (both read with the member's roles, brought to hourly). */
static tw_status bias_correct(const tw_run_ctx *ctx, const tw_run_member *m,
                              const tw_ingest_params *member_p, const tw_climate_request *rq,
                              const tw_ingest_shape *shape, tw_climate *c) {
  const tw_bias_config *b = m->bias;
  tw_climate *mod = NULL, *ref = NULL;
  char **rpaths = NULL;
  tw_status st = TW_OK;
  tw_ingest_params mp = *member_p, rp;
  tw_ingest_shape rshape;
  tw_climate_request rrq = *rq;
  const int y0 = b->calibration_years[0], y1 = b->calibration_years[1];
  mp.has_time_range = 1;
  TW_CHECK_GOTO(st, year_range(shape->calendar, y0, y1, &mp.time_start, &mp.time_end));
  TW_CHECK_GOTO(st, tw_climate_read_roles(&mp, rq, &mod));
  TW_CHECK_GOTO(st, tw_calloc(b->reference_count, sizeof *rpaths, "reference files", &rpaths));
  for (unsigned i = 0; i < b->reference_count; i++)
    TW_CHECK_GOTO(st, tw_scenario_path(ctx->scenario, b->reference[i], &rpaths[i]));
  tw_ingest_params_default(&rp);
  rp.paths = (const char *const *)rpaths;
  rp.npaths = b->reference_count;
  TW_CHECK_GOTO(st, tw_climate_shape(&rp, &rshape));
  rp.has_time_range = 1;
  TW_CHECK_GOTO(st, year_range(rshape.calendar, y0, y1, &rp.time_start, &rp.time_end));
  rrq.preset = b->reference_preset;
  rrq.names = NULL;
  TW_CHECK_GOTO(st, tw_climate_read_roles(&rp, &rrq, &ref));
  TW_LOG_I("member '%s': bias correction (%s) against %s over %d-%d", m->name,
           b->method ? b->method : "quantile_mapping", rpaths[0], y0, y1);
  st = tw_bias_correct(c, mod, ref,
                       b->method && !strcmp(b->method, "delta") ? TW_BIAS_DELTA : TW_BIAS_QM);
cleanup:
  if (st != TW_OK) tw_error_prefix(st, "bias correction: ");
  tw_climate_destroy(&mod);
  tw_climate_destroy(&ref);
  for (unsigned i = 0; rpaths && i < b->reference_count; i++) free(rpaths[i]);
  free(rpaths);
  return st;
}

/* The diurnal climatology of the member's `diurnal_reference` (an hourly
 * dataset read whole with the member's roles). */
static tw_status diurnal_climatology(const tw_run_ctx *ctx, const tw_run_member *m,
                                     const tw_climate_request *rq, tw_diurnal **out) {
  char **paths = NULL;
  tw_climate *ref = NULL;
  tw_ingest_params p;
  tw_climate_request r = *rq;
  tw_status st = TW_OK;
  TW_CHECK_GOTO(st, tw_calloc(m->ndiurnal, sizeof *paths, "reference files", &paths));
  for (size_t i = 0; i < m->ndiurnal; i++)
    TW_CHECK_GOTO(st, tw_scenario_path(ctx->scenario, m->diurnal[i], &paths[i]));
  tw_ingest_params_default(&p);
  p.paths = (const char *const *)paths;
  p.npaths = m->ndiurnal;
  r.names = NULL;
  r.preset = NULL;
  r.diurnal = NULL;
  r.solar = 0;
  r.temperature = rq->solar || rq->temperature;
  TW_CHECK_GOTO(st, tw_climate_read_roles(&p, &r, &ref));
  st = tw_diurnal_from_reference(ref, out);
cleanup:
  if (st != TW_OK) tw_error_prefix(st, "diurnal_reference: ");
  tw_climate_destroy(&ref);
  for (size_t i = 0; paths && i < m->ndiurnal; i++) free(paths[i]);
  free(paths);
  return st;
}

tw_status tw_member_load(const tw_run_ctx *ctx, size_t index, tw_member_data *d) {
  const tw_run_member *m = &ctx->members[index];
  const size_t T = ctx->base->n_snapshots;
  tw_diurnal *diurnal = NULL;
  tw_climate *climate = NULL;
  tw_time_s *instants = NULL;
  char **paths = NULL;
  tw_ingest_params p;
  tw_ingest_shape shape;
  tw_status st = TW_OK;
  tw_member_free(d);
  TW_LOG_I("member '%s': reading climate data", m->name);
  TW_CHECK_GOTO(st, member_params(ctx, m, &paths, &p));
  TW_CHECK_GOTO(st, tw_climate_shape(&p, &shape));
  tw_time_s lo, hi;
  TW_CHECK_GOTO(st, member_instants(ctx, m, &shape, &instants, &lo, &hi));
  TW_CHECK_GOTO(st, tw_calloc(T ? T : 1, sizeof *d->climate_index, "snapshot map", &d->climate_index));
  if (needs_weather(ctx)) {
    tw_climate_request rq;
    member_request(ctx, m, &rq);
    if (shape.ntime > 1) { /* read only around the snapshots */
      p.has_time_range = 1;
      p.time_start = lo - read_margin_s(&shape);
      p.time_end = hi + read_margin_s(&shape);
    }
    if (m->ndiurnal) TW_CHECK_GOTO(st, diurnal_climatology(ctx, m, &rq, &diurnal));
    rq.diurnal = diurnal;
    TW_CHECK_GOTO(st, tw_climate_read_roles(&p, &rq, &climate));
    if (m->bias) TW_CHECK_GOTO(st, bias_correct(ctx, m, &p, &rq, &shape, climate));
    TW_CHECK_GOTO(st, align_snapshots(ctx, m, climate, instants, d->climate_index));
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
  tw_diurnal_destroy(&diurnal);
  free(instants);
  free_paths(paths, m->nfiles);
  return st;
}

/* One member's checks without reading its values (--dry-run and before
 * every run): shape, step, the variables its roles need, time coverage of
 * every snapshot after alignment, the buses' distance to its cells (one
 * time step read); and its memory estimate. */
static tw_status member_check(const tw_run_ctx *ctx, tw_run_member *m) {
  const size_t T = ctx->base->n_snapshots;
  char **paths = NULL;
  tw_time_s *instants = NULL;
  tw_climate *one = NULL;
  tw_ingest_params p;
  tw_ingest_shape shape;
  tw_status st = TW_OK;
  TW_CHECK_GOTO(st, member_params(ctx, m, &paths, &p));
  TW_CHECK_GOTO(st, tw_climate_shape(&p, &shape));
  tw_time_s lo, hi;
  TW_CHECK_GOTO(st, member_instants(ctx, m, &shape, &instants, &lo, &hi));
  m->cells = shape.nrow * shape.ncol;
  m->step_s = shape.step_s;
  if (shape.ntime > 0 && T > 0) {
    /* an interval mean covers up to a step beyond its label; the exact test is at load */
    double slack = shape.step_s > 3600.0 ? shape.step_s : 0.0;
    for (size_t t = 0; t < T; t++)
      if ((double)instants[t] < (double)shape.time_first - slack ||
          (double)instants[t] > (double)shape.time_last + slack) {
        char want[32], first[32], last[32];
        tw_time_format(shape.calendar, instants[t], want, sizeof want);
        tw_time_format(shape.calendar, shape.time_first, first, sizeof first);
        tw_time_format(shape.calendar, shape.time_last, last, sizeof last);
        st = tw_error(TW_ERR_INPUT, "%s: snapshot '%s' (%s%s) is outside the climate data, which "
                      "covers %s to %s", ctx->network_path, ctx->base->snapshots[t],
                      m->align_mdh ? "mapped to " : "", want, first, last);
        goto cleanup;
      }
  }
  if (needs_weather(ctx)) {
    tw_climate_request rq;
    const char *names[16];
    size_t n = 0;
    member_request(ctx, m, &rq);
    tw_ingest_alias aliases[12];
    p.aliases = aliases;
    p.naliases = tw_role_aliases(rq.names, aliases);
    TW_CHECK_GOTO(st, tw_climate_shape(&p, &shape)); /* with the member's `variables:` */
    TW_CHECK_GOTO(st, tw_climate_plan(&shape, &rq, p.paths[0], names, &n));
    /* coordinates and the first step of one variable, for the bus distances */
    p.variables = names;
    p.nvariables = n ? 1 : 0;
    p.time_count = shape.ntime ? 1 : 0;
    if (n) {
      TW_CHECK_GOTO(st, tw_climate_read(&p, &one));
      warn_far_buses(ctx, m, one);
    }
  }
  /* hourly steps converted: the window around the snapshots, within the data */
  double window_s = (double)(hi - lo) + 2.0 * (double)read_margin_s(&shape);
  double span_s = (double)shape.time_last - (double)shape.time_first + shape.step_s;
  if (window_s > span_s) window_s = span_s;
  m->hours = shape.step_s > 0 ? (size_t)(window_s / 3600.0) + 1 : shape.ntime;
cleanup:
  if (st != TW_OK) tw_error_prefix(st, "member '%s': ", m->name);
  tw_climate_destroy(&one);
  free(instants);
  free_paths(paths, m->nfiles);
  return st;
}

tw_status tw_members_check(const tw_run_ctx *ctx, size_t *max_cells, size_t *max_times) {
  *max_cells = *max_times = 0;
  double worst = -1;
  for (size_t i = 0; i < ctx->n_members; i++) {
    tw_run_member *m = &ctx->members[i];
    TW_CHECK(member_check(ctx, m));
    /* the largest member as one pair, not the largest of each dimension */
    if ((double)m->cells * (double)m->hours > worst) {
      worst = (double)m->cells * (double)m->hours;
      *max_cells = m->cells;
      *max_times = m->hours;
    }
  }
  return TW_OK;
}

/* ---- members x years ---------------------------------------------------------- */

void tw_members_free(tw_run_ctx *ctx) {
  for (size_t i = 0; ctx->members && i < ctx->n_members; i++) free(ctx->members[i].owned_name);
  free(ctx->members);
  ctx->members = NULL;
  ctx->n_members = 0;
}

/* The years `years: all` stands for: every year Y of the data for which
 * the snapshots mapped into Y lie within the data's span. */
static tw_status all_years(const tw_run_ctx *ctx, tw_run_member *m, int **years, size_t *n) {
  char **paths = NULL;
  tw_ingest_params p;
  tw_ingest_shape shape;
  tw_time_s *inst = NULL;
  tw_status st = TW_OK;
  *years = NULL;
  *n = 0;
  TW_CHECK_GOTO(st, member_params(ctx, m, &paths, &p));
  TW_CHECK_GOTO(st, tw_climate_shape(&p, &shape));
  if (shape.ntime == 0) {
    st = tw_error(TW_ERR_INPUT, "%s: years: all: the data has no time axis", p.paths[0]);
    goto cleanup;
  }
  tw_datetime a, b;
  tw_time_to_datetime(shape.calendar, shape.time_first, &a);
  tw_time_to_datetime(shape.calendar, shape.time_last, &b);
  TW_CHECK_GOTO(st, tw_calloc((size_t)(b.year - a.year + 1), sizeof **years, "years", years));
  double slack = shape.step_s > 3600.0 ? shape.step_s : 0.0;
  for (int y = a.year; y <= b.year; y++) {
    tw_time_s lo, hi;
    m->has_year = 1;
    m->year = y;
    free(inst);
    inst = NULL;
    TW_CHECK_GOTO(st, member_instants(ctx, m, &shape, &inst, &lo, &hi));
    if ((double)lo >= (double)shape.time_first - slack &&
        (double)hi <= (double)shape.time_last + slack)
      (*years)[(*n)++] = y;
  }
  if (*n == 0)
    st = tw_error(TW_ERR_INPUT, "%s: years: all: no year of the data (%d to %d) covers the "
                  "network's snapshots", p.paths[0], a.year, b.year);
cleanup:
  m->has_year = 0;
  free(inst);
  free_paths(paths, m->nfiles);
  return st;
}

tw_status tw_members_expand(tw_run_ctx *ctx) {
  const tw_scenario_file *s = ctx->scenario;
  const size_t nfile = s->members_count ? s->members_count : 1;
  tw_status st = TW_OK;
  int *all = NULL;
  ctx->max_bus_distance_km = s->climate_max_bus_distance_km > 0 ? s->climate_max_bus_distance_km
                                                                 : 50.0;
  ctx->named_members = s->members_count > 0;
  ctx->n_members = 0;
  for (size_t k = 0; k < nfile; k++) {
    const tw_member *fm = s->members_count ? &s->members[k] : NULL;
    const tw_member_years *years = fm ? &fm->years : &s->climate_years;
    if (!fm && (years->count || years->all)) ctx->named_members = 1; /* OUT/<scenario>/climate-Y */
    tw_run_member base = {
        .name = fm ? fm->name : "climate",
        .files = fm ? (const char *const *)fm->files : (const char *const *)s->climate_files,
        .nfiles = fm ? fm->files_count : s->climate_files_count,
        .preset = fm && fm->preset ? fm->preset : s->climate_preset,
        .variables = fm && fm->variables ? fm->variables : s->climate_variables,
        .bias = fm ? fm->bias_correction : NULL,
        .level = fm && fm->level ? fm->level : s->climate_level,
        .diurnal = (const char *const *)(fm && fm->diurnal_reference_count
                                              ? fm->diurnal_reference
                                              : s->climate_diurnal_reference),
        .ndiurnal = fm && fm->diurnal_reference_count ? fm->diurnal_reference_count
                                                       : s->climate_diurnal_reference_count,
    };
    const char *align = fm && fm->align ? fm->align : s->climate_align;
    /* years imply the month-day-hour mapping */
    base.align_mdh = (align && !strcmp(align, "month-day-hour")) || years->count || years->all;
    if (align && !strcmp(align, "exact") && (years->count || years->all))
      return tw_error(TW_ERR_INPUT, "%s: member '%s': years need `align: month-day-hour`, not "
                      "'exact'", s->path, base.name);
    const int *list = years->years;
    size_t ny = years->count;
    if (years->all) {
      TW_CHECK(all_years(ctx, &base, &all, &ny));
      list = all;
    }
    size_t need = ctx->n_members + (ny ? ny : 1);
    tw_run_member *grown = tw_realloc(ctx->members, need * sizeof *grown);
    if (!grown) {
      free(all);
      return tw_error(TW_ERR_RESOURCE, "out of memory");
    }
    ctx->members = grown;
    for (size_t y = 0; y < (ny ? ny : 1); y++) {
      tw_run_member *m = &ctx->members[ctx->n_members++];
      *m = base;
      if (!ny) continue;
      char name[300];
      _Static_assert(sizeof name >= TW_NAME_MAX_BYTES + sizeof "-2147483648",
                     "<member>-<year> must fit (member names follow the name rule)");
      snprintf(name, sizeof name, "%s-%d", base.name, list[y]);
      m->owned_name = tw_strdup(name);
      m->name = m->owned_name;
      m->has_year = 1;
      m->year = list[y];
      if (!m->owned_name) st = tw_error(TW_ERR_RESOURCE, "out of memory");
    }
    free(all);
    all = NULL;
    TW_CHECK(st);
  }
  return TW_OK;
}
