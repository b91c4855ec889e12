/* The CF attribute rule (docs/RELIABILITY.md, "Climate attributes"): every
 * attribute terrawatt reads has a valid type and value, coordinates are
 * finite and strictly monotonic, units fit the variable's role, decoded
 * values lie in its physical range; each violation is TW_ERR_INPUT naming
 * file, variable, attribute and value. And files from outside (ERA5, CMIP,
 * xarray, atlite) still pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest_test_util.h"
#include "terrawatt/ingest.h"

static char dir[256];

static const char *tmp(const char *name) {
  static char buf[8][512];
  static int k;
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

#define NT 4
#define NY 2
#define NX 3
#define NCELL (NT * NY * NX)

static void put_text(int nc, int varid, const char *att, const char *text) {
  assert_int_equal(nc_put_att_text(nc, varid, att, strlen(text), text), NC_NOERR);
}

/* time(4) hours since 2000-01-01; latitude 51, 50; longitude 7, 8, 9;
 * u100 float m s-1 (5), t2m float K (280), v100 short packed (0.01, 0;
 * stored 300 = 3 m/s, _FillValue -32767). */
static void base(const char *path) {
  int nc, dt, dy, dx, vt, vy, vx, vu, vk, vv;
  assert_int_equal(nc_create(path, NC_CLOBBER, &nc), NC_NOERR);
  nc_def_dim(nc, "time", NT, &dt);
  nc_def_dim(nc, "latitude", NY, &dy);
  nc_def_dim(nc, "longitude", NX, &dx);
  nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt);
  put_text(nc, vt, "units", "hours since 2000-01-01");
  put_text(nc, vt, "calendar", "standard");
  nc_def_var(nc, "latitude", NC_DOUBLE, 1, &dy, &vy);
  put_text(nc, vy, "units", "degrees_north");
  nc_def_var(nc, "longitude", NC_DOUBLE, 1, &dx, &vx);
  put_text(nc, vx, "units", "degrees_east");
  int d3[3] = {dt, dy, dx};
  nc_def_var(nc, "u100", NC_FLOAT, 3, d3, &vu);
  put_text(nc, vu, "units", "m s-1");
  nc_def_var(nc, "t2m", NC_FLOAT, 3, d3, &vk);
  put_text(nc, vk, "units", "K");
  nc_def_var(nc, "v100", NC_SHORT, 3, d3, &vv);
  put_text(nc, vv, "units", "m s**-1");
  double sf = 0.01, ao = 0.0;
  short fill = -32767;
  nc_put_att_double(nc, vv, "scale_factor", NC_DOUBLE, 1, &sf);
  nc_put_att_double(nc, vv, "add_offset", NC_DOUBLE, 1, &ao);
  nc_put_att_short(nc, vv, "_FillValue", NC_SHORT, 1, &fill);
  assert_int_equal(nc_enddef(nc), NC_NOERR);
  double t[NT] = {0, 1, 2, 3}, y[NY] = {51, 50}, x[NX] = {7, 8, 9}, u[NCELL], k[NCELL], v[NCELL];
  for (int i = 0; i < NCELL; i++) u[i] = 5, k[i] = 280, v[i] = 300;
  nc_put_var_double(nc, vt, t);
  nc_put_var_double(nc, vy, y);
  nc_put_var_double(nc, vx, x);
  nc_put_var_double(nc, vu, u);
  nc_put_var_double(nc, vk, k);
  nc_put_var_double(nc, vv, v);
  assert_int_equal(nc_close(nc), NC_NOERR);
}

/* Open `path` for an edit of variable `var` in define mode. */
static int edit(const char *path, const char *var, int *varid) {
  int nc;
  assert_int_equal(nc_open(path, NC_WRITE, &nc), NC_NOERR);
  assert_int_equal(nc_inq_varid(nc, var, varid), NC_NOERR);
  nc_redef(nc);
  return nc;
}

static const char *with_text(const char *name, const char *var, const char *att, const char *text) {
  const char *path = tmp(name);
  base(path);
  int v, nc = edit(path, var, &v);
  assert_int_equal(nc_put_att_text(nc, v, att, strlen(text), text), NC_NOERR);
  assert_int_equal(nc_close(nc), NC_NOERR);
  return path;
}

static const char *with_num(const char *name, const char *var, const char *att, nc_type type,
                            size_t n, const double *x) {
  const char *path = tmp(name);
  base(path);
  int v, nc = edit(path, var, &v);
  assert_int_equal(nc_put_att_double(nc, v, att, type, n, x), NC_NOERR);
  assert_int_equal(nc_close(nc), NC_NOERR);
  return path;
}

