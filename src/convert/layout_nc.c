/* Reading a layout NetCDF: installed capacity per cell on the climate grid
 * (the cell weighting of tw_layout_voronoi; docs/CONVERT.md "Layout").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/convert.h"

#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/cf.h"
#include "ingest/nc_util.h"

/* Coordinates of the layout grid must equal the climate grid's to this
 * tolerance (degrees; float-stored coordinates of a 0.25 deg grid round at
 * about 1e-6). */
#define TW_LAYOUT_COORD_TOL_DEG 1e-4

/* 1 if the dimension's coordinate variable looks like latitude (0), or
 * longitude (1): by name, standard_name or units. */
static int coord_kind(int ncid, int varid, const char *name, int want_lon) {
  char buf[128];
  static const char *lat_names[] = {"lat", "latitude", "y", "rlat", NULL};
  static const char *lon_names[] = {"lon", "longitude", "x", "rlon", NULL};
  const char **names = want_lon ? lon_names : lat_names;
  for (int i = 0; names[i]; i++)
    if (!strcmp(name, names[i])) return 1;
  if (tw_nc_att_text(ncid, varid, "standard_name", buf, sizeof buf) &&
      !strcmp(buf, want_lon ? "longitude" : "latitude"))
    return 1;
  if (tw_nc_att_text(ncid, varid, "units", buf, sizeof buf) &&
      !strcmp(buf, want_lon ? "degrees_east" : "degrees_north"))
    return 1;
  return 0;
}

/* List the file's variable names into buf (for "not found" messages). */
static void list_vars(int ncid, char *buf, size_t size) {
  int nvars = 0;
  buf[0] = '\0';
  if (nc_inq_nvars(ncid, &nvars) != NC_NOERR) return;
  for (int v = 0; v < nvars; v++) {
    char name[NC_MAX_NAME + 1];
    if (nc_inq_varname(ncid, v, name) != NC_NOERR) continue;
    size_t used = strlen(buf);
    if (used + strlen(name) + 3 >= size) break;
    snprintf(buf + used, size - used, "%s%s", v ? ", " : "", name);
  }
}

static double lon_wrap(double lon) {
  double x = fmod(lon + 180.0, 360.0);
  if (x < 0.0) x += 360.0;
  return x - 180.0;
}

/* For each of the n climate coordinates, its index among the file's m
 * values (lon: compared modulo 360). Fails naming the first one absent. */
static tw_status match_axis(const char *path, const char *var, const double *want, size_t n,
                            const double *have, size_t m, int is_lon, size_t *index) {
  if (n != m)
    return tw_error(TW_ERR_INPUT, "%s: layout grid does not match the climate grid: '%s' has %zu "
                    "values, the climate data %zu", path, var, m, n);
  for (size_t i = 0; i < n; i++) {
    size_t best = m;
    double best_d = TW_LAYOUT_COORD_TOL_DEG;
    for (size_t j = 0; j < m; j++) {
      double d = is_lon ? fabs(lon_wrap(have[j] - want[i])) : fabs(have[j] - want[i]);
      if (d <= best_d) {
        best_d = d;
        best = j;
      }
    }
    if (best == m)
      return tw_error(TW_ERR_INPUT, "%s: layout grid does not match the climate grid: %s %g of "
                      "the climate data is not among the values of '%s' (%g .. %g)",
                      path, is_lon ? "longitude" : "latitude", want[i], var, have[0], have[m - 1]);
    index[i] = best;
  }
  return TW_OK;
}

