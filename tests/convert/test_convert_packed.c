/* int16 end to end (issue 17): a streaming reader that keeps u100, v100,
 * ssrd, fdir and t2m packed hands the stored int16 to the fused kernels,
 * which decode them bit for bit as ingest would (zero snap, fill and
 * missing values, valid range, unit conversion, float or double
 * arithmetic). Checked three ways: every one of the 65536 raw values of
 * several packings against ingest's decoder; generated packed files (two
 * files with different packings, chunks that straddle them); the real
 * ERA5 file in the reference data (TW_REFERENCE_DATA; that test is skipped
 * without it).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/cf.h"
#include "reference_data.h"
#include "terrawatt/convert.h"
#include "terrawatt/convert_math.h"
#include "terrawatt/ingest.h"

static char g_data[4096];

static const char *bus_names[3] = {"north", "south-west", "east"};
static const double bus_lon[3] = {9.0, 7.5, 13.0};
static const double bus_lat[3] = {54.2, 51.5, 52.4};

/* ---- every raw value against ingest's decoder ------------------------------ */

typedef struct {
  double scale, offset, us, uo;
  int has_fill, has_missing, has_vmin, has_vmax;
  double fill, missing, vmin, vmax;
} packing_case;

static void check_case(const packing_case *pc, int expect_double, int expect_zero) {
  tw_cf_var v;
  memset(&v, 0, sizeof v);
  snprintf(v.name, sizeof v.name, "x");
  v.type = NC_SHORT;
  v.packed = 1;
  v.scale = pc->scale;
  v.offset = pc->offset;
  v.has_fill = pc->has_fill;
  v.fill = pc->fill;
  v.has_missing = pc->has_missing;
  v.missing = pc->missing;
  v.has_vmin = pc->has_vmin;
  v.vmin = pc->vmin;
  v.has_vmax = pc->has_vmax;
  v.vmax = pc->vmax;
  tw_climate_packing k;
  assert_int_equal(tw_cf_short_packing(&v, pc->us, pc->uo, &k), 1);
  assert_int_equal(!k.in_float, expect_double);
  assert_int_equal(k.zero_raw != INT_MIN, expect_zero);
  short *raw = malloc(65536 * sizeof *raw);
  float *dec = malloc(65536 * sizeof *dec);
  assert_non_null(raw);
  assert_non_null(dec);
  for (int i = 0; i < 65536; i++) raw[i] = (short)(i - 32768);
  size_t miss = 0;
  assert_int_equal(tw_cf_decode(&v, raw, 65536, pc->us, pc->uo, dec, &miss), 65536);
  assert_int_equal(tw_cf_packing_missing(&k, raw, 65536), miss);
  tw_pack p = tw_pack_of(&k);
  size_t nan = 0;
  for (int i = 0; i < 65536; i++) {
    float y = tw_unpack(raw[i], p);
    nan += isnan(y) ? 1u : 0u;
    if (memcmp(&y, &dec[i], sizeof y) != 0)
      fail_msg("raw %d: tw_unpack %.9g, ingest %.9g", raw[i], (double)y, (double)dec[i]);
  }
  assert_int_equal(nan, miss);
  free(raw);
  free(dec);
}

