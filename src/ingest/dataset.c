/* A multi-file dataset: variable matching, the time axis across files and
 * its checks (gaps, overlaps, grids), and the bbox / time selection.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/dataset.h"
#include "ingest/nc_util.h"

tw_status tw_ds_file_scan(const char *path, tw_ds_file *f);
void tw_ds_file_free(tw_ds_file *f);

double tw_lon_normalise(double lon_deg) {
  double x = fmod(lon_deg + 180.0, 360.0);
  if (x < 0) x += 360.0;
  return x - 180.0;
}

size_t tw_dataset_nrows(const tw_dataset *ds) { return ds->is_station ? ds->nloc_sel : ds->nlat_sel; }
size_t tw_dataset_ncols(const tw_dataset *ds) { return ds->is_station ? 1 : ds->nlon_sel; }

void tw_dataset_close(tw_dataset **dsp) {
  if (!dsp || !*dsp) return;
  tw_dataset *ds = *dsp;
  for (size_t i = 0; i < ds->nfiles; i++) tw_ds_file_free(&ds->files[i]);
  for (size_t i = 0; i < ds->nvars; i++) {
    free(ds->vars[i].file);
    free(ds->vars[i].var);
    free(ds->vars[i].t_first);
  }
  free(ds->files);
  free(ds->vars);
  free(ds->time);
  free(ds->loc);
  free(ds);
  *dsp = NULL;
}

static int wanted(const tw_ingest_params *p, const char *canonical) {
  if (!p->variables) return 1;
  for (size_t i = 0; i < p->nvariables; i++)
    if (strcmp(p->variables[i], canonical) == 0) return 1;
  return 0;
}

static tw_status check_same_grid(const tw_ds_file *a, const tw_ds_file *b) {
  if (a->is_station != b->is_station || a->nlat != b->nlat || a->nlon != b->nlon)
    return tw_error(TW_ERR_INPUT, "%s and %s: grids differ (%zux%zu%s vs %zux%zu%s)", a->path,
                    b->path, a->nlat, a->nlon, a->is_station ? " stations" : "", b->nlat, b->nlon,
                    b->is_station ? " stations" : "");
  for (size_t i = 0; i < a->nlat; i++)
    if (fabs(a->lat[i] - b->lat[i]) > 1e-5)
      return tw_error(TW_ERR_INPUT, "%s and %s: grids differ: latitude %zu is %g vs %g", a->path,
                      b->path, i, a->lat[i], b->lat[i]);
  for (size_t i = 0; i < a->nlon; i++)
    if (fabs(tw_lon_normalise(a->lon[i]) - tw_lon_normalise(b->lon[i])) > 1e-5)
      return tw_error(TW_ERR_INPUT, "%s and %s: grids differ: longitude %zu is %g vs %g", a->path,
                      b->path, i, a->lon[i], b->lon[i]);
  return TW_OK;
}

/* Add (file fi, var vi) as a part of dataset variable named canonical. */
static tw_status add_part(tw_dataset *ds, const char *canonical, const tw_ingest_alias *alias,
                          size_t fi, size_t vi) {
  tw_ds_var *v = NULL;
  for (size_t i = 0; i < ds->nvars; i++)
    if (strcmp(ds->vars[i].canonical, canonical) == 0) v = &ds->vars[i];
  if (!v) {
    v = &ds->vars[ds->nvars++];
    v->canonical = canonical;
    v->alias = alias;
    TW_CHECK(tw_calloc(ds->nfiles, sizeof *v->file, "variable parts", &v->file));
    TW_CHECK(tw_calloc(ds->nfiles, sizeof *v->var, "variable parts", &v->var));
    TW_CHECK(tw_calloc(ds->nfiles, sizeof *v->t_first, "variable parts", &v->t_first));
    v->time_varying = ds->files[fi].time_pos[vi] >= 0;
  }
  const tw_ds_file *f = &ds->files[fi];
  int tv = f->time_pos[vi] >= 0;
  if (tv != v->time_varying)
    return tw_error(TW_ERR_INPUT, "%s and %s: variable '%s' is static in one file and on time in the other",
                    ds->files[v->file[0]].path, f->path, f->vars[vi].name);
  if (!tv && v->nparts > 0) return TW_OK; /* a static field: the first file is enough */
  v->file[v->nparts] = fi;
  v->var[v->nparts] = vi;
  v->nparts++;
  return TW_OK;
}

