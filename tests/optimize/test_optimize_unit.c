/* Hand-derived LOPF tests on tiny networks built through the API. Every
 * expected number is derived in the comment above its test.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "terrawatt/optimize.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static size_t add_gen(tw_network *n, const char *name, const char *bus, double p_nom, double mc,
                      const double *p_max_pu_t) {
  tw_generator g;
  size_t idx;
  tw_generator_default(&g);
  g.name = (char *)name;
  g.bus = tw_network_find_bus(n, bus);
  g.p_nom_MW = p_nom;
  g.marginal_cost = mc;
  g.p_max_pu_t = (double *)p_max_pu_t;
  assert_int_equal(tw_network_add_generator(n, &g, &idx), TW_OK);
  return idx;
}

static void add_load(tw_network *n, const char *name, const char *bus, const double *p_set_t) {
  tw_load l;
  tw_load_default(&l);
  l.name = (char *)name;
  l.bus = tw_network_find_bus(n, bus);
  l.p_set_t = (double *)p_set_t;
  assert_int_equal(tw_network_add_load(n, &l, NULL), TW_OK);
}

static void add_line(tw_network *n, const char *name, const char *b0, const char *b1, double x,
                     double s_nom) {
  tw_branch b;
  tw_line_default(&b);
  b.name = (char *)name;
  b.bus0 = tw_network_find_bus(n, b0);
  b.bus1 = tw_network_find_bus(n, b1);
  b.x = x;
  b.s_nom_MVA = s_nom;
  assert_int_equal(tw_network_add_line(n, &b, NULL), TW_OK);
}

/* Two buses, one line of 30 MW. A: 100 MW at 10/MWh; B: 100 MW at 50/MWh.
 * Snapshot 0 (weight 1 h): load 80 MW at B. The line is congested: A sends
 * 30, B makes 50; cost 30*10 + 50*50 = 2800; prices A = 10 (its generator
 * is marginal), B = 50. Snapshot 1 (weight 2 h): load 20 at B, A serves it
 * all over the line (not congested): cost 2*20*10 = 400; both prices 10
 * (dual 20 per MW divided by the 2 h weighting). Objective 3200. */
static void test_two_bus_congestion(void **s) {
  (void)s;
  tw_network *n = NULL;
  tw_optimize_result *r = NULL;
  assert_int_equal(tw_network_create(2, &n), TW_OK);
  n->weight_objective[1] = n->weight_generators[1] = n->weight_stores[1] = 2.0;
  assert_int_equal(tw_network_add_bus(n, "A", 380, "AC", NULL), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "B", 380, "AC", NULL), TW_OK);
  add_gen(n, "cheap", "A", 100, 10, NULL);
  add_gen(n, "dear", "B", 100, 50, NULL);
  double load[2] = {80, 20};
  add_load(n, "load", "B", load);
  add_line(n, "AB", "A", "B", 0.1, 30);
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  NEAR(r->objective, 3200, 1e-6);
  NEAR(r->total_cost, 3200, 1e-6);
  NEAR(r->gen_p[0], 30, 1e-6);
  NEAR(r->gen_p[1], 50, 1e-6);
  NEAR(r->gen_p[2], 20, 1e-6);
  NEAR(r->gen_p[3], 0, 1e-6);
  NEAR(r->line_p0[0], 30, 1e-6);
  NEAR(r->line_p1[0], -30, 1e-6);
  NEAR(r->bus_marginal_price[0], 10, 1e-6);
  NEAR(r->bus_marginal_price[1], 50, 1e-6);
  NEAR(r->bus_marginal_price[2], 10, 1e-6);
  NEAR(r->bus_marginal_price[3], 10, 1e-6);
  /* curtailment of "cheap": (100-30)*1 + (100-20)*2 = 230 MWh */
  NEAR(r->gen_curtailment_MWh[0], 230, 1e-6);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

/* KVL on a triangle 1-2-3 with equal reactances: from bus 1 to bus 3 the
 * direct line carries 2/3 of a transfer, the path 1-2-3 1/3. Cheap
 * generator at 1 (10/MWh), dear at 3 (100/MWh), load 90 MW at 3, line 1-3
 * limited to 50 MW. Then f13 = 50, f12 = f23 = 25, p1 = 75, p3 = 15;
 * objective 750 + 1500 = 2250. Prices: bus 3 = 100, bus 1 = 10; with the
 * PTDFs of f13 (slack 3) 2/3 for bus 1 and 1/3 for bus 2, the congestion
 * dual mu solves 100 - mu*2/3 = 10, mu = 135, so bus 2 = 100 - 135/3 = 55. */
