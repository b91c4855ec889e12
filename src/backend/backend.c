/* The backend's public face: creation (CUDA loaded lazily with dlopen),
 * the op names and supports(), and one wrapper per op that dispatches to
 * the backend's tables or fails clearly when the op is missing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* dladdr: find libterrawatt_cuda.so next to this library */
#include "backend_impl.h"

#include "terrawatt/alloc.h"
#include "terrawatt/log.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[TW_OP_COUNT] = {
    [TW_OP_SGEMM] = "sgemm",
    [TW_OP_WIND_CF] = "wind_cf",
    [TW_OP_PV_CF] = "pv_cf",
    [TW_OP_CSR_AGGREGATE] = "csr_aggregate",
    [TW_OP_WIND_BUS_CF] = "wind_bus_cf",
    [TW_OP_PV_BUS_CF] = "pv_bus_cf",
    [TW_OP_ACTIVATION] = "activation",
    [TW_OP_BIAS_ACTIVATION] = "bias_activation",
    [TW_OP_ACTIVATION_BACKWARD] = "activation_backward",
    [TW_OP_ADAM_UPDATE] = "adam_update",
    [TW_OP_OUTPUT_LOSS] = "output_loss",
    [TW_OP_DENSE_FORWARD] = "dense_forward",
    [TW_OP_DENSE_BACKWARD] = "dense_backward",
    [TW_OP_EV_PROJECT] = "ev_project",
    [TW_OP_PDLP_STEP] = "pdlp_step",
    [TW_OP_PDLP_ACCEPT] = "pdlp_accept",
    [TW_OP_PDLP_RESTART] = "pdlp_restart",
};

const char *tw_backend_op_name(tw_backend_op op) {
  return (op >= 0 && op < TW_OP_COUNT && op_names[op]) ? op_names[op] : "?";
}

tw_status tw_backend_kind_parse(const char *text, tw_backend_kind *out) {
  if (text && strcmp(text, "auto") == 0) *out = TW_BACKEND_AUTO;
  else if (text && strcmp(text, "cpu") == 0) *out = TW_BACKEND_CPU;
  else if (text && strcmp(text, "cuda") == 0) *out = TW_BACKEND_CUDA;
  else
    return tw_error(TW_ERR_USAGE, "backend '%s' is not one of auto, cpu, cuda", text ? text : "");
  return TW_OK;
}

/* ---- CUDA probing through the driver (no cudart, no cuBLAS) ---------- */

typedef int (*cu_init_fn)(unsigned);
typedef int (*cu_count_fn)(int *);
typedef int (*cu_get_fn)(int *, int);
typedef int (*cu_name_fn)(char *, int, int);
typedef int (*cu_mem_fn)(size_t *, int);
typedef int (*cu_attr_fn)(int *, int, int);

static void *driver_handle;
static int driver_count = -1; /* -1: not probed yet */
static char driver_reason[256];

/* dlsym returns void *; going through memcpy avoids the ISO C warning on
 * converting an object pointer to a function pointer. */
static void *sym(void *lib, const char *name) { return lib ? dlsym(lib, name) : NULL; }
#define TW_SYM(lib, type, name, out)                                                         \
  do {                                                                                       \
    void *p_ = sym(lib, name);                                                               \
    memcpy(&(out), &p_, sizeof p_);                                                          \
    (void)sizeof(type);                                                                      \
  } while (0)

static int driver_probe(void) {
  if (driver_count >= 0) return driver_count;
  driver_count = 0;
  driver_handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!driver_handle) {
    snprintf(driver_reason, sizeof driver_reason, "no CUDA driver (%s)", dlerror());
    return 0;
  }
  cu_init_fn cu_init = NULL;
  cu_count_fn cu_count = NULL;
  TW_SYM(driver_handle, cu_init_fn, "cuInit", cu_init);
  TW_SYM(driver_handle, cu_count_fn, "cuDeviceGetCount", cu_count);
  int count = 0;
  if (!cu_init || !cu_count) {
    snprintf(driver_reason, sizeof driver_reason, "libcuda.so.1 lacks cuInit/cuDeviceGetCount");
  } else if (cu_init(0) != 0) {
    snprintf(driver_reason, sizeof driver_reason, "the CUDA driver found no usable GPU (cuInit failed)");
  } else if (cu_count(&count) != 0 || count <= 0) {
    count = 0;
    snprintf(driver_reason, sizeof driver_reason, "no GPU is visible");
  }
  driver_count = count;
  return count;
}

