/* PDLP + crossover to GLPK's simplex (see crossover.h). The LP is read back
 * from the glp_prob (GLPK returns unscaled values), solved approximately by
 * PDLP, and finished by the simplex from a basis derived from the PDLP
 * point, so the result is an exact vertex with exact duals.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "optimize/crossover.h"
#include "optimize/pdlp.h"
#include "terrawatt/log.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct lp_arrays {
  int m, n, nnz;
  int *rp, *ci;
  double *av, *c, *l, *u, *rl, *ru;
  int *rtype, *ctype; /* GLPK bound types, restored after the restricted solve */
  double *rlb, *rub, *clb, *cub;
} lp_arrays;

static void arrays_free(lp_arrays *a) {
  free(a->rp), free(a->ci), free(a->av), free(a->c), free(a->l), free(a->u);
  free(a->rl), free(a->ru), free(a->rtype), free(a->ctype), free(a->rlb), free(a->rub);
  free(a->clb), free(a->cub);
  memset(a, 0, sizeof *a);
}

static void glpk_bounds(int type, double lb, double ub, double *lo, double *hi) {
  *lo = (type == GLP_LO || type == GLP_DB || type == GLP_FX) ? lb : -INFINITY;
  *hi = (type == GLP_UP || type == GLP_DB || type == GLP_FX) ? ub : INFINITY;
}

static tw_status read_lp(glp_prob *P, lp_arrays *a) {
  tw_status st = TW_OK;
  memset(a, 0, sizeof *a);
  a->m = glp_get_num_rows(P);
  a->n = glp_get_num_cols(P);
  a->nnz = glp_get_num_nz(P);
  size_t m = (size_t)a->m, n = (size_t)a->n, nz = (size_t)a->nnz;
  TW_CHECK_GOTO(st, tw_calloc(m + 2, sizeof(int), "crossover", &a->rp));
  TW_CHECK_GOTO(st, tw_calloc(nz + 2, sizeof(int), "crossover", &a->ci));
  TW_CHECK_GOTO(st, tw_calloc(nz + 2, sizeof(double), "crossover", &a->av));
  TW_CHECK_GOTO(st, tw_calloc(m + 1, sizeof(int), "crossover", &a->rtype));
  TW_CHECK_GOTO(st, tw_calloc(n + 1, sizeof(int), "crossover", &a->ctype));
  double **nv[] = {&a->c, &a->l, &a->u, &a->clb, &a->cub};
  for (size_t k = 0; k < 5; k++) TW_CHECK_GOTO(st, tw_calloc(n + 1, sizeof(double), "crossover", nv[k]));
  double **mv[] = {&a->rl, &a->ru, &a->rlb, &a->rub};
  for (size_t k = 0; k < 4; k++) TW_CHECK_GOTO(st, tw_calloc(m + 1, sizeof(double), "crossover", mv[k]));
  for (int j = 1; j <= a->n; j++) {
    a->c[j - 1] = glp_get_obj_coef(P, j);
    a->ctype[j - 1] = glp_get_col_type(P, j);
    a->clb[j - 1] = glp_get_col_lb(P, j);
    a->cub[j - 1] = glp_get_col_ub(P, j);
    glpk_bounds(a->ctype[j - 1], a->clb[j - 1], a->cub[j - 1], &a->l[j - 1], &a->u[j - 1]);
  }
  int pos = 0;
  for (int i = 1; i <= a->m; i++) {
    a->rtype[i - 1] = glp_get_row_type(P, i);
    a->rlb[i - 1] = glp_get_row_lb(P, i);
    a->rub[i - 1] = glp_get_row_ub(P, i);
    glpk_bounds(a->rtype[i - 1], a->rlb[i - 1], a->rub[i - 1], &a->rl[i - 1], &a->ru[i - 1]);
    a->rp[i - 1] = pos;
    /* glp_get_mat_row fills ind[1..len]: entries land one place too far, moved below */
    pos += glp_get_mat_row(P, i, a->ci + pos, a->av + pos);
  }
  a->rp[a->m] = pos;
  memmove(a->ci, a->ci + 1, (size_t)pos * sizeof *a->ci);
  memmove(a->av, a->av + 1, (size_t)pos * sizeof *a->av);
  for (int k = 0; k < pos; k++) a->ci[k] -= 1;
cleanup:
  if (st != TW_OK) arrays_free(a);
  return st;
}

/* Which bound (if any) value v sits at: -1 lower, +1 upper, 0 neither. */
static int at_bound(double v, double lo, double hi, double rel) {
  double dl = isfinite(lo) ? fabs(v - lo) : INFINITY, du = isfinite(hi) ? fabs(v - hi) : INFINITY;
  double tl = rel * (1.0 + (isfinite(lo) ? fabs(lo) : 0)), tu = rel * (1.0 + (isfinite(hi) ? fabs(hi) : 0));
  if (dl <= tl && dl <= du) return -1;
  if (du <= tu) return 1;
  return 0;
}

