/* The only code that calls glp_*: load a validated tw_lp, solve, read back.
 * GLPK aborts the process on invalid calls; we validate everything first
 * (tw_lp_validate) and install glp_error_hook, which longjmps back here so
 * that a GLPK failure becomes TW_ERR_INTERNAL instead of an abort. GLPK's
 * terminal output goes to our log (debug level) through glp_term_hook.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glpk.h>
#include <stdio.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/basis_cache.h"
#include "optimize/crossover.h"
#include "optimize/lp.h"
#include "terrawatt/log.h"

struct tw_glpk {
  glp_prob *P;
  size_t nrows, ncols;
  int has_basis;
  int method; /* how the last solution was obtained: 0 simplex, 1 interior */
  jmp_buf env;
  char line[1024];
  size_t line_len;
  int *ind;
  double *val;
  unsigned long long signature; /* dimensions and sparsity pattern (basis cache) */
  tw_solve_stats last;          /* of the last solve (tw_glpk_add_stats) */
};

/* Set when GLPK said it ran out of memory ("no memory available", "memory allocation
 * limit exceeded") before failing: that failure is TW_ERR_RESOURCE. */
static _Thread_local int glpk_oom;

int tw_glpk_out_of_memory(void) { return glpk_oom; }

static int term_hook(void *info, const char *s) {
  tw_glpk *g = info;
  if (strstr(s, "no memory") || strstr(s, "allocation limit")) glpk_oom = 1;
  for (; *s; s++) {
    if (*s == '\n' || g->line_len + 1 >= sizeof g->line) {
      g->line[g->line_len] = '\0';
      if (g->line_len) TW_LOG_D("glpk: %s", g->line);
      if (strstr(g->line, "no memory") || strstr(g->line, "allocation limit")) glpk_oom = 1;
      g->line_len = 0;
      if (*s == '\n') continue;
    }
    g->line[g->line_len++] = *s;
  }
  return 1; /* suppress GLPK's own printing */
}

static void error_hook(void *info) {
  tw_glpk *g = info;
  longjmp(g->env, 1);
}

/* After a GLPK error the environment must be freed; every glp_prob is gone. */
static tw_status glpk_failed(tw_glpk *g, const char *what) {
  g->P = NULL;
  g->has_basis = 0;
  g->nrows = g->ncols = 0;
  glp_free_env();
  if (glpk_oom)
    return tw_error(TW_ERR_RESOURCE, "GLPK ran out of memory during %s", what);
  return tw_error(TW_ERR_INTERNAL, "GLPK failed during %s (see the debug log)", what);
}

static void install_hooks(tw_glpk *g) {
  glpk_oom = 0;
  glp_term_hook(term_hook, g);
  glp_error_hook(error_hook, g);
  /* Test hook (docs/RELIABILITY.md): cap GLPK's memory to check that its
   * out-of-memory failure is reported as a resource error (exit 4). */
  const char *limit = getenv("TW_GLPK_MEM_LIMIT_MB");
  if (limit && atoi(limit) > 0) glp_mem_limit(atoi(limit));
}

tw_status tw_glpk_create(tw_glpk **out) {
  tw_glpk *g = NULL;
  TW_CHECK(tw_calloc(1, sizeof *g, "GLPK problem", &g));
  *out = g;
  return TW_OK;
}

void tw_glpk_destroy(tw_glpk **pg) {
  if (!pg || !*pg) return;
  tw_glpk *g = *pg;
  if (g->P) {
    install_hooks(g);
    if (setjmp(g->env) == 0) glp_delete_prob(g->P);
    else glp_free_env();
  }
  glp_term_hook(NULL, NULL);
  glp_error_hook(NULL, NULL);
  free(g->ind);
  free(g->val);
  free(g);
  *pg = NULL;
}

static int bound_type(double lb, double ub) {
  if (isinf(lb) && isinf(ub)) return GLP_FR;
  if (isinf(ub)) return GLP_LO;
  if (isinf(lb)) return GLP_UP;
  if (lb == ub) return GLP_FX;
  return GLP_DB;
}

