/* terrawatt: independent check of a solved dispatch (docs/RELIABILITY.md).
 *
 * After every solve the primal solution read back from the LP solver is
 * checked against the network it claims to solve, without using the LP:
 *  - nodal balance per bus and snapshot (PyPSA sign conventions):
 *      sum_g sign_g p_g + sum_su p_su + sum_st p_st + sum_l sign_l p_l
 *      - sum_{branches at bus0} p0 - sum_{branches at bus1} p1
 *      - sum_{links at bus0} p0 - sum_{links at bus1} p1 + shed = 0   [MW]
 *  - bounds (primal feasibility): generator p in [p_min_pu, p_max_pu] x
 *    p_nom_opt; |line/transformer p0| <= s_max_pu x s_nom_opt; link p0 in
 *    [p_min_pu, p_max_pu] x p_nom_opt; storage-unit dispatch and store in
 *    [0, p_max_pu x p_nom_opt] and [0, -p_min_pu x p_nom_opt], state of
 *    charge in [0, max_hours x p_nom_opt]; store energy in [e_min_pu,
 *    e_max_pu] x e_nom_opt; optimal capacities within their bounds  [MW, MWh]
 *  - every value finite.
 * A violation is measured in MW (or MWh) and compared against
 * tol_rel x max(1, magnitude of the terms involved).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_SOLUTION_CHECK_H
#define TERRAWATT_SOLUTION_CHECK_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/network.h"
#include "terrawatt/optimize.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tw_solution_check {
  double max_balance_residual_MW; /* largest |nodal imbalance| over buses and snapshots */
  size_t balance_bus, balance_snapshot; /* where it occurs */
  double max_bound_violation;     /* largest bound violation (MW or MWh; 0 when none) */
  char bound_where[192];          /* "generator 'X': p above p_max_pu*p_nom at snapshot 'T'" */
  size_t n_nonfinite;             /* NaN/Inf values in the solution */
  double tol_rel;                 /* the relative tolerance used */
  int ok;                         /* 1: all residuals within tolerance and all values finite */
} tw_solution_check;

/* Default relative tolerance: 1e-6 (GLPK's feasibility tolerance is 1e-7
 * relative to the scaled problem). */
#define TW_SOLUTION_CHECK_TOL_REL 1e-6

/* Check the solution `r` of `net` (an optimal result of
 * tw_optimize_network). Fills *out; returns TW_OK whether or not the check
 * passes (see out->ok), TW_ERR_INPUT when r does not match net's sizes. */
TW_API tw_status tw_solution_check_run(const tw_network *net, const tw_optimize_result *r,
                                       double tol_rel, tw_solution_check *out);

/* One line for logs and errors: "balance residual 3e-9 MW (bus 'A',
 * snapshot 'T'), bound violation 0, 0 non-finite: ok". Returns buf. */
TW_API const char *tw_solution_check_describe(const tw_solution_check *c, const tw_network *net,
                                              char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
