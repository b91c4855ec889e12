/* Variable roles and presets: which file variables fill the roles a
 * conversion needs, and the derivation of the conversion's canonical
 * variables (u100, v100, t2m, ssrd, fdir, fsr) from them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/climate_roles.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/log.h"
#include "terrawatt/physics_wind.h"
#include "terrawatt/alloc.h"

/* canonical name (ingest's mapping) -> role */
static const struct {
  const char *canonical, *role;
} role_table[] = {
    {"t2m", "temperature"},       {"tas", "temperature"},      {"ssrd", "ghi"},
    {"rsds", "ghi"},              {"fdir", "direct"},          {"influx_direct", "direct"},
    {"rsdsdiff", "diffuse"},      {"influx_diffuse", "diffuse"}, {"influx_toa", "toa"},
    {"fsr", "roughness"},         {"wnd100m", "wind_speed_100m"}, {"sfcWind", "wind_speed_10m"},
    {"u100", "u100"},             {"v100", "v100"},            {"u10", "u10"},
    {"v10", "v10"},               {"uas", "u10"},              {"vas", "v10"},
    {"tasmax", "temperature_max"}, {"tasmin", "temperature_min"},
};

const char *tw_role_of_canonical(const char *canonical) {
  for (size_t i = 0; canonical && i < sizeof role_table / sizeof role_table[0]; i++)
    if (!strcmp(role_table[i].canonical, canonical)) return role_table[i].role;
  return NULL;
}

static const char *const presets[] = {"era5", "cmip6", "atlite", "cordex"};

tw_status tw_preset_check(const char *preset, const char *where) {
  if (!preset) return TW_OK;
  for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
    if (!strcmp(preset, presets[i])) return TW_OK;
  return tw_error(TW_ERR_INPUT, "%s: preset '%s' (expected era5, cmip6, atlite or cordex)", where,
                  preset);
}

size_t tw_role_aliases(const tw_role_names *r, tw_ingest_alias out[12]) {
  size_t n = 0;
  if (!r) return 0;
#define ALIAS(field, canonical) \
  if (r->field) out[n++] = (tw_ingest_alias){canonical, r->field, NULL, NULL}
  ALIAS(temperature, "t2m");
  ALIAS(ghi, "ssrd");
  ALIAS(direct, "fdir");
  ALIAS(diffuse, "rsdsdiff");
  ALIAS(toa, "influx_toa");
  ALIAS(roughness, "fsr");
  ALIAS(wind_speed_100m, "wnd100m");
  ALIAS(wind_speed_10m, "sfcWind");
  ALIAS(u100, "u100");
  ALIAS(v100, "v100");
  ALIAS(u10, "u10");
  ALIAS(v10, "v10");
#undef ALIAS
  return n;
}

/* Which canonical names each preset accepts for a role (in order of
 * preference); NULL preset: all of them. A `variables:` entry always maps
 * to the first column's name, which every preset accepts. */
static int preset_allows(const char *preset, const char *canonical) {
  static const struct {
    const char *preset;
    const char *names;
  } allowed[] = {
      {"era5", " t2m ssrd fdir fsr u100 v100 u10 v10 wnd100m sfcWind rsdsdiff "},
      {"cmip6", " t2m tas tasmax tasmin ssrd rsds rsdsdiff fdir sfcWind uas vas u10 v10 u100 v100 "
                "wnd100m fsr "},
      {"cordex", " t2m tas tasmax tasmin ssrd rsds rsdsdiff fdir sfcWind uas vas u10 v10 u100 "
                 "v100 wnd100m fsr "},
      {"atlite", " t2m fsr wnd100m influx_direct influx_diffuse influx_toa ssrd fdir u100 v100 "
                 "sfcWind rsdsdiff "},
  };
  if (!preset) return 1;
  char key[80];
  snprintf(key, sizeof key, " %s ", canonical);
  for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
    if (!strcmp(allowed[i].preset, preset)) return strstr(allowed[i].names, key) != NULL;
  return 1;
}

static int has(const tw_ingest_shape *s, const char *preset, const char *canonical) {
  if (!preset_allows(preset, canonical)) return 0;
  for (size_t i = 0; i < s->nvars; i++)
    if (!strcmp(s->vars[i], canonical)) return 1;
  return 0;
}

static void want(const char *names[16], size_t *n, const char *name) {
  for (size_t i = 0; i < *n; i++)
    if (!strcmp(names[i], name)) return;
  if (*n < 16) names[(*n)++] = name;
}