/* Compressed rows with duplicates summed: rowptr[nrows+1], cols, vals. */
typedef struct csr {
  size_t *rowptr;
  int *col;
  double *val;
} csr;

static void csr_free(csr *c) {
  free(c->rowptr);
  free(c->col);
  free(c->val);
}

static tw_status to_csr(const tw_lp *lp, csr *c) {
  tw_status st = TW_OK;
  size_t *fill = NULL;
  long *mark = NULL;
  memset(c, 0, sizeof *c);
  TW_CHECK_GOTO(st, tw_calloc(lp->nrows + 1, sizeof(size_t), "matrix", &c->rowptr));
  TW_CHECK_GOTO(st, tw_calloc(lp->nnz + 1, sizeof(int), "matrix", &c->col));
  TW_CHECK_GOTO(st, tw_calloc(lp->nnz + 1, sizeof(double), "matrix", &c->val));
  TW_CHECK_GOTO(st, tw_calloc(lp->nrows + 1, sizeof(size_t), "matrix", &fill));
  TW_CHECK_GOTO(st, tw_calloc(lp->ncols + 1, sizeof(long), "matrix", &mark));
  for (size_t k = 0; k < lp->nnz; k++) c->rowptr[lp->ia[k] + 1]++;
  for (size_t i = 0; i < lp->nrows; i++) c->rowptr[i + 1] += c->rowptr[i];
  for (size_t k = 0; k < lp->nnz; k++) {
    size_t r = (size_t)lp->ia[k];
    size_t pos = c->rowptr[r] + fill[r]++;
    c->col[pos] = lp->ja[k];
    c->val[pos] = lp->ar[k];
  }
  /* merge duplicates within each row, compacting in place */
  for (size_t j = 0; j < lp->ncols; j++) mark[j] = -1;
  size_t out = 0;
  for (size_t i = 0; i < lp->nrows; i++) {
    size_t start = out;
    for (size_t k = c->rowptr[i]; k < c->rowptr[i + 1]; k++) {
      int j = c->col[k];
      if (mark[j] >= (long)start) {
        c->val[mark[j]] += c->val[k];
      } else {
        mark[j] = (long)out;
        c->col[out] = j;
        c->val[out] = c->val[k];
        out++;
      }
    }
    c->rowptr[i] = start;
  }
  /* rowptr[i] now holds starts; recompute ends */
  {
    size_t prev_end = out;
    for (size_t i = lp->nrows; i-- > 0;) {
      size_t s = c->rowptr[i];
      c->rowptr[i + 1] = prev_end;
      prev_end = s;
    }
    c->rowptr[0] = 0;
  }
cleanup:
  free(fill);
  free(mark);
  if (st != TW_OK) csr_free(c);
  return st;
}

