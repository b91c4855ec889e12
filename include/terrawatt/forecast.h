/* terrawatt: ML surrogate forecasts (forecast module). Configuration,
 * time series input, the feature/dataset builder, training with early
 * stopping, skill scores against baselines, permutation importance, the
 * model (NetCDF file) and inference.
 * See docs/FORECAST.md for the file formats and formulas.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_FORECAST_H
#define TERRAWATT_FORECAST_H

#include "terrawatt/export.h"

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "terrawatt/backend.h"
#include "terrawatt/mlp.h"
#include "terrawatt/status.h"
#include "terrawatt/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- configuration (YAML, see docs/FORECAST.md) -------------------------- */

typedef struct tw_forecast_series_cfg {
  char *name;        /* feature name (exogenous only) */
  char *file;        /* .csv or .nc; relative to the YAML file's folder */
  char *column;      /* CSV column or NetCDF variable */
  char *time_column; /* CSV only; NULL means "time" */
  char *units;       /* expected units; NULL accepts any */
  char *timing;      /* exogenous only: "issue" (default: value at t - h, known when the
                        forecast is issued) or "forecast" (the column is a forecast product
                        issued at t - h for t: value at t) */
} tw_forecast_series_cfg;

/* Heating/cooling degree-hours from an exogenous temperature series:
 * hdh = max(0, heating_base_C - T), cdh = max(0, T - cooling_base_C). */
typedef struct tw_forecast_degree_cfg {
  char *temperature;    /* name of an entry in features.exogenous (units K or degC) */
  float heating_base_C; /* default 15 */
  float cooling_base_C; /* default 22 */
} tw_forecast_degree_cfg;

typedef struct tw_forecast_features_cfg {
  char **calendar; /* hour_of_day, day_of_week, day_of_year, holiday, bridge_day */
  unsigned calendar_count;
  char **holidays; /* "YYYY-MM-DD" */
  unsigned holidays_count;
  char *holidays_country; /* national holidays 1990-2060: DE, AT, FR, NL, DK (or NULL) */
  int lags; /* 1: target lags h, h + step, 24, 48, 168, 336 h, each only if >= h */
  int rolling; /* 1: mean and maximum of the target over the 24 h and 168 h up to t - h */
  unsigned max_lag_h; /* lags and rolling windows longer than this are left out (0: no limit) */
  tw_forecast_degree_cfg *degree_hours; /* NULL: none */
  tw_forecast_series_cfg *exogenous;
  unsigned exogenous_count;
} tw_forecast_features_cfg;

typedef struct tw_forecast_model_cfg {
  unsigned *hidden;
  unsigned hidden_count;
  char *activation; /* relu (default), gelu, tanh */
  float *quantiles; /* absent or empty: point forecast (MSE) */
  unsigned quantiles_count;
  char *residual;   /* none (default), seasonal_naive or ols: the network learns y - baseline */
  unsigned ensemble; /* K seeds averaged (default 1) */
} tw_forecast_model_cfg;

/* Rolling-origin model selection: every candidate (learning rate x
 * residual mode) is trained on `folds` expanding windows, each validated on
 * the block that follows it; the lowest mean validation RMSE wins. */
typedef struct tw_forecast_selection_cfg {
  float *learning_rates; /* default: [training.learning_rate] */
  unsigned learning_rates_count;
  char **residual;       /* default: [model.residual] */
  unsigned residual_count;
} tw_forecast_selection_cfg;

/* Federated averaging (FedAvg, McMahan et al. 2017) over MPI ranks, one
 * region per rank: `rounds` rounds of `local_epochs` local epochs each,
 * then the weights are averaged weighted by sample count. */
typedef struct tw_forecast_federated_cfg {
  unsigned rounds;       /* maximum number of rounds (default 20) */
  unsigned local_epochs; /* local epochs per round (default 1) */
} tw_forecast_federated_cfg;

