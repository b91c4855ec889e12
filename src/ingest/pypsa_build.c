/* Turn raw PyPSA tables into a tw_network: defaults from PyPSA's attribute
 * table, one warning listing unknown components/attributes, and an error
 * for features that cannot be honoured.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/pypsa_defaults.h"
#include "ingest/pypsa_table.h"
#include "network/name_index.h"
#include "network/network_attrs.h"
#include "network/standard_types.h"
#include "terrawatt/log.h"
#include "terrawatt/alloc.h"

/* The component lists we model. */
static const char *const handled_lists[] = {"buses", "carriers", "generators", "loads", "lines",
                                            "transformers", "links", "storage_units", "stores",
                                            "global_constraints", NULL};
/* Lists that may be present and carry nothing the linear OPF needs. */
static const char *const ignored_lists[] = {"line_types", "transformer_types", "sub_networks",
                                            "shapes", NULL};

static int in_list(const char *const *l, const char *s) {
  for (; *l; l++)
    if (strcmp(*l, s) == 0) return 1;
  return 0;
}

static const tw_pypsa_column *col_find(const tw_pypsa_list *l, const char *attr) {
  for (size_t c = 0; c < l->ncol; c++)
    if (strcmp(l->cols[c].attr, attr) == 0) return &l->cols[c];
  return NULL;
}

static const char *str(const tw_pypsa_list *l, size_t i, const char *attr) {
  const tw_pypsa_column *c = col_find(l, attr);
  if (!c || !c->str || !c->str[i] || !c->str[i][0]) return NULL;
  return c->str[i];
}


/* Parse a CSV/NetCDF text value as a number ("" -> NaN, True/False -> 1/0). */
static int parse_num(const char *s, double *v) {
  if (!s || !s[0]) {
    *v = NAN;
    return 0;
  }
  if (!strcasecmp(s, "true")) {
    *v = 1;
    return 0;
  }
  if (!strcasecmp(s, "false")) {
    *v = 0;
    return 0;
  }
  if (!strcasecmp(s, "inf") || !strcasecmp(s, "+inf")) {
    *v = INFINITY;
    return 0;
  }
  if (!strcasecmp(s, "-inf")) {
    *v = -INFINITY;
    return 0;
  }
  char *end = NULL;
  *v = strtod(s, &end);
  while (end && (*end == ' ' || *end == '\r')) end++;
  return (end && *end == '\0') ? 0 : -1;
}

/* Raw value (NaN when absent) of attribute `attr` for component i. */
static tw_status raw_num(const tw_pypsa_tables *t, const tw_pypsa_list *l, size_t i,
                         const char *attr, double *v) {
  const tw_pypsa_column *c = col_find(l, attr);
  *v = NAN;
  if (!c) return TW_OK;
  if (c->num) {
    *v = c->num[i];
    return TW_OK;
  }
  if (parse_num(c->str[i], v) != 0)
    return tw_error(TW_ERR_INPUT, "%s: %s '%s': attribute '%s' = '%s' is not a number", t->source,
                    l->list, l->names[i], attr, c->str[i]);
  return TW_OK;
}

