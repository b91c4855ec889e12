/* Ingest on small generated files: CF decoding, units, times, grids,
 * multi-file datasets, selections and every error case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest_test_util.h"
#include "nc_fixture.h"
#include "terrawatt/ingest.h"

static char dir[256];

static const char *tmp(const char *name) {
  static char buf[8][512];
  static int k;
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

static const double hours4[] = {1025616, 1025617, 1025618, 1025619};

/* A 2x3 grid, 4 hourly steps, one variable. */
static fx_file grid_file(const fx_var *v, size_t nv) {
  fx_file f = {NC_64BIT_OFFSET, "time", "hours since 1900-01-01 00:00:00.0", "gregorian", 4, hours4,
               2, 3, 52.6, -0.25, 13.1, 0.25, 0, nv, v};
  return f;
}

static tw_status read_paths(const char *const *paths, size_t n, const char *var, tw_climate **c) {
  tw_ingest_params p;
  tw_ingest_params_default(&p);
  p.paths = paths;
  p.npaths = n;
  p.variables = var ? &var : NULL;
  p.nvariables = var ? 1 : 0;
  return tw_climate_read(&p, c);
}

static tw_status read1(const char *path, const char *var, tw_climate **c) {
  return read_paths(&path, 1, var, c);
}

static void expect_error(tw_status st, const char *a, const char *b) {
  assert_int_equal(st, TW_ERR_INPUT);
  const char *m = tw_last_error();
  if ((a && !strstr(m, a)) || (b && !strstr(m, b))) {
    fprintf(stderr, "message '%s' lacks '%s' / '%s'\n", m, a ? a : "", b ? b : "");
    fail();
  }
}

static void test_packing_fill_valid_range(void **state) {
  (void)state;
  double raw[24];
  for (int i = 0; i < 24; i++) raw[i] = i * 100 - 1000;
  raw[3] = -32767; /* _FillValue */
  raw[4] = -32000; /* missing_value */
  raw[5] = 2000;   /* above valid_range */
  fx_var v = {"t2m", NC_SHORT, "K", 1, -0.01, 280.0, NC_FLOAT, 1, 1, 1, -32767, -32000, {-1500, 1500}, raw};
  fx_file f = grid_file(&v, 1);
  assert_int_equal(fx_write(tmp("pack.nc"), &f), NC_NOERR);
  tw_climate *c = NULL;
  assert_int_equal(read1(tmp("pack.nc"), "t2m", &c), TW_OK);
  const tw_climate_var *t = tw_climate_find(c, "t2m");
  assert_int_equal(t->n_missing, 3);
  assert_true(isnan(t->data[3]) && isnan(t->data[4]) && isnan(t->data[5]));
  assert_rel(t->data[0], 280.0 + (-1000) * -0.01f, 1e-6); /* float scale attribute: -0.01f */
  assert_rel(t->data[6], 280.0 + (-400) * (double)-0.01f, 1e-7);
  assert_string_equal(t->units, "K");
  tw_climate_destroy(&c);
}

/* Packed values within half a packing step of zero decode to exactly 0 when
 * the unpacked range includes 0 (ERA5 precipitation: dry hours were 1.9e-9). */
static void test_packed_zero_snaps(void **state) {
  (void)state;
  double raw[24];
  const double s = 3.0e-9, o = 9.830000186e-5; /* -o/s = -32766.67: k0 = -32767 */
  for (int i = 0; i < 24; i++) raw[i] = -32767 + i;
  fx_var v = {"pr", NC_SHORT, "kg m-2 s-1", 1, s, o, NC_DOUBLE, 0, 0, 0, 0, 0, {0, 0}, raw};
  fx_file f = grid_file(&v, 1);
  assert_int_equal(fx_write(tmp("zero.nc"), &f), NC_NOERR);
  tw_climate *c = NULL;
  assert_int_equal(read1(tmp("zero.nc"), "pr", &c), TW_OK);
  const tw_climate_var *pr = tw_climate_find(c, "pr");
  assert_true(pr->data[0] == 0.0f);                      /* was -32767 s + o = -1.0e-9 */
  assert_rel(pr->data[1], -32766 * s + o, 1e-3);          /* 2.0e-9: not within half a step */
  assert_rel(pr->data[23], -32744 * s + o, 1e-4);
  tw_climate_destroy(&c);
  /* 0 outside the unpacked range (offset 1, scale 1e-6): nothing snaps */
  for (int i = 0; i < 24; i++) raw[i] = -32768 + i;
  fx_var w = {"u100", NC_SHORT, "m s-1", 1, 1e-6, 1.0, NC_DOUBLE, 0, 0, 0, 0, 0, {0, 0}, raw};
  f = grid_file(&w, 1);
  assert_int_equal(fx_write(tmp("zero2.nc"), &f), NC_NOERR);
  assert_int_equal(read1(tmp("zero2.nc"), "u100", &c), TW_OK);
  assert_rel(c->vars[0].data[0], 1.0 - 32768e-6, 1e-6);
  tw_climate_destroy(&c);
}

