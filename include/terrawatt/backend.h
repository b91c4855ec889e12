/* terrawatt: compute backends (one math, two machines).
 * An opaque tw_backend with wrapper functions (ggml style): `cpu` uses
 * CBLAS + OpenMP and is the reference; `cuda` (cuBLAS, cuSPARSE and the
 * kernels in kernels/) is a library of its own, libterrawatt_cuda.so,
 * loaded with dlopen only when a CUDA backend is asked for.
 * Pointers called "device" point into the backend's memory (host memory
 * for cpu, where tw_backend_is_host() is 1): move data with upload/download.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_BACKEND_H
#define TERRAWATT_BACKEND_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/physics_pv.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tw_backend_kind { TW_BACKEND_AUTO = 0, TW_BACKEND_CPU, TW_BACKEND_CUDA } tw_backend_kind;

typedef enum tw_activation { TW_ACT_IDENTITY = 0, TW_ACT_RELU, TW_ACT_TANH, TW_ACT_GELU } tw_activation;

typedef struct tw_backend tw_backend;

/* Packing of a cell-time input read as int16 (NetCDF `short` with
 * scale_factor / add_offset / _FillValue), decoded inside the conversion
 * loops (no decoded copy of the field is made) exactly as ingest decodes
 * it (climate.h tw_climate_packing; convert_math.h tw_unpack): raw equal
 * to fill or missing, or outside [raw_min, raw_max], gives NaN; zero_raw
 * gives zero_value; else raw * scale + offset in float, or in double
 * (scale_d, offset_d) rounded once when use_double. Raw values outside
 * -32768..32767 (TW_PACK_NO_FILL) never occur. convert_math.h
 * tw_pack_make builds the plain (scale, offset, fill) case. */
#define TW_PACK_NO_FILL 0x10000
typedef struct tw_pack {
  float scale, offset;
  int fill;
  int missing;
  int raw_min, raw_max;
  int zero_raw;
  float zero_value;
  int use_double;
  double scale_d, offset_d;
} tw_pack;

/* A wind conversion job over ntime x ncell elements, time-major
 * ([ntime][ncell]), all arrays device (convert_math.h). The power curve is
 * resampled on a uniform speed grid (physics_wind.h tw_wind_table_fill). */
typedef struct tw_wind_job {
  size_t ncell, ntime;
  const float *u_ms;        /* [ntime][ncell] eastward wind at height_ref_m */
  const float *v_ms;        /* [ntime][ncell] northward wind at height_ref_m */
  /* Log law: hub_factor [ncell] = v_hub / v_ref per cell (static roughness,
   * tw_wind_log_factor computed once per cell); or, when hub_factor is
   * NULL, roughness_m [ntime][ncell] (time-varying roughness: the log law
   * per element). */
  const float *hub_factor;
  const float *roughness_m;
  float height_ref_m;
  float height_hub_m;
  const float *curve_table; /* [curve_len] capacity factor at speed k / curve_inv_dv */
  int curve_len;
  float curve_inv_dv;       /* 1 / grid step (s/m) */
  float curve_min_ms;       /* first speed of the curve: below it cf = 0 */
  float curve_max_ms;       /* last speed of the curve: above it cf = 0 */
  float *cf; /* [ntime][ncell] output capacity factor */
  /* Power-law extrapolation: when power_law is 1, the speed from (u_ms,
   * v_ms) at height_ref_m is extrapolated with the shear exponent of the
   * speeds at height_ref_m and height_low_m (u_low_ms, v_low_ms; device,
   * [ntime][ncell]); hub_factor and roughness are then unused. */
  int power_law;
  const float *u_low_ms;
  const float *v_low_ms;
  float height_low_m;
  /* Packed input: when u_i16 is not NULL, u and v come from u_i16 / v_i16
   * ([ntime][ncell] int16, device) decoded in the loop with u_pack /
   * v_pack, and u_ms / v_ms are unused (log law with hub_factor or
   * roughness_m; not with power_law). */
  const short *u_i16, *v_i16;
  tw_pack u_pack, v_pack;
} tw_wind_job;

/* A PV conversion job (physics_pv.h): ncell cells x ntime times, values
 * [ntime][ncell] row-major, all arrays device. */
