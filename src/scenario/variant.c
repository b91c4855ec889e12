/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "variant.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/forecast_stage.h"
#include "terrawatt/alloc.h"
#include "terrawatt/time.h"

static int carrier_is(const tw_network *net, int carrier, const char *name) {
  return carrier >= 0 && strcmp(net->carriers[carrier].name, name) == 0;
}

static double scaled(double value, double factor) {
  return isinf(value) ? value : value * factor; /* p_nom_max may be +inf */
}

static size_t scale_carrier(tw_network *net, const char *carrier, double f) {
  size_t hits = 0;
  for (size_t i = 0; i < net->n_generators; i++) {
    tw_generator *g = &net->generators[i];
    if (!carrier_is(net, g->carrier, carrier)) continue;
    g->p_nom_MW *= f;
    g->p_nom_min_MW *= f;
    g->p_nom_max_MW = scaled(g->p_nom_max_MW, f);
    hits++;
  }
  for (size_t i = 0; i < net->n_storage_units; i++) {
    tw_storage_unit *su = &net->storage_units[i];
    if (!carrier_is(net, su->carrier, carrier)) continue;
    su->p_nom_MW *= f;
    su->p_nom_min_MW *= f;
    su->p_nom_max_MW = scaled(su->p_nom_max_MW, f);
    su->state_of_charge_initial_MWh *= f;
    hits++;
  }
  for (size_t i = 0; i < net->n_stores; i++) {
    tw_store *st = &net->stores[i];
    if (!carrier_is(net, st->carrier, carrier)) continue;
    st->e_nom_MWh *= f;
    st->e_nom_min_MWh *= f;
    st->e_nom_max_MWh = scaled(st->e_nom_max_MWh, f);
    st->e_initial_MWh *= f;
    hits++;
  }
  return hits;
}

/* Component kinds an outage or a removal by name can refer to. */
enum { K_GEN, K_SU, K_STORE, K_LINE, K_TRAFO, K_LINK, K_NONE };

static int find_component(const tw_network *net, const char *name, size_t *index) {
  for (size_t i = 0; i < net->n_generators; i++)
    if (strcmp(net->generators[i].name, name) == 0) return *index = i, K_GEN;
  for (size_t i = 0; i < net->n_storage_units; i++)
    if (strcmp(net->storage_units[i].name, name) == 0) return *index = i, K_SU;
  for (size_t i = 0; i < net->n_stores; i++)
    if (strcmp(net->stores[i].name, name) == 0) return *index = i, K_STORE;
  for (size_t i = 0; i < net->n_lines; i++)
    if (strcmp(net->lines[i].name, name) == 0) return *index = i, K_LINE;
  for (size_t i = 0; i < net->n_transformers; i++)
    if (strcmp(net->transformers[i].name, name) == 0) return *index = i, K_TRAFO;
  for (size_t i = 0; i < net->n_links; i++)
    if (strcmp(net->links[i].name, name) == 0) return *index = i, K_LINK;
  return K_NONE;
}

/* A fixed value (NaN: none) and its series (freed). */
static void clear_fixed(double *v, double **series) {
  *v = NAN;
  free(*series);
  *series = NULL;
}

/* A removed unit has no capacity, so nothing that would force it to run:
 * no ramp limits from an earlier dispatch, no fixed operation. */
static void clear_operation(double *ramp_up, double **ramp_up_t, double *ramp_down,
                            double **ramp_down_t, double *p_init, double *p_set,
                            double **p_set_t) {
  clear_fixed(ramp_up, ramp_up_t);
  clear_fixed(ramp_down, ramp_down_t);
  *p_init = NAN;
  clear_fixed(p_set, p_set_t);
}

