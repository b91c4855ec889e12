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
