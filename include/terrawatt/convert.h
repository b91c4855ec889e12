/* terrawatt: weather to power. Turbines and panels, the cell -> bus layout,
 * and the conversion of a climate dataset into per-bus capacity factors
 * (p_max_pu) and degree-hours. docs/CONVERT.md documents formulas, units
 * and the `terrawatt convert` configuration.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_CONVERT_H
#define TERRAWATT_CONVERT_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/backend.h"
#include "terrawatt/climate.h"
#include "terrawatt/ingest.h"
#include "terrawatt/physics_pv.h"
#include "terrawatt/status.h"
#include "terrawatt/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- turbines ---------------------------------------------------------- */

/* A wind turbine: hub height and power curve (speed ascending). */
typedef struct tw_turbine {
  char *name;
  double hub_height_m;
  size_t n;
  double *speed_ms; /* [n] */
  double *power_MW; /* [n] */
  double rated_MW;  /* max of power_MW */
} tw_turbine;

/* Load an atlite turbine YAML (keys HUB_HEIGHT [m], V [m/s], POW [MW];
 * `name` optional; other keys ignored). TW_ERR_INPUT names the file, key
 * and value (missing key, unequal lengths, speeds not ascending, negative
 * power, no positive power). */
TW_API tw_status tw_turbine_load_yaml(const char *path, tw_turbine **out);

/* Load turbine `type` (e.g. "E-126/4200") from the oedb library in
 * `oedb_dir` (oedb_power_curves.csv [W at speeds given in the header row];
 * hub height: the first value of `hub_height` in oedb_turbine_data.csv, if
 * present, else 0). TW_ERR_INPUT names the file and the type when absent. */
TW_API tw_status tw_turbine_load_oedb(const char *oedb_dir, const char *type, tw_turbine **out);

/* `spec` ending in .yaml/.yml: tw_turbine_load_yaml; otherwise an oedb
 * type looked up in `oedb_dir` (NULL: TW_ERR_INPUT). */
TW_API tw_status tw_turbine_load(const char *spec, const char *oedb_dir, tw_turbine **out);

/* Andresen et al. (2015) fleet smoothing, as in atlite/Renewables.ninja:
 * the curve convolved with a Gaussian of mean delta_v_ms and standard
 * deviation sigma_ms (discrete convolution on a 0.1 m/s grid over
 * -50..50 m/s), resampled at 72 points over 0..35 m/s (np.linspace(0, 35,
 * 72)) and multiplied by `availability`: atlite 0.7's windturbine_smooth.
 * Defaults 1.27, 2.29, 0.95 (TW_SMOOTH_*). Returns a new turbine whose
 * rated_MW is the smoothed peak; convert normalises capacity factors by
 * it, as atlite does. */
#define TW_SMOOTH_DELTA_V_MS 1.27
#define TW_SMOOTH_SIGMA_MS 2.29
#define TW_SMOOTH_AVAILABILITY 0.95
TW_API tw_status tw_turbine_smooth(const tw_turbine *t, double delta_v_ms, double sigma_ms,
                                   double availability, tw_turbine **out);

/* Power output (W) at hub-height speed `speed_ms` (linear interpolation,
 * 0 outside the curve): a scalar reference for tests and tools. */
TW_API double tw_turbine_power_W(const tw_turbine *t, double speed_ms);

TW_API void tw_turbine_destroy(tw_turbine **t);

/* ---- PV panels ----------------------------------------------------------- */

/* Defaults: latitude-optimal orientation, albedo 0.2, Huld CSi constants
 * (atlite), PVWatts gamma -0.0047 /K, losses 0.14, DC/AC 1.2, eta 0.96,
 * single-axis azimuth 180 and limit 60 deg, default wind 1 m/s. */
TW_API void tw_pv_params_default(tw_pv_params *p);

/* Load an atlite panel YAML (model: huld; k_1..k_6, c_temp_amb,
 * c_temp_irrad, r_tmod, r_irradiance, inverter_efficiency) into p (panel
 * set to TW_PV_HULD). Other models fail with TW_ERR_INPUT naming them. */
TW_API tw_status tw_pv_panel_load_yaml(const char *path, tw_pv_params *p);

/* ---- layout -------------------------------------------------------------- */

typedef enum tw_layout_weighting {
  TW_LAYOUT_EQUAL = 0, /* every cell of a bus region weighs 1 */
  TW_LAYOUT_AREA = 1   /* weight = cos(latitude): cell area on a regular grid */
} tw_layout_weighting;