typedef struct tw_forecast_training_cfg {
  unsigned epochs;           /* maximum, default 200 */
  unsigned batch_size;       /* global mini-batch, default 64 */
  float learning_rate;       /* default 1e-3 */
  float learning_rate_decay; /* factor per epoch: lr_e = lr * decay^(e-1); default 1 */
  char *schedule;            /* "exponential" (default, learning_rate_decay) or "cosine" */
  unsigned warmup_epochs;    /* cosine: linear warm-up epochs (default 5) */
  float test_fraction;       /* final test block, never seen by selection (default 0.2) */
  unsigned folds;            /* rolling-origin validation folds (default 1) */
  tw_forecast_selection_cfg *selection; /* NULL: the one configured candidate */
  float weight_decay;        /* AdamW decoupled decay, default 0 */
  float validation_fraction; /* last fraction of the time axis, default 0.2 */
  unsigned patience;         /* epochs without improvement, default 20 */
  unsigned seed;             /* default 0 */
  unsigned shards;           /* gradient shards per mini-batch, default 1 */
  tw_forecast_federated_cfg *federated; /* NULL: centralised / data-parallel training */
} tw_forecast_training_cfg;

typedef struct tw_forecast_config {
  char *path; /* the YAML file (set by the loader) */
  char *dir;  /* its folder, for relative file names */
  tw_forecast_series_cfg *target;
  unsigned horizon_h; /* default 1 */
  tw_forecast_features_cfg *features;
  tw_forecast_model_cfg *model;
  tw_forecast_training_cfg *training;
  int64_t step_s; /* time step of the series (0: read from the target when needed) */
} tw_forecast_config;

/* Load and validate a forecast YAML file; defaults filled in (missing
 * `model`/`training` sections are created). Unknown keys, bad values
 * (activation, quantiles, fractions) fail with TW_ERR_INPUT naming the file
 * and key. Free with tw_forecast_config_free. */
TW_API tw_status tw_forecast_config_load(const char *path, tw_forecast_config **out);
TW_API void tw_forecast_config_free(tw_forecast_config **cfg);

/* Replace "{rank}" in the target and exogenous file names with `rank`
 * (federated training: each MPI rank reads its own region's files). */
TW_API tw_status tw_forecast_config_set_rank(tw_forecast_config *cfg, int rank);

/* Parse an activation name: relu, gelu, tanh (TW_ERR_INPUT otherwise). */
TW_API tw_status tw_activation_parse(const char *name, tw_activation *out);
TW_API const char *tw_activation_name(tw_activation act);

/* ---- time series --------------------------------------------------------- */

/* A time series read from a file (standard calendar instants). */
typedef struct tw_series {
  char *source; /* file name, for messages */
  char *name;   /* column or variable */
  char *units;  /* from the file (CSV header "name [units]" or NetCDF attribute), or NULL */
  size_t n;
  tw_time_s *time_s;
  double *value;
} tw_series;

/* Read one value column of a CSV file with a header row. The time column
 * holds ISO dates ("2019-01-01 00:00", "2019-01-01T00:00:00Z"). A header
 * "load [MW]" declares units "MW"; if `units` is not NULL and the file
 * declares different units this fails. Empty, non-numeric or non-finite
 * values fail with TW_ERR_INPUT naming file, row and column. */
TW_API tw_status tw_series_read_csv(const char *path, const char *time_column, const char *column,
                                    const char *units, tw_series *out);

/* Read a 1-D NetCDF variable over a CF time coordinate (src/forecast/model_series_nc.c).
 * Checks `units` against the variable's units attribute when both are set;
 * fill values fail with TW_ERR_INPUT naming the time. */
TW_API tw_status tw_series_read_netcdf(const char *path, const char *variable, const char *units,
                                       tw_series *out);

/* Read .nc files with tw_series_read_netcdf, everything else as CSV. */
TW_API tw_status tw_series_read(const char *path, const char *time_column, const char *column,
                                const char *units, tw_series *out);

/* Free the arrays of a series and zero it (NULL-safe). */
TW_API void tw_series_free(tw_series *s);

/* Check that the series is strictly increasing with one regular step;
 * returns the step. A gap or a repeated time fails with TW_ERR_INPUT naming
 * the file and the time. */
TW_API tw_status tw_series_regular_step(const tw_series *s, int64_t *step_s);

/* ---- features and datasets ------------------------------------------------ */

typedef enum tw_feature_kind {
  TW_FEAT_HOUR_SIN = 0,
  TW_FEAT_HOUR_COS,
  TW_FEAT_DOW_SIN,
  TW_FEAT_DOW_COS,
  TW_FEAT_DOY_SIN,
  TW_FEAT_DOY_COS,
  TW_FEAT_HOLIDAY,
  TW_FEAT_BRIDGE, /* last calendar feature */
  TW_FEAT_LAG,
  TW_FEAT_ROLL_MEAN,
  TW_FEAT_ROLL_MAX,
  TW_FEAT_EXOGENOUS,
  TW_FEAT_HDH,
  TW_FEAT_CDH
} tw_feature_kind;
#define TW_FEAT_CALENDAR_LAST TW_FEAT_BRIDGE

