/* Ingest against real reference files (../shared/data, see SOURCES.md):
 * known decoded values from netCDF4-python and ncdump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "ingest_test_util.h"
#include "terrawatt/ingest.h"

static tw_climate *read_one(const char *path, const char *const *vars, size_t nvars) {
  tw_ingest_params p;
  tw_ingest_params_default(&p);
  p.paths = &path;
  p.npaths = 1;
  p.variables = vars;
  p.nvariables = nvars;
  tw_climate *c = NULL;
  tw_status st = tw_climate_read(&p, &c);
  if (st != TW_OK) fprintf(stderr, "%s\n", tw_last_error());
  assert_int_equal(st, TW_OK);
  return c;
}

static double mean_of(const tw_climate_var *v, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += v->data[i];
  return s / (double)n;
}

static void test_era5_example(void **state) {
  (void)state;
  const char *vars[] = {"u100", "v100", "t2m", "ssrd", "fsr"};
  tw_climate *c = read_one(tw_test_ref("era5/ERA5_example_data.nc"), vars, 5);
  assert_int_equal(c->ntime, 8760);
  assert_int_equal(c->nlat, 2);
  assert_int_equal(c->nlon, 3);
  assert_false(c->is_station);
  assert_rel(c->lat_deg[0], 52.6, 1e-6); /* latitude descending, kept in file order */
  assert_rel(c->lat_deg[1], 52.35, 1e-6);
  assert_rel(c->step_s, 3600.0, 0);
  char buf[32];
  assert_string_equal(tw_time_format(c->calendar, c->time[0], buf, sizeof buf), "2017-01-01T00:00:00");
  assert_string_equal(tw_time_format(c->calendar, c->time[8759], buf, sizeof buf), "2017-12-31T23:00:00");
  const tw_climate_var *u, *v, *t, *s;
  assert_int_equal(tw_climate_require(c, "u100", &u), TW_OK);
  assert_int_equal(tw_climate_require(c, "v100", &v), TW_OK);
  assert_int_equal(tw_climate_require(c, "t2m", &t), TW_OK);
  assert_int_equal(tw_climate_require(c, "ssrd", &s), TW_OK);
  assert_string_equal(u->units, "m s-1");
  assert_string_equal(s->units, "W m-2");
  assert_true(s->accumulated);
  assert_false(u->accumulated);
  size_t n = c->ntime * c->ncell;
  assert_rel(u->data[0], 6.24193, 1e-4);
  double ws = 0;
  for (size_t i = 0; i < n; i++) ws += sqrt((double)u->data[i] * u->data[i] + (double)v->data[i] * v->data[i]);
  assert_rel(ws / (double)n, 6.0807, 1e-4);
  assert_rel(mean_of(s, n), 118.497, 1e-4);
  assert_rel(mean_of(t, n), 283.333, 1e-4);
  assert_int_equal(u->n_missing + v->n_missing + t->n_missing + s->n_missing, 0);
  tw_climate_destroy(&c);
  assert_null(c);
}

/* WAM2layers: one variable per file, read as one dataset. */
static void test_wam2layers_multifile(void **state) {
  (void)state;
  const char *paths[] = {tw_test_ref("era5/ERA5_2020-01-01_sp.nc"), tw_test_ref("era5/ERA5_2020-01-01_v10.nc"),
                         tw_test_ref("era5/ERA5_2020-01-01_u10.nc")};
  tw_ingest_params p;
  tw_ingest_params_default(&p);
  p.paths = paths;
  p.npaths = 3;
  tw_climate *c = NULL;
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_int_equal(c->ntime, 24);
  assert_int_equal(c->nlat, 41);
  assert_int_equal(c->nlon, 41);
  assert_int_equal(c->nvar, 3);
  assert_true(c->lat_deg[0] > c->lat_deg[40]);
  const tw_climate_var *sp = tw_climate_find(c, "sp"), *u = tw_climate_find(c, "u10");
  assert_non_null(sp);
  assert_non_null(u);
  assert_non_null(tw_climate_find(c, "v10"));
  assert_string_equal(sp->units, "Pa");
  /* plausible: surface pressure 50..110 kPa, wind |u| < 60 m/s */
  for (size_t i = 0; i < c->ntime * c->ncell; i++) {
    assert_true(sp->data[i] > 50000 && sp->data[i] < 110000);
    assert_true(fabs(u->data[i]) < 60);
  }
  char buf[32];
  assert_string_equal(tw_time_format(c->calendar, c->time[23], buf, sizeof buf), "2020-01-01T23:00:00");
  tw_climate_destroy(&c);

  /* bounding-box selection before reading: a 5x3 window */
  double lat_top = 0, lon_left = 0;
  {
    tw_ingest_params q = p;
    assert_int_equal(tw_climate_read(&q, &c), TW_OK);
    lat_top = c->lat_deg[0];
    lon_left = c->lon_deg[0];
    tw_climate_destroy(&c);
  }
  p.has_bbox = 1;
  p.lat_max_deg = lat_top - 0.25 * 2 + 1e-6;
  p.lat_min_deg = lat_top - 0.25 * 6 - 1e-6;
  p.lon_min_deg = lon_left + 0.25 * 3 - 1e-6;
  p.lon_max_deg = lon_left + 0.25 * 5 + 1e-6;
  assert_int_equal(tw_climate_read(&p, &c), TW_OK);
  assert_int_equal(c->nlat, 5);
  assert_int_equal(c->nlon, 3);
  assert_rel(c->lat_deg[0], lat_top - 0.5, 1e-6);
  assert_rel(c->lon_deg[0], lon_left + 0.75, 1e-6);
  tw_climate_destroy(&c);
}

