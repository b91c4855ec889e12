/* terrawatt: per-element math of the PDLP iteration (restarted primal-dual
 * hybrid gradient, Applegate et al. 2021), shared by the CPU reference and
 * the CUDA kernels (TW_HD). For min c'x s.t. rl <= Ax <= ru, l <= x <= u
 * with Lagrangian c'x - y'Ax + sum_i (y_i > 0 ? rl_i y_i : ru_i y_i):
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_PDLP_MATH_H
#define TERRAWATT_PDLP_MATH_H

#include "terrawatt/hd.h"

static inline TW_HD double tw_pdlp_clip(double v, double lo, double hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/* Primal step: projection of x - tau (c - A'y) onto [l, u]. */
static inline TW_HD double tw_pdlp_primal(double x, double c, double aty, double l, double u,
                                          double tau) {
  return tw_pdlp_clip(x - tau * (c - aty), l, u);
}

/* Dual step at the extrapolated point: w = y - sigma (2 A x_new - A x),
 * then the prox of the row-bound term: y_new = w - sigma clip(w / sigma, -ru, -rl)
 * (y_new >= 0 where only rl is finite, <= 0 where only ru is, free for ranges). */
static inline TW_HD double tw_pdlp_dual(double y, double ax_new, double ax, double rl, double ru,
                                        double sigma) {
  double w = y - sigma * (2.0 * ax_new - ax);
  return w - sigma * tw_pdlp_clip(w / sigma, -ru, -rl);
}

#endif
