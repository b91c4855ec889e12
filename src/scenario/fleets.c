/* EV fleets of the scenario file: schema, validation, and building a
 * tw_fleet for a scenario (docs/SCENARIO.md, docs/MOBILITY.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "fleets.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "terrawatt/mobility.h"
#include "terrawatt/name.h"
#include "fields.h"

#define OPT CYAML_FLAG_OPTIONAL
#define STR_FIELD(key, flags, type, member) \
  CYAML_FIELD_STRING_PTR(key, (flags) | CYAML_FLAG_POINTER, type, member, 1, CYAML_UNLIMITED)

static const cyaml_schema_field_t v2g_fields[] = {
    CYAML_FIELD_FLOAT("max_discharge_kw", CYAML_FLAG_DEFAULT, tw_fleet_v2g_config,
                      max_discharge_kw),
    CYAML_FIELD_FLOAT("degradation_cost_per_mwh", CYAML_FLAG_DEFAULT, tw_fleet_v2g_config,
                      degradation_cost_per_mwh),
    CYAML_FIELD_FLOAT_PTR("efficiency", OPT, tw_fleet_v2g_config, efficiency),
    CYAML_FIELD_END};

static const cyaml_schema_field_t fleet_fields[] = {
    STR_FIELD("name", OPT, tw_fleet_config, name),
    STR_FIELD("bus", CYAML_FLAG_DEFAULT, tw_fleet_config, bus),
    CYAML_FIELD_FLOAT("vehicles", CYAML_FLAG_DEFAULT, tw_fleet_config, vehicles),
    CYAML_FIELD_FLOAT_PTR("battery_kwh", OPT, tw_fleet_config, battery_kwh),
    CYAML_FIELD_FLOAT_PTR("charger_kw", OPT, tw_fleet_config, charger_kw),
    CYAML_FIELD_FLOAT_PTR("efficiency", OPT, tw_fleet_config, efficiency),
    CYAML_FIELD_FLOAT_PTR("smart_share", OPT, tw_fleet_config, smart_share),
    CYAML_FIELD_FLOAT_PTR("min_soc", OPT, tw_fleet_config, min_soc),
    CYAML_FIELD_INT_PTR("min_soc_hour", OPT, tw_fleet_config, min_soc_hour),
    CYAML_FIELD_FLOAT_PTR("initial_soc", OPT, tw_fleet_config, initial_soc),
    CYAML_FIELD_FLOAT_PTR("kwh_per_km", OPT, tw_fleet_config, kwh_per_km),
    CYAML_FIELD_BOOL_PTR("temperature_dependent", OPT, tw_fleet_config, temperature_dependent),
    CYAML_FIELD_FLOAT_PTR("temperature_lower_pct_per_k", OPT, tw_fleet_config,
                          temperature_lower_pct_per_k),
    CYAML_FIELD_FLOAT_PTR("temperature_upper_pct_per_k", OPT, tw_fleet_config,
                          temperature_upper_pct_per_k),
    CYAML_FIELD_MAPPING_PTR("v2g", CYAML_FLAG_POINTER | OPT, tw_fleet_config, v2g, v2g_fields),
    STR_FIELD("profiles", OPT, tw_fleet_config, profiles),
    CYAML_FIELD_FLOAT_PTR("availability_max", OPT, tw_fleet_config, availability_max),
    CYAML_FIELD_FLOAT_PTR("availability_mean", OPT, tw_fleet_config, availability_mean),
    CYAML_FIELD_END};

const cyaml_schema_value_t tw_fleet_config_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_fleet_config, fleet_fields)};

const cyaml_schema_field_t tw_valley_filling_fields[] = {
    CYAML_FIELD_UINT("groups", OPT, tw_valley_filling_config, groups),
    CYAML_FIELD_FLOAT("tol", OPT, tw_valley_filling_config, tol),
    CYAML_FIELD_UINT("max_iter", OPT, tw_valley_filling_config, max_iter),
    CYAML_FIELD_END};

/* "key: <fmt>" about key (NULL: fmt is the whole message, about no single key). */
static void report(tw_problem_fn fn, void *ctx, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(tw_problem_fn fn, void *ctx, const char *key, const char *fmt, ...) {
  char msg[768];
  int n = key ? snprintf(msg, sizeof msg, "%s: ", key) : 0;
  va_list ap;
  va_start(ap, fmt);
  if (n >= 0 && (size_t)n < sizeof msg) vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  va_end(ap);
  fn(ctx, key, msg);
}

/* An optional number in [lo, hi] (open at lo when lo_open). */
static int check_range(tw_problem_fn fn, void *ctx, const char *key, const double *x, double lo,
                       int lo_open, double hi) {
  if (!x) return 0;
  int ok = isfinite(*x) && (lo_open ? *x > lo : *x >= lo) &&
           *x <= hi;
  if (!ok)
    report(fn, ctx, key, "%g is not in %s%g, %g%s", *x, lo_open ? "(" : "[", lo, hi,
           isinf(hi) ? ")" : "]");
  return !ok;
}

static int default_profiles(const tw_fleet_config *c) {
  return !c->profiles || strcmp(c->profiles, "default") == 0;
}

static void fleet_name(const tw_fleet_config *c, char *out, size_t n) {
  if (c->name) snprintf(out, n, "%s", c->name);
  else snprintf(out, n, "%s EV", c->bus);
}

static tw_status build_fleet(const tw_scenario_file *s, unsigned k, const tw_scenario_variant *v,
                             const char *source, tw_fleet *f, int *active);

static void validate_fleet(const tw_scenario_file *s, unsigned k, tw_problem_fn fn, void *ctx,
                           int *field_errors) {
  const tw_fleet_config *c = &s->fleets[k];
  char key[96], name[TW_FLEET_NAME_MAX + 8];
  tw_field_key fk;
  int before = *field_errors;
#define RANGE(field, lo, lo_open, hi)                                        \
  do {                                                                       \
    snprintf(key, sizeof key, "fleets[%u].%s", k, #field);                   \
    *field_errors += check_range(fn, ctx, key, c->field, lo, lo_open, hi);   \
  } while (0)
  fleet_name(c, name, sizeof name);
  if (!name[0] || strlen(name) >= TW_FLEET_NAME_MAX)
    report(fn, ctx, tw_field_key_at(&fk, "fleets[%u].name", k), "'%s' must be 1..%d characters",
           name, TW_FLEET_NAME_MAX - 1), (*field_errors)++;
  if (c->name && tw_name_problem(c->name)) {
    char shown[512];
    tw_name_escape(c->name, shown, sizeof shown);
    report(fn, ctx, tw_field_key_at(&fk, "fleets[%u].name", k), "'%s' %s", shown,
           tw_name_problem(c->name)), (*field_errors)++;
  }
  for (unsigned j = 0; j < k; j++) {
    char other[TW_FLEET_NAME_MAX + 8];
    fleet_name(&s->fleets[j], other, sizeof other);
    if (strcmp(other, name) == 0)
      report(fn, ctx, tw_field_key_at(&fk, "fleets[%u].name", k),
             "'%s' is used twice (fleets[%u]); give each fleet at the same bus a name", name, j),
          (*field_errors)++;
  }
  if (!(isfinite(c->vehicles) && c->vehicles > 0))
    report(fn, ctx, tw_field_key_at(&fk, "fleets[%u].vehicles", k),
           "%g is not a number of vehicles > 0", c->vehicles), (*field_errors)++;
  RANGE(battery_kwh, 0, 1, INFINITY);
  RANGE(charger_kw, 0, 1, INFINITY);
  RANGE(efficiency, 0, 1, 1);
  RANGE(smart_share, 0, 0, 1);
  RANGE(min_soc, 0, 0, 1);
  RANGE(initial_soc, 0, 0, 1);
  RANGE(kwh_per_km, 0, 0, INFINITY);
  RANGE(temperature_lower_pct_per_k, 0, 0, INFINITY);
  RANGE(temperature_upper_pct_per_k, 0, 0, INFINITY);
  RANGE(availability_max, 0, 1, 1);
  RANGE(availability_mean, 0, 1, 1);
#undef RANGE
  if (c->min_soc_hour && (*c->min_soc_hour < -1 || *c->min_soc_hour > 23))
    report(fn, ctx, tw_field_key_at(&fk, "fleets[%u].min_soc_hour", k),
           "%d is not an hour of day 0..23 (or -1: none)", *c->min_soc_hour), (*field_errors)++;
  double amax = c->availability_max ? *c->availability_max : 0.95;
  double amean = c->availability_mean ? *c->availability_mean : 0.8;
  if (amean > amax)
    report(fn, ctx, tw_field_key_at(&fk, "fleets[%u].availability_mean", k),
           "%g exceeds availability_max %g", amean, amax), (*field_errors)++;
  if (c->v2g) {
    const tw_fleet_v2g_config *v = c->v2g;
    if (!(isfinite(v->max_discharge_kw) && v->max_discharge_kw > 0))
      report(fn, ctx, tw_field_key_at(&fk, "fleets[%u].v2g.max_discharge_kw", k),
             "%g is not a power > 0 kW", v->max_discharge_kw), (*field_errors)++;
    if (!(isfinite(v->degradation_cost_per_mwh) && v->degradation_cost_per_mwh >= 0))
      report(fn, ctx, tw_field_key_at(&fk, "fleets[%u].v2g.degradation_cost_per_mwh", k),
             "%g is not a cost >= 0", v->degradation_cost_per_mwh), (*field_errors)++;
    if (v->efficiency && !(*v->efficiency > 0 && *v->efficiency <= 1))
      report(fn, ctx, tw_field_key_at(&fk, "fleets[%u].v2g.efficiency", k), "%g is not in (0, 1]",
             *v->efficiency), (*field_errors)++;
  }
  if (!default_profiles(c)) {
    char *dir = NULL;
    struct stat sb;
    if (tw_scenario_path(s, c->profiles, &dir) == TW_OK) {
      if (stat(dir, &sb) != 0)
        report(fn, ctx, tw_field_key_at(&fk, "fleets[%u].profiles", k),
               "'%s': %s (give 'default' or an emobpy directory)", c->profiles, strerror(errno)),
            (*field_errors)++;
      else if (!S_ISDIR(sb.st_mode))
        report(fn, ctx, tw_field_key_at(&fk, "fleets[%u].profiles", k),
               "'%s' is not a directory of emobpy CSV files", c->profiles), (*field_errors)++;
    }
    free(dir);
  }
  if (*field_errors != before) return;
  /* The whole fleet as the file gives it, then as each scenario changes it. */
  for (unsigned i = 0; i <= s->scenarios_count; i++) {
    const tw_scenario_variant *v = i < s->scenarios_count ? &s->scenarios[i] : NULL;
    tw_fleet f;
    int active = 0;
    if (v && !v->ev_adoption && !v->smart_share) continue;
    if (build_fleet(s, k, v, NULL, &f, &active) != TW_OK) {
      const char *msg = tw_last_error(); /* without the file: the caller names it once */
      if (v) /* about the fleet as a scenario changes it: no single key */
        report(fn, ctx, NULL, "scenarios[%u] (ev_adoption/smart_share): fleets[%u]: %s", i, k, msg);
      else report(fn, ctx, tw_field_key_at(&fk, "fleets[%u]", k), "%s", msg);
      return;
    }
  }
}

void tw_fleets_validate(const tw_scenario_file *s, tw_problem_fn fn, void *ctx) {
  int field_errors = 0;
  tw_field_key fk;
  for (unsigned k = 0; k < s->fleets_count; k++) validate_fleet(s, k, fn, ctx, &field_errors);
  if (s->valley_filling) {
    const tw_valley_filling_config *vf = s->valley_filling;
    if (vf->groups > 1000000u)
      report(fn, ctx, "valley_filling.groups", "%u is more than 1000000 groups per fleet",
             vf->groups);
    if (vf->max_iter > 10000000u) /* an int downstream: 4294967295 must not become -1 */
      report(fn, ctx, "valley_filling.max_iter", "%u is more than 10000000 iterations",
             vf->max_iter);
    if (!(isfinite(vf->tol) && vf->tol > 0 && vf->tol < 1))
      report(fn, ctx, "valley_filling.tol", "%g is not a tolerance in (0, 1)", vf->tol);
    if (!s->fleets_count) report(fn, ctx, "valley_filling", "needs top-level 'fleets'");
  }
  for (unsigned i = 0; i < s->scenarios_count; i++) {
    const tw_scenario_variant *v = &s->scenarios[i];
    if (v->ev_adoption && !(isfinite(*v->ev_adoption) && *v->ev_adoption >= 0))
      report(fn, ctx, tw_field_key_at(&fk, "scenarios[%u].ev_adoption", i),
             "%g is not a factor >= 0", *v->ev_adoption);
    if (v->smart_share && !(*v->smart_share >= 0 && *v->smart_share <= 1))
      report(fn, ctx, tw_field_key_at(&fk, "scenarios[%u].smart_share", i),
             "%g is not a share in [0, 1]", *v->smart_share);
    if (!s->fleets_count && (v->ev_adoption || v->smart_share || v->smart_charging))
      report(fn, ctx, tw_field_key_at(&fk, "scenarios[%u]", i),
             "ev_adoption, smart_share and smart_charging need top-level 'fleets'");
  }
}

void tw_fleets_apply_defaults(tw_scenario_file *s) {
  tw_valley_filling_config *vf = s->valley_filling;
  if (!vf) return;
  if (vf->groups == 0) vf->groups = TW_VF_DEFAULT_GROUPS;
  if (vf->tol == 0) vf->tol = 1e-5;
  if (vf->max_iter == 0) vf->max_iter = 2000;
}

/* tw_scenario_fleet with its messages naming `source` (NULL: not named, for
 * validation, whose caller names the file once). */
static tw_status build_fleet(const tw_scenario_file *s, unsigned k, const tw_scenario_variant *v,
                             const char *source, tw_fleet *f, int *active) {
  const tw_fleet_config *c = &s->fleets[k];
  tw_trip_stats ts;
  char *dir = NULL;
  tw_status st = TW_OK;
  double adoption = v && v->ev_adoption ? *v->ev_adoption : 1.0;
  tw_fleet_default(f);
  fleet_name(c, f->name, sizeof f->name);
  f->n_vehicles = c->vehicles * adoption;
  *active = f->n_vehicles > 0;
  if (!*active) f->n_vehicles = c->vehicles; /* keep the fleet valid; the caller skips it */
  if (c->battery_kwh) f->battery_kWh = *c->battery_kwh;
  if (c->charger_kw) f->charger_kW = *c->charger_kw;
  if (c->efficiency) f->charge_efficiency = *c->efficiency;
  if (c->smart_share) f->smart_share = *c->smart_share;
  if (v && v->smart_share) f->smart_share = *v->smart_share;
  if (c->min_soc) f->min_soc = *c->min_soc;
  if (c->min_soc_hour) f->min_soc_hour = *c->min_soc_hour;
  if (c->initial_soc) f->initial_soc = *c->initial_soc;
  if (c->kwh_per_km) f->kWh_per_km = *c->kwh_per_km;
  if (c->temperature_dependent) f->temperature_dependent = *c->temperature_dependent != 0;
  if (c->temperature_lower_pct_per_k) f->temperature.lower_pct_per_K = *c->temperature_lower_pct_per_k;
  if (c->temperature_upper_pct_per_k) f->temperature.upper_pct_per_K = *c->temperature_upper_pct_per_k;
  if (c->v2g) {
    f->v2g = 1;
    f->v2g_kW = c->v2g->max_discharge_kw;
    f->v2g_cost_per_MWh = c->v2g->degradation_cost_per_mwh;
    if (c->v2g->efficiency) f->v2g_efficiency = *c->v2g->efficiency;
  }
  if (default_profiles(c)) {
    tw_trip_stats_default(&ts);
  } else {
    TW_CHECK(tw_scenario_path(s, c->profiles, &dir));
    st = tw_trip_stats_read_emobpy(dir, &ts);
    free(dir);
    if (st != TW_OK) {
      if (source) tw_error_prefix(st, "%s: fleets[%u].profiles: ", source, k);
      else tw_error_prefix(st, "fleets[%u].profiles: ", k);
      return st;
    }
  }
  st = tw_fleet_profiles_from_trips(f, &ts, c->availability_max ? *c->availability_max : 0.95,
                                    c->availability_mean ? *c->availability_mean : 0.8);
  if (st == TW_OK) st = tw_fleet_validate(f, source);
  return st;
}

tw_status tw_scenario_fleet(const tw_scenario_file *s, unsigned k, const tw_scenario_variant *v,
                            tw_fleet *f, int *active) {
  return build_fleet(s, k, v, s->path, f, active);
}
