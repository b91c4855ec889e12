/* The CPU backend's LP ops: PDLP per-iteration math, CSR SpMV with OpenMP
 * over rows (the reference for the CUDA implementation in
 * kernels/pdlp_ops.cu).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "backend_impl.h"
#include "terrawatt/alloc.h"
#include "terrawatt/pdlp_math.h"

/* Zero copy: the problem's arrays are the caller's (host) arrays, read in
 * place; only the iterate vectors are allocated. */
struct tw_pdlp_dev {
  int m, n;
  const int *rp, *ci, *rpt, *cit; /* A and At in CSR */
  const double *av, *avt;
  const double *c, *l, *u, *rl, *ru;
  double *v[TW_PDLP_NVEC];
  double *part; /* [3 * blocks] per-block partial sums of cpu_step */
};

/* Loops shorter than this run serially: OpenMP's fork/join costs more. */
#define TW_PDLP_OMP_MIN 20000
/* Sums are taken over fixed blocks of this many elements and the blocks'
 * sums added in block order, so a sum does not depend on the number of
 * threads (which `run` sets from the ranks per node): PDLP's path, and so
 * the vertex its crossover reaches, are the same for any -np. */
#define TW_PDLP_BLOCK 4096

static int blocks(int len) { return (len + TW_PDLP_BLOCK - 1) / TW_PDLP_BLOCK; }

static void spmv(int rows, const int *rp, const int *ci, const double *av, const double *x,
                 double *y) {
#pragma omp parallel for schedule(static) if (rows > TW_PDLP_OMP_MIN)
  for (int i = 0; i < rows; i++) {
    double s = 0;
    for (int k = rp[i]; k < rp[i + 1]; k++) s += av[k] * x[ci[k]];
    y[i] = s;
  }
}

static void cpu_destroy(tw_pdlp_dev *d) {
  if (!d) return;
  for (int k = 0; k < TW_PDLP_NVEC; k++) free(d->v[k]);
  free(d->part);
  free(d);
}

static tw_status dup_dbl(const double *src, size_t n, double **out) {
  TW_CHECK(tw_calloc(n + 1, sizeof(double), "PDLP vectors", out));
  if (n && src) memcpy(*out, src, n * sizeof(double));
  return TW_OK;
}

static tw_status cpu_create(tw_backend *be, const tw_pdlp_problem *p, tw_pdlp_dev **out) {
  (void)be;
  tw_pdlp_dev *d = NULL;
  tw_status st = TW_OK;
  *out = NULL;
  TW_CHECK(tw_calloc(1, sizeof *d, "PDLP", &d));
  d->m = p->A.nrows;
  d->n = p->A.ncols;
  size_t m = (size_t)d->m, n = (size_t)d->n;
  d->rp = p->A.rowptr, d->ci = p->A.col, d->av = p->A.val;
  d->rpt = p->At.rowptr, d->cit = p->At.col, d->avt = p->At.val;
  d->c = p->c, d->l = p->l, d->u = p->u, d->rl = p->rl, d->ru = p->ru;
  for (int k = 0; k < TW_PDLP_NVEC; k++)
    TW_CHECK_GOTO(st, dup_dbl(NULL, tw_pdlp_vec_is_primal((tw_pdlp_vec)k) ? n : m, &d->v[k]));
  TW_CHECK_GOTO(st, dup_dbl(NULL, 3 * (size_t)(blocks(d->m) + blocks(d->n)), &d->part));
  *out = d;
  return TW_OK;
cleanup:
  cpu_destroy(d);
  return st;
}

