/* Build the LOPF linear program of a snapshot window (PyPSA's formulation;
 * see include/terrawatt/optimize.h and docs/OPTIMIZE.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/lp.h"
#include "terrawatt/alloc.h"

void tw_lp_map_free(tw_lp_map *m) {
  free(m->gen_pnom);
  free(m->br_snom);
  free(m->link_pnom);
  free(m->su_pnom);
  free(m->store_enom);
  memset(m, 0, sizeof *m);
}

static tw_status alloc_map(const tw_network *net, tw_lp_map *m) {
  size_t nbr = net->n_lines + net->n_transformers;
  TW_CHECK(tw_calloc(net->n_generators + 1, sizeof(long), "map", &m->gen_pnom));
  TW_CHECK(tw_calloc(nbr + 1, sizeof(long), "map", &m->br_snom));
  TW_CHECK(tw_calloc(net->n_links + 1, sizeof(long), "map", &m->link_pnom));
  TW_CHECK(tw_calloc(net->n_storage_units + 1, sizeof(long), "map", &m->su_pnom));
  TW_CHECK(tw_calloc(net->n_stores + 1, sizeof(long), "map", &m->store_enom));
  return TW_OK;
}

static const tw_branch *branch_at(const tw_network *net, size_t b) {
  return b < net->n_lines ? &net->lines[b] : &net->transformers[b - net->n_lines];
}

#define ADD(r, c, v) TW_CHECK(tw_lp_add_coef(lp, (r), (c), (v)))

/* x - f * cap <= 0 (upper) or >= 0 as a row, or, where f is 0, as the bound
 * x <= 0 or x >= 0 on x's column (a row with x alone is a bound). */
static tw_status cap_limit(tw_lp *lp, size_t x, size_t cap, double f, int upper) {
  size_t r;
  if (f == 0.0) {
    if (upper) lp->c_ub[x] = fmin(lp->c_ub[x], 0.0);
    else lp->c_lb[x] = fmax(lp->c_lb[x], 0.0);
    return TW_OK;
  }
  TW_CHECK(tw_lp_add_row(lp, upper ? -INFINITY : 0.0, upper ? 0.0 : INFINITY, &r));
  ADD(r, x, 1.0);
  ADD(r, cap, -f);
  return TW_OK;
}

/* Ramp limits of one unit (PyPSA's formulation for non-committable units):
 * p_t - p_{t-1} <= ramp_limit_up_t * p_nom and
 * p_t - p_{t-1} >= -ramp_limit_down_t * p_nom, with p_nom the capacity
 * variable when extendable. A NaN limit means no constraint at that
 * snapshot. Before the first snapshot of the network p_{t-1} is p_init (no
 * constraint when NaN); before a later rolling window it is the dispatch
 * solved for the previous snapshot (`prev`). */
static tw_status ramp_unit(const tw_network *net, size_t t0, size_t nt, tw_lp *lp,
                           const tw_lp_map *m, size_t off, long pnom_col, double p_nom,
                           double up, const double *up_t, double down, const double *down_t,
                           double p_init, const double *prev) {
  (void)net;
  for (size_t t = 0; t < nt; t++) {
    size_t tg = t0 + t, r;
    double before = t > 0 ? NAN : (tg == 0 ? p_init : (prev ? *prev : p_init));
    if (t == 0 && isnan(before)) continue;
    for (int dir = 0; dir < 2; dir++) {
      double lim = dir == 0 ? tw_series_at(up_t, up, tg) : tw_series_at(down_t, down, tg);
      if (isnan(lim)) continue;
      double cap = pnom_col >= 0 ? 0.0 : lim * p_nom;
      /* dir 0: p_t - p_prev <= cap (+ lim * p_nom_var); dir 1: >= -cap (- ...) */
      double lo = dir == 0 ? -INFINITY : -cap, hi = dir == 0 ? cap : INFINITY;
      if (t == 0) {
        lo += before;
        hi += before;
      }
      TW_CHECK(tw_lp_add_row(lp, lo, hi, &r));
      ADD(r, tw_lp_col(m, t, off), 1.0);
      if (t > 0) ADD(r, tw_lp_col(m, t - 1, off), -1.0);
      if (pnom_col >= 0) ADD(r, (size_t)pnom_col, dir == 0 ? -lim : lim);
    }
  }
  return TW_OK;
}

