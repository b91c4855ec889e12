/* EV fleet as PyPSA-style components (smart charging in the grid LP).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/mobility.h"
#include "terrawatt/optimize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static tw_status check_target(const tw_network *net, const tw_fleet *f, int bus_index,
                              size_t how0) {
  if (bus_index < 0 || (size_t)bus_index >= net->n_buses)
    return tw_error(TW_ERR_INPUT, "fleet '%s': bus index %d is not in 0..%zu", f->name, bus_index,
                    net->n_buses ? net->n_buses - 1 : 0);
  if (how0 >= TW_HOURS_PER_WEEK)
    return tw_error(TW_ERR_INPUT, "fleet '%s': start hour of week %zu is not in 0..167", f->name,
                    how0);
  for (size_t t = 0; t < net->n_snapshots; t++) {
    double w = net->weight_stores ? net->weight_stores[t] : 1.0;
    double wo = net->weight_objective ? net->weight_objective[t] : 1.0;
    if (fabs(w - 1.0) > 1e-9 || fabs(wo - 1.0) > 1e-9)
      return tw_error(TW_ERR_INPUT,
                      "fleet '%s': snapshot %zu has weighting %g h; EV fleets need hourly "
                      "snapshots",
                      f->name, t, w != 1.0 ? w : wo);
  }
  return TW_OK;
}

tw_status tw_fleet_add_immediate_load(tw_network *net, const tw_fleet *f, int bus_index,
                                      size_t how0, const double *temperature_C,
                                      size_t *load_index) {
  tw_status st = TW_OK;
  double *series = NULL;
  char name[TW_FLEET_NAME_MAX + 32];
  tw_load l;
  TW_CHECK(tw_fleet_validate(f, NULL));
  TW_CHECK(check_target(net, f, bus_index, how0));
  TW_CHECK(tw_calloc(net->n_snapshots ? net->n_snapshots : 1, sizeof *series,
                     "immediate charging series", &series));
  TW_CHECK_GOTO(st, tw_fleet_immediate_profile(f, 1.0, how0, net->n_snapshots, temperature_C,
                                               series, NULL, NULL));
  snprintf(name, sizeof name, "%s immediate charging", f->name);
  tw_load_default(&l);
  l.name = name;
  l.bus = bus_index;
  l.p_set_MW = 0.0;
  l.p_set_t = series;
  TW_CHECK_GOTO(st, tw_network_add_load(net, &l, load_index));
cleanup:
  free(series);
  return st;
}

tw_status tw_fleet_add_to_network(tw_network *net, const tw_fleet *f, int bus_index, size_t how0,
                                  const double *temperature_C, tw_fleet_components *out) {
  tw_status st = TW_OK;
  const size_t n = net->n_snapshots;
  const double s = f->smart_share;
  double *series = NULL, *avail = NULL;
  char name[TW_FLEET_NAME_MAX + 32];
  tw_fleet_components c = {-1, -1, -1, -1, -1, -1};
  size_t idx;

  TW_CHECK(tw_fleet_validate(f, NULL));
  TW_CHECK(check_target(net, f, bus_index, how0));
  TW_CHECK_GOTO(st, tw_calloc(n ? n : 1, sizeof *series, "fleet series", &series));
  TW_CHECK_GOTO(st, tw_calloc(n ? n : 1, sizeof *avail, "fleet availability", &avail));
  for (size_t t = 0; t < n; t++) avail[t] = f->availability[(how0 + t) % TW_HOURS_PER_WEEK];

  if (s > 0) {
    tw_store store;
    tw_link link;
    tw_load load;
    snprintf(name, sizeof name, "%s EV battery", f->name);
    TW_CHECK_GOTO(st, tw_network_add_bus(net, name, 1.0, "Li ion", &idx));
    c.ev_bus = (int)idx;

    tw_store_default(&store);
    store.name = name;
    store.bus = c.ev_bus;
    store.e_nom_MWh = s * f->n_vehicles * f->battery_kWh / 1000.0;
    store.e_cyclic = f->cyclic;
    store.e_initial_MWh = f->initial_soc * store.e_nom_MWh;
    for (size_t t = 0; t < n; t++)
      series[t] = (f->min_soc_hour >= 0 && (int)((how0 + t) % 24) == f->min_soc_hour)
                      ? f->min_soc
                      : 0.0;
    store.e_min_pu = 0.0;
    store.e_min_pu_t = series;
    TW_CHECK_GOTO(st, tw_network_add_store(net, &store, &idx));
    c.store = (int)idx;

    snprintf(name, sizeof name, "%s BEV charger", f->name);
    tw_link_default(&link);
    link.name = name;
    link.bus0 = bus_index;
    link.bus1 = c.ev_bus;
    link.efficiency = f->charge_efficiency;
    link.p_nom_MW = s * f->n_vehicles * f->charger_kW / 1000.0;
    link.p_min_pu = 0.0;
    link.p_max_pu = 1.0;
    link.p_max_pu_t = avail;
    TW_CHECK_GOTO(st, tw_network_add_link(net, &link, &idx));
    c.charger = (int)idx;

    if (f->v2g && f->v2g_kW > 0) {
      snprintf(name, sizeof name, "%s V2G", f->name);
      tw_link_default(&link);
      link.name = name;
      link.bus0 = c.ev_bus;
      link.bus1 = bus_index;
      link.efficiency = f->v2g_efficiency;
      link.p_nom_MW = s * f->n_vehicles * f->v2g_kW / 1000.0;
      link.p_min_pu = 0.0;
      link.p_max_pu = 1.0;
      link.p_max_pu_t = avail;
      link.marginal_cost = f->v2g_cost_per_MWh;
      TW_CHECK_GOTO(st, tw_network_add_link(net, &link, &idx));
      c.v2g = (int)idx;
    }

    TW_CHECK_GOTO(st, tw_fleet_driving_series(f, s, how0, n, temperature_C, series));
    snprintf(name, sizeof name, "%s driving", f->name);
    tw_load_default(&load);
    load.name = name;
    load.bus = c.ev_bus;
    load.p_set_MW = 0.0;
    load.p_set_t = series;
    TW_CHECK_GOTO(st, tw_network_add_load(net, &load, &idx));
    c.driving_load = (int)idx;
  }
  if (s < 1) {
    tw_load load;
    TW_CHECK_GOTO(st, tw_fleet_immediate_profile(f, 1.0 - s, how0, n, temperature_C, series,
                                                 NULL, NULL));
    snprintf(name, sizeof name, "%s immediate charging", f->name);
    tw_load_default(&load);
    load.name = name;
    load.bus = bus_index;
    load.p_set_MW = 0.0;
    load.p_set_t = series;
    TW_CHECK_GOTO(st, tw_network_add_load(net, &load, &idx));
    c.immediate_load = (int)idx;
  }
  if (out) *out = c;
cleanup:
  free(series);
  free(avail);
  return st;
}

tw_status tw_fleet_grid_charging(const tw_network *net, const struct tw_optimize_result *r,
                                 const tw_fleet_components *c, double *charging_MW) {
  const size_t T = net->n_snapshots, K = net->n_links;
  if (r->n_snapshots != T || r->n_links != K || r->n_loads != net->n_loads)
    return tw_error(TW_ERR_INPUT,
                    "EV charging: the optimization result (%zu snapshots, %zu links, %zu loads) "
                    "does not belong to this network (%zu, %zu, %zu)",
                    r->n_snapshots, r->n_links, r->n_loads, T, K, net->n_loads);
  if ((c->charger >= 0 && (size_t)c->charger >= K) || (c->v2g >= 0 && (size_t)c->v2g >= K) ||
      (c->immediate_load >= 0 && (size_t)c->immediate_load >= net->n_loads))
    return tw_error(TW_ERR_INPUT, "EV charging: component index out of range (charger %d, v2g "
                                  "%d, immediate load %d)",
                    c->charger, c->v2g, c->immediate_load);
  for (size_t t = 0; t < T; t++) {
    double v = 0.0;
    if (c->charger >= 0) v += r->link_p0[t * K + (size_t)c->charger];
    if (c->v2g >= 0) v += r->link_p1[t * K + (size_t)c->v2g]; /* p1 < 0: delivered to bus1 */
    if (c->immediate_load >= 0) {
      const tw_load *l = &net->loads[c->immediate_load];
      v += tw_series_at(l->p_set_t, l->p_set_MW, t);
    }
    charging_MW[t] = v;
  }
  return TW_OK;
}
