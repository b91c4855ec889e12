/* terrawatt: the LP ops of a backend, the per-iteration math of PDLP
 * (restarted primal-dual hybrid gradient, src/optimize/pdlp.c): CSR SpMV
 * with OpenMP on cpu (src/backend/lp_cpu.c, the reference), cuSPARSE SpMV
 * plus fused kernels on cuda (kernels/pdlp_ops.cu). All vectors live in the
 * backend (on the device for CUDA); only dot products and, at convergence
 * checks, the iterates come back.
 *
 * Problem (already scaled): min c'x s.t. rl <= A x <= ru, l <= x <= u, with
 * A given in CSR form and its transpose At, infinite bounds as +-INFINITY.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_BACKEND_LP_H
#define TERRAWATT_BACKEND_LP_H

#include <stddef.h>

#include "terrawatt/backend.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tw_pdlp_csr {
  int nrows, ncols, nnz;
  const int *rowptr; /* [nrows+1] */
  const int *col;    /* [nnz] */
  const double *val; /* [nnz] */
} tw_pdlp_csr;

typedef struct tw_pdlp_problem {
  tw_pdlp_csr A, At;       /* A: m x n, At: n x m */
  const double *c, *l, *u; /* [n] */
  const double *rl, *ru;   /* [m] */
} tw_pdlp_problem;

/* Vectors held by a backend: current iterate (X, Y and the products A X,
 * A' Y), the trial step (XN, YN, AXN, ATYN) and the weighted sums of the
 * iterates since the last restart (XS, YS, AXS, ATYS). */
typedef enum tw_pdlp_vec {
  TW_PDLP_X, TW_PDLP_Y, TW_PDLP_AX, TW_PDLP_ATY,
  TW_PDLP_XN, TW_PDLP_YN, TW_PDLP_AXN, TW_PDLP_ATYN,
  TW_PDLP_XS, TW_PDLP_YS, TW_PDLP_AXS, TW_PDLP_ATYS,
  TW_PDLP_NVEC
} tw_pdlp_vec;

static inline int tw_pdlp_vec_is_primal(tw_pdlp_vec v) {
  return v == TW_PDLP_X || v == TW_PDLP_ATY || v == TW_PDLP_XN || v == TW_PDLP_ATYN ||
         v == TW_PDLP_XS || v == TW_PDLP_ATYS;
}

/* A problem and its vectors on a backend (opaque). */
typedef struct tw_pdlp_dev tw_pdlp_dev;

/* Put the problem on the backend; all vectors zero. The CPU backend reads
 * the problem's arrays in place (zero copy), so they must stay valid and
 * unchanged until tw_backend_pdlp_destroy; CUDA copies them. TW_ERR_RESOURCE when
 * the backend has no LP ops (tw_backend_supports(be, TW_OP_PDLP_STEP)). */
TW_API tw_status tw_backend_pdlp_create(tw_backend *be, const tw_pdlp_problem *p, tw_pdlp_dev **out);
/* Free a problem (NULL-safe; sets *d to NULL). */
TW_API void tw_backend_pdlp_destroy(tw_backend *be, tw_pdlp_dev **d);
/* One PDHG trial step from the current iterate with steps tau, sigma:
 *   XN = clip(X - tau (c - ATY), l, u), AXN = A XN,
 *   W = Y - sigma (2 AXN - AX), YN = W - sigma clip(W / sigma, -ru, -rl), ATYN = A' YN;
 * dots[0] = |XN - X|^2, dots[1] = |YN - Y|^2, dots[2] = (YN - Y).(AXN - AX). */
TW_API tw_status tw_backend_pdlp_step(tw_backend *be, tw_pdlp_dev *d, double tau, double sigma,
                               double dots[3]);
/* Accept the trial: current = trial; sums += weight * current. */
TW_API tw_status tw_backend_pdlp_accept(tw_backend *be, tw_pdlp_dev *d, double weight);
/* Restart: current = sums / weight_sum when `to_average`, then sums = 0. */
TW_API tw_status tw_backend_pdlp_restart(tw_backend *be, tw_pdlp_dev *d, int to_average,
                                  double weight_sum);
/* Copy vector v to / from host memory (length n for primal vectors, m for
 * dual); blocking. */
TW_API tw_status tw_backend_pdlp_get(tw_backend *be, tw_pdlp_dev *d, tw_pdlp_vec v, double *host);
TW_API tw_status tw_backend_pdlp_set(tw_backend *be, tw_pdlp_dev *d, tw_pdlp_vec v,
                              const double *host);

#ifdef __cplusplus
}
#endif
#endif