/* Order a variable's parts by time; check overlaps and gaps; build its axis. */
static tw_status order_parts(tw_dataset *ds, tw_ds_var *v, tw_time_s **axis, size_t *naxis) {
  /* sort file indices (parts keep file/var pairs: sort an index permutation) */
  size_t n = v->nparts;
  size_t *perm = NULL, *nf = NULL, *nv = NULL;
  tw_status st = TW_OK;
  TW_CHECK_GOTO(st, tw_calloc(n, sizeof *perm, "parts", &perm));
  TW_CHECK_GOTO(st, tw_calloc(n, sizeof *nf, "parts", &nf));
  TW_CHECK_GOTO(st, tw_calloc(n, sizeof *nv, "parts", &nv));
  for (size_t i = 0; i < n; i++) perm[i] = i;
  /* insertion sort by first time: n is the number of files */
  for (size_t i = 1; i < n; i++) {
    size_t k = perm[i], j = i;
    while (j > 0) {
      const tw_ds_file *fa = &ds->files[v->file[perm[j - 1]]], *fb = &ds->files[v->file[k]];
      if (fa->ntime && fb->ntime && fa->time[0] > fb->time[0]) {
        perm[j] = perm[j - 1];
        j--;
      } else {
        break;
      }
    }
    perm[j] = k;
  }
  for (size_t i = 0; i < n; i++) {
    nf[i] = v->file[perm[i]];
    nv[i] = v->var[perm[i]];
  }
  memcpy(v->file, nf, n * sizeof *nf);
  memcpy(v->var, nv, n * sizeof *nv);
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    const tw_ds_file *f = &ds->files[v->file[i]];
    if (f->ntime == 0)
      TW_CHECK_GOTO(st, tw_error(TW_ERR_INPUT, "%s: variable '%s': time dimension is empty", f->path,
                                 f->vars[v->var[i]].name));
    if (i > 0) {
      const tw_ds_file *p = &ds->files[v->file[i - 1]];
      char a[32], b[32];
      tw_time_s last = p->time[p->ntime - 1], first = f->time[0];
      if (p->cal != f->cal)
        TW_CHECK_GOTO(st, tw_error(TW_ERR_INPUT, "%s and %s: calendars differ (%s vs %s)", p->path,
                                   f->path, tw_calendar_name(p->cal), tw_calendar_name(f->cal)));
      int repeated = 0;
      for (size_t k = 0; k < p->ntime && first <= last; k++) repeated |= p->time[k] == first;
      if (first <= last)
        TW_CHECK_GOTO(st, tw_error(TW_ERR_INPUT,
                                   "%s and %s: variable '%s': times %s: %s starts at %s but %s ends at %s",
                                   p->path, f->path, v->canonical, repeated ? "duplicated" : "overlap",
                                   f->path, tw_time_format(f->cal, first, a, sizeof a), p->path,
                                   tw_time_format(p->cal, last, b, sizeof b)));
      tw_time_s step = p->ntime > 1 ? p->time[1] - p->time[0] : (f->ntime > 1 ? f->time[1] - f->time[0] : 0);
      if (step > 0 && first - last != step)
        TW_CHECK_GOTO(st, tw_error(TW_ERR_INPUT,
                                   "%s and %s: variable '%s': gap in time: %s ends at %s, %s starts at %s "
                                   "(step %lld s)",
                                   p->path, f->path, v->canonical, p->path,
                                   tw_time_format(p->cal, last, b, sizeof b), f->path,
                                   tw_time_format(f->cal, first, a, sizeof a), (long long)step));
    }
    v->t_first[i] = total;
    total += f->ntime;
  }
  TW_CHECK_GOTO(st, tw_calloc(total, sizeof **axis, "time axis", axis));
  for (size_t i = 0; i < n; i++) {
    const tw_ds_file *f = &ds->files[v->file[i]];
    memcpy(*axis + v->t_first[i], f->time, f->ntime * sizeof **axis);
  }
  *naxis = total;
cleanup:
  free(perm);
  free(nf);
  free(nv);
  return st;
}