static tw_status missing_role(const tw_ingest_shape *s, const char *source, const char *preset,
                              const char *role, const char *looked_for) {
  char list[1024] = "";
  size_t len = 0;
  for (size_t i = 0; i < s->nvars && len + 2 < sizeof list; i++)
    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", s->vars[i]);
  return tw_error(TW_ERR_INPUT, "%s: no variable fills the role '%s'%s%s%s (looked for %s; map one "
                  "with `variables: {%s: NAME}`); the dataset's known variables are: %s",
                  source, role, preset ? " under preset '" : "", preset ? preset : "",
                  preset ? "'" : "", looked_for, role, s->nvars ? list : "(none)");
}

/* Every `variables:` entry must name a variable of the dataset. */
static tw_status check_mapping(const tw_ingest_shape *s, const tw_climate_request *rq,
                               const char *source) {
  tw_ingest_alias al[12];
  size_t n = tw_role_aliases(rq->names, al);
  for (size_t a = 0; a < n; a++) {
    int found = 0;
    for (size_t i = 0; i < s->nvars; i++)
      if (!strcmp(s->vars[i], al[a].canonical) && !strcmp(s->sources[i], al[a].name)) found = 1;
    if (!found)
      return tw_error(TW_ERR_INPUT, "%s: variables: %s: the dataset has no variable '%s' with "
                      "known units", source, tw_role_of_canonical(al[a].canonical), al[a].name);
  }
  return TW_OK;
}

tw_status tw_climate_plan(const tw_ingest_shape *s, const tw_climate_request *rq,
                          const char *source, const char *names[16], size_t *n) {
  const char *pr = rq->preset;
  *n = 0;
  TW_CHECK(check_mapping(s, rq, source));
  if (s->ntime > 1 && s->step_s > 0 && s->step_s < 3600.0)
    return tw_error(TW_ERR_INPUT, "%s: time step %g s is shorter than an hour: not supported "
                    "(aggregate the data to hourly values first)", source, s->step_s);
  if (s->ntime > 1 && s->step_s > 31.0 * 86400.0)
    return tw_error(TW_ERR_INPUT, "%s: time step %g days is longer than a month: no sound method "
                    "brings it to hourly values", source, s->step_s / 86400.0);
  int need_t = rq->solar || rq->temperature || rq->degree_hours;
  if (need_t) {
    if (has(s, pr, "t2m")) want(names, n, "t2m");
    else if (has(s, pr, "tas")) want(names, n, "tas");
    else return missing_role(s, source, pr, "temperature", "t2m/2t/temperature, tas");
    if (s->ntime > 1 && s->step_s > 3600.0) {
      if (rq->degree_hours)
        return tw_error(TW_ERR_INPUT, "%s: degree-hours need hourly temperatures, but the time "
                        "step is %g s: daily or coarser values would give degree-days, not "
                        "degree-hours", source, s->step_s);
      /* the diurnal temperature cycle from daily extremes */
      if (has(s, pr, "tasmax") && has(s, pr, "tasmin")) {
        want(names, n, "tasmax");
        want(names, n, "tasmin");
      }
    }
  }
  if (rq->solar) {
    if (has(s, pr, "ssrd")) want(names, n, "ssrd");
    else if (has(s, pr, "rsds")) want(names, n, "rsds");
    else if (has(s, pr, "influx_direct") && has(s, pr, "influx_diffuse")) {
      want(names, n, "influx_direct");
      want(names, n, "influx_diffuse");
    } else
      return missing_role(s, source, pr, "ghi", "ssrd, rsds, influx_direct + influx_diffuse");
    if (has(s, pr, "fdir")) want(names, n, "fdir");
    else if (has(s, pr, "influx_direct")) want(names, n, "influx_direct");
    else if (has(s, pr, "rsdsdiff")) want(names, n, "rsdsdiff");
  }
  int h100 = has(s, pr, "u100") && has(s, pr, "v100");
  int h10 = has(s, pr, "u10") && has(s, pr, "v10");
  if (rq->wind_power_law) {
    if (!h100 || !h10)
      return missing_role(s, source, pr, h100 ? "u10" : "u100",
                          "u100 and v100 with u10 and v10 (the power law needs both heights)");
    want(names, n, "u100");
    want(names, n, "v100");
    want(names, n, "u10");
    want(names, n, "v10");
  } else if (rq->wind) {
    if (h100) {
      want(names, n, "u100");
      want(names, n, "v100");
    } else if (has(s, pr, "wnd100m")) {
      want(names, n, "wnd100m");
    } else if (has(s, pr, "sfcWind")) {
      want(names, n, "sfcWind");
    } else if (has(s, pr, "uas") && has(s, pr, "vas")) {
      want(names, n, "uas");
      want(names, n, "vas");
    } else if (h10) {
      want(names, n, "u10");
      want(names, n, "v10");
    } else {
      return missing_role(s, source, pr, "wind_speed_100m",
                          "u100+v100, wnd100m, sfcWind, uas+vas, u10+v10");
    }
    if (has(s, pr, "fsr")) want(names, n, "fsr");
  }
  if (rq->wind_10m_optional && h10) {
    want(names, n, "u10");
    want(names, n, "v10");
  }
  return TW_OK;
}