static void triangle_kvl_prices(tw_kvl_formulation kvl) {
  tw_network *n = NULL;
  tw_optimize_params p;
  tw_optimize_params_default(&p);
  p.kvl = kvl;
  tw_optimize_result *r = NULL;
  assert_int_equal(tw_network_create(1, &n), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "1", 220, NULL, NULL), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "2", 220, NULL, NULL), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "3", 220, NULL, NULL), TW_OK);
  add_gen(n, "g1", "1", 1000, 10, NULL);
  add_gen(n, "g3", "3", 1000, 100, NULL);
  double load = 90;
  add_load(n, "l3", "3", &load);
  add_line(n, "12", "1", "2", 0.3, 1000);
  add_line(n, "23", "2", "3", 0.3, 1000);
  add_line(n, "13", "1", "3", 0.3, 50);
  assert_int_equal(tw_optimize_network(n, &p, &r), TW_OK);
  NEAR(r->objective, 2250, 1e-6);
  NEAR(r->line_p0[2], 50, 1e-6);
  NEAR(r->line_p0[0], 25, 1e-6);
  NEAR(r->line_p0[1], 25, 1e-6);
  NEAR(r->bus_marginal_price[0], 10, 1e-6);
  NEAR(r->bus_marginal_price[1], 55, 1e-6);
  NEAR(r->bus_marginal_price[2], 100, 1e-6);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

/* The same with both KVL formulations (docs/OPTIMIZE.md "KVL"): cycle rows
 * and angle columns give one feasible set of flows, so the same optimum. */
static void test_triangle_kvl_prices(void **s) {
  (void)s;
  triangle_kvl_prices(TW_KVL_CYCLE);
  triangle_kvl_prices(TW_KVL_ANGLE);
}

/* KVL with a transformer and in a DC sub-network. AC triangle at 100 kV:
 * lines 1-2 and 2-3 with x = 10 Ohm (x_pu = 10/100^2 = 0.001) and a
 * transformer 1-3 with x = 0.1 pu on s_nom = 100 MVA (0.001 on 1 MVA):
 * equal impedances, so 90 MW from bus 1 to bus 3 split 60 direct, 30 via
 * bus 2. DC triangle (bus carrier DC) with x = 0 and r = 10, 10, 20 Ohm:
 * KVL uses r, so the direct line d1-d3 (r = 20) carries 90*20/40 = 45. */