static tw_status build_axis(tw_dataset *ds) {
  const tw_ds_var *ref = NULL;
  tw_status st = TW_OK;
  for (size_t i = 0; i < ds->nvars; i++) {
    tw_ds_var *v = &ds->vars[i];
    if (!v->time_varying) continue;
    tw_time_s *axis = NULL;
    size_t n = 0;
    TW_CHECK(order_parts(ds, v, &axis, &n));
    if (!ref) {
      ref = v;
      ds->time = axis;
      ds->ntime = n;
      ds->cal = ds->files[v->file[0]].cal;
      continue;
    }
    const tw_ds_file *fa = &ds->files[ref->file[0]], *fb = &ds->files[v->file[0]];
    if (n != ds->ntime || memcmp(axis, ds->time, n * sizeof *axis) != 0 || fa->cal != fb->cal) {
      char a[32], b[32];
      st = tw_error(TW_ERR_INPUT,
                    "%s and %s: variables '%s' and '%s' have different time axes (%zu times from %s vs "
                    "%zu from %s)",
                    fa->path, fb->path, ref->canonical, v->canonical, ds->ntime,
                    ds->ntime ? tw_time_format(ds->cal, ds->time[0], a, sizeof a) : "-", n,
                    n ? tw_time_format(fb->cal, axis[0], b, sizeof b) : "-");
    }
    free(axis);
    if (st != TW_OK) return st;
  }
  ds->uniform_step = 1;
  if (ds->ntime > 1) {
    ds->step_s = (double)(ds->time[1] - ds->time[0]);
    for (size_t t = 2; t < ds->ntime; t++)
      if (ds->time[t] - ds->time[t - 1] != ds->time[1] - ds->time[0]) ds->uniform_step = 0;
  }
  return TW_OK;
}

static int lon_inside(double lon, const tw_ingest_params *p, double lo, double hi) {
  if (!p->has_bbox) return 1;
  if (lo <= hi) return lon >= lo - 1e-9 && lon <= hi + 1e-9;
  return lon >= lo - 1e-9 || lon <= hi + 1e-9; /* wraps across the seam */
}

static double bbox_lon(double x) { return (x < -180.0 || x > 180.0) ? tw_lon_normalise(x) : x; }

