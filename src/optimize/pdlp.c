/* PDLP: restarted primal-dual hybrid gradient (see pdlp.h). The host keeps
 * the scaling, step sizes, primal weight and restart logic; the iteration
 * itself (two SpMVs, projections, dot products) runs on the backend's LP ops, and
 * only every TW_PDLP_CHECK_EVERY iterations are the iterates copied back for
 * the convergence, restart and infeasibility checks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "optimize/pdlp.h"
#include "terrawatt/log.h"
#include "terrawatt/pdlp_math.h"

#define TW_PDLP_CHECK_EVERY 64
#define TW_PDLP_RUIZ_ITERS 10
/* Restart criteria (cuPDLP): sufficient and necessary decay of the KKT error,
 * and an artificial restart after this share of all iterations. */
#define TW_PDLP_BETA_SUFFICIENT 0.2
#define TW_PDLP_BETA_NECESSARY 0.8
#define TW_PDLP_BETA_ARTIFICIAL 0.36
#define TW_PDLP_PRIMAL_WEIGHT_SMOOTHING 0.5
#define TW_PDLP_INFEAS_CHECKS 3 /* consecutive certificates before declaring infeasibility */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void tw_pdlp_result_free(tw_pdlp_result *r) {
  free(r->x);
  free(r->y);
  r->x = r->y = NULL;
}

tw_status tw_pdlp_transpose(const tw_pdlp_csr *A, int **rowptr, int **col, double **val) {
  tw_status st = TW_OK;
  int *fill = NULL;
  *rowptr = *col = NULL;
  *val = NULL;
  TW_CHECK_GOTO(st, tw_calloc((size_t)A->ncols + 1, sizeof(int), "transpose", rowptr));
  TW_CHECK_GOTO(st, tw_calloc((size_t)A->nnz + 1, sizeof(int), "transpose", col));
  TW_CHECK_GOTO(st, tw_calloc((size_t)A->nnz + 1, sizeof(double), "transpose", val));
  TW_CHECK_GOTO(st, tw_calloc((size_t)A->ncols + 1, sizeof(int), "transpose", &fill));
  for (int k = 0; k < A->nnz; k++) (*rowptr)[A->col[k] + 1]++;
  for (int j = 0; j < A->ncols; j++) (*rowptr)[j + 1] += (*rowptr)[j];
  for (int i = 0; i < A->nrows; i++)
    for (int k = A->rowptr[i]; k < A->rowptr[i + 1]; k++) {
      int j = A->col[k];
      int at = (*rowptr)[j] + fill[j]++;
      (*col)[at] = i;
      (*val)[at] = A->val[k];
    }
cleanup:
  free(fill);
  if (st != TW_OK) {
    free(*rowptr), free(*col), free(*val);
    *rowptr = *col = NULL;
    *val = NULL;
  }
  return st;
}

/* Scaled problem and the diagonal scalings: A_s = Dr A Dc, x = Dc x_s, y = Dr y_s. */
typedef struct scaled {
  int m, n, nnz;
  int *rp, *ci, *rpt, *cit;
  double *av, *avt;
  double *dr, *dc;
  double *c, *l, *u, *rl, *ru;
} scaled;

static void scaled_free(scaled *s) {
  free(s->rp), free(s->ci), free(s->rpt), free(s->cit), free(s->av), free(s->avt);
  free(s->dr), free(s->dc), free(s->c), free(s->l), free(s->u), free(s->rl), free(s->ru);
  memset(s, 0, sizeof *s);
}

/* One pass of row and column scaling of s->av by 1/sqrt(norm): Ruiz uses the
 * infinity norm, Pock-Chambolle (alpha = 1) the 1-norm. */
static void scale_pass(scaled *s, int one_norm, double *rn, double *cn) {
  memset(rn, 0, (size_t)s->m * sizeof *rn);
  memset(cn, 0, (size_t)s->n * sizeof *cn);
  for (int i = 0; i < s->m; i++)
    for (int k = s->rp[i]; k < s->rp[i + 1]; k++) {
      double a = fabs(s->av[k]);
      int j = s->ci[k];
      if (one_norm) {
        rn[i] += a;
        cn[j] += a;
      } else {
        if (a > rn[i]) rn[i] = a;
        if (a > cn[j]) cn[j] = a;
      }
    }
  for (int i = 0; i < s->m; i++) rn[i] = rn[i] > 0 ? 1.0 / sqrt(rn[i]) : 1.0;
  for (int j = 0; j < s->n; j++) cn[j] = cn[j] > 0 ? 1.0 / sqrt(cn[j]) : 1.0;
  for (int i = 0; i < s->m; i++)
    for (int k = s->rp[i]; k < s->rp[i + 1]; k++) s->av[k] *= rn[i] * cn[s->ci[k]];
  for (int i = 0; i < s->m; i++) s->dr[i] *= rn[i];
  for (int j = 0; j < s->n; j++) s->dc[j] *= cn[j];
}

