/* terrawatt: PyPSA-compatible linear optimal power flow (LOPF) with
 * capacity expansion, storage, nodal prices and a CO2 cap, solved with GLPK.
 *
 * Formulation (PyPSA's linopy LOPF, one investment period): nodal balance
 * per bus and snapshot; KVL on a cycle basis of each sub-network (x_pu for
 * AC lines = x/v_nom^2, transformers x/s_nom*tap_ratio; r_pu for DC
 * sub-networks); p_min_pu/p_max_pu bounds (static or series) times p_nom,
 * where extendable capacities are variables in [p_nom_min, p_nom_max] with
 * capital_cost; storage-unit and store energy balances with standing loss
 * (1-l)^w; links with efficiency; marginal costs weighted by the objective
 * snapshot weighting; primary-energy CO2 caps; ramp limits of generators
 * and links; fixed transformer phase shifts in KVL. Every attribute PyPSA
 * allows as a series is honoured as one. See docs/OPTIMIZE.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_OPTIMIZE_H
#define TERRAWATT_OPTIMIZE_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/network.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tw_lp_method {
  TW_LP_DUAL = 0,    /* dual simplex (falls back to primal) */
  TW_LP_PRIMAL = 1,  /* primal simplex */
  TW_LP_INTERIOR = 2, /* interior point (no warm starts, no basis) */
  TW_LP_AUTO = 3     /* default: dual simplex, long-step ratio test (docs/OPTIMIZE.md) */
} tw_lp_method;

/* Optimal simplex bases kept across solves (docs/OPTIMIZE.md, "Warm starts
 * across solves"): keyed by a caller's key (e.g. the ensemble member) and the
 * LP's structure (dimensions and sparsity pattern), so a basis is only reused
 * on an LP of the same shape. Not thread-safe: one cache per thread. */
typedef struct tw_basis_cache tw_basis_cache;
TW_API tw_status tw_basis_cache_create(tw_basis_cache **out);
TW_API void tw_basis_cache_destroy(tw_basis_cache **c);
/* Solves started from a cached basis, and solves that found none. */
TW_API void tw_basis_cache_counts(const tw_basis_cache *c, long *hits, long *misses);
/* 1 when the cache holds a basis stored under `key`. */
TW_API int tw_basis_cache_has_key(const tw_basis_cache *c, const char *key);
/* Forget every basis stored under `key` (a caller's task-private entries
 * once used; NULL cache: nothing). */
TW_API void tw_basis_cache_drop(tw_basis_cache *c, const char *key);

/* How a solve uses params.basis_cache. */
typedef enum tw_basis_mode {
  TW_BASIS_REUSE = 0,  /* start from an entry of the same structure (same key preferred, else
                          any key) and keep the optimal basis: fastest, but the start then
                          depends on which LPs were solved before */
  TW_BASIS_KEYED = 1   /* start from the first entry of the same structure under
                          basis_from[0], else basis_from[1] (those keys only; none: cold),
                          and keep the optimal basis under the non-NULL basis_store keys:
                          the start depends only on what was stored under those keys */
} tw_basis_mode;

typedef enum tw_lp_solver {
  TW_SOLVER_SIMPLEX = 0, /* GLPK (method as tw_lp_method) */
  TW_SOLVER_PDLP = 1,    /* restarted PDHG, then crossover to GLPK's simplex */
  TW_SOLVER_AUTO = 2     /* default: the rule in docs/OPTIMIZE.md */
} tw_lp_solver;

/* How Kirchhoff's voltage law enters the LP (docs/OPTIMIZE.md "KVL"). */
typedef enum tw_kvl_formulation {
  TW_KVL_CYCLE = 0, /* default: one row per cycle of a cycle basis and snapshot */
  TW_KVL_ANGLE = 1  /* a voltage-angle column per bus (slack fixed at 0) and one
                       row per line/transformer and snapshot */
} tw_kvl_formulation;