static tw_status select_cells(tw_dataset *ds, const tw_ingest_params *p) {
  const tw_ds_file *f = &ds->files[0];
  double lo = bbox_lon(p->lon_min_deg), hi = bbox_lon(p->lon_max_deg);
  if (p->has_bbox && (p->lat_min_deg > p->lat_max_deg || !isfinite(lo) || !isfinite(hi)))
    return tw_error(TW_ERR_INPUT, "bounding box lat %g..%g is empty (lat_min > lat_max)",
                    p->lat_min_deg, p->lat_max_deg);
  if (ds->is_station) {
    TW_CHECK(tw_calloc(f->nlat ? f->nlat : 1, sizeof *ds->loc, "locations", &ds->loc));
    for (size_t i = 0; i < f->nlat; i++) {
      double lon = tw_lon_normalise(f->lon[i]);
      if (!p->has_bbox || (f->lat[i] >= p->lat_min_deg - 1e-9 && f->lat[i] <= p->lat_max_deg + 1e-9 &&
                           lon_inside(lon, p, lo, hi)))
        ds->loc[ds->nloc_sel++] = i;
    }
    if (ds->nloc_sel == 0)
      return tw_error(TW_ERR_INPUT, "%s: bounding box lon %g..%g lat %g..%g holds none of its %zu locations",
                      f->path, p->lon_min_deg, p->lon_max_deg, p->lat_min_deg, p->lat_max_deg, f->nlat);
    return TW_OK;
  }
  /* rows: a contiguous range of the monotonic latitudes */
  size_t first = f->nlat, last = 0;
  for (size_t i = 0; i < f->nlat; i++) {
    if (!p->has_bbox || (f->lat[i] >= p->lat_min_deg - 1e-9 && f->lat[i] <= p->lat_max_deg + 1e-9)) {
      if (first == f->nlat) first = i;
      last = i;
    }
  }
  /* columns: runs of selected longitudes, broken where the normalised
   * longitude jumps back (a 0..360 grid crossing 180) */
  size_t nrun = 0, rs[3] = {0, 0, 0}, rl[3] = {0, 0, 0};
  int ascending = f->nlon < 2 || f->lon[1] > f->lon[0];
  for (size_t i = 0; i < f->nlon; i++) {
    double lon = tw_lon_normalise(f->lon[i]);
    if (!lon_inside(lon, p, lo, hi)) continue;
    int extend = nrun > 0 && rs[nrun - 1] + rl[nrun - 1] == i;
    if (extend && i > 0) {
      double prev = tw_lon_normalise(f->lon[i - 1]);
      if (ascending ? lon < prev : lon > prev) extend = 0;
    }
    if (extend) {
      rl[nrun - 1]++;
    } else {
      if (nrun == 3) break;
      rs[nrun] = i;
      rl[nrun] = 1;
      nrun++;
    }
  }
  if (first == f->nlat || nrun == 0) {
    double la = f->lat[0], lb = f->lat[f->nlat ? f->nlat - 1 : 0];
    return tw_error(TW_ERR_INPUT,
                    "%s: bounding box lon %g..%g lat %g..%g is outside the grid (lat %g..%g, lon %g..%g)",
                    f->path, p->lon_min_deg, p->lon_max_deg, p->lat_min_deg, p->lat_max_deg,
                    la < lb ? la : lb, la < lb ? lb : la, f->lon[0], f->lon[f->nlon ? f->nlon - 1 : 0]);
  }
  /* a wrapped selection can come as three runs in file order; the first
   * and last join across the end of the array only geographically, so
   * each run is read separately (at most two are allowed) */
  if (nrun > 2)
    return tw_error(TW_ERR_INPUT, "%s: variable '%s': longitudes are not monotonic; cannot select a bbox",
                    f->path, f->lon_name);
  /* order runs so the output is continuous: on an ascending grid it
   * starts at the bbox's western edge (-180 without bbox), on a descending
   * grid at its eastern edge (180) and goes west */
  if (nrun == 2) {
    double ref = ascending ? (p->has_bbox ? lo : -180.0) : (p->has_bbox ? hi : 180.0);
    double sgn = ascending ? 1.0 : -1.0;
    double k0 = fmod(sgn * (tw_lon_normalise(f->lon[rs[0]]) - ref) + 720.0, 360.0);
    double k1 = fmod(sgn * (tw_lon_normalise(f->lon[rs[1]]) - ref) + 720.0, 360.0);
    if (k1 < k0) {
      size_t t = rs[0];
      rs[0] = rs[1];
      rs[1] = t;
      t = rl[0];
      rl[0] = rl[1];
      rl[1] = t;
    }
  }
  ds->lat0 = first;
  ds->nlat_sel = last - first + 1;
  ds->nrun = nrun;
  ds->nlon_sel = 0;
  for (size_t r = 0; r < nrun; r++) {
    ds->run_start[r] = rs[r];
    ds->run_len[r] = rl[r];
    ds->nlon_sel += rl[r];
  }
  return TW_OK;
}

static tw_status select_times(tw_dataset *ds, const tw_ingest_params *p) {
  ds->t0 = 0;
  ds->nt_sel = ds->ntime;
  if (!p->has_time_range || ds->ntime == 0) return TW_OK;
  size_t a = ds->ntime, b = 0;
  for (size_t t = 0; t < ds->ntime; t++) {
    if (ds->time[t] >= p->time_start && ds->time[t] <= p->time_end) {
      if (a == ds->ntime) a = t;
      b = t;
    }
  }
  if (a == ds->ntime) {
    char s0[32], s1[32], d0[32], d1[32];
    return tw_error(TW_ERR_INPUT, "%s: time range %s..%s is outside the dataset's %s..%s",
                    ds->files[0].path, tw_time_format(ds->cal, p->time_start, s0, sizeof s0),
                    tw_time_format(ds->cal, p->time_end, s1, sizeof s1),
                    tw_time_format(ds->cal, ds->time[0], d0, sizeof d0),
                    tw_time_format(ds->cal, ds->time[ds->ntime - 1], d1, sizeof d1));
  }
  ds->t0 = a;
  ds->nt_sel = b - a + 1;
  return TW_OK;
}

