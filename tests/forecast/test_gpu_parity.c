/* Parity of the forecast kernels (bias + activation, activation backward,
 * AdamW, output head) and of a whole MLP gradient between the CUDA and CPU
 * backends. Exits 77 (skip) without a GPU.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "terrawatt/mlp.h"

enum { ROWS = 37, COLS = 300, N = ROWS * COLS };

static tw_backend *g_cpu, *g_gpu;
/* inputs (z, g, bias) and scratch results (r1..r4); the generator goes on
 * to the MLP's inputs */
static float *z, *g, *bias, *r1, *r2, *r3, *r4;
static tw_rng rng;

/* Prints the worst relative difference and fails the test above tol. */
static void compare(const char *what, const float *a, const float *b, size_t n, float tol) {
  float worst = 0.0f;
  for (size_t i = 0; i < n; i++) {
    float d = fabsf(a[i] - b[i]) / (1.0f + fabsf(a[i]));
    if (!(d <= worst)) worst = d;
  }
  printf("%-28s max relative difference %.3g\n", what, (double)worst);
  if (!(worst <= tol))
    fail_msg("%s differs by %g (tolerance %g)", what, (double)worst, (double)tol);
}

static float *dev(tw_backend *be, const float *host, size_t n) {
  void *p = NULL;
  if (tw_backend_alloc(be, n * sizeof(float), &p) != TW_OK) return NULL;
  if (host && tw_backend_upload(be, p, host, n * sizeof(float)) != TW_OK) return NULL;
  return p;
}

static void get(tw_backend *be, float *host, const float *d, size_t n) {
  if (tw_backend_download(be, host, d, n * sizeof(float)) != TW_OK ||
      tw_backend_synchronize(be)!= TW_OK)
    fail_msg("download failed: %s", tw_last_error());
}

/* bias + activation, activation backward and the fused epilogues for one
 * activation (the state) */
static void activation_kernels(void **state) {
  tw_activation act = *(const tw_activation *)*state;
  tw_backend *bes[2] = {g_cpu, g_gpu};
  float *outz[2] = {r1, r3}, *outa[2] = {r2, r4};
  for (int b = 0; b < 2; b++) {
    float *dz = dev(bes[b], z, N), *da = dev(bes[b], NULL, N), *db = dev(bes[b], bias, ROWS);
    tw_backend_bias_activation(bes[b], act, ROWS, COLS, db, dz, da);
    get(bes[b], outz[b], dz, N);
    get(bes[b], outa[b], da, N);
    tw_backend_free(bes[b], dz);
    tw_backend_free(bes[b], da);
    tw_backend_free(bes[b], db);
  }
  compare("bias_activation z", r1, r3, N, 1e-6f);
  compare("bias_activation a", r2, r4, N, 1e-5f);
  for (int b = 0; b < 2; b++) {
    float *dz = dev(bes[b], z, N), *dg = dev(bes[b], g, N);
    tw_backend_activation_backward(bes[b], act, N, dz, dg);
    get(bes[b], outz[b], dg, N);
    tw_backend_free(bes[b], dz);
    tw_backend_free(bes[b], dg);
  }
  compare("activation_backward", r1, r3, N, 1e-5f);
  /* fused epilogues: forward (a and act' in z), backward (product and bias gradient) */
  float *outd[2] = {r1, r3}, *outg[2] = {r2, r4}, db_host[2][ROWS];
  for (int b = 0; b < 2; b++) {
    float *dz = dev(bes[b], z, N), *da = dev(bes[b], NULL, N), *dbias = dev(bes[b], bias, ROWS);
    float *dg = dev(bes[b], g, N), *ddb = dev(bes[b], NULL, ROWS);
    tw_backend_dense_forward(bes[b], act, ROWS, COLS, dbias, dz, da);
    tw_backend_dense_backward(bes[b], ROWS, COLS, dz, dg, ddb);
    get(bes[b], outd[b], da, N);
    get(bes[b], outg[b], dg, N);
    get(bes[b], db_host[b], ddb, ROWS);
    float *bufs[] = {dz, da, dbias, dg, ddb};
    for (int k = 0; k < 5; k++) tw_backend_free(bes[b], bufs[k]);
  }
  compare("dense_forward a", r1, r3, N, 1e-5f);
  compare("dense_backward grad", r2, r4, N, 1e-5f);
  compare("dense_backward bias grad", db_host[0], db_host[1], ROWS, 1e-4f);
}

static void adam_update(void **state) {
  (void)state;
  tw_backend *bes[2] = {g_cpu, g_gpu};
  float *outs[2] = {r1, r3};
  for (int b = 0; b < 2; b++) {
    /* v is uploaded below (it must be non-negative); allocate it empty */
    float *p = dev(bes[b], z, N), *gr = dev(bes[b], g, N), *m = dev(bes[b], g, N),
          *v = dev(bes[b], NULL, N);
    tw_adam_job job = {.n = N, .param = p, .grad = gr, .m = m, .v = v, .lr = 1e-2f,
                       .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f, .weight_decay = 1e-3f,
                       .bias_corr1 = 0.1f, .bias_corr2 = 0.001f};
    tw_backend_synchronize(bes[b]);
    /* v: squares of the gradient */
    for (int i = 0; i < N; i++) r2[i] = g[i] * g[i];
    tw_backend_upload(bes[b], v, r2, N * sizeof(float));
    tw_backend_adam_update(bes[b], &job);
    get(bes[b], outs[b], p, N);
    tw_backend_free(bes[b], p);
    tw_backend_free(bes[b], gr);
    tw_backend_free(bes[b], m);
    tw_backend_free(bes[b], v);
  }
  compare("adam_update", r1, r3, N, 1e-5f);
}

