/* The CUDA backend: the entry point of libterrawatt_cuda.so (loaded with
 * dlopen by src/backend/backend.c only when a CUDA backend is asked for)
 * and its device interface: memory, copies through a pinned staging
 * buffer, one stream per backend (cuBLAS and cuSPARSE bound to it), sgemm.
 * The domain ops are in convert_kernels.cu, forecast_kernels.cu,
 * mobility_vf.cu and pdlp_ops.cu; their kernels call the same TW_HD
 * per-element functions as the CPU backend.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_common.h"
#include "terrawatt/activation.h"
#include "terrawatt/alloc.h"

namespace {

/* Pinned staging for blocking copies: chunks of this size. */
const size_t kStagingBytes = (size_t)8 << 20;

tw_status cu_alloc(tw_backend *be, size_t bytes, void **dev_ptr) {
  *dev_ptr = NULL;
  TW_CUDA_CHECK(cudaMalloc(dev_ptr, bytes ? bytes : 1));
  TW_CUDA_CHECK(cudaMemsetAsync(*dev_ptr, 0, bytes ? bytes : 1, tw_cuda_stream(be)));
  return TW_OK;
}

/* cudaFree waits for the device, so queued ops that use the buffer finish
 * first. */
void cu_free(tw_backend *, void *dev_ptr) {
  if (dev_ptr) cudaFree(dev_ptr);
}

tw_status cu_host_alloc(tw_backend *, size_t bytes, void **host_ptr) {
  *host_ptr = NULL;
  TW_CUDA_CHECK(cudaMallocHost(host_ptr, bytes ? bytes : 1));
  memset(*host_ptr, 0, bytes ? bytes : 1);
  return TW_OK;
}

void cu_host_free(tw_backend *, void *host_ptr) {
  if (host_ptr) cudaFreeHost(host_ptr);
}

tw_status staging(tw_cuda_state *s) {
  if (s->staging) return TW_OK;
  TW_CUDA_CHECK(cudaMallocHost(&s->staging, kStagingBytes));
  s->staging_bytes = kStagingBytes;
  return TW_OK;
}

/* Blocking upload: host -> pinned staging -> device, chunk by chunk, on
 * the backend's stream (ops queued before it run first). */
tw_status cu_upload(tw_backend *be, void *dst, const void *src, size_t bytes) {
  tw_cuda_state *s = tw_cuda_of(be);
  TW_CHECK(staging(s));
  for (size_t at = 0; at < bytes; at += s->staging_bytes) {
    size_t chunk = bytes - at < s->staging_bytes ? bytes - at : s->staging_bytes;
    /* the previous chunk has left the staging buffer (synchronized below) */
    memcpy(s->staging, static_cast<const char *>(src) + at, chunk);
    TW_CUDA_CHECK(cudaMemcpyAsync(static_cast<char *>(dst) + at, s->staging, chunk,
                                  cudaMemcpyHostToDevice, s->stream));
    TW_CUDA_CHECK(cudaStreamSynchronize(s->stream));
  }
  return TW_OK;
}

tw_status cu_download(tw_backend *be, void *dst, const void *src, size_t bytes) {
  tw_cuda_state *s = tw_cuda_of(be);
  TW_CHECK(staging(s));
  for (size_t at = 0; at < bytes; at += s->staging_bytes) {
    size_t chunk = bytes - at < s->staging_bytes ? bytes - at : s->staging_bytes;
    TW_CUDA_CHECK(cudaMemcpyAsync(s->staging, static_cast<const char *>(src) + at, chunk,
                                  cudaMemcpyDeviceToHost, s->stream));
    TW_CUDA_CHECK(cudaStreamSynchronize(s->stream));
    memcpy(static_cast<char *>(dst) + at, s->staging, chunk);
  }
  return TW_OK;
}

tw_status cu_upload_async(tw_backend *be, void *dst, const void *src, size_t bytes) {
  TW_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, tw_cuda_stream(be)));
  return TW_OK;
}

