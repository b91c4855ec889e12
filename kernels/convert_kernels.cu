/* CUDA kernels of the conversion ops: wind capacity factor, PV output, the
 * sparse cell -> bus aggregation, and the fused convert + aggregate. Each calls the same TW_HD element
 * functions as the CPU loops (convert_math.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <cuda_runtime.h>

#include "cuda_common.h"
#include "terrawatt/convert_math.h"

namespace {

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

/* ---- fused convert + aggregate ------------------------------------------
 * The capacity factor of each (time, cell) element is computed where it is
 * summed into its bus: no cell array is written or read back, and each
 * cell-time input is read once (the layout's rows partition the cells,
 * so each cell belongs to one bus; a bus with an empty region reuses its
 * nearest cell). A row (t, r) is handled by one warp (short rows) or one
 * block (long rows, few of them); lanes stride over the row's cells in
 * CSR order (ascending cell index: neighbouring lanes read neighbouring
 * cells), accumulate in double and reduce with warp shuffles. */

struct wind_elem {
  tw_wind_job job;
  __device__ float operator()(size_t t, size_t c) const {
    return tw_wind_job_element2(&job, t * job.ncell + c, c);
  }
};

struct pv_elem {
  tw_pv_job job;
  __device__ float operator()(size_t t, size_t c) const {
    return tw_pv_job_element(&job, t * job.ncell + c);
  }
};

__device__ double warp_sum(double v) {
  for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(0xffffffffu, v, off);
  return v; /* lane 0 holds the sum; NaN propagates */
}

/* Partial sum of row (t, r) over the cells k = first, first + stride, ... */
template <class Elem>
__device__ double row_part(const Elem &e, const tw_csr_job &agg, size_t t, int r, int first,
                           int stride) {
  double sum = 0.0;
  for (int k = agg.row_ptr[r] + first; k < agg.row_ptr[r + 1]; k += stride)
    sum += (double)agg.val[k] * (double)e(t, (size_t)agg.col[k]);
  return sum;
}

/* One warp per row; blockDim.x a multiple of 32. */
template <class Elem>
__global__ void bus_warp_kernel(Elem e, tw_csr_job agg) {
  const size_t nrows = agg.ntime * (size_t)agg.nrow;
  const int lane = (int)(threadIdx.x & 31u);
  const size_t nwarps = ((size_t)gridDim.x * blockDim.x) >> 5;
  for (size_t row = (blockIdx.x * (size_t)blockDim.x + threadIdx.x) >> 5; row < nrows;
       row += nwarps) {
    size_t t = row / (size_t)agg.nrow;
    int r = (int)(row % (size_t)agg.nrow);
    double sum = warp_sum(row_part(e, agg, t, r, lane, 32));
    if (lane == 0) agg.y[row] = (float)sum;
  }
}

/* One block per row (blockDim.x = TW_BUS_BLOCK). */
#define TW_BUS_BLOCK 256
template <class Elem>
__global__ void bus_block_kernel(Elem e, tw_csr_job agg) {
  __shared__ double part[TW_BUS_BLOCK / 32];
  const size_t nrows = agg.ntime * (size_t)agg.nrow;
  const int lane = (int)(threadIdx.x & 31u), warp = (int)(threadIdx.x >> 5);
  for (size_t row = blockIdx.x; row < nrows; row += gridDim.x) {
    size_t t = row / (size_t)agg.nrow;
    int r = (int)(row % (size_t)agg.nrow);
    double sum = warp_sum(row_part(e, agg, t, r, (int)threadIdx.x, TW_BUS_BLOCK));
    if (lane == 0) part[warp] = sum;
    __syncthreads();
    if (warp == 0) {
      double v = lane < TW_BUS_BLOCK / 32 ? part[lane] : 0.0;
      v = warp_sum(v);
      if (lane == 0) agg.y[row] = (float)v;
    }
    __syncthreads();
  }
}

template <class Elem>
tw_status launch_bus(cudaStream_t stream, const Elem &e, const tw_csr_job *agg, size_t ncell,
                     size_t ntime, unsigned warp_block) {
  if (agg->ncol < 0 || (size_t)agg->ncol != ncell || agg->ntime != ntime || agg->nrow < 0)
    return tw_error(TW_ERR_INTERNAL, "%s: layout is %d x %d over %zu steps but the job has %zu "
                    "cells x %zu steps", "fused convert + aggregate", agg->nrow, agg->ncol, agg->ntime, ncell, ntime);
  size_t nrows = ntime * (size_t)agg->nrow;
  if (nrows == 0) return TW_OK;
  /* long rows and too few of them to fill the GPU with warps: a block per
   * row (nnz comes from the host: no copy back from the device layout) */
  double per_row = agg->nrow ? (double)agg->nnz / (double)agg->nrow : 0.0;
  if (per_row >= 4.0 * TW_BUS_BLOCK && nrows < 65536)
    bus_block_kernel<Elem><<<blocks_for(nrows, 1), TW_BUS_BLOCK, 0, stream>>>(e, *agg);
  else
    bus_warp_kernel<Elem><<<blocks_for(nrows * 32, warp_block), warp_block, 0, stream>>>(e, *agg);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

tw_status cu_wind_bus_cf(tw_backend *be, const tw_wind_job *job,
                                         const tw_csr_job *agg) {
  wind_elem e;
  e.job = *job;
  return launch_bus(tw_cuda_stream(be), e, agg, job->ncell, job->ntime, 256);
}

tw_status cu_pv_bus_cf(tw_backend *be, const tw_pv_job *job,
                                       const tw_csr_job *agg) {
  pv_elem e;
  e.job = *job;
  return launch_bus(tw_cuda_stream(be), e, agg, job->ncell, job->ntime, 128);
}

tw_status cu_wind_cf(tw_backend *be, const tw_wind_job *job) {
  size_t n = job->ncell * job->ntime;
  if (n == 0) return TW_OK;
  wind_kernel<<<blocks_for(n, 256), 256, 0, tw_cuda_stream(be)>>>(*job);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

tw_status cu_pv_cf(tw_backend *be, const tw_pv_job *job) {
  size_t n = job->ncell * job->ntime;
  if (n == 0) return TW_OK;
  pv_kernel<<<blocks_for(n, 128), 128, 0, tw_cuda_stream(be)>>>(*job);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

tw_status cu_csr_aggregate(tw_backend *be, const tw_csr_job *job) {
  size_t n = job->ntime * (size_t)job->nrow;
  if (n == 0) return TW_OK;
  csr_kernel<<<blocks_for(n, 256), 256, 0, tw_cuda_stream(be)>>>(*job);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

} // namespace

extern "C" const tw_convert_ops tw_cuda_convert_ops = {cu_wind_cf, cu_pv_cf, cu_csr_aggregate,
                                                       cu_wind_bus_cf, cu_pv_bus_cf};
