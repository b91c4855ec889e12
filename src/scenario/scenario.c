/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/scenario.h"
#include "terrawatt/forecast_stage.h"
#include "terrawatt/input_file.h"
#include "terrawatt/name.h"
#include "terrawatt/yaml.h"
#include "terrawatt/convert_config.h"
#include "scenario_years.h"
#include "fields.h"
#include "fleets.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "terrawatt/alloc.h"

#define STR_FIELD(key, flags, type, member) \
  CYAML_FIELD_STRING_PTR(key, (flags) | CYAML_FLAG_POINTER, type, member, 1, CYAML_UNLIMITED)

static const cyaml_schema_value_t string_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t scale_fields[] = {
    STR_FIELD("carrier", CYAML_FLAG_DEFAULT, tw_scale_rule, carrier),
    CYAML_FIELD_FLOAT("factor", CYAML_FLAG_DEFAULT, tw_scale_rule, factor),
    CYAML_FIELD_END};
static const cyaml_schema_value_t scale_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_scale_rule, scale_fields)};

static const cyaml_schema_field_t remove_fields[] = {
    STR_FIELD("carrier", CYAML_FLAG_OPTIONAL, tw_remove_rule, carrier),
    STR_FIELD("name", CYAML_FLAG_OPTIONAL, tw_remove_rule, name),
    CYAML_FIELD_END};
static const cyaml_schema_value_t remove_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_remove_rule, remove_fields)};

static const cyaml_schema_field_t add_fields[] = {
    STR_FIELD("name", CYAML_FLAG_DEFAULT, tw_add_generator, name),
    STR_FIELD("bus", CYAML_FLAG_DEFAULT, tw_add_generator, bus),
    STR_FIELD("carrier", CYAML_FLAG_DEFAULT, tw_add_generator, carrier),
    CYAML_FIELD_FLOAT("p_nom_mw", CYAML_FLAG_DEFAULT, tw_add_generator, p_nom_mw),
    CYAML_FIELD_FLOAT("marginal_cost", CYAML_FLAG_OPTIONAL, tw_add_generator, marginal_cost),
    CYAML_FIELD_FLOAT("efficiency", CYAML_FLAG_OPTIONAL, tw_add_generator, efficiency),
    CYAML_FIELD_END};
static const cyaml_schema_value_t add_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_add_generator, add_fields)};

static const cyaml_schema_field_t rooftop_fields[] = {
    STR_FIELD("bus", CYAML_FLAG_DEFAULT, tw_rooftop_pv, bus),
    CYAML_FIELD_FLOAT("p_nom_mw", CYAML_FLAG_DEFAULT, tw_rooftop_pv, p_nom_mw),
    CYAML_FIELD_END};
static const cyaml_schema_value_t rooftop_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_rooftop_pv, rooftop_fields)};

static const cyaml_schema_field_t storage_fields[] = {
    STR_FIELD("bus", CYAML_FLAG_DEFAULT, tw_add_storage, bus),
    CYAML_FIELD_FLOAT("p_nom_mw", CYAML_FLAG_DEFAULT, tw_add_storage, p_nom_mw),
    CYAML_FIELD_FLOAT("max_hours", CYAML_FLAG_OPTIONAL, tw_add_storage, max_hours),
    CYAML_FIELD_FLOAT("efficiency_store", CYAML_FLAG_OPTIONAL, tw_add_storage, efficiency_store),
    CYAML_FIELD_FLOAT("efficiency_dispatch", CYAML_FLAG_OPTIONAL, tw_add_storage,
                      efficiency_dispatch),
    CYAML_FIELD_END};
static const cyaml_schema_value_t storage_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_add_storage, storage_fields)};

static const cyaml_schema_field_t outage_fields[] = {
    STR_FIELD("name", CYAML_FLAG_OPTIONAL, tw_outage, name),
    CYAML_FIELD_SEQUENCE("components", CYAML_FLAG_POINTER, tw_outage, components, &string_entry, 1,
                         CYAML_UNLIMITED),
    STR_FIELD("start", CYAML_FLAG_DEFAULT, tw_outage, start),
    CYAML_FIELD_FLOAT("repair_h", CYAML_FLAG_DEFAULT, tw_outage, repair_h),
    CYAML_FIELD_END};
static const cyaml_schema_value_t outage_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_outage, outage_fields)};

#define OPT_SEQ(key, type, member, entry) \
  CYAML_FIELD_SEQUENCE(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, type, member, entry, 0, \
                       CYAML_UNLIMITED)

