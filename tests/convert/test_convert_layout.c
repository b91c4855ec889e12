/* The layout NetCDF reader (tw_layout_capacity_read): capacity per cell on
 * the climate grid, in either dimension order, packed, with fill values;
 * errors for a grid mismatch, a negative capacity, a missing variable or
 * file. And the stage with the fused backend ops against the unfused path
 * (tw_convert_params.no_fusion), bitwise, on the CPU backend.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert/fixture.h"
#include "terrawatt/convert.h"

/* 3 x 4 grid, 54..52 N (descending, as ERA5), 8..12.5 E */
#define NLAT 3
#define NLON 4
static tw_climate *make_grid(size_t ntime) {
  return fixture_grid(NLAT, NLON, ntime, 1496275200LL, 54.0, 8.0, -1.0, 1.5);
}

/* Write a layout file. lat/lon values from the grid (lat reversed when
 * `flip_lat`), variable `name` with dimensions (lat, lon) or (lon, lat)
 * when `lon_first`, plus a leading time dimension of length 1. `cap` is
 * [NLAT][NLON] in the climate's order; packed as short when `packed`. */
static void write_layout(const char *path, const char *name, const double *cap, int flip_lat,
                         int lon_first, int packed, double lat_shift) {
  int nc, dt, dy, dx, vy, vx, vc;
  assert_int_equal(nc_create(path, NC_CLOBBER | NC_NETCDF4, &nc), NC_NOERR);
  nc_def_dim(nc, "time", 1, &dt);
  nc_def_dim(nc, "y", NLAT, &dy);
  nc_def_dim(nc, "x", NLON, &dx);
  nc_def_var(nc, "y", NC_DOUBLE, 1, &dy, &vy);
  nc_def_var(nc, "x", NC_DOUBLE, 1, &dx, &vx);
  int dims[3] = {dt, lon_first ? dx : dy, lon_first ? dy : dx};
  nc_def_var(nc, name, packed ? NC_SHORT : NC_DOUBLE, 3, dims, &vc);
  nc_put_att_text(nc, vc, "units", 2, "MW");
  double scale = 0.01, offset = 100.0;
  short fill = -32767;
  if (packed) {
    nc_put_att_double(nc, vc, "scale_factor", NC_DOUBLE, 1, &scale);
    nc_put_att_double(nc, vc, "add_offset", NC_DOUBLE, 1, &offset);
    nc_put_att_short(nc, vc, "_FillValue", NC_SHORT, 1, &fill);
  }
  nc_enddef(nc);
  double lat[NLAT], lon[NLON], data[NLAT * NLON];
  short sdata[NLAT * NLON];
  for (int i = 0; i < NLAT; i++) lat[i] = 54.0 - (flip_lat ? NLAT - 1 - i : i) + lat_shift;
  for (int j = 0; j < NLON; j++) lon[j] = 8.0 + 1.5 * j;
  for (int i = 0; i < NLAT; i++) /* file row i holds climate row ci */
    for (int j = 0; j < NLON; j++) {
      int ci = flip_lat ? NLAT - 1 - i : i;
      size_t at = lon_first ? (size_t)(j * NLAT + i) : (size_t)(i * NLON + j);
      data[at] = cap[ci * NLON + j];
      sdata[at] = isnan(data[at]) ? fill : (short)lround((data[at] - offset) / scale);
    }
  nc_put_var_double(nc, vy, lat);
  nc_put_var_double(nc, vx, lon);
  if (packed) nc_put_var_short(nc, vc, sdata);
  else nc_put_var_double(nc, vc, data);
  assert_int_equal(nc_close(nc), NC_NOERR);
}

static char tmpdir[] = "/tmp/tw-layout-XXXXXX";

