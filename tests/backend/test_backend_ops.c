/* Parity harness over every backend op, in the style of ggml's
 * test-backend-ops: a table of cases (op x shape/variant), each run on a
 * backend from device buffers and compared with a reference computed on the
 * host by the same TW_HD per-element functions (convert_math.h,
 * activation.h, mlp_math.h, mobility_math.h, pdlp_math.h) or, for sgemm, a
 * double loop. So the CPU backend's own loops (vectorised, fused, blocked)
 * are checked too, and CUDA is checked against the same reference.
 *
 * Usage: test_backend_ops cpu|cuda. `cuda` exits 77 (skip) when the CUDA
 * backend cannot be created (no build, no library, no driver or no GPU).
 * The coverage case fails when an op of tw_backend_op has no case here.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/convert_jobs.h"
#include "terrawatt/activation.h"
#include "terrawatt/backend.h"
#include "terrawatt/backend_lp.h"
#include "terrawatt/convert_math.h"
#include "terrawatt/mlp_math.h"
#include "terrawatt/mobility_math.h"
#include "terrawatt/pdlp_math.h"

static tw_backend *g_be;   /* backend under test */
static tw_backend *g_host; /* a CPU backend: host-side job buffers for the references */

/* ---- helpers ------------------------------------------------------------ */

