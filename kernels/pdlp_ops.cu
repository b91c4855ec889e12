/* PDLP per-iteration math on CUDA: cuSPARSE CSR SpMV for A x and A' y
 * (A' stored explicitly, so both products are non-transposed SpMVs), fused
 * kernels calling the same TW_HD element functions as the CPU reference
 * (include/terrawatt/pdlp_math.h), and block reductions for the three dot
 * products of the adaptive step rule. All vectors stay on the device; a
 * step returns three doubles (through a pinned buffer). Everything runs on
 * the backend's stream with its cuSPARSE handle.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "cuda_common.h"
#include "terrawatt/alloc.h"
#include "terrawatt/pdlp_math.h"

struct tw_pdlp_dev {
  int m, n, nnz;
  int *rp, *ci, *rpt, *cit;
  double *av, *avt;
  double *c, *l, *u, *rl, *ru;
  double *v[TW_PDLP_NVEC];
  double *dots;      /* [3] on the device */
  double *dots_host; /* [3] pinned */
  cudaStream_t stream;
  cusparseHandle_t h; /* the backend's, bound to stream */
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

int vec_len(const tw_pdlp_dev *d, tw_pdlp_vec v) { return tw_pdlp_vec_is_primal(v) ? d->n : d->m; }

/* y = M x with M one of the two stored matrices (rows = len(y)). */
tw_status spmv(tw_pdlp_dev *d, cusparseSpMatDescr_t M, int nx, const double *x, int ny, double *y) {
  cusparseDnVecDescr_t vx, vy;
  const double one = 1.0, zero = 0.0;
  TW_CUDA_CHECK(cusparseCreateDnVec(&vx, nx, (void *)x, CUDA_R_64F));
  cusparseStatus_t s = cusparseCreateDnVec(&vy, ny, y, CUDA_R_64F);
  if (s != CUSPARSE_STATUS_SUCCESS) {
    cusparseDestroyDnVec(vx);
    TW_CUDA_CHECK(s);
  }
  s = cusparseSpMV(d->h, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, M, vx, &zero, vy, CUDA_R_64F,
                   CUSPARSE_SPMV_CSR_ALG1, d->buf);
  cusparseDestroyDnVec(vx);
  cusparseDestroyDnVec(vy);
  TW_CUDA_CHECK(s);
  return TW_OK;
}

void cuda_destroy(tw_pdlp_dev *d) {
  if (!d) return;
  if (d->A) cusparseDestroySpMat(d->A);
  if (d->At) cusparseDestroySpMat(d->At);
  if (d->stream) cudaStreamSynchronize(d->stream);
  if (d->dots_host) cudaFreeHost(d->dots_host);
  void *ptrs[] = {d->rp, d->ci, d->rpt, d->cit, d->av, d->avt, d->c,    d->l,
                  d->u,  d->rl, d->ru,  d->dots, d->buf};
  for (size_t k = 0; k < sizeof ptrs / sizeof *ptrs; k++)
    if (ptrs[k]) cudaFree(ptrs[k]);
  for (int k = 0; k < TW_PDLP_NVEC; k++)
    if (d->v[k]) cudaFree(d->v[k]);
  free(d);
}

/* The problem's copy to the device: queued on the stream, waited for at
 * the end of create (the host arrays may go right after). */
template <typename T> tw_status upload(cudaStream_t stream, T **dst, const T *src, size_t n) {
  TW_CUDA_CHECK(cudaMalloc((void **)dst, (n ? n : 1) * sizeof(T)));
  if (n && src)
    TW_CUDA_CHECK(cudaMemcpyAsync(*dst, src, n * sizeof(T), cudaMemcpyHostToDevice, stream));
  return TW_OK;
}