/* One input feature. Names: "hour_of_day_sin", "hour_of_day_cos",
 * "day_of_week_sin", ..., "day_of_year_cos", "holiday", "bridge_day",
 * "lag_<L>h", "roll_mean_<W>h", "roll_max_<W>h" (target over the W hours
 * up to t - h), "exo:<name>@issue" (value at t - h), "exo:<name>@forecast"
 * (a forecast product: value at t; "exo:<name>" in older model files),
 * "hdh_<B>C:<name>@<timing>", "cdh_<B>C:<name>@<timing>" (degree-hours of
 * temperature <name> against base B degC). */
typedef struct tw_feature {
  tw_feature_kind kind;
  int lag_h;          /* TW_FEAT_LAG: lag; TW_FEAT_ROLL_*: window (hours) */
  int at_issue;       /* exogenous, degree-hours: 1 = value at t - h */
  float base_C;       /* degree-hours: base temperature, degC */
  char source[88];    /* exogenous, degree-hours: the features.exogenous name */
  char name[96];      /* as stored in the model */
  char units[32];     /* exogenous units ("" if undeclared), "1" otherwise */
} tw_feature;

/* Parse a stored feature name (TW_ERR_INPUT for an unknown one). */
TW_API tw_status tw_feature_parse(const char *name, tw_feature *out);

/* Value of a calendar feature (kind <= TW_FEAT_CALENDAR_LAST) at instant t
 * (standard calendar, UTC); holidays: sorted days since 1970-01-01. */
TW_API float tw_forecast_calendar_value(tw_feature_kind kind, tw_time_s t, const int64_t *holiday_days,
                                        size_t n_holidays);

/* The feature list declared by a configuration, in a fixed order:
 * calendar (sin, cos per cycle; holiday; bridge_day), lags (ascending),
 * rolling statistics, exogenous, degree-hours. *out is malloc'd (with room
 * for 4 more entries). Lag L is used only if L >= h; the lag h + step needs
 * the step: cfg->step_s, else read from the target series. */
TW_API tw_status tw_forecast_features_from_config(const tw_forecast_config *cfg, tw_feature **out,
                                                  int *count);

/* Samples ready for training or inference. Row r is the target time
 * time_s[r]; x holds its raw (unstandardised) features, sample-contiguous. */
typedef struct tw_forecast_dataset {
  int n_features;
  size_t n_rows;
  float *x;         /* n_features x n_rows */
  float *y;         /* [n_rows] target (NaN where unknown: forecast without truth) */
  tw_time_s *time_s;
  int64_t step_s;
  /* the full target series (for baselines), index of row r in it */
  size_t series_n;
  double *series;   /* NULL when there is no target */
  size_t *series_index;
  int have_target;
} tw_forecast_dataset;

/* Build the dataset: read the target (when cfg->target is set) and every
 * exogenous series named by `features`, check regular steps, equal steps,
 * alignment (each target time present in each exogenous series), units,
 * lags that are whole steps; rows start where every lag, the persistence
 * (t-h) and seasonal naive (t-168 h k) baselines are defined.
 * `holiday_days`: days since 1970-01-01. Errors are TW_ERR_INPUT naming the
 * file, column and time. */
TW_API tw_status tw_forecast_dataset_build(const tw_forecast_config *cfg, const tw_feature *features,
                                           int n_features, int horizon_h, const int64_t *holiday_days,
                                           size_t n_holidays, tw_forecast_dataset *out);
TW_API void tw_forecast_dataset_free(tw_forecast_dataset *ds);

/* Parse the configuration's holiday list and the national holidays of
 * features.holidays_country into sorted unique days since 1970-01-01
 * (malloc'd). */
TW_API tw_status tw_forecast_holidays_parse(const tw_forecast_config *cfg, int64_t **days, size_t *count);

/* National public holidays of `country` (DE, AT, FR, NL, DK) in the years
 * year_from..year_to as days since 1970-01-01, ascending (malloc'd).
 * TW_ERR_INPUT for an unknown country. */
TW_API tw_status tw_holidays_country(const char *country, int year_from, int year_to, int64_t **days,
                                     size_t *count);

