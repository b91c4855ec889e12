/* Test fixture: write small NetCDF files with chosen CF attributes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_NC_FIXTURE_H
#define TW_NC_FIXTURE_H

#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fx_var {
  const char *name;
  nc_type type;
  const char *units;  /* NULL: no attribute */
  int has_scale;
  double scale, offset;
  nc_type att_type;   /* type of scale/offset attributes (NC_FLOAT or NC_DOUBLE) */
  int has_fill, has_missing, has_range;
  double fill, missing, range[2];
  const double *data; /* [ntime][nlat][nlon] stored (raw) values; NULL: index value */
} fx_var;

typedef struct fx_file {
  int format;          /* NC_64BIT_OFFSET, NC_NETCDF4, 0 classic */
  const char *time_name, *time_units, *calendar;
  size_t ntime;
  const double *time;  /* raw time values */
  size_t nlat, nlon;
  double lat0, dlat, lon0, dlon;
  int station;         /* 1: nlat locations, variables (time, location) */
  size_t nvars;
  const fx_var *vars;
} fx_file;

static inline int fx_write(const char *path, const fx_file *f) {
  int ncid, rc, dt, dy, dx, vt, vy, vx;
  rc = nc_create(path, NC_CLOBBER | f->format, &ncid);
  if (rc) return rc;
  nc_def_dim(ncid, f->time_name ? f->time_name : "time", f->ntime, &dt);
  if (f->station) {
    nc_def_dim(ncid, "location", f->nlat, &dy);
    dx = dy;
  } else {
    nc_def_dim(ncid, "latitude", f->nlat, &dy);
    nc_def_dim(ncid, "longitude", f->nlon, &dx);
  }
  nc_def_var(ncid, f->time_name ? f->time_name : "time", NC_DOUBLE, 1, &dt, &vt);
  nc_put_att_text(ncid, vt, "units", strlen(f->time_units), f->time_units);
  if (f->calendar) nc_put_att_text(ncid, vt, "calendar", strlen(f->calendar), f->calendar);
  nc_def_var(ncid, f->station ? "lat" : "latitude", NC_DOUBLE, 1, &dy, &vy);
  nc_def_var(ncid, f->station ? "lon" : "longitude", NC_DOUBLE, 1, &dx, &vx);
  int *ids = calloc(f->nvars + 1, sizeof *ids);
  for (size_t v = 0; v < f->nvars; v++) {
    const fx_var *x = &f->vars[v];
    int dims[3] = {dt, dy, dx};
    nc_def_var(ncid, x->name, x->type, f->station ? 2 : 3, dims, &ids[v]);
    if (x->units) nc_put_att_text(ncid, ids[v], "units", strlen(x->units), x->units);
    if (x->has_scale) {
      nc_type at = x->att_type ? x->att_type : NC_DOUBLE;
      nc_put_att_double(ncid, ids[v], "scale_factor", at, 1, &x->scale);
      nc_put_att_double(ncid, ids[v], "add_offset", at, 1, &x->offset);
    }
    if (x->has_fill) nc_put_att_double(ncid, ids[v], "_FillValue", x->type, 1, &x->fill);
    if (x->has_missing) nc_put_att_double(ncid, ids[v], "missing_value", x->type, 1, &x->missing);
    if (x->has_range) nc_put_att_double(ncid, ids[v], "valid_range", x->type, 2, x->range);
  }
  nc_enddef(ncid);
  nc_put_var_double(ncid, vt, f->time);
  double *c = calloc(f->nlat + f->nlon + 1, sizeof *c);
  for (size_t i = 0; i < f->nlat; i++) c[i] = f->lat0 + f->dlat * (double)i;
  nc_put_var_double(ncid, vy, c);
  for (size_t i = 0; i < (f->station ? f->nlat : f->nlon); i++) c[i] = f->lon0 + f->dlon * (double)i;
  nc_put_var_double(ncid, vx, c);
  free(c);
  size_t n = f->ntime * f->nlat * (f->station ? 1 : f->nlon);
  double *idx = calloc(n + 1, sizeof *idx);
  for (size_t i = 0; i < n; i++) idx[i] = (double)i;
  for (size_t v = 0; v < f->nvars; v++)
    nc_put_var_double(ncid, ids[v], f->vars[v].data ? f->vars[v].data : idx);
  free(idx);
  free(ids);
  return nc_close(ncid);
}

#endif
