/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/scenario.h"
#include "terrawatt/yaml.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static const cyaml_schema_field_t variant_fields[] = {
    STR_FIELD("name", CYAML_FLAG_DEFAULT, tw_scenario_variant, name),
    CYAML_FIELD_SEQUENCE("scale_capacity", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
                         tw_scenario_variant, scale_capacity, &scale_entry, 0, CYAML_UNLIMITED),
    CYAML_FIELD_FLOAT("demand_scale", CYAML_FLAG_OPTIONAL, tw_scenario_variant, demand_scale),
    CYAML_FIELD_FLOAT("co2_cap_t", CYAML_FLAG_OPTIONAL, tw_scenario_variant, co2_cap_t),
    CYAML_FIELD_END};
static const cyaml_schema_value_t variant_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_scenario_variant, variant_fields)};

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
    CYAML_FIELD_SEQUENCE("files", CYAML_FLAG_POINTER, tw_scenario_file, climate_files,
                         &string_entry, 1, CYAML_UNLIMITED),
    CYAML_FIELD_END};

static const cyaml_schema_field_t top_fields[] = {
    STR_FIELD("name", CYAML_FLAG_DEFAULT, tw_scenario_file, name),
    /* `climate` is a mapping whose fields live directly in the top struct. */
    {.key = "climate", .data_offset = 0, .value = {CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_scenario_file, climate_fields)}},
    STR_FIELD("network", CYAML_FLAG_DEFAULT, tw_scenario_file, network),
    CYAML_FIELD_MAPPING_PTR("wind", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_scenario_file,
                            wind, wind_fields),
    CYAML_FIELD_MAPPING_PTR("solar", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_scenario_file,
                            solar, solar_fields),
    CYAML_FIELD_MAPPING_PTR("optimize", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
                            tw_scenario_file, optimize, optimize_fields),
    CYAML_FIELD_SEQUENCE("scenarios", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_scenario_file,
                         scenarios, &variant_entry, 0, CYAML_UNLIMITED),
    CYAML_FIELD_END};

static const cyaml_schema_value_t top_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, tw_scenario_file, top_fields)};

/* Accumulates every validation problem into one message. */
typedef struct problems {
  char text[3072];
  int count;
} problems;

static void problem(problems *p, const char *fmt, ...) {
  size_t used = strlen(p->text);
  va_list ap;
  if (used + 8 < sizeof p->text) {
    if (p->count) {
      memcpy(p->text + used, "; ", 3);
      used += 2;
    }
    va_start(ap, fmt);
    vsnprintf(p->text + used, sizeof p->text - used, fmt, ap);
    va_end(ap);
  }
  p->count++;
}

static void check_path(problems *p, const tw_scenario_file *s, const char *key, const char *rel) {
  char *full = NULL;
  struct stat sb;
  if (tw_scenario_path(s, rel, &full) != TW_OK) return;
  if (stat(full, &sb) != 0) problem(p, "%s: '%s': %s", key, rel, strerror(errno));
  free(full);
}

