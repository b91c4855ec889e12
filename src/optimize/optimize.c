/* tw_optimize_network: windows (rolling horizon), solves, results, and the
 * infeasibility diagnosis.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "optimize/lp.h"
#include "optimize/lp_quality.h"
#include "terrawatt/log.h"

void tw_optimize_params_default(tw_optimize_params *p) {
  memset(p, 0, sizeof *p);
  p->method = TW_LP_AUTO;
  p->presolve = 0;
  p->time_limit_s = 0;
  p->tol_primal = 1e-7;
  p->tol_dual = 1e-7;
  p->load_shedding = 0;
  p->value_of_lost_load = 1e4;
  p->diagnose_infeasible = 1;
  p->warm_start = 1;
  p->solver = TW_SOLVER_AUTO;
  p->pdlp_tol = 1e-4;
  p->pdlp_max_iter = 200000;
  p->window_coarse = 24;
  p->window_ranks = 1;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void tw_optimize_result_destroy(tw_optimize_result **pr) {
  if (!pr || !*pr) return;
  tw_optimize_result *r = *pr;
  double *arrays[] = {r->gen_p, r->gen_p_nom_opt, r->gen_curtailment_MWh, r->load_p, r->line_p0,
                      r->line_p1, r->line_s_nom_opt, r->trafo_p0, r->trafo_p1, r->trafo_s_nom_opt,
                      r->link_p0, r->link_p1, r->link_p_nom_opt, r->su_p, r->su_p_dispatch,
                      r->su_p_store, r->su_spill, r->su_state_of_charge, r->su_p_nom_opt,
                      r->store_p, r->store_e, r->store_e_nom_opt, r->bus_marginal_price,
                      r->bus_shed_MW, r->gc_mu};
  for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) free(arrays[i]);
  free(r);
  *pr = NULL;
}

static tw_status result_alloc(const tw_network *n, tw_optimize_result **out) {
  tw_optimize_result *r = NULL;
  size_t T = n->n_snapshots;
  TW_CHECK(tw_calloc(1, sizeof *r, "result", &r));
  *out = r;
  r->status = "failed";
  r->n_snapshots = T;
  r->n_buses = n->n_buses;
  r->n_generators = n->n_generators;
  r->n_loads = n->n_loads;
  r->n_lines = n->n_lines;
  r->n_transformers = n->n_transformers;
  r->n_links = n->n_links;
  r->n_storage_units = n->n_storage_units;
  r->n_stores = n->n_stores;
  r->n_global_constraints = n->n_global_constraints;
#define A(f, cnt) TW_CHECK(tw_calloc((cnt) + 1, sizeof(double), "result", &r->f))
  A(gen_p, T * n->n_generators);
  A(gen_p_nom_opt, n->n_generators);
  A(gen_curtailment_MWh, n->n_generators);
  A(load_p, T * n->n_loads);
  A(line_p0, T * n->n_lines);
  A(line_p1, T * n->n_lines);
  A(line_s_nom_opt, n->n_lines);
  A(trafo_p0, T * n->n_transformers);
  A(trafo_p1, T * n->n_transformers);
  A(trafo_s_nom_opt, n->n_transformers);
  A(link_p0, T * n->n_links);
  A(link_p1, T * n->n_links);
  A(link_p_nom_opt, n->n_links);
  A(su_p, T * n->n_storage_units);
  A(su_p_dispatch, T * n->n_storage_units);
  A(su_p_store, T * n->n_storage_units);
  A(su_spill, T * n->n_storage_units);
  A(su_state_of_charge, T * n->n_storage_units);
  A(su_p_nom_opt, n->n_storage_units);
  A(store_p, T * n->n_stores);
  A(store_e, T * n->n_stores);
  A(store_e_nom_opt, n->n_stores);
  A(bus_marginal_price, T * n->n_buses);
  A(bus_shed_MW, T * n->n_buses);
  A(gc_mu, n->n_global_constraints);
#undef A
  return TW_OK;
}

/* Copy the solution of window `m` for snapshots [t0, t0+keep) into r. */
static void extract(const tw_network *n, const tw_lp_map *m, const double *x, const double *y,
                    size_t keep, tw_optimize_result *r) {
  size_t G = n->n_generators, L = n->n_lines, TR = n->n_transformers, K = n->n_links,
         S = n->n_storage_units, ST = n->n_stores, B = n->n_buses;
  for (size_t g = 0; g < G; g++)
    r->gen_p_nom_opt[g] = m->gen_pnom[g] >= 0 ? x[m->gen_pnom[g]] : n->generators[g].p_nom_MW;
  for (size_t b = 0; b < L + TR; b++) {
    const tw_branch *br = b < L ? &n->lines[b] : &n->transformers[b - L];
    double v = m->br_snom[b] >= 0 ? x[m->br_snom[b]] : br->s_nom_MVA;
    if (b < L) r->line_s_nom_opt[b] = v;
    else r->trafo_s_nom_opt[b - L] = v;
  }
  for (size_t k = 0; k < K; k++)
    r->link_p_nom_opt[k] = m->link_pnom[k] >= 0 ? x[m->link_pnom[k]] : n->links[k].p_nom_MW;
  for (size_t s = 0; s < S; s++)
    r->su_p_nom_opt[s] = m->su_pnom[s] >= 0 ? x[m->su_pnom[s]] : n->storage_units[s].p_nom_MW;
  for (size_t s = 0; s < ST; s++)
    r->store_e_nom_opt[s] = m->store_enom[s] >= 0 ? x[m->store_enom[s]] : n->stores[s].e_nom_MWh;
  for (size_t t = 0; t < keep; t++) {
    size_t tg = m->t0 + t;
    for (size_t g = 0; g < G; g++) r->gen_p[tg * G + g] = x[tw_lp_col(m, t, m->off_gen + g)];
    for (size_t l = 0; l < n->n_loads; l++)
      r->load_p[tg * n->n_loads + l] =
          tw_series_at(n->loads[l].p_set_t, n->loads[l].p_set_MW, tg);
    for (size_t b = 0; b < L + TR; b++) {
      double v = x[tw_lp_col(m, t, m->off_br + b)];
      if (b < L) {
        r->line_p0[tg * L + b] = v;
        r->line_p1[tg * L + b] = -v;
      } else {
        r->trafo_p0[tg * TR + b - L] = v;
        r->trafo_p1[tg * TR + b - L] = -v;
      }
    }
    for (size_t k = 0; k < K; k++) {
      double v = x[tw_lp_col(m, t, m->off_link + k)];
      r->link_p0[tg * K + k] = v;
      r->link_p1[tg * K + k] =
          -tw_series_at(n->links[k].efficiency_t, n->links[k].efficiency, tg) * v;
    }
    for (size_t s = 0; s < S; s++) {
      size_t c = tw_lp_col(m, t, m->off_su + 4 * s);
      r->su_p_dispatch[tg * S + s] = x[c];
      r->su_p_store[tg * S + s] = x[c + 1];
      r->su_p[tg * S + s] = x[c] - x[c + 1];
      r->su_state_of_charge[tg * S + s] = x[c + 2];
      r->su_spill[tg * S + s] = x[c + 3];
    }
    for (size_t s = 0; s < ST; s++) {
      size_t c = tw_lp_col(m, t, m->off_store + 2 * s);
      r->store_p[tg * ST + s] = x[c];
      r->store_e[tg * ST + s] = x[c + 1];
    }
    for (size_t b = 0; b < B; b++) {
      double w = n->weight_objective[tg];
      double dual = y[m->row_balance + t * B + b];
      r->bus_marginal_price[tg * B + b] = w > 0 ? dual / w : 0.0;
      r->bus_shed_MW[tg * B + b] = m->shed_mode == 1 ? x[tw_lp_col(m, t, m->off_shed + b)] : 0.0;
    }
  }
  if (m->t0 == 0 && keep == n->n_snapshots)
    for (size_t i = 0; i < n->n_global_constraints; i++) r->gc_mu[i] = -y[m->row_gc + i];
}

