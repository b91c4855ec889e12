/* The cost of forecast error: schedule on forecasts (stage 1), re-dispatch
 * on the actual inputs with priced deviations (stage 2), compare with
 * perfect foresight. Formulation in docs/SCENARIO.md ("Forecast stage").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/forecast_stage.h"
#include "terrawatt/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy a network. fix != NULL: every capacity becomes non-extendable at
 * fix's optimum. with_generators 0 leaves the generators out. */
static tw_status clone_network(const tw_network *src, const tw_optimize_result *fix,
                               int with_generators, tw_network **out) {
  tw_network *dst = NULL;
  tw_status st = TW_OK;
  const size_t T = src->n_snapshots;
  *out = NULL;
  TW_CHECK(tw_network_create(T, &dst));
  for (size_t t = 0; t < T; t++) {
    TW_CHECK_GOTO(st, tw_network_set_snapshot_label(dst, t, src->snapshots[t]));
    dst->weight_objective[t] = src->weight_objective[t];
    dst->weight_stores[t] = src->weight_stores[t];
    dst->weight_generators[t] = src->weight_generators[t];
  }
  for (size_t i = 0; i < src->n_buses; i++) {
    const tw_bus *b = &src->buses[i];
    TW_CHECK_GOTO(st, tw_network_add_bus(dst, b->name, b->v_nom_kV, b->carrier, NULL));
    dst->buses[i].x = b->x;
    dst->buses[i].y = b->y;
  }
  for (size_t i = 0; i < src->n_carriers; i++)
    TW_CHECK_GOTO(st, tw_network_add_carrier(dst, src->carriers[i].name,
                                             src->carriers[i].co2_emissions, NULL));
  for (size_t i = 0; with_generators && i < src->n_generators; i++) {
    tw_generator g = src->generators[i];
    if (fix) {
      g.p_nom_MW = fix->gen_p_nom_opt[i];
      g.p_nom_extendable = 0;
    }
    TW_CHECK_GOTO(st, tw_network_add_generator(dst, &g, NULL));
  }
  for (size_t i = 0; i < src->n_loads; i++)
    TW_CHECK_GOTO(st, tw_network_add_load(dst, &src->loads[i], NULL));
  for (size_t i = 0; i < src->n_lines; i++) {
    tw_branch b = src->lines[i];
    if (fix) {
      b.s_nom_MVA = fix->line_s_nom_opt[i];
      b.s_nom_extendable = 0;
    }
    TW_CHECK_GOTO(st, tw_network_add_line(dst, &b, NULL));
  }
  for (size_t i = 0; i < src->n_transformers; i++) {
    tw_branch b = src->transformers[i];
    if (fix) {
      b.s_nom_MVA = fix->trafo_s_nom_opt[i];
      b.s_nom_extendable = 0;
    }
    TW_CHECK_GOTO(st, tw_network_add_transformer(dst, &b, NULL));
  }
  for (size_t i = 0; i < src->n_links; i++) {
    tw_link k = src->links[i];
    if (fix) {
      k.p_nom_MW = fix->link_p_nom_opt[i];
      k.p_nom_extendable = 0;
    }
    TW_CHECK_GOTO(st, tw_network_add_link(dst, &k, NULL));
  }
  for (size_t i = 0; i < src->n_storage_units; i++) {
    tw_storage_unit s = src->storage_units[i];
    if (fix) {
      s.p_nom_MW = fix->su_p_nom_opt[i];
      s.p_nom_extendable = 0;
    }
    TW_CHECK_GOTO(st, tw_network_add_storage_unit(dst, &s, NULL));
  }
  for (size_t i = 0; i < src->n_stores; i++) {
    tw_store s = src->stores[i];
    if (fix) {
      s.e_nom_MWh = fix->store_e_nom_opt[i];
      s.e_nom_extendable = 0;
    }
    TW_CHECK_GOTO(st, tw_network_add_store(dst, &s, NULL));
  }
  for (size_t i = 0; i < src->n_global_constraints; i++) {
    const tw_global_constraint *gc = &src->global_constraints[i];
    TW_CHECK_GOTO(st, tw_network_add_global_constraint(dst, gc->name, gc->sense, gc->constant, NULL));
  }
  *out = dst;
  dst = NULL;
cleanup:
  tw_network_destroy(&dst);
  return st;
}

