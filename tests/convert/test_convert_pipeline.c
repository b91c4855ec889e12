/* The conversion stage on the CPU backend with in-memory climate data:
 * layout, per-bus aggregation against a scalar reference, degree-hours,
 * NetCDF output and input errors.
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
#include "terrawatt/climate_roles.h"
#include "terrawatt/convert.h"
#include "terrawatt/ingest.h"

static tw_climate *make_climate(void) {
  /* 3 x 4 cells over northern Germany, 48 hours from 2017-06-01 */
  tw_climate *c = fixture_grid(3, 4, 48, 1496275200LL, 54.0, 8.0, -1.0, 1.5);
  float *u = fixture_var(c, "u100", "m s-1", 1, 0);
  float *v = fixture_var(c, "v100", "m s-1", 1, 0);
  float *u10 = fixture_var(c, "u10", "m s-1", 1, 0);
  float *v10 = fixture_var(c, "v10", "m s-1", 1, 0);
  float *fsr = fixture_var(c, "fsr", "m", 0, 0);
  float *t2m = fixture_var(c, "t2m", "K", 1, 0);
  float *ssrd = fixture_var(c, "ssrd", "W m-2", 1, 1);
  for (size_t i = 0; i < c->ncell; i++) fsr[i] = (i == 0) ? 0.0f : 0.02f * (float)(i % 5 + 1);
  for (size_t t = 0; t < c->ntime; t++)
    for (size_t i = 0; i < c->ncell; i++) {
      size_t k = t * c->ncell + i;
      u[k] = 4.0f + 6.0f * sinf(0.13f * (float)t + 0.7f * (float)i);
      v[k] = 3.0f * cosf(0.07f * (float)t + (float)i);
      u10[k] = 0.7f * u[k];
      v10[k] = 0.7f * v[k];
      t2m[k] = 285.0f + 8.0f * sinf(6.2831853f * ((float)t - 9.0f) / 24.0f) - 0.5f * (float)i;
      float hour = (float)(t % 24) + 0.5f;
      float day = sinf(3.14159265f * (hour - 4.0f) / 17.0f);
      ssrd[k] = day > 0.0f ? 800.0f * day * (0.6f + 0.4f * cosf((float)(i + t))) : 0.0f;
    }
  return c;
}

static const char *bus_names[3] = {"north", "south-west", "east"};
static const double bus_lon[3] = {9.0, 7.5, 13.0};
static const double bus_lat[3] = {54.2, 51.5, 52.4};

static void test_layout(void **state) {
  (void)state;
  tw_climate *c = make_climate();
  tw_layout *l = NULL;
  assert_int_equal(tw_layout_voronoi(c, 3, bus_names, bus_lon, bus_lat, TW_LAYOUT_AREA, NULL, &l),
                   TW_OK);
  size_t seen = 0;
  for (size_t b = 0; b < l->nbus; b++) {
    double sum = 0.0;
    assert_true(l->row_ptr[b + 1] > l->row_ptr[b]);
    for (int k = l->row_ptr[b]; k < l->row_ptr[b + 1]; k++) sum += l->val[k];
    assert_true(fabs(sum - 1.0) < 1e-6);
    seen += (size_t)(l->row_ptr[b + 1] - l->row_ptr[b]);
  }
  assert_int_equal(seen, c->ncell); /* every cell in exactly one region */
  /* cell 0 (54N, 8E) belongs to "north" */
  int found = 0;
  for (int k = l->row_ptr[0]; k < l->row_ptr[1]; k++) found |= l->col[k] == 0;
  assert_true(found);
  tw_layout_destroy(&l);
  /* a bus far away still gets its nearest cell */
  const char *names[2] = {"main", "far"};
  double lon[2] = {10.0, 40.0}, lat[2] = {53.0, 10.0};
  assert_int_equal(tw_layout_voronoi(c, 2, names, lon, lat, TW_LAYOUT_EQUAL, NULL, &l), TW_OK);
  assert_int_equal(l->row_ptr[2] - l->row_ptr[1], 1);
  tw_layout_destroy(&l);
  double badlat[2] = {53.0, 95.0};
  assert_int_equal(tw_layout_voronoi(c, 2, names, lon, badlat, TW_LAYOUT_EQUAL, NULL, &l),
                   TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "far"));
  tw_climate_destroy(&c);
}