tw_status tw_layout_capacity_read(const char *path, const char *variable, const tw_climate *c,
                                  double **cell_capacity) {
  tw_status st = TW_OK;
  int ncid = -1, rc;
  void *raw = NULL;
  float *vals = NULL;
  double *lat = NULL, *lon = NULL, *cap = NULL;
  size_t *ilat = NULL, *ilon = NULL;
  char names[512];
  *cell_capacity = NULL;
  if (c->is_station)
    return tw_error(TW_ERR_INPUT, "%s: a layout file needs gridded climate data, but %s holds "
                    "stations", path, c->source ? c->source : "the climate data");
  TW_CHECK(tw_nc_open(path, &ncid));
  int varid;
  rc = nc_inq_varid(ncid, variable, &varid);
  if (rc != NC_NOERR) {
    list_vars(ncid, names, sizeof names);
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s' not found (the file has: %s)", path, variable,
                  names);
    goto cleanup;
  }
  tw_cf_var v;
  TW_CHECK_GOTO(st, tw_cf_var_load(ncid, varid, path, &v));
  /* two grid dimensions; any others must have length 1 (read at index 0) */
  size_t start[NC_MAX_VAR_DIMS], count[NC_MAX_VAR_DIMS];
  int nlong = 0;
  for (int d = 0; d < v.ndims; d++) {
    rc = nc_inq_dimlen(ncid, v.dimids[d], &count[d]);
    if (rc != NC_NOERR) {
      st = tw_nc_fail(rc, path, "cannot inquire a dimension");
      goto cleanup;
    }
    start[d] = 0;
    nlong += count[d] > 1;
  }
  if (nlong > 2) {
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s' has %d dimensions longer than 1; a layout is "
                  "one value per grid cell (lat, lon)", path, variable, nlong);
    goto cleanup;
  }
  /* which grid dimension is latitude: by the coordinate variables */
  int lat_dim = -1, lon_dim = -1, lat_var = -1, lon_var = -1;
  char lat_name[NC_MAX_NAME + 1] = "", lon_name[NC_MAX_NAME + 1] = "";
  for (int d = 0; d < v.ndims; d++) {
    char dname[NC_MAX_NAME + 1];
    int cv;
    if (nc_inq_dimname(ncid, v.dimids[d], dname) != NC_NOERR) continue;
    if (nc_inq_varid(ncid, dname, &cv) != NC_NOERR) continue;
    if (lat_dim < 0 && coord_kind(ncid, cv, dname, 0)) {
      lat_dim = v.dimids[d];
      lat_var = cv;
      snprintf(lat_name, sizeof lat_name, "%s", dname);
    } else if (lon_dim < 0 && coord_kind(ncid, cv, dname, 1)) {
      lon_dim = v.dimids[d];
      lon_var = cv;
      snprintf(lon_name, sizeof lon_name, "%s", dname);
    }
  }
  if (lat_dim < 0 || lon_dim < 0) {
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s': no %s coordinate among its dimensions "
                  "(a coordinate variable named lat/latitude/y or lon/longitude/x, or with "
                  "units degrees_north/degrees_east)", path, variable,
                  lat_dim < 0 ? "latitude" : "longitude");
    goto cleanup;
  }
  size_t nlat_f, nlon_f;
  nc_inq_dimlen(ncid, lat_dim, &nlat_f);
  nc_inq_dimlen(ncid, lon_dim, &nlon_f);
  TW_CHECK_GOTO(st, tw_calloc(nlat_f, sizeof *lat, "layout latitudes", &lat));
  TW_CHECK_GOTO(st, tw_calloc(nlon_f, sizeof *lon, "layout longitudes", &lon));
  if ((rc = nc_get_var_double(ncid, lat_var, lat)) != NC_NOERR ||
      (rc = nc_get_var_double(ncid, lon_var, lon)) != NC_NOERR) {
    st = tw_nc_fail(rc, path, "cannot read the layout coordinates");
    goto cleanup;
  }
  TW_CHECK_GOTO(st, tw_calloc(c->nlat, sizeof *ilat, "layout", &ilat));
  TW_CHECK_GOTO(st, tw_calloc(c->nlon, sizeof *ilon, "layout", &ilon));
  TW_CHECK_GOTO(st, match_axis(path, lat_name, c->lat_deg, c->nlat, lat, nlat_f, 0, ilat));
  TW_CHECK_GOTO(st, match_axis(path, lon_name, c->lon_deg, c->nlon, lon, nlon_f, 1, ilon));
  /* read and decode (packing, fill values -> NaN) */
  size_t n = nlat_f * nlon_f, nmissing = 0;
  TW_CHECK_GOTO(st, tw_calloc(n, tw_nc_type_size(v.type), "layout values", &raw));
  TW_CHECK_GOTO(st, tw_calloc(n, sizeof *vals, "layout values", &vals));
  rc = nc_get_vara(ncid, varid, start, count, raw);
  if (rc != NC_NOERR) {
    st = tw_nc_fail(rc, path, "cannot read the layout variable");
    goto cleanup;
  }
  tw_cf_decode(&v, raw, n, 1.0, 0.0, vals, &nmissing);
  /* position of latitude among the variable's dimensions decides the
   * storage order: [lat][lon] or [lon][lat] */
  int lat_first = 1;
  for (int d = 0; d < v.ndims; d++) {
    if (v.dimids[d] == lat_dim) break;
    if (v.dimids[d] == lon_dim) {
      lat_first = 0;
      break;
    }
  }
  TW_CHECK_GOTO(st, tw_calloc(c->ncell, sizeof *cap, "cell capacities", &cap));
  for (size_t i = 0; i < c->nlat; i++)
    for (size_t j = 0; j < c->nlon; j++) {
      size_t at = lat_first ? ilat[i] * nlon_f + ilon[j] : ilon[j] * nlat_f + ilat[i];
      double x = (double)vals[at];
      if (isnan(x)) x = 0.0; /* fill value: no capacity in the cell */
      if (!isfinite(x) || x < 0.0) {
        st = tw_error(TW_ERR_INPUT, "%s: variable '%s': capacity %g at lat %g, lon %g "
                      "(finite, >= 0 expected)", path, variable, x, c->lat_deg[i], c->lon_deg[j]);
        goto cleanup;
      }
      cap[i * c->nlon + j] = x;
    }
  double total = 0.0;
  for (size_t i = 0; i < c->ncell; i++) total += cap[i];
  if (!(total > 0.0)) {
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s': no cell has a positive capacity", path,
                  variable);
    goto cleanup;
  }
  *cell_capacity = cap;
  cap = NULL;
cleanup:
  if (ncid >= 0) nc_close(ncid);
  free(raw);
  free(vals);
  free(lat);
  free(lon);
  free(ilat);
  free(ilon);
  free(cap);
  return st;
}