static const char *detect_convention(const tw_dataset *ds) {
  const tw_ds_file *f = &ds->files[0];
  if (strcmp(f->time_name, "valid_time") == 0) return "era5";
  for (size_t i = 0; i < f->nvars; i++) {
    const char *n = f->vars[i].name;
    if (!strcmp(n, "u100") || !strcmp(n, "ssrd") || !strcmp(n, "t2m") || !strcmp(n, "u10") ||
        !strcmp(n, "sp") || !strcmp(n, "fsr"))
      return "era5";
    if (!strcmp(n, "influx_direct") || !strcmp(n, "wnd100m") || !strcmp(n, "roughness"))
      return "atlite";
    if (!strcmp(n, "tas") || !strcmp(n, "tasmax") || !strcmp(n, "rsds") || !strcmp(n, "sfcWind") ||
        !strcmp(n, "uas") || !strcmp(n, "pr"))
      return "cmip";
  }
  return "cf";
}

static tw_status missing_variable(const tw_dataset *ds, const char *name) {
  char list[1024] = "";
  size_t len = 0;
  for (size_t fi = 0; fi < ds->nfiles; fi++)
    for (size_t i = 0; i < ds->files[fi].nvars && len + 70 < sizeof list; i++) {
      int n = snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "",
                       ds->files[fi].vars[i].name);
      if (n > 0) len += (size_t)n;
    }
  return tw_error(TW_ERR_INPUT, "%s%s: variable '%s' not found (by name or standard_name); the dataset has: %s",
                  ds->files[0].path, ds->nfiles > 1 ? " (and other files)" : "", name,
                  len ? list : "no data variables");
}

/* The level of every variable with a level dimension: the coordinate value
 * p->level (in the file's units, or x100 for pressure given in hPa against
 * a coordinate in Pa); without p->has_level an error listing the levels,
 * except for inspect (want_all), which reads each in turn. */
