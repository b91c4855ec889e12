/* EV fleets in a run task (internal to scenario): immediate and smart
 * charging solved side by side, valley filling, metrics and series.
 * docs/SCENARIO.md ("EV fleets") and docs/MOBILITY.md describe them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_SCENARIO_TASK_EV_H
#define TW_SCENARIO_TASK_EV_H

#include <stddef.h>

#include "run_internal.h"
#include "terrawatt/json.h"
#include "terrawatt/mobility.h"
#include "terrawatt/mobility_metrics.h"
#include "terrawatt/optimize.h"

/* Per-fleet energy balance (MWh over the horizon). */
typedef struct tw_task_ev_fleet {
  tw_fleet fleet;
  int bus;
  double driving_MWh;
  double immediate_charged_MWh, immediate_to_battery_MWh, immediate_delta_soc_MWh;
  double smart_charged_MWh, smart_to_battery_MWh, smart_delta_soc_MWh;
  /* driving the batteries could not serve: immediate (empty battery) and
   * smart (load shed on the EV battery bus, at the load-shedding cost) */
  double immediate_unserved_MWh, smart_unserved_MWh;
} tw_task_ev_fleet;

typedef struct tw_task_ev {
  size_t T;
  size_t n_fleets;
  tw_task_ev_fleet *fleets;
  int smart_reported;       /* 1: the task reports the smart solution */
  double *demand_MW;        /* [T] demand of the network without the fleets */
  double *renewable_MW;     /* [T] available renewable output (smart network) */
  double *immediate_MW;     /* [T] fleets' grid charging, immediate */
  double *smart_MW;         /* [T] fleets' grid charging, smart (net of V2G) */
  double *vf_MW;            /* [T] valley filling + immediate share, or NULL */
  tw_ev_metrics m_immediate, m_smart, m_vf;
  tw_vf_result vf;
  size_t vf_groups;
  double vf_max_rel_diff;
} tw_task_ev;

/* 1 if variant v has at least one fleet with vehicles. */
int tw_task_ev_wanted(const tw_run_ctx *ctx, const tw_scenario_variant *v);

/* Add the fleets to net_imm (immediate loads) and net_smart (smart
 * components), solve both with p, run valley filling on the run's backend
 * and compute the metrics. On success *r_imm and *r_smart hold both
 * solutions (caller destroys). */
tw_status tw_task_ev_run(const tw_run_ctx *ctx, const tw_scenario_variant *v,
                         const tw_member_data *d, const tw_optimize_params *p, tw_network *net_imm,
                         tw_network *net_smart, tw_optimize_result **r_imm,
                         tw_optimize_result **r_smart, tw_task_ev *ev);

/* Copy the main figures into the task's metrics (summary.json/csv). */
void tw_task_ev_to_metrics(const tw_task_ev *ev, tw_task_metrics *m);

/* metrics.json members: "ev_dispatch", "ev" and "ev_fleets". */
void tw_task_ev_json(const tw_task_ev *ev, tw_json *j);

void tw_task_ev_free(tw_task_ev *ev);

#endif
