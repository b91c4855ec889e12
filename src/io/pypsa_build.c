/* Turn raw PyPSA tables into a tw_network: defaults from PyPSA's attribute
 * table, one warning listing unknown components/attributes, and an error
 * for features that cannot be honoured.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/pypsa_defaults.h"
#include "io/pypsa_table.h"
#include "terrawatt/log.h"

/* The component lists we model. */
static const char *const handled_lists[] = {"buses", "carriers", "generators", "loads", "lines",
                                            "transformers", "links", "storage_units", "stores",
                                            "global_constraints", NULL};
/* Lists that may be present and carry nothing the linear OPF needs. */
static const char *const ignored_lists[] = {"line_types", "transformer_types", "sub_networks",
                                            "shapes", NULL};

/* Attributes that change the model when they differ from PyPSA's default
 * and that this optimiser does not implement. */
typedef struct unsupported_attr {
  const char *list, *attr, *why;
} unsupported_attr;
static const unsupported_attr unsupported[] = {
    {"generators", "committable", "unit commitment (committable units) is not supported"},
    {"links", "committable", "unit commitment (committable links) is not supported"},
    {"generators", "ramp_limit_up", "ramp limits are not supported"},
    {"generators", "ramp_limit_down", "ramp limits are not supported"},
    {"links", "ramp_limit_up", "ramp limits are not supported"},
    {"links", "ramp_limit_down", "ramp limits are not supported"},
    {"generators", "marginal_cost_quadratic", "quadratic costs are not supported (linear OPF)"},
    {"links", "marginal_cost_quadratic", "quadratic costs are not supported (linear OPF)"},
    {"storage_units", "marginal_cost_quadratic", "quadratic costs are not supported (linear OPF)"},
    {"stores", "marginal_cost_quadratic", "quadratic costs are not supported (linear OPF)"},
    {"storage_units", "marginal_cost_storage", "marginal_cost_storage is not supported"},
    {"stores", "marginal_cost_storage", "marginal_cost_storage is not supported"},
    {"generators", "e_sum_min", "e_sum_min/e_sum_max energy limits are not supported"},
    {"generators", "e_sum_max", "e_sum_min/e_sum_max energy limits are not supported"},
    {"generators", "p_set", "fixed dispatch (p_set) of generators is not supported"},
    {"links", "p_set", "fixed dispatch (p_set) of links is not supported"},
    {"storage_units", "p_set", "fixed dispatch (p_set) of storage units is not supported"},
    {"stores", "p_set", "fixed dispatch (p_set) of stores is not supported"},
    {"stores", "e_set", "fixed energy levels (e_set) of stores are not supported"},
    {"links", "delay", "link delays are not supported"},
    {"transformers", "phase_shift", "phase-shifting transformers are not supported"},
    {"generators", "active", "inactive components (active=False) are not supported"},
    {"links", "active", "inactive components (active=False) are not supported"},
    {"lines", "active", "inactive components (active=False) are not supported"},
    {"storage_units", "active", "inactive components (active=False) are not supported"},
    {"stores", "active", "inactive components (active=False) are not supported"},
    {NULL, NULL, NULL}};

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

