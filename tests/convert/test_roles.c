/* Unit tests: coarse steps to hourly values (mean preservation of the
 * clear-sky and diurnal profiles, interpolation of instantaneous values,
 * intervals from cell_methods and labels, refusals), timing from
 * cell_methods, the role plan's refusals, and the month-day-hour alignment
 * rules of every calendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/run_internal.h"
#include "terrawatt/climate_roles.h"
#include "terrawatt/convert.h"

#define DAY 86400
#define NEAR(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (double)(tol))

/* A climate of ncell cells at the given coordinates (stations), times
 * t0 + i * step, and variables named in `names` with cell_methods `cm`
 * (NULL: none); values from fn(var, time index, cell). */
static tw_climate *make(size_t nt, tw_time_s t0, double step, size_t nc, const double *lat,
                        const double *lon, size_t nv, const char *const *names,
                        const char *const *cm, float (*fn)(size_t, size_t, size_t)) {
  tw_climate *c = calloc(1, sizeof *c);
  c->calendar = TW_CAL_PROLEPTIC_GREGORIAN;
  c->ntime = c->ntime_total = nt;
  c->time = calloc(nt, sizeof *c->time);
  for (size_t i = 0; i < nt; i++) c->time[i] = t0 + (tw_time_s)((double)i * step);
  c->step_s = step;
  c->is_station = 1;
  c->nlat = c->ncell = c->nlat_total = nc;
  c->nlon = 1;
  c->lat_deg = calloc(nc, sizeof(double));
  c->lon_deg = calloc(nc, sizeof(double));
  memcpy(c->lat_deg, lat, nc * sizeof(double));
  memcpy(c->lon_deg, lon, nc * sizeof(double));
  c->source = strdup("fixture.nc");
  c->nvar = nv;
  c->vars = calloc(nv, sizeof *c->vars);
  for (size_t v = 0; v < nv; v++) {
    tw_climate_var *x = &c->vars[v];
    x->name = strdup(names[v]);
    x->source_name = strdup(names[v]);
    x->units = strdup("1");
    x->cell_methods = cm && cm[v] ? strdup(cm[v]) : NULL;
    x->time_varying = 1;
    x->data = calloc(nt * nc, sizeof(float));
    for (size_t t = 0; t < nt; t++)
      for (size_t i = 0; i < nc; i++) x->data[t * nc + i] = fn(v, t, i);
  }
  return c;
}

static const tw_climate_var *var(const tw_climate *c, const char *n) {
  const tw_climate_var *v = tw_climate_find(c, n);
  assert_non_null(v);
  return v;
}

/* ssrd, t2m, tasmax, tasmin, sfcWind: daily means (and extremes) for 3 days */
static float daily_values(size_t v, size_t t, size_t i) {
  static const float ssrd[3] = {180.0f, 90.0f, 240.0f};
  switch (v) {
  case 0: return ssrd[t] * (i ? 1.5f : 1.0f);
  case 1: return 280.0f + (float)t + (float)i;
  case 2: return 286.0f + (float)t;
  case 3: return 276.0f + (float)t;
  default: return 5.0f + (float)t;
  }
}