tw_status tw_glpk_load(tw_glpk *g, const tw_lp *lp, int update) {
  volatile tw_status st = TW_OK; /* survives the longjmp of glp_error_hook */
  csr c;
  TW_CHECK(to_csr(lp, &c));
  size_t maxrow = 0;
  for (size_t i = 0; i < lp->nrows; i++)
    if (c.rowptr[i + 1] - c.rowptr[i] > maxrow) maxrow = c.rowptr[i + 1] - c.rowptr[i];
  free(g->ind);
  free(g->val);
  g->ind = NULL;
  g->val = NULL;
  TW_CHECK_GOTO(st, tw_calloc(maxrow + 2, sizeof(int), "row", &g->ind));
  TW_CHECK_GOTO(st, tw_calloc(maxrow + 2, sizeof(double), "row", &g->val));
  if (lp->nrows > (size_t)INT32_MAX / 2 || lp->ncols > (size_t)INT32_MAX / 2) {
    st = tw_error(TW_ERR_RESOURCE, "LP too large for GLPK (%zu rows, %zu columns)", lp->nrows,
                  lp->ncols);
    goto cleanup;
  }
  install_hooks(g);
  if (setjmp(g->env) != 0) {
    st = glpk_failed(g, "loading the LP");
    goto cleanup;
  }
  int same = update && g->P && g->nrows == lp->nrows && g->ncols == lp->ncols;
  if (!same) {
    if (g->P) glp_delete_prob(g->P);
    g->P = glp_create_prob();
    g->has_basis = 0;
    glp_set_obj_dir(g->P, GLP_MIN);
    if (lp->nrows) glp_add_rows(g->P, (int)lp->nrows);
    if (lp->ncols) glp_add_cols(g->P, (int)lp->ncols);
    g->nrows = lp->nrows;
    g->ncols = lp->ncols;
  }
  glp_set_obj_coef(g->P, 0, lp->obj_const);
  for (size_t j = 0; j < lp->ncols; j++) {
    glp_set_col_bnds(g->P, (int)j + 1, bound_type(lp->c_lb[j], lp->c_ub[j]),
                     isinf(lp->c_lb[j]) ? 0.0 : lp->c_lb[j], isinf(lp->c_ub[j]) ? 0.0 : lp->c_ub[j]);
    glp_set_obj_coef(g->P, (int)j + 1, lp->c_obj[j]);
  }
  for (size_t i = 0; i < lp->nrows; i++) {
    glp_set_row_bnds(g->P, (int)i + 1, bound_type(lp->r_lb[i], lp->r_ub[i]),
                     isinf(lp->r_lb[i]) ? 0.0 : lp->r_lb[i], isinf(lp->r_ub[i]) ? 0.0 : lp->r_ub[i]);
    int len = 0;
    for (size_t k = c.rowptr[i]; k < c.rowptr[i + 1]; k++) {
      if (c.val[k] == 0.0) continue;
      len++;
      g->ind[len] = c.col[k] + 1;
      g->val[len] = c.val[k];
    }
    glp_set_mat_row(g->P, (int)i + 1, len, g->ind, g->val);
  }
  if (!same) {
    glp_scale_prob(g->P, GLP_SF_AUTO);
    /* FNV-1a over the dimensions and the nonzero pattern */
    unsigned long long h = 1469598103934665603ULL;
#define TW_FNV(v) (h = (h ^ (unsigned long long)(v)) * 1099511628211ULL)
    TW_FNV(lp->nrows);
    TW_FNV(lp->ncols);
    for (size_t i = 0; i < lp->nrows; i++) {
      TW_FNV(0xFFFFFFFFu);
      for (size_t k = c.rowptr[i]; k < c.rowptr[i + 1]; k++)
        if (c.val[k] != 0.0) TW_FNV(c.col[k]);
    }
#undef TW_FNV
    g->signature = h;
  }
cleanup:
  csr_free(&c);
  return st;
}

static const char *status_name(int s) {
  switch (s) {
  case GLP_OPT: return "optimal";
  case GLP_NOFEAS: return "infeasible";
  case GLP_INFEAS: return "infeasible";
  case GLP_UNBND: return "unbounded";
  case GLP_FEAS: return "not optimal";
  default: return "undefined";
  }
}

/* Start from the cached optimal basis of an LP with the same structure. */
static int restore_cached(tw_glpk *g, const tw_optimize_params *p) {
  const tw_basis_entry *e = NULL;
  if (p->basis_mode == TW_BASIS_KEYED) {
    for (int i = 0; i < 2 && !e; i++)
      if (p->basis_from[i])
        e = tw_basis_cache_find(p->basis_cache, p->basis_from[i], g->signature, g->nrows,
                                g->ncols, 1);
  } else {
    e = tw_basis_cache_find(p->basis_cache, p->basis_key, g->signature, g->nrows, g->ncols, 0);
  }
  if (!e) {
    if (p->basis_mode == TW_BASIS_KEYED && (p->basis_from[0] || p->basis_from[1]))
      TW_LOG_D("basis cache: no basis of this LP's structure (%zu rows, %zu columns) under "
               "'%s'%s%s%s: cold start", g->nrows, g->ncols,
               p->basis_from[0] ? p->basis_from[0] : "", p->basis_from[1] ? " or '" : "",
               p->basis_from[1] ? p->basis_from[1] : "", p->basis_from[1] ? "'" : "");
    return 0;
  }
  for (size_t i = 0; i < g->nrows; i++) glp_set_row_stat(g->P, (int)i + 1, e->row_stat[i]);
  for (size_t j = 0; j < g->ncols; j++) glp_set_col_stat(g->P, (int)j + 1, e->col_stat[j]);
  return 1;
}

