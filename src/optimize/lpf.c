/* Linear (DC) power flow: B theta = P per sub-network, slack at its first
 * bus, flows p0 = (theta0 - theta1) / x_pu (r_pu on DC sub-networks).
 * Dense LU per sub-network: meant for validation and small networks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/lp.h"

/* LU with partial pivoting in place; returns -1 when singular. */
static int lu_factor(double *a, size_t n, size_t *piv) {
  for (size_t k = 0; k < n; k++) {
    size_t p = k;
    for (size_t i = k + 1; i < n; i++)
      if (fabs(a[i * n + k]) > fabs(a[p * n + k])) p = i;
    if (fabs(a[p * n + k]) < 1e-300) return -1;
    piv[k] = p;
    if (p != k)
      for (size_t j = 0; j < n; j++) {
        double t = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
    for (size_t i = k + 1; i < n; i++) {
      a[i * n + k] /= a[k * n + k];
      for (size_t j = k + 1; j < n; j++) a[i * n + j] -= a[i * n + k] * a[k * n + j];
    }
  }
  return 0;
}

static void lu_solve(const double *a, size_t n, const size_t *piv, double *b) {
  for (size_t k = 0; k < n; k++) {
    double t = b[k];
    b[k] = b[piv[k]];
    b[piv[k]] = t;
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++) b[i] -= a[i * n + j] * b[j];
  for (size_t i = n; i-- > 0;) {
    for (size_t j = i + 1; j < n; j++) b[i] -= a[i * n + j] * b[j];
    b[i] /= a[i * n + i];
  }
}

tw_status tw_linear_power_flow(const tw_network *net, const double *gen_p, const double *link_p0,
                               double *line_p0, double *trafo_p0, double *v_ang) {
  tw_status st = TW_OK;
  tw_cycles cyc;
  size_t B = net->n_buses, T = net->n_snapshots, L = net->n_lines, E = L + net->n_transformers;
  double *P = NULL, *mat = NULL, *rhs = NULL, *z = NULL;
  size_t *piv = NULL, *local = NULL, *members = NULL;
  TW_CHECK(tw_network_validate(net, net->name));
  TW_CHECK(tw_cycles_compute(net, &cyc));
  TW_CHECK_GOTO(st, tw_calloc(B * T + 1, sizeof(double), "injections", &P));
  TW_CHECK_GOTO(st, tw_calloc(B + 1, sizeof(size_t), "lpf", &local));
  TW_CHECK_GOTO(st, tw_calloc(B + 1, sizeof(size_t), "lpf", &members));
  TW_CHECK_GOTO(st, tw_calloc(E + 1, sizeof(double), "lpf", &z));
  for (size_t t = 0; t < T; t++) {
    for (size_t g = 0; g < net->n_generators; g++)
      P[t * B + (size_t)net->generators[g].bus] += net->generators[g].sign * gen_p[t * net->n_generators + g];
    for (size_t l = 0; l < net->n_loads; l++)
      P[t * B + (size_t)net->loads[l].bus] +=
          net->loads[l].sign * tw_series_at(net->loads[l].p_set_t, net->loads[l].p_set_MW, t);
    if (link_p0)
      for (size_t k = 0; k < net->n_links; k++) {
        const tw_link *x = &net->links[k];
        double p0 = link_p0[t * net->n_links + k];
        P[t * B + (size_t)x->bus0] -= p0;
        P[t * B + (size_t)x->bus1] += tw_series_at(x->efficiency_t, x->efficiency, t) * p0;
      }
  }
  for (size_t sn = 0; sn < cyc.n_subnets; sn++) {
    size_t n = 0;
    for (size_t b = 0; b < B; b++)
      if ((size_t)cyc.subnet[b] == sn) {
        local[b] = n;
        members[n++] = b;
      }
    int dc = net->buses[members[0]].carrier && !strcmp(net->buses[members[0]].carrier, "DC");
    for (size_t e = 0; e < E; e++) {
      int b0 = e < L ? net->lines[e].bus0 : net->transformers[e - L].bus0;
      if ((size_t)cyc.subnet[b0] == sn) z[e] = tw_branch_impedance(net, e, dc);
    }
    size_t m = n - 1; /* slack = members[0] */
    free(mat);
    free(rhs);
    free(piv);
    mat = rhs = NULL;
    piv = NULL;
    TW_CHECK_GOTO(st, tw_calloc(m * m + 1, sizeof(double), "lpf", &mat));
    TW_CHECK_GOTO(st, tw_calloc(n + 1, sizeof(double), "lpf", &rhs));
    TW_CHECK_GOTO(st, tw_calloc(m + 1, sizeof(size_t), "lpf", &piv));
    for (size_t e = 0; e < E; e++) {
      int b0 = e < L ? net->lines[e].bus0 : net->transformers[e - L].bus0;
      int b1 = e < L ? net->lines[e].bus1 : net->transformers[e - L].bus1;
      if ((size_t)cyc.subnet[b0] != sn) continue;
      if (!(fabs(z[e]) > 0) || !isfinite(z[e])) {
        st = tw_error(TW_ERR_INPUT, "%s: %s '%s' has zero or invalid impedance %g for the power flow",
                      net->name ? net->name : "network", e < L ? "line" : "transformer",
                      e < L ? net->lines[e].name : net->transformers[e - L].name, z[e]);
        goto cleanup;
      }
      double y = 1.0 / z[e];
      size_t i0 = local[b0], i1 = local[b1];
      if (i0 > 0) mat[(i0 - 1) * m + i0 - 1] += y;
      if (i1 > 0) mat[(i1 - 1) * m + i1 - 1] += y;
      if (i0 > 0 && i1 > 0) {
        mat[(i0 - 1) * m + i1 - 1] -= y;
        mat[(i1 - 1) * m + i0 - 1] -= y;
      }
    }
    if (m > 0 && lu_factor(mat, m, piv) != 0) {
      st = tw_error(TW_ERR_INPUT, "%s: the power-flow matrix of the sub-network of bus '%s' is singular",
                    net->name ? net->name : "network", net->buses[members[0]].name);
      goto cleanup;
    }
    for (size_t t = 0; t < T; t++) {
      rhs[0] = 0;
      for (size_t i = 1; i < n; i++) rhs[i] = P[t * B + members[i]];
      if (m > 0) lu_solve(mat, m, piv, rhs + 1);
      if (v_ang)
        for (size_t i = 0; i < n; i++) v_ang[t * B + members[i]] = rhs[i];
      for (size_t e = 0; e < E; e++) {
        int b0 = e < L ? net->lines[e].bus0 : net->transformers[e - L].bus0;
        int b1 = e < L ? net->lines[e].bus1 : net->transformers[e - L].bus1;
        if ((size_t)cyc.subnet[b0] != sn) continue;
        double f = (rhs[local[b0]] - rhs[local[b1]]) / z[e];
        if (e < L) line_p0[t * L + e] = f;
        else if (trafo_p0) trafo_p0[t * net->n_transformers + e - L] = f;
      }
    }
  }
cleanup:
  tw_cycles_free(&cyc);
  free(P);
  free(mat);
  free(rhs);
  free(z);
  free(piv);
  free(local);
  free(members);
  return st;
}