typedef struct tw_pv_job {
  size_t ncell, ntime;
  const tw_sun_geo *geo;   /* [ntime] SPA geocentric part at each step's sun instant */
  const float *lat_deg;    /* [ncell] */
  const float *lon_deg;    /* [ncell] */
  const float *ghi_wm2;    /* global horizontal irradiance (ERA5 ssrd / step) */
  const float *fdir_wm2;   /* direct horizontal irradiance, or NULL (Reindl split) */
  const float *t2m_K;      /* 2 m air temperature */
  const float *wind_ms;    /* 10 m wind speed, or NULL (params.default_wind_ms) */
  tw_pv_params params;
  float *cf;               /* [ntime][ncell] output per kW peak, 0..1 */
  /* Fast sun geometry (physics_solar.h tw_sun_fast): when sun is not NULL
   * the sun position comes from sun[t] (per step) and cell_trig[c] (per
   * cell: sin and cos of latitude and longitude) instead of SPA from geo
   * and lat/lon (geo, lat_deg, lon_deg still used for the rest). */
  const tw_sun_fast *sun;        /* [ntime] */
  const tw_cell_trig *cell_trig; /* [ncell] */
  /* Packed input: where a *_i16 pointer is not NULL, that field is read
   * from it ([ntime][ncell] int16) with its tw_pack instead of the float
   * array. */
  const short *ghi_i16, *fdir_i16, *t2m_i16;
  tw_pack ghi_pack, fdir_pack, t2m_pack;
} tw_pv_job;

/* Sparse aggregation (layout matrix, CSR nrow x ncol) applied to every
 * time step: y[t][r] = sum_k val[k] * x[t][col[k]] for row_ptr[r] <= k <
 * row_ptr[r+1]. NaN inputs propagate. All arrays device. */
typedef struct tw_csr_job {
  int nrow, ncol;
  size_t ntime;
  const int *row_ptr; /* [nrow + 1] */
  const int *col;     /* [nnz] */
  const float *val;   /* [nnz] */
  const float *x;     /* [ntime][ncol] */
  float *y;           /* [ntime][nrow] */
  /* Optional runs (tw_csr_runs_build): entries [run_k[j], run_k[j+1]) hold
   * consecutive cells col[run_k[j]] + 0, 1, ...; row r's runs are
   * row_run[r] .. row_run[r+1]. The CPU fused ops stream a run's cells as
   * one contiguous block; without runs they gather cell by cell (same
   * result). Host arrays on host backends; unused by CUDA. */
  const int *row_run; /* [nrow + 1] */
  const int *run_k;   /* [nrun + 1] */
  /* Number of entries (row_ptr[nrow]) as known on the host, so that CUDA
   * picks its kernel without reading the device layout back; 0: unknown
   * (one warp per row). */
  int nnz;
} tw_csr_job;

/* Split each CSR row's entries into maximal runs of consecutive cells
 * (col[k + 1] == col[k] + 1): *row_run [nrow + 1] and *run_k [nrun + 1]
 * (host, caller frees both). Computed once per layout. */
TW_API tw_status tw_csr_runs_build(int nrow, const int *row_ptr, const int *col, int **row_run,
                                   int **run_k);

/* One AdamW update over n parameters, all arrays device (mlp_math.h). */
typedef struct tw_adam_job {
  size_t n;
  float *param;       /* [n] updated in place */
  const float *grad;  /* [n] */
  float *m, *v;       /* [n] first and second moment estimates */
  float lr, beta1, beta2, eps, weight_decay;
  float bias_corr1, bias_corr2; /* 1 - beta1^t, 1 - beta2^t */
} tw_adam_job;

#define TW_MAX_QUANTILES 16

/* The MLP output head (mlp_math.h tw_output_sample): n samples, each a
 * column of quantile_count (or 1 for a point forecast) raw outputs. */
typedef struct tw_output_job {
  int n;
  int quantile_count;                  /* 0: point forecast with MSE loss */
  float quantiles[TW_MAX_QUANTILES];   /* levels in (0,1), ascending */
  const float *raw;                    /* [nq x n] network outputs */
  const float *target;                 /* [n] or NULL */
  float *pred;                         /* [nq x n] or NULL */
  float *grad;                         /* [nq x n] d loss / d raw, or NULL */
  float *loss;                         /* [n] per-sample loss, or NULL */
  float grad_scale;
} tw_output_job;

/* One valley-filling projection step over n_groups EV groups x n_hours
 * (mobility_math.h tw_vf_project_group), all arrays device, hour-major:
 * element t of group g is at [t * n_groups + g]. */
typedef struct tw_ev_project_job {
  size_t n_groups;
  int n_hours;
  float gamma;              /* step size (1/MW), Gan et al. 2013 */
  const float *price;       /* [n_hours] control signal, MW */
  float *r;                 /* [n_hours x n_groups] charging MW, updated in place */
  float *r_prev;            /* NULL, or previous iterate (in) / r before the step (out) */
  float beta;               /* momentum weight on r - r_prev (0: plain step) */
  const float *upper;       /* [n_hours x n_groups] charger limit MW */
  const double *energy_MWh; /* [n_groups] energy each group must receive */
  float *lambda;            /* [n_groups] multiplier, warm start in / out */
} tw_ev_project_job;

