/* CPU vs CUDA parity of every conversion kernel (wind: log law with
 * time-varying roughness and per-cell hub factor, power law; PV: Huld and PVWatts, with
 * and without fdir, fixed / latitude-optimal / single-axis; the sparse
 * aggregation; the fused convert + aggregate ops on three layouts). Max abs difference <= 1e-5. Exits 77 without a GPU.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/convert_jobs.h"

static int failures = 0;

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

static void compare(const char *what, const float *cpu, const float *gpu, size_t n) {
  size_t nan_mismatch = 0;
  double d = max_diff(cpu, gpu, n, &nan_mismatch);
  int ok = d <= 1e-5 && nan_mismatch == 0;
  printf("%-34s max |cpu - cuda| = %.3g%s\n", what, d, ok ? "" : "  FAIL");
  if (!ok) failures++;
}

#define RUN(be, call)                                                               \
  do {                                                                              \
    if ((call) != TW_OK || tw_backend_synchronize(be) != TW_OK) {                   \
      fprintf(stderr, "%s: %s\n", tw_backend_name((be)), tw_last_error());                \
      return 1;                                                                     \
    }                                                                               \
  } while (0)

int main(void) {
  if (!tw_backend_cuda_compiled() || tw_backend_cuda_devices(NULL, 0) == 0) {
    printf("SKIP: %s\n", tw_backend_cuda_compiled() ? "no GPU present" : "CUDA not compiled in");
    return 77;
  }
  tw_backend *cpu = NULL, *gpu = NULL;
  if (tw_backend_create(TW_BACKEND_CPU, &cpu) != TW_OK ||
      tw_backend_create(TW_BACKEND_CUDA, &gpu) != TW_OK) {
    fprintf(stderr, "backend: %s\n", tw_last_error());
    return 1;
  }
  tw_test_inputs in;
  if (tw_test_inputs_make(997, 53, &in) != 0) return 1;
  in.u100[5] = NAN; /* missing data must stay NaN on both */
  in.ghi[7] = NAN;
  tw_test_device dc, dg;
  if (tw_test_device_upload(cpu, &in, &dc) != TW_OK || tw_test_device_upload(gpu, &in, &dg) != TW_OK) {
    fprintf(stderr, "upload: %s\n", tw_last_error());
    return 1;
  }
  size_t n = in.n;
  float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  char name[64];
  for (int v = 0; v < TW_TEST_WIND_VARIANTS; v++) {
    tw_wind_job jc = tw_test_wind_job(&in, &dc, v), jg = tw_test_wind_job(&in, &dg, v);
    RUN(cpu, tw_backend_wind_cf(cpu, &jc));
    RUN(gpu, tw_backend_wind_cf(gpu, &jg));
    tw_backend_download(cpu, a, dc.out, n * sizeof(float));
    tw_backend_download(gpu, b, dg.out, n * sizeof(float));
    snprintf(name, sizeof name, "wind_cf variant %d (%s)", v,
             v == 0 ? "log, z0(t)"
                    : (v == 1 ? "log, cell factor" : (v == 2 ? "power law" : "int16")));
    compare(name, a, b, n);
  }
  for (int v = 0; v < TW_TEST_PV_VARIANTS; v++) {
    tw_pv_job jc = tw_test_pv_job(&in, &dc, v), jg = tw_test_pv_job(&in, &dg, v);
    RUN(cpu, tw_backend_pv_cf(cpu, &jc));
    RUN(gpu, tw_backend_pv_cf(gpu, &jg));
    tw_backend_download(cpu, a, dc.out, n * sizeof(float));
    tw_backend_download(gpu, b, dg.out, n * sizeof(float));
    int vv = v >= 14 ? (v == 14 ? 2 : (v == 17 ? 3 : 3)) : v;
    vv = vv >= 12 ? (vv == 12 ? 3 : 10) : vv;
    snprintf(name, sizeof name, "pv_cf %s %s %s%s%s%s", vv >= 6 ? "pvwatts" : "huld",
             (vv >> 1) % 3 == 0 ? "fixed" : ((vv >> 1) % 3 == 1 ? "lat-opt" : "1-axis"),
             (vv & 1) ? "fdir" : "reindl", (v >= 12 && v < 14) || v == 17 ? " perez" : "",
             v >= 14 ? " fast-sun" : "", v == 16 ? " int16" : "");
    compare(name, a, b, n);
  }
  /* sparse aggregation: 37 buses over the 997 cells, x = the last PV output */
  int nrow = 37, ncol = (int)in.ncell;
  int *rp = malloc((size_t)(nrow + 1) * sizeof *rp), *col = malloc((size_t)ncol * sizeof *col);
  float *val = malloc((size_t)ncol * sizeof *val);
  rp[0] = 0;
  for (int r = 0, k = 0; r < nrow; r++) {
    for (int cidx = r; cidx < ncol; cidx += nrow, k++) {
      col[k] = cidx;
      val[k] = 1.0f / (float)((ncol - r + nrow - 1) / nrow);
    }
    rp[r + 1] = k;
  }
  void *drp[2], *dcol[2], *dval[2], *dy[2];
  tw_backend *bes[2] = {cpu, gpu};
  tw_test_device *devs[2] = {&dc, &dg};
  float *ys[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    tw_backend *be = bes[i];
    tw_backend_alloc(be, (size_t)(nrow + 1) * sizeof(int), &drp[i]);
    tw_backend_alloc(be, (size_t)ncol * sizeof(int), &dcol[i]);
    tw_backend_alloc(be, (size_t)ncol * sizeof(float), &dval[i]);
    tw_backend_alloc(be, in.ntime * (size_t)nrow * sizeof(float), &dy[i]);
    tw_backend_upload(be, drp[i], rp, (size_t)(nrow + 1) * sizeof(int));
    tw_backend_upload(be, dcol[i], col, (size_t)ncol * sizeof(int));
    tw_backend_upload(be, dval[i], val, (size_t)ncol * sizeof(float));
    tw_csr_job j = {nrow, ncol, in.ntime, drp[i], dcol[i], dval[i], devs[i]->out, dy[i], NULL, NULL, rp[nrow]};
    RUN(be, tw_backend_csr_aggregate(be, &j));
    tw_backend_download(be, ys[i], dy[i], in.ntime * (size_t)nrow * sizeof(float));
    tw_backend_free(be, drp[i]);
    tw_backend_free(be, dcol[i]);
    tw_backend_free(be, dval[i]);
    tw_backend_free(be, dy[i]);
  }
  compare("csr_aggregate (37 buses)", a, b, in.ntime * (size_t)nrow);
  /* fused convert + aggregate (wind_bus_cf, pv_bus_cf): CUDA against the
   * CPU reference loops, and against the CUDA unfused path, for every
   * variant and three layouts (strided rows; 2 long rows: the block-per-row
   * kernel; contiguous ranges with empty buses) */
  static const char *layout_name[3] = {"37 strided", "2 long", "11 ranges"};
  for (int kind = 0; kind < 3; kind++) {
    tw_test_layout l;
    if (tw_test_layout_make(kind, (int)in.ncell, &l) != 0) return 1;
    size_t ny = in.ntime * (size_t)l.nrow;
    float *c_f = malloc(ny * sizeof *c_f), *g_f = malloc(ny * sizeof *g_f),
          *g_u = malloc(ny * sizeof *g_u);
    const int nw = TW_TEST_WIND_VARIANTS;
    for (int v = 0; v < nw + TW_TEST_PV_VARIANTS; v++) {
      tw_wind_job wc, wg;
      tw_pv_job pc, pg;
      int wind = v < nw;
      if (wind) {
        wc = tw_test_wind_job(&in, &dc, v);
        wg = tw_test_wind_job(&in, &dg, v);
      } else {
        pc = tw_test_pv_job(&in, &dc, v - nw);
        pg = tw_test_pv_job(&in, &dg, v - nw);
      }
      if (tw_test_run_fused(cpu, wind ? &wc : NULL, wind ? NULL : &pc, &l, in.ntime, c_f) !=
              TW_OK ||
          tw_test_run_fused(gpu, wind ? &wg : NULL, wind ? NULL : &pg, &l, in.ntime, g_f) !=
              TW_OK ||
          tw_test_run_unfused(gpu, wind ? &wg : NULL, wind ? NULL : &pg, &l, in.ntime, g_u) !=
              TW_OK) {
        fprintf(stderr, "fused: %s\n", tw_last_error());
        return 1;
      }
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
  free(rp);
  free(col);
  free(val);
  free(a);
  free(b);
  tw_test_device_free(&dc);
  tw_test_device_free(&dg);
  tw_test_inputs_free(&in);
  tw_backend_destroy(&cpu);
  tw_backend_destroy(&gpu);
  return failures ? 1 : 0;
}
