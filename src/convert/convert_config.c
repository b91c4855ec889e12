/* The `terrawatt convert` configuration file and the stage it drives.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/convert_config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "terrawatt/climate_roles.h"
#include "terrawatt/ingest.h"
#include "terrawatt/network.h"
#include "terrawatt/yaml.h"
#include "terrawatt/alloc.h"

#define STR(key, flags, type, member) \
  CYAML_FIELD_STRING_PTR(key, (flags) | CYAML_FLAG_POINTER, type, member, 1, CYAML_UNLIMITED)
#define OPT_NUM(key, type, member) \
  CYAML_FIELD_FLOAT_PTR(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, type, member)

static const cyaml_schema_value_t string_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED)};

static const cyaml_schema_field_t bus_fields[] = {
    STR("name", CYAML_FLAG_DEFAULT, tw_convert_bus_entry, name),
    CYAML_FIELD_FLOAT("x", CYAML_FLAG_DEFAULT, tw_convert_bus_entry, x),
    CYAML_FIELD_FLOAT("y", CYAML_FLAG_DEFAULT, tw_convert_bus_entry, y), CYAML_FIELD_END};
static const cyaml_schema_value_t bus_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_convert_bus_entry, bus_fields)};

static const cyaml_schema_field_t wind_fields[] = {
    STR("turbine", CYAML_FLAG_DEFAULT, tw_convert_wind_cfg, turbine),
    STR("oedb_dir", CYAML_FLAG_OPTIONAL, tw_convert_wind_cfg, oedb_dir),
    OPT_NUM("hub_height_m", tw_convert_wind_cfg, hub_height_m),
    STR("extrapolation", CYAML_FLAG_OPTIONAL, tw_convert_wind_cfg, extrapolation),
    CYAML_FIELD_BOOL("smoothing", CYAML_FLAG_OPTIONAL, tw_convert_wind_cfg, smoothing),
    OPT_NUM("roughness_m", tw_convert_wind_cfg, roughness_m), CYAML_FIELD_END};

static const cyaml_schema_field_t solar_fields[] = {
    STR("panel", CYAML_FLAG_DEFAULT, tw_convert_solar_cfg, panel),
    STR("orientation", CYAML_FLAG_OPTIONAL, tw_convert_solar_cfg, orientation),
    STR("sky_model", CYAML_FLAG_OPTIONAL, tw_convert_solar_cfg, sky_model),
    STR("sun_position", CYAML_FLAG_OPTIONAL, tw_convert_solar_cfg, sun_position),
    OPT_NUM("tilt_deg", tw_convert_solar_cfg, tilt_deg),
    OPT_NUM("azimuth_deg", tw_convert_solar_cfg, azimuth_deg),
    OPT_NUM("axis_azimuth_deg", tw_convert_solar_cfg, axis_azimuth_deg),
    OPT_NUM("max_rotation_deg", tw_convert_solar_cfg, max_rotation_deg),
    OPT_NUM("albedo", tw_convert_solar_cfg, albedo),
    OPT_NUM("dc_ac_ratio", tw_convert_solar_cfg, dc_ac_ratio),
    OPT_NUM("losses", tw_convert_solar_cfg, losses),
    OPT_NUM("gamma_per_K", tw_convert_solar_cfg, gamma_per_K),
    OPT_NUM("inverter_efficiency", tw_convert_solar_cfg, inverter_efficiency),
    CYAML_FIELD_END};

static const cyaml_schema_field_t demand_fields[] = {
    OPT_NUM("heating_threshold_C", tw_convert_demand_cfg, heating_threshold_C),
    OPT_NUM("cooling_threshold_C", tw_convert_demand_cfg, cooling_threshold_C),
    CYAML_FIELD_BOOL("daily_mean", CYAML_FLAG_OPTIONAL, tw_convert_demand_cfg, daily_mean),
    CYAML_FIELD_END};

static const cyaml_schema_field_t climate_fields[] = {
    CYAML_FIELD_SEQUENCE("files", CYAML_FLAG_POINTER, tw_convert_config, climate_files,
                         &string_entry, 1, CYAML_UNLIMITED),
    STR("preset", CYAML_FLAG_OPTIONAL, tw_convert_config, preset),
    CYAML_FIELD_MAPPING_PTR("variables", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
                            tw_convert_config, variables, tw_role_names_fields),
    OPT_NUM("level", tw_convert_config, level),
    CYAML_FIELD_END};

static const cyaml_schema_field_t layout_fields[] = {
    STR("weighting", CYAML_FLAG_OPTIONAL, tw_convert_config, weighting),
    STR("file", CYAML_FLAG_OPTIONAL, tw_convert_config, layout_file),
    STR("variable", CYAML_FLAG_OPTIONAL, tw_convert_config, layout_variable), CYAML_FIELD_END};

static const cyaml_schema_field_t top_fields[] = {
    {.key = "climate", .data_offset = 0,
     .value = {CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, tw_convert_config, climate_fields)}},
    STR("network", CYAML_FLAG_OPTIONAL, tw_convert_config, network),
    CYAML_FIELD_SEQUENCE("buses", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_convert_config,
                         buses, &bus_entry, 1, CYAML_UNLIMITED),
    {.key = "layout", .data_offset = 0,
     .value = {CYAML_VALUE_MAPPING(CYAML_FLAG_OPTIONAL, tw_convert_config, layout_fields)}},
    CYAML_FIELD_MAPPING_PTR("wind", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_convert_config,
                            wind, wind_fields),
    CYAML_FIELD_MAPPING_PTR("solar", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_convert_config,
                            solar, solar_fields),
    CYAML_FIELD_MAPPING_PTR("demand", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
                            tw_convert_config, demand, demand_fields),
    CYAML_FIELD_END};

static const cyaml_schema_value_t top_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, tw_convert_config, top_fields)};

void tw_convert_config_destroy(tw_convert_config **c) {
  if (!c || !*c) return;
  free((*c)->base_dir);
  (*c)->base_dir = NULL;
  tw_yaml_free(&top_schema, *c);
  *c = NULL;
}

/* Resolve `rel` against base (absolute paths copied). */
static char *resolve(const char *base, const char *rel) {
  if (!rel) return NULL;
  size_t n = strlen(base) + strlen(rel) + 2;
  char *s = tw_malloc(n);
  if (!s) return NULL;
  if (rel[0] == '/') snprintf(s, n, "%s", rel);
  else snprintf(s, n, "%s/%s", base, rel);
  return s;
}