static void test_daily_means_preserved(void **state) {
  (void)state;
  const double lat[2] = {52.0, 10.0}, lon[2] = {9.0, -60.0};
  const char *names[5] = {"ssrd", "t2m", "tasmax", "tasmin", "sfcWind"};
  const char *cm[5] = {"time: mean", "area: mean time: mean", "time: maximum", "time: minimum",
                       "time: mean (interval: 1 hour)"};
  /* 2019-06-01..03 labelled at 12:00 (CMIP style) */
  tw_time_s t0 = (tw_time_s)1559347200 + 12 * 3600;
  tw_climate *c = make(3, t0, DAY, 2, lat, lon, 5, names, cm, daily_values);
  int changed = 0;
  assert_int_equal(tw_climate_to_hourly(c, "cmip6", &changed), TW_OK);
  assert_int_equal(changed, 1);
  assert_int_equal(c->ntime, 72); /* hours ending 01:00 on day 1 .. 00:00 after day 3 */
  assert_int_equal(c->time[0], (tw_time_s)1559347200 + 3600);
  assert_true(c->step_s == 3600.0);
  const tw_climate_var *g = var(c, "ssrd"), *t = var(c, "t2m"), *w = var(c, "sfcWind");
  assert_int_equal(g->accumulated, 1); /* means over the hour ending at the label */
  for (size_t d = 0; d < 3; d++)
    for (size_t i = 0; i < 2; i++) {
      double sg = 0, st = 0, lo = 1e9, hi = -1e9;
      for (size_t h = 0; h < 24; h++) {
        size_t k = (d * 24 + h) * 2 + i;
        sg += g->data[k];
        st += t->data[k];
        if (t->data[k] < lo) lo = t->data[k];
        if (t->data[k] > hi) hi = t->data[k];
        assert_true(g->data[k] >= 0.0f);
        NEAR(w->data[k], 5.0 + (double)d, 1e-6); /* constant */
      }
      NEAR(sg / 24.0, daily_values(0, d, i), 1e-3 * daily_values(0, d, i));
      NEAR(st / 24.0, daily_values(1, d, i), 1e-3);
      /* the cosine cycle spans tasmax - tasmin (sampled hourly: within 2%) */
      NEAR(hi - lo, 10.0, 0.2);
    }
  /* the clear-sky shape: night at 9 E at 00 UTC, the day's peak near 12 UTC - 36 min */
  NEAR(g->data[(23) * 2 + 0], 0.0, 1e-6);   /* hour ending 24:00 of day 1 */
  size_t peak = 0;
  for (size_t h = 0; h < 24; h++)
    if (g->data[h * 2] > g->data[peak * 2]) peak = h;
  assert_true(peak == 11 || peak == 12); /* hours ending 12:00 or 13:00 (centres 11:30, 12:30) */
  /* the temperature peak at 15:00 local solar time: 14:24 UTC at 9 E */
  size_t tpeak = 0;
  for (size_t h = 0; h < 24; h++)
    if (t->data[h * 2] > t->data[tpeak * 2]) tpeak = h;
  assert_true(tpeak == 14 || tpeak == 13);
  tw_climate_destroy(&c);
}

static float index_values(size_t v, size_t t, size_t i) {
  (void)v;
  (void)i;
  return (float)(6 * t); /* the hour of the 6-hourly label */
}

static void test_instantaneous_interpolated(void **state) {
  (void)state;
  const double lat[1] = {50.0}, lon[1] = {0.0};
  const char *names[1] = {"u100"};
  const char *cm[1] = {"time: point"};
  tw_climate *c = make(5, 0, 6 * 3600.0, 1, lat, lon, 1, names, cm, index_values);
  int changed = 0;
  assert_int_equal(tw_climate_to_hourly(c, NULL, &changed), TW_OK);
  assert_int_equal(c->ntime, 25); /* 00:00 .. 24:00 */
  for (size_t h = 0; h < 25; h++) {
    assert_int_equal(c->time[h], (tw_time_s)(h * 3600));
    NEAR(c->vars[0].data[h], (double)h, 1e-5);
  }
  assert_int_equal(c->vars[0].accumulated, 0);
  tw_climate_destroy(&c);
}

