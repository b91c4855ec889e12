/* terrawatt: metrics of a solved task (metrics.json) and the run summary:
 * cost, resilience (unserved energy, loss of load, recovery), renewable
 * droughts, and planetary figures (CO2, curtailment, land, water).
 * docs/SCENARIO.md documents every figure, its formula and its sources.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_METRICS_H
#define TERRAWATT_METRICS_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/json.h"
#include "terrawatt/network.h"
#include "terrawatt/optimize.h"
#include "terrawatt/quantile.h" /* tw_quantile, declared here before */
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
  double co2_intensity_t_per_MWh; /* co2_t / demand */
  double demand_MWh;          /* served + unserved demand */
  double generation_MWh;      /* all generators */
  double renewable_MWh;       /* generators of renewable carriers */
  double renewable_share;     /* renewable_MWh / generation_MWh (0 if none) */
  double curtailed_MWh;       /* available but unused renewable energy */
  double unserved_MWh;        /* load shed */
  double loss_of_load_h;      /* hours with any load shed (> 1e-6 MW) */
  double max_shortfall_MW;    /* largest system-wide shed in one snapshot */
  double recovery_h;          /* hours from the end of the last outage until shed is 0; NaN
                                 without outages */
  double peak_price;          /* highest nodal price (currency/MWh) */
  double mean_price;          /* demand-weighted mean nodal price (currency/MWh) */
  double land_use_km2;        /* sum over carriers with a land-use factor */
  double water_withdrawal_m3; /* sum over carriers with a water factor */
  double drought_count;       /* renewable droughts of the member (see tw_droughts_find) */
  double drought_longest_h;
  double drought_hours;       /* total hours in droughts */
  double drought_cost;        /* operating cost (+ shed at VOLL) during drought hours */
  /* EV fleets (docs/SCENARIO.md; NaN for tasks without fleets): the main
   * figures of metrics.json's "ev", immediate against smart charging. */
  double ev_energy_mwh;                 /* grid charging energy, smart (net of V2G) */
  double ev_peak_net_load_immediate_mw, ev_peak_net_load_smart_mw;
  double ev_net_load_std_immediate_mw, ev_net_load_std_smart_mw;
  double ev_max_ramp_immediate_mw, ev_max_ramp_smart_mw;
  double ev_cost_immediate, ev_cost_smart; /* the two LPs' total_cost */
  double ev_co2_immediate_t, ev_co2_smart_t;
  double ev_shifted_energy_mwh;         /* smart against immediate */
  double ev_vf_iterations;              /* valley-filling iterations (NaN: not run) */
  /* Independent check of the reported LP solution (solution_check.h). */
  double lp_balance_residual_mw;        /* largest |nodal imbalance| over buses, snapshots */
  double lp_bound_violation;            /* largest bound violation (MW or MWh; 0: none) */
  /* total_cost split for the report (currency): capital_cost x capacity of every asset
   * (annualised capital cost, as the network gives it), and the rest: marginal cost of
   * the period's dispatch plus load shed at the value of lost load. */
  double capital_cost, operating_cost;
  /* Numerical quality of the LP (docs/RELIABILITY.md "Optimality"): KKT
   * relative errors of GLPK's solution and conditioning, maxima over the
   * task's LPs. */
  double lp_kkt_primal_rel, lp_kkt_dual_rel, lp_kkt_complementarity_rel;
  double lp_cost_ratio, lp_matrix_ratio;
  double solve_seconds;       /* not written (varies run to run) */
  double iterations;
  size_t n_land;              /* land use by carrier, as many as the network has */
  char **land_carrier;        /* [n_land] owned copies of the carrier names */
  double *land_km2;           /* [n_land] */
  size_t cap_land;
} tw_task_metrics;

/* Add km2 of land to a carrier's entry (created on first use; names are
 * copied whole, whatever their length). TW_ERR_RESOURCE on no memory. */
TW_API tw_status tw_task_metrics_add_land(tw_task_metrics *m, const char *carrier, double km2);

/* Free what the metrics own (the land table); the struct itself is the
 * caller's. Leaves the table empty. */
TW_API void tw_task_metrics_free(tw_task_metrics *m);

