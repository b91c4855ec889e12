/* Scanning one NetCDF file of a climate dataset: time axis, grid or
 * stations, data variables. Reads coordinates only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/dataset.h"
#include "ingest/nc_util.h"
#include <stdio.h>
#include "terrawatt/alloc.h"

tw_status tw_ds_file_scan(const char *path, tw_ds_file *f);
void tw_ds_file_free(tw_ds_file *f);

static int find_var(int ncid, const char *const *names, const char *std, int *varid) {
  for (size_t i = 0; names[i]; i++)
    if (nc_inq_varid(ncid, names[i], varid) == NC_NOERR) return 1;
  int nvars = 0;
  nc_inq_nvars(ncid, &nvars);
  char buf[128];
  for (int v = 0; std && v < nvars; v++) {
    if (tw_nc_att_text(ncid, v, "standard_name", buf, sizeof buf) && strcmp(buf, std) == 0) {
      *varid = v;
      return 1;
    }
  }
  return 0;
}

static tw_status read_coord(int ncid, int varid, const char *path, const char *what, double **out,
                            size_t *n, int *dimid) {
  int ndims = 0;
  int dims[NC_MAX_VAR_DIMS];
  char name[NC_MAX_NAME + 1];
  nc_inq_varname(ncid, varid, name);
  int rc = nc_inq_var(ncid, varid, NULL, NULL, &ndims, dims, NULL);
  if (rc != NC_NOERR) return tw_nc_fail(rc, path, what);
  if (ndims != 1)
    return tw_error(TW_ERR_INPUT, "%s: %s variable '%s' has %d dimensions, expected 1", path, what,
                    name, ndims);
  *dimid = dims[0];
  rc = nc_inq_dimlen(ncid, dims[0], n);
  if (rc != NC_NOERR) return tw_nc_fail(rc, path, what);
  TW_CHECK(tw_calloc(*n ? *n : 1, sizeof **out, what, out));
  if (*n == 0) return TW_OK;
  rc = nc_get_var_double(ncid, varid, *out);
  if (rc != NC_NOERR) {
    free(*out);
    *out = NULL;
    return tw_nc_fail(rc, path, what);
  }
  /* packed coordinates (rare) */
  double scale = 1, offset = 0;
  tw_nc_att_double(ncid, varid, "scale_factor", &scale, NULL);
  tw_nc_att_double(ncid, varid, "add_offset", &offset, NULL);
  for (size_t i = 0; i < *n; i++) {
    (*out)[i] = (*out)[i] * scale + offset;
    if (!isfinite((*out)[i])) {
      free(*out); /* the caller only owns it on success (leak found by the bad-input catalogue) */
      *out = NULL;
      return tw_error(TW_ERR_INPUT, "%s: %s variable '%s': value %zu is not finite", path, what,
                      name, i);
    }
  }
  return TW_OK;
}

static tw_status scan_time(const char *path, tw_ds_file *f) {
  static const char *const names[] = {"time", "valid_time", "t", NULL};
  int varid = -1;
  f->time_dimid = -1;
  if (!find_var(f->ncid, names, "time", &varid)) {
    /* any 1-D variable with "UNIT since DATE" units */
    int nvars = 0;
    nc_inq_nvars(f->ncid, &nvars);
    char units[128];
    for (int v = 0; v < nvars && varid < 0; v++) {
      int nd = 0;
      nc_inq_varndims(f->ncid, v, &nd);
      if (nd == 1 && tw_nc_att_text(f->ncid, v, "units", units, sizeof units) &&
          strstr(units, " since "))
        varid = v;
    }
    if (varid < 0) return TW_OK; /* a file of static fields */
  }
  nc_inq_varname(f->ncid, varid, f->time_name);
  TW_CHECK(tw_cf_check_coord_attributes(f->ncid, varid, path, f->time_name, "time"));
  char cal[64];
  tw_nc_att_text(f->ncid, varid, "calendar", cal, sizeof cal);
  if (!tw_nc_att_text(f->ncid, varid, "units", f->time_units, sizeof f->time_units))
    return tw_error(TW_ERR_INPUT, "%s: time variable '%s' has no units attribute", path,
                    f->time_name);
  tw_status st = tw_calendar_parse(cal, &f->cal);
  if (st != TW_OK) return tw_error_prefix(st, "%s: variable '%s': ", path, f->time_name);
  tw_time_units tu;
  st = tw_time_units_parse(f->time_units, f->cal, &tu);
  if (st != TW_OK) return tw_error_prefix(st, "%s: variable '%s': ", path, f->time_name);
  double *raw = NULL;
  TW_CHECK(read_coord(f->ncid, varid, path, "time", &raw, &f->ntime, &f->time_dimid));
  st = tw_calloc(f->ntime ? f->ntime : 1, sizeof *f->time, "time axis", &f->time);
  for (size_t i = 0; st == TW_OK && i < f->ntime; i++) {
    st = tw_time_units_decode(&tu, raw[i], &f->time[i]);
    if (st != TW_OK) st = tw_error_prefix(st, "%s: variable '%s' [%zu]: ", path, f->time_name, i);
  }
  for (size_t i = 1; st == TW_OK && i < f->ntime; i++) {
    if (f->time[i] <= f->time[i - 1]) {
      char a[32], b[32];
      st = tw_error(TW_ERR_INPUT, "%s: variable '%s': times are not increasing: %s %s %s at index %zu",
                    path, f->time_name, tw_time_format(f->cal, f->time[i - 1], a, sizeof a),
                    f->time[i] == f->time[i - 1] ? "repeated as" : "followed by",
                    tw_time_format(f->cal, f->time[i], b, sizeof b), i);
    }
  }
  free(raw);
  return st;
}