/* The cell -> bus layout: a sparse nbus x ncell matrix (CSR) whose row b
 * holds the shares of bus b's capacity in each cell (rows sum to 1), so
 * (matrix x cell capacity factors) = per-bus capacity factors. */
typedef struct tw_layout {
  size_t nbus, ncell;
  char **bus_names;  /* [nbus] */
  double *bus_lon_deg, *bus_lat_deg;
  int *row_ptr;      /* [nbus + 1] */
  int *col;          /* [nnz] cell index */
  float *val;        /* [nnz] share, row sums 1 */
} tw_layout;

/* Voronoi layout: every cell goes to the nearest bus (great-circle
 * distance), weighted by `weighting`, or by `cell_capacity_MW` when not
 * NULL ([ncell] installed capacity per cell, >= 0: the layout-file case).
 * A bus whose region holds no cell (or no capacity) gets its nearest cell.
 * Bus coordinates are lon/lat degrees (PyPSA x, y). */
TW_API tw_status tw_layout_voronoi(const tw_climate *c, size_t nbus, const char *const *bus_names,
                                   const double *bus_lon_deg, const double *bus_lat_deg,
                                   tw_layout_weighting weighting, const double *cell_capacity_MW,
                                   tw_layout **out);
TW_API void tw_layout_destroy(tw_layout **l);

/* Read a layout NetCDF: `variable` at `path` holds the installed capacity
 * of each cell on the climate grid (any units: only the ratios within a
 * bus region matter). Its dimensions are latitude and longitude (coordinate
 * variables named lat/latitude/y and lon/longitude/x, or with units
 * degrees_north/degrees_east; either order; dimensions of length 1 allowed)
 * with the same coordinates as the climate grid `c` (same number of
 * values, each within 1e-4 degrees; longitudes modulo 360; any order).
 * Packing is decoded; fill values count as 0. Result: *cell_capacity
 * [ncell] in the climate's cell order (caller frees), for
 * tw_layout_voronoi. TW_ERR_INPUT names the file, variable and value: file
 * or variable absent, grid mismatch, negative or infinite capacity, no
 * positive capacity, station (non-grid) climate data. */
TW_API tw_status tw_layout_capacity_read(const char *path, const char *variable, const tw_climate *c,
                                         double **cell_capacity);

/* ---- conversion ------------------------------------------------------------ */

typedef enum tw_wind_extrapolation {
  TW_WIND_LOG_LAW = 0,  /* from 100 m with roughness fsr (or roughness_default_m) */
  TW_WIND_POWER_LAW = 1 /* from 100 m with the exponent of u10/v10 vs u100/v100 */
} tw_wind_extrapolation;

typedef struct tw_convert_params {
  /* wind (enabled when turbine != NULL; borrowed) */
  const tw_turbine *turbine;
  double hub_height_m;        /* 0: the turbine's */
  int extrapolation;          /* tw_wind_extrapolation */
  double roughness_default_m; /* when the dataset has no fsr (0.03 m, open farmland) */
  int smoothing;              /* 1: Andresen fleet smoothing of the curve */
  /* solar */
  int solar;                  /* 1: compute PV */
  tw_pv_params pv;
  /* demand drivers */
  int degree_hours;           /* 1: heating/cooling degree-hours from t2m */
  double heating_threshold_C; /* 15.5 */
  double cooling_threshold_C; /* 22 */
  int daily_mean;             /* 1: use the calendar-day mean temperature */
  /* time */
  double delta_t_s;           /* TT - UT for SPA; < 0: tw_spa_delta_t of the year */
  int sun_spa;                /* 1: NREL SPA topocentric position per cell (double; the
                                 reference); 0 (default): the fast single-precision geometry
                                 (physics_solar.h tw_sun_fast_position) */
  /* backend */
  int no_fusion;              /* 1: convert to a cell array, then aggregate, even where the
                                 backend has the fused wind_bus_cf / pv_bus_cf ops (0) */
} tw_convert_params;

/* Defaults: no wind, no solar, no degree-hours; log law; thresholds 15.5 /
 * 22 C; tw_pv_params_default; delta_t automatic. */
TW_API void tw_convert_params_default(tw_convert_params *p);

/* Per-bus series, [ntime][nbus] row-major; absent ones are NULL. */
typedef struct tw_bus_series {
  size_t ntime, nbus;
  tw_calendar calendar;
  tw_time_s *time;   /* [ntime] as in the climate data */
  char **bus_names;  /* [nbus] */
  float *wind_cf;    /* p_max_pu of wind, 0..1 */
  float *solar_cf;   /* p_max_pu of PV per kW peak, 0..1 */
  float *hdh_K;      /* heating degrees (K, per hour: sum = degree-hours) */
  float *cdh_K;      /* cooling degrees (K) */
} tw_bus_series;