static void test_nan_fill_on_packed_short_ignored(void **state) {
  (void)state;
  double raw[24] = {0};
  fx_var v = {"u100", NC_SHORT, "m s**-1", 1, 0.001, 3.0, NC_DOUBLE, 0, 0, 0, 0, 0, {0, 0}, raw};
  fx_file f = grid_file(&v, 1);
  assert_int_equal(fx_write(tmp("nanfill.nc"), &f), NC_NOERR);
  /* add a NaN _FillValue of type double (as an ERA-Interim download has) */
  int ncid, varid;
  double nan = NAN;
  assert_int_equal(nc_open(tmp("nanfill.nc"), NC_WRITE, &ncid), NC_NOERR);
  nc_redef(ncid);
  nc_inq_varid(ncid, "u100", &varid);
  nc_put_att_double(ncid, varid, "missing_value", NC_DOUBLE, 1, &nan);
  nc_close(ncid);
  tw_climate *c = NULL;
  assert_int_equal(read1(tmp("nanfill.nc"), "u100", &c), TW_OK);
  assert_int_equal(c->vars[0].n_missing, 0);
  assert_rel(c->vars[0].data[0], 3.0, 1e-9);
  assert_string_equal(c->vars[0].units, "m s-1");
  tw_climate_destroy(&c);
}

static void test_float_nan_and_1e20_fill(void **state) {
  (void)state;
  double raw[24];
  for (int i = 0; i < 24; i++) raw[i] = 5.0 + i;
  raw[0] = NAN;
  raw[1] = 1e20;
  fx_var v = {"tas", NC_FLOAT, "degC", 0, 1, 0, 0, 1, 1, 0, NAN, 1e20, {0, 0}, raw};
  fx_file f = grid_file(&v, 1);
  f.format = NC_NETCDF4;
  assert_int_equal(fx_write(tmp("flt.nc"), &f), NC_NOERR);
  tw_climate *c = NULL;
  assert_int_equal(read1(tmp("flt.nc"), "tas", &c), TW_OK);
  assert_int_equal(c->vars[0].n_missing, 2);
  assert_rel(c->vars[0].data[2], 7.0 + 273.15, 1e-6); /* degC -> K */
  tw_climate_destroy(&c);
}

static void test_accumulation_uses_time_step(void **state) {
  (void)state;
  static const double t3[] = {0, 3, 6, 9};
  double raw[24];
  for (int i = 0; i < 24; i++) raw[i] = 10800.0 * 100; /* 100 W m-2 over 3 h */
  fx_var v = {"ssrd", NC_DOUBLE, "J m**-2", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, raw};
  fx_file f = grid_file(&v, 1);
  f.time = t3;
  f.time_units = "hours since 2019-01-01";
  assert_int_equal(fx_write(tmp("acc.nc"), &f), NC_NOERR);
  tw_climate *c = NULL;
  assert_int_equal(read1(tmp("acc.nc"), "ssrd", &c), TW_OK);
  assert_rel(c->step_s, 10800, 0);
  assert_true(c->vars[0].accumulated);
  assert_string_equal(c->vars[0].units, "W m-2");
  assert_rel(c->vars[0].data[7], 100.0, 1e-12);
  tw_climate_destroy(&c);
}

