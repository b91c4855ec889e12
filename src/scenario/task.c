/* One task of a run: a scenario on one ensemble member.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"
#include "terrawatt/atomic_file.h"
#include "terrawatt/forecast_stage.h"
#include "terrawatt/json.h"
#include "terrawatt/log.h"
#include "terrawatt/optimize.h"
#include "terrawatt/solution_check.h"
#include "terrawatt/summary.h"
#include "task_ev.h"
#include "task_map.h"
#include "variant.h"
#include "terrawatt/alloc.h"

tw_status tw_task_reldir(const tw_run_ctx *ctx, size_t v, size_t m, char **out) {
  if (!ctx->named_members) {
    *out = tw_strdup(ctx->variants[v].name);
    return *out ? TW_OK : tw_error(TW_ERR_RESOURCE, "out of memory");
  }
  return tw_path_join(ctx->variants[v].name, ctx->members[m].name, out);
}

/* Set p_max_pu series of the wind and solar generators from the per-bus
 * capacity factors of their bus. */
static tw_status apply_capacity_factors(const tw_run_ctx *ctx, const tw_member_data *d,
                                        tw_network *net) {
  const tw_scenario_file *s = ctx->scenario;
  const size_t T = net->n_snapshots, B = net->n_buses;
  double *series = NULL;
  tw_status st = TW_OK;
  TW_CHECK(tw_calloc(T ? T : 1, sizeof *series, "capacity factor series", &series));
  for (size_t g = 0; g < net->n_generators && st == TW_OK; g++) {
    const tw_generator *gen = &net->generators[g];
    const char *carrier = gen->carrier >= 0 ? net->carriers[gen->carrier].name : "";
    const double *cf = NULL;
    if (s->wind && d->wind_cf && strcmp(carrier, s->wind->carrier) == 0) cf = d->wind_cf;
    if (s->solar && d->solar_cf && strcmp(carrier, s->solar->carrier) == 0) cf = d->solar_cf;
    if (!cf) continue;
    for (size_t t = 0; t < T; t++) series[t] = cf[t * B + (size_t)gen->bus];
    st = tw_network_generator_set_p_max_pu_series(net, g, series);
  }
  free(series);
  return st;
}

static tw_status write_metrics(const char *path, const char *run_name, const char *currency,
                               const tw_task_record *rec, const tw_forecast_stage_result *fc,
                               const tw_task_ev *ev) {
  tw_json j;
  tw_json_init(&j);
  tw_json_object_begin(&j);
  tw_json_kv_string(&j, "run", run_name);
  tw_json_kv_string(&j, "currency", currency); /* of every cost and price below */
  tw_json_kv_string(&j, "scenario", rec->scenario);
  tw_json_kv_string(&j, "member", rec->member);
  tw_json_kv_string(&j, "status", "optimal");
  tw_metrics_to_json(&rec->metrics, &j);
  if (fc) tw_forecast_stage_to_json(fc, &j); /* forecast stage */
  if (ev) tw_task_ev_json(ev, &j);           /* EV fleets: "ev_dispatch", "ev", "ev_fleets" */
  tw_json_object_end(&j);
  tw_status st = tw_json_write_file(&j, path);
  tw_json_free(&j);
  return st;
}

static void json_series(tw_json *j, const char *key, const double *x, size_t T) {
  tw_json_key(j, key);
  tw_json_array_begin(j);
  for (size_t t = 0; t < T; t++) tw_json_number(j, x[t]);
  tw_json_array_end(j);
}

/* series.json: the hourly figures the report draws. With EV fleets (ev not
 * NULL) load_mw is the demand without the fleets plus the reported
 * strategy's charging, net_load_mw the net load with immediate charging and
 * net_load_ev_mw with smart charging (the report draws it dashed). */