/* Unsupported features and unknown names. */
static tw_status check_features(const tw_pypsa_tables *t) {
  char unknown[2048] = "";
  size_t nunknown = 0;
  if (t->n_investment_periods > 0)
    return tw_error(TW_ERR_INPUT,
                    "%s: the network has %d investment periods; multi-period investment "
                    "optimisation is not supported",
                    t->source, t->n_investment_periods);
  if (t->has_scenarios)
    return tw_error(TW_ERR_INPUT,
                    "%s: the network has stochastic scenarios; stochastic optimisation is not "
                    "supported",
                    t->source);
  for (size_t li = 0; li < t->nlists; li++) {
    const tw_pypsa_list *l = &t->lists[li];
    if (in_list(ignored_lists, l->list)) continue;
    if (!in_list(handled_lists, l->list)) {
      if (l->n == 0) continue;
      size_t len = strlen(unknown);
      snprintf(unknown + len, sizeof unknown - len, "%s%s", nunknown ? ", " : "", l->list);
      nunknown++;
      continue;
    }
    if (strcmp(l->list, "links") == 0)
      for (size_t c = 0; c < l->ncol; c++)
        if (strncmp(l->cols[c].attr, "bus", 3) == 0 && strcmp(l->cols[c].attr, "bus0") &&
            strcmp(l->cols[c].attr, "bus1"))
          for (size_t i = 0; i < l->n; i++)
            if (str(l, i, l->cols[c].attr))
              return tw_error(TW_ERR_INPUT,
                              "%s: link '%s': %s = '%s': multi-port links are not supported",
                              t->source, l->names[i], l->cols[c].attr, str(l, i, l->cols[c].attr));
    if (strcmp(l->list, "global_constraints") == 0)
      for (size_t i = 0; i < l->n; i++) {
        const char *type = str(l, i, "type");
        const char *ca = str(l, i, "carrier_attribute");
        double ip;
        TW_CHECK(raw_num(t, l, i, "investment_period", &ip));
        if ((type && strcmp(type, "primary_energy")) || (ca && strcmp(ca, "co2_emissions")) ||
            !isnan(ip))
          return tw_error(TW_ERR_INPUT,
                          "%s: global constraint '%s': type '%s' on '%s' is not supported (only "
                          "primary_energy on co2_emissions, without investment periods)",
                          t->source, l->names[i], type ? type : "primary_energy",
                          ca ? ca : "co2_emissions");
      }
    for (size_t c = 0; c < l->ncol + l->nser; c++) {
      const char *attr = c < l->ncol ? l->cols[c].attr : l->ser[c - l->ncol].attr;
      if (tw_pypsa_attr_find(l->list, attr)) continue;
      if (strcmp(l->list, "links") == 0 && strncmp(attr, "bus", 3) == 0) continue;
      if (strncmp(attr, "Unnamed", 7) == 0) continue;
      size_t len = strlen(unknown);
      snprintf(unknown + len, sizeof unknown - len, "%s%s.%s", nunknown ? ", " : "", l->list,
               attr);
      nunknown++;
    }
  }
  if (nunknown)
    TW_LOG_W("%s: ignoring %zu unknown component(s)/attribute(s): %s", t->source, nunknown,
             unknown);
  return TW_OK;
}

/* Build one component list from its table, driven by the list's
 * descriptor: defaults, static columns, series checked by label, refused
 * attributes, standard types; then add the components to net. */
typedef struct list_builder {
  const tw_pypsa_tables *t;
  const tw_pypsa_list *l;
  const tw_component_desc *d;
  int list_id;
  tw_network *net;
  char *elems; /* l->n components; names and strings borrowed from the table */
} list_builder;

static void *elem(const list_builder *b, size_t i) { return b->elems + i * b->d->size; }

/* 1 when v differs from the default def (NaN-aware). */
static int is_set(double v, double def) {
  if (isnan(v)) return 0;
  return isnan(def) || v != def;
}

/* Name the file or folder in an error from the generic network code (its
 * messages say "network: ..." or name only the object): decided by the call,
 * never by reading the message. */
static tw_status in_source(const tw_pypsa_tables *t, tw_status st) {
  if (st != TW_OK && t->source) return tw_error_prefix(st, "%s: ", t->source);
  return st;
}

static tw_status refuse(const list_builder *b, const tw_attr_desc *a, size_t i, const char *value,
                        const char *snapshot) {
  return tw_error(TW_ERR_INPUT, "%s: %s '%s': %s = %s%s%s%s (PyPSA's default: %s): %s", b->t->source,
                  b->d->what, b->l->names[i], a->name, value, snapshot ? " at snapshot '" : "",
                  snapshot ? snapshot : "", snapshot ? "'" : "", a->def_text, a->why);
}