static void transformer_and_dc_kvl(tw_kvl_formulation kvl, double phase_shift_deg) {
  tw_network *n = NULL;
  tw_optimize_params p;
  tw_optimize_params_default(&p);
  p.kvl = kvl;
  tw_optimize_result *r = NULL;
  assert_int_equal(tw_network_create(1, &n), TW_OK);
  const char *ac[3] = {"1", "2", "3"}, *dc[3] = {"d1", "d2", "d3"};
  for (int i = 0; i < 3; i++) {
    assert_int_equal(tw_network_add_bus(n, ac[i], 100, "AC", NULL), TW_OK);
    assert_int_equal(tw_network_add_bus(n, dc[i], 100, "DC", NULL), TW_OK);
  }
  add_gen(n, "g1", "1", 1000, 1, NULL);
  add_gen(n, "gd1", "d1", 1000, 1, NULL);
  double load = 90;
  add_load(n, "l3", "3", &load);
  add_load(n, "ld3", "d3", &load);
  add_line(n, "12", "1", "2", 10, 1000);
  add_line(n, "23", "2", "3", 10, 1000);
  tw_branch t;
  tw_transformer_default(&t);
  t.name = "t13";
  t.bus0 = tw_network_find_bus(n, "1");
  t.bus1 = tw_network_find_bus(n, "3");
  t.x = 0.1;
  t.s_nom_MVA = 100;
  t.phase_shift_deg = phase_shift_deg;
  assert_int_equal(tw_network_add_transformer(n, &t, NULL), TW_OK);
  const char *dl[3][2] = {{"d1", "d2"}, {"d2", "d3"}, {"d1", "d3"}};
  double rr[3] = {10, 10, 20};
  for (int i = 0; i < 3; i++) {
    tw_branch b;
    tw_line_default(&b);
    char name[8];
    snprintf(name, sizeof name, "dc%d", i);
    b.name = name;
    b.bus0 = tw_network_find_bus(n, dl[i][0]);
    b.bus1 = tw_network_find_bus(n, dl[i][1]);
    b.r = rr[i];
    b.s_nom_MVA = 1000;
    assert_int_equal(tw_network_add_line(n, &b, NULL), TW_OK);
  }
  assert_int_equal(tw_optimize_network(n, &p, &r), TW_OK);
  double shifted = phase_shift_deg != 0 ? 30 : 0;
  NEAR(r->trafo_p0[0], 60 - shifted, 1e-6);
  NEAR(r->line_p0[0], 30 + shifted, 1e-6);
  NEAR(r->line_p0[1], 30 + shifted, 1e-6);
  NEAR(r->line_p0[2], 45, 1e-6);
  NEAR(r->line_p0[3], 45, 1e-6);
  NEAR(r->line_p0[4], 45, 1e-6);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

/* With a phase shift phi on the transformer, its flow is
 * s_t = (theta1 - theta3 - phi) / z (PyPSA), the path via bus 2 carries
 * (theta1 - theta3) / 2z, and s_t + (theta1 - theta3) / 2z = 90 gives
 * s_t = 60 - phi / 3z: phi = 0.09 rad (z = 0.001) moves 30 MW from the
 * transformer to the lines (60 -> 30, 30 -> 60). Both KVL formulations. */
static void test_transformer_and_dc_kvl(void **s) {
  (void)s;
  const double phi_deg = 0.09 * 180.0 / 3.14159265358979323846;
  transformer_and_dc_kvl(TW_KVL_CYCLE, 0.0);
  transformer_and_dc_kvl(TW_KVL_ANGLE, 0.0);
  transformer_and_dc_kvl(TW_KVL_CYCLE, phi_deg);
  transformer_and_dc_kvl(TW_KVL_ANGLE, phi_deg);
}

/* A storage unit shifts cheap energy: one bus, load 50 MW in both hours;
 * "cheap" (100 MW, 10/MWh) is available only in hour 0, "dear" (100 MW,
 * 100/MWh) always. Storage: 100 MW, 10 h, efficiency_store 0.9, dispatch 1,
 * initial SoC 0, not cyclic. Hour 0: cheap runs at its 100 MW limit, 50 MW
 * charge -> SoC 45 MWh; hour 1: 45 MW discharge + 5 MW dear. Cost 1000 +
 * 500 = 1500. Price hour 1 = 100; hour 0: one more MW of demand would
 * cost 0.9 MWh of discharge, replaced by dear at 100 -> 90. */
static void test_storage_unit_shift(void **s) {
  (void)s;
  tw_network *n = NULL;
  tw_optimize_result *r = NULL;
  assert_int_equal(tw_network_create(2, &n), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "bus", 1, NULL, NULL), TW_OK);
  double avail[2] = {1, 0}, load[2] = {50, 50};
  add_gen(n, "cheap", "bus", 100, 10, avail);
  add_gen(n, "dear", "bus", 100, 100, NULL);
  add_load(n, "load", "bus", load);
  tw_storage_unit su;
  tw_storage_unit_default(&su);
  su.name = "battery";
  su.bus = 0;
  su.p_nom_MW = 100;
  su.max_hours_h = 10;
  su.efficiency_store = 0.9;
  assert_int_equal(tw_network_add_storage_unit(n, &su, NULL), TW_OK);
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  NEAR(r->objective, 1500, 1e-6);
  NEAR(r->su_state_of_charge[0], 45, 1e-6);
  NEAR(r->su_state_of_charge[1], 0, 1e-6);
  NEAR(r->su_p[0], -50, 1e-6);
  NEAR(r->su_p[1], 45, 1e-6);
  NEAR(r->bus_marginal_price[0], 90, 1e-6);
  NEAR(r->bus_marginal_price[1], 100, 1e-6);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

/* The same shift with a Store with 10 %/h standing loss instead: hour 0
 * charge 50 -> e0 = 50 (the loss applies to the previous level); hour 1
 * e1 = 0.9*50 - p1 = 0 -> p1 = 45 MW; cost 1500, price hour 0 = 90. */
static void test_store_standing_loss(void **s) {
  (void)s;
  tw_network *n = NULL;
  tw_optimize_result *r = NULL;
  assert_int_equal(tw_network_create(2, &n), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "bus", 1, NULL, NULL), TW_OK);
  double avail[2] = {1, 0}, load[2] = {50, 50};
  add_gen(n, "cheap", "bus", 100, 10, avail);
  add_gen(n, "dear", "bus", 100, 100, NULL);
  add_load(n, "load", "bus", load);
  tw_store st;
  tw_store_default(&st);
  st.name = "tank";
  st.bus = 0;
  st.e_nom_MWh = 1000;
  st.standing_loss = 0.1;
  assert_int_equal(tw_network_add_store(n, &st, NULL), TW_OK);
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  NEAR(r->objective, 1500, 1e-6);
  NEAR(r->store_e[0], 50, 1e-6);
  NEAR(r->store_e[1], 0, 1e-6);
  NEAR(r->store_p[0], -50, 1e-6);
  NEAR(r->store_p[1], 45, 1e-6);
  NEAR(r->bus_marginal_price[0], 90, 1e-6);
  tw_optimize_result_destroy(&r);
  /* e_initial = 10 MWh enters hour 0 without the standing loss (PyPSA's
   * convention): e0 = 10 + c, hour 1 needs 0.9*e0 >= 50, so e0 = 500/9,
   * c = 500/9 - 10 and cheap = 50 + c: cost 10*(40 + 500/9) = 8600/9. */
  n->stores[0].e_initial_MWh = 10;
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  NEAR(r->objective, 8600.0 / 9.0, 1e-6);
  NEAR(r->store_e[0], 500.0 / 9.0, 1e-6);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

/* CO2 cap: gas 10/MWh with carrier 0.5 t/MWh_th at efficiency 0.5 (1 t per
 * MWh electric), clean 30/MWh; load 100 MW, cap 40 t. Gas 40, clean 60,
 * cost 2200; relaxing the cap by 1 t saves 30-10 = 20: shadow price 20.
 * The bus price is 30. A link of efficiency 0.5 and capacity 10 from a
 * second bus with free power adds 5 MW: see test_link_efficiency. */
static void test_co2_cap(void **s) {
  (void)s;
  tw_network *n = NULL;
  tw_optimize_result *r = NULL;
  size_t c;
  assert_int_equal(tw_network_create(1, &n), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "bus", 1, NULL, NULL), TW_OK);
  assert_int_equal(tw_network_add_carrier(n, "gas", 0.5, &c), TW_OK);
  size_t gas = add_gen(n, "gas", "bus", 1000, 10, NULL);
  n->generators[gas].carrier = (int)c;
  n->generators[gas].efficiency = 0.5;
  add_gen(n, "clean", "bus", 1000, 30, NULL);
  double load = 100;
  add_load(n, "load", "bus", &load);
  assert_int_equal(tw_network_add_global_constraint(n, "co2", "<=", 40, NULL), TW_OK);
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  NEAR(r->objective, 2200, 1e-6);
  NEAR(r->gc_mu[0], 20, 1e-6);
  NEAR(r->co2_t, 40, 1e-6);
  NEAR(r->bus_marginal_price[0], 30, 1e-6);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

/* Link with efficiency 0.5, p_nom 10, from a bus with a free generator:
 * delivers 5 MW, so the dear generator (50/MWh) covers 15 of 20 MW:
 * cost 750. Price at the far bus 50; at the source bus 0 (free power, not
 * scarce) -- the link is at its limit. An extendable link with capital
 * cost 1/MW instead: each MW of link capacity saves 0.5*50 - 1 = 24, so it
 * grows until the dear generator is idle (p_nom 40): cost 40. */
static void test_link_efficiency(void **s) {
  (void)s;
  tw_network *n = NULL;
  tw_optimize_result *r = NULL;
  assert_int_equal(tw_network_create(1, &n), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "src", 1, NULL, NULL), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "dst", 1, NULL, NULL), TW_OK);
  add_gen(n, "free", "src", 1000, 0, NULL);
  add_gen(n, "dear", "dst", 1000, 50, NULL);
  double load = 20;
  add_load(n, "load", "dst", &load);
  tw_link k;
  tw_link_default(&k);
  k.name = "hvdc";
  k.bus0 = 0;
  k.bus1 = 1;
  k.efficiency = 0.5;
  k.p_nom_MW = 10;
  assert_int_equal(tw_network_add_link(n, &k, NULL), TW_OK);
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  NEAR(r->objective, 750, 1e-6);
  NEAR(r->link_p0[0], 10, 1e-6);
  NEAR(r->link_p1[0], -5, 1e-6);
  NEAR(r->bus_marginal_price[1], 50, 1e-6);
  tw_optimize_result_destroy(&r);
  n->links[0].p_nom_extendable = 1;
  n->links[0].capital_cost = 1;
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  NEAR(r->link_p_nom_opt[0], 40, 1e-6);
  /* PyPSA convention: the existing 10 MW's capex (10) is subtracted */
  NEAR(r->total_cost, 40, 1e-6);
  NEAR(r->objective, 30, 1e-6);
  NEAR(r->objective_constant, 10, 1e-9);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

