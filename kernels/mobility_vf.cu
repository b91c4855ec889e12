/* CUDA kernel of the EV valley-filling projection step: one thread per
 * vehicle group, calling the same TW_HD function as the CPU backend
 * (include/terrawatt/mobility_math.h tw_vf_project_group). The hour-major
 * layout ([t * n_groups + g]) makes neighbouring threads read neighbouring
 * addresses, so every pass over the hours is coalesced.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <cuda_runtime.h>

#include "terrawatt/backend.h"
#include "terrawatt/mobility_math.h"

namespace {

__global__ void ev_project_kernel(tw_ev_project_job job) {
  for (size_t g = blockIdx.x * (size_t)blockDim.x + threadIdx.x; g < job.n_groups;
       g += (size_t)gridDim.x * blockDim.x)
    (void)tw_vf_project_group(g, job.n_groups, job.n_hours, job.gamma, job.price, job.r,
                              job.r_prev, job.beta, job.upper, job.energy_MWh[g], &job.lambda[g]);
}

} // namespace

extern "C" tw_status tw_cuda_ev_project(tw_backend *, const tw_ev_project_job *job) {
  if (job->n_groups == 0 || job->n_hours <= 0) return TW_OK;
  const unsigned block = 128;
  size_t blocks = (job->n_groups + block - 1) / block;
  if (blocks > 65535u * 32u) blocks = 65535u * 32u;
  ev_project_kernel<<<(unsigned)blocks, block>>>(*job);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess)
    return tw_error(TW_ERR_INTERNAL, "CUDA ev_project kernel launch (%zu groups x %d h) failed: %s",
                    job->n_groups, job->n_hours, cudaGetErrorString(e));
  return TW_OK;
}