static void test_three_hourly_centred(void **state) {
  (void)state;
  const double lat[1] = {50.0}, lon[1] = {0.0};
  const char *names[1] = {"sfcWind"};
  const char *cm[1] = {"time: mean"};
  /* CMIP 3hr means labelled at the interval middle: 01:30, 04:30 */
  tw_climate *c = make(2, 5400, 3 * 3600.0, 1, lat, lon, 1, names, cm, index_values);
  int changed = 0;
  assert_int_equal(tw_climate_to_hourly(c, NULL, &changed), TW_OK);
  assert_int_equal(c->ntime, 6);
  assert_int_equal(c->time[0], 3600); /* the hour 00:00-01:00 */
  NEAR(c->vars[0].data[2], 0.0, 1e-6);
  NEAR(c->vars[0].data[3], 6.0, 1e-6);
  tw_climate_destroy(&c);
}

static void test_refusals(void **state) {
  (void)state;
  const double lat[1] = {50.0}, lon[1] = {0.0};
  const char *names[1] = {"t2m"};
  const char *cm[1] = {"time: maximum within days"};
  tw_climate *c = make(3, 0, DAY, 1, lat, lon, 1, names, cm, index_values);
  int changed = 0;
  assert_int_equal(tw_climate_to_hourly(c, NULL, &changed), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "no sound method brings extremes"));
  tw_error_clear();
  tw_climate_destroy(&c);
  /* timing from cell_methods, accumulation and the step */
  const char *cm2[1] = {NULL};
  c = make(3, 0, 3600.0 * 6, 1, lat, lon, 1, names, cm2, index_values);
  assert_int_equal(tw_climate_var_timing(c, &c->vars[0], NULL), TW_TIMING_POINT);
  c->step_s = DAY;
  assert_int_equal(tw_climate_var_timing(c, &c->vars[0], NULL), TW_TIMING_MEAN);
  c->vars[0].cell_methods = strdup("area: mean time: point");
  assert_int_equal(tw_climate_var_timing(c, &c->vars[0], NULL), TW_TIMING_POINT);
  tw_climate_destroy(&c);
  /* the plan: steps and degree-hours */
  tw_ingest_shape s;
  memset(&s, 0, sizeof s);
  s.ntime = 10;
  s.nvars = 1;
  strcpy(s.vars[0], "tas");
  strcpy(s.sources[0], "tas");
  tw_climate_request rq;
  memset(&rq, 0, sizeof rq);
  rq.degree_hours = 1;
  const char *want[16];
  size_t n = 0;
  s.step_s = DAY;
  assert_int_equal(tw_climate_plan(&s, &rq, "f.nc", want, &n), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "degree-hours need hourly temperatures"));
  s.step_s = 3600;
  assert_int_equal(tw_climate_plan(&s, &rq, "f.nc", want, &n), TW_OK);
  assert_int_equal(n, 1);
  assert_string_equal(want[0], "tas");
  s.step_s = 1800;
  assert_int_equal(tw_climate_plan(&s, &rq, "f.nc", want, &n), TW_ERR_INPUT);
  s.step_s = 3600;
  rq.solar = 1;
  assert_int_equal(tw_climate_plan(&s, &rq, "f.nc", want, &n), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "no variable fills the role 'ghi'"));
  rq.preset = "era5"; /* tas is not an ERA5 name */
  rq.solar = 0;
  assert_int_equal(tw_climate_plan(&s, &rq, "f.nc", want, &n), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "role 'temperature' under preset 'era5'"));
  tw_error_clear();
  assert_string_equal(tw_role_of_canonical("rsds"), "ghi");
  assert_string_equal(tw_role_of_canonical("wnd100m"), "wind_speed_100m");
  assert_null(tw_role_of_canonical("pr"));
}

static tw_datetime dt(int y, int m, int d, int h) {
  tw_datetime x;
  memset(&x, 0, sizeof x);
  x.year = y;
  x.month = m;
  x.day = d;
  x.hour = h;
  return x;
}

static void expect_mapped(tw_datetime snap, int y0, int my, tw_calendar cal, tw_datetime want) {
  tw_time_s got = 0, expected = 0;
  assert_int_equal(tw_align_month_day_hour(&snap, y0, my, cal, &got), TW_OK);
  assert_int_equal(tw_time_from_datetime(cal, &want, &expected), TW_OK);
  assert_int_equal(got, expected);
}

