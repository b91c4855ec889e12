/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "variant.h"

#include <math.h>
#include <string.h>

static int carrier_is(const tw_network *net, int carrier, const char *name) {
  return carrier >= 0 && strcmp(net->carriers[carrier].name, name) == 0;
}

static double scaled(double value, double factor) {
  return isinf(value) ? value : value * factor; /* p_nom_max may be +inf */
}

static size_t scale_carrier(tw_network *net, const char *carrier, double f) {
  size_t hits = 0;
  for (size_t i = 0; i < net->n_generators; i++) {
    tw_generator *g = &net->generators[i];
    if (!carrier_is(net, g->carrier, carrier)) continue;
    g->p_nom_MW *= f;
    g->p_nom_min_MW *= f;
    g->p_nom_max_MW = scaled(g->p_nom_max_MW, f);
    hits++;
  }
  for (size_t i = 0; i < net->n_storage_units; i++) {
    tw_storage_unit *su = &net->storage_units[i];
    if (!carrier_is(net, su->carrier, carrier)) continue;
    su->p_nom_MW *= f;
    su->p_nom_min_MW *= f;
    su->p_nom_max_MW = scaled(su->p_nom_max_MW, f);
    su->state_of_charge_initial_MWh *= f;
    hits++;
  }
  for (size_t i = 0; i < net->n_stores; i++) {
    tw_store *st = &net->stores[i];
    if (!carrier_is(net, st->carrier, carrier)) continue;
    st->e_nom_MWh *= f;
    st->e_nom_min_MWh *= f;
    st->e_nom_max_MWh = scaled(st->e_nom_max_MWh, f);
    st->e_initial_MWh *= f;
    hits++;
  }
  return hits;
}

tw_status tw_variant_apply(const tw_scenario_variant *v, tw_network *net) {
  for (unsigned k = 0; k < v->scale_capacity_count; k++) {
    const tw_scale_rule *rule = &v->scale_capacity[k];
    if (scale_carrier(net, rule->carrier, rule->factor) == 0)
      return tw_error(TW_ERR_INPUT, "scenario '%s': scale_capacity[%u].carrier '%s' matches no "
                                    "generator, storage unit or store", v->name, k, rule->carrier);
  }
  if (v->demand_scale != 1.0) {
    for (size_t l = 0; l < net->n_loads; l++) {
      tw_load *load = &net->loads[l];
      load->p_set_MW *= v->demand_scale;
      if (load->p_set_t)
        for (size_t t = 0; t < net->n_snapshots; t++) load->p_set_t[t] *= v->demand_scale;
    }
  }
  if (v->co2_cap_t > 0) TW_CHECK(tw_network_add_global_constraint(net, "co2_cap", "<=", v->co2_cap_t, NULL));
  return TW_OK;
}
