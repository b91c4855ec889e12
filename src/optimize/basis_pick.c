/* A simplex basis from an approximate optimum (see basis_pick.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/basis_pick.h"
#include "terrawatt/alloc.h"

/* Variables are numbered 0..n-1 (columns) and n..n+m-1 (row auxiliaries). */
typedef struct candidate {
  double score; /* relative distance to the nearest bound; INFINITY when free */
  int var;
} candidate;

static int by_score(const void *pa, const void *pb) {
  const candidate *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return (a->var > b->var) - (a->var < b->var); /* deterministic ties */
}

/* Relative distance of v to its bounds; *side -1 lower, +1 upper, 0 free. */
static double interior(double v, double lo, double hi, int *side) {
  double dl = isfinite(lo) ? (v - lo) / (1.0 + fabs(lo)) : INFINITY;
  double du = isfinite(hi) ? (hi - v) / (1.0 + fabs(hi)) : INFINITY;
  *side = (!isfinite(lo) && !isfinite(hi)) ? 0 : dl <= du ? -1 : 1;
  return fmin(dl, du);
}

static int nonbasic_status(double lo, double hi, int side) {
  if (isfinite(lo) && isfinite(hi) && lo == hi) return GLP_NS;
  if (side == 0) return GLP_NF;
  return side < 0 ? GLP_NL : GLP_NU;
}

/* Rows a column's elimination may touch in the first, sparse pass. */
#define TW_PICK_CHEAP 256

/* Min-heap of pivot indices: eliminations apply in pivot order. */
typedef struct pivot_heap {
  int *a, n;
  char *in;
} pivot_heap;

static void heap_push(pivot_heap *h, int k) {
  if (h->in[k]) return;
  h->in[k] = 1;
  int i = h->n++;
  while (i > 0 && h->a[(i - 1) / 2] > k) h->a[i] = h->a[(i - 1) / 2], i = (i - 1) / 2;
  h->a[i] = k;
}

static int heap_pop(pivot_heap *h) {
  int top = h->a[0], last = h->a[--h->n], i = 0;
  for (;;) {
    int c = 2 * i + 1;
    if (c >= h->n) break;
    if (c + 1 < h->n && h->a[c + 1] < h->a[c]) c++;
    if (h->a[c] >= last) break;
    h->a[i] = h->a[c], i = c;
  }
  if (h->n > 0) h->a[i] = last;
  h->in[top] = 0;
  return top;
}

typedef struct elimination {
  int m, npiv;
  int *piv_row, *pivot_of_row; /* pivot k -> row; row -> pivot or -1 */
  size_t *lstart;              /* [m+1] multipliers of pivot k: lstart[k]..lstart[k+1] */
  int *lrow;
  double *lval;
  size_t lnnz, lcap, max_lnnz;
  size_t work; /* rows touched so far, all columns */
  double *y; /* dense work column */
  int *touched, ntouched;
  char *mark;
  pivot_heap heap;
} elimination;

static void touch(elimination *e, int i) {
  if (e->mark[i]) return;
  e->mark[i] = 1;
  e->y[i] = 0.0;
  e->touched[e->ntouched++] = i;
  if (e->pivot_of_row[i] >= 0) heap_push(&e->heap, e->pivot_of_row[i]);
}

static tw_status store_multiplier(elimination *e, int row, double v) {
  if (e->lnnz == e->lcap) {
    size_t cap = e->lcap ? 2 * e->lcap : 1u << 16;
    int *r = tw_realloc(e->lrow, cap * sizeof *r);
    if (r) e->lrow = r;
    double *x = r ? tw_realloc(e->lval, cap * sizeof *x) : NULL;
    if (x) e->lval = x;
    if (!r || !x) return tw_error(TW_ERR_RESOURCE, "crossover: out of memory for the basis LU");
    e->lcap = cap;
  }
  e->lrow[e->lnnz] = row;
  e->lval[e->lnnz++] = v;
  return TW_OK;
}

/* Eliminate one candidate column (rows idx, values val) with the pivots so
 * far; keep it as pivot k when its remainder has a large enough entry in a row
 * without a pivot (*kept 1). When the remainder would touch more than
 * max_touch rows, or the multipliers would pass their cap, stop and leave
 * the column for later (*deferred 1). */
