/* The backend sgemm (column-major, as cuBLAS) against a naive double loop,
 * for all transpose combinations and odd sizes, on the CPU backend and on
 * CUDA when a GPU is present (skipped otherwise).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "terrawatt/backend.h"

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
  assert_true(a && b && c && out);
  unsigned seed = (unsigned)(m * 7 + n * 13 + k * 17 + ta * 3 + tb);
  for (size_t i = 0; i < sa; i++) a[i] = frand(&seed);
  for (size_t i = 0; i < sb; i++) b[i] = frand(&seed);
  for (size_t i = 0; i < sc; i++) c[i] = frand(&seed);
  void *da = NULL, *db = NULL, *dc = NULL;
  assert_int_equal(tw_backend_alloc(be, sa * 4, &da), TW_OK);
  assert_int_equal(tw_backend_alloc(be, sb * 4, &db), TW_OK);
  assert_int_equal(tw_backend_alloc(be, sc * 4, &dc), TW_OK);
  tw_backend_upload(be, da, a, sa * 4);
  tw_backend_upload(be, db, b, sb * 4);
  tw_backend_upload(be, dc, c, sc * 4);
  if (tw_backend_sgemm(be, ta, tb, m, n, k, alpha, da, lda, db, ldb, beta, dc, ldc) != TW_OK)
    fail_msg("sgemm: %s", tw_last_error());
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
  if (!(maxerr < 1e-4 * (k + 1)))
    fail_msg("%s sgemm ta=%d tb=%d m=%d n=%d k=%d: max error %g", tw_backend_name(be), ta, tb, m,
             n, k, maxerr);
  /* padding rows of C (i >= m) are untouched */
  for (int j = 0; j < n; j++)
    for (int i = m; i < ldc; i++)
      if (!(out[i + (size_t)j * ldc] == c[i + (size_t)j * ldc]))
        fail_msg("%s sgemm ta=%d tb=%d m=%d n=%d k=%d wrote outside C (row %d, column %d)",
                 tw_backend_name(be), ta, tb, m, n, k, i, j);
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

static void cpu_sgemm(void **state) {
  (void)state;
  tw_backend *be = NULL;
  if (tw_backend_create(TW_BACKEND_CPU, &be) != TW_OK)
    fail_msg("cpu backend: %s", tw_last_error());
  run_all(be);
  tw_backend_destroy(&be);
}

static void cuda_sgemm(void **state) {
  (void)state;
  if (!tw_backend_cuda_compiled() || tw_backend_cuda_devices(NULL, 0) <= 0) {
    print_message("no GPU: CUDA sgemm not checked\n");
    skip();
  }
  tw_backend *be = NULL;
  if (tw_backend_create(TW_BACKEND_CUDA, &be) != TW_OK)
    fail_msg("cuda backend: %s", tw_last_error());
  run_all(be);
  tw_backend_destroy(&be);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cpu_sgemm),
      cmocka_unit_test(cuda_sgemm),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