static tw_status scale_problem(const tw_pdlp_lp *lp, scaled *s) {
  tw_status st = TW_OK;
  double *rn = NULL, *cn = NULL;
  memset(s, 0, sizeof *s);
  s->m = lp->A.nrows;
  s->n = lp->A.ncols;
  s->nnz = lp->A.nnz;
  size_t m = (size_t)s->m, n = (size_t)s->n, nz = (size_t)s->nnz;
  TW_CHECK_GOTO(st, tw_calloc(m + 1, sizeof(int), "PDLP", &s->rp));
  TW_CHECK_GOTO(st, tw_calloc(nz + 1, sizeof(int), "PDLP", &s->ci));
  TW_CHECK_GOTO(st, tw_calloc(nz + 1, sizeof(double), "PDLP", &s->av));
  double **vecs[] = {&s->dc, &s->c, &s->l, &s->u, &cn};
  for (size_t k = 0; k < sizeof vecs / sizeof *vecs; k++)
    TW_CHECK_GOTO(st, tw_calloc(n + 1, sizeof(double), "PDLP", vecs[k]));
  double **rvecs[] = {&s->dr, &s->rl, &s->ru, &rn};
  for (size_t k = 0; k < sizeof rvecs / sizeof *rvecs; k++)
    TW_CHECK_GOTO(st, tw_calloc(m + 1, sizeof(double), "PDLP", rvecs[k]));
  memcpy(s->rp, lp->A.rowptr, (m + 1) * sizeof(int));
  if (nz) {
    memcpy(s->ci, lp->A.col, nz * sizeof(int));
    memcpy(s->av, lp->A.val, nz * sizeof(double));
  }
  for (size_t i = 0; i < m; i++) s->dr[i] = 1.0;
  for (size_t j = 0; j < n; j++) s->dc[j] = 1.0;
  for (int it = 0; it < TW_PDLP_RUIZ_ITERS; it++) scale_pass(s, 0, rn, cn);
  scale_pass(s, 1, rn, cn);
  for (size_t j = 0; j < n; j++) {
    s->c[j] = lp->c[j] * s->dc[j];
    s->l[j] = lp->l[j] / s->dc[j];
    s->u[j] = lp->u[j] / s->dc[j];
  }
  for (size_t i = 0; i < m; i++) {
    s->rl[i] = lp->rl[i] * s->dr[i];
    s->ru[i] = lp->ru[i] * s->dr[i];
  }
  tw_pdlp_csr As = {s->m, s->n, s->nnz, s->rp, s->ci, s->av};
  TW_CHECK_GOTO(st, tw_pdlp_transpose(&As, &s->rpt, &s->cit, &s->avt));
cleanup:
  free(rn);
  free(cn);
  if (st != TW_OK) scaled_free(s);
  return st;
}

/* Host copies of one candidate (scaled space) and its measures (original). */
typedef struct point {
  double *x, *y, *ax, *aty;
  double res_p, res_d, gap, pobj, dobj; /* absolute residuals and objectives */
  double rel_p, rel_d, rel_gap, kkt;
} point;

static void point_free(point *p) {
  free(p->x), free(p->y), free(p->ax), free(p->aty);
  memset(p, 0, sizeof *p);
}

static tw_status point_alloc(int m, int n, point *p) {
  memset(p, 0, sizeof *p);
  TW_CHECK(tw_calloc((size_t)n + 1, sizeof(double), "PDLP", &p->x));
  TW_CHECK(tw_calloc((size_t)m + 1, sizeof(double), "PDLP", &p->y));
  TW_CHECK(tw_calloc((size_t)m + 1, sizeof(double), "PDLP", &p->ax));
  TW_CHECK(tw_calloc((size_t)n + 1, sizeof(double), "PDLP", &p->aty));
  return TW_OK;
}