static const tw_pypsa_series *ser_find(const tw_pypsa_list *l, const char *attr) {
  for (size_t c = 0; c < l->nser; c++)
    if (strcmp(l->ser[c].attr, attr) == 0) return &l->ser[c];
  return NULL;
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

/* Value of a numeric attribute, PyPSA's default when absent. */
static tw_status num(const tw_pypsa_tables *t, const tw_pypsa_list *l, size_t i, const char *attr,
                     double *v) {
  TW_CHECK(raw_num(t, l, i, attr, v));
  if (isnan(*v)) *v = tw_pypsa_default(l->list, attr);
  return TW_OK;
}

static tw_status flag(const tw_pypsa_tables *t, const tw_pypsa_list *l, size_t i,
                      const char *attr, int *v) {
  double d;
  TW_CHECK(num(t, l, i, attr, &d));
  *v = d != 0.0 && !isnan(d);
  return TW_OK;
}

static const char *str(const tw_pypsa_list *l, size_t i, const char *attr) {
  const tw_pypsa_column *c = col_find(l, attr);
  if (!c || !c->str || !c->str[i] || !c->str[i][0]) return NULL;
  return c->str[i];
}

/* Copy the series of attribute attr for component i (NULL when absent).
 * keep_nan: NaN entries stay NaN; otherwise they take the static value. */
static tw_status series(const tw_pypsa_tables *t, const tw_pypsa_list *l, size_t i,
                        const char *attr, double static_value, int keep_nan, double **out) {
  *out = NULL;
  const tw_pypsa_series *s = ser_find(l, attr);
  if (!s) return TW_OK;
  for (size_t j = 0; j < s->ncols; j++) {
    if (strcmp(s->cols[j], l->names[i]) != 0) continue;
    double *v = NULL;
    TW_CHECK(tw_calloc(t->n_snapshots, sizeof(double), "series", &v));
    for (size_t k = 0; k < t->n_snapshots; k++) {
      v[k] = s->values[k * s->ncols + j];
      if (isnan(v[k]) && !keep_nan) v[k] = static_value;
    }
    *out = v;
    return TW_OK;
  }
  return TW_OK;
}

static tw_status bus_of(const tw_pypsa_tables *t, const tw_network *net, const tw_pypsa_list *l,
                        size_t i, const char *attr, int *bus) {
  const char *b = str(l, i, attr);
  *bus = tw_network_find_bus(net, b);
  if (*bus < 0)
    return tw_error(TW_ERR_INPUT, "%s: %s '%s': %s '%s' is not a bus of the network", t->source,
                    l->list, l->names[i], attr, b ? b : "");
  return TW_OK;
}

static tw_status carrier_of(tw_network *net, const tw_pypsa_list *l, size_t i, int *carrier) {
  const char *c = str(l, i, "carrier");
  *carrier = -1;
  if (!c) return TW_OK;
  *carrier = tw_network_find_carrier(net, c);
  if (*carrier < 0) {
    size_t idx = 0;
    TW_CHECK(tw_network_add_carrier(net, c, 0.0, &idx));
    *carrier = (int)idx;
  }
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
    for (const unsupported_attr *u = unsupported; u->list; u++) {
      if (strcmp(u->list, l->list) != 0) continue;
      double def = tw_pypsa_default(u->list, u->attr);
      for (size_t i = 0; i < l->n; i++) {
        double v;
        TW_CHECK(raw_num(t, l, i, u->attr, &v));
        if (!isnan(v) && v != def)
          return tw_error(TW_ERR_INPUT, "%s: %s '%s': %s = %g: %s", t->source, l->list,
                          l->names[i], u->attr, v, u->why);
      }
      const tw_pypsa_series *s = ser_find(l, u->attr);
      if (s)
        for (size_t k = 0; k < s->ncols * t->n_snapshots; k++)
          if (!isnan(s->values[k]) && s->values[k] != def)
            return tw_error(TW_ERR_INPUT, "%s: %s '%s': time-varying %s: %s", t->source, l->list,
                            s->cols[k % s->ncols], u->attr, u->why);
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
    if (strcmp(l->list, "lines") == 0 || strcmp(l->list, "transformers") == 0)
      for (size_t i = 0; i < l->n; i++)
        if (str(l, i, "type"))
          return tw_error(TW_ERR_INPUT,
                          "%s: %s '%s': type '%s': standard line/transformer types are not "
                          "supported; give x, r and s_nom",
                          t->source, l->list, l->names[i], str(l, i, "type"));
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

#define GET(attr, dst) TW_CHECK_GOTO(st, num(t, l, i, attr, &(dst)))
#define FLAG(attr, dst) TW_CHECK_GOTO(st, flag(t, l, i, attr, &(dst)))
#define SER(attr, stat, keep, dst) TW_CHECK_GOTO(st, series(t, l, i, attr, stat, keep, &(dst)))

static tw_status build_components(const tw_pypsa_tables *t, tw_network *net) {
  tw_status st = TW_OK;
  const tw_pypsa_list *l;
  tw_generator g;
  tw_load ld;
  tw_branch br;
  tw_link k;
  tw_storage_unit su;
  tw_store so;
  tw_generator_default(&g);
  tw_load_default(&ld);
  tw_line_default(&br);
  tw_link_default(&k);
  tw_storage_unit_default(&su);
  tw_store_default(&so);

  if ((l = tw_pypsa_tables_find(t, "carriers")))
    for (size_t i = 0; i < l->n; i++) {
      double co2;
      GET("co2_emissions", co2);
      TW_CHECK_GOTO(st, tw_network_add_carrier(net, l->names[i], co2, NULL));
    }
  if ((l = tw_pypsa_tables_find(t, "buses")))
    for (size_t i = 0; i < l->n; i++) {
      double v_nom, x, y;
      GET("v_nom", v_nom);
      GET("x", x);
      GET("y", y);
      size_t idx;
      TW_CHECK_GOTO(st, tw_network_add_bus(net, l->names[i], v_nom, str(l, i, "carrier"), &idx));
      net->buses[idx].x = x;
      net->buses[idx].y = y;
    }
  if ((l = tw_pypsa_tables_find(t, "generators")))
    for (size_t i = 0; i < l->n; i++) {
      tw_generator_default(&g);
      g.name = l->names[i];
      TW_CHECK_GOTO(st, bus_of(t, net, l, i, "bus", &g.bus));
      TW_CHECK_GOTO(st, carrier_of(net, l, i, &g.carrier));
      GET("p_nom", g.p_nom_MW);
      GET("p_nom_min", g.p_nom_min_MW);
      GET("p_nom_max", g.p_nom_max_MW);
      FLAG("p_nom_extendable", g.p_nom_extendable);
      GET("capital_cost", g.capital_cost);
      GET("marginal_cost", g.marginal_cost);
      GET("efficiency", g.efficiency);
      GET("p_min_pu", g.p_min_pu);
      GET("p_max_pu", g.p_max_pu);
      GET("sign", g.sign);
      SER("p_min_pu", g.p_min_pu, 0, g.p_min_pu_t);
      SER("p_max_pu", g.p_max_pu, 0, g.p_max_pu_t);
      SER("marginal_cost", g.marginal_cost, 0, g.marginal_cost_t);
      st = tw_network_add_generator(net, &g, NULL);
      free(g.p_min_pu_t);
      free(g.p_max_pu_t);
      free(g.marginal_cost_t);
      g.p_min_pu_t = g.p_max_pu_t = g.marginal_cost_t = NULL;
      if (st != TW_OK) goto cleanup;
    }
  if ((l = tw_pypsa_tables_find(t, "loads")))
    for (size_t i = 0; i < l->n; i++) {
      tw_load_default(&ld);
      ld.name = l->names[i];
      TW_CHECK_GOTO(st, bus_of(t, net, l, i, "bus", &ld.bus));
      GET("p_set", ld.p_set_MW);
      GET("sign", ld.sign);
      SER("p_set", ld.p_set_MW, 0, ld.p_set_t);
      st = tw_network_add_load(net, &ld, NULL);
      free(ld.p_set_t);
      ld.p_set_t = NULL;
      if (st != TW_OK) goto cleanup;
    }
  for (int tr = 0; tr < 2; tr++) {
    if (!(l = tw_pypsa_tables_find(t, tr ? "transformers" : "lines"))) continue;
    for (size_t i = 0; i < l->n; i++) {
      if (tr)
        tw_transformer_default(&br);
      else
        tw_line_default(&br);
      br.name = l->names[i];
      TW_CHECK_GOTO(st, bus_of(t, net, l, i, "bus0", &br.bus0));
      TW_CHECK_GOTO(st, bus_of(t, net, l, i, "bus1", &br.bus1));
      GET("x", br.x);
      GET("r", br.r);
      GET("s_nom", br.s_nom_MVA);
      GET("s_nom_min", br.s_nom_min_MVA);
      GET("s_nom_max", br.s_nom_max_MVA);
      FLAG("s_nom_extendable", br.s_nom_extendable);
      GET("s_max_pu", br.s_max_pu);
      GET("capital_cost", br.capital_cost);
      GET("num_parallel", br.num_parallel);
      if (tr) GET("tap_ratio", br.tap_ratio);
      SER("s_max_pu", br.s_max_pu, 0, br.s_max_pu_t);
      st = tr ? tw_network_add_transformer(net, &br, NULL) : tw_network_add_line(net, &br, NULL);
      free(br.s_max_pu_t);
      br.s_max_pu_t = NULL;
      if (st != TW_OK) goto cleanup;
    }
  }
  if ((l = tw_pypsa_tables_find(t, "links")))
    for (size_t i = 0; i < l->n; i++) {
      tw_link_default(&k);
      k.name = l->names[i];
      TW_CHECK_GOTO(st, bus_of(t, net, l, i, "bus0", &k.bus0));
      TW_CHECK_GOTO(st, bus_of(t, net, l, i, "bus1", &k.bus1));
      TW_CHECK_GOTO(st, carrier_of(net, l, i, &k.carrier));
      GET("efficiency", k.efficiency);
      GET("p_nom", k.p_nom_MW);
      GET("p_nom_min", k.p_nom_min_MW);
      GET("p_nom_max", k.p_nom_max_MW);
      FLAG("p_nom_extendable", k.p_nom_extendable);
      GET("p_min_pu", k.p_min_pu);
      GET("p_max_pu", k.p_max_pu);
      GET("capital_cost", k.capital_cost);
      GET("marginal_cost", k.marginal_cost);
      SER("p_min_pu", k.p_min_pu, 0, k.p_min_pu_t);
      SER("p_max_pu", k.p_max_pu, 0, k.p_max_pu_t);
      SER("efficiency", k.efficiency, 0, k.efficiency_t);
      SER("marginal_cost", k.marginal_cost, 0, k.marginal_cost_t);
      st = tw_network_add_link(net, &k, NULL);
      free(k.p_min_pu_t);
      free(k.p_max_pu_t);
      free(k.efficiency_t);
      free(k.marginal_cost_t);
      k.p_min_pu_t = k.p_max_pu_t = k.efficiency_t = k.marginal_cost_t = NULL;
      if (st != TW_OK) goto cleanup;
    }
  if ((l = tw_pypsa_tables_find(t, "storage_units")))
    for (size_t i = 0; i < l->n; i++) {
      tw_storage_unit_default(&su);
      su.name = l->names[i];
      TW_CHECK_GOTO(st, bus_of(t, net, l, i, "bus", &su.bus));
      TW_CHECK_GOTO(st, carrier_of(net, l, i, &su.carrier));
      GET("p_nom", su.p_nom_MW);
      GET("p_nom_min", su.p_nom_min_MW);
      GET("p_nom_max", su.p_nom_max_MW);
      FLAG("p_nom_extendable", su.p_nom_extendable);
      GET("p_min_pu", su.p_min_pu);
      GET("p_max_pu", su.p_max_pu);
      GET("capital_cost", su.capital_cost);
      GET("marginal_cost", su.marginal_cost);
      GET("spill_cost", su.spill_cost);
      GET("max_hours", su.max_hours_h);
      GET("efficiency_store", su.efficiency_store);
      GET("efficiency_dispatch", su.efficiency_dispatch);
      GET("standing_loss", su.standing_loss);
      FLAG("cyclic_state_of_charge", su.cyclic_state_of_charge);
      GET("state_of_charge_initial", su.state_of_charge_initial_MWh);
      GET("inflow", su.inflow_MW);
      SER("inflow", su.inflow_MW, 0, su.inflow_t);
      SER("state_of_charge_set", NAN, 1, su.state_of_charge_set_t);
      SER("p_min_pu", su.p_min_pu, 0, su.p_min_pu_t);
      SER("p_max_pu", su.p_max_pu, 0, su.p_max_pu_t);
      st = tw_network_add_storage_unit(net, &su, NULL);
      free(su.inflow_t);
      free(su.state_of_charge_set_t);
      free(su.p_min_pu_t);
      free(su.p_max_pu_t);
      su.inflow_t = su.state_of_charge_set_t = su.p_min_pu_t = su.p_max_pu_t = NULL;
      if (st != TW_OK) goto cleanup;
    }
  if ((l = tw_pypsa_tables_find(t, "stores")))
    for (size_t i = 0; i < l->n; i++) {
      tw_store_default(&so);
      so.name = l->names[i];
      TW_CHECK_GOTO(st, bus_of(t, net, l, i, "bus", &so.bus));
      TW_CHECK_GOTO(st, carrier_of(net, l, i, &so.carrier));
      GET("e_nom", so.e_nom_MWh);
      GET("e_nom_min", so.e_nom_min_MWh);
      GET("e_nom_max", so.e_nom_max_MWh);
      FLAG("e_nom_extendable", so.e_nom_extendable);
      GET("e_min_pu", so.e_min_pu);
      GET("e_max_pu", so.e_max_pu);
      GET("e_initial", so.e_initial_MWh);
      FLAG("e_cyclic", so.e_cyclic);
      GET("standing_loss", so.standing_loss);
      GET("capital_cost", so.capital_cost);
      GET("marginal_cost", so.marginal_cost);
      SER("e_min_pu", so.e_min_pu, 0, so.e_min_pu_t);
      SER("e_max_pu", so.e_max_pu, 0, so.e_max_pu_t);
      SER("marginal_cost", so.marginal_cost, 0, so.marginal_cost_t);
      st = tw_network_add_store(net, &so, NULL);
      free(so.e_min_pu_t);
      free(so.e_max_pu_t);
      free(so.marginal_cost_t);
      so.e_min_pu_t = so.e_max_pu_t = so.marginal_cost_t = NULL;
      if (st != TW_OK) goto cleanup;
    }
  if ((l = tw_pypsa_tables_find(t, "global_constraints")))
    for (size_t i = 0; i < l->n; i++) {
      double constant;
      /* A cap without a value is an error, not PyPSA's default 0 (which
       * silently turned a NaN into an infeasible CO2 cap of 0 t). */
      TW_CHECK_GOTO(st, raw_num(t, l, i, "constant", &constant));
      if (isnan(constant)) {
        st = tw_error(TW_ERR_INPUT, "%s: global constraint '%s': constant is missing or NaN",
                      t->source, l->names[i]);
        goto cleanup;
      }
      const char *sense = str(l, i, "sense");
      TW_CHECK_GOTO(st, tw_network_add_global_constraint(net, l->names[i], sense ? sense : "==",
                                                         constant, NULL));
    }
cleanup:
  free(g.p_min_pu_t);
  free(g.p_max_pu_t);
  free(g.marginal_cost_t);
  free(ld.p_set_t);
  free(br.s_max_pu_t);
  free(k.p_min_pu_t);
  free(k.p_max_pu_t);
  free(k.efficiency_t);
  free(k.marginal_cost_t);
  free(su.inflow_t);
  free(su.state_of_charge_set_t);
  free(su.p_min_pu_t);
  free(su.p_max_pu_t);
  free(so.e_min_pu_t);
  free(so.e_max_pu_t);
  free(so.marginal_cost_t);
  if (st != TW_OK && !strstr(tw_last_error(), t->source))
    tw_error_prefix(st, "%s: ", t->source);
  return st;
}

tw_status tw_pypsa_build_network(const tw_pypsa_tables *t, tw_network **out) {
  tw_status st = TW_OK;
  tw_network *net = NULL;
  *out = NULL;
  TW_CHECK(check_features(t));
  if (t->n_snapshots == 0) return tw_error(TW_ERR_INPUT, "%s: the network has no snapshots", t->source);
  TW_CHECK(tw_network_create(t->n_snapshots, &net));
  if (t->name) {
    net->name = strdup(t->name);
    if (!net->name) {
      st = tw_error(TW_ERR_RESOURCE, "out of memory");
      goto cleanup;
    }
  }
  for (size_t s = 0; s < t->n_snapshots; s++) {
    if (t->snapshots && t->snapshots[s])
      TW_CHECK_GOTO(st, tw_network_set_snapshot_label(net, s, t->snapshots[s]));
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
  /* Messages from the generic network code (duplicates, bad names) say
   * "network: ..."; name the file or folder instead. */
  if (st != TW_OK && t->source && strncmp(tw_last_error(), t->source, strlen(t->source)) != 0)
    tw_error_prefix(st, "%s: ", t->source);
  tw_network_destroy(&net);
  return st;
}
