/* terrawatt: the forecast stage of `terrawatt run` (forecast module).
 *
 * For every scenario task: forecast the uncertain inputs (demand of every
 * load, wind and solar capacity factors per bus) with MLP surrogates that
 * are either trained on the fly (blocked cross-fitting, so every forecast
 * is out of sample) or read from model files, schedule on the forecasts
 * (stage 1, day-ahead), re-dispatch against the actual inputs with
 * deviations from the schedule priced at `imbalance_cost` (stage 2, real
 * time), and report what forecast error costs compared with perfect
 * foresight. docs/SCENARIO.md ("Forecast stage") documents the keys and the
 * exact two-stage formulation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_FORECAST_STAGE_H
#define TERRAWATT_FORECAST_STAGE_H

#include "terrawatt/export.h"

#include <stddef.h>

#include <cyaml/cyaml.h>

#include "terrawatt/backend.h"
#include "terrawatt/convert.h"
#include "terrawatt/json.h"
#include "terrawatt/network.h"
#include "terrawatt/optimize.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A pre-trained model (`terrawatt train`) for one target. */
typedef struct tw_forecast_stage_model {
  char *target; /* "demand:<load name>", "wind:<bus name>" or "solar:<bus name>" */
  char *file;   /* model NetCDF, relative to the scenario file */
} tw_forecast_stage_model;

/* The `forecast:` section of a scenario file. Zero numbers mean "default". */
typedef struct tw_forecast_stage_config {
  char **targets;          /* demand, wind, solar (at least one) */
  unsigned targets_count;
  unsigned horizon_h;      /* forecast horizon in hours (default 24) */
  unsigned folds;          /* blocked cross-fitting folds for on-the-fly training (default 4) */
  double imbalance_cost;   /* currency/MWh of deviation from the schedule (default 100) */
  int weather_features;    /* 1: demand models also see the bus's heating/cooling degrees */
  char *config;            /* forecast YAML (model, training, features.calendar/holidays/lags) */
  tw_forecast_stage_model *models;
  unsigned models_count;
} tw_forecast_stage_config;

/* libcyaml fields of the section (for the scenario schema). */
extern TW_API const cyaml_schema_field_t tw_forecast_stage_fields[];

/* Check the section; paths are resolved against base_dir (the scenario's
 * folder, ending in '/' or empty). Writes every problem, separated by
 * "; ", into msg and returns their number (0: fine). */
TW_API int tw_forecast_stage_validate(const tw_forecast_stage_config *c, const char *base_dir, char *msg,
                                      size_t msg_size);

/* One problem of the section: the key it is about ("forecast.folds",
 * "forecast.models[1].file") and the whole message, which starts with it. */
typedef void (*tw_forecast_stage_problem_fn)(void *ctx, const char *key, const char *message);

/* The checks of tw_forecast_stage_validate, each problem passed to fn with
 * its key (a caller that has already rejected a key can skip its
 * problems). Returns their number (0: fine). */
TW_API int tw_forecast_stage_check(const tw_forecast_stage_config *c, const char *base_dir,
                            tw_forecast_stage_problem_fn fn, void *ctx);

/* Skill of the forecasts of one target over the forecast rows, target
 * units (MW for demand, per unit for capacity factors). */
/* Bytes of a target name "demand:<load>", "wind:<bus>", "solar:<bus>" with
 * its NUL. A scenario whose forecast would need a longer name (a load or
 * bus name of more than TW_FORECAST_TARGET_NAME_BYTES - 8 bytes) is refused
 * by validation (--dry-run), so names are never cut. */
#define TW_FORECAST_TARGET_NAME_BYTES 160
typedef struct tw_forecast_stage_target {
  char name[TW_FORECAST_TARGET_NAME_BYTES]; /* "demand:Emden", "wind:Kiel", ... */
  char source[16];       /* "trained" or "model" */
  size_t rows;           /* snapshots with a forecast */
  double mae, rmse;      /* the MLP's point forecast */
  double persistence_mae, persistence_rmse;         /* y(t - h) */
  double seasonal_naive_mae, seasonal_naive_rmse;   /* y(t - 168 h ceil(h/168)) */
  double skill_rmse_vs_persistence;                 /* 1 - rmse / persistence_rmse */
  double climatology_mae, climatology_rmse;         /* hour-of-week mean over the forecast rows */
  char best_baseline[32];                           /* lowest RMSE of the three baselines */
  double skill_rmse_vs_best_baseline;               /* 1 - rmse / best baseline's rmse (headline) */
  int reused;      /* 1: forecasts of an identical earlier target (same inputs) were reused */
} tw_forecast_stage_target;

