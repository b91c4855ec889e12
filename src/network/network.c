/* The in-memory network: creation, destruction, clone, name lookup and
 * adding components. Every per-attribute operation goes through the
 * descriptor tables (network_attrs.h), so a new attribute is one table row.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "network/name_index.h"
#include "network/network_attrs.h"
#include "terrawatt/network.h"
#include "terrawatt/alloc.h"

static const tw_component_desc *D_(int list) { return &tw_component_descs[list]; }

static void **array_slot(tw_network *net, const tw_component_desc *d) {
  return (void **)((char *)net + d->off_array);
}
static size_t *count_slot(tw_network *net, const tw_component_desc *d) {
  return (size_t *)((char *)net + d->off_count);
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
  for (size_t i = 0; i < TW_N_COMPONENT_LISTS; i++)
    TW_CHECK_GOTO(st, tw_calloc(1, sizeof(tw_name_index), "name index", &net->index_[i]));
  for (size_t t = 0; t < n_snapshots; t++) {
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", t);
    net->snapshots[t] = tw_strdup(buf);
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
  for (int l = 0; l < TW_N_COMPONENT_LISTS; l++) {
    const tw_component_desc *d = D_(l);
    void **arr = array_slot(n, d);
    size_t cnt = *count_slot(n, d);
    for (size_t i = 0; i < cnt; i++) tw_component_free_fields(d, (char *)*arr + i * d->size);
    free(*arr);
    if (n->index_[l]) tw_name_index_free(n->index_[l]);
    free(n->index_[l]);
  }
  free(n);
  *pnet = NULL;
}

tw_status tw_network_set_snapshot_label(tw_network *net, size_t t, const char *label) {
  if (t >= net->n_snapshots || !label)
    return tw_error(TW_ERR_INPUT, "network: snapshot %zu out of range (%zu snapshots)", t,
                    net->n_snapshots);
  char *c = tw_strdup(label);
  if (!c) return tw_error(TW_ERR_RESOURCE, "out of memory for a snapshot label");
  free(net->snapshots[t]);
  net->snapshots[t] = c;
  return TW_OK;
}

static int find_in(const tw_network *net, int list, const char *name) {
  const tw_component_desc *d = D_(list);
  const void *base = *(void *const *)((const char *)net + d->off_array);
  return (int)tw_name_index_find(net->index_[list], base, d->size, name);
}

int tw_network_find_bus(const tw_network *net, const char *name) {
  return find_in(net, TW_LIST_BUSES, name);
}
int tw_network_find_carrier(const tw_network *net, const char *name) {
  return find_in(net, TW_LIST_CARRIERS, name);
}
int tw_network_find_generator(const tw_network *net, const char *name) {
  return find_in(net, TW_LIST_GENERATORS, name);
}
int tw_network_find(const tw_network *net, const char *list, const char *name) {
  const tw_component_desc *d = tw_component_desc_find(list);
  return d ? find_in(net, (int)(d - tw_component_descs), name) : -1;
}

void tw_generator_default(tw_generator *g) { tw_component_set_defaults(D_(TW_LIST_GENERATORS), g); }
void tw_load_default(tw_load *l) { tw_component_set_defaults(D_(TW_LIST_LOADS), l); }
void tw_line_default(tw_branch *b) {
  tw_component_set_defaults(D_(TW_LIST_LINES), b);
  b->tap_ratio = 1.0;
}
void tw_transformer_default(tw_branch *b) {
  tw_component_set_defaults(D_(TW_LIST_TRANSFORMERS), b);
}
void tw_link_default(tw_link *k) { tw_component_set_defaults(D_(TW_LIST_LINKS), k); }
void tw_storage_unit_default(tw_storage_unit *s) {
  tw_component_set_defaults(D_(TW_LIST_STORAGE_UNITS), s);
}
void tw_store_default(tw_store *s) { tw_component_set_defaults(D_(TW_LIST_STORES), s); }

/* Add a copy of `elem` to list `list`: name non-empty and unique, bus
 * indices valid. */
