/* CPU vs CUDA parity of the backends' LP ops (src/backend/lp_cpu.c,
 * kernels/pdlp_ops.cu) on a random sparse LP: the same trial steps, dot
 * products, averages and restarts to 1e-9 relative, and the same PDLP
 * result. Exits 77 (skip) without CUDA or without a GPU. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "optimize/pdlp.h"

#define M 300
#define N 400
#define PER_ROW 6

static unsigned long long g_seed = 12345;
static double rnd(void) { /* deterministic LCG in [0, 1) */
  g_seed = g_seed * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(g_seed >> 11) / 9007199254740992.0;
}

static tw_backend *g_cpu, *g_gpu;
/* the LP (built in main): A, its transpose, costs, bounds */
static int rp[M + 1], ci[M * PER_ROW], g_nnz;
static double av[M * PER_ROW], c[N], l[N], u[N], rl[M], ru[M];
static int *rpt, *cit;
static double *avt;

/* Fails the test at the first element that differs by more than 1e-9
 * relative. */
static void assert_close(const double *a, const double *b, int n, const char *what) {
  for (int i = 0; i < n; i++)
    if (fabs(a[i] - b[i]) > 1e-9 * (1.0 + fabs(a[i])))
      fail_msg("%s[%d]: cpu %.17g cuda %.17g", what, i, a[i], b[i]);
}

/* the same trial steps, dot products, averages and restarts */
static void ops_parity(void **state) {
  (void)state;
  tw_pdlp_csr A = {M, N, g_nnz, rp, ci, av};
  tw_pdlp_problem prob = {A, {N, M, g_nnz, rpt, cit, avt}, c, l, u, rl, ru};
  tw_pdlp_dev *dc = NULL, *dg = NULL;
  if (tw_backend_pdlp_create(g_cpu, &prob, &dc) != TW_OK ||
      tw_backend_pdlp_create(g_gpu, &prob, &dg) != TW_OK)
    fail_msg("%s", tw_last_error());
  for (int it = 0; it < 50; it++) {
    double d1[3], d2[3];
    if (tw_backend_pdlp_step(g_cpu, dc, 0.05, 0.07, d1) != TW_OK ||
        tw_backend_pdlp_step(g_gpu, dg, 0.05, 0.07, d2) != TW_OK)
      fail_msg("step %d: %s", it, tw_last_error());
    assert_close(d1, d2, 3, "dots");
    tw_backend_pdlp_accept(g_cpu, dc, 0.5 + it), tw_backend_pdlp_accept(g_gpu, dg, 0.5 + it);
    if (it == 25)
      tw_backend_pdlp_restart(g_cpu, dc, 1, 300.0), tw_backend_pdlp_restart(g_gpu, dg, 1, 300.0);
  }
  static double h1[N > M ? N : M], h2[N > M ? N : M];
  for (int v = 0; v < TW_PDLP_NVEC; v++) {
    int len = tw_pdlp_vec_is_primal((tw_pdlp_vec)v) ? N : M;
    tw_backend_pdlp_get(g_cpu, dc, (tw_pdlp_vec)v, h1);
    tw_backend_pdlp_get(g_gpu, dg, (tw_pdlp_vec)v, h2);
    assert_close(h1, h2, len, "vector");
  }
  tw_backend_pdlp_destroy(g_cpu, &dc), tw_backend_pdlp_destroy(g_gpu, &dg);
}

/* whole solves: the same status and, when optimal, the same objective */
static void solve_parity(void **state) {
  (void)state;
  tw_pdlp_csr A = {M, N, g_nnz, rp, ci, av};
  tw_pdlp_lp lp = {A, c, l, u, rl, ru};
  tw_pdlp_settings s1 = {1e-6, 20000, 0, g_cpu}, s2 = {1e-6, 20000, 0, g_gpu};
  tw_pdlp_result r1, r2;
  assert_int_equal(tw_pdlp_solve(&lp, &s1, &r1), TW_OK);
  assert_int_equal(tw_pdlp_solve(&lp, &s2, &r2), TW_OK);
  if (r1.status != r2.status) fail_msg("status %d vs %d", r1.status, r2.status);
  if (r1.status == TW_PDLP_OPTIMAL && fabs(r1.primal_obj - r2.primal_obj) > 1e-6 * (1 + fabs(r1.primal_obj)))
    fail_msg("objective %.12g vs %.12g", r1.primal_obj, r2.primal_obj);
  tw_pdlp_result_free(&r1), tw_pdlp_result_free(&r2);
}

int main(void) {
  if (tw_backend_create(TW_BACKEND_CUDA, &g_gpu) != TW_OK) {
    printf("SKIP: %s\n", tw_last_error());
    return 77;
  }
  if (tw_backend_create(TW_BACKEND_CPU, &g_cpu) != TW_OK) return 4;
  int k = 0;
  for (int i = 0; i < M; i++) {
    rp[i] = k;
    int used[PER_ROW];
    for (int e = 0; e < PER_ROW; e++) {
      int j, dup;
      do {
        j = (int)(rnd() * N);
        dup = 0;
        for (int q = 0; q < e; q++) dup |= used[q] == j;
      } while (dup);
      used[e] = j;
    }
    for (int a = 0; a < PER_ROW; a++) /* sorted columns within the row */
      for (int b = a + 1; b < PER_ROW; b++)
        if (used[b] < used[a]) { int t = used[a]; used[a] = used[b]; used[b] = t; }
    for (int e = 0; e < PER_ROW; e++) ci[k] = used[e], av[k++] = rnd() * 4 - 2;
    double mid = rnd() * 10 - 5;
    int kind = i % 3;
    rl[i] = kind == 1 ? -INFINITY : mid;
    ru[i] = kind == 0 ? INFINITY : (kind == 1 ? mid : mid + 1);
  }
  rp[M] = k;
  g_nnz = k;
  for (int j = 0; j < N; j++) {
    c[j] = rnd() * 2 - 0.5;
    l[j] = j % 5 == 0 ? -INFINITY : 0;
    u[j] = j % 4 == 0 ? INFINITY : 10;
  }
  tw_pdlp_csr A = {M, N, k, rp, ci, av};
  if (tw_pdlp_transpose(&A, &rpt, &cit, &avt) != TW_OK) return 4;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ops_parity),
      cmocka_unit_test(solve_parity),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  free(rpt), free(cit), free(avt);
  tw_backend_destroy(&g_cpu), tw_backend_destroy(&g_gpu);
  printf("pdlp parity: %s\n", failed ? "MISMATCH" : "ok");
  return failed ? 1 : 0;
}
