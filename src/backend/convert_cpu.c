/* CPU (OpenMP) loops of the conversion ops; the per-element math is in
 * convert_math.h, shared with kernels/convert_kernels.cu.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/convert_math.h"

#include "backend_convert.h"

/* Cells per work item of the wind loop: a time step's row is split into
 * blocks so short and long time axes both spread over the threads. */
#define TW_WIND_BLOCK 4096

/* One block of the memory-bound wind loop (log law with a per-cell hub
 * factor): cf = table(|(u, v)| * factor). Built for AVX2 (vector gathers
 * of the table) and for baseline x86-64, chosen at load time, where the
 * compiler supports target clones. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__gnu_linux__)
__attribute__((target_clones("avx2", "default")))
#endif
static void wind_block(size_t n, const float *restrict u, const float *restrict v,
                       const float *restrict factor, float *restrict out,
                       const float *restrict table, int len, float inv_dv, float lo, float hi) {
#pragma omp simd
  for (size_t c = 0; c < n; c++)
    out[c] = tw_wind_table_cell_cf(u[c], v[c], factor[c], table, len, inv_dv, lo, hi);
}

tw_status tw_cpu_wind_cf(tw_backend *be, const tw_wind_job *job) {
  (void)be;
  const size_t ncell = job->ncell;
  if (ncell == 0 || job->ntime == 0) return TW_OK;
  const long long nblk = (long long)((ncell + TW_WIND_BLOCK - 1) / TW_WIND_BLOCK);
  const long long count = (long long)job->ntime * nblk;
  if (job->hub_factor && !job->power_law) {
    /* the common case, memory-bound: u, v read, cf written per element */
    const float *table = job->curve_table, *factor = job->hub_factor;
    const int len = job->curve_len;
    const float inv_dv = job->curve_inv_dv, lo = job->curve_min_ms, hi = job->curve_max_ms;
#pragma omp parallel for schedule(static)
    for (long long b = 0; b < count; b++) {
      size_t t = (size_t)(b / nblk), c0 = (size_t)(b % nblk) * TW_WIND_BLOCK;
      size_t c1 = c0 + TW_WIND_BLOCK < ncell ? c0 + TW_WIND_BLOCK : ncell;
      wind_block(c1 - c0, job->u_ms + t * ncell + c0, job->v_ms + t * ncell + c0, factor + c0,
                 job->cf + t * ncell + c0, table, len, inv_dv, lo, hi);
    }
    return TW_OK;
  }
#pragma omp parallel for schedule(static)
  for (long long b = 0; b < count; b++) {
    size_t t = (size_t)(b / nblk), c0 = (size_t)(b % nblk) * TW_WIND_BLOCK;
    size_t c1 = c0 + TW_WIND_BLOCK < ncell ? c0 + TW_WIND_BLOCK : ncell;
    for (size_t c = c0; c < c1; c++)
      job->cf[t * ncell + c] = tw_wind_job_element2(job, t * ncell + c, c);
  }
  return TW_OK;
}

tw_status tw_cpu_pv_cf(tw_backend *be, const tw_pv_job *job) {
  (void)be;
  if (job->ncell == 0) return TW_OK;
  const long long count = (long long)(job->ncell * job->ntime);
#pragma omp parallel for schedule(static)
  for (long long i = 0; i < count; i++) job->cf[i] = tw_pv_job_element(job, (size_t)i);
  return TW_OK;
}

tw_status tw_cpu_csr_aggregate(tw_backend *be, const tw_csr_job *job) {
  (void)be;
  const long long count = (long long)job->ntime * job->nrow;
#pragma omp parallel for schedule(static)
  for (long long i = 0; i < count; i++) {
    size_t t = (size_t)(i / job->nrow);
    int r = (int)(i % job->nrow);
    job->y[(size_t)i] = tw_csr_job_element(job, t, r);
  }
  return TW_OK;
}

/* ---- fused convert + aggregate (reference loops) ------------------------- */

static tw_status check_bus_job(const char *what, size_t ncell, size_t ntime,
                               const tw_csr_job *agg) {
  if (agg->ncol < 0 || (size_t)agg->ncol != ncell || agg->ntime != ntime || agg->nrow < 0)
    return tw_error(TW_ERR_INTERNAL, "%s: layout is %d x %d over %zu steps but the job has %zu "
                    "cells x %zu steps", what, agg->nrow, agg->ncol, agg->ntime, ncell, ntime);
  return TW_OK;
}

