/* The CPU backend: CBLAS (OpenBLAS) for sgemm, OpenMP loops over the shared
 * TW_HD per-element functions. It is the reference for the CUDA backend.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "backend_impl.h"

#include "terrawatt/activation.h"
#include "terrawatt/alloc.h"
#include "terrawatt/backend.h"
#include "terrawatt/mlp_math.h"
#include "terrawatt/mobility_math.h"
#include "terrawatt/physics_wind.h"

#include "backend_convert.h"
#include "backend_mlp.h"

#include <stdlib.h>
#include <string.h>

#ifdef TW_HAVE_CBLAS
#include <cblas.h>
#endif

static tw_status cpu_alloc(tw_backend *be, size_t bytes, void **dev_ptr) {
  (void)be;
  return tw_calloc(bytes, 1, "cpu backend buffer", dev_ptr);
}

static void cpu_free(tw_backend *be, void *dev_ptr) {
  (void)be;
  free(dev_ptr);
}

/* Host staging memory is plain memory on the CPU. */
static tw_status cpu_host_alloc(tw_backend *be, size_t bytes, void **host_ptr) {
  return cpu_alloc(be, bytes, host_ptr);
}

/* Copies between host arrays: the wrappers skip dst == src (zero copy). */
static tw_status cpu_copy(tw_backend *be, void *dst, const void *src, size_t bytes) {
  (void)be;
  if (bytes) memcpy(dst, src, bytes);
  return TW_OK;
}

static tw_status cpu_sgemm(tw_backend *be, int trans_a, int trans_b, int m, int n, int k,
                           float alpha, const float *a, int lda, const float *b, int ldb,
                           float beta, float *c, int ldc) {
  (void)be;
  if (m < 0 || n < 0 || k < 0)
    return tw_error(TW_ERR_INTERNAL, "sgemm: negative size m=%d n=%d k=%d", m, n, k);
  if (m == 0 || n == 0) return TW_OK;
#ifdef TW_HAVE_CBLAS
  cblas_sgemm(CblasColMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#else
  /* Backend-only builds without CBLAS (the GPU check machine) use a plain
   * loop; it is the same column-major definition. */
  for (int j = 0; j < n; j++) {
    for (int i = 0; i < m; i++) {
      float sum = 0.0f;
      for (int p = 0; p < k; p++) {
        float av = trans_a ? a[p + (size_t)i * (size_t)lda] : a[i + (size_t)p * (size_t)lda];
        float bv = trans_b ? b[j + (size_t)p * (size_t)ldb] : b[p + (size_t)j * (size_t)ldb];
        sum += av * bv;
      }
      float *cij = &c[i + (size_t)j * (size_t)ldc];
      *cij = alpha * sum + (beta == 0.0f ? 0.0f : beta * *cij);
    }
  }
#endif
  return TW_OK;
}

static tw_status cpu_activation(tw_backend *be, tw_activation act, size_t n, float *x) {
  (void)be;
  const long long count = (long long)n;
#pragma omp parallel for schedule(static)
  for (long long i = 0; i < count; i++) x[i] = tw_activate(act, x[i]);
  return TW_OK;
}

static tw_status cpu_bias_activation(tw_backend *be, tw_activation act, int rows, int cols,
                                     const float *bias, float *z, float *a) {
  (void)be;
#pragma omp parallel for schedule(static) if ((long long)rows * cols > (1ll << 22))
  for (int j = 0; j < cols; j++)
    for (int i = 0; i < rows; i++) {
      size_t at = (size_t)i + (size_t)j * (size_t)rows;
      z[at] += bias[i];
      a[at] = tw_activate(act, z[at]);
    }
  return TW_OK;
}

static tw_status cpu_activation_backward(tw_backend *be, tw_activation act, size_t n,
                                         const float *z, float *grad) {
  (void)be;
  const long long count = (long long)n;
#pragma omp parallel for schedule(static) if (count > (1ll << 22))
  for (long long i = 0; i < count; i++) grad[i] *= tw_activation_grad(act, z[i]);
  return TW_OK;
}

static tw_status cpu_adam_update(tw_backend *be, const tw_adam_job *job) {
  (void)be;
  const long long count = (long long)job->n;
#pragma omp parallel for schedule(static) if (count > (1ll << 22))
  for (long long i = 0; i < count; i++) tw_adam_element(job, (size_t)i);
  return TW_OK;
}

static tw_status cpu_output_loss(tw_backend *be, const tw_output_job *job) {
  (void)be;
#pragma omp parallel for schedule(static) if (job->n > 16384)
  for (int j = 0; j < job->n; j++) tw_output_sample(job, j);
  return TW_OK;
}

static tw_status cpu_ev_project(tw_backend *be, const tw_ev_project_job *job) {
  (void)be;
  /* blocks of TW_VF_BLOCK neighbouring groups in lockstep (mobility_math.h) */
  const long long blocks = (long long)((job->n_groups + TW_VF_BLOCK - 1) / TW_VF_BLOCK);
/* fewer than two chunks of blocks: one thread, no fork/join per projection */
#pragma omp parallel for schedule(dynamic, 16) if (blocks > 32)
  for (long long b = 0; b < blocks; b++) {
    size_t g0 = (size_t)b * TW_VF_BLOCK;
    size_t nb = job->n_groups - g0 < TW_VF_BLOCK ? job->n_groups - g0 : TW_VF_BLOCK;
    tw_vf_project_block(g0, (int)nb, job->n_groups, job->n_hours, job->gamma, job->price, job->r,
                        job->r_prev, job->beta, job->upper, job->energy_MWh, job->lambda);
  }
  return TW_OK;
}

static tw_status cpu_synchronize(tw_backend *be) {
  (void)be;
  return TW_OK;
}

static void cpu_destroy(tw_backend *be) { (void)be; }

static const tw_device_iface cpu_device = {
    .name = "cpu",
    .is_host = 1,
    .alloc = cpu_alloc,
    .free = cpu_free,
    .host_alloc = cpu_host_alloc,
    .host_free = cpu_free,
    .upload = cpu_copy,
    .download = cpu_copy,
    .upload_async = cpu_copy,
    .download_async = cpu_copy,
    .synchronize = cpu_synchronize,
    .sgemm = cpu_sgemm,
    .destroy = cpu_destroy,
};

static const tw_convert_ops cpu_convert = {
    .wind_cf = tw_cpu_wind_cf,
    .pv_cf = tw_cpu_pv_cf,
    .csr_aggregate = tw_cpu_csr_aggregate,
    .wind_bus_cf = tw_cpu_wind_bus_cf,
    .pv_bus_cf = tw_cpu_pv_bus_cf,
};

static const tw_forecast_ops cpu_forecast = {
    .activation = cpu_activation,
    .bias_activation = cpu_bias_activation,
    .activation_backward = cpu_activation_backward,
    .adam_update = cpu_adam_update,
    .output_loss = cpu_output_loss,
    .dense_forward = tw_cpu_dense_forward,
    .dense_backward = tw_cpu_dense_backward,
};

static const tw_mobility_ops cpu_mobility = {.ev_project = cpu_ev_project};

tw_status tw_backend_cpu_init(tw_backend *be) {
  be->dev = &cpu_device;
  be->convert = &cpu_convert;
  be->forecast = &cpu_forecast;
  be->mobility = &cpu_mobility;
  be->lp = &tw_lp_ops_cpu;
  be->kind = TW_BACKEND_CPU;
  be->device = -1;
  return TW_OK;
}