static void test_unknown_units_and_override(void **state) {
  (void)state;
  fx_var v = {"u10", NC_FLOAT, "furlongs per fortnight", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, NULL};
  fx_file f = grid_file(&v, 1);
  assert_int_equal(fx_write(tmp("units.nc"), &f), NC_NOERR);
  tw_climate *c = NULL;
  expect_error(read1(tmp("units.nc"), "u10", &c), "units.nc", "furlongs per fortnight");
  assert_non_null(strstr(tw_last_error(), "'u10'"));
  const char *path = tmp("units.nc");
  tw_ingest_alias alias = {"u10", "u10", NULL, "m s-1"};
  tw_ingest_params p;
  tw_ingest_params_default(&p);
  p.paths = &path;
  p.npaths = 1;
  p.aliases = &alias;
  p.naliases = 1;
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_string_equal(c->vars[0].units, "m s-1");
  tw_climate_destroy(&c);
  /* mapping by standard_name through a user alias, renaming a variable */
  tw_ingest_alias rename = {"wind_east", "u10", NULL, "m/s"};
  const char *want = "wind_east";
  p.aliases = &rename;
  p.variables = &want;
  p.nvariables = 1;
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_non_null(tw_climate_find(c, "wind_east"));
  tw_climate_destroy(&c);
}

static void test_bad_files(void **state) {
  (void)state;
  tw_climate *c = NULL;
  expect_error(read1(tmp("does-not-exist.nc"), NULL, &c), "does-not-exist.nc", "No such file");
  FILE *t = fopen(tmp("text.nc"), "w");
  fputs("this is not netcdf\n", t);
  fclose(t);
  expect_error(read1(tmp("text.nc"), NULL, &c), "text.nc", "not a NetCDF file");
  /* truncate a classic file: the header survives, data does not */
  fx_var v = {"rsds", NC_FLOAT, "W m-2", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, NULL};
  fx_file f = grid_file(&v, 1);
  assert_int_equal(fx_write(tmp("trunc.nc"), &f), NC_NOERR);
  assert_int_equal(read1(tmp("trunc.nc"), "rsds", &c), TW_OK);
  tw_climate_destroy(&c);
  assert_int_equal(truncate(tmp("trunc.nc"), 400), 0);
  expect_error(read1(tmp("trunc.nc"), "rsds", &c), "trunc.nc", "truncated");
  assert_null(c);
  /* a truncated NetCDF-4 (HDF5) file says "truncated", not "not a NetCDF file (HDF error)" */
  fx_file f4 = f;
  f4.format = NC_NETCDF4;
  assert_int_equal(fx_write(tmp("trunc4.nc"), &f4), NC_NOERR);
  assert_int_equal(read1(tmp("trunc4.nc"), "rsds", &c), TW_OK);
  tw_climate_destroy(&c);
  struct stat sb4;
  assert_int_equal(stat(tmp("trunc4.nc"), &sb4), 0);
  assert_int_equal(truncate(tmp("trunc4.nc"), sb4.st_size / 2), 0);
  expect_error(read1(tmp("trunc4.nc"), "rsds", &c), "trunc4.nc: truncated file", "HDF5 superblock");
  assert_null(c);
  /* missing variable: the message lists what is there */
  assert_int_equal(fx_write(tmp("one.nc"), &f), NC_NOERR);
  expect_error(read1(tmp("one.nc"), "u100", &c), "'u100' not found", "rsds");
}

static void test_times_errors(void **state) {
  (void)state;
  fx_var v = {"rsds", NC_FLOAT, "W m-2", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, NULL};
  fx_file f = grid_file(&v, 1);
  static const double bad[] = {0, 1, 1, 2};
  f.time = bad;
  assert_int_equal(fx_write(tmp("dup.nc"), &f), NC_NOERR);
  tw_climate *c = NULL;
  expect_error(read1(tmp("dup.nc"), "rsds", &c), "dup.nc", "repeated");
  static const double back[] = {0, 2, 1, 3};
  f.time = back;
  assert_int_equal(fx_write(tmp("back.nc"), &f), NC_NOERR);
  expect_error(read1(tmp("back.nc"), "rsds", &c), "back.nc", "not increasing");
}