static tw_status write_series(const char *path, const tw_network *net,
                              const tw_optimize_result *r, const tw_member_data *d,
                              const tw_task_ev *ev, const tw_scenario_variant *v,
                              const tw_outage_window *windows) {
  const size_t T = net->n_snapshots, G = net->n_generators, B = net->n_buses,
               S = net->n_storage_units, L = net->n_loads;
  double *x = NULL, *load = NULL, *avail = NULL;
  tw_json j;
  tw_status st = TW_OK;
  TW_CHECK_GOTO(st, tw_calloc(T ? T : 1, sizeof *x, "series", &x));
  TW_CHECK_GOTO(st, tw_calloc(T ? T : 1, sizeof *load, "series", &load));
  TW_CHECK_GOTO(st, tw_calloc(T ? T : 1, sizeof *avail, "series", &avail));
  tw_json_init(&j);
  tw_json_object_begin(&j);
  tw_json_key(&j, "snapshots");
  tw_json_array_begin(&j);
  for (size_t t = 0; t < T; t++) tw_json_string(&j, net->snapshots[t]);
  tw_json_array_end(&j);
  tw_json_key(&j, "dispatch_mw"); /* by carrier, generators then storage (net of charging) */
  tw_json_object_begin(&j);
  for (size_t c = 0; c < net->n_carriers; c++) {
    int any = 0;
    memset(x, 0, T * sizeof *x);
    for (size_t g = 0; g < G; g++)
      if (net->generators[g].carrier == (int)c)
        for (size_t t = 0; t < T; t++) x[t] += r->gen_p[t * G + g], any = 1;
    for (size_t s = 0; s < S; s++)
      if (net->storage_units[s].carrier == (int)c)
        for (size_t t = 0; t < T; t++) x[t] += r->su_p[t * S + s], any = 1;
    if (any) json_series(&j, net->carriers[c].name, x, T);
  }
  tw_json_object_end(&j);
  for (size_t t = 0; t < T; t++) {
    for (size_t l = 0; l < L; l++) {
      const tw_load *ld = &net->loads[l];
      load[t] += tw_series_at(ld->p_set_t, ld->p_set_MW, t);
    }
    for (size_t g = 0; g < G; g++) {
      const tw_generator *gen = &net->generators[g];
      const char *carrier = gen->carrier >= 0 ? net->carriers[gen->carrier].name : NULL;
      if (tw_carrier_is_renewable(carrier))
        avail[t] += tw_series_at(gen->p_max_pu_t, gen->p_max_pu, t) * r->gen_p_nom_opt[g];
    }
  }
  if (ev) { /* EV fleets: demand without them, plus each strategy's charging */
    const double *own = ev->smart_reported ? ev->smart_MW : ev->immediate_MW;
    for (size_t t = 0; t < T; t++) load[t] = ev->demand_MW[t] + own[t];
    json_series(&j, "load_mw", load, T);
    for (size_t t = 0; t < T; t++) x[t] = ev->demand_MW[t] + ev->immediate_MW[t] - avail[t];
    json_series(&j, "net_load_mw", x, T); /* with immediate (uncontrolled) charging */
    json_series(&j, "net_load_immediate_mw", x, T);
    for (size_t t = 0; t < T; t++) x[t] = ev->demand_MW[t] + ev->smart_MW[t] - avail[t];
    json_series(&j, "net_load_ev_mw", x, T); /* with smart charging */
    json_series(&j, "ev_immediate_mw", ev->immediate_MW, T);
    json_series(&j, "ev_smart_mw", ev->smart_MW, T);
    if (ev->vf_MW) json_series(&j, "ev_valley_filling_mw", ev->vf_MW, T);
  } else {
    json_series(&j, "load_mw", load, T);
    for (size_t t = 0; t < T; t++) x[t] = load[t] - avail[t];
    json_series(&j, "net_load_mw", x, T); /* demand minus available renewable power */
  }
  for (size_t t = 0; t < T; t++) {
    x[t] = 0;
    for (size_t b = 0; b < B; b++) x[t] += r->bus_shed_MW[t * B + b];
  }
  json_series(&j, "shed_mw", x, T);
  for (size_t t = 0; t < T; t++) { /* demand-weighted mean nodal price */
    double num = 0, den = 0;
    for (size_t l = 0; l < L; l++) {
      const tw_load *ld = &net->loads[l];
      double dem = tw_series_at(ld->p_set_t, ld->p_set_MW, t);
      num += dem * r->bus_marginal_price[t * B + (size_t)ld->bus];
      den += dem;
    }
    x[t] = den > 0 ? num / den : r->bus_marginal_price[t * B];
  }
  json_series(&j, "price", x, T);
  if (d->combined_cf) json_series(&j, "combined_cf", d->combined_cf, T);
  tw_task_map_json(net, r, &j); /* "carrier_colors", "map" */
  tw_json_key(&j, "outages");   /* snapshot windows [start, end) for the report's shading */
  tw_json_array_begin(&j);
  for (unsigned k = 0; k < v->outages_count; k++) {
    char label[32];
    snprintf(label, sizeof label, "outage %u", k);
    tw_json_object_begin(&j);
    tw_json_kv_string(&j, "name", v->outages[k].name ? v->outages[k].name : label);
    tw_json_kv_int(&j, "start", (long long)windows[k].t0);
    tw_json_kv_int(&j, "end", (long long)windows[k].t1);
    tw_json_object_end(&j);
  }
  tw_json_array_end(&j);
  tw_json_key(&j, "drought");
  tw_json_array_begin(&j);
  for (size_t t = 0; t < T; t++) tw_json_int(&j, d->drought ? d->drought[t] : 0);
  tw_json_array_end(&j);
  tw_json_object_end(&j);
  st = tw_json_write_file(&j, path);
  tw_json_free(&j);
cleanup:
  free(x);
  free(load);
  free(avail);
  return st;
}

