/* Metrics of EV charging strategies and their JSON form.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/mobility_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Index order of the stack by marginal cost (insertion sort; stacks are small). */
static tw_status merit_order(const tw_ev_system *sys, size_t **order_out) {
  size_t *order = NULL;
  TW_CHECK(tw_calloc(sys->n_stack ? sys->n_stack : 1, sizeof *order, "merit order", &order));
  for (size_t i = 0; i < sys->n_stack; i++) {
    size_t j = i;
    const tw_supply_step *s = &sys->stack[i];
    if (!(isfinite(s->capacity_MW) && s->capacity_MW >= 0 && isfinite(s->marginal_cost) &&
          isfinite(s->co2_t_per_MWh) && s->co2_t_per_MWh >= 0)) {
      free(order);
      return tw_error(TW_ERR_INPUT,
                      "EV metrics: supply step %zu: capacity %g MW, marginal cost %g, CO2 %g "
                      "t/MWh (capacity and CO2 must be finite and >= 0)",
                      i, s->capacity_MW, s->marginal_cost, s->co2_t_per_MWh);
    }
    while (j > 0 && sys->stack[order[j - 1]].marginal_cost > s->marginal_cost) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  *order_out = order;
  return TW_OK;
}

tw_status tw_ev_metrics_compute(const tw_ev_system *sys, const double *ev_MW,
                                const double *ev_reference_MW, int hour0_of_day,
                                tw_ev_metrics *out) {
  tw_ev_metrics m;
  size_t *order = NULL;
  double mean = 0.0, var = 0.0, prev = 0.0;
  const size_t n = sys->n_hours;
  memset(&m, 0, sizeof m);
  if (n == 0) return tw_error(TW_ERR_INPUT, "EV metrics: no hours");
  if (hour0_of_day < 0 || hour0_of_day > 23)
    return tw_error(TW_ERR_INPUT, "EV metrics: first hour of day %d is not in 0..23",
                    hour0_of_day);
  if (!(sys->shortage_cost >= 0))
    return tw_error(TW_ERR_INPUT, "EV metrics: shortage_cost = %g, expected >= 0",
                    sys->shortage_cost);
  for (size_t t = 0; t < n; t++) {
    const char *bad = !isfinite(sys->demand_MW[t])      ? "demand"
                      : !isfinite(sys->renewable_MW[t]) ? "renewable"
                      : !isfinite(ev_MW[t])             ? "EV charging"
                      : (ev_reference_MW && !isfinite(ev_reference_MW[t])) ? "EV reference"
                                                                            : NULL;
    if (bad) return tw_error(TW_ERR_INPUT, "EV metrics: %s series at hour %zu is not finite", bad, t);
  }
  TW_CHECK(merit_order(sys, &order));
  m.peak_net_load_mw = -INFINITY;
  m.ev_peak_mw = -INFINITY;
  for (size_t t = 0; t < n; t++) {
    double ev = ev_MW[t];
    double net = sys->demand_MW[t] + ev - sys->renewable_MW[t];
    double surplus = sys->renewable_MW[t] - sys->demand_MW[t];
    double residual = net > 0 ? net : 0.0;
    if (net > m.peak_net_load_mw) m.peak_net_load_mw = net;
    if (ev > m.ev_peak_mw) m.ev_peak_mw = ev;
    if (t > 0 && fabs(net - prev) > m.max_ramp_mw) m.max_ramp_mw = fabs(net - prev);
    prev = net;
    mean += net / (double)n;
    m.ev_energy_mwh += ev;
    if (net < 0) m.curtailed_mwh += -net;
    if (surplus > 0 && ev > 0) m.curtailment_absorbed_mwh += ev < surplus ? ev : surplus;
    for (size_t i = 0; i < sys->n_stack && residual > 0; i++) {
      const tw_supply_step *s = &sys->stack[order[i]];
      double use = residual < s->capacity_MW ? residual : s->capacity_MW;
      m.cost += use * s->marginal_cost;
      m.co2_t += use * s->co2_t_per_MWh;
      residual -= use;
    }
    if (residual > 0) {
      m.unserved_mwh += residual;
      m.cost += residual * sys->shortage_cost;
    }
    m.charging_by_hour_mwh[((size_t)hour0_of_day + t) % 24] += ev;
    if (ev_reference_MW) m.shifted_energy_mwh += 0.5 * fabs(ev - ev_reference_MW[t]);
  }
  for (size_t t = 0; t < n; t++) {
    double net = sys->demand_MW[t] + ev_MW[t] - sys->renewable_MW[t];
    var += (net - mean) * (net - mean) / (double)n;
  }
  m.net_load_std_mw = sqrt(var);
  free(order);
  *out = m;
  return TW_OK;
}

void tw_ev_metrics_json_object(tw_json *j, const tw_ev_metrics *m) {
  tw_json_object_begin(j);
  tw_json_kv_number(j, "peak_net_load_mw", m->peak_net_load_mw);
  tw_json_kv_number(j, "net_load_std_mw", m->net_load_std_mw);
  tw_json_kv_number(j, "max_ramp_mw", m->max_ramp_mw);
  tw_json_kv_number(j, "cost", m->cost);
  tw_json_kv_number(j, "co2_t", m->co2_t);
  tw_json_kv_number(j, "curtailed_mwh", m->curtailed_mwh);
  tw_json_kv_number(j, "curtailment_absorbed_mwh", m->curtailment_absorbed_mwh);
  tw_json_kv_number(j, "unserved_mwh", m->unserved_mwh);
  tw_json_kv_number(j, "ev_energy_mwh", m->ev_energy_mwh);
  tw_json_kv_number(j, "ev_peak_mw", m->ev_peak_mw);
  tw_json_kv_number(j, "shifted_energy_mwh", m->shifted_energy_mwh);
  tw_json_key(j, "charging_by_hour_mwh");
  tw_json_array_begin(j);
  for (int h = 0; h < 24; h++) tw_json_number(j, m->charging_by_hour_mwh[h]);
  tw_json_array_end(j);
  tw_json_object_end(j);
}

void tw_ev_metrics_json(tw_json *j, const tw_ev_metrics *immediate, const tw_ev_metrics *smart,
                        const tw_vf_result *vf, const tw_ev_metrics *vf_metrics, size_t vf_groups,
                        double max_rel_diff_vs_smart) {
  tw_json_object_begin(j);
  tw_json_key(j, "immediate");
  tw_ev_metrics_json_object(j, immediate);
  tw_json_key(j, "smart");
  tw_ev_metrics_json_object(j, smart);
  if (vf && vf_metrics) {
    tw_json_key(j, "valley_filling");
    tw_json_object_begin(j);
    tw_json_kv_int(j, "groups", (long long)vf_groups);
    tw_json_kv_int(j, "iterations", vf->iterations);
    tw_json_key(j, "converged");
    tw_json_bool(j, vf->converged);
    tw_json_kv_string(j, "criterion", vf->criterion);
    tw_json_kv_number(j, "residual", vf->residual);
    tw_json_kv_number(j, "tol", vf->tol);
    tw_json_kv_number(j, "gamma", vf->gamma);
    tw_json_kv_number(j, "seconds", vf->seconds);
    tw_json_kv_number(j, "max_rel_diff_vs_smart", max_rel_diff_vs_smart);
    tw_json_key(j, "metrics");
    tw_ev_metrics_json_object(j, vf_metrics);
    tw_json_object_end(j);
  }
  tw_json_object_end(j);
}

double tw_ev_max_rel_diff(const double *a, const double *b, size_t n) {
  double d = 0.0, peak = 0.0;
  for (size_t t = 0; t < n; t++) {
    if (fabs(a[t] - b[t]) > d) d = fabs(a[t] - b[t]);
    if (fabs(b[t]) > peak) peak = fabs(b[t]);
  }
  return peak > 0 ? d / peak : NAN;
}