/* Cells per gathered block of the fused wind loop (stack buffer). */
#define TW_GATHER_CHUNK 256

/* The wind block of a layout row: cf[k] for the cells col[0..n), gathered
 * (vector gathers in the AVX2 clone). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__gnu_linux__)
__attribute__((target_clones("avx2", "default")))
#endif
static void wind_gather_block(int n, const int *restrict col, const float *restrict u,
                              const float *restrict v, const float *restrict factor,
                              float *restrict out, const float *restrict table, int len,
                              float inv_dv, float lo, float hi) {
#pragma omp simd
  for (int k = 0; k < n; k++) {
    int c = col[k];
    out[k] = tw_wind_table_cell_cf(u[c], v[c], factor[c], table, len, inv_dv, lo, hi);
  }
}

/* Row r of step t: sum over the row's cells of share x capacity factor, in
 * double, in CSR order: bitwise the same as wind_cf then csr_aggregate. */
tw_status tw_cpu_wind_bus_cf(tw_backend *be, const tw_wind_job *job, const tw_csr_job *agg) {
  (void)be;
  TW_CHECK(check_bus_job("wind_bus_cf", job->ncell, job->ntime, agg));
  const long long count = (long long)agg->ntime * agg->nrow;
  const size_t ncell = job->ncell;
  if (job->hub_factor && !job->power_law) {
    const float *table = job->curve_table, *factor = job->hub_factor;
    const int len = job->curve_len;
    const float inv_dv = job->curve_inv_dv, lo = job->curve_min_ms, hi = job->curve_max_ms;
#pragma omp parallel for schedule(static)
    for (long long i = 0; i < count; i++) {
      size_t t = (size_t)(i / agg->nrow);
      int r = (int)(i % agg->nrow);
      const float *u = job->u_ms + t * ncell, *v = job->v_ms + t * ncell;
      float cf[TW_GATHER_CHUNK];
      double sum = 0.0;
      for (int k0 = agg->row_ptr[r]; k0 < agg->row_ptr[r + 1]; k0 += TW_GATHER_CHUNK) {
        int n = agg->row_ptr[r + 1] - k0 < TW_GATHER_CHUNK ? agg->row_ptr[r + 1] - k0
                                                           : TW_GATHER_CHUNK;
        const int *col = agg->col + k0;
        int run = 1; /* a run of consecutive cells (a grid row of a region): plain loads */
        while (run < n && col[run] == col[0] + run) run++;
        if (run == n)
          wind_block((size_t)n, u + col[0], v + col[0], factor + col[0], cf, table, len, inv_dv,
                     lo, hi);
        else
          wind_gather_block(n, col, u, v, factor, cf, table, len, inv_dv, lo, hi);
        for (int k = 0; k < n; k++) sum += (double)agg->val[k0 + k] * (double)cf[k];
      }
      agg->y[(size_t)i] = (float)sum;
    }
    return TW_OK;
  }
#pragma omp parallel for schedule(dynamic, 16)
  for (long long i = 0; i < count; i++) {
    size_t t = (size_t)(i / agg->nrow);
    int r = (int)(i % agg->nrow);
    double sum = 0.0;
    for (int k = agg->row_ptr[r]; k < agg->row_ptr[r + 1]; k++) {
      size_t c = (size_t)agg->col[k];
      sum += (double)agg->val[k] * (double)tw_wind_job_element2(job, t * ncell + c, c);
    }
    agg->y[(size_t)i] = (float)sum;
  }
  return TW_OK;
}

tw_status tw_cpu_pv_bus_cf(tw_backend *be, const tw_pv_job *job, const tw_csr_job *agg) {
  (void)be;
  TW_CHECK(check_bus_job("pv_bus_cf", job->ncell, job->ntime, agg));
  const long long count = (long long)agg->ntime * agg->nrow;
#pragma omp parallel for schedule(static)
  for (long long i = 0; i < count; i++) {
    size_t t = (size_t)(i / agg->nrow);
    int r = (int)(i % agg->nrow);
    double sum = 0.0;
    for (int k = agg->row_ptr[r]; k < agg->row_ptr[r + 1]; k++)
      sum += (double)agg->val[k] *
             (double)tw_pv_job_element(job, t * job->ncell + (size_t)agg->col[k]);
    agg->y[(size_t)i] = (float)sum;
  }
  return TW_OK;
}
