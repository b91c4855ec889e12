/* Internal: the per-iteration math of PDLP (restarted primal-dual hybrid
 * gradient, pdlp.c) as a small op table with two implementations: CPU (CSR
 * SpMV with OpenMP, pdlp_ops_cpu.c, the reference) and CUDA (cuSPARSE SpMV
 * plus fused kernels, kernels/pdlp_ops.cu). All vectors live in the backend
 * (on the device for CUDA); only dot products and, at convergence checks,
 * the iterates come back. Self-contained: separate from tw_backend_ops so
 * that the backend's op table is not touched.
 *
 * Problem (already scaled): min c'x s.t. rl <= A x <= ru, l <= x <= u, with
 * A given in CSR form and its transpose At, infinite bounds as +-INFINITY.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_BACKEND_PDLP_OPS_H
#define TW_BACKEND_PDLP_OPS_H

#include <stddef.h>

#include "terrawatt/status.h"

typedef struct tw_pdlp_csr {
  int nrows, ncols, nnz;
  const int *rowptr; /* [nrows+1] */
  const int *col;    /* [nnz] */
  const double *val; /* [nnz] */
} tw_pdlp_csr;

typedef struct tw_pdlp_problem {
  tw_pdlp_csr A, At;      /* A: m x n, At: n x m */
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

typedef struct tw_pdlp_dev tw_pdlp_dev;

typedef struct tw_pdlp_ops {
  const char *name;
  /* Copy the problem to the backend; all vectors zero. */
  tw_status (*create)(const tw_pdlp_problem *p, tw_pdlp_dev **out);
  void (*destroy)(tw_pdlp_dev *d);
  /* One PDHG trial step from the current iterate with steps tau, sigma:
   *   XN = clip(X - tau (c - ATY), l, u), AXN = A XN,
   *   W = Y - sigma (2 AXN - AX), YN = W - sigma clip(W / sigma, -ru, -rl), ATYN = A' YN;
   * dots[0] = |XN - X|^2, dots[1] = |YN - Y|^2, dots[2] = (YN - Y).(AXN - AX). */
  tw_status (*step)(tw_pdlp_dev *d, double tau, double sigma, double dots[3]);
  /* Accept the trial: current = trial; sums += weight * current. */
  tw_status (*accept)(tw_pdlp_dev *d, double weight);
  /* Restart: current = sums / weight_sum when `to_average`, then sums = 0. */
  tw_status (*restart)(tw_pdlp_dev *d, int to_average, double weight_sum);
  /* Copy vector v to / from host memory (length n for primal vectors, m for dual). */
  tw_status (*get)(tw_pdlp_dev *d, tw_pdlp_vec v, double *host);
  tw_status (*set)(tw_pdlp_dev *d, tw_pdlp_vec v, const double *host);
} tw_pdlp_ops;

/* The CPU reference (always available). */
const tw_pdlp_ops *tw_pdlp_ops_cpu(void);
/* The CUDA implementation, or NULL when this build has no CUDA or no GPU is
 * visible (CUDA is touched only when this is called). */
const tw_pdlp_ops *tw_pdlp_ops_cuda(void);

#endif
