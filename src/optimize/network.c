/* The in-memory network: creation, destruction, adding components.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/pypsa_defaults.h"
#include "terrawatt/network.h"

enum { CAP_BUS, CAP_CARRIER, CAP_GEN, CAP_LOAD, CAP_LINE, CAP_TRAFO, CAP_LINK, CAP_SU, CAP_STORE,
       CAP_GC };

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static tw_status grow(void **arr, size_t *cap, size_t n, size_t elem, const char *what) {
  if (n < *cap) return TW_OK;
  size_t ncap = *cap ? *cap * 2 : 8;
  void *p = realloc(*arr, ncap * elem);
  if (!p) return tw_error(TW_ERR_RESOURCE, "out of memory growing %s to %zu", what, ncap);
  memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
  *arr = p;
  *cap = ncap;
  return TW_OK;
}

static tw_status copy_series(const tw_network *net, const double *src, double **dst) {
  *dst = NULL;
  if (!src) return TW_OK;
  TW_CHECK(tw_calloc(net->n_snapshots ? net->n_snapshots : 1, sizeof(double), "series", dst));
  memcpy(*dst, src, net->n_snapshots * sizeof(double));
  return TW_OK;
}

tw_status tw_network_create(size_t n_snapshots, tw_network **out) {
  tw_status st = TW_OK;
  tw_network *net = NULL;
  *out = NULL;
  if (n_snapshots == 0) return tw_error(TW_ERR_INPUT, "network: no snapshots");
  TW_CHECK(tw_calloc(1, sizeof *net, "network", &net));
  net->n_snapshots = n_snapshots;
  TW_CHECK_GOTO(st, tw_calloc(n_snapshots, sizeof(char *), "snapshots", &net->snapshots));
  TW_CHECK_GOTO(st, tw_calloc(n_snapshots, sizeof(double), "weightings", &net->weight_objective));
  TW_CHECK_GOTO(st, tw_calloc(n_snapshots, sizeof(double), "weightings", &net->weight_stores));
  TW_CHECK_GOTO(st, tw_calloc(n_snapshots, sizeof(double), "weightings", &net->weight_generators));
  for (size_t t = 0; t < n_snapshots; t++) {
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", t);
    net->snapshots[t] = strdup(buf);
    if (!net->snapshots[t]) {
      st = tw_error(TW_ERR_RESOURCE, "out of memory for snapshot labels");
      goto cleanup;
    }
    net->weight_objective[t] = net->weight_stores[t] = net->weight_generators[t] = 1.0;
  }
  *out = net;
  net = NULL;
cleanup:
  tw_network_destroy(&net);
  return st;
}

void tw_network_destroy(tw_network **pnet) {
  if (!pnet || !*pnet) return;
  tw_network *n = *pnet;
  free(n->name);
  if (n->snapshots)
    for (size_t t = 0; t < n->n_snapshots; t++) free(n->snapshots[t]);
  free(n->snapshots);
  free(n->weight_objective);
  free(n->weight_stores);
  free(n->weight_generators);
  for (size_t i = 0; i < n->n_buses; i++) {
    free(n->buses[i].name);
    free(n->buses[i].carrier);
  }
  for (size_t i = 0; i < n->n_carriers; i++) free(n->carriers[i].name), free(n->carriers[i].color);
  for (size_t i = 0; i < n->n_generators; i++) {
    tw_generator *g = &n->generators[i];
    free(g->name);
    free(g->p_min_pu_t);
    free(g->p_max_pu_t);
    free(g->marginal_cost_t);
  }
  for (size_t i = 0; i < n->n_loads; i++) {
    free(n->loads[i].name);
    free(n->loads[i].p_set_t);
  }
  for (size_t i = 0; i < n->n_lines; i++) {
    free(n->lines[i].name);
    free(n->lines[i].s_max_pu_t);
  }
  for (size_t i = 0; i < n->n_transformers; i++) {
    free(n->transformers[i].name);
    free(n->transformers[i].s_max_pu_t);
  }
  for (size_t i = 0; i < n->n_links; i++) {
    tw_link *k = &n->links[i];
    free(k->name);
    free(k->p_min_pu_t);
    free(k->p_max_pu_t);
    free(k->efficiency_t);
    free(k->marginal_cost_t);
  }
  for (size_t i = 0; i < n->n_storage_units; i++) {
    tw_storage_unit *s = &n->storage_units[i];
    free(s->name);
    free(s->inflow_t);
    free(s->state_of_charge_set_t);
    free(s->p_min_pu_t);
    free(s->p_max_pu_t);
  }
  for (size_t i = 0; i < n->n_stores; i++) {
    tw_store *s = &n->stores[i];
    free(s->name);
    free(s->e_min_pu_t);
    free(s->e_max_pu_t);
    free(s->marginal_cost_t);
  }
  for (size_t i = 0; i < n->n_global_constraints; i++) {
    tw_global_constraint *c = &n->global_constraints[i];
    free(c->name);
    free(c->type);
    free(c->carrier_attribute);
    free(c->sense);
  }
  free(n->buses);
  free(n->carriers);
  free(n->generators);
  free(n->loads);
  free(n->lines);
  free(n->transformers);
  free(n->links);
  free(n->storage_units);
  free(n->stores);
  free(n->global_constraints);
  free(n);
  *pnet = NULL;
}

tw_status tw_network_set_snapshot_label(tw_network *net, size_t t, const char *label) {
  if (t >= net->n_snapshots || !label)
    return tw_error(TW_ERR_INPUT, "network: snapshot %zu out of range (%zu snapshots)", t,
                    net->n_snapshots);
  char *c = strdup(label);
  if (!c) return tw_error(TW_ERR_RESOURCE, "out of memory for a snapshot label");
  free(net->snapshots[t]);
  net->snapshots[t] = c;
  return TW_OK;
}

#define FIND_BY_NAME(arr, n, nm)                                                               \
  do {                                                                                         \
    if (!(nm)) return -1;                                                                      \
    for (size_t i_ = 0; i_ < (n); i_++)                                                        \
      if ((arr)[i_].name && strcmp((arr)[i_].name, (nm)) == 0) return (int)i_;                 \
    return -1;                                                                                 \
  } while (0)

int tw_network_find_bus(const tw_network *net, const char *name) {
  FIND_BY_NAME(net->buses, net->n_buses, name);
}
int tw_network_find_carrier(const tw_network *net, const char *name) {
  FIND_BY_NAME(net->carriers, net->n_carriers, name);
}
int tw_network_find_generator(const tw_network *net, const char *name) {
  FIND_BY_NAME(net->generators, net->n_generators, name);
}

#define D(list, attr) tw_pypsa_default(list, attr)

void tw_generator_default(tw_generator *g) {
  memset(g, 0, sizeof *g);
  g->bus = g->carrier = -1;
  g->p_nom_MW = D("generators", "p_nom");
  g->p_nom_min_MW = D("generators", "p_nom_min");
  g->p_nom_max_MW = D("generators", "p_nom_max");
  g->p_nom_extendable = D("generators", "p_nom_extendable") != 0.0;
  g->capital_cost = D("generators", "capital_cost");
  g->marginal_cost = D("generators", "marginal_cost");
  g->efficiency = D("generators", "efficiency");
  g->p_min_pu = D("generators", "p_min_pu");
  g->p_max_pu = D("generators", "p_max_pu");
  g->sign = D("generators", "sign");
}

void tw_load_default(tw_load *l) {
  memset(l, 0, sizeof *l);
  l->bus = -1;
  l->p_set_MW = D("loads", "p_set");
  l->sign = D("loads", "sign");
}

static void branch_default(tw_branch *b, const char *list) {
  memset(b, 0, sizeof *b);
  b->bus0 = b->bus1 = -1;
  b->x = D(list, "x");
  b->r = D(list, "r");
  b->s_nom_MVA = D(list, "s_nom");
  b->s_nom_min_MVA = D(list, "s_nom_min");
  b->s_nom_max_MVA = D(list, "s_nom_max");
  b->s_nom_extendable = D(list, "s_nom_extendable") != 0.0;
  b->s_max_pu = D(list, "s_max_pu");
  b->capital_cost = D(list, "capital_cost");
  b->num_parallel = D(list, "num_parallel");
  b->tap_ratio = 1.0;
}
void tw_line_default(tw_branch *b) { branch_default(b, "lines"); }
void tw_transformer_default(tw_branch *b) {
  branch_default(b, "transformers");
  b->tap_ratio = D("transformers", "tap_ratio");
  b->num_parallel = D("transformers", "num_parallel");
}

void tw_link_default(tw_link *k) {
  memset(k, 0, sizeof *k);
  k->bus0 = k->bus1 = k->carrier = -1;
  k->efficiency = D("links", "efficiency");
  k->p_nom_MW = D("links", "p_nom");
  k->p_nom_min_MW = D("links", "p_nom_min");
  k->p_nom_max_MW = D("links", "p_nom_max");
  k->p_nom_extendable = D("links", "p_nom_extendable") != 0.0;
  k->p_min_pu = D("links", "p_min_pu");
  k->p_max_pu = D("links", "p_max_pu");
  k->capital_cost = D("links", "capital_cost");
  k->marginal_cost = D("links", "marginal_cost");
}

void tw_storage_unit_default(tw_storage_unit *s) {
  memset(s, 0, sizeof *s);
  s->bus = s->carrier = -1;
  s->p_nom_MW = D("storage_units", "p_nom");
  s->p_nom_min_MW = D("storage_units", "p_nom_min");
  s->p_nom_max_MW = D("storage_units", "p_nom_max");
  s->p_nom_extendable = D("storage_units", "p_nom_extendable") != 0.0;
  s->p_min_pu = D("storage_units", "p_min_pu");
  s->p_max_pu = D("storage_units", "p_max_pu");
  s->capital_cost = D("storage_units", "capital_cost");
  s->marginal_cost = D("storage_units", "marginal_cost");
  s->spill_cost = D("storage_units", "spill_cost");
  s->max_hours_h = D("storage_units", "max_hours");
  s->efficiency_store = D("storage_units", "efficiency_store");
  s->efficiency_dispatch = D("storage_units", "efficiency_dispatch");
  s->standing_loss = D("storage_units", "standing_loss");
  s->cyclic_state_of_charge = D("storage_units", "cyclic_state_of_charge") != 0.0;
  s->state_of_charge_initial_MWh = D("storage_units", "state_of_charge_initial");
  s->inflow_MW = D("storage_units", "inflow");
}

void tw_store_default(tw_store *s) {
  memset(s, 0, sizeof *s);
  s->bus = s->carrier = -1;
  s->e_nom_MWh = D("stores", "e_nom");
  s->e_nom_min_MWh = D("stores", "e_nom_min");
  s->e_nom_max_MWh = D("stores", "e_nom_max");
  s->e_nom_extendable = D("stores", "e_nom_extendable") != 0.0;
  s->e_min_pu = D("stores", "e_min_pu");
  s->e_max_pu = D("stores", "e_max_pu");
  s->e_initial_MWh = D("stores", "e_initial");
  s->e_cyclic = D("stores", "e_cyclic") != 0.0;
  s->standing_loss = D("stores", "standing_loss");
  s->capital_cost = D("stores", "capital_cost");
  s->marginal_cost = D("stores", "marginal_cost");
}

/* Checks shared by the add functions. */
static tw_status check_name(const char *what, const char *name) {
  if (!name || !name[0]) return tw_error(TW_ERR_INPUT, "network: %s without a name", what);
  return TW_OK;
}
static tw_status check_bus(const tw_network *net, const char *what, const char *name, int bus) {
  if (bus < 0 || (size_t)bus >= net->n_buses)
    return tw_error(TW_ERR_INPUT, "network: %s '%s': bus index %d is not a bus (%zu buses)",
                    what, name, bus, net->n_buses);
  return TW_OK;
}

