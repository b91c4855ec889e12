/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "terrawatt/alloc.h"

int tw_carrier_is_renewable(const char *carrier) {
  static const char *const prefixes[] = {"wind", "onwind", "offwind", "solar", "pv",
                                         "ror", "hydro", "geothermal"};
  if (!carrier) return 0;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncasecmp(carrier, prefixes[i], strlen(prefixes[i])) == 0) return 1;
  return 0;
}

/* Default land-use intensity, km2 per MW of capacity (total project area).
 * Sources in docs/SCENARIO.md: onshore wind 34 ha/MW (Denholm et al. 2009,
 * NREL/TP-6A2-45834); ground-mounted PV 7.3 acres/MWac = 2.95 ha/MW (Ong
 * et al. 2013, NREL/TP-6A20-56290); offshore wind and rooftop PV take no
 * land. */
static const tw_factor default_land[] = {
    {"wind", 0.34},  {"onwind", 0.34},        {"offwind", 0.0}, {"offwind-ac", 0.0},
    {"offwind-dc", 0.0}, {"solar", 0.0295}, {"solar rooftop", 0.0}, {"rooftop solar", 0.0},
};
/* Default water withdrawal, m3 per MWh electric, recirculating (cooling
 * tower) cooling, medians of Macknick et al. 2012 (Environ. Res. Lett. 7
 * 045802): natural gas combined cycle 255 gal/MWh, generic coal 1005,
 * nuclear 1101 (1 US gal = 0.003785 m3). Wind and PV: none. */
static const tw_factor default_water[] = {
    {"gas", 0.965},    {"CCGT", 0.965}, {"coal", 3.804}, {"lignite", 3.804},
    {"nuclear", 4.167}, {"wind", 0.0},  {"solar", 0.0},  {"solar rooftop", 0.0},
};

static double lookup(const tw_factor *user, size_t n_user, const tw_factor *defaults,
                     size_t n_defaults, const char *carrier) {
  if (!carrier) return -1;
  for (size_t i = 0; i < n_user; i++)
    if (strcmp(user[i].carrier, carrier) == 0) return user[i].value;
  for (size_t i = 0; i < n_defaults; i++)
    if (strcmp(defaults[i].carrier, carrier) == 0) return defaults[i].value;
  return -1;
}

double tw_land_factor(const tw_metrics_params *p, const char *carrier) {
  return lookup(p ? p->land_km2_per_MW : NULL, p ? p->n_land : 0, default_land,
                sizeof default_land / sizeof default_land[0], carrier);
}

double tw_water_factor(const tw_metrics_params *p, const char *carrier) {
  return lookup(p ? p->water_m3_per_MWh : NULL, p ? p->n_water : 0, default_water,
                sizeof default_water / sizeof default_water[0], carrier);
}

void tw_loss_of_load(const double *shortfall_MW, const double *w_h, size_t T, double tol_MW,
                     double *unserved_MWh, double *lol_h, double *max_MW) {
  *unserved_MWh = *lol_h = *max_MW = 0;
  for (size_t t = 0; t < T; t++) {
    double s = shortfall_MW[t];
    *unserved_MWh += w_h[t] * s;
    if (s > tol_MW) *lol_h += w_h[t];
    if (s > *max_MW) *max_MW = s;
  }
}

double tw_recovery_hours(const double *shortfall_MW, const double *w_h, size_t T, size_t end,
                         double tol_MW) {
  double h = 0;
  for (size_t t = end; t < T; t++) {
    if (shortfall_MW[t] <= tol_MW) return h;
    h += w_h[t];
  }
  return h;
}