static void remove_component(tw_network *net, int kind, size_t i) {
  switch (kind) {
  case K_GEN: {
    tw_generator *g = &net->generators[i];
    g->p_nom_MW = g->p_nom_min_MW = g->p_nom_max_MW = 0;
    g->p_nom_extendable = 0;
    clear_operation(&g->ramp_limit_up, &g->ramp_limit_up_t, &g->ramp_limit_down,
                    &g->ramp_limit_down_t, &g->p_init_MW, &g->p_set_MW, &g->p_set_t);
    break;
  }
  case K_SU: {
    tw_storage_unit *su = &net->storage_units[i];
    su->p_nom_MW = su->p_nom_min_MW = su->p_nom_max_MW = 0;
    su->p_nom_extendable = 0;
    su->state_of_charge_initial_MWh = 0;
    su->inflow_MW = 0;
    free(su->inflow_t);
    su->inflow_t = NULL;
    free(su->state_of_charge_set_t);
    su->state_of_charge_set_t = NULL;
    clear_fixed(&su->p_set_MW, &su->p_set_t);
    clear_fixed(&su->p_dispatch_set_MW, &su->p_dispatch_set_t);
    clear_fixed(&su->p_store_set_MW, &su->p_store_set_t);
    break;
  }
  case K_STORE: {
    tw_store *st = &net->stores[i];
    st->e_nom_MWh = st->e_nom_min_MWh = st->e_nom_max_MWh = 0;
    st->e_nom_extendable = 0;
    st->e_initial_MWh = 0;
    clear_fixed(&st->p_set_MW, &st->p_set_t);
    clear_fixed(&st->e_set_MWh, &st->e_set_t);
    break;
  }
  case K_LINE:
  case K_TRAFO: {
    tw_branch *b = kind == K_LINE ? &net->lines[i] : &net->transformers[i];
    b->s_nom_MVA = b->s_nom_min_MVA = b->s_nom_max_MVA = 0;
    b->s_nom_extendable = 0;
    break;
  }
  case K_LINK: {
    tw_link *k = &net->links[i];
    k->p_nom_MW = k->p_nom_min_MW = k->p_nom_max_MW = 0;
    k->p_nom_extendable = 0;
    clear_operation(&k->ramp_limit_up, &k->ramp_limit_up_t, &k->ramp_limit_down,
                    &k->ramp_limit_down_t, &k->p_init_MW, &k->p_set_MW, &k->p_set_t);
    break;
  }
  default:
    break;
  }
}

static size_t remove_carrier(tw_network *net, const char *carrier) {
  size_t hits = 0;
  for (size_t i = 0; i < net->n_generators; i++)
    if (carrier_is(net, net->generators[i].carrier, carrier)) remove_component(net, K_GEN, i), hits++;
  for (size_t i = 0; i < net->n_storage_units; i++)
    if (carrier_is(net, net->storage_units[i].carrier, carrier)) remove_component(net, K_SU, i), hits++;
  for (size_t i = 0; i < net->n_stores; i++)
    if (carrier_is(net, net->stores[i].carrier, carrier)) remove_component(net, K_STORE, i), hits++;
  return hits;
}

/* Series `*series` (created from `static_value` when NULL) set to 0 over
 * [t0, t1). */
static tw_status zero_window(double **series, double static_value, size_t T, size_t t0, size_t t1,
                             const char *what) {
  if (!*series) {
    TW_CHECK(tw_calloc(T, sizeof **series, what, series));
    for (size_t t = 0; t < T; t++) (*series)[t] = static_value;
  }
  for (size_t t = t0; t < t1 && t < T; t++) (*series)[t] = 0;
  return TW_OK;
}