static void test_align_calendars(void **state) {
  (void)state;
  /* noleap: 29 February -> 28 February */
  expect_mapped(dt(2020, 2, 29, 12), 2020, 2050, TW_CAL_NOLEAP, dt(2050, 2, 28, 12));
  expect_mapped(dt(2020, 3, 1, 0), 2020, 2050, TW_CAL_NOLEAP, dt(2050, 3, 1, 0));
  /* 360_day: day 31 -> day 30; 29 February exists */
  expect_mapped(dt(2019, 3, 31, 6), 2019, 1990, TW_CAL_360_DAY, dt(1990, 3, 30, 6));
  expect_mapped(dt(2020, 2, 29, 6), 2020, 1990, TW_CAL_360_DAY, dt(1990, 2, 29, 6));
  /* real calendars: 29 February to a non-leap year -> 28 February; to a leap year kept */
  expect_mapped(dt(2020, 2, 29, 23), 2020, 1991, TW_CAL_PROLEPTIC_GREGORIAN, dt(1991, 2, 28, 23));
  expect_mapped(dt(2020, 2, 29, 23), 2020, 1992, TW_CAL_STANDARD, dt(1992, 2, 29, 23));
  /* all_leap: every year has 29 February */
  expect_mapped(dt(2020, 2, 29, 1), 2020, 1993, TW_CAL_ALL_LEAP, dt(1993, 2, 29, 1));
  /* a network spanning the new year: the member's next year */
  expect_mapped(dt(2020, 1, 1, 0), 2019, 1990, TW_CAL_NOLEAP, dt(1991, 1, 1, 0));
}

static float ones(size_t v, size_t t, size_t i) {
  (void)v;
  (void)t;
  return i == 3 ? NAN : 1.0f; /* cell 3 has no data */
}

static double hav_km(double la1, double lo1, double la2, double lo2) {
  double r = 3.14159265358979323846 / 180.0, a = sin((la2 - la1) * r / 2), b = sin((lo2 - lo1) * r / 2);
  return 2 * 6371.0 * asin(sqrt(a * a + cos(la1 * r) * cos(la2 * r) * b * b));
}