static unsigned g_seed;
static float frand(void) { /* deterministic in [-1, 1) */
  g_seed = g_seed * 1664525u + 1013904223u;
  return (float)((g_seed >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static void *dev_put(const void *host, size_t bytes) {
  void *d = NULL;
  assert_int_equal(tw_backend_alloc(g_be, bytes ? bytes : 1, &d), TW_OK);
  if (host) assert_int_equal(tw_backend_upload(g_be, d, host, bytes), TW_OK);
  return d;
}

static void dev_get(void *host, const void *dev, size_t bytes) {
  assert_int_equal(tw_backend_synchronize(g_be), TW_OK);
  assert_int_equal(tw_backend_download(g_be, host, dev, bytes), TW_OK);
}

static void *host_alloc(size_t bytes) {
  void *p = calloc(bytes ? bytes : 1, 1);
  assert_non_null(p);
  return p;
}

/* |got - ref| <= atol + rtol |ref| everywhere, NaN where the reference is
 * NaN; prints the first mismatches. */
static void expect_close_d(const char *what, const double *got, const double *ref, size_t n,
                           double atol, double rtol) {
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) {
    int ok = isnan(ref[i]) ? isnan(got[i]) : fabs(got[i] - ref[i]) <= atol + rtol * fabs(ref[i]);
    if (!ok && bad++ < 5)
      print_error("%s [%zu]: got %.9g, reference %.9g\n", what, i, got[i], ref[i]);
  }
  if (bad) fail_msg("%s: %zu of %zu values differ from the reference", what, bad, n);
}

static void expect_close_f(const char *what, const float *got, const float *ref, size_t n,
                           double atol, double rtol) {
  double *g = host_alloc(n * sizeof *g), *r = host_alloc(n * sizeof *r);
  for (size_t i = 0; i < n; i++) g[i] = got[i], r[i] = ref[i];
  expect_close_d(what, g, r, n, atol, rtol);
  free(g), free(r);
}

/* ---- the case table ----------------------------------------------------- */

typedef struct op_case {
  tw_backend_op op;
  int variant; /* op-specific: job variant, activation, layout, ... */
  int a, b, c; /* op-specific shape */
  char name[64];
} op_case;

/* ---- device: sgemm ------------------------------------------------------ */

/* variant: bit 0 trans_a, bit 1 trans_b, bit 2 beta != 0. */
static void run_sgemm(const op_case *k) {
  int ta = k->variant & 1, tb = (k->variant >> 1) & 1, m = k->a, n = k->b, kk = k->c;
  float alpha = 0.75f, beta = (k->variant & 4) ? -0.5f : 0.0f;
  int lda = (ta ? kk : m) + 1, ldb = (tb ? n : kk) + 2, ldc = m + 3;
  size_t sa = (size_t)lda * (size_t)(ta ? m : kk), sb = (size_t)ldb * (size_t)(tb ? kk : n),
         sc = (size_t)ldc * (size_t)n;
  float *a = host_alloc(sa * 4), *b = host_alloc(sb * 4), *c = host_alloc(sc * 4);
  float *got = host_alloc(sc * 4), *ref = host_alloc(sc * 4);
  for (size_t i = 0; i < sa; i++) a[i] = frand();
  for (size_t i = 0; i < sb; i++) b[i] = frand();
  for (size_t i = 0; i < sc; i++) c[i] = frand();
  memcpy(ref, c, sc * 4);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < m; i++) {
      double s = 0.0;
      for (int p = 0; p < kk; p++)
        s += (double)(ta ? a[p + (size_t)i * lda] : a[i + (size_t)p * lda]) *
             (double)(tb ? b[j + (size_t)p * ldb] : b[p + (size_t)j * ldb]);
      float *r = &ref[i + (size_t)j * ldc];
      *r = (float)(alpha * s + (beta == 0.0f ? 0.0 : (double)beta * *r));
    }
  float *da = dev_put(a, sa * 4), *db = dev_put(b, sb * 4), *dc = dev_put(c, sc * 4);
  assert_int_equal(tw_backend_sgemm(g_be, ta, tb, m, n, kk, alpha, da, lda, db, ldb, beta, dc, ldc),
                   TW_OK);
  dev_get(got, dc, sc * 4);
  expect_close_f(k->name, got, ref, sc, 1e-5, 1e-4);
  tw_backend_free(g_be, da), tw_backend_free(g_be, db), tw_backend_free(g_be, dc);
  free(a), free(b), free(c), free(got), free(ref);
}

/* ---- convert ------------------------------------------------------------ */

typedef struct convert_fixture {
  tw_test_inputs in;
  tw_test_device dev, host; /* on the backend under test, and on g_host */
} convert_fixture;

static void convert_setup(convert_fixture *f, size_t ncell, size_t ntime) {
  memset(f, 0, sizeof *f);
  assert_int_equal(tw_test_inputs_make(ncell, ntime, &f->in), 0);
  f->in.u100[3] = NAN; /* NaN propagates through every op */
  f->in.u16[3] = (short)f->in.u_pack.fill;
  f->in.ghi[ncell + 2] = NAN;
  assert_int_equal(tw_test_device_upload(g_be, &f->in, &f->dev), TW_OK);
  assert_int_equal(tw_test_device_upload(g_host, &f->in, &f->host), TW_OK);
}

static void convert_teardown(convert_fixture *f) {
  tw_test_device_free(&f->dev);
  tw_test_device_free(&f->host);
  tw_test_inputs_free(&f->in);
}

static void run_wind_cf(const op_case *k) {
  convert_fixture f;
  convert_setup(&f, (size_t)k->a, (size_t)k->b);
  size_t n = f.in.n;
  tw_wind_job job = tw_test_wind_job(&f.in, &f.dev, k->variant);
  tw_wind_job hj = tw_test_wind_job(&f.in, &f.host, k->variant);
  float *ref = host_alloc(n * 4), *got = host_alloc(n * 4);
  for (size_t i = 0; i < n; i++) ref[i] = tw_wind_job_element(&hj, i);
  assert_int_equal(tw_backend_wind_cf(g_be, &job), TW_OK);
  dev_get(got, job.cf, n * 4);
  expect_close_f(k->name, got, ref, n, 1e-6, 1e-5);
  free(ref), free(got);
  convert_teardown(&f);
}

static void run_pv_cf(const op_case *k) {
  convert_fixture f;
  convert_setup(&f, (size_t)k->a, (size_t)k->b);
  size_t n = f.in.n;
  tw_pv_job job = tw_test_pv_job(&f.in, &f.dev, k->variant);
  tw_pv_job hj = tw_test_pv_job(&f.in, &f.host, k->variant);
  float *ref = host_alloc(n * 4), *got = host_alloc(n * 4);
  for (size_t i = 0; i < n; i++) ref[i] = tw_pv_job_element(&hj, i);
  assert_int_equal(tw_backend_pv_cf(g_be, &job), TW_OK);
  dev_get(got, job.cf, n * 4);
  expect_close_f(k->name, got, ref, n, 1e-5, 1e-4);
  free(ref), free(got);
  convert_teardown(&f);
}

/* A layout on the backend: row_ptr, col, val (and the CPU runs). */
typedef struct dev_layout {
  tw_test_layout l;
  int *rp, *col;
  float *val;
  int *row_run, *run_k;
} dev_layout;

static void layout_setup(dev_layout *d, int kind, int ncell) {
  memset(d, 0, sizeof *d);
  assert_int_equal(tw_test_layout_make(kind, ncell, &d->l), 0);
  int nnz = d->l.row_ptr[d->l.nrow];
  d->rp = dev_put(d->l.row_ptr, (size_t)(d->l.nrow + 1) * sizeof(int));
  d->col = dev_put(d->l.col, (size_t)nnz * sizeof(int));
  d->val = dev_put(d->l.val, (size_t)nnz * sizeof(float));
  if (tw_backend_is_host(g_be))
    assert_int_equal(tw_csr_runs_build(d->l.nrow, d->l.row_ptr, d->l.col, &d->row_run, &d->run_k),
                     TW_OK);
}

static void layout_teardown(dev_layout *d) {
  tw_backend_free(g_be, d->rp), tw_backend_free(g_be, d->col), tw_backend_free(g_be, d->val);
  free(d->row_run), free(d->run_k);
  tw_test_layout_free(&d->l);
}

static tw_csr_job layout_job(const dev_layout *d, size_t ntime, const float *x, float *y) {
  tw_csr_job j;
  memset(&j, 0, sizeof j);
  j.nrow = d->l.nrow;
  j.ncol = d->l.ncol;
  j.ntime = ntime;
  j.row_ptr = d->rp;
  j.col = d->col;
  j.val = d->val;
  j.x = x;
  j.y = y;
  j.row_run = d->row_run;
  j.run_k = d->run_k;
  j.nnz = d->l.row_ptr[d->l.nrow];
  return j;
}

/* Reference of row r at time t over per-cell values cf (host). */
static float bus_ref(const tw_test_layout *l, const float *cf, size_t ncell, size_t t, int r) {
  tw_csr_job j;
  memset(&j, 0, sizeof j);
  j.ncol = (int)ncell;
  j.row_ptr = l->row_ptr;
  j.col = l->col;
  j.val = l->val;
  j.x = cf;
  return tw_csr_job_element(&j, t, r);
}

static void run_csr_aggregate(const op_case *k) {
  size_t ncell = (size_t)k->a, ntime = (size_t)k->b, n = ncell * ntime;
  dev_layout d;
  layout_setup(&d, k->variant, (int)ncell);
  float *x = host_alloc(n * 4);
  for (size_t i = 0; i < n; i++) x[i] = frand() + 1.0f;
  x[ncell + 1] = NAN;
  size_t ny = ntime * (size_t)d.l.nrow;
  float *ref = host_alloc(ny * 4), *got = host_alloc(ny * 4);
  for (size_t t = 0; t < ntime; t++)
    for (int r = 0; r < d.l.nrow; r++) ref[t * (size_t)d.l.nrow + (size_t)r] = bus_ref(&d.l, x, ncell, t, r);
  float *dx = dev_put(x, n * 4), *dy = dev_put(NULL, ny * 4);
  tw_csr_job job = layout_job(&d, ntime, dx, dy);
  assert_int_equal(tw_backend_csr_aggregate(g_be, &job), TW_OK);
  dev_get(got, dy, ny * 4);
  expect_close_f(k->name, got, ref, ny, 1e-6, 1e-5);
  tw_backend_free(g_be, dx), tw_backend_free(g_be, dy);
  free(x), free(ref), free(got);
  layout_teardown(&d);
}

/* Fused convert + aggregate: variant = job variant, c = layout kind. */
static void run_bus_cf(const op_case *k) {
  convert_fixture f;
  convert_setup(&f, (size_t)k->a, (size_t)k->b);
  size_t n = f.in.n, ncell = f.in.ncell, ntime = f.in.ntime;
  dev_layout d;
  layout_setup(&d, k->c, (int)ncell);
  float *cf = host_alloc(n * 4);
  int wind = k->op == TW_OP_WIND_BUS_CF;
  tw_wind_job wj = tw_test_wind_job(&f.in, &f.dev, k->variant), hwj = tw_test_wind_job(&f.in, &f.host, k->variant);
  tw_pv_job pj = tw_test_pv_job(&f.in, &f.dev, k->variant), hpj = tw_test_pv_job(&f.in, &f.host, k->variant);
  for (size_t i = 0; i < n; i++) cf[i] = wind ? tw_wind_job_element(&hwj, i) : tw_pv_job_element(&hpj, i);
  size_t ny = ntime * (size_t)d.l.nrow;
  float *ref = host_alloc(ny * 4), *got = host_alloc(ny * 4);
  for (size_t t = 0; t < ntime; t++)
    for (int r = 0; r < d.l.nrow; r++) ref[t * (size_t)d.l.nrow + (size_t)r] = bus_ref(&d.l, cf, ncell, t, r);
  float *dy = dev_put(NULL, ny * 4);
  tw_csr_job agg = layout_job(&d, ntime, NULL, dy);
  assert_int_equal(wind ? tw_backend_wind_bus_cf(g_be, &wj, &agg) : tw_backend_pv_bus_cf(g_be, &pj, &agg),
                   TW_OK);
  dev_get(got, dy, ny * 4);
  expect_close_f(k->name, got, ref, ny, 1e-5, 1e-4);
  tw_backend_free(g_be, dy);
  free(cf), free(ref), free(got);
  layout_teardown(&d);
  convert_teardown(&f);
}

/* ---- forecast ----------------------------------------------------------- */

static float *rand_array(size_t n, float scale) {
  float *a = host_alloc(n * 4);
  for (size_t i = 0; i < n; i++) a[i] = scale * frand();
  return a;
}

/* variant = activation; a = n. */
static void run_activation(const op_case *k) {
  size_t n = (size_t)k->a;
  tw_activation act = (tw_activation)k->variant;
  float *x = rand_array(n, 4.0f), *ref = host_alloc(n * 4), *got = host_alloc(n * 4);
  for (size_t i = 0; i < n; i++) ref[i] = tw_activate(act, x[i]);
  float *dx = dev_put(x, n * 4);
  assert_int_equal(tw_backend_activation(g_be, act, n, dx), TW_OK);
  dev_get(got, dx, n * 4);
  expect_close_f(k->name, got, ref, n, 1e-6, 1e-5);
  tw_backend_free(g_be, dx);
  free(x), free(ref), free(got);
}

/* variant = activation; a x b = rows x cols. */
static void run_bias_activation(const op_case *k) {
  int rows = k->a, cols = k->b;
  size_t n = (size_t)rows * (size_t)cols;
  tw_activation act = (tw_activation)k->variant;
  float *z = rand_array(n, 3.0f), *bias = rand_array((size_t)rows, 1.0f);
  float *rz = host_alloc(n * 4), *ra = host_alloc(n * 4), *gz = host_alloc(n * 4),
        *ga = host_alloc(n * 4);
  for (size_t i = 0; i < n; i++) {
    rz[i] = z[i] + bias[i % (size_t)rows];
    ra[i] = tw_activate(act, rz[i]);
  }
  float *dz = dev_put(z, n * 4), *da = dev_put(NULL, n * 4), *db = dev_put(bias, (size_t)rows * 4);
  assert_int_equal(tw_backend_bias_activation(g_be, act, rows, cols, db, dz, da), TW_OK);
  dev_get(gz, dz, n * 4);
  dev_get(ga, da, n * 4);
  expect_close_f(k->name, gz, rz, n, 1e-6, 1e-6);
  expect_close_f(k->name, ga, ra, n, 1e-6, 1e-5);
  tw_backend_free(g_be, dz), tw_backend_free(g_be, da), tw_backend_free(g_be, db);
  free(z), free(bias), free(rz), free(ra), free(gz), free(ga);
}

static void run_activation_backward(const op_case *k) {
  size_t n = (size_t)k->a;
  tw_activation act = (tw_activation)k->variant;
  float *z = rand_array(n, 3.0f), *g = rand_array(n, 1.0f), *ref = host_alloc(n * 4),
        *got = host_alloc(n * 4);
  for (size_t i = 0; i < n; i++) ref[i] = g[i] * tw_activation_grad(act, z[i]);
  float *dz = dev_put(z, n * 4), *dg = dev_put(g, n * 4);
  assert_int_equal(tw_backend_activation_backward(g_be, act, n, dz, dg), TW_OK);
  dev_get(got, dg, n * 4);
  expect_close_f(k->name, got, ref, n, 1e-6, 1e-5);
  tw_backend_free(g_be, dz), tw_backend_free(g_be, dg);
  free(z), free(g), free(ref), free(got);
}

/* variant: weight decay on (1) or off (0); a = n; b = step. */
static void run_adam_update(const op_case *k) {
  size_t n = (size_t)k->a;
  float *p = rand_array(n, 1.0f), *g = rand_array(n, 0.5f), *m = rand_array(n, 0.1f);
  float *v = host_alloc(n * 4);
  for (size_t i = 0; i < n; i++) v[i] = 0.01f * (frand() + 1.0f);
  float *rp = host_alloc(n * 4), *rm = host_alloc(n * 4), *rv = host_alloc(n * 4);
  memcpy(rp, p, n * 4), memcpy(rm, m, n * 4), memcpy(rv, v, n * 4);
  float b1 = 0.9f, b2 = 0.999f;
  tw_adam_job job = {.n = n, .lr = 1e-2f, .beta1 = b1, .beta2 = b2, .eps = 1e-8f,
                     .weight_decay = k->variant ? 1e-2f : 0.0f,
                     .bias_corr1 = 1.0f - powf(b1, (float)k->b),
                     .bias_corr2 = 1.0f - powf(b2, (float)k->b)};
  tw_adam_job hj = job;
  hj.param = rp, hj.grad = g, hj.m = rm, hj.v = rv;
  for (size_t i = 0; i < n; i++) tw_adam_element(&hj, i);
  job.param = dev_put(p, n * 4), job.grad = dev_put(g, n * 4);
  job.m = dev_put(m, n * 4), job.v = dev_put(v, n * 4);
  assert_int_equal(tw_backend_adam_update(g_be, &job), TW_OK);
  float *got = host_alloc(n * 4);
  dev_get(got, job.param, n * 4);
  expect_close_f(k->name, got, rp, n, 1e-6, 1e-5);
  dev_get(got, job.m, n * 4);
  expect_close_f(k->name, got, rm, n, 1e-7, 1e-5);
  dev_get(got, job.v, n * 4);
  expect_close_f(k->name, got, rv, n, 1e-8, 1e-5);
  tw_backend_free(g_be, job.param), tw_backend_free(g_be, (void *)job.grad);
  tw_backend_free(g_be, job.m), tw_backend_free(g_be, job.v);
  free(p), free(g), free(m), free(v), free(rp), free(rm), free(rv), free(got);
}

/* variant = number of quantiles (0: point forecast); a = samples. */
static void run_output_loss(const op_case *k) {
  int n = k->a, nq = k->variant;
  size_t rows = (size_t)(nq ? nq : 1), total = rows * (size_t)n;
  tw_output_job job;
  memset(&job, 0, sizeof job);
  job.n = n;
  job.quantile_count = nq;
  for (int q = 0; q < nq; q++) job.quantiles[q] = (float)(q + 1) / (float)(nq + 1);
  job.grad_scale = 1.0f / (float)n;
  float *raw = rand_array(total, 2.0f), *target = rand_array((size_t)n, 2.0f);
  float *rpred = host_alloc(total * 4), *rgrad = host_alloc(total * 4),
        *rloss = host_alloc((size_t)n * 4);
  tw_output_job hj = job;
  hj.raw = raw, hj.target = target, hj.pred = rpred, hj.grad = rgrad, hj.loss = rloss;
  for (int j = 0; j < n; j++) tw_output_sample(&hj, j);
  job.raw = dev_put(raw, total * 4);
  job.target = dev_put(target, (size_t)n * 4);
  job.pred = dev_put(NULL, total * 4);
  job.grad = dev_put(NULL, total * 4);
  job.loss = dev_put(NULL, (size_t)n * 4);
  assert_int_equal(tw_backend_output_loss(g_be, &job), TW_OK);
  float *got = host_alloc(total * 4);
  dev_get(got, job.pred, total * 4);
  expect_close_f(k->name, got, rpred, total, 1e-6, 1e-5);
  dev_get(got, job.grad, total * 4);
  expect_close_f(k->name, got, rgrad, total, 1e-7, 1e-5);
  dev_get(got, job.loss, (size_t)n * 4);
  expect_close_f(k->name, got, rloss, (size_t)n, 1e-6, 1e-5);
  tw_backend_free(g_be, (void *)job.raw), tw_backend_free(g_be, (void *)job.target);
  tw_backend_free(g_be, job.pred), tw_backend_free(g_be, job.grad), tw_backend_free(g_be, job.loss);
  free(raw), free(target), free(rpred), free(rgrad), free(rloss), free(got);
}

/* variant = activation; a x b = rows x cols. */
static void run_dense_forward(const op_case *k) {
  int rows = k->a, cols = k->b;
  size_t n = (size_t)rows * (size_t)cols;
  tw_activation act = (tw_activation)k->variant;
  float *z = rand_array(n, 3.0f), *bias = rand_array((size_t)rows, 1.0f);
  float *rz = host_alloc(n * 4), *ra = host_alloc(n * 4), *got = host_alloc(n * 4);
  memcpy(rz, z, n * 4);
  for (int j = 0; j < cols; j++)
    for (int i = 0; i < rows; i++)
      tw_dense_forward_element(act, bias, i, (size_t)i + (size_t)j * (size_t)rows, rz, ra);
  float *dz = dev_put(z, n * 4), *da = dev_put(NULL, n * 4), *db = dev_put(bias, (size_t)rows * 4);
  assert_int_equal(tw_backend_dense_forward(g_be, act, rows, cols, db, dz, da), TW_OK);
  dev_get(got, da, n * 4);
  expect_close_f(k->name, got, ra, n, 1e-6, 1e-5);
  dev_get(got, dz, n * 4);
  expect_close_f(k->name, got, rz, n, 1e-6, 1e-5);
  tw_backend_free(g_be, dz), tw_backend_free(g_be, da), tw_backend_free(g_be, db);
  free(z), free(bias), free(rz), free(ra), free(got);
}

/* variant: 1 with an activation derivative, 0 without (NULL). */
static void run_dense_backward(const op_case *k) {
  int rows = k->a, cols = k->b;
  size_t n = (size_t)rows * (size_t)cols;
  float *g = rand_array(n, 1.0f), *dact = rand_array(n, 1.0f);
  float *rg = host_alloc(n * 4), *rdb = host_alloc((size_t)rows * 4);
  for (int i = 0; i < rows; i++) {
    double s = 0.0;
    for (int j = 0; j < cols; j++) {
      size_t at = (size_t)i + (size_t)j * (size_t)rows;
      rg[at] = k->variant ? g[at] * dact[at] : g[at];
      s += rg[at];
    }
    rdb[i] = (float)s;
  }
  float *dg = dev_put(g, n * 4), *dd = k->variant ? dev_put(dact, n * 4) : NULL;
  float *ddb = dev_put(NULL, (size_t)rows * 4);
  assert_int_equal(tw_backend_dense_backward(g_be, rows, cols, dd, dg, ddb), TW_OK);
  float *got = host_alloc(n * 4);
  dev_get(got, dg, n * 4);
  expect_close_f(k->name, got, rg, n, 1e-7, 1e-6);
  dev_get(got, ddb, (size_t)rows * 4);
  expect_close_f(k->name, got, rdb, (size_t)rows, 1e-5, 1e-4);
  tw_backend_free(g_be, dg), tw_backend_free(g_be, dd), tw_backend_free(g_be, ddb);
  free(g), free(dact), free(rg), free(rdb), free(got);
}

/* ---- mobility ----------------------------------------------------------- */

/* variant 1: with momentum (r_prev, beta); a = groups, b = hours. */
static void run_ev_project(const op_case *k) {
  size_t G = (size_t)k->a;
  int T = k->b;
  size_t GT = G * (size_t)T;
  float *price = host_alloc((size_t)T * 4), *r = host_alloc(GT * 4), *rp = host_alloc(GT * 4),
        *up = host_alloc(GT * 4), *lam = host_alloc(G * 4);
  double *energy = host_alloc(G * sizeof(double));
  for (int t = 0; t < T; t++) price[t] = 50.0f + 30.0f * sinf(0.3f * (float)t) + 5.0f * frand();
  for (size_t i = 0; i < GT; i++) {
    up[i] = 2.0f + frand();
    r[i] = 0.5f * up[i];
    rp[i] = 0.4f * up[i];
  }
  for (size_t g = 0; g < G; g++) {
    double cap = 0.0;
    for (int t = 0; t < T; t++) cap += up[(size_t)t * G + g];
    energy[g] = (g % 7 == 3) ? 2.0 * cap : (0.2 + 0.5 * (frand() + 1.0)) * cap;
    lam[g] = 0.1f * frand();
  }
  float beta = k->variant ? 0.3f : 0.0f, gamma = 1e-2f;
  float *hr = host_alloc(GT * 4), *hrp = host_alloc(GT * 4), *hl = host_alloc(G * 4);
  memcpy(hr, r, GT * 4), memcpy(hrp, rp, GT * 4), memcpy(hl, lam, G * 4);
  for (size_t g = 0; g < G; g++)
    (void)tw_vf_project_group(g, G, T, gamma, price, hr, k->variant ? hrp : NULL, beta, up,
                              energy[g], &hl[g]);
  tw_ev_project_job job = {.n_groups = G, .n_hours = T, .gamma = gamma, .beta = beta};
  job.price = dev_put(price, (size_t)T * 4);
  job.r = dev_put(r, GT * 4);
  job.r_prev = k->variant ? dev_put(rp, GT * 4) : NULL;
  job.upper = dev_put(up, GT * 4);
  job.energy_MWh = dev_put(energy, G * sizeof(double));
  job.lambda = dev_put(lam, G * 4);
  assert_int_equal(tw_backend_ev_project(g_be, &job), TW_OK);
  float *got = host_alloc(GT * 4);
  dev_get(got, job.r, GT * 4);
  expect_close_f(k->name, got, hr, GT, 1e-5, 1e-5);
  if (k->variant) {
    dev_get(got, job.r_prev, GT * 4);
    expect_close_f(k->name, got, hrp, GT, 1e-6, 1e-6);
  }
  dev_get(got, job.lambda, G * 4);
  expect_close_f(k->name, got, hl, G, 1e-5, 1e-5);
  tw_backend_free(g_be, (void *)job.price), tw_backend_free(g_be, job.r);
  tw_backend_free(g_be, job.r_prev), tw_backend_free(g_be, (void *)job.upper);
  tw_backend_free(g_be, (void *)job.energy_MWh), tw_backend_free(g_be, job.lambda);
  free(price), free(r), free(rp), free(up), free(lam), free(energy), free(hr), free(hrp), free(hl);
  free(got);
}

/* ---- lp ----------------------------------------------------------------- */

/* A random sparse LP with its transpose, and a host model of the backend's
 * vectors. */
typedef struct lp_fixture {
  int m, n, nnz;
  int *rp, *ci, *rpt, *cit;
  double *av, *avt, *c, *l, *u, *rl, *ru;
  double *v[TW_PDLP_NVEC]; /* reference vectors */
  tw_pdlp_dev *d;
} lp_fixture;

static int vlen(const lp_fixture *f, int v) { return tw_pdlp_vec_is_primal((tw_pdlp_vec)v) ? f->n : f->m; }

static void lp_setup(lp_fixture *f, int m, int n, int per_row) {
  memset(f, 0, sizeof *f);
  f->m = m, f->n = n, f->nnz = m * per_row;
  f->rp = host_alloc((size_t)(m + 1) * sizeof(int));
  f->ci = host_alloc((size_t)f->nnz * sizeof(int));
  f->av = host_alloc((size_t)f->nnz * sizeof(double));
  for (int i = 0, k = 0; i < m; i++) {
    f->rp[i] = k;
    int start = (int)((frand() + 1.0f) * 0.5f * (float)(n - per_row));
    for (int e = 0; e < per_row; e++) f->ci[k] = start + e, f->av[k++] = 2.0 * frand();
    f->rp[i + 1] = k;
  }
  /* transpose (counting sort by column) */
  f->rpt = host_alloc((size_t)(n + 1) * sizeof(int));
  f->cit = host_alloc((size_t)f->nnz * sizeof(int));
  f->avt = host_alloc((size_t)f->nnz * sizeof(double));
  for (int k = 0; k < f->nnz; k++) f->rpt[f->ci[k] + 1]++;
  for (int j = 0; j < n; j++) f->rpt[j + 1] += f->rpt[j];
  int *fill = host_alloc((size_t)n * sizeof(int));
  for (int i = 0; i < m; i++)
    for (int k = f->rp[i]; k < f->rp[i + 1]; k++) {
      int at = f->rpt[f->ci[k]] + fill[f->ci[k]]++;
      f->cit[at] = i, f->avt[at] = f->av[k];
    }
  free(fill);
  f->c = host_alloc((size_t)n * 8), f->l = host_alloc((size_t)n * 8), f->u = host_alloc((size_t)n * 8);
  f->rl = host_alloc((size_t)m * 8), f->ru = host_alloc((size_t)m * 8);
  for (int j = 0; j < n; j++) {
    f->c[j] = frand();
    f->l[j] = j % 5 == 0 ? -INFINITY : 0.0;
    f->u[j] = j % 4 == 0 ? INFINITY : 5.0;
  }
  for (int i = 0; i < m; i++) {
    double mid = 3.0 * frand();
    f->rl[i] = i % 3 == 1 ? -INFINITY : mid;
    f->ru[i] = i % 3 == 0 ? INFINITY : mid + (i % 3 == 2 ? 1.0 : 0.0);
  }
  for (int v = 0; v < TW_PDLP_NVEC; v++) f->v[v] = host_alloc((size_t)vlen(f, v) * 8);
  tw_pdlp_problem p = {{m, n, f->nnz, f->rp, f->ci, f->av}, {n, m, f->nnz, f->rpt, f->cit, f->avt},
                       f->c, f->l, f->u, f->rl, f->ru};
  assert_int_equal(tw_backend_pdlp_create(g_be, &p, &f->d), TW_OK);
  /* a non-trivial current iterate: X, Y random; AX, ATY consistent */
  for (int j = 0; j < n; j++) f->v[TW_PDLP_X][j] = tw_pdlp_clip(2.0 * frand(), f->l[j], f->u[j]);
  for (int i = 0; i < m; i++) f->v[TW_PDLP_Y][i] = frand();
  for (int i = 0; i < m; i++) {
    double s = 0.0;
    for (int k = f->rp[i]; k < f->rp[i + 1]; k++) s += f->av[k] * f->v[TW_PDLP_X][f->ci[k]];
    f->v[TW_PDLP_AX][i] = s;
  }
  for (int j = 0; j < n; j++) {
    double s = 0.0;
    for (int k = f->rpt[j]; k < f->rpt[j + 1]; k++) s += f->avt[k] * f->v[TW_PDLP_Y][f->cit[k]];
    f->v[TW_PDLP_ATY][j] = s;
  }
  const tw_pdlp_vec set[4] = {TW_PDLP_X, TW_PDLP_Y, TW_PDLP_AX, TW_PDLP_ATY};
  for (int q = 0; q < 4; q++)
    assert_int_equal(tw_backend_pdlp_set(g_be, f->d, set[q], f->v[set[q]]), TW_OK);
}

static void lp_teardown(lp_fixture *f) {
  tw_backend_pdlp_destroy(g_be, &f->d);
  free(f->rp), free(f->ci), free(f->av), free(f->rpt), free(f->cit), free(f->avt);
  free(f->c), free(f->l), free(f->u), free(f->rl), free(f->ru);
  for (int v = 0; v < TW_PDLP_NVEC; v++) free(f->v[v]);
}

static void spmv_ref(int rows, const int *rp, const int *ci, const double *av, const double *x,
                     double *y) {
  for (int i = 0; i < rows; i++) {
    double s = 0.0;
    for (int k = rp[i]; k < rp[i + 1]; k++) s += av[k] * x[ci[k]];
    y[i] = s;
  }
}

static void step_ref(lp_fixture *f, double tau, double sigma, double dots[3]) {
  double **v = f->v;
  dots[0] = dots[1] = dots[2] = 0.0;
  for (int j = 0; j < f->n; j++) {
    v[TW_PDLP_XN][j] = tw_pdlp_primal(v[TW_PDLP_X][j], f->c[j], v[TW_PDLP_ATY][j], f->l[j], f->u[j], tau);
    double d = v[TW_PDLP_XN][j] - v[TW_PDLP_X][j];
    dots[0] += d * d;
  }
  spmv_ref(f->m, f->rp, f->ci, f->av, v[TW_PDLP_XN], v[TW_PDLP_AXN]);
  for (int i = 0; i < f->m; i++) {
    v[TW_PDLP_YN][i] = tw_pdlp_dual(v[TW_PDLP_Y][i], v[TW_PDLP_AXN][i], v[TW_PDLP_AX][i], f->rl[i],
                                    f->ru[i], sigma);
    double dy = v[TW_PDLP_YN][i] - v[TW_PDLP_Y][i];
    dots[1] += dy * dy;
    dots[2] += dy * (v[TW_PDLP_AXN][i] - v[TW_PDLP_AX][i]);
  }
  spmv_ref(f->n, f->rpt, f->cit, f->avt, v[TW_PDLP_YN], v[TW_PDLP_ATYN]);
}

static void accept_ref(lp_fixture *f, double w) {
  const int cur[4] = {TW_PDLP_X, TW_PDLP_Y, TW_PDLP_AX, TW_PDLP_ATY};
  const int nxt[4] = {TW_PDLP_XN, TW_PDLP_YN, TW_PDLP_AXN, TW_PDLP_ATYN};
  const int sum[4] = {TW_PDLP_XS, TW_PDLP_YS, TW_PDLP_AXS, TW_PDLP_ATYS};
  for (int q = 0; q < 4; q++) {
    double *t = f->v[cur[q]];
    f->v[cur[q]] = f->v[nxt[q]], f->v[nxt[q]] = t;
    for (int i = 0; i < vlen(f, cur[q]); i++) f->v[sum[q]][i] += w * f->v[cur[q]][i];
  }
}

static void restart_ref(lp_fixture *f, int to_average, double wsum) {
  const int cur[4] = {TW_PDLP_X, TW_PDLP_Y, TW_PDLP_AX, TW_PDLP_ATY};
  const int sum[4] = {TW_PDLP_XS, TW_PDLP_YS, TW_PDLP_AXS, TW_PDLP_ATYS};
  for (int q = 0; q < 4; q++)
    for (int i = 0; i < vlen(f, cur[q]); i++) {
      if (to_average && wsum > 0) f->v[cur[q]][i] = f->v[sum[q]][i] / wsum;
      f->v[sum[q]][i] = 0.0;
    }
}

/* The backend's vectors against the reference (the trial vectors only
 * after a step: accept swaps them, and restart leaves them alone). */
static void lp_compare(lp_fixture *f, const char *name, int first, int last) {
  for (int v = first; v <= last; v++) {
    size_t len = (size_t)vlen(f, v);
    double *got = host_alloc(len * 8);
    assert_int_equal(tw_backend_pdlp_get(g_be, f->d, (tw_pdlp_vec)v, got), TW_OK);
    char what[96];
    snprintf(what, sizeof what, "%s vector %d", name, v);
    expect_close_d(what, got, f->v[v], len, 1e-12, 1e-9);
    free(got);
  }
}

/* a x b = rows x columns; c = entries per row. */
static void run_pdlp(const op_case *k) {
  lp_fixture f;
  lp_setup(&f, k->a, k->b, k->c);
  double dots[3], rdots[3];
  const double tau = 0.05, sigma = 0.07;
  /* every case steps; accept and restart cases go on from the step */
  assert_int_equal(tw_backend_pdlp_step(g_be, f.d, tau, sigma, dots), TW_OK);
  step_ref(&f, tau, sigma, rdots);
  expect_close_d(k->name, dots, rdots, 3, 1e-12, 1e-9);
  if (k->op == TW_OP_PDLP_STEP) lp_compare(&f, k->name, TW_PDLP_XN, TW_PDLP_ATYN);
  if (k->op == TW_OP_PDLP_ACCEPT || k->op == TW_OP_PDLP_RESTART) {
    for (int it = 0; it < 3; it++) {
      if (it) {
        assert_int_equal(tw_backend_pdlp_step(g_be, f.d, tau, sigma, dots), TW_OK);
        step_ref(&f, tau, sigma, rdots);
      }
      assert_int_equal(tw_backend_pdlp_accept(g_be, f.d, 0.5 + it), TW_OK);
      accept_ref(&f, 0.5 + it);
    }
    if (k->op == TW_OP_PDLP_ACCEPT) lp_compare(&f, k->name, TW_PDLP_X, TW_PDLP_ATY);
    lp_compare(&f, k->name, TW_PDLP_XS, TW_PDLP_ATYS);
  }
  if (k->op == TW_OP_PDLP_RESTART) {
    assert_int_equal(tw_backend_pdlp_restart(g_be, f.d, k->variant, 4.5), TW_OK);
    restart_ref(&f, k->variant, 4.5);
    lp_compare(&f, k->name, TW_PDLP_X, TW_PDLP_ATY);
    lp_compare(&f, k->name, TW_PDLP_XS, TW_PDLP_ATYS);
  }
  lp_teardown(&f);
}

/* ---- the table ---------------------------------------------------------- */

typedef void (*case_fn)(const op_case *k);

static case_fn runner(tw_backend_op op) {
  switch (op) {
  case TW_OP_SGEMM: return run_sgemm;
  case TW_OP_WIND_CF: return run_wind_cf;
  case TW_OP_PV_CF: return run_pv_cf;
  case TW_OP_CSR_AGGREGATE: return run_csr_aggregate;
  case TW_OP_WIND_BUS_CF:
  case TW_OP_PV_BUS_CF: return run_bus_cf;
  case TW_OP_ACTIVATION: return run_activation;
  case TW_OP_BIAS_ACTIVATION: return run_bias_activation;
  case TW_OP_ACTIVATION_BACKWARD: return run_activation_backward;
  case TW_OP_ADAM_UPDATE: return run_adam_update;
  case TW_OP_OUTPUT_LOSS: return run_output_loss;
  case TW_OP_DENSE_FORWARD: return run_dense_forward;
  case TW_OP_DENSE_BACKWARD: return run_dense_backward;
  case TW_OP_EV_PROJECT: return run_ev_project;
  case TW_OP_PDLP_STEP:
  case TW_OP_PDLP_ACCEPT:
  case TW_OP_PDLP_RESTART: return run_pdlp;
  case TW_OP_COUNT: break;
  }
  return NULL;
}

#define MAX_CASES 256
static op_case g_cases[MAX_CASES];
static int g_ncases;

static void add(tw_backend_op op, int variant, int a, int b, int c) {
  assert_true(g_ncases < MAX_CASES);
  op_case *k = &g_cases[g_ncases++];
  k->op = op, k->variant = variant, k->a = a, k->b = b, k->c = c;
  snprintf(k->name, sizeof k->name, "%s/v%d/%dx%dx%d", tw_backend_op_name(op), variant, a, b, c);
}

static void build_table(void) {
  /* sgemm: every transpose combination, beta 0 and not, odd shapes */
  for (int v = 0; v < 8; v++) add(TW_OP_SGEMM, v, 5 + v, 7, 3 + 2 * v);
  add(TW_OP_SGEMM, 0, 64, 33, 70);
  add(TW_OP_SGEMM, 7, 1, 129, 17);
  /* convert: every job variant, two shapes; fused ops over the three layouts */
  for (int v = 0; v < TW_TEST_WIND_VARIANTS; v++) {
    add(TW_OP_WIND_CF, v, 61, 7, 0);
    add(TW_OP_WIND_CF, v, 300, 3, 0);
  }
  for (int v = 0; v < TW_TEST_PV_VARIANTS; v++) add(TW_OP_PV_CF, v, 53, 26, 0);
  add(TW_OP_PV_CF, 15, 300, 5, 0);
  for (int l = 0; l < 3; l++) add(TW_OP_CSR_AGGREGATE, l, 211, 6, 0);
  add(TW_OP_CSR_AGGREGATE, 0, 1000, 2, 0);
  for (int v = 0; v < TW_TEST_WIND_VARIANTS; v++)
    for (int l = 0; l < 3; l++) add(TW_OP_WIND_BUS_CF, v, 211, 5, l);
  for (int v = 0; v < TW_TEST_PV_VARIANTS; v += 3)
    for (int l = 0; l < 3; l++) add(TW_OP_PV_BUS_CF, v, 211, 26, l);
  add(TW_OP_PV_BUS_CF, 16, 211, 26, 0);
  /* forecast: every activation; vectors and matrices of odd sizes */
  for (int a = TW_ACT_IDENTITY; a <= TW_ACT_GELU; a++) {
    add(TW_OP_ACTIVATION, a, 1001, 0, 0);
    add(TW_OP_BIAS_ACTIVATION, a, 17, 33, 0);
    add(TW_OP_ACTIVATION_BACKWARD, a, 1001, 0, 0);
    add(TW_OP_DENSE_FORWARD, a, 17, 33, 0);
  }
  add(TW_OP_DENSE_FORWARD, TW_ACT_TANH, 64, 256, 0);
  for (int v = 0; v < 2; v++) {
    add(TW_OP_ADAM_UPDATE, v, 1003, 1, 0);
    add(TW_OP_ADAM_UPDATE, v, 517, 40, 0);
    add(TW_OP_DENSE_BACKWARD, v, 17, 33, 0);
    add(TW_OP_DENSE_BACKWARD, v, 64, 300, 0);
  }
  add(TW_OP_OUTPUT_LOSS, 0, 301, 0, 0);
  add(TW_OP_OUTPUT_LOSS, 1, 301, 0, 0);
  add(TW_OP_OUTPUT_LOSS, 3, 301, 0, 0);
  add(TW_OP_OUTPUT_LOSS, 9, 77, 0, 0);
  /* mobility: with and without momentum, group counts around the CPU block */
  for (int v = 0; v < 2; v++) {
    add(TW_OP_EV_PROJECT, v, 5, 24, 0);
    add(TW_OP_EV_PROJECT, v, 130, 48, 0);
  }
  /* lp: two problem sizes; restart to the average and not */
  add(TW_OP_PDLP_STEP, 0, 40, 60, 4);
  add(TW_OP_PDLP_STEP, 0, 300, 200, 7);
  add(TW_OP_PDLP_ACCEPT, 0, 40, 60, 4);
  add(TW_OP_PDLP_ACCEPT, 0, 300, 200, 7);
  add(TW_OP_PDLP_RESTART, 1, 40, 60, 4);
  add(TW_OP_PDLP_RESTART, 0, 300, 200, 7);
}

static void run_case(void **state) {
  const op_case *k = *state;
  if (!tw_backend_supports(g_be, k->op)) {
    print_message("backend '%s' does not support %s: skipped\n", tw_backend_name(g_be),
                  tw_backend_op_name(k->op));
    skip();
  }
  g_seed = 12345u + (unsigned)(k - g_cases) * 7919u;
  runner(k->op)(k);
}

/* Every op of the tables has at least one case (and a runner). */
static void coverage(void **state) {
  (void)state;
  for (int op = 0; op < TW_OP_COUNT; op++) {
    int n = 0;
    for (int i = 0; i < g_ncases; i++) n += g_cases[i].op == (tw_backend_op)op;
    if (!n || !runner((tw_backend_op)op))
      fail_msg("op '%s' has no case in the parity harness", tw_backend_op_name((tw_backend_op)op));
  }
}

/* Every op has a name (error messages and case names use it). */
static void op_names(void **state) {
  (void)state;
  for (int op = 0; op < TW_OP_COUNT; op++)
    assert_string_not_equal(tw_backend_op_name((tw_backend_op)op), "?");
  assert_string_equal(tw_backend_op_name(TW_OP_COUNT), "?");
}

int main(int argc, char **argv) {
  const char *which = argc > 1 ? argv[1] : "cpu";
  tw_backend_kind kind;
  if (tw_backend_kind_parse(which, &kind) != TW_OK || kind == TW_BACKEND_AUTO) {
    fprintf(stderr, "usage: test_backend_ops cpu|cuda\n");
    return 1;
  }
  if (tw_backend_create(kind, &g_be) != TW_OK) {
    printf("SKIP: %s\n", tw_last_error());
    return kind == TW_BACKEND_CUDA ? 77 : 1;
  }
  if (tw_backend_create(TW_BACKEND_CPU, &g_host) != TW_OK) return 1;
  build_table();
  struct CMUnitTest *tests = calloc((size_t)g_ncases + 2, sizeof *tests);
  if (!tests) return 1;
  tests[0] = (struct CMUnitTest)cmocka_unit_test(coverage);
  tests[1] = (struct CMUnitTest)cmocka_unit_test(op_names);
  for (int i = 0; i < g_ncases; i++) {
    tests[i + 2].name = g_cases[i].name;
    tests[i + 2].test_func = run_case;
    tests[i + 2].initial_state = &g_cases[i];
  }
  char group[64];
  snprintf(group, sizeof group, "backend ops on %s", tw_backend_name(g_be));
  int failed = _cmocka_run_group_tests(group, tests, (size_t)g_ncases + 2, NULL, NULL);
  free(tests);
  tw_backend_destroy(&g_host);
  tw_backend_destroy(&g_be);
  return failed ? 1 : 0;
}
