/* terrawatt: the scenario file (`terrawatt run SCENARIO.yaml`).
 * docs/SCENARIO.md documents every key.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_SCENARIO_H
#define TERRAWATT_SCENARIO_H

#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Multiply the nominal capacity of every generator / storage unit / store
 * whose carrier is `carrier` by `factor` (>= 0). */
typedef struct tw_scale_rule {
  char *carrier;
  double factor;
} tw_scale_rule;

/* Remove assets: every generator, storage unit and store of `carrier`, or
 * the one component called `name` (generator, storage unit, store, line,
 * transformer or link). Exactly one of the two is set. Removed assets keep
 * their row in the results with zero capacity, so scenarios align. */
typedef struct tw_remove_rule {
  char *carrier;
  char *name;
} tw_remove_rule;

/* Add a generator (MW at a bus). Its carrier must exist in the network or
 * be the wind/solar carrier of the file; wind and solar carriers get the
 * capacity factors of their bus. */
typedef struct tw_add_generator {
  char *name;
  char *bus;
  char *carrier;
  double p_nom_mw;
  double marginal_cost;  /* currency/MWh (default 0) */
  double efficiency;     /* primary -> electric, for CO2 (default 1) */
} tw_add_generator;

/* Rooftop PV at a bus: a generator "<bus> rooftop PV" of carrier
 * "solar rooftop" with the solar capacity factors of the bus, zero
 * marginal cost, and no land use. Needs the file's `solar` section. */
typedef struct tw_rooftop_pv {
  char *bus;
  double p_nom_mw;
} tw_rooftop_pv;

/* A storage unit "<bus> storage <i>" of carrier "battery" (cyclic state
 * of charge). */
typedef struct tw_add_storage {
  char *bus;
  double p_nom_mw;
  double max_hours;           /* energy = max_hours x p_nom (default 4 h) */
  double efficiency_store;    /* default 0.95 */
  double efficiency_dispatch; /* default 0.95 */
} tw_add_storage;

/* Named components (generators, storage units, stores, lines,
 * transformers, links) out of service from `start` (a snapshot label,
 * "YYYY-MM-DD HH:MM:SS") for `repair_h` hours: their p_max_pu / s_max_pu
 * (and p_min_pu) are 0 over those snapshots. */
typedef struct tw_outage {
  char *name;            /* optional label (default "outage <i>") */
  char **components;
  unsigned components_count;
  char *start;
  double repair_h;
} tw_outage;

/* A named variant of the base system. Changes apply in this order:
 * remove, scale_capacity, add, rooftop_pv, storage, demand_growth,
 * co2_price, co2_cap, outages. */
typedef struct tw_scenario_variant {
  char *name;
  tw_scale_rule *scale_capacity;
  unsigned scale_capacity_count;
  tw_remove_rule *remove;
  unsigned remove_count;
  tw_add_generator *add;
  unsigned add_count;
  tw_rooftop_pv *rooftop_pv;
  unsigned rooftop_pv_count;
  tw_add_storage *storage;
  unsigned storage_count;
  tw_outage *outages;
  unsigned outages_count;
  double demand_scale;   /* multiplies every load; default 1 */
  double demand_growth;  /* alias: also multiplies every load (default 1) */
  double co2_cap_t;      /* > 0: cap on total CO2 emissions (t); 0: none */
  double co2_price_per_t;/* > 0: added to marginal costs as price x co2 / efficiency */
} tw_scenario_variant;

/* One ensemble member: a climate dataset (one or more NetCDF files). */
typedef struct tw_member {
  char *name;
  char **files;          /* relative to the scenario file */
  unsigned files_count;
} tw_member;

/* A per-carrier factor (land use km2/MW, water m3/MWh). */
typedef struct tw_carrier_factor {
  char *carrier;
  double value;
} tw_carrier_factor;

/* Settings of the resilience and planetary metrics. */
typedef struct tw_metrics_config {
  double drought_threshold;      /* combined wind+solar CF below this is "dark and still"
                                    (default 0.1) */
  unsigned drought_min_hours;    /* shortest run counted as a drought (default 48) */
  unsigned drought_window_h;     /* CF is first averaged over a centred window of this many
                                    snapshots (default 24: daily mean; 1: hourly values) */
  tw_carrier_factor *land_use_km2_per_mw;  /* override/extend the defaults */
  unsigned land_use_km2_per_mw_count;
  tw_carrier_factor *water_m3_per_mwh;
  unsigned water_m3_per_mwh_count;
} tw_metrics_config;

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
  char **climate_files;  /* relative to the scenario file; optional when members are given */
  unsigned climate_files_count;
  char *network;         /* PyPSA CSV folder or NetCDF, relative to the scenario file */
  tw_wind_config *wind;  /* optional */
  tw_solar_config *solar;/* optional */
  tw_optimize_config *optimize; /* optional */
  tw_scenario_variant *scenarios;
  unsigned scenarios_count;
  tw_member *members;    /* optional; absent: one member "climate" = climate.files */
  unsigned members_count;
  tw_metrics_config *metrics; /* optional */
  struct tw_forecast_stage_config *forecast; /* optional (forecast_stage.h, docs/SCENARIO.md) */
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

/* Check every reference of the scenarios to the network (buses,
 * carriers, component names, outage start snapshots) and list every
 * problem in one TW_ERR_INPUT message naming the file, key and value.
 * Defined in src/scenario/variant.c. */
struct tw_network;
tw_status tw_scenario_check_network(const tw_scenario_file *s, const struct tw_network *net,
                                    const char *network_path);

/* Free (NULL-safe; sets *s to NULL). */
void tw_scenario_destroy(tw_scenario_file **s);

#ifdef __cplusplus
}
#endif
#endif
