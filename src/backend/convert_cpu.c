/* CPU (OpenMP) loops of the conversion ops; the per-element math is in
 * convert_math.h, shared with kernels/convert_kernels.cu.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/convert_math.h"

#include "backend_convert.h"

#include <stdlib.h>
#include "terrawatt/alloc.h"

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

/* wind_block reading packed int16 u and v, decoded in the loop. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__gnu_linux__)
__attribute__((target_clones("avx2", "default")))
#endif
static void wind_block_i16(size_t n, const short *restrict u, const short *restrict v,
                           tw_pack up, tw_pack vp, const float *restrict factor,
                           float *restrict out, const float *restrict table, int len,
                           float inv_dv, float lo, float hi) {
  if (!up.use_double && !vp.use_double) { /* the usual wind packing: decoded in float */
#pragma omp simd
    for (size_t c = 0; c < n; c++)
      out[c] = tw_wind_table_cell_cf(tw_unpack_float(u[c], up), tw_unpack_float(v[c], vp),
                                     factor[c], table, len, inv_dv, lo, hi);
    return;
  }
#pragma omp simd
  for (size_t c = 0; c < n; c++)
    out[c] = tw_wind_table_cell_cf(tw_unpack(u[c], up), tw_unpack(v[c], vp), factor[c], table,
                                   len, inv_dv, lo, hi);
}

/* Capacity factors of the n consecutive cells c0.. at step t (fast wind
 * case: hub factor per cell, log law), from float or packed input. */
static inline void wind_run(const tw_wind_job *job, size_t t, size_t c0, size_t n, float *out) {
  size_t at = t * job->ncell + c0;
  if (job->u_i16)
    wind_block_i16(n, job->u_i16 + at, job->v_i16 + at, job->u_pack, job->v_pack,
                   job->hub_factor + c0, out, job->curve_table, job->curve_len,
                   job->curve_inv_dv, job->curve_min_ms, job->curve_max_ms);
  else
    wind_block(n, job->u_ms + at, job->v_ms + at, job->hub_factor + c0, out, job->curve_table,
               job->curve_len, job->curve_inv_dv, job->curve_min_ms, job->curve_max_ms);
}

