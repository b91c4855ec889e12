/* Smart charging in the grid LP (tw_fleet_add_to_network + the GLPK LOPF):
 * energy conservation, min-SoC at departure, and agreement of decentralized
 * valley filling with the LP's aggregate charging profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/mobility_metrics.h"
#include "terrawatt/mobility_vf.h"
#include "terrawatt/optimize.h"

enum { T = 48 };

static void base_load(double *D) {
  for (int t = 0; t < T; t++)
    D[t] = 500.0 + 150.0 * sin(6.283185307179586 * (t - 9) / 24.0) + 20.0 * ((t * 7) % 5);
}

/* A single bus whose supply cost is convex and piecewise linear: a free
 * block up to 200 MW, then `n` steps of `width` MW at marginal cost 1, 2,
 * ..., n (a fine stack makes the LP's optimum valley filling to within one
 * step). */
static tw_network *one_bus(const double *D, int n, double width) {
  tw_network *net = NULL;
  size_t bus, li;
  tw_generator g;
  tw_load l;
  char name[32];
  assert_int_equal(tw_network_create(T, &net), TW_OK);
  assert_int_equal(tw_network_add_bus(net, "city", 110.0, "AC", &bus), TW_OK);
  tw_load_default(&l);
  l.name = (char *)"demand";
  l.bus = (int)bus;
  l.p_set_t = (double *)D;
  assert_int_equal(tw_network_add_load(net, &l, &li), TW_OK);
  for (int i = 0; i <= n; i++) {
    tw_generator_default(&g);
    snprintf(name, sizeof name, "step%d", i);
    g.name = name;
    g.bus = (int)bus;
    g.p_nom_MW = i == 0 ? 200.0 : width;
    g.marginal_cost = (double)i;
    assert_int_equal(tw_network_add_generator(net, &g, NULL), TW_OK);
  }
  return net;
}

static tw_optimize_result *solve(const tw_network *net) {
  tw_optimize_params p;
  tw_optimize_result *r = NULL;
  tw_optimize_params_default(&p);
  tw_status st = tw_optimize_network(net, &p, &r);
  if (st != TW_OK) fprintf(stderr, "optimize: %s\n", tw_last_error());
  assert_int_equal(st, TW_OK);
  return r;
}

/* Realistic fleet with V2G: e_t - e_{t-1} = eta_c p_charger - p_v2g0 -
 * driving every hour (cyclic), and the min SoC holds at 07:00. */
static void test_conservation_and_min_soc(void **state) {
  (void)state;
  double D[T], d[T];
  tw_fleet f;
  tw_fleet_components c;
  base_load(D);
  tw_network *net = one_bus(D, 60, 10.0);
  tw_fleet_default(&f);
  f.n_vehicles = 20000;
  f.smart_share = 0.7;
  f.v2g = 1;
  f.v2g_cost_per_MWh = 0.5;
  assert_int_equal(tw_fleet_add_to_network(net, &f, 0, 0, NULL, &c), TW_OK);
  tw_optimize_result *r = solve(net);
  const size_t K = net->n_links, S = net->n_stores;
  const double e_nom = net->stores[c.store].e_nom_MWh;
  assert_int_equal(tw_fleet_driving_series(&f, 0.7, 0, T, NULL, d), TW_OK);
  double charged = 0, discharged = 0, driven = 0, v2g_used = 0;
  for (int t = 0; t < T; t++) {
    double e = r->store_e[(size_t)t * S + (size_t)c.store];
    double e_prev = r->store_e[(size_t)((t + T - 1) % T) * S + (size_t)c.store];
    double pc = r->link_p0[(size_t)t * K + (size_t)c.charger];
    double pv = r->link_p0[(size_t)t * K + (size_t)c.v2g];
    assert_true(fabs((e - e_prev) - (f.charge_efficiency * pc - pv - d[t])) < 1e-6);
    assert_true(pc >= -1e-9 && pc <= net->links[c.charger].p_nom_MW * f.availability[t] + 1e-6);
    assert_true(e >= -1e-6 && e <= e_nom + 1e-6);
    if (t % 24 == 7) assert_true(e >= f.min_soc * e_nom - 1e-6);
    charged += pc;
    discharged += pv;
    driven += d[t];
    v2g_used += pv > 1e-6;
  }
  /* grid-side charging: charger - V2G output + immediate share */
  double grid[T], imm[T];
  assert_int_equal(tw_fleet_grid_charging(net, r, &c, grid), TW_OK);
  assert_int_equal(tw_fleet_immediate_profile(&f, 0.3, 0, T, NULL, imm, NULL, NULL), TW_OK);
  for (int t = 0; t < T; t++) {
    double pc = r->link_p0[(size_t)t * K + (size_t)c.charger];
    double pv = r->link_p0[(size_t)t * K + (size_t)c.v2g];
    assert_true(fabs(grid[t] - (pc - f.v2g_efficiency * pv + imm[t])) < 1e-9);
  }
  /* over the cycle: charged * efficiency = driving + V2G + delta SoC (0) */
  assert_true(fabs(charged * f.charge_efficiency - driven - discharged) < 1e-6);
  (void)v2g_used;
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&net);
}