static void test_multifile_concat_and_errors(void **state) {
  (void)state;
  fx_var v = {"rsds", NC_FLOAT, "W m-2", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, NULL};
  static const double a[] = {0, 1, 2, 3}, b[] = {4, 5, 6, 7}, overlap[] = {2.5, 3.5, 4.5, 5.5}, gap[] = {6, 7, 8, 9};
  fx_file f = grid_file(&v, 1);
  f.time_units = "hours since 2000-01-01";
  f.time = a;
  assert_int_equal(fx_write(tmp("m1.nc"), &f), NC_NOERR);
  f.time = b;
  assert_int_equal(fx_write(tmp("m2.nc"), &f), NC_NOERR);
  f.time = overlap;
  assert_int_equal(fx_write(tmp("mo.nc"), &f), NC_NOERR);
  f.time = gap;
  assert_int_equal(fx_write(tmp("mg.nc"), &f), NC_NOERR);
  f.time = b;
  f.lat0 = 50.0;
  assert_int_equal(fx_write(tmp("mgrid.nc"), &f), NC_NOERR);
  tw_climate *c = NULL;
  const char *later_first[] = {tmp("m2.nc"), tmp("m1.nc")};
  assert_int_equal(read_paths(later_first, 2, "rsds", &c), TW_OK);
  assert_int_equal(c->ntime, 8);
  assert_int_equal(c->time[1] - c->time[0], 3600);
  assert_int_equal(c->time[4] - c->time[3], 3600);
  assert_rel(c->vars[0].data[0], 0.0, 0);         /* m1 value 0 first */
  assert_rel(c->vars[0].data[4 * 6], 0.0, 0);     /* m2 starts again at index value 0 */
  assert_rel(c->vars[0].data[4 * 6 - 1], 23.0, 0);
  tw_climate_destroy(&c);
  const char *ov[] = {tmp("m1.nc"), tmp("mo.nc")};
  expect_error(read_paths(ov, 2, "rsds", &c), "m1.nc", "mo.nc");
  assert_non_null(strstr(tw_last_error(), "overlap"));
  const char *dup[] = {tmp("m1.nc"), tmp("m1.nc")};
  expect_error(read_paths(dup, 2, "rsds", &c), "duplicated", NULL);
  const char *gp[] = {tmp("m1.nc"), tmp("mg.nc")};
  expect_error(read_paths(gp, 2, "rsds", &c), "gap", "mg.nc");
  assert_non_null(strstr(tw_last_error(), "m1.nc"));
  const char *gr[] = {tmp("m1.nc"), tmp("mgrid.nc")};
  expect_error(read_paths(gr, 2, "rsds", &c), "grids differ", "mgrid.nc");
  assert_non_null(strstr(tw_last_error(), "m1.nc"));
}

static void test_all_missing(void **state) {
  (void)state;
  double raw[24];
  for (int i = 0; i < 24; i++) raw[i] = -32767;
  fx_var v = {"t2m", NC_SHORT, "K", 1, 0.01, 280, NC_DOUBLE, 1, 0, 0, -32767, 0, {0, 0}, raw};
  fx_file f = grid_file(&v, 1);
  assert_int_equal(fx_write(tmp("allmiss.nc"), &f), NC_NOERR);
  tw_climate *c = NULL;
  expect_error(read1(tmp("allmiss.nc"), "t2m", &c), "allmiss.nc", "every value");
}