void tw_droughts_find(const double *cf, const double *w_h, size_t T, double threshold,
                      double min_hours, tw_drought_run *runs, size_t max_runs, size_t *n,
                      double *longest_h, double *total_h, unsigned char *flags) {
  *n = 0;
  *longest_h = *total_h = 0;
  if (flags) memset(flags, 0, T);
  size_t t = 0;
  while (t < T) {
    if (!(cf[t] < threshold)) {
      t++;
      continue;
    }
    size_t t0 = t;
    double hours = 0;
    while (t < T && cf[t] < threshold) hours += w_h[t++];
    if (hours + 1e-9 < min_hours) continue;
    if (runs && *n < max_runs) runs[*n] = (tw_drought_run){t0, t, hours};
    (*n)++;
    *total_h += hours;
    if (hours > *longest_h) *longest_h = hours;
    if (flags) memset(flags + t0, 1, t - t0);
  }
}

void tw_moving_mean(const double *x, size_t T, size_t window, double *out) {
  if (window <= 1) {
    memcpy(out, x, T * sizeof *x);
    return;
  }
  for (size_t t = 0; t < T; t++) {
    size_t lo = t >= window / 2 ? t - window / 2 : 0;
    size_t hi = t + (window - window / 2);
    if (hi > T) hi = T;
    double sum = 0;
    for (size_t k = lo; k < hi; k++) sum += x[k];
    out[t] = sum / (double)(hi - lo);
  }
}

tw_status tw_task_metrics_add_land(tw_task_metrics *m, const char *carrier, double km2) {
  for (size_t i = 0; i < m->n_land; i++)
    if (strcmp(m->land_carrier[i], carrier) == 0) {
      m->land_km2[i] += km2;
      return TW_OK;
    }
  if (m->n_land == m->cap_land) {
    size_t cap = m->cap_land ? 2 * m->cap_land : 8;
    char **names = tw_realloc(m->land_carrier, cap * sizeof *names);
    if (names) m->land_carrier = names;
    double *km = names ? tw_realloc(m->land_km2, cap * sizeof *km) : NULL;
    if (km) m->land_km2 = km;
    if (!names || !km) return tw_error(TW_ERR_RESOURCE, "land use table: out of memory");
    m->cap_land = cap;
  }
  char *copy = tw_strdup(carrier);
  if (!copy) return tw_error(TW_ERR_RESOURCE, "land use table: out of memory");
  m->land_carrier[m->n_land] = copy;
  m->land_km2[m->n_land++] = km2;
  return TW_OK;
}

void tw_task_metrics_free(tw_task_metrics *m) {
  for (size_t i = 0; i < m->n_land; i++) free(m->land_carrier[i]);
  free(m->land_carrier);
  free(m->land_km2);
  m->land_carrier = NULL;
  m->land_km2 = NULL;
  m->n_land = m->cap_land = 0;
}

static tw_status generator_metrics(const tw_network *net, const tw_optimize_result *r,
                                   const tw_metrics_params *p, tw_task_metrics *m,
                                   double *op_cost_t) {
  const size_t T = net->n_snapshots, G = net->n_generators;
  for (size_t g = 0; g < G; g++) {
    const tw_generator *gen = &net->generators[g];
    const char *carrier = gen->carrier >= 0 ? net->carriers[gen->carrier].name : NULL;
    double energy = 0;
    for (size_t t = 0; t < T; t++) {
      double pw = r->gen_p[t * G + g];
      energy += net->weight_generators[t] * pw;
      if (op_cost_t) op_cost_t[t] += tw_series_at(gen->marginal_cost_t, gen->marginal_cost, t) * pw;
    }
    m->generation_MWh += energy;
    if (tw_carrier_is_renewable(carrier)) {
      m->renewable_MWh += energy;
      m->curtailed_MWh += r->gen_curtailment_MWh[g];
    }
    double land = tw_land_factor(p, carrier);
    if (land >= 0 && carrier) TW_CHECK(tw_task_metrics_add_land(m, carrier, land * r->gen_p_nom_opt[g]));
    double water = tw_water_factor(p, carrier);
    if (water > 0) m->water_withdrawal_m3 += water * energy;
  }
  return TW_OK;
}

/* Capital cost of every asset at its optimal (extendable) or fixed capacity,
 * as in total_cost (src/optimize/optimize.c). */