static void metrics_params(const tw_run_ctx *ctx, const tw_member_data *d, tw_factor *land,
                           tw_factor *water, const size_t *ends, size_t n_outages,
                           tw_metrics_params *mp) {
  const tw_metrics_config *mc = ctx->scenario->metrics;
  memset(mp, 0, sizeof *mp);
  if (mc) {
    for (unsigned i = 0; i < mc->land_use_km2_per_mw_count; i++)
      land[i] = (tw_factor){mc->land_use_km2_per_mw[i].carrier, mc->land_use_km2_per_mw[i].value};
    for (unsigned i = 0; i < mc->water_m3_per_mwh_count; i++)
      water[i] = (tw_factor){mc->water_m3_per_mwh[i].carrier, mc->water_m3_per_mwh[i].value};
    mp->n_land = mc->land_use_km2_per_mw_count;
    mp->n_water = mc->water_m3_per_mwh_count;
  }
  mp->land_km2_per_MW = land;
  mp->water_m3_per_MWh = water;
  mp->value_of_lost_load = ctx->value_of_lost_load;
  mp->outage_end = ends;
  mp->n_outages = n_outages;
  mp->drought = d->drought;
}

/* Copy the network read once by `prepare` and apply the member's capacity
 * factors and the scenario's changes. */
static tw_status build(const tw_run_ctx *ctx, const tw_scenario_variant *v,
                       const tw_member_data *d, tw_network **net, tw_outage_window *windows) {
  TW_CHECK(tw_network_clone(ctx->base, net));
  TW_CHECK(apply_capacity_factors(ctx, d, *net));
  return tw_variant_apply(ctx->scenario, v, d->wind_cf, d->solar_cf, *net, windows);
}

/* Warm starts (docs/OPTIMIZE.md "Warm starts across solves"), keyed so
 * that a task's starting basis depends only on the task: the LPs of task
 * (first scenario, member m) are kept under "member:m", those of task
 * (scenario v, first member) under "scenario:v". Task (v, m) starts from
 * "member:m", else "scenario:v" (same structure only), else cold; so
 * (first, first) is cold and every anchor starts from (first, first). */
typedef struct basis_keys {
  char from[2][320], store[2][320];
} basis_keys;

static void basis_keys_make(const tw_run_ctx *ctx, size_t vi, size_t mi, basis_keys *k) {
  memset(k, 0, sizeof *k);
  const char *m = ctx->members[mi].name, *v = ctx->variants[vi].name;
  if (vi != 0) snprintf(k->from[0], sizeof k->from[0], "member:%s", m);
  if (mi != 0) snprintf(k->from[1], sizeof k->from[1], "scenario:%s", v);
  if (vi == 0) snprintf(k->store[0], sizeof k->store[0], "member:%s", m);
  if (mi == 0) snprintf(k->store[1], sizeof k->store[1], "scenario:%s", v);
}