static tw_status eliminate(elimination *e, int len, const int *idx, const double *val,
                           int max_touch, int *kept, int *deferred) {
  double norm = 0.0;
  tw_status st = TW_OK;
  *kept = *deferred = 0;
  for (int t = 0; t < len; t++) norm = fmax(norm, fabs(val[t]));
  for (int t = 0; t < len; t++) {
    touch(e, idx[t]);
    e->y[idx[t]] += val[t];
  }
  while (e->heap.n > 0 && !*deferred) {
    int k = heap_pop(&e->heap);
    double mult = e->y[e->piv_row[k]];
    /* cancellation noise would only spread fill */
    if (fabs(mult) <= 1e-13 * norm) continue;
    for (size_t q = e->lstart[k]; q < e->lstart[k + 1]; q++) {
      touch(e, e->lrow[q]);
      e->y[e->lrow[q]] -= mult * e->lval[q];
    }
    if (e->ntouched > max_touch) *deferred = 1;
  }
  e->work += (size_t)e->ntouched;
  int best = -1;
  double big = 0.0;
  for (int t = 0; t < e->ntouched && !*deferred; t++) {
    int i = e->touched[t];
    if (e->pivot_of_row[i] < 0 && fabs(e->y[i]) > big) big = fabs(e->y[i]), best = i;
  }
  /* 1e-5 of the column's largest entry: smaller is numerical dependence (at
   * 1e-7 GLPK could not factorize the basis of a 1000-bus x 24 h LP) */
  if (!*deferred && best >= 0 && big > 1e-5 * norm) {
    if (e->lnnz + (size_t)e->ntouched > e->max_lnnz) {
      *deferred = 1;
    } else {
      int k = e->npiv++;
      double piv = e->y[best];
      e->piv_row[k] = best;
      e->pivot_of_row[best] = k;
      for (int t = 0; t < e->ntouched && st == TW_OK; t++) {
        int i = e->touched[t];
        double l = e->y[i] / piv;
        if (i != best && e->pivot_of_row[i] < 0 && fabs(l) > 1e-13) st = store_multiplier(e, i, l);
      }
      e->lstart[k + 1] = e->lnnz;
      *kept = 1;
    }
  }
  while (e->heap.n > 0) heap_pop(&e->heap);
  for (int t = 0; t < e->ntouched; t++) e->mark[e->touched[t]] = 0, e->y[e->touched[t]] = 0.0;
  e->ntouched = 0;
  return st;
}

static void elimination_free(elimination *e) {
  free(e->piv_row), free(e->pivot_of_row), free(e->lstart), free(e->lrow), free(e->lval);
  free(e->y), free(e->touched), free(e->mark), free(e->heap.a), free(e->heap.in);
}