tw_status tw_cpu_wind_cf(tw_backend *be, const tw_wind_job *job) {
  (void)be;
  const size_t ncell = job->ncell;
  if (ncell == 0 || job->ntime == 0) return TW_OK;
  const long long nblk = (long long)((ncell + TW_WIND_BLOCK - 1) / TW_WIND_BLOCK);
  const long long count = (long long)job->ntime * nblk;
  if (job->hub_factor && !job->power_law) {
    /* the common case, memory-bound: u, v read, cf written per element */
#pragma omp parallel for schedule(static)
    for (long long b = 0; b < count; b++) {
      size_t t = (size_t)(b / nblk), c0 = (size_t)(b % nblk) * TW_WIND_BLOCK;
      size_t c1 = c0 + TW_WIND_BLOCK < ncell ? c0 + TW_WIND_BLOCK : ncell;
      wind_run(job, t, c0, c1 - c0, job->cf + t * ncell + c0);
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

/* Entries per block of a fused row (stack buffer of capacity factors);
 * a multiple of TW_SUM_LANES so the lanes stay aligned across blocks. */
#define TW_ROW_CHUNK 256

/* Add share x capacity factor of n entries (val[0..n), cf[0..n)) to the
 * lanes; entry q goes to lane q % TW_SUM_LANES (the caller keeps blocks
 * aligned to the row's first entry). */
static inline void lanes_add(double *restrict s, const float *restrict val,
                             const float *restrict cf, int n) {
  int q = 0;
  for (; q + TW_SUM_LANES <= n; q += TW_SUM_LANES)
    for (int l = 0; l < TW_SUM_LANES; l++) s[l] += (double)val[q + l] * (double)cf[q + l];
  for (; q < n; q++) s[q % TW_SUM_LANES] += (double)val[q] * (double)cf[q];
}

/* Row (t, r) of the fast wind case by runs: each run of consecutive cells
 * is converted as one contiguous block (plain or int16 vector loads),
 * then summed with its shares in lanes: the same order as csr_aggregate. */
static float wind_row_runs(const tw_wind_job *job, const tw_csr_job *agg, size_t t, int r) {
  float cf[TW_ROW_CHUNK];
  double s[TW_SUM_LANES] = {0.0, 0.0, 0.0, 0.0};
  int kb = agg->row_ptr[r]; /* first entry of the current block */
  for (int j = agg->row_run[r]; j < agg->row_run[r + 1]; j++) {
    int k = agg->run_k[j], kend = agg->run_k[j + 1];
    size_t cell = (size_t)agg->col[k];
    while (k < kend) {
      int m = kend - k, room = TW_ROW_CHUNK - (k - kb);
      if (m > room) m = room;
      wind_run(job, t, cell, (size_t)m, cf + (k - kb));
      k += m;
      cell += (size_t)m;
      if (k - kb == TW_ROW_CHUNK) {
        lanes_add(s, agg->val + kb, cf, TW_ROW_CHUNK);
        kb += TW_ROW_CHUNK;
      }
    }
  }
  lanes_add(s, agg->val + kb, cf, agg->row_ptr[r + 1] - kb);
  return (float)tw_sum_lanes_total(s);
}

/* Row (t, r) of any wind or PV job, cell by cell (gathers), same order. */
static float wind_row_generic(const tw_wind_job *job, const tw_csr_job *agg, size_t t, int r) {
  double s[TW_SUM_LANES] = {0.0, 0.0, 0.0, 0.0};
  int k0 = agg->row_ptr[r];
  for (int k = k0; k < agg->row_ptr[r + 1]; k++) {
    size_t c = (size_t)agg->col[k];
    s[(k - k0) % TW_SUM_LANES] +=
        (double)agg->val[k] * (double)tw_wind_job_element2(job, t * job->ncell + c, c);
  }
  return (float)tw_sum_lanes_total(s);
}

/* The lanes of a row from a step's capacity factors cf[ncell] (in cache):
 * entry k adds val[k] x cf[col[k]] to lane (k - first) % TW_SUM_LANES. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__gnu_linux__)
__attribute__((target_clones("avx2", "default")))
#endif
static float row_from_step(const float *restrict cf, const int *restrict col,
                           const float *restrict val, int n) {
  double s[TW_SUM_LANES] = {0.0, 0.0, 0.0, 0.0};
  int q = 0;
  for (; q + TW_SUM_LANES <= n; q += TW_SUM_LANES)
    for (int l = 0; l < TW_SUM_LANES; l++) s[l] += (double)val[q + l] * (double)cf[col[q + l]];
  for (; q < n; q++) s[q % TW_SUM_LANES] += (double)val[q] * (double)cf[col[q]];
  return (float)tw_sum_lanes_total(s);
}

/* Mean cells per run below which the per-step path beats the runs. */
#define TW_MIN_MEAN_RUN 48

/* Row r of step t: sum over the row's cells of share x capacity factor, in
 * double lanes, in CSR order: bitwise the same as wind_cf then
 * csr_aggregate. Fast wind case (hub factor, log law), two ways:
 *  - long runs (mean >= TW_MIN_MEAN_RUN cells): one work item per (t, r),
 *    each run converted as one contiguous block into a stack buffer;
 *  - short runs (small bus regions): one work item per step, the whole
 *    step converted in cell order (one contiguous stream, no per-run
 *    overhead) into a per-thread buffer of ncell floats that stays in
 *    cache, then every row summed from it.
 * Allocation: one buffer per thread per call, none in the loops. */
tw_status tw_cpu_wind_bus_cf(tw_backend *be, const tw_wind_job *job, const tw_csr_job *agg) {
  (void)be;
  TW_CHECK(check_bus_job("wind_bus_cf", job->ncell, job->ntime, agg));
  const long long count = (long long)agg->ntime * agg->nrow;
  const int fast = job->hub_factor && !job->power_law && agg->row_run && agg->run_k;
  const int nrun = fast ? agg->row_run[agg->nrow] : 0;
  const int nnz = agg->row_ptr[agg->nrow];
  if (fast && nrun > 0 && (double)nnz < TW_MIN_MEAN_RUN * (double)nrun && agg->ntime > 1) {
    const long long nt = (long long)agg->ntime;
    tw_status st = TW_OK;
#pragma omp parallel
    {
      float *cf = tw_malloc((job->ncell ? job->ncell : 1) * sizeof *cf);
      if (!cf) {
#pragma omp critical
        st = tw_error(TW_ERR_RESOURCE, "wind_bus_cf: out of memory (%zu cells)", job->ncell);
      }
#pragma omp for schedule(static)
      for (long long t = 0; t < nt; t++) {
        if (!cf) continue;
        for (size_t c0 = 0; c0 < job->ncell; c0 += TW_WIND_BLOCK)
          wind_run(job, (size_t)t, c0,
                   job->ncell - c0 < TW_WIND_BLOCK ? job->ncell - c0 : TW_WIND_BLOCK, cf + c0);
        float *y = agg->y + (size_t)t * (size_t)agg->nrow;
        for (int r = 0; r < agg->nrow; r++)
          y[r] = row_from_step(cf, agg->col + agg->row_ptr[r], agg->val + agg->row_ptr[r],
                               agg->row_ptr[r + 1] - agg->row_ptr[r]);
      }
      free(cf);
    }
    return st;
  }
#pragma omp parallel for schedule(static) if (count > 1)
  for (long long i = 0; i < count; i++) {
    size_t t = (size_t)(i / agg->nrow);
    int r = (int)(i % agg->nrow);
    agg->y[(size_t)i] = fast ? wind_row_runs(job, agg, t, r) : wind_row_generic(job, agg, t, r);
  }
  return TW_OK;
}

tw_status tw_cpu_pv_bus_cf(tw_backend *be, const tw_pv_job *job, const tw_csr_job *agg) {
  (void)be;
  TW_CHECK(check_bus_job("pv_bus_cf", job->ncell, job->ntime, agg));
  const long long count = (long long)agg->ntime * agg->nrow;
#pragma omp parallel for schedule(dynamic, 16)
  for (long long i = 0; i < count; i++) {
    size_t t = (size_t)(i / agg->nrow);
    int r = (int)(i % agg->nrow);
    double s[TW_SUM_LANES] = {0.0, 0.0, 0.0, 0.0};
    int k0 = agg->row_ptr[r];
    for (int k = k0; k < agg->row_ptr[r + 1]; k++)
      s[(k - k0) % TW_SUM_LANES] +=
          (double)agg->val[k] *
          (double)tw_pv_job_element(job, t * job->ncell + (size_t)agg->col[k]);
    agg->y[(size_t)i] = (float)tw_sum_lanes_total(s);
  }
  return TW_OK;
}