tw_status create_inner(tw_backend *be, const tw_pdlp_problem *p, tw_pdlp_dev *d) {
  d->stream = tw_cuda_stream(be);
  d->h = tw_cuda_of(be)->sparse;
  TW_CUDA_CHECK(cudaMallocHost((void **)&d->dots_host, 3 * sizeof(double)));
  d->m = p->A.nrows;
  d->n = p->A.ncols;
  d->nnz = p->A.nnz;
  size_t m = (size_t)d->m, n = (size_t)d->n, nz = (size_t)d->nnz;
  TW_CHECK(upload(d->stream, &d->rp, p->A.rowptr, m + 1));
  TW_CHECK(upload(d->stream, &d->ci, p->A.col, nz));
  TW_CHECK(upload(d->stream, &d->av, p->A.val, nz));
  TW_CHECK(upload(d->stream, &d->rpt, p->At.rowptr, n + 1));
  TW_CHECK(upload(d->stream, &d->cit, p->At.col, nz));
  TW_CHECK(upload(d->stream, &d->avt, p->At.val, nz));
  TW_CHECK(upload(d->stream, &d->c, p->c, n));
  TW_CHECK(upload(d->stream, &d->l, p->l, n));
  TW_CHECK(upload(d->stream, &d->u, p->u, n));
  TW_CHECK(upload(d->stream, &d->rl, p->rl, m));
  TW_CHECK(upload(d->stream, &d->ru, p->ru, m));
  TW_CHECK(upload<double>(d->stream, &d->dots, NULL, 3));
  for (int k = 0; k < TW_PDLP_NVEC; k++) {
    size_t len = (size_t)vec_len(d, (tw_pdlp_vec)k);
    TW_CHECK(upload<double>(d->stream, &d->v[k], NULL, len));
    TW_CUDA_CHECK(cudaMemsetAsync(d->v[k], 0, (len ? len : 1) * sizeof(double), d->stream));
  }
  TW_CUDA_CHECK(cusparseCreateCsr(&d->A, d->m, d->n, d->nnz, d->rp, d->ci, d->av, CUSPARSE_INDEX_32I,
                            CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO, CUDA_R_64F));
  TW_CUDA_CHECK(cusparseCreateCsr(&d->At, d->n, d->m, d->nnz, d->rpt, d->cit, d->avt,
                            CUSPARSE_INDEX_32I, CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO,
                            CUDA_R_64F));
  /* one buffer large enough for both products */
  size_t b1 = 0, b2 = 0;
  cusparseDnVecDescr_t vx, vy;
  const double one = 1.0, zero = 0.0;
  TW_CUDA_CHECK(cusparseCreateDnVec(&vx, d->n, d->v[TW_PDLP_X], CUDA_R_64F));
  TW_CUDA_CHECK(cusparseCreateDnVec(&vy, d->m, d->v[TW_PDLP_AX], CUDA_R_64F));
  cusparseStatus_t s1 = cusparseSpMV_bufferSize(d->h, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, d->A,
                                                vx, &zero, vy, CUDA_R_64F, CUSPARSE_SPMV_CSR_ALG1, &b1);
  cusparseStatus_t s2 = cusparseSpMV_bufferSize(d->h, CUSPARSE_OPERATION_NON_TRANSPOSE, &one,
                                                d->At, vy, &zero, vx, CUDA_R_64F,
                                                CUSPARSE_SPMV_CSR_ALG1, &b2);
  cusparseDestroyDnVec(vx);
  cusparseDestroyDnVec(vy);
  TW_CUDA_CHECK(s1);
  TW_CUDA_CHECK(s2);
  TW_CUDA_CHECK(cudaMalloc(&d->buf, (b1 > b2 ? b1 : b2) + 8));
  TW_CUDA_CHECK(cudaStreamSynchronize(d->stream));
  return TW_OK;
}

tw_status cuda_create(tw_backend *be, const tw_pdlp_problem *p, tw_pdlp_dev **out) {
  tw_pdlp_dev *d = NULL;
  *out = NULL;
  TW_CHECK(tw_calloc(1, sizeof *d, "PDLP on CUDA", &d));
  tw_status st = create_inner(be, p, d);
  if (st != TW_OK) {
    cuda_destroy(d);
    return st;
  }
  *out = d;
  return TW_OK;
}

