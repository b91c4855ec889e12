/* MLP unit tests: gradient against finite differences, learning a known
 * function, quantile coverage on heteroscedastic data, determinism.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/mlp.h"

static tw_backend *backend(void) {
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  return be;
}

static void gradcheck(tw_activation act, int quantiles) {
  tw_backend *be = backend();
  tw_mlp_spec spec = {.n_inputs = 3, .n_hidden = 2, .hidden = {5, 4}, .activation = act};
  if (quantiles) {
    spec.quantile_count = 3;
    spec.quantiles[0] = 0.1f;
    spec.quantiles[1] = 0.5f;
    spec.quantiles[2] = 0.9f;
  }
  tw_mlp *mlp = NULL;
  enum { N = 6 };
  assert_int_equal(tw_mlp_create(be, &spec, N, &mlp), TW_OK);
  assert_int_equal(tw_mlp_init_params(mlp, 7), TW_OK);
  size_t np = tw_mlp_param_count(mlp);
  assert_int_equal(np, 3 * 5 + 5 + 5 * 4 + 4 + 4 * (size_t)(quantiles ? 3 : 1) + (quantiles ? 3 : 1));
  float x[3 * N], y[N];
  tw_rng rng;
  tw_rng_seed(&rng, 3);
  for (int i = 0; i < 3 * N; i++) x[i] = (float)tw_rng_normal(&rng);
  /* targets far from the initial predictions: no pinball kink nearby */
  for (int j = 0; j < N; j++) y[j] = (j % 2 ? 4.0f : -4.0f) + (float)j * 0.1f;
  float *p = malloc(np * sizeof *p), *g = malloc(np * sizeof *g);
  assert_int_equal(tw_mlp_get_params(mlp, p), TW_OK);
  /* move biases off zero so ReLU units are not at their kink */
  for (size_t i = 0; i < np; i++) p[i] += 0.05f * (float)tw_rng_normal(&rng);
  assert_int_equal(tw_mlp_set_params(mlp, p), TW_OK);
  double loss = 0;
  assert_int_equal(tw_mlp_gradient(mlp, x, y, N, 1.0f, &loss), TW_OK);
  assert_int_equal(tw_mlp_get_gradient(mlp, g), TW_OK);
  double worst = 0;
  for (size_t i = 0; i < np; i++) {
    const float h = 1e-2f;
    float keep = p[i];
    double lp = 0, lm = 0;
    p[i] = keep + h;
    assert_int_equal(tw_mlp_set_params(mlp, p), TW_OK);
    assert_int_equal(tw_mlp_gradient(mlp, x, y, N, 1.0f, &lp), TW_OK);
    p[i] = keep - h;
    assert_int_equal(tw_mlp_set_params(mlp, p), TW_OK);
    assert_int_equal(tw_mlp_gradient(mlp, x, y, N, 1.0f, &lm), TW_OK);
    p[i] = keep;
    double fd = (lp - lm) / (2.0 * h);
    double err = fabs(fd - g[i]) / (1.0 + fabs(fd));
    if (err > worst) worst = err;
    if (err > 5e-3)
      fail_msg("act %d quantiles %d: param %zu analytic %g finite difference %g", (int)act,
               quantiles, i, (double)g[i], fd);
  }
  printf("gradcheck act=%d quantiles=%d params=%zu worst relative error %.2e\n", (int)act,
         quantiles, np, worst);
  free(p);
  free(g);
  tw_mlp_destroy(&mlp);
  tw_backend_destroy(&be);
}

static void test_gradcheck(void **state) {
  (void)state;
  for (int q = 0; q <= 1; q++) {
    gradcheck(TW_ACT_TANH, q);
    gradcheck(TW_ACT_GELU, q);
    gradcheck(TW_ACT_RELU, q);
  }
}

/* Plain mini-batch training loop for the unit tests. */
static void train(tw_mlp *mlp, const float *x, const float *y, int n, int nin, int epochs,
                  int batch, float lr, uint64_t seed) {
  tw_adam_settings adam;
  tw_adam_settings_default(&adam);
  adam.learning_rate = lr;
  size_t *idx = malloc((size_t)n * sizeof *idx);
  float *bx = malloc((size_t)batch * (size_t)nin * sizeof *bx), *by = malloc((size_t)batch * sizeof *by);
  tw_rng rng;
  tw_rng_seed(&rng, seed);
  for (int i = 0; i < n; i++) idx[i] = (size_t)i;
  for (int e = 0; e < epochs; e++) {
    tw_rng_shuffle(&rng, idx, (size_t)n);
    for (int s = 0; s + batch <= n; s += batch) {
      for (int j = 0; j < batch; j++) {
        memcpy(bx + (size_t)j * (size_t)nin, x + idx[s + j] * (size_t)nin, (size_t)nin * sizeof *bx);
        by[j] = y[idx[s + j]];
      }
      assert_int_equal(tw_mlp_gradient(mlp, bx, by, batch, 1.0f / (float)batch, NULL), TW_OK);
      assert_int_equal(tw_mlp_adam_step(mlp, &adam), TW_OK);
    }
  }
  free(idx);
  free(bx);
  free(by);
}

/* y = sin(2 x0) + 0.5 cos(3 x1) + N(0, 0.05^2): test RMSE within 10% of the
 * noise floor 0.05. */