int tw_backend_cuda_devices(char *names, size_t names_size) {
  if (names && names_size) names[0] = '\0';
  int count = driver_probe();
  if (!names || !names_size) return count;
  cu_get_fn cu_get = NULL;
  cu_name_fn cu_name = NULL;
  cu_mem_fn cu_mem = NULL;
  cu_attr_fn cu_attr = NULL;
  TW_SYM(driver_handle, cu_get_fn, "cuDeviceGet", cu_get);
  TW_SYM(driver_handle, cu_name_fn, "cuDeviceGetName", cu_name);
  TW_SYM(driver_handle, cu_mem_fn, "cuDeviceTotalMem_v2", cu_mem);
  TW_SYM(driver_handle, cu_attr_fn, "cuDeviceGetAttribute", cu_attr);
  for (int i = 0; i < count && cu_get && cu_name && cu_mem && cu_attr; i++) {
    int dev = 0, major = 0, minor = 0;
    char name[128] = "";
    size_t mem = 0;
    if (cu_get(&dev, i) != 0 || cu_name(name, (int)sizeof name, dev) != 0) continue;
    (void)cu_mem(&mem, dev);
    (void)cu_attr(&major, 75 /* CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR */, dev);
    (void)cu_attr(&minor, 76 /* CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR */, dev);
    size_t used = strlen(names);
    if (used + 1 >= names_size) break;
    snprintf(names + used, names_size - used, "%s%s (sm_%d%d, %.0f GiB)", i ? "; " : "", name,
             major, minor, (double)mem / 1073741824.0);
  }
  return count;
}

int tw_backend_cuda_compiled(void) {
#ifdef TW_CUDA_LIBRARY_BUILT
  return 1;
#else
  return 0;
#endif
}

/* ---- loading libterrawatt_cuda.so -------------------------------------- */

#define TW_CUDA_LIBRARY_NAME "libterrawatt_cuda.so"

/* Open the CUDA backend library: TW_CUDA_LIBRARY, else the folder of the
 * libterrawatt that holds this code, else the loader's search path. */
static void *cuda_library_open(char *why, size_t why_size) {
  const char *env = getenv("TW_CUDA_LIBRARY");
  if (env && *env) {
    void *h = dlopen(env, RTLD_NOW | RTLD_LOCAL);
    if (!h) snprintf(why, why_size, "TW_CUDA_LIBRARY=%s: %s", env, dlerror());
    return h;
  }
  Dl_info info;
  if (dladdr((void *)&op_names, &info) && info.dli_fname) {
    char path[PATH_MAX];
    const char *slash = strrchr(info.dli_fname, '/');
    int dir_len = slash ? (int)(slash - info.dli_fname) : 0;
    if (slash && snprintf(path, sizeof path, "%.*s/%s", dir_len, info.dli_fname,
                          TW_CUDA_LIBRARY_NAME) < (int)sizeof path) {
      void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
      if (h) return h;
    }
  }
  void *h = dlopen(TW_CUDA_LIBRARY_NAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) snprintf(why, why_size, "%s", dlerror());
  return h;
}

static int env_device(void) {
  const char *text = getenv("TW_CUDA_DEVICE");
  if (!text || !*text) return 0;
  char *end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || *end || v < 0 || v > INT_MAX) return -1;
  return (int)v;
}

