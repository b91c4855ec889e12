/* Numeric fields of the scenario file: one table gives each field's unit,
 * whether it is a whole number, and its range (docs/SCENARIO.md lists the
 * same table). The YAML is walked with libyaml and the text of each
 * numeric scalar is replaced by the converted plain number.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "fields.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "units.h"
#include "terrawatt/alloc.h"

typedef struct field_spec {
  const char *pattern; /* key path, "[]" for any sequence index */
  const char *unit;    /* documented unit (udunits syntax, "CUR": currency; "1": none) */
  int integer;         /* whole numbers only */
  double lo, hi;       /* range */
  int lo_open, hi_open;
} field_spec;

#define INF INFINITY
static const field_spec fields[] = {
    {"climate.max_bus_distance_km", "km", 0, 0, 20040, 1, 0},
    {"wind.hub_height_m", "m", 0, 0, 500, 0, 0},
    {"solar.tilt_deg", "degree", 0, 0, 90, 0, 0},
    {"solar.azimuth_deg", "degree", 0, 0, 360, 0, 0},
    {"optimize.load_shedding_cost", "CUR/MWh", 0, 0, 1e6, 0, 0},
    {"optimize.horizon_h", "h", 1, 0, 87600, 0, 0},
    {"optimize.overlap_h", "h", 1, 0, 87600, 0, 0},
    {"metrics.drought_threshold", "1", 0, 0, 1, 0, 0},
    {"metrics.drought_min_hours", "h", 1, 0, 87600, 0, 0},
    {"metrics.drought_window_h", "h", 1, 0, 8760, 0, 0},
    {"metrics.land_use_km2_per_mw[].value", "km2/MW", 0, 0, 100, 0, 0},
    {"metrics.water_m3_per_mwh[].value", "m3/MWh", 0, 0, 1000, 0, 0},
    {"scenarios[].scale_capacity[].factor", "1", 0, 0, 1000, 0, 0},
    {"scenarios[].add[].p_nom_mw", "MW", 0, 0, 1e6, 0, 0},
    {"scenarios[].add[].marginal_cost", "CUR/MWh", 0, -1e5, 1e5, 0, 0},
    {"scenarios[].add[].efficiency", "1", 0, 0, 1, 1, 0},
    {"scenarios[].rooftop_pv[].p_nom_mw", "MW", 0, 0, 1e6, 0, 0},
    {"scenarios[].storage[].p_nom_mw", "MW", 0, 0, 1e6, 0, 0},
    {"scenarios[].storage[].max_hours", "h", 0, 0, 8760, 1, 0},
    {"scenarios[].storage[].efficiency_store", "1", 0, 0, 1, 1, 0},
    {"scenarios[].storage[].efficiency_dispatch", "1", 0, 0, 1, 1, 0},
    {"scenarios[].outages[].repair_h", "h", 0, 0, 87600, 1, 0},
    {"scenarios[].demand_scale", "1", 0, 0, 100, 0, 0},
    {"scenarios[].demand_growth", "1", 0, 0, 100, 0, 0},
    {"scenarios[].co2_cap_t", "t", 0, 0, 1e12, 0, 0},
    {"scenarios[].co2_price_per_t", "CUR/t", 0, 0, 1e5, 0, 0},
    {"scenarios[].ev_adoption", "1", 0, 0, 1000, 0, 0},
    {"scenarios[].smart_share", "1", 0, 0, 1, 0, 0},
    {"fleets[].vehicles", "1", 1, 0, 1e9, 1, 0},
    {"fleets[].battery_kwh", "kWh", 0, 0, 1e4, 1, 0},
    {"fleets[].charger_kw", "kW", 0, 0, 1e4, 1, 0},
    {"fleets[].efficiency", "1", 0, 0, 1, 1, 0},
    {"fleets[].smart_share", "1", 0, 0, 1, 0, 0},
    {"fleets[].min_soc", "1", 0, 0, 1, 0, 0},
    {"fleets[].min_soc_hour", "1", 1, -1, 23, 0, 0},
    {"fleets[].initial_soc", "1", 0, 0, 1, 0, 0},
    {"fleets[].kwh_per_km", "kWh/km", 0, 0, 10, 0, 0},
    {"fleets[].temperature_lower_pct_per_k", "percent/K", 0, 0, 100, 0, 0},
    {"fleets[].temperature_upper_pct_per_k", "percent/K", 0, 0, 100, 0, 0},
    {"fleets[].availability_max", "1", 0, 0, 1, 1, 0},
    {"fleets[].availability_mean", "1", 0, 0, 1, 1, 0},
    {"fleets[].v2g.max_discharge_kw", "kW", 0, 0, 1e4, 1, 0},
    {"fleets[].v2g.degradation_cost_per_mwh", "CUR/MWh", 0, 0, 1e5, 0, 0},
    {"fleets[].v2g.efficiency", "1", 0, 0, 1, 1, 0},
    {"valley_filling.groups", "1", 1, 0, 1e6, 0, 0},
    {"valley_filling.tol", "1", 0, 0, 1, 1, 1},
    {"valley_filling.max_iter", "1", 1, 0, 1e8, 0, 0},
    {"forecast.horizon_h", "h", 1, 0, 8760, 0, 0},
    {"forecast.folds", "1", 1, 0, 100, 0, 0},
    {"forecast.imbalance_cost", "CUR/MWh", 0, 0, 1e6, 0, 0},
};
#undef INF