tw_status tw_network_add_component(tw_network *net, int list, const void *elem, size_t *index) {
  const tw_component_desc *d = D_(list);
  const char *name = *(char *const *)elem;
  if (!name || !name[0]) return tw_error(TW_ERR_INPUT, "network: %s without a name", d->what);
  if (find_in(net, list, name) >= 0)
    return tw_error(TW_ERR_INPUT, "network: %s '%s' defined twice", d->what, name);
  for (size_t i = 0; i < d->n_attrs; i++) {
    const tw_attr_desc *a = &d->attrs[i];
    if (a->off < 0) continue;
    int v = *tw_attr_int((void *)(uintptr_t)elem, a);
    if (a->kind == TW_AK_BUS && (v < 0 || (size_t)v >= net->n_buses))
      return tw_error(TW_ERR_INPUT, "network: %s '%s': %s index %d is not a bus (%zu buses)",
                      d->what, name, a->name, v, net->n_buses);
    if (a->kind == TW_AK_CARRIER && (v < -1 || v >= (int)net->n_carriers))
      return tw_error(TW_ERR_INPUT, "network: %s '%s': carrier index %d is not a carrier",
                      d->what, name, v);
  }
  void **arr = array_slot(net, d);
  size_t *n = count_slot(net, d);
  if (*n >= net->cap_[list]) {
    size_t ncap = net->cap_[list] ? 2 * net->cap_[list] : 8;
    void *p = tw_realloc(*arr, ncap * d->size);
    if (!p) return tw_error(TW_ERR_RESOURCE, "out of memory growing %s to %zu", d->list, ncap);
    memset((char *)p + net->cap_[list] * d->size, 0, (ncap - net->cap_[list]) * d->size);
    *arr = p;
    net->cap_[list] = ncap;
  }
  void *dst = (char *)*arr + *n * d->size;
  TW_CHECK(tw_component_copy(d, net->n_snapshots, dst, elem));
  tw_status st = tw_name_index_insert(net->index_[list], *arr, d->size, (long)*n);
  if (st != TW_OK) {
    tw_component_free_fields(d, dst);
    return st;
  }
  if (index) *index = *n;
  (*n)++;
  return TW_OK;
}

tw_status tw_network_add_bus(tw_network *net, const char *name, double v_nom_kV,
                             const char *carrier, size_t *index) {
  tw_bus b;
  tw_component_set_defaults(D_(TW_LIST_BUSES), &b);
  b.name = (char *)(uintptr_t)name;
  b.v_nom_kV = v_nom_kV;
  b.carrier = (char *)(uintptr_t)(carrier && carrier[0] ? carrier : "AC");
  return tw_network_add_component(net, TW_LIST_BUSES, &b, index);
}

tw_status tw_network_add_carrier(tw_network *net, const char *name, double co2, size_t *index) {
  tw_carrier c;
  tw_component_set_defaults(D_(TW_LIST_CARRIERS), &c);
  c.name = (char *)(uintptr_t)name;
  c.co2_emissions = co2;
  return tw_network_add_component(net, TW_LIST_CARRIERS, &c, index);
}

tw_status tw_network_add_generator(tw_network *net, const tw_generator *c, size_t *index) {
  return tw_network_add_component(net, TW_LIST_GENERATORS, c, index);
}
tw_status tw_network_add_load(tw_network *net, const tw_load *c, size_t *index) {
  return tw_network_add_component(net, TW_LIST_LOADS, c, index);
}
tw_status tw_network_add_line(tw_network *net, const tw_branch *c, size_t *index) {
  return tw_network_add_component(net, TW_LIST_LINES, c, index);
}
tw_status tw_network_add_transformer(tw_network *net, const tw_branch *c, size_t *index) {
  return tw_network_add_component(net, TW_LIST_TRANSFORMERS, c, index);
}
tw_status tw_network_add_link(tw_network *net, const tw_link *c, size_t *index) {
  return tw_network_add_component(net, TW_LIST_LINKS, c, index);
}
tw_status tw_network_add_storage_unit(tw_network *net, const tw_storage_unit *c, size_t *index) {
  return tw_network_add_component(net, TW_LIST_STORAGE_UNITS, c, index);
}
tw_status tw_network_add_store(tw_network *net, const tw_store *c, size_t *index) {
  return tw_network_add_component(net, TW_LIST_STORES, c, index);
}

