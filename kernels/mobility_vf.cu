/* CUDA kernel of the EV valley-filling projection step: one thread per
 * vehicle group, calling the same TW_HD function as the CPU backend
 * (include/terrawatt/mobility_math.h tw_vf_project_group). The hour-major
 * layout ([t * n_groups + g]) makes neighbouring threads read neighbouring
 * addresses, so every pass over the hours is coalesced.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "cuda_common.h"
#include "terrawatt/mobility_math.h"

namespace {

__global__ void ev_project_kernel(tw_ev_project_job job) {
  for (size_t g = blockIdx.x * (size_t)blockDim.x + threadIdx.x; g < job.n_groups;
       g += (size_t)gridDim.x * blockDim.x)
    (void)tw_vf_project_group(g, job.n_groups, job.n_hours, job.gamma, job.price, job.r,
                              job.r_prev, job.beta, job.upper, job.energy_MWh[g], &job.lambda[g]);
}

tw_status cu_ev_project(tw_backend *be, const tw_ev_project_job *job) {
  if (job->n_groups == 0 || job->n_hours <= 0) return TW_OK;
  const unsigned block = 128;
  ev_project_kernel<<<tw_cuda_blocks(job->n_groups, block), block, 0, tw_cuda_stream(be)>>>(*job);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

} // namespace

extern "C" const tw_mobility_ops tw_cuda_mobility_ops = {cu_ev_project};
