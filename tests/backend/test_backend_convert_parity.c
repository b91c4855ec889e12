/* CPU vs CUDA parity of every conversion kernel (wind: log law with
 * time-varying roughness and per-cell hub factor, power law; PV: Huld and PVWatts, with
 * and without fdir, fixed / latitude-optimal / single-axis; the sparse
 * aggregation; the fused convert + aggregate ops on three layouts). Max abs difference <= 1e-5. Exits 77 without a GPU.
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

#include "backend/convert_jobs.h"

static tw_backend *g_cpu, *g_gpu;
static tw_test_inputs g_in;
static tw_test_device g_dc, g_dg;

static double max_diff(const float *a, const float *b, size_t n, size_t *nan_mismatch) {
  double m = 0.0;
  *nan_mismatch = 0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(a[i]) || isnan(b[i])) {
      if (isnan(a[i]) != isnan(b[i])) (*nan_mismatch)++;
      continue;
    }
    double d = fabs((double)a[i] - (double)b[i]);
    m = d > m ? d : m;
  }
  return m;
}

/* Prints the difference (scripts/gpu-check.sh greps these lines) and fails
 * the test above 1e-5 or where only one side is NaN. */
static void compare(const char *what, const float *cpu, const float *gpu, size_t n) {
  size_t nan_mismatch = 0;
  double d = max_diff(cpu, gpu, n, &nan_mismatch);
  int ok = d <= 1e-5 && nan_mismatch == 0;
  printf("%-34s max |cpu - cuda| = %.3g%s\n", what, d, ok ? "" : "  FAIL");
  if (!ok) fail_msg("%s: max |cpu - cuda| = %.3g (tolerance 1e-5), %zu NaN mismatches", what, d, nan_mismatch);
}

/* The op returned TW_OK and the backend synchronised. */
static void run_ok(tw_backend *be, tw_status st) {
  if (st != TW_OK || tw_backend_synchronize(be) != TW_OK)
    fail_msg("%s: %s", tw_backend_name(be), tw_last_error());
}

static void wind_cf(void **state) {
  (void)state;
  size_t n = g_in.n;
  float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  assert_true(a && b);
  char name[64];
  for (int v = 0; v < TW_TEST_WIND_VARIANTS; v++) {
    tw_wind_job jc = tw_test_wind_job(&g_in, &g_dc, v), jg = tw_test_wind_job(&g_in, &g_dg, v);
    run_ok(g_cpu, tw_backend_wind_cf(g_cpu, &jc));
    run_ok(g_gpu, tw_backend_wind_cf(g_gpu, &jg));
    tw_backend_download(g_cpu, a, g_dc.out, n * sizeof(float));
    tw_backend_download(g_gpu, b, g_dg.out, n * sizeof(float));
    snprintf(name, sizeof name, "wind_cf variant %d (%s)", v,
             v == 0 ? "log, z0(t)"
                    : (v == 1 ? "log, cell factor" : (v == 2 ? "power law" : "int16")));
    compare(name, a, b, n);
  }
  free(a);
  free(b);
}

static void pv_cf(void **state) {
  (void)state;
  size_t n = g_in.n;
  float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  assert_true(a && b);
  char name[64];
  for (int v = 0; v < TW_TEST_PV_VARIANTS; v++) {
    tw_pv_job jc = tw_test_pv_job(&g_in, &g_dc, v), jg = tw_test_pv_job(&g_in, &g_dg, v);
    run_ok(g_cpu, tw_backend_pv_cf(g_cpu, &jc));
    run_ok(g_gpu, tw_backend_pv_cf(g_gpu, &jg));
    tw_backend_download(g_cpu, a, g_dc.out, n * sizeof(float));
    tw_backend_download(g_gpu, b, g_dg.out, n * sizeof(float));
    int vv = v >= 14 ? (v == 14 ? 2 : (v == 17 ? 3 : 3)) : v;
    vv = vv >= 12 ? (vv == 12 ? 3 : 10) : vv;
    snprintf(name, sizeof name, "pv_cf %s %s %s%s%s%s", vv >= 6 ? "pvwatts" : "huld",
             (vv >> 1) % 3 == 0 ? "fixed" : ((vv >> 1) % 3 == 1 ? "lat-opt" : "1-axis"),
             (vv & 1) ? "fdir" : "reindl", (v >= 12 && v < 14) || v == 17 ? " perez" : "",
             v >= 14 ? " fast-sun" : "", v == 16 ? " int16" : "");
    compare(name, a, b, n);
  }
  free(a);
  free(b);
}

