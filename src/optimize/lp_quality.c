/* Numerical quality of each LP: its conditioning before the solve (ranges
 * of costs and matrix coefficients, a warning naming the field behind an
 * extreme one) and the optimality (KKT) conditions of GLPK's answer after
 * it. GLPK can label a non-optimal point "optimal" on an ill-conditioned LP
 * (a value of lost load of 1e12 gave twice the true cost): the KKT check
 * turns that into an error instead of a silently wrong answer.
 * docs/RELIABILITY.md "Optimality".
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "optimize/lp.h"
#include "optimize/lp_quality.h"
#include "terrawatt/log.h"

static const char *name_or(const char *n) { return n ? n : "?"; }

void tw_lp_column_describe(const tw_network *net, const tw_lp_map *m, size_t col, char *buf,
                           size_t n) {
  const size_t NL = net->n_lines;
  if (col < m->base) { /* extendable capacities */
    for (size_t g = 0; g < net->n_generators; g++)
      if (m->gen_pnom[g] == (long)col) {
        snprintf(buf, n, "capacity of generator '%s' (capital_cost, p_nom_min/max)",
                 name_or(net->generators[g].name));
        return;
      }
    for (size_t b = 0; b < NL + net->n_transformers; b++)
      if (m->br_snom[b] == (long)col) {
        snprintf(buf, n, "capacity of %s '%s' (capital_cost, s_nom_min/max)",
                 b < NL ? "line" : "transformer",
                 name_or(b < NL ? net->lines[b].name : net->transformers[b - NL].name));
        return;
      }
    for (size_t k = 0; k < net->n_links; k++)
      if (m->link_pnom[k] == (long)col) {
        snprintf(buf, n, "capacity of link '%s' (capital_cost)", name_or(net->links[k].name));
        return;
      }
    for (size_t s = 0; s < net->n_storage_units; s++)
      if (m->su_pnom[s] == (long)col) {
        snprintf(buf, n, "capacity of storage unit '%s' (capital_cost)",
                 name_or(net->storage_units[s].name));
        return;
      }
    for (size_t s = 0; s < net->n_stores; s++)
      if (m->store_enom[s] == (long)col) {
        snprintf(buf, n, "capacity of store '%s' (capital_cost)", name_or(net->stores[s].name));
        return;
      }
    snprintf(buf, n, "capacity column %zu", col);
    return;
  }
  if (col >= m->base + m->nt * m->block) {
    snprintf(buf, n, "voltage angle column %zu (--kvl angle: x, r of the branches at its bus)", col);
    return;
  }
  size_t rel = (col - m->base) % m->block, t = m->t0 + (col - m->base) / m->block;
  const char *snap = t < net->n_snapshots ? net->snapshots[t] : "?";
  if (rel < m->off_br) {
    snprintf(buf, n, "dispatch of generator '%s' at '%s' (marginal_cost, efficiency, co2)",
             name_or(net->generators[rel].name), snap);
  } else if (rel < m->off_link) {
    size_t b = rel - m->off_br;
    snprintf(buf, n, "flow on %s '%s' at '%s' (x, r, s_nom)", b < NL ? "line" : "transformer",
             name_or(b < NL ? net->lines[b].name : net->transformers[b - NL].name), snap);
  } else if (rel < m->off_su) {
    snprintf(buf, n, "flow on link '%s' at '%s' (efficiency, marginal_cost)",
             name_or(net->links[rel - m->off_link].name), snap);
  } else if (rel < m->off_store) {
    snprintf(buf, n, "storage unit '%s' at '%s' (efficiencies, marginal_cost)",
             name_or(net->storage_units[(rel - m->off_su) / 4].name), snap);
  } else if (rel < m->off_shed) {
    snprintf(buf, n, "store '%s' at '%s' (marginal_cost, standing_loss)",
             name_or(net->stores[(rel - m->off_store) / 2].name), snap);
  } else {
    size_t b = (rel - m->off_shed) % (net->n_buses ? net->n_buses : 1);
    snprintf(buf, n, "load shedding at bus '%s' at '%s' (value of lost load: --voll, "
             "optimize.load_shedding_cost)", name_or(net->buses[b].name), snap);
  }
}

static void row_describe(const tw_network *net, const tw_lp_map *m, size_t row, char *buf,
                         size_t n) {
  const size_t B = net->n_buses;
  if (B && row >= m->row_balance && row < m->row_balance + m->nt * B) {
    size_t k = row - m->row_balance;
    snprintf(buf, n, "nodal balance of bus '%s' at '%s'", name_or(net->buses[k % B].name),
             net->snapshots[m->t0 + k / B]);
  } else {
    snprintf(buf, n, "constraint row %zu", row);
  }
}