static void test_capacity_factors(void **state) {
  (void)state;
  tw_climate *c = make_climate();
  tw_backend *be = NULL;
  tw_layout *l = NULL;
  tw_bus_series *s = NULL;
  double v[6] = {0, 3, 8, 12, 25, 25}, pw[6] = {0, 0, 1.0, 3.0, 3.0, 0};
  tw_turbine t = {(char *)"test", 110.0, 6, v, pw, 3.0};
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  assert_int_equal(tw_layout_voronoi(c, 3, bus_names, bus_lon, bus_lat, TW_LAYOUT_EQUAL, NULL, &l),
                   TW_OK);
  for (int law = 0; law < 2; law++) {
    tw_convert_params p;
    tw_convert_params_default(&p);
    p.turbine = &t;
    p.extrapolation = law;
    p.solar = 1;
    p.degree_hours = 1;
    assert_int_equal(tw_convert_capacity_factors(be, c, &p, l, &s), TW_OK);
    assert_non_null(s->wind_cf);
    assert_non_null(s->solar_cf);
    /* scalar double reference per cell, then the layout by hand */
    const tw_climate_var *fsr = tw_climate_find(c, "fsr");
    for (size_t tt = 0; tt < c->ntime; tt++)
      for (size_t b = 0; b < l->nbus; b++) {
        double ref = 0.0, hdh = 0.0;
        for (int k = l->row_ptr[b]; k < l->row_ptr[b + 1]; k++) {
          size_t i = (size_t)l->col[k], e = tt * c->ncell + i;
          double su = hypot(c->vars[0].data[e], c->vars[1].data[e]), hub;
          if (law == 0) {
            double z0 = fsr->data[i] > 2e-4 ? fsr->data[i] : 2e-4;
            hub = su * log(110.0 / z0) / log(100.0 / z0);
          } else {
            double sl = hypot(c->vars[2].data[e], c->vars[3].data[e]);
            double a = log(su / sl) / log(10.0);
            a = a < 0.0 ? 0.0 : (a > 0.6 ? 0.6 : a);
            hub = su * pow(1.1, a);
          }
          ref += l->val[k] * tw_turbine_power_W(&t, hub) / 3e6;
          double tk = c->vars[5].data[e];
          hdh += l->val[k] * (tk < 288.65 ? 288.65 - tk : 0.0);
        }
        float got = s->wind_cf[tt * l->nbus + b];
        assert_true(got >= 0.0f && got <= 1.0f);
        assert_true(fabs(got - ref) < 2e-5);
        assert_true(fabs(s->hdh_K[tt * l->nbus + b] - hdh) < 1e-3);
        float pv = s->solar_cf[tt * l->nbus + b];
        assert_true(pv >= 0.0f && pv <= 1.0f);
        if (tt % 24 < 4) assert_true(pv == 0.0f); /* night */
      }
    double day = 0.0;
    for (size_t tt = 10; tt < 14; tt++) day += s->solar_cf[tt * l->nbus];
    assert_true(day > 0.4); /* noon hours produce */
    tw_bus_series_destroy(&s);
  }
  /* fleet smoothing: capacity factors per unit of the smoothed curve's
   * peak, as atlite (not of the turbine's rating: 0.95 x 3 MW here) */
  tw_turbine *sm = NULL;
  assert_int_equal(tw_turbine_smooth(&t, TW_SMOOTH_DELTA_V_MS, TW_SMOOTH_SIGMA_MS,
                                     TW_SMOOTH_AVAILABILITY, &sm), TW_OK);
  assert_true(sm->rated_MW < 0.96 * 3.0);
  tw_convert_params p;
  tw_convert_params_default(&p);
  p.turbine = &t;
  p.smoothing = 1;
  assert_int_equal(tw_convert_capacity_factors(be, c, &p, l, &s), TW_OK);
  const tw_climate_var *fsr = tw_climate_find(c, "fsr");
  for (size_t tt = 0; tt < c->ntime; tt++)
    for (size_t b = 0; b < l->nbus; b++) {
      double ref = 0.0;
      for (int k = l->row_ptr[b]; k < l->row_ptr[b + 1]; k++) {
        size_t i = (size_t)l->col[k], e = tt * c->ncell + i;
        double z0 = fsr->data[i] > 2e-4 ? fsr->data[i] : 2e-4;
        double hub = hypot(c->vars[0].data[e], c->vars[1].data[e]) * log(110.0 / z0) /
                     log(100.0 / z0);
        ref += l->val[k] * tw_turbine_power_W(sm, hub) / (sm->rated_MW * 1e6);
      }
      assert_true(fabs(s->wind_cf[tt * l->nbus + b] - ref) < 2e-5);
    }
  tw_bus_series_destroy(&s);
  tw_turbine_destroy(&sm);
  tw_layout_destroy(&l);
  tw_backend_destroy(&be);
  tw_climate_destroy(&c);
}