static void validate(const tw_scenario_file *s, problems *p) {
  if (!s->name[0]) problem(p, "name: must not be empty");
  for (unsigned i = 0; i < s->climate_files_count; i++)
    check_path(p, s, "climate.files", s->climate_files[i]);
  check_path(p, s, "network", s->network);
  if (s->wind) {
    check_path(p, s, "wind.turbine", s->wind->turbine);
    if (s->wind->hub_height_m < 0 || !isfinite(s->wind->hub_height_m))
      problem(p, "wind.hub_height_m: %g is not a height >= 0", s->wind->hub_height_m);
  }
  if (s->solar) {
    check_path(p, s, "solar.panel", s->solar->panel);
    const char *o = s->solar->orientation;
    if (o && strcmp(o, "latitude_optimal") != 0 && strcmp(o, "fixed") != 0 &&
        strcmp(o, "single_axis") != 0)
      problem(p, "solar.orientation: '%s' is not latitude_optimal, fixed or single_axis", o);
    if (!(s->solar->tilt_deg >= 0 && s->solar->tilt_deg <= 90))
      problem(p, "solar.tilt_deg: %g is not in 0..90", s->solar->tilt_deg);
    if (!(s->solar->azimuth_deg >= 0 && s->solar->azimuth_deg <= 360))
      problem(p, "solar.azimuth_deg: %g is not in 0..360", s->solar->azimuth_deg);
  }
  if (s->optimize) {
    if (!(s->optimize->load_shedding_cost >= 0) || !isfinite(s->optimize->load_shedding_cost))
      problem(p, "optimize.load_shedding_cost: %g is not a cost >= 0",
              s->optimize->load_shedding_cost);
    if (s->optimize->horizon_h && s->optimize->overlap_h >= s->optimize->horizon_h)
      problem(p, "optimize.overlap_h: %u must be smaller than horizon_h %u",
              s->optimize->overlap_h, s->optimize->horizon_h);
  }
  for (unsigned i = 0; i < s->scenarios_count; i++) {
    const tw_scenario_variant *v = &s->scenarios[i];
    const char *bad = strpbrk(v->name, "/\\");
    if (!v->name[0] || bad || strcmp(v->name, ".") == 0 || strcmp(v->name, "..") == 0)
      problem(p, "scenarios[%u].name: '%s' must be a non-empty name usable as a directory", i,
              v->name);
    for (unsigned j = 0; j < i; j++)
      if (strcmp(s->scenarios[j].name, v->name) == 0)
        problem(p, "scenarios[%u].name: '%s' is used twice", i, v->name);
    if (!(v->demand_scale >= 0) || !isfinite(v->demand_scale))
      problem(p, "scenarios[%u].demand_scale: %g is not a factor >= 0", i, v->demand_scale);
    if (!(v->co2_cap_t >= 0) || !isfinite(v->co2_cap_t))
      problem(p, "scenarios[%u].co2_cap_t: %g is not a cap >= 0 t", i, v->co2_cap_t);
    for (unsigned k = 0; k < v->scale_capacity_count; k++)
      if (!(v->scale_capacity[k].factor >= 0) || !isfinite(v->scale_capacity[k].factor))
        problem(p, "scenarios[%u].scale_capacity[%u].factor: %g is not a factor >= 0", i, k,
                v->scale_capacity[k].factor);
  }
}

/* Mark which optional numbers were present: cyaml leaves absent ones 0, so
 * defaults that are not 0 are applied here by re-reading presence through a
 * sentinel-free rule: demand_scale 0 is meaningless, so 0 means "absent". */
static void apply_defaults(tw_scenario_file *s) {
  for (unsigned i = 0; i < s->scenarios_count; i++)
    if (s->scenarios[i].demand_scale == 0) s->scenarios[i].demand_scale = 1.0;
  if (s->solar && !s->solar->orientation && s->solar->tilt_deg == 0 && s->solar->azimuth_deg == 0)
    s->solar->azimuth_deg = 180.0;
}

tw_status tw_scenario_load(const char *path, tw_scenario_file **out) {
  tw_scenario_file *s = NULL;
  problems p = {{0}, 0};
  *out = NULL;
  TW_CHECK(tw_yaml_load(path, &top_schema, (void **)&s));
  s->path = strdup(path);
  const char *slash = strrchr(path, '/');
  s->base_dir = slash ? strndup(path, (size_t)(slash - path + 1)) : strdup("");
  if (!s->path || !s->base_dir) {
    tw_scenario_destroy(&s);
    return tw_error(TW_ERR_RESOURCE, "%s: out of memory", path);
  }
  apply_defaults(s);
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
    *out = strdup(relative);
  } else {
    n = strlen(s->base_dir) + strlen(relative) + 1;
    *out = malloc(n);
    if (*out) snprintf(*out, n, "%s%s", s->base_dir, relative);
  }
  return *out ? TW_OK : tw_error(TW_ERR_RESOURCE, "out of memory resolving '%s'", relative);
}

void tw_scenario_destroy(tw_scenario_file **s) {
  if (!s || !*s) return;
  free((*s)->path);
  free((*s)->base_dir);
  (*s)->path = (*s)->base_dir = NULL;
  tw_yaml_free(&top_schema, *s);
  *s = NULL;
}