static tw_status cuda_create(int device, tw_backend *be) {
  if (!tw_backend_cuda_compiled())
    return tw_error(TW_ERR_RESOURCE, "backend 'cuda' requested but this build has no CUDA "
                                     "(configure with -DTW_ENABLE_CUDA=ON)");
  int count = driver_probe();
  if (count <= 0) return tw_error(TW_ERR_RESOURCE, "backend 'cuda' requested but %s", driver_reason);
  if (device < 0) {
    device = env_device();
    if (device < 0)
      return tw_error(TW_ERR_USAGE, "TW_CUDA_DEVICE='%s' is not a device index (0, 1, ...)",
                      getenv("TW_CUDA_DEVICE"));
  }
  if (device >= count)
    return tw_error(TW_ERR_RESOURCE, "CUDA device %d requested but only %d GPU(s) are visible",
                    device, count);
  char why[512] = "";
  void *lib = cuda_library_open(why, sizeof why);
  if (!lib)
    return tw_error(TW_ERR_RESOURCE, "backend 'cuda': cannot load the CUDA backend library (%s)",
                    why);
  tw_cuda_backend_init_fn init = NULL;
  TW_SYM(lib, tw_cuda_backend_init_fn, TW_CUDA_PLUGIN_INIT, init);
  if (!init) {
    dlclose(lib);
    return tw_error(TW_ERR_RESOURCE, "backend 'cuda': %s has no %s", TW_CUDA_LIBRARY_NAME,
                    TW_CUDA_PLUGIN_INIT);
  }
  tw_status st = init(be, device);
  if (st != TW_OK) {
    /* keep the library mapped: the CUDA runtime registers exit handlers */
    return st;
  }
  be->library = lib;
  return TW_OK;
}

tw_status tw_backend_create_on(tw_backend_kind kind, int device, tw_backend **out) {
  tw_status st = TW_OK;
  tw_backend *be = NULL;
  *out = NULL;
  TW_CHECK(tw_calloc(1, sizeof *be, "backend", &be));
  be->device = -1;
  if (kind == TW_BACKEND_CUDA) {
    TW_CHECK_GOTO(st, cuda_create(device, be));
  } else if (kind == TW_BACKEND_AUTO && tw_backend_cuda_compiled() && driver_probe() > 0) {
    st = cuda_create(device, be);
    if (st != TW_OK) {
      TW_LOG_W("CUDA backend unavailable (%s); using cpu", tw_last_error());
      memset(be, 0, sizeof *be);
      be->device = -1;
      TW_CHECK_GOTO(st, tw_backend_cpu_init(be));
    }
  } else {
    TW_CHECK_GOTO(st, tw_backend_cpu_init(be));
  }
  *out = be;
  return TW_OK;
cleanup:
  free(be);
  return st;
}

tw_status tw_backend_create(tw_backend_kind kind, tw_backend **out) {
  return tw_backend_create_on(kind, -1, out);
}

void tw_backend_destroy(tw_backend **be) {
  if (!be || !*be) return;
  if ((*be)->dev && (*be)->dev->destroy) (*be)->dev->destroy(*be);
  /* libterrawatt_cuda.so stays mapped: the CUDA runtime's exit handlers
   * live in it. */
  free(*be);
  *be = NULL;
}

/* ---- queries ----------------------------------------------------------- */

const char *tw_backend_name(const tw_backend *be) { return be->dev->name; }
tw_backend_kind tw_backend_get_kind(const tw_backend *be) { return be->kind; }
int tw_backend_device(const tw_backend *be) { return be->device; }
int tw_backend_is_host(const tw_backend *be) { return be->dev->is_host; }

int tw_backend_supports(const tw_backend *be, tw_backend_op op) {
  const tw_convert_ops *c = be->convert;
  const tw_forecast_ops *f = be->forecast;
  const tw_mobility_ops *mo = be->mobility;
  const tw_lp_ops *lp = be->lp;
  switch (op) {
  case TW_OP_SGEMM: return be->dev->sgemm != NULL;
  case TW_OP_WIND_CF: return c && c->wind_cf;
  case TW_OP_PV_CF: return c && c->pv_cf;
  case TW_OP_CSR_AGGREGATE: return c && c->csr_aggregate;
  case TW_OP_WIND_BUS_CF: return c && c->wind_bus_cf;
  case TW_OP_PV_BUS_CF: return c && c->pv_bus_cf;
  case TW_OP_ACTIVATION: return f && f->activation;
  case TW_OP_BIAS_ACTIVATION: return f && f->bias_activation;
  case TW_OP_ACTIVATION_BACKWARD: return f && f->activation_backward;
  case TW_OP_ADAM_UPDATE: return f && f->adam_update;
  case TW_OP_OUTPUT_LOSS: return f && f->output_loss;
  case TW_OP_DENSE_FORWARD: return f && f->dense_forward;
  case TW_OP_DENSE_BACKWARD: return f && f->dense_backward;
  case TW_OP_EV_PROJECT: return mo && mo->ev_project;
  case TW_OP_PDLP_STEP: return lp && lp->create && lp->step;
  case TW_OP_PDLP_ACCEPT: return lp && lp->accept;
  case TW_OP_PDLP_RESTART: return lp && lp->restart;
  case TW_OP_COUNT: break;
  }
  return 0;
}