static void test_unpack_equals_ingest(void **state) {
  (void)state;
  /* ERA5 wind: fill = missing_value, float arithmetic */
  packing_case era5_u = {0.000497633917562027, 3.60298022890914, 1, 0, 1, 1, 0, 0, -32767, -32767, 0, 0};
  check_case(&era5_u, 0, 1);
  /* temperature in K: the offset is large against the scale, double */
  packing_case t2m = {0.0018216, 263.5, 1, 0, 1, 1, 0, 0, -32767, -32767, 0, 0};
  check_case(&t2m, 1, 0);
  /* degC to K (uo = 273.15), valid range in stored units, two missing values */
  packing_case degc = {0.001, 5.0, 1, 273.15, 1, 1, 1, 1, -32768, 32000, -31000.5, 30000.2};
  check_case(&degc, 1, 1);
  /* accumulated J m-2 per hour to W m-2 (us = 1/3600); zero snap */
  packing_case ssrd = {50.3, 1.6e6, 1.0 / 3600.0, 0, 1, 0, 0, 0, -32767, 0, 0, 0};
  check_case(&ssrd, 0, 1);
  /* negative scale, no fill at all */
  packing_case neg = {-0.002, 1.0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  check_case(&neg, 0, 1);
}

/* ---- generated packed files -------------------------------------------------- */

#define NLAT 7
#define NLON 9
#define NT_FILE 60

static void nc_ok(int rc) {
  if (rc != NC_NOERR) fail_msg("netcdf: %s", nc_strerror(rc));
}

static void put_att_d(int nc, int var, const char *name, double x) {
  nc_ok(nc_put_att_double(nc, var, name, NC_DOUBLE, 1, &x));
}

static void put_att_s(int nc, int var, const char *name, short x) {
  nc_ok(nc_put_att_short(nc, var, name, NC_SHORT, 1, &x));
}

/* One packed variable: value(t, y, x) quantised with (scale, offset),
 * some raw values replaced by the fill, by a second missing value, by
 * values outside the valid range and by the raw value nearest 0. */
static void write_var(int nc, int dims[3], const char *name, const char *units, double scale,
                      double offset, size_t t_first, double (*f)(size_t t, size_t y, size_t x)) {
  int var;
  nc_ok(nc_def_var(nc, name, NC_SHORT, 3, dims, &var));
  nc_ok(nc_put_att_text(nc, var, "units", strlen(units), units));
  put_att_d(nc, var, "scale_factor", scale);
  put_att_d(nc, var, "add_offset", offset);
  put_att_s(nc, var, "_FillValue", -32767);
  put_att_s(nc, var, "missing_value", 32766);
  short range[2] = {-32000, 32700};
  nc_ok(nc_put_att_short(nc, var, "valid_range", NC_SHORT, 2, range));
  nc_ok(nc_enddef(nc));
  short *q = malloc(NT_FILE * NLAT * NLON * sizeof *q);
  assert_non_null(q);
  long k0 = lround(-offset / scale);
  for (size_t t = 0; t < NT_FILE; t++)
    for (size_t y = 0; y < NLAT; y++)
      for (size_t x = 0; x < NLON; x++) {
        size_t i = (t * NLAT + y) * NLON + x;
        long r = lround((f(t_first + t, y, x) - offset) / scale);
        r = r < -31999 ? -31999 : (r > 32699 ? 32699 : r);
        unsigned h = (unsigned)(i * 2654435761u) >> 24;
        if (h == 1) r = -32767;      /* _FillValue */
        else if (h == 2) r = 32766;  /* missing_value */
        else if (h == 3) r = 32701;  /* above valid_range */
        else if (h == 4) r = -32001; /* below valid_range */
        else if (h < 24 && k0 >= -32000 && k0 <= 32700) r = k0; /* exactly zero */
        q[i] = (short)r;
      }
  nc_ok(nc_put_var_short(nc, var, q));
  nc_ok(nc_redef(nc));
  free(q);
}

static double f_u(size_t t, size_t y, size_t x) { return 7.0 * sin(0.3 * (double)t + (double)x) + (double)y; }
static double f_v(size_t t, size_t y, size_t x) { return 5.0 * cos(0.2 * (double)t + (double)y) - 0.5 * (double)x; }
static double f_ssrd(size_t t, size_t y, size_t x) {
  double s = sin(3.14159265 * (double)((t + 18) % 24) / 24.0);
  return s > 0.3 ? 3.0e6 * s * (1.0 - 0.05 * (double)((x + y) % 5)) : 0.0; /* J m-2 per hour */
}
static double f_fdir(size_t t, size_t y, size_t x) { return 0.6 * f_ssrd(t, y, x); }
static double f_t2m(size_t t, size_t y, size_t x) { return 8.0 + 6.0 * sin(0.26 * (double)t) + 0.3 * (double)(x + y); }

/* File with NT_FILE hours from hour t_first of 2021-06-01; `variant`
 * changes the packing of every variable (a second file as CDS writes it). */
static void write_file(const char *path, size_t t_first, int variant) {
  int nc, dims[3], tv, yv, xv;
  nc_ok(nc_create(path, NC_CLOBBER | NC_NETCDF4, &nc));
  nc_ok(nc_def_dim(nc, "time", NT_FILE, &dims[0]));
  nc_ok(nc_def_dim(nc, "latitude", NLAT, &dims[1]));
  nc_ok(nc_def_dim(nc, "longitude", NLON, &dims[2]));
  nc_ok(nc_def_var(nc, "time", NC_INT, 1, &dims[0], &tv));
  const char *tu = "hours since 1900-01-01 00:00:00.0";
  nc_ok(nc_put_att_text(nc, tv, "units", strlen(tu), tu));
  nc_ok(nc_put_att_text(nc, tv, "calendar", 9, "gregorian"));
  nc_ok(nc_def_var(nc, "latitude", NC_FLOAT, 1, &dims[1], &yv));
  nc_ok(nc_put_att_text(nc, yv, "units", 13, "degrees_north"));
  nc_ok(nc_def_var(nc, "longitude", NC_FLOAT, 1, &dims[2], &xv));
  nc_ok(nc_put_att_text(nc, xv, "units", 12, "degrees_east"));
  nc_ok(nc_enddef(nc));
  int hours[NT_FILE];
  for (size_t t = 0; t < NT_FILE; t++) hours[t] = 1060176 + (int)(t_first + t); /* 2021-06-01 */
  float lat[NLAT], lon[NLON];
  for (int y = 0; y < NLAT; y++) lat[y] = 55.0f - 0.75f * (float)y; /* descending, as ERA5 */
  for (int x = 0; x < NLON; x++) lon[x] = 6.0f + 1.0f * (float)x;
  nc_ok(nc_put_var_int(nc, tv, hours));
  nc_ok(nc_put_var_float(nc, yv, lat));
  nc_ok(nc_put_var_float(nc, xv, lon));
  nc_ok(nc_redef(nc));
  double s = variant ? 1.37 : 1.0;
  write_var(nc, dims, "u100", "m s**-1", 4.9e-4 * s, 1.3 * s, t_first, f_u);
  write_var(nc, dims, "v100", "m s**-1", 4.1e-4 * s, -0.4 * s, t_first, f_v);
  write_var(nc, dims, "ssrd", "J m**-2", 50.0 * s, 1.5e6, t_first, f_ssrd);
  write_var(nc, dims, "fdir", "J m**-2", 31.0 * s, 0.9e6, t_first, f_fdir);
  write_var(nc, dims, "t2m", "degC", 0.0011 * s, 8.0, t_first, f_t2m);
  nc_ok(nc_close(nc));
}

static void check_equal(const tw_bus_series *a, const tw_bus_series *b) {
  assert_int_equal(a->ntime, b->ntime);
  assert_int_equal(a->nbus, b->nbus);
  size_t n = a->ntime * a->nbus;
  assert_memory_equal(a->time, b->time, a->ntime * sizeof *a->time);
  const float *x[4] = {a->wind_cf, a->solar_cf, a->hdh_K, a->cdh_K};
  const float *y[4] = {b->wind_cf, b->solar_cf, b->hdh_K, b->cdh_K};
  for (int k = 0; k < 4; k++) {
    assert_true((x[k] == NULL) == (y[k] == NULL));
    if (x[k]) assert_memory_equal(x[k], y[k], n * sizeof(float));
  }
}

/* Stream the files with chunks of `chunk` steps, kept packed or decoded;
 * *packed_chunks counts the chunks whose u100 and t2m came as int16. */
static tw_bus_series *stream(const char *const *paths, size_t npaths, size_t chunk,
                             const tw_convert_params *p, int keep_packed, int *packed_chunks,
                             int *chunks) {
  tw_ingest_params ip;
  tw_ingest_params_default(&ip);
  ip.paths = paths;
  ip.npaths = npaths;
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  tw_climate_reader *r = NULL;
  const tw_climate *first = NULL;
  assert_int_equal(tw_climate_reader_open(&ip, chunk, &r), TW_OK);
  if (keep_packed) assert_int_equal(tw_convert_reader_keep_packed(r, p), TW_OK);
  assert_int_equal(tw_climate_reader_next(r, &first), TW_OK);
  assert_non_null(first);
  tw_layout *l = NULL;
  assert_int_equal(tw_layout_voronoi(first, 3, bus_names, bus_lon, bus_lat, TW_LAYOUT_AREA, NULL, &l),
                   TW_OK);
  /* count the packed chunks: a second reader walked alongside */
  tw_climate_reader *r2 = NULL;
  const tw_climate *c2 = NULL;
  assert_int_equal(tw_climate_reader_open(&ip, chunk, &r2), TW_OK);
  if (keep_packed) assert_int_equal(tw_convert_reader_keep_packed(r2, p), TW_OK);
  *packed_chunks = *chunks = 0;
  for (;;) {
    assert_int_equal(tw_climate_reader_next(r2, &c2), TW_OK);
    if (!c2) break;
    (*chunks)++;
    const tw_climate_var *u = tw_climate_find(c2, "u100"), *t = tw_climate_find(c2, "t2m");
    if (u && u->data_i16 && t && t->data_i16) (*packed_chunks)++;
  }
  tw_climate_reader_close(&r2);
  tw_bus_series *s = NULL;
  assert_int_equal(tw_convert_capacity_factors_stream(be, r, first, p, l, &s), TW_OK);
  tw_climate_reader_close(&r);
  tw_layout_destroy(&l);
  tw_backend_destroy(&be);
  return s;
}

static void test_generated_files(void **state) {
  (void)state;
  char dir[] = "/tmp/tw-packed-XXXXXX", a[256], b[256];
  assert_non_null(mkdtemp(dir));
  snprintf(a, sizeof a, "%s/a.nc", dir);
  snprintf(b, sizeof b, "%s/b.nc", dir);
  write_file(a, 0, 0);
  write_file(b, NT_FILE, 1);
  const char *paths[2] = {a, b};
  double v[6] = {0, 3, 8, 12, 25, 25}, pw[6] = {0, 0, 1.0, 3.0, 3.0, 0};
  tw_turbine t = {(char *)"test", 110.0, 6, v, pw, 3.0};
  tw_convert_params p;
  tw_convert_params_default(&p);
  p.turbine = &t;
  p.solar = 1;
  p.degree_hours = 1;
  int packed = 0, chunks = 0, packed0 = 0, chunks0 = 0;
  /* chunks of 25 steps: 0-24, 25-49 in file a, 50-74 straddles (decoded),
   * 75-99, 100-119 in file b */
  tw_bus_series *s16 = stream(paths, 2, 25, &p, 1, &packed, &chunks);
  tw_bus_series *s32 = stream(paths, 2, 25, &p, 0, &packed0, &chunks0);
  assert_int_equal(chunks, 5);
  assert_int_equal(packed, 4);
  assert_int_equal(packed0, 0);
  assert_true(s16->solar_cf && s16->wind_cf && s16->hdh_K);
  check_equal(s16, s32);
  /* the values are not trivial: NaN hours (fill) and both signs of wind */
  size_t nan = 0, n = s16->ntime * s16->nbus;
  double mean = 0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(s16->wind_cf[i])) nan++;
    else mean += s16->wind_cf[i];
  }
  assert_true(nan < n && mean > 0);
  tw_bus_series_destroy(&s16);
  tw_bus_series_destroy(&s32);
  unlink(a);
  unlink(b);
  rmdir(dir);
}

