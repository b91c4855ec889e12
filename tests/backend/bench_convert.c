/* Conversion throughput benchmark (scripts/bench/convert runs it): wind and
 * PV cell-hours per second on one backend over >= --cell-hours generated
 * cell-hours (processed as repeated passes over a chunk that lives in
 * memory), and the fraction of a STREAM-style copy bandwidth measured in
 * the same run that the wind kernel achieves (12 bytes per cell-hour:
 * u, v read, cf written; the per-cell hub factor is reused over the time
 * steps). Copy and wind passes alternate and the best pass of each is
 * compared, so a shared machine's load affects both alike; the
 * cell-hours per second are over all passes. Last stdout line: one JSON
 * object.
 *   tw_bench_convert [--backend cpu|cuda] [--cell-hours N] [--chunk N]
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef TW_HAVE_CUDA
#include <cuda_runtime.h>
#endif

#include "backend/convert_jobs.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Copy bandwidth (bytes read + written per second) on the backend's memory. */
static double copy_bandwidth(tw_backend *be, size_t n, int reps) {
  double best = 0.0;
  if (be->kind == TW_BACKEND_CPU) {
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    if (!a || !b) return 0.0;
    const long long nn = (long long)n;
#pragma omp parallel for schedule(static)
    for (long long i = 0; i < nn; i++) {
      a[i] = (float)(i & 1023);
      b[i] = 0.0f;
    }
    for (int r = 0; r < reps; r++) {
      double t0 = now_s();
#pragma omp parallel for schedule(static)
      for (long long i = 0; i < nn; i++) b[i] = a[i];
      double bw = 2.0 * 4.0 * (double)n / (now_s() - t0);
      best = bw > best ? bw : best;
    }
    volatile float sink = b[n / 2];
    (void)sink;
    free(a);
    free(b);
  }
#ifdef TW_HAVE_CUDA
  else {
    void *a = NULL, *b = NULL;
    if (be->ops->alloc(be, n * 4, &a) != TW_OK || be->ops->alloc(be, n * 4, &b) != TW_OK) return 0;
    for (int r = 0; r < reps; r++) {
      cudaDeviceSynchronize();
      double t0 = now_s();
      cudaMemcpy(b, a, n * 4, cudaMemcpyDeviceToDevice);
      cudaDeviceSynchronize();
      double bw = 2.0 * 4.0 * (double)n / (now_s() - t0);
      best = bw > best ? bw : best;
    }
    be->ops->free(be, a);
    be->ops->free(be, b);
  }
#endif
  return best;
}

