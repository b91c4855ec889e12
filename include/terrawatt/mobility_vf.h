/* terrawatt: decentralized valley filling of EV charging (Gan, Topcu and
 * Low, "Optimal decentralized protocol for electric vehicle charging", IEEE
 * Trans. Power Systems 28(2):940-951, 2013, Algorithm 1).
 *
 * N vehicle groups g with charging r_g(t) (MW), 0 <= r_g(t) <= u_g(t),
 * sum_t r_g(t) = E_g (MWh, 1 h steps), against a forecast base load D(t).
 * Each iteration k:
 *   1. the utility broadcasts p^k(t) = D(t) + sum_g r_g^k(t)   (MW);
 *   2. every group projects: r_g^{k+1} = Proj_{F_g}(r_g^k - gamma p^k)
 *      (backend op ev_project, mobility_math.h; CUDA kernel on GPUs);
 *   3. the aggregate R^{k+1}(t) = sum_g r_g^{k+1}(t) is collected (sgemm
 *      with a ones vector).
 * Accelerated variant (default, tw_vf_params.accelerate): FISTA momentum
 * (Beck and Teboulle 2009) with adaptive restart (O'Donoghue and Candes
 * 2015); still one broadcast and one projection per group per iteration.
 * With gamma = 1/N (the paper's bound 0 < gamma < 1/(N beta), beta = 1 for
 * f(x) = x^2/2) the iterates converge to a minimiser of sum_t (D + R)^2,
 * which is valley filling: R(t) = clamp(L - D(t), ...) flat wherever the
 * charging limits do not bind.
 * Convergence criterion: max_t |R^{k+1}(t) - R^k(t)| <= tol * max_t R^{k+1}(t).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_MOBILITY_VF_H
#define TERRAWATT_MOBILITY_VF_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/backend.h"
#include "terrawatt/mobility.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tw_vf_params {
  double tol;   /* relative max-norm change of the aggregate (default 1e-5) */
  int max_iter; /* default 2000 */
  double gamma; /* step size, 1/MW; <= 0 means 1 / n_groups (default 0) */
  int accelerate; /* 1 (default): Nesterov/FISTA momentum on the same protocol
                     (each group extrapolates r + beta (r - r_prev), the
                     utility the aggregate likewise) with restart when
                     sum_t (D+R)^2 rises; 0: the paper's plain iteration */
} tw_vf_params;

/* Fill the defaults above. */
TW_API void tw_vf_params_default(tw_vf_params *p);

/* A valley-filling problem; arrays are host memory owned by the caller. */
typedef struct tw_vf_problem {
  size_t n_groups;
  int n_hours;
  const double *base_MW;    /* [n_hours] forecast base (net) load D(t) */
  const float *upper_MW;    /* [n_hours * n_groups] hour-major: [t * n_groups + g] */
  const double *energy_MWh; /* [n_groups] energy each group needs over the horizon */
} tw_vf_problem;

typedef struct tw_vf_result {
  int iterations;        /* projection rounds performed */
  int converged;         /* 1 if the criterion was met within max_iter */
  double residual;       /* last max_t |dR| / max_t R */
  double tol;            /* the tolerance used */
  double gamma;          /* the step size used, 1/MW */
  double seconds;        /* wall time of the iterations */
  const char *criterion; /* "max_t |R_k+1 - R_k| <= tol * max_t R_k+1" */
} tw_vf_result;

/* Check a problem: sizes > 0, finite base load, upper >= 0 and finite,
 * 0 <= E_g <= sum_t u_g(t) (feasible). TW_ERR_INPUT names the group, hour
 * and value. */
TW_API tw_status tw_vf_problem_validate(const tw_vf_problem *p);

/* Run valley filling on backend `be`. charging_MW [n_hours] receives the
 * aggregate R(t); group_MW (may be NULL) [n_hours * n_groups] the
 * per-group schedules (hour-major). Not converging within max_iter is not
 * an error: res->converged says so (and a warning is logged). */
TW_API tw_status tw_valley_fill(tw_backend *be, const tw_vf_problem *p, const tw_vf_params *params,
                                double *charging_MW, float *group_MW, tw_vf_result *res);

/* Split `share` of a fleet into n_groups equal groups of vehicles for
 * valley filling over n_hours from hour of week how0. Group g (0-based) is
 * plugged in at hour t iff availability(t) >= (g + 0.5) / n_groups, so the
 * aggregate plug-in share matches the fleet's to 1/n_groups; upper =
 * vehicles per group * charger_kW / 1000 when plugged in, else 0. The
 * energy to charge over the horizon is (sum of driving energy) /
 * charge_efficiency + (soc_end - soc_start) stated through delta_soc_MWh
 * (0 for a cyclic horizon), split between groups in proportion to their
 * plugged-in hours. upper_MW [n_hours*n_groups] and energy_MWh [n_groups]
 * are caller-allocated. Fails with TW_ERR_INPUT if the energy cannot be
 * delivered. */
TW_API tw_status tw_fleet_vf_groups(const tw_fleet *f, double share, size_t how0, int n_hours,
                                    const double *temperature_C, double delta_soc_MWh, size_t n_groups,
                                    float *upper_MW, double *energy_MWh);

#ifdef __cplusplus
}
#endif
#endif