/* whole MLP gradient (sgemm + all kernels), quantile head */
static void mlp_gradient(void **state) {
  (void)state;
  tw_mlp_spec spec = {.n_inputs = 7, .n_hidden = 2, .hidden = {64, 32}, .activation = TW_ACT_GELU,
                      .quantile_count = 3, .quantiles = {0.1f, 0.5f, 0.9f}};
  tw_mlp *mc = NULL, *mg = NULL;
  if (tw_mlp_create(g_cpu, &spec, 256, &mc) != TW_OK ||
      tw_mlp_create(g_gpu, &spec, 256, &mg) != TW_OK || tw_mlp_init_params(mc, 5) != TW_OK ||
      tw_mlp_init_params(mg, 5) != TW_OK)
    fail_msg("mlp: %s", tw_last_error());
  size_t np = tw_mlp_param_count(mc);
  float *x = malloc(7 * 256 * sizeof *x), *y = malloc(256 * sizeof *y);
  float *gc = malloc(np * sizeof *gc), *gg = malloc(np * sizeof *gg);
  assert_true(x && y && gc && gg);
  for (int i = 0; i < 7 * 256; i++) x[i] = (float)tw_rng_normal(&rng);
  for (int i = 0; i < 256; i++) y[i] = (float)tw_rng_normal(&rng);
  double lc = 0, lg = 0;
  tw_mlp_gradient(mc, x, y, 256, 1.0f / 256.0f, &lc);
  tw_mlp_gradient(mg, x, y, 256, 1.0f / 256.0f, &lg);
  tw_mlp_get_gradient(mc, gc);
  tw_mlp_get_gradient(mg, gg);
  compare("mlp gradient", gc, gg, np, 1e-3f);
  float pc[3 * 256], pg[3 * 256];
  tw_mlp_predict(mc, x, 256, pc);
  tw_mlp_predict(mg, x, 256, pg);
  compare("mlp predictions", pc, pg, 3 * 256, 1e-4f);
  printf("loss cpu %.6f gpu %.6f\n", lc, lg);
  if (fabs(lc - lg) > 1e-3 * fabs(lc))
    fail_msg("loss cpu %.9g gpu %.9g differ by more than 1e-3 relative", lc, lg);
  free(x);
  free(y);
  free(gc);
  free(gg);
  tw_mlp_destroy(&mc);
  tw_mlp_destroy(&mg);
}

int main(void) {
  if (!tw_backend_cuda_compiled() || tw_backend_cuda_devices(NULL, 0) <= 0) {
    printf("SKIP: no CUDA backend or no GPU visible\n");
    return 77;
  }
  if (tw_backend_create(TW_BACKEND_CPU, &g_cpu) != TW_OK ||
      tw_backend_create(TW_BACKEND_CUDA, &g_gpu) != TW_OK) {
    fprintf(stderr, "backend: %s\n", tw_last_error());
    return 1;
  }
  z = malloc(N * sizeof *z), g = malloc(N * sizeof *g), bias = malloc(ROWS * sizeof *bias);
  r1 = malloc(N * sizeof *r1), r2 = malloc(N * sizeof *r2);
  r3 = malloc(N * sizeof *r3), r4 = malloc(N * sizeof *r4);
  if (!z || !g || !bias || !r1 || !r2 || !r3 || !r4) return 1;
  tw_rng_seed(&rng, 1);
  for (int i = 0; i < N; i++) z[i] = (float)(3.0 * tw_rng_normal(&rng));
  for (int i = 0; i < N; i++) g[i] = (float)tw_rng_normal(&rng);
  for (int i = 0; i < ROWS; i++) bias[i] = (float)tw_rng_normal(&rng);
  static tw_activation acts[] = {TW_ACT_RELU, TW_ACT_TANH, TW_ACT_GELU};
  const struct CMUnitTest tests[] = {
      {"activation_kernels relu", activation_kernels, NULL, NULL, &acts[0]},
      {"activation_kernels tanh", activation_kernels, NULL, NULL, &acts[1]},
      {"activation_kernels gelu", activation_kernels, NULL, NULL, &acts[2]},
      cmocka_unit_test(adam_update),
      cmocka_unit_test(mlp_gradient),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  free(z);
  free(g);
  free(bias);
  free(r1);
  free(r2);
  free(r3);
  free(r4);
  tw_backend_destroy(&g_cpu);
  tw_backend_destroy(&g_gpu);
  return failed ? 1 : 0;
}
