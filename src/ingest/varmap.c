/* The variable mapping: canonical names, by file name or by CF
 * standard_name (docs/INGEST.md has the table).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "ingest/dataset.h"

static const tw_ingest_alias defaults[] = {
    /* ERA5 (legacy CDS short names, and GRIB-style names) */
    {"u100", "u100", NULL, NULL},
    {"u100", "100u", NULL, NULL},
    {"v100", "v100", NULL, NULL},
    {"v100", "100v", NULL, NULL},
    {"u10", "u10", NULL, NULL},
    {"u10", "10u", NULL, NULL},
    {"v10", "v10", NULL, NULL},
    {"v10", "10v", NULL, NULL},
    {"t2m", "t2m", NULL, NULL},
    {"t2m", "2t", NULL, NULL},
    {"ssrd", "ssrd", NULL, NULL},
    {"fdir", "fdir", NULL, NULL},
    {"fsr", "fsr", NULL, NULL},
    {"sp", "sp", NULL, NULL},
    /* CMIP6 / CORDEX */
    {"tas", "tas", NULL, NULL},
    {"tasmax", "tasmax", NULL, NULL},
    {"tasmin", "tasmin", NULL, NULL},
    {"rsds", "rsds", NULL, NULL},
    {"rsdsdiff", "rsdsdiff", NULL, NULL},
    {"sfcWind", "sfcWind", NULL, NULL},
    {"uas", "uas", NULL, NULL},
    {"vas", "vas", NULL, NULL},
    {"ps", "ps", NULL, NULL},
    {"pr", "pr", NULL, NULL},
    /* atlite cutouts */
    {"t2m", "temperature", NULL, NULL},
    {"fsr", "roughness", NULL, NULL},
    {"wnd100m", "wnd100m", NULL, NULL},
    {"influx_direct", "influx_direct", NULL, NULL},
    {"influx_diffuse", "influx_diffuse", NULL, NULL},
    {"influx_toa", "influx_toa", NULL, NULL},
    {"albedo", "albedo", NULL, NULL},
    /* by CF standard_name, when no name matched */
    {"rsds", NULL, "surface_downwelling_shortwave_flux_in_air", NULL},
    {"rsds", NULL, "surface_downwelling_shortwave_flux", NULL},
    {"rsdsdiff", NULL, "surface_diffuse_downwelling_shortwave_flux_in_air", NULL},
    {"tas", NULL, "air_temperature", NULL},
    {"sfcWind", NULL, "wind_speed", NULL},
    {"uas", NULL, "eastward_wind", NULL},
    {"vas", NULL, "northward_wind", NULL},
    {"sp", NULL, "surface_air_pressure", NULL},
    {"pr", NULL, "precipitation_flux", NULL},
    {NULL, NULL, NULL, NULL},
};

const tw_ingest_alias *tw_ingest_default_aliases(void) { return defaults; }

static int canonical_taken(const tw_ds_file *f, const char *canonical) {
  for (size_t i = 0; i < f->nvars; i++)
    if (f->alias[i] && strcmp(f->alias[i]->canonical, canonical) == 0) return 1;
  return 0;
}

/* One pass over a list of entries: by name (pass 0) or standard_name (1). */
static void match_list(const tw_ingest_alias *list, size_t n, int by_std, tw_ds_file *f) {
  for (size_t a = 0; a < n && list[a].canonical; a++) {
    const tw_ingest_alias *e = &list[a];
    if (by_std ? (e->name || !e->standard_name) : !e->name) continue;
    if (canonical_taken(f, e->canonical)) continue;
    size_t found = f->nvars, count = 0;
    for (size_t i = 0; i < f->nvars; i++) {
      if (f->alias[i]) continue;
      const char *have = by_std ? f->vars[i].standard_name : f->vars[i].name;
      const char *want = by_std ? e->standard_name : e->name;
      if (strcmp(have, want) == 0) {
        found = i;
        count++;
      }
    }
    /* a standard_name shared by several variables is ambiguous: no match */
    if (count == 1 || (!by_std && count >= 1)) f->alias[found] = e;
  }
}

void tw_varmap_match(const tw_ingest_alias *user, size_t nuser, tw_ds_file *f) {
  for (size_t i = 0; i < f->nvars; i++) f->alias[i] = NULL;
  match_list(user, nuser, 0, f);
  match_list(defaults, sizeof defaults / sizeof defaults[0], 0, f);
  match_list(user, nuser, 1, f);
  match_list(defaults, sizeof defaults / sizeof defaults[0], 1, f);
}