typedef struct edit {
  size_t start, end; /* character indices (libyaml marks) */
  char text[40];
} edit;

typedef struct walker {
  yaml_document_t *doc;
  tw_units *units;
  tw_field_problem_fn fn;
  void *ctx;
  edit *edits;
  size_t n_edits, cap_edits;
  unsigned char *seen; /* node ids already visited (aliases) */
  int failed;          /* out of memory */
  char currency[8];
} walker;

static const field_spec *find_field(const char *pattern) {
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (strcmp(fields[i].pattern, pattern) == 0) return &fields[i];
  return NULL;
}

static void report(walker *w, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(walker *w, const char *key, const char *fmt, ...) {
  char msg[768];
  int n = snprintf(msg, sizeof msg, "%s: ", key);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  va_end(ap);
  w->fn(w->ctx, key, msg);
}

static void add_edit(walker *w, const yaml_node_t *node, const char *text) {
  if (w->n_edits == w->cap_edits) {
    size_t cap = w->cap_edits ? 2 * w->cap_edits : 32;
    edit *e = tw_realloc(w->edits, cap * sizeof *e);
    if (!e) {
      w->failed = 1;
      return;
    }
    w->edits = e;
    w->cap_edits = cap;
  }
  edit *e = &w->edits[w->n_edits++];
  e->start = node->start_mark.index;
  e->end = node->end_mark.index;
  /* A block scalar ("|") ends after its line break: keep one. */
  int block = node->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
              node->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
  snprintf(e->text, sizeof e->text, "%s%s", text, block ? "\n" : "");
}

static int is_null(const char *v) {
  return !v[0] || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
         strcmp(v, "NULL") == 0;
}

static void check_scalar(walker *w, const yaml_node_t *node, const field_spec *f,
                         const char *key) {
  const char *text = (const char *)node->data.scalar.value;
  char why[256], shown[64], value[40];
  double x = 0;
  int had_unit = 0;
  if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && is_null(text)) return;
  tw_units_display(w->units, f->unit, shown, sizeof shown);
  int dimensionless = strcmp(f->unit, "1") == 0;
  if (tw_units_convert(w->units, text, f->unit, &x, &had_unit, why, sizeof why)) {
    if (dimensionless)
      report(w, key, "'%s' is not a number (%s)", text, why);
    else
      report(w, key, "'%s' is not a number with an optional unit convertible to %s (%s%s%s)",
             text, shown, why, strstr(f->unit, "CUR") ? "; costs are in the run's currency: " : "",
             strstr(f->unit, "CUR") ? w->currency : "");
    add_edit(w, node, "0");
    return;
  }
  if (f->integer && x != nearbyint(x)) {
    report(w, key, "'%s' is not a whole number", text);
    add_edit(w, node, "0");
    return;
  }
  int below = f->lo_open ? !(x > f->lo) : !(x >= f->lo);
  int above = f->hi_open ? !(x < f->hi) : !(x <= f->hi);
  if (below || above) {
    char conv[64] = "";
    if (had_unit) snprintf(conv, sizeof conv, "'%s' = %.15g", text, x);
    report(w, key, "%s is not in %c%g, %g%c%s%s", had_unit ? conv : text, f->lo_open ? '(' : '[',
           f->lo, f->hi, f->hi_open ? ')' : ']', dimensionless ? "" : " ", dimensionless ? "" : shown);
    /* The caller's checks of the same key are dropped; 0 keeps libcyaml's
     * integer parsing from reading "1e30" as 1. */
    if (f->integer) add_edit(w, node, "0");
    if (f->integer) return;
  }
  if (!had_unit) return; /* a plain number stays as written */
  if (f->integer) snprintf(value, sizeof value, "%.0f", x);
  else snprintf(value, sizeof value, "%.15g", x); /* x is already rounded to 15 digits */
  add_edit(w, node, value);
}