static tw_status outage_component(tw_network *net, int kind, size_t i, size_t t0, size_t t1) {
  const size_t T = net->n_snapshots;
  switch (kind) {
  case K_GEN: {
    tw_generator *g = &net->generators[i];
    TW_CHECK(zero_window(&g->p_max_pu_t, g->p_max_pu, T, t0, t1, "outage p_max_pu"));
    if (g->p_min_pu_t || g->p_min_pu > 0)
      TW_CHECK(zero_window(&g->p_min_pu_t, g->p_min_pu, T, t0, t1, "outage p_min_pu"));
    return TW_OK;
  }
  case K_SU: {
    tw_storage_unit *su = &net->storage_units[i];
    TW_CHECK(zero_window(&su->p_max_pu_t, su->p_max_pu, T, t0, t1, "outage p_max_pu"));
    return zero_window(&su->p_min_pu_t, su->p_min_pu, T, t0, t1, "outage p_min_pu");
  }
  case K_STORE: {
    tw_store *st = &net->stores[i]; /* energy stays, but nothing flows: pin e by e_min = e_max */
    (void)st;
    return tw_error(TW_ERR_INPUT, "store '%s': outages of stores are not supported (take out the "
                                  "link or storage unit that connects it)", st->name);
  }
  case K_LINE:
  case K_TRAFO: {
    tw_branch *b = kind == K_LINE ? &net->lines[i] : &net->transformers[i];
    return zero_window(&b->s_max_pu_t, b->s_max_pu, T, t0, t1, "outage s_max_pu");
  }
  case K_LINK: {
    tw_link *k = &net->links[i];
    TW_CHECK(zero_window(&k->p_max_pu_t, k->p_max_pu, T, t0, t1, "outage p_max_pu"));
    return zero_window(&k->p_min_pu_t, k->p_min_pu, T, t0, t1, "outage p_min_pu");
  }
  default:
    return TW_OK;
  }
}

static int snapshot_instant(const char *label, tw_time_s *out) {
  tw_datetime dt;
  int offset = 0;
  if (tw_datetime_parse(label, &dt, &offset) != TW_OK) return 0;
  if (tw_time_from_datetime(TW_CAL_PROLEPTIC_GREGORIAN, &dt, out) != TW_OK) return 0;
  *out -= (tw_time_s)offset * 60;
  return 1;
}

/* The window of an outage: snapshots whose instant lies in
 * [start, start + repair_h). 0 when `start` matches no snapshot. */
static int outage_window(const tw_network *net, const tw_outage *o, tw_outage_window *w) {
  tw_time_s start, t;
  if (!snapshot_instant(o->start, &start)) return 0;
  const tw_time_s end = start + (tw_time_s)llround(o->repair_h * 3600.0);
  int found = 0;
  w->t0 = w->t1 = 0;
  for (size_t i = 0; i < net->n_snapshots; i++) {
    if (!snapshot_instant(net->snapshots[i], &t)) return 0;
    if (t == start) found = 1, w->t0 = i;
    if (t >= start && t < end) w->t1 = i + 1;
  }
  return found;
}

static tw_status ensure_carrier(tw_network *net, const char *name, int *index) {
  int c = tw_network_find_carrier(net, name);
  if (c < 0) {
    size_t added = 0;
    TW_CHECK(tw_network_add_carrier(net, name, 0.0, &added));
    c = (int)added;
  }
  *index = c;
  return TW_OK;
}

static tw_status bus_series(const tw_network *net, const double *cf, int bus, double *out) {
  for (size_t t = 0; t < net->n_snapshots; t++) out[t] = cf[t * net->n_buses + (size_t)bus];
  return TW_OK;
}