static tw_status static_column(list_builder *b, const tw_pypsa_column *c, const tw_attr_desc *a) {
  const tw_pypsa_tables *t = b->t;
  const tw_pypsa_list *l = b->l;
  for (size_t i = 0; i < l->n; i++) {
    void *e = elem(b, i);
    const char *text = c->str ? c->str[i] : NULL;
    if (text && !text[0]) text = NULL;
    if (a->kind == TW_AK_STR || a->kind == TW_AK_BUS || a->kind == TW_AK_CARRIER) {
      if (c->num) continue; /* a numeric column where PyPSA has a string: all empty */
      if (a->use == TW_AU_REFUSED) {
        if (text && strcmp(text, a->def_text) != 0) return refuse(b, a, i, text, NULL);
        continue;
      }
      if (a->kind == TW_AK_STR) {
        *tw_attr_str(e, a) = (char *)(uintptr_t)text;
      } else if (a->kind == TW_AK_BUS) {
        int bus = tw_network_find_bus(b->net, text);
        if (bus < 0)
          return tw_error(TW_ERR_INPUT, "%s: %s '%s': %s '%s' is not a bus of the network",
                          t->source, b->d->what, l->names[i], a->name, text ? text : "");
        *tw_attr_int(e, a) = bus;
      } else if (text) {
        int carrier = tw_network_find_carrier(b->net, text);
        if (carrier < 0) {
          size_t idx = 0;
          TW_CHECK(in_source(t, tw_network_add_carrier(b->net, text, 0.0, &idx)));
          carrier = (int)idx;
        }
        *tw_attr_int(e, a) = carrier;
      }
      continue;
    }
    double v;
    TW_CHECK(raw_num(t, l, i, a->name, &v));
    if (a->use == TW_AU_REFUSED) {
      if (is_set(v, a->def)) return refuse(b, a, i, text ? text : "(a number)", NULL);
      continue;
    }
    if (isnan(v)) continue; /* absent: the default stays */
    if (a->off < 0) {
      /* a series-only attribute given statically (state_of_charge_set):
       * the same value at every snapshot */
      double *s = NULL;
      TW_CHECK(in_source(t, tw_calloc(t->n_snapshots, sizeof(double), "series", &s)));
      for (size_t k = 0; k < t->n_snapshots; k++) s[k] = v;
      *tw_attr_series(e, a) = s;
    } else if (a->kind == TW_AK_BOOL) {
      *tw_attr_int(e, a) = v != 0.0;
    } else {
      *tw_attr_num(e, a) = v;
    }
  }
  return TW_OK;
}

/* Where a series came from, for messages: the CSV file, or the NetCDF
 * file and variable. */
static const char *series_where(const list_builder *b, const tw_pypsa_series *s, char *buf,
                                size_t len) {
  if (s->file) snprintf(buf, len, "%s", s->file);
  else snprintf(buf, len, "%s: variable '%s_t_%s'", b->t->source, b->l->list, s->attr);
  return buf;
}

/* A series table: every column must name a component, once; every value
 * finite, except NaN where PyPSA's default is NaN ("not set"). */
static tw_status series_table(list_builder *b, const tw_pypsa_series *s, const tw_attr_desc *a,
                              const tw_name_index *names) {
  const tw_pypsa_tables *t = b->t;
  const tw_pypsa_list *l = b->l;
  size_t T = t->n_snapshots;
  char where[4200];
  series_where(b, s, where, sizeof where);
  for (size_t j = 0; j < s->ncols; j++) {
    long i = tw_name_index_find(names, l->names, sizeof(char *), s->cols[j]);
    if (i < 0)
      return tw_error(TW_ERR_INPUT,
                      "%s: column '%s' of %s %s names no %s of the network (its data would be "
                      "lost)",
                      where, s->cols[j], l->list, s->attr, b->d->what);
    void *e = elem(b, (size_t)i);
    if (a->use == TW_AU_REFUSED) {
      for (size_t k = 0; k < T; k++)
        if (is_set(s->values[k * s->ncols + j], a->def)) {
          char buf[64];
          snprintf(buf, sizeof buf, "%g", s->values[k * s->ncols + j]);
          tw_status rs = refuse(b, a, (size_t)i, buf, t->snapshots[k]);
          tw_error_prefix(rs, "%s: ", where);
          return rs;
        }
      continue;
    }
    if (a->off_t < 0)
      return tw_error(TW_ERR_INPUT, "%s: PyPSA allows no time series for %s %s", where, l->list,
                      a->name);
    if (*tw_attr_series(e, a))
      return tw_error(TW_ERR_INPUT, "%s: column '%s' (%s %s) appears twice", where, s->cols[j],
                      l->list, s->attr);
    double *v = NULL;
    TW_CHECK(in_source(t, tw_calloc(T, sizeof(double), "series", &v)));
    *tw_attr_series(e, a) = v;
    for (size_t k = 0; k < T; k++) {
      v[k] = s->values[k * s->ncols + j];
      if (!isfinite(v[k]) && !(isnan(v[k]) && isnan(a->def)))
        return tw_error(TW_ERR_INPUT, "%s: %s '%s': %s at snapshot '%s' is %g, not a finite number",
                        where, b->d->what, s->cols[j], s->attr, t->snapshots[k], v[k]);
    }
  }
  return TW_OK;
}

