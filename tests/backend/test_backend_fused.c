/* The fused convert + aggregate ops of the CPU backend (wind_bus_cf,
 * pv_bus_cf: the reference for the CUDA kernels) against the unfused path
 * (wind_cf / pv_cf into a cell array, then csr_aggregate): bitwise equal
 * for every wind and PV variant and three layouts (strided rows, long rows
 * with repeated cells, contiguous ranges with empty buses), NaN inputs
 * propagating to their bus; empty buses give 0; a layout whose size does
 * not match the job is an error. Plain C: runs on backend-only builds.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/convert_jobs.h"

static int failures = 0;

static void check(int ok, const char *what) {
  if (!ok) {
    printf("FAIL: %s\n", what);
    failures++;
  }
}

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

int main(void) {
  tw_backend *cpu = NULL;
  if (tw_backend_create(TW_BACKEND_CPU, &cpu) != TW_OK) {
    fprintf(stderr, "backend: %s\n", tw_last_error());
    return 1;
  }
  check(tw_backend_supports(cpu, TW_OP_WIND_BUS_CF) && tw_backend_supports(cpu, TW_OP_PV_BUS_CF), "cpu backend has the fused ops");
  if (failures) return 1;
  tw_test_inputs in;
  if (tw_test_inputs_make(997, 29, &in) != 0) return 1;
  in.u100[5] = NAN; /* cell 5 at time 0: its bus's sum at time 0 must be NaN */
  in.u16[5] = (short)in.u_pack.fill; /* the same cell through the fill value */
  in.ghi[in.ncell + 7] = NAN; /* cell 7 at time 1 */
  in.ghi16[in.ncell + 7] = (short)in.ghi_pack.fill;
  tw_test_device d;
  if (tw_test_device_upload(cpu, &in, &d) != TW_OK) {
    fprintf(stderr, "upload: %s\n", tw_last_error());
    return 1;
  }
  char what[128];
  for (int kind = 0; kind < 3; kind++) {
    tw_test_layout l;
    if (tw_test_layout_make(kind, (int)in.ncell, &l) != 0) return 1;
    size_t ny = in.ntime * (size_t)l.nrow;
    float *a = malloc(ny * sizeof *a), *b = malloc(ny * sizeof *b);
    float *packed_ref = malloc(ny * sizeof *packed_ref);
    if (!a || !b || !packed_ref) return 1;
    const int nw = TW_TEST_WIND_VARIANTS, np = TW_TEST_PV_VARIANTS;
    for (int v = 0; v < nw + np; v++) {
      tw_wind_job wj;
      tw_pv_job pj;
      const tw_wind_job *w = NULL;
      const tw_pv_job *p = NULL;
      if (v < nw) {
        wj = tw_test_wind_job(&in, &d, v);
        w = &wj;
      } else {
        pj = tw_test_pv_job(&in, &d, v - nw);
        p = &pj;
      }
      if (tw_test_run_fused(cpu, w, p, &l, in.ntime, a) != TW_OK ||
          tw_test_run_unfused(cpu, w, p, &l, in.ntime, b) != TW_OK) {
        fprintf(stderr, "run: %s\n", tw_last_error());
        return 1;
      }
      size_t nans = 0, bad = mismatches(a, b, ny, &nans);
      snprintf(what, sizeof what, "layout %d, %s variant %d: %zu of %zu bus values differ", kind,
               w ? "wind" : "pv", w ? v : v - nw, bad, ny);
      check(bad == 0, what);
      /* the streaming wind paths (runs, per-step; AVX2 gathers where the
       * CPU has them) == the portable per-cell path, bit for bit */
      if (v == 1 || v == 3) {
        tw_test_fused_runs = 0;
        tw_status st2 = tw_test_run_fused(cpu, w, p, &l, in.ntime, b);
        tw_test_fused_runs = 1;
        if (st2 != TW_OK) return 1;
        bad = mismatches(a, b, ny, &nans);
        snprintf(what, sizeof what, "layout %d, wind %d: streaming vs per-cell path: %zu differ",
                 kind, v, bad);
        check(bad == 0, what);
      }
      /* packed int16 input decoded in the loop == the decoded float input:
       * wind 3 against wind 1, PV 16 against PV 15 (same bits) */
      if (v == 1 || v == nw + 15) memcpy(packed_ref, a, ny * sizeof *a);
      if (v == 3 || v == nw + 16) {
        bad = mismatches(a, packed_ref, ny, &nans);
        snprintf(what, sizeof what, "layout %d, %s from int16: %zu of %zu differ from float", kind,
                 w ? "wind" : "pv", bad, ny);
        check(bad == 0, what);
      }
      /* the NaN input reaches exactly the rows holding its cell */
      snprintf(what, sizeof what, "layout %d, %s variant %d: %zu NaN bus values", kind,
               w ? "wind" : "pv", w ? v : v - nw, nans);
      check(kind == 1 ? nans == 2 : nans == 1, what);
      if (kind == 2)
        for (size_t t = 0; t < in.ntime; t++) {
          snprintf(what, sizeof what, "empty buses at t=%zu give 0", t);
          check(a[t * 11 + 3] == 0.0f && a[t * 11 + 8] == 0.0f, what);
        }
      /* values stay capacity factors: the shares of a row sum to 1 */
      for (size_t i = 0; i < ny; i++)
        if (!isnan(a[i]) && !(a[i] >= 0.0f && a[i] <= 1.0f + 1e-6f)) {
          snprintf(what, sizeof what, "layout %d variant %d: bus value %g outside [0, 1]", kind, v,
                   (double)a[i]);
          check(0, what);
          break;
        }
    }
    /* a layout over a different number of cells is an error, not a read
     * past the arrays */
    l.ncol = (int)in.ncell - 1;
    tw_wind_job wj = tw_test_wind_job(&in, &d, 1);
    tw_status st = tw_test_run_fused(cpu, &wj, NULL, &l, in.ntime, a);
    check(st == TW_ERR_INTERNAL && strstr(tw_last_error(), "996") != NULL,
          "cell count mismatch is reported");
    tw_error_clear();
    l.ncol = (int)in.ncell;
    tw_test_layout_free(&l);
    free(a);
    free(b);
    free(packed_ref);
  }
  tw_test_device_free(&d);
  tw_test_inputs_free(&in);
  tw_backend_destroy(&cpu);
  printf("%s\n", failures ? "FAILED" : "fused (by runs) == unfused (bitwise) for 22 variants x 3 layouts; "
                                    "int16 == float input");
  return failures ? 1 : 0;
}
