/* Independent check of a solved dispatch: nodal balance, bounds, finiteness
 * (include/terrawatt/solution_check.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/solution_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct check_state {
  const tw_network *net;
  tw_solution_check *out;
} check_state;

/* Record a bound violation `excess` (> 0 when violated) against a bound of
 * magnitude `scale`. */
static void bound(check_state *s, double value, double lo, double hi, const char *what,
                  const char *name, const char *attr, size_t t) {
  if (!isfinite(value)) {
    s->out->n_nonfinite++;
    return;
  }
  double scale = fmax(1.0, fmax(fabs(value), fmax(isfinite(lo) ? fabs(lo) : 0, isfinite(hi) ? fabs(hi) : 0)));
  double excess = fmax(lo - value, value - hi);
  if (!(excess > 0)) return;
  double rel = excess / scale;
  if (excess > s->out->max_bound_violation) {
    s->out->max_bound_violation = excess;
    snprintf(s->out->bound_where, sizeof s->out->bound_where,
             "%s '%s': %s = %.9g outside [%.9g, %.9g]%s%s%s", what, name, attr, value, lo, hi,
             t == (size_t)-1 ? "" : " at snapshot '", t == (size_t)-1 ? "" : s->net->snapshots[t],
             t == (size_t)-1 ? "" : "'");
  }
  if (rel > s->out->tol_rel) s->out->ok = 0;
}

static double at(const double *series, double value, size_t t) { return series ? series[t] : value; }

static tw_status balance(check_state *s, const tw_optimize_result *r) {
  const tw_network *n = s->net;
  size_t T = n->n_snapshots, B = n->n_buses;
  double *sum = NULL, *mag = NULL;
  tw_status st = TW_OK;
  TW_CHECK_GOTO(st, tw_calloc(B ? B : 1, sizeof *sum, "balance", &sum));
  TW_CHECK_GOTO(st, tw_calloc(B ? B : 1, sizeof *mag, "balance", &mag));
#define ADD(bus, v)                                                                         \
  do {                                                                                      \
    double v_ = (v);                                                                        \
    if (!isfinite(v_)) s->out->n_nonfinite++;                                               \
    else if ((bus) >= 0 && (size_t)(bus) < B) {                                             \
      sum[bus] += v_;                                                                       \
      mag[bus] = fmax(mag[bus], fabs(v_));                                                  \
    }                                                                                       \
  } while (0)
  for (size_t t = 0; t < T; t++) {
    memset(sum, 0, B * sizeof *sum);
    memset(mag, 0, B * sizeof *mag);
    for (size_t g = 0; g < n->n_generators; g++)
      ADD(n->generators[g].bus, n->generators[g].sign * r->gen_p[t * n->n_generators + g]);
    for (size_t l = 0; l < n->n_loads; l++)
      ADD(n->loads[l].bus, n->loads[l].sign * r->load_p[t * n->n_loads + l]);
    for (size_t k = 0; k < n->n_lines; k++) {
      ADD(n->lines[k].bus0, -r->line_p0[t * n->n_lines + k]);
      ADD(n->lines[k].bus1, -r->line_p1[t * n->n_lines + k]);
    }
    for (size_t k = 0; k < n->n_transformers; k++) {
      ADD(n->transformers[k].bus0, -r->trafo_p0[t * n->n_transformers + k]);
      ADD(n->transformers[k].bus1, -r->trafo_p1[t * n->n_transformers + k]);
    }
    for (size_t k = 0; k < n->n_links; k++) {
      ADD(n->links[k].bus0, -r->link_p0[t * n->n_links + k]);
      ADD(n->links[k].bus1, -r->link_p1[t * n->n_links + k]);
    }
    for (size_t k = 0; k < n->n_storage_units; k++)
      ADD(n->storage_units[k].bus, r->su_p[t * n->n_storage_units + k]);
    for (size_t k = 0; k < n->n_stores; k++) ADD(n->stores[k].bus, r->store_p[t * n->n_stores + k]);
    if (r->bus_shed_MW)
      for (size_t b = 0; b < B; b++) ADD((int)b, r->bus_shed_MW[t * B + b]);
    for (size_t b = 0; b < B; b++) {
      double res = fabs(sum[b]);
      if (res > s->out->max_balance_residual_MW) {
        s->out->max_balance_residual_MW = res;
        s->out->balance_bus = b;
        s->out->balance_snapshot = t;
      }
      if (res > s->out->tol_rel * fmax(1.0, mag[b])) s->out->ok = 0;
    }
  }
#undef ADD
cleanup:
  free(sum);
  free(mag);
  return st;
}