typedef struct tw_optimize_params {
  tw_lp_method method;
  int presolve;              /* GLPK's LP presolver (default 0: off) */
  double time_limit_s;       /* per solve; <= 0: none */
  double tol_primal;         /* GLPK tol_bnd (default 1e-7) */
  double tol_dual;           /* GLPK tol_dj (default 1e-7) */
  int load_shedding;         /* 1: a slack generator at every bus (default 0) */
  double value_of_lost_load; /* currency/MWh of shed load (default 1e4) */
  int diagnose_infeasible;   /* re-solve with slacks to name bus/snapshot (default 1) */
  const char *write_lp;      /* write the (first window's) LP in CPLEX LP format, or NULL */
  const char *write_mps;     /* write it in free MPS format, or NULL */
  size_t horizon;            /* rolling-horizon window in snapshots; 0 = all at once */
  size_t overlap;            /* snapshots solved again at the start of the next window */
  int warm_start;            /* rolling: reuse one glp_prob and its basis (default 1) */
  tw_basis_cache *basis_cache; /* NULL (default), or start cold solves from a cached basis */
  const char *basis_key;     /* preferred cache entries (e.g. the member name), or NULL */
  tw_basis_mode basis_mode;  /* default TW_BASIS_REUSE */
  const char *basis_from[2];  /* TW_BASIS_KEYED: keys to start from, in order, or NULL */
  const char *basis_store[2]; /* TW_BASIS_KEYED: keys to keep the optimal basis under, or NULL */
  tw_lp_solver solver;       /* default TW_SOLVER_AUTO */
  tw_kvl_formulation kvl;    /* default TW_KVL_CYCLE */
  double pdlp_tol;           /* PDLP relative residuals and gap (default 1e-4) */
  long pdlp_max_iter;        /* PDLP iteration limit (default 200000) */
  /* The process's backend: PDLP runs on its LP ops (a CUDA backend puts
   * them on the GPU); NULL (default): cpu. Not owned. */
  struct tw_backend *backend;
  /* Parallel windows (docs/OPTIMIZE.md "Parallel windows"): > 0 splits the
   * snapshots into independent windows of this many snapshots; storage
   * levels at their boundaries come from a coarse pass of the same network
   * at `window_coarse` snapshots per step (default 24; must divide
   * window_parallel). Window w is solved by the process with
   * w % window_ranks == window_rank; `window_reduce` (sum, or max when
   * `max`, over all processes, in place; NULL with one process) gathers
   * the results, so every process returns the whole, identical result. */
  size_t window_parallel;
  size_t window_coarse;
  int window_monolithic;     /* also solve the monolithic LP: result's gap */
  int window_rank, window_ranks;
  tw_status (*window_reduce)(void *ctx, double *buf, size_t n, int max);
  void *window_reduce_ctx;
} tw_optimize_params;

/* Defaults as documented above. */
TW_API void tw_optimize_params_default(tw_optimize_params *p);

