/* The fused convert + aggregate ops of the CPU backend (wind_bus_cf,
 * pv_bus_cf: the reference for the CUDA kernels) against the unfused path
 * (wind_cf / pv_cf into a cell array, then csr_aggregate): bitwise equal
 * for every wind and PV variant and three layouts (strided rows, long rows
 * with repeated cells, contiguous ranges with empty buses), NaN inputs
 * propagating to their bus; empty buses give 0; a layout whose size does
 * not match the job is an error. Runs on backend-only builds too.
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

static tw_backend *g_cpu;
static tw_test_inputs g_in;
static tw_test_device g_d;

/* Bitwise equality, NaN equal to NaN; returns the number of mismatches. */
static size_t mismatches(const float *a, const float *b, size_t n, size_t *nans) {
  size_t bad = 0;
  *nans = 0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(a[i]) || isnan(b[i])) {
      bad += isnan(a[i]) != isnan(b[i]);
      *nans += isnan(a[i]) != 0;
      continue;
    }
    if (memcmp(&a[i], &b[i], sizeof(float)) != 0) bad++;
  }
  return bad;
}

static void fused_ops_supported(void **state) {
  (void)state;
  assert_true(tw_backend_supports(g_cpu, TW_OP_WIND_BUS_CF));
  assert_true(tw_backend_supports(g_cpu, TW_OP_PV_BUS_CF));
}

/* Every variant on one layout (the state: its kind). */
static void fused_vs_unfused(void **state) {
  int kind = *(const int *)*state;
  tw_test_layout l;
  assert_int_equal(tw_test_layout_make(kind, (int)g_in.ncell, &l), 0);
  size_t ny = g_in.ntime * (size_t)l.nrow;
  float *a = malloc(ny * sizeof *a), *b = malloc(ny * sizeof *b);
  float *packed_ref = malloc(ny * sizeof *packed_ref);
  assert_true(a && b && packed_ref);
  const int nw = TW_TEST_WIND_VARIANTS, np = TW_TEST_PV_VARIANTS;
  for (int v = 0; v < nw + np; v++) {
    tw_wind_job wj;
    tw_pv_job pj;
    const tw_wind_job *w = NULL;
    const tw_pv_job *p = NULL;
    if (v < nw) {
      wj = tw_test_wind_job(&g_in, &g_d, v);
      w = &wj;
    } else {
      pj = tw_test_pv_job(&g_in, &g_d, v - nw);
      p = &pj;
    }
    if (tw_test_run_fused(g_cpu, w, p, &l, g_in.ntime, a) != TW_OK ||
        tw_test_run_unfused(g_cpu, w, p, &l, g_in.ntime, b) != TW_OK)
      fail_msg("run: %s", tw_last_error());
    size_t nans = 0, bad = mismatches(a, b, ny, &nans);
    if (bad != 0)
      fail_msg("layout %d, %s variant %d: %zu of %zu bus values differ", kind, w ? "wind" : "pv",
               w ? v : v - nw, bad, ny);
    /* the streaming wind paths (runs, per-step; AVX2 gathers where the
     * CPU has them) == the portable per-cell path, bit for bit */
    if (v == 1 || v == 3) {
      tw_test_fused_runs = 0;
      tw_status st2 = tw_test_run_fused(g_cpu, w, p, &l, g_in.ntime, b);
      tw_test_fused_runs = 1;
      if (st2 != TW_OK) fail_msg("per-cell run: %s", tw_last_error());
      bad = mismatches(a, b, ny, &nans);
      if (bad != 0)
        fail_msg("layout %d, wind %d: streaming vs per-cell path: %zu differ", kind, v, bad);
    }
    /* packed int16 input decoded in the loop == the decoded float input:
     * wind 3 against wind 1, PV 16 against PV 15 (same bits) */
    if (v == 1 || v == nw + 15) memcpy(packed_ref, a, ny * sizeof *a);
    if (v == 3 || v == nw + 16) {
      bad = mismatches(a, packed_ref, ny, &nans);
      if (bad != 0)
        fail_msg("layout %d, %s from int16: %zu of %zu differ from float", kind, w ? "wind" : "pv",
                 bad, ny);
    }
    /* the NaN input reaches exactly the rows holding its cell */
    if (!(kind == 1 ? nans == 2 : nans == 1))
      fail_msg("layout %d, %s variant %d: %zu NaN bus values", kind, w ? "wind" : "pv",
               w ? v : v - nw, nans);
    if (kind == 2)
      for (size_t t = 0; t < g_in.ntime; t++)
        if (!(a[t * 11 + 3] == 0.0f && a[t * 11 + 8] == 0.0f))
          fail_msg("layout %d, variant %d: empty buses at t=%zu give %g and %g, not 0", kind, v, t,
                   (double)a[t * 11 + 3], (double)a[t * 11 + 8]);
    /* values stay capacity factors: the shares of a row sum to 1 */
    for (size_t i = 0; i < ny; i++)
      if (!isnan(a[i]) && !(a[i] >= 0.0f && a[i] <= 1.0f + 1e-6f))
        fail_msg("layout %d variant %d: bus value %g outside [0, 1]", kind, v, (double)a[i]);
  }
  /* a layout over a different number of cells is an error, not a read
   * past the arrays */
  l.ncol = (int)g_in.ncell - 1;
  tw_wind_job wj = tw_test_wind_job(&g_in, &g_d, 1);
  tw_status st = tw_test_run_fused(g_cpu, &wj, NULL, &l, g_in.ntime, a);
  assert_int_equal(st, TW_ERR_INTERNAL);
  assert_non_null(strstr(tw_last_error(), "996")); /* cell count mismatch is reported */
  tw_error_clear();
  l.ncol = (int)g_in.ncell;
  tw_test_layout_free(&l);
  free(a);
  free(b);
  free(packed_ref);
}

int main(void) {
  if (tw_backend_create(TW_BACKEND_CPU, &g_cpu) != TW_OK) {
    fprintf(stderr, "backend: %s\n", tw_last_error());
    return 1;
  }
  if (tw_test_inputs_make(997, 29, &g_in) != 0) return 1;
  g_in.u100[5] = NAN; /* cell 5 at time 0: its bus's sum at time 0 must be NaN */
  g_in.u16[5] = (short)g_in.u_pack.fill; /* the same cell through the fill value */
  g_in.ghi[g_in.ncell + 7] = NAN; /* cell 7 at time 1 */
  g_in.ghi16[g_in.ncell + 7] = (short)g_in.ghi_pack.fill;
  if (tw_test_device_upload(g_cpu, &g_in, &g_d) != TW_OK) {
    fprintf(stderr, "upload: %s\n", tw_last_error());
    return 1;
  }
  static int layouts[3] = {0, 1, 2};
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fused_ops_supported),
      {"fused_vs_unfused strided rows", fused_vs_unfused, NULL, NULL, &layouts[0]},
      {"fused_vs_unfused long rows", fused_vs_unfused, NULL, NULL, &layouts[1]},
      {"fused_vs_unfused ranges with empty buses", fused_vs_unfused, NULL, NULL, &layouts[2]},
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  tw_test_device_free(&g_d);
  tw_test_inputs_free(&g_in);
  tw_backend_destroy(&g_cpu);
  if (!failed)
    printf("fused (by runs) == unfused (bitwise) for 22 variants x 3 layouts; int16 == float input\n");
  return failed ? 1 : 0;
}