static tw_status add_generators(const tw_scenario_file *s, const tw_scenario_variant *v,
                                const double *wind_cf, const double *solar_cf, tw_network *net,
                                double *series) {
  for (unsigned k = 0; k < v->add_count; k++) {
    const tw_add_generator *a = &v->add[k];
    tw_generator g;
    size_t gi = 0;
    tw_generator_default(&g);
    g.name = a->name;
    g.bus = tw_network_find_bus(net, a->bus);
    if (g.bus < 0)
      return tw_error(TW_ERR_INPUT, "scenario '%s': add[%u].bus '%s' is not a bus", v->name, k,
                      a->bus);
    TW_CHECK(ensure_carrier(net, a->carrier, &g.carrier));
    g.p_nom_MW = a->p_nom_mw;
    g.marginal_cost = a->marginal_cost;
    g.efficiency = a->efficiency;
    TW_CHECK(tw_network_add_generator(net, &g, &gi));
    const double *cf = NULL;
    if (s->wind && strcmp(a->carrier, s->wind->carrier) == 0) cf = wind_cf;
    if (s->solar && strcmp(a->carrier, s->solar->carrier) == 0) cf = solar_cf;
    if (cf) {
      bus_series(net, cf, g.bus, series);
      TW_CHECK(tw_network_generator_set_p_max_pu_series(net, gi, series));
    }
  }
  for (unsigned k = 0; k < v->rooftop_pv_count; k++) {
    const tw_rooftop_pv *a = &v->rooftop_pv[k];
    tw_generator g;
    size_t gi = 0;
    tw_generator_default(&g);
    g.bus = tw_network_find_bus(net, a->bus);
    if (g.bus < 0)
      return tw_error(TW_ERR_INPUT, "scenario '%s': rooftop_pv[%u].bus '%s' is not a bus", v->name,
                      k, a->bus);
    if (!solar_cf)
      return tw_error(TW_ERR_INPUT, "scenario '%s': rooftop_pv needs solar capacity factors",
                      v->name);
    /* sized by the bus name (network names have no length limit): never cut */
    size_t size = strlen(a->bus) + sizeof " rooftop PV 4294967295";
    char *name = tw_malloc(size);
    if (!name) return tw_error(TW_ERR_RESOURCE, "scenario '%s': out of memory", v->name);
    if (k) snprintf(name, size, "%s rooftop PV %u", a->bus, k + 1);
    else snprintf(name, size, "%s rooftop PV", a->bus);
    g.name = name;
    tw_status st = ensure_carrier(net, TW_ROOFTOP_CARRIER, &g.carrier);
    g.p_nom_MW = a->p_nom_mw;
    if (st == TW_OK) st = tw_network_add_generator(net, &g, &gi);
    free(name);
    TW_CHECK(st);
    bus_series(net, solar_cf, g.bus, series);
    TW_CHECK(tw_network_generator_set_p_max_pu_series(net, gi, series));
  }
  for (unsigned k = 0; k < v->storage_count; k++) {
    const tw_add_storage *a = &v->storage[k];
    tw_storage_unit su;
    tw_storage_unit_default(&su);
    su.bus = tw_network_find_bus(net, a->bus);
    if (su.bus < 0)
      return tw_error(TW_ERR_INPUT, "scenario '%s': storage[%u].bus '%s' is not a bus", v->name, k,
                      a->bus);
    size_t size = strlen(a->bus) + sizeof " storage 4294967295"; /* sized by the bus name */
    char *name = tw_malloc(size);
    if (!name) return tw_error(TW_ERR_RESOURCE, "scenario '%s': out of memory", v->name);
    snprintf(name, size, "%s storage %u", a->bus, k + 1);
    su.name = name;
    tw_status st = ensure_carrier(net, "battery", &su.carrier);
    su.p_nom_MW = a->p_nom_mw;
    su.max_hours_h = a->max_hours;
    su.efficiency_store = a->efficiency_store;
    su.efficiency_dispatch = a->efficiency_dispatch;
    su.cyclic_state_of_charge = 1;
    if (st == TW_OK) st = tw_network_add_storage_unit(net, &su, NULL);
    free(name);
    TW_CHECK(st);
  }
  return TW_OK;
}

static void scale_demand(tw_network *net, double f) {
  if (f == 1.0) return;
  for (size_t l = 0; l < net->n_loads; l++) {
    tw_load *load = &net->loads[l];
    load->p_set_MW *= f;
    if (load->p_set_t)
      for (size_t t = 0; t < net->n_snapshots; t++) load->p_set_t[t] *= f;
  }
}

static void co2_price(tw_network *net, double price) {
  for (size_t i = 0; i < net->n_generators; i++) {
    tw_generator *g = &net->generators[i];
    if (g->carrier < 0 || g->efficiency <= 0) continue;
    double add = price * net->carriers[g->carrier].co2_emissions / g->efficiency;
    if (add == 0) continue;
    g->marginal_cost += add;
    if (g->marginal_cost_t)
      for (size_t t = 0; t < net->n_snapshots; t++) g->marginal_cost_t[t] += add;
  }
}