/* Copy of q into p (same sizes). */
static void point_copy(int m, int n, point *p, const point *q) {
  memcpy(p->x, q->x, (size_t)n * sizeof(double));
  memcpy(p->y, q->y, (size_t)m * sizeof(double));
  memcpy(p->ax, q->ax, (size_t)m * sizeof(double));
  memcpy(p->aty, q->aty, (size_t)n * sizeof(double));
  p->res_p = q->res_p, p->res_d = q->res_d, p->gap = q->gap, p->pobj = q->pobj;
  p->dobj = q->dobj, p->rel_p = q->rel_p, p->rel_d = q->rel_d, p->rel_gap = q->rel_gap;
  p->kkt = q->kkt;
}

/* Row-bound term of the dual objective for dual value y (y >= 0 only where
 * rl is finite, <= 0 only where ru is, by construction of the iteration). */
static double row_term(double y, double rl, double ru) {
  if (y > 0) return isfinite(rl) ? rl * y : 0;
  if (y < 0) return isfinite(ru) ? ru * y : 0;
  return 0;
}

/* Reduced cost lambda split into the part the bounds [l, u] can absorb
 * (*proj) and the residual (return). */
static double reduced_cost_residual(double lambda, double l, double u, double *proj) {
  double lo = isfinite(u) ? -INFINITY : 0.0; /* lambda < 0 needs a finite upper bound */
  double hi = isfinite(l) ? INFINITY : 0.0;  /* lambda > 0 needs a finite lower bound */
  *proj = tw_pdlp_clip(lambda, lo, hi);
  return lambda - *proj;
}

/* Residuals, objectives and relative measures of p (scaled vectors). */
static void measure(const tw_pdlp_lp *lp, const scaled *s, double bnorm, double cnorm, point *p) {
  double rp2 = 0, rd2 = 0, pobj = 0, dobj = 0;
  for (int i = 0; i < s->m; i++) {
    double ax = p->ax[i] / s->dr[i], y = p->y[i] * s->dr[i];
    double r = ax - tw_pdlp_clip(ax, lp->rl[i], lp->ru[i]);
    rp2 += r * r;
    dobj += row_term(y, lp->rl[i], lp->ru[i]);
  }
  for (int j = 0; j < s->n; j++) {
    double x = p->x[j] * s->dc[j], aty = p->aty[j] / s->dc[j];
    double proj, r = reduced_cost_residual(lp->c[j] - aty, lp->l[j], lp->u[j], &proj);
    rd2 += r * r;
    pobj += lp->c[j] * x;
    if (proj > 0) dobj += proj * lp->l[j];
    else if (proj < 0) dobj += proj * lp->u[j];
  }
  p->res_p = sqrt(rp2);
  p->res_d = sqrt(rd2);
  p->pobj = pobj;
  p->dobj = dobj;
  p->gap = fabs(pobj - dobj);
  p->rel_p = p->res_p / (1.0 + bnorm);
  p->rel_d = p->res_d / (1.0 + cnorm);
  p->rel_gap = p->gap / (1.0 + fabs(pobj) + fabs(dobj));
  p->kkt = sqrt(p->rel_p * p->rel_p + p->rel_d * p->rel_d + p->rel_gap * p->rel_gap);
}

static tw_status fetch(tw_backend *be, tw_pdlp_dev *d, int average, double wsum, int m,
                       int n, point *p) {
  if (!average) {
    TW_CHECK(tw_backend_pdlp_get(be, d, TW_PDLP_X, p->x));
    TW_CHECK(tw_backend_pdlp_get(be, d, TW_PDLP_Y, p->y));
    TW_CHECK(tw_backend_pdlp_get(be, d, TW_PDLP_AX, p->ax));
    return tw_backend_pdlp_get(be, d, TW_PDLP_ATY, p->aty);
  }
  TW_CHECK(tw_backend_pdlp_get(be, d, TW_PDLP_XS, p->x));
  TW_CHECK(tw_backend_pdlp_get(be, d, TW_PDLP_YS, p->y));
  TW_CHECK(tw_backend_pdlp_get(be, d, TW_PDLP_AXS, p->ax));
  TW_CHECK(tw_backend_pdlp_get(be, d, TW_PDLP_ATYS, p->aty));
  double w = wsum > 0 ? 1.0 / wsum : 0.0;
  for (int j = 0; j < n; j++) p->x[j] *= w, p->aty[j] *= w;
  for (int i = 0; i < m; i++) p->y[i] *= w, p->ax[i] *= w;
  return TW_OK;
}