static void store_basis(tw_glpk *g, const tw_optimize_params *p) {
  int *rs = NULL, *cs = NULL;
  if (tw_calloc(g->nrows + 1, sizeof *rs, "basis", &rs) == TW_OK &&
      tw_calloc(g->ncols + 1, sizeof *cs, "basis", &cs) == TW_OK) {
    for (size_t i = 0; i < g->nrows; i++) rs[i] = glp_get_row_stat(g->P, (int)i + 1);
    for (size_t j = 0; j < g->ncols; j++) cs[j] = glp_get_col_stat(g->P, (int)j + 1);
    const char *keys[2] = {p->basis_key, NULL};
    if (p->basis_mode == TW_BASIS_KEYED) keys[0] = p->basis_store[0], keys[1] = p->basis_store[1];
    for (int i = 0; i < 2; i++)
      if ((i == 0 || keys[i]) && (p->basis_mode != TW_BASIS_KEYED || keys[i]) &&
          tw_basis_cache_store(p->basis_cache, keys[i], g->signature, g->nrows, g->ncols, rs,
                               cs) != TW_OK)
        TW_LOG_D("basis cache: %s (basis not kept)", tw_last_error());
  } else {
    TW_LOG_D("basis cache: %s (basis not kept)", tw_last_error());
  }
  free(rs);
  free(cs);
}

void tw_glpk_add_stats(const tw_glpk *g, tw_optimize_result *r) {
  r->pdlp_iterations += g->last.pdlp_iterations;
  r->crossover_iterations += g->last.crossover_iterations;
  r->pdlp_seconds += g->last.pdlp_seconds;
  r->crossover_seconds += g->last.crossover_seconds;
  r->warm_starts += g->last.warm_started;
}

int tw_glpk_pdlp_verdict(const tw_glpk *g) { return g->last.pdlp_verdict; }