/* A packed value outside the physical range is refused (exit 2, naming
 * the file and variable) whether the chunk is decoded by ingest or kept
 * packed for the kernels: u100's add_offset moved to 200 m/s. */
static void test_packed_physical_range(void **state) {
  (void)state;
  char dir[] = "/tmp/tw-packed-XXXXXX", a[256];
  assert_non_null(mkdtemp(dir));
  snprintf(a, sizeof a, "%s/a.nc", dir);
  write_file(a, 0, 0);
  int nc, var;
  nc_ok(nc_open(a, NC_WRITE, &nc));
  nc_ok(nc_inq_varid(nc, "u100", &var));
  nc_ok(nc_redef(nc));
  put_att_d(nc, var, "add_offset", 200.0);
  nc_ok(nc_close(nc));
  double v[6] = {0, 3, 8, 12, 25, 25}, pw[6] = {0, 0, 1.0, 3.0, 3.0, 0};
  tw_turbine t = {(char *)"test", 110.0, 6, v, pw, 3.0};
  tw_convert_params p;
  tw_convert_params_default(&p);
  p.turbine = &t;
  const char *paths[1] = {a};
  for (int keep = 0; keep < 2; keep++) {
    tw_ingest_params ip;
    tw_ingest_params_default(&ip);
    ip.paths = paths;
    ip.npaths = 1;
    tw_climate_reader *r = NULL;
    const tw_climate *c = NULL;
    assert_int_equal(tw_climate_reader_open(&ip, 25, &r), TW_OK);
    if (keep) assert_int_equal(tw_convert_reader_keep_packed(r, &p), TW_OK);
    assert_int_equal(tw_climate_reader_next(r, &c), TW_ERR_INPUT);
    assert_non_null(strstr(tw_last_error(), a));
    assert_non_null(strstr(tw_last_error(), "'u100'"));
    assert_non_null(strstr(tw_last_error(), "outside the physical range"));
    tw_climate_reader_close(&r);
  }
  unlink(a);
  rmdir(dir);
}

