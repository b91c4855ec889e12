/* PDLP per-iteration math on CUDA: cuSPARSE CSR SpMV for A x and A' y
 * (A' stored explicitly, so both products are non-transposed SpMVs), fused
 * kernels calling the same TW_HD element functions as the CPU reference
 * (include/terrawatt/pdlp_math.h), and block reductions for the three dot
 * products of the adaptive step rule. All vectors stay on the device; a
 * step returns three doubles. CUDA and cuSPARSE are touched only when
 * tw_pdlp_ops_cuda() is called (the PDLP solver path).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <cuda_runtime.h>
#include <cusparse.h>

#include <stdlib.h>
#include <string.h>

extern "C" {
#include "backend/pdlp_ops.h"
}
#include "terrawatt/pdlp_math.h"

struct tw_pdlp_dev {
  int m, n, nnz;
  int *rp, *ci, *rpt, *cit;
  double *av, *avt;
  double *c, *l, *u, *rl, *ru;
  double *v[TW_PDLP_NVEC];
  double *dots; /* [3] on the device */
  cusparseHandle_t h;
  cusparseSpMatDescr_t A, At;
  void *buf;
};

namespace {

const unsigned kBlock = 256;

unsigned grid_for(int n) {
  unsigned g = (unsigned)((n + (int)kBlock - 1) / (int)kBlock);
  if (g > 4096u) g = 4096u;
  return g ? g : 1u;
}

__device__ double block_sum(double v) {
  __shared__ double sh[kBlock];
  sh[threadIdx.x] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) sh[threadIdx.x] += sh[threadIdx.x + s];
    __syncthreads();
  }
  return sh[0];
}

__global__ void primal_kernel(int n, const double *x, const double *c, const double *aty,
                              const double *l, const double *u, double tau, double *xn,
                              double *dots) {
  double acc = 0;
  for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < n; j += gridDim.x * blockDim.x) {
    double v = tw_pdlp_primal(x[j], c[j], aty[j], l[j], u[j], tau);
    xn[j] = v;
    acc += (v - x[j]) * (v - x[j]);
  }
  double s = block_sum(acc);
  if (threadIdx.x == 0) atomicAdd(&dots[0], s);
}

__global__ void dual_kernel(int m, const double *y, const double *axn, const double *ax,
                            const double *rl, const double *ru, double sigma, double *yn,
                            double *dots) {
  double a = 0, b = 0;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < m; i += gridDim.x * blockDim.x) {
    double v = tw_pdlp_dual(y[i], axn[i], ax[i], rl[i], ru[i], sigma);
    yn[i] = v;
    double dy = v - y[i];
    a += dy * dy;
    b += dy * (axn[i] - ax[i]);
  }
  double s1 = block_sum(a);
  __syncthreads();
  double s2 = block_sum(b);
  if (threadIdx.x == 0) {
    atomicAdd(&dots[1], s1);
    atomicAdd(&dots[2], s2);
  }
}

__global__ void axpy_kernel(int n, double a, const double *x, double *y) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
    y[i] += a * x[i];
}

__global__ void scale_copy_kernel(int n, double a, const double *x, double *y) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
    y[i] = a * x[i];
}

tw_status cuda_fail(const char *what, cudaError_t e) {
  return tw_error(TW_ERR_INTERNAL, "PDLP on CUDA: %s failed: %s", what, cudaGetErrorString(e));
}

tw_status sparse_fail(const char *what, cusparseStatus_t e) {
  return tw_error(TW_ERR_INTERNAL, "PDLP on CUDA: %s failed (cuSPARSE status %d)", what, (int)e);
}

#define TW_CU(call, what)                                                                          \
  do {                                                                                             \
    cudaError_t e_ = (call);                                                                       \
    if (e_ != cudaSuccess) return cuda_fail(what, e_);                                             \
  } while (0)
#define TW_CUSP(call, what)                                                                        \
  do {                                                                                             \
    cusparseStatus_t e_ = (call);                                                                  \
    if (e_ != CUSPARSE_STATUS_SUCCESS) return sparse_fail(what, e_);                               \
  } while (0)

int vec_len(const tw_pdlp_dev *d, tw_pdlp_vec v) { return tw_pdlp_vec_is_primal(v) ? d->n : d->m; }

/* y = M x with M one of the two stored matrices (rows = len(y)). */
tw_status spmv(tw_pdlp_dev *d, cusparseSpMatDescr_t M, int nx, const double *x, int ny, double *y) {
  cusparseDnVecDescr_t vx, vy;
  const double one = 1.0, zero = 0.0;
  TW_CUSP(cusparseCreateDnVec(&vx, nx, (void *)x, CUDA_R_64F), "vector descriptor");
  cusparseStatus_t s = cusparseCreateDnVec(&vy, ny, y, CUDA_R_64F);
  if (s != CUSPARSE_STATUS_SUCCESS) {
    cusparseDestroyDnVec(vx);
    return sparse_fail("vector descriptor", s);
  }
  s = cusparseSpMV(d->h, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, M, vx, &zero, vy, CUDA_R_64F,
                   CUSPARSE_SPMV_CSR_ALG1, d->buf);
  cusparseDestroyDnVec(vx);
  cusparseDestroyDnVec(vy);
  if (s != CUSPARSE_STATUS_SUCCESS) return sparse_fail("SpMV", s);
  return TW_OK;
}