static void test_bbox_wrap_and_time_range(void **state) {
  (void)state;
  /* a global-ish ring of longitudes 0..350 step 10 on 3 latitudes */
  fx_var v = {"rsds", NC_FLOAT, "W m-2", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, NULL};
  fx_file f = grid_file(&v, 1);
  f.nlat = 3;
  f.lat0 = 10;
  f.dlat = -10;
  f.nlon = 36;
  f.lon0 = 0;
  f.dlon = 10;
  f.format = NC_NETCDF4;
  assert_int_equal(fx_write(tmp("ring.nc"), &f), NC_NOERR);
  const char *path = tmp("ring.nc");
  tw_ingest_params p;
  tw_ingest_params_default(&p);
  p.paths = &path;
  p.npaths = 1;
  tw_climate *c = NULL;
  /* no bbox: longitudes normalised and reordered to -180..170 */
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_int_equal(c->nlon, 36);
  assert_rel(c->lon_deg[0], -180, 0);
  assert_rel(c->lon_deg[35], 170, 0);
  assert_rel(c->vars[0].data[0], 18, 0); /* file column 18 (lon 180) */
  tw_climate_destroy(&c);
  /* across the seam at 0/360: 340..20 */
  p.has_bbox = 1;
  p.lon_min_deg = 340;
  p.lon_max_deg = 20;
  p.lat_min_deg = -5;
  p.lat_max_deg = 5;
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_int_equal(c->nlat, 1);
  assert_int_equal(c->nlon, 5);
  double want[] = {-20, -10, 0, 10, 20};
  for (int i = 0; i < 5; i++) assert_rel(c->lon_deg[i], want[i], 0);
  assert_rel(c->vars[0].data[0], 36 + 34, 0); /* row 1, file column 34 */
  assert_rel(c->vars[0].data[2], 36 + 0, 0);
  tw_climate_destroy(&c);
  /* time range: hours 1..2 of 4, only those are read */
  tw_datetime d1 = {2017, 1, 1, 1, 0, 0}, d2 = {2017, 1, 1, 2, 0, 0};
  tw_time_from_datetime(TW_CAL_STANDARD, &d1, &p.time_start);
  tw_time_from_datetime(TW_CAL_STANDARD, &d2, &p.time_end);
  p.has_time_range = 1;
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_int_equal(c->ntime, 2);
  assert_rel(c->vars[0].data[2], 108 + 36, 0); /* time 1, row 1, col 0 */
  tw_climate_destroy(&c);
  /* bbox outside the grid */
  p.has_time_range = 0;
  p.lat_min_deg = 40;
  p.lat_max_deg = 50;
  expect_error(tw_climate_read(&p, &c), "ring.nc", "outside the grid");
}

static void test_calendars_and_new_cds(void **state) {
  (void)state;
  static const double days[] = {0, 29, 30, 359};
  fx_var v = {"rsds", NC_FLOAT, "W m-2", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, NULL};
  fx_file f = grid_file(&v, 1);
  f.time = days;
  f.time_units = "days since 2000-01-01";
  f.calendar = "360_day";
  assert_int_equal(fx_write(tmp("cal360.nc"), &f), NC_NOERR);
  tw_climate *c = NULL;
  assert_int_equal(read1(tmp("cal360.nc"), "rsds", &c), TW_OK);
  char buf[32];
  assert_string_equal(tw_time_format(c->calendar, c->time[1], buf, sizeof buf), "2000-01-30T00:00:00");
  assert_string_equal(tw_time_format(c->calendar, c->time[2], buf, sizeof buf), "2000-02-01T00:00:00");
  assert_string_equal(tw_time_format(c->calendar, c->time[3], buf, sizeof buf), "2000-12-30T00:00:00");
  tw_climate_destroy(&c);
  static const double jd[] = {0, 59, 60, 366};
  f.time = jd;
  f.calendar = "julian";
  f.time_units = "days since 1900-01-01";
  assert_int_equal(fx_write(tmp("julian.nc"), &f), NC_NOERR);
  assert_int_equal(read1(tmp("julian.nc"), "rsds", &c), TW_OK);
  /* 1900 is a leap year in the Julian calendar */
  assert_string_equal(tw_time_format(c->calendar, c->time[2], buf, sizeof buf), "1900-03-01T00:00:00");
  assert_string_equal(tw_time_format(c->calendar, c->time[1], buf, sizeof buf), "1900-02-29T00:00:00");
  tw_climate_destroy(&c);
  /* new CDS layout: valid_time in seconds since 1970, plain floats */
  static const double secs[] = {1704067200, 1704070800, 1704074400, 1704078000};
  fx_var w = {"u100", NC_FLOAT, "m s-1", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, NULL};
  fx_file g = grid_file(&w, 1);
  g.format = NC_NETCDF4;
  g.time_name = "valid_time";
  g.time = secs;
  g.time_units = "seconds since 1970-01-01";
  g.calendar = "proleptic_gregorian";
  assert_int_equal(fx_write(tmp("newcds.nc"), &g), NC_NOERR);
  assert_int_equal(read1(tmp("newcds.nc"), "u100", &c), TW_OK);
  assert_string_equal(tw_time_format(c->calendar, c->time[0], buf, sizeof buf), "2024-01-01T00:00:00");
  assert_rel(c->step_s, 3600, 0);
  tw_climate_destroy(&c);
}