/* Valley filling against the LP: one bus, a fleet whose battery never
 * limits (huge capacity, cyclic, no min SoC), so both solve
 * min cost(D + R), 0 <= R <= P avail, sum R = driving / eta. */
static void test_valley_filling_matches_lp(void **state) {
  (void)state;
  enum { G = 16 };
  double D[T], d[T], R[T], E[G], Etot = 0, peak = 0, maxdiff = 0;
  float U[T * G];
  tw_fleet f;
  tw_fleet_components c;
  base_load(D);
  tw_network *net = one_bus(D, 700, 1.0);
  tw_fleet_default(&f);
  f.n_vehicles = 40000;
  f.smart_share = 1.0;
  f.battery_kWh = 1000.0; /* never binds */
  f.min_soc_hour = -1;
  for (int h = 0; h < TW_HOURS_PER_WEEK; h++) f.driving_kWh[h] *= 6.0;
  assert_int_equal(tw_fleet_add_to_network(net, &f, 0, 0, NULL, &c), TW_OK);
  tw_optimize_result *r = solve(net);
  /* groups of equal size with the fleet's availability as plug-in share */
  assert_int_equal(tw_fleet_driving_series(&f, 1.0, 0, T, NULL, d), TW_OK);
  for (int t = 0; t < T; t++) Etot += d[t] / f.charge_efficiency;
  /* groups of different sizes w_g (sum 1) sharing the fleet's plug-in profile */
  for (int g = 0; g < G; g++) {
    double w = (1.0 + (double)(g % 4)) / 40.0; /* 4 x (1+2+3+4) = 40 */
    for (int t = 0; t < T; t++)
      U[t * G + g] = (float)(w * f.availability[t] * f.n_vehicles * f.charger_kW / 1000.0);
    E[g] = w * Etot;
  }
  tw_backend *be = NULL;
  tw_vf_params par;
  tw_vf_result res;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  tw_vf_params_default(&par);
  tw_vf_problem p = {G, T, D, U, E};
  assert_int_equal(tw_valley_fill(be, &p, &par, R, NULL, &res), TW_OK);
  assert_true(res.converged);
  for (int t = 0; t < T; t++) {
    double lp = r->link_p0[(size_t)t * net->n_links + (size_t)c.charger];
    if (lp > peak) peak = lp;
    if (fabs(lp - R[t]) > maxdiff) maxdiff = fabs(lp - R[t]);
  }
  printf("valley filling vs LP: max |diff| %.4g MW = %.4f%% of the LP's peak %.4g MW "
         "(%d iterations)\n",
         maxdiff, 100 * maxdiff / peak, peak, res.iterations);
  assert_true(peak > 0);
  assert_true(maxdiff <= 0.01 * peak);
  {
    double lp_profile[T];
    for (int t = 0; t < T; t++) lp_profile[t] = r->link_p0[(size_t)t * net->n_links + (size_t)c.charger];
    assert_true(fabs(tw_ev_max_rel_diff(R, lp_profile, T) - maxdiff / peak) < 1e-12);
  }
  tw_backend_destroy(&be);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&net);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_conservation_and_min_soc),
      cmocka_unit_test(test_valley_filling_matches_lp),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