/* ---- derivation ---------------------------------------------------------------- */

static tw_climate_var *find_var(tw_climate *c, const char *name) {
  for (size_t i = 0; i < c->nvar; i++)
    if (!strcmp(c->vars[i].name, name)) return &c->vars[i];
  return NULL;
}

static tw_status rename_var(tw_climate_var *v, const char *name) {
  char *s = tw_strdup(name);
  if (!s) return tw_error(TW_ERR_RESOURCE, "out of memory");
  free(v->name);
  v->name = s;
  return TW_OK;
}

static size_t var_len(const tw_climate *c, const tw_climate_var *v) {
  return (v->time_varying ? c->ntime : 1) * c->ncell;
}

/* A new variable `name` shaped like `like` (units, timing copied), zeroed. */
static tw_status add_var(tw_climate *c, const char *name, const char *like_name,
                         tw_climate_var **out) {
  tw_climate_var *nv = tw_realloc(c->vars, (c->nvar + 1) * sizeof *nv);
  if (!nv) return tw_error(TW_ERR_RESOURCE, "out of memory");
  c->vars = nv;
  const tw_climate_var *like = find_var(c, like_name);
  tw_climate_var *v = &c->vars[c->nvar];
  memset(v, 0, sizeof *v);
  v->time_varying = like->time_varying;
  v->accumulated = like->accumulated;
  v->name = tw_strdup(name);
  v->units = tw_strdup(like->units ? like->units : "");
  v->source_name = tw_strdup(like->source_name ? like->source_name : like->name);
  v->cell_methods = like->cell_methods ? tw_strdup(like->cell_methods) : NULL;
  size_t n = var_len(c, like);
  v->data = tw_calloc_raw(n ? n : 1, sizeof *v->data);
  c->nvar++; /* owned from here on: tw_climate_destroy frees what was allocated */
  if (!v->name || !v->units || !v->source_name || !v->data ||
      (like->cell_methods && !v->cell_methods))
    return tw_error(TW_ERR_RESOURCE, "out of memory");
  *out = v;
  return TW_OK;
}

/* Log-law factor 10 m -> 100 m for cell i at element k. */
static float factor_10_to_100(const tw_climate *c, const tw_climate_var *fsr, size_t k, size_t i,
                              double z0_default) {
  float z0 = (float)z0_default;
  if (fsr) {
    float r = fsr->time_varying ? fsr->data[k] : fsr->data[i];
    if (r > 0.0f && isfinite(r)) z0 = r;
  }
  (void)c;
  return tw_wind_log_factor(10.0f, 100.0f, z0);
}