void cuda_destroy(tw_pdlp_dev *d) {
  if (!d) return;
  if (d->A) cusparseDestroySpMat(d->A);
  if (d->At) cusparseDestroySpMat(d->At);
  if (d->h) cusparseDestroy(d->h);
  void *ptrs[] = {d->rp, d->ci, d->rpt, d->cit, d->av, d->avt, d->c,    d->l,
                  d->u,  d->rl, d->ru,  d->dots, d->buf};
  for (size_t k = 0; k < sizeof ptrs / sizeof *ptrs; k++)
    if (ptrs[k]) cudaFree(ptrs[k]);
  for (int k = 0; k < TW_PDLP_NVEC; k++)
    if (d->v[k]) cudaFree(d->v[k]);
  free(d);
}

template <typename T> tw_status upload(T **dst, const T *src, size_t n) {
  TW_CU(cudaMalloc((void **)dst, (n ? n : 1) * sizeof(T)), "cudaMalloc");
  if (n && src) TW_CU(cudaMemcpy(*dst, src, n * sizeof(T), cudaMemcpyHostToDevice), "upload");
  return TW_OK;
}

tw_status create_inner(const tw_pdlp_problem *p, tw_pdlp_dev *d) {
  d->m = p->A.nrows;
  d->n = p->A.ncols;
  d->nnz = p->A.nnz;
  size_t m = (size_t)d->m, n = (size_t)d->n, nz = (size_t)d->nnz;
  TW_CHECK(upload(&d->rp, p->A.rowptr, m + 1));
  TW_CHECK(upload(&d->ci, p->A.col, nz));
  TW_CHECK(upload(&d->av, p->A.val, nz));
  TW_CHECK(upload(&d->rpt, p->At.rowptr, n + 1));
  TW_CHECK(upload(&d->cit, p->At.col, nz));
  TW_CHECK(upload(&d->avt, p->At.val, nz));
  TW_CHECK(upload(&d->c, p->c, n));
  TW_CHECK(upload(&d->l, p->l, n));
  TW_CHECK(upload(&d->u, p->u, n));
  TW_CHECK(upload(&d->rl, p->rl, m));
  TW_CHECK(upload(&d->ru, p->ru, m));
  TW_CHECK(upload<double>(&d->dots, NULL, 3));
  for (int k = 0; k < TW_PDLP_NVEC; k++) {
    size_t len = (size_t)vec_len(d, (tw_pdlp_vec)k);
    TW_CHECK(upload<double>(&d->v[k], NULL, len));
    TW_CU(cudaMemset(d->v[k], 0, (len ? len : 1) * sizeof(double)), "cudaMemset");
  }
  TW_CUSP(cusparseCreate(&d->h), "cusparseCreate");
  TW_CUSP(cusparseCreateCsr(&d->A, d->m, d->n, d->nnz, d->rp, d->ci, d->av, CUSPARSE_INDEX_32I,
                            CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO, CUDA_R_64F),
          "CSR descriptor");
  TW_CUSP(cusparseCreateCsr(&d->At, d->n, d->m, d->nnz, d->rpt, d->cit, d->avt,
                            CUSPARSE_INDEX_32I, CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO,
                            CUDA_R_64F),
          "CSR descriptor");
  /* one buffer large enough for both products */
  size_t b1 = 0, b2 = 0;
  cusparseDnVecDescr_t vx, vy;
  const double one = 1.0, zero = 0.0;
  TW_CUSP(cusparseCreateDnVec(&vx, d->n, d->v[TW_PDLP_X], CUDA_R_64F), "vector descriptor");
  TW_CUSP(cusparseCreateDnVec(&vy, d->m, d->v[TW_PDLP_AX], CUDA_R_64F), "vector descriptor");
  cusparseStatus_t s1 = cusparseSpMV_bufferSize(d->h, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, d->A,
                                                vx, &zero, vy, CUDA_R_64F, CUSPARSE_SPMV_CSR_ALG1, &b1);
  cusparseStatus_t s2 = cusparseSpMV_bufferSize(d->h, CUSPARSE_OPERATION_NON_TRANSPOSE, &one,
                                                d->At, vy, &zero, vx, CUDA_R_64F,
                                                CUSPARSE_SPMV_CSR_ALG1, &b2);
  cusparseDestroyDnVec(vx);
  cusparseDestroyDnVec(vy);
  if (s1 != CUSPARSE_STATUS_SUCCESS) return sparse_fail("SpMV buffer size", s1);
  if (s2 != CUSPARSE_STATUS_SUCCESS) return sparse_fail("SpMV buffer size", s2);
  TW_CU(cudaMalloc(&d->buf, (b1 > b2 ? b1 : b2) + 8), "cudaMalloc");
  return TW_OK;
}