/* sparse aggregation: 37 buses over the 997 cells, x = the last PV output
 * (each backend's own, so pv_cf runs first here) */
static void csr_aggregate(void **state) {
  (void)state;
  int last_pv = TW_TEST_PV_VARIANTS - 1;
  tw_pv_job jc = tw_test_pv_job(&g_in, &g_dc, last_pv), jg = tw_test_pv_job(&g_in, &g_dg, last_pv);
  run_ok(g_cpu, tw_backend_pv_cf(g_cpu, &jc));
  run_ok(g_gpu, tw_backend_pv_cf(g_gpu, &jg));
  int nrow = 37, ncol = (int)g_in.ncell;
  int *rp = malloc((size_t)(nrow + 1) * sizeof *rp), *col = malloc((size_t)ncol * sizeof *col);
  float *val = malloc((size_t)ncol * sizeof *val);
  float *a = malloc(g_in.ntime * (size_t)nrow * sizeof *a),
        *b = malloc(g_in.ntime * (size_t)nrow * sizeof *b);
  assert_true(rp && col && val && a && b);
  rp[0] = 0;
  for (int r = 0, k = 0; r < nrow; r++) {
    for (int cidx = r; cidx < ncol; cidx += nrow, k++) {
      col[k] = cidx;
      val[k] = 1.0f / (float)((ncol - r + nrow - 1) / nrow);
    }
    rp[r + 1] = k;
  }
  void *drp[2], *dcol[2], *dval[2], *dy[2];
  tw_backend *bes[2] = {g_cpu, g_gpu};
  tw_test_device *devs[2] = {&g_dc, &g_dg};
  float *ys[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    tw_backend *be = bes[i];
    assert_int_equal(tw_backend_alloc(be, (size_t)(nrow + 1) * sizeof(int), &drp[i]), TW_OK);
    assert_int_equal(tw_backend_alloc(be, (size_t)ncol * sizeof(int), &dcol[i]), TW_OK);
    assert_int_equal(tw_backend_alloc(be, (size_t)ncol * sizeof(float), &dval[i]), TW_OK);
    assert_int_equal(tw_backend_alloc(be, g_in.ntime * (size_t)nrow * sizeof(float), &dy[i]), TW_OK);
    tw_backend_upload(be, drp[i], rp, (size_t)(nrow + 1) * sizeof(int));
    tw_backend_upload(be, dcol[i], col, (size_t)ncol * sizeof(int));
    tw_backend_upload(be, dval[i], val, (size_t)ncol * sizeof(float));
    tw_csr_job j = {nrow, ncol, g_in.ntime, drp[i], dcol[i], dval[i], devs[i]->out, dy[i], NULL, NULL, rp[nrow]};
    run_ok(be, tw_backend_csr_aggregate(be, &j));
    tw_backend_download(be, ys[i], dy[i], g_in.ntime * (size_t)nrow * sizeof(float));
    tw_backend_free(be, drp[i]);
    tw_backend_free(be, dcol[i]);
    tw_backend_free(be, dval[i]);
    tw_backend_free(be, dy[i]);
  }
  compare("csr_aggregate (37 buses)", a, b, g_in.ntime * (size_t)nrow);
  free(rp);
  free(col);
  free(val);
  free(a);
  free(b);
}

/* fused convert + aggregate (wind_bus_cf, pv_bus_cf): CUDA against the
 * CPU reference loops, and against the CUDA unfused path, for every
 * variant and three layouts (strided rows; 2 long rows: the block-per-row
 * kernel; contiguous ranges with empty buses); the layout kind is the state */
