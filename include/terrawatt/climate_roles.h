/* terrawatt: variable roles. Conversion asks for roles (wind at a height,
 * roughness, GHI, direct/diffuse irradiance, temperature), not file names;
 * presets (era5, cmip6, atlite, cordex) and a `variables:` mapping say which
 * file variables fill them, and coarse time steps (3-hourly .. monthly) are
 * brought to hourly values by documented mean-preserving methods.
 * docs/INGEST.md ("Roles and presets", "Time steps") documents all of it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_CLIMATE_ROLES_H
#define TERRAWATT_CLIMATE_ROLES_H

#include "terrawatt/export.h"

#include "terrawatt/climate.h"
#include "terrawatt/ingest.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The `variables:` mapping of a convert or scenario file: for each role,
 * the name of the file variable that fills it (NULL: the preset's). */
typedef struct tw_role_names {
  char *temperature;      /* air temperature near the surface (K or degC) */
  char *ghi;              /* global horizontal irradiance (W m-2, or J m-2 accumulated) */
  char *direct;           /* direct horizontal irradiance */
  char *diffuse;          /* diffuse horizontal irradiance */
  char *toa;              /* top-of-atmosphere irradiance (reported, not used) */
  char *roughness;        /* surface roughness length (m) */
  char *wind_speed_100m;  /* wind speed at 100 m */
  char *wind_speed_10m;   /* wind speed at 10 m */
  char *u100, *v100;      /* wind components at 100 m */
  char *u10, *v10;        /* wind components at 10 m */
} tw_role_names;

/* A diurnal climatology (src/convert/diurnal.c): per reference cell,
 * calendar month and UTC hour, wind speed / the month's mean speed (mean 1
 * over the 24 hours) and temperature - the month's mean (K, mean 0). */
typedef struct tw_diurnal {
  size_t ncell;
  double *lat_deg, *lon_deg; /* [ncell] */
  float *wind;               /* [ncell][12][24] or NULL (no wind in the reference) */
  float *temp;               /* [ncell][12][24] or NULL */
} tw_diurnal;

/* From an hourly reference (u100/v100 and/or t2m, e.g. read by
 * tw_climate_read_roles). A month lacking some hour of day gets no cycle
 * (factor 1, offset 0). TW_ERR_INPUT when not hourly. */
TW_API tw_status tw_diurnal_from_reference(const tw_climate *ref, tw_diurnal **out);
TW_API void tw_diurnal_destroy(tw_diurnal **d);

/* What a conversion needs from the climate data. */
typedef struct tw_climate_request {
  const char *preset;            /* "era5", "cmip6", "atlite", "cordex" or NULL (any name) */
  const tw_role_names *names;    /* the `variables:` mapping, or NULL */
  int wind;                      /* wind at 100 m (derived from 10 m data when needed) */
  int wind_power_law;            /* wind at both 10 m and 100 m (power-law extrapolation) */
  int solar;                     /* GHI and temperature (+ direct irradiance when present) */
  int wind_10m_optional;         /* u10/v10 if present (PVWatts cell temperature) */
  int temperature;               /* temperature (EV consumption) */
  int degree_hours;              /* temperature that must be hourly (degree-hours) */
  double roughness_default_m;    /* log-law roughness when the data has none (> 0) */
  const tw_diurnal *diurnal;     /* diurnal cycle for coarse wind/temperature means, or NULL */
} tw_climate_request;

/* The role a canonical variable fills ("temperature", "ghi", ...), or NULL. */
TW_API const char *tw_role_of_canonical(const char *canonical);

/* Check a preset name (NULL is fine). TW_ERR_INPUT names `where`. */
TW_API tw_status tw_preset_check(const char *preset, const char *where);

/* Ingest aliases for a `variables:` mapping: out[] gets at most 12 entries
 * (role -> canonical name used by the conversion). Returns the count. */
TW_API size_t tw_role_aliases(const tw_role_names *names, tw_ingest_alias out[12]);

/* Which canonical variables the request reads from a dataset whose mapped
 * variables are shape->vars (tw_climate_shape): fills names[] (at most 16)
 * and returns the count, or fails with TW_ERR_INPUT naming `source`, the
 * role, the names looked for and the dataset's variables. Also checks the
 * step: degree-hours need hourly temperature, steps under an hour or over
 * a month are refused. */
TW_API tw_status tw_climate_plan(const tw_ingest_shape *shape, const tw_climate_request *rq,
                                 const char *source, const char *names[16], size_t *n);

