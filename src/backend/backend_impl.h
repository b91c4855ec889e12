/* The inside of a backend (private to src/backend and kernels/): a device
 * interface and per-domain operation tables, any entry of which may be NULL
 * (the op is unsupported). The public face is terrawatt/backend.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_BACKEND_IMPL_H
#define TW_BACKEND_IMPL_H

#include "terrawatt/backend.h"
#include "terrawatt/backend_lp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tw_device_iface {
  const char *name;
  int is_host; /* buffers are host memory: zero copy */
  tw_status (*alloc)(tw_backend *be, size_t bytes, void **dev_ptr);
  void (*free)(tw_backend *be, void *dev_ptr);
  tw_status (*host_alloc)(tw_backend *be, size_t bytes, void **host_ptr);
  void (*host_free)(tw_backend *be, void *host_ptr);
  tw_status (*upload)(tw_backend *be, void *dev_dst, const void *host_src, size_t bytes);
  tw_status (*download)(tw_backend *be, void *host_dst, const void *dev_src, size_t bytes);
  tw_status (*upload_async)(tw_backend *be, void *dev_dst, const void *host_src, size_t bytes);
  tw_status (*download_async)(tw_backend *be, void *host_dst, const void *dev_src, size_t bytes);
  tw_status (*synchronize)(tw_backend *be);
  tw_status (*sgemm)(tw_backend *be, int trans_a, int trans_b, int m, int n, int k, float alpha,
                     const float *a, int lda, const float *b, int ldb, float beta, float *c,
                     int ldc);
  /* Release the backend's own state (be->impl). */
  void (*destroy)(tw_backend *be);
} tw_device_iface;

typedef struct tw_convert_ops {
  tw_status (*wind_cf)(tw_backend *be, const tw_wind_job *job);
  tw_status (*pv_cf)(tw_backend *be, const tw_pv_job *job);
  tw_status (*csr_aggregate)(tw_backend *be, const tw_csr_job *job);
  tw_status (*wind_bus_cf)(tw_backend *be, const tw_wind_job *job, const tw_csr_job *agg);
  tw_status (*pv_bus_cf)(tw_backend *be, const tw_pv_job *job, const tw_csr_job *agg);
} tw_convert_ops;

typedef struct tw_forecast_ops {
  tw_status (*activation)(tw_backend *be, tw_activation act, size_t n, float *x);
  tw_status (*bias_activation)(tw_backend *be, tw_activation act, int rows, int cols,
                               const float *bias, float *z, float *a);
  tw_status (*activation_backward)(tw_backend *be, tw_activation act, size_t n, const float *z,
                                   float *grad);
  tw_status (*adam_update)(tw_backend *be, const tw_adam_job *job);
  tw_status (*output_loss)(tw_backend *be, const tw_output_job *job);
  tw_status (*dense_forward)(tw_backend *be, tw_activation act, int rows, int cols,
                             const float *bias, float *z, float *a);
  tw_status (*dense_backward)(tw_backend *be, int rows, int cols, const float *dact, float *grad,
                              float *db);
} tw_forecast_ops;

typedef struct tw_mobility_ops {
  tw_status (*ev_project)(tw_backend *be, const tw_ev_project_job *job);
} tw_mobility_ops;

typedef struct tw_lp_ops {
  tw_status (*create)(tw_backend *be, const tw_pdlp_problem *p, tw_pdlp_dev **out);
  void (*destroy)(tw_pdlp_dev *d);
  tw_status (*step)(tw_pdlp_dev *d, double tau, double sigma, double dots[3]);
  tw_status (*accept)(tw_pdlp_dev *d, double weight);
  tw_status (*restart)(tw_pdlp_dev *d, int to_average, double weight_sum);
  tw_status (*get)(tw_pdlp_dev *d, tw_pdlp_vec v, double *host);
  tw_status (*set)(tw_pdlp_dev *d, tw_pdlp_vec v, const double *host);
} tw_lp_ops;

struct tw_backend {
  const tw_device_iface *dev;
  const tw_convert_ops *convert;   /* NULL: no convert ops */
  const tw_forecast_ops *forecast; /* NULL: no forecast ops */
  const tw_mobility_ops *mobility; /* NULL: no mobility ops */
  const tw_lp_ops *lp;             /* NULL: no LP ops */
  tw_backend_kind kind;
  int device;    /* CUDA device index, -1 on cpu */
  void *impl;    /* backend-private state */
  void *library; /* dlopen handle of libterrawatt_cuda.so, or NULL */
};

/* The CPU backend's tables (backend_cpu.c, lp_cpu.c). */
tw_status tw_backend_cpu_init(tw_backend *be);
extern const tw_lp_ops tw_lp_ops_cpu;

/* Entry point of libterrawatt_cuda.so, looked up with dlsym by name
 * (TW_CUDA_PLUGIN_INIT): fill `be` (tables, impl, device) for CUDA device
 * `device`; TW_ERR_RESOURCE with the reason when it cannot. */
#define TW_CUDA_PLUGIN_INIT "tw_cuda_backend_init"
typedef tw_status (*tw_cuda_backend_init_fn)(tw_backend *be, int device);

#ifdef __cplusplus
}
#endif
#endif