static double capital_cost(const tw_network *n, const tw_optimize_result *r) {
  double c = 0;
  for (size_t i = 0; i < n->n_generators; i++)
    c += n->generators[i].capital_cost *
         (n->generators[i].p_nom_extendable ? r->gen_p_nom_opt[i] : n->generators[i].p_nom_MW);
  for (size_t i = 0; i < n->n_lines; i++)
    c += n->lines[i].capital_cost *
         (n->lines[i].s_nom_extendable ? r->line_s_nom_opt[i] : n->lines[i].s_nom_MVA);
  for (size_t i = 0; i < n->n_transformers; i++)
    c += n->transformers[i].capital_cost * (n->transformers[i].s_nom_extendable
                                                ? r->trafo_s_nom_opt[i]
                                                : n->transformers[i].s_nom_MVA);
  for (size_t i = 0; i < n->n_links; i++)
    c += n->links[i].capital_cost *
         (n->links[i].p_nom_extendable ? r->link_p_nom_opt[i] : n->links[i].p_nom_MW);
  for (size_t i = 0; i < n->n_storage_units; i++)
    c += n->storage_units[i].capital_cost * (n->storage_units[i].p_nom_extendable
                                                 ? r->su_p_nom_opt[i]
                                                 : n->storage_units[i].p_nom_MW);
  for (size_t i = 0; i < n->n_stores; i++)
    c += n->stores[i].capital_cost *
         (n->stores[i].e_nom_extendable ? r->store_e_nom_opt[i] : n->stores[i].e_nom_MWh);
  return c;
}

tw_status tw_metrics_compute(const tw_network *net, const tw_optimize_result *r,
                             const tw_metrics_params *p, tw_task_metrics *m) {
  const size_t T = net->n_snapshots, L = net->n_loads, B = net->n_buses, S = net->n_storage_units;
  double price_weighted = 0, price_weight = 0;
  double *shortfall = NULL, *op_cost = NULL;
  tw_status st = TW_OK;
  memset(m, 0, sizeof *m);
  /* No memory is an error, not metrics quietly left at zero. */
  TW_CHECK_GOTO(st, tw_calloc(T ? T : 1, sizeof *shortfall, "metrics", &shortfall));
  TW_CHECK_GOTO(st, tw_calloc(T ? T : 1, sizeof *op_cost, "metrics", &op_cost));
  m->objective = r->objective;
  m->total_cost = r->total_cost;
  m->capital_cost = capital_cost(net, r);
  m->operating_cost = r->total_cost - m->capital_cost;
  m->co2_t = r->co2_t;
  m->solve_seconds = r->solve_seconds;
  m->iterations = (double)r->iterations;
  m->recovery_h = NAN;
  m->ev_energy_mwh = m->ev_peak_net_load_immediate_mw = m->ev_peak_net_load_smart_mw = NAN;
  m->ev_net_load_std_immediate_mw = m->ev_net_load_std_smart_mw = NAN;
  m->ev_max_ramp_immediate_mw = m->ev_max_ramp_smart_mw = NAN;
  m->ev_cost_immediate = m->ev_cost_smart = m->ev_co2_immediate_t = m->ev_co2_smart_t = NAN;
  m->ev_shifted_energy_mwh = m->ev_vf_iterations = NAN; /* set by the task when it has fleets */
  m->lp_kkt_primal_rel = r->kkt_primal_rel;
  m->lp_kkt_dual_rel = r->kkt_dual_rel;
  m->lp_kkt_complementarity_rel = r->kkt_complementarity_rel;
  m->lp_cost_ratio = r->lp_cost_ratio;
  m->lp_matrix_ratio = r->lp_matrix_ratio;
  TW_CHECK_GOTO(st, generator_metrics(net, r, p, m, op_cost));
  for (size_t s = 0; s < S; s++) {
    const tw_storage_unit *su = &net->storage_units[s];
    const char *carrier = su->carrier >= 0 ? net->carriers[su->carrier].name : NULL;
    double land = tw_land_factor(p, carrier);
    if (land >= 0 && carrier)
      TW_CHECK_GOTO(st, tw_task_metrics_add_land(m, carrier, land * r->su_p_nom_opt[s]));
    for (size_t t = 0; t < T && op_cost; t++) op_cost[t] += su->marginal_cost * r->su_p_dispatch[t * S + s];
  }
  for (size_t i = 0; i < m->n_land; i++) m->land_use_km2 += m->land_km2[i];
  for (size_t t = 0; t < T; t++) {
    double w = net->weight_objective[t];
    for (size_t l = 0; l < L; l++) {
      const tw_load *load = &net->loads[l];
      double demand = tw_series_at(load->p_set_t, load->p_set_MW, t);
      m->demand_MWh += w * demand;
      double price = r->bus_marginal_price[t * B + (size_t)load->bus];
      price_weighted += w * demand * price;
      price_weight += w * demand;
    }
    for (size_t b = 0; b < B; b++) {
      double price = r->bus_marginal_price[t * B + b];
      if ((t == 0 && b == 0) || price > m->peak_price) m->peak_price = price;
      if (shortfall) shortfall[t] += r->bus_shed_MW[t * B + b];
    }
  }
  if (shortfall) {
    tw_loss_of_load(shortfall, net->weight_objective, T, 1e-6, &m->unserved_MWh,
                    &m->loss_of_load_h, &m->max_shortfall_MW);
    for (size_t k = 0; p && k < p->n_outages; k++) {
      double h = tw_recovery_hours(shortfall, net->weight_objective, T, p->outage_end[k], 1e-6);
      if (isnan(m->recovery_h) || h > m->recovery_h) m->recovery_h = h;
    }
    if (p && p->drought)
      for (size_t t = 0; t < T && op_cost; t++)
        if (p->drought[t])
          m->drought_cost += net->weight_objective[t] *
                             (op_cost[t] + p->value_of_lost_load * shortfall[t]);
  } else {
    m->unserved_MWh = r->unserved_MWh;
  }
  m->renewable_share = m->generation_MWh > 0 ? m->renewable_MWh / m->generation_MWh : 0;
  m->co2_intensity_t_per_MWh = m->demand_MWh > 0 ? m->co2_t / m->demand_MWh : 0;
  m->mean_price = price_weight > 0 ? price_weighted / price_weight : 0;
cleanup:
  if (st != TW_OK) tw_task_metrics_free(m);
  free(shortfall);
  free(op_cost);
  return st;
}