static void test_learns_sine(void **state) {
  (void)state;
  tw_backend *be = backend();
  enum { NTRAIN = 4000, NTEST = 1000, NIN = 2 };
  const double sigma = 0.05;
  float *x = malloc((NTRAIN + NTEST) * NIN * sizeof *x), *y = malloc((NTRAIN + NTEST) * sizeof *y);
  float *truth = malloc((NTRAIN + NTEST) * sizeof *truth);
  tw_rng rng;
  tw_rng_seed(&rng, 11);
  for (int i = 0; i < NTRAIN + NTEST; i++) {
    double a = 2.0 * tw_rng_uniform(&rng) - 1.0, b = 2.0 * tw_rng_uniform(&rng) - 1.0;
    x[i * NIN] = (float)a;
    x[i * NIN + 1] = (float)b;
    truth[i] = (float)(sin(2.0 * a) + 0.5 * cos(3.0 * b));
    y[i] = truth[i] + (float)(sigma * tw_rng_normal(&rng));
  }
  tw_mlp_spec spec = {.n_inputs = NIN, .n_hidden = 2, .hidden = {32, 32}, .activation = TW_ACT_TANH};
  tw_mlp *mlp = NULL;
  assert_int_equal(tw_mlp_create(be, &spec, 64, &mlp), TW_OK);
  assert_int_equal(tw_mlp_init_params(mlp, 1), TW_OK);
  train(mlp, x, y, NTRAIN, NIN, 60, 32, 3e-3f, 5);
  float *pred = malloc(NTEST * sizeof *pred);
  assert_int_equal(tw_mlp_predict(mlp, x + NTRAIN * NIN, NTEST, pred), TW_OK);
  double se = 0, se_truth = 0;
  for (int i = 0; i < NTEST; i++) {
    se += pow(pred[i] - y[NTRAIN + i], 2);
    se_truth += pow(pred[i] - truth[NTRAIN + i], 2);
  }
  double rmse = sqrt(se / NTEST), rmse_truth = sqrt(se_truth / NTEST);
  printf("sine: test RMSE %.4f (noise floor %.3f), RMSE to the noiseless function %.4f\n", rmse,
         sigma, rmse_truth);
  assert_true(rmse < 1.10 * sigma);
  free(x);
  free(y);
  free(truth);
  free(pred);
  tw_mlp_destroy(&mlp);
  tw_backend_destroy(&be);
}

/* y = x + (0.1 + 0.4 |x|) N(0,1): P10/P50/P90 coverage on fresh data
 * within 5 points of nominal; quantiles never cross. */
static void test_quantile_coverage(void **state) {
  (void)state;
  tw_backend *be = backend();
  enum { NTRAIN = 6000, NTEST = 4000 };
  float *x = malloc((NTRAIN + NTEST) * sizeof *x), *y = malloc((NTRAIN + NTEST) * sizeof *y);
  tw_rng rng;
  tw_rng_seed(&rng, 21);
  for (int i = 0; i < NTRAIN + NTEST; i++) {
    double a = 4.0 * tw_rng_uniform(&rng) - 2.0;
    x[i] = (float)a;
    y[i] = (float)(a + (0.1 + 0.4 * fabs(a)) * tw_rng_normal(&rng));
  }
  tw_mlp_spec spec = {.n_inputs = 1, .n_hidden = 2, .hidden = {32, 32}, .activation = TW_ACT_GELU,
                      .quantile_count = 3, .quantiles = {0.1f, 0.5f, 0.9f}};
  tw_mlp *mlp = NULL;
  assert_int_equal(tw_mlp_create(be, &spec, 128, &mlp), TW_OK);
  assert_int_equal(tw_mlp_init_params(mlp, 2), TW_OK);
  train(mlp, x, y, NTRAIN, 1, 40, 64, 3e-3f, 9);
  float *pred = malloc(3 * NTEST * sizeof *pred);
  assert_int_equal(tw_mlp_predict(mlp, x + NTRAIN, NTEST, pred), TW_OK);
  int below[3] = {0, 0, 0}, inside = 0;
  for (int i = 0; i < NTEST; i++) {
    float t = y[NTRAIN + i];
    const float *q = pred + 3 * i;
    assert_true(q[0] <= q[1] && q[1] <= q[2]);
    for (int k = 0; k < 3; k++) below[k] += t <= q[k];
    inside += t >= q[0] && t <= q[2];
  }
  double cov = 100.0 * inside / NTEST;
  printf("quantiles: below P10 %.1f%%, P50 %.1f%%, P90 %.1f%%; P10-P90 coverage %.1f%% (80)\n",
         100.0 * below[0] / NTEST, 100.0 * below[1] / NTEST, 100.0 * below[2] / NTEST, cov);
  assert_true(fabs(cov - 80.0) <= 5.0);
  assert_true(fabs(100.0 * below[0] / NTEST - 10.0) <= 5.0);
  assert_true(fabs(100.0 * below[1] / NTEST - 50.0) <= 5.0);
  assert_true(fabs(100.0 * below[2] / NTEST - 90.0) <= 5.0);
  free(x);
  free(y);
  free(pred);
  tw_mlp_destroy(&mlp);
  tw_backend_destroy(&be);
}

static void test_spec_validation(void **state) {
  (void)state;
  tw_mlp_spec spec = {.n_inputs = 2, .n_hidden = 1, .hidden = {4}, .activation = TW_ACT_RELU,
                      .quantile_count = 2, .quantiles = {0.9f, 0.1f}};
  assert_int_equal(tw_mlp_spec_validate(&spec), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "ascending"));
  spec.quantiles[0] = 0.1f;
  spec.quantiles[1] = 1.0f;
  assert_int_equal(tw_mlp_spec_validate(&spec), TW_ERR_INPUT);
  spec.quantiles[1] = 0.9f;
  assert_int_equal(tw_mlp_spec_validate(&spec), TW_OK);
  spec.hidden[0] = 0;
  assert_int_equal(tw_mlp_spec_validate(&spec), TW_ERR_INPUT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spec_validation),
      cmocka_unit_test(test_gradcheck),
      cmocka_unit_test(test_learns_sine),
      cmocka_unit_test(test_quantile_coverage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
