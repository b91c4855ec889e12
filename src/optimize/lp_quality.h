/* Internal: LP conditioning report and KKT check (lp_quality.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_OPTIMIZE_LP_QUALITY_H
#define TW_OPTIMIZE_LP_QUALITY_H

#include "optimize/lp.h"

/* Ratio of largest to smallest |cost| or |coefficient| above which the LP
 * is reported as ill-conditioned (a warning, not an error). */
#define TW_LP_RATIO_WARN 1e9
/* Largest relative KKT error accepted in an "optimal" solution. GLPK's own
 * tolerances are 1e-7 on the scaled LP; real solutions of the example and
 * the test networks stay below 1e-9 (docs/RELIABILITY.md). */
#define TW_KKT_REL_TOL 1e-6

/* Describe LP column `col` of a window ("dispatch of generator 'X' at
 * 'SNAPSHOT' (marginal_cost, ...)"): the component and the fields that set
 * its coefficients. */
void tw_lp_column_describe(const tw_network *net, const tw_lp_map *m, size_t col, char *buf,
                           size_t n);

/* Measure the conditioning of `lp` into r->lp_cost_ratio / lp_matrix_ratio
 * (maxima over windows); with log_it, log the ranges and warn above
 * TW_LP_RATIO_WARN naming the columns (fields) of the extremes. */
void tw_lp_conditioning_report(const tw_network *net, const tw_lp_map *m, const tw_lp *lp,
                               const char *name, int log_it, tw_optimize_result *r);

/* After a solve GLPK called optimal: check the KKT conditions, keep the
 * largest residuals in r->kkt_*, and fail with TW_ERR_INTERNAL naming the
 * condition and the row or column when the largest relative error exceeds
 * TW_KKT_REL_TOL. */
tw_status tw_lp_kkt_check(tw_glpk *g, const tw_network *net, const tw_lp_map *m,
                          const char *name, tw_optimize_result *r);

#endif