/* Objectives, CO2, curtailment and unserved energy from the results. */
static void summarise(const tw_network *n, const tw_optimize_params *p, tw_optimize_result *r) {
  size_t T = n->n_snapshots, G = n->n_generators, K = n->n_links, S = n->n_storage_units,
         ST = n->n_stores, B = n->n_buses, L = n->n_lines, TR = n->n_transformers;
  double capex_ext = 0, capex_fixed = 0, constant = 0, opex = 0;
#define CAPEX(ext, cc, opt, nom)                                                               \
  do {                                                                                         \
    if (ext) {                                                                                 \
      capex_ext += (cc) * (opt);                                                               \
      constant += (cc) * (nom);                                                                \
    } else {                                                                                   \
      capex_fixed += (cc) * (nom);                                                             \
    }                                                                                          \
  } while (0)
  for (size_t g = 0; g < G; g++)
    CAPEX(n->generators[g].p_nom_extendable, n->generators[g].capital_cost, r->gen_p_nom_opt[g],
          n->generators[g].p_nom_MW);
  for (size_t b = 0; b < L; b++)
    CAPEX(n->lines[b].s_nom_extendable, n->lines[b].capital_cost, r->line_s_nom_opt[b],
          n->lines[b].s_nom_MVA);
  for (size_t b = 0; b < TR; b++)
    CAPEX(n->transformers[b].s_nom_extendable, n->transformers[b].capital_cost,
          r->trafo_s_nom_opt[b], n->transformers[b].s_nom_MVA);
  for (size_t k = 0; k < K; k++)
    CAPEX(n->links[k].p_nom_extendable, n->links[k].capital_cost, r->link_p_nom_opt[k],
          n->links[k].p_nom_MW);
  for (size_t s = 0; s < S; s++)
    CAPEX(n->storage_units[s].p_nom_extendable, n->storage_units[s].capital_cost,
          r->su_p_nom_opt[s], n->storage_units[s].p_nom_MW);
  for (size_t s = 0; s < ST; s++)
    CAPEX(n->stores[s].e_nom_extendable, n->stores[s].capital_cost, r->store_e_nom_opt[s],
          n->stores[s].e_nom_MWh);
#undef CAPEX
  r->co2_t = 0;
  r->unserved_MWh = 0;
  for (size_t g = 0; g < G; g++) r->gen_curtailment_MWh[g] = 0;
  for (size_t t = 0; t < T; t++) {
    double wo = n->weight_objective[t], wg = n->weight_generators[t];
    for (size_t g = 0; g < G; g++) {
      const tw_generator *x = &n->generators[g];
      double pg = r->gen_p[t * G + g];
      opex += wo * tw_series_at(x->marginal_cost_t, x->marginal_cost, t) * pg;
      if (x->carrier >= 0)
        r->co2_t += wg * n->carriers[x->carrier].co2_emissions /
                    tw_series_at(x->efficiency_t, x->efficiency, t) * pg;
      double avail = tw_series_at(x->p_max_pu_t, x->p_max_pu, t) * r->gen_p_nom_opt[g];
      r->gen_curtailment_MWh[g] += wg * fmax(0.0, avail - pg);
    }
    for (size_t k = 0; k < K; k++)
      opex += wo * tw_series_at(n->links[k].marginal_cost_t, n->links[k].marginal_cost, t) *
              r->link_p0[t * K + k];
    for (size_t s = 0; s < S; s++) {
      const tw_storage_unit *u = &n->storage_units[s];
      opex += wo * (tw_series_at(u->marginal_cost_t, u->marginal_cost, t) * r->su_p_dispatch[t * S + s] +
                    tw_series_at(u->spill_cost_t, u->spill_cost, t) * r->su_spill[t * S + s] +
                    tw_series_at(u->marginal_cost_storage_t, u->marginal_cost_storage, t) *
                        r->su_state_of_charge[t * S + s]);
    }
    for (size_t s = 0; s < ST; s++)
      opex += wo * (tw_series_at(n->stores[s].marginal_cost_t, n->stores[s].marginal_cost, t) *
                        r->store_p[t * ST + s] +
                    tw_series_at(n->stores[s].marginal_cost_storage_t,
                                 n->stores[s].marginal_cost_storage, t) *
                        r->store_e[t * ST + s]);
    for (size_t b = 0; b < B; b++) {
      r->unserved_MWh += wo * r->bus_shed_MW[t * B + b];
      opex += wo * p->value_of_lost_load * r->bus_shed_MW[t * B + b];
    }
  }
  r->objective_constant = constant;
  r->objective = capex_ext + opex - constant;
  r->total_cost = capex_ext + capex_fixed + opex;
}