tw_status tw_basis_pick(const tw_basis_point *pt, size_t max_lu_nonzeros, int *col_stat,
                        int *row_stat, tw_basis_pick_stats *stats) {
  const int m = pt->m, n = pt->n;
  tw_status st = TW_OK;
  candidate *cand = NULL;
  int *side = NULL;
  char *basic = NULL;
  long *later = NULL;
  elimination e;
  memset(&e, 0, sizeof e);
  memset(stats, 0, sizeof *stats);
  size_t nv = (size_t)n + (size_t)m;
  TW_CHECK_GOTO(st, tw_calloc(nv, sizeof *cand, "crossover basis", &cand));
  TW_CHECK_GOTO(st, tw_calloc(nv, sizeof *side, "crossover basis", &side));
  TW_CHECK_GOTO(st, tw_calloc(nv, 1, "crossover basis", &basic));
  TW_CHECK_GOTO(st, tw_calloc((size_t)m + 1, sizeof *e.piv_row, "crossover basis", &e.piv_row));
  TW_CHECK_GOTO(st, tw_calloc((size_t)m + 1, sizeof *e.pivot_of_row, "crossover basis", &e.pivot_of_row));
  TW_CHECK_GOTO(st, tw_calloc((size_t)m + 2, sizeof *e.lstart, "crossover basis", &e.lstart));
  TW_CHECK_GOTO(st, tw_calloc((size_t)m + 1, sizeof *e.y, "crossover basis", &e.y));
  TW_CHECK_GOTO(st, tw_calloc((size_t)m + 1, sizeof *e.touched, "crossover basis", &e.touched));
  TW_CHECK_GOTO(st, tw_calloc((size_t)m + 1, 1, "crossover basis", &e.mark));
  TW_CHECK_GOTO(st, tw_calloc((size_t)m + 1, sizeof *e.heap.a, "crossover basis", &e.heap.a));
  TW_CHECK_GOTO(st, tw_calloc((size_t)m + 1, 1, "crossover basis", &e.heap.in));
  e.m = m;
  e.max_lnnz = max_lu_nonzeros;
  for (int i = 0; i < m; i++) e.pivot_of_row[i] = -1;
  /* candidates: first tier strictly inside their bounds (fixed variables
   * never are), the most interior first; second tier (with reduced costs)
   * at a bound, the smallest |reduced cost| first, filled from the end */
  long nc = 0, nd = (long)nv;
  for (size_t v = 0; v < nv; v++) {
    int isrow = v >= (size_t)n;
    size_t k = isrow ? v - (size_t)n : v;
    double lo = isrow ? pt->rl[k] : pt->l[k], hi = isrow ? pt->ru[k] : pt->u[k];
    double s = interior(isrow ? pt->ax[k] : pt->x[k], lo, hi, &side[v]);
    if (lo == hi) continue;
    if (s > pt->rel_tol) cand[nc].score = s, cand[nc++].var = (int)v;
    else if (pt->dj) nd--, cand[nd].score = -fabs(pt->dj[v]), cand[nd].var = (int)v;
  }
  memmove(cand + nc, cand + nd, (size_t)((long)nv - nd) * sizeof *cand);
  nd = nc + ((long)nv - nd);
  qsort(cand, (size_t)nc, sizeof *cand, by_score);
  qsort(cand + nc, (size_t)(nd - nc), sizeof *cand, by_score);
  stats->candidates = nc;
  /* Each tier (interior, then at a bound) in two passes: first the columns
   * whose elimination stays sparse (at most TW_PICK_CHEAP rows touched), in
   * order, then the others, in order, while the total work stays under
   * work_cap (fill grows with the order, which follows interiority, not
   * sparsity; on a 300-bus x 168 h LP one pass in that order did not finish).
   * Whatever is left when the budget or the multiplier cap runs out stays
   * non-basic: the basis is completed by row auxiliaries, still non-singular. */
  TW_CHECK_GOTO(st, tw_calloc((size_t)nd + 1, sizeof *later, "crossover basis", &later));
  const size_t work_cap = 50 * ((size_t)pt->cp[n] + nv);
  long tiers[3] = {0, nc, nd};
  for (int tier = 0; tier < 2; tier++) {
    long nlater = 0;
    for (int pass = 0; pass < 2; pass++) {
      long count = pass == 0 ? tiers[tier + 1] - tiers[tier] : nlater;
      for (long q = 0; q < count && e.npiv < m; q++) {
        long c = pass == 0 ? tiers[tier] + q : later[q];
        if (pass == 1 && e.work > work_cap) {
          stats->unprocessed += count - q;
          break;
        }
        int v = cand[c].var, kept = 0, deferred = 0, row = v - n;
        double one = 1.0;
        int len = v >= n ? 1 : pt->cp[v + 1] - pt->cp[v];
        const int *idx = v >= n ? &row : pt->ri + pt->cp[v];
        const double *val = v >= n ? &one : pt->av + pt->cp[v];
        TW_CHECK_GOTO(st, eliminate(&e, len, idx, val, pass == 0 ? TW_PICK_CHEAP : m, &kept,
                                    &deferred));
        if (deferred && pass == 0) later[nlater++] = c;
        else if (deferred) stats->unprocessed++;
        basic[v] = (char)kept;
        if (tier == 0) stats->kept += kept;
        else stats->degenerate += kept;
      }
    }
  }
  stats->lu_nonzeros = e.lnnz;
  /* rows without a pivot: their auxiliary variable completes the basis */
  for (int i = 0; i < m; i++)
    if (e.pivot_of_row[i] < 0 && !basic[(size_t)n + (size_t)i]) basic[(size_t)n + (size_t)i] = 1, stats->slack_fill++;
  for (int j = 0; j < n; j++)
    col_stat[j] = basic[j] ? GLP_BS : nonbasic_status(pt->l[j], pt->u[j], side[j]);
  for (int i = 0; i < m; i++)
    row_stat[i] = basic[(size_t)n + (size_t)i] ? GLP_BS
                                               : nonbasic_status(pt->rl[i], pt->ru[i], side[(size_t)n + (size_t)i]);
cleanup:
  elimination_free(&e);
  free(cand);
  free(side);
  free(basic);
  free(later);
  return st;
}
