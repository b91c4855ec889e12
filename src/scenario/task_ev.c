/* EV fleets in a run task: (a) immediate and (b) smart charging as two
 * grid LPs, (c) valley filling of the smart share, metrics side by side.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "task_ev.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/log.h"
#include "terrawatt/metrics.h"
#include "terrawatt/mobility_vf.h"
#include "terrawatt/time.h"

int tw_task_ev_wanted(const tw_run_ctx *ctx, const tw_scenario_variant *v) {
  const tw_scenario_file *s = ctx->scenario;
  if (!s->fleets_count) return 0;
  return !(v->ev_adoption && *v->ev_adoption <= 0);
}

/* Hour of week (0 = Monday 00:00) of the first snapshot; snapshots must be
 * 1 h apart. */
static tw_status hour_of_week(const tw_network *net, size_t *how0, int *hour0) {
  tw_time_s prev = 0;
  for (size_t t = 0; t < net->n_snapshots; t++) {
    tw_datetime dt;
    tw_time_s now;
    int offset = 0;
    if (tw_datetime_parse(net->snapshots[t], &dt, &offset) != TW_OK ||
        tw_time_from_datetime(TW_CAL_PROLEPTIC_GREGORIAN, &dt, &now) != TW_OK)
      return tw_error(TW_ERR_INPUT, "EV fleets: snapshot '%s' is not a date and time",
                      net->snapshots[t]);
    now -= (tw_time_s)offset * 60;
    if (t == 0) {
      int dow = tw_time_day_of_week(TW_CAL_PROLEPTIC_GREGORIAN, now);
      *how0 = (size_t)(dow * 24 + dt.hour);
      *hour0 = dt.hour;
    } else if (now - prev != 3600) {
      return tw_error(TW_ERR_INPUT, "EV fleets need hourly snapshots: '%s' follows '%s'",
                      net->snapshots[t], net->snapshots[t - 1]);
    }
    prev = now;
  }
  return TW_OK;
}

/* Air temperature (C) per snapshot at a bus, equivalent for the fleet's
 * consumption factor: the area-mean of 1 + f(T) over the bus region is
 * 1 + lower%/100 x HDH + upper%/100 x CDH with heating degrees below 15 C
 * and cooling degrees above 20 C (member.c converts them), and this returns
 * the temperature with that factor. NULL result: not temperature dependent. */
static tw_status fleet_temperature(const tw_member_data *d, const tw_fleet *f, int bus, size_t T,
                                   double **out) {
  *out = NULL;
  if (!f->temperature_dependent) return TW_OK;
  if (!d->series || !d->series->hdh_K || !d->series->cdh_K)
    return tw_error(TW_ERR_INPUT, "fleet '%s': temperature_dependent needs air temperature (t2m) "
                                  "in the climate data", f->name);
  TW_CHECK(tw_calloc(T ? T : 1, sizeof **out, "fleet temperature", out));
  const double a = f->temperature.lower_pct_per_K, b = f->temperature.upper_pct_per_K;
  for (size_t t = 0; t < T; t++) {
    size_t i = d->climate_index[t] * d->series->nbus + (size_t)bus;
    double H = d->series->hdh_K[i], C = d->series->cdh_K[i], x = a * H + b * C;
    if (!(isfinite(H) && isfinite(C)))
      return tw_error(TW_ERR_INPUT, "fleet '%s': air temperature at snapshot %zu is missing", f->name, t);
    if (x <= 0) (*out)[t] = 0.5 * (f->temperature.deadband_lower_C + f->temperature.deadband_upper_C);
    else if (a > 0) (*out)[t] = f->temperature.deadband_lower_C - x / a;
    else (*out)[t] = f->temperature.deadband_upper_C + x / b;
  }
  return TW_OK;
}

static double series_sum(const double *x, size_t T) {
  double s = 0;
  for (size_t t = 0; t < T; t++) s += x[t];
  return s;
}

/* Demand without the fleets (loads before index L0) and available
 * renewable output of a solved network. */