/* Re-solve window [t0, t0+nt) with +- slacks at every bus and name the
 * bus and snapshot with the largest imbalance. Returns that imbalance (MW),
 * or -1 when the slack LP was not solved. */
static double diagnose(const tw_network *n, const tw_cycles *cyc, const tw_optimize_params *p,
                     size_t t0, size_t nt, const tw_window_state *ws, tw_optimize_result *r) {
  tw_lp lp;
  tw_lp_map m;
  tw_glpk *g = NULL;
  double *x = NULL;
  const char *status = "failed";
  long it = 0;
  double obj, best = -1;
  snprintf(r->diagnosis, sizeof r->diagnosis,
           "the model is %s; no bus imbalance explains it (check storage, capacity bounds and "
           "global constraints)", r->status);
  if (tw_lp_build(n, cyc, p, t0, nt, ws, 2, &lp, &m) != TW_OK) return -1;
  tw_optimize_params q = *p;
  q.presolve = 0;
  q.method = TW_LP_DUAL;
  if (tw_glpk_create(&g) == TW_OK && tw_glpk_load(g, &lp, 0) == TW_OK &&
      tw_glpk_solve(g, &q, 0, &status, &it) == TW_OK && strcmp(status, "optimal") == 0 &&
      tw_calloc(lp.ncols + 1, sizeof(double), "x", &x) == TW_OK &&
      tw_glpk_solution(g, x, NULL, &obj) == TW_OK) {
    best = 0;
    size_t bt = 0, bb = 0;
    int shortage = 1;
    for (size_t t = 0; t < nt; t++)
      for (size_t b = 0; b < n->n_buses; b++) {
        double pos = x[tw_lp_col(&m, t, m.off_shed + b)];
        double neg = x[tw_lp_col(&m, t, m.off_shed + n->n_buses + b)];
        if (pos > best) { best = pos; bt = t; bb = b; shortage = 1; }
        if (neg > best) { best = neg; bt = t; bb = b; shortage = 0; }
      }
    if (best > 1e-6)
      snprintf(r->diagnosis, sizeof r->diagnosis,
               "bus '%s' cannot balance at snapshot '%s': %s of %.6g MW", n->buses[bb].name,
               n->snapshots[t0 + bt], shortage ? "supply short" : "forced surplus", best);
  }
  free(x);
  tw_glpk_destroy(&g);
  tw_lp_free(&lp);
  tw_lp_map_free(&m);
  return best;
}

/* ---- Parallel windows (docs/OPTIMIZE.md "Parallel windows") ---- */

/* Solve window [t0, t0+nt) cold from `ws`, with the storage levels at its
 * last snapshot fixed to su_end / st_end (NaN: free), and copy all of its
 * snapshots into r. A window whose end targets make it infeasible is solved
 * again without them (*relaxed = 1). */
