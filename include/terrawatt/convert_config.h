/* terrawatt: the `terrawatt convert CONFIG.yaml` configuration
 * (docs/CONVERT.md documents every key) and the stage it drives.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_CONVERT_CONFIG_H
#define TERRAWATT_CONVERT_CONFIG_H

#include "terrawatt/export.h"

#include "terrawatt/backend.h"
#include "terrawatt/climate_roles.h"
#include "terrawatt/yaml.h"
#include "terrawatt/convert.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tw_convert_bus_entry {
  char *name;
  double x, y; /* lon, lat degrees */
} tw_convert_bus_entry;

typedef struct tw_convert_wind_cfg {
  char *turbine;        /* atlite YAML path, or an oedb type with oedb_dir */
  char *oedb_dir;       /* folder with oedb_power_curves.csv (optional) */
  double *hub_height_m; /* optional */
  char *extrapolation;  /* "log" (default) or "power" */
  int smoothing;        /* Andresen fleet smoothing */
  double *roughness_m;  /* used when the data has no fsr (default 0.03) */
} tw_convert_wind_cfg;

typedef struct tw_convert_solar_cfg {
  char *panel;          /* atlite Huld YAML path, or "pvwatts" */
  char *orientation;    /* "latitude_optimal" (default), "fixed", "single_axis" */
  char *sky_model;      /* "hay_davies" (default) or "perez" */
  char *sun_position;   /* "fast" (default) or "spa" */
  double *tilt_deg, *azimuth_deg, *axis_azimuth_deg, *max_rotation_deg, *albedo;
  double *dc_ac_ratio, *losses, *gamma_per_K, *inverter_efficiency;
} tw_convert_solar_cfg;

typedef struct tw_convert_demand_cfg {
  double *heating_threshold_C, *cooling_threshold_C;
  int daily_mean;
} tw_convert_demand_cfg;

typedef struct tw_convert_config {
  char **climate_files;
  unsigned climate_files_count;
  char *preset;                   /* climate.preset: era5, cmip6, atlite, cordex (NULL: any) */
  tw_role_names *variables;       /* climate.variables: role -> file variable name */
  double *level;                  /* climate.level: level/height coordinate value to read */
  char *network;                  /* PyPSA network for bus coordinates, or */
  tw_convert_bus_entry *buses;    /* an explicit bus list */
  unsigned buses_count;
  char *weighting;                /* "equal" (default) or "area" */
  char *layout_file;              /* layout NetCDF: capacity per cell (instead of weighting) */
  char *layout_variable;          /* its variable (default "capacity") */
  tw_convert_wind_cfg *wind;
  tw_convert_solar_cfg *solar;
  tw_convert_demand_cfg *demand;
  char *base_dir;                 /* the file's directory (not from YAML) */
} tw_convert_config;

/* Load and check a convert configuration. Relative paths are resolved
 * against the file's directory. TW_ERR_INPUT names the file, key and
 * value. Free with tw_convert_config_destroy. */
TW_API tw_status tw_convert_config_load(const char *path, tw_convert_config **out);
TW_API void tw_convert_config_destroy(tw_convert_config **c);

/* The cyaml fields of a `variables:` mapping (role -> file variable name),
 * shared by the convert and scenario files (src/convert/role_schema.c). */
extern TW_API const cyaml_schema_field_t tw_role_names_fields[];

/* What the configuration's conversions need from the climate data. */
TW_API void tw_convert_climate_request(const tw_convert_config *cfg, const tw_convert_params *p,
                                       tw_climate_request *rq);

/* Summary of a finished conversion, for --json and logs. */
typedef struct tw_convert_summary {
  size_t nbus, ntime, ncell;
  double wind_cf_mean, solar_cf_mean; /* NaN when not computed */
  double hdh_sum_Kh, cdh_sum_Kh;      /* bus-mean degree-hours over the period */
  double seconds;
} tw_convert_summary;

/* Read the climate data, build the layout, convert on `be`, write the
 * per-bus series to `out_path` (atomically). */
TW_API tw_status tw_convert_run(const tw_convert_config *cfg, tw_backend *be, const char *out_path,
                                tw_convert_summary *summary);

#ifdef __cplusplus
}
#endif
#endif
