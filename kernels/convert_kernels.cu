/* CUDA kernels of the conversion ops: wind capacity factor, PV output and
 * the sparse cell -> bus aggregation. Each calls the same TW_HD element
 * functions as the CPU loops (convert_math.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <cuda_runtime.h>

#include "backend/backend_convert.h"
#include "terrawatt/convert_math.h"

namespace {

tw_status launch_status(const char *what) {
  cudaError_t e = cudaGetLastError();
  if (e == cudaSuccess) return TW_OK;
  return tw_error(e == cudaErrorMemoryAllocation ? TW_ERR_RESOURCE : TW_ERR_INTERNAL,
                  "CUDA %s failed: %s", what, cudaGetErrorString(e));
}

unsigned blocks_for(size_t n, unsigned block) {
  size_t b = (n + block - 1) / block;
  return b > 65535u * 32u ? 65535u * 32u : (unsigned)b;
}

__global__ void wind_kernel(tw_wind_job job) {
  size_t n = job.ncell * job.ntime;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    job.cf[i] = tw_wind_job_element(&job, i);
}

__global__ void pv_kernel(tw_pv_job job) {
  size_t n = job.ncell * job.ntime;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    job.cf[i] = tw_pv_job_element(&job, i);
}

__global__ void csr_kernel(tw_csr_job job) {
  size_t n = job.ntime * (size_t)job.nrow;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    job.y[i] = tw_csr_job_element(&job, i / (size_t)job.nrow, (int)(i % (size_t)job.nrow));
}

} // namespace

extern "C" tw_status tw_cuda_wind_cf(tw_backend *, const tw_wind_job *job) {
  size_t n = job->ncell * job->ntime;
  if (n == 0) return TW_OK;
  wind_kernel<<<blocks_for(n, 256), 256>>>(*job);
  return launch_status("wind_cf kernel launch");
}

extern "C" tw_status tw_cuda_pv_cf(tw_backend *, const tw_pv_job *job) {
  size_t n = job->ncell * job->ntime;
  if (n == 0) return TW_OK;
  pv_kernel<<<blocks_for(n, 128), 128>>>(*job);
  return launch_status("pv_cf kernel launch");
}

extern "C" tw_status tw_cuda_csr_aggregate(tw_backend *, const tw_csr_job *job) {
  size_t n = job->ntime * (size_t)job->nrow;
  if (n == 0) return TW_OK;
  csr_kernel<<<blocks_for(n, 256), 256>>>(*job);
  return launch_status("csr_aggregate kernel launch");
}