/* Every numeric field of the file in its documented range (docs/CONVERT.md,
 * "Ranges"); NaN and infinities are refused by the YAML loader already. */
static tw_status check_range(const char *path, const char *field, const double *v, double lo,
                             double hi, const char *unit) {
  if (!v || (*v >= lo && *v <= hi)) return TW_OK;
  return tw_error(TW_ERR_INPUT, "%s: %s: %g is outside %g..%g%s%s", path, field, *v, lo, hi,
                  unit ? " " : "", unit ? unit : "");
}

static tw_status check_ranges(const char *path, const tw_convert_config *c) {
  char field[96];
  for (unsigned i = 0; i < c->buses_count; i++) {
    const tw_convert_bus_entry *b = &c->buses[i];
    snprintf(field, sizeof field, "buses[%u] '%.40s' x (longitude)", i, b->name);
    TW_CHECK(check_range(path, field, &b->x, -180.0, 360.0, "degrees"));
    snprintf(field, sizeof field, "buses[%u] '%.40s' y (latitude)", i, b->name);
    TW_CHECK(check_range(path, field, &b->y, -90.0, 90.0, "degrees"));
    for (unsigned j = 0; j < i; j++)
      if (!strcmp(c->buses[j].name, b->name))
        return tw_error(TW_ERR_INPUT, "%s: buses: the name '%s' is used twice (entries %u and %u)",
                        path, b->name, j, i);
  }
  if (c->wind) {
    TW_CHECK(check_range(path, "wind.hub_height_m", c->wind->hub_height_m, 0.0, 1000.0, "m"));
    TW_CHECK(check_range(path, "wind.roughness_m", c->wind->roughness_m, 1e-6, 100.0, "m"));
  }
  if (c->solar) {
    const tw_convert_solar_cfg *s = c->solar;
    TW_CHECK(check_range(path, "solar.tilt_deg", s->tilt_deg, 0.0, 90.0, "degrees"));
    TW_CHECK(check_range(path, "solar.azimuth_deg", s->azimuth_deg, 0.0, 360.0, "degrees"));
    TW_CHECK(check_range(path, "solar.axis_azimuth_deg", s->axis_azimuth_deg, 0.0, 360.0, "degrees"));
    TW_CHECK(check_range(path, "solar.max_rotation_deg", s->max_rotation_deg, 0.0, 90.0, "degrees"));
    TW_CHECK(check_range(path, "solar.albedo", s->albedo, 0.0, 1.0, NULL));
    TW_CHECK(check_range(path, "solar.dc_ac_ratio", s->dc_ac_ratio, 0.01, 10.0, NULL));
    TW_CHECK(check_range(path, "solar.losses", s->losses, 0.0, 0.99, NULL));
    TW_CHECK(check_range(path, "solar.gamma_per_K", s->gamma_per_K, -0.1, 0.1, "1/K"));
    TW_CHECK(check_range(path, "solar.inverter_efficiency", s->inverter_efficiency, 0.01, 1.0, NULL));
  }
  if (c->demand) {
    const tw_convert_demand_cfg *d = c->demand;
    TW_CHECK(check_range(path, "demand.heating_threshold_C", d->heating_threshold_C, -60.0, 60.0, "degC"));
    TW_CHECK(check_range(path, "demand.cooling_threshold_C", d->cooling_threshold_C, -60.0, 60.0, "degC"));
    double h = d->heating_threshold_C ? *d->heating_threshold_C : 15.5;
    double k = d->cooling_threshold_C ? *d->cooling_threshold_C : 22.0;
    if (h > k)
      return tw_error(TW_ERR_INPUT, "%s: demand: heating_threshold_C %g is above cooling_threshold_C "
                      "%g (a temperature would need heating and cooling at once)", path, h, k);
  }
  return TW_OK;
}