static void bounds(check_state *s, const tw_optimize_result *r) {
  const tw_network *n = s->net;
  size_t T = n->n_snapshots;
  const size_t ALL = (size_t)-1;
  for (size_t g = 0; g < n->n_generators; g++) {
    const tw_generator *x = &n->generators[g];
    double nom = r->gen_p_nom_opt[g];
    if (x->p_nom_extendable)
      bound(s, nom, x->p_nom_min_MW, x->p_nom_max_MW, "generator", x->name, "p_nom_opt", ALL);
    for (size_t t = 0; t < T; t++) {
      double lo = at(x->p_min_pu_t, x->p_min_pu, t) * nom, hi = at(x->p_max_pu_t, x->p_max_pu, t) * nom;
      bound(s, r->gen_p[t * n->n_generators + g], lo, hi, "generator", x->name, "p", t);
    }
  }
  for (int tr = 0; tr < 2; tr++) {
    const tw_branch *arr = tr ? n->transformers : n->lines;
    size_t nb = tr ? n->n_transformers : n->n_lines;
    const double *p0 = tr ? r->trafo_p0 : r->line_p0;
    const double *nom = tr ? r->trafo_s_nom_opt : r->line_s_nom_opt;
    for (size_t k = 0; k < nb; k++) {
      const tw_branch *x = &arr[k];
      if (x->s_nom_extendable)
        bound(s, nom[k], x->s_nom_min_MVA, x->s_nom_max_MVA, tr ? "transformer" : "line", x->name,
              "s_nom_opt", ALL);
      for (size_t t = 0; t < T; t++) {
        double cap = at(x->s_max_pu_t, x->s_max_pu, t) * nom[k];
        bound(s, p0[t * nb + k], -cap, cap, tr ? "transformer" : "line", x->name, "p0", t);
      }
    }
  }
  for (size_t k = 0; k < n->n_links; k++) {
    const tw_link *x = &n->links[k];
    double nom = r->link_p_nom_opt[k];
    if (x->p_nom_extendable)
      bound(s, nom, x->p_nom_min_MW, x->p_nom_max_MW, "link", x->name, "p_nom_opt", ALL);
    for (size_t t = 0; t < T; t++)
      bound(s, r->link_p0[t * n->n_links + k], at(x->p_min_pu_t, x->p_min_pu, t) * nom,
            at(x->p_max_pu_t, x->p_max_pu, t) * nom, "link", x->name, "p0", t);
  }
  for (size_t k = 0; k < n->n_storage_units; k++) {
    const tw_storage_unit *x = &n->storage_units[k];
    double nom = r->su_p_nom_opt[k];
    size_t N = n->n_storage_units;
    if (x->p_nom_extendable)
      bound(s, nom, x->p_nom_min_MW, x->p_nom_max_MW, "storage unit", x->name, "p_nom_opt", ALL);
    for (size_t t = 0; t < T; t++) {
      bound(s, r->su_p_dispatch[t * N + k], 0, at(x->p_max_pu_t, x->p_max_pu, t) * nom,
            "storage unit", x->name, "p_dispatch", t);
      bound(s, r->su_p_store[t * N + k], 0, -at(x->p_min_pu_t, x->p_min_pu, t) * nom,
            "storage unit", x->name, "p_store", t);
      bound(s, r->su_state_of_charge[t * N + k], 0, x->max_hours_h * nom, "storage unit", x->name,
            "state_of_charge", t);
    }
  }
  for (size_t k = 0; k < n->n_stores; k++) {
    const tw_store *x = &n->stores[k];
    double nom = r->store_e_nom_opt[k];
    if (x->e_nom_extendable)
      bound(s, nom, x->e_nom_min_MWh, x->e_nom_max_MWh, "store", x->name, "e_nom_opt", ALL);
    for (size_t t = 0; t < T; t++)
      bound(s, r->store_e[t * n->n_stores + k], at(x->e_min_pu_t, x->e_min_pu, t) * nom,
            at(x->e_max_pu_t, x->e_max_pu, t) * nom, "store", x->name, "e", t);
  }
}

tw_status tw_solution_check_run(const tw_network *net, const tw_optimize_result *r,
                                double tol_rel, tw_solution_check *out) {
  memset(out, 0, sizeof *out);
  out->tol_rel = tol_rel > 0 ? tol_rel : TW_SOLUTION_CHECK_TOL_REL;
  out->ok = 1;
  if (r->n_snapshots != net->n_snapshots || r->n_buses != net->n_buses ||
      r->n_generators != net->n_generators || r->n_loads != net->n_loads ||
      r->n_lines != net->n_lines || r->n_transformers != net->n_transformers ||
      r->n_links != net->n_links || r->n_storage_units != net->n_storage_units ||
      r->n_stores != net->n_stores)
    return tw_error(TW_ERR_INPUT, "solution check: the result's sizes do not match network '%s'",
                    net->name ? net->name : "");
  check_state s = {net, out};
  TW_CHECK(balance(&s, r));
  bounds(&s, r);
  if (out->n_nonfinite) out->ok = 0;
  return TW_OK;
}

const char *tw_solution_check_describe(const tw_solution_check *c, const tw_network *net,
                                       char *buf, size_t size) {
  const char *bus = c->balance_bus < net->n_buses ? net->buses[c->balance_bus].name : "?";
  const char *snap = c->balance_snapshot < net->n_snapshots ? net->snapshots[c->balance_snapshot] : "?";
  snprintf(buf, size, "balance residual %.3g MW (bus '%s', snapshot '%s'), bound violation %.3g%s%s, %zu non-finite: %s",
           c->max_balance_residual_MW, bus, snap, c->max_bound_violation,
           c->bound_where[0] ? " at " : "", c->bound_where, c->n_nonfinite, c->ok ? "ok" : "FAILED");
  return buf;
}
