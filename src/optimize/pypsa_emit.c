/* Walk a network and its results in PyPSA's export layout. Input
 * attributes come from the descriptor tables (every kept attribute, static
 * and series); results are added per component list.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/pypsa_emit.h"
#include "network/network_attrs.h"

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
  memset(x, 0, sizeof *x);
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

/* Every kept attribute of list d: static values, then the series of the
 * components that have one. Names of buses and carriers for indices. */
static tw_status emit_inputs(const tw_network *n, const tw_component_desc *d, scratch *x,
                             const tw_pypsa_sink *sink) {
  size_t N = tw_component_count(n, d), T = n->n_snapshots;
  for (size_t k = 0; k < d->n_attrs; k++) {
    const tw_attr_desc *a = &d->attrs[k];
    if (a->off < 0) continue;
    if (a->kind == TW_AK_NUM || a->kind == TW_AK_BOOL) {
      for (size_t i = 0; i < N; i++) {
        void *e = tw_component_at(n, d, i);
        x->v[i] = a->kind == TW_AK_NUM ? *tw_attr_num(e, a) : (double)*tw_attr_int(e, a);
      }
      TW_CHECK(sink->num(sink->ctx, d->list, a->name, x->v, a->kind == TW_AK_BOOL));
    } else {
      for (size_t i = 0; i < N; i++) {
        void *e = tw_component_at(n, d, i);
        if (a->kind == TW_AK_STR) {
          x->s[i] = *tw_attr_str(e, a) ? *tw_attr_str(e, a) : "";
        } else {
          int idx = *tw_attr_int(e, a);
          x->s[i] = idx < 0 ? "" : a->kind == TW_AK_BUS ? n->buses[idx].name : n->carriers[idx].name;
        }
      }
      TW_CHECK(sink->str(sink->ctx, d->list, a->name, x->s));
    }
  }
  for (size_t k = 0; k < d->n_attrs; k++) {
    const tw_attr_desc *a = &d->attrs[k];
    if (a->off_t < 0) continue;
    size_t nc = 0;
    for (size_t i = 0; i < N; i++) {
      void *e = tw_component_at(n, d, i);
      const double *s = *tw_attr_series(e, a);
      if (!s) continue;
      x->cols[nc] = *tw_component_name(e);
      nc++;
    }
    if (!nc) continue;
    size_t j = 0;
    for (size_t i = 0; i < N; i++) {
      void *e = tw_component_at(n, d, i);
      const double *s = *tw_attr_series(e, a);
      if (!s) continue;
      for (size_t t = 0; t < T; t++) x->ser[t * nc + j] = s[t];
      j++;
    }
    TW_CHECK(sink->series(sink->ctx, d->list, a->name, nc, x->cols, x->ser));
  }
  return TW_OK;
}

#define NUM(LIST, ATTR, N, EXPR)                                                               \
  do {                                                                                         \
    for (size_t i = 0; i < (N); i++) x.v[i] = (double)(EXPR);                                  \
    TW_CHECK_GOTO(st, sink->num(sink->ctx, LIST, ATTR, x.v, 0));                               \
  } while (0)

#define OUT_SERIES(LIST, ATTR, N, ARR, SRC)                                                    \
  do {                                                                                         \
    if (r && (N)) {                                                                            \
      for (size_t i = 0; i < (N); i++) x.cols[i] = (ARR)[i].name;                              \
      TW_CHECK_GOTO(st, sink->series(sink->ctx, LIST, ATTR, N, x.cols, SRC));                  \
    }                                                                                          \
  } while (0)