#define CHECK_UNIQUE(arr, n, what, nm)                                                         \
  do {                                                                                         \
    for (size_t i_ = 0; i_ < (n); i_++)                                                        \
      if (strcmp((arr)[i_].name, (nm)) == 0)                                                   \
        return tw_error(TW_ERR_INPUT, "network: %s '%s' defined twice", what, nm);             \
  } while (0)

tw_status tw_network_add_bus(tw_network *net, const char *name, double v_nom_kV,
                             const char *carrier, size_t *index) {
  TW_CHECK(check_name("bus", name));
  CHECK_UNIQUE(net->buses, net->n_buses, "bus", name);
  TW_CHECK(grow((void **)&net->buses, &net->cap_[CAP_BUS], net->n_buses, sizeof(tw_bus), "buses"));
  tw_bus *b = &net->buses[net->n_buses];
  memset(b, 0, sizeof *b);
  b->name = strdup(name);
  b->carrier = strdup(carrier && carrier[0] ? carrier : "AC");
  b->v_nom_kV = v_nom_kV;
  if (!b->name || !b->carrier) {
    free(b->name);
    free(b->carrier);
    return tw_error(TW_ERR_RESOURCE, "out of memory adding bus '%s'", name);
  }
  if (index) *index = net->n_buses;
  net->n_buses++;
  return TW_OK;
}