static tw_status sum_chunk(void *user, const tw_climate *chunk) {
  double *s = user;
  for (size_t i = 0; i < chunk->ntime * chunk->ncell; i++) s[chunk->time_offset > 0] += chunk->vars[0].data[i];
  s[2] += (double)chunk->ntime;
  return TW_OK;
}

static void test_stream_and_slabs(void **state) {
  (void)state;
  fx_var v = {"rsds", NC_FLOAT, "W m-2", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, NULL};
  fx_file f = grid_file(&v, 1);
  assert_int_equal(fx_write(tmp("stream.nc"), &f), NC_NOERR);
  const char *path = tmp("stream.nc");
  tw_ingest_params p;
  tw_ingest_params_default(&p);
  p.paths = &path;
  p.npaths = 1;
  double s[3] = {0, 0, 0};
  assert_int_equal(tw_climate_stream(&p, 3, sum_chunk, s), TW_OK);
  /* values 0..23: first chunk (3 steps) sums 0..17, the second 18..23 */
  assert_rel(s[0], 153, 0);
  assert_rel(s[1], 123, 0);
  assert_rel(s[2], 4, 0);
  p.row_offset = 1;
  p.row_count = 1;
  p.time_offset = 2;
  p.time_count = 1;
  tw_climate *c = NULL;
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_int_equal(c->ncell, 3);
  assert_int_equal(c->ntime, 1);
  assert_int_equal(c->row_offset, 1);
  assert_int_equal(c->nlat_total, 2);
  assert_rel(c->vars[0].data[0], 2 * 6 + 3, 0);
  assert_rel(c->lat_deg[0], 52.35, 1e-9);
  tw_climate_destroy(&c);
  tw_ingest_shape sh;
  p.row_count = 0;
  assert_int_equal(tw_climate_shape(&p, &sh), TW_OK);
  assert_int_equal(sh.nrow, 2);
  assert_int_equal(sh.ncol, 3);
  assert_int_equal(sh.ntime, 4);
}

static void test_stations_time_location(void **state) {
  (void)state;
  static const double d[] = {0, 1, 2, 3};
  fx_var v = {"sfcWind", NC_FLOAT, "m s-1", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, NULL};
  fx_file f = grid_file(&v, 1);
  f.station = 1;
  f.nlat = 4;
  f.lat0 = 40;
  f.dlat = 5;
  f.lon0 = 350;
  f.dlon = 5; /* 350, 355, 360, 365 -> -10, -5, 0, 5 */
  f.time = d;
  f.time_units = "days since 2000-01-01";
  f.calendar = "noleap";
  f.format = NC_NETCDF4;
  assert_int_equal(fx_write(tmp("st.nc"), &f), NC_NOERR);
  const char *path = tmp("st.nc");
  tw_ingest_params p;
  tw_ingest_params_default(&p);
  p.paths = &path;
  p.npaths = 1;
  p.has_bbox = 1;
  p.lon_min_deg = -6;
  p.lon_max_deg = 1;
  p.lat_min_deg = 0;
  p.lat_max_deg = 60;
  tw_climate *c = NULL;
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_true(c->is_station);
  assert_int_equal(c->ncell, 2);
  assert_rel(c->lon_deg[0], -5, 1e-9);
  assert_rel(c->lon_deg[1], 0, 1e-9);
  assert_rel(c->vars[0].data[1 * 2 + 0], 4 + 1, 0); /* time 1, location 1 */
  tw_climate_destroy(&c);
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/tw_ingest_test_XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_packing_fill_valid_range),
      cmocka_unit_test(test_packed_zero_snaps),
      cmocka_unit_test(test_nan_fill_on_packed_short_ignored),
      cmocka_unit_test(test_float_nan_and_1e20_fill),
      cmocka_unit_test(test_accumulation_uses_time_step),
      cmocka_unit_test(test_unknown_units_and_override),
      cmocka_unit_test(test_bad_files),
      cmocka_unit_test(test_times_errors),
      cmocka_unit_test(test_multifile_concat_and_errors),
      cmocka_unit_test(test_all_missing),
      cmocka_unit_test(test_bbox_wrap_and_time_range),
      cmocka_unit_test(test_calendars_and_new_cds),
      cmocka_unit_test(test_stream_and_slabs),
      cmocka_unit_test(test_stations_time_location),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