/* Infeasible: 10 MW of generation for 20 MW of load at snapshot "t1" ->
 * TW_ERR_INFEASIBLE and a diagnosis naming the bus and the snapshot. With
 * load shedding at 1000/MWh: 10 MW shed, price 1000, cost 10*1 + 10*1000. */
static void test_infeasible_and_shedding(void **s) {
  (void)s;
  tw_network *n = NULL;
  tw_optimize_result *r = NULL;
  tw_optimize_params p;
  assert_int_equal(tw_network_create(2, &n), TW_OK);
  assert_int_equal(tw_network_set_snapshot_label(n, 1, "t1"), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "short", 1, NULL, NULL), TW_OK);
  add_gen(n, "small", "short", 10, 1, NULL);
  double load[2] = {5, 20};
  add_load(n, "load", "short", load);
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_ERR_INFEASIBLE);
  assert_non_null(r);
  assert_string_equal(r->status, "infeasible");
  assert_non_null(strstr(r->diagnosis, "bus 'short'"));
  assert_non_null(strstr(r->diagnosis, "snapshot 't1'"));
  assert_non_null(strstr(tw_last_error(), "short"));
  tw_optimize_result_destroy(&r);
  /* PDLP's infeasibility certificate is the verdict (no simplex run), and
   * the diagnosis names the same bus and snapshot */
  tw_optimize_params_default(&p);
  p.solver = TW_SOLVER_PDLP;
  assert_int_equal(tw_optimize_network(n, &p, &r), TW_ERR_INFEASIBLE);
  assert_string_equal(r->status, "infeasible");
  assert_true(r->pdlp_iterations > 0);
  assert_int_equal(r->crossover_iterations, 0);
  assert_non_null(strstr(r->diagnosis, "bus 'short'"));
  assert_non_null(strstr(r->diagnosis, "snapshot 't1'"));
  tw_optimize_result_destroy(&r);
  tw_optimize_params_default(&p);
  p.load_shedding = 1;
  p.value_of_lost_load = 1000;
  assert_int_equal(tw_optimize_network(n, &p, &r), TW_OK);
  NEAR(r->unserved_MWh, 10, 1e-6);
  NEAR(r->bus_shed_MW[1], 10, 1e-6);
  NEAR(r->bus_marginal_price[1], 1000, 1e-6);
  NEAR(r->objective, 5 + 10 + 10000, 1e-6);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