static void base_series(const tw_network *net, const tw_optimize_result *r, size_t L0,
                        double *demand, double *renewable) {
  for (size_t t = 0; t < net->n_snapshots; t++) {
    demand[t] = renewable[t] = 0;
    for (size_t l = 0; l < L0; l++)
      demand[t] += tw_series_at(net->loads[l].p_set_t, net->loads[l].p_set_MW, t);
    for (size_t g = 0; g < net->n_generators; g++) {
      const tw_generator *gen = &net->generators[g];
      const char *c = gen->carrier >= 0 ? net->carriers[gen->carrier].name : NULL;
      if (tw_carrier_is_renewable(c))
        renewable[t] += tw_series_at(gen->p_max_pu_t, gen->p_max_pu, t) * r->gen_p_nom_opt[g];
    }
  }
}

/* Dispatchable generators as a merit-order stack (valley filling's cost
 * estimate; the LPs give the other two strategies' cost). */
static tw_status supply_stack(const tw_network *net, const tw_optimize_result *r,
                              tw_supply_step **out, size_t *n) {
  *n = 0;
  TW_CHECK(tw_calloc(net->n_generators + 1, sizeof **out, "supply stack", out));
  for (size_t g = 0; g < net->n_generators; g++) {
    const tw_generator *gen = &net->generators[g];
    const char *c = gen->carrier >= 0 ? net->carriers[gen->carrier].name : NULL;
    if (tw_carrier_is_renewable(c)) continue;
    double co2 = gen->carrier >= 0 ? net->carriers[gen->carrier].co2_emissions : 0;
    (*out)[(*n)++] = (tw_supply_step){r->gen_p_nom_opt[g] * gen->p_max_pu, gen->marginal_cost,
                                      gen->efficiency > 0 ? co2 / gen->efficiency : 0};
  }
  return TW_OK;
}

/* (c) valley filling of every fleet's smart share together, against the
 * system's net load plus the immediate share (copper plate). */
static tw_status valley_fill(const tw_run_ctx *ctx, tw_task_ev *ev, size_t how0,
                             double *const *temps) {
  const tw_scenario_file *s = ctx->scenario;
  const size_t T = ev->T;
  const size_t G = s->valley_filling ? s->valley_filling->groups : 100;
  size_t n_smart = 0, Gt, off = 0;
  float *upper = NULL, *one = NULL;
  double *energy = NULL, *base = NULL, *imm = NULL, *agg = NULL;
  tw_backend *be = ctx->be;
  tw_status st = TW_OK;
  for (size_t k = 0; k < ev->n_fleets; k++) n_smart += ev->fleets[k].fleet.smart_share > 0;
  if (!n_smart) return TW_OK;
  Gt = G * n_smart;
  TW_CHECK_GOTO(st, tw_calloc(T * Gt, sizeof *upper, "valley filling", &upper));
  TW_CHECK_GOTO(st, tw_calloc(T * G, sizeof *one, "valley filling", &one));
  TW_CHECK_GOTO(st, tw_calloc(Gt, sizeof *energy, "valley filling", &energy));
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *base, "valley filling", &base));
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *imm, "valley filling", &imm));
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *agg, "valley filling", &agg));
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *ev->vf_MW, "valley filling", &ev->vf_MW));
  for (size_t t = 0; t < T; t++) base[t] = ev->demand_MW[t] - ev->renewable_MW[t];
  for (size_t k = 0; k < ev->n_fleets; k++) {
    const tw_fleet *f = &ev->fleets[k].fleet;
    if (f->smart_share < 1) {
      TW_CHECK_GOTO(st, tw_fleet_immediate_profile(f, 1 - f->smart_share, how0, T, temps[k], imm,
                                                   NULL, NULL));
      for (size_t t = 0; t < T; t++) base[t] += imm[t], ev->vf_MW[t] += imm[t];
    }
    if (f->smart_share <= 0) continue;
    TW_CHECK_GOTO(st, tw_fleet_vf_groups(f, f->smart_share, how0, (int)T, temps[k], 0.0, G, one,
                                         energy + off));
    for (size_t t = 0; t < T; t++) memcpy(upper + t * Gt + off, one + t * G, G * sizeof *one);
    off += G;
  }
  tw_vf_problem prob = {Gt, (int)T, base, upper, energy};
  tw_vf_params par;
  tw_vf_params_default(&par);
  if (s->valley_filling) {
    par.tol = s->valley_filling->tol;
    par.max_iter = (int)s->valley_filling->max_iter;
  }
  TW_CHECK_GOTO(st, tw_valley_fill(be, &prob, &par, agg, NULL, &ev->vf));
  TW_LOG_I("valley filling: %zu groups, %d iterations, %.3f s on the %s backend", Gt,
           ev->vf.iterations, ev->vf.seconds, tw_backend_name(be));
  ev->vf.seconds = NAN; /* wall time varies run to run: logged, written as null so that
                           outputs are identical whatever the ranks */
  for (size_t t = 0; t < T; t++) ev->vf_MW[t] += agg[t];
  ev->vf_groups = Gt;
