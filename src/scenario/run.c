/* The `run` pipeline: scenario -> ingest -> convert -> optimize -> report.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/atomic_file.h"
#include "terrawatt/convert.h"
#include "terrawatt/ingest.h"
#include "terrawatt/json.h"
#include "terrawatt/log.h"
#include "terrawatt/metrics.h"
#include "terrawatt/network.h"
#include "terrawatt/optimize.h"
#include "terrawatt/scenario.h"
#include "variant.h"

/* Inputs shared by every scenario of a run. */
typedef struct run_inputs {
  tw_scenario_file *scenario;
  char *network_path;
  tw_climate *climate;
  tw_network *base; /* network as read: snapshots, buses, carriers */
  size_t *climate_index; /* [n_snapshots] climate time step of each snapshot */
  tw_bus_series *series; /* per-bus capacity factors on the climate's time axis */
} run_inputs;

static void run_inputs_free(run_inputs *in) {
  tw_scenario_destroy(&in->scenario);
  free(in->network_path);
  tw_climate_destroy(&in->climate);
  tw_network_destroy(&in->base);
  free(in->climate_index);
  tw_bus_series_destroy(&in->series);
}

/* Agree on the worst status over all ranks, so no rank waits in a
 * collective that another rank will never reach. Collective on comm. */
static tw_status agree(tw_status st, MPI_Comm comm) {
  int mine = (int)st, worst = 0;
  MPI_Allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, comm);
  if (worst != TW_OK && mine == TW_OK)
    return tw_error((tw_status)worst, "another rank failed (see its message above)");
  return (tw_status)worst;
}

static tw_status read_climate(run_inputs *in) {
  const tw_scenario_file *s = in->scenario;
  char **paths = NULL;
  tw_status st = TW_OK;
  TW_CHECK(tw_calloc(s->climate_files_count, sizeof *paths, "climate file list", &paths));
  for (unsigned i = 0; i < s->climate_files_count && st == TW_OK; i++)
    st = tw_scenario_path(s, s->climate_files[i], &paths[i]);
  if (st == TW_OK) {
    tw_ingest_params p;
    tw_ingest_params_default(&p);
    p.paths = (const char *const *)paths;
    p.npaths = s->climate_files_count;
    st = tw_climate_read(&p, &in->climate);
  }
  for (unsigned i = 0; i < s->climate_files_count; i++) free(paths[i]);
  free(paths);
  return st;
}

/* Map every network snapshot to the climate time step with the same
 * instant. Snapshot labels are ISO dates ("2019-01-07 00:00:00"). */