/* ---- backends ------------------------------------------------------------
 * A backend (opaque) is a device interface (buffers, copies, synchronize,
 * sgemm) plus per-domain operation tables (convert, forecast, mobility, the
 * LP ops of the first-order solver: terrawatt/backend_lp.h). A backend may
 * lack an op: tw_backend_supports() says so, and calling it returns
 * TW_ERR_RESOURCE naming the backend and the op. Create one per process
 * (one per MPI rank in `run`) and pass it down. Not thread-safe: one
 * thread drives a backend at a time. */

/* Every op of every domain, for tw_backend_supports() and the parity
 * harness (tests/backend/test_backend_ops.c has a case for each). */
typedef enum tw_backend_op {
  /* device */
  TW_OP_SGEMM = 0,
  /* convert */
  TW_OP_WIND_CF,
  TW_OP_PV_CF,
  TW_OP_CSR_AGGREGATE,
  TW_OP_WIND_BUS_CF,
  TW_OP_PV_BUS_CF,
  /* forecast */
  TW_OP_ACTIVATION,
  TW_OP_BIAS_ACTIVATION,
  TW_OP_ACTIVATION_BACKWARD,
  TW_OP_ADAM_UPDATE,
  TW_OP_OUTPUT_LOSS,
  TW_OP_DENSE_FORWARD,
  TW_OP_DENSE_BACKWARD,
  /* mobility */
  TW_OP_EV_PROJECT,
  /* lp (first-order solver; backend_lp.h) */
  TW_OP_PDLP_STEP,
  TW_OP_PDLP_ACCEPT,
  TW_OP_PDLP_RESTART,
  TW_OP_COUNT
} tw_backend_op;

/* Name of an op ("sgemm", "wind_cf", ...), or "?" out of range. */
TW_API const char *tw_backend_op_name(tw_backend_op op);

/* Parse "auto", "cpu" or "cuda". TW_ERR_USAGE names the value otherwise. */
TW_API tw_status tw_backend_kind_parse(const char *text, tw_backend_kind *out);

/* Create a backend on the default device: tw_backend_create_on(kind, -1). */
TW_API tw_status tw_backend_create(tw_backend_kind kind, tw_backend **out);

/* Create a backend. CPU never touches CUDA. CUDA loads the CUDA backend
 * library (libterrawatt_cuda.so, next to libterrawatt, or the path in
 * TW_CUDA_LIBRARY) with dlopen and takes CUDA device `device`; device < 0
 * means TW_CUDA_DEVICE from the environment, else 0 (the run layer passes
 * the node-local MPI rank modulo the device count). AUTO first asks the
 * CUDA driver (libcuda.so.1, without loading cuBLAS) whether a GPU is
 * present, then loads the library; with no driver, no GPU or no library it
 * falls back to CPU. CUDA without the library, driver or a GPU fails with
 * TW_ERR_RESOURCE naming the reason. */
TW_API tw_status tw_backend_create_on(tw_backend_kind kind, int device, tw_backend **out);

/* Destroy a backend (NULL-safe; sets *be to NULL). */
TW_API void tw_backend_destroy(tw_backend **be);

/* "cpu" or "cuda". */
TW_API const char *tw_backend_name(const tw_backend *be);
TW_API tw_backend_kind tw_backend_get_kind(const tw_backend *be);
/* CUDA device index of the backend, -1 for CPU. */
TW_API int tw_backend_device(const tw_backend *be);
/* 1: buffers of this backend are host memory (CPU): callers may pass host
 * arrays to the ops directly, without alloc + upload (zero copy). */
TW_API int tw_backend_is_host(const tw_backend *be);
/* 1 if the backend implements `op`. */
TW_API int tw_backend_supports(const tw_backend *be, tw_backend_op op);

/* Device buffers: `bytes` of backend memory, zeroed; free is NULL-safe. */
TW_API tw_status tw_backend_alloc(tw_backend *be, size_t bytes, void **dev_ptr);
TW_API void tw_backend_free(tw_backend *be, void *dev_ptr);
/* Host staging buffers for fast asynchronous copies (page-locked memory on
 * CUDA, plain memory on CPU), zeroed; free is NULL-safe. */
TW_API tw_status tw_backend_host_alloc(tw_backend *be, size_t bytes, void **host_ptr);
TW_API void tw_backend_host_free(tw_backend *be, void *host_ptr);
/* Blocking copies: on return the data has arrived and host memory may be
 * reused. On CUDA they go through the backend's pinned staging buffer. */