/* A configurable per-carrier factor. */
typedef struct tw_factor {
  const char *carrier;
  double value;
} tw_factor;

/* Intensity factors for planetary metrics: defaults (documented with
 * their sources in docs/SCENARIO.md) overridden by user entries. */
typedef struct tw_metrics_params {
  const tw_factor *land_km2_per_MW;   /* user overrides (exact carrier match) */
  size_t n_land;
  const tw_factor *water_m3_per_MWh;
  size_t n_water;
  double value_of_lost_load;          /* currency/MWh, for the drought cost */
  const size_t *outage_end;           /* snapshot index where each outage window ends */
  size_t n_outages;
  const unsigned char *drought;       /* [T] 1 in drought hours, or NULL */
} tw_metrics_params;

/* 1 if a carrier name denotes a renewable source: wind, onwind, offwind*,
 * solar*, pv*, ror, hydro, geothermal (case-insensitive prefixes). */
TW_API int tw_carrier_is_renewable(const char *carrier);

/* Land-use factor (km2 per MW) of a carrier: the user's entry, else the
 * default table, else -1 (not counted). */
TW_API double tw_land_factor(const tw_metrics_params *p, const char *carrier);
/* Water withdrawal (m3 per MWh electric): user's entry, default, or -1. */
TW_API double tw_water_factor(const tw_metrics_params *p, const char *carrier);

/* Loss of load from a system shortfall series shortfall_MW[T] with
 * snapshot weights w_h[T]: energy (MWh), hours with a shortfall > tol_MW,
 * and the largest shortfall (MW). */
TW_API void tw_loss_of_load(const double *shortfall_MW, const double *w_h, size_t T, double tol_MW,
                            double *unserved_MWh, double *lol_h, double *max_MW);

/* Hours (sum of weights) from snapshot `end` (the first snapshot after an
 * outage) until the first snapshot at or after it whose shortfall is
 * <= tol_MW: 0 if none is shed at `end`; to the end of the horizon if the
 * shortfall never clears. */
TW_API double tw_recovery_hours(const double *shortfall_MW, const double *w_h, size_t T, size_t end,
                                double tol_MW);

/* A renewable drought: snapshots [t0, t1). */
typedef struct tw_drought_run {
  size_t t0, t1;
  double hours;
} tw_drought_run;

/* Runs where cf[t] < threshold lasting at least min_hours (weights w_h).
 * Writes at most max_runs runs (runs may be NULL to count only) and the
 * total number in *n, the longest (h) in *longest_h and the hours in all
 * droughts in *total_h; marks flags[t] = 1 in droughts when flags is not
 * NULL. */
TW_API void tw_droughts_find(const double *cf, const double *w_h, size_t T, double threshold,
                             double min_hours, tw_drought_run *runs, size_t max_runs, size_t *n,
                             double *longest_h, double *total_h, unsigned char *flags);

/* Centred moving mean: out[t] = mean of x over [t - window/2, t - window/2
 * + window) clipped to [0, T). window <= 1 copies x. */
TW_API void tw_moving_mean(const double *x, size_t T, size_t window, double *out);

/* Compute the metrics of a solved network into *m (overwritten: free its
 * previous content first). TW_ERR_RESOURCE when memory runs out. */
TW_API tw_status tw_metrics_compute(const tw_network *net, const tw_optimize_result *r,
                               const tw_metrics_params *p, tw_task_metrics *m);

/* Append the metrics as JSON object members (between object_begin/end). */
TW_API void tw_metrics_to_json(const tw_task_metrics *m, tw_json *j);

/* Names of the scalar metrics in tw_metrics_to_json order, NULL-terminated,
 * and their values (for CSV and ensemble statistics). */
extern TW_API const char *const tw_metric_names[];
/* Number of names in tw_metric_names (checked at compile time where tables
 * must match it). */
#define TW_METRICS_COUNT 43
TW_API void tw_metrics_values(const tw_task_metrics *m, double *values);
/* The field behind tw_metric_names[i] (i < TW_METRICS_COUNT). */
TW_API double *tw_metrics_field(tw_task_metrics *m, size_t i);
TW_API size_t tw_metrics_count(void);

#ifdef __cplusplus
}
#endif
#endif