static tw_status unsupported(const tw_backend *be, tw_backend_op op) {
  return tw_error(TW_ERR_RESOURCE, "backend '%s' does not support the op '%s'", be->dev->name,
                  tw_backend_op_name(op));
}

/* Dispatch `table->fn(args)` when the backend supports op, else fail. */
#define TW_DISPATCH(op, table, fn, ...)                                                      \
  do {                                                                                       \
    if (!tw_backend_supports(be, op)) return unsupported(be, op);                            \
    return be->table->fn(__VA_ARGS__);                                                       \
  } while (0)

/* ---- device interface -------------------------------------------------- */

tw_status tw_backend_alloc(tw_backend *be, size_t bytes, void **dev_ptr) {
  return be->dev->alloc(be, bytes, dev_ptr);
}

void tw_backend_free(tw_backend *be, void *dev_ptr) {
  if (dev_ptr) be->dev->free(be, dev_ptr);
}

tw_status tw_backend_host_alloc(tw_backend *be, size_t bytes, void **host_ptr) {
  return be->dev->host_alloc(be, bytes, host_ptr);
}

void tw_backend_host_free(tw_backend *be, void *host_ptr) {
  if (host_ptr) be->dev->host_free(be, host_ptr);
}

tw_status tw_backend_upload(tw_backend *be, void *dev_dst, const void *host_src, size_t bytes) {
  if (!bytes || dev_dst == host_src) return TW_OK;
  return be->dev->upload(be, dev_dst, host_src, bytes);
}

tw_status tw_backend_download(tw_backend *be, void *host_dst, const void *dev_src, size_t bytes) {
  if (!bytes || host_dst == dev_src) return TW_OK;
  return be->dev->download(be, host_dst, dev_src, bytes);
}

tw_status tw_backend_upload_async(tw_backend *be, void *dev_dst, const void *host_src,
                                  size_t bytes) {
  if (!bytes || dev_dst == host_src) return TW_OK;
  return be->dev->upload_async(be, dev_dst, host_src, bytes);
}

tw_status tw_backend_download_async(tw_backend *be, void *host_dst, const void *dev_src,
                                    size_t bytes) {
  if (!bytes || host_dst == dev_src) return TW_OK;
  return be->dev->download_async(be, host_dst, dev_src, bytes);
}

tw_status tw_backend_synchronize(tw_backend *be) { return be->dev->synchronize(be); }

tw_status tw_backend_sgemm(tw_backend *be, int trans_a, int trans_b, int m, int n, int k,
                           float alpha, const float *a, int lda, const float *b, int ldb,
                           float beta, float *c, int ldc) {
  TW_DISPATCH(TW_OP_SGEMM, dev, sgemm, be, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta,
              c, ldc);
}

/* ---- convert ----------------------------------------------------------- */

tw_status tw_backend_wind_cf(tw_backend *be, const tw_wind_job *job) {
  TW_DISPATCH(TW_OP_WIND_CF, convert, wind_cf, be, job);
}
tw_status tw_backend_pv_cf(tw_backend *be, const tw_pv_job *job) {
  TW_DISPATCH(TW_OP_PV_CF, convert, pv_cf, be, job);
}
tw_status tw_backend_csr_aggregate(tw_backend *be, const tw_csr_job *job) {
  TW_DISPATCH(TW_OP_CSR_AGGREGATE, convert, csr_aggregate, be, job);
}
tw_status tw_backend_wind_bus_cf(tw_backend *be, const tw_wind_job *job, const tw_csr_job *agg) {
  TW_DISPATCH(TW_OP_WIND_BUS_CF, convert, wind_bus_cf, be, job, agg);
}
tw_status tw_backend_pv_bus_cf(tw_backend *be, const tw_pv_job *job, const tw_csr_job *agg) {
  TW_DISPATCH(TW_OP_PV_BUS_CF, convert, pv_bus_cf, be, job, agg);
}