tw_status tw_variant_apply(const tw_scenario_file *s, const tw_scenario_variant *v,
                           const double *wind_cf, const double *solar_cf, tw_network *net,
                           tw_outage_window *windows) {
  double *series = NULL;
  tw_status st = TW_OK;
  for (unsigned k = 0; k < v->remove_count; k++) {
    const tw_remove_rule *r = &v->remove[k];
    if (r->carrier && remove_carrier(net, r->carrier) == 0)
      return tw_error(TW_ERR_INPUT, "scenario '%s': remove[%u].carrier '%s' matches no generator, "
                                    "storage unit or store", v->name, k, r->carrier);
    if (r->name) {
      size_t i = 0;
      int kind = find_component(net, r->name, &i);
      if (kind == K_NONE)
        return tw_error(TW_ERR_INPUT, "scenario '%s': remove[%u].name '%s' is not a component",
                        v->name, k, r->name);
      remove_component(net, kind, i);
    }
  }
  for (unsigned k = 0; k < v->scale_capacity_count; k++) {
    const tw_scale_rule *rule = &v->scale_capacity[k];
    if (scale_carrier(net, rule->carrier, rule->factor) == 0)
      return tw_error(TW_ERR_INPUT, "scenario '%s': scale_capacity[%u].carrier '%s' matches no "
                                    "generator, storage unit or store", v->name, k, rule->carrier);
  }
  TW_CHECK(tw_calloc(net->n_snapshots ? net->n_snapshots : 1, sizeof *series, "series", &series));
  st = add_generators(s, v, wind_cf, solar_cf, net, series);
  free(series);
  TW_CHECK(st);
  scale_demand(net, v->demand_scale * v->demand_growth);
  if (v->co2_price_per_t > 0) co2_price(net, v->co2_price_per_t);
  if (v->co2_cap_t > 0)
    TW_CHECK(tw_network_add_global_constraint(net, "co2_cap", "<=", v->co2_cap_t, NULL));
  for (unsigned k = 0; k < v->outages_count; k++) {
    const tw_outage *o = &v->outages[k];
    tw_outage_window w;
    if (!outage_window(net, o, &w))
      return tw_error(TW_ERR_INPUT, "scenario '%s': outages[%u].start '%s' is not a snapshot",
                      v->name, k, o->start);
    for (unsigned c = 0; c < o->components_count; c++) {
      size_t i = 0;
      int kind = find_component(net, o->components[c], &i);
      if (kind == K_NONE)
        return tw_error(TW_ERR_INPUT, "scenario '%s': outages[%u].components '%s' is not a "
                                      "component", v->name, k, o->components[c]);
      TW_CHECK(outage_component(net, kind, i, w.t0, w.t1));
    }
    if (windows) windows[k] = w;
  }
  return TW_OK;
}

/* ---- listing every reference error before any work ------------------- */

typedef struct ref_problems {
  char text[8192];
  int count;
} ref_problems;

static void ref_problem(ref_problems *p, const char *fmt, ...) {
  size_t used = strlen(p->text);
  va_list ap;
  if (used + 8 < sizeof p->text) {
    if (p->count) {
      memcpy(p->text + used, "; ", 3);
      used += 2;
    }
    va_start(ap, fmt);
    vsnprintf(p->text + used, sizeof p->text - used, fmt, ap);
    va_end(ap);
  }
  p->count++;
}

static int has_carrier_asset(const tw_network *net, const char *carrier) {
  for (size_t i = 0; i < net->n_generators; i++)
    if (carrier_is(net, net->generators[i].carrier, carrier)) return 1;
  for (size_t i = 0; i < net->n_storage_units; i++)
    if (carrier_is(net, net->storage_units[i].carrier, carrier)) return 1;
  for (size_t i = 0; i < net->n_stores; i++)
    if (carrier_is(net, net->stores[i].carrier, carrier)) return 1;
  return 0;
}

/* 1 when a generator of the network, or one a scenario adds, has the
 * carrier (rooftop PV adds "solar rooftop"). */
static int carrier_selects(const tw_scenario_file *s, const tw_network *net, const char *carrier) {
  for (size_t g = 0; g < net->n_generators; g++) {
    int c = net->generators[g].carrier;
    if (c >= 0 && strcmp(net->carriers[c].name, carrier) == 0) return 1;
  }
  for (unsigned i = 0; i < s->scenarios_count; i++) {
    const tw_scenario_variant *v = &s->scenarios[i];
    for (unsigned k = 0; k < v->add_count; k++)
      if (strcmp(v->add[k].carrier, carrier) == 0) return 1;
    if (v->rooftop_pv_count && strcmp(carrier, "solar rooftop") == 0) return 1;
  }
  return 0;
}