/* ---- the real ERA5 file --------------------------------------------------------- */

static void test_era5_example(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/era5/ERA5_example_data.nc", g_data);
  struct stat sb;
  if (stat(path, &sb) != 0) skip(); /* absent and not required (main) */
  const char *paths[1] = {path};
  double v[6] = {0, 3, 8, 12, 25, 25}, pw[6] = {0, 0, 1.0, 3.0, 3.0, 0};
  tw_turbine t = {(char *)"test", 110.0, 6, v, pw, 3.0};
  tw_convert_params p;
  tw_convert_params_default(&p);
  p.turbine = &t;
  p.solar = 1;
  p.degree_hours = 1;
  int packed = 0, chunks = 0, packed0 = 0, chunks0 = 0;
  tw_bus_series *s16 = stream(paths, 1, 1000, &p, 1, &packed, &chunks);
  tw_bus_series *s32 = stream(paths, 1, 1000, &p, 0, &packed0, &chunks0);
  assert_int_equal(chunks, 9); /* 8760 h */
  assert_int_equal(packed, 9);
  check_equal(s16, s32);
  tw_bus_series_destroy(&s16);
  tw_bus_series_destroy(&s32);
  /* PV alone (t2m kept packed for the panel model only), the fast and
   * the SPA sun */
  p.turbine = NULL;
  p.degree_hours = 0;
  for (int spa = 0; spa < 2; spa++) {
    p.sun_spa = spa;
    s16 = stream(paths, 1, 4000, &p, 1, &packed, &chunks);
    s32 = stream(paths, 1, 4000, &p, 0, &packed0, &chunks0);
    check_equal(s16, s32);
    tw_bus_series_destroy(&s16);
    tw_bus_series_destroy(&s32);
  }
}

int main(void) {
  snprintf(g_data, sizeof g_data, "%s", tw_reference_data_dir());
  char era5[4200];
  struct stat sb;
  snprintf(era5, sizeof era5, "%s/era5/ERA5_example_data.nc", g_data);
  if (stat(era5, &sb) != 0 && tw_reference_data_required()) return tw_reference_data_absent(era5);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unpack_equals_ingest),
      cmocka_unit_test(test_generated_files),
      cmocka_unit_test(test_packed_physical_range),
      cmocka_unit_test(test_era5_example),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