tw_status tw_crossover_solve(glp_prob *P, const tw_optimize_params *p, const glp_smcp *sp0,
                             tw_solve_stats *stats, int *rc) {
  tw_status st = TW_OK;
  lp_arrays a;
  tw_pdlp_result pr;
  double *ax = NULL;
  signed char *fix_c = NULL, *fix_r = NULL;
  memset(&pr, 0, sizeof pr);
  TW_CHECK(read_lp(P, &a));
  double t0 = now_s();
  tw_pdlp_lp lp = {{a.m, a.n, a.rp[a.m], a.rp, a.ci, a.av}, a.c, a.l, a.u, a.rl, a.ru};
  tw_pdlp_settings set = {p->pdlp_tol > 0 ? p->pdlp_tol : 1e-4,
                          p->pdlp_max_iter > 0 ? p->pdlp_max_iter : 200000, p->time_limit_s, p->backend};
  TW_CHECK_GOTO(st, tw_pdlp_solve(&lp, &set, &pr));
  stats->pdlp_iterations = pr.iterations;
  stats->pdlp_seconds = now_s() - t0;
  TW_LOG_I("pdlp (%s): %ld iterations in %.3f s, %s, objective %.10g (rel. residuals %.1e, "
           "%.1e, gap %.1e)",
           p->backend ? tw_backend_name(p->backend) : "cpu", pr.iterations, stats->pdlp_seconds,
           pr.status == TW_PDLP_OPTIMAL            ? "converged"
           : pr.status == TW_PDLP_PRIMAL_INFEASIBLE ? "primal infeasible"
           : pr.status == TW_PDLP_DUAL_INFEASIBLE   ? "dual infeasible (unbounded)"
                                                    : "limit reached",
           pr.primal_obj, pr.rel_primal_res, pr.rel_dual_res, pr.rel_gap);
  double t1 = now_s();
  int it0 = glp_get_it_cnt(P);
  glp_smcp sp = *sp0;
  if (pr.status == TW_PDLP_PRIMAL_INFEASIBLE || pr.status == TW_PDLP_DUAL_INFEASIBLE) {
    /* the simplex confirms (and gives GLPK's exact status) */
    glp_adv_basis(P, 0);
    *rc = glp_simplex(P, &sp);
    goto done;
  }
  /* restricted LP: fix what PDLP puts at a bound */
  TW_CHECK_GOTO(st, tw_calloc((size_t)a.m + 1, sizeof *ax, "crossover", &ax));
  TW_CHECK_GOTO(st, tw_calloc((size_t)a.n + 1, 1, "crossover", &fix_c));
  TW_CHECK_GOTO(st, tw_calloc((size_t)a.m + 1, 1, "crossover", &fix_r));
  for (int i = 0; i < a.m; i++) {
    double s = 0;
    for (int k = a.rp[i]; k < a.rp[i + 1]; k++) s += a.av[k] * pr.x[a.ci[k]];
    ax[i] = s;
  }
  const double rel = fmax(1e-7, 10.0 * set.tol);
  long n_fixed = 0;
  for (int j = 0; j < a.n; j++) {
    if (a.ctype[j] == GLP_FX) continue;
    fix_c[j] = (signed char)at_bound(pr.x[j], a.l[j], a.u[j], rel);
    if (fix_c[j]) {
      double v = fix_c[j] < 0 ? a.l[j] : a.u[j];
      glp_set_col_bnds(P, j + 1, GLP_FX, v, v);
      n_fixed++;
    }
  }
  for (int i = 0; i < a.m; i++) {
    if (a.rtype[i] == GLP_FX) continue;
    fix_r[i] = (signed char)at_bound(ax[i], a.rl[i], a.ru[i], rel);
    if (fix_r[i]) {
      double v = fix_r[i] < 0 ? a.rl[i] : a.ru[i];
      glp_set_row_bnds(P, i + 1, GLP_FX, v, v);
      n_fixed++;
    }
  }
  glp_adv_basis(P, 0);
  sp.meth = GLP_DUALP;
  sp.r_test = GLP_RT_FLIP;
  sp.presolve = GLP_OFF;
  int rc1 = glp_simplex(P, &sp);
  int restricted_ok = rc1 == 0 && glp_get_status(P) == GLP_OPT;
  /* release the bounds; non-basic fixed variables stay at the bound they were fixed to */
  for (int j = 0; j < a.n; j++) {
    if (!fix_c[j]) continue;
    int stat = glp_get_col_stat(P, j + 1);
    glp_set_col_bnds(P, j + 1, a.ctype[j], a.clb[j], a.cub[j]);
    if (stat != GLP_BS) glp_set_col_stat(P, j + 1, fix_c[j] < 0 ? GLP_NL : GLP_NU);
  }
  for (int i = 0; i < a.m; i++) {
    if (!fix_r[i]) continue;
    int stat = glp_get_row_stat(P, i + 1);
    glp_set_row_bnds(P, i + 1, a.rtype[i], a.rlb[i], a.rub[i]);
    if (stat != GLP_BS) glp_set_row_stat(P, i + 1, fix_r[i] < 0 ? GLP_NL : GLP_NU);
  }
  TW_LOG_D("crossover: %ld variables and rows fixed at PDLP's bounds; restricted LP %s after %d "
           "iterations",
           n_fixed, restricted_ok ? "optimal" : "not solved", glp_get_it_cnt(P) - it0);
  if (!restricted_ok) glp_adv_basis(P, 0);
  /* the restricted optimum is primal feasible for the full LP: primal simplex finishes */
  sp.meth = restricted_ok ? GLP_PRIMAL : sp0->meth;
  sp.r_test = restricted_ok ? GLP_RT_HAR : sp0->r_test;
  *rc = glp_simplex(P, &sp);
done:
  stats->crossover_iterations = glp_get_it_cnt(P) - it0;
  stats->crossover_seconds = now_s() - t1;
  TW_LOG_I("crossover: %ld simplex iterations in %.3f s", stats->crossover_iterations,
           stats->crossover_seconds);
cleanup:
  free(ax);
  free(fix_c);
  free(fix_r);
  tw_pdlp_result_free(&pr);
  arrays_free(&a);
  return st;
}