static int is_one_of(const char *v, const char *a, const char *b, const char *c) {
  return !v || !strcmp(v, a) || !strcmp(v, b) || (c && !strcmp(v, c));
}

tw_status tw_convert_config_load(const char *path, tw_convert_config **out) {
  tw_status st = TW_OK;
  tw_convert_config *c = NULL;
  *out = NULL;
  TW_CHECK(tw_yaml_load(path, &top_schema, (void **)&c));
  const char *slash = strrchr(path, '/');
  c->base_dir = slash ? tw_strndup(path, (size_t)(slash - path)) : tw_strdup(".");
  if (!c->base_dir) {
    st = tw_error(TW_ERR_RESOURCE, "%s: out of memory", path);
    goto cleanup;
  }
  if (!c->network == !c->buses) {
    st = tw_error(TW_ERR_INPUT, "%s: give exactly one of 'network' and 'buses'", path);
    goto cleanup;
  }
  if (!c->wind && !c->solar && !c->demand) {
    st = tw_error(TW_ERR_INPUT, "%s: nothing to convert: add 'wind', 'solar' or 'demand'", path);
    goto cleanup;
  }
  TW_CHECK_GOTO(st, check_ranges(path, c));
  if (c->preset) {
    char where[600];
    snprintf(where, sizeof where, "%s: climate.preset", path);
    TW_CHECK_GOTO(st, tw_preset_check(c->preset, where));
  }
  if (!is_one_of(c->weighting, "equal", "area", NULL)) {
    st = tw_error(TW_ERR_INPUT, "%s: layout.weighting: '%s' (expected 'equal' or 'area')", path,
                  c->weighting);
    goto cleanup;
  }
  if (c->layout_file && c->weighting) {
    st = tw_error(TW_ERR_INPUT, "%s: layout: give 'weighting' or 'file', not both (the file's "
                  "capacities are the weighting)", path);
    goto cleanup;
  }
  if (c->layout_variable && !c->layout_file) {
    st = tw_error(TW_ERR_INPUT, "%s: layout.variable '%s' given without layout.file", path,
                  c->layout_variable);
    goto cleanup;
  }
  if (c->wind && !is_one_of(c->wind->extrapolation, "log", "power", NULL)) {
    st = tw_error(TW_ERR_INPUT, "%s: wind.extrapolation: '%s' (expected 'log' or 'power')", path,
                  c->wind->extrapolation);
    goto cleanup;
  }
  if (c->solar &&
      !is_one_of(c->solar->orientation, "latitude_optimal", "fixed", "single_axis")) {
    st = tw_error(TW_ERR_INPUT, "%s: solar.orientation: '%s' (expected 'latitude_optimal', "
                  "'fixed' or 'single_axis')", path, c->solar->orientation);
    goto cleanup;
  }
  if (c->solar && !is_one_of(c->solar->sun_position, "fast", "spa", NULL)) {
    st = tw_error(TW_ERR_INPUT, "%s: solar.sun_position: '%s' (expected 'fast' or 'spa')",
                  path, c->solar->sun_position);
    goto cleanup;
  }
  if (c->solar && !is_one_of(c->solar->sky_model, "hay_davies", "perez", NULL)) {
    st = tw_error(TW_ERR_INPUT, "%s: solar.sky_model: '%s' (expected 'hay_davies' or 'perez')",
                  path, c->solar->sky_model);
    goto cleanup;
  }
  /* make relative paths absolute */
  for (unsigned i = 0; i < c->climate_files_count; i++) {
    char *r = resolve(c->base_dir, c->climate_files[i]);
    if (!r) {
      st = tw_error(TW_ERR_RESOURCE, "%s: out of memory", path);
      goto cleanup;
    }
    free(c->climate_files[i]);
    c->climate_files[i] = r;
  }
  char **paths[5] = {&c->network, c->wind ? &c->wind->oedb_dir : NULL, NULL, NULL,
                     &c->layout_file};
  if (c->wind && (strstr(c->wind->turbine, ".yaml") || strstr(c->wind->turbine, ".yml")))
    paths[2] = &c->wind->turbine;
  if (c->solar && strcmp(c->solar->panel, "pvwatts") != 0) paths[3] = &c->solar->panel;
  for (int i = 0; i < 5; i++) {
    if (!paths[i] || !*paths[i]) continue;
    char *r = resolve(c->base_dir, *paths[i]);
    if (!r) {
      st = tw_error(TW_ERR_RESOURCE, "%s: out of memory", path);
      goto cleanup;
    }
    free(*paths[i]);
    *paths[i] = r;
  }
  *out = c;
  c = NULL;
cleanup:
  tw_convert_config_destroy(&c);
  return st;
}