/* A dispatch network over 48 h with storage: rolling with H = 48 equals
 * the monolithic solve; rolling with H = 12, overlap 4 gives the same
 * objective warm-started and cold. */
static tw_network *dispatch_network(size_t T) {
  tw_network *n = NULL;
  assert_int_equal(tw_network_create(T, &n), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "a", 1, NULL, NULL), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "b", 1, NULL, NULL), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "c", 1, NULL, NULL), TW_OK);
  double wind[64], load_b[64], load_c[64];
  for (size_t t = 0; t < T; t++) {
    wind[t] = 0.5 + 0.45 * sin(0.37 * (double)t);
    load_b[t] = 60 + 30 * sin(0.26 * (double)t + 1.0);
    load_c[t] = 40 + 20 * cos(0.26 * (double)t);
  }
  add_gen(n, "wind", "a", 150, 0.5, wind);
  add_gen(n, "gas", "b", 200, 60, NULL);
  add_gen(n, "peak", "c", 100, 120, NULL);
  add_load(n, "lb", "b", load_b);
  add_load(n, "lc", "c", load_c);
  add_line(n, "ab", "a", "b", 0.1, 80);
  add_line(n, "bc", "b", "c", 0.1, 80);
  add_line(n, "ac", "a", "c", 0.2, 40);
  tw_storage_unit su;
  tw_storage_unit_default(&su);
  su.name = "bat";
  su.bus = 0;
  su.p_nom_MW = 40;
  su.max_hours_h = 4;
  su.efficiency_store = su.efficiency_dispatch = 0.95;
  su.standing_loss = 0.001;
  su.state_of_charge_initial_MWh = 20;
  assert_int_equal(tw_network_add_storage_unit(n, &su, NULL), TW_OK);
  return n;
}