static void bus_cf(void **state) {
  static const char *layout_name[3] = {"37 strided", "2 long", "11 ranges"};
  int kind = *(const int *)*state;
  char name[64];
  tw_test_layout l;
  assert_int_equal(tw_test_layout_make(kind, (int)g_in.ncell, &l), 0);
  size_t ny = g_in.ntime * (size_t)l.nrow;
  float *c_f = malloc(ny * sizeof *c_f), *g_f = malloc(ny * sizeof *g_f),
        *g_u = malloc(ny * sizeof *g_u);
  assert_true(c_f && g_f && g_u);
  const int nw = TW_TEST_WIND_VARIANTS;
  for (int v = 0; v < nw + TW_TEST_PV_VARIANTS; v++) {
    tw_wind_job wc, wg;
    tw_pv_job pc, pg;
    int wind = v < nw;
    if (wind) {
      wc = tw_test_wind_job(&g_in, &g_dc, v);
      wg = tw_test_wind_job(&g_in, &g_dg, v);
    } else {
      pc = tw_test_pv_job(&g_in, &g_dc, v - nw);
      pg = tw_test_pv_job(&g_in, &g_dg, v - nw);
    }
    if (tw_test_run_fused(g_cpu, wind ? &wc : NULL, wind ? NULL : &pc, &l, g_in.ntime, c_f) !=
            TW_OK ||
        tw_test_run_fused(g_gpu, wind ? &wg : NULL, wind ? NULL : &pg, &l, g_in.ntime, g_f) !=
            TW_OK ||
        tw_test_run_unfused(g_gpu, wind ? &wg : NULL, wind ? NULL : &pg, &l, g_in.ntime, g_u) !=
            TW_OK)
      fail_msg("fused: %s", tw_last_error());
    snprintf(name, sizeof name, "%s_bus_cf v%d, %s", wind ? "wind" : "pv", wind ? v : v - nw,
             layout_name[kind]);
    compare(name, c_f, g_f, ny);
    snprintf(name, sizeof name, "  cuda fused vs unfused");
    compare(name, g_u, g_f, ny);
  }
  free(c_f);
  free(g_f);
  free(g_u);
  tw_test_layout_free(&l);
}

int main(void) {
  if (!tw_backend_cuda_compiled() || tw_backend_cuda_devices(NULL, 0) == 0) {
    printf("SKIP: %s\n", tw_backend_cuda_compiled() ? "no GPU present" : "CUDA not compiled in");
    return 77;
  }
  if (tw_backend_create(TW_BACKEND_CPU, &g_cpu) != TW_OK ||
      tw_backend_create(TW_BACKEND_CUDA, &g_gpu) != TW_OK) {
    fprintf(stderr, "backend: %s\n", tw_last_error());
    return 1;
  }
  if (tw_test_inputs_make(997, 53, &g_in) != 0) return 1;
  g_in.u100[5] = NAN; /* missing data must stay NaN on both */
  g_in.ghi[7] = NAN;
  if (tw_test_device_upload(g_cpu, &g_in, &g_dc) != TW_OK ||
      tw_test_device_upload(g_gpu, &g_in, &g_dg) != TW_OK) {
    fprintf(stderr, "upload: %s\n", tw_last_error());
    return 1;
  }
  static int layouts[3] = {0, 1, 2};
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(wind_cf),
      cmocka_unit_test(pv_cf),
      cmocka_unit_test(csr_aggregate),
      {"bus_cf 37 strided", bus_cf, NULL, NULL, &layouts[0]},
      {"bus_cf 2 long", bus_cf, NULL, NULL, &layouts[1]},
      {"bus_cf 11 ranges", bus_cf, NULL, NULL, &layouts[2]},
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  tw_test_device_free(&g_dc);
  tw_test_device_free(&g_dg);
  tw_test_inputs_free(&g_in);
  tw_backend_destroy(&g_cpu);
  tw_backend_destroy(&g_gpu);
  return failed ? 1 : 0;
}