/* Grid coordinates (CF 5: coordinate variables) are strictly monotonic. */
static tw_status check_strictly_monotonic(const char *path, const char *name, const char *what,
                                          const double *x, size_t n) {
  for (size_t i = 1; i < n; i++) {
    if (x[i] == x[i - 1])
      return tw_error(TW_ERR_INPUT, "%s: variable '%s': %s repeat: value %g at indices %zu and %zu",
                      path, name, what, x[i], i - 1, i);
    if (i >= 2 && (x[i] - x[i - 1]) * (x[1] - x[0]) < 0)
      return tw_error(TW_ERR_INPUT,
                      "%s: variable '%s': %s not monotonic at index %zu (%g after %g)", path, name,
                      what, i, x[i], x[i - 1]);
  }
  return TW_OK;
}

static tw_status scan_grid(const char *path, tw_ds_file *f) {
  static const char *const lat_names[] = {"latitude", "lat", "y", "nav_lat", "rlat", NULL};
  static const char *const lon_names[] = {"longitude", "lon", "x", "nav_lon", "rlon", NULL};
  int lat_id, lon_id;
  if (!find_var(f->ncid, lat_names, "latitude", &lat_id) ||
      !find_var(f->ncid, lon_names, "longitude", &lon_id))
    return tw_error(TW_ERR_INPUT,
                    "%s: no latitude/longitude coordinates (looked for latitude, lat, y and "
                    "longitude, lon, x, or standard_name latitude/longitude)",
                    path);
  nc_inq_varname(f->ncid, lat_id, f->lat_name);
  nc_inq_varname(f->ncid, lon_id, f->lon_name);
  TW_CHECK(tw_cf_check_coord_attributes(f->ncid, lat_id, path, f->lat_name, "latitude"));
  TW_CHECK(tw_cf_check_coord_attributes(f->ncid, lon_id, path, f->lon_name, "longitude"));
  TW_CHECK(read_coord(f->ncid, lat_id, path, "latitude", &f->lat, &f->nlat, &f->lat_dimid));
  TW_CHECK(read_coord(f->ncid, lon_id, path, "longitude", &f->lon, &f->nlon, &f->lon_dimid));
  f->is_station = f->lat_dimid == f->lon_dimid;
  if (f->nlat == 0 || f->nlon == 0)
    return tw_error(TW_ERR_INPUT, "%s: coordinate '%s' has length 0: the file holds no grid cells",
                    path, f->nlat == 0 ? f->lat_name : f->lon_name);
  for (size_t i = 0; i < f->nlat; i++)
    if (f->lat[i] < -90.0 - 1e-9 || f->lat[i] > 90.0 + 1e-9)
      return tw_error(TW_ERR_INPUT, "%s: variable '%s': latitude %g outside -90..90", path,
                      f->lat_name, f->lat[i]);
  if (!f->is_station) { /* grid coordinates: strictly monotonic, so no duplicates */
    TW_CHECK(check_strictly_monotonic(path, f->lat_name, "latitudes", f->lat, f->nlat));
    TW_CHECK(check_strictly_monotonic(path, f->lon_name, "longitudes", f->lon, f->nlon));
  }
  return TW_OK;
}

/* Which variables are data on the cells; where their time dimension is.
 * Dimensions of length 1, an `expver` dimension (with time) and one level
 * dimension (with its coordinate variable) are allowed besides time and
 * the cells; anything else is skipped. */