tw_status tw_network_add_carrier(tw_network *net, const char *name, double co2, size_t *index) {
  TW_CHECK(check_name("carrier", name));
  CHECK_UNIQUE(net->carriers, net->n_carriers, "carrier", name);
  TW_CHECK(grow((void **)&net->carriers, &net->cap_[CAP_CARRIER], net->n_carriers,
                sizeof(tw_carrier), "carriers"));
  tw_carrier *c = &net->carriers[net->n_carriers];
  c->name = strdup(name);
  if (!c->name) return tw_error(TW_ERR_RESOURCE, "out of memory adding carrier '%s'", name);
  c->co2_emissions = co2;
  if (index) *index = net->n_carriers;
  net->n_carriers++;
  return TW_OK;
}

tw_status tw_network_add_generator(tw_network *net, const tw_generator *c, size_t *index) {
  TW_CHECK(check_name("generator", c->name));
  CHECK_UNIQUE(net->generators, net->n_generators, "generator", c->name);
  TW_CHECK(check_bus(net, "generator", c->name, c->bus));
  TW_CHECK(grow((void **)&net->generators, &net->cap_[CAP_GEN], net->n_generators,
                sizeof(tw_generator), "generators"));
  tw_generator g = *c;
  g.name = dup_or_null(c->name);
  g.p_min_pu_t = g.p_max_pu_t = g.marginal_cost_t = NULL;
  tw_status st = TW_OK;
  if (!g.name) st = tw_error(TW_ERR_RESOURCE, "out of memory adding generator");
  if (st == TW_OK) st = copy_series(net, c->p_min_pu_t, &g.p_min_pu_t);
  if (st == TW_OK) st = copy_series(net, c->p_max_pu_t, &g.p_max_pu_t);
  if (st == TW_OK) st = copy_series(net, c->marginal_cost_t, &g.marginal_cost_t);
  if (st != TW_OK) {
    free(g.name);
    free(g.p_min_pu_t);
    free(g.p_max_pu_t);
    free(g.marginal_cost_t);
    return st;
  }
  net->generators[net->n_generators] = g;
  if (index) *index = net->n_generators;
  net->n_generators++;
  return TW_OK;
}