/* Value of a target-derived feature (TW_FEAT_LAG, TW_FEAT_ROLL_MEAN,
 * TW_FEAT_ROLL_MAX) for the row at index i of the target series y (i must
 * be at least the look-back below). */
TW_API float tw_forecast_target_feature(const tw_feature *f, const double *y, size_t i, int64_t step_s,
                                        int horizon_h);

/* Longest look-back of the features in steps (lags, rolling windows,
 * exogenous values at the issue time), at least h. */
TW_API size_t tw_forecast_features_lookback_steps(const tw_feature *features, int n_features,
                                                  int horizon_h, int64_t step_s);

/* ---- the model ------------------------------------------------------------ */

enum { TW_SKILL_MLP = 0, TW_SKILL_PERSISTENCE, TW_SKILL_SEASONAL_NAIVE, TW_SKILL_CLIMATOLOGY,
       TW_SKILL_OLS, TW_SKILL_METHODS };
enum { TW_SKILL_MAE = 0, TW_SKILL_RMSE, TW_SKILL_PINBALL, TW_SKILL_COVERAGE, TW_SKILL_METRICS };

/* Method and metric names as used in JSON and the model file. */
extern TW_API const char *const tw_skill_method_names[TW_SKILL_METHODS];
extern TW_API const char *const tw_skill_metric_names[TW_SKILL_METRICS];

typedef struct tw_forecast_model {
  tw_mlp_spec spec;
  size_t n_params; /* per ensemble member */
  int members;     /* ensemble size K (>= 1); predictions are the member mean */
  float *params;   /* members x n_params, flat tw_mlp layout per member */
  int residual;    /* TW_RESIDUAL_*: the network predicts y - baseline */
  int residual_feature; /* seasonal naive: index of its lag feature */
  double *residual_coef; /* OLS: intercept and one coefficient per standardised feature */
  int n_features;
  tw_feature *features;
  float *feature_mean, *feature_std; /* standardisation, raw units */
  float target_mean, target_std;
  char target_name[96];
  char target_units[32];
  int horizon_h;
  int64_t step_s;
  size_t n_holidays;
  int64_t *holiday_days;
  /* training metadata */
  char train_start[32], train_end[32], valid_start[32], valid_end[32];
  char test_start[32], test_end[32];
  size_t n_train, n_valid, n_test;
  /* rolling-origin selection: folds, candidates tried, mean validation RMSE of the winner */
  unsigned selection_folds, selection_candidates;
  double selection_rmse;
  char schedule[16];
  unsigned warmup_epochs;
  char data_hash[20]; /* FNV-1a 64 of the training samples, 16 hex digits */
  int epochs_max, epochs_run, best_epoch;
  unsigned batch_size, shards;
  uint64_t seed;
  int ranks;
  float learning_rate, weight_decay, validation_fraction;
  float learning_rate_decay; /* per epoch (1: constant) */
  double best_valid_loss;
  /* federated training (0, 0 when centralised): rounds run, local epochs per round */
  unsigned fed_rounds, fed_local_epochs;
  double train_seconds;
  double skill[TW_SKILL_METHODS][TW_SKILL_METRICS]; /* test block; NaN: not applicable */
  double *importance; /* [n_features] test MAE increase when permuted, target units */
} tw_forecast_model;

enum { TW_RESIDUAL_NONE = 0, TW_RESIDUAL_SEASONAL_NAIVE, TW_RESIDUAL_OLS };

/* Parse / name a residual mode (none, seasonal_naive, ols). */
TW_API tw_status tw_forecast_residual_parse(const char *name, int *out);
TW_API const char *tw_forecast_residual_name(int residual);

/* The baseline with the lowest RMSE in the model's skill table (one of
 * TW_SKILL_PERSISTENCE..TW_SKILL_OLS) and the skill 1 - RMSE_mlp / RMSE_best. */
TW_API int tw_forecast_best_baseline(const tw_forecast_model *m, double *skill);

/* "issue", "forecast", "mixed" or "none": when the exogenous inputs are taken. */
TW_API const char *tw_forecast_exogenous_timing(const tw_forecast_model *m);

TW_API void tw_forecast_model_free(tw_forecast_model **model);

/* Options of tw_forecast_train. */
typedef struct tw_forecast_train_options {
  tw_backend *backend; /* borrowed */
  MPI_Comm comm;       /* MPI_COMM_NULL: serial; otherwise collective on comm */
  int log_every;       /* log the losses every N epochs (0: never) */
  int no_test_block;   /* 1: every row serves selection and training; no skill table
                          (the caller scores out-of-sample rows itself, e.g. `run`) */
} tw_forecast_train_options;