static tw_status emit_results(const tw_network *n, const tw_optimize_result *r, int list,
                              scratch *xp, const tw_pypsa_sink *sink) {
  tw_status st = TW_OK;
  scratch x = *xp;
  size_t T = n->n_snapshots;
  switch (list) {
    case TW_LIST_BUSES: {
      size_t NB = n->n_buses;
      OUT_SERIES("buses", "marginal_price", NB, n->buses, r->bus_marginal_price);
      /* p: net injection at each bus */
      for (size_t i = 0; i < T * NB; i++) x.ser[i] = 0;
      for (size_t t = 0; t < T; t++) {
        double *row = &x.ser[t * NB];
        for (size_t g = 0; g < n->n_generators; g++)
          row[n->generators[g].bus] += r->gen_p[t * n->n_generators + g];
        for (size_t l = 0; l < n->n_loads; l++) row[n->loads[l].bus] -= r->load_p[t * n->n_loads + l];
        for (size_t s = 0; s < n->n_storage_units; s++)
          row[n->storage_units[s].bus] += r->su_p[t * n->n_storage_units + s];
        for (size_t s = 0; s < n->n_stores; s++) row[n->stores[s].bus] += r->store_p[t * n->n_stores + s];
        for (size_t k = 0; k < n->n_links; k++) {
          row[n->links[k].bus0] -= r->link_p0[t * n->n_links + k];
          row[n->links[k].bus1] -= r->link_p1[t * n->n_links + k];
        }
      }
      for (size_t i = 0; i < NB; i++) x.cols[i] = n->buses[i].name;
      TW_CHECK_GOTO(st, sink->series(sink->ctx, "buses", "p", NB, x.cols, x.ser));
      break;
    }
    case TW_LIST_GENERATORS:
      NUM("generators", "p_nom_opt", n->n_generators, r->gen_p_nom_opt[i]);
      OUT_SERIES("generators", "p", n->n_generators, n->generators, r->gen_p);
      break;
    case TW_LIST_LOADS: OUT_SERIES("loads", "p", n->n_loads, n->loads, r->load_p); break;
    case TW_LIST_LINES:
      NUM("lines", "s_nom_opt", n->n_lines, r->line_s_nom_opt[i]);
      OUT_SERIES("lines", "p0", n->n_lines, n->lines, r->line_p0);
      OUT_SERIES("lines", "p1", n->n_lines, n->lines, r->line_p1);
      break;
    case TW_LIST_TRANSFORMERS:
      NUM("transformers", "s_nom_opt", n->n_transformers, r->trafo_s_nom_opt[i]);
      OUT_SERIES("transformers", "p0", n->n_transformers, n->transformers, r->trafo_p0);
      OUT_SERIES("transformers", "p1", n->n_transformers, n->transformers, r->trafo_p1);
      break;
    case TW_LIST_LINKS:
      NUM("links", "p_nom_opt", n->n_links, r->link_p_nom_opt[i]);
      OUT_SERIES("links", "p0", n->n_links, n->links, r->link_p0);
      OUT_SERIES("links", "p1", n->n_links, n->links, r->link_p1);
      break;
    case TW_LIST_STORAGE_UNITS: {
      size_t N = n->n_storage_units;
      const tw_storage_unit *a = n->storage_units;
      NUM("storage_units", "p_nom_opt", N, r->su_p_nom_opt[i]);
      OUT_SERIES("storage_units", "p", N, a, r->su_p);
      OUT_SERIES("storage_units", "p_dispatch", N, a, r->su_p_dispatch);
      OUT_SERIES("storage_units", "p_store", N, a, r->su_p_store);
      OUT_SERIES("storage_units", "state_of_charge", N, a, r->su_state_of_charge);
      OUT_SERIES("storage_units", "spill", N, a, r->su_spill);
      break;
    }
    case TW_LIST_STORES:
      NUM("stores", "e_nom_opt", n->n_stores, r->store_e_nom_opt[i]);
      OUT_SERIES("stores", "p", n->n_stores, n->stores, r->store_p);
      OUT_SERIES("stores", "e", n->n_stores, n->stores, r->store_e);
      break;
    case TW_LIST_GLOBAL_CONSTRAINTS:
      NUM("global_constraints", "mu", n->n_global_constraints, r->gc_mu[i]);
      break;
    default: break;
  }
cleanup:
  return st;
}