tw_status tw_network_add_load(tw_network *net, const tw_load *c, size_t *index) {
  TW_CHECK(check_name("load", c->name));
  CHECK_UNIQUE(net->loads, net->n_loads, "load", c->name);
  TW_CHECK(check_bus(net, "load", c->name, c->bus));
  TW_CHECK(grow((void **)&net->loads, &net->cap_[CAP_LOAD], net->n_loads, sizeof(tw_load),
                "loads"));
  tw_load l = *c;
  l.name = dup_or_null(c->name);
  l.p_set_t = NULL;
  tw_status st = l.name ? copy_series(net, c->p_set_t, &l.p_set_t)
                        : tw_error(TW_ERR_RESOURCE, "out of memory adding load");
  if (st != TW_OK) {
    free(l.name);
    return st;
  }
  net->loads[net->n_loads] = l;
  if (index) *index = net->n_loads;
  net->n_loads++;
  return TW_OK;
}

static tw_status add_branch(tw_network *net, tw_branch **arr, size_t *n, size_t *cap,
                            const char *what, const tw_branch *c, size_t *index) {
  TW_CHECK(check_name(what, c->name));
  CHECK_UNIQUE(*arr, *n, what, c->name);
  TW_CHECK(check_bus(net, what, c->name, c->bus0));
  TW_CHECK(check_bus(net, what, c->name, c->bus1));
  TW_CHECK(grow((void **)arr, cap, *n, sizeof(tw_branch), what));
  tw_branch b = *c;
  b.name = dup_or_null(c->name);
  b.s_max_pu_t = NULL;
  tw_status st = b.name ? copy_series(net, c->s_max_pu_t, &b.s_max_pu_t)
                        : tw_error(TW_ERR_RESOURCE, "out of memory adding %s", what);
  if (st != TW_OK) {
    free(b.name);
    return st;
  }
  (*arr)[*n] = b;
  if (index) *index = *n;
  (*n)++;
  return TW_OK;
}