static tw_status window_solve(const tw_network *net, const tw_cycles *cyc,
                              const tw_optimize_params *p, size_t t0, size_t nt,
                              const tw_window_state *ws, const double *su_end,
                              const double *st_end, int *relaxed, tw_optimize_result *r) {
  tw_status st = TW_OK;
  const char *name = net->name ? net->name : "network";
  tw_lp lp;
  tw_lp_map m;
  tw_glpk *g = NULL;
  double *x = NULL, *y = NULL, obj;
  memset(&lp, 0, sizeof lp);
  memset(&m, 0, sizeof m);
  *relaxed = 0;
  for (int attempt = 0;; attempt++) {
    double tb = now_s();
    TW_CHECK_GOTO(st, tw_lp_build(net, cyc, p, t0, nt, ws, p->load_shedding ? 1 : 0, &lp, &m));
    if (attempt == 0) {
      /* end-of-window levels as column bounds, clipped to the column's own */
      for (size_t s = 0; s < net->n_storage_units; s++) {
        size_t c = tw_lp_col(&m, nt - 1, m.off_su + 4 * s + 2);
        if (!isnan(su_end[s])) lp.c_lb[c] = lp.c_ub[c] = fmin(fmax(su_end[s], lp.c_lb[c]), lp.c_ub[c]);
      }
      for (size_t s = 0; s < net->n_stores; s++) {
        size_t c = tw_lp_col(&m, nt - 1, m.off_store + 2 * s + 1);
        if (!isnan(st_end[s])) lp.c_lb[c] = lp.c_ub[c] = fmin(fmax(st_end[s], lp.c_lb[c]), lp.c_ub[c]);
      }
    }
    TW_CHECK_GOTO(st, tw_glpk_create(&g));
    TW_CHECK_GOTO(st, tw_glpk_load(g, &lp, 0));
    r->build_seconds += now_s() - tb;
    tw_lp_conditioning_report(net, &m, &lp, name, 0, r);
    double ts = now_s();
    const char *status = "failed";
    TW_CHECK_GOTO(st, tw_glpk_solve(g, p, 0, &status, &r->iterations));
    tw_glpk_add_stats(g, r);
    r->solve_seconds += now_s() - ts;
    if (!strcmp(status, "optimal")) break;
    if (attempt == 0 && !strcmp(status, "infeasible")) {
      TW_LOG_W("%s: window '%s' to '%s' cannot reach the coarse pass's storage levels at its "
               "end; solved with free end levels (the stitched schedule is not continuous there)",
               name, net->snapshots[t0], net->snapshots[t0 + nt - 1]);
      *relaxed = 1;
      tw_glpk_destroy(&g);
      tw_lp_free(&lp);
      tw_lp_map_free(&m);
      continue;
    }
    st = tw_error(!strcmp(status, "infeasible") || !strcmp(status, "unbounded") ? TW_ERR_INFEASIBLE
                                                                                : TW_ERR_INTERNAL,
                  "%s: the LP of window '%s' to '%s' is %s", name, net->snapshots[t0],
                  net->snapshots[t0 + nt - 1], status);
    goto cleanup;
  }
  TW_CHECK_GOTO(st, tw_calloc(lp.ncols + 1, sizeof(double), "solution", &x));
  TW_CHECK_GOTO(st, tw_calloc(lp.nrows + 1, sizeof(double), "duals", &y));
  TW_CHECK_GOTO(st, tw_glpk_solution(g, x, y, &obj));
  TW_CHECK_GOTO(st, tw_lp_kkt_check(g, net, &m, name, r));
  extract(net, &m, x, y, nt, r);
  TW_LOG_D("%s: window '%s' to '%s': LP objective %.10g", name, net->snapshots[t0],
           net->snapshots[t0 + nt - 1], obj);
cleanup:
  free(x);
  free(y);
  tw_glpk_destroy(&g);
  tw_lp_free(&lp);
  tw_lp_map_free(&m);
  return st;
}

/* The first thing that couples windows other than through storage (an
 * extendable capacity, a global constraint, a ramp limit), written into why
 * as "<what>: <component> '<name>'"; 0 when there is none. */
static int window_coupling(const tw_network *n, char *why, size_t size) {
#define TW_EXTENDABLE(arr, count, flag, what)                                            \
  for (size_t i = 0; i < n->count; i++)                                                  \
    if (n->arr[i].flag)                                                                  \
      return snprintf(why, size, "extendable capacities: " what " '%s' (" #flag ")",         \
                      n->arr[i].name), 1;
  TW_EXTENDABLE(generators, n_generators, p_nom_extendable, "generator")
  TW_EXTENDABLE(lines, n_lines, s_nom_extendable, "line")
  TW_EXTENDABLE(transformers, n_transformers, s_nom_extendable, "transformer")
  TW_EXTENDABLE(links, n_links, p_nom_extendable, "link")
  TW_EXTENDABLE(storage_units, n_storage_units, p_nom_extendable, "storage unit")
  TW_EXTENDABLE(stores, n_stores, e_nom_extendable, "store")
#undef TW_EXTENDABLE
  if (n->n_global_constraints)
    return snprintf(why, size, "global constraints: '%s'", n->global_constraints[0].name), 1;
  for (size_t i = 0; i < n->n_generators; i++) {
    const tw_generator *x = &n->generators[i];
    if (!isnan(x->ramp_limit_up) || !isnan(x->ramp_limit_down) || x->ramp_limit_up_t ||
        x->ramp_limit_down_t)
      return snprintf(why, size, "ramp limits: generator '%s'", x->name), 1;
  }
  for (size_t i = 0; i < n->n_links; i++) {
    const tw_link *x = &n->links[i];
    if (!isnan(x->ramp_limit_up) || !isnan(x->ramp_limit_down) || x->ramp_limit_up_t ||
        x->ramp_limit_down_t)
      return snprintf(why, size, "ramp limits: link '%s'", x->name), 1;
  }
  return 0;
}

