/* Consistency checks on a network before it reaches GLPK.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "network/network_attrs.h"
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

/* Every series of every component: finite, except NaN where PyPSA's
 * default is NaN ("not set": state_of_charge_set, ramp limits). */
static tw_status series_finite(const tw_network *net, const char *source) {
  for (int l = 0; l < TW_N_COMPONENT_LISTS; l++) {
    const tw_component_desc *d = &tw_component_descs[l];
    size_t n = tw_component_count(net, d);
    for (size_t i = 0; i < n; i++) {
      void *e = tw_component_at(net, d, i);
      for (size_t k = 0; k < d->n_attrs; k++) {
        const tw_attr_desc *a = &d->attrs[k];
        if (a->off_t < 0 || !*tw_attr_series(e, a)) continue;
        const double *s = *tw_attr_series(e, a);
        for (size_t t = 0; t < net->n_snapshots; t++)
          if (!isfinite(s[t]) && !(isnan(a->def) && isnan(s[t])))
            return tw_error(TW_ERR_INPUT, "%s: %s '%s': %s = %g at snapshot '%s' is not finite",
                            SRC, d->what, *tw_component_name(e), a->name, s[t],
                            net->snapshots[t]);
      }
    }
  }
  return TW_OK;
}

/* A static value and its series (if any) all within (lo or [lo, hi]. */
static int range_ok(double x, double lo, int lo_open, double hi) {
  return x <= hi && (lo_open ? x > lo : x >= lo);
}
static tw_status in_range(const tw_network *net, const char *source, const char *what,
                          const char *name, const char *attr, double v, const double *s,
                          double lo, int lo_open, double hi) {
  if (!range_ok(v, lo, lo_open, hi))
    return tw_error(TW_ERR_INPUT, "%s: %s '%s': %s = %g is not in %s%g, %g]", SRC, what, name, attr,
                    v, lo_open ? "(" : "[", lo, hi);
  for (size_t t = 0; s && t < net->n_snapshots; t++)
    if (!range_ok(s[t], lo, lo_open, hi))
      return tw_error(TW_ERR_INPUT, "%s: %s '%s': %s = %g at snapshot '%s' is not in %s%g, %g]",
                      SRC, what, name, attr, s[t], net->snapshots[t], lo_open ? "(" : "[", lo, hi);
  return TW_OK;
}

/* The impedance that enters Kirchhoff's voltage law (x on AC, r on DC
 * buses) must not vanish: a zero would make the cycle constraints
 * degenerate. The bound applies to the value as given (Ohm for lines,
 * per unit on s_nom for transformers), not to the per-unit value on 1 MVA:
 * PyPSA's storage-hvdc example has a 380 kV line of 0.000114 Ohm, 7.9e-10
 * per unit, and solves. */
static tw_status branch_impedance(const tw_network *net, const char *source, const tw_branch *b,
                                  int transformer) {
  const tw_bus *b0 = &net->buses[b->bus0];
  int dc = b0->carrier && strcmp(b0->carrier, "DC") == 0;
  double z = dc ? b->r : b->x;
  if (!(fabs(z) >= 1e-9))
    return tw_error(TW_ERR_INPUT,
                    "%s: %s '%s': %s = %g must be at least 1e-9 in magnitude (%s); it is the %s "
                    "impedance of Kirchhoff's voltage law",
                    SRC, transformer ? "transformer" : "line", b->name, dc ? "r" : "x", z,
                    transformer ? "per unit on s_nom" : "Ohm", dc ? "DC" : "AC");
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
  TW_CHECK(series_finite(net, source));
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
    TW_CHECK(in_range(net, source, "generator", g->name, "efficiency", g->efficiency,
                      g->efficiency_t, 0.0, 1, 1.0));
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
      if (b->bus0 == b->bus1)
        return tw_error(TW_ERR_INPUT, "%s: %s '%s': bus0 and bus1 are the same bus '%s'", SRC, what,
                        b->name, net->buses[b->bus0].name);
      TW_CHECK(finite(source, what, b->name, "phase_shift", b->phase_shift_deg));
      if (tr && !(b->tap_ratio > 0))
        return tw_error(TW_ERR_INPUT, "%s: transformer '%s': tap_ratio %g must be > 0", SRC,
                        b->name, b->tap_ratio);
      TW_CHECK(branch_impedance(net, source, b, tr));
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
  }
  for (size_t i = 0; i < net->n_storage_units; i++) {
    const tw_storage_unit *s = &net->storage_units[i];
    TW_CHECK(capacity(source, "storage unit", s->name, "p_nom", s->p_nom_MW, s->p_nom_min_MW,
                      s->p_nom_max_MW, s->p_nom_extendable));
    TW_CHECK(in_range(net, source, "storage unit", s->name, "efficiency_store",
                      s->efficiency_store, s->efficiency_store_t, 0.0, 1, 1.0));
    TW_CHECK(in_range(net, source, "storage unit", s->name, "efficiency_dispatch",
                      s->efficiency_dispatch, s->efficiency_dispatch_t, 0.0, 1, 1.0));
    if (!(s->max_hours_h >= 0) || !isfinite(s->max_hours_h))
      return tw_error(TW_ERR_INPUT, "%s: storage unit '%s': max_hours %g must be >= 0", SRC,
                      s->name, s->max_hours_h);
    TW_CHECK(in_range(net, source, "storage unit", s->name, "standing_loss", s->standing_loss,
                      s->standing_loss_t, 0.0, 0, 1.0));
    TW_CHECK(finite(source, "storage unit", s->name, "state_of_charge_initial",
                    s->state_of_charge_initial_MWh));
    TW_CHECK(finite(source, "storage unit", s->name, "inflow", s->inflow_MW));
    TW_CHECK(finite(source, "storage unit", s->name, "marginal_cost", s->marginal_cost));
    TW_CHECK(finite(source, "storage unit", s->name, "capital_cost", s->capital_cost));
    TW_CHECK(finite(source, "storage unit", s->name, "p_min_pu", s->p_min_pu));
    TW_CHECK(finite(source, "storage unit", s->name, "p_max_pu", s->p_max_pu));
  }
  for (size_t i = 0; i < net->n_stores; i++) {
    const tw_store *s = &net->stores[i];
    TW_CHECK(capacity(source, "store", s->name, "e_nom", s->e_nom_MWh, s->e_nom_min_MWh, s->e_nom_max_MWh,
                      s->e_nom_extendable));
    TW_CHECK(in_range(net, source, "store", s->name, "standing_loss", s->standing_loss,
                      s->standing_loss_t, 0.0, 0, 1.0));
    TW_CHECK(finite(source, "store", s->name, "e_min_pu", s->e_min_pu));
    TW_CHECK(finite(source, "store", s->name, "e_max_pu", s->e_max_pu));
    TW_CHECK(finite(source, "store", s->name, "e_initial", s->e_initial_MWh));
    TW_CHECK(finite(source, "store", s->name, "capital_cost", s->capital_cost));
    TW_CHECK(finite(source, "store", s->name, "marginal_cost", s->marginal_cost));
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