static void test_daily_mean_and_write(void **state) {
  (void)state;
  tw_climate *c = make_climate();
  tw_backend *be = NULL;
  tw_layout *l = NULL;
  tw_bus_series *s = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  assert_int_equal(tw_layout_voronoi(c, 3, bus_names, bus_lon, bus_lat, TW_LAYOUT_EQUAL, NULL, &l),
                   TW_OK);
  tw_convert_params p;
  tw_convert_params_default(&p);
  p.degree_hours = 1;
  p.daily_mean = 1;
  p.heating_threshold_C = 14.0;
  assert_int_equal(tw_convert_capacity_factors(be, c, &p, l, &s), TW_OK);
  assert_null(s->wind_cf);
  for (size_t b = 0; b < 3; b++) /* constant within a day */
    for (size_t tt = 1; tt < 24; tt++)
      assert_true(fabsf(s->hdh_K[tt * 3 + b] - s->hdh_K[b]) < 1e-4f);
  char path[256];
  snprintf(path, sizeof path, "/tmp/tw_convert_test_%d.nc", (int)getpid());
  assert_int_equal(tw_bus_series_write(s, path), TW_OK);
  int nc, var, dim;
  size_t len;
  assert_int_equal(nc_open(path, NC_NOWRITE, &nc), NC_NOERR);
  assert_int_equal(nc_inq_dimid(nc, "bus", &dim), NC_NOERR);
  assert_int_equal(nc_inq_dimlen(nc, dim, &len), NC_NOERR);
  assert_int_equal(len, 3);
  assert_int_equal(nc_inq_varid(nc, "hdh", &var), NC_NOERR);
  float back[144];
  assert_int_equal(nc_get_var_float(nc, var, back), NC_NOERR);
  assert_memory_equal(back, s->hdh_K, sizeof back);
  assert_int_not_equal(nc_inq_varid(nc, "wind_cf", &var), NC_NOERR);
  nc_close(nc);
  unlink(path);
  tw_bus_series_destroy(&s);
  tw_layout_destroy(&l);
  tw_backend_destroy(&be);
  tw_climate_destroy(&c);
}

static void test_errors(void **state) {
  (void)state;
  tw_climate *c = fixture_grid(1, 2, 3, 1496275200LL, 50.0, 8.0, 1.0, 1.0);
  fixture_var(c, "u100", "m s-1", 1, 0);
  tw_backend *be = NULL;
  tw_layout *l = NULL;
  tw_bus_series *s = NULL;
  const char *names[1] = {"b"};
  double lon = 8.0, lat = 50.0;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  assert_int_equal(tw_layout_voronoi(c, 1, names, &lon, &lat, TW_LAYOUT_EQUAL, NULL, &l), TW_OK);
  double v[3] = {0, 10, 25}, pw[3] = {0, 2, 2};
  tw_turbine t = {(char *)"t", 100.0, 3, v, pw, 2.0};
  tw_convert_params p;
  tw_convert_params_default(&p);
  p.turbine = &t;
  assert_int_equal(tw_convert_capacity_factors(be, c, &p, l, &s), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "v100"));
  p.turbine = NULL;
  p.solar = 1;
  assert_int_equal(tw_convert_capacity_factors(be, c, &p, l, &s), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "ssrd"));
  assert_null(s);
  tw_layout_destroy(&l);
  tw_backend_destroy(&be);
  tw_climate_destroy(&c);
}

/* Streaming over time chunks (the CLI's path): the bundled example cutout
 * read in chunks of 50 steps gives bitwise the series of the whole read. */
