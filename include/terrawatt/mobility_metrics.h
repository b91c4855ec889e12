/* terrawatt: metrics of EV charging strategies (smart against immediate),
 * written under the key "ev" of metrics.json.
 *
 * Net load (MW) = demand + EV charging - available renewable output, per
 * hour. EV charging may be negative in hours of V2G discharge.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_MOBILITY_METRICS_H
#define TERRAWATT_MOBILITY_METRICS_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/json.h"
#include "terrawatt/mobility_vf.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A dispatchable supply step for the merit-order cost estimate. */
typedef struct tw_supply_step {
  double capacity_MW;
  double marginal_cost;  /* currency/MWh */
  double co2_t_per_MWh;  /* t CO2 per MWh of electricity */
} tw_supply_step;

/* The system the fleet charges in (host arrays owned by the caller). */
typedef struct tw_ev_system {
  size_t n_hours;
  const double *demand_MW;     /* [n_hours] demand other than the fleet */
  const double *renewable_MW;  /* [n_hours] available variable renewable output */
  const tw_supply_step *stack; /* dispatchable units, any order (may be NULL) */
  size_t n_stack;
  double shortage_cost; /* currency/MWh of residual load the stack cannot serve */
} tw_ev_system;

typedef struct tw_ev_metrics {
  double peak_net_load_mw;   /* max_t net load */
  double net_load_std_mw;    /* population standard deviation over hours */
  double max_ramp_mw;        /* max_t |net(t) - net(t-1)| */
  double ev_energy_mwh;      /* sum_t EV charging (net of V2G) */
  double ev_peak_mw;         /* max_t EV charging */
  double curtailed_mwh;      /* sum_t max(0, -net load): renewables left unused */
  double curtailment_absorbed_mwh; /* sum_t min(max(ev,0), max(0, renewable - demand)):
                                      renewable surplus taken up by EV charging */
  double cost;               /* merit-order cost of the residual load, currency */
  double co2_t;              /* t CO2 of the residual load */
  double unserved_mwh;       /* residual load above the stack's capacity */
  double shifted_energy_mwh; /* 0.5 sum_t |ev(t) - ev_ref(t)|: energy moved between hours
                                (0 without a reference) */
  double charging_by_hour_mwh[24]; /* EV charging by hour of day (hour 0 = first hour) */
} tw_ev_metrics;

/* Compute the metrics of one strategy. ev_MW [n_hours] is the fleet's
 * charging; ev_reference_MW [n_hours] (may be NULL) the baseline for
 * shifted_energy_mwh (the immediate profile). hour0_of_day (0..23) is the
 * hour of day of the first hour. Cost/CO2: the residual load max(0, net
 * load) is served by the stack in merit order (cheapest first, no network
 * constraints); what it cannot serve is unserved_mwh at shortage_cost.
 * When the grid LP gives cost and CO2, overwrite those two fields. Fails
 * with TW_ERR_INPUT on a non-finite value (naming series and hour). */
TW_API tw_status tw_ev_metrics_compute(const tw_ev_system *sys, const double *ev_MW,
                                       const double *ev_reference_MW, int hour0_of_day,
                                       tw_ev_metrics *out);

/* max_t |a(t) - b(t)| / max_t |b(t)| (NaN when b is all zero): how far a
 * profile (valley filling) is from a reference (the LP's smart charging). */
TW_API double tw_ev_max_rel_diff(const double *a, const double *b, size_t n);

/* Write one strategy's metrics as a JSON object (keys as the fields, plus
 * "charging_by_hour_mwh" as an array of 24). */
TW_API void tw_ev_metrics_json_object(tw_json *j, const tw_ev_metrics *m);

/* Write the value of metrics.json's "ev" key:
 *   {"immediate": {...}, "smart": {...},
 *    "valley_filling": {"groups", "iterations", "converged", "criterion",
 *                       "residual", "tol", "gamma", "seconds",
 *                       "max_rel_diff_vs_smart", "metrics": {...}}}
 * The caller has written the key ("ev") or is at the top level. vf and
 * vf_metrics may be NULL (no valley_filling entry); max_rel_diff_vs_smart:
 * max_t |vf(t) - smart(t)| / max_t smart(t), NaN (-> null) if unknown. */
TW_API void tw_ev_metrics_json(tw_json *j, const tw_ev_metrics *immediate, const tw_ev_metrics *smart,
                               const tw_vf_result *vf, const tw_ev_metrics *vf_metrics, size_t vf_groups,
                               double max_rel_diff_vs_smart);

#ifdef __cplusplus
}
#endif
#endif