static const cyaml_schema_field_t variant_fields[] = {
    STR_FIELD("name", CYAML_FLAG_DEFAULT, tw_scenario_variant, name),
    STR_FIELD("description", CYAML_FLAG_OPTIONAL, tw_scenario_variant, description),
    OPT_SEQ("scale_capacity", tw_scenario_variant, scale_capacity, &scale_entry),
    OPT_SEQ("remove", tw_scenario_variant, remove, &remove_entry),
    OPT_SEQ("add", tw_scenario_variant, add, &add_entry),
    OPT_SEQ("rooftop_pv", tw_scenario_variant, rooftop_pv, &rooftop_entry),
    OPT_SEQ("storage", tw_scenario_variant, storage, &storage_entry),
    OPT_SEQ("outages", tw_scenario_variant, outages, &outage_entry),
    CYAML_FIELD_FLOAT("demand_scale", CYAML_FLAG_OPTIONAL, tw_scenario_variant, demand_scale),
    CYAML_FIELD_FLOAT("demand_growth", CYAML_FLAG_OPTIONAL, tw_scenario_variant, demand_growth),
    CYAML_FIELD_FLOAT("co2_cap_t", CYAML_FLAG_OPTIONAL, tw_scenario_variant, co2_cap_t),
    CYAML_FIELD_FLOAT("co2_price_per_t", CYAML_FLAG_OPTIONAL, tw_scenario_variant, co2_price_per_t),
    /* EV fleets (src/scenario/fleets.c) */
    CYAML_FIELD_FLOAT_PTR("ev_adoption", CYAML_FLAG_OPTIONAL, tw_scenario_variant, ev_adoption),
    CYAML_FIELD_BOOL_PTR("smart_charging", CYAML_FLAG_OPTIONAL, tw_scenario_variant,
                         smart_charging),
    CYAML_FIELD_FLOAT_PTR("smart_share", CYAML_FLAG_OPTIONAL, tw_scenario_variant, smart_share),
    CYAML_FIELD_END};
static const cyaml_schema_value_t variant_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_scenario_variant, variant_fields)};

static const cyaml_schema_value_t year_entry = {CYAML_VALUE_INT(CYAML_FLAG_DEFAULT, int)};

static const cyaml_schema_field_t bias_fields[] = {
    CYAML_FIELD_SEQUENCE("reference", CYAML_FLAG_POINTER, tw_bias_config, reference,
                         &string_entry, 1, CYAML_UNLIMITED),
    STR_FIELD("reference_preset", CYAML_FLAG_OPTIONAL, tw_bias_config, reference_preset),
    STR_FIELD("method", CYAML_FLAG_OPTIONAL, tw_bias_config, method),
    CYAML_FIELD_SEQUENCE("calibration_years", CYAML_FLAG_POINTER, tw_bias_config,
                         calibration_years, &year_entry, 2, 2),
    CYAML_FIELD_END};

static const cyaml_schema_field_t member_fields[] = {
    STR_FIELD("name", CYAML_FLAG_DEFAULT, tw_member, name),
    CYAML_FIELD_SEQUENCE("files", CYAML_FLAG_POINTER, tw_member, files, &string_entry, 1,
                         CYAML_UNLIMITED),
    /* climate keys (docs/SCENARIO.md, "Climate members"); `years` is read by years.c */
    STR_FIELD("preset", CYAML_FLAG_OPTIONAL, tw_member, preset),
    CYAML_FIELD_MAPPING_PTR("variables", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_member,
                            variables, tw_role_names_fields),
    STR_FIELD("align", CYAML_FLAG_OPTIONAL, tw_member, align),
    CYAML_FIELD_FLOAT_PTR("level", CYAML_FLAG_OPTIONAL, tw_member, level),
    CYAML_FIELD_SEQUENCE("diurnal_reference", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_member,
                         diurnal_reference, &string_entry, 1, CYAML_UNLIMITED),
    CYAML_FIELD_IGNORE("years", CYAML_FLAG_OPTIONAL),
    CYAML_FIELD_MAPPING_PTR("bias_correction", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_member,
                            bias_correction, bias_fields),
    CYAML_FIELD_END};
static const cyaml_schema_value_t member_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_member, member_fields)};

static const cyaml_schema_field_t factor_fields[] = {
    STR_FIELD("carrier", CYAML_FLAG_DEFAULT, tw_carrier_factor, carrier),
    CYAML_FIELD_FLOAT("value", CYAML_FLAG_DEFAULT, tw_carrier_factor, value),
    CYAML_FIELD_END};
static const cyaml_schema_value_t factor_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_carrier_factor, factor_fields)};

static const cyaml_schema_field_t metrics_fields[] = {
    CYAML_FIELD_FLOAT("drought_threshold", CYAML_FLAG_OPTIONAL, tw_metrics_config,
                      drought_threshold),
    CYAML_FIELD_UINT("drought_min_hours", CYAML_FLAG_OPTIONAL, tw_metrics_config,
                     drought_min_hours),
    CYAML_FIELD_UINT("drought_window_h", CYAML_FLAG_OPTIONAL, tw_metrics_config,
                     drought_window_h),
    OPT_SEQ("land_use_km2_per_mw", tw_metrics_config, land_use_km2_per_mw, &factor_entry),
    OPT_SEQ("water_m3_per_mwh", tw_metrics_config, water_m3_per_mwh, &factor_entry),
    CYAML_FIELD_END};