static tw_status apply_standard_types(const list_builder *b) {
  int tr = b->list_id == TW_LIST_TRANSFORMERS;
  for (size_t i = 0; i < b->l->n; i++) {
    tw_branch *br = elem(b, i);
    if (!br->type) continue;
    if (tr) {
      const tw_transformer_type *ty = tw_transformer_type_find(br->type);
      if (!ty)
        return tw_error(TW_ERR_INPUT, "%s: transformer '%s': type '%s' is not one of PyPSA's %zu standard transformer types",
                        b->t->source, br->name, br->type, tw_n_transformer_types);
      tw_transformer_apply_type(br, ty);
    } else {
      const tw_line_type *ty = tw_line_type_find(br->type);
      if (!ty)
        return tw_error(TW_ERR_INPUT, "%s: line '%s': type '%s' is not one of PyPSA's %zu standard line types",
                        b->t->source, br->name, br->type, tw_n_line_types);
      tw_line_apply_type(br, ty);
    }
    if (!(br->num_parallel > 0))
      return tw_error(TW_ERR_INPUT, "%s: %s '%s': num_parallel = %g must be > 0 with a standard type",
                      b->t->source, b->d->what, br->name, br->num_parallel);
  }
  return TW_OK;
}

static tw_status build_list(const tw_pypsa_tables *t, tw_network *net, int list_id) {
  tw_status st = TW_OK;
  list_builder b;
  tw_name_index names;
  memset(&names, 0, sizeof names);
  b.t = t;
  b.net = net;
  b.list_id = list_id;
  b.d = &tw_component_descs[list_id];
  b.l = tw_pypsa_tables_find(t, b.d->list);
  b.elems = NULL;
  if (!b.l || b.l->n == 0) return TW_OK;
  const tw_pypsa_list *l = b.l;
  TW_CHECK(in_source(t, tw_calloc(l->n, b.d->size, "components", &b.elems)));
  for (size_t i = 0; i < l->n; i++) {
    tw_component_set_defaults(b.d, elem(&b, i));
    if (list_id == TW_LIST_LINES) ((tw_branch *)elem(&b, i))->tap_ratio = 1.0;
    *tw_component_name(elem(&b, i)) = l->names[i];
    if (tw_name_index_find(&names, l->names, sizeof(char *), l->names[i]) >= 0) {
      st = tw_error(TW_ERR_INPUT, "%s: %s '%s' defined twice", t->source, b.d->what, l->names[i]);
      goto cleanup;
    }
    TW_CHECK_GOTO(st, in_source(t, tw_name_index_insert(&names, l->names, sizeof(char *), (long)i)));
  }
  for (size_t c = 0; c < l->ncol; c++) {
    const tw_attr_desc *a = tw_attr_desc_find(b.d, l->cols[c].attr);
    if (!a || a->use == TW_AU_IGNORED || a->use == TW_AU_OUTPUT) continue;
    TW_CHECK_GOTO(st, static_column(&b, &l->cols[c], a));
  }
  /* A cap without a value is an error, not PyPSA's default 0 (which
   * silently turned a NaN into an infeasible CO2 cap of 0 t). */
  if (list_id == TW_LIST_GLOBAL_CONSTRAINTS)
    for (size_t i = 0; i < l->n; i++) {
      double constant;
      TW_CHECK_GOTO(st, raw_num(t, l, i, "constant", &constant));
      if (isnan(constant)) {
        st = tw_error(TW_ERR_INPUT, "%s: global constraint '%s': constant is missing or NaN",
                      t->source, l->names[i]);
        goto cleanup;
      }
    }
  for (size_t c = 0; c < l->nser; c++) {
    const tw_attr_desc *a = tw_attr_desc_find(b.d, l->ser[c].attr);
    if (!a || a->use == TW_AU_IGNORED || a->use == TW_AU_OUTPUT) continue;
    TW_CHECK_GOTO(st, series_table(&b, &l->ser[c], a, &names));
  }
  if (list_id == TW_LIST_LINES || list_id == TW_LIST_TRANSFORMERS)
    TW_CHECK_GOTO(st, apply_standard_types(&b));
  for (size_t i = 0; i < l->n; i++) {
    void *e = elem(&b, i);
    /* string attributes with a default text (bus carrier "AC", constraint
     * sense "==", ...) */
    for (size_t k = 0; k < b.d->n_attrs; k++) {
      const tw_attr_desc *a = &b.d->attrs[k];
      if (a->off >= 0 && a->kind == TW_AK_STR && !*tw_attr_str(e, a) && a->def_text[0] &&
          strcmp(a->def_text, "n/a") != 0)
        *tw_attr_str(e, a) = (char *)(uintptr_t)a->def_text;
    }
    TW_CHECK_GOTO(st, in_source(t, tw_network_add_component(net, list_id, e, NULL)));
  }
cleanup:
  for (size_t i = 0; i < l->n; i++) {
    void *e = elem(&b, i);
    for (size_t k = 0; k < b.d->n_attrs; k++)
      if (b.d->attrs[k].off_t >= 0) free(*tw_attr_series(e, &b.d->attrs[k]));
  }
  free(b.elems);
  tw_name_index_free(&names);
  return st;
}