/* PyPSA's fixed operation: where `*_set` (static or series) is not NaN the
 * variable equals it (generator p, link p0, storage-unit p_dispatch −
 * p_store, p_dispatch, p_store, store p and e). */
static tw_status fix_row(tw_lp *lp, const tw_lp_map *m, size_t t, size_t off, size_t off2,
                         double v) {
  size_t r;
  if (isnan(v)) return TW_OK;
  TW_CHECK(tw_lp_add_row(lp, v, v, &r));
  ADD(r, tw_lp_col(m, t, off), 1.0);
  if (off2 != (size_t)-1) ADD(r, tw_lp_col(m, t, off2), -1.0);
  return TW_OK;
}

static tw_status fixed_operation(const tw_network *net, size_t t0, size_t nt, tw_lp *lp,
                                 const tw_lp_map *m) {
  const size_t none = (size_t)-1;
  for (size_t t = 0; t < nt; t++) {
    size_t tg = t0 + t;
    for (size_t g = 0; g < net->n_generators; g++) {
      const tw_generator *x = &net->generators[g];
      TW_CHECK(fix_row(lp, m, t, m->off_gen + g, none, tw_series_at(x->p_set_t, x->p_set_MW, tg)));
    }
    for (size_t k = 0; k < net->n_links; k++) {
      const tw_link *x = &net->links[k];
      TW_CHECK(fix_row(lp, m, t, m->off_link + k, none, tw_series_at(x->p_set_t, x->p_set_MW, tg)));
    }
    for (size_t s = 0; s < net->n_storage_units; s++) {
      const tw_storage_unit *x = &net->storage_units[s];
      size_t c = m->off_su + 4 * s;
      TW_CHECK(fix_row(lp, m, t, c, c + 1, tw_series_at(x->p_set_t, x->p_set_MW, tg)));
      TW_CHECK(fix_row(lp, m, t, c, none,
                       tw_series_at(x->p_dispatch_set_t, x->p_dispatch_set_MW, tg)));
      TW_CHECK(fix_row(lp, m, t, c + 1, none, tw_series_at(x->p_store_set_t, x->p_store_set_MW, tg)));
    }
    for (size_t s = 0; s < net->n_stores; s++) {
      const tw_store *x = &net->stores[s];
      size_t c = m->off_store + 2 * s;
      TW_CHECK(fix_row(lp, m, t, c, none, tw_series_at(x->p_set_t, x->p_set_MW, tg)));
      TW_CHECK(fix_row(lp, m, t, c + 1, none, tw_series_at(x->e_set_t, x->e_set_MWh, tg)));
    }
  }
  return TW_OK;
}

static int has_ramp(double up, const double *up_t, double down, const double *down_t) {
  return !isnan(up) || !isnan(down) || up_t || down_t;
}

static tw_status ramp_limits(const tw_network *net, size_t t0, size_t nt,
                             const tw_window_state *ws, tw_lp *lp, const tw_lp_map *m) {
  for (size_t g = 0; g < net->n_generators; g++) {
    const tw_generator *x = &net->generators[g];
    if (!has_ramp(x->ramp_limit_up, x->ramp_limit_up_t, x->ramp_limit_down, x->ramp_limit_down_t))
      continue;
    TW_CHECK(ramp_unit(net, t0, nt, lp, m, m->off_gen + g, m->gen_pnom[g], x->p_nom_MW,
                       x->ramp_limit_up, x->ramp_limit_up_t, x->ramp_limit_down,
                       x->ramp_limit_down_t, x->p_init_MW,
                       ws && ws->gen_p_prev ? &ws->gen_p_prev[g] : NULL));
  }
  for (size_t k = 0; k < net->n_links; k++) {
    const tw_link *x = &net->links[k];
    if (!has_ramp(x->ramp_limit_up, x->ramp_limit_up_t, x->ramp_limit_down, x->ramp_limit_down_t))
      continue;
    TW_CHECK(ramp_unit(net, t0, nt, lp, m, m->off_link + k, m->link_pnom[k], x->p_nom_MW,
                       x->ramp_limit_up, x->ramp_limit_up_t, x->ramp_limit_down,
                       x->ramp_limit_down_t, x->p_init_MW,
                       ws && ws->link_p0_prev ? &ws->link_p0_prev[k] : NULL));
  }
  return TW_OK;
}