static const cyaml_schema_field_t wind_fields[] = {
    STR_FIELD("carrier", CYAML_FLAG_DEFAULT, tw_wind_config, carrier),
    STR_FIELD("turbine", CYAML_FLAG_DEFAULT, tw_wind_config, turbine),
    CYAML_FIELD_FLOAT("hub_height_m", CYAML_FLAG_OPTIONAL, tw_wind_config, hub_height_m),
    CYAML_FIELD_END};

static const cyaml_schema_field_t solar_fields[] = {
    STR_FIELD("carrier", CYAML_FLAG_DEFAULT, tw_solar_config, carrier),
    STR_FIELD("panel", CYAML_FLAG_DEFAULT, tw_solar_config, panel),
    STR_FIELD("orientation", CYAML_FLAG_OPTIONAL, tw_solar_config, orientation),
    CYAML_FIELD_FLOAT("tilt_deg", CYAML_FLAG_OPTIONAL, tw_solar_config, tilt_deg),
    CYAML_FIELD_FLOAT("azimuth_deg", CYAML_FLAG_OPTIONAL, tw_solar_config, azimuth_deg),
    CYAML_FIELD_END};

static const cyaml_schema_field_t optimize_fields[] = {
    CYAML_FIELD_FLOAT("load_shedding_cost", CYAML_FLAG_OPTIONAL, tw_optimize_config,
                      load_shedding_cost),
    CYAML_FIELD_UINT("horizon_h", CYAML_FLAG_OPTIONAL, tw_optimize_config, horizon_h),
    CYAML_FIELD_UINT("overlap_h", CYAML_FLAG_OPTIONAL, tw_optimize_config, overlap_h),
    CYAML_FIELD_END};

static const cyaml_schema_field_t climate_fields[] = {
    CYAML_FIELD_SEQUENCE("files", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_scenario_file,
                         climate_files, &string_entry, 0, CYAML_UNLIMITED),
    STR_FIELD("preset", CYAML_FLAG_OPTIONAL, tw_scenario_file, climate_preset),
    CYAML_FIELD_MAPPING_PTR("variables", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
                            tw_scenario_file, climate_variables, tw_role_names_fields),
    STR_FIELD("align", CYAML_FLAG_OPTIONAL, tw_scenario_file, climate_align),
    CYAML_FIELD_FLOAT_PTR("level", CYAML_FLAG_OPTIONAL, tw_scenario_file, climate_level),
    CYAML_FIELD_SEQUENCE("diurnal_reference", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
                         tw_scenario_file, climate_diurnal_reference, &string_entry, 1,
                         CYAML_UNLIMITED),
    STR_FIELD("assignment", CYAML_FLAG_OPTIONAL, tw_scenario_file, climate_assignment),
    CYAML_FIELD_FLOAT("max_bus_distance_km", CYAML_FLAG_OPTIONAL, tw_scenario_file,
                      climate_max_bus_distance_km),
    CYAML_FIELD_IGNORE("years", CYAML_FLAG_OPTIONAL),
    CYAML_FIELD_END};

static const cyaml_schema_field_t top_fields[] = {
    STR_FIELD("name", CYAML_FLAG_DEFAULT, tw_scenario_file, name),
    STR_FIELD("description", CYAML_FLAG_OPTIONAL, tw_scenario_file, description),
    STR_FIELD("currency", CYAML_FLAG_OPTIONAL, tw_scenario_file, currency), /* fields.c checks */
    STR_FIELD("baseline", CYAML_FLAG_OPTIONAL, tw_scenario_file, baseline),
    /* `climate` is a mapping whose fields live directly in the top struct. */
    {.key = "climate", .data_offset = 0, .value = {CYAML_VALUE_MAPPING(CYAML_FLAG_OPTIONAL, tw_scenario_file, climate_fields)}},
    STR_FIELD("network", CYAML_FLAG_DEFAULT, tw_scenario_file, network),
    CYAML_FIELD_MAPPING_PTR("wind", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_scenario_file,
                            wind, wind_fields),
    CYAML_FIELD_MAPPING_PTR("solar", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_scenario_file,
                            solar, solar_fields),
    CYAML_FIELD_MAPPING_PTR("optimize", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
                            tw_scenario_file, optimize, optimize_fields),
    CYAML_FIELD_SEQUENCE("scenarios", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_scenario_file,
                         scenarios, &variant_entry, 0, CYAML_UNLIMITED),
    OPT_SEQ("members", tw_scenario_file, members, &member_entry),
    CYAML_FIELD_MAPPING_PTR("metrics", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_scenario_file,
                            metrics, metrics_fields),
    /* forecast stage: schema in src/scenario/forecast_stage.c */
    CYAML_FIELD_MAPPING_PTR("forecast", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_scenario_file,
                            forecast, tw_forecast_stage_fields),
    /* EV fleets: schema in src/scenario/fleets.c */
    OPT_SEQ("fleets", tw_scenario_file, fleets, &tw_fleet_config_entry),
    CYAML_FIELD_MAPPING_PTR("valley_filling", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
                            tw_scenario_file, valley_filling, tw_valley_filling_fields),
    CYAML_FIELD_END};