/* ---- forecast ---------------------------------------------------------- */

tw_status tw_backend_activation(tw_backend *be, tw_activation act, size_t n, float *x) {
  TW_DISPATCH(TW_OP_ACTIVATION, forecast, activation, be, act, n, x);
}
tw_status tw_backend_bias_activation(tw_backend *be, tw_activation act, int rows, int cols,
                                     const float *bias, float *z, float *a) {
  TW_DISPATCH(TW_OP_BIAS_ACTIVATION, forecast, bias_activation, be, act, rows, cols, bias, z, a);
}
tw_status tw_backend_activation_backward(tw_backend *be, tw_activation act, size_t n,
                                         const float *z, float *grad) {
  TW_DISPATCH(TW_OP_ACTIVATION_BACKWARD, forecast, activation_backward, be, act, n, z, grad);
}
tw_status tw_backend_adam_update(tw_backend *be, const tw_adam_job *job) {
  TW_DISPATCH(TW_OP_ADAM_UPDATE, forecast, adam_update, be, job);
}
tw_status tw_backend_output_loss(tw_backend *be, const tw_output_job *job) {
  TW_DISPATCH(TW_OP_OUTPUT_LOSS, forecast, output_loss, be, job);
}
tw_status tw_backend_dense_forward(tw_backend *be, tw_activation act, int rows, int cols,
                                   const float *bias, float *z, float *a) {
  TW_DISPATCH(TW_OP_DENSE_FORWARD, forecast, dense_forward, be, act, rows, cols, bias, z, a);
}
tw_status tw_backend_dense_backward(tw_backend *be, int rows, int cols, const float *dact,
                                    float *grad, float *db) {
  TW_DISPATCH(TW_OP_DENSE_BACKWARD, forecast, dense_backward, be, rows, cols, dact, grad, db);
}

/* ---- mobility ---------------------------------------------------------- */

tw_status tw_backend_ev_project(tw_backend *be, const tw_ev_project_job *job) {
  TW_DISPATCH(TW_OP_EV_PROJECT, mobility, ev_project, be, job);
}

/* ---- lp ---------------------------------------------------------------- */

tw_status tw_backend_pdlp_create(tw_backend *be, const tw_pdlp_problem *p, tw_pdlp_dev **out) {
  *out = NULL;
  TW_DISPATCH(TW_OP_PDLP_STEP, lp, create, be, p, out);
}
void tw_backend_pdlp_destroy(tw_backend *be, tw_pdlp_dev **d) {
  if (!d || !*d) return;
  if (be->lp && be->lp->destroy) be->lp->destroy(*d);
  *d = NULL;
}
tw_status tw_backend_pdlp_step(tw_backend *be, tw_pdlp_dev *d, double tau, double sigma,
                               double dots[3]) {
  TW_DISPATCH(TW_OP_PDLP_STEP, lp, step, d, tau, sigma, dots);
}
tw_status tw_backend_pdlp_accept(tw_backend *be, tw_pdlp_dev *d, double weight) {
  TW_DISPATCH(TW_OP_PDLP_ACCEPT, lp, accept, d, weight);
}
tw_status tw_backend_pdlp_restart(tw_backend *be, tw_pdlp_dev *d, int to_average,
                                  double weight_sum) {
  TW_DISPATCH(TW_OP_PDLP_RESTART, lp, restart, d, to_average, weight_sum);
}
tw_status tw_backend_pdlp_get(tw_backend *be, tw_pdlp_dev *d, tw_pdlp_vec v, double *host) {
  TW_DISPATCH(TW_OP_PDLP_STEP, lp, get, d, v, host);
}
tw_status tw_backend_pdlp_set(tw_backend *be, tw_pdlp_dev *d, tw_pdlp_vec v,
                              const double *host) {
  TW_DISPATCH(TW_OP_PDLP_STEP, lp, set, d, v, host);
}
