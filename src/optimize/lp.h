/* Internal: a linear program in plain arrays (built without GLPK, so it can
 * be validated before GLPK sees it), the network topology helpers and the
 * GLPK wrapper (glpk_solve.c, the only file that calls glp_*).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_OPTIMIZE_LP_H
#define TW_OPTIMIZE_LP_H

#include <stddef.h>

#include "terrawatt/network.h"
#include "terrawatt/optimize.h"
#include "terrawatt/status.h"

/* min c'x + obj_const  s.t.  r_lb <= A x <= r_ub,  c_lb <= x <= c_ub.
 * Infinite bounds are +-INFINITY. Indices are 0-based. */
typedef struct tw_lp {
  size_t ncols, nrows, nnz;
  size_t cap_c, cap_r, cap_nz;
  double *c_lb, *c_ub, *c_obj;
  double *r_lb, *r_ub;
  int *ia, *ja; /* row, col of each coefficient */
  double *ar;
  double obj_const;
} tw_lp;

void tw_lp_free(tw_lp *lp);
tw_status tw_lp_add_col(tw_lp *lp, double lb, double ub, double obj, size_t *idx);
tw_status tw_lp_add_row(tw_lp *lp, double lb, double ub, size_t *idx);
tw_status tw_lp_add_coef(tw_lp *lp, size_t row, size_t col, double v);
/* Check every number is finite (bounds may be infinite, not NaN), lb <= ub,
 * indices in range. `what` names the model for messages. */
tw_status tw_lp_validate(const tw_lp *lp, const char *what);

/* Cycle basis of the lines+transformers graph: cycle c has entries
 * [start[c], start[c+1]) of (branch, coef), branch < n_lines for a line,
 * n_lines + j for transformer j, coef = +-1 along the cycle. */
typedef struct tw_cycles {
  size_t n;
  size_t *start;
  size_t *branch;
  double *coef;
  int *dc;     /* per cycle: 1 when its sub-network's carrier is DC */
  int *subnet; /* per bus: sub-network index */
  size_t n_subnets;
} tw_cycles;
tw_status tw_cycles_compute(const tw_network *net, tw_cycles *out);
void tw_cycles_free(tw_cycles *c);

/* Column/row maps of a built window. */
typedef struct tw_lp_map {
  size_t t0, nt;    /* window: snapshots t0 .. t0+nt-1 */
  size_t block;     /* columns per snapshot */
  size_t base;      /* first per-snapshot column */
  long *gen_pnom, *br_snom, *link_pnom, *su_pnom, *store_enom; /* -1 = not extendable */
  size_t off_gen, off_br, off_link, off_su, off_store, off_shed; /* offsets within a block */
  size_t row_balance; /* first balance row; row(t,b) = row_balance + t*nb + b */
  size_t row_gc;      /* first global-constraint row */
  int shed_mode;      /* 0 none, 1 shedding (>=0), 2 +- slacks (diagnosis) */
} tw_lp_map;

/* Per storage unit / store: energy carried into the window (NULL = the
 * network's initial values and cyclic flags). */
typedef struct tw_window_state {
  const double *su_soc_MWh; /* SoC before t0 */
  const double *store_e_MWh;
  int force_noncyclic;      /* windows of a rolling horizon */
  const double *gen_p_prev;   /* dispatch at t0-1 for ramp limits (NULL: p_init) */
  const double *link_p0_prev;
} tw_window_state;

tw_status tw_lp_build(const tw_network *net, const tw_cycles *cyc, const tw_optimize_params *p,
                      size_t t0, size_t nt, const tw_window_state *ws, int shed_mode, tw_lp *lp,
                      tw_lp_map *map);
void tw_lp_map_free(tw_lp_map *m);

static inline size_t tw_lp_col(const tw_lp_map *m, size_t t, size_t off) {
  return m->base + t * m->block + off;
}

/* GLPK wrapper. */
typedef struct tw_glpk tw_glpk; /* one glp_prob kept across windows */
tw_status tw_glpk_create(tw_glpk **out);
void tw_glpk_destroy(tw_glpk **g);
/* Load `lp` into the problem. When `update` and the problem has the same
 * shape, bounds, objective and matrix values are replaced in place and the
 * basis kept (warm start); otherwise the problem is rebuilt. */
tw_status tw_glpk_load(tw_glpk *g, const tw_lp *lp, int update);
/* Solve. *status_out: "optimal", "infeasible", "unbounded", "time limit",
 * "failed". Returns TW_OK whenever GLPK ran (check the status). */
tw_status tw_glpk_solve(tw_glpk *g, const tw_optimize_params *p, int warm, const char **status_out,
                        long *iterations);
/* Primal values x[ncols] and row duals y[nrows] (d objective / d rhs). */
tw_status tw_glpk_solution(tw_glpk *g, double *x, double *y, double *obj);
tw_status tw_glpk_write(tw_glpk *g, const char *lp_path, const char *mps_path);
/* Add the last solve's PDLP/crossover statistics and warm start to *r. */
void tw_glpk_add_stats(const tw_glpk *g, tw_optimize_result *r);
/* 1 when the last solve's "infeasible"/"unbounded" rests on PDLP's
 * certificate alone (no simplex confirmed it). */
int tw_glpk_pdlp_verdict(const tw_glpk *g);

/* Karush-Kuhn-Tucker conditions of the solution GLPK reported, on the
 * unscaled LP (glp_check_kkt): primal equalities (pe) and bounds (pb), dual
 * equalities (de) and dual bounds (db, the sign of reduced costs), each as
 * the largest absolute error and the largest relative error
 * |e| / (1 + |value|); and complementary slackness (cs_rel: the sum over
 * rows and columns of |reduced cost| x distance from the bound its sign
 * requires, relative to 1 + |objective|). `worst` names the row or column
 * ("row 12", "column 7") of the largest relative error. */
typedef struct tw_kkt {
  double pe_abs, pe_rel, pb_abs, pb_rel, de_abs, de_rel, db_abs, db_rel, cs_rel;
  char worst[48];    /* the row/column of the largest relative error of all */
  const char *worst_condition; /* "primal equality", ..., or "" */
  double worst_rel;
} tw_kkt;
tw_status tw_glpk_check_kkt(tw_glpk *g, tw_kkt *out);

/* Coefficient ranges of an LP before it is solved: the largest and smallest
 * non-zero |c_j| (costs) and |a_ij| (matrix), and the column of each
 * extreme. */
typedef struct tw_lp_conditioning {
  double cost_min, cost_max, coef_min, coef_max;
  size_t cost_min_col, cost_max_col, coef_min_col, coef_max_col;
} tw_lp_conditioning;
void tw_lp_conditioning_compute(const tw_lp *lp, tw_lp_conditioning *out);

/* 1 when GLPK's last failure was running out of memory (its message said
 * so): the caller reports TW_ERR_RESOURCE instead of TW_ERR_INTERNAL. */
int tw_glpk_out_of_memory(void);

#endif