static int setup(void **state) {
  (void)state;
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

static void test_read_orders_and_packing(void **state) {
  (void)state;
  tw_climate *c = make_grid(2);
  double cap[NLAT * NLON];
  for (int i = 0; i < NLAT * NLON; i++) cap[i] = 10.0 * i + 5.0;
  char path[256];
  snprintf(path, sizeof path, "%s/layout.nc", tmpdir);
  for (int variant = 0; variant < 4; variant++) {
    int flip = variant & 1, lon_first = (variant >> 1) & 1;
    write_layout(path, "capacity", cap, flip, lon_first, 0, 0.0);
    double *got = NULL;
    assert_int_equal(tw_layout_capacity_read(path, "capacity", c, &got), TW_OK);
    for (int i = 0; i < NLAT * NLON; i++) assert_true(got[i] == cap[i]);
    free(got);
  }
  /* packed short with a fill value (no capacity): decoded, fill -> 0 */
  cap[5] = NAN;
  write_layout(path, "cap_packed", cap, 1, 0, 1, 0.0);
  double *got = NULL;
  assert_int_equal(tw_layout_capacity_read(path, "cap_packed", c, &got), TW_OK);
  for (int i = 0; i < NLAT * NLON; i++)
    assert_true(fabs(got[i] - (i == 5 ? 0.0 : cap[i])) < 0.006);
  free(got);
  tw_climate_destroy(&c);
}

static void test_read_errors(void **state) {
  (void)state;
  tw_climate *c = make_grid(2);
  double cap[NLAT * NLON];
  for (int i = 0; i < NLAT * NLON; i++) cap[i] = 1.0 + i;
  char path[256];
  double *got = NULL;
  snprintf(path, sizeof path, "%s/bad.nc", tmpdir);
  /* grid mismatch: latitudes shifted by 0.25 degrees */
  write_layout(path, "capacity", cap, 0, 0, 0, 0.25);
  assert_int_equal(tw_layout_capacity_read(path, "capacity", c, &got), TW_ERR_INPUT);
  assert_null(got);
  assert_non_null(strstr(tw_last_error(), path));
  assert_non_null(strstr(tw_last_error(), "does not match the climate grid"));
  /* grid mismatch: another number of cells */
  tw_climate *c5 = fixture_grid(NLAT, 5, 2, 1496275200LL, 54.0, 8.0, -1.0, 1.5);
  write_layout(path, "capacity", cap, 0, 0, 0, 0.0);
  assert_int_equal(tw_layout_capacity_read(path, "capacity", c5, &got), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "has 4 values, the climate data 5"));
  tw_climate_destroy(&c5);
  /* negative capacity: named with its cell */
  cap[6] = -2.5;
  write_layout(path, "capacity", cap, 0, 0, 0, 0.0);
  assert_int_equal(tw_layout_capacity_read(path, "capacity", c, &got), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "capacity -2.5 at lat 53, lon 11"));
  assert_non_null(strstr(tw_last_error(), "'capacity'"));
  /* missing variable: the file's variables are listed */
  cap[6] = 1.0;
  write_layout(path, "capacity", cap, 0, 0, 0, 0.0);
  assert_int_equal(tw_layout_capacity_read(path, "installed", c, &got), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "variable 'installed' not found"));
  assert_non_null(strstr(tw_last_error(), "capacity"));
  /* no capacity anywhere */
  for (int i = 0; i < NLAT * NLON; i++) cap[i] = 0.0;
  write_layout(path, "capacity", cap, 0, 0, 0, 0.0);
  assert_int_equal(tw_layout_capacity_read(path, "capacity", c, &got), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "no cell has a positive capacity"));
  /* absent file, and a file that is not NetCDF */
  snprintf(path, sizeof path, "%s/none.nc", tmpdir);
  assert_int_equal(tw_layout_capacity_read(path, "capacity", c, &got), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), path));
  snprintf(path, sizeof path, "%s/text.nc", tmpdir);
  FILE *f = fopen(path, "w");
  fputs("not netcdf\n", f);
  fclose(f);
  assert_int_equal(tw_layout_capacity_read(path, "capacity", c, &got), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "not a NetCDF file"));
  assert_null(got);
  tw_climate_destroy(&c);
}

/* The capacities weigh the cells of each bus region: a bus's capacity
 * factor is the capacity-weighted mean of its cells'. */
static void test_capacity_weighting(void **state) {
  (void)state;
  tw_climate *c = make_grid(24);
  float *u = fixture_var(c, "u100", "m s-1", 1, 0);
  float *v = fixture_var(c, "v100", "m s-1", 1, 0);
  for (size_t t = 0; t < c->ntime; t++)
    for (size_t i = 0; i < c->ncell; i++) {
      u[t * c->ncell + i] = 3.0f + 0.8f * (float)i + 0.1f * (float)t;
      v[t * c->ncell + i] = 1.0f;
    }
  double cap[NLAT * NLON] = {0};
  cap[1] = 30.0; /* bus "west": cells 1 (30 MW) and 4 (10 MW) */
  cap[4] = 10.0;
  cap[7] = 50.0; /* bus "east": cell 7 only */
  char path[256];
  snprintf(path, sizeof path, "%s/weights.nc", tmpdir);
  write_layout(path, "capacity", cap, 0, 0, 0, 0.0);
  double *w = NULL;
  assert_int_equal(tw_layout_capacity_read(path, "capacity", c, &w), TW_OK);
  const char *names[2] = {"west", "east"};
  double lon[2] = {8.0, 12.5}, lat[2] = {53.0, 53.0};
  tw_layout *l = NULL;
  assert_int_equal(tw_layout_voronoi(c, 2, names, lon, lat, TW_LAYOUT_EQUAL, w, &l), TW_OK);
  free(w);
  double vv[5] = {0, 3, 12, 25, 25}, pw[5] = {0, 0, 2.0, 2.0, 0};
  tw_turbine t = {(char *)"test", 100.0, 5, vv, pw, 2.0};
  tw_convert_params p;
  tw_convert_params_default(&p);
  p.turbine = &t;
  p.roughness_default_m = 0.1;
  tw_backend *be = NULL;
  tw_bus_series *s = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  assert_int_equal(tw_convert_capacity_factors(be, c, &p, l, &s), TW_OK);
  for (size_t tt = 0; tt < c->ntime; tt++) {
    double cf[3];
    int cells[3] = {1, 4, 7};
    for (int k = 0; k < 3; k++) { /* hub = reference height: no extrapolation */
      size_t e = tt * c->ncell + (size_t)cells[k];
      cf[k] = tw_turbine_power_W(&t, hypot(u[e], v[e])) / 2e6;
    }
    assert_true(fabs(s->wind_cf[tt * 2] - (0.75 * cf[0] + 0.25 * cf[1])) < 1e-5);
    assert_true(fabs(s->wind_cf[tt * 2 + 1] - cf[2]) < 1e-5);
  }
  tw_bus_series_destroy(&s);
  tw_layout_destroy(&l);
  tw_backend_destroy(&be);
  tw_climate_destroy(&c);
}