static void solve_params(const tw_run_ctx *ctx, const basis_keys *k, tw_optimize_params *p) {
  const tw_scenario_file *s = ctx->scenario;
  tw_optimize_params_default(p);
  p->basis_cache = ctx->bases;
  p->basis_mode = TW_BASIS_KEYED;
  for (int i = 0; i < 2; i++) {
    p->basis_from[i] = k->from[i][0] ? k->from[i] : NULL;
    p->basis_store[i] = k->store[i][0] ? k->store[i] : NULL;
  }
  p->backend = ctx->be; /* PDLP on the rank's backend */
  if (s->optimize) {
    p->load_shedding = s->optimize->load_shedding_cost > 0;
    if (p->load_shedding) p->value_of_lost_load = s->optimize->load_shedding_cost;
    p->horizon = s->optimize->horizon_h;
    p->overlap = s->optimize->overlap_h;
  }
}

static tw_status solve(const tw_run_ctx *ctx, const tw_scenario_variant *v, const basis_keys *k,
                       tw_network *net, tw_optimize_params *p, tw_optimize_result **r) {
  solve_params(ctx, k, p);
  tw_status st = tw_optimize_network(net, p, r);
  if (st != TW_OK) tw_error_prefix(st, "scenario '%s': ", v->name);
  return st;
}

/* Build the task's network(s) and solve its LPs: the dispatch LP, or with
 * EV fleets immediate and smart charging, each on its own copy of the
 * network. *net and *r are the LP the task reports (the smart one unless
 * smart_charging: false), *net_imm and *r_imm the other one (EV only). */
static tw_status solve_task(const tw_run_ctx *ctx, const tw_scenario_variant *v,
                            const tw_member_data *d, const basis_keys *k,
                            tw_outage_window *windows, tw_optimize_params *p, tw_network **net,
                            tw_network **net_imm, tw_optimize_result **r,
                            tw_optimize_result **r_imm, tw_task_ev *ev, int *has_ev) {
  *has_ev = tw_task_ev_wanted(ctx, v);
  TW_CHECK(build(ctx, v, d, net, windows));
  if (!*has_ev) return solve(ctx, v, k, *net, p, r);
  TW_CHECK(build(ctx, v, d, net_imm, NULL));
  solve_params(ctx, k, p);
  TW_CHECK(tw_task_ev_run(ctx, v, d, p, *net_imm, *net, r_imm, r, ev));
  if (!ev->smart_reported) {
    tw_network *tn = *net;
    tw_optimize_result *tr = *r;
    *net = *net_imm, *net_imm = tn;
    *r = *r_imm, *r_imm = tr;
  }
  return TW_OK;
}

/* The forecast stage's LPs (forecast_cost.c): stage 1 starts from the
 * task's own dispatch LP (same structure, forecast series), whose basis is
 * kept under `own`: the anchor key the dispatch is stored under, else a
 * task-private key "task:v:m" (added to the dispatch's store keys, dropped
 * after the stage). Stage 2 (capacities fixed, balancing generators) has
 * anchors of its own: the dispatch's keys prefixed "forecast:". */
typedef struct forecast_keys {
  char own[320], from[2][340], store[2][340];
  int private_own; /* own is task-private: drop it after the stage */
} forecast_keys;

static void forecast_keys_make(const tw_run_ctx *ctx, size_t vi, size_t mi, basis_keys *k,
                               forecast_keys *f) {
  memset(f, 0, sizeof *f);
  if (!ctx->scenario->forecast || !ctx->bases) return;
  for (int i = 0; i < 2; i++) {
    if (k->from[i][0]) snprintf(f->from[i], sizeof f->from[i], "forecast:%s", k->from[i]);
    if (k->store[i][0]) snprintf(f->store[i], sizeof f->store[i], "forecast:%s", k->store[i]);
  }
  if (!k->store[0][0] && !k->store[1][0]) {
    snprintf(k->store[0], sizeof k->store[0], "task:%s:%s", ctx->variants[vi].name,
             ctx->members[mi].name);
    f->private_own = 1;
  }
  snprintf(f->own, sizeof f->own, "%s", k->store[0][0] ? k->store[0] : k->store[1]);
}