/* KVL in the angle formulation (PyPSA's linear power flow): a free
 * voltage-angle column theta per bus and snapshot for every bus of a
 * sub-network with branches except its slack (its first bus, the root of
 * tw_cycles_compute's spanning tree: theta = 0, so no column), and per
 * line/transformer and snapshot
 *   s - (theta0 - theta1) / z = -phase_shift_rad / z
 * with z = tw_branch_impedance (x per unit, r on DC sub-networks), the
 * same z and phase shift the cycle rows use: summed along any cycle, these
 * rows give the cycle row sum C (z s + phase_shift_rad) = 0. The angle
 * columns follow all per-snapshot blocks, so tw_lp_col is unchanged. */
static tw_status kvl_angles(const tw_network *net, const tw_cycles *cyc, size_t t0, size_t nt,
                            tw_lp *lp, tw_lp_map *m) {
  tw_status st = TW_OK;
  const size_t B = net->n_buses, NL = net->n_lines, NBR = NL + net->n_transformers;
  long *theta = NULL; /* per bus: index within a snapshot's angle block, -1: none (slack) */
  int *has_branch = NULL, *seen = NULL;
  size_t na = 0;
  TW_CHECK_GOTO(st, tw_calloc(B + 1, sizeof(long), "voltage angles", &theta));
  TW_CHECK_GOTO(st, tw_calloc(cyc->n_subnets + 1, sizeof(int), "voltage angles", &has_branch));
  TW_CHECK_GOTO(st, tw_calloc(cyc->n_subnets + 1, sizeof(int), "voltage angles", &seen));
  for (size_t b = 0; b < NBR; b++) has_branch[cyc->subnet[branch_at(net, b)->bus0]] = 1;
  for (size_t i = 0; i < B; i++) {
    int sn = cyc->subnet[i];
    theta[i] = -1;
    if (!has_branch[sn]) continue;
    if (!seen[sn]) { /* the first bus of its sub-network: the slack */
      seen[sn] = 1;
      continue;
    }
    theta[i] = (long)na++;
  }
  size_t base = lp->ncols;
  for (size_t k = 0; k < nt * na; k++) TW_CHECK_GOTO(st, tw_lp_add_col(lp, -INFINITY, INFINITY, 0.0, NULL));
  for (size_t t = 0; t < nt; t++)
    for (size_t b = 0; b < NBR; b++) {
      const tw_branch *x = branch_at(net, b);
      const tw_bus *bus = &net->buses[x->bus0];
      int dc = bus->carrier && strcmp(bus->carrier, "DC") == 0;
      double z = tw_branch_impedance(net, b, dc);
      if (!isfinite(z)) {
        st = tw_error(TW_ERR_INPUT, "%s '%s': impedance for KVL is not finite (%g); check x/r and s_nom",
                      b < NL ? "line" : "transformer", x->name, z);
        goto cleanup;
      }
      double shift = b >= NL ? tw_series_at(x->phase_shift_deg_t, x->phase_shift_deg, t0 + t) *
                                   (3.14159265358979323846 / 180.0)
                             : 0.0;
      /* a zero impedance (allowed, as in the cycle rows) ties the angles:
       * z s - theta0 + theta1 = -phase_shift_rad with z = 0 */
      double w = z != 0.0 ? 1.0 / z : 1.0, rhs = -shift * w;
      size_t r;
      TW_CHECK_GOTO(st, tw_lp_add_row(lp, rhs, rhs, &r));
      if (z != 0.0) TW_CHECK_GOTO(st, tw_lp_add_coef(lp, r, tw_lp_col(m, t, m->off_br + b), 1.0));
      if (theta[x->bus0] >= 0)
        TW_CHECK_GOTO(st, tw_lp_add_coef(lp, r, base + t * na + (size_t)theta[x->bus0], -w));
      if (theta[x->bus1] >= 0)
        TW_CHECK_GOTO(st, tw_lp_add_coef(lp, r, base + t * na + (size_t)theta[x->bus1], w));
    }
cleanup:
  free(theta);
  free(has_branch);
  free(seen);
  return st;
}

