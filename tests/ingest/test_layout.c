/* Ingest layouts: descending longitudes with a bbox across the seam,
 * variables with a length-1 dimension or an ERA5T `expver` dimension, and
 * the streaming reader (chunked values equal whole reads bit for bit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ingest_test_util.h"
#include "nc_fixture.h"
#include "ingest/cf.h"
#include "terrawatt/ingest.h"

static char dir[256];

static const char *tmp(const char *name) {
  static char buf[8][512];
  static int k;
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

static const double hours4[] = {0, 1, 2, 3};

/* nlat x nlon grid, 4 hourly steps, one float variable rsds (W m-2: index values fit its physical range) = index. */
static fx_file ring(const fx_var *v, double lon0, double dlon) {
  fx_file f = {NC_NETCDF4, "time", "hours since 2000-01-01", "standard", 4, hours4,
               2, 36, 50.0, -1.0, lon0, dlon, 0, 1, v};
  return f;
}

static const fx_var t2m = {"rsds", NC_FLOAT, "W m-2", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, NULL};

static void params(tw_ingest_params *p, const char **path) {
  tw_ingest_params_default(p);
  p->paths = path;
  p->npaths = 1;
}

static void bbox(tw_ingest_params *p, double lon_min, double lon_max) {
  p->has_bbox = 1;
  p->lon_min_deg = lon_min;
  p->lon_max_deg = lon_max;
  p->lat_min_deg = -90;
  p->lat_max_deg = 90;
}

/* Read p whole, then stream it with chunk sizes 1, 3 and 4: every chunk
 * equals the same times of the whole read bit for bit. */
static void assert_stream_equals_whole(const tw_ingest_params *p) {
  tw_climate *whole = NULL;
  assert_int_equal(tw_climate_read(p, &whole), TW_OK);
  static const size_t ks[] = {1, 3, 4};
  for (size_t k = 0; k < 3; k++) {
    tw_climate_reader *r = NULL;
    assert_int_equal(tw_climate_reader_open(p, ks[k], &r), TW_OK);
    size_t nt = 0, kk = 0, ncell = 0, seen = 0;
    tw_climate_reader_shape(r, &nt, &kk, &ncell);
    assert_int_equal(nt, whole->ntime);
    assert_int_equal(kk, ks[k] < nt ? ks[k] : nt);
    assert_int_equal(ncell, whole->ncell);
    const tw_climate *c = NULL;
    for (;;) {
      assert_int_equal(tw_climate_reader_next(r, &c), TW_OK);
      if (!c) break;
      assert_int_equal(c->time_offset, whole->time_offset + seen);
      for (size_t v = 0; v < c->nvar; v++)
        assert_memory_equal(c->vars[v].data, whole->vars[v].data + seen * c->ncell,
                            c->ntime * c->ncell * sizeof(float));
      assert_memory_equal(c->lon_deg, whole->lon_deg, whole->nlon * sizeof(double));
      seen += c->ntime;
    }
    assert_int_equal(seen, whole->ntime);
    tw_climate_reader_close(&r);
  }
  tw_climate_destroy(&whole);
}

static void test_descending_lon_across_seam(void **state) {
  (void)state;
  /* 355, 345, ..., 5 (descending, 0..360): normalised -5, -15, ..., -175,
   * then 175, ..., 5 */
  fx_file f = ring(&t2m, 355, -10);
  assert_int_equal(fx_write(tmp("desc.nc"), &f), NC_NOERR);
  const char *path = tmp("desc.nc");
  tw_ingest_params p;
  params(&p, &path);
  tw_climate *c = NULL;
  /* across the 180 seam: 160..-160 -> -165, -175 | 175, 165 (east to west) */
  bbox(&p, 160, -160);
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_int_equal(c->nlon, 4);
  static const double w1[] = {-165, -175, 175, 165}, v1[] = {16, 17, 18, 19};
  for (int i = 0; i < 4; i++) {
    assert_rel(c->lon_deg[i], w1[i], 1e-12);
    assert_rel(c->vars[0].data[i], v1[i], 0);
    assert_rel(c->vars[0].data[c->ncell + 4 + i], 36 * 2 + 36 + v1[i], 0); /* time 1, row 1 */
  }
  tw_climate_destroy(&c);
  assert_stream_equals_whole(&p);
  /* across the 0/360 seam: 340..20 -> 15, 5 | -5, -15 (file columns 34, 35, 0, 1) */
  bbox(&p, 340, 20);
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_int_equal(c->nlon, 4);
  static const double w2[] = {15, 5, -5, -15}, v2[] = {34, 35, 0, 1};
  for (int i = 0; i < 4; i++) {
    assert_rel(c->lon_deg[i], w2[i], 1e-12);
    assert_rel(c->vars[0].data[c->ncell + 4 + i], 72 + 36 + v2[i], 0); /* time 1, row 1 */
  }
  tw_climate_destroy(&c);
  assert_stream_equals_whole(&p);
  /* no bbox: continuous from 175 down to -175 */
  p.has_bbox = 0;
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_rel(c->lon_deg[0], 175, 1e-12);
  assert_rel(c->lon_deg[35], -175, 1e-12);
  for (int i = 1; i < 36; i++) assert_rel(c->lon_deg[i - 1] - c->lon_deg[i], 10, 1e-9);
  tw_climate_destroy(&c);
  /* ascending 0..360 across 0: the same cells west to east */
  fx_file g = ring(&t2m, 5, 10);
  assert_int_equal(fx_write(tmp("asc.nc"), &g), NC_NOERR);
  const char *apath = tmp("asc.nc");
  params(&p, &apath);
  bbox(&p, 340, 20);
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  static const double w3[] = {-15, -5, 5, 15};
  for (int i = 0; i < 4; i++) assert_rel(c->lon_deg[i], w3[i], 1e-12);
  tw_climate_destroy(&c);
  assert_stream_equals_whole(&p);
}