/* 1 when c is a colour the report can use as CSS: "#rgb", "#rrggbb" or a
 * name of letters (anything else could break out of the page's style). */
static int css_color_ok(const char *c) {
  size_t n = c ? strlen(c) : 0;
  int ok = n > 0 && n < 32;
  if (ok && c[0] == '#') {
    ok = n == 4 || n == 7;
    for (size_t k = 1; ok && k < n; k++) ok = isxdigit((unsigned char)c[k]) != 0;
  } else {
    for (size_t k = 0; ok && k < n; k++) ok = isalpha((unsigned char)c[k]) != 0;
  }
  return ok;
}

static tw_status build_components(const tw_pypsa_tables *t, tw_network *net) {
  /* buses before everything that refers to them; carriers before the
   * components that name them (unknown carriers are added with co2 0) */
  for (int list = 0; list < TW_N_COMPONENT_LISTS; list++) TW_CHECK(build_list(t, net, list));
  /* carriers.color is drawn by the report: an unusable colour is dropped
   * (the report's palette takes over), not an error */
  for (size_t i = 0; i < net->n_carriers; i++)
    if (net->carriers[i].color && !css_color_ok(net->carriers[i].color)) {
      free(net->carriers[i].color);
      net->carriers[i].color = NULL;
    }
  return TW_OK;
}

tw_status tw_pypsa_build_network(const tw_pypsa_tables *t, tw_network **out) {
  tw_status st = TW_OK;
  tw_network *net = NULL;
  *out = NULL;
  TW_CHECK(check_features(t));
  if (t->n_snapshots == 0) return tw_error(TW_ERR_INPUT, "%s: the network has no snapshots", t->source);
  TW_CHECK(tw_network_create(t->n_snapshots, &net));
  if (t->name) {
    net->name = tw_strdup(t->name);
    if (!net->name) {
      st = tw_error(TW_ERR_RESOURCE, "%s: out of memory", t->source ? t->source : "network");
      goto cleanup;
    }
  }
  for (size_t s = 0; s < t->n_snapshots; s++) {
    if (t->snapshots && t->snapshots[s])
      TW_CHECK_GOTO(st, in_source(t, tw_network_set_snapshot_label(net, s, t->snapshots[s])));
    if (t->w_objective && !isnan(t->w_objective[s])) net->weight_objective[s] = t->w_objective[s];
    if (t->w_stores && !isnan(t->w_stores[s])) net->weight_stores[s] = t->w_stores[s];
    if (t->w_generators && !isnan(t->w_generators[s]))
      net->weight_generators[s] = t->w_generators[s];
  }
  TW_CHECK_GOTO(st, build_components(t, net));
  TW_CHECK_GOTO(st, tw_network_validate(net, t->source));
  *out = net;
  net = NULL;
cleanup:
  tw_network_destroy(&net);
  return st;
}
