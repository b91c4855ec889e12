/* Internal: the choice of GLPK settings (glpk_tuning.c, chosen by
 * measurement, docs/OPTIMIZE.md) and PDLP + crossover to GLPK's simplex
 * (crossover.c). Only glpk_solve.c includes this.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_OPTIMIZE_CROSSOVER_H
#define TW_OPTIMIZE_CROSSOVER_H

#include <glpk.h>
#include <stddef.h>

#include "terrawatt/optimize.h"

typedef struct tw_solve_stats {
  long pdlp_iterations, crossover_iterations;
  double pdlp_seconds, crossover_seconds;
  int warm_started; /* 1: started from a cached basis */
  int pdlp_verdict;  /* 1: infeasible/unbounded on PDLP's certificate alone */
} tw_solve_stats;

/* GLPK simplex method (GLP_PRIMAL or GLP_DUALP) for params p; `cold`: no
 * basis from a previous window or the basis cache. */
int tw_glpk_tuned_method(const tw_optimize_params *p, int cold);
/* Ratio test for that method (GLP_RT_FLIP for the dual, GLP_RT_HAR for the primal). */
int tw_glpk_tuned_ratio_test(int meth);
/* Rows from which `--solver auto` solves cold LPs with PDLP + crossover. */
#define TW_PDLP_AUTO_ROWS 5000
/* 1 when a cold solve of an LP of this size goes through PDLP + crossover. */
int tw_solver_use_pdlp(const tw_optimize_params *p, size_t nrows, size_t ncols);

/* Solve P with PDLP (tolerance p->pdlp_tol), then crossover: a basis is
 * read off the PDLP point (basis_pick.h: interior variables basic where
 * independent, completed by the variables at a bound with the smallest
 * reduced cost, then row auxiliaries) and GLPK's dual simplex finishes at an
 * exact vertex with exact duals (from glp_adv_basis should that basis fail).
 * *rc is glp_simplex's return code of the last simplex call. */
tw_status tw_crossover_solve(glp_prob *P, const tw_optimize_params *p, const glp_smcp *sp,
                             tw_solve_stats *stats, int *rc);

#endif
