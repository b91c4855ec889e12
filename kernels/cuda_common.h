/* Shared by the CUDA backend library's sources (kernels/*.cu): the
 * backend's CUDA state (device, stream, handles, pinned staging) and one
 * TW_CUDA_CHECK(call) for CUDA runtime, cuBLAS and cuSPARSE calls, whose
 * error names the call, file and line.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_KERNELS_CUDA_COMMON_H
#define TW_KERNELS_CUDA_COMMON_H

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cusparse.h>

#include "backend/backend_impl.h"

/* One per tw_backend (be->impl). Every kernel, copy and library call of
 * the backend goes to `stream`, so ops queue in order and the host waits
 * only in synchronize and the blocking copies. */
struct tw_cuda_state {
  int device;
  cudaStream_t stream;
  cublasHandle_t blas;     /* bound to stream */
  cusparseHandle_t sparse; /* bound to stream */
  void *staging;           /* pinned host buffer for the blocking copies */
  size_t staging_bytes;
};

static inline tw_cuda_state *tw_cuda_of(tw_backend *be) {
  return static_cast<tw_cuda_state *>(be->impl);
}
static inline cudaStream_t tw_cuda_stream(tw_backend *be) { return tw_cuda_of(be)->stream; }

static inline bool tw_cuda_ok(cudaError_t e) { return e == cudaSuccess; }
static inline bool tw_cuda_ok(cublasStatus_t e) { return e == CUBLAS_STATUS_SUCCESS; }
static inline bool tw_cuda_ok(cusparseStatus_t e) { return e == CUSPARSE_STATUS_SUCCESS; }
static inline const char *tw_cuda_text(cudaError_t e) { return cudaGetErrorString(e); }
static inline const char *tw_cuda_text(cublasStatus_t e) { return cublasGetStatusString(e); }
static inline const char *tw_cuda_text(cusparseStatus_t e) { return cusparseGetErrorString(e); }
static inline bool tw_cuda_oom(cudaError_t e) { return e == cudaErrorMemoryAllocation; }
static inline bool tw_cuda_oom(cublasStatus_t e) { return e == CUBLAS_STATUS_ALLOC_FAILED; }
static inline bool tw_cuda_oom(cusparseStatus_t e) { return e == CUSPARSE_STATUS_ALLOC_FAILED; }

template <typename E>
static inline tw_status tw_cuda_fail(E e, const char *call, const char *file, int line) {
  return tw_error(tw_cuda_oom(e) ? TW_ERR_RESOURCE : TW_ERR_INTERNAL, "%s:%d: %s failed: %s",
                  file, line, call, tw_cuda_text(e));
}

/* Return a tw_status error from the enclosing function when a CUDA,
 * cuBLAS or cuSPARSE call fails. After a kernel launch, check
 * TW_CUDA_CHECK(cudaGetLastError()). */
#define TW_CUDA_CHECK(call)                                                                  \
  do {                                                                                       \
    auto tw_e_ = (call);                                                                     \
    if (!tw_cuda_ok(tw_e_)) return tw_cuda_fail(tw_e_, #call, __FILE__, __LINE__);           \
  } while (0)

/* Grid size for a grid-stride loop over n elements. */
static inline unsigned tw_cuda_blocks(size_t n, unsigned block) {
  size_t b = (n + block - 1) / block;
  if (b == 0) b = 1;
  return b > 65535u * 32u ? 65535u * 32u : (unsigned)b;
}

/* The domain tables of the CUDA backend (convert_kernels.cu,
 * forecast_kernels.cu, mobility_vf.cu, pdlp_ops.cu). */
extern "C" {
extern const tw_convert_ops tw_cuda_convert_ops;
extern const tw_forecast_ops tw_cuda_forecast_ops;
extern const tw_mobility_ops tw_cuda_mobility_ops;
extern const tw_lp_ops tw_cuda_lp_ops;
}

#endif
