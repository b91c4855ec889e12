/* terrawatt: the scenario file (`terrawatt run SCENARIO.yaml`).
 * docs/SCENARIO.md documents every key.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_SCENARIO_H
#define TERRAWATT_SCENARIO_H

#include "terrawatt/export.h"

#include "terrawatt/climate_roles.h"
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
  char *description;     /* optional, one or a few sentences for the report */
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
  /* EV fleets (top-level `fleets`); NULL when absent: */
  double *ev_adoption;   /* multiplies the vehicles of every fleet (>= 0; 0: no fleets) */
  int *smart_charging;   /* 0: the task reports the immediate-charging dispatch (default 1) */
  double *smart_share;   /* overrides every fleet's smart_share (0..1) */
} tw_scenario_variant;

/* Vehicle-to-grid of a fleet (smart share only). */
typedef struct tw_fleet_v2g_config {
  double max_discharge_kw;         /* per vehicle, grid side (> 0) */
  double degradation_cost_per_mwh; /* currency per MWh discharged (>= 0) */
  double *efficiency;              /* battery -> grid (default 0.9) */
} tw_fleet_v2g_config;

/* An EV fleet at a bus (docs/SCENARIO.md, docs/MOBILITY.md). Optional
 * numbers are NULL when absent (tw_fleet_default's values apply). */
typedef struct tw_fleet_config {
  char *name;                /* default "<bus> EV"; component names start with it */
  char *bus;
  double vehicles;           /* > 0 */
  double *battery_kwh;       /* per vehicle (default 50) */
  double *charger_kw;        /* per vehicle (default 11) */
  double *efficiency;        /* charging, grid -> battery (default 0.9) */
  double *smart_share;       /* share in smart charging (default 0.5) */
  double *min_soc;           /* state of charge at min_soc_hour (default 0.8) */
  int *min_soc_hour;         /* departure hour of day 0..23, -1: none (default 7) */
  double *initial_soc;       /* default 0.8 */
  double *kwh_per_km;        /* default 0.18 */
  int *temperature_dependent;/* consumption x (1 + f(T)) from the member's t2m (default off) */
  double *temperature_lower_pct_per_k; /* below 15 C (default 0.98) */
  double *temperature_upper_pct_per_k; /* above 20 C (default 0.63) */
  tw_fleet_v2g_config *v2g;  /* optional */
  char *profiles;            /* "default" (built-in trip statistics) or an emobpy directory */
  double *availability_max;  /* plug-in share when nobody drives (default 0.95) */
  double *availability_mean; /* mean plug-in share (default 0.8) */
} tw_fleet_config;

/* Valley filling of the fleets' smart share (docs/MOBILITY.md). */
typedef struct tw_valley_filling_config {
  unsigned groups;           /* vehicle groups per fleet (default 100) */
  double tol;                /* convergence tolerance (default 1e-5) */
  unsigned max_iter;         /* default 2000 */
} tw_valley_filling_config;

/* `years:` of a member or of the climate block: a list, or all. */
typedef struct tw_member_years {
  int *years;
  unsigned count;
  int all;               /* 1: every year the data covers */
} tw_member_years;

/* `bias_correction:` of a member (docs/SCENARIO.md, docs/INGEST.md). */
typedef struct tw_bias_config {
  char **reference;          /* reference dataset files (relative to the scenario file) */
  unsigned reference_count;
  char *reference_preset;    /* preset of the reference (NULL: any name) */
  char *method;              /* "quantile_mapping" (default) or "delta" */
  int *calibration_years;    /* [first, last]: the period both datasets cover */
  unsigned calibration_years_count;
} tw_bias_config;

/* One ensemble member: a climate dataset (one or more NetCDF files). The
 * climate keys (docs/SCENARIO.md, "Climate members"): preset, variables,
 * align, years. */
typedef struct tw_member {
  char *name;
  char **files;          /* relative to the scenario file */
  unsigned files_count;
  char *preset;          /* era5, cmip6, atlite, cordex (NULL: the climate block's, or any) */
  tw_role_names *variables; /* role -> file variable (NULL: the climate block's) */
  char *align;           /* "exact" (default) or "month-day-hour" */
  double *level;         /* level/height coordinate value of 4-D variables (NULL: the climate's) */
  char **diurnal_reference; /* hourly dataset whose diurnal climatology shapes coarse wind and
                               temperature means (NULL: the climate block's, or none) */
  unsigned diurnal_reference_count;
  tw_bias_config *bias_correction; /* optional */
  tw_member_years years; /* not from the schema: read by src/scenario/years.c */
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
  char *description;     /* optional: what the run asks, for the report */
  char *currency;        /* of every cost in the run (default "EUR") */
  char *baseline;        /* scenario the report compares with (default: the first) */
  char **climate_files;  /* relative to the scenario file; optional when members are given */
  unsigned climate_files_count;
  char *climate_preset;  /* climate.preset: default of every member */
  tw_role_names *climate_variables; /* climate.variables: default of every member */
  char *climate_align;   /* climate.align: default of every member */
  double *climate_level; /* climate.level: default of every member */
  char **climate_diurnal_reference; /* climate.diurnal_reference: default of every member */
  unsigned climate_diurnal_reference_count;
  char *climate_assignment; /* climate.assignment: "nearest" (default) or "inverse_distance" */
  double climate_max_bus_distance_km; /* climate.max_bus_distance_km (default 50) */
  tw_member_years climate_years; /* climate.years (years.c) */
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
  tw_fleet_config *fleets;  /* optional EV fleets */
  unsigned fleets_count;
  tw_valley_filling_config *valley_filling; /* optional */
  /* Filled by tw_scenario_load, not read from YAML: */
  char *path;            /* the file itself */
  char *base_dir;        /* its directory, for relative paths */
} tw_scenario_file;

/* Load and validate a scenario file. Every problem is reported (not only
 * the first) in one TW_ERR_INPUT message naming the file, the key and the
 * value. Relative paths are resolved against the file's directory and
 * checked to exist. Free with tw_scenario_destroy. */
TW_API tw_status tw_scenario_load(const char *path, tw_scenario_file **out);

/* Resolve `relative` against the scenario's directory into a new string
 * (absolute paths are copied). Caller frees. */
TW_API tw_status tw_scenario_path(const tw_scenario_file *s, const char *relative, char **out);

/* Check every reference of the scenarios to the network (buses,
 * carriers, component names, outage start snapshots) and list every
 * problem in one TW_ERR_INPUT message naming the file, key and value.
 * Defined in src/scenario/variant.c. */
struct tw_network;
TW_API tw_status tw_scenario_check_network(const tw_scenario_file *s, const struct tw_network *net,
                                           const char *network_path);

/* Build fleet k of the file as scenario variant v (may be NULL: the file's
 * values) sees it: defaults, the file's keys, the variant's ev_adoption and
 * smart_share, and the profiles (built-in or emobpy files). *active is 0
 * when the variant's adoption leaves no vehicles. Fails with TW_ERR_INPUT
 * naming the file and key. Defined in src/scenario/fleets.c. */
struct tw_fleet;
TW_API tw_status tw_scenario_fleet(const tw_scenario_file *s, unsigned k, const tw_scenario_variant *v,
                                   struct tw_fleet *out, int *active);

/* Free (NULL-safe; sets *s to NULL). */
TW_API void tw_scenario_destroy(tw_scenario_file **s);

#ifdef __cplusplus
}
#endif
#endif