/* Read the variables the request needs (p's paths, bbox and time range;
 * p->variables and p->aliases are replaced), derive the conversion's
 * canonical variables (u100, v100, u10, v10, t2m, ssrd, fdir, fsr) from
 * whatever fills their roles, and bring a coarser step to hourly values
 * (tw_climate_to_hourly). Caller owns *out. */
TW_API tw_status tw_climate_read_roles(const tw_ingest_params *p, const tw_climate_request *rq,
                                       tw_climate **out);

/* The streaming counterpart (src/convert/roles_stream.c): when the data
 * need no whole-series transformation (a step of an hour or a single time,
 * and every planned variable already one the conversion reads: u100, v100,
 * u10, v10, t2m, ssrd, fdir, fsr, with u100 present when wind is
 * requested), open ingest's chunked reader (tw_climate_reader_open) over
 * them; its chunks equal tw_climate_read_roles' values bit for bit.
 * Otherwise *out is NULL: read the whole series with tw_climate_read_roles.
 * `rs` holds the reader's variable and alias arrays and must outlive it.
 * Input errors (preset, mapping, missing roles) are those of the plan. */
typedef struct tw_climate_roles_stream {
  const char *names[16];
  tw_ingest_alias aliases[12];
} tw_climate_roles_stream;
TW_API tw_status tw_climate_reader_open_roles(const tw_ingest_params *p, const tw_climate_request *rq,
                                              tw_climate_roles_stream *rs, tw_climate_reader **out);

/* How a variable's values relate to its time labels. */
typedef enum tw_timing {
  TW_TIMING_POINT = 0,     /* instantaneous at the label */
  TW_TIMING_MEAN = 1,      /* mean over an interval (see docs/INGEST.md for which) */
  TW_TIMING_EXTREME = 2    /* maximum or minimum over an interval */
} tw_timing;

/* Timing of variable v of c: from its cell_methods ("time: point",
 * "time: mean ...", "time: maximum/minimum ..."), else accumulated -> mean,
 * else the preset's rule (atlite influx_*: mean), else mean for daily and
 * longer steps and point for shorter ones. */
TW_API tw_timing tw_climate_var_timing(const tw_climate *c, const tw_climate_var *v, const char *preset);

/* Bring a climate dataset with a step longer than an hour (3-hourly,
 * 6-hourly, daily, monthly; a multiple of an hour) to hourly values, in
 * place: instantaneous values are interpolated linearly in time; interval
 * means are spread over the hours of their interval by a mean-preserving
 * profile (irradiance: the Haurwitz clear-sky shape at each cell; t2m with
 * tasmax/tasmin of the same day: a cosine diurnal cycle peaking at 15:00
 * local solar time; anything else: constant); the result's interval means
 * are labelled at the end of each hour (accumulated = 1). Extremes and
 * steps under an hour fail with TW_ERR_INPUT naming the variable. A step of
 * an hour (or no time axis) leaves c unchanged. *changed says whether it
 * resampled. */
TW_API tw_status tw_climate_to_hourly(tw_climate *c, const char *preset, int *changed);

/* tw_climate_to_hourly with a diurnal climatology `d` (NULL: none): interval
 * means of wind (u100, v100, u10, v10, uas, vas, sfcWind, wnd100m) get
 * M * f_h / mean(f over the interval's hours) and of t2m (unless the
 * tasmax/tasmin cycle applies) M + g_h - mean(g), with f, g of the nearest
 * reference cell at the calendar month and UTC hour of each hour's middle:
 * mean-preserving over every interval. */
TW_API tw_status tw_climate_to_hourly_diurnal(tw_climate *c, const char *preset, const tw_diurnal *d,
                                              int *changed);

/* Inverse-distance layout (src/convert/layout_idw.c): bus b's row holds
 * the TW_IDW_NEIGHBOURS cells with data nearest to the bus (great-circle
 * km; a cell "with data" has a finite first value of the first variable),
 * weighted by 1 / d^2 and normalised to sum 1; a bus within 1 mm of a cell
 * takes that cell alone. So a bus gets the weather interpolated to its own
 * location, instead of the mean of its Voronoi region (tw_layout_voronoi):
 * for station data and coarse model grids. */
#define TW_IDW_NEIGHBOURS 4
struct tw_layout;
TW_API tw_status tw_layout_inverse_distance(const tw_climate *c, size_t nbus,
                                            const char *const *bus_names, const double *bus_lon_deg,
                                            const double *bus_lat_deg, struct tw_layout **out);

#ifdef __cplusplus
}
#endif
#endif
