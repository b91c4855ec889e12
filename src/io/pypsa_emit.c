/* Walk a network and its results in PyPSA's export layout.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/pypsa_emit.h"

/* Scratch space for one list. */
typedef struct scratch {
  const char **names, **s;
  double *v;
  double *ser; /* T x n */
  const char **cols;
} scratch;

static void scratch_free(scratch *x) {
  free(x->names);
  free(x->s);
  free(x->v);
  free(x->ser);
  free(x->cols);
}

static tw_status scratch_alloc(scratch *x, size_t n, size_t T) {
  memset(x, 0, sizeof *x);
  TW_CHECK(tw_calloc(n + 1, sizeof(char *), "names", &x->names));
  TW_CHECK(tw_calloc(n + 1, sizeof(char *), "strings", &x->s));
  TW_CHECK(tw_calloc(n + 1, sizeof(double), "values", &x->v));
  TW_CHECK(tw_calloc(T * n + 1, sizeof(double), "series", &x->ser));
  TW_CHECK(tw_calloc(n + 1, sizeof(char *), "columns", &x->cols));
  return TW_OK;
}

/* A series attribute of which only some components have a series:
 * get(i) returns the component's series or NULL. */
#define EMIT_INPUT_SERIES(LIST, ATTR, N, ARR, FIELD)                                           \
  do {                                                                                         \
    size_t nc_ = 0;                                                                            \
    for (size_t i_ = 0; i_ < (N); i_++)                                                        \
      if ((ARR)[i_].FIELD) {                                                                   \
        x.cols[nc_] = (ARR)[i_].name;                                                          \
        for (size_t t_ = 0; t_ < T; t_++) x.ser[t_ * (N) + nc_] = (ARR)[i_].FIELD[t_];         \
        nc_++;                                                                                 \
      }                                                                                        \
    if (nc_) {                                                                                 \
      /* repack from stride N to stride nc_ */                                                 \
      for (size_t t_ = 0; t_ < T; t_++)                                                        \
        for (size_t j_ = 0; j_ < nc_; j_++) x.ser[t_ * nc_ + j_] = x.ser[t_ * (N) + j_];       \
      TW_CHECK_GOTO(st, sink->series(sink->ctx, LIST, ATTR, nc_, x.cols, x.ser));              \
    }                                                                                          \
  } while (0)

#define NUM(LIST, ATTR, N, EXPR, IS_BOOL)                                                      \
  do {                                                                                         \
    for (size_t i = 0; i < (N); i++) x.v[i] = (double)(EXPR);                                  \
    TW_CHECK_GOTO(st, sink->num(sink->ctx, LIST, ATTR, x.v, IS_BOOL));                         \
  } while (0)

#define STR(LIST, ATTR, N, EXPR)                                                               \
  do {                                                                                         \
    for (size_t i = 0; i < (N); i++) x.s[i] = (EXPR);                                          \
    TW_CHECK_GOTO(st, sink->str(sink->ctx, LIST, ATTR, x.s));                                  \
  } while (0)

#define OUT_SERIES(LIST, ATTR, N, ARR, SRC)                                                    \
  do {                                                                                         \
    if (r && (N)) {                                                                            \
      for (size_t i = 0; i < (N); i++) x.cols[i] = (ARR)[i].name;                              \
      TW_CHECK_GOTO(st, sink->series(sink->ctx, LIST, ATTR, N, x.cols, SRC));                  \
    }                                                                                          \
  } while (0)

#define BEGIN(LIST, N, ARR)                                                                    \
  do {                                                                                         \
    scratch_free(&x);                                                                          \
    TW_CHECK_GOTO(st, scratch_alloc(&x, N, T));                                                \
    for (size_t i = 0; i < (N); i++) x.names[i] = (ARR)[i].name;                               \
    TW_CHECK_GOTO(st, sink->begin_list(sink->ctx, LIST, N, x.names));                          \
  } while (0)

static const char *carrier_name(const tw_network *n, int c) {
  return c >= 0 ? n->carriers[c].name : "";
}