/* The forecast stage of task (v, d) on its solved dispatch (net, r), solved
 * with p (the dispatch's parameters) and the keys f. */
static tw_status forecast_stage(const tw_run_ctx *ctx, const tw_scenario_variant *v,
                                const tw_member_data *d, const forecast_keys *f,
                                const tw_network *net, const tw_optimize_params *p,
                                const tw_optimize_result *r, tw_forecast_stage_result **fc) {
  const tw_scenario_file *s = ctx->scenario;
  tw_forecast_stage_inputs fi = {
      .scenario_path = s->path, .base_dir = s->base_dir,
      .wind_carrier = s->wind ? s->wind->carrier : NULL,
      .solar_carrier = s->solar ? s->solar->carrier : NULL, .weather = d->series,
      .climate_index = d->climate_index, .backend = ctx->be};
  tw_optimize_params fp = *p;
  fp.basis_key = f->own[0] ? f->own : NULL;
  for (int i = 0; i < 2; i++) {
    fp.basis_from[i] = f->from[i][0] ? f->from[i] : NULL;
    fp.basis_store[i] = f->store[i][0] ? f->store[i] : NULL;
  }
  tw_status st = tw_forecast_stage_run(s->forecast, &fi, net, &fp, r, fc);
  if (f->private_own) tw_basis_cache_drop(ctx->bases, f->own);
  if (st != TW_OK) tw_error_prefix(st, "scenario '%s': ", v->name);
  return st;
}

static tw_status anchors_before(const tw_run_ctx *ctx, size_t vi, const tw_member_data *d);

/* Make sure the anchor task (vi, mi) (vi or mi is 0) has been solved on
 * this rank: if its key is missing, solve the LPs that task solves
 * (dispatch, or immediate and smart charging), results discarded. `d`: the
 * member's data when this rank holds it, else NULL (loaded here). */
static tw_status anchor_task(const tw_run_ctx *ctx, size_t vi, size_t mi,
                             const tw_member_data *d) {
  basis_keys k;
  forecast_keys fk;
  basis_keys_make(ctx, vi, mi, &k);
  forecast_keys_make(ctx, vi, mi, &k, &fk);
  if (tw_basis_cache_has_key(ctx->bases, k.store[0][0] ? k.store[0] : k.store[1]) &&
      (!fk.own[0] || tw_basis_cache_has_key(ctx->bases, fk.store[0][0] ? fk.store[0] : fk.store[1])))
    return TW_OK;
  const tw_scenario_variant *v = &ctx->variants[vi];
  tw_network *net = NULL, *net_imm = NULL;
  tw_optimize_result *r = NULL, *r_imm = NULL;
  tw_forecast_stage_result *fc = NULL;
  tw_outage_window *windows = NULL;
  tw_member_data own;
  tw_optimize_params p;
  tw_task_ev ev;
  tw_status st = TW_OK;
  memset(&ev, 0, sizeof ev);
  memset(&own, 0, sizeof own);
  own.index = -1;
  if (!d || (size_t)d->index != mi) {
    TW_CHECK_GOTO(st, tw_member_load(ctx, mi, &own));
    d = &own;
  }
  TW_CHECK_GOTO(st, anchors_before(ctx, vi, d));
  TW_LOG_I("task '%s' x '%s': solved first, as the warm start of later tasks", v->name,
           ctx->members[mi].name);
  TW_CHECK_GOTO(st, tw_calloc(v->outages_count + 1, sizeof *windows, "outages", &windows));
  int has_ev;
  TW_CHECK_GOTO(st, solve_task(ctx, v, d, &k, windows, &p, &net, &net_imm, &r, &r_imm, &ev,
                               &has_ev));
  /* the stage-2 anchor: the task's forecast stage */
  if (fk.own[0]) TW_CHECK_GOTO(st, forecast_stage(ctx, v, d, &fk, net, &p, r, &fc));
cleanup:
  tw_forecast_stage_result_destroy(&fc);
  tw_optimize_result_destroy(&r);
  tw_optimize_result_destroy(&r_imm);
  tw_network_destroy(&net);
  tw_network_destroy(&net_imm);
  tw_task_ev_free(&ev);
  free(windows);
  if (own.index >= 0) tw_member_free(&own);
  return st;
}