static double num_or(const double *v, double dflt) { return v ? *v : dflt; }

static tw_status params_from_config(const tw_convert_config *cfg, tw_convert_params *p,
                                    tw_turbine **turbine) {
  tw_convert_params_default(p);
  *turbine = NULL;
  if (cfg->wind) {
    TW_CHECK(tw_turbine_load(cfg->wind->turbine, cfg->wind->oedb_dir, turbine));
    p->turbine = *turbine;
    p->hub_height_m = num_or(cfg->wind->hub_height_m, 0.0);
    p->extrapolation = cfg->wind->extrapolation && !strcmp(cfg->wind->extrapolation, "power")
                           ? TW_WIND_POWER_LAW : TW_WIND_LOG_LAW;
    p->smoothing = cfg->wind->smoothing;
    p->roughness_default_m = num_or(cfg->wind->roughness_m, 0.03);
    if (!(p->hub_height_m >= 0.0) || !(p->roughness_default_m > 0.0))
      return tw_error(TW_ERR_INPUT, "wind: hub_height_m (%g) must be >= 0 and roughness_m (%g) "
                      "> 0", p->hub_height_m, p->roughness_default_m);
  }
  if (cfg->solar) {
    const tw_convert_solar_cfg *s = cfg->solar;
    p->solar = 1;
    if (!strcmp(s->panel, "pvwatts")) p->pv.panel = TW_PV_PVWATTS;
    else TW_CHECK(tw_pv_panel_load_yaml(s->panel, &p->pv));
    const char *o = s->orientation ? s->orientation : "latitude_optimal";
    p->pv.orientation = !strcmp(o, "fixed") ? TW_PV_FIXED
                        : !strcmp(o, "single_axis") ? TW_PV_SINGLE_AXIS : TW_PV_LATITUDE_OPTIMAL;
    p->sun_spa = s->sun_position && !strcmp(s->sun_position, "spa");
    p->pv.poa_model = s->sky_model && !strcmp(s->sky_model, "perez") ? TW_PV_POA_PEREZ
                                                                     : TW_PV_POA_HAY_DAVIES;
    p->pv.tilt_deg = num_or(s->tilt_deg, p->pv.tilt_deg);
    p->pv.azimuth_deg = num_or(s->azimuth_deg, p->pv.azimuth_deg);
    p->pv.axis_azimuth_deg = num_or(s->axis_azimuth_deg, p->pv.axis_azimuth_deg);
    p->pv.max_rotation_deg = num_or(s->max_rotation_deg, p->pv.max_rotation_deg);
    p->pv.albedo = num_or(s->albedo, p->pv.albedo);
    p->pv.dc_ac_ratio = num_or(s->dc_ac_ratio, p->pv.dc_ac_ratio);
    p->pv.losses = num_or(s->losses, p->pv.losses);
    p->pv.gamma_pdc_per_K = num_or(s->gamma_per_K, p->pv.gamma_pdc_per_K);
    p->pv.inverter_eta_nom = num_or(s->inverter_efficiency, p->pv.inverter_eta_nom);
    if (!(p->pv.tilt_deg >= 0.0 && p->pv.tilt_deg <= 90.0) ||
        !(p->pv.albedo >= 0.0 && p->pv.albedo <= 1.0) || !(p->pv.dc_ac_ratio > 0.0) ||
        !(p->pv.losses >= 0.0 && p->pv.losses < 1.0) ||
        !(p->pv.inverter_eta_nom > 0.0 && p->pv.inverter_eta_nom <= 1.0) ||
        !(p->pv.max_rotation_deg >= 0.0 && p->pv.max_rotation_deg <= 90.0))
      return tw_error(TW_ERR_INPUT, "solar: out of range: tilt_deg %g (0..90), albedo %g (0..1), "
                      "dc_ac_ratio %g (> 0), losses %g (0..1), inverter_efficiency %g (0..1], "
                      "max_rotation_deg %g (0..90)", p->pv.tilt_deg, p->pv.albedo,
                      p->pv.dc_ac_ratio, p->pv.losses, p->pv.inverter_eta_nom,
                      p->pv.max_rotation_deg);
  }
  if (cfg->demand) {
    p->degree_hours = 1;
    p->heating_threshold_C = num_or(cfg->demand->heating_threshold_C, 15.5);
    p->cooling_threshold_C = num_or(cfg->demand->cooling_threshold_C, 22.0);
    p->daily_mean = cfg->demand->daily_mean;
  }
  return TW_OK;
}