static const cyaml_schema_value_t top_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, tw_scenario_file, top_fields)};

/* Accumulates every validation problem into one message. Every check
 * passes the key it is about as data; a key whose value fields.c already
 * rejected is not reported again (the table's message names the value). */
typedef struct problems {
  char text[8192];
  int count;
  char value_keys[64][128]; /* keys with a bad value (fields.c) */
  int n_value_keys;
} problems;

static int value_rejected(const problems *p, const char *key) {
  for (int i = 0; i < p->n_value_keys; i++)
    if (strcmp(p->value_keys[i], key) == 0) return 1;
  return 0;
}

static void add_problem(problems *p, const char *message) {
  size_t used = strlen(p->text);
  if (used + 8 < sizeof p->text) {
    if (p->count) {
      memcpy(p->text + used, "; ", 3);
      used += 2;
    }
    snprintf(p->text + used, sizeof p->text - used, "%s", message);
  }
  p->count++;
}

/* "key: <fmt>", unless fields.c rejected the value of key. */
static void keyed_problem(problems *p, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void keyed_problem(problems *p, const char *key, const char *fmt, ...) {
  char msg[2048];
  if (value_rejected(p, key)) return;
  int n = snprintf(msg, sizeof msg, "%s: ", key);
  va_list ap;
  va_start(ap, fmt);
  if (n > 0 && (size_t)n < sizeof msg) vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  va_end(ap);
  add_problem(p, msg);
}

/* fields.c: one bad value; its key is remembered (keys longer than the
 * slot, or past 64 of them, are not: their other checks still report). */
static void value_problem(void *ctx, const char *key, const char *message) {
  problems *p = ctx;
  add_problem(p, message);
  if (p->n_value_keys < 64 && strlen(key) < sizeof p->value_keys[0])
    snprintf(p->value_keys[p->n_value_keys++], sizeof p->value_keys[0], "%s", key);
}

/* fleets.c and the forecast stage: a whole message about key (NULL: about
 * no single key, always reported). */
static void checked_problem(void *ctx, const char *key, const char *message) {
  problems *p = ctx;
  if (key && value_rejected(p, key)) return;
  add_problem(p, message);
}

/* The path must exist and be a regular file (folder_ok: or a directory,
 * for the network), never a FIFO or device (they hang or never end). */
static void check_input(problems *p, const tw_scenario_file *s, const char *key, const char *rel,
                        int folder_ok) {
  char *full = NULL;
  struct stat sb;
  if (tw_scenario_path(s, rel, &full) != TW_OK) return;
  if (stat(full, &sb) != 0) keyed_problem(p, key, "'%s': %s", rel, strerror(errno));
  else if (!(folder_ok && S_ISDIR(sb.st_mode)) && tw_input_check(full, 0) != TW_OK)
    keyed_problem(p, key, "%s", tw_last_error());
  free(full);
}

static void check_path(problems *p, const tw_scenario_file *s, const char *key, const char *rel) {
  check_input(p, s, key, rel, 0);
}

static int bad_number(double x, double lo) { return !(x >= lo) || !isfinite(x); }

/* Numbers with a documented upper end (docs/SCENARIO.md). */
static int out_of_range(double x, double lo, double hi) { return !(x >= lo && x <= hi); }

#define TW_MAX_DEMAND_FACTOR 1000.0 /* demand_scale, demand_growth: at most 1000x */
#define TW_MAX_CAPACITY_MW 1e7      /* added capacities: 10 TW */
#define TW_MAX_COST 1e9             /* currency/MWh, currency/t */

/* The one name rule (terrawatt/name.h), for every name the file chooses. */
static void check_name(problems *p, const char *key, const char *name) {
  const char *why = tw_name_problem(name);
  char shown[512];
  tw_name_escape(name, shown, sizeof shown);
  if (why) keyed_problem(p, key, "name '%s' %s", shown, why);
}

static int bad_align(const char *a) {
  return a && strcmp(a, "exact") != 0 && strcmp(a, "month-day-hour") != 0;
}

static int bad_preset(const char *preset) {
  if (tw_preset_check(preset, "preset") == TW_OK) return 0;
  tw_error_clear();
  return 1;
}

static void validate_members(const tw_scenario_file *s, problems *p) {
  tw_field_key k;
  if (bad_align(s->climate_align))
    keyed_problem(p, "climate.align", "'%s' (expected 'exact' or 'month-day-hour')",
                  s->climate_align);
  if (s->climate_assignment && strcmp(s->climate_assignment, "nearest") &&
      strcmp(s->climate_assignment, "inverse_distance"))
    keyed_problem(p, "climate.assignment", "'%s' (expected 'nearest' or 'inverse_distance')",
                  s->climate_assignment);
  for (unsigned f = 0; f < s->climate_diurnal_reference_count; f++)
    check_path(p, s, "climate.diurnal_reference", s->climate_diurnal_reference[f]);
  if (bad_preset(s->climate_preset))
    keyed_problem(p, "climate.preset", "'%s' (expected era5, cmip6, atlite or cordex)",
                  s->climate_preset);
  if (!(s->climate_max_bus_distance_km > 0) || !isfinite(s->climate_max_bus_distance_km))
    keyed_problem(p, "climate.max_bus_distance_km", "%g must be > 0",
                  s->climate_max_bus_distance_km);
  for (unsigned i = 0; i < s->members_count; i++) {
    const tw_member *m = &s->members[i];
    if (bad_align(m->align))
      keyed_problem(p, tw_field_key_at(&k, "members[%u].align", i),
                    "'%s' (expected 'exact' or 'month-day-hour')", m->align);
    if (bad_preset(m->preset))
      keyed_problem(p, tw_field_key_at(&k, "members[%u].preset", i),
                    "'%s' (expected era5, cmip6, atlite or cordex)", m->preset);
    for (unsigned f = 0; f < m->diurnal_reference_count; f++) {
      char key[64];
      snprintf(key, sizeof key, "members[%u].diurnal_reference", i);
      check_path(p, s, key, m->diurnal_reference[f]);
    }
    const tw_bias_config *bc = m->bias_correction;
    if (bc) {
      if (bc->method && strcmp(bc->method, "delta") && strcmp(bc->method, "quantile_mapping"))
        keyed_problem(p, tw_field_key_at(&k, "members[%u].bias_correction.method", i),
                      "'%s' (expected 'delta' or 'quantile_mapping')", bc->method);
      if (bad_preset(bc->reference_preset))
        keyed_problem(p, tw_field_key_at(&k, "members[%u].bias_correction.reference_preset", i),
                      "'%s' (expected era5, cmip6, atlite or cordex)", bc->reference_preset);
      if (bc->calibration_years_count == 2 && bc->calibration_years[0] > bc->calibration_years[1])
        keyed_problem(p, tw_field_key_at(&k, "members[%u].bias_correction.calibration_years", i),
                      "[%d, %d] is not [first, last]", bc->calibration_years[0],
                      bc->calibration_years[1]);
      for (unsigned f = 0; f < bc->reference_count; f++) {
        char key[80];
        snprintf(key, sizeof key, "members[%u].bias_correction.reference", i);
        check_path(p, s, key, bc->reference[f]);
      }
    }
    char key[48];
    snprintf(key, sizeof key, "members[%u].name", i);
    check_name(p, key, m->name);
    for (unsigned j = 0; j < i; j++)
      if (strcmp(s->members[j].name, m->name) == 0)
        keyed_problem(p, key, "'%s' is used twice", m->name);
    for (unsigned f = 0; f < m->files_count; f++) {
      char fkey[64];
      snprintf(fkey, sizeof fkey, "members[%u].files", i);
      check_path(p, s, fkey, m->files[f]);
    }
  }
}

static void validate_factors(const char *key, const tw_carrier_factor *f, unsigned n,
                             problems *p) {
  tw_field_key k;
  for (unsigned i = 0; i < n; i++) {
    if (bad_number(f[i].value, 0))
      keyed_problem(p, tw_field_key_at(&k, "metrics.%s[%u].value", key, i),
                    "%g is not a factor >= 0", f[i].value);
    for (unsigned j = 0; j < i; j++)
      if (strcmp(f[j].carrier, f[i].carrier) == 0)
        keyed_problem(p, tw_field_key_at(&k, "metrics.%s[%u].carrier", key, i),
                      "'%s' is listed twice", f[i].carrier);
  }
}

static void validate_metrics(const tw_metrics_config *m, problems *p) {
  if (bad_number(m->drought_threshold, 0) || m->drought_threshold > 1)
    keyed_problem(p, "metrics.drought_threshold", "%g is not a capacity factor in 0..1",
                  m->drought_threshold);
  validate_factors("land_use_km2_per_mw", m->land_use_km2_per_mw, m->land_use_km2_per_mw_count,
                   p);
  validate_factors("water_m3_per_mwh", m->water_m3_per_mwh, m->water_m3_per_mwh_count, p);
}

static void validate_variant_changes(const tw_scenario_file *s, const tw_scenario_variant *v,
                                     unsigned i, problems *p) {
  tw_field_key fk;
  for (unsigned k = 0; k < v->remove_count; k++) {
    const tw_remove_rule *r = &v->remove[k];
    if (!r->carrier == !r->name)
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].remove[%u]", i, k),
                    "give exactly one of 'carrier' or 'name'");
  }
  for (unsigned k = 0; k < v->add_count; k++) {
    const tw_add_generator *a = &v->add[k];
    char key[64];
    snprintf(key, sizeof key, "scenarios[%u].add[%u].name", i, k);
    check_name(p, key, a->name);
    for (unsigned j = 0; j < k; j++)
      if (strcmp(v->add[j].name, a->name) == 0)
        keyed_problem(p, key, "'%s' is used twice (add[%u])", a->name, j);
    if (out_of_range(a->p_nom_mw, 0, TW_MAX_CAPACITY_MW))
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].add[%u].p_nom_mw", i, k),
                    "%g is not a capacity in 0..1e7 MW", a->p_nom_mw);
    if (!(a->efficiency > 0 && a->efficiency <= 1))
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].add[%u].efficiency", i, k),
                    "%g is not an efficiency in (0, 1]", a->efficiency);
    if (out_of_range(a->marginal_cost, -TW_MAX_COST, TW_MAX_COST))
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].add[%u].marginal_cost", i, k),
                    "%g is not a cost in -1e9..1e9", a->marginal_cost);
  }
  if (v->rooftop_pv_count && !s->solar)
    keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].rooftop_pv", i),
                  "needs the top-level 'solar' section for its capacity factors");
  for (unsigned k = 0; k < v->rooftop_pv_count; k++)
    if (out_of_range(v->rooftop_pv[k].p_nom_mw, 0, TW_MAX_CAPACITY_MW))
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].rooftop_pv[%u].p_nom_mw", i, k),
                    "%g is not a capacity in 0..1e7 MW", v->rooftop_pv[k].p_nom_mw);
  for (unsigned k = 0; k < v->storage_count; k++) {
    const tw_add_storage *a = &v->storage[k];
    if (out_of_range(a->p_nom_mw, 0, TW_MAX_CAPACITY_MW))
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].storage[%u].p_nom_mw", i, k),
                    "%g is not a capacity in 0..1e7 MW", a->p_nom_mw);
    if (!(a->max_hours > 0 && a->max_hours <= 1e5))
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].storage[%u].max_hours", i, k),
                    "%g is not a duration in (0, 1e5] h", a->max_hours);
    if (!(a->efficiency_store > 0 && a->efficiency_store <= 1))
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].storage[%u].efficiency_store", i, k),
                    "%g is not in (0, 1]", a->efficiency_store);
    if (!(a->efficiency_dispatch > 0 && a->efficiency_dispatch <= 1))
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].storage[%u].efficiency_dispatch", i, k),
                    "%g is not in (0, 1]", a->efficiency_dispatch);
  }
  if (out_of_range(v->demand_growth, 0, TW_MAX_DEMAND_FACTOR))
    keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].demand_growth", i),
                  "%g is not a factor in 0..1000", v->demand_growth);
  if (out_of_range(v->co2_price_per_t, 0, TW_MAX_COST))
    keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].co2_price_per_t", i),
                  "%g is not a price in 0..1e9", v->co2_price_per_t);
  for (unsigned k = 0; k < v->outages_count; k++) {
    if (!(v->outages[k].repair_h > 0 && v->outages[k].repair_h <= 1e6))
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].outages[%u].repair_h", i, k),
                    "%g is not a duration in (0, 1e6] h", v->outages[k].repair_h);
    if (v->outages[k].name) {
      char key[64];
      snprintf(key, sizeof key, "scenarios[%u].outages[%u].name", i, k);
      check_name(p, key, v->outages[k].name);
    }
  }
}

