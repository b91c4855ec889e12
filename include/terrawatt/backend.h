/* terrawatt: compute backends (one math, two machines).
 * A backend is a table of function pointers; `cpu` uses CBLAS + OpenMP and
 * is the reference, `cuda` uses cuBLAS and the kernels in kernels/.
 * Pointers called "device" point into the backend's memory (host memory
 * for cpu): move data with upload/download.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_BACKEND_H
#define TERRAWATT_BACKEND_H

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
} tw_csr_job;

/* Split each CSR row's entries into maximal runs of consecutive cells
 * (col[k + 1] == col[k] + 1): *row_run [nrow + 1] and *run_k [nrun + 1]
 * (host, caller frees both). Computed once per layout. */
tw_status tw_csr_runs_build(int nrow, const int *row_ptr, const int *col, int **row_run,
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
  /* Dense-layer epilogue, rows x cols column-major: z[i,j] += bias[i],
   * then a[i,j] = act(z[i,j]) (a may alias z only for TW_ACT_IDENTITY). */
  tw_status (*bias_activation)(tw_backend *be, tw_activation act, int rows, int cols,
                               const float *bias, float *z, float *a);
  /* grad[i] *= act'(z[i]) for n elements (mlp_math.h). */
  tw_status (*activation_backward)(tw_backend *be, tw_activation act, size_t n, const float *z,
                                   float *grad);
  /* AdamW parameter update (mlp_math.h tw_adam_element). */
  tw_status (*adam_update)(tw_backend *be, const tw_adam_job *job);
  /* MLP output head: quantile transform, loss and gradient per sample. */
  tw_status (*output_loss)(tw_backend *be, const tw_output_job *job);
  /* Fused dense-layer forward epilogue for training, rows x cols
   * column-major: v = z + bias[i], a = act(v), z = act'(v) (mlp_math.h). */
  tw_status (*dense_forward)(tw_backend *be, tw_activation act, int rows, int cols,
                             const float *bias, float *z, float *a);
  /* Fused backward epilogue: grad[i,j] *= dact[i,j] (dact NULL: no
   * activation), then db[i] = sum_j grad[i,j] (the bias gradient). */
  tw_status (*dense_backward)(tw_backend *be, int rows, int cols, const float *dact, float *grad,
                              float *db);
  /* Wind capacity factor per element (physics_wind.h). */
  tw_status (*wind_cf)(tw_backend *be, const tw_wind_job *job);
  /* PV output per kW peak per element (physics_pv.h). */
  tw_status (*pv_cf)(tw_backend *be, const tw_pv_job *job);
  /* Sparse (CSR) matrix times each time step's vector (cell -> bus). */
  tw_status (*csr_aggregate)(tw_backend *be, const tw_csr_job *job);
  /* Fused convert + aggregate (optional, NULL if absent): per-bus sums
   * agg->y[t][r] = sum_k val[k] * cf(t, col[k]) with cf the element of
   * `job` (wind_cf / pv_cf math); job->cf and agg->x are unused, so no
   * cell array is written and each cell-time input is read once.
   * agg->ncol must equal job->ncell and agg->ntime job->ntime. */
  tw_status (*wind_bus_cf)(tw_backend *be, const tw_wind_job *job, const tw_csr_job *agg);
  tw_status (*pv_bus_cf)(tw_backend *be, const tw_pv_job *job, const tw_csr_job *agg);
  /* 1: device memory is host memory (the CPU backend): callers may pass
   * host arrays to the ops directly, without alloc + upload (zero copy). */
  int is_host;
  /* EV valley-filling projection per group (mobility_math.h). */
  tw_status (*ev_project)(tw_backend *be, const tw_ev_project_job *job);
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