tw_status cu_download_async(tw_backend *be, void *dst, const void *src, size_t bytes) {
  TW_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, tw_cuda_stream(be)));
  return TW_OK;
}

tw_status cu_synchronize(tw_backend *be) {
  TW_CUDA_CHECK(cudaStreamSynchronize(tw_cuda_stream(be)));
  return TW_OK;
}

tw_status cu_sgemm(tw_backend *be, int trans_a, int trans_b, int m, int n, int k, float alpha,
                   const float *a, int lda, const float *b, int ldb, float beta, float *c,
                   int ldc) {
  if (m < 0 || n < 0 || k < 0)
    return tw_error(TW_ERR_INTERNAL, "sgemm: negative size m=%d n=%d k=%d", m, n, k);
  if (m == 0 || n == 0) return TW_OK;
  TW_CUDA_CHECK(cublasSgemm(tw_cuda_of(be)->blas, trans_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                            trans_b ? CUBLAS_OP_T : CUBLAS_OP_N, m, n, k, &alpha, a, lda, b, ldb,
                            &beta, c, ldc));
  return TW_OK;
}

void cu_destroy(tw_backend *be) {
  tw_cuda_state *s = tw_cuda_of(be);
  if (!s) return;
  if (s->stream) cudaStreamSynchronize(s->stream);
  if (s->sparse) cusparseDestroy(s->sparse);
  if (s->blas) cublasDestroy(s->blas);
  if (s->staging) cudaFreeHost(s->staging);
  if (s->stream) cudaStreamDestroy(s->stream);
  free(s);
  be->impl = NULL;
}

tw_device_iface make_device() {
  tw_device_iface d;
  memset(&d, 0, sizeof d);
  d.name = "cuda";
  d.is_host = 0;
  d.alloc = cu_alloc;
  d.free = cu_free;
  d.host_alloc = cu_host_alloc;
  d.host_free = cu_host_free;
  d.upload = cu_upload;
  d.download = cu_download;
  d.upload_async = cu_upload_async;
  d.download_async = cu_download_async;
  d.synchronize = cu_synchronize;
  d.sgemm = cu_sgemm;
  d.destroy = cu_destroy;
  return d;
}

const tw_device_iface cuda_device = make_device();

tw_status init_state(tw_cuda_state *s, int device) {
  s->device = device;
  TW_CUDA_CHECK(cudaSetDevice(device));
  TW_CUDA_CHECK(cudaStreamCreateWithFlags(&s->stream, cudaStreamNonBlocking));
  TW_CUDA_CHECK(cublasCreate(&s->blas));
  TW_CUDA_CHECK(cublasSetStream(s->blas, s->stream));
  TW_CUDA_CHECK(cusparseCreate(&s->sparse));
  TW_CUDA_CHECK(cusparseSetStream(s->sparse, s->stream));
  return TW_OK;
}

} // namespace

/* The library's only exported symbol besides the runtime's: fill `be` for
 * CUDA device `device` (backend_impl.h TW_CUDA_PLUGIN_INIT). */
extern "C" __attribute__((visibility("default"))) tw_status tw_cuda_backend_init(tw_backend *be,
                                                                                 int device) {
  tw_cuda_state *s = NULL;
  TW_CHECK(tw_calloc(1, sizeof *s, "cuda backend", &s));
  be->impl = s;
  be->dev = &cuda_device;
  tw_status st = init_state(s, device);
  if (st != TW_OK) {
    char why[512];
    snprintf(why, sizeof why, "%s", tw_last_error());
    cu_destroy(be);
    be->dev = NULL;
    return tw_error(TW_ERR_RESOURCE, "cuda backend on device %d: %s", device, why);
  }
  be->convert = &tw_cuda_convert_ops;
  be->forecast = &tw_cuda_forecast_ops;
  be->mobility = &tw_cuda_mobility_ops;
  be->lp = &tw_cuda_lp_ops;
  be->kind = TW_BACKEND_CUDA;
  be->device = device;
  return TW_OK;
}
