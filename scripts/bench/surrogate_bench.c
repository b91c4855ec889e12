/* Surrogate (forecast MLP) benchmark: training and inference samples/s, and the
 * achieved GEMM throughput of training as a fraction of the sgemm
 * throughput measured in the same run with the same GEMM shapes.
 * usage: surrogate_bench [BATCH [HIDDEN [EPOCHS]]]; backend from TW_BACKEND, interleaved
 * rounds from ROUNDS (default 5).
 * Last line: one JSON object.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "terrawatt/mlp.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#define CHECK(x)                                                                               \
  do {                                                                                         \
    if ((x) != TW_OK) {                                                                        \
      fprintf(stderr, "surrogate_bench: %s\n", tw_last_error());                                \
      return 5;                                                                                \
    }                                                                                          \
  } while (0)

int main(int argc, char **argv) {
  int batch = argc > 1 ? atoi(argv[1]) : 512, hidden = argc > 2 ? atoi(argv[2]) : 256;
  int epochs = argc > 3 ? atoi(argv[3]) : 3;
  const int nin = 32, n = 16384;
  const size_t nin_z = 32, n_z = 16384;
  tw_backend_kind kind = TW_BACKEND_AUTO;
  if (getenv("TW_BACKEND")) CHECK(tw_backend_kind_parse(getenv("TW_BACKEND"), &kind));
  tw_backend *be = NULL;
  CHECK(tw_backend_create(kind, &be));
  tw_mlp_spec spec = {.n_inputs = nin, .n_hidden = 2, .hidden = {hidden, hidden},
                      .activation = TW_ACT_GELU, .quantile_count = 3,
                      .quantiles = {0.1f, 0.5f, 0.9f}};
  tw_mlp *mlp = NULL;
  CHECK(tw_mlp_create(be, &spec, batch, &mlp));
  CHECK(tw_mlp_init_params(mlp, 1));
  float *x = malloc(n_z * nin_z * sizeof *x), *y = malloc(n_z * sizeof *y);
  float *pred = malloc(n_z * 3 * sizeof *pred);
  tw_rng rng;
  tw_rng_seed(&rng, 2);
  for (size_t i = 0; i < n_z * nin_z; i++) x[i] = (float)tw_rng_normal(&rng);
  for (size_t i = 0; i < n_z; i++) y[i] = x[i * nin_z] * x[i * nin_z + 1];
  tw_adam_settings adam;
  tw_adam_settings_default(&adam);

  /* useful GEMM flops per training batch: forward W a, backward dW and dX (the bias
   * gradient is a row sum inside the fused backward epilogue, not a GEMM) */
  int dims[4] = {nin, hidden, hidden, 3};
  double flops = 0;
  for (int l = 0; l < 3; l++) {
    double io = (double)dims[l] * dims[l + 1] * batch;
    flops += 2 * io + 2 * io + (l > 0 ? 2 * io : 0);
  }
  float *a = NULL, *bb = NULL, *c = NULL;
  size_t big = (size_t)(hidden > nin ? hidden : nin) * (size_t)(batch > hidden ? batch : hidden);
  CHECK(tw_backend_alloc(be, big * sizeof(float), (void **)&a));
  CHECK(tw_backend_alloc(be, big * sizeof(float), (void **)&bb));
  CHECK(tw_backend_alloc(be, big * sizeof(float), (void **)&c));

  /* Interleaved rounds (the machine is shared): each round times `epochs`
   * epochs of training (full batches, data uploaded per batch as in
   * tw_forecast_train) and then the same GEMMs alone (same shapes, same
   * count). The GEMM fraction of a round is gemm time / training time. */
  int batches = n / batch, rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 5;
  if (rounds < 1) rounds = 1;
  if (rounds > 64) rounds = 64;
  double train_s[64], gemm_s[64], ratio[64];
  CHECK(tw_mlp_gradient(mlp, x, y, batch, 1.0f / (float)batch, NULL)); /* warm-up */
  for (int round = 0; round < rounds; round++) {
    double t0 = now_s();
    for (int e = 0; e < epochs; e++)
      for (int b = 0; b < batches; b++) {
        CHECK(tw_mlp_gradient(mlp, x + (size_t)b * (size_t)batch * nin_z,
                              y + (size_t)b * (size_t)batch, batch, 1.0f / (float)(3 * batch), NULL));
        CHECK(tw_mlp_adam_step(mlp, &adam));
      }
    CHECK(tw_backend_synchronize(be));
    train_s[round] = now_s() - t0;
    t0 = now_s();
    for (int r = 0; r < epochs * batches; r++)
      for (int l = 0; l < 3; l++) {
        int out = dims[l + 1], in = dims[l];
        CHECK(tw_backend_sgemm(be, 0, 0, out, batch, in, 1.0f, a, out, bb, in, 0.0f, c, out));
        CHECK(tw_backend_sgemm(be, 0, 1, out, in, batch, 1.0f, a, out, bb, in, 0.0f, c, out));
        if (l > 0) CHECK(tw_backend_sgemm(be, 1, 0, in, batch, out, 1.0f, a, out, bb, out, 0.0f, c, in));
      }
    CHECK(tw_backend_synchronize(be));
    gemm_s[round] = now_s() - t0;
    ratio[round] = gemm_s[round] / train_s[round];
  }
  qsort(train_s, (size_t)rounds, sizeof(double), cmp_double);
  qsort(gemm_s, (size_t)rounds, sizeof(double), cmp_double);
  qsort(ratio, (size_t)rounds, sizeof(double), cmp_double);
  double samples = (double)epochs * batches * batch;
  double train_best = train_s[0], gemm_best = gemm_s[0];
  double train_gflops = flops * epochs * batches / train_best * 1e-9;
  double peak_gflops = flops * epochs * batches / gemm_best * 1e-9;

  /* batched inference (ensemble members are more samples), best of 5 */
  double infer_s = 1e30;
  for (int r = 0; r < 5; r++) {
    double t0 = now_s();
    CHECK(tw_mlp_predict(mlp, x, n_z, pred));
    double s = now_s() - t0;
    if (s < infer_s) infer_s = s;
  }

  printf("backend %s, MLP %d-%d-%d-3 (GELU, quantiles), batch %d, %d epochs x %d batches\n",
         tw_backend_name(be), nin, hidden, hidden, batch, epochs, batches);
  printf("training (best of %d rounds): %.0f samples/s, GEMM %.2f GFLOP/s; same-shape sgemm "
         "alone %.2f GFLOP/s\n",
         rounds, samples / train_best, train_gflops, peak_gflops);
  printf("GEMM fraction of training time: best-time ratio %.3f; per round min %.3f median %.3f "
         "max %.3f\n",
         gemm_best / train_best, ratio[0], ratio[rounds / 2], ratio[rounds - 1]);
  printf("inference: %.0f samples/s\n", n / infer_s);
  printf("{\"benchmark\":\"surrogate\",\"train_samples_per_s\":%.1f,\"infer_samples_per_s\":%.1f,"
         "\"gemm_fraction_of_sgemm_peak\":%.4f,\"backend\":\"%s\",\"batch\":%d,\"hidden\":%d,"
         "\"train_gemm_gflops\":%.3f,\"sgemm_same_shapes_gflops\":%.3f,\"rounds\":%d,"
         "\"gemm_fraction_min\":%.4f,\"gemm_fraction_median\":%.4f}\n",
         samples / train_best, n / infer_s, gemm_best / train_best, tw_backend_name(be), batch, hidden,
         train_gflops, peak_gflops, rounds, ratio[0], ratio[rounds / 2]);
  tw_backend_free(be, a);
  tw_backend_free(be, bb);
  tw_backend_free(be, c);
  free(x);
  free(y);
  free(pred);
  tw_mlp_destroy(&mlp);
  tw_backend_destroy(&be);
  return 0;
}