static tw_status emit_plain(const tw_network *n, const tw_optimize_result *r,
                            const tw_pypsa_sink *sink) {
  tw_status st = TW_OK;
  scratch x;
  memset(&x, 0, sizeof x);
  for (int list = 0; list < TW_N_COMPONENT_LISTS; list++) {
    const tw_component_desc *d = &tw_component_descs[list];
    size_t N = tw_component_count(n, d);
    if (N == 0) continue;
    scratch_free(&x);
    TW_CHECK_GOTO(st, scratch_alloc(&x, N, n->n_snapshots));
    for (size_t i = 0; i < N; i++) x.names[i] = *tw_component_name(tw_component_at(n, d, i));
    TW_CHECK_GOTO(st, sink->begin_list(sink->ctx, d->list, N, x.names));
    TW_CHECK_GOTO(st, emit_inputs(n, d, &x, sink));
    if (r) TW_CHECK_GOTO(st, emit_results(n, r, list, &x, sink));
    TW_CHECK_GOTO(st, sink->end_list(sink->ctx, d->list));
  }
cleanup:
  scratch_free(&x);
  return st;
}

/* Load shedding as PyPSA generators: one per bus, named "load shedding
 * <bus>", carrier "load shedding", marginal cost = the value of lost load,
 * p_nom = the most that bus shed in any snapshot (the solved optimum stays
 * feasible and optimal under that bound, so PyPSA re-solves to the same
 * objective), dispatch p = the shed load. Written through a copy of the
 * network and a widened generator result. */
static tw_status emit_with_shedding(const tw_network *n, const tw_optimize_result *r,
                                    const tw_pypsa_sink *sink) {
  tw_status st = TW_OK;
  tw_network *c = NULL;
  tw_optimize_result w = *r;
  size_t T = n->n_snapshots, B = n->n_buses, G = n->n_generators, GS = G + B;
  char name[1024];
  w.gen_p = w.gen_p_nom_opt = NULL;
  TW_CHECK_GOTO(st, tw_network_clone(n, &c));
  int carrier = tw_network_find_carrier(c, "load shedding");
  if (carrier < 0) {
    size_t idx;
    TW_CHECK_GOTO(st, tw_network_add_carrier(c, "load shedding", 0.0, &idx));
    carrier = (int)idx;
  }
  TW_CHECK_GOTO(st, tw_calloc(T * GS + 1, sizeof(double), "result", &w.gen_p));
  TW_CHECK_GOTO(st, tw_calloc(GS + 1, sizeof(double), "result", &w.gen_p_nom_opt));
  memcpy(w.gen_p_nom_opt, r->gen_p_nom_opt, G * sizeof(double));
  for (size_t b = 0; b < B; b++) {
    tw_generator g;
    double peak = 0;
    for (size_t t = 0; t < T; t++) peak = fmax(peak, r->bus_shed_MW[t * B + b]);
    tw_generator_default(&g);
    snprintf(name, sizeof name, "load shedding %s", n->buses[b].name);
    g.name = name;
    g.bus = (int)b;
    g.carrier = carrier;
    g.p_nom_MW = peak;
    g.marginal_cost = r->value_of_lost_load;
    TW_CHECK_GOTO(st, tw_network_add_generator(c, &g, NULL));
    w.gen_p_nom_opt[G + b] = peak;
  }
  for (size_t t = 0; t < T; t++) {
    memcpy(&w.gen_p[t * GS], &r->gen_p[t * G], G * sizeof(double));
    for (size_t b = 0; b < B; b++) w.gen_p[t * GS + G + b] = r->bus_shed_MW[t * B + b];
  }
  w.n_generators = GS;
  w.load_shedding = 0;
  st = emit_plain(c, &w, sink);
cleanup:
  free(w.gen_p);
  free(w.gen_p_nom_opt);
  tw_network_destroy(&c);
  return st;
}

tw_status tw_pypsa_emit(const tw_network *n, const tw_optimize_result *r,
                        const tw_pypsa_sink *sink) {
  if (r && r->load_shedding && n->n_buses > 0) return emit_with_shedding(n, r, sink);
  return emit_plain(n, r, sink);
}