static tw_status align_snapshots(run_inputs *in) {
  const tw_network *net = in->base;
  const tw_climate *c = in->climate;
  TW_CHECK(tw_calloc(net->n_snapshots, sizeof *in->climate_index, "snapshot map", &in->climate_index));
  for (size_t t = 0; t < net->n_snapshots; t++) {
    tw_datetime dt;
    tw_time_s instant;
    int offset = 0;
    if (tw_datetime_parse(net->snapshots[t], &dt, &offset) != TW_OK ||
        tw_time_from_datetime(c->calendar, &dt, &instant) != TW_OK)
      return tw_error(TW_ERR_INPUT, "%s: snapshot %zu '%s' is not a date, so it cannot be matched "
                                    "to the climate data", in->network_path, t, net->snapshots[t]);
    instant -= (tw_time_s)offset * 60;
    size_t lo = 0, hi = c->ntime;
    while (lo < hi) { /* first climate time >= instant */
      size_t mid = (lo + hi) / 2;
      if (c->time[mid] < instant) lo = mid + 1;
      else hi = mid;
    }
    if (lo == c->ntime || c->time[lo] != instant) {
      char first[32], last[32];
      tw_time_format(c->calendar, c->time[0], first, sizeof first);
      tw_time_format(c->calendar, c->time[c->ntime - 1], last, sizeof last);
      return tw_error(TW_ERR_INPUT, "%s: snapshot '%s' has no climate data in %s (which covers %s "
                                    "to %s)", in->network_path, net->snapshots[t], c->source,
                      first, last);
    }
    in->climate_index[t] = lo;
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

static tw_status convert_weather(run_inputs *in, tw_backend_kind kind) {
  const tw_scenario_file *s = in->scenario;
  const tw_network *net = in->base;
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
  TW_CHECK_GOTO(st, tw_calloc(net->n_buses, sizeof *names, "bus names", &names));
  TW_CHECK_GOTO(st, tw_calloc(net->n_buses, sizeof *lon, "bus longitudes", &lon));
  TW_CHECK_GOTO(st, tw_calloc(net->n_buses, sizeof *lat, "bus latitudes", &lat));
  for (size_t b = 0; b < net->n_buses; b++) {
    names[b] = net->buses[b].name;
    lon[b] = net->buses[b].x;
    lat[b] = net->buses[b].y;
  }
  TW_CHECK_GOTO(st, tw_layout_voronoi(in->climate, net->n_buses, (const char *const *)names, lon,
                                      lat, TW_LAYOUT_AREA, NULL, &layout));
  TW_CHECK_GOTO(st, tw_backend_create(kind, &be));
  TW_LOG_I("converting %zu cells x %zu hours on the %s backend", in->climate->ncell,
           in->climate->ntime, be->ops->name);
  TW_CHECK_GOTO(st, tw_convert_capacity_factors(be, in->climate, &p, layout, &in->series));
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

static tw_status load_inputs(const tw_run_options *o, run_inputs *in) {
  TW_CHECK(tw_scenario_load(o->scenario_path, &in->scenario));
  TW_CHECK(tw_scenario_path(in->scenario, in->scenario->network, &in->network_path));
  TW_CHECK(tw_network_read(in->network_path, &in->base));
  TW_CHECK(tw_network_validate(in->base, in->network_path));
  TW_CHECK(read_climate(in));
  if (in->climate->ntime == 0)
    return tw_error(TW_ERR_INPUT, "%s: the climate data has no time steps", in->climate->source);
  TW_CHECK(align_snapshots(in));
  if (in->scenario->wind || in->scenario->solar) TW_CHECK(convert_weather(in, o->backend));
  return TW_OK;
}

/* Set p_max_pu series of the wind and solar generators from the per-bus
 * capacity factors. */
static tw_status apply_capacity_factors(const run_inputs *in, tw_network *net) {
  const tw_scenario_file *s = in->scenario;
  const tw_bus_series *bs = in->series;
  double *series = NULL;
  tw_status st = TW_OK;
  if (!bs) return TW_OK;
  TW_CHECK(tw_calloc(net->n_snapshots, sizeof *series, "capacity factor series", &series));
  for (size_t g = 0; g < net->n_generators && st == TW_OK; g++) {
    const tw_generator *gen = &net->generators[g];
    const char *carrier = gen->carrier >= 0 ? net->carriers[gen->carrier].name : "";
    const float *cf = NULL;
    if (s->wind && bs->wind_cf && strcmp(carrier, s->wind->carrier) == 0) cf = bs->wind_cf;
    if (s->solar && bs->solar_cf && strcmp(carrier, s->solar->carrier) == 0) cf = bs->solar_cf;
    if (!cf) continue;
    for (size_t t = 0; t < net->n_snapshots; t++) {
      double v = cf[in->climate_index[t] * bs->nbus + (size_t)gen->bus];
      if (!isfinite(v)) {
        st = tw_error(TW_ERR_INPUT, "%s: capacity factor of generator '%s' at snapshot '%s' is "
                                    "missing (NaN in the climate data of its bus region)",
                      in->climate->source, gen->name, net->snapshots[t]);
        break;
      }
      series[t] = v;
    }
    if (st == TW_OK) st = tw_network_generator_set_p_max_pu_series(net, g, series);
  }
  free(series);
  return st;
}

static tw_status task_dir(const char *out_dir, const char *name, const char *file, char **out) {
  size_t n = strlen(out_dir) + strlen(name) + (file ? strlen(file) : 0) + 3;
  *out = malloc(n);
  if (!*out) return tw_error(TW_ERR_RESOURCE, "out of memory");
  snprintf(*out, n, "%s/%s%s%s", out_dir, name, file ? "/" : "", file ? file : "");
  return TW_OK;
}

static tw_status write_metrics(const char *path, const char *run_name, const char *task,
                               const tw_task_metrics *m) {
  tw_json j;
  tw_json_init(&j);
  tw_json_object_begin(&j);
  tw_json_kv_string(&j, "run", run_name);
  tw_json_kv_string(&j, "scenario", task);
  tw_json_kv_string(&j, "status", "optimal");
  tw_metrics_to_json(m, &j);
  tw_json_object_end(&j);
  tw_status st = tw_json_write_file(&j, path);
  tw_json_free(&j);
  return st;
}

/* Solve one scenario and write its directory. */
static tw_status run_task(const run_inputs *in, const tw_scenario_variant *v, const char *out_dir,
                          tw_task_metrics *m) {
  const tw_scenario_file *s = in->scenario;
  tw_network *net = NULL;
  tw_optimize_result *r = NULL;
  char *dir = NULL, *results = NULL, *metrics = NULL;
  tw_optimize_params p;
  tw_status st = TW_OK;
  TW_LOG_I("scenario '%s': building and solving the dispatch LP", v->name);
  TW_CHECK_GOTO(st, tw_network_read(in->network_path, &net));
  TW_CHECK_GOTO(st, apply_capacity_factors(in, net));
  TW_CHECK_GOTO(st, tw_variant_apply(v, net));
  tw_optimize_params_default(&p);
  if (s->optimize) {
    p.load_shedding = s->optimize->load_shedding_cost > 0;
    if (p.load_shedding) p.value_of_lost_load = s->optimize->load_shedding_cost;
    p.horizon = s->optimize->horizon_h;
    p.overlap = s->optimize->overlap_h;
  }
  st = tw_optimize_network(net, &p, &r);
  if (st != TW_OK) {
    tw_error_prefix(st, "scenario '%s': ", v->name);
    goto cleanup;
  }
  tw_metrics_compute(net, r, m);
  TW_CHECK_GOTO(st, task_dir(out_dir, v->name, NULL, &dir));
  TW_CHECK_GOTO(st, tw_mkdir_p(dir));
  TW_CHECK_GOTO(st, task_dir(out_dir, v->name, "results.nc", &results));
  TW_CHECK_GOTO(st, tw_network_write_netcdf(net, r, results));
  TW_CHECK_GOTO(st, task_dir(out_dir, v->name, "metrics.json", &metrics));
  TW_CHECK_GOTO(st, write_metrics(metrics, s->name, v->name, m));
  TW_LOG_I("scenario '%s': objective %.6g, CO2 %.6g t, renewable share %.3f, unserved %.6g MWh",
           v->name, m->objective, m->co2_t, m->renewable_share, m->unserved_MWh);
cleanup:
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&net);
  free(dir);
  free(results);
  free(metrics);
  return st;
}

static tw_status write_summary(const tw_scenario_file *s, const tw_scenario_variant *variants,
                               size_t n, const tw_task_metrics *m, const char *out_dir) {
  char *path = NULL;
  tw_json j;
  TW_CHECK(task_dir(out_dir, "summary.json", NULL, &path));
  tw_json_init(&j);
  tw_json_object_begin(&j);
  tw_json_kv_string(&j, "run", s->name);
  tw_json_kv_string(&j, "scenario_file", s->path);
  tw_json_key(&j, "tasks");
  tw_json_array_begin(&j);
  for (size_t i = 0; i < n; i++) {
    tw_json_object_begin(&j);
    tw_json_kv_string(&j, "scenario", variants[i].name);
    tw_json_kv_string(&j, "status", "optimal");
    tw_metrics_to_json(&m[i], &j);
    tw_json_object_end(&j);
  }
  tw_json_array_end(&j);
  tw_json_object_end(&j);
  tw_status st = tw_json_write_file(&j, path);
  tw_json_free(&j);
  free(path);
  return st;
}

static void print_plan(const run_inputs *in, const tw_scenario_variant *variants, size_t n) {
  const tw_climate *c = in->climate;
  char first[32], last[32];
  tw_time_format(c->calendar, c->time[0], first, sizeof first);
  tw_time_format(c->calendar, c->time[c->ntime - 1], last, sizeof last);
  printf("run '%s': climate %zu cells x %zu steps (%s to %s); network %s: %zu buses, %zu "
         "generators, %zu snapshots\n",
         in->scenario->name, c->ncell, c->ntime, first, last, in->network_path,
         in->base->n_buses, in->base->n_generators, in->base->n_snapshots);
  for (size_t i = 0; i < n; i++) printf("  scenario '%s'\n", variants[i].name);
}

tw_status tw_run(const tw_run_options *o, MPI_Comm comm) {
  run_inputs in;
  tw_scenario_variant base_variant = {.name = (char *)"base", .demand_scale = 1.0};
  tw_task_metrics *mine = NULL, *all = NULL;
  char *default_out = NULL;
  int rank = 0, size = 1;
  tw_status st;
  memset(&in, 0, sizeof in);
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);

  st = agree(load_inputs(o, &in), comm);
  if (st != TW_OK) goto cleanup;
  const tw_scenario_file *s = in.scenario;
  const tw_scenario_variant *variants = s->scenarios_count ? s->scenarios : &base_variant;
  const size_t n = s->scenarios_count ? s->scenarios_count : 1;
  const char *out_dir = o->out_dir;
  if (!out_dir) {
    TW_CHECK_GOTO(st, task_dir("out", s->name, NULL, &default_out));
    out_dir = default_out;
  }
  if (o->dry_run) {
    if (rank == 0) print_plan(&in, variants, n);
    goto cleanup;
  }
  st = rank == 0 ? tw_mkdir_p(out_dir) : TW_OK;
  if (st == TW_OK && rank == 0 && in.series) {
    char *cf_path = NULL;
    st = task_dir(out_dir, "capacity_factors.nc", NULL, &cf_path);
    if (st == TW_OK) st = tw_bus_series_write(in.series, cf_path);
    free(cf_path);
  }
  st = agree(st, comm);
  if (st != TW_OK) goto cleanup;

  TW_CHECK_GOTO(st, tw_calloc(n, sizeof *mine, "metrics", &mine));
  TW_CHECK_GOTO(st, tw_calloc(n, sizeof *all, "metrics", &all));
  for (size_t i = (size_t)rank; i < n && st == TW_OK; i += (size_t)size)
    st = run_task(&in, &variants[i], out_dir, &mine[i]);
  st = agree(st, comm);
  if (st != TW_OK) goto cleanup;
  /* Each task's metrics are non-zero on exactly one rank: a sum gathers them. */
  MPI_Reduce(mine, all, (int)(n * sizeof *mine / sizeof(double)), MPI_DOUBLE, MPI_SUM, 0, comm);
  if (rank == 0) st = write_summary(s, variants, n, all, out_dir);
  st = agree(st, comm);
  if (st == TW_OK && rank == 0) TW_LOG_I("wrote %s/summary.json (%zu scenario%s)", out_dir, n, n == 1 ? "" : "s");
cleanup:
  free(mine);
  free(all);
  free(default_out);
  run_inputs_free(&in);
  return st;
}
