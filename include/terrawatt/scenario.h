/* terrawatt: the scenario file (`terrawatt run SCENARIO.yaml`).
 * docs/SCENARIO.md documents every key.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_SCENARIO_H
#define TERRAWATT_SCENARIO_H

#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Multiply the nominal capacity of every generator / storage unit whose
 * carrier is `carrier` by `factor` (>= 0). */
typedef struct tw_scale_rule {
  char *carrier;
  double factor;
} tw_scale_rule;

/* A named variant of the base system. */
typedef struct tw_scenario_variant {
  char *name;
  tw_scale_rule *scale_capacity;
  unsigned scale_capacity_count;
  double demand_scale;   /* multiplies every load; default 1 */
  double co2_cap_t;      /* > 0: cap on total CO2 emissions (t); 0: none */
} tw_scenario_variant;

typedef struct tw_wind_config {
  char *carrier;         /* generators of this carrier get wind capacity factors */
  char *turbine;         /* atlite-style turbine YAML (path, relative to the scenario) */
  double hub_height_m;   /* 0: the turbine's HUB_HEIGHT */
} tw_wind_config;

typedef struct tw_solar_config {
  char *carrier;         /* generators of this carrier get PV capacity factors */
  char *panel;           /* panel YAML (path) */
  char *orientation;     /* "latitude_optimal" (default), "fixed" or "single_axis" */
  double tilt_deg;       /* for "fixed" */
  double azimuth_deg;    /* for "fixed"; 180 = south */
} tw_solar_config;

typedef struct tw_optimize_config {
  double load_shedding_cost; /* currency/MWh of unserved energy; 0 = no load shedding */
  unsigned horizon_h;        /* 0 = whole period in one LP */
  unsigned overlap_h;
} tw_optimize_config;

typedef struct tw_scenario_file {
  char *name;
  char **climate_files;  /* relative to the scenario file */
  unsigned climate_files_count;
  char *network;         /* PyPSA CSV folder or NetCDF, relative to the scenario file */
  tw_wind_config *wind;  /* optional */
  tw_solar_config *solar;/* optional */
  tw_optimize_config *optimize; /* optional */
  tw_scenario_variant *scenarios;
  unsigned scenarios_count;
  /* Filled by tw_scenario_load, not read from YAML: */
  char *path;            /* the file itself */
  char *base_dir;        /* its directory, for relative paths */
} tw_scenario_file;

/* Load and validate a scenario file. Every problem is reported (not only
 * the first) in one TW_ERR_INPUT message naming the file, the key and the
 * value. Relative paths are resolved against the file's directory and
 * checked to exist. Free with tw_scenario_destroy. */
tw_status tw_scenario_load(const char *path, tw_scenario_file **out);

/* Resolve `relative` against the scenario's directory into a new string
 * (absolute paths are copied). Caller frees. */
tw_status tw_scenario_path(const tw_scenario_file *s, const char *relative, char **out);

/* Free (NULL-safe; sets *s to NULL). */
void tw_scenario_destroy(tw_scenario_file **s);

#ifdef __cplusplus
}
#endif
#endif