/* Farkas certificate of primal infeasibility from a dual direction dy with
 * A'dy = s (original space): sum_i row_term(dy_i) > max_{l<=x<=u} s'x. */
static int primal_infeasible(const tw_pdlp_lp *lp, const scaled *sc, const point *a,
                             const point *b) {
  double nrm = 0, p = 0, sup = 0, mag = 0;
  for (int i = 0; i < sc->m; i++) nrm = fmax(nrm, fabs((a->y[i] - b->y[i]) * sc->dr[i]));
  if (!(nrm > 0)) return 0;
  for (int i = 0; i < sc->m; i++) {
    double d = (a->y[i] - b->y[i]) * sc->dr[i] / nrm;
    if ((d > 0 && !isfinite(lp->rl[i])) || (d < 0 && !isfinite(lp->ru[i]))) return 0;
    double t = row_term(d, lp->rl[i], lp->ru[i]);
    p += t;
    mag += fabs(t);
  }
  for (int j = 0; j < sc->n; j++) {
    double sj = (a->aty[j] - b->aty[j]) / sc->dc[j] / nrm;
    double bound = sj > 0 ? lp->u[j] : lp->l[j];
    if (fabs(sj) <= 1e-9) continue;
    if (!isfinite(bound)) return 0;
    sup += sj * bound;
    mag += fabs(sj * bound);
  }
  return p - sup > 1e-6 * fmax(mag, 1e-12);
}

/* Certificate of dual infeasibility (an improving ray) from a primal direction dx. */
static int dual_infeasible(const tw_pdlp_lp *lp, const scaled *sc, const point *a, const point *b) {
  double nrm = 0, cd = 0, mag = 0;
  for (int j = 0; j < sc->n; j++) nrm = fmax(nrm, fabs((a->x[j] - b->x[j]) * sc->dc[j]));
  if (!(nrm > 0)) return 0;
  const double tol = 1e-7;
  for (int j = 0; j < sc->n; j++) {
    double d = (a->x[j] - b->x[j]) * sc->dc[j] / nrm;
    if ((d > tol && isfinite(lp->u[j])) || (d < -tol && isfinite(lp->l[j]))) return 0;
    cd += lp->c[j] * d;
    mag += fabs(lp->c[j] * d);
  }
  for (int i = 0; i < sc->m; i++) {
    double ad = (a->ax[i] - b->ax[i]) / sc->dr[i] / nrm;
    if ((ad > tol && isfinite(lp->ru[i])) || (ad < -tol && isfinite(lp->rl[i]))) return 0;
  }
  return cd < -1e-6 * fmax(mag, 1e-12);
}

static double norm2(const double *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += v[i] * v[i];
  return sqrt(s);
}

