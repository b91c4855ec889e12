/* Consistency checks on a network before it reaches GLPK.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "optimize/lp.h"
#include "terrawatt/network.h"

#define SRC (source ? source : "network")

/* Accepted range of a non-zero branch impedance in per unit on 1 MVA
 * (tw_branch_impedance): bus-bar couplers reach 1e-8, long low-voltage
 * cables a few units. */
#define TW_IMPEDANCE_PU_MIN 1e-12
#define TW_IMPEDANCE_PU_MAX 1e6

static tw_status finite(const char *source, const char *what, const char *name, const char *attr,
                        double v) {
  if (!isfinite(v))
    return tw_error(TW_ERR_INPUT, "%s: %s '%s': %s = %g is not finite", SRC, what, name, attr, v);
  return TW_OK;
}

static tw_status series_finite(const tw_network *net, const char *source, const char *what,
                               const char *name, const char *attr, const double *s, int allow_nan) {
  if (!s) return TW_OK;
  for (size_t t = 0; t < net->n_snapshots; t++)
    if (!isfinite(s[t]) && !(allow_nan && isnan(s[t])))
      return tw_error(TW_ERR_INPUT, "%s: %s '%s': %s = %g at snapshot '%s' is not finite", SRC,
                      what, name, attr, s[t], net->snapshots[t]);
  return TW_OK;
}

static tw_status capacity(const char *source, const char *what, const char *name,
                          const char *attr, double nom, double lo, double hi, int ext) {
  if (!isfinite(nom) || nom < 0)
    return tw_error(TW_ERR_INPUT, "%s: %s '%s': nominal capacity (%s) %g must be finite and >= 0",
                    SRC, what, name, attr, nom);
  if (ext && (!isfinite(lo) || lo < 0 || isnan(hi) || hi < lo))
    return tw_error(TW_ERR_INPUT, "%s: %s '%s': extendable capacity bounds (%s_min, %s_max) [%g, %g] are invalid",
                    SRC, what, name, attr, attr, lo, hi);
  return TW_OK;
}

