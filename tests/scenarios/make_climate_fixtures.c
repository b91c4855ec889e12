/* Test fixtures with real-world names, made from the bundled example cutout
 * (inputs/example/cutout.nc, ERA5-style hourly, 2019-04-01..14):
 *   cmip6_daily.nc   CMIP6 day-table names (tas, rsds, sfcWind, uas, vas),
 *                    daily means ("time: mean") labelled at 12:00, noleap
 *                    calendar, 2019-03-31..04-15 (31 Mar and 15 Apr repeat
 *                    1 and 14 Apr, so that every hour of 1..14 Apr is covered);
 *   atlite_cutout.nc an atlite cutout: dimensions (time, y, x), wnd100m,
 *                    roughness (static), influx_direct, influx_diffuse,
 *                    influx_toa, temperature, units as atlite writes them;
 *   biased.nc        the cutout with t2m + 2 K, 100 m wind x 1.25 and ssrd x 0.8.
 * Usage: tw_make_climate_fixtures CUTOUT.nc OUTDIR
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/ingest.h"
#include "terrawatt/physics_wind.h"

#define TRY(call)                                                        \
  do {                                                                   \
    int rc_ = (call);                                                    \
    if (rc_) {                                                           \
      fprintf(stderr, "%s: %s\n", #call, nc_strerror(rc_));              \
      exit(1);                                                           \
    }                                                                    \
  } while (0)

static void text(int nc, int v, const char *k, const char *s) {
  TRY(nc_put_att_text(nc, v, k, strlen(s), s));
}

static const float *get(const tw_climate *c, const char *name) {
  const tw_climate_var *v = tw_climate_find(c, name);
  if (!v) {
    fprintf(stderr, "no %s in the cutout\n", name);
    exit(1);
  }
  return v->data;
}

static void write_cmip(const tw_climate *c, const char *path) {
  const size_t C = c->ncell, ND = 16; /* 31 Mar .. 15 Apr */
  int nc, dt, dy, dx, vt, vy, vx, v[5];
  TRY(nc_create(path, NC_CLOBBER | NC_NETCDF4, &nc));
  TRY(nc_def_dim(nc, "time", ND, &dt));
  TRY(nc_def_dim(nc, "lat", c->nlat, &dy));
  TRY(nc_def_dim(nc, "lon", c->nlon, &dx));
  TRY(nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt));
  text(nc, vt, "units", "days since 2019-01-01 00:00:00");
  text(nc, vt, "calendar", "noleap");
  text(nc, vt, "standard_name", "time");
  TRY(nc_def_var(nc, "lat", NC_DOUBLE, 1, &dy, &vy));
  text(nc, vy, "units", "degrees_north");
  text(nc, vy, "standard_name", "latitude");
  TRY(nc_def_var(nc, "lon", NC_DOUBLE, 1, &dx, &vx));
  text(nc, vx, "units", "degrees_east");
  text(nc, vx, "standard_name", "longitude");
  const char *names[5] = {"tas", "rsds", "sfcWind", "uas", "vas"};
  const char *units[5] = {"K", "W m-2", "m s-1", "m s-1", "m s-1"};
  const char *std[5] = {"air_temperature", "surface_downwelling_shortwave_flux_in_air",
                        "wind_speed", "eastward_wind", "northward_wind"};
  int dims[3] = {dt, dy, dx};
  for (int k = 0; k < 5; k++) {
    TRY(nc_def_var(nc, names[k], NC_FLOAT, 3, dims, &v[k]));
    text(nc, v[k], "units", units[k]);
    text(nc, v[k], "standard_name", std[k]);
    text(nc, v[k], "cell_methods", "area: mean time: mean");
    float fill = 1e20f;
    TRY(nc_put_att_float(nc, v[k], "_FillValue", NC_FLOAT, 1, &fill));
  }
  TRY(nc_enddef(nc));
  double t[16];
  for (size_t d = 0; d < ND; d++) t[d] = 89.0 + (double)d + 0.5; /* 31 Mar is day 89 (0-based) */
  TRY(nc_put_var_double(nc, vt, t));
  TRY(nc_put_var_double(nc, vy, c->lat_deg));
  TRY(nc_put_var_double(nc, vx, c->lon_deg));
  const float *t2m = get(c, "t2m"), *ssrd = get(c, "ssrd"), *u100 = get(c, "u100"),
              *v100 = get(c, "v100"), *u10 = get(c, "u10"), *v10 = get(c, "v10");
  float *out = calloc(ND * C * 5, sizeof *out);
  for (size_t d = 0; d < ND; d++) {
    size_t day = d == 0 ? 0 : d == ND - 1 ? ND - 3 : d - 1; /* cutout day index 0..13 */
    for (size_t i = 0; i < C; i++) {
      double s[5] = {0, 0, 0, 0, 0};
      for (size_t h = 0; h < 24; h++) {
        size_t k = (day * 24 + h) * C + i;
        /* ERA5 ssrd at label h is the mean over (h-1, h]: the day's mean is hours 1..24; the
         * fixture takes labels 0..23 of the day, a one-hour shift that is fine for a test */
        s[0] += t2m[k];
        s[1] += ssrd[k];
        s[2] += tw_wind_speed(u10[k], v10[k]);
        s[3] += u10[k];
        s[4] += v10[k];
        (void)u100;
        (void)v100;
      }
      for (int k = 0; k < 5; k++) out[((size_t)k * ND + d) * C + i] = (float)(s[k] / 24.0);
    }
  }
  for (int k = 0; k < 5; k++) TRY(nc_put_var_float(nc, v[k], out + (size_t)k * ND * C));
  free(out);
  TRY(nc_close(nc));
}