/* Cell-level conversions (results [ntime][ncell] host arrays, caller
 * frees). Variables: wind needs u100, v100 (+ fsr for the log law, + u10,
 * v10 for the power law); solar needs ssrd (W/m2 mean over the step) and
 * t2m (+ fdir if present, u10/v10 if present for PVWatts cell
 * temperature). Missing variables fail with TW_ERR_INPUT naming them. */
TW_API tw_status tw_convert_wind_cells(tw_backend *be, const tw_climate *c, const tw_convert_params *p,
                                       float **cf_out);
TW_API tw_status tw_convert_solar_cells(tw_backend *be, const tw_climate *c,
                                        const tw_convert_params *p, float **cf_out);

/* Heating (which = 0) or cooling (which = 1) degrees (K) per cell and time
 * step from t2m (thresholds and daily_mean from p), [ntime][ncell] host
 * array, caller frees. */
TW_API tw_status tw_convert_degree_cells(const tw_climate *c, const tw_convert_params *p, int which,
                                         float **out);

/* The whole stage: cell conversions on `be`, then the layout matrix
 * applied on `be` for every time step. Where the backend has the fused
 * ops (wind_bus_cf, pv_bus_cf) and p->no_fusion is 0, wind and PV are
 * converted and aggregated in one pass without a cell array. Result owned
 * by the caller (tw_bus_series_destroy). */
TW_API tw_status tw_convert_capacity_factors(tw_backend *be, const tw_climate *c,
                                             const tw_convert_params *p, const tw_layout *layout,
                                             tw_bus_series **out);

/* The backend packing (backend.h tw_pack) that decodes int16 values kept
 * packed by ingest (climate.h tw_climate_packing) bit for bit as ingest
 * would have decoded them. */
TW_API tw_pack tw_pack_of(const tw_climate_packing *k);

/* The float values of a chunk's variable: v->data, or, for a variable kept
 * packed (v->data_i16), its n values decoded into a new array *tmp (caller
 * frees; NULL when v->data is used) bit for bit as ingest decodes them. */
TW_API tw_status tw_climate_var_floats(const tw_climate_var *v, size_t n, float **tmp,
                                const float **values);

/* Before the first chunk of a streaming reader: keep packed (ingest.h
 * tw_climate_reader_keep_packed) the inputs the conversion kernels decode
 * themselves (u100, v100 for the log law; ssrd, fdir, t2m for PV; t2m for
 * degree-hours), so int16 data reach the fused loops without a decoded
 * copy. The results are bitwise those of the decoded path. */
TW_API tw_status tw_convert_reader_keep_packed(tw_climate_reader *r, const tw_convert_params *p);

/* tw_convert_capacity_factors over the chunks of a streaming reader:
 * `first` is the reader's first chunk (already read with
 * tw_climate_reader_next, e.g. to build `layout` on its grid); the
 * remaining chunks are read and converted one at a time, each with the
 * same layout, and their rows placed into one series of the reader's
 * whole time length. Memory: one chunk of the reader plus the result
 * (ntime x nbus per series), flat in the time length otherwise. The series
 * equal those of tw_convert_capacity_factors on the whole dataset (each
 * step is converted on its own), except that a time-varying fsr is
 * tested for being constant within each chunk. Degree-hours with
 * daily_mean need whole days: TW_ERR_INTERNAL (read the whole dataset). */
TW_API tw_status tw_convert_capacity_factors_stream(tw_backend *be, tw_climate_reader *r,
                                                    const tw_climate *first,
                                                    const tw_convert_params *p,
                                                    const tw_layout *layout, tw_bus_series **out);

/* The instant (s since 1970 UTC) at which the sun is evaluated for time
 * step t: mid-interval (time - step/2) when `accumulated`, else time. */
TW_API double tw_convert_sun_instant(const tw_climate *c, size_t t, int accumulated);

/* Write per-bus series as NetCDF (dimensions time, bus; variables time,
 * bus, wind_cf, solar_cf, hdh, cdh with units), atomically. */
TW_API tw_status tw_bus_series_write(const tw_bus_series *s, const char *path);

TW_API void tw_bus_series_destroy(tw_bus_series **s);

#ifdef __cplusplus
}
#endif
#endif