/* Sum (or max) over processes in place; nothing to do with one. */
static tw_status window_reduce(const tw_optimize_params *p, double *buf, size_t n, int max) {
  if (!p->window_reduce || p->window_ranks <= 1 || n == 0) return TW_OK;
  return p->window_reduce(p->window_reduce_ctx, buf, n, max);
}

static tw_status windows_gather(const tw_optimize_params *p, tw_optimize_result *r) {
  size_t T = r->n_snapshots;
  struct {
    double *a;
    size_t n;
  } arr[] = {{r->gen_p, T * r->n_generators},         {r->load_p, T * r->n_loads},
             {r->line_p0, T * r->n_lines},            {r->line_p1, T * r->n_lines},
             {r->trafo_p0, T * r->n_transformers},    {r->trafo_p1, T * r->n_transformers},
             {r->link_p0, T * r->n_links},            {r->link_p1, T * r->n_links},
             {r->su_p, T * r->n_storage_units},       {r->su_p_dispatch, T * r->n_storage_units},
             {r->su_p_store, T * r->n_storage_units}, {r->su_spill, T * r->n_storage_units},
             {r->su_state_of_charge, T * r->n_storage_units},
             {r->store_p, T * r->n_stores},           {r->store_e, T * r->n_stores},
             {r->bus_marginal_price, T * r->n_buses}, {r->bus_shed_MW, T * r->n_buses}};
  for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++) {
    /* every snapshot belongs to exactly one window: the sum over processes
     * is that window's value, exactly (x + 0 == x) */
    TW_CHECK(window_reduce(p, arr[i].a, arr[i].n, 0));
    for (size_t j = 0; j < arr[i].n; j++) arr[i].a[j] += 0.0; /* -0 -> +0 with any rank count */
  }
  double sum[] = {(double)r->iterations,         r->build_seconds,
                  r->solve_seconds,              (double)r->pdlp_iterations,
                  (double)r->crossover_iterations, r->pdlp_seconds,
                  r->crossover_seconds,          (double)r->windows_relaxed};
  double mx[] = {r->lp_cost_ratio,  r->lp_matrix_ratio, r->kkt_primal_abs,
                 r->kkt_primal_rel, r->kkt_dual_abs,    r->kkt_dual_rel,
                 r->kkt_complementarity_rel};
  TW_CHECK(window_reduce(p, sum, sizeof sum / sizeof sum[0], 0));
  TW_CHECK(window_reduce(p, mx, sizeof mx / sizeof mx[0], 1));
  r->iterations = (long)sum[0];
  r->build_seconds = sum[1];
  r->solve_seconds = sum[2];
  r->pdlp_iterations = (long)sum[3];
  r->crossover_iterations = (long)sum[4];
  r->pdlp_seconds = sum[5];
  r->crossover_seconds = sum[6];
  r->windows_relaxed = (long)sum[7];
  r->lp_cost_ratio = mx[0];
  r->lp_matrix_ratio = mx[1];
  r->kkt_primal_abs = mx[2];
  r->kkt_primal_rel = mx[3];
  r->kkt_dual_abs = mx[4];
  r->kkt_dual_rel = mx[5];
  r->kkt_complementarity_rel = mx[6];
  return TW_OK;
}