/* Arrays are row-major over snapshots: x[t * n + i] for component i. */
typedef struct tw_optimize_result {
  const char *status;     /* "optimal", "infeasible", "unbounded", "time limit", ... */
  double objective;       /* PyPSA's convention: minus capex of existing extendable capacity */
  double objective_constant; /* that capex: sum capital_cost * p_nom over extendable assets */
  double total_cost;      /* capex of all optimal capacity + operating cost (+ shedding) */
  double build_seconds, solve_seconds;
  long iterations;        /* simplex iterations, all windows (crossover included) */
  long pdlp_iterations;   /* PDLP iterations (solver pdlp), all windows */
  long crossover_iterations; /* simplex iterations after PDLP */
  double pdlp_seconds, crossover_seconds;
  long warm_starts;       /* windows started from a cached basis (params.basis_cache) */
  size_t n_windows;
  size_t n_snapshots, n_buses, n_generators, n_loads, n_lines, n_transformers, n_links,
      n_storage_units, n_stores, n_global_constraints;
  double *gen_p;          /* MW [T x G] */
  double *gen_p_nom_opt;  /* MW [G] */
  double *gen_curtailment_MWh; /* [G]: sum_t w_gen * (p_max_pu * p_nom_opt - p) */
  double *load_p;         /* MW [T x L] served demand p_set */
  double *line_p0, *line_p1;   /* MW [T x lines] */
  double *line_s_nom_opt;      /* MVA [lines] */
  double *trafo_p0, *trafo_p1; /* MW [T x transformers] */
  double *trafo_s_nom_opt;
  double *link_p0, *link_p1;   /* MW [T x links] */
  double *link_p_nom_opt;
  double *su_p, *su_p_dispatch, *su_p_store, *su_spill; /* MW [T x SU] */
  double *su_state_of_charge;  /* MWh [T x SU] */
  double *su_p_nom_opt;
  double *store_p;             /* MW [T x stores], >0 discharging to the bus */
  double *store_e;             /* MWh [T x stores] */
  double *store_e_nom_opt;     /* MWh */
  double *bus_marginal_price;  /* currency/MWh [T x B] */
  double *bus_shed_MW;         /* [T x B] load shed (zeros without load shedding) */
  double unserved_MWh;         /* sum_t w_obj * shed */
  double co2_t;                /* sum_t w_gen * p * co2/efficiency over generators */
  double *gc_mu;               /* [global constraints] shadow price, >= 0 when binding (currency/t) */
  int load_shedding;           /* the run allowed load shedding (params.load_shedding) */
  double value_of_lost_load;   /* currency/MWh used for it */
  char diagnosis[512];         /* infeasible: "bus 'X' cannot balance at snapshot 'Y' (...)" */
  /* Numerical quality (docs/RELIABILITY.md), maxima over windows: */
  size_t lp_rows, lp_cols, lp_nonzeros; /* the LP's size (largest window) */
  double lp_cost_ratio;        /* largest / smallest non-zero |cost| */
  double lp_matrix_ratio;      /* largest / smallest non-zero |matrix coefficient| */
  double kkt_primal_abs, kkt_primal_rel; /* primal equalities and bounds (glp_check_kkt) */
  double kkt_dual_abs, kkt_dual_rel;     /* dual equalities and dual bounds */
  double kkt_complementarity_rel;        /* complementary slackness */
  /* Parallel windows (params.window_parallel > 0): */
  double coarse_objective;     /* the coarse pass's objective */
  double monolithic_objective; /* params.window_monolithic: the monolithic optimum, else NaN */
  double window_gap_rel;       /* (objective - monolithic) / max(1, |monolithic|), else NaN */
  long windows_relaxed;        /* windows whose end storage target was infeasible and dropped */
} tw_optimize_result;

/* Build, solve and read back the LP for `net` (validated first; GLPK is
 * never called with invalid data and never aborts the process).
 * On TW_OK *out holds an optimal solution. When the LP is infeasible or
 * unbounded returns TW_ERR_INFEASIBLE with *out set (status and diagnosis
 * filled, arrays zero) and a message naming the bus and snapshot that
 * cannot balance. The caller owns *out (tw_optimize_result_destroy). */
TW_API tw_status tw_optimize_network(const tw_network *net, const tw_optimize_params *p,
                                     tw_optimize_result **out);

TW_API void tw_optimize_result_destroy(tw_optimize_result **r);

/* Linear power flow (DC load flow) for given injections: for each
 * snapshot, flows on lines/transformers from the nodal injections
 * (generators' p_set from `gen_p_MW` [T x G], loads' p_set, links' p0 from
 * `link_p0_MW` [T x K] or NULL for zero), with the sub-network's slack at
 * its first bus. Writes line_p0 [T x lines], trafo_p0 [T x transformers]
 * (may be NULL when there are none) and bus voltage angles v_ang
 * [T x B] in radians. */
TW_API tw_status tw_linear_power_flow(const tw_network *net, const double *gen_p_MW,
                                      const double *link_p0_MW, double *line_p0, double *trafo_p0,
                                      double *v_ang);

/* Write the solved network in PyPSA's NetCDF export layout (readable by
 * pypsa.Network(path)), atomically (temporary name, then rename). */
TW_API tw_status tw_network_write_netcdf(const tw_network *net, const tw_optimize_result *r,
                                         const char *path);

/* Write the solved network as a PyPSA CSV folder (created if needed;
 * files written under temporary names, then renamed). */
TW_API tw_status tw_network_write_csv(const tw_network *net, const tw_optimize_result *r,
                                      const char *dir);

#ifdef __cplusplus
}
#endif
#endif