TW_API tw_status tw_backend_upload(tw_backend *be, void *dev_dst, const void *host_src, size_t bytes);
TW_API tw_status tw_backend_download(tw_backend *be, void *host_dst, const void *dev_src, size_t bytes);
/* Asynchronous copies, queued on the backend's stream in order with its
 * ops: host memory must stay valid (and, for download, unread) until
 * tw_backend_synchronize(). Fastest from tw_backend_host_alloc memory. */
TW_API tw_status tw_backend_upload_async(tw_backend *be, void *dev_dst, const void *host_src,
                                  size_t bytes);
TW_API tw_status tw_backend_download_async(tw_backend *be, void *host_dst, const void *dev_src,
                                    size_t bytes);
/* Wait for queued work; reports asynchronous failures. */
TW_API tw_status tw_backend_synchronize(tw_backend *be);

/* C = alpha op(A) op(B) + beta C, column-major, as cublasSgemm; trans_* 0
 * or 1. A is m x k after op, B k x n, C m x n. */
TW_API tw_status tw_backend_sgemm(tw_backend *be, int trans_a, int trans_b, int m, int n, int k,
                           float alpha, const float *a, int lda, const float *b, int ldb,
                           float beta, float *c, int ldc);

/* ---- convert ops (convert_math.h) ---- */
/* Wind capacity factor per element (physics_wind.h). */
TW_API tw_status tw_backend_wind_cf(tw_backend *be, const tw_wind_job *job);
/* PV output per kW peak per element (physics_pv.h). */
TW_API tw_status tw_backend_pv_cf(tw_backend *be, const tw_pv_job *job);
/* Sparse (CSR) matrix times each time step's vector (cell -> bus). */
TW_API tw_status tw_backend_csr_aggregate(tw_backend *be, const tw_csr_job *job);
/* Fused convert + aggregate: per-bus sums agg->y[t][r] = sum_k val[k] *
 * cf(t, col[k]) with cf the element of `job`; job->cf and agg->x are
 * unused, so no cell array is written and each cell-time input is read
 * once. agg->ncol must equal job->ncell and agg->ntime job->ntime. */
TW_API tw_status tw_backend_wind_bus_cf(tw_backend *be, const tw_wind_job *job, const tw_csr_job *agg);
TW_API tw_status tw_backend_pv_bus_cf(tw_backend *be, const tw_pv_job *job, const tw_csr_job *agg);

/* ---- forecast ops (mlp_math.h) ---- */
/* x[i] = act(x[i]) in place, n elements. */
TW_API tw_status tw_backend_activation(tw_backend *be, tw_activation act, size_t n, float *x);
/* Dense-layer epilogue, rows x cols column-major: z[i,j] += bias[i],
 * then a[i,j] = act(z[i,j]) (a may alias z only for TW_ACT_IDENTITY). */
TW_API tw_status tw_backend_bias_activation(tw_backend *be, tw_activation act, int rows, int cols,
                                     const float *bias, float *z, float *a);
/* grad[i] *= act'(z[i]) for n elements. */
TW_API tw_status tw_backend_activation_backward(tw_backend *be, tw_activation act, size_t n,
                                         const float *z, float *grad);
/* AdamW parameter update (tw_adam_element). */
TW_API tw_status tw_backend_adam_update(tw_backend *be, const tw_adam_job *job);
/* MLP output head: quantile transform, loss and gradient per sample. */
TW_API tw_status tw_backend_output_loss(tw_backend *be, const tw_output_job *job);
/* Fused dense-layer forward epilogue for training, rows x cols
 * column-major: v = z + bias[i], a = act(v), z = act'(v). */
TW_API tw_status tw_backend_dense_forward(tw_backend *be, tw_activation act, int rows, int cols,
                                   const float *bias, float *z, float *a);
/* Fused backward epilogue: grad[i,j] *= dact[i,j] (dact NULL: no
 * activation), then db[i] = sum_j grad[i,j] (the bias gradient). */
TW_API tw_status tw_backend_dense_backward(tw_backend *be, int rows, int cols, const float *dact,
                                    float *grad, float *db);

/* ---- mobility ops (mobility_math.h) ---- */
/* EV valley-filling projection per group. */
TW_API tw_status tw_backend_ev_project(tw_backend *be, const tw_ev_project_job *job);

/* 1 if the CUDA backend library was built with this terrawatt (it is
 * loaded only when a CUDA backend is requested). */
TW_API int tw_backend_cuda_compiled(void);

/* Number of CUDA devices visible through the driver (0 when there is no
 * driver or no GPU; loads neither cudart nor cuBLAS). On return `names`
 * (if not NULL) holds a "; "-separated list of device names. */
TW_API int tw_backend_cuda_devices(char *names, size_t names_size);

#ifdef __cplusplus
}
#endif
#endif