static void walk(walker *w, int id, char *pattern, size_t pn, char *key, size_t kn) {
  yaml_node_t *node = yaml_document_get_node(w->doc, id);
  if (!node || w->failed) return;
  if (w->seen[id]) return; /* an alias: libcyaml rejects it later */
  w->seen[id] = 1;
  size_t pl = strlen(pattern), kl = strlen(key);
  if (node->type == YAML_SCALAR_NODE) {
    const field_spec *f = find_field(pattern);
    if (f) check_scalar(w, node, f, key);
  } else if (node->type == YAML_SEQUENCE_NODE) {
    int i = 0;
    for (yaml_node_item_t *it = node->data.sequence.items.start;
         it < node->data.sequence.items.top; it++, i++) {
      snprintf(pattern + pl, pn - pl, "[]");
      snprintf(key + kl, kn - kl, "[%d]", i);
      walk(w, *it, pattern, pn, key, kn);
    }
  } else if (node->type == YAML_MAPPING_NODE) {
    for (yaml_node_pair_t *pr = node->data.mapping.pairs.start; pr < node->data.mapping.pairs.top;
         pr++) {
      yaml_node_t *k = yaml_document_get_node(w->doc, pr->key);
      if (!k || k->type != YAML_SCALAR_NODE) continue; /* libcyaml names that error */
      const char *name = (const char *)k->data.scalar.value;
      snprintf(pattern + pl, pn - pl, "%s%s", pl ? "." : "", name);
      snprintf(key + kl, kn - kl, "%s%s", kl ? "." : "", name);
      walk(w, pr->value, pattern, pn, key, kn);
    }
  }
  pattern[pl] = '\0';
  key[kl] = '\0';
}

/* The run's currency: a three-letter ISO 4217 code (default EUR). */
static void read_currency(walker *w, yaml_node_t *root, char *currency, size_t n) {
  snprintf(currency, n, "%s", TW_DEFAULT_CURRENCY);
  if (!root || root->type != YAML_MAPPING_NODE) return;
  for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
       pr++) {
    yaml_node_t *k = yaml_document_get_node(w->doc, pr->key);
    yaml_node_t *v = yaml_document_get_node(w->doc, pr->value);
    if (!k || !v || k->type != YAML_SCALAR_NODE ||
        strcmp((const char *)k->data.scalar.value, "currency") != 0)
      continue;
    if (v->type != YAML_SCALAR_NODE) return; /* libcyaml names the wrong type */
    const char *c = (const char *)v->data.scalar.value;
    if (strlen(c) == 3 && isupper((unsigned char)c[0]) && isupper((unsigned char)c[1]) &&
        isupper((unsigned char)c[2]))
      snprintf(currency, n, "%s", c);
    else
      report(w, "currency", "'%s' is not a three-letter currency code such as EUR, USD or GBP",
             c);
  }
}

