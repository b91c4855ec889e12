/* terrawatt: metrics of a solved task (metrics.json) and the run summary.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_METRICS_H
#define TERRAWATT_METRICS_H

#include "terrawatt/json.h"
#include "terrawatt/network.h"
#include "terrawatt/optimize.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Figures of one solved task. Energies are weighted by the generator
 * snapshot weighting (hours). */
typedef struct tw_task_metrics {
  double objective;           /* PyPSA's convention (currency) */
  double total_cost;          /* capex of optimal capacity + operating cost (currency) */
  double co2_t;               /* t CO2 */
  double co2_intensity_t_per_MWh; /* co2_t / served demand */
  double demand_MWh;          /* served + unserved demand */
  double generation_MWh;      /* all generators */
  double renewable_MWh;       /* generators of renewable carriers */
  double renewable_share;     /* renewable_MWh / generation_MWh (0 if none) */
  double curtailed_MWh;       /* available but unused renewable energy */
  double unserved_MWh;        /* load shed */
  double peak_price;          /* highest nodal price (currency/MWh) */
  double mean_price;          /* demand-weighted mean nodal price (currency/MWh) */
  double solve_seconds;
  double iterations;          /* simplex iterations (a double so metrics reduce over MPI) */
} tw_task_metrics;

/* 1 if a carrier name denotes a renewable source: wind, onwind, offwind*,
 * solar*, pv*, ror, hydro, geothermal (case-insensitive prefixes). */
int tw_carrier_is_renewable(const char *carrier);

/* Compute the metrics of a solved network. */
void tw_metrics_compute(const tw_network *net, const tw_optimize_result *r, tw_task_metrics *m);

/* Append the metrics as JSON object members (between object_begin/end). */
void tw_metrics_to_json(const tw_task_metrics *m, tw_json *j);

#ifdef __cplusplus
}
#endif
#endif
