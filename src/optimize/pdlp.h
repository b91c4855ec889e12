/* Internal: PDLP, restarted primal-dual hybrid gradient for LPs
 * (Applegate et al. 2021; Lu and Yang 2023, cuPDLP): Ruiz and
 * Pock-Chambolle preconditioning, adaptive steps, primal-weight updates,
 * KKT-based adaptive restarts to the average or current iterate,
 * infeasibility detection from iterate differences, and termination on
 * relative primal residual, dual residual and gap. The per-iteration math
 * runs on a backend's LP ops (terrawatt/backend_lp.h; CPU or CUDA).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_OPTIMIZE_PDLP_H
#define TW_OPTIMIZE_PDLP_H

#include "terrawatt/backend_lp.h"

/* min c'x s.t. rl <= A x <= ru, l <= x <= u (original, unscaled; CSR). */
typedef struct tw_pdlp_lp {
  tw_pdlp_csr A;
  const double *c, *l, *u, *rl, *ru;
} tw_pdlp_lp;

typedef struct tw_pdlp_settings {
  double tol;          /* relative primal/dual residual and gap (e.g. 1e-4) */
  long max_iter;       /* iteration limit */
  double time_limit_s; /* <= 0: none */
  /* The backend whose LP ops run the iterations; NULL, or one without LP
   * ops: a CPU backend made for the solve. */
  tw_backend *backend;
} tw_pdlp_settings;

typedef enum tw_pdlp_status {
  TW_PDLP_OPTIMAL = 0,
  TW_PDLP_PRIMAL_INFEASIBLE = 1,
  TW_PDLP_DUAL_INFEASIBLE = 2,
  TW_PDLP_LIMIT = 3 /* iteration or time limit: x, y hold the best point seen */
} tw_pdlp_status;

typedef struct tw_pdlp_result {
  tw_pdlp_status status;
  long iterations; /* accepted steps */
  long restarts;
  double *x, *y;   /* [n], [m] in the original space (caller frees) */
  double primal_obj, dual_obj;
  double rel_primal_res, rel_dual_res, rel_gap;
} tw_pdlp_result;

tw_status tw_pdlp_solve(const tw_pdlp_lp *lp, const tw_pdlp_settings *s, tw_pdlp_result *r);
void tw_pdlp_result_free(tw_pdlp_result *r);
/* Transpose a CSR matrix (At owns its arrays: free rowptr, col, val). */
tw_status tw_pdlp_transpose(const tw_pdlp_csr *A, int **rowptr, int **col, double **val);

#endif