/* The anchors task (vi, d->index) starts from. */
static tw_status anchors_before(const tw_run_ctx *ctx, size_t vi, const tw_member_data *d) {
  if (!ctx->bases) return TW_OK;
  if (vi != 0) TW_CHECK(anchor_task(ctx, 0, (size_t)d->index, d));
  if (d->index != 0) TW_CHECK(anchor_task(ctx, vi, 0, NULL));
  return TW_OK;
}

tw_status tw_task_run(const tw_run_ctx *ctx, size_t vi, const tw_member_data *d) {
  const tw_scenario_file *s = ctx->scenario;
  const tw_scenario_variant *v = &ctx->variants[vi];
  const tw_run_member *mem = &ctx->members[d->index];
  tw_network *net = NULL, *net_imm = NULL;
  tw_optimize_result *r = NULL, *r_imm = NULL;
  tw_task_ev ev;
  int has_ev = 0;
  tw_forecast_stage_result *fc = NULL; /* forecast stage */
  tw_outage_window *windows = NULL;
  size_t *ends = NULL;
  tw_factor *land = NULL, *water = NULL;
  char *rel = NULL, *dir = NULL, *path = NULL;
  tw_task_record *rec = NULL;
  tw_optimize_params p;
  tw_metrics_params mp;
  basis_keys keys;
  forecast_keys fkeys;
  tw_status st = TW_OK;
  memset(&ev, 0, sizeof ev);
  memset(&fkeys, 0, sizeof fkeys);
  TW_LOG_I("task '%s' x '%s': building and solving the dispatch LP", v->name, mem->name);
  TW_CHECK_GOTO(st, tw_calloc(1, sizeof *rec, "task record", &rec));
  TW_CHECK_GOTO(st, tw_calloc(v->outages_count + 1, sizeof *windows, "outages", &windows));
  TW_CHECK_GOTO(st, tw_calloc(v->outages_count + 1, sizeof *ends, "outages", &ends));
  TW_CHECK_GOTO(st, tw_calloc(64, sizeof *land, "factors", &land));
  TW_CHECK_GOTO(st, tw_calloc(64, sizeof *water, "factors", &water));
  if (s->metrics && (s->metrics->land_use_km2_per_mw_count > 64 || s->metrics->water_m3_per_mwh_count > 64)) {
    st = tw_error(TW_ERR_INPUT, "%s: metrics: at most 64 factors per table", s->path);
    goto cleanup;
  }
  basis_keys_make(ctx, vi, (size_t)d->index, &keys);
  forecast_keys_make(ctx, vi, (size_t)d->index, &keys, &fkeys);
  TW_CHECK_GOTO(st, anchors_before(ctx, vi, d));
  TW_CHECK_GOTO(st, solve_task(ctx, v, d, &keys, windows, &p, &net, &net_imm, &r, &r_imm, &ev,
                               &has_ev));
  for (unsigned k = 0; k < v->outages_count; k++) ends[k] = windows[k].t1;
  metrics_params(ctx, d, land, water, ends, v->outages_count, &mp);
  TW_CHECK_GOTO(st, tw_metrics_compute(net, r, &mp, &rec->metrics));
  /* Check the reported solution against the network before writing it. */
  tw_solution_check chk;
  TW_CHECK_GOTO(st, tw_solution_check_run(net, r, 0, &chk));
  if (!chk.ok) {
    char text[512];
    tw_solution_check_describe(&chk, net, text, sizeof text);
    st = tw_error(TW_ERR_INTERNAL, "scenario '%s' x member '%s': solution check: %s", v->name,
                  mem->name, text);
    goto cleanup;
  }
  rec->metrics.lp_balance_residual_mw = chk.max_balance_residual_MW;
  rec->metrics.lp_bound_violation = chk.max_bound_violation;
  if (has_ev) tw_task_ev_to_metrics(&ev, &rec->metrics);
  rec->metrics.drought_count = (double)d->n_runs;
  rec->metrics.drought_longest_h = d->longest_h;
  rec->metrics.drought_hours = d->total_h;
  if (d->n_runs) {
    TW_CHECK_GOTO(st, tw_calloc(d->n_runs, sizeof *rec->runs, "droughts", &rec->runs));
    memcpy(rec->runs, d->runs, d->n_runs * sizeof *rec->runs);
    rec->n_runs = d->n_runs;
  }
  tw_run_task_inputs(ctx, vi, (size_t)d->index, rec->inputs);
  snprintf(rec->scenario, sizeof rec->scenario, "%s", v->name);
  snprintf(rec->member, sizeof rec->member, "%s", mem->name);
  TW_CHECK_GOTO(st, tw_task_reldir(ctx, vi, (size_t)d->index, &rel));
  snprintf(rec->dir, sizeof rec->dir, "%s", rel);
  TW_CHECK_GOTO(st, tw_path_join(ctx->out_dir, rel, &dir));
  TW_CHECK_GOTO(st, tw_mkdir_p(dir));
  /* forecast stage (src/scenario/forecast_stage.c): schedule on forecasts, cost of the error */
  if (s->forecast) TW_CHECK_GOTO(st, forecast_stage(ctx, v, d, &fkeys, net, &p, r, &fc));
  /* Outputs first, the completion record last: a task is finished only
   * when its record exists. The first scenario of each member also writes
   * the member's per-bus series. */
  if (vi == 0 && d->series) {
    char name[300];
    /* member names follow the name rule: at most TW_NAME_MAX_BYTES */
    _Static_assert(sizeof name >= sizeof "capacity_factors_.nc" + TW_NAME_MAX_BYTES,
                   "capacity_factors_<member>.nc must fit");
    if (ctx->named_members) snprintf(name, sizeof name, "capacity_factors_%s.nc", mem->name);
    else snprintf(name, sizeof name, "capacity_factors.nc");
    TW_CHECK_GOTO(st, tw_path_join(ctx->out_dir, name, &path));
    TW_CHECK_GOTO(st, tw_bus_series_write(d->series, path));
    free(path);
    path = NULL;
  }
  TW_CHECK_GOTO(st, tw_path_join(dir, "results.nc", &path));
  TW_CHECK_GOTO(st, tw_network_write_netcdf(net, r, path));
  free(path);
  path = NULL;
  TW_CHECK_GOTO(st, tw_path_join(dir, "series.json", &path));
  TW_CHECK_GOTO(st, write_series(path, net, r, d, has_ev ? &ev : NULL, v, windows));
  free(path);
  path = NULL;
  TW_CHECK_GOTO(st, tw_path_join(dir, "metrics.json", &path));
  TW_CHECK_GOTO(st, write_metrics(path, s->name, s->currency, rec, fc, has_ev ? &ev : NULL));
  free(path);
  path = NULL;
  TW_CHECK_GOTO(st, tw_path_join(dir, "task.done", &path));
  TW_CHECK_GOTO(st, tw_task_record_write(path, rec));
  TW_LOG_I("task '%s' x '%s': operating cost %.4g %s, annualised capital cost %.4g %s, CO2 %.4g "
           "t, renewable share %.1f%%, unserved %.4g MWh", v->name, mem->name,
           rec->metrics.operating_cost, s->currency, rec->metrics.capital_cost, s->currency,
           rec->metrics.co2_t, 100 * rec->metrics.renewable_share, rec->metrics.unserved_MWh);
cleanup:
  /* the task-private basis, also when the task failed before its forecast stage */
  if (fkeys.private_own) tw_basis_cache_drop(ctx->bases, fkeys.own);
  tw_forecast_stage_result_destroy(&fc);
  tw_optimize_result_destroy(&r);
  tw_optimize_result_destroy(&r_imm);
  tw_network_destroy(&net);
  tw_network_destroy(&net_imm);
  tw_task_ev_free(&ev);
  free(windows);
  free(ends);
  free(land);
  free(water);
  free(rel);
  free(dir);
  free(path);
  if (rec) tw_task_record_free(rec);
  free(rec);
  return st;
}