static const char *with_values(const char *name, const char *var, const double *x) {
  const char *path = tmp(name);
  base(path);
  int nc, v;
  assert_int_equal(nc_open(path, NC_WRITE, &nc), NC_NOERR);
  assert_int_equal(nc_inq_varid(nc, var, &v), NC_NOERR);
  assert_int_equal(nc_put_var_double(nc, v, x), NC_NOERR);
  assert_int_equal(nc_close(nc), NC_NOERR);
  return path;
}

static tw_status read_var(const char *path, const char *var, tw_climate **c) {
  tw_ingest_params p;
  tw_ingest_params_default(&p);
  p.paths = &path;
  p.npaths = 1;
  p.variables = var ? &var : NULL;
  p.nvariables = var ? 1 : 0;
  return tw_climate_read(&p, c);
}

/* Rejected with exit 2 (TW_ERR_INPUT); the message holds every needle
 * (NULL-terminated) and the file's name. */
static void rejected(const char *path, const char *var, ...) {
  tw_climate *c = NULL;
  tw_status st = read_var(path, var, &c);
  if (st != TW_ERR_INPUT) {
    fprintf(stderr, "%s: status %d, expected TW_ERR_INPUT (%s)\n", path, (int)st, tw_last_error());
    fail();
  }
  assert_null(c);
  const char *m = tw_last_error();
  const char *base_name = strrchr(path, '/') + 1;
  if (!strstr(m, base_name)) {
    fprintf(stderr, "message '%s' does not name the file '%s'\n", m, base_name);
    fail();
  }
  va_list ap;
  va_start(ap, var);
  for (const char *n = va_arg(ap, const char *); n; n = va_arg(ap, const char *)) {
    if (!strstr(m, n)) {
      fprintf(stderr, "message '%s' lacks '%s'\n", m, n);
      fail();
    }
  }
  va_end(ap);
}

static void accepted(const char *path, const char *var) {
  tw_climate *c = NULL;
  tw_status st = read_var(path, var, &c);
  if (st != TW_OK) {
    fprintf(stderr, "%s: rejected: %s\n", path, tw_last_error());
    fail();
  }
  tw_climate_destroy(&c);
}

static void test_base_is_valid(void **state) {
  (void)state;
  base(tmp("base.nc"));
  accepted(tmp("base.nc"), NULL);
}

static void test_packing_attributes(void **state) {
  (void)state;
  rejected(with_text("sf-text.nc", "v100", "scale_factor", "0.01"), "v100", "v100",
           "'scale_factor'", "type char", NULL);
  double two[2] = {0.01, 0.02}, one = 2, zero = 0, nan = NAN, inf = INFINITY;
  rejected(with_num("sf-int.nc", "u100", "scale_factor", NC_INT, 1, &one), "u100", "u100",
           "'scale_factor'", "type int", NULL);
  rejected(with_num("sf-two.nc", "v100", "scale_factor", NC_DOUBLE, 2, two), "v100",
           "'scale_factor'", "2 values", NULL);
  rejected(with_num("sf-zero.nc", "v100", "scale_factor", NC_DOUBLE, 1, &zero), "v100",
           "'scale_factor'", "= 0", NULL);
  rejected(with_num("sf-nan.nc", "v100", "scale_factor", NC_FLOAT, 1, &nan), "v100", "'scale_factor'",
           "nan", NULL);
  rejected(with_num("ao-inf.nc", "v100", "add_offset", NC_DOUBLE, 1, &inf), "v100", "'add_offset'",
           "inf", NULL);
  rejected(with_text("ao-text.nc", "v100", "add_offset", "273.15"), "v100", "'add_offset'",
           "type char", NULL);
  /* CF 8.1: a scale_factor of the variable's own type is valid (unpacked data keep it):
   * the attribute passes, and the stored 300 then decodes to 300 m/s, out of range */
  double s1 = 1;
  rejected(with_num("sf-short.nc", "v100", "scale_factor", NC_SHORT, 1, &s1), "v100", "value 300",
           "physical range", NULL);
}

