/* The CUDA backend: cuBLAS for sgemm, kernels that call the same TW_HD
 * per-element functions as the CPU backend.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/activation.h"
#include "terrawatt/backend.h"
#include "terrawatt/physics_wind.h"

#include "backend/backend_convert.h" /* conversion kernels: kernels/convert_kernels.cu */

/* Forecast MLP kernels (kernels/forecast_kernels.cu). */
extern "C" tw_status tw_cuda_bias_activation(tw_backend *, tw_activation, int, int, const float *,
                                             float *, float *);
extern "C" tw_status tw_cuda_activation_backward(tw_backend *, tw_activation, size_t,
                                                 const float *, float *);
extern "C" tw_status tw_cuda_adam_update(tw_backend *, const tw_adam_job *);
extern "C" tw_status tw_cuda_output_loss(tw_backend *, const tw_output_job *);
extern "C" tw_status tw_cuda_dense_forward(tw_backend *, tw_activation, int, int, const float *,
                                           float *, float *);
extern "C" tw_status tw_cuda_dense_backward(tw_backend *, int, int, const float *, float *,
                                            float *);
/* EV valley-filling projection (kernels/mobility_vf.cu). */
extern "C" tw_status tw_cuda_ev_project(tw_backend *, const tw_ev_project_job *);

namespace {

struct cuda_state {
  cublasHandle_t blas;
  int device;
};

tw_status cuda_fail(cudaError_t err, const char *what) {
  return tw_error(err == cudaErrorMemoryAllocation ? TW_ERR_RESOURCE : TW_ERR_INTERNAL,
                  "CUDA %s failed: %s", what, cudaGetErrorString(err));
}

#define TW_CUDA(call, what)                                                                  \
  do {                                                                                       \
    cudaError_t e_ = (call);                                                                 \
    if (e_ != cudaSuccess) return cuda_fail(e_, what);                                       \
  } while (0)

/* Check a kernel launch right after it (launch errors are synchronous). */
#define TW_CUDA_LAUNCHED(what) TW_CUDA(cudaGetLastError(), what)

unsigned grid_for(size_t n, unsigned block) {
  size_t blocks = (n + block - 1) / block;
  return blocks > 65535u * 32u ? 65535u * 32u : (unsigned)blocks;
}

__global__ void activation_kernel(tw_activation act, size_t n, float *x) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
       i += (size_t)gridDim.x * blockDim.x)
    x[i] = tw_activate(act, x[i]);
}

tw_status cu_alloc(tw_backend *, size_t bytes, void **dev_ptr) {
  *dev_ptr = NULL;
  TW_CUDA(cudaMalloc(dev_ptr, bytes ? bytes : 1), "cudaMalloc");
  TW_CUDA(cudaMemset(*dev_ptr, 0, bytes ? bytes : 1), "cudaMemset");
  return TW_OK;
}

void cu_free(tw_backend *, void *dev_ptr) {
  if (dev_ptr) cudaFree(dev_ptr);
}

tw_status cu_upload(tw_backend *, void *dst, const void *src, size_t bytes) {
  TW_CUDA(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "upload");
  return TW_OK;
}

tw_status cu_download(tw_backend *, void *dst, const void *src, size_t bytes) {
  TW_CUDA(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "download");
  return TW_OK;
}

tw_status cu_sgemm(tw_backend *be, int trans_a, int trans_b, int m, int n, int k, float alpha,
                   const float *a, int lda, const float *b, int ldb, float beta, float *c,
                   int ldc) {
  cuda_state *s = static_cast<cuda_state *>(be->impl);
  if (m == 0 || n == 0) return TW_OK;
  cublasStatus_t st = cublasSgemm(s->blas, trans_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                                  trans_b ? CUBLAS_OP_T : CUBLAS_OP_N, m, n, k, &alpha, a, lda,
                                  b, ldb, &beta, c, ldc);
  if (st != CUBLAS_STATUS_SUCCESS)
    return tw_error(TW_ERR_INTERNAL, "cublasSgemm(m=%d n=%d k=%d) failed with status %d", m, n,
                    k, (int)st);
  return TW_OK;
}

tw_status cu_activation(tw_backend *, tw_activation act, size_t n, float *x) {
  if (n == 0) return TW_OK;
  activation_kernel<<<grid_for(n, 256), 256>>>(act, n, x);
  TW_CUDA_LAUNCHED("activation kernel launch");
  return TW_OK;
}

tw_status cu_synchronize(tw_backend *) {
  TW_CUDA(cudaDeviceSynchronize(), "synchronize");
  return TW_OK;
}

void cu_destroy(tw_backend *be) {
  cuda_state *s = static_cast<cuda_state *>(be->impl);
  if (s) {
    cublasDestroy(s->blas);
    free(s);
  }
  be->impl = NULL;
}

tw_backend_ops make_ops() {
  tw_backend_ops ops;
  memset(&ops, 0, sizeof ops);
  ops.name = "cuda";
  ops.alloc = cu_alloc;
  ops.free = cu_free;
  ops.upload = cu_upload;
  ops.download = cu_download;
  ops.sgemm = cu_sgemm;
  ops.activation = cu_activation;
  ops.bias_activation = tw_cuda_bias_activation;
  ops.activation_backward = tw_cuda_activation_backward;
  ops.adam_update = tw_cuda_adam_update;
  ops.output_loss = tw_cuda_output_loss;
  ops.dense_forward = tw_cuda_dense_forward;
  ops.dense_backward = tw_cuda_dense_backward;
  ops.wind_cf = tw_cuda_wind_cf;
  ops.pv_cf = tw_cuda_pv_cf;
  ops.csr_aggregate = tw_cuda_csr_aggregate;
  ops.wind_bus_cf = tw_cuda_wind_bus_cf;
  ops.pv_bus_cf = tw_cuda_pv_bus_cf;
  ops.ev_project = tw_cuda_ev_project;
  ops.synchronize = cu_synchronize;
  ops.destroy = cu_destroy;
  return ops;
}

const tw_backend_ops cuda_ops = make_ops();

} // namespace

extern "C" int tw_backend_cuda_compiled(void) { return 1; }

extern "C" int tw_backend_cuda_devices(char *names, size_t names_size) {
  int count = 0;
  if (names && names_size) names[0] = '\0';
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError(); /* clear the sticky "no device" error */
    return 0;
  }
  for (int i = 0; names && i < count; i++) {
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
    size_t used = strlen(names);
    snprintf(names + used, names_size - used, "%s%s (sm_%d%d, %.0f GiB)", i ? "; " : "",
             prop.name, prop.major, prop.minor, (double)prop.totalGlobalMem / 1073741824.0);
  }
  return count;
}

extern "C" tw_status tw_backend_cuda_create(tw_backend **out) {
  *out = NULL;
  cuda_state *s = static_cast<cuda_state *>(calloc(1, sizeof(cuda_state)));
  if (!s) return tw_error(TW_ERR_RESOURCE, "cuda backend: out of memory");
  if (cublasCreate(&s->blas) != CUBLAS_STATUS_SUCCESS) {
    free(s);
    return tw_error(TW_ERR_RESOURCE, "cuda backend: cublasCreate failed (no usable GPU?)");
  }
  tw_backend *be = static_cast<tw_backend *>(calloc(1, sizeof(tw_backend)));
  if (!be) {
    cublasDestroy(s->blas);
    free(s);
    return tw_error(TW_ERR_RESOURCE, "cuda backend: out of memory");
  }
  be->ops = &cuda_ops;
  be->kind = TW_BACKEND_CUDA;
  be->impl = s;
  *out = be;
  return TW_OK;
}