cleanup:
  if (st != TW_OK) {
    free(ev->vf_MW);
    ev->vf_MW = NULL;
  }
  free(upper);
  free(one);
  free(energy);
  free(base);
  free(imm);
  free(agg);
  return st;
}

/* Energy balance of fleet k in both solutions. */
static tw_status balances(tw_task_ev_fleet *e, size_t how0, size_t T, const double *temp,
                          const tw_network *nb, const tw_optimize_result *rb,
                          const tw_fleet_components *cs, double *work, double *soc) {
  const tw_fleet *f = &e->fleet;
  const double eta = f->charge_efficiency, s = f->smart_share;
  const size_t K = nb->n_links, E = nb->n_stores;
  TW_CHECK(tw_fleet_driving_series(f, 1.0, how0, T, temp, work));
  e->driving_MWh = series_sum(work, T);
  TW_CHECK(tw_fleet_immediate_profile(f, 1.0, how0, T, temp, work, soc,
                                      &e->immediate_unserved_MWh));
  e->immediate_charged_MWh = series_sum(work, T);
  e->immediate_to_battery_MWh = eta * e->immediate_charged_MWh;
  e->immediate_delta_soc_MWh = soc[T - 1] - f->initial_soc * f->n_vehicles * f->battery_kWh / 1000;
  e->smart_charged_MWh = e->smart_to_battery_MWh = e->smart_delta_soc_MWh = 0;
  e->smart_unserved_MWh = 0;
  if (s < 1) {
    double unserved = 0;
    TW_CHECK(tw_fleet_immediate_profile(f, 1 - s, how0, T, temp, work, soc, &unserved));
    e->smart_unserved_MWh += unserved;
    e->smart_charged_MWh += series_sum(work, T);
    e->smart_to_battery_MWh += eta * series_sum(work, T);
    e->smart_delta_soc_MWh += soc[T - 1] - f->initial_soc * (1 - s) * f->n_vehicles * f->battery_kWh / 1000;
  }
  for (size_t t = 0; t < T; t++) {
    if (cs->charger >= 0) {
      double p0 = rb->link_p0[t * K + (size_t)cs->charger];
      e->smart_charged_MWh += p0;
      e->smart_to_battery_MWh += eta * p0;
    }
    if (cs->v2g >= 0) {
      e->smart_charged_MWh += rb->link_p1[t * K + (size_t)cs->v2g];
      e->smart_to_battery_MWh -= rb->link_p0[t * K + (size_t)cs->v2g];
    }
    if (cs->ev_bus >= 0) e->smart_unserved_MWh += rb->bus_shed_MW[t * nb->n_buses + (size_t)cs->ev_bus];
  }
  if (cs->store >= 0) { /* e_T - e_0: e_0 = e_T when cyclic, else e_initial */
    const tw_store *st = &nb->stores[cs->store];
    double eT = rb->store_e[(T - 1) * E + (size_t)cs->store];
    e->smart_delta_soc_MWh += st->e_cyclic ? 0.0 : eT - st->e_initial_MWh;
  }
  return TW_OK;
}