/* Stage 2's generators: for generator g with capacity P (stage 1's
 * optimum), schedule s_t, actual availability a_t = p_max_pu_t P and
 * minimum m_t = p_min_pu_t P:
 *   "g"        output fixed at s_t (marginal and capital cost of g);
 *   "g [up]"   0 <= u_t <= max(a_t - s_t, 0), cost mc_t + c;
 *   "g [down]" -(s_t - m_t) <= -d_t <= -max(s_t - a_t, 0), cost mc_t - c
 * so the output s_t + u_t - d_t lies in [m_t, a_t] and costs
 * mc_t (s_t + u_t - d_t) + c (u_t + d_t). */
static tw_status add_balancing_generators(tw_network *dst, const tw_network *net,
                                          const tw_optimize_result *r1, double c) {
  const size_t T = net->n_snapshots, G = net->n_generators;
  double *fixed = NULL, *up = NULL, *dn_lo = NULL, *dn_hi = NULL, *mc_up = NULL, *mc_dn = NULL;
  char *name = NULL;
  tw_status st = TW_OK;
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *fixed, "schedule", &fixed));
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *up, "headroom", &up));
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *dn_lo, "downward range", &dn_lo));
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *dn_hi, "downward range", &dn_hi));
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *mc_up, "marginal cost", &mc_up));
  TW_CHECK_GOTO(st, tw_calloc(T, sizeof *mc_dn, "marginal cost", &mc_dn));
  for (size_t g = 0; g < G; g++) {
    const tw_generator *x = &net->generators[g];
    double P = r1->gen_p_nom_opt[g];
    tw_generator fx = *x;
    fx.p_nom_MW = P;
    fx.p_nom_extendable = 0;
    if (!(P > 0)) { /* no capacity: nothing to schedule or balance */
      TW_CHECK_GOTO(st, tw_network_add_generator(dst, &fx, NULL));
      continue;
    }
    for (size_t t = 0; t < T; t++) {
      double s = r1->gen_p[t * G + g];
      double a = tw_series_at(x->p_max_pu_t, x->p_max_pu, t) * P;
      double m = tw_series_at(x->p_min_pu_t, x->p_min_pu, t) * P;
      if (s < m) s = m; /* solver tolerance */
      fixed[t] = s / P;
      up[t] = fmax(a - s, 0.0) / P;
      dn_lo[t] = -(s - m) / P;
      dn_hi[t] = -fmax(s - a, 0.0) / P;
      if (dn_hi[t] < dn_lo[t]) dn_hi[t] = dn_lo[t];
      double mc = tw_series_at(x->marginal_cost_t, x->marginal_cost, t);
      mc_up[t] = mc + c;
      mc_dn[t] = mc - c;
    }
    fx.p_min_pu_t = fixed;
    fx.p_max_pu_t = fixed;
    TW_CHECK_GOTO(st, tw_network_add_generator(dst, &fx, NULL));
    size_t len = strlen(x->name) + 8;
    free(name);
    name = NULL;
    TW_CHECK_GOTO(st, tw_calloc(len, 1, "generator name", &name));
    tw_generator u = fx;
    u.name = name;
    u.capital_cost = 0;
    u.p_nom_min_MW = 0;
    u.p_min_pu_t = NULL;
    u.p_min_pu = 0;
    u.p_max_pu_t = up;
    u.marginal_cost_t = mc_up;
    snprintf(name, len, "%s [up]", x->name);
    TW_CHECK_GOTO(st, tw_network_add_generator(dst, &u, NULL));
    u.p_min_pu_t = dn_lo;
    u.p_max_pu_t = dn_hi;
    u.marginal_cost_t = mc_dn;
    snprintf(name, len, "%s [down]", x->name);
    TW_CHECK_GOTO(st, tw_network_add_generator(dst, &u, NULL));
  }
cleanup:
  free(fixed);
  free(up);
  free(dn_lo);
  free(dn_hi);
  free(mc_up);
  free(mc_dn);
  free(name);
  return st;
}

/* Warm starts of the two stages (docs/OPTIMIZE.md "Warm starts across
 * solves"). With a keyed cache, stage 1 (the same LP as `pf`'s on other
 * series: same structure) starts from the basis under p->basis_key, where
 * the caller kept pf's optimal basis, and keeps nothing; stage 2 (capacities
 * fixed, balancing generators: another structure) starts from and keeps
 * under p's basis_from/basis_store. Without a cache both solve cold; in
 * TW_BASIS_REUSE mode both use p as it is. */
static void stage_params(const tw_optimize_params *p, tw_optimize_params *p1,
                         tw_optimize_params *p2) {
  *p1 = *p;
  *p2 = *p;
  if (!p->basis_cache || p->basis_mode != TW_BASIS_KEYED) return;
  p1->basis_from[0] = p->basis_key;
  p1->basis_from[1] = NULL;
  p1->basis_store[0] = p1->basis_store[1] = NULL;
}

