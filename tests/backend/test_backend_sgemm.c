/* The backend sgemm (column-major, as cuBLAS) against a naive double loop,
 * for all transpose combinations and odd sizes, on the CPU backend and on
 * CUDA when a GPU is present.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "terrawatt/backend.h"

static int failures = 0;
#define CHECK(cond, ...)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                               \
      fprintf(stderr, __VA_ARGS__);                                                      \
      fprintf(stderr, "\n");                                                             \
      failures++;                                                                        \
    }                                                                                    \
  } while (0)

static float frand(unsigned *s) {
  *s = *s * 1664525u + 1013904223u;
  return (float)((*s >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static void run(tw_backend *be, int ta, int tb, int m, int n, int k, float alpha, float beta) {
  int lda = (ta ? k : m) + 1, ldb = (tb ? n : k) + 2, ldc = m + 3;
  size_t sa = (size_t)lda * (size_t)(ta ? m : k), sb = (size_t)ldb * (size_t)(tb ? k : n),
         sc = (size_t)ldc * (size_t)n;
  float *a = malloc(sa * sizeof *a), *b = malloc(sb * sizeof *b), *c = malloc(sc * sizeof *c);
  float *out = malloc(sc * sizeof *out);
  unsigned seed = (unsigned)(m * 7 + n * 13 + k * 17 + ta * 3 + tb);
  for (size_t i = 0; i < sa; i++) a[i] = frand(&seed);
  for (size_t i = 0; i < sb; i++) b[i] = frand(&seed);
  for (size_t i = 0; i < sc; i++) c[i] = frand(&seed);
  void *da = NULL, *db = NULL, *dc = NULL;
  CHECK(tw_backend_alloc(be, sa * 4, &da) == TW_OK, "alloc");
  CHECK(tw_backend_alloc(be, sb * 4, &db) == TW_OK, "alloc");
  CHECK(tw_backend_alloc(be, sc * 4, &dc) == TW_OK, "alloc");
  tw_backend_upload(be, da, a, sa * 4);
  tw_backend_upload(be, db, b, sb * 4);
  tw_backend_upload(be, dc, c, sc * 4);
  CHECK(tw_backend_sgemm(be, ta, tb, m, n, k, alpha, da, lda, db, ldb, beta, dc, ldc) == TW_OK,
        "sgemm: %s", tw_last_error());
  tw_backend_synchronize(be);
  tw_backend_download(be, out, dc, sc * 4);
  double maxerr = 0.0;
  for (int j = 0; j < n; j++)
    for (int i = 0; i < m; i++) {
      double s = 0.0;
      for (int p = 0; p < k; p++) {
        double av = ta ? a[p + (size_t)i * lda] : a[i + (size_t)p * lda];
        double bv = tb ? b[j + (size_t)p * ldb] : b[p + (size_t)j * ldb];
        s += av * bv;
      }
      double ref = alpha * s + beta * c[i + (size_t)j * ldc];
      double e = fabs(out[i + (size_t)j * ldc] - ref);
      maxerr = e > maxerr ? e : maxerr;
    }
  CHECK(maxerr < 1e-4 * (k + 1), "%s sgemm ta=%d tb=%d m=%d n=%d k=%d: max error %g",
        tw_backend_name(be), ta, tb, m, n, k, maxerr);
  /* padding rows of C (i >= m) are untouched */
  for (int j = 0; j < n; j++)
    for (int i = m; i < ldc; i++)
      CHECK(out[i + (size_t)j * ldc] == c[i + (size_t)j * ldc], "sgemm wrote outside C");
  tw_backend_free(be, da);
  tw_backend_free(be, db);
  tw_backend_free(be, dc);
  free(a);
  free(b);
  free(c);
  free(out);
}

static void run_all(tw_backend *be) {
  static const int sizes[][3] = {{1, 1, 1}, {5, 3, 7}, {17, 33, 9}, {64, 31, 130}};
  for (int s = 0; s < 4; s++)
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++) {
        run(be, ta, tb, sizes[s][0], sizes[s][1], sizes[s][2], 1.0f, 0.0f);
        run(be, ta, tb, sizes[s][0], sizes[s][1], sizes[s][2], -0.5f, 0.75f);
      }
}

int main(void) {
  tw_backend *be = NULL;
  if (tw_backend_create(TW_BACKEND_CPU, &be) != TW_OK) {
    fprintf(stderr, "cpu backend: %s\n", tw_last_error());
    return 1;
  }
  run_all(be);
  tw_backend_destroy(&be);
  if (tw_backend_cuda_compiled() && tw_backend_cuda_devices(NULL, 0) > 0) {
    if (tw_backend_create(TW_BACKEND_CUDA, &be) == TW_OK) {
      run_all(be);
      tw_backend_destroy(&be);
    } else {
      CHECK(0, "cuda backend: %s", tw_last_error());
    }
  } else {
    printf("no GPU: CUDA sgemm not checked\n");
  }
  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  else printf("sgemm matches the naive loop\n");
  return failures ? 1 : 0;
}
