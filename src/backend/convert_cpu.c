/* CPU (OpenMP) loops of the conversion ops; the per-element math is in
 * convert_math.h, shared with kernels/convert_kernels.cu.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/convert_math.h"

#include "backend_convert.h"

tw_status tw_cpu_wind_cf(tw_backend *be, const tw_wind_job *job) {
  (void)be;
  const long long count = (long long)job->n;
#pragma omp parallel for schedule(static)
  for (long long i = 0; i < count; i++) job->cf[i] = tw_wind_job_element(job, (size_t)i);
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