tw_status tw_pypsa_emit(const tw_network *n, const tw_optimize_result *r,
                        const tw_pypsa_sink *sink) {
  tw_status st = TW_OK;
  size_t T = n->n_snapshots;
  scratch x;
  memset(&x, 0, sizeof x);

  if (n->n_carriers) {
    BEGIN("carriers", n->n_carriers, n->carriers);
    NUM("carriers", "co2_emissions", n->n_carriers, n->carriers[i].co2_emissions, 0);
    TW_CHECK_GOTO(st, sink->end_list(sink->ctx, "carriers"));
  }
  if (n->n_buses) {
    BEGIN("buses", n->n_buses, n->buses);
    NUM("buses", "v_nom", n->n_buses, n->buses[i].v_nom_kV, 0);
    NUM("buses", "x", n->n_buses, n->buses[i].x, 0);
    NUM("buses", "y", n->n_buses, n->buses[i].y, 0);
    STR("buses", "carrier", n->n_buses, n->buses[i].carrier);
    if (r) {
      OUT_SERIES("buses", "marginal_price", n->n_buses, n->buses, r->bus_marginal_price);
      /* p: net injection at each bus */
      for (size_t t = 0; t < T; t++)
        for (size_t b = 0; b < n->n_buses; b++) x.ser[t * n->n_buses + b] = 0;
      for (size_t t = 0; t < T; t++) {
        for (size_t g = 0; g < n->n_generators; g++)
          x.ser[t * n->n_buses + (size_t)n->generators[g].bus] += r->gen_p[t * n->n_generators + g];
        for (size_t l = 0; l < n->n_loads; l++)
          x.ser[t * n->n_buses + (size_t)n->loads[l].bus] -= r->load_p[t * n->n_loads + l];
        for (size_t s = 0; s < n->n_storage_units; s++)
          x.ser[t * n->n_buses + (size_t)n->storage_units[s].bus] += r->su_p[t * n->n_storage_units + s];
        for (size_t s = 0; s < n->n_stores; s++)
          x.ser[t * n->n_buses + (size_t)n->stores[s].bus] += r->store_p[t * n->n_stores + s];
        for (size_t k = 0; k < n->n_links; k++) {
          x.ser[t * n->n_buses + (size_t)n->links[k].bus0] -= r->link_p0[t * n->n_links + k];
          x.ser[t * n->n_buses + (size_t)n->links[k].bus1] -= r->link_p1[t * n->n_links + k];
        }
      }
      for (size_t i = 0; i < n->n_buses; i++) x.cols[i] = n->buses[i].name;
      TW_CHECK_GOTO(st, sink->series(sink->ctx, "buses", "p", n->n_buses, x.cols, x.ser));
    }
    TW_CHECK_GOTO(st, sink->end_list(sink->ctx, "buses"));
  }
  if (n->n_generators) {
    size_t N = n->n_generators;
    const tw_generator *a = n->generators;
    BEGIN("generators", N, a);
    STR("generators", "bus", N, n->buses[a[i].bus].name);
    STR("generators", "carrier", N, carrier_name(n, a[i].carrier));
    NUM("generators", "p_nom", N, a[i].p_nom_MW, 0);
    NUM("generators", "p_nom_extendable", N, a[i].p_nom_extendable, 1);
    NUM("generators", "p_nom_min", N, a[i].p_nom_min_MW, 0);
    NUM("generators", "p_nom_max", N, a[i].p_nom_max_MW, 0);
    NUM("generators", "capital_cost", N, a[i].capital_cost, 0);
    NUM("generators", "marginal_cost", N, a[i].marginal_cost, 0);
    NUM("generators", "efficiency", N, a[i].efficiency, 0);
    NUM("generators", "p_min_pu", N, a[i].p_min_pu, 0);
    NUM("generators", "p_max_pu", N, a[i].p_max_pu, 0);
    NUM("generators", "sign", N, a[i].sign, 0);
    if (r) NUM("generators", "p_nom_opt", N, r->gen_p_nom_opt[i], 0);
    EMIT_INPUT_SERIES("generators", "p_min_pu", N, a, p_min_pu_t);
    EMIT_INPUT_SERIES("generators", "p_max_pu", N, a, p_max_pu_t);
    EMIT_INPUT_SERIES("generators", "marginal_cost", N, a, marginal_cost_t);
    OUT_SERIES("generators", "p", N, a, r->gen_p);
    TW_CHECK_GOTO(st, sink->end_list(sink->ctx, "generators"));
  }
  if (n->n_loads) {
    size_t N = n->n_loads;
    const tw_load *a = n->loads;
    BEGIN("loads", N, a);
    STR("loads", "bus", N, n->buses[a[i].bus].name);
    NUM("loads", "p_set", N, a[i].p_set_MW, 0);
    NUM("loads", "sign", N, a[i].sign, 0);
    EMIT_INPUT_SERIES("loads", "p_set", N, a, p_set_t);
    OUT_SERIES("loads", "p", N, a, r->load_p);
    TW_CHECK_GOTO(st, sink->end_list(sink->ctx, "loads"));
  }
  for (int tr = 0; tr < 2; tr++) {
    size_t N = tr ? n->n_transformers : n->n_lines;
    const tw_branch *a = tr ? n->transformers : n->lines;
    const char *list = tr ? "transformers" : "lines";
    if (!N) continue;
    BEGIN(list, N, a);
    STR(list, "bus0", N, n->buses[a[i].bus0].name);
    STR(list, "bus1", N, n->buses[a[i].bus1].name);
    NUM(list, "x", N, a[i].x, 0);
    NUM(list, "r", N, a[i].r, 0);
    NUM(list, "s_nom", N, a[i].s_nom_MVA, 0);
    NUM(list, "s_nom_extendable", N, a[i].s_nom_extendable, 1);
    NUM(list, "s_nom_min", N, a[i].s_nom_min_MVA, 0);
    NUM(list, "s_nom_max", N, a[i].s_nom_max_MVA, 0);
    NUM(list, "s_max_pu", N, a[i].s_max_pu, 0);
    NUM(list, "capital_cost", N, a[i].capital_cost, 0);
    NUM(list, "num_parallel", N, a[i].num_parallel, 0);
    if (tr) NUM(list, "tap_ratio", N, a[i].tap_ratio, 0);
    if (r) NUM(list, "s_nom_opt", N, tr ? r->trafo_s_nom_opt[i] : r->line_s_nom_opt[i], 0);
    EMIT_INPUT_SERIES(list, "s_max_pu", N, a, s_max_pu_t);
    OUT_SERIES(list, "p0", N, a, tr ? r->trafo_p0 : r->line_p0);
    OUT_SERIES(list, "p1", N, a, tr ? r->trafo_p1 : r->line_p1);
    TW_CHECK_GOTO(st, sink->end_list(sink->ctx, list));
  }
  if (n->n_links) {
    size_t N = n->n_links;
    const tw_link *a = n->links;
    BEGIN("links", N, a);
    STR("links", "bus0", N, n->buses[a[i].bus0].name);
    STR("links", "bus1", N, n->buses[a[i].bus1].name);
    STR("links", "carrier", N, carrier_name(n, a[i].carrier));
    NUM("links", "efficiency", N, a[i].efficiency, 0);
    NUM("links", "p_nom", N, a[i].p_nom_MW, 0);
    NUM("links", "p_nom_extendable", N, a[i].p_nom_extendable, 1);
    NUM("links", "p_nom_min", N, a[i].p_nom_min_MW, 0);
    NUM("links", "p_nom_max", N, a[i].p_nom_max_MW, 0);
    NUM("links", "p_min_pu", N, a[i].p_min_pu, 0);
    NUM("links", "p_max_pu", N, a[i].p_max_pu, 0);
    NUM("links", "capital_cost", N, a[i].capital_cost, 0);
    NUM("links", "marginal_cost", N, a[i].marginal_cost, 0);
    if (r) NUM("links", "p_nom_opt", N, r->link_p_nom_opt[i], 0);
    EMIT_INPUT_SERIES("links", "p_min_pu", N, a, p_min_pu_t);
    EMIT_INPUT_SERIES("links", "p_max_pu", N, a, p_max_pu_t);
    EMIT_INPUT_SERIES("links", "efficiency", N, a, efficiency_t);
    EMIT_INPUT_SERIES("links", "marginal_cost", N, a, marginal_cost_t);
    OUT_SERIES("links", "p0", N, a, r->link_p0);
    OUT_SERIES("links", "p1", N, a, r->link_p1);
    TW_CHECK_GOTO(st, sink->end_list(sink->ctx, "links"));
  }
  if (n->n_storage_units) {
    size_t N = n->n_storage_units;
    const tw_storage_unit *a = n->storage_units;
    const char *L = "storage_units";
    BEGIN(L, N, a);
    STR(L, "bus", N, n->buses[a[i].bus].name);
    STR(L, "carrier", N, carrier_name(n, a[i].carrier));
    NUM(L, "p_nom", N, a[i].p_nom_MW, 0);
    NUM(L, "p_nom_extendable", N, a[i].p_nom_extendable, 1);
    NUM(L, "p_nom_min", N, a[i].p_nom_min_MW, 0);
    NUM(L, "p_nom_max", N, a[i].p_nom_max_MW, 0);
    NUM(L, "p_min_pu", N, a[i].p_min_pu, 0);
    NUM(L, "p_max_pu", N, a[i].p_max_pu, 0);
    NUM(L, "capital_cost", N, a[i].capital_cost, 0);
    NUM(L, "marginal_cost", N, a[i].marginal_cost, 0);
    NUM(L, "spill_cost", N, a[i].spill_cost, 0);
    NUM(L, "max_hours", N, a[i].max_hours_h, 0);
    NUM(L, "efficiency_store", N, a[i].efficiency_store, 0);
    NUM(L, "efficiency_dispatch", N, a[i].efficiency_dispatch, 0);
    NUM(L, "standing_loss", N, a[i].standing_loss, 0);
    NUM(L, "cyclic_state_of_charge", N, a[i].cyclic_state_of_charge, 1);
    NUM(L, "state_of_charge_initial", N, a[i].state_of_charge_initial_MWh, 0);
    NUM(L, "inflow", N, a[i].inflow_MW, 0);
    if (r) NUM(L, "p_nom_opt", N, r->su_p_nom_opt[i], 0);
    EMIT_INPUT_SERIES(L, "inflow", N, a, inflow_t);
    EMIT_INPUT_SERIES(L, "state_of_charge_set", N, a, state_of_charge_set_t);
    EMIT_INPUT_SERIES(L, "p_min_pu", N, a, p_min_pu_t);
    EMIT_INPUT_SERIES(L, "p_max_pu", N, a, p_max_pu_t);
    OUT_SERIES(L, "p", N, a, r->su_p);
    OUT_SERIES(L, "p_dispatch", N, a, r->su_p_dispatch);
    OUT_SERIES(L, "p_store", N, a, r->su_p_store);
    OUT_SERIES(L, "state_of_charge", N, a, r->su_state_of_charge);
    OUT_SERIES(L, "spill", N, a, r->su_spill);
    TW_CHECK_GOTO(st, sink->end_list(sink->ctx, L));
  }
  if (n->n_stores) {
    size_t N = n->n_stores;
    const tw_store *a = n->stores;
    BEGIN("stores", N, a);
    STR("stores", "bus", N, n->buses[a[i].bus].name);
    STR("stores", "carrier", N, carrier_name(n, a[i].carrier));
    NUM("stores", "e_nom", N, a[i].e_nom_MWh, 0);
    NUM("stores", "e_nom_extendable", N, a[i].e_nom_extendable, 1);
    NUM("stores", "e_nom_min", N, a[i].e_nom_min_MWh, 0);
    NUM("stores", "e_nom_max", N, a[i].e_nom_max_MWh, 0);
    NUM("stores", "e_min_pu", N, a[i].e_min_pu, 0);
    NUM("stores", "e_max_pu", N, a[i].e_max_pu, 0);
    NUM("stores", "e_initial", N, a[i].e_initial_MWh, 0);
    NUM("stores", "e_cyclic", N, a[i].e_cyclic, 1);
    NUM("stores", "standing_loss", N, a[i].standing_loss, 0);
    NUM("stores", "capital_cost", N, a[i].capital_cost, 0);
    NUM("stores", "marginal_cost", N, a[i].marginal_cost, 0);
    if (r) NUM("stores", "e_nom_opt", N, r->store_e_nom_opt[i], 0);
    EMIT_INPUT_SERIES("stores", "e_min_pu", N, a, e_min_pu_t);
    EMIT_INPUT_SERIES("stores", "e_max_pu", N, a, e_max_pu_t);
    EMIT_INPUT_SERIES("stores", "marginal_cost", N, a, marginal_cost_t);
    OUT_SERIES("stores", "p", N, a, r->store_p);
    OUT_SERIES("stores", "e", N, a, r->store_e);
    TW_CHECK_GOTO(st, sink->end_list(sink->ctx, "stores"));
  }
  if (n->n_global_constraints) {
    size_t N = n->n_global_constraints;
    const tw_global_constraint *a = n->global_constraints;
    BEGIN("global_constraints", N, a);
    STR("global_constraints", "type", N, a[i].type);
    STR("global_constraints", "carrier_attribute", N, a[i].carrier_attribute);
    STR("global_constraints", "sense", N, a[i].sense);
    NUM("global_constraints", "constant", N, a[i].constant, 0);
    if (r) NUM("global_constraints", "mu", N, r->gc_mu[i], 0);
    TW_CHECK_GOTO(st, sink->end_list(sink->ctx, "global_constraints"));
  }
cleanup:
  scratch_free(&x);
  return st;
}