tw_status tw_network_add_global_constraint(tw_network *net, const char *name, const char *sense,
                                           double constant, size_t *index) {
  if (!sense || (strcmp(sense, "<=") && strcmp(sense, ">=") && strcmp(sense, "==")))
    return tw_error(TW_ERR_INPUT, "network: global constraint '%s': sense '%s' is not <=, >= or ==",
                    name ? name : "", sense ? sense : "");
  tw_global_constraint c;
  tw_component_set_defaults(D_(TW_LIST_GLOBAL_CONSTRAINTS), &c);
  c.name = (char *)(uintptr_t)name;
  c.type = (char *)"primary_energy";
  c.carrier_attribute = (char *)"co2_emissions";
  c.sense = (char *)(uintptr_t)sense;
  c.constant = constant;
  return tw_network_add_component(net, TW_LIST_GLOBAL_CONSTRAINTS, &c, index);
}

tw_status tw_network_clone(const tw_network *src, tw_network **out) {
  tw_status st = TW_OK;
  tw_network *net = NULL;
  *out = NULL;
  TW_CHECK(tw_network_create(src->n_snapshots, &net));
  if (src->name && !(net->name = tw_strdup(src->name))) {
    st = tw_error(TW_ERR_RESOURCE, "out of memory cloning a network");
    goto cleanup;
  }
  for (size_t t = 0; t < src->n_snapshots; t++) {
    TW_CHECK_GOTO(st, tw_network_set_snapshot_label(net, t, src->snapshots[t]));
    net->weight_objective[t] = src->weight_objective[t];
    net->weight_stores[t] = src->weight_stores[t];
    net->weight_generators[t] = src->weight_generators[t];
  }
  for (int l = 0; l < TW_N_COMPONENT_LISTS; l++) {
    const tw_component_desc *d = D_(l);
    size_t n = tw_component_count(src, d);
    for (size_t i = 0; i < n; i++)
      TW_CHECK_GOTO(st, tw_network_add_component(net, l, tw_component_at(src, d, i), NULL));
  }
  *out = net;
  net = NULL;
cleanup:
  tw_network_destroy(&net);
  return st;
}

static tw_status set_series(const tw_network *net, double **slot, const double *series,
                            const char *what, size_t index, double lo) {
  double *copy = NULL;
  if (series) {
    for (size_t t = 0; t < net->n_snapshots; t++)
      if (!isfinite(series[t]) || series[t] < lo)
        return tw_error(TW_ERR_INPUT, "network: %s %zu: value %g at snapshot %zu is not allowed",
                        what, index, series[t], t);
    TW_CHECK(tw_calloc(net->n_snapshots, sizeof(double), "series", &copy));
    memcpy(copy, series, net->n_snapshots * sizeof(double));
  }
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

double tw_branch_impedance(const tw_network *net, size_t b, int dc) {
  if (b < net->n_lines) {
    const tw_branch *l = &net->lines[b];
    double v = net->buses[l->bus0].v_nom_kV;
    double z = dc ? l->r : l->x;
    return z / (v * v);
  }
  const tw_branch *tr = &net->transformers[b - net->n_lines];
  double z = dc ? tr->r : tr->x;
  return z / tr->s_nom_MVA * tr->tap_ratio;
}
