/* terrawatt: per-group math of decentralized valley filling (Gan, Topcu and
 * Low, "Optimal decentralized protocol for electric vehicle charging", IEEE
 * Trans. Power Systems 28(2), 2013), shared by the CPU backend
 * (src/backend/backend_cpu.c) and the CUDA kernel (kernels/mobility_vf.cu).
 *
 * One projection step for group g (Algorithm 1 of the paper, step 3):
 *   r_g <- argmin_{x in F_g} || x - (r_g - gamma * p) ||^2
 *   F_g = { x : 0 <= x_t <= u_{g,t},  sum_t x_t = E_g }
 * where p_t is the broadcast control signal (base load + aggregate charging,
 * MW). The solution is x_t = clamp(y_t - lambda, 0, u_{g,t}) with
 * y = r_g - gamma p and the scalar lambda chosen so that sum_t x_t = E_g.
 * With momentum (accelerated variant, FISTA: Beck and Teboulle 2009) the
 * point projected is y = r + beta (r - r_prev) - gamma p, where p was
 * computed from the extrapolated aggregate; beta = 0 is the paper's step.
 * lambda is found by a bracketed Newton iteration on the piecewise-linear,
 * non-increasing function phi(lambda) = sum_t clamp(y_t - lambda, 0, u_t);
 * Newton lands exactly on the root once it is inside the right linear piece,
 * and bisection of the bracket guarantees termination. lambda is warm
 * started from the previous iteration.
 *
 * Written in the common subset of C11 and C++ (TW_HD).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_MOBILITY_MATH_H
#define TERRAWATT_MOBILITY_MATH_H

#include <stddef.h>

#include "terrawatt/hd.h"

/* Largest number of Newton/bisection steps per projection. */
#define TW_VF_MAX_STEPS 64

/* clamp(v, 0, u) */
static inline TW_HD double tw_vf_clamp(double v, double u) {
  return v < 0.0 ? 0.0 : (v > u ? u : v);
}

/* The point to project for element `at`: r + beta (r - r_prev) - gamma p. */
static inline TW_HD double tw_vf_point(const float *r, const float *r_prev, float beta,
                                       float gamma, float price, size_t at) {
  double v = (double)r[at];
  if (r_prev) v += (double)beta * (v - (double)r_prev[at]);
  return v - (double)gamma * (double)price;
}

/* ---- the projection in pieces, shared by the per-group function (CUDA,
 * reference) and the blocked CPU loop; both give the same arithmetic. */

enum { TW_VF_ITERATE = 0, TW_VF_ZERO = 1, TW_VF_FULL = 2 };

typedef struct tw_vf_state {
  double lo, hi, lam, target;
  double ymin, ymax, usum;
  int mode, steps, done;
} tw_vf_state;

/* Before the scan over hours. */
static inline TW_HD void tw_vf_scan_init(tw_vf_state *s) {
  s->ymin = 0.0;
  s->ymax = 0.0;
  s->usum = 0.0;
  s->steps = 0;
}

/* One hour of the scan: y the point to project, u the limit. */
static inline TW_HD void tw_vf_scan(tw_vf_state *s, int first, double y, double u) {
  if (first || y - u < s->ymin) s->ymin = y - u;
  if (first || y > s->ymax) s->ymax = y;
  s->usum += u;
}

/* After the scan: choose the mode and the first lambda (warm start). */
static inline TW_HD void tw_vf_begin(tw_vf_state *s, double energy_MWh, float lambda_warm) {
  s->target = energy_MWh;
  s->done = 1;
  if (s->target <= 0.0 || s->usum <= 0.0) {
    s->mode = TW_VF_ZERO;
    s->lam = s->ymax;
  } else if (s->target >= s->usum) {
    s->mode = TW_VF_FULL;
    s->lam = s->ymin;
  } else {
    /* phi(lo) = usum > target, phi(hi) = 0 < target */
    s->mode = TW_VF_ITERATE;
    s->done = 0;
    s->lo = s->ymin;
    s->hi = s->ymax;
    s->lam = (double)lambda_warm;
    if (!(s->lam > s->lo && s->lam < s->hi)) s->lam = 0.5 * (s->lo + s->hi);
  }
}

/* phi and -phi' at lambda, one hour: v = y - lambda. */
static inline TW_HD void tw_vf_accumulate(double v, double u, double *phi, double *slope) {
  if (v >= u) {
    *phi += u;
  } else if (v > 0.0) {
    *phi += v;
    *slope += 1.0;
  }
}

/* One bracketed Newton step from phi(lambda) and its slope; sets done. */
static inline TW_HD void tw_vf_step(tw_vf_state *s, double phi, double slope) {
  double next, target = s->target;
  s->steps++;
  if (phi > target) s->lo = s->lam;
  else s->hi = s->lam;
  if (phi - target <= 1e-12 * target && target - phi <= 1e-12 * target) {
    s->done = 1;
    return;
  }
  next = slope > 0.0 ? s->lam + (phi - target) / slope : 0.5 * (s->lo + s->hi);
  if (!(next > s->lo && next < s->hi)) next = 0.5 * (s->lo + s->hi);
  if (s->hi - s->lo <= 1e-15 * (1.0 + (s->hi > 0 ? s->hi : -s->hi))) {
    s->lam = 0.5 * (s->lo + s->hi);
    s->done = 1;
    return;
  }
  s->lam = next;
  if (s->steps >= TW_VF_MAX_STEPS) s->done = 1;
}