static void test_fill_and_valid_attributes(void **state) {
  (void)state;
  rejected(with_text("mv-text.nc", "u100", "missing_value", "none"), "u100", "'missing_value'",
           "type char", NULL);
  /* NetCDF-C itself refuses a _FillValue of another type than the variable */
  const char *path = tmp("fill-type.nc");
  base(path);
  int v, nc = edit(path, "u100", &v);
  int ifill = -9999;
  int rc = nc_put_att_int(nc, v, "_FillValue", NC_INT, 1, &ifill);
  nc_close(nc);
  if (rc == NC_NOERR)
    rejected(path, "u100", "'_FillValue'", "type int", "float", NULL);
  else
    assert_int_equal(rc, NC_EBADTYPE);
  double nan = NAN, three[3] = {0, 1, 2}, rev[2] = {100, -100}, ok[2] = {-100, 100}, hi = 50, lo = 60;
  rejected(with_num("vmin-nan.nc", "u100", "valid_min", NC_FLOAT, 1, &nan), "u100", "'valid_min'",
           "nan", NULL);
  rejected(with_num("vr-three.nc", "u100", "valid_range", NC_FLOAT, 3, three), "u100",
           "'valid_range'", "3 values", NULL);
  rejected(with_num("vr-rev.nc", "u100", "valid_range", NC_FLOAT, 2, rev), "u100", "'valid_range'",
           "[100, -100]", NULL);
  rejected(with_num("vr-text.nc", "u100", "valid_max", NC_DOUBLE, 1, &hi),
           "u100", "'valid_max'", "type double", NULL);
  /* valid_range together with valid_min */
  path = with_num("vr-and-min.nc", "u100", "valid_range", NC_FLOAT, 2, ok);
  nc = edit(path, "u100", &v);
  float fmin = -10;
  nc_put_att_float(nc, v, "valid_min", NC_FLOAT, 1, &fmin);
  nc_close(nc);
  rejected(path, "u100", "'valid_range'", "valid_min", NULL);
  /* valid_min above valid_max */
  path = with_num("min-above-max.nc", "u100", "valid_min", NC_FLOAT, 1, &lo);
  nc = edit(path, "u100", &v);
  float fmax = (float)hi;
  nc_put_att_float(nc, v, "valid_max", NC_FLOAT, 1, &fmax);
  nc_close(nc);
  rejected(path, "u100", "'valid_min'", "60", "valid_max 50", NULL);
  /* a NaN missing_value of type double on a packed short (ERA-Interim
   * downloads) cannot match a stored value and is ignored */
  accepted(with_num("mv-nan-short.nc", "v100", "missing_value", NC_DOUBLE, 1, &nan), "v100");
  /* valid_range of the unpacked type (double, like scale_factor) on a packed short */
  double wide[2] = {-32000, 32000};
  accepted(with_num("vr-unpacked.nc", "v100", "valid_range", NC_DOUBLE, 2, wide), "v100");
}

static void test_text_attributes(void **state) {
  (void)state;
  double k = 273;
  rejected(with_num("units-int.nc", "t2m", "units", NC_INT, 1, &k), "t2m", "t2m", "'units'",
           "type int", NULL);
  rejected(with_num("std-int.nc", "t2m", "standard_name", NC_INT, 1, &k), "t2m", "'standard_name'",
           "type int", NULL);
  rejected(with_num("cal-int.nc", "time", "calendar", NC_INT, 1, &k), "t2m", "'time'", "'calendar'",
           "type int", NULL);
  rejected(with_text("cal-unknown.nc", "time", "calendar", "martian"), "t2m", "martian", NULL);
  rejected(with_text("axis-data.nc", "t2m", "axis", "Q"), "t2m", "'axis'", "'Q'", NULL);
  rejected(with_text("axis-lat.nc", "latitude", "axis", "X"), "t2m", "'latitude'", "'axis'", "'X'",
           NULL);
  rejected(with_text("axis-time.nc", "time", "axis", "Y"), "t2m", "'time'", "'axis'", NULL);
  rejected(with_text("lat-units.nc", "latitude", "units", "m"), "t2m", "'latitude'", "'units'",
           "'m'", NULL);
  rejected(with_text("lon-units.nc", "longitude", "units", "degrees_north"), "t2m", "'longitude'",
           "degrees_north", NULL);
  accepted(with_text("axis-ok.nc", "latitude", "axis", "Y"), "t2m");
  accepted(with_text("lon-degrees.nc", "longitude", "units", "degrees"), "t2m");
}

static void test_coordinates(void **state) {
  (void)state;
  double lat_dup[NY] = {50, 50}, lon_dup[NX] = {7, 8, 8}, lon_zig[NX] = {7, 9, 8},
         lon_desc[NX] = {9, 8, 7}, lon_nan[NX] = {7, NAN, 9};
  /* two latitudes only: a repeat used to pass the monotonicity test (it started at index 2) */
  rejected(with_values("lat-dup.nc", "latitude", lat_dup), "t2m", "'latitude'", "repeat", "50",
           NULL);
  rejected(with_values("lon-dup.nc", "longitude", lon_dup), "t2m", "'longitude'", "repeat", "8",
           NULL);
  rejected(with_values("lon-zig.nc", "longitude", lon_zig), "t2m", "'longitude'", "not monotonic",
           NULL);
  rejected(with_values("lon-nan.nc", "longitude", lon_nan), "t2m", "'longitude'", "not finite", NULL);
  accepted(with_values("lon-desc.nc", "longitude", lon_desc), "t2m");
  double t_dup[NT] = {0, 1, 1, 2};
  rejected(with_values("time-dup.nc", "time", t_dup), "t2m", "'time'", "repeated", NULL);
}