int main(int argc, char **argv) {
  const char *backend = "cpu";
  double cell_hours = 1e8;
  size_t chunk = (size_t)1 << 23;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--backend") && i + 1 < argc) backend = argv[++i];
    else if (!strcmp(argv[i], "--cell-hours") && i + 1 < argc) cell_hours = atof(argv[++i]);
    else if (!strcmp(argv[i], "--chunk") && i + 1 < argc) chunk = (size_t)atof(argv[++i]);
    else {
      fprintf(stderr, "usage: %s [--backend cpu|cuda] [--cell-hours N] [--chunk N]\n", argv[0]);
      return 1;
    }
  }
  tw_backend_kind kind;
  tw_backend *be = NULL;
  if (tw_backend_kind_parse(backend, &kind) != TW_OK || tw_backend_create(kind, &be) != TW_OK) {
    fprintf(stderr, "backend '%s': %s\n", backend, tw_last_error());
    return 4;
  }
  size_t ntime = 24 * 7, ncell = chunk / ntime;
  tw_test_inputs in;
  tw_test_device d;
  if (tw_test_inputs_make(ncell, ntime, &in) != 0 || tw_test_device_upload(be, &in, &d) != TW_OK) {
    fprintf(stderr, "setup failed: %s\n", tw_last_error());
    return 4;
  }
  size_t passes = (size_t)(cell_hours / (double)in.n + 0.999999);
  if (passes < 1) passes = 1;
  double total = (double)passes * (double)in.n;
  /* Wind passes interleaved with copy passes, so both see the same machine
   * load (shared CPUs): the fraction compares the best pass of each. */
  double copy_bw = 0.0, best_wind_s = 1e300;
  tw_wind_job wj = tw_test_wind_job(&in, &d, 1); /* log law, per-cell hub factor */
  be->ops->wind_cf(be, &wj); /* warm-up */
  be->ops->synchronize(be);
  double wind_s = 0.0;
  for (size_t p = 0; p < passes; p++) {
    double bw = copy_bandwidth(be, in.n * 3 / 2, 1);
    copy_bw = bw > copy_bw ? bw : copy_bw;
    double t0 = now_s();
    if (be->ops->wind_cf(be, &wj) != TW_OK) return 5;
    be->ops->synchronize(be);
    double dt = now_s() - t0;
    wind_s += dt;
    best_wind_s = dt < best_wind_s ? dt : best_wind_s;
  }
  double t0;

  tw_pv_job pj = tw_test_pv_job(&in, &d, 2); /* Huld, latitude-optimal, Reindl */
  be->ops->pv_cf(be, &pj);
  be->ops->synchronize(be);
  size_t pv_passes = passes;
  t0 = now_s();
  for (size_t p = 0; p < pv_passes; p++)
    if (be->ops->pv_cf(be, &pj) != TW_OK) return 5;
  be->ops->synchronize(be);
  double pv_s = now_s() - t0;

  /* Per-bus series, both ways, over a layout of 1 bus per ~50 cells
   * (contiguous ranges): wind_cf + csr_aggregate (a cell array written
   * and read back) against the fused wind_bus_cf / pv_bus_cf. Wind over
   * the same passes as above (alternating, best pass of each); PV over
   * one pass each. */
  double wind_unfused_best = 1e300, wind_fused_best = 1e300, pv_unfused_s = 0, pv_fused_s = 0;
  int nbus = (int)(ncell / 50 > 0 ? ncell / 50 : 1);
  tw_test_layout lay;
  void *d_rp = NULL, *d_col = NULL, *d_val = NULL, *d_y = NULL;
  if (tw_test_layout_ranges(nbus, (int)ncell, &lay) != 0 ||
      be->ops->alloc(be, (size_t)(nbus + 1) * sizeof(int), &d_rp) != TW_OK ||
      be->ops->alloc(be, ncell * sizeof(int), &d_col) != TW_OK ||
      be->ops->alloc(be, ncell * sizeof(float), &d_val) != TW_OK ||
      be->ops->alloc(be, ntime * (size_t)nbus * sizeof(float), &d_y) != TW_OK ||
      be->ops->upload(be, d_rp, lay.row_ptr, (size_t)(nbus + 1) * sizeof(int)) != TW_OK ||
      be->ops->upload(be, d_col, lay.col, ncell * sizeof(int)) != TW_OK ||
      be->ops->upload(be, d_val, lay.val, ncell * sizeof(float)) != TW_OK) {
    fprintf(stderr, "layout setup failed: %s\n", tw_last_error());
    return 4;
  }
  tw_csr_job agg = {nbus, (int)ncell, ntime, d_rp, d_col, d_val, wj.cf, d_y, NULL, NULL};
  int have_fused = be->ops->wind_bus_cf != NULL && be->ops->pv_bus_cf != NULL;
  for (size_t p = 0; have_fused && p < passes; p++) {
    t0 = now_s();
    if (be->ops->wind_cf(be, &wj) != TW_OK || be->ops->csr_aggregate(be, &agg) != TW_OK) return 5;
    be->ops->synchronize(be);
    double dt = now_s() - t0;
    wind_unfused_best = dt < wind_unfused_best ? dt : wind_unfused_best;
    t0 = now_s();
    if (be->ops->wind_bus_cf(be, &wj, &agg) != TW_OK) return 5;
    be->ops->synchronize(be);
    dt = now_s() - t0;
    wind_fused_best = dt < wind_fused_best ? dt : wind_fused_best;
  }
  if (have_fused) {
    agg.x = pj.cf;
    t0 = now_s();
    if (be->ops->pv_cf(be, &pj) != TW_OK || be->ops->csr_aggregate(be, &agg) != TW_OK) return 5;
    be->ops->synchronize(be);
    pv_unfused_s = now_s() - t0;
    t0 = now_s();
    if (be->ops->pv_bus_cf(be, &pj, &agg) != TW_OK) return 5;
    be->ops->synchronize(be);
    pv_fused_s = now_s() - t0;
  }
  be->ops->free(be, d_rp);
  be->ops->free(be, d_col);
  be->ops->free(be, d_val);
  be->ops->free(be, d_y);
  tw_test_layout_free(&lay);
  double nn = (double)in.n;
  double wf_rate = have_fused ? nn / wind_fused_best : 0.0;
  double wu_rate = have_fused ? nn / wind_unfused_best : 0.0;
  double pf_rate = have_fused ? nn / pv_fused_s : 0.0, pu_rate = have_fused ? nn / pv_unfused_s : 0.0;
  /* the fused wind pass reads u, v (8 bytes per cell-hour; the layout and
   * hub factors are reused over the time steps) */
  double wf_bw = 8.0 * wf_rate;

  double wind_rate = total / wind_s, pv_rate = total / pv_s;
  double wind_bw = 12.0 * (double)in.n / best_wind_s; /* best pass */
  printf("backend %s: %.3g cell-hours (%zu passes over %zu cells x %zu h)\n", be->ops->name, total,
         passes, ncell, ntime);
  printf("copy bandwidth %.2f GB/s (best pass); wind %.3g cell-hours/s (best pass %.2f GB/s); pv "
         "%.3g cell-hours/s\n",
         copy_bw / 1e9, wind_rate, wind_bw / 1e9, pv_rate);
  printf("per-bus series (%d buses): wind %.3g cell-hours/s unfused, %.3g fused (best passes; "
         "fused %.2f GB/s); pv %.3g unfused, %.3g fused\n",
         nbus, wu_rate, wf_rate, wf_bw / 1e9, pu_rate, pf_rate);
  printf("{\"benchmark\":\"convert\",\"backend\":\"%s\",\"cell_hours\":%.0f,"
         "\"wind_cell_hours_per_s\":%.6g,\"pv_cell_hours_per_s\":%.6g,"
         "\"copy_bandwidth_GB_per_s\":%.4g,\"wind_bandwidth_GB_per_s\":%.4g,"
         "\"wind_fraction_of_copy_bandwidth\":%.4f,"
         "\"wind_bus_unfused_cell_hours_per_s\":%.6g,\"wind_bus_fused_cell_hours_per_s\":%.6g,"
         "\"wind_fused_fraction_of_copy_bandwidth\":%.4f,\"wind_fused_speedup\":%.4g,"
         "\"pv_bus_unfused_cell_hours_per_s\":%.6g,\"pv_bus_fused_cell_hours_per_s\":%.6g}\n",
         be->ops->name, total, wind_rate, pv_rate, copy_bw / 1e9, wind_bw / 1e9,
         copy_bw > 0 ? wind_bw / copy_bw : 0.0, wu_rate, wf_rate,
         copy_bw > 0 ? wf_bw / copy_bw : 0.0, wu_rate > 0 ? wf_rate / wu_rate : 0.0, pu_rate,
         pf_rate);
  tw_test_device_free(&d);
  tw_test_inputs_free(&in);
  tw_backend_destroy(&be);
  return 0;
}