static void validate(const tw_scenario_file *s, problems *p) {
  if (s->baseline) {
    int found = !s->scenarios_count && strcmp(s->baseline, "base") == 0;
    for (unsigned i = 0; i < s->scenarios_count; i++)
      found = found || strcmp(s->scenarios[i].name, s->baseline) == 0;
    if (!found) keyed_problem(p, "baseline", "'%s' is not one of the scenarios", s->baseline);
  }
  check_name(p, "name", s->name); /* picks the default output folder out/<name> */
  if (s->forecast) { /* forecast stage: checks in src/scenario/forecast_stage.c */
    tw_forecast_stage_check(s->forecast, s->base_dir, checked_problem, p); /* each with its key */
    for (unsigned i = 0; i < s->forecast->targets_count; i++) { /* a target selects a section */
      const char *t = s->forecast->targets[i];
      if ((!strcmp(t, "wind") && !s->wind) || (!strcmp(t, "solar") && !s->solar))
        keyed_problem(p, "forecast.targets", "'%s' needs the file's '%s' section, which is absent", t, t);
    }
  }
  if (!s->climate_files_count && !s->members_count)
    keyed_problem(p, "climate", "missing: give climate.files or members");
  for (unsigned i = 0; i < s->climate_files_count; i++)
    check_path(p, s, "climate.files", s->climate_files[i]);
  validate_members(s, p);
  if (s->metrics) validate_metrics(s->metrics, p);
  check_input(p, s, "network", s->network, 1);
  if (s->wind) {
    check_path(p, s, "wind.turbine", s->wind->turbine);
    if (out_of_range(s->wind->hub_height_m, 0, 1000))
      keyed_problem(p, "wind.hub_height_m", "%g is not a height in 0..1000 m",
                    s->wind->hub_height_m);
  }
  if (s->solar) {
    check_path(p, s, "solar.panel", s->solar->panel);
    const char *o = s->solar->orientation;
    if (o && strcmp(o, "latitude_optimal") != 0 && strcmp(o, "fixed") != 0 &&
        strcmp(o, "single_axis") != 0)
      keyed_problem(p, "solar.orientation", "'%s' is not latitude_optimal, fixed or single_axis",
                    o);
    if (!(s->solar->tilt_deg >= 0 && s->solar->tilt_deg <= 90))
      keyed_problem(p, "solar.tilt_deg", "%g is not in 0..90", s->solar->tilt_deg);
    if (!(s->solar->azimuth_deg >= 0 && s->solar->azimuth_deg <= 360))
      keyed_problem(p, "solar.azimuth_deg", "%g is not in 0..360", s->solar->azimuth_deg);
  }
  if (s->optimize) {
    if (out_of_range(s->optimize->load_shedding_cost, 0, TW_MAX_COST))
      keyed_problem(p, "optimize.load_shedding_cost", "%g is not a cost in 0..1e9 per MWh",
                    s->optimize->load_shedding_cost);
    if (s->optimize->horizon_h && s->optimize->overlap_h >= s->optimize->horizon_h)
      keyed_problem(p, "optimize.overlap_h", "%u must be smaller than horizon_h %u",
                    s->optimize->overlap_h, s->optimize->horizon_h);
  }
  for (unsigned i = 0; i < s->scenarios_count; i++) {
    const tw_scenario_variant *v = &s->scenarios[i];
    char key[48];
    snprintf(key, sizeof key, "scenarios[%u].name", i);
    check_name(p, key, v->name);
    for (unsigned j = 0; j < i; j++)
      if (strcmp(s->scenarios[j].name, v->name) == 0)
        keyed_problem(p, key, "'%s' is used twice", v->name);
    tw_field_key fk;
    if (out_of_range(v->demand_scale, 0, TW_MAX_DEMAND_FACTOR))
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].demand_scale", i),
                    "%g is not a factor in 0..1000", v->demand_scale);
    if (out_of_range(v->co2_cap_t, 0, 1e12))
      keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].co2_cap_t", i),
                    "%g is not a cap in 0..1e12 t", v->co2_cap_t);
    for (unsigned k = 0; k < v->scale_capacity_count; k++)
      if (out_of_range(v->scale_capacity[k].factor, 0, TW_MAX_DEMAND_FACTOR))
        keyed_problem(p, tw_field_key_at(&fk, "scenarios[%u].scale_capacity[%u].factor", i, k),
                      "%g is not a factor in 0..1000", v->scale_capacity[k].factor);
    validate_variant_changes(s, v, i, p);
  }
  tw_fleets_validate(s, checked_problem, p); /* EV fleets */
}