static void test_stream_equals_whole(void **state) {
  (void)state;
  char dir[] = "/tmp/tw-stream-XXXXXX", path[256];
  assert_non_null(mkdtemp(dir));
  assert_int_equal(tw_example_write(dir), TW_OK);
  snprintf(path, sizeof path, "%s/cutout.nc", dir);
  const char *paths[1] = {path};
  tw_ingest_params ip;
  tw_ingest_params_default(&ip);
  ip.paths = paths;
  ip.npaths = 1;
  double v[6] = {0, 3, 8, 12, 25, 25}, pw[6] = {0, 0, 1.0, 3.0, 3.0, 0};
  tw_turbine t = {(char *)"test", 110.0, 6, v, pw, 3.0};
  tw_convert_params p;
  tw_convert_params_default(&p);
  p.turbine = &t;
  p.solar = 1;
  p.degree_hours = 1;
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  tw_climate *c = NULL;
  tw_layout *l1 = NULL, *l2 = NULL;
  tw_bus_series *s1 = NULL, *s2 = NULL;
  assert_int_equal(tw_climate_read(&ip, &c), TW_OK);
  assert_int_equal(tw_layout_voronoi(c, 3, bus_names, bus_lon, bus_lat, TW_LAYOUT_AREA, NULL, &l1),
                   TW_OK);
  assert_int_equal(tw_convert_capacity_factors(be, c, &p, l1, &s1), TW_OK);
  tw_climate_reader *r = NULL;
  const tw_climate *first = NULL;
  assert_int_equal(tw_climate_reader_open(&ip, 50, &r), TW_OK);
  assert_int_equal(tw_climate_reader_next(r, &first), TW_OK);
  assert_non_null(first);
  assert_true(first->ntime == 50 && c->ntime > 200); /* chunks, not the whole */
  assert_int_equal(tw_layout_voronoi(first, 3, bus_names, bus_lon, bus_lat, TW_LAYOUT_AREA, NULL,
                                     &l2), TW_OK);
  assert_int_equal(tw_convert_capacity_factors_stream(be, r, first, &p, l2, &s2), TW_OK);
  assert_int_equal(s2->ntime, c->ntime);
  size_t n = s1->ntime * s1->nbus;
  assert_memory_equal(s1->time, s2->time, s1->ntime * sizeof *s1->time);
  assert_memory_equal(s1->wind_cf, s2->wind_cf, n * sizeof(float));
  assert_memory_equal(s1->solar_cf, s2->solar_cf, n * sizeof(float));
  assert_memory_equal(s1->hdh_K, s2->hdh_K, n * sizeof(float));
  assert_memory_equal(s1->cdh_K, s2->cdh_K, n * sizeof(float));
  tw_climate_reader_close(&r);
  /* daily means need whole days: refused, not silently wrong */
  p.daily_mean = 1;
  assert_int_equal(tw_climate_reader_open(&ip, 50, &r), TW_OK);
  assert_int_equal(tw_climate_reader_next(r, &first), TW_OK);
  tw_bus_series *s3 = NULL;
  assert_int_equal(tw_convert_capacity_factors_stream(be, r, first, &p, l2, &s3), TW_ERR_INTERNAL);
  tw_error_clear();
  tw_climate_reader_close(&r);
  tw_bus_series_destroy(&s1);
  tw_bus_series_destroy(&s2);
  tw_layout_destroy(&l1);
  tw_layout_destroy(&l2);
  tw_climate_destroy(&c);
  tw_backend_destroy(&be);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

/* A 1 x 2 grid file of one temperature variable `name` (K), 4 steps of
 * `step_h` hours from 2019-01-01. */
static void write_temperature(const char *path, const char *name, int step_h) {
  int nc, dt, dy, dx, vt, vy, vx, vv;
  assert_int_equal(nc_create(path, NC_CLOBBER | NC_NETCDF4, &nc), NC_NOERR);
  nc_def_dim(nc, "time", 4, &dt);
  nc_def_dim(nc, "lat", 1, &dy);
  nc_def_dim(nc, "lon", 2, &dx);
  nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt);
  nc_put_att_text(nc, vt, "units", 31, "hours since 2019-01-01 00:00:00");
  nc_def_var(nc, "lat", NC_DOUBLE, 1, &dy, &vy);
  nc_put_att_text(nc, vy, "units", 13, "degrees_north");
  nc_def_var(nc, "lon", NC_DOUBLE, 1, &dx, &vx);
  nc_put_att_text(nc, vx, "units", 12, "degrees_east");
  int dims[3] = {dt, dy, dx};
  nc_def_var(nc, name, NC_FLOAT, 3, dims, &vv);
  nc_put_att_text(nc, vv, "units", 1, "K");
  assert_int_equal(nc_enddef(nc), NC_NOERR);
  double t[4] = {0, step_h, 2.0 * step_h, 3.0 * step_h}, lat[1] = {52.0}, lon[2] = {8.0, 9.0};
  float x[8] = {270, 271, 272, 273, 274, 275, 276, 277};
  nc_put_var_double(nc, vt, t);
  nc_put_var_double(nc, vy, lat);
  nc_put_var_double(nc, vx, lon);
  nc_put_var_float(nc, vv, x);
  assert_int_equal(nc_close(nc), NC_NOERR);
}