static tw_status cpu_step(tw_pdlp_dev *d, double tau, double sigma, double dots[3]) {
  const int n = d->n, m = d->m;
  double *x = d->v[TW_PDLP_X], *xn = d->v[TW_PDLP_XN], *aty = d->v[TW_PDLP_ATY];
  double *y = d->v[TW_PDLP_Y], *yn = d->v[TW_PDLP_YN], *ax = d->v[TW_PDLP_AX];
  double *axn = d->v[TW_PDLP_AXN];
  const int nbx = blocks(n), nby = blocks(m);
  double *px = d->part, *py = px + nbx, *pc = py + nby;
#pragma omp parallel for schedule(static) if (n > TW_PDLP_OMP_MIN)
  for (int b = 0; b < nbx; b++) {
    const int j1 = b * TW_PDLP_BLOCK + TW_PDLP_BLOCK < n ? b * TW_PDLP_BLOCK + TW_PDLP_BLOCK : n;
    double s = 0;
    for (int j = b * TW_PDLP_BLOCK; j < j1; j++) {
      xn[j] = tw_pdlp_primal(x[j], d->c[j], aty[j], d->l[j], d->u[j], tau);
      s += (xn[j] - x[j]) * (xn[j] - x[j]);
    }
    px[b] = s;
  }
  spmv(m, d->rp, d->ci, d->av, xn, axn);
#pragma omp parallel for schedule(static) if (m > TW_PDLP_OMP_MIN)
  for (int b = 0; b < nby; b++) {
    const int i1 = b * TW_PDLP_BLOCK + TW_PDLP_BLOCK < m ? b * TW_PDLP_BLOCK + TW_PDLP_BLOCK : m;
    double s2 = 0, sc = 0;
    for (int i = b * TW_PDLP_BLOCK; i < i1; i++) {
      yn[i] = tw_pdlp_dual(y[i], axn[i], ax[i], d->rl[i], d->ru[i], sigma);
      double dy = yn[i] - y[i];
      s2 += dy * dy;
      sc += dy * (axn[i] - ax[i]);
    }
    py[b] = s2;
    pc[b] = sc;
  }
  spmv(n, d->rpt, d->cit, d->avt, yn, d->v[TW_PDLP_ATYN]);
  double dx2 = 0, dy2 = 0, cross = 0;
  for (int b = 0; b < nbx; b++) dx2 += px[b];
  for (int b = 0; b < nby; b++) dy2 += py[b], cross += pc[b];
  dots[0] = dx2;
  dots[1] = dy2;
  dots[2] = cross;
  return TW_OK;
}

static void swap_vec(tw_pdlp_dev *d, tw_pdlp_vec a, tw_pdlp_vec b) {
  double *t = d->v[a];
  d->v[a] = d->v[b];
  d->v[b] = t;
}

static void axpy(int n, double a, const double *x, double *y) {
#pragma omp parallel for schedule(static) if (n > TW_PDLP_OMP_MIN)
  for (int i = 0; i < n; i++) y[i] += a * x[i];
}

static tw_status cpu_accept(tw_pdlp_dev *d, double w) {
  swap_vec(d, TW_PDLP_X, TW_PDLP_XN);
  swap_vec(d, TW_PDLP_Y, TW_PDLP_YN);
  swap_vec(d, TW_PDLP_AX, TW_PDLP_AXN);
  swap_vec(d, TW_PDLP_ATY, TW_PDLP_ATYN);
  axpy(d->n, w, d->v[TW_PDLP_X], d->v[TW_PDLP_XS]);
  axpy(d->m, w, d->v[TW_PDLP_Y], d->v[TW_PDLP_YS]);
  axpy(d->m, w, d->v[TW_PDLP_AX], d->v[TW_PDLP_AXS]);
  axpy(d->n, w, d->v[TW_PDLP_ATY], d->v[TW_PDLP_ATYS]);
  return TW_OK;
}

static tw_status cpu_restart(tw_pdlp_dev *d, int to_average, double wsum) {
  const tw_pdlp_vec cur[4] = {TW_PDLP_X, TW_PDLP_Y, TW_PDLP_AX, TW_PDLP_ATY};
  const tw_pdlp_vec sum[4] = {TW_PDLP_XS, TW_PDLP_YS, TW_PDLP_AXS, TW_PDLP_ATYS};
  for (int k = 0; k < 4; k++) {
    int len = tw_pdlp_vec_is_primal(cur[k]) ? d->n : d->m;
    double *a = d->v[cur[k]], *s = d->v[sum[k]];
    if (to_average && wsum > 0)
      for (int i = 0; i < len; i++) a[i] = s[i] / wsum;
    memset(s, 0, (size_t)len * sizeof *s);
  }
  return TW_OK;
}

static tw_status cpu_get(tw_pdlp_dev *d, tw_pdlp_vec v, double *host) {
  memcpy(host, d->v[v], (size_t)(tw_pdlp_vec_is_primal(v) ? d->n : d->m) * sizeof *host);
  return TW_OK;
}

static tw_status cpu_set(tw_pdlp_dev *d, tw_pdlp_vec v, const double *host) {
  memcpy(d->v[v], host, (size_t)(tw_pdlp_vec_is_primal(v) ? d->n : d->m) * sizeof *host);
  return TW_OK;
}

const tw_lp_ops tw_lp_ops_cpu = {cpu_create,  cpu_destroy, cpu_step, cpu_accept,
                                 cpu_restart, cpu_get,     cpu_set};