tw_status cuda_create(const tw_pdlp_problem *p, tw_pdlp_dev **out) {
  tw_pdlp_dev *d = (tw_pdlp_dev *)calloc(1, sizeof *d);
  *out = NULL;
  if (!d) return tw_error(TW_ERR_RESOURCE, "out of memory for PDLP on CUDA");
  tw_status st = create_inner(p, d);
  if (st != TW_OK) {
    cuda_destroy(d);
    return st;
  }
  *out = d;
  return TW_OK;
}

tw_status cuda_step(tw_pdlp_dev *d, double tau, double sigma, double dots[3]) {
  TW_CU(cudaMemset(d->dots, 0, 3 * sizeof(double)), "cudaMemset");
  primal_kernel<<<grid_for(d->n), kBlock>>>(d->n, d->v[TW_PDLP_X], d->c, d->v[TW_PDLP_ATY], d->l,
                                            d->u, tau, d->v[TW_PDLP_XN], d->dots);
  TW_CU(cudaGetLastError(), "primal step kernel");
  TW_CHECK(spmv(d, d->A, d->n, d->v[TW_PDLP_XN], d->m, d->v[TW_PDLP_AXN]));
  dual_kernel<<<grid_for(d->m), kBlock>>>(d->m, d->v[TW_PDLP_Y], d->v[TW_PDLP_AXN],
                                          d->v[TW_PDLP_AX], d->rl, d->ru, sigma, d->v[TW_PDLP_YN],
                                          d->dots);
  TW_CU(cudaGetLastError(), "dual step kernel");
  TW_CHECK(spmv(d, d->At, d->m, d->v[TW_PDLP_YN], d->n, d->v[TW_PDLP_ATYN]));
  TW_CU(cudaMemcpy(dots, d->dots, 3 * sizeof(double), cudaMemcpyDeviceToHost), "dot products");
  return TW_OK;
}

void swap_vec(tw_pdlp_dev *d, tw_pdlp_vec a, tw_pdlp_vec b) {
  double *t = d->v[a];
  d->v[a] = d->v[b];
  d->v[b] = t;
}

tw_status cuda_accept(tw_pdlp_dev *d, double w) {
  swap_vec(d, TW_PDLP_X, TW_PDLP_XN);
  swap_vec(d, TW_PDLP_Y, TW_PDLP_YN);
  swap_vec(d, TW_PDLP_AX, TW_PDLP_AXN);
  swap_vec(d, TW_PDLP_ATY, TW_PDLP_ATYN);
  const tw_pdlp_vec cur[4] = {TW_PDLP_X, TW_PDLP_Y, TW_PDLP_AX, TW_PDLP_ATY};
  const tw_pdlp_vec sum[4] = {TW_PDLP_XS, TW_PDLP_YS, TW_PDLP_AXS, TW_PDLP_ATYS};
  for (int k = 0; k < 4; k++) {
    int len = vec_len(d, cur[k]);
    axpy_kernel<<<grid_for(len), kBlock>>>(len, w, d->v[cur[k]], d->v[sum[k]]);
  }
  TW_CU(cudaGetLastError(), "average kernel");
  return TW_OK;
}

tw_status cuda_restart(tw_pdlp_dev *d, int to_average, double wsum) {
  const tw_pdlp_vec cur[4] = {TW_PDLP_X, TW_PDLP_Y, TW_PDLP_AX, TW_PDLP_ATY};
  const tw_pdlp_vec sum[4] = {TW_PDLP_XS, TW_PDLP_YS, TW_PDLP_AXS, TW_PDLP_ATYS};
  for (int k = 0; k < 4; k++) {
    int len = vec_len(d, cur[k]);
    if (to_average && wsum > 0)
      scale_copy_kernel<<<grid_for(len), kBlock>>>(len, 1.0 / wsum, d->v[sum[k]], d->v[cur[k]]);
    TW_CU(cudaMemset(d->v[sum[k]], 0, (size_t)(len ? len : 1) * sizeof(double)), "cudaMemset");
  }
  TW_CU(cudaGetLastError(), "restart kernel");
  return TW_OK;
}

tw_status cuda_get(tw_pdlp_dev *d, tw_pdlp_vec v, double *host) {
  size_t len = (size_t)vec_len(d, v);
  if (len) TW_CU(cudaMemcpy(host, d->v[v], len * sizeof(double), cudaMemcpyDeviceToHost), "download");
  return TW_OK;
}

tw_status cuda_set(tw_pdlp_dev *d, tw_pdlp_vec v, const double *host) {
  size_t len = (size_t)vec_len(d, v);
  if (len) TW_CU(cudaMemcpy(d->v[v], host, len * sizeof(double), cudaMemcpyHostToDevice), "upload");
  return TW_OK;
}

const tw_pdlp_ops cuda_ops = {"cuda",      cuda_create,  cuda_destroy, cuda_step,
                              cuda_accept, cuda_restart, cuda_get,     cuda_set};

} // namespace

extern "C" const tw_pdlp_ops *tw_pdlp_ops_cuda(void) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count <= 0) {
    cudaGetLastError(); /* clear the error state */
    return NULL;
  }
  return &cuda_ops;
}