/* The projected value of one hour. */
static inline TW_HD float tw_vf_output(const tw_vf_state *s, double y, float u) {
  if (s->mode == TW_VF_ZERO) return 0.0f;
  if (s->mode == TW_VF_FULL) return u;
  return (float)tw_vf_clamp(y - s->lam, (double)u);
}

/* Project group g (hour-major layout: element t of group g is at
 * [t * n_groups + g]) in place. r: charging MW (in: r^k, out: r^{k+1});
 * r_prev: NULL, or r^{k-1} in and r^k out (momentum beta);
 * upper: charger limit MW; price: control signal MW [n_hours]; energy_MWh:
 * required energy of the group over the horizon (1 h steps); lambda: warm
 * start in, multiplier out. Returns the number of Newton steps. If the
 * energy exceeds sum(upper) the group charges at its limit every hour; if
 * it is <= 0 the group does not charge (callers validate beforehand). */
static inline TW_HD int tw_vf_project_group(size_t g, size_t n_groups, int n_hours, float gamma,
                                            const float *price, float *r, float *r_prev,
                                            float beta, const float *upper, double energy_MWh,
                                            float *lambda) {
  tw_vf_state s;
  int t;
  if (n_hours <= 0) return 0;
  tw_vf_scan_init(&s);
  for (t = 0; t < n_hours; t++) {
    size_t at = (size_t)t * n_groups + g;
    tw_vf_scan(&s, t == 0, tw_vf_point(r, r_prev, beta, gamma, price[t], at), (double)upper[at]);
  }
  tw_vf_begin(&s, energy_MWh, *lambda);
  while (!s.done) {
    double phi = 0.0, slope = 0.0;
    for (t = 0; t < n_hours; t++) {
      size_t at = (size_t)t * n_groups + g;
      tw_vf_accumulate(tw_vf_point(r, r_prev, beta, gamma, price[t], at) - s.lam,
                       (double)upper[at], &phi, &slope);
    }
    tw_vf_step(&s, phi, slope);
  }
  for (t = 0; t < n_hours; t++) {
    size_t at = (size_t)t * n_groups + g;
    double y = tw_vf_point(r, r_prev, beta, gamma, price[t], at);
    if (r_prev) r_prev[at] = r[at];
    r[at] = tw_vf_output(&s, y, upper[at]);
  }
  *lambda = (float)s.lam;
  return s.steps;
}

/* Width of the blocked CPU loop. */
#define TW_VF_BLOCK 64

/* The CPU form: groups g0 .. g0+nb-1 (nb <= TW_VF_BLOCK) in lockstep, the
 * inner loops running over neighbouring groups (contiguous in memory).
 * Same pieces and order of operations per group as tw_vf_project_group. */
static inline void tw_vf_project_block(size_t g0, int nb, size_t n_groups, int n_hours,
                                       float gamma, const float *price, float *r, float *r_prev,
                                       float beta, const float *upper, const double *energy_MWh,
                                       float *lambda) {
  tw_vf_state s[TW_VF_BLOCK];
  double phi[TW_VF_BLOCK], slope[TW_VF_BLOCK];
  int t, i, active;
  if (n_hours <= 0) return;
  for (i = 0; i < nb; i++) tw_vf_scan_init(&s[i]);
  for (t = 0; t < n_hours; t++) {
    size_t row = (size_t)t * n_groups + g0;
    for (i = 0; i < nb; i++)
      tw_vf_scan(&s[i], t == 0, tw_vf_point(r, r_prev, beta, gamma, price[t], row + (size_t)i),
                 (double)upper[row + (size_t)i]);
  }
  active = 0;
  for (i = 0; i < nb; i++) {
    tw_vf_begin(&s[i], energy_MWh[g0 + (size_t)i], lambda[g0 + (size_t)i]);
    active += !s[i].done;
  }
  while (active > 0) {
    for (i = 0; i < nb; i++) phi[i] = slope[i] = 0.0;
    for (t = 0; t < n_hours; t++) {
      size_t row = (size_t)t * n_groups + g0;
      for (i = 0; i < nb; i++)
        if (!s[i].done)
          tw_vf_accumulate(tw_vf_point(r, r_prev, beta, gamma, price[t], row + (size_t)i) -
                               s[i].lam,
                           (double)upper[row + (size_t)i], &phi[i], &slope[i]);
    }
    active = 0;
    for (i = 0; i < nb; i++)
      if (!s[i].done) {
        tw_vf_step(&s[i], phi[i], slope[i]);
        active += !s[i].done;
      }
  }
  for (t = 0; t < n_hours; t++) {
    size_t row = (size_t)t * n_groups + g0;
    for (i = 0; i < nb; i++) {
      size_t at = row + (size_t)i;
      double y = tw_vf_point(r, r_prev, beta, gamma, price[t], at);
      if (r_prev) r_prev[at] = r[at];
      r[at] = tw_vf_output(&s[i], y, upper[at]);
    }
  }
  for (i = 0; i < nb; i++) lambda[g0 + (size_t)i] = (float)s[i].lam;
}

#endif