/* Mark which optional numbers were present: cyaml leaves absent ones 0, so
 * defaults that are not 0 are applied here by re-reading presence through a
 * sentinel-free rule: demand_scale 0 is meaningless, so 0 means "absent". */
static void apply_defaults(tw_scenario_file *s) {
  for (unsigned i = 0; i < s->scenarios_count; i++) {
    tw_scenario_variant *v = &s->scenarios[i];
    if (v->demand_scale == 0) v->demand_scale = 1.0;
    if (v->demand_growth == 0) v->demand_growth = 1.0;
    for (unsigned k = 0; k < v->add_count; k++)
      if (v->add[k].efficiency == 0) v->add[k].efficiency = 1.0;
    for (unsigned k = 0; k < v->storage_count; k++) {
      tw_add_storage *a = &v->storage[k];
      if (a->max_hours == 0) a->max_hours = 4.0;
      if (a->efficiency_store == 0) a->efficiency_store = 0.95;
      if (a->efficiency_dispatch == 0) a->efficiency_dispatch = 0.95;
    }
  }
  if (s->metrics) {
    if (s->metrics->drought_threshold == 0) s->metrics->drought_threshold = 0.1;
    if (s->metrics->drought_min_hours == 0) s->metrics->drought_min_hours = 48;
    if (s->metrics->drought_window_h == 0) s->metrics->drought_window_h = 24;
  }
  if (s->solar && !s->solar->orientation && s->solar->tilt_deg == 0 && s->solar->azimuth_deg == 0)
    s->solar->azimuth_deg = 180.0;
  tw_fleets_apply_defaults(s);
}