/* t2m(time, expver, latitude, longitude) as in CDS downloads mixing ERA5
 * (expver 1, times 0-1) and ERA5T (expver 5, times 2-3), int16-packed with
 * a fill; u100(time, level=1, latitude, longitude). */
static int write_era5t(const char *path) {
  int nc, dt, de, dl, dy, dx, vt, ve, vy, vx, v1, v2, rc;
  if ((rc = nc_create(path, NC_CLOBBER | NC_NETCDF4, &nc))) return rc;
  nc_def_dim(nc, "time", 4, &dt);
  nc_def_dim(nc, "expver", 2, &de);
  nc_def_dim(nc, "level", 1, &dl);
  nc_def_dim(nc, "latitude", 2, &dy);
  nc_def_dim(nc, "longitude", 3, &dx);
  nc_def_var(nc, "time", NC_INT, 1, &dt, &vt);
  nc_put_att_text(nc, vt, "units", 31, "hours since 1900-01-01 00:00:00");
  nc_put_att_text(nc, vt, "calendar", 9, "gregorian");
  nc_def_var(nc, "expver", NC_INT, 1, &de, &ve);
  nc_def_var(nc, "latitude", NC_FLOAT, 1, &dy, &vy);
  nc_def_var(nc, "longitude", NC_FLOAT, 1, &dx, &vx);
  int d4[4] = {dt, de, dy, dx}, d4b[4] = {dt, dl, dy, dx};
  nc_def_var(nc, "t2m", NC_SHORT, 4, d4, &v1);
  double sc = 0.01, off = 280.0;
  short fill = -32767;
  nc_put_att_double(nc, v1, "scale_factor", NC_DOUBLE, 1, &sc);
  nc_put_att_double(nc, v1, "add_offset", NC_DOUBLE, 1, &off);
  nc_put_att_short(nc, v1, "_FillValue", NC_SHORT, 1, &fill);
  nc_put_att_text(nc, v1, "units", 1, "K");
  nc_def_var(nc, "u100", NC_FLOAT, 4, d4b, &v2);
  nc_put_att_text(nc, v2, "units", 7, "m s**-1");
  if ((rc = nc_enddef(nc))) return rc;
  int times[4] = {1051896, 1051897, 1051898, 1051899}, ev[2] = {1, 5};
  float lat[2] = {51, 50}, lon[3] = {5, 6, 7};
  nc_put_var_int(nc, vt, times);
  nc_put_var_int(nc, ve, ev);
  nc_put_var_float(nc, vy, lat);
  nc_put_var_float(nc, vx, lon);
  short t[4][2][6];
  float u[4][6];
  for (int k = 0; k < 4; k++)
    for (int i = 0; i < 6; i++) {
      int era5t = k >= 2;
      t[k][0][i] = era5t ? fill : (short)(100 * k + i);
      t[k][1][i] = era5t ? (short)(100 * k + i) : fill;
      u[k][i] = (float)(k * 6 + i);
    }
  nc_put_var_short(nc, v1, &t[0][0][0]);
  nc_put_var_float(nc, v2, &u[0][0]);
  return nc_close(nc);
}

