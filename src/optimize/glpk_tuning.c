/* GLPK settings chosen by measurement (scripts/bench/optimize-glpk-tuning,
 * table in docs/OPTIMIZE.md "GLPK settings"): on the bundled example's LPs
 * and on generated 50x96 and 200x24 networks the dual simplex with GLPK's
 * long-step ("flip") ratio test from glp_adv_basis and GLP_SF_AUTO scaling
 * needed the least CPU time; presolve gained nothing consistent and is not
 * usable with warm starts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "optimize/crossover.h"

int tw_glpk_tuned_method(const tw_optimize_params *p, int cold) {
  (void)cold; /* cold and warm: the dual simplex (measured; falls back to primal) */
  if (p->method == TW_LP_PRIMAL) return GLP_PRIMAL;
  return GLP_DUALP;
}

int tw_glpk_tuned_ratio_test(int meth) { return meth == GLP_PRIMAL ? GLP_RT_HAR : GLP_RT_FLIP; }

int tw_solver_use_pdlp(const tw_optimize_params *p, size_t nrows, size_t ncols) {
  (void)ncols;
  if (p->method == TW_LP_INTERIOR) return 0;
  if (p->solver != TW_SOLVER_AUTO) return p->solver == TW_SOLVER_PDLP;
  /* auto: PDLP + crossover for cold solves of LPs of TW_PDLP_AUTO_ROWS rows
   * or more, unless a simplex method was asked for. Measured (docs/OPTIMIZE.md
   * "PDLP and crossover"): from about 5000 rows on, PDLP + crossover took
   * 0.2-0.65 of the simplex's CPU time on generated grids and the one-node
   * year, and the same on pegase1354 x 4 h; 0.87 at 2400 rows; 1.05-1.5
   * below 1000 rows, where process start-up dominates. */
  return p->method == TW_LP_AUTO && nrows >= TW_PDLP_AUTO_ROWS;
}