tw_status cuda_step(tw_pdlp_dev *d, double tau, double sigma, double dots[3]) {
  TW_CUDA_CHECK(cudaMemsetAsync(d->dots, 0, 3 * sizeof(double), d->stream));
  primal_kernel<<<grid_for(d->n), kBlock, 0, d->stream>>>(d->n, d->v[TW_PDLP_X], d->c, d->v[TW_PDLP_ATY], d->l,
                                            d->u, tau, d->v[TW_PDLP_XN], d->dots);
  TW_CUDA_CHECK(cudaGetLastError());
  TW_CHECK(spmv(d, d->A, d->n, d->v[TW_PDLP_XN], d->m, d->v[TW_PDLP_AXN]));
  dual_kernel<<<grid_for(d->m), kBlock, 0, d->stream>>>(d->m, d->v[TW_PDLP_Y], d->v[TW_PDLP_AXN],
                                          d->v[TW_PDLP_AX], d->rl, d->ru, sigma, d->v[TW_PDLP_YN],
                                          d->dots);
  TW_CUDA_CHECK(cudaGetLastError());
  TW_CHECK(spmv(d, d->At, d->m, d->v[TW_PDLP_YN], d->n, d->v[TW_PDLP_ATYN]));
  TW_CUDA_CHECK(cudaMemcpyAsync(d->dots_host, d->dots, 3 * sizeof(double),
                                cudaMemcpyDeviceToHost, d->stream));
  TW_CUDA_CHECK(cudaStreamSynchronize(d->stream));
  memcpy(dots, d->dots_host, 3 * sizeof(double));
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
    axpy_kernel<<<grid_for(len), kBlock, 0, d->stream>>>(len, w, d->v[cur[k]], d->v[sum[k]]);
  }
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

tw_status cuda_restart(tw_pdlp_dev *d, int to_average, double wsum) {
  const tw_pdlp_vec cur[4] = {TW_PDLP_X, TW_PDLP_Y, TW_PDLP_AX, TW_PDLP_ATY};
  const tw_pdlp_vec sum[4] = {TW_PDLP_XS, TW_PDLP_YS, TW_PDLP_AXS, TW_PDLP_ATYS};
  for (int k = 0; k < 4; k++) {
    int len = vec_len(d, cur[k]);
    if (to_average && wsum > 0)
      scale_copy_kernel<<<grid_for(len), kBlock, 0, d->stream>>>(len, 1.0 / wsum, d->v[sum[k]], d->v[cur[k]]);
    TW_CUDA_CHECK(
        cudaMemsetAsync(d->v[sum[k]], 0, (size_t)(len ? len : 1) * sizeof(double), d->stream));
  }
  TW_CUDA_CHECK(cudaGetLastError());
  return TW_OK;
}

tw_status cuda_get(tw_pdlp_dev *d, tw_pdlp_vec v, double *host) {
  size_t len = (size_t)vec_len(d, v);
  if (len)
    TW_CUDA_CHECK(cudaMemcpyAsync(host, d->v[v], len * sizeof(double), cudaMemcpyDeviceToHost,
                                  d->stream));
  TW_CUDA_CHECK(cudaStreamSynchronize(d->stream));
  return TW_OK;
}

tw_status cuda_set(tw_pdlp_dev *d, tw_pdlp_vec v, const double *host) {
  size_t len = (size_t)vec_len(d, v);
  if (len)
    TW_CUDA_CHECK(cudaMemcpyAsync(d->v[v], host, len * sizeof(double), cudaMemcpyHostToDevice,
                                  d->stream));
  TW_CUDA_CHECK(cudaStreamSynchronize(d->stream));
  return TW_OK;
}

} // namespace

extern "C" const tw_lp_ops tw_cuda_lp_ops = {cuda_create,  cuda_destroy, cuda_step, cuda_accept,
                                             cuda_restart, cuda_get,     cuda_set};