const char *const tw_metric_names[] = {
    "objective", "total_cost", "co2_t", "co2_intensity_t_per_mwh", "demand_mwh",
    "generation_mwh", "renewable_mwh", "renewable_share", "curtailed_mwh", "unserved_mwh",
    "loss_of_load_h", "max_shortfall_mw", "recovery_h", "peak_price", "mean_price",
    "land_use_km2", "water_withdrawal_m3", "drought_count", "drought_longest_h",
    "drought_hours", "drought_cost", "ev_energy_mwh", "ev_peak_net_load_immediate_mw",
    "ev_peak_net_load_smart_mw", "ev_net_load_std_immediate_mw", "ev_net_load_std_smart_mw",
    "ev_max_ramp_immediate_mw", "ev_max_ramp_smart_mw", "ev_cost_immediate", "ev_cost_smart",
    "ev_co2_immediate_t", "ev_co2_smart_t", "ev_shifted_energy_mwh", "ev_vf_iterations",
    "lp_balance_residual_mw", "lp_bound_violation", "lp_kkt_primal_rel", "lp_kkt_dual_rel",
    "lp_kkt_complementarity_rel", "lp_cost_ratio", "lp_matrix_ratio", "capital_cost",
    "operating_cost", NULL};

size_t tw_metrics_count(void) { return sizeof tw_metric_names / sizeof tw_metric_names[0] - 1; }