/* Defaults of the explanatory keys; 1 when out of memory. */
static int apply_run_defaults(tw_scenario_file *s) {
  if (!s->currency) s->currency = tw_strdup(TW_DEFAULT_CURRENCY);
  if (!s->baseline)
    s->baseline = tw_strdup(s->scenarios_count ? s->scenarios[0].name : "base");
  return !s->currency || !s->baseline;
}

/* The file's text with every numeric field in its documented unit
 * (fields.c); NULL when the file is not well-formed YAML. */
static tw_status read_normalised(const char *path, problems *p, char **out, size_t *out_len) {
  struct stat sb;
  FILE *f = NULL;
  *out = NULL;
  /* a regular file: a FIFO or device would block or never end */
  TW_CHECK(tw_input_fopen(path, 0, &f));
  if (fstat(fileno(f), &sb) != 0) {
    fclose(f);
    return tw_error(TW_ERR_INPUT, "%s: %s", path, strerror(errno));
  }
  size_t cap = (size_t)sb.st_size + 1, len = 0;
  char *text = tw_malloc(cap);
  if (text) len = fread(text, 1, cap - 1, f);
  int bad = !text || ferror(f);
  fclose(f);
  if (bad) {
    free(text);
    return tw_error(TW_ERR_RESOURCE, "%s: read failed", path);
  }
  tw_status st = tw_scenario_fields_normalise(text, len, out, out_len, value_problem, p);
  free(text);
  return st;
}

