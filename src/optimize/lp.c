/* A linear program in plain growable arrays.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/lp.h"
#include "terrawatt/alloc.h"

void tw_lp_free(tw_lp *lp) {
  free(lp->c_lb);
  free(lp->c_ub);
  free(lp->c_obj);
  free(lp->r_lb);
  free(lp->r_ub);
  free(lp->ia);
  free(lp->ja);
  free(lp->ar);
  memset(lp, 0, sizeof *lp);
}

static int grow(void **p, size_t need, size_t *cap, size_t elem, int commit) {
  if (need <= *cap && !commit) return 0;
  size_t n = *cap ? *cap : 256;
  while (n < need) n *= 2;
  void *q = tw_realloc(*p, n * elem);
  if (!q) return -1;
  *p = q;
  return 0;
}

tw_status tw_lp_add_col(tw_lp *lp, double lb, double ub, double obj, size_t *idx) {
  if (lp->ncols + 1 > lp->cap_c) {
    size_t cap = lp->cap_c;
    if (grow((void **)&lp->c_lb, lp->ncols + 1, &cap, sizeof(double), 0) ||
        grow((void **)&lp->c_ub, lp->ncols + 1, &cap, sizeof(double), 0) ||
        grow((void **)&lp->c_obj, lp->ncols + 1, &cap, sizeof(double), 0))
      return tw_error(TW_ERR_RESOURCE, "out of memory building the LP (%zu columns)", lp->ncols);
    lp->cap_c = cap ? cap : 256;
    while (lp->cap_c < lp->ncols + 1) lp->cap_c *= 2;
  }
  lp->c_lb[lp->ncols] = lb;
  lp->c_ub[lp->ncols] = ub;
  lp->c_obj[lp->ncols] = obj;
  if (idx) *idx = lp->ncols;
  lp->ncols++;
  return TW_OK;
}

tw_status tw_lp_add_row(tw_lp *lp, double lb, double ub, size_t *idx) {
  if (lp->nrows + 1 > lp->cap_r) {
    size_t cap = lp->cap_r;
    if (grow((void **)&lp->r_lb, lp->nrows + 1, &cap, sizeof(double), 0) ||
        grow((void **)&lp->r_ub, lp->nrows + 1, &cap, sizeof(double), 0))
      return tw_error(TW_ERR_RESOURCE, "out of memory building the LP (%zu rows)", lp->nrows);
    lp->cap_r = cap ? cap : 256;
    while (lp->cap_r < lp->nrows + 1) lp->cap_r *= 2;
  }
  lp->r_lb[lp->nrows] = lb;
  lp->r_ub[lp->nrows] = ub;
  if (idx) *idx = lp->nrows;
  lp->nrows++;
  return TW_OK;
}

tw_status tw_lp_add_coef(tw_lp *lp, size_t row, size_t col, double v) {
  if (v == 0.0) return TW_OK;
  if (lp->nnz + 1 > lp->cap_nz) {
    size_t cap = lp->cap_nz;
    if (grow((void **)&lp->ia, lp->nnz + 1, &cap, sizeof(int), 0) ||
        grow((void **)&lp->ja, lp->nnz + 1, &cap, sizeof(int), 0) ||
        grow((void **)&lp->ar, lp->nnz + 1, &cap, sizeof(double), 0))
      return tw_error(TW_ERR_RESOURCE, "out of memory building the LP (%zu coefficients)", lp->nnz);
    lp->cap_nz = cap ? cap : 256;
    while (lp->cap_nz < lp->nnz + 1) lp->cap_nz *= 2;
  }
  lp->ia[lp->nnz] = (int)row;
  lp->ja[lp->nnz] = (int)col;
  lp->ar[lp->nnz] = v;
  lp->nnz++;
  return TW_OK;
}

tw_status tw_lp_validate(const tw_lp *lp, const char *what) {
  if (lp->ncols > 100000000 || lp->nrows > 100000000)
    return tw_error(TW_ERR_RESOURCE, "%s: LP too large (%zu rows, %zu columns)", what, lp->nrows,
                    lp->ncols);
  for (size_t j = 0; j < lp->ncols; j++) {
    if (isnan(lp->c_lb[j]) || isnan(lp->c_ub[j]) || !isfinite(lp->c_obj[j]) ||
        lp->c_lb[j] > lp->c_ub[j] || lp->c_lb[j] == INFINITY || lp->c_ub[j] == -INFINITY)
      return tw_error(TW_ERR_INPUT, "%s: LP column %zu has bounds [%g, %g] and cost %g", what, j,
                      lp->c_lb[j], lp->c_ub[j], lp->c_obj[j]);
  }
  for (size_t i = 0; i < lp->nrows; i++)
    if (isnan(lp->r_lb[i]) || isnan(lp->r_ub[i]) || lp->r_lb[i] > lp->r_ub[i] ||
        lp->r_lb[i] == INFINITY || lp->r_ub[i] == -INFINITY)
      return tw_error(TW_ERR_INPUT, "%s: LP row %zu has bounds [%g, %g]", what, i, lp->r_lb[i],
                      lp->r_ub[i]);
  for (size_t k = 0; k < lp->nnz; k++)
    if (!isfinite(lp->ar[k]) || lp->ia[k] < 0 || (size_t)lp->ia[k] >= lp->nrows ||
        lp->ja[k] < 0 || (size_t)lp->ja[k] >= lp->ncols)
      return tw_error(TW_ERR_INPUT, "%s: LP coefficient %zu (row %d, column %d) = %g is invalid",
                      what, k, lp->ia[k], lp->ja[k], lp->ar[k]);
  return TW_OK;
}

void tw_lp_conditioning_compute(const tw_lp *lp, tw_lp_conditioning *c) {
  memset(c, 0, sizeof *c);
  c->cost_min = c->coef_min = INFINITY;
  for (size_t j = 0; j < lp->ncols; j++) {
    double a = fabs(lp->c_obj[j]);
    if (a == 0) continue;
    if (a < c->cost_min) c->cost_min = a, c->cost_min_col = j;
    if (a > c->cost_max) c->cost_max = a, c->cost_max_col = j;
  }
  for (size_t k = 0; k < lp->nnz; k++) {
    double a = fabs(lp->ar[k]);
    if (a == 0) continue;
    if (a < c->coef_min) c->coef_min = a, c->coef_min_col = (size_t)lp->ja[k];
    if (a > c->coef_max) c->coef_max = a, c->coef_max_col = (size_t)lp->ja[k];
  }
  if (c->cost_max == 0) c->cost_min = 0;
  if (c->coef_max == 0) c->coef_min = 0;
}