tw_status tw_network_validate(const tw_network *net, const char *source) {
  if (net->n_snapshots == 0) return tw_error(TW_ERR_INPUT, "%s: no snapshots", SRC);
  if (net->n_buses == 0) return tw_error(TW_ERR_INPUT, "%s: no buses", SRC);
  for (size_t t = 0; t < net->n_snapshots; t++) {
    double w[3] = {net->weight_objective[t], net->weight_stores[t], net->weight_generators[t]};
    for (int k = 0; k < 3; k++)
      if (!isfinite(w[k]) || w[k] < 0)
        return tw_error(TW_ERR_INPUT, "%s: snapshot '%s': %s weighting %g must be finite and >= 0",
                        SRC, net->snapshots[t], k == 0 ? "objective" : k == 1 ? "stores" : "generators",
                        w[k]);
  }
  for (size_t i = 0; i < net->n_carriers; i++)
    TW_CHECK(finite(source, "carrier", net->carriers[i].name, "co2_emissions",
                    net->carriers[i].co2_emissions));
  for (size_t i = 0; i < net->n_generators; i++) {
    const tw_generator *g = &net->generators[i];
    TW_CHECK(capacity(source, "generator", g->name, "p_nom", g->p_nom_MW, g->p_nom_min_MW, g->p_nom_max_MW,
                      g->p_nom_extendable));
    TW_CHECK(finite(source, "generator", g->name, "capital_cost", g->capital_cost));
    TW_CHECK(finite(source, "generator", g->name, "marginal_cost", g->marginal_cost));
    TW_CHECK(finite(source, "generator", g->name, "p_min_pu", g->p_min_pu));
    TW_CHECK(finite(source, "generator", g->name, "p_max_pu", g->p_max_pu));
    if (!(g->efficiency > 0 && g->efficiency <= 1))
      return tw_error(TW_ERR_INPUT, "%s: generator '%s': efficiency %g must be in (0, 1]", SRC,
                      g->name, g->efficiency);
    TW_CHECK(series_finite(net, source, "generator", g->name, "p_min_pu", g->p_min_pu_t, 0));
    TW_CHECK(series_finite(net, source, "generator", g->name, "p_max_pu", g->p_max_pu_t, 0));
    TW_CHECK(series_finite(net, source, "generator", g->name, "marginal_cost", g->marginal_cost_t, 0));
    for (size_t t = 0; t < net->n_snapshots; t++) {
      double lo = tw_series_at(g->p_min_pu_t, g->p_min_pu, t);
      double hi = tw_series_at(g->p_max_pu_t, g->p_max_pu, t);
      if (lo > hi)
        return tw_error(TW_ERR_INPUT, "%s: generator '%s': p_min_pu %g > p_max_pu %g at snapshot '%s'",
                        SRC, g->name, lo, hi, net->snapshots[t]);
    }
  }
  for (size_t i = 0; i < net->n_loads; i++) {
    TW_CHECK(finite(source, "load", net->loads[i].name, "p_set", net->loads[i].p_set_MW));
    TW_CHECK(series_finite(net, source, "load", net->loads[i].name, "p_set", net->loads[i].p_set_t, 0));
  }
  for (int tr = 0; tr < 2; tr++) {
    const tw_branch *arr = tr ? net->transformers : net->lines;
    size_t n = tr ? net->n_transformers : net->n_lines;
    const char *what = tr ? "transformer" : "line";
    for (size_t i = 0; i < n; i++) {
      const tw_branch *b = &arr[i];
      TW_CHECK(capacity(source, what, b->name, "s_nom", b->s_nom_MVA, b->s_nom_min_MVA, b->s_nom_max_MVA,
                        b->s_nom_extendable));
      TW_CHECK(finite(source, what, b->name, "x", b->x));
      TW_CHECK(finite(source, what, b->name, "r", b->r));
      /* Per-unit impedances far outside physical values make the KVL
       * cycle constraints numerically meaningless (GLPK then fails or
       * returns a wrong point): refuse them here, naming the field. */
      for (int dc = 0; dc < 2; dc++) {
        double z = fabs(tw_branch_impedance(net, (tr ? net->n_lines : 0) + i, dc));
        if (z != 0 && isfinite(z) && !(z >= TW_IMPEDANCE_PU_MIN && z <= TW_IMPEDANCE_PU_MAX))
          return tw_error(TW_ERR_INPUT,
                          "%s: %s '%s': %s = %g gives %g per unit, outside %g..%g (a typo in "
                          "units?)",
                          SRC, what, b->name, dc ? "r" : "x", dc ? b->r : b->x, z,
                          TW_IMPEDANCE_PU_MIN, TW_IMPEDANCE_PU_MAX);
      }
      TW_CHECK(finite(source, what, b->name, "s_max_pu", b->s_max_pu));
      TW_CHECK(finite(source, what, b->name, "capital_cost", b->capital_cost));
      TW_CHECK(series_finite(net, source, what, b->name, "s_max_pu", b->s_max_pu_t, 0));
      if (b->bus0 == b->bus1)
        return tw_error(TW_ERR_INPUT, "%s: %s '%s': bus0 and bus1 are the same bus '%s'", SRC, what,
                        b->name, net->buses[b->bus0].name);
    }
  }
  for (size_t i = 0; i < net->n_links; i++) {
    const tw_link *k = &net->links[i];
    TW_CHECK(capacity(source, "link", k->name, "p_nom", k->p_nom_MW, k->p_nom_min_MW, k->p_nom_max_MW,
                      k->p_nom_extendable));
    TW_CHECK(finite(source, "link", k->name, "efficiency", k->efficiency));
    TW_CHECK(finite(source, "link", k->name, "p_min_pu", k->p_min_pu));
    TW_CHECK(finite(source, "link", k->name, "p_max_pu", k->p_max_pu));
    TW_CHECK(finite(source, "link", k->name, "capital_cost", k->capital_cost));
    TW_CHECK(finite(source, "link", k->name, "marginal_cost", k->marginal_cost));
    TW_CHECK(series_finite(net, source, "link", k->name, "p_min_pu", k->p_min_pu_t, 0));
    TW_CHECK(series_finite(net, source, "link", k->name, "p_max_pu", k->p_max_pu_t, 0));
    TW_CHECK(series_finite(net, source, "link", k->name, "efficiency", k->efficiency_t, 0));
    TW_CHECK(series_finite(net, source, "link", k->name, "marginal_cost", k->marginal_cost_t, 0));
  }
  for (size_t i = 0; i < net->n_storage_units; i++) {
    const tw_storage_unit *s = &net->storage_units[i];
    TW_CHECK(capacity(source, "storage unit", s->name, "p_nom", s->p_nom_MW, s->p_nom_min_MW,
                      s->p_nom_max_MW, s->p_nom_extendable));
    if (!(s->efficiency_store > 0 && s->efficiency_store <= 1))
      return tw_error(TW_ERR_INPUT, "%s: storage unit '%s': efficiency_store %g must be in (0, 1]",
                      SRC, s->name, s->efficiency_store);
    if (!(s->efficiency_dispatch > 0 && s->efficiency_dispatch <= 1))
      return tw_error(TW_ERR_INPUT, "%s: storage unit '%s': efficiency_dispatch %g must be in (0, 1]",
                      SRC, s->name, s->efficiency_dispatch);
    if (!(s->max_hours_h >= 0) || !isfinite(s->max_hours_h))
      return tw_error(TW_ERR_INPUT, "%s: storage unit '%s': max_hours %g must be >= 0", SRC,
                      s->name, s->max_hours_h);
    if (!(s->standing_loss >= 0 && s->standing_loss <= 1))
      return tw_error(TW_ERR_INPUT, "%s: storage unit '%s': standing_loss %g is not in [0, 1]",
                      SRC, s->name, s->standing_loss);
    TW_CHECK(finite(source, "storage unit", s->name, "state_of_charge_initial",
                    s->state_of_charge_initial_MWh));
    TW_CHECK(finite(source, "storage unit", s->name, "inflow", s->inflow_MW));
    TW_CHECK(finite(source, "storage unit", s->name, "marginal_cost", s->marginal_cost));
    TW_CHECK(finite(source, "storage unit", s->name, "capital_cost", s->capital_cost));
    TW_CHECK(finite(source, "storage unit", s->name, "p_min_pu", s->p_min_pu));
    TW_CHECK(finite(source, "storage unit", s->name, "p_max_pu", s->p_max_pu));
    TW_CHECK(series_finite(net, source, "storage unit", s->name, "inflow", s->inflow_t, 0));
    TW_CHECK(series_finite(net, source, "storage unit", s->name, "state_of_charge_set",
                           s->state_of_charge_set_t, 1));
    TW_CHECK(series_finite(net, source, "storage unit", s->name, "p_min_pu", s->p_min_pu_t, 0));
    TW_CHECK(series_finite(net, source, "storage unit", s->name, "p_max_pu", s->p_max_pu_t, 0));
  }
  for (size_t i = 0; i < net->n_stores; i++) {
    const tw_store *s = &net->stores[i];
    TW_CHECK(capacity(source, "store", s->name, "e_nom", s->e_nom_MWh, s->e_nom_min_MWh, s->e_nom_max_MWh,
                      s->e_nom_extendable));
    if (!(s->standing_loss >= 0 && s->standing_loss <= 1))
      return tw_error(TW_ERR_INPUT, "%s: store '%s': standing_loss %g is not in [0, 1]", SRC,
                      s->name, s->standing_loss);
    TW_CHECK(finite(source, "store", s->name, "e_min_pu", s->e_min_pu));
    TW_CHECK(finite(source, "store", s->name, "e_max_pu", s->e_max_pu));
    TW_CHECK(finite(source, "store", s->name, "e_initial", s->e_initial_MWh));
    TW_CHECK(finite(source, "store", s->name, "capital_cost", s->capital_cost));
    TW_CHECK(finite(source, "store", s->name, "marginal_cost", s->marginal_cost));
    TW_CHECK(series_finite(net, source, "store", s->name, "e_min_pu", s->e_min_pu_t, 0));
    TW_CHECK(series_finite(net, source, "store", s->name, "e_max_pu", s->e_max_pu_t, 0));
    TW_CHECK(series_finite(net, source, "store", s->name, "marginal_cost", s->marginal_cost_t, 0));
  }
  for (size_t i = 0; i < net->n_global_constraints; i++) {
    const tw_global_constraint *c = &net->global_constraints[i];
    if (strcmp(c->type, "primary_energy") != 0)
      return tw_error(TW_ERR_INPUT,
                      "%s: global constraint '%s': type '%s' is not supported (only primary_energy)",
                      SRC, c->name, c->type);
    TW_CHECK(finite(source, "global constraint", c->name, "constant", c->constant));
  }
  return TW_OK;
}