static void write_atlite(const tw_climate *c, const char *path) {
  const size_t C = c->ncell, T = c->ntime;
  int nc, dt, dy, dx, vt, vy, vx, v[6];
  TRY(nc_create(path, NC_CLOBBER | NC_NETCDF4, &nc));
  TRY(nc_def_dim(nc, "time", T, &dt));
  TRY(nc_def_dim(nc, "y", c->nlat, &dy));
  TRY(nc_def_dim(nc, "x", c->nlon, &dx));
  TRY(nc_def_var(nc, "time", NC_INT, 1, &dt, &vt));
  text(nc, vt, "units", "hours since 2019-04-01");
  text(nc, vt, "calendar", "proleptic_gregorian");
  TRY(nc_def_var(nc, "y", NC_DOUBLE, 1, &dy, &vy));
  TRY(nc_def_var(nc, "x", NC_DOUBLE, 1, &dx, &vx));
  const char *names[6] = {"wnd100m", "roughness", "influx_direct", "influx_diffuse", "influx_toa",
                          "temperature"};
  const char *units[6] = {"m s**-1", "m", "W m**-2", "W m**-2", "W m**-2", "K"};
  int dims[3] = {dt, dy, dx};
  for (int k = 0; k < 6; k++) {
    int sdims = k == 1; /* roughness is static: (y, x) */
    TRY(nc_def_var(nc, names[k], NC_FLOAT, sdims ? 2 : 3, sdims ? dims + 1 : dims, &v[k]));
    text(nc, v[k], "units", units[k]);
  }
  TRY(nc_enddef(nc));
  int *t = calloc(T, sizeof *t);
  for (size_t i = 0; i < T; i++) t[i] = (int)i;
  TRY(nc_put_var_int(nc, vt, t));
  free(t);
  TRY(nc_put_var_double(nc, vy, c->lat_deg));
  TRY(nc_put_var_double(nc, vx, c->lon_deg));
  const float *u100 = get(c, "u100"), *v100 = get(c, "v100"), *ssrd = get(c, "ssrd"),
              *t2m = get(c, "t2m"), *fsr = get(c, "fsr");
  float *out = calloc(T * C, sizeof *out);
  for (size_t k = 0; k < T * C; k++) out[k] = tw_wind_speed(u100[k], v100[k]);
  TRY(nc_put_var_float(nc, v[0], out));
  TRY(nc_put_var_float(nc, v[1], fsr)); /* the first time step */
  for (size_t k = 0; k < T * C; k++) out[k] = 0.7f * ssrd[k];
  TRY(nc_put_var_float(nc, v[2], out));
  for (size_t k = 0; k < T * C; k++) out[k] = 0.3f * ssrd[k];
  TRY(nc_put_var_float(nc, v[3], out));
  for (size_t k = 0; k < T * C; k++) out[k] = 1.4f * ssrd[k];
  TRY(nc_put_var_float(nc, v[4], out));
  TRY(nc_put_var_float(nc, v[5], t2m));
  free(out);
  TRY(nc_close(nc));
}