static void test_units_by_role(void **state) {
  (void)state;
  rejected(with_text("t2m-wind-units.nc", "t2m", "units", "m s-1"), "t2m", "'t2m'", "'units'",
           "'m s-1'", "temperature", "K", NULL);
  rejected(with_text("u100-kelvin.nc", "u100", "units", "K"), "u100", "'u100'", "'units'", "'K'",
           "wind speed", NULL);
  rejected(with_text("u100-w.nc", "u100", "units", "W m-2"), "u100", "wind speed", NULL);
  /* convertible units of the role pass: km/h is a wind speed */
  const char *path = with_text("u100-kmh.nc", "u100", "units", "km h-1");
  tw_climate *c = NULL;
  assert_int_equal(read_var(path, "u100", &c), TW_OK);
  assert_rel(c->vars[0].data[0], 5.0 / 3.6, 1e-6);
  tw_climate_destroy(&c);
}

static void test_physical_ranges(void **state) {
  (void)state;
  double x[NCELL];
  for (int i = 0; i < NCELL; i++) x[i] = 7.0; /* degrees Celsius written into a K variable */
  rejected(with_values("t2m-celsius.nc", "t2m", x), "t2m", "'t2m'", "value 7 K", "physical range",
           "temperature", "150..350", NULL);
  /* the same values labelled degC are 280.15 K */
  const char *path = with_values("t2m-degc.nc", "t2m", x);
  int v, nc = edit(path, "t2m", &v);
  put_text(nc, v, "units", "degC");
  nc_close(nc);
  accepted(path, "t2m");
  for (int i = 0; i < NCELL; i++) x[i] = i == NCELL - 1 ? 200.0 : 5.0;
  rejected(with_values("u100-200.nc", "u100", x), "u100", "'u100'", "value 200", "wind speed",
           "time index 3", NULL);
  /* packed: 30000 x 0.01 = 300 m/s, decoded before the test */
  for (int i = 0; i < NCELL; i++) x[i] = 30000;
  rejected(with_values("v100-packed.nc", "v100", x), "v100", "'v100'", "value 300", NULL);
  /* missing values (NaN) are not out of range */
  for (int i = 0; i < NCELL; i++) x[i] = i % 2 ? NAN : 280.0;
  path = with_values("t2m-gaps.nc", "t2m", x);
  tw_climate *c = NULL;
  assert_int_equal(read_var(path, "t2m", &c), TW_OK);
  assert_int_equal(c->vars[0].n_missing, NCELL / 2);
  tw_climate_destroy(&c);
}

static int exists(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0;
}

/* Files written by others: ERA5 (CDS), CMIP, xarray (packed and float,
 * NaN fills on coordinates), an atlite 0.7 cutout. */
static void test_files_from_outside_pass(void **state) {
  (void)state;
  const char *src = getenv("TW_SOURCE_DIR");
  static const char *const ours[] = {"xarray-era5-int16.nc", "xarray-era5-float.nc",
                                     "atlite-cutout.nc"};
  char path[4200];
  for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
    snprintf(path, sizeof path, "%s/tests/ingest/data/%s", src ? src : ".", ours[i]);
    assert_true(exists(path));
    accepted(path, NULL);
  }
  const char *ref = getenv("TW_REFERENCE_DATA");
  char refdir[2048];
  snprintf(refdir, sizeof refdir, "%s", ref && *ref ? ref : "");
  if (!*refdir) snprintf(refdir, sizeof refdir, "%s/../shared/data", src ? src : ".");
  static const char *const theirs[] = {"era5/ERA5_example_data.nc", "era5/ERA5_2020-01-01_sp.nc",
                                       "era5/ERA5_2020-01-01_u10.nc", "era5/ERA5_2020-01-01_v10.nc",
                                       "cmip/CanESM2_1950-2100_noleap.nc",
                                       "cmip/ERA5_daily_surface_cancities_1990-1993.nc"};
  for (size_t i = 0; i < sizeof theirs / sizeof theirs[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", refdir, theirs[i]);
    if (!exists(path)) {
      fprintf(stderr, "note: %s absent (reference data not here), not checked\n", path);
      continue;
    }
    accepted(path, NULL);
  }
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/tw-cf-rules-%d", (int)getpid());
  return mkdir(dir, 0700);
}

static int teardown(void **state) {
  (void)state;
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_base_is_valid),
      cmocka_unit_test(test_packing_attributes),
      cmocka_unit_test(test_fill_and_valid_attributes),
      cmocka_unit_test(test_text_attributes),
      cmocka_unit_test(test_coordinates),
      cmocka_unit_test(test_units_by_role),
      cmocka_unit_test(test_physical_ranges),
      cmocka_unit_test(test_files_from_outside_pass),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