tw_status tw_task_ev_run(const tw_run_ctx *ctx, const tw_scenario_variant *v,
                         const tw_member_data *d, const tw_optimize_params *p, tw_network *net_imm,
                         tw_network *net_smart, tw_optimize_result **r_imm,
                         tw_optimize_result **r_smart, tw_task_ev *ev) {
  const tw_scenario_file *s = ctx->scenario;
  const size_t T = net_smart->n_snapshots, L0 = net_smart->n_loads;
  tw_fleet_components *ci = NULL, *cs = NULL;
  double **temps = NULL, *work = NULL, *soc = NULL;
  tw_supply_step *stack = NULL;
  size_t how0 = 0, n_stack = 0, n = 0;
  int hour0 = 0;
  tw_status st = TW_OK;
  memset(ev, 0, sizeof *ev);
  ev->T = T;
  ev->vf_max_rel_diff = NAN;
  ev->smart_reported = !(v->smart_charging && !*v->smart_charging);
  if (!T) return tw_error(TW_ERR_INPUT, "EV fleets: the network has no snapshots");
  TW_CHECK(hour_of_week(net_smart, &how0, &hour0));
  TW_CHECK_GOTO(st, tw_calloc(s->fleets_count, sizeof *ev->fleets, "fleets", &ev->fleets));
  TW_CHECK_GOTO(st, tw_calloc(s->fleets_count, sizeof *ci, "fleets", &ci));
  TW_CHECK_GOTO(st, tw_calloc(s->fleets_count, sizeof *cs, "fleets", &cs));
  TW_CHECK_GOTO(st, tw_calloc(s->fleets_count, sizeof *temps, "fleets", &temps));
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *work, "fleets", &work));
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *soc, "fleets", &soc));
  double **arrays[] = {&ev->demand_MW, &ev->renewable_MW, &ev->immediate_MW, &ev->smart_MW};
  for (size_t i = 0; i < 4; i++) TW_CHECK_GOTO(st, tw_calloc(T, sizeof(double), "EV series", arrays[i]));
  for (unsigned k = 0; k < s->fleets_count; k++) {
    tw_task_ev_fleet *e = &ev->fleets[n];
    int active = 0;
    TW_CHECK_GOTO(st, tw_scenario_fleet(s, k, v, &e->fleet, &active));
    if (!active) continue;
    e->bus = tw_network_find_bus(net_smart, s->fleets[k].bus);
    TW_CHECK_GOTO(st, fleet_temperature(d, &e->fleet, e->bus, T, &temps[n]));
    size_t li = 0;
    ci[n] = (tw_fleet_components){-1, -1, -1, -1, -1, -1};
    TW_CHECK_GOTO(st, tw_fleet_add_immediate_load(net_imm, &e->fleet, e->bus, how0, temps[n], &li));
    ci[n].immediate_load = (int)li;
    TW_CHECK_GOTO(st, tw_fleet_add_to_network(net_smart, &e->fleet, e->bus, how0, temps[n], &cs[n]));
    n++;
  }
  ev->n_fleets = n;
  TW_LOG_I("scenario '%s': %zu EV fleet%s, solving immediate and smart charging", v->name, n,
           n == 1 ? "" : "s");
  TW_CHECK_GOTO(st, tw_optimize_network(net_imm, p, r_imm));
  TW_CHECK_GOTO(st, tw_optimize_network(net_smart, p, r_smart));
  for (size_t k = 0; k < n; k++) {
    TW_CHECK_GOTO(st, tw_fleet_grid_charging(net_imm, *r_imm, &ci[k], work));
    for (size_t t = 0; t < T; t++) ev->immediate_MW[t] += work[t];
    TW_CHECK_GOTO(st, tw_fleet_grid_charging(net_smart, *r_smart, &cs[k], work));
    for (size_t t = 0; t < T; t++) ev->smart_MW[t] += work[t];
    TW_CHECK_GOTO(st, balances(&ev->fleets[k], how0, T, temps[k], net_smart, *r_smart, &cs[k],
                               work, soc));
  }
  base_series(net_smart, *r_smart, L0, ev->demand_MW, ev->renewable_MW);
  TW_CHECK_GOTO(st, valley_fill(ctx, ev, how0, temps));
  TW_CHECK_GOTO(st, supply_stack(net_smart, *r_smart, &stack, &n_stack));
  tw_ev_system sys = {T, ev->demand_MW, ev->renewable_MW, stack, n_stack,
                      ctx->value_of_lost_load > 0 ? ctx->value_of_lost_load : 1e4};
  TW_CHECK_GOTO(st, tw_ev_metrics_compute(&sys, ev->immediate_MW, NULL, hour0, &ev->m_immediate));
  TW_CHECK_GOTO(st, tw_ev_metrics_compute(&sys, ev->smart_MW, ev->immediate_MW, hour0, &ev->m_smart));
  ev->m_immediate.cost = (*r_imm)->total_cost;
  ev->m_immediate.co2_t = (*r_imm)->co2_t;
  ev->m_smart.cost = (*r_smart)->total_cost;
  ev->m_smart.co2_t = (*r_smart)->co2_t;
  if (ev->vf_MW) {
    TW_CHECK_GOTO(st, tw_ev_metrics_compute(&sys, ev->vf_MW, ev->immediate_MW, hour0, &ev->m_vf));
    ev->vf_max_rel_diff = tw_ev_max_rel_diff(ev->vf_MW, ev->smart_MW, T);
  }