/* The CLI's choice between streaming and the whole roles read: hourly
 * data holding the conversion's variables stream, and the chunks equal the
 * roles read bit for bit; a coarse step (resampled over the whole series)
 * or a role filled by another name (tas: derived) is read whole. */
static void test_stream_roles_choice(void **state) {
  (void)state;
  char dir[] = "/tmp/tw-sroles-XXXXXX", path[256];
  assert_non_null(mkdtemp(dir));
  assert_int_equal(tw_example_write(dir), TW_OK);
  snprintf(path, sizeof path, "%s/cutout.nc", dir);
  const char *paths[1] = {path};
  tw_ingest_params ip;
  tw_ingest_params_default(&ip);
  ip.paths = paths;
  ip.npaths = 1;
  tw_climate_request rq;
  memset(&rq, 0, sizeof rq);
  rq.wind = 1;
  rq.solar = 1;
  rq.roughness_default_m = 0.03;
  tw_climate_roles_stream rs;
  tw_climate_reader *r = NULL;
  tw_climate *c = NULL;
  assert_int_equal(tw_climate_reader_open_roles(&ip, &rq, &rs, &r), TW_OK);
  assert_non_null(r);
  assert_int_equal(tw_climate_read_roles(&ip, &rq, &c), TW_OK);
  const tw_climate *k = NULL;
  size_t t0 = 0;
  for (;;) {
    assert_int_equal(tw_climate_reader_next(r, &k), TW_OK);
    if (!k) break;
    assert_int_equal(k->nvar, c->nvar);
    for (size_t v = 0; v < k->nvar; v++) {
      const tw_climate_var *w = tw_climate_find(c, k->vars[v].name);
      assert_non_null(w);
      size_t off = w->time_varying ? t0 * c->ncell : 0;
      size_t n = (w->time_varying ? k->ntime : 1) * c->ncell;
      assert_memory_equal(w->data + off, k->vars[v].data, n * sizeof(float));
    }
    t0 += k->ntime;
  }
  assert_int_equal(t0, c->ntime);
  tw_climate_reader_close(&r);
  tw_climate_destroy(&c);
  /* coarse step and a derived role: no reader (the whole read handles them) */
  memset(&rq, 0, sizeof rq);
  rq.temperature = 1;
  const char *cases[3][2] = {{"t2m", "24"}, {"t2m", "3"}, {"tas", "1"}};
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/t%d.nc", dir, i);
    write_temperature(path, cases[i][0], atoi(cases[i][1]));
    assert_int_equal(tw_climate_reader_open_roles(&ip, &rq, &rs, &r), TW_OK);
    assert_null(r);
    assert_int_equal(tw_climate_read_roles(&ip, &rq, &c), TW_OK);
    assert_non_null(tw_climate_find(c, "t2m"));
    tw_climate_destroy(&c);
  }
  /* the same file hourly with t2m streams */
  snprintf(path, sizeof path, "%s/t3.nc", dir);
  write_temperature(path, "t2m", 1);
  assert_int_equal(tw_climate_reader_open_roles(&ip, &rq, &rs, &r), TW_OK);
  assert_non_null(r);
  tw_climate_reader_close(&r);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_layout),
      cmocka_unit_test(test_capacity_factors),
      cmocka_unit_test(test_daily_mean_and_write),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_stream_equals_whole),
      cmocka_unit_test(test_stream_roles_choice),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
