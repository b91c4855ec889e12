/* The NetCDF series reader (src/forecast/model_series_nc.c) on generated files:
 * CF time decoding, packing, units, fill values, calendars, dimensions.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "terrawatt/forecast.h"

static char path[256];

/* time(6) "hours since 2019-01-01 00:00:00" (calendar cal), load(time)
 * short packed with scale 0.5 and offset 100, units MW, fill -999 at
 * fill_at (< 0: none); grid(time, x) 2-D. */
static void write_file(const char *cal, int fill_at) {
  int nc, dt, dx, vt, vl, vg, dims[2];
  assert_int_equal(nc_create(path, NC_CLOBBER, &nc), NC_NOERR);
  assert_int_equal(nc_def_dim(nc, "time", 6, &dt), NC_NOERR);
  assert_int_equal(nc_def_dim(nc, "x", 2, &dx), NC_NOERR);
  assert_int_equal(nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt), NC_NOERR);
  const char *tu = "hours since 2019-01-01 00:00:00";
  nc_put_att_text(nc, vt, "units", strlen(tu), tu);
  nc_put_att_text(nc, vt, "calendar", strlen(cal), cal);
  assert_int_equal(nc_def_var(nc, "load", NC_SHORT, 1, &dt, &vl), NC_NOERR);
  nc_put_att_text(nc, vl, "units", 2, "MW");
  double scale = 0.5, offset = 100;
  short fill = -999;
  nc_put_att_double(nc, vl, "scale_factor", NC_DOUBLE, 1, &scale);
  nc_put_att_double(nc, vl, "add_offset", NC_DOUBLE, 1, &offset);
  nc_put_att_short(nc, vl, "_FillValue", NC_SHORT, 1, &fill);
  dims[0] = dt;
  dims[1] = dx;
  assert_int_equal(nc_def_var(nc, "grid", NC_FLOAT, 2, dims, &vg), NC_NOERR);
  assert_int_equal(nc_enddef(nc), NC_NOERR);
  double t[6] = {0, 1, 2, 3, 4, 5};
  short v[6] = {0, 2, 4, 6, 8, 10};
  if (fill_at >= 0) v[fill_at] = fill;
  float g[12] = {0};
  nc_put_var_double(nc, vt, t);
  nc_put_var_short(nc, vl, v);
  nc_put_var_float(nc, vg, g);
  assert_int_equal(nc_close(nc), NC_NOERR);
}

static void test_read(void **state) {
  (void)state;
  write_file("standard", -1);
  tw_series s;
  memset(&s, 0, sizeof s);
  assert_int_equal(tw_series_read_netcdf(path, "load", "MW", &s), TW_OK);
  assert_int_equal(s.n, 6);
  assert_string_equal(s.units, "MW");
  for (size_t i = 0; i < 6; i++) {
    assert_true(fabs(s.value[i] - (100.0 + (double)i)) < 1e-12); /* 2i x 0.5 + 100 */
    assert_int_equal(s.time_s[i] - s.time_s[0], (tw_time_s)(3600 * i));
  }
  char buf[32];
  tw_time_format(TW_CAL_STANDARD, s.time_s[0], buf, sizeof buf);
  assert_non_null(strstr(buf, "2019-01-01"));
  int64_t step = 0;
  assert_int_equal(tw_series_regular_step(&s, &step), TW_OK);
  assert_int_equal(step, 3600);
  tw_series_free(&s);
  /* tw_series_read dispatches .nc files here */
  assert_int_equal(tw_series_read(path, NULL, "load", NULL, &s), TW_OK);
  assert_int_equal(s.n, 6);
  tw_series_free(&s);
}

static void test_errors(void **state) {
  (void)state;
  tw_series s;
  memset(&s, 0, sizeof s);
  write_file("standard", -1);
  assert_int_equal(tw_series_read_netcdf(path, "load", "kW", &s), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "units 'MW'"));
  assert_int_equal(tw_series_read_netcdf(path, "nope", NULL, &s), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "nope"));
  assert_int_equal(tw_series_read_netcdf(path, "grid", NULL, &s), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "2 dimensions"));
  write_file("standard", 3);
  assert_int_equal(tw_series_read_netcdf(path, "load", NULL, &s), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "missing at 2019-01-01"));
  write_file("360_day", -1);
  assert_int_equal(tw_series_read_netcdf(path, "load", NULL, &s), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "360_day"));
  tw_series_free(&s);
}

int main(void) {
  snprintf(path, sizeof path, "/tmp/tw_series_nc_%d.nc", (int)getpid());
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_read), cmocka_unit_test(test_errors)};
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  unlink(path);
  return rc;
}