static int by_start(const void *a, const void *b) {
  const edit *x = a, *y = b;
  return (x->start > y->start) - (x->start < y->start);
}

/* Apply the edits; marks count characters, the text is UTF-8 bytes. */
static char *splice(const char *text, size_t len, edit *e, size_t n, size_t *out_len) {
  size_t cap = len + 1;
  for (size_t i = 0; i < n; i++) cap += strlen(e[i].text);
  char *out = tw_malloc(cap);
  if (!out) return NULL;
  size_t byte = 0, chr = 0, k = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* a BOM is not counted */
    memcpy(out, text, 3);
    byte = k = 3;
  }
  if (n) qsort(e, n, sizeof *e, by_start); /* e is NULL without edits */
  for (size_t i = 0; i < n; i++) {
    while (byte < len && chr < e[i].start) { /* copy up to the value */
      out[k++] = text[byte++];
      while (byte < len && ((unsigned char)text[byte] & 0xC0) == 0x80) out[k++] = text[byte++];
      chr++;
    }
    size_t m = strlen(e[i].text);
    memcpy(out + k, e[i].text, m);
    k += m;
    while (byte < len && chr < e[i].end) { /* skip the old value */
      byte++;
      while (byte < len && ((unsigned char)text[byte] & 0xC0) == 0x80) byte++;
      chr++;
    }
  }
  memcpy(out + k, text + byte, len - byte);
  k += len - byte;
  out[k] = '\0';
  *out_len = k;
  return out;
}

tw_status tw_scenario_fields_normalise(const char *text, size_t len, char **out, size_t *out_len,
                                       tw_field_problem_fn fn, void *ctx) {
  yaml_parser_t parser;
  yaml_document_t doc;
  walker w = {.doc = &doc, .fn = fn, .ctx = ctx};
  tw_status st = TW_OK;
  char currency[8], pattern[512] = "", key[512] = "";
  *out = NULL;
  *out_len = 0;
  if (!yaml_parser_initialize(&parser)) return tw_error(TW_ERR_RESOURCE, "out of memory");
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, &doc)) {
    yaml_parser_delete(&parser);
    return TW_OK; /* malformed: libcyaml reports it */
  }
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  size_t n_nodes = (size_t)(doc.nodes.top - doc.nodes.start);
  w.seen = tw_calloc_raw(n_nodes + 2, 1);
  if (!w.seen) {
    st = tw_error(TW_ERR_RESOURCE, "out of memory");
    goto cleanup;
  }
  read_currency(&w, root, currency, sizeof currency);
  snprintf(w.currency, sizeof w.currency, "%s", currency);
  if (tw_units_open(currency, &w.units) != TW_OK) { /* e.g. a currency named like a unit */
    if (strcmp(currency, TW_DEFAULT_CURRENCY) != 0)
      report(&w, "currency", "'%s' cannot be used: it is the symbol of a unit", currency);
    snprintf(w.currency, sizeof w.currency, "%s", TW_DEFAULT_CURRENCY);
    TW_CHECK_GOTO(st, tw_units_open(TW_DEFAULT_CURRENCY, &w.units));
  }
  if (root) walk(&w, 1, pattern, sizeof pattern, key, sizeof key);
  if (w.failed) {
    st = tw_error(TW_ERR_RESOURCE, "out of memory");
    goto cleanup;
  }
  *out = splice(text, len, w.edits, w.n_edits, out_len);
  if (!*out) st = tw_error(TW_ERR_RESOURCE, "out of memory");
cleanup:
  tw_units_close(w.units);
  free(w.edits);
  free(w.seen);
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  return st;
}

const char *tw_field_key_at(tw_field_key *k, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(k->text, sizeof k->text, fmt, ap);
  va_end(ap);
  return k->text;
}