tw_status tw_pdlp_solve(const tw_pdlp_lp *lp, const tw_pdlp_settings *set, tw_pdlp_result *r) {
  tw_status st = TW_OK;
  tw_backend *be = set->backend, *own = NULL;
  scaled s;
  tw_pdlp_dev *d = NULL;
  point cur, avg, last_restart, prev_check, best;
  memset(r, 0, sizeof *r);
  memset(&cur, 0, sizeof cur), memset(&avg, 0, sizeof avg), memset(&best, 0, sizeof best);
  memset(&last_restart, 0, sizeof last_restart), memset(&prev_check, 0, sizeof prev_check);
  memset(&s, 0, sizeof s);
  r->status = TW_PDLP_LIMIT;
  if (!be || !tw_backend_supports(be, TW_OP_PDLP_STEP)) {
    if (be) TW_LOG_I("backend '%s' has no LP ops; PDLP runs on cpu", tw_backend_name(be));
    TW_CHECK_GOTO(st, tw_backend_create(TW_BACKEND_CPU, &own));
    be = own;
  }
  TW_CHECK_GOTO(st, scale_problem(lp, &s));
  const int m = s.m, n = s.n;
  TW_CHECK_GOTO(st, point_alloc(m, n, &cur));
  TW_CHECK_GOTO(st, point_alloc(m, n, &avg));
  TW_CHECK_GOTO(st, point_alloc(m, n, &last_restart));
  TW_CHECK_GOTO(st, point_alloc(m, n, &prev_check));
  TW_CHECK_GOTO(st, point_alloc(m, n, &best));
  tw_pdlp_problem prob = {{m, n, s.nnz, s.rp, s.ci, s.av}, {n, m, s.nnz, s.rpt, s.cit, s.avt},
                          s.c, s.l, s.u, s.rl, s.ru};
  TW_CHECK_GOTO(st, tw_backend_pdlp_create(be, &prob, &d));
  /* norms of the original data for the relative measures */
  double bnorm = 0, cnorm = norm2(lp->c, n), amax = 0;
  for (int i = 0; i < m; i++) {
    double b = 0;
    if (isfinite(lp->rl[i])) b = fabs(lp->rl[i]);
    if (isfinite(lp->ru[i])) b = fmax(b, fabs(lp->ru[i]));
    bnorm += b * b;
  }
  bnorm = sqrt(bnorm);
  for (int k = 0; k < s.nnz; k++) amax = fmax(amax, fabs(s.av[k]));
  /* start: x = projection of 0 on the bounds, y = 0 */
  for (int j = 0; j < n; j++) cur.x[j] = tw_pdlp_clip(0.0, s.l[j], s.u[j]);
  for (int i = 0; i < m; i++) {
    double a = 0;
    for (int k = s.rp[i]; k < s.rp[i + 1]; k++) a += s.av[k] * cur.x[s.ci[k]];
    cur.ax[i] = a;
  }
  TW_CHECK_GOTO(st, tw_backend_pdlp_set(be, d, TW_PDLP_X, cur.x));
  TW_CHECK_GOTO(st, tw_backend_pdlp_set(be, d, TW_PDLP_AX, cur.ax));
  {
    double cs = norm2(s.c, n), bs = 0;
    for (int i = 0; i < m; i++) {
      double b = 0;
      if (isfinite(s.rl[i])) b = fabs(s.rl[i]);
      if (isfinite(s.ru[i])) b = fmax(b, fabs(s.ru[i]));
      bs += b * b;
    }
    bs = sqrt(bs);
    double omega = (cs > 1e-10 && bs > 1e-10) ? cs / bs : 1.0;
    double eta = amax > 0 ? 1.0 / amax : 1.0;
    double wsum = 0, t0 = now_s();
    long k = 0, steps = 0, since_restart = 0;
    int infeas_p = 0, infeas_d = 0, have_prev = 0;
    double kkt_restart = INFINITY, kkt_prev_cand = INFINITY;
    best.kkt = INFINITY;
    measure(lp, &s, bnorm, cnorm, &cur);
    point_copy(m, n, &last_restart, &cur);
    kkt_restart = cur.kkt;
    while (k < set->max_iter) {
      double dots[3];
      for (;;) { /* adaptive step size (PDLP): retry until eta <= eta_max */
        double tau = eta / omega, sigma = eta * omega;
        TW_CHECK_GOTO(st, tw_backend_pdlp_step(be, d, tau, sigma, dots));
        steps++;
        double movement = 0.5 * (omega * dots[0] + dots[1] / omega);
        double inter = fabs(dots[2]);
        double eta_max = inter > 0 ? movement / inter : INFINITY;
        double kk = (double)steps + 1.0;
        double eta_new = fmin((1.0 - pow(kk, -0.3)) * eta_max, (1.0 + pow(kk, -0.6)) * eta);
        if (!isfinite(eta_new) || eta_new <= 0) eta_new = eta;
        if (eta <= eta_max) {
          TW_CHECK_GOTO(st, tw_backend_pdlp_accept(be, d, eta));
          wsum += eta;
          eta = eta_new;
          break;
        }
        eta = eta_new;
        if (steps > 4 * set->max_iter + 100) break; /* cannot find a step: give up below */
      }
      k++;
      since_restart++;
      if (k % TW_PDLP_CHECK_EVERY && k != set->max_iter) continue;
      TW_CHECK_GOTO(st, fetch(be, d, 0, wsum, m, n, &cur));
      TW_CHECK_GOTO(st, fetch(be, d, 1, wsum, m, n, &avg));
      measure(lp, &s, bnorm, cnorm, &cur);
      measure(lp, &s, bnorm, cnorm, &avg);
      point *cand = avg.kkt < cur.kkt ? &avg : &cur;
      if (cand->kkt < best.kkt) point_copy(m, n, &best, cand);
      if (cand->rel_p <= set->tol && cand->rel_d <= set->tol && cand->rel_gap <= set->tol) {
        r->status = TW_PDLP_OPTIMAL;
        break;
      }
      if (have_prev) {
        infeas_p = primal_infeasible(lp, &s, &cur, &prev_check) ? infeas_p + 1 : 0;
        infeas_d = dual_infeasible(lp, &s, &cur, &prev_check) ? infeas_d + 1 : 0;
        if (infeas_p >= TW_PDLP_INFEAS_CHECKS) {
          r->status = TW_PDLP_PRIMAL_INFEASIBLE;
          break;
        }
        if (infeas_d >= TW_PDLP_INFEAS_CHECKS) {
          r->status = TW_PDLP_DUAL_INFEASIBLE;
          break;
        }
      }
      point_copy(m, n, &prev_check, &cur);
      have_prev = 1;
      if (set->time_limit_s > 0 && now_s() - t0 > set->time_limit_s) break;
      int restart = cand->kkt <= TW_PDLP_BETA_SUFFICIENT * kkt_restart ||
                    (cand->kkt <= TW_PDLP_BETA_NECESSARY * kkt_restart &&
                     cand->kkt > kkt_prev_cand) ||
                    (double)since_restart >= TW_PDLP_BETA_ARTIFICIAL * (double)k;
      kkt_prev_cand = cand->kkt;
      if (restart) {
        int to_avg = cand == &avg;
        TW_CHECK_GOTO(st, tw_backend_pdlp_restart(be, d, to_avg, wsum));
        if (to_avg) point_copy(m, n, &cur, &avg);
        /* primal weight: smoothed ratio of dual to primal movement since the last restart */
        double dx = 0, dy = 0;
        for (int j = 0; j < n; j++) dx += (cur.x[j] - last_restart.x[j]) * (cur.x[j] - last_restart.x[j]);
        for (int i = 0; i < m; i++) dy += (cur.y[i] - last_restart.y[i]) * (cur.y[i] - last_restart.y[i]);
        dx = sqrt(dx), dy = sqrt(dy);
        if (dx > 1e-10 && dy > 1e-10)
          omega = exp(TW_PDLP_PRIMAL_WEIGHT_SMOOTHING * log(dy / dx) +
                      (1.0 - TW_PDLP_PRIMAL_WEIGHT_SMOOTHING) * log(omega));
        point_copy(m, n, &last_restart, &cur);
        kkt_restart = cand->kkt;
        kkt_prev_cand = INFINITY;
        wsum = 0;
        since_restart = 0;
        r->restarts++;
      }
    }
    r->iterations = k;
    const point *out = r->status == TW_PDLP_OPTIMAL ? (avg.kkt < cur.kkt ? &avg : &cur)
                       : r->status == TW_PDLP_LIMIT ? &best
                                                    : &cur;
    if (!isfinite(out->kkt)) out = &cur;
    TW_CHECK_GOTO(st, tw_calloc((size_t)n + 1, sizeof(double), "PDLP solution", &r->x));
    TW_CHECK_GOTO(st, tw_calloc((size_t)m + 1, sizeof(double), "PDLP solution", &r->y));
    for (int j = 0; j < n; j++) r->x[j] = out->x[j] * s.dc[j];
    for (int i = 0; i < m; i++) r->y[i] = out->y[i] * s.dr[i];
    r->primal_obj = out->pobj;
    r->dual_obj = out->dobj;
    r->rel_primal_res = out->rel_p;
    r->rel_dual_res = out->rel_d;
    r->rel_gap = out->rel_gap;
    TW_LOG_D("pdlp (%s): %ld iterations, %ld restarts, status %d, rel. residuals %.2e %.2e, gap "
             "%.2e, objective %.10g",
             tw_backend_name(be), k, r->restarts, (int)r->status, out->rel_p, out->rel_d, out->rel_gap,
             out->pobj);
  }
cleanup:
  tw_backend_pdlp_destroy(be, &d);
  tw_backend_destroy(&own);
  point_free(&cur), point_free(&avg), point_free(&last_restart), point_free(&prev_check);
  point_free(&best);
  scaled_free(&s);
  if (st != TW_OK) tw_pdlp_result_free(r);
  return st;
}