/* The cutout with known biases (t2m + 2 K, 100 m wind x 1.25, ssrd x 0.8), ERA5 names and
 * units (ssrd accumulated in J m**-2): a member to bias-correct against the cutout. */
static void write_biased(const tw_climate *c, const char *path) {
  const size_t C = c->ncell, T = c->ntime;
  int nc, dt, dy, dx, vt, vy, vx, v[7];
  TRY(nc_create(path, NC_CLOBBER | NC_NETCDF4, &nc));
  TRY(nc_def_dim(nc, "time", T, &dt));
  TRY(nc_def_dim(nc, "latitude", c->nlat, &dy));
  TRY(nc_def_dim(nc, "longitude", c->nlon, &dx));
  TRY(nc_def_var(nc, "time", NC_INT, 1, &dt, &vt));
  text(nc, vt, "units", "hours since 2019-04-01");
  text(nc, vt, "calendar", "gregorian");
  TRY(nc_def_var(nc, "latitude", NC_DOUBLE, 1, &dy, &vy));
  TRY(nc_def_var(nc, "longitude", NC_DOUBLE, 1, &dx, &vx));
  const char *names[7] = {"u100", "v100", "u10", "v10", "t2m", "ssrd", "fsr"};
  const char *units[7] = {"m s**-1", "m s**-1", "m s**-1", "m s**-1", "K", "J m**-2", "m"};
  const double factor[7] = {1.25, 1.25, 1, 1, 1, 0.8 * 3600.0, 1}, shift[7] = {0, 0, 0, 0, 2, 0, 0};
  int dims[3] = {dt, dy, dx};
  for (int k = 0; k < 7; k++) {
    TRY(nc_def_var(nc, names[k], NC_FLOAT, 3, dims, &v[k]));
    text(nc, v[k], "units", units[k]);
  }
  TRY(nc_enddef(nc));
  int *t = calloc(T, sizeof *t);
  for (size_t i = 0; i < T; i++) t[i] = (int)i;
  TRY(nc_put_var_int(nc, vt, t));
  free(t);
  TRY(nc_put_var_double(nc, vy, c->lat_deg));
  TRY(nc_put_var_double(nc, vx, c->lon_deg));
  float *out = calloc(T * C, sizeof *out);
  for (int k = 0; k < 7; k++) {
    const float *src = get(c, names[k]);
    for (size_t i = 0; i < T * C; i++) out[i] = (float)(src[i] * factor[k] + shift[k]);
    TRY(nc_put_var_float(nc, v[k], out));
  }
  free(out);
  TRY(nc_close(nc));
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s CUTOUT.nc OUTDIR\n", argv[0]);
    return 1;
  }
  tw_ingest_params p;
  tw_ingest_params_default(&p);
  const char *files[1] = {argv[1]};
  p.paths = files;
  p.npaths = 1;
  tw_climate *c = NULL;
  if (tw_climate_read(&p, &c) != TW_OK) {
    fprintf(stderr, "%s\n", tw_last_error());
    return 1;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/cmip6_daily.nc", argv[2]);
  write_cmip(c, path);
  snprintf(path, sizeof path, "%s/atlite_cutout.nc", argv[2]);
  write_atlite(c, path);
  snprintf(path, sizeof path, "%s/biased.nc", argv[2]);
  write_biased(c, path);
  tw_climate_destroy(&c);
  return 0;
}
