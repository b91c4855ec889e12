/* CUDA kernels of the forecast MLP: dense-layer bias + activation, the
 * activation backward pass, AdamW and the output head. Each calls the same
 * TW_HD function as the CPU backend (include/terrawatt/mlp_math.h); the CPU
 * loops in src/backend/backend_cpu.c are their reference.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "cuda_common.h"

#include "terrawatt/mlp_math.h"

namespace {

unsigned blocks_for(size_t n, unsigned block) {
  size_t blocks = (n + block - 1) / block;
  if (blocks == 0) blocks = 1;
  return blocks > 65535u * 32u ? 65535u * 32u : (unsigned)blocks;
}

__global__ void activation_kernel(tw_activation act, size_t n, float *x) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    x[i] = tw_activate(act, x[i]);
}

__global__ void bias_activation_kernel(tw_activation act, int rows, size_t n, const float *bias,
                                       float *z, float *a) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x) {
    float v = z[i] + bias[i % (size_t)rows];
    z[i] = v;
    a[i] = tw_activate(act, v);
  }
}

__global__ void activation_backward_kernel(tw_activation act, size_t n, const float *z,
                                           float *grad) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    grad[i] *= tw_activation_grad(act, z[i]);
}

__global__ void adam_kernel(tw_adam_job job) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < job.n;
       i += (size_t)gridDim.x * blockDim.x)
    tw_adam_element(&job, i);
}

__global__ void output_kernel(tw_output_job job) {
  for (int j = (int)(blockIdx.x * blockDim.x + threadIdx.x); j < job.n;
       j += (int)(gridDim.x * blockDim.x))
    tw_output_sample(&job, j);
}

__global__ void dense_forward_kernel(tw_activation act, int rows, size_t n, const float *bias,
                                     float *z, float *a) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    tw_dense_forward_element(act, bias, (int)(i % (size_t)rows), i, z, a);
}

/* One thread per row i: the product with the derivative and the row sum
 * (the bias gradient); threads of a warp read consecutive rows. */
__global__ void dense_backward_kernel(int rows, int cols, const float *dact, float *grad,
                                      float *db) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < rows; i += gridDim.x * blockDim.x) {
    float sum = 0.0f;
    for (int j = 0; j < cols; j++) {
      size_t at = (size_t)i + (size_t)j * (size_t)rows;
      float g = dact ? grad[at] * dact[at] : grad[at];
      grad[at] = g;
      sum += g;
    }
    db[i] = sum;
  }
}

tw_status cu_activation(tw_backend *be, tw_activation act, size_t n, float *x) {
  if (n == 0) return TW_OK;
  activation_kernel<<<blocks_for(n, 256), 256, 0, tw_cuda_stream(be)>>>(act, n, x);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

tw_status cu_dense_forward(tw_backend *be, tw_activation act, int rows, int cols,
                                           const float *bias, float *z, float *a) {
  size_t n = (size_t)rows * (size_t)cols;
  if (n == 0) return TW_OK;
  dense_forward_kernel<<<blocks_for(n, 256), 256, 0, tw_cuda_stream(be)>>>(act, rows, n, bias, z, a);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

tw_status cu_dense_backward(tw_backend *be, int rows, int cols, const float *dact,
                                            float *grad, float *db) {
  if (rows <= 0) return TW_OK;
  dense_backward_kernel<<<blocks_for((size_t)rows, 128), 128, 0, tw_cuda_stream(be)>>>(rows, cols, dact, grad, db);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

tw_status cu_bias_activation(tw_backend *be, tw_activation act, int rows, int cols,
                                             const float *bias, float *z, float *a) {
  size_t n = (size_t)rows * (size_t)cols;
  if (n == 0) return TW_OK;
  bias_activation_kernel<<<blocks_for(n, 256), 256, 0, tw_cuda_stream(be)>>>(act, rows, n, bias, z, a);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

tw_status cu_activation_backward(tw_backend *be, tw_activation act, size_t n,
                                                 const float *z, float *grad) {
  if (n == 0) return TW_OK;
  activation_backward_kernel<<<blocks_for(n, 256), 256, 0, tw_cuda_stream(be)>>>(act, n, z, grad);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

tw_status cu_adam_update(tw_backend *be, const tw_adam_job *job) {
  if (job->n == 0) return TW_OK;
  adam_kernel<<<blocks_for(job->n, 256), 256, 0, tw_cuda_stream(be)>>>(*job);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

tw_status cu_output_loss(tw_backend *be, const tw_output_job *job) {
  if (job->n <= 0) return TW_OK;
  output_kernel<<<blocks_for((size_t)job->n, 128), 128, 0, tw_cuda_stream(be)>>>(*job);
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

} // namespace

extern "C" const tw_forecast_ops tw_cuda_forecast_ops = {
    cu_activation, cu_bias_activation, cu_activation_backward, cu_adam_update,
    cu_output_loss, cu_dense_forward,  cu_dense_backward};
