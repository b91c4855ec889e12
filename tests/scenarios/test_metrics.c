/* Unit tests: resilience and drought metrics on small series whose answers
 * are derived by hand, quantiles, moving means, land/water factors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "terrawatt/metrics.h"

static void test_droughts_synthetic(void **state) {
  (void)state;
  /* 0..9 high; 10..69 (60 h) low; 70..79 high; 80..119 (40 h: too short)
   * low; 120..129 high; 130..199 (70 h) low to the end. */
  enum { T = 200 };
  double cf[T], w[T];
  unsigned char flags[T];
  for (size_t t = 0; t < T; t++) {
    w[t] = 1.0;
    cf[t] = (t >= 10 && t < 70) || (t >= 80 && t < 120) || t >= 130 ? 0.05 : 0.4;
  }
  cf[40] = 0.0999; /* still below 0.1 */
  tw_drought_run runs[4];
  size_t n = 0;
  double longest = 0, total = 0;
  tw_droughts_find(cf, w, T, 0.1, 48, runs, 4, &n, &longest, &total, flags);
  assert_int_equal(n, 2);
  assert_int_equal(runs[0].t0, 10);
  assert_int_equal(runs[0].t1, 70);
  assert_int_equal(runs[1].t0, 130);
  assert_int_equal(runs[1].t1, 200);
  assert_true(longest == 70.0);
  assert_true(total == 130.0);
  assert_int_equal(flags[9], 0);
  assert_int_equal(flags[10], 1);
  assert_int_equal(flags[100], 0); /* the 40 h run is not a drought */
  /* Exactly at the threshold is not below it; 2-hour snapshots double the hours. */
  for (size_t t = 0; t < T; t++) w[t] = 2.0;
  tw_droughts_find(cf, w, T, 0.1, 48, NULL, 0, &n, &longest, &total, NULL);
  assert_int_equal(n, 3); /* the 40-snapshot run is 80 h now */
  assert_true(longest == 140.0);
}

static void test_loss_of_load_forced_shortfall(void **state) {
  (void)state;
  /* A 100 MW load served by a 60 MW plant over hours 2..4, else 120 MW:
   * shortfall 40 MW for 3 h -> 120 MWh, 3 LOL hours, max 40 MW. */
  double shortfall[8] = {0, 0, 40, 40, 40, 0, 0, 0}, w[8];
  for (int t = 0; t < 8; t++) w[t] = 1.0;
  double e = 0, h = 0, mx = 0;
  tw_loss_of_load(shortfall, w, 8, 1e-6, &e, &h, &mx);
  assert_true(e == 120.0);
  assert_true(h == 3.0);
  assert_true(mx == 40.0);
  /* Outage ends at snapshot 3: shed continues at 3 and 4, clears at 5 -> 2 h. */
  assert_true(tw_recovery_hours(shortfall, w, 8, 3, 1e-6) == 2.0);
  assert_true(tw_recovery_hours(shortfall, w, 8, 5, 1e-6) == 0.0);
  double never[4] = {5, 5, 5, 5};
  assert_true(tw_recovery_hours(never, w, 4, 1, 1e-6) == 3.0); /* to the end of the horizon */
}

static void test_quantile(void **state) {
  (void)state;
  double v[] = {4, 1, 3, 2};
  assert_true(tw_quantile(v, 4, 0.5) == 2.5);
  double v2[] = {10, 20, 30};
  assert_true(fabs(tw_quantile(v2, 3, 0.9) - 28.0) < 1e-12); /* 20 + 0.8 * 10 */
  double v3[] = {NAN, 7, NAN};
  assert_true(tw_quantile(v3, 3, 0.1) == 7.0);
  double v4[] = {NAN};
  assert_true(isnan(tw_quantile(v4, 1, 0.5)));
}

static void test_moving_mean(void **state) {
  (void)state;
  double x[6] = {0, 6, 0, 6, 0, 6}, m[6];
  tw_moving_mean(x, 6, 2, m); /* window [t-1, t+1) */
  assert_true(m[0] == 0.0);
  assert_true(m[1] == 3.0);
  assert_true(m[5] == 3.0);
  tw_moving_mean(x, 6, 1, m);
  assert_true(m[3] == 6.0);
}

static void test_factors(void **state) {
  (void)state;
  tw_factor user[] = {{"wind", 0.003}, {"biomass", 1.5}};
  tw_metrics_params p;
  memset(&p, 0, sizeof p);
  assert_true(tw_land_factor(&p, "solar rooftop") == 0.0);
  assert_true(tw_land_factor(&p, "wind") == 0.34);
  assert_true(tw_land_factor(&p, "unobtainium") < 0);
  p.land_km2_per_MW = user;
  p.n_land = 2;
  assert_true(tw_land_factor(&p, "wind") == 0.003);
  assert_true(tw_land_factor(&p, "biomass") == 1.5);
  assert_true(fabs(tw_water_factor(&p, "gas") - 255 * 0.003785411784) < 1e-3);
  assert_int_equal(tw_carrier_is_renewable("solar rooftop"), 1);
  assert_int_equal(tw_carrier_is_renewable("gas"), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_droughts_synthetic),
      cmocka_unit_test(test_loss_of_load_forced_shortfall),
      cmocka_unit_test(test_quantile),
      cmocka_unit_test(test_moving_mean),
      cmocka_unit_test(test_factors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