tw_status tw_glpk_solve(tw_glpk *g, const tw_optimize_params *p, int warm, const char **status_out,
                        long *iterations) {
  *status_out = "failed";
  if (!g->P) return tw_error(TW_ERR_INTERNAL, "GLPK: no problem loaded");
  install_hooks(g);
  if (setjmp(g->env) != 0) return glpk_failed(g, "the solve");
  int msg = tw_log_get_level() >= TW_LOG_DEBUG ? GLP_MSG_ON : GLP_MSG_ERR;
  int before = glp_get_it_cnt(g->P);
  if (p->method == TW_LP_INTERIOR) {
    glp_iptcp ip;
    glp_init_iptcp(&ip);
    ip.msg_lev = msg;
    int rc = glp_interior(g->P, &ip);
    g->method = 1;
    if (rc == GLP_EFAIL || rc == GLP_ENOCVG || rc == GLP_EOBJLL || rc == GLP_EOBJUL ||
        rc == GLP_EITLIM || rc == GLP_EINSTAB) {
      int s = glp_ipt_status(g->P);
      *status_out = s == GLP_NOFEAS ? "infeasible" : "failed";
    } else if (rc == 0) {
      int s = glp_ipt_status(g->P);
      *status_out = s == GLP_OPT ? "optimal" : s == GLP_NOFEAS ? "infeasible" : "failed";
    }
    *iterations += glp_get_it_cnt(g->P) - before;
    return TW_OK;
  }
  g->method = 0;
  glp_smcp sp;
  glp_init_smcp(&sp);
  sp.msg_lev = msg;
  int cold = !(warm && g->has_basis);
  int from_cache = cold && p->basis_cache && restore_cached(g, p);
  sp.meth = tw_glpk_tuned_method(p, cold && !from_cache);
  sp.r_test = tw_glpk_tuned_ratio_test(sp.meth);
  sp.presolve = (p->presolve && cold && !from_cache) ? GLP_ON : GLP_OFF;
  if (p->time_limit_s > 0) sp.tm_lim = (int)fmin(p->time_limit_s * 1000.0, 2.0e9);
  if (p->tol_primal > 0) sp.tol_bnd = p->tol_primal;
  if (p->tol_dual > 0) sp.tol_dj = p->tol_dual;
  memset(&g->last, 0, sizeof g->last);
  g->last.warm_started = from_cache;
  int rc = -1;
  if (cold && !from_cache && tw_solver_use_pdlp(p, (size_t)glp_get_num_rows(g->P),
                                                (size_t)glp_get_num_cols(g->P))) {
    tw_status cst = tw_crossover_solve(g->P, p, &sp, &g->last, &rc);
    if (cst != TW_OK) return cst;
  } else {
    if (cold && !from_cache) glp_adv_basis(g->P, 0);
    rc = glp_simplex(g->P, &sp);
  }
  if (rc == GLP_EBADB || rc == GLP_ESING || rc == GLP_ECOND || rc == GLP_EFAIL) {
    /* the all-slack basis is the identity: it always factorizes (GLPK's
     * advanced basis was singular to working precision on an imported
     * pandapower grid, case2869pegase) */
    TW_LOG_D("glpk: basis unusable (code %d); restarting from the all-slack basis", rc);
    glp_std_basis(g->P);
    rc = glp_simplex(g->P, &sp);
  }
  *iterations += glp_get_it_cnt(g->P) - before;
  if (rc == GLP_ETMLIM) {
    *status_out = "time limit";
  } else if (rc == GLP_EITLIM) {
    *status_out = "iteration limit";
  } else if (rc == GLP_ENOPFS) {
    *status_out = "infeasible";
  } else if (rc == GLP_ENODFS) {
    *status_out = "unbounded";
  } else if (rc == 0) {
    int s = glp_get_status(g->P);
    *status_out = status_name(s);
    if (s == GLP_NOFEAS && glp_get_prim_stat(g->P) == GLP_NOFEAS) *status_out = "infeasible";
    if (s == GLP_UNBND) *status_out = "unbounded";
    g->has_basis = 1;
    if (s == GLP_OPT && p->basis_cache) store_basis(g, p);
  } else {
    *status_out = "failed";
  }
  return TW_OK;
}

tw_status tw_glpk_solution(tw_glpk *g, double *x, double *y, double *obj) {
  if (!g->P) return tw_error(TW_ERR_INTERNAL, "GLPK: no problem loaded");
  install_hooks(g);
  if (setjmp(g->env) != 0) return glpk_failed(g, "reading the solution");
  for (size_t j = 0; j < g->ncols; j++)
    x[j] = g->method ? glp_ipt_col_prim(g->P, (int)j + 1) : glp_get_col_prim(g->P, (int)j + 1);
  if (y)
    for (size_t i = 0; i < g->nrows; i++)
      y[i] = g->method ? glp_ipt_row_dual(g->P, (int)i + 1) : glp_get_row_dual(g->P, (int)i + 1);
  *obj = g->method ? glp_ipt_obj_val(g->P) : glp_get_obj_val(g->P);
  return TW_OK;
}

tw_status tw_glpk_write(tw_glpk *g, const char *lp_path, const char *mps_path) {
  if (!g->P) return tw_error(TW_ERR_INTERNAL, "GLPK: no problem loaded");
  install_hooks(g);
  if (setjmp(g->env) != 0) return glpk_failed(g, "writing the LP");
  if (lp_path && glp_write_lp(g->P, NULL, lp_path) != 0)
    return tw_error(TW_ERR_RESOURCE, "%s: cannot write the LP file", lp_path);
  if (mps_path && glp_write_mps(g->P, GLP_MPS_FILE, NULL, mps_path) != 0)
    return tw_error(TW_ERR_RESOURCE, "%s: cannot write the MPS file", mps_path);
  return TW_OK;
}

/* One KKT condition: absolute and relative errors, and where the relative
 * one is largest. */