/* Everything the stage reports (metrics.json, key "forecast"). Costs in
 * the network's currency, following tw_optimize_result.total_cost. */
typedef struct tw_forecast_stage_result {
  int horizon_h;
  unsigned folds;
  double imbalance_cost;          /* currency/MWh */
  size_t warmup_snapshots;        /* leading snapshots without a forecast (actual values used) */
  size_t n_targets;
  tw_forecast_stage_target *targets;
  double perfect_foresight_cost;  /* total_cost of the LP on the actual inputs */
  double schedule_cost;           /* total_cost of stage 1 (the LP on the forecasts) */
  double realised_cost;           /* total_cost of stage 2 incl. the imbalance penalty */
  double imbalance_MWh;           /* sum_t w_t sum_g (up + down) */
  double imbalance_penalty;       /* imbalance_cost * imbalance_MWh */
  double forecast_error_cost;     /* realised_cost - perfect_foresight_cost (>= 0) */
  double unserved_MWh;            /* load shed in stage 2 */
  double seconds;                 /* wall time of the stage */
  long stage_iterations[2];       /* simplex iterations of stage 1 and stage 2 */
  int stage_warm_start[2];        /* 1: that stage started from a cached basis */
} tw_forecast_stage_result;

TW_API void tw_forecast_stage_result_destroy(tw_forecast_stage_result **r);

/* Inputs of the stage besides the network. */
typedef struct tw_forecast_stage_inputs {
  const char *scenario_path;       /* for messages */
  const char *base_dir;            /* the scenario's folder (relative paths) */
  const char *wind_carrier;        /* generators of this carrier get wind forecasts, or NULL */
  const char *solar_carrier;       /* likewise for solar, or NULL */
  const tw_bus_series *weather;    /* per-bus hdh/cdh on the climate axis, or NULL */
  const size_t *climate_index;     /* [n_snapshots] climate step of each snapshot, or NULL */
  tw_backend *backend;             /* borrowed (the run's); NULL: a cpu backend for the stage */
} tw_forecast_stage_inputs;

/* The two-stage evaluation for given forecasts. `net` holds the actual
 * inputs and is not modified; `pf` is the perfect-foresight solution of
 * `net` with `p`. load_forecast_MW[l] (NULL entries: that load is known) is
 * the forecast of load l's p_set over all snapshots; cf_forecast[g] (NULL:
 * known) the forecast p_max_pu of generator g. Stage 1 solves the LP on
 * the forecasts; stage 2 fixes every capacity at stage 1's optimum and
 * every generator's schedule, allows deviations up (headroom up to the
 * actual availability) and down (to p_min_pu) at marginal cost +/-
 * imbalance_cost_per_MWh, and re-dispatches storage, links and flows
 * freely on the actual inputs. Fills the cost fields of *res. Returns
 * TW_ERR_INFEASIBLE (message naming the stage) when a stage has no
 * solution. Warm starts (p->basis_cache with TW_BASIS_KEYED): stage 1 starts
 * from the basis kept under p->basis_key (the caller's key of pf's LP: the
 * same LP on other series) and keeps nothing; stage 2 starts from
 * p->basis_from and keeps under p->basis_store; an entry of another
 * structure is not used (cold start). docs/OPTIMIZE.md "Warm starts across
 * solves". */
TW_API tw_status tw_forecast_error_cost(const tw_network *net, const tw_optimize_params *p,
                                        const tw_optimize_result *pf, double *const *load_forecast_MW,
                                        double *const *cf_forecast, double imbalance_cost_per_MWh,
                                        tw_forecast_stage_result *res);

/* The whole stage for one task: forecasts every target named by `c` (on
 * the fly or from model files), then tw_forecast_error_cost. *out is owned
 * by the caller. Serial (each task runs on one rank). */
TW_API tw_status tw_forecast_stage_run(const tw_forecast_stage_config *c,
                                       const tw_forecast_stage_inputs *in, const tw_network *net,
                                       const tw_optimize_params *p, const tw_optimize_result *pf,
                                       tw_forecast_stage_result **out);

/* Number of trained target forecasts held for reuse by later scenario
 * tasks in this process (targets whose inputs, times and settings are
 * identical get the same forecast without training again). */
TW_API size_t tw_forecast_stage_cache_size(void);

/* Append `"forecast": {...}` to an open JSON object. */
TW_API void tw_forecast_stage_to_json(const tw_forecast_stage_result *r, tw_json *j);

#ifdef __cplusplus
}
#endif
#endif