tw_status tw_scenario_load(const char *path, tw_scenario_file **out) {
  tw_scenario_file *s = NULL;
  problems p; /* 16 KiB */
  char *text = NULL;
  size_t len = 0;
  memset(&p, 0, sizeof p);
  *out = NULL;
  TW_CHECK(read_normalised(path, &p, &text, &len));
  tw_status loaded = text ? tw_yaml_load_text(path, text, len, &top_schema, (void **)&s)
                          : tw_yaml_load(path, &top_schema, (void **)&s);
  free(text);
  if (loaded != TW_OK && p.count) { /* name the bad values too */
    char first[2048];
    snprintf(first, sizeof first, "%s", tw_last_error());
    return tw_error(loaded, "%s; and %d bad value%s: %s", first, p.count, p.count == 1 ? "" : "s",
                    p.text);
  }
  if (loaded != TW_OK) return loaded;
  s->path = tw_strdup(path);
  const char *slash = strrchr(path, '/');
  s->base_dir = slash ? tw_strndup(path, (size_t)(slash - path + 1)) : tw_strdup("");
  if (!s->path || !s->base_dir) {
    tw_scenario_destroy(&s);
    return tw_error(TW_ERR_RESOURCE, "%s: out of memory", path);
  }
  apply_defaults(s);
  if (s->climate_max_bus_distance_km == 0) s->climate_max_bus_distance_km = 50.0;
  tw_member_years *my = NULL;
  tw_status yst = tw_calloc(s->members_count + 1, sizeof *my, "members", &my);
  if (yst == TW_OK) yst = tw_scenario_years_read(path, s->members_count, &s->climate_years, my);
  for (unsigned i = 0; i < s->members_count; i++) s->members[i].years = my ? my[i] : (tw_member_years){0};
  free(my);
  if (yst != TW_OK) {
    tw_scenario_destroy(&s);
    return yst;
  }
  if (apply_run_defaults(s)) {
    tw_scenario_destroy(&s);
    return tw_error(TW_ERR_RESOURCE, "%s: out of memory", path);
  }
  validate(s, &p);
  if (p.count) {
    tw_status st = tw_error(TW_ERR_INPUT, "%s: %d error%s: %s", path, p.count,
                            p.count == 1 ? "" : "s", p.text);
    tw_scenario_destroy(&s);
    return st;
  }
  *out = s;
  return TW_OK;
}

tw_status tw_scenario_path(const tw_scenario_file *s, const char *relative, char **out) {
  size_t n;
  *out = NULL;
  if (relative[0] == '/') {
    *out = tw_strdup(relative);
  } else {
    n = strlen(s->base_dir) + strlen(relative) + 1;
    *out = tw_malloc(n);
    if (*out) snprintf(*out, n, "%s%s", s->base_dir, relative);
  }
  return *out ? TW_OK : tw_error(TW_ERR_RESOURCE, "out of memory resolving '%s'", relative);
}

void tw_scenario_destroy(tw_scenario_file **s) {
  if (!s || !*s) return;
  tw_member_years_free(&(*s)->climate_years);
  for (unsigned i = 0; (*s)->members && i < (*s)->members_count; i++)
    tw_member_years_free(&(*s)->members[i].years);
  free((*s)->path);
  free((*s)->base_dir);
  (*s)->path = (*s)->base_dir = NULL;
  tw_yaml_free(&top_schema, *s);
  *s = NULL;
}