void tw_convert_climate_request(const tw_convert_config *cfg, const tw_convert_params *p,
                                tw_climate_request *rq) {
  memset(rq, 0, sizeof *rq);
  rq->preset = cfg->preset;
  rq->names = cfg->variables;
  rq->wind = p->turbine != NULL;
  rq->wind_power_law = p->turbine && p->extrapolation == TW_WIND_POWER_LAW;
  rq->solar = p->solar;
  rq->wind_10m_optional = p->solar && p->pv.panel == TW_PV_PVWATTS;
  rq->degree_hours = p->degree_hours;
  rq->roughness_default_m = p->roughness_default_m > 0 ? p->roughness_default_m : 0.03;
}

static double mean_of(const float *x, size_t n) {
  if (!x) return NAN;
  double s = 0.0;
  for (size_t i = 0; i < n; i++) s += x[i];
  return n ? s / (double)n : NAN;
}

tw_status tw_convert_run(const tw_convert_config *cfg, tw_backend *be, const char *out_path,
                         tw_convert_summary *summary) {
  tw_status st = TW_OK;
  tw_climate *c = NULL;
  tw_climate_reader *reader = NULL;
  tw_network *net = NULL;
  tw_layout *layout = NULL;
  tw_turbine *turbine = NULL;
  tw_bus_series *s = NULL;
  const char **names = NULL;
  double *lon = NULL, *lat = NULL, *cell_capacity = NULL;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  tw_convert_params p;
  TW_CHECK_GOTO(st, params_from_config(cfg, &p, &turbine));
  tw_ingest_params ip;
  tw_ingest_params_default(&ip);
  ip.paths = (const char *const *)cfg->climate_files;
  ip.npaths = cfg->climate_files_count;
  if (cfg->level) {
    ip.has_level = 1;
    ip.level = *cfg->level;
  }
  tw_climate_request rq;
  tw_convert_climate_request(cfg, &p, &rq);
  /* streamed over time chunks (memory flat in the time length) where the
   * data need no whole-series transformation (hourly, no role derived);
   * read whole otherwise (coarse steps brought to hourly, derived roles)
   * and for daily-mean degree-hours, which need whole days */
  tw_climate_roles_stream rs;
  const tw_climate *grid = NULL;
  if (!(p.degree_hours && p.daily_mean))
    TW_CHECK_GOTO(st, tw_climate_reader_open_roles(&ip, &rq, &rs, &reader));
  if (reader) {
    /* int16 inputs reach the fused kernels as stored (no decoded copy) */
    TW_CHECK_GOTO(st, tw_convert_reader_keep_packed(reader, &p));
    TW_CHECK_GOTO(st, tw_climate_reader_next(reader, &grid));
    if (!grid) {
      st = tw_error(TW_ERR_INPUT, "%s: the dataset has no values", cfg->climate_files[0]);
      goto cleanup;
    }
  } else {
    TW_CHECK_GOTO(st, tw_climate_read_roles(&ip, &rq, &c));
    grid = c;
  }
  size_t nbus = cfg->buses_count;
  if (cfg->network) {
    TW_CHECK_GOTO(st, tw_network_read(cfg->network, &net));
    nbus = net->n_buses;
  }
  if (nbus == 0) {
    st = tw_error(TW_ERR_INPUT, "%s: the network has no buses", cfg->network ? cfg->network : "buses");
    goto cleanup;
  }
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof *names, "bus names", &names));
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof *lon, "bus coordinates", &lon));
  TW_CHECK_GOTO(st, tw_calloc(nbus, sizeof *lat, "bus coordinates", &lat));
  for (size_t b = 0; b < nbus; b++) {
    names[b] = net ? net->buses[b].name : cfg->buses[b].name;
    lon[b] = net ? net->buses[b].x : cfg->buses[b].x;
    lat[b] = net ? net->buses[b].y : cfg->buses[b].y;
  }
  if (cfg->layout_file)
    TW_CHECK_GOTO(st, tw_layout_capacity_read(cfg->layout_file,
                                              cfg->layout_variable ? cfg->layout_variable
                                                                   : "capacity",
                                              grid, &cell_capacity));
  TW_CHECK_GOTO(st, tw_layout_voronoi(grid, nbus, names, lon, lat,
                                      cfg->weighting && !strcmp(cfg->weighting, "area")
                                          ? TW_LAYOUT_AREA : TW_LAYOUT_EQUAL,
                                      cell_capacity, &layout));
  if (reader)
    TW_CHECK_GOTO(st, tw_convert_capacity_factors_stream(be, reader, grid, &p, layout, &s));
  else
    TW_CHECK_GOTO(st, tw_convert_capacity_factors(be, c, &p, layout, &s));
  TW_CHECK_GOTO(st, tw_bus_series_write(s, out_path));
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (summary) {
    size_t n = s->ntime * s->nbus;
    summary->nbus = s->nbus;
    summary->ntime = s->ntime;
    summary->ncell = layout->ncell;
    summary->wind_cf_mean = mean_of(s->wind_cf, n);
    summary->solar_cf_mean = mean_of(s->solar_cf, n);
    summary->hdh_sum_Kh = s->hdh_K ? mean_of(s->hdh_K, n) * (double)s->ntime : NAN;
    summary->cdh_sum_Kh = s->cdh_K ? mean_of(s->cdh_K, n) * (double)s->ntime : NAN;
    summary->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  }
cleanup:
  free(names);
  free(lon);
  free(lat);
  free(cell_capacity);
  tw_bus_series_destroy(&s);
  tw_layout_destroy(&layout);
  tw_turbine_destroy(&turbine);
  tw_network_destroy(&net);
  tw_climate_reader_close(&reader);
  tw_climate_destroy(&c);
  return st;
}