static void test_expver_and_singleton_dims(void **state) {
  (void)state;
  assert_int_equal(write_era5t(tmp("era5t.nc")), NC_NOERR);
  const char *path = tmp("era5t.nc");
  tw_ingest_params p;
  params(&p, &path);
  const char *vars[] = {"t2m", "u100"};
  p.variables = vars;
  p.nvariables = 2;
  tw_climate *c = NULL;
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  const tw_climate_var *t = tw_climate_find(c, "t2m"), *u = tw_climate_find(c, "u100");
  assert_non_null(t);
  assert_non_null(u);
  assert_int_equal(c->ntime, 4);
  assert_int_equal(t->n_missing, 0);
  for (int k = 0; k < 4; k++)
    for (int i = 0; i < 6; i++) {
      assert_rel(t->data[k * 6 + i], 280.0 + 0.01 * (100 * k + i), 1e-6);
      assert_rel(u->data[k * 6 + i], k * 6 + i, 0);
    }
  tw_climate_destroy(&c);
  assert_stream_equals_whole(&p);
  /* a bbox of one column, still merged per time */
  p.has_bbox = 1;
  p.lon_min_deg = 6;
  p.lon_max_deg = 6;
  p.lat_min_deg = 50;
  p.lat_max_deg = 50;
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_int_equal(c->ncell, 1);
  assert_rel(tw_climate_find(c, "t2m")->data[3], 280.0 + 0.01 * (300 + 4), 1e-6);
  tw_climate_destroy(&c);
  /* inspect sees them as data, not as skipped */
  tw_inspect_report *r = NULL;
  assert_int_equal(tw_ingest_inspect(&path, 1, &r), TW_OK);
  for (size_t i = 0; i < r->nproblems; i++) fprintf(stderr, "problem: %s\n", r->problems[i]);
  assert_int_equal(r->nproblems, 0);
  tw_inspect_report_destroy(&r);
}

static void test_reader_stations_and_static(void **state) {
  (void)state;
  static const double d[] = {0, 1, 2, 3};
  fx_var v = {"sfcWind", NC_FLOAT, "m s-1", 0, 1, 0, 0, 0, 0, 0, 0, 0, {0, 0}, NULL};
  fx_file f = ring(&v, 350, 5);
  f.station = 1;
  f.nlat = 5;
  f.time = d;
  assert_int_equal(fx_write(tmp("st.nc"), &f), NC_NOERR);
  const char *path = tmp("st.nc");
  tw_ingest_params p;
  params(&p, &path);
  bbox(&p, -6, 6);
  assert_stream_equals_whole(&p);
  /* a slab of rows and times, as an MPI rank reads it */
  p.has_bbox = 0;
  p.row_offset = 1;
  p.row_count = 3;
  p.time_offset = 1;
  p.time_count = 3;
  assert_stream_equals_whole(&p);
}

/* The vectorised 16-bit decode against a plain double-precision reference
 * over every int16 value: fills, missing_value, fractional valid range,
 * the float path (offset within the packed range) and the double path
 * (large offset, as packed degC to K). */
static void test_decode_int16_all_values(void **state) {
  (void)state;
  enum { N = 65536 };
  static short raw[N];
  static float out[N];
  for (int i = 0; i < N; i++) raw[i] = (short)(i - 32768);
  static const double scales[] = {0.000858, -0.0123, 0.001};
  static const double offsets[] = {1.25, 400.0, 10.0};
  static const double units_off[] = {0.0, 0.0, 273.15};
  for (int c = 0; c < 3; c++) {
    tw_cf_var v;
    memset(&v, 0, sizeof v);
    v.type = NC_SHORT;
    v.scale = scales[c];
    v.offset = offsets[c];
    v.has_fill = 1;
    v.fill = -32767;
    v.has_missing = c == 1;
    v.missing = 7;
    v.has_vmin = c == 2;
    v.vmin = -1000.5; /* x < -1000.5 <=> x <= -1001 */
    v.has_vmax = c == 2;
    v.vmax = 2000.0;
    size_t miss = 0, want_miss = 0;
    assert_int_equal(tw_cf_decode(&v, raw, N, 1.0, units_off[c], out, &miss), N);
    double a = v.scale, b = v.offset + units_off[c];
    for (int i = 0; i < N; i++) {
      double x = raw[i];
      int bad = x == v.fill || (v.has_missing && x == v.missing) || (v.has_vmin && x < v.vmin) ||
                (v.has_vmax && x > v.vmax);
      want_miss += (size_t)bad;
      if (bad) {
        assert_true(isnan(out[i]));
        continue;
      }
      double want = (double)(float)(x * a + b);
      /* float path: within 2% of the packing quantum; double path: exact */
      double tol = c == 2 ? 0.0 : 0.02 * fabs(a);
      if (!(fabs(out[i] - want) <= tol)) {
        fprintf(stderr, "case %d x %g: %.9g vs %.9g\n", c, x, (double)out[i], want);
        fail();
      }
    }
    assert_int_equal(miss, want_miss);
  }
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/tw_ingest_layout_XXXXXX");
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
      cmocka_unit_test(test_descending_lon_across_seam),
      cmocka_unit_test(test_expver_and_singleton_dims),
      cmocka_unit_test(test_reader_stations_and_static),
      cmocka_unit_test(test_decode_int16_all_values),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