/* Where each named metric lives in tw_task_metrics, in tw_metric_names order. */
static const size_t metric_offsets[] = {
    offsetof(tw_task_metrics, objective),
    offsetof(tw_task_metrics, total_cost),
    offsetof(tw_task_metrics, co2_t),
    offsetof(tw_task_metrics, co2_intensity_t_per_MWh),
    offsetof(tw_task_metrics, demand_MWh),
    offsetof(tw_task_metrics, generation_MWh),
    offsetof(tw_task_metrics, renewable_MWh),
    offsetof(tw_task_metrics, renewable_share),
    offsetof(tw_task_metrics, curtailed_MWh),
    offsetof(tw_task_metrics, unserved_MWh),
    offsetof(tw_task_metrics, loss_of_load_h),
    offsetof(tw_task_metrics, max_shortfall_MW),
    offsetof(tw_task_metrics, recovery_h),
    offsetof(tw_task_metrics, peak_price),
    offsetof(tw_task_metrics, mean_price),
    offsetof(tw_task_metrics, land_use_km2),
    offsetof(tw_task_metrics, water_withdrawal_m3),
    offsetof(tw_task_metrics, drought_count),
    offsetof(tw_task_metrics, drought_longest_h),
    offsetof(tw_task_metrics, drought_hours),
    offsetof(tw_task_metrics, drought_cost),
    offsetof(tw_task_metrics, ev_energy_mwh),
    offsetof(tw_task_metrics, ev_peak_net_load_immediate_mw),
    offsetof(tw_task_metrics, ev_peak_net_load_smart_mw),
    offsetof(tw_task_metrics, ev_net_load_std_immediate_mw),
    offsetof(tw_task_metrics, ev_net_load_std_smart_mw),
    offsetof(tw_task_metrics, ev_max_ramp_immediate_mw),
    offsetof(tw_task_metrics, ev_max_ramp_smart_mw),
    offsetof(tw_task_metrics, ev_cost_immediate),
    offsetof(tw_task_metrics, ev_cost_smart),
    offsetof(tw_task_metrics, ev_co2_immediate_t),
    offsetof(tw_task_metrics, ev_co2_smart_t),
    offsetof(tw_task_metrics, ev_shifted_energy_mwh),
    offsetof(tw_task_metrics, ev_vf_iterations),
    offsetof(tw_task_metrics, lp_balance_residual_mw),
    offsetof(tw_task_metrics, lp_bound_violation),
    offsetof(tw_task_metrics, lp_kkt_primal_rel),
    offsetof(tw_task_metrics, lp_kkt_dual_rel),
    offsetof(tw_task_metrics, lp_kkt_complementarity_rel),
    offsetof(tw_task_metrics, lp_cost_ratio),
    offsetof(tw_task_metrics, lp_matrix_ratio),
    offsetof(tw_task_metrics, capital_cost),
    offsetof(tw_task_metrics, operating_cost),
};
_Static_assert(sizeof metric_offsets / sizeof metric_offsets[0] == TW_METRICS_COUNT, "metric table");
_Static_assert(sizeof tw_metric_names / sizeof tw_metric_names[0] == TW_METRICS_COUNT + 1, "metric names");

double *tw_metrics_field(tw_task_metrics *m, size_t i) {
  return (double *)(void *)((char *)m + metric_offsets[i]);
}

void tw_metrics_values(const tw_task_metrics *m, double *v) {
  for (size_t i = 0; i < TW_METRICS_COUNT; i++)
    v[i] = *(const double *)(const void *)((const char *)m + metric_offsets[i]);
}

void tw_metrics_to_json(const tw_task_metrics *m, tw_json *j) {
  double v[TW_METRICS_COUNT];
  tw_metrics_values(m, v);
  for (size_t i = 0; tw_metric_names[i]; i++) tw_json_kv_number(j, tw_metric_names[i], v[i]);
  tw_json_key(j, "land_use_km2_by_carrier");
  tw_json_object_begin(j);
  for (size_t i = 0; i < m->n_land; i++) tw_json_kv_number(j, m->land_carrier[i], m->land_km2[i]);
  tw_json_object_end(j);
}