void tw_lp_conditioning_report(const tw_network *net, const tw_lp_map *m, const tw_lp *lp,
                               const char *name, int log_it, tw_optimize_result *r) {
  tw_lp_conditioning c;
  tw_lp_conditioning_compute(lp, &c);
  double cost_ratio = c.cost_min > 0 ? c.cost_max / c.cost_min : 1.0;
  double coef_ratio = c.coef_min > 0 ? c.coef_max / c.coef_min : 1.0;
  if (lp->nrows > r->lp_rows) r->lp_rows = lp->nrows;
  if (lp->ncols > r->lp_cols) r->lp_cols = lp->ncols;
  if (lp->nnz > r->lp_nonzeros) r->lp_nonzeros = lp->nnz;
  if (cost_ratio > r->lp_cost_ratio) r->lp_cost_ratio = cost_ratio;
  if (coef_ratio > r->lp_matrix_ratio) r->lp_matrix_ratio = coef_ratio;
  if (!log_it) return;
  TW_LOG_I("%s: LP conditioning: costs |c| %.3g..%.3g (ratio %.3g), matrix |a| %.3g..%.3g "
           "(ratio %.3g)", name, c.cost_min, c.cost_max, cost_ratio, c.coef_min, c.coef_max,
           coef_ratio);
  char lo[256], hi[256];
  if (cost_ratio > TW_LP_RATIO_WARN) {
    tw_lp_column_describe(net, m, c.cost_max_col, hi, sizeof hi);
    tw_lp_column_describe(net, m, c.cost_min_col, lo, sizeof lo);
    TW_LOG_W("%s: ill-conditioned LP: cost ratio %.3g above %.0e: largest |cost| %.3g on %s, "
             "smallest %.3g on %s; GLPK may return a wrong answer (the KKT check will tell)",
             name, cost_ratio, TW_LP_RATIO_WARN, c.cost_max, hi, c.cost_min, lo);
  }
  if (coef_ratio > TW_LP_RATIO_WARN) {
    tw_lp_column_describe(net, m, c.coef_max_col, hi, sizeof hi);
    tw_lp_column_describe(net, m, c.coef_min_col, lo, sizeof lo);
    TW_LOG_W("%s: ill-conditioned LP: matrix coefficient ratio %.3g above %.0e: largest "
             "|a| %.3g on %s, smallest %.3g on %s",
             name, coef_ratio, TW_LP_RATIO_WARN, c.coef_max, hi, c.coef_min, lo);
  }
}

tw_status tw_lp_kkt_check(tw_glpk *g, const tw_network *net, const tw_lp_map *m,
                          const char *name, tw_optimize_result *r) {
  tw_kkt k;
  TW_CHECK(tw_glpk_check_kkt(g, &k));
  double primal = fmax(k.pe_rel, k.pb_rel), dual = fmax(k.de_rel, k.db_rel);
  if (primal > r->kkt_primal_rel) r->kkt_primal_rel = primal;
  if (dual > r->kkt_dual_rel) r->kkt_dual_rel = dual;
  if (k.cs_rel > r->kkt_complementarity_rel) r->kkt_complementarity_rel = k.cs_rel;
  if (fmax(k.pe_abs, k.pb_abs) > r->kkt_primal_abs) r->kkt_primal_abs = fmax(k.pe_abs, k.pb_abs);
  if (fmax(k.de_abs, k.db_abs) > r->kkt_dual_abs) r->kkt_dual_abs = fmax(k.de_abs, k.db_abs);
  TW_LOG_D("%s: KKT relative errors: primal %.3g, dual %.3g, complementarity %.3g", name,
           primal, dual, k.cs_rel);
  if (k.worst_rel <= TW_KKT_REL_TOL) return TW_OK;
  char where[256] = "";
  int idx = 0;
  if (sscanf(k.worst, "row %d", &idx) == 1 && idx > 0)
    row_describe(net, m, (size_t)idx - 1, where, sizeof where);
  else if (sscanf(k.worst, "column %d", &idx) == 1 && idx > 0)
    tw_lp_column_describe(net, m, (size_t)idx - 1, where, sizeof where);
  return tw_error(TW_ERR_INTERNAL,
                  "%s: GLPK reported an optimal solution that is not optimal: %s relative error "
                  "%.3g (tolerance %.0e) at %s (primal %.3g, dual %.3g, complementarity %.3g); "
                  "the LP is ill-conditioned (cost ratio %.3g, matrix ratio %.3g): check the "
                  "extreme values the warnings above name",
                  name, k.worst_condition, k.worst_rel, TW_KKT_REL_TOL, where[0] ? where : k.worst,
                  primal, dual, k.cs_rel, r->lp_cost_ratio, r->lp_matrix_ratio);
}