static void test_rolling_horizon(void **s) {
  (void)s;
  tw_network *n = dispatch_network(48);
  tw_optimize_result *mono = NULL, *full = NULL, *warm = NULL, *cold = NULL;
  tw_optimize_params p;
  tw_optimize_params_default(&p);
  assert_int_equal(tw_optimize_network(n, &p, &mono), TW_OK);
  p.horizon = 48;
  assert_int_equal(tw_optimize_network(n, &p, &full), TW_OK);
  NEAR(full->objective, mono->objective, 1e-6 * fabs(mono->objective));
  assert_int_equal(full->n_windows, 1);
  p.horizon = 12;
  p.overlap = 4;
  assert_int_equal(tw_optimize_network(n, &p, &warm), TW_OK);
  p.warm_start = 0;
  assert_int_equal(tw_optimize_network(n, &p, &cold), TW_OK);
  assert_int_equal(warm->n_windows, 6);
  NEAR(warm->objective, cold->objective, 1e-6 * fabs(cold->objective));
  /* myopic windows cannot beat perfect foresight */
  assert_true(warm->objective >= mono->objective - 1e-6 * fabs(mono->objective));
  /* SoC is carried over: the balance holds across window boundaries */
  for (size_t t = 1; t < 48; t++) {
    double w = 1.0, keep = pow(1 - 0.001, w);
    double expect = keep * warm->su_state_of_charge[t - 1] +
                    w * (0.95 * warm->su_p_store[t] - warm->su_p_dispatch[t] / 0.95);
    NEAR(warm->su_state_of_charge[t], expect, 1e-6);
  }
  tw_optimize_result_destroy(&mono);
  tw_optimize_result_destroy(&full);
  tw_optimize_result_destroy(&warm);
  tw_optimize_result_destroy(&cold);
  /* rolling windows refuse extendable capacity */
  n->generators[1].p_nom_extendable = 1;
  p.warm_start = 1;
  assert_int_equal(tw_optimize_network(n, &p, &warm), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "extendable"));
  tw_network_destroy(&n);
}

/* Solver options: dual and primal simplex, interior point and presolve reach the
 * same optimum; --write-lp/--write-mps produce files. */
static void test_methods_and_lp_files(void **s) {
  (void)s;
  tw_network *n = dispatch_network(24);
  tw_optimize_result *a = NULL, *b = NULL;
  tw_optimize_params p;
  char lp[256], mps[256];
  snprintf(lp, sizeof lp, "/tmp/tw_opt_unit_%d.lp", (int)getpid());
  snprintf(mps, sizeof mps, "/tmp/tw_opt_unit_%d.mps", (int)getpid());
  tw_optimize_params_default(&p);
  assert_int_equal(tw_optimize_network(n, &p, &a), TW_OK);
  tw_lp_method methods[3] = {TW_LP_DUAL, TW_LP_PRIMAL, TW_LP_INTERIOR};
  for (int m = 0; m < 3; m++) {
    tw_optimize_params_default(&p);
    p.method = methods[m];
    p.presolve = 1;
    p.write_lp = lp;
    p.write_mps = mps;
    assert_int_equal(tw_optimize_network(n, &p, &b), TW_OK);
    NEAR(b->objective, a->objective, 1e-6 * fabs(a->objective));
    tw_optimize_result_destroy(&b);
  }
  FILE *f = fopen(lp, "r");
  assert_non_null(f);
  fclose(f);
  f = fopen(mps, "r");
  assert_non_null(f);
  fclose(f);
  remove(lp);
  remove(mps);
  tw_optimize_result_destroy(&a);
  tw_network_destroy(&n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_bus_congestion),   cmocka_unit_test(test_triangle_kvl_prices),
      cmocka_unit_test(test_transformer_and_dc_kvl),
      cmocka_unit_test(test_storage_unit_shift),   cmocka_unit_test(test_store_standing_loss),
      cmocka_unit_test(test_co2_cap),              cmocka_unit_test(test_link_efficiency),
      cmocka_unit_test(test_infeasible_and_shedding), cmocka_unit_test(test_rolling_horizon),
      cmocka_unit_test(test_methods_and_lp_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