cleanup:
  if (st != TW_OK) tw_error_prefix(st, "scenario '%s': ", v->name);
  for (size_t k = 0; temps && k < s->fleets_count; k++) free(temps[k]);
  free(temps);
  free(ci);
  free(cs);
  free(work);
  free(soc);
  free(stack);
  return st;
}

void tw_task_ev_to_metrics(const tw_task_ev *ev, tw_task_metrics *m) {
  m->ev_energy_mwh = ev->m_smart.ev_energy_mwh;
  m->ev_peak_net_load_immediate_mw = ev->m_immediate.peak_net_load_mw;
  m->ev_peak_net_load_smart_mw = ev->m_smart.peak_net_load_mw;
  m->ev_net_load_std_immediate_mw = ev->m_immediate.net_load_std_mw;
  m->ev_net_load_std_smart_mw = ev->m_smart.net_load_std_mw;
  m->ev_max_ramp_immediate_mw = ev->m_immediate.max_ramp_mw;
  m->ev_max_ramp_smart_mw = ev->m_smart.max_ramp_mw;
  m->ev_cost_immediate = ev->m_immediate.cost;
  m->ev_cost_smart = ev->m_smart.cost;
  m->ev_co2_immediate_t = ev->m_immediate.co2_t;
  m->ev_co2_smart_t = ev->m_smart.co2_t;
  m->ev_shifted_energy_mwh = ev->m_smart.shifted_energy_mwh;
  m->ev_vf_iterations = ev->vf_MW ? (double)ev->vf.iterations : NAN;
}

void tw_task_ev_json(const tw_task_ev *ev, tw_json *j) {
  tw_json_kv_string(j, "ev_dispatch", ev->smart_reported ? "smart" : "immediate");
  tw_json_key(j, "ev");
  tw_ev_metrics_json(j, &ev->m_immediate, &ev->m_smart, ev->vf_MW ? &ev->vf : NULL,
                     ev->vf_MW ? &ev->m_vf : NULL, ev->vf_groups, ev->vf_max_rel_diff);
  tw_json_key(j, "ev_fleets");
  tw_json_array_begin(j);
  for (size_t k = 0; k < ev->n_fleets; k++) {
    const tw_task_ev_fleet *e = &ev->fleets[k];
    tw_json_object_begin(j);
    tw_json_kv_string(j, "name", e->fleet.name);
    tw_json_kv_number(j, "vehicles", e->fleet.n_vehicles);
    tw_json_kv_number(j, "smart_share", e->fleet.smart_share);
    tw_json_kv_number(j, "charge_efficiency", e->fleet.charge_efficiency);
    tw_json_kv_number(j, "driving_mwh", e->driving_MWh);
    tw_json_kv_number(j, "immediate_charged_mwh", e->immediate_charged_MWh);
    tw_json_kv_number(j, "immediate_to_battery_mwh", e->immediate_to_battery_MWh);
    tw_json_kv_number(j, "immediate_delta_soc_mwh", e->immediate_delta_soc_MWh);
    tw_json_kv_number(j, "smart_charged_mwh", e->smart_charged_MWh);
    tw_json_kv_number(j, "smart_to_battery_mwh", e->smart_to_battery_MWh);
    tw_json_kv_number(j, "smart_delta_soc_mwh", e->smart_delta_soc_MWh);
    tw_json_kv_number(j, "immediate_unserved_driving_mwh", e->immediate_unserved_MWh);
    tw_json_kv_number(j, "smart_unserved_driving_mwh", e->smart_unserved_MWh);
    tw_json_object_end(j);
  }
  tw_json_array_end(j);
}

void tw_task_ev_free(tw_task_ev *ev) {
  free(ev->fleets);
  free(ev->demand_MW);
  free(ev->renewable_MW);
  free(ev->immediate_MW);
  free(ev->smart_MW);
  free(ev->vf_MW);
  memset(ev, 0, sizeof *ev);
}