/* Train a model on `ds` (rows in time order): the last test_fraction of the
 * rows is the final test block (unless opt->no_test_block); before it,
 * `folds` rolling-origin validation blocks select among the candidates
 * (learning rates x residual modes) and stop early; model.ensemble members
 * are trained (docs/FORECAST.md). With comm set, every rank must pass the
 * same dataset; rank r computes gradient shards r, r+size, ... of each
 * mini-batch and the shards are summed in shard order, so the result does
 * not depend on the number of ranks. Fills the test-block skill of the
 * model and the baselines and the permutation importance. Collective on
 * comm. */
TW_API tw_status tw_forecast_train(const tw_forecast_config *cfg, const tw_feature *features,
                                   int n_features, const int64_t *holiday_days, size_t n_holidays,
                                   const tw_forecast_dataset *ds, const tw_forecast_train_options *opt,
                                   tw_forecast_model **out);

/* Predict n samples. features_raw: n_features x n (sample-contiguous, raw
 * units, in the model's feature order). out: outputs x n (quantiles
 * ascending, or the point forecast) in target units. Batches of any size
 * (ensemble members are simply more samples). */
TW_API tw_status tw_forecast_predict(const tw_forecast_model *model, tw_backend *be,
                                     const float *features_raw, size_t n, float *out);

/* Number of outputs of the model (quantiles, or 1). */
TW_API int tw_forecast_model_outputs(const tw_forecast_model *model);

/* Index of the output used as the point forecast (the quantile nearest
 * 0.5, or 0). */
TW_API int tw_forecast_model_point_index(const tw_forecast_model *model);

/* Skill of predictions against truth y over n samples: pred is nout x n;
 * point_index selects the point forecast for MAE/RMSE; quantiles (nq
 * levels, NULL for a point forecast) give the pinball loss and the
 * coverage of [lowest, highest] quantile (NaN for a point forecast; the
 * pinball of a point forecast uses it as every quantile in `levels`). */
TW_API void tw_forecast_skill(const float *pred, int nout, int point_index, const float *levels,
                              int nlevels, int have_interval, const float *y, size_t n,
                              double metrics[TW_SKILL_METRICS]);

/* FNV-1a 64-bit hash of bytes, continuing from h (start with
 * TW_FNV_OFFSET). */
#define TW_FNV_OFFSET 0xcbf29ce484222325ull
TW_API uint64_t tw_fnv1a(uint64_t h, const void *data, size_t bytes);

/* Write the model as NetCDF (src/forecast/model_nc.c) atomically: to PATH.tmp.PID,
 * then renamed. */
TW_API tw_status tw_forecast_model_write(const tw_forecast_model *model, const char *path);

/* Read a model file written by tw_forecast_model_write; checks the
 * dimensions and sizes against each other (TW_ERR_INPUT naming file and
 * variable). */
TW_API tw_status tw_forecast_model_read(const char *path, tw_forecast_model **out);

/* 1 if `path` is a NetCDF file with the global attribute
 * terrawatt_model_format (a forecast model), else 0. Never fails. */
TW_API int tw_forecast_model_file_probe(const char *path);

/* Print a human-readable summary (architecture, features, training
 * metadata, validation skill per method, permutation importance) to out. */
TW_API void tw_forecast_model_print(const tw_forecast_model *model, const char *path, FILE *out);

/* Write the model's metadata, skill table and importance as one JSON object
 * (no newline) to `out`. */
TW_API void tw_forecast_model_json(const tw_forecast_model *model, FILE *out);

/* Write a JSON number, or null when not finite. */
TW_API void tw_fc_json_number(FILE *out, double v);

/* Write a JSON string with escapes. */
TW_API void tw_fc_json_string(FILE *out, const char *s);

/* Write forecasts as NetCDF (src/forecast/model_forecast_nc.c) atomically:
 * time(time) in "seconds since 1970-01-01 00:00:00", forecast(time,
 * quantile) or forecast(time) in target units, observed(time) where the
 * truth is known (NaN fill otherwise). */
TW_API tw_status tw_forecast_output_write(const char *path, const tw_forecast_model *model,
                                          const tw_forecast_dataset *ds, const float *pred);

#ifdef __cplusplus
}
#endif
#endif