tw_status tw_network_add_line(tw_network *net, const tw_branch *c, size_t *index) {
  return add_branch(net, &net->lines, &net->n_lines, &net->cap_[CAP_LINE], "line", c, index);
}
tw_status tw_network_add_transformer(tw_network *net, const tw_branch *c, size_t *index) {
  return add_branch(net, &net->transformers, &net->n_transformers, &net->cap_[CAP_TRAFO],
                    "transformer", c, index);
}

tw_status tw_network_add_link(tw_network *net, const tw_link *c, size_t *index) {
  TW_CHECK(check_name("link", c->name));
  CHECK_UNIQUE(net->links, net->n_links, "link", c->name);
  TW_CHECK(check_bus(net, "link", c->name, c->bus0));
  TW_CHECK(check_bus(net, "link", c->name, c->bus1));
  TW_CHECK(grow((void **)&net->links, &net->cap_[CAP_LINK], net->n_links, sizeof(tw_link),
                "links"));
  tw_link k = *c;
  k.name = dup_or_null(c->name);
  k.p_min_pu_t = k.p_max_pu_t = k.efficiency_t = k.marginal_cost_t = NULL;
  tw_status st = k.name ? TW_OK : tw_error(TW_ERR_RESOURCE, "out of memory adding link");
  if (st == TW_OK) st = copy_series(net, c->p_min_pu_t, &k.p_min_pu_t);
  if (st == TW_OK) st = copy_series(net, c->p_max_pu_t, &k.p_max_pu_t);
  if (st == TW_OK) st = copy_series(net, c->efficiency_t, &k.efficiency_t);
  if (st == TW_OK) st = copy_series(net, c->marginal_cost_t, &k.marginal_cost_t);
  if (st != TW_OK) {
    free(k.name);
    free(k.p_min_pu_t);
    free(k.p_max_pu_t);
    free(k.efficiency_t);
    free(k.marginal_cost_t);
    return st;
  }
  net->links[net->n_links] = k;
  if (index) *index = net->n_links;
  net->n_links++;
  return TW_OK;
}

tw_status tw_network_add_storage_unit(tw_network *net, const tw_storage_unit *c, size_t *index) {
  TW_CHECK(check_name("storage unit", c->name));
  CHECK_UNIQUE(net->storage_units, net->n_storage_units, "storage unit", c->name);
  TW_CHECK(check_bus(net, "storage unit", c->name, c->bus));
  TW_CHECK(grow((void **)&net->storage_units, &net->cap_[CAP_SU], net->n_storage_units,
                sizeof(tw_storage_unit), "storage units"));
  tw_storage_unit s = *c;
  s.name = dup_or_null(c->name);
  s.inflow_t = s.state_of_charge_set_t = s.p_min_pu_t = s.p_max_pu_t = NULL;
  tw_status st = s.name ? TW_OK : tw_error(TW_ERR_RESOURCE, "out of memory adding storage unit");
  if (st == TW_OK) st = copy_series(net, c->inflow_t, &s.inflow_t);
  if (st == TW_OK) st = copy_series(net, c->state_of_charge_set_t, &s.state_of_charge_set_t);
  if (st == TW_OK) st = copy_series(net, c->p_min_pu_t, &s.p_min_pu_t);
  if (st == TW_OK) st = copy_series(net, c->p_max_pu_t, &s.p_max_pu_t);
  if (st != TW_OK) {
    free(s.name);
    free(s.inflow_t);
    free(s.state_of_charge_set_t);
    free(s.p_min_pu_t);
    free(s.p_max_pu_t);
    return st;
  }
  net->storage_units[net->n_storage_units] = s;
  if (index) *index = net->n_storage_units;
  net->n_storage_units++;
  return TW_OK;
}