static void note_stage(int stage, const tw_optimize_result *r, tw_forecast_stage_result *res) {
  res->stage_iterations[stage - 1] = r->iterations;
  res->stage_warm_start[stage - 1] = r->warm_starts > 0;
  TW_LOG_D("forecast stage %d: %ld simplex iterations, %s", stage, r->iterations,
           r->warm_starts > 0 ? "warm start from a cached basis" : "cold start");
}

tw_status tw_forecast_error_cost(const tw_network *net, const tw_optimize_params *p,
                                 const tw_optimize_result *pf, double *const *load_forecast_MW,
                                 double *const *cf_forecast, double imbalance_cost_per_MWh,
                                 tw_forecast_stage_result *res) {
  tw_network *n1 = NULL, *n2 = NULL;
  tw_optimize_result *r1 = NULL, *r2 = NULL;
  tw_optimize_params p1, p2;
  double *cf = NULL;
  tw_status st = TW_OK;
  const size_t T = net->n_snapshots, G = net->n_generators;
  const double c = imbalance_cost_per_MWh;
  if (!(c >= 0) || !isfinite(c))
    return tw_error(TW_ERR_INPUT, "forecast.imbalance_cost: %g is not a cost >= 0", c);
  stage_params(p, &p1, &p2);
  res->imbalance_cost = c;
  res->perfect_foresight_cost = pf->total_cost;

  /* stage 1: the LP on the forecasts */
  TW_CHECK_GOTO(st, clone_network(net, NULL, 1, &n1));
  TW_CHECK_GOTO(st, tw_calloc(T ? T : 1, sizeof *cf, "forecast series", &cf));
  for (size_t l = 0; load_forecast_MW && l < net->n_loads; l++)
    if (load_forecast_MW[l])
      TW_CHECK_GOTO(st, tw_network_load_set_p_set_series(n1, l, load_forecast_MW[l]));
  for (size_t g = 0; cf_forecast && g < G; g++) {
    if (!cf_forecast[g]) continue;
    const tw_generator *x = &net->generators[g];
    for (size_t t = 0; t < T; t++) {
      double lo = fmax(tw_series_at(x->p_min_pu_t, x->p_min_pu, t), 0.0);
      double v = cf_forecast[g][t];
      cf[t] = isfinite(v) ? fmin(fmax(v, lo), 1.0) : lo;
    }
    TW_CHECK_GOTO(st, tw_network_generator_set_p_max_pu_series(n1, g, cf));
  }
  st = tw_optimize_network(n1, &p1, &r1);
  if (st != TW_OK) {
    tw_error_prefix(st, "forecast stage 1 (schedule on the forecasts): ");
    goto cleanup;
  }
  note_stage(1, r1, res);
  res->schedule_cost = r1->total_cost;

  /* stage 2: re-dispatch on the actual inputs around the schedule */
  TW_CHECK_GOTO(st, clone_network(net, r1, 0, &n2));
  TW_CHECK_GOTO(st, add_balancing_generators(n2, net, r1, c));
  st = tw_optimize_network(n2, &p2, &r2);
  if (st != TW_OK) {
    tw_error_prefix(st, "forecast stage 2 (re-dispatch on the actual inputs): ");
    goto cleanup;
  }
  note_stage(2, r2, res);
  res->realised_cost = r2->total_cost;
  res->unserved_MWh = r2->unserved_MWh;
  res->imbalance_MWh = 0;
  {
    const size_t G2 = n2->n_generators;
    for (size_t i = 0; i < G2; i++) {
      const char *nm = n2->generators[i].name;
      size_t len = strlen(nm);
      int is_up = len > 5 && strcmp(nm + len - 5, " [up]") == 0;
      int is_dn = len > 7 && strcmp(nm + len - 7, " [down]") == 0;
      if (!is_up && !is_dn) continue;
      for (size_t t = 0; t < T; t++)
        res->imbalance_MWh += n2->weight_objective[t] * fabs(r2->gen_p[t * G2 + i]);
    }
  }
  res->imbalance_penalty = c * res->imbalance_MWh;
  res->forecast_error_cost = res->realised_cost - res->perfect_foresight_cost;
  TW_LOG_I("forecast stage: perfect foresight %.6g, schedule %.6g, realised %.6g (imbalance %.6g "
           "MWh), forecast error cost %.6g",
           res->perfect_foresight_cost, res->schedule_cost, res->realised_cost, res->imbalance_MWh,
           res->forecast_error_cost);
cleanup:
  tw_optimize_result_destroy(&r1);
  tw_optimize_result_destroy(&r2);
  tw_network_destroy(&n1);
  tw_network_destroy(&n2);
  free(cf);
  return st;
}