static tw_status scan_vars(const char *path, tw_ds_file *f) {
  int nvars = 0;
  nc_inq_nvars(f->ncid, &nvars);
  TW_CHECK(tw_calloc((size_t)nvars + 1, sizeof *f->vars, "variables", &f->vars));
  TW_CHECK(tw_calloc((size_t)nvars + 1, sizeof *f->time_pos, "variables", &f->time_pos));
  TW_CHECK(tw_calloc((size_t)nvars + 1, sizeof *f->layout, "variables", &f->layout));
  TW_CHECK(tw_calloc((size_t)nvars + 1, sizeof *f->alias, "variables", &f->alias));
  TW_CHECK(tw_calloc((size_t)nvars + 1, sizeof *f->skipped, "variables", &f->skipped));
  for (int v = 0; v < nvars; v++) {
    char name[NC_MAX_NAME + 1];
    nc_type type;
    int nd = 0, dims[NC_MAX_VAR_DIMS];
    nc_inq_var(f->ncid, v, name, &type, &nd, dims, NULL);
    if (strcmp(name, f->lat_name) == 0 || strcmp(name, f->lon_name) == 0 ||
        strcmp(name, f->time_name) == 0)
      continue;
    if (nd == 1) { /* a coordinate variable (e.g. level) is not data */
      char dn[NC_MAX_NAME + 1];
      if (nc_inq_dimname(f->ncid, dims[0], dn) == NC_NOERR && strcmp(dn, name) == 0) continue;
    }
    int has_lat = 0, has_lon = 0, tpos = -1, other = 0, ne = 0;
    int eff[NC_MAX_VAR_DIMS]; /* the time and cell dimensions, in order */
    tw_ds_layout lay;
    memset(&lay, 0, sizeof lay);
    lay.ndims = nd;
    for (int d = 0; d < nd; d++) {
      int cell = dims[d] == f->lat_dimid || dims[d] == f->lon_dimid ||
                 (dims[d] == f->time_dimid && f->time_dimid >= 0);
      if (dims[d] == f->lat_dimid) has_lat = 1;
      if (dims[d] == f->lon_dimid) has_lon = 1;
      if (dims[d] == f->time_dimid && f->time_dimid >= 0) tpos = ne;
      if (cell) {
        eff[ne++] = dims[d];
        continue;
      }
      char dname[NC_MAX_NAME + 1];
      size_t len = 0;
      nc_inq_dim(f->ncid, dims[d], dname, &len);
      signed char role = TW_DIM_ONE;
      int cvid = -1, cnd = 0, cdim = -1;
      if (strcmp(dname, "expver") == 0 && len > 1 && lay.nexpver == 0) {
        role = TW_DIM_EXPVER;
        lay.nexpver = len;
      } else if (len > 1 && lay.nlevel == 0 && nc_inq_varid(f->ncid, dname, &cvid) == NC_NOERR &&
                 nc_inq_varndims(f->ncid, cvid, &cnd) == NC_NOERR && cnd == 1 &&
                 nc_inq_vardimid(f->ncid, cvid, &cdim) == NC_NOERR && cdim == dims[d]) {
        /* a level or height with a coordinate variable: pressure levels, heights */
        role = TW_DIM_LEVEL;
        lay.nlevel = len;
        snprintf(lay.level_name, sizeof lay.level_name, "%s", dname);
        size_t n = len < TW_DS_MAXLEVELS ? len : TW_DS_MAXLEVELS, zero = 0;
        nc_get_vara_double(f->ncid, cvid, &zero, &n, lay.levels);
      } else if (len != 1) {
        other = 1;
      }
      if (d < TW_DS_MAXDIMS) lay.role[d] = role;
    }
    if (!has_lat || !has_lon) continue; /* bounds, labels, scalars: not data on cells */
    if (type == NC_CHAR || type == NC_STRING) continue; /* labels (station names) */
    int ok = !other && nd <= TW_DS_MAXDIMS && tw_nc_type_size(type) > 0 && (lay.nexpver == 0 || tpos >= 0);
    if (ok && !f->is_station) /* [time,] lat, lon */
      ok = (ne == 2 && eff[0] == f->lat_dimid && eff[1] == f->lon_dimid) ||
           (ne == 3 && tpos == 0 && eff[1] == f->lat_dimid && eff[2] == f->lon_dimid);
    if (ok && f->is_station) ok = ne == 1 || (ne == 2 && tpos >= 0);
    if (!ok) {
      f->skipped[f->nskipped] = tw_strdup(name);
      if (!f->skipped[f->nskipped]) return tw_error(TW_ERR_RESOURCE, "out of memory");
      f->nskipped++;
      continue;
    }
    TW_CHECK(tw_cf_var_load(f->ncid, v, path, &f->vars[f->nvars]));
    f->time_pos[f->nvars] = tpos;
    f->layout[f->nvars] = lay;
    f->nvars++;
  }
  return TW_OK;
}

tw_status tw_ds_file_scan(const char *path, tw_ds_file *f) {
  memset(f, 0, sizeof *f);
  f->ncid = -1;
  f->time_dimid = -1;
  f->path = tw_strdup(path);
  if (!f->path) return tw_error(TW_ERR_RESOURCE, "out of memory");
  TW_CHECK(tw_nc_open(path, &f->ncid));
  TW_CHECK(scan_time(path, f));
  TW_CHECK(scan_grid(path, f));
  TW_CHECK(scan_vars(path, f));
  return TW_OK;
}

void tw_ds_file_free(tw_ds_file *f) {
  if (f->ncid >= 0) nc_close(f->ncid);
  for (size_t i = 0; i < f->nskipped; i++) free(f->skipped[i]);
  free(f->skipped);
  free(f->path);
  free(f->time);
  free(f->lat);
  free(f->lon);
  free(f->vars);
  free(f->time_pos);
  free(f->layout);
  free(f->alias);
  memset(f, 0, sizeof *f);
  f->ncid = -1;
}