tw_status tw_network_add_store(tw_network *net, const tw_store *c, size_t *index) {
  TW_CHECK(check_name("store", c->name));
  CHECK_UNIQUE(net->stores, net->n_stores, "store", c->name);
  TW_CHECK(check_bus(net, "store", c->name, c->bus));
  TW_CHECK(grow((void **)&net->stores, &net->cap_[CAP_STORE], net->n_stores, sizeof(tw_store),
                "stores"));
  tw_store s = *c;
  s.name = dup_or_null(c->name);
  s.e_min_pu_t = s.e_max_pu_t = s.marginal_cost_t = NULL;
  tw_status st = s.name ? TW_OK : tw_error(TW_ERR_RESOURCE, "out of memory adding store");
  if (st == TW_OK) st = copy_series(net, c->e_min_pu_t, &s.e_min_pu_t);
  if (st == TW_OK) st = copy_series(net, c->e_max_pu_t, &s.e_max_pu_t);
  if (st == TW_OK) st = copy_series(net, c->marginal_cost_t, &s.marginal_cost_t);
  if (st != TW_OK) {
    free(s.name);
    free(s.e_min_pu_t);
    free(s.e_max_pu_t);
    free(s.marginal_cost_t);
    return st;
  }
  net->stores[net->n_stores] = s;
  if (index) *index = net->n_stores;
  net->n_stores++;
  return TW_OK;
}

tw_status tw_network_add_global_constraint(tw_network *net, const char *name, const char *sense,
                                           double constant, size_t *index) {
  TW_CHECK(check_name("global constraint", name));
  CHECK_UNIQUE(net->global_constraints, net->n_global_constraints, "global constraint", name);
  if (!sense || (strcmp(sense, "<=") && strcmp(sense, ">=") && strcmp(sense, "==")))
    return tw_error(TW_ERR_INPUT, "network: global constraint '%s': sense '%s' is not <=, >= or ==",
                    name, sense ? sense : "");
  TW_CHECK(grow((void **)&net->global_constraints, &net->cap_[CAP_GC], net->n_global_constraints,
                sizeof(tw_global_constraint), "global constraints"));
  tw_global_constraint *c = &net->global_constraints[net->n_global_constraints];
  c->name = strdup(name);
  c->type = strdup("primary_energy");
  c->carrier_attribute = strdup("co2_emissions");
  c->sense = strdup(sense);
  c->constant = constant;
  if (!c->name || !c->type || !c->carrier_attribute || !c->sense) {
    free(c->name);
    free(c->type);
    free(c->carrier_attribute);
    free(c->sense);
    return tw_error(TW_ERR_RESOURCE, "out of memory adding global constraint '%s'", name);
  }
  if (index) *index = net->n_global_constraints;
  net->n_global_constraints++;
  return TW_OK;
}

static tw_status set_series(const tw_network *net, double **slot, const double *series,
                            const char *what, size_t index, double lo) {
  if (series)
    for (size_t t = 0; t < net->n_snapshots; t++)
      if (!isfinite(series[t]) || series[t] < lo)
        return tw_error(TW_ERR_INPUT, "network: %s %zu: value %g at snapshot %zu is not allowed",
                        what, index, series[t], t);
  double *copy = NULL;
  TW_CHECK(copy_series(net, series, &copy));
  free(*slot);
  *slot = copy;
  return TW_OK;
}

tw_status tw_network_generator_set_p_max_pu_series(tw_network *net, size_t gen_index,
                                                   const double *series) {
  if (gen_index >= net->n_generators)
    return tw_error(TW_ERR_INPUT, "network: generator index %zu out of range (%zu generators)",
                    gen_index, net->n_generators);
  return set_series(net, &net->generators[gen_index].p_max_pu_t, series, "generator p_max_pu",
                    gen_index, 0.0);
}

tw_status tw_network_load_set_p_set_series(tw_network *net, size_t load_index,
                                           const double *series) {
  if (load_index >= net->n_loads)
    return tw_error(TW_ERR_INPUT, "network: load index %zu out of range (%zu loads)", load_index,
                    net->n_loads);
  return set_series(net, &net->loads[load_index].p_set_t, series, "load p_set", load_index,
                    -INFINITY);
}
