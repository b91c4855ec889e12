/* terrawatt: compute backends (one math, two machines).
 * A backend is a table of function pointers; `cpu` uses CBLAS + OpenMP and
 * is the reference, `cuda` uses cuBLAS and the kernels in kernels/.
 * Pointers called "device" point into the backend's memory (host memory
 * for cpu): move data with upload/download.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_BACKEND_H
#define TERRAWATT_BACKEND_H

#include <stddef.h>

#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tw_backend_kind { TW_BACKEND_AUTO = 0, TW_BACKEND_CPU, TW_BACKEND_CUDA } tw_backend_kind;

typedef enum tw_activation { TW_ACT_IDENTITY = 0, TW_ACT_RELU, TW_ACT_TANH, TW_ACT_GELU } tw_activation;

typedef struct tw_backend tw_backend;

/* A wind conversion job: n elements (cells x times), all arrays device. */
typedef struct tw_wind_job {
  size_t n;
  const float *u_ms;        /* [n] eastward wind at height_ref_m */
  const float *v_ms;        /* [n] northward wind at height_ref_m */
  const float *roughness_m; /* [n] roughness length, or NULL to use roughness_const_m */
  float roughness_const_m;
  float height_ref_m;
  float height_hub_m;
  const float *curve_speed_ms; /* [curve_n] ascending */
  const float *curve_cf;       /* [curve_n] 0..1 */
  int curve_n;
  float *cf; /* [n] output capacity factor */
} tw_wind_job;

typedef struct tw_backend_ops {
  const char *name;
  /* Allocate `bytes` of device memory (zeroed). */
  tw_status (*alloc)(tw_backend *be, size_t bytes, void **dev_ptr);
  /* Free device memory (NULL-safe). */
  void (*free)(tw_backend *be, void *dev_ptr);
  tw_status (*upload)(tw_backend *be, void *dev_dst, const void *host_src, size_t bytes);
  tw_status (*download)(tw_backend *be, void *host_dst, const void *dev_src, size_t bytes);
  /* C = alpha op(A) op(B) + beta C, column-major, as cublasSgemm; trans_* 0
   * or 1. A is m x k after op, B k x n, C m x n. */
  tw_status (*sgemm)(tw_backend *be, int trans_a, int trans_b, int m, int n, int k, float alpha,
                     const float *a, int lda, const float *b, int ldb, float beta, float *c,
                     int ldc);
  /* x[i] = act(x[i]) in place, n elements. */
  tw_status (*activation)(tw_backend *be, tw_activation act, size_t n, float *x);
  /* Wind capacity factor per element (physics_wind.h). */
  tw_status (*wind_cf)(tw_backend *be, const tw_wind_job *job);
  /* Wait for queued work; reports asynchronous failures. */
  tw_status (*synchronize)(tw_backend *be);
  /* Release the backend's own state (called by tw_backend_destroy). */
  void (*destroy)(tw_backend *be);
} tw_backend_ops;

struct tw_backend {
  const tw_backend_ops *ops;
  tw_backend_kind kind;
  void *impl; /* backend-private state */
};

/* Parse "auto", "cpu" or "cuda". TW_ERR_USAGE names the value otherwise. */
tw_status tw_backend_kind_parse(const char *text, tw_backend_kind *out);

/* Create a backend. AUTO takes CUDA only if it was compiled in and a GPU is
 * present, else CPU. CUDA when not compiled in or without a GPU fails with
 * TW_ERR_RESOURCE and says which. */
tw_status tw_backend_create(tw_backend_kind kind, tw_backend **out);

/* Destroy a backend (NULL-safe; sets *be to NULL). */
void tw_backend_destroy(tw_backend **be);

/* 1 if the CUDA backend was compiled in. */
int tw_backend_cuda_compiled(void);

/* Number of CUDA devices visible (0 when not compiled in or none). On
 * return `names` (if not NULL) holds a "; "-separated list of device names. */
int tw_backend_cuda_devices(char *names, size_t names_size);

/* Backend constructors (internal; use tw_backend_create). */
tw_status tw_backend_cpu_create(tw_backend **out);
tw_status tw_backend_cuda_create(tw_backend **out);

#ifdef __cplusplus
}
#endif
#endif