static tw_status optimize_windows(const tw_network *net, const tw_optimize_params *p,
                                  tw_optimize_result **out) {
  tw_status st = TW_OK;
  const char *name = net->name ? net->name : "network";
  size_t T = net->n_snapshots, H = p->window_parallel;
  size_t K = p->window_coarse ? p->window_coarse : 24;
  size_t S = net->n_storage_units, ST = net->n_stores;
  int rank = p->window_rank, ranks = p->window_ranks > 0 ? p->window_ranks : 1;
  tw_network *coarse = NULL;
  tw_optimize_result *cr = NULL, *mr = NULL, *r = NULL;
  tw_cycles cyc;
  double *soc = NULL, *e = NULL, *su_end = NULL, *st_end = NULL;
  memset(&cyc, 0, sizeof cyc);
  *out = NULL;
  if (H % K != 0)
    return tw_error(TW_ERR_INPUT,
                    "%s: parallel windows of %zu snapshots must be a multiple of the coarse "
                    "step (%zu snapshots)", name, H, K);
  if (p->horizon)
    return tw_error(TW_ERR_INPUT, "%s: parallel windows and a rolling horizon exclude each other",
                    name);
  if (rank < 0 || rank >= ranks)
    return tw_error(TW_ERR_INTERNAL, "optimize: window rank %d outside %d processes", rank, ranks);
  char why[320];
  if (window_coupling(net, why, sizeof why))
    return tw_error(TW_ERR_INPUT,
                    "%s: parallel windows need fixed capacities, no global constraints and no "
                    "ramp limits (windows are coupled only through storage); this network has %s",
                    name, why);
  /* the coarse pass: every process solves it (identical, no messages) */
  tw_optimize_params q = *p;
  q.window_parallel = 0;
  q.horizon = q.overlap = 0;
  q.write_lp = q.write_mps = NULL;
  TW_CHECK_GOTO(st, tw_network_coarsen(net, K, &coarse));
  st = tw_optimize_network(coarse, &q, &cr);
  if (st != TW_OK) {
    st = tw_error_prefix(st, "%s: the coarse pass (%zu snapshots per step): ", name, K);
    goto cleanup;
  }
  size_t Tc = coarse->n_snapshots;
  TW_CHECK_GOTO(st, result_alloc(net, &r));
  r->load_shedding = p->load_shedding != 0;
  r->value_of_lost_load = p->value_of_lost_load;
  r->coarse_objective = cr->objective;
  r->monolithic_objective = NAN;
  r->window_gap_rel = NAN;
  TW_CHECK_GOTO(st, tw_cycles_compute(net, &cyc));
  TW_CHECK_GOTO(st, tw_calloc(S + 1, sizeof(double), "state", &soc));
  TW_CHECK_GOTO(st, tw_calloc(ST + 1, sizeof(double), "state", &e));
  TW_CHECK_GOTO(st, tw_calloc(S + 1, sizeof(double), "state", &su_end));
  TW_CHECK_GOTO(st, tw_calloc(ST + 1, sizeof(double), "state", &st_end));
  size_t W = (T + H - 1) / H;
  double fail = 0;
  for (size_t w = (size_t)rank; w < W && st == TW_OK; w += (size_t)ranks) {
    size_t t0 = w * H, nt = t0 + H <= T ? H : T - t0;
    int last = w + 1 == W;
    for (size_t s = 0; s < S; s++) {
      const tw_storage_unit *x = &net->storage_units[s];
      const double *lv = &cr->su_state_of_charge[0];
      double end_level = lv[(Tc - 1) * S + s];
      if (t0 > 0) soc[s] = lv[(t0 / K - 1) * S + s];
      else if (x->cyclic_state_of_charge) /* the builder adds it without the standing loss */
        soc[s] = pow(1.0 - tw_series_at(x->standing_loss_t, x->standing_loss, 0),
                     net->weight_stores[0]) * end_level;
      else soc[s] = x->state_of_charge_initial_MWh;
      su_end[s] = !last ? lv[((t0 + nt) / K - 1) * S + s]
                        : x->cyclic_state_of_charge ? end_level : NAN;
    }
    for (size_t s = 0; s < ST; s++) {
      const tw_store *x = &net->stores[s];
      const double *lv = &cr->store_e[0];
      double end_level = lv[(Tc - 1) * ST + s];
      if (t0 > 0) e[s] = lv[(t0 / K - 1) * ST + s];
      else if (x->e_cyclic)
        e[s] = pow(1.0 - tw_series_at(x->standing_loss_t, x->standing_loss, 0),
                   net->weight_stores[0]) * end_level;
      else e[s] = x->e_initial_MWh;
      st_end[s] = !last ? lv[((t0 + nt) / K - 1) * ST + s] : x->e_cyclic ? end_level : NAN;
    }
    tw_window_state ws = {soc, e, 1, NULL, NULL};
    int relaxed = 0;
    st = window_solve(net, &cyc, p, t0, nt, &ws, su_end, st_end, &relaxed, r);
    r->windows_relaxed += relaxed;
  }
  /* the monolithic optimum, for the gap: on the process after the last window's */
  double mono = 0;
  if (st == TW_OK && p->window_monolithic && (int)(W % (size_t)ranks) == rank) {
    q = *p;
    q.window_parallel = 0;
    q.write_lp = q.write_mps = NULL;
    st = tw_optimize_network(net, &q, &mr);
    if (st == TW_OK) mono = mr->objective;
  }
  fail = st != TW_OK;
  tw_status rs = window_reduce(p, &fail, 1, 1);
  if (st == TW_OK && rs != TW_OK) st = rs;
  if (st == TW_OK && fail > 0)
    st = tw_error(TW_ERR_INTERNAL, "%s: another process failed its windows (see its message)", name);
  if (st != TW_OK) goto cleanup;
  TW_CHECK_GOTO(st, windows_gather(p, r));
  if (p->window_monolithic) TW_CHECK_GOTO(st, window_reduce(p, &mono, 1, 0));
  /* fixed capacities: the network's own, on every process */
  for (size_t g = 0; g < net->n_generators; g++) r->gen_p_nom_opt[g] = net->generators[g].p_nom_MW;
  for (size_t b = 0; b < net->n_lines; b++) r->line_s_nom_opt[b] = net->lines[b].s_nom_MVA;
  for (size_t b = 0; b < net->n_transformers; b++)
    r->trafo_s_nom_opt[b] = net->transformers[b].s_nom_MVA;
  for (size_t k = 0; k < net->n_links; k++) r->link_p_nom_opt[k] = net->links[k].p_nom_MW;
  for (size_t s = 0; s < S; s++) r->su_p_nom_opt[s] = net->storage_units[s].p_nom_MW;
  for (size_t s = 0; s < ST; s++) r->store_e_nom_opt[s] = net->stores[s].e_nom_MWh;
  r->n_windows = W;
  r->status = "optimal";
  summarise(net, p, r);
  if (p->window_monolithic) {
    r->monolithic_objective = mono;
    r->window_gap_rel = (r->objective - mono) / fmax(1.0, fabs(mono));
    TW_LOG_I("%s: %zu parallel windows of %zu snapshots on %d process(es): objective %.10g, "
             "monolithic optimum %.10g, gap %.3g%% (coarse pass at %zu snapshots per step: "
             "%.10g; %ld window(s) relaxed)",
             name, W, H, ranks, r->objective, mono, 100.0 * r->window_gap_rel, K,
             r->coarse_objective, r->windows_relaxed);
  } else {
    TW_LOG_I("%s: %zu parallel windows of %zu snapshots on %d process(es): objective %.10g "
             "(coarse pass at %zu snapshots per step: %.10g; %ld window(s) relaxed)",
             name, W, H, ranks, r->objective, K, r->coarse_objective, r->windows_relaxed);
  }
  *out = r;
  r = NULL;
cleanup:
  tw_network_destroy(&coarse);
  tw_optimize_result_destroy(&cr);
  tw_optimize_result_destroy(&mr);
  tw_optimize_result_destroy(&r);
  tw_cycles_free(&cyc);
  free(soc);
  free(e);
  free(su_end);
  free(st_end);
  return st;
}