static void kkt_one(glp_prob *P, int sol, int cond, double *ae, double *re, tw_kkt *k,
                    const char *name) {
  int ae_ind = 0, re_ind = 0;
  glp_check_kkt(P, sol, cond, ae, &ae_ind, re, &re_ind);
  if (*re > k->worst_rel) {
    int m = glp_get_num_rows(P);
    k->worst_rel = *re;
    k->worst_condition = name;
    /* PE and DB index rows then columns (1..m+n), PB likewise, DE columns */
    if (cond == GLP_KKT_DE) snprintf(k->worst, sizeof k->worst, "column %d", re_ind);
    else if (re_ind <= m) snprintf(k->worst, sizeof k->worst, "row %d", re_ind);
    else snprintf(k->worst, sizeof k->worst, "column %d", re_ind - m);
  }
}

/* Complementary slackness of one row or column: a reduced cost d away from
 * 0 allows x only at the bound its sign requires; the error is |d| times
 * the distance from that bound (currency: this variable's share of the
 * duality gap). */
static double cs_error(double x, double d, double lb, double ub, int type) {
  double dist;
  if (type == GLP_FX) return 0.0;
  if (d > 0) dist = (type == GLP_LO || type == GLP_DB) ? x - lb : fabs(x); /* must be at lb */
  else dist = (type == GLP_UP || type == GLP_DB) ? ub - x : fabs(x);       /* must be at ub */
  if (type == GLP_FR) dist = fabs(x) + 1.0; /* a free variable must have d = 0 */
  return fabs(d) * fabs(dist);
}

tw_status tw_glpk_check_kkt(tw_glpk *g, tw_kkt *k) {
  memset(k, 0, sizeof *k);
  k->worst_condition = "";
  if (!g->P) return tw_error(TW_ERR_INTERNAL, "GLPK: no problem loaded");
  install_hooks(g);
  if (setjmp(g->env) != 0) return glpk_failed(g, "the optimality (KKT) check");
  const int sol = g->method ? GLP_IPT : GLP_SOL;
  kkt_one(g->P, sol, GLP_KKT_PE, &k->pe_abs, &k->pe_rel, k, "primal equality");
  kkt_one(g->P, sol, GLP_KKT_PB, &k->pb_abs, &k->pb_rel, k, "primal bound");
  kkt_one(g->P, sol, GLP_KKT_DE, &k->de_abs, &k->de_rel, k, "dual equality");
  kkt_one(g->P, sol, GLP_KKT_DB, &k->db_abs, &k->db_rel, k, "dual bound");
  const int m = glp_get_num_rows(g->P), n = glp_get_num_cols(g->P);
  double gap = 0, worst_e = -1;
  int worst_i = 0;
  for (int i = 1; i <= m + n; i++) {
    int row = i <= m, j = row ? i : i - m;
    double x, d, lb, ub;
    int type;
    if (row) {
      x = g->method ? glp_ipt_row_prim(g->P, j) : glp_get_row_prim(g->P, j);
      d = g->method ? glp_ipt_row_dual(g->P, j) : glp_get_row_dual(g->P, j);
      lb = glp_get_row_lb(g->P, j), ub = glp_get_row_ub(g->P, j), type = glp_get_row_type(g->P, j);
    } else {
      x = g->method ? glp_ipt_col_prim(g->P, j) : glp_get_col_prim(g->P, j);
      d = g->method ? glp_ipt_col_dual(g->P, j) : glp_get_col_dual(g->P, j);
      lb = glp_get_col_lb(g->P, j), ub = glp_get_col_ub(g->P, j), type = glp_get_col_type(g->P, j);
    }
    double e = cs_error(x, d, lb, ub, type);
    gap += e;
    if (e > worst_e) worst_e = e, worst_i = i;
  }
  /* the whole complementarity gap relative to the objective */
  double obj = g->method ? glp_ipt_obj_val(g->P) : glp_get_obj_val(g->P);
  k->cs_rel = gap / (1.0 + fabs(obj));
  if (k->cs_rel > k->worst_rel) {
    k->worst_rel = k->cs_rel;
    k->worst_condition = "complementary slackness";
    snprintf(k->worst, sizeof k->worst, "%s %d", worst_i <= m ? "row" : "column",
             worst_i <= m ? worst_i : worst_i - m);
  }
  return TW_OK;
}