/* The fused ops (default on the CPU backend) against convert-then-aggregate. */
static void test_fused_equals_unfused(void **state) {
  (void)state;
  tw_climate *c = fixture_grid(6, 9, 30, 1496275200LL, 56.0, 5.0, -0.5, 0.75);
  float *u = fixture_var(c, "u100", "m s-1", 1, 0);
  float *v = fixture_var(c, "v100", "m s-1", 1, 0);
  float *u10 = fixture_var(c, "u10", "m s-1", 1, 0);
  float *v10 = fixture_var(c, "v10", "m s-1", 1, 0);
  float *fsr = fixture_var(c, "fsr", "m", 1, 0);
  float *t2m = fixture_var(c, "t2m", "K", 1, 0);
  float *ssrd = fixture_var(c, "ssrd", "W m-2", 1, 1);
  for (size_t t = 0; t < c->ntime; t++)
    for (size_t i = 0; i < c->ncell; i++) {
      size_t k = t * c->ncell + i;
      u[k] = 5.0f + 7.0f * sinf(0.11f * (float)t + 0.3f * (float)i);
      v[k] = 4.0f * cosf(0.05f * (float)t + (float)i);
      u10[k] = 0.75f * u[k];
      v10[k] = 0.7f * v[k];
      fsr[k] = 0.001f + 0.05f * (float)((i + t) % 7);
      t2m[k] = 280.0f + 0.2f * (float)i;
      float hour = (float)(t % 24) + 0.5f, day = sinf(3.14159265f * (hour - 4.0f) / 17.0f);
      ssrd[k] = day > 0.0f ? 700.0f * day * (0.7f + 0.3f * cosf((float)(i * t))) : 0.0f;
    }
  u[3 * c->ncell + 10] = NAN;
  const char *names[4] = {"a", "b", "c", "far"};
  double lon[4] = {5.5, 9.0, 7.0, 40.0}, lat[4] = {55.5, 55.0, 53.6, 10.0};
  tw_layout *l = NULL;
  assert_int_equal(tw_layout_voronoi(c, 4, names, lon, lat, TW_LAYOUT_AREA, NULL, &l), TW_OK);
  double vv[6] = {0, 3, 8, 12, 25, 25}, pw[6] = {0, 0, 1.0, 3.0, 3.0, 0};
  tw_turbine t = {(char *)"test", 110.0, 6, vv, pw, 3.0};
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  for (int variant = 0; variant < 3; variant++) {
    tw_convert_params p;
    tw_convert_params_default(&p);
    p.turbine = &t;
    p.extrapolation = variant == 2 ? TW_WIND_POWER_LAW : TW_WIND_LOG_LAW;
    p.solar = 1;
    p.pv.orientation = variant == 1 ? TW_PV_SINGLE_AXIS : TW_PV_LATITUDE_OPTIMAL;
    if (variant == 1) { /* static roughness: the per-cell hub factor path */
      for (size_t t2 = 1; t2 < c->ntime; t2++) memcpy(fsr + t2 * c->ncell, fsr, c->ncell * 4);
    }
    tw_bus_series *fused = NULL, *plain = NULL;
    assert_int_equal(tw_convert_capacity_factors(be, c, &p, l, &fused), TW_OK);
    p.no_fusion = 1;
    assert_int_equal(tw_convert_capacity_factors(be, c, &p, l, &plain), TW_OK);
    size_t n = c->ntime * l->nbus, nan_rows = 0;
    for (size_t i = 0; i < n; i++) {
      if (isnan(plain->wind_cf[i])) {
        assert_true(isnan(fused->wind_cf[i]));
        nan_rows++;
      } else {
        assert_memory_equal(&plain->wind_cf[i], &fused->wind_cf[i], sizeof(float));
      }
      assert_memory_equal(&plain->solar_cf[i], &fused->solar_cf[i], sizeof(float));
    }
    assert_int_equal(nan_rows, 1); /* the missing value reaches its bus at t = 3 only */
    tw_bus_series_destroy(&fused);
    tw_bus_series_destroy(&plain);
  }
  tw_layout_destroy(&l);
  tw_backend_destroy(&be);
  tw_climate_destroy(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_read_orders_and_packing),
      cmocka_unit_test(test_read_errors),
      cmocka_unit_test(test_capacity_weighting),
      cmocka_unit_test(test_fused_equals_unfused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