static tw_status build(const tw_network *net, const tw_cycles *cyc, const tw_optimize_params *p,
                       size_t t0, size_t nt, const tw_window_state *ws, int shed_mode, tw_lp *lp,
                       tw_lp_map *m) {
  const size_t G = net->n_generators, NBR = net->n_lines + net->n_transformers, K = net->n_links,
               S = net->n_storage_units, ST = net->n_stores, B = net->n_buses;
  const int feas_only = shed_mode == 2; /* diagnosis: minimise slacks only */
  size_t idx;
  m->t0 = t0;
  m->nt = nt;
  m->shed_mode = shed_mode;
  TW_CHECK(alloc_map(net, m));
  /* capacity columns */
  for (size_t g = 0; g < G; g++) {
    const tw_generator *x = &net->generators[g];
    m->gen_pnom[g] = -1;
    if (!x->p_nom_extendable) continue;
    TW_CHECK(tw_lp_add_col(lp, x->p_nom_min_MW, x->p_nom_max_MW, feas_only ? 0 : x->capital_cost, &idx));
    m->gen_pnom[g] = (long)idx;
  }
  for (size_t b = 0; b < NBR; b++) {
    const tw_branch *x = branch_at(net, b);
    m->br_snom[b] = -1;
    if (!x->s_nom_extendable) continue;
    TW_CHECK(tw_lp_add_col(lp, x->s_nom_min_MVA, x->s_nom_max_MVA, feas_only ? 0 : x->capital_cost, &idx));
    m->br_snom[b] = (long)idx;
  }
  for (size_t k = 0; k < K; k++) {
    const tw_link *x = &net->links[k];
    m->link_pnom[k] = -1;
    if (!x->p_nom_extendable) continue;
    TW_CHECK(tw_lp_add_col(lp, x->p_nom_min_MW, x->p_nom_max_MW, feas_only ? 0 : x->capital_cost, &idx));
    m->link_pnom[k] = (long)idx;
  }
  for (size_t s = 0; s < S; s++) {
    const tw_storage_unit *x = &net->storage_units[s];
    m->su_pnom[s] = -1;
    if (!x->p_nom_extendable) continue;
    TW_CHECK(tw_lp_add_col(lp, x->p_nom_min_MW, x->p_nom_max_MW, feas_only ? 0 : x->capital_cost, &idx));
    m->su_pnom[s] = (long)idx;
  }
  for (size_t s = 0; s < ST; s++) {
    const tw_store *x = &net->stores[s];
    m->store_enom[s] = -1;
    if (!x->e_nom_extendable) continue;
    TW_CHECK(tw_lp_add_col(lp, x->e_nom_min_MWh, x->e_nom_max_MWh, feas_only ? 0 : x->capital_cost, &idx));
    m->store_enom[s] = (long)idx;
  }
  /* per-snapshot columns */
  m->off_gen = 0;
  m->off_br = G;
  m->off_link = m->off_br + NBR;
  m->off_su = m->off_link + K;
  m->off_store = m->off_su + 4 * S;
  m->off_shed = m->off_store + 2 * ST;
  m->block = m->off_shed + (shed_mode == 1 ? B : shed_mode == 2 ? 2 * B : 0);
  m->base = lp->ncols;
  for (size_t t = 0; t < nt; t++) {
    size_t tg = t0 + t;
    double wo = feas_only ? 0.0 : net->weight_objective[tg];
    for (size_t g = 0; g < G; g++) {
      const tw_generator *x = &net->generators[g];
      double lo = tw_series_at(x->p_min_pu_t, x->p_min_pu, tg);
      double hi = tw_series_at(x->p_max_pu_t, x->p_max_pu, tg);
      double mc = tw_series_at(x->marginal_cost_t, x->marginal_cost, tg);
      if (x->p_nom_extendable)
        TW_CHECK(tw_lp_add_col(lp, -INFINITY, INFINITY, wo * mc, NULL));
      else
        TW_CHECK(tw_lp_add_col(lp, lo * x->p_nom_MW, hi * x->p_nom_MW, wo * mc, NULL));
    }
    for (size_t b = 0; b < NBR; b++) {
      const tw_branch *x = branch_at(net, b);
      double smax = tw_series_at(x->s_max_pu_t, x->s_max_pu, tg);
      if (x->s_nom_extendable)
        TW_CHECK(tw_lp_add_col(lp, -INFINITY, INFINITY, 0.0, NULL));
      else
        TW_CHECK(tw_lp_add_col(lp, -smax * x->s_nom_MVA, smax * x->s_nom_MVA, 0.0, NULL));
    }
    for (size_t k = 0; k < K; k++) {
      const tw_link *x = &net->links[k];
      double lo = tw_series_at(x->p_min_pu_t, x->p_min_pu, tg);
      double hi = tw_series_at(x->p_max_pu_t, x->p_max_pu, tg);
      double mc = tw_series_at(x->marginal_cost_t, x->marginal_cost, tg);
      if (x->p_nom_extendable)
        TW_CHECK(tw_lp_add_col(lp, -INFINITY, INFINITY, wo * mc, NULL));
      else
        TW_CHECK(tw_lp_add_col(lp, lo * x->p_nom_MW, hi * x->p_nom_MW, wo * mc, NULL));
    }
    for (size_t s = 0; s < S; s++) {
      const tw_storage_unit *x = &net->storage_units[s];
      double lo = tw_series_at(x->p_min_pu_t, x->p_min_pu, tg);
      double hi = tw_series_at(x->p_max_pu_t, x->p_max_pu, tg);
      double inflow = tw_series_at(x->inflow_t, x->inflow_MW, tg);
      double set = x->state_of_charge_set_t ? x->state_of_charge_set_t[tg] : NAN;
      int ext = x->p_nom_extendable;
      double mc = tw_series_at(x->marginal_cost_t, x->marginal_cost, tg);
      double spill_cost = tw_series_at(x->spill_cost_t, x->spill_cost, tg);
      TW_CHECK(tw_lp_add_col(lp, 0.0, ext ? INFINITY : fmax(0.0, hi * x->p_nom_MW), wo * mc, NULL));
      TW_CHECK(tw_lp_add_col(lp, 0.0, ext ? INFINITY : fmax(0.0, -lo * x->p_nom_MW), 0.0, NULL));
      double mcs = wo * tw_series_at(x->marginal_cost_storage_t, x->marginal_cost_storage, tg);
      if (!isnan(set))
        TW_CHECK(tw_lp_add_col(lp, set, set, mcs, NULL));
      else
        TW_CHECK(tw_lp_add_col(lp, 0.0, ext ? INFINITY : x->max_hours_h * x->p_nom_MW, mcs, NULL));
      TW_CHECK(tw_lp_add_col(lp, 0.0, fmax(0.0, inflow), wo * spill_cost, NULL));
    }
    for (size_t s = 0; s < ST; s++) {
      const tw_store *x = &net->stores[s];
      double lo = tw_series_at(x->e_min_pu_t, x->e_min_pu, tg);
      double hi = tw_series_at(x->e_max_pu_t, x->e_max_pu, tg);
      double mc = tw_series_at(x->marginal_cost_t, x->marginal_cost, tg);
      TW_CHECK(tw_lp_add_col(lp, -INFINITY, INFINITY, wo * mc, NULL));
      double mcs = wo * tw_series_at(x->marginal_cost_storage_t, x->marginal_cost_storage, tg);
      if (x->e_nom_extendable)
        TW_CHECK(tw_lp_add_col(lp, -INFINITY, INFINITY, mcs, NULL));
      else
        TW_CHECK(tw_lp_add_col(lp, lo * x->e_nom_MWh, hi * x->e_nom_MWh, mcs, NULL));
    }
    double wshed = shed_mode == 2 ? net->weight_objective[tg] : wo * p->value_of_lost_load;
    if (shed_mode >= 1)
      for (size_t b = 0; b < B * (size_t)shed_mode; b++)
        TW_CHECK(tw_lp_add_col(lp, 0.0, INFINITY, wshed, NULL));
  }
  /* nodal balance */
  m->row_balance = lp->nrows;
  for (size_t t = 0; t < nt; t++) {
    size_t tg = t0 + t;
    size_t r0 = lp->nrows;
    for (size_t b = 0; b < B; b++) TW_CHECK(tw_lp_add_row(lp, 0.0, 0.0, NULL));
    for (size_t l = 0; l < net->n_loads; l++) {
      const tw_load *x = &net->loads[l];
      double v = -x->sign * tw_series_at(x->p_set_t, x->p_set_MW, tg);
      lp->r_lb[r0 + (size_t)x->bus] += v;
      lp->r_ub[r0 + (size_t)x->bus] += v;
    }
    for (size_t g = 0; g < G; g++)
      ADD(r0 + (size_t)net->generators[g].bus, tw_lp_col(m, t, m->off_gen + g), net->generators[g].sign);
    for (size_t b = 0; b < NBR; b++) {
      const tw_branch *x = branch_at(net, b);
      ADD(r0 + (size_t)x->bus0, tw_lp_col(m, t, m->off_br + b), -1.0);
      ADD(r0 + (size_t)x->bus1, tw_lp_col(m, t, m->off_br + b), 1.0);
    }
    for (size_t k = 0; k < K; k++) {
      const tw_link *x = &net->links[k];
      ADD(r0 + (size_t)x->bus0, tw_lp_col(m, t, m->off_link + k), -1.0);
      ADD(r0 + (size_t)x->bus1, tw_lp_col(m, t, m->off_link + k),
          tw_series_at(x->efficiency_t, x->efficiency, tg));
    }
    for (size_t s = 0; s < S; s++) {
      size_t r = r0 + (size_t)net->storage_units[s].bus;
      ADD(r, tw_lp_col(m, t, m->off_su + 4 * s), 1.0);
      ADD(r, tw_lp_col(m, t, m->off_su + 4 * s + 1), -1.0);
    }
    for (size_t s = 0; s < ST; s++)
      ADD(r0 + (size_t)net->stores[s].bus, tw_lp_col(m, t, m->off_store + 2 * s), 1.0);
    if (shed_mode >= 1)
      for (size_t b = 0; b < B; b++) {
        ADD(r0 + b, tw_lp_col(m, t, m->off_shed + b), 1.0);
        if (shed_mode == 2) ADD(r0 + b, tw_lp_col(m, t, m->off_shed + B + b), -1.0);
      }
  }
  /* KVL */
  if (p->kvl == TW_KVL_ANGLE) {
    TW_CHECK(kvl_angles(net, cyc, t0, nt, lp, m));
  } else {
    for (size_t t = 0; t < nt; t++)
      for (size_t c = 0; c < cyc->n; c++) {
        size_t r;
        TW_CHECK(tw_lp_add_row(lp, 0.0, 0.0, &r));
        for (size_t e = cyc->start[c]; e < cyc->start[c + 1]; e++) {
          size_t b = cyc->branch[e];
          double z = tw_branch_impedance(net, b, cyc->dc[c]);
          if (!isfinite(z))
            return tw_error(TW_ERR_INPUT, "%s '%s': impedance for KVL is not finite (%g); check x/r and s_nom",
                            b < net->n_lines ? "line" : "transformer", branch_at(net, b)->name, z);
          ADD(r, tw_lp_col(m, t, m->off_br + b), cyc->coef[e] * z);
          /* a fixed transformer phase shift enters the cycle sum as a
           * constant (PyPSA: sum C (x s + phase_shift_rad) = 0) */
          if (b >= net->n_lines) {
            const tw_branch *tr = branch_at(net, b);
            double deg = tw_series_at(tr->phase_shift_deg_t, tr->phase_shift_deg, t0 + t);
            lp->r_lb[r] -= cyc->coef[e] * deg * (3.14159265358979323846 / 180.0);
            lp->r_ub[r] = lp->r_lb[r];
          }
        }
      }
  }
  /* extendable capacity limits: x - f * cap <= 0 (upper) or >= 0; where
   * f is 0 the row would hold x alone, so it is a bound on x's column
   * instead (docs/OPTIMIZE.md "Formulation measured") */
  for (size_t t = 0; t < nt; t++) {
    size_t tg = t0 + t;
    for (size_t g = 0; g < G; g++) {
      const tw_generator *x = &net->generators[g];
      if (!x->p_nom_extendable) continue;
      size_t c = tw_lp_col(m, t, m->off_gen + g);
      TW_CHECK(cap_limit(lp, c, (size_t)m->gen_pnom[g], tw_series_at(x->p_max_pu_t, x->p_max_pu, tg), 1));
      TW_CHECK(cap_limit(lp, c, (size_t)m->gen_pnom[g], tw_series_at(x->p_min_pu_t, x->p_min_pu, tg), 0));
    }
    for (size_t b = 0; b < NBR; b++) {
      const tw_branch *x = branch_at(net, b);
      if (!x->s_nom_extendable) continue;
      double smax = tw_series_at(x->s_max_pu_t, x->s_max_pu, tg);
      size_t c = tw_lp_col(m, t, m->off_br + b);
      TW_CHECK(cap_limit(lp, c, (size_t)m->br_snom[b], smax, 1));
      TW_CHECK(cap_limit(lp, c, (size_t)m->br_snom[b], -smax, 0));
    }
    for (size_t k = 0; k < K; k++) {
      const tw_link *x = &net->links[k];
      if (!x->p_nom_extendable) continue;
      size_t c = tw_lp_col(m, t, m->off_link + k);
      TW_CHECK(cap_limit(lp, c, (size_t)m->link_pnom[k], tw_series_at(x->p_max_pu_t, x->p_max_pu, tg), 1));
      TW_CHECK(cap_limit(lp, c, (size_t)m->link_pnom[k], tw_series_at(x->p_min_pu_t, x->p_min_pu, tg), 0));
    }
    for (size_t s = 0; s < S; s++) {
      const tw_storage_unit *x = &net->storage_units[s];
      if (!x->p_nom_extendable) continue;
      size_t c = tw_lp_col(m, t, m->off_su + 4 * s);
      TW_CHECK(cap_limit(lp, c, (size_t)m->su_pnom[s], tw_series_at(x->p_max_pu_t, x->p_max_pu, tg), 1));
      TW_CHECK(cap_limit(lp, c + 1, (size_t)m->su_pnom[s], -tw_series_at(x->p_min_pu_t, x->p_min_pu, tg), 1));
      TW_CHECK(cap_limit(lp, c + 2, (size_t)m->su_pnom[s], x->max_hours_h, 1));
    }
    for (size_t s = 0; s < ST; s++) {
      const tw_store *x = &net->stores[s];
      if (!x->e_nom_extendable) continue;
      size_t c = tw_lp_col(m, t, m->off_store + 2 * s + 1);
      TW_CHECK(cap_limit(lp, c, (size_t)m->store_enom[s], tw_series_at(x->e_max_pu_t, x->e_max_pu, tg), 1));
      TW_CHECK(cap_limit(lp, c, (size_t)m->store_enom[s], tw_series_at(x->e_min_pu_t, x->e_min_pu, tg), 0));
    }
  }
  TW_CHECK(ramp_limits(net, t0, nt, ws, lp, m));
  TW_CHECK(fixed_operation(net, t0, nt, lp, m));
  /* storage energy balances */
  const int carried = ws && ws->su_soc_MWh && t0 > 0;
  for (size_t s = 0; s < S; s++) {
    const tw_storage_unit *x = &net->storage_units[s];
    int cyclic = x->cyclic_state_of_charge && !(ws && ws->force_noncyclic);
    double init = (ws && ws->su_soc_MWh) ? ws->su_soc_MWh[s] : x->state_of_charge_initial_MWh;
    for (size_t t = 0; t < nt; t++) {
      size_t tg = t0 + t, r;
      double w = net->weight_stores[tg];
      double keep = pow(1.0 - tw_series_at(x->standing_loss_t, x->standing_loss, tg), w);
      double eff_store = tw_series_at(x->efficiency_store_t, x->efficiency_store, tg);
      double eff_dispatch = tw_series_at(x->efficiency_dispatch_t, x->efficiency_dispatch, tg);
      double inflow = tw_series_at(x->inflow_t, x->inflow_MW, tg);
      size_t c = tw_lp_col(m, t, m->off_su + 4 * s);
      double rhs = w * inflow;
      /* PyPSA adds state_of_charge_initial without the standing loss; a
       * state carried over from the previous rolling window loses it. */
      if (t == 0 && !cyclic) rhs += carried ? keep * init : init;
      TW_CHECK(tw_lp_add_row(lp, rhs, rhs, &r));
      ADD(r, c + 2, 1.0);
      if (t > 0 || cyclic) ADD(r, tw_lp_col(m, t > 0 ? t - 1 : nt - 1, m->off_su + 4 * s + 2), -keep);
      ADD(r, c + 1, -w * eff_store);
      ADD(r, c, w / eff_dispatch);
      ADD(r, c + 3, w);
    }
  }
  for (size_t s = 0; s < ST; s++) {
    const tw_store *x = &net->stores[s];
    int cyclic = x->e_cyclic && !(ws && ws->force_noncyclic);
    double init = (ws && ws->store_e_MWh) ? ws->store_e_MWh[s] : x->e_initial_MWh;
    for (size_t t = 0; t < nt; t++) {
      size_t tg = t0 + t, r;
      double w = net->weight_stores[tg];
      double keep = pow(1.0 - tw_series_at(x->standing_loss_t, x->standing_loss, tg), w);
      size_t c = tw_lp_col(m, t, m->off_store + 2 * s);
      double rhs = (t == 0 && !cyclic) ? (carried ? keep * init : init) : 0.0;
      TW_CHECK(tw_lp_add_row(lp, rhs, rhs, &r));
      ADD(r, c + 1, 1.0);
      if (t > 0 || cyclic) ADD(r, tw_lp_col(m, t > 0 ? t - 1 : nt - 1, m->off_store + 2 * s + 1), -keep);
      ADD(r, c, w);
    }
  }
  /* global constraints: primary-energy CO2 */
  m->row_gc = lp->nrows;
  for (size_t i = 0; i < net->n_global_constraints; i++) {
    const tw_global_constraint *gc = &net->global_constraints[i];
    double rhs = gc->constant;
    size_t r;
    TW_CHECK(tw_lp_add_row(lp, 0.0, 0.0, &r));
    for (size_t t = 0; t < nt; t++)
      for (size_t g = 0; g < G; g++) {
        const tw_generator *x = &net->generators[g];
        if (x->carrier < 0) continue;
        double co2 = net->carriers[x->carrier].co2_emissions;
        if (co2 != 0.0)
          ADD(r, tw_lp_col(m, t, m->off_gen + g),
              net->weight_generators[t0 + t] * co2 /
                  tw_series_at(x->efficiency_t, x->efficiency, t0 + t));
      }
    for (size_t s = 0; s < S; s++) {
      const tw_storage_unit *x = &net->storage_units[s];
      if (x->carrier < 0 || x->cyclic_state_of_charge) continue;
      double co2 = net->carriers[x->carrier].co2_emissions;
      if (co2 == 0.0) continue;
      double init = (ws && ws->su_soc_MWh) ? ws->su_soc_MWh[s] : x->state_of_charge_initial_MWh;
      ADD(r, tw_lp_col(m, nt - 1, m->off_su + 4 * s + 2), -co2);
      rhs -= co2 * init;
    }
    for (size_t s = 0; s < ST; s++) {
      const tw_store *x = &net->stores[s];
      if (x->carrier < 0 || x->e_cyclic) continue;
      double co2 = net->carriers[x->carrier].co2_emissions;
      if (co2 == 0.0) continue;
      double init = (ws && ws->store_e_MWh) ? ws->store_e_MWh[s] : x->e_initial_MWh;
      ADD(r, tw_lp_col(m, nt - 1, m->off_store + 2 * s + 1), -co2);
      rhs -= co2 * init;
    }
    lp->r_lb[r] = strcmp(gc->sense, "<=") == 0 ? -INFINITY : rhs;
    lp->r_ub[r] = strcmp(gc->sense, ">=") == 0 ? INFINITY : rhs;
  }
  return TW_OK;
}

tw_status tw_lp_build(const tw_network *net, const tw_cycles *cyc, const tw_optimize_params *p,
                      size_t t0, size_t nt, const tw_window_state *ws, int shed_mode, tw_lp *lp,
                      tw_lp_map *map) {
  memset(lp, 0, sizeof *lp);
  memset(map, 0, sizeof *map);
  if (t0 + nt > net->n_snapshots || nt == 0)
    return tw_error(TW_ERR_INTERNAL, "LP window [%zu, %zu) outside %zu snapshots", t0, t0 + nt,
                    net->n_snapshots);
  tw_status st = build(net, cyc, p, t0, nt, ws, shed_mode, lp, map);
  if (st == TW_OK) st = tw_lp_validate(lp, net->name ? net->name : "network");
  if (st != TW_OK) {
    tw_lp_free(lp);
    tw_lp_map_free(map);
  }
  return st;
}