static void test_inverse_distance_layout(void **state) {
  (void)state;
  const double lat[6] = {52, 53, 52, 52.5, 54, 50}, lon[6] = {9, 9, 10, 9.5, 12, 5};
  const char *names[1] = {"x"};
  tw_climate *c = make(2, 0, 3600, 6, lat, lon, 1, names, NULL, ones);
  const char *buses[2] = {"a", "b"};
  const double bx[2] = {9.4, 10.0}, by[2] = {52.4, 52.0};
  tw_layout *l = NULL;
  assert_int_equal(tw_layout_inverse_distance(c, 2, buses, bx, by, &l), TW_OK);
  /* bus a: the 4 nearest cells with data, weights 1/d^2 (computed here independently) */
  double d[6], w[6] = {0}, sum = 0;
  size_t order[6] = {0, 1, 2, 3, 4, 5};
  for (int i = 0; i < 6; i++) d[i] = i == 3 ? INFINITY : hav_km(by[0], bx[0], lat[i], lon[i]);
  for (int i = 0; i < 6; i++) /* selection sort by distance */
    for (int j = i + 1; j < 6; j++)
      if (d[order[j]] < d[order[i]]) {
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
  for (int k = 0; k < 4; k++) sum += 1 / (d[order[k]] * d[order[k]]);
  for (int k = 0; k < 4; k++) w[order[k]] = 1 / (d[order[k]] * d[order[k]]) / sum;
  assert_int_equal(l->row_ptr[1], 4);
  double total = 0;
  for (int r = 0; r < 4; r++) {
    NEAR(l->val[r], w[l->col[r]], 1e-6);
    assert_true(l->col[r] != 3);
    total += l->val[r];
  }
  NEAR(total, 1.0, 1e-6);
  /* bus b sits on cell 2: that cell alone */
  assert_int_equal(l->row_ptr[2] - l->row_ptr[1], 1);
  assert_int_equal(l->col[4], 2);
  NEAR(l->val[4], 1.0, 0);
  tw_layout_destroy(&l);
  tw_climate_destroy(&c);
}

/* reference: u100 = 5 + 3 cos(2 pi (h - 14) / 24), v100 = 0, t2m = 280 + 4 cos(...) */
static float ref_values(size_t v, size_t t, size_t i) {
  (void)i;
  double c = cos(2 * 3.14159265358979323846 * ((double)(t % 24) - 14.0) / 24.0);
  return v == 0 ? (float)(5 + 3 * c) : v == 1 ? 0.0f : (float)(280 + 4 * c);
}

static float member_daily(size_t v, size_t t, size_t i) {
  (void)i;
  return v == 0 ? 8.0f + (float)t : v == 1 ? 0.0f : 275.0f; /* u100, v100, t2m daily means */
}

static void test_diurnal_climatology(void **state) {
  (void)state;
  const double lat[1] = {52.0}, lon[1] = {9.0};
  const char *names[3] = {"u100", "v100", "t2m"};
  /* 3 days of hourly reference in June 2019 */
  tw_climate *ref = make(72, (tw_time_s)1559347200, 3600, 1, lat, lon, 3, names, NULL, ref_values);
  tw_diurnal *d = NULL;
  assert_int_equal(tw_diurnal_from_reference(ref, &d), TW_OK);
  NEAR(d->wind[5 * 24 + 14], 8.0 / 5.0, 1e-5); /* June, 14 UTC: (5 + 3) / 5 */
  NEAR(d->temp[5 * 24 + 2], -4.0, 1e-4);       /* June, 02 UTC: -4 K */
  /* a daily member of 2 days in June, labelled at 00:00 */
  const char *cm[3] = {"time: mean", "time: mean", "time: mean"};
  tw_climate *c = make(2, (tw_time_s)1559347200 + 5 * DAY, DAY, 1, lat, lon, 3, names, cm,
                       member_daily);
  int changed = 0;
  assert_int_equal(tw_climate_to_hourly_diurnal(c, NULL, d, &changed), TW_OK);
  assert_int_equal(c->ntime, 48);
  for (size_t day = 0; day < 2; day++) {
    double su = 0, st = 0;
    for (size_t h = 0; h < 24; h++) {
      size_t k = day * 24 + h; /* the hour ending at h + 1: its middle is h:30, UTC hour h */
      su += c->vars[0].data[k];
      st += c->vars[2].data[k];
      NEAR(c->vars[0].data[k], (8.0 + (double)day) * d->wind[5 * 24 + h], 1e-4);
      NEAR(c->vars[2].data[k], 275.0 + d->temp[5 * 24 + h], 1e-4);
    }
    NEAR(su / 24, 8.0 + (double)day, 1e-4); /* the daily means are kept */
    NEAR(st / 24, 275.0, 1e-4);
  }
  tw_diurnal_destroy(&d);
  tw_climate_destroy(&c);
  /* a daily reference is refused */
  tw_climate *daily = make(3, 0, DAY, 1, lat, lon, 3, names, NULL, ref_values);
  assert_int_equal(tw_diurnal_from_reference(daily, &d), TW_ERR_INPUT);
  tw_error_clear();
  tw_climate_destroy(&daily);
  tw_climate_destroy(&ref);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_daily_means_preserved),
      cmocka_unit_test(test_instantaneous_interpolated),
      cmocka_unit_test(test_three_hourly_centred),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_align_calendars),
      cmocka_unit_test(test_inverse_distance_layout),
      cmocka_unit_test(test_diurnal_climatology),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