/* CanESM2 noleap, 1950..2100 daily: every time is the right date. */
static void test_canesm2_noleap(void **state) {
  (void)state;
  const char *vars[] = {"tasmax"};
  tw_climate *c = read_one(tw_test_ref("cmip/CanESM2_1950-2100_noleap.nc"), vars, 1);
  assert_int_equal(c->calendar, TW_CAL_NOLEAP);
  assert_true(c->is_station);
  assert_int_equal(c->ncell, 3);
  assert_int_equal(c->ntime, 55115); /* 151 years x 365 days */
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y = 1950, m = 1, d = 1;
  for (size_t i = 0; i < c->ntime; i++) {
    tw_datetime dt;
    tw_time_to_datetime(c->calendar, c->time[i], &dt);
    if (dt.year != y || dt.month != m || dt.day != d || dt.hour != 0) {
      fprintf(stderr, "index %zu: %04d-%02d-%02d, expected %04d-%02d-%02d\n", i, dt.year, dt.month, dt.day, y, m, d);
      fail();
    }
    assert_false(dt.month == 2 && dt.day == 29);
    if (++d > mdays[m - 1]) {
      d = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
  }
  assert_int_equal(y, 2101);
  const tw_climate_var *t = tw_climate_find(c, "tasmax");
  assert_rel(t->data[0], 278.1502, 1e-6);
  assert_rel(c->lat_deg[1], 67.8, 1e-9);
  assert_rel(c->lon_deg[2], -78.2, 1e-9);
  assert_rel(mean_of(t, c->ntime * c->ncell), 287.633447, 1e-5); /* ncdump, awk */
  tw_climate_destroy(&c);
}

/* cancities: (location, time) order, float with NaN _FillValue. */
static void test_cancities_nan_fill(void **state) {
  (void)state;
  const char *vars[] = {"tas", "rsds", "sfcWind", "uas", "vas"};
  tw_climate *c = read_one(tw_test_ref("cmip/ERA5_daily_surface_cancities_1990-1993.nc"), vars, 5);
  assert_true(c->is_station);
  assert_int_equal(c->ncell, 5);
  assert_int_equal(c->ntime, 1461);
  assert_int_equal(c->calendar, TW_CAL_PROLEPTIC_GREGORIAN);
  assert_rel(c->step_s, 86400.0, 0);
  const tw_climate_var *tas = tw_climate_find(c, "tas"), *rsds = tw_climate_find(c, "rsds"),
                       *ws = tw_climate_find(c, "sfcWind");
  assert_non_null(tw_climate_find(c, "uas"));
  assert_non_null(tw_climate_find(c, "vas"));
  /* file order is tas(location, time): first day of Halifax, second day of Halifax */
  assert_rel(tas->data[0], 277.5557, 1e-6);
  assert_rel(tas->data[5], 270.5756, 1e-6);
  assert_int_equal(tas->n_missing, 0);
  size_t n = c->ntime * c->ncell;
  assert_rel(mean_of(tas, n), 276.334456, 1e-5);
  assert_rel(mean_of(rsds, n), 144.049699, 1e-5);
  assert_rel(mean_of(ws, n), 4.354653, 1e-5);
  assert_string_equal(rsds->units, "W m-2");
  assert_false(rsds->accumulated);
  tw_climate_destroy(&c);
}

int main(void) {
  tw_test_reference_dir();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_era5_example),
      cmocka_unit_test(test_wam2layers_multifile),
      cmocka_unit_test(test_canesm2_noleap),
      cmocka_unit_test(test_cancities_nan_fill),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