static tw_status choose_levels(tw_dataset *ds, const tw_ingest_params *p, int want_all) {
  for (size_t i = 0; i < ds->nvars; i++)
    for (size_t k = 0; k < ds->vars[i].nparts; k++) {
      tw_ds_file *f = &ds->files[ds->vars[i].file[k]];
      tw_ds_layout *lay = &f->layout[ds->vars[i].var[k]];
      if (!lay->nlevel) continue;
      size_t n = lay->nlevel < TW_DS_MAXLEVELS ? lay->nlevel : TW_DS_MAXLEVELS;
      char list[512] = "";
      size_t len = 0;
      for (size_t l = 0; l < n && len + 24 < sizeof list; l++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%g", l ? ", " : "", lay->levels[l]);
      if (!p->has_level) {
        if (want_all) continue;
        return tw_error(TW_ERR_INPUT, "%s: variable '%s' has a level dimension '%s' (%s): choose "
                        "one with `level:` (a coordinate value)", f->path,
                        f->vars[ds->vars[i].var[k]].name, lay->level_name, list);
      }
      size_t found = n;
      for (size_t l = 0; l < n && found == n; l++) {
        double x = lay->levels[l], want = p->level;
        if (fabs(x - want) <= 1e-6 * fmax(1.0, fabs(want)) ||
            fabs(x - 100.0 * want) <= 1e-6 * fmax(1.0, fabs(100.0 * want)))
          found = l;
      }
      if (found == n)
        return tw_error(TW_ERR_INPUT, "%s: variable '%s': level %g is not a value of '%s' (%s)",
                        f->path, f->vars[ds->vars[i].var[k]].name, p->level, lay->level_name, list);
      lay->level_index = found;
    }
  return TW_OK;
}

tw_status tw_dataset_open(const tw_ingest_params *p, int want_all, int strict_units, tw_dataset **out) {
  tw_status st = TW_OK;
  tw_dataset *ds = NULL;
  *out = NULL;
  if (!p->paths || p->npaths == 0) return tw_error(TW_ERR_INPUT, "climate dataset: no files given");
  TW_CHECK(tw_calloc(1, sizeof *ds, "dataset", &ds));
  TW_CHECK_GOTO(st, tw_calloc(p->npaths, sizeof *ds->files, "dataset files", &ds->files));
  for (size_t i = 0; i < p->npaths; i++) {
    ds->nfiles++;
    TW_CHECK_GOTO(st, tw_ds_file_scan(p->paths[i], &ds->files[i]));
    tw_varmap_match(p->aliases, p->naliases, &ds->files[i]);
    if (i > 0) TW_CHECK_GOTO(st, check_same_grid(&ds->files[0], &ds->files[i]));
  }
  ds->is_station = ds->files[0].is_station;
  ds->nlat = ds->files[0].nlat;
  ds->nlon = ds->files[0].nlon;
  ds->lat = ds->files[0].lat;
  ds->lon_raw = ds->files[0].lon;
  size_t maxvars = 0;
  for (size_t i = 0; i < ds->nfiles; i++) maxvars += ds->files[i].nvars;
  TW_CHECK_GOTO(st, tw_calloc(maxvars + 1, sizeof *ds->vars, "dataset variables", &ds->vars));
  for (size_t fi = 0; fi < ds->nfiles; fi++) {
    tw_ds_file *f = &ds->files[fi];
    for (size_t vi = 0; vi < f->nvars; vi++) {
      const char *canonical = f->alias[vi] ? f->alias[vi]->canonical : (want_all ? f->vars[vi].name : NULL);
      if (!canonical || (!want_all && !wanted(p, canonical))) continue;
      TW_CHECK_GOTO(st, add_part(ds, canonical, f->alias[vi], fi, vi));
    }
  }
  for (size_t i = 0; p->variables && i < p->nvariables; i++) {
    int found = 0;
    for (size_t v = 0; v < ds->nvars; v++) found |= strcmp(ds->vars[v].canonical, p->variables[i]) == 0;
    if (!found) TW_CHECK_GOTO(st, missing_variable(ds, p->variables[i]));
  }
  if (ds->nvars == 0 && !want_all) TW_CHECK_GOTO(st, missing_variable(ds, "(any known variable)"));
  TW_CHECK_GOTO(st, choose_levels(ds, p, want_all));
  TW_CHECK_GOTO(st, build_axis(ds));
  for (size_t i = 0; i < ds->nvars; i++) {
    tw_ds_var *v = &ds->vars[i];
    const tw_ds_file *f = &ds->files[v->file[0]];
    v->units_raw = v->alias && v->alias->units ? v->alias->units : f->vars[v->var[0]].units;
    v->units_known = tw_cf_units_lookup(v->units_raw, &v->units);
    if (!v->units_known && strict_units)
      TW_CHECK_GOTO(st, tw_error(TW_ERR_INPUT,
                                 "%s: variable '%s': unknown units '%s' (set a units override in the "
                                 "variable mapping)",
                                 f->path, f->vars[v->var[0]].name, v->units_raw));
    v->phys = tw_cf_physical_lookup(v->canonical);
    if (v->phys && v->units_known && strcmp(v->units.si, v->phys->si) != 0)
      TW_CHECK_GOTO(st, tw_error(TW_ERR_INPUT,
                                 "%s: variable '%s': %s 'units' = '%s' is not a unit of %s "
                                 "('%s' needs %s or a unit convertible to it)",
                                 f->path, f->vars[v->var[0]].name,
                                 v->alias && v->alias->units ? "the mapping's override of" : "attribute",
                                 v->units_raw, v->phys->role, v->canonical, v->phys->si));
    for (size_t k = 1; k < v->nparts && !(v->alias && v->alias->units); k++) {
      const tw_ds_file *g = &ds->files[v->file[k]];
      if (strcmp(g->vars[v->var[k]].units, v->units_raw) != 0)
        TW_CHECK_GOTO(st, tw_error(TW_ERR_INPUT, "%s and %s: variable '%s': units differ ('%s' vs '%s')",
                                   f->path, g->path, v->canonical, v->units_raw, g->vars[v->var[k]].units));
    }
  }
  TW_CHECK_GOTO(st, select_cells(ds, p));
  TW_CHECK_GOTO(st, select_times(ds, p));
  ds->convention = p->convention ? p->convention : detect_convention(ds);
  *out = ds;
  ds = NULL;
cleanup:
  tw_dataset_close(&ds);
  return st;
}