tw_status tw_optimize_network(const tw_network *net, const tw_optimize_params *params,
                              tw_optimize_result **out) {
  tw_status st = TW_OK;
  tw_optimize_params p;
  tw_cycles cyc;
  tw_lp lp;
  tw_lp_map map;
  tw_glpk *g = NULL;
  tw_optimize_result *r = NULL;
  double *x = NULL, *y = NULL, *soc = NULL, *e = NULL, *gprev = NULL, *kprev = NULL;
  memset(&cyc, 0, sizeof cyc);
  memset(&lp, 0, sizeof lp);
  memset(&map, 0, sizeof map);
  *out = NULL;
  if (params) p = *params;
  else tw_optimize_params_default(&p);
  const char *name = net->name ? net->name : "network";
  TW_CHECK(tw_network_validate(net, name));
  if (!(p.value_of_lost_load > 0) || !isfinite(p.value_of_lost_load))
    return tw_error(TW_ERR_INPUT, "optimize: value of lost load %g must be > 0", p.value_of_lost_load);
  if (p.window_parallel) return optimize_windows(net, &p, out);
  size_t T = net->n_snapshots;
  size_t H = (p.horizon == 0 || p.horizon >= T) ? T : p.horizon;
  if (H < T && p.overlap >= H)
    return tw_error(TW_ERR_INPUT, "optimize: overlap %zu must be smaller than the horizon %zu",
                    p.overlap, H);
  size_t step = H < T ? H - p.overlap : T;
  if (H < T) {
    int ext = 0;
    for (size_t i = 0; i < net->n_generators; i++) ext |= net->generators[i].p_nom_extendable;
    for (size_t i = 0; i < net->n_lines; i++) ext |= net->lines[i].s_nom_extendable;
    for (size_t i = 0; i < net->n_transformers; i++) ext |= net->transformers[i].s_nom_extendable;
    for (size_t i = 0; i < net->n_links; i++) ext |= net->links[i].p_nom_extendable;
    for (size_t i = 0; i < net->n_storage_units; i++) ext |= net->storage_units[i].p_nom_extendable;
    for (size_t i = 0; i < net->n_stores; i++) ext |= net->stores[i].e_nom_extendable;
    if (ext || net->n_global_constraints)
      return tw_error(TW_ERR_INPUT,
                      "%s: a rolling horizon (--horizon %zu < %zu snapshots) needs fixed "
                      "capacities and no global constraints; this network has %s",
                      name, H, T, ext ? "extendable capacities" : "global constraints");
  }
  TW_CHECK_GOTO(st, result_alloc(net, &r));
  r->load_shedding = p.load_shedding != 0;
  r->value_of_lost_load = p.value_of_lost_load;
  TW_CHECK_GOTO(st, tw_cycles_compute(net, &cyc));
  TW_CHECK_GOTO(st, tw_calloc(net->n_storage_units + 1, sizeof(double), "state", &soc));
  TW_CHECK_GOTO(st, tw_calloc(net->n_stores + 1, sizeof(double), "state", &e));
  TW_CHECK_GOTO(st, tw_calloc(net->n_generators + 1, sizeof(double), "state", &gprev));
  TW_CHECK_GOTO(st, tw_calloc(net->n_links + 1, sizeof(double), "state", &kprev));
  for (size_t s = 0; s < net->n_storage_units; s++)
    soc[s] = net->storage_units[s].state_of_charge_initial_MWh;
  for (size_t s = 0; s < net->n_stores; s++) e[s] = net->stores[s].e_initial_MWh;
  TW_CHECK_GOTO(st, tw_glpk_create(&g));
  for (size_t t0 = 0; t0 < T; t0 += step) {
    size_t nt = t0 + H <= T ? H : T - t0;
    int last = t0 + nt >= T;
    size_t keep = last ? nt : step;
    tw_window_state ws = {soc, e, H < T, t0 > 0 ? gprev : NULL, t0 > 0 ? kprev : NULL};
    double tb = now_s();
    TW_CHECK_GOTO(st, tw_lp_build(net, &cyc, &p, t0, nt, H < T ? &ws : NULL, p.load_shedding ? 1 : 0,
                                  &lp, &map));
    int warm = p.warm_start && r->n_windows > 0;
    TW_CHECK_GOTO(st, tw_glpk_load(g, &lp, warm));
    r->build_seconds += now_s() - tb;
    /* conditioning before solving: logged for the first window */
    tw_lp_conditioning_report(net, &map, &lp, name, r->n_windows == 0, r);
    if (r->n_windows == 0 && (p.write_lp || p.write_mps))
      TW_CHECK_GOTO(st, tw_glpk_write(g, p.write_lp, p.write_mps));
    double ts = now_s();
    const char *status = "failed";
    TW_CHECK_GOTO(st, tw_glpk_solve(g, &p, warm, &status, &r->iterations));
    tw_glpk_add_stats(g, r);
    r->solve_seconds += now_s() - ts;
    r->n_windows++;
    r->status = status;
    int infeasible = !strcmp(status, "infeasible") || !strcmp(status, "unbounded");
    double imbalance = -1;
    if (infeasible && p.diagnose_infeasible)
      imbalance = diagnose(net, &cyc, &p, t0, nt, H < T ? &ws : NULL, r);
    if (!strcmp(status, "infeasible") && imbalance >= 0 && imbalance <= 1e-6 &&
        tw_glpk_pdlp_verdict(g)) {
      /* the LP with bus slacks needs none, so it is feasible: PDLP's
       * infeasibility certificate was wrong and the simplex decides */
      TW_LOG_W("%s: PDLP reported the LP infeasible, but it balances with zero bus slack; "
               "solving it again with the simplex",
               name);
      tw_optimize_params q = p;
      q.solver = TW_SOLVER_SIMPLEX;
      r->diagnosis[0] = '\0';
      TW_CHECK_GOTO(st, tw_glpk_load(g, &lp, 0));
      TW_CHECK_GOTO(st, tw_glpk_solve(g, &q, 0, &status, &r->iterations));
      r->status = status;
      infeasible = !strcmp(status, "infeasible") || !strcmp(status, "unbounded");
      if (infeasible && p.diagnose_infeasible) diagnose(net, &cyc, &p, t0, nt, H < T ? &ws : NULL, r);
    }
    if (strcmp(status, "optimal") != 0) {
      if (!infeasible || !p.diagnose_infeasible)
        snprintf(r->diagnosis, sizeof r->diagnosis, "the solver stopped: %s", status);
      st = tw_error(strcmp(status, "infeasible") == 0 || strcmp(status, "unbounded") == 0
                        ? TW_ERR_INFEASIBLE
                        : TW_ERR_INTERNAL,
                    "%s: the LP is %s (snapshots '%s' to '%s'): %s", name, status,
                    net->snapshots[t0], net->snapshots[t0 + nt - 1], r->diagnosis);
      *out = r;
      r = NULL;
      goto cleanup;
    }
    free(x);
    free(y);
    x = y = NULL;
    TW_CHECK_GOTO(st, tw_calloc(lp.ncols + 1, sizeof(double), "solution", &x));
    TW_CHECK_GOTO(st, tw_calloc(lp.nrows + 1, sizeof(double), "duals", &y));
    double obj;
    TW_CHECK_GOTO(st, tw_glpk_solution(g, x, y, &obj));
    /* optimality, not only feasibility: GLPK's "optimal" must satisfy KKT */
    st = tw_lp_kkt_check(g, net, &map, name, r);
    if (st != TW_OK) {
      r->status = "not optimal";
      goto cleanup;
    }
    extract(net, &map, x, y, keep, r);
    size_t tk = keep - 1;
    for (size_t s = 0; s < net->n_storage_units; s++)
      soc[s] = x[tw_lp_col(&map, tk, map.off_su + 4 * s + 2)];
    for (size_t s = 0; s < net->n_stores; s++) e[s] = x[tw_lp_col(&map, tk, map.off_store + 2 * s + 1)];
    for (size_t i = 0; i < net->n_generators; i++) gprev[i] = x[tw_lp_col(&map, tk, map.off_gen + i)];
    for (size_t k = 0; k < net->n_links; k++) kprev[k] = x[tw_lp_col(&map, tk, map.off_link + k)];
    TW_LOG_D("%s: window %zu (snapshots %zu..%zu): LP objective %.10g", name, r->n_windows, t0,
             t0 + nt - 1, obj);
    tw_lp_free(&lp);
    tw_lp_map_free(&map);
    if (last) break;
  }
  summarise(net, &p, r);
  TW_LOG_D("%s: %zu window(s), %ld simplex iterations, %ld solve(s) started from a cached basis",
           name, r->n_windows, r->iterations, r->warm_starts);
  *out = r;
  r = NULL;
cleanup:
  tw_lp_free(&lp);
  tw_lp_map_free(&map);
  tw_cycles_free(&cyc);
  tw_glpk_destroy(&g);
  tw_optimize_result_destroy(&r);
  free(x);
  free(y);
  free(soc);
  free(e);
  free(gprev);
  free(kprev);
  return st;
}