static tw_status derive(tw_climate *c, const tw_climate_request *rq) {
  tw_climate_var *v, *w, *out;
  /* temperature */
  if (!find_var(c, "t2m") && (v = find_var(c, "tas"))) TW_CHECK(rename_var(v, "t2m"));
  /* irradiance: GHI and direct */
  if (!find_var(c, "ssrd")) {
    if ((v = find_var(c, "rsds"))) {
      TW_CHECK(rename_var(v, "ssrd"));
    } else if ((v = find_var(c, "influx_direct")) && (w = find_var(c, "influx_diffuse"))) {
      TW_CHECK(add_var(c, "ssrd", "influx_direct", &out));
      v = find_var(c, "influx_direct"); /* the array may have moved */
      w = find_var(c, "influx_diffuse");
      size_t n = var_len(c, v);
      for (size_t k = 0; k < n; k++) out->data[k] = v->data[k] + w->data[k];
    }
  }
  if (!find_var(c, "fdir")) {
    if ((v = find_var(c, "influx_direct"))) {
      TW_CHECK(add_var(c, "fdir", "influx_direct", &out));
      v = find_var(c, "influx_direct");
      memcpy(out->data, v->data, var_len(c, v) * sizeof *out->data);
    } else if (find_var(c, "ssrd") && find_var(c, "rsdsdiff")) {
      TW_CHECK(add_var(c, "fdir", "ssrd", &out));
      v = find_var(c, "ssrd");
      w = find_var(c, "rsdsdiff");
      size_t n = var_len(c, v);
      for (size_t k = 0; k < n; k++) {
        float d = v->data[k] - w->data[k];
        out->data[k] = d > 0.0f ? d : 0.0f; /* diffuse can exceed GHI by rounding */
      }
    }
  }
  /* wind at 100 m */
  if (rq->wind && !find_var(c, "u100")) {
    tw_climate_var *fsr = find_var(c, "fsr");
    if ((v = find_var(c, "wnd100m"))) {
      TW_CHECK(rename_var(v, "u100"));
      TW_CHECK(add_var(c, "v100", "u100", &out)); /* zeros: the speed is all in u */
    } else {
      const char *su = NULL, *sv = NULL;
      if (find_var(c, "sfcWind")) su = "sfcWind";
      else if (find_var(c, "uas") && find_var(c, "vas")) su = "uas", sv = "vas";
      else if (find_var(c, "u10") && find_var(c, "v10")) su = "u10", sv = "v10";
      if (!su) return tw_error(TW_ERR_INPUT, "%s: no wind variable", c->source);
      if (!strcmp(su, "u10"))
        TW_LOG_W("%s: no wind at 100 m (u100/v100, wnd100m): u10/v10 at 10 m are taken to 100 m "
                 "by the log law (INGEST.md, roles)", c->source);
      tw_climate_var *u100, *v100;
      TW_CHECK(add_var(c, "u100", su, &u100));
      TW_CHECK(add_var(c, "v100", su, &v100));
      u100 = find_var(c, "u100");
      v100 = find_var(c, "v100");
      fsr = find_var(c, "fsr");
      const tw_climate_var *a = find_var(c, su), *b = sv ? find_var(c, sv) : NULL;
      for (size_t t = 0; t < (a->time_varying ? c->ntime : 1); t++)
        for (size_t i = 0; i < c->ncell; i++) {
          size_t k = t * c->ncell + i;
          /* log law 10 m -> 100 m: composed with convert's 100 m -> hub step it equals
           * the log law 10 m -> hub exactly */
          float f = factor_10_to_100(c, fsr, k, i, rq->roughness_default_m);
          u100->data[k] = a->data[k] * f;
          v100->data[k] = b ? b->data[k] * f : 0.0f;
        }
    }
  }
  if ((rq->wind_power_law || rq->wind_10m_optional) && !find_var(c, "u10") &&
      (v = find_var(c, "uas")) && find_var(c, "vas")) {
    TW_CHECK(rename_var(v, "u10"));
    TW_CHECK(rename_var(find_var(c, "vas"), "v10"));
  }
  return TW_OK;
}

tw_status tw_climate_read_roles(const tw_ingest_params *p0, const tw_climate_request *rq,
                                tw_climate **out) {
  tw_ingest_params p = *p0;
  tw_ingest_alias aliases[12];
  tw_ingest_shape shape;
  const char *names[16];
  size_t n = 0;
  tw_climate *c = NULL;
  tw_status st = TW_OK;
  *out = NULL;
  TW_CHECK(tw_preset_check(rq->preset, p.npaths ? p.paths[0] : "climate"));
  p.aliases = aliases;
  p.naliases = tw_role_aliases(rq->names, aliases);
  p.variables = NULL;
  p.nvariables = 0;
  TW_CHECK(tw_climate_shape(&p, &shape));
  TW_CHECK(tw_climate_plan(&shape, rq, p.npaths ? p.paths[0] : "climate", names, &n));
  if (n == 0)
    return tw_error(TW_ERR_INPUT, "%s: nothing to read (no wind, solar or temperature requested)",
                    p.npaths ? p.paths[0] : "climate");
  p.variables = names;
  p.nvariables = n;
  TW_CHECK(tw_climate_read(&p, &c));
  TW_CHECK_GOTO(st, derive(c, rq));
  int changed = 0;
  TW_CHECK_GOTO(st, tw_climate_to_hourly_diurnal(c, rq->preset, rq->diurnal, &changed));
  *out = c;
  c = NULL;
cleanup:
  tw_climate_destroy(&c);
  return st;
}
