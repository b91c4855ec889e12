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

/* Project group g (hour-major layout: element t of group g is at
 * [t * n_groups + g]) in place. r: charging MW (in: r^k, out: r^{k+1});
 * upper: charger limit MW; price: control signal MW [n_hours]; energy_MWh:
 * required energy of the group over the horizon (1 h steps); lambda: warm
 * start in, multiplier out. Returns the number of steps taken. If the
 * energy exceeds sum(upper) the group charges at its limit every hour; if
 * it is <= 0 the group does not charge (callers validate beforehand). */
static inline TW_HD int tw_vf_project_group(size_t g, size_t n_groups, int n_hours, float gamma,
                                            const float *price, float *r, const float *upper,
                                            double energy_MWh, float *lambda) {
  double lo, hi, lam, target = energy_MWh;
  double ymin = 0.0, ymax = 0.0, usum = 0.0;
  int t, step;
  for (t = 0; t < n_hours; t++) {
    size_t at = (size_t)t * n_groups + g;
    double y = (double)r[at] - (double)gamma * (double)price[t];
    double u = (double)upper[at];
    if (t == 0 || y - u < ymin) ymin = y - u;
    if (t == 0 || y > ymax) ymax = y;
    usum += u;
  }
  if (n_hours <= 0) return 0;
  if (target <= 0.0 || usum <= 0.0) {
    for (t = 0; t < n_hours; t++) r[(size_t)t * n_groups + g] = 0.0f;
    *lambda = (float)ymax;
    return 0;
  }
  if (target >= usum) {
    for (t = 0; t < n_hours; t++) {
      size_t at = (size_t)t * n_groups + g;
      r[at] = upper[at];
    }
    *lambda = (float)ymin;
    return 0;
  }
  /* phi(lo) = usum > target, phi(hi) = 0 < target */
  lo = ymin;
  hi = ymax;
  lam = (double)*lambda;
  if (!(lam > lo && lam < hi)) lam = 0.5 * (lo + hi);
  for (step = 1; step <= TW_VF_MAX_STEPS; step++) {
    double phi = 0.0, slope = 0.0, next;
    for (t = 0; t < n_hours; t++) {
      size_t at = (size_t)t * n_groups + g;
      double v = (double)r[at] - (double)gamma * (double)price[t] - lam;
      double u = (double)upper[at];
      if (v >= u) {
        phi += u;
      } else if (v > 0.0) {
        phi += v;
        slope += 1.0;
      }
    }
    if (phi > target) lo = lam;
    else hi = lam;
    if (phi - target <= 1e-12 * target && target - phi <= 1e-12 * target) break;
    /* Newton: phi'(lambda) = -slope */
    next = slope > 0.0 ? lam + (phi - target) / slope : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (hi - lo <= 1e-15 * (1.0 + (hi > 0 ? hi : -hi))) {
      lam = 0.5 * (lo + hi);
      break;
    }
    lam = next;
  }
  for (t = 0; t < n_hours; t++) {
    size_t at = (size_t)t * n_groups + g;
    double v = (double)r[at] - (double)gamma * (double)price[t] - lam;
    r[at] = (float)tw_vf_clamp(v, (double)upper[at]);
  }
  *lambda = (float)lam;
  return step > TW_VF_MAX_STEPS ? TW_VF_MAX_STEPS : step;
}

#endif