/* A carrier of a per-carrier factor: one of the network's carriers or of
 * an added generator. */
static int factor_carrier_known(const tw_scenario_file *s, const tw_network *net,
                                const char *carrier) {
  return tw_network_find_carrier(net, carrier) >= 0 || carrier_selects(s, net, carrier);
}

tw_status tw_scenario_check_network(const tw_scenario_file *s, const tw_network *net,
                                    const char *network_path) {
  ref_problems p = {{0}, 0};
  for (unsigned i = 0; i < s->scenarios_count; i++) {
    const tw_scenario_variant *v = &s->scenarios[i];
    size_t idx;
    for (unsigned k = 0; k < v->remove_count; k++) {
      const tw_remove_rule *r = &v->remove[k];
      if (r->carrier && !has_carrier_asset(net, r->carrier))
        ref_problem(&p, "scenarios[%u].remove[%u].carrier: '%s' matches no generator, storage "
                        "unit or store", i, k, r->carrier);
      if (r->name && find_component(net, r->name, &idx) == K_NONE)
        ref_problem(&p, "scenarios[%u].remove[%u].name: '%s' is not a component", i, k, r->name);
    }
    for (unsigned k = 0; k < v->scale_capacity_count; k++)
      if (!has_carrier_asset(net, v->scale_capacity[k].carrier))
        ref_problem(&p, "scenarios[%u].scale_capacity[%u].carrier: '%s' matches no generator, "
                        "storage unit or store", i, k, v->scale_capacity[k].carrier);
    for (unsigned k = 0; k < v->add_count; k++) {
      const tw_add_generator *a = &v->add[k];
      if (tw_network_find_bus(net, a->bus) < 0)
        ref_problem(&p, "scenarios[%u].add[%u].bus: '%s' is not a bus", i, k, a->bus);
      if (tw_network_find_carrier(net, a->carrier) < 0 &&
          !(s->wind && strcmp(a->carrier, s->wind->carrier) == 0) &&
          !(s->solar && strcmp(a->carrier, s->solar->carrier) == 0))
        ref_problem(&p, "scenarios[%u].add[%u].carrier: '%s' is not a carrier of the network", i,
                    k, a->carrier);
      if (find_component(net, a->name, &idx) != K_NONE)
        ref_problem(&p, "scenarios[%u].add[%u].name: '%s' already exists", i, k, a->name);
    }
    for (unsigned k = 0; k < v->rooftop_pv_count; k++)
      if (tw_network_find_bus(net, v->rooftop_pv[k].bus) < 0)
        ref_problem(&p, "scenarios[%u].rooftop_pv[%u].bus: '%s' is not a bus", i, k,
                    v->rooftop_pv[k].bus);
    for (unsigned k = 0; k < v->storage_count; k++)
      if (tw_network_find_bus(net, v->storage[k].bus) < 0)
        ref_problem(&p, "scenarios[%u].storage[%u].bus: '%s' is not a bus", i, k,
                    v->storage[k].bus);
    for (unsigned k = 0; k < v->outages_count; k++) {
      const tw_outage *o = &v->outages[k];
      tw_outage_window w;
      if (!outage_window(net, o, &w))
        ref_problem(&p, "scenarios[%u].outages[%u].start: '%s' is not a snapshot of the network",
                    i, k, o->start);
      for (unsigned c = 0; c < o->components_count; c++) {
        int kind = find_component(net, o->components[c], &idx);
        if (kind == K_NONE)
          ref_problem(&p, "scenarios[%u].outages[%u].components: '%s' is not a generator, "
                          "storage unit, line, transformer or link", i, k, o->components[c]);
        else if (kind == K_STORE)
          ref_problem(&p, "scenarios[%u].outages[%u].components: '%s' is a store; take out its "
                          "link instead", i, k, o->components[c]);
      }
    }
  }
  /* Every carrier the file names to select something must select at least
   * one thing: a generator of the network or one that a scenario adds. */
  const char *selectors[2] = {s->wind ? s->wind->carrier : NULL,
                              s->solar ? s->solar->carrier : NULL};
  for (int k = 0; k < 2; k++)
    if (selectors[k] && !carrier_selects(s, net, selectors[k]))
      ref_problem(&p, "%s.carrier: '%s' matches no generator of the network and none that a "
                      "scenario adds", k ? "solar" : "wind", selectors[k]);
  if (s->metrics) {
    const tw_metrics_config *mc = s->metrics;
    for (unsigned k = 0; k < mc->land_use_km2_per_mw_count; k++)
      if (!factor_carrier_known(s, net, mc->land_use_km2_per_mw[k].carrier))
        ref_problem(&p, "metrics.land_use_km2_per_mw[%u].carrier: '%s' is not a carrier of the "
                        "network or of an added generator", k,
                    mc->land_use_km2_per_mw[k].carrier);
    for (unsigned k = 0; k < mc->water_m3_per_mwh_count; k++)
      if (!factor_carrier_known(s, net, mc->water_m3_per_mwh[k].carrier))
        ref_problem(&p, "metrics.water_m3_per_mwh[%u].carrier: '%s' is not a carrier of the "
                        "network or of an added generator", k, mc->water_m3_per_mwh[k].carrier);
  }
  for (unsigned k = 0; k < s->fleets_count; k++) { /* EV fleets */
    const tw_fleet_config *f = &s->fleets[k];
    char name[300];
    if (tw_network_find_bus(net, f->bus) < 0)
      ref_problem(&p, "fleets[%u].bus: '%s' is not a bus", k, f->bus);
    if (f->name) snprintf(name, sizeof name, "%s EV battery", f->name);
    else snprintf(name, sizeof name, "%s EV EV battery", f->bus);
    if (tw_network_find_bus(net, name) >= 0)
      ref_problem(&p, "fleets[%u].name: the fleet's bus '%s' already exists in the network", k,
                  name);
  }
  if (s->forecast) { /* forecast target names "demand:<load>", "wind:<bus>" must fit */
    const size_t max = TW_FORECAST_TARGET_NAME_BYTES - 8;
    for (size_t l = 0; l < net->n_loads; l++)
      if (strlen(net->loads[l].name) > max)
        ref_problem(&p, "forecast: load '%.40s...' has a name of %zu bytes; forecast targets allow "
                        "%zu", net->loads[l].name, strlen(net->loads[l].name), max);
    for (size_t b = 0; b < net->n_buses; b++)
      if (strlen(net->buses[b].name) > max)
        ref_problem(&p, "forecast: bus '%.40s...' has a name of %zu bytes; forecast targets allow "
                        "%zu", net->buses[b].name, strlen(net->buses[b].name), max);
  }
  if (s->forecast) /* pre-trained forecast models: each target must name a forecast target */
    for (unsigned k = 0; k < s->forecast->models_count; k++) {
      const char *t = s->forecast->models[k].target, *colon = strchr(t, ':');
      if (!colon) continue; /* syntax: tw_forecast_stage_validate */
      size_t kind_len = (size_t)(colon - t);
      int listed = 0;
      for (unsigned i = 0; i < s->forecast->targets_count; i++)
        listed |= strlen(s->forecast->targets[i]) == kind_len &&
                  !strncmp(s->forecast->targets[i], t, kind_len);
      int found = 0;
      if (kind_len == 6 && !strncmp(t, "demand", 6)) {
        for (size_t l = 0; l < net->n_loads; l++) found |= !strcmp(net->loads[l].name, colon + 1);
      } else {
        found = tw_network_find_bus(net, colon + 1) >= 0;
      }
      if (!listed)
        ref_problem(&p, "forecast.models[%u].target: '%s': '%.*s' is not in forecast.targets", k,
                    t, (int)kind_len, t);
      else if (!found)
        ref_problem(&p, "forecast.models[%u].target: '%s': no %s '%s' in the network", k, t,
                    kind_len == 6 ? "load" : "bus", colon + 1);
    }
  if (!p.count) return TW_OK;
  return tw_error(TW_ERR_INPUT, "%s: %d error%s against network %s: %s", s->path, p.count,
                  p.count == 1 ? "" : "s", network_path, p.text);
}
