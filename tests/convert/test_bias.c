/* Unit tests: bias correction per cell and calendar month. A synthetic
 * reference (two cells, January-February 2019 hourly) and a model with a
 * nonlinear bias; after correction the monthly means of temperature, GHI
 * and wind speed equal the reference's (delta: to rounding; quantile
 * mapping: within 1 %), computed here independently with plain loops; the
 * quantile mapping of single values matches a direct evaluation of its
 * definition (sorted samples, numpy-style quantiles) and a hand case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/climate_bias.h"

#define NT (59 * 24) /* 1 January .. 28 February 2019 */
#define NC 2
#define TW_PI 3.14159265358979323846
#define NEAR(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (double)(tol))

static uint32_t rng = 12345;
static double uniform(void) { /* deterministic LCG in (0, 1) */
  rng = rng * 1664525u + 1013904223u;
  return ((rng >> 8) + 0.5) / 16777216.0;
}

static tw_climate *make(int model) {
  tw_climate *c = calloc(1, sizeof *c);
  const char *names[4] = {"t2m", "ssrd", "u100", "v100"};
  c->calendar = TW_CAL_STANDARD;
  c->ntime = NT;
  c->time = calloc(NT, sizeof *c->time);
  for (size_t t = 0; t < NT; t++) c->time[t] = (tw_time_s)1546300800 + (tw_time_s)t * 3600;
  c->step_s = 3600;
  c->is_station = 1;
  c->ncell = c->nlat = NC;
  c->nlon = 1;
  c->lat_deg = calloc(NC, sizeof(double));
  c->lon_deg = calloc(NC, sizeof(double));
  c->lat_deg[0] = 52, c->lon_deg[0] = 9, c->lat_deg[1] = 48, c->lon_deg[1] = 2;
  c->nvar = 4;
  c->vars = calloc(4, sizeof *c->vars);
  for (int v = 0; v < 4; v++) {
    c->vars[v].name = strdup(names[v]);
    c->vars[v].units = strdup("1");
    c->vars[v].time_varying = 1;
    c->vars[v].data = calloc(NT * NC, sizeof(float));
  }
  rng = 777; /* the same weather in model and reference, then the model's bias */
  for (size_t t = 0; t < NT; t++)
    for (size_t i = 0; i < NC; i++) {
      size_t k = t * NC + i;
      double hour = (double)(t % 24), month = t < 31 * 24 ? 0 : 1;
      double temp = 272 + 3 * month + 4 * sin(2 * TW_PI * (hour - 9) / 24) + 3 * (uniform() - 0.5);
      double sun = sin(TW_PI * (hour - 8) / 8);
      double ghi = hour >= 8 && hour <= 16 ? (250 + 80 * month) * sun * (0.3 + 0.7 * uniform()) : 0;
      double speed = 8 * pow(-log(uniform()), 0.5), dir = 2 * TW_PI * uniform();
      if (model) { /* nonlinear, month-dependent biases */
        temp = 0.8 * temp + 56 + month;
        ghi = 0.6 * ghi + 0.0004 * ghi * ghi;
        speed = 1.4 * pow(speed, 0.9);
      }
      c->vars[0].data[k] = (float)temp;
      c->vars[1].data[k] = (float)ghi;
      c->vars[2].data[k] = (float)(speed * cos(dir));
      c->vars[3].data[k] = (float)(speed * sin(dir));
    }
  return c;
}

/* Mean of variable v (0 t2m, 1 ssrd, 2 speed) at cell i over month m (0, 1). */
static double month_mean(const tw_climate *c, int v, size_t i, int m) {
  size_t t0 = m == 0 ? 0 : 31 * 24, t1 = m == 0 ? 31 * 24 : NT;
  double s = 0;
  for (size_t t = t0; t < t1; t++) {
    size_t k = t * NC + i;
    s += v == 2 ? hypot(c->vars[2].data[k], c->vars[3].data[k]) : c->vars[v].data[k];
  }
  return s / (double)(t1 - t0);
}

static void check_means(tw_bias_method method, double rel_tol) {
  tw_climate *ref = make(0), *mod = make(1), *c = make(1);
  /* before: biased by more than the tolerance */
  assert_true(fabs(month_mean(c, 2, 0, 0) / month_mean(ref, 2, 0, 0) - 1) > 0.05);
  assert_int_equal(tw_bias_correct(c, mod, ref, method), TW_OK);
  for (int v = 0; v < 3; v++)
    for (size_t i = 0; i < NC; i++)
      for (int m = 0; m < 2; m++) {
        double got = month_mean(c, v, i, m), want = month_mean(ref, v, i, m);
        assert_true(fabs(got / want - 1) <= rel_tol);
      }
  for (size_t k = 0; k < NT * NC; k++) assert_true(c->vars[1].data[k] >= 0.0f);
  tw_climate_destroy(&ref);
  tw_climate_destroy(&mod);
  tw_climate_destroy(&c);
}

static void test_delta_means(void **state) {
  (void)state;
  check_means(TW_BIAS_DELTA, 1e-5);
}

static void test_quantile_mapping_means(void **state) {
  (void)state;
  check_means(TW_BIAS_QM, 0.01);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* numpy.quantile (linear) of a sorted sample */
static double np_quantile(const double *s, size_t n, double q) {
  double h = (double)(n - 1) * q;
  size_t lo = (size_t)floor(h);
  return lo + 1 < n ? s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]) : s[n - 1];
}

static void test_qm_map_definition(void **state) {
  (void)state;
  /* hand case: the reference quantiles are twice the model's */
  double qm[5] = {0, 1, 2, 3, 4}, qr[5] = {0, 2, 4, 6, 8};
  NEAR(tw_qm_map(1.5, qm, qr, 5), 3.0, 1e-12);
  NEAR(tw_qm_map(4.5, qm, qr, 5), 8.5, 1e-12);   /* beyond the top: shifted by 8 - 4 */
  NEAR(tw_qm_map(-1.0, qm, qr, 5), -1.0, 1e-12); /* below the bottom: shifted by 0 */
  double flat[5] = {0, 0, 0, 2, 4};             /* a run of zeros (night): its middle, p = 1/4 */
  NEAR(tw_qm_map(0.0, flat, qr, 5), 2.0, 1e-12);
  /* random samples: the mapping of x equals the definition evaluated directly */
  enum { N = 500, K = 101 };
  double a[N], b[N], qa[K], qb[K];
  rng = 99;
  for (int i = 0; i < N; i++) a[i] = 10 * uniform(), b[i] = 3 + 20 * uniform() * uniform();
  qsort(a, N, sizeof *a, cmp);
  qsort(b, N, sizeof *b, cmp);
  for (int k = 0; k < K; k++) qa[k] = np_quantile(a, N, k / 100.0), qb[k] = np_quantile(b, N, k / 100.0);
  for (int j = 0; j < 50; j++) {
    double x = 0.2 + 9.6 * uniform();
    int k = 0;
    while (qa[k + 1] < x) k++;
    double p = k + (x - qa[k]) / (qa[k + 1] - qa[k]); /* 100 F_mod(x) */
    int lo = (int)floor(p);                            /* F_ref^-1 between its percentiles */
    NEAR(tw_qm_map(x, qa, qb, K), qb[lo] + (p - lo) * (qb[lo + 1] - qb[lo]), 1e-9);
    NEAR(tw_qm_map(x, qa, qb, K), np_quantile(b, N, p / 100.0), 0.25); /* ~ the exact one */
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_delta_means),
      cmocka_unit_test(test_quantile_mapping_means),
      cmocka_unit_test(test_qm_map_definition),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
