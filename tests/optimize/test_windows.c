/* Parallel windows (docs/OPTIMIZE.md "Parallel windows"): the coarse pass's
 * network (tw_network_coarsen), the windows' stitched objective against the
 * monolithic optimum on a small two-bus network with a cyclic storage unit
 * and a non-cyclic store over a week, and the refusals. The MPI spread
 * (-np 1 and -np 2 identical) is tests/optimize/parallel_windows.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/lp.h"
#include "terrawatt/network.h"
#include "terrawatt/optimize.h"

#define T 168
#define PI 3.14159265358979323846

/* cmocka's float assertion is single precision */
#define assert_near(a, b, eps)                                                              \
  do {                                                                                      \
    double a_ = (a), b_ = (b);                                                              \
    if (!(fabs(a_ - b_) <= (eps))) fail_msg("%.17g != %.17g (+- %g)", a_, b_, (double)(eps)); \
  } while (0)

/* Sun with a cloudy mid-week, a daily demand cycle with an evening peak. */
static tw_network *week_network(int extendable) {
  tw_network *n = NULL;
  assert_int_equal(tw_network_create(T, &n), TW_OK);
  size_t b0, b1;
  assert_int_equal(tw_network_add_bus(n, "north", 110, "AC", &b0), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "south", 110, "AC", &b1), TW_OK);
  double pv[T], dn[T], ds[T];
  for (int t = 0; t < T; t++) {
    int h = t % 24, d = t / 24;
    double sun = h >= 6 && h <= 18 ? sin(PI * (h - 6) / 12.0) : 0.0;
    if (sun < 1e-9) sun = 0; /* sin(pi) is 1.2e-16, not 0 */
    pv[t] = sun * (d == 2 || d == 3 ? 0.3 : 1.0);
    dn[t] = 30 + 10 * sin(2 * PI * (h - 8) / 24.0);
    ds[t] = 40 + (h >= 17 && h <= 21 ? 35 : 0);
  }
  tw_generator g;
  tw_generator_default(&g);
  g.name = "solar";
  g.bus = (int)b0;
  g.p_nom_MW = 150;
  g.p_max_pu_t = pv;
  g.p_nom_extendable = extendable;
  g.capital_cost = extendable ? 1000 : 0;
  assert_int_equal(tw_network_add_generator(n, &g, NULL), TW_OK);
  tw_generator_default(&g);
  g.name = "gas";
  g.bus = (int)b1;
  g.p_nom_MW = 60;
  g.marginal_cost = 50;
  assert_int_equal(tw_network_add_generator(n, &g, NULL), TW_OK);
  tw_generator_default(&g);
  g.name = "peaker";
  g.bus = (int)b1;
  g.p_nom_MW = 100;
  g.marginal_cost = 150;
  assert_int_equal(tw_network_add_generator(n, &g, NULL), TW_OK);
  tw_load l;
  tw_load_default(&l);
  l.name = "town-north";
  l.bus = (int)b0;
  l.p_set_t = dn;
  assert_int_equal(tw_network_add_load(n, &l, NULL), TW_OK);
  l.name = "town-south";
  l.bus = (int)b1;
  l.p_set_t = ds;
  assert_int_equal(tw_network_add_load(n, &l, NULL), TW_OK);
  tw_branch br;
  tw_line_default(&br);
  br.name = "tie";
  br.bus0 = (int)b0;
  br.bus1 = (int)b1;
  br.x = 10;
  br.s_nom_MVA = 80;
  assert_int_equal(tw_network_add_line(n, &br, NULL), TW_OK);
  tw_storage_unit su;
  tw_storage_unit_default(&su);
  su.name = "battery";
  su.bus = (int)b1;
  su.p_nom_MW = 40;
  su.max_hours_h = 6;
  su.efficiency_store = su.efficiency_dispatch = 0.92;
  su.standing_loss = 0.001;
  su.cyclic_state_of_charge = 1;
  assert_int_equal(tw_network_add_storage_unit(n, &su, NULL), TW_OK);
  tw_store s;
  tw_store_default(&s);
  s.name = "tank";
  s.bus = (int)b0;
  s.e_nom_MWh = 400;
  s.e_initial_MWh = 150;
  s.marginal_cost = 1;
  assert_int_equal(tw_network_add_store(n, &s, NULL), TW_OK);
  return n;
}

static void test_coarsen(void **state) {
  (void)state;
  tw_network *n = week_network(0), *c = NULL;
  assert_int_equal(tw_network_coarsen(n, 24, &c), TW_OK);
  assert_int_equal(c->n_snapshots, 7);
  for (size_t j = 0; j < 7; j++) {
    assert_near(c->weight_objective[j], 24.0, 0);
    assert_near(c->weight_stores[j], 24.0, 0);
    assert_string_equal(c->snapshots[j], n->snapshots[24 * j]);
    double mean = 0;
    for (size_t t = 24 * j; t < 24 * j + 24; t++) mean += n->generators[0].p_max_pu_t[t];
    assert_near(c->generators[0].p_max_pu_t[j], mean / 24, 1e-12);
  }
  tw_network_destroy(&c);
  /* a shorter last block: 168 = 5 * 30 + 18 */
  assert_int_equal(tw_network_coarsen(n, 30, &c), TW_OK);
  assert_int_equal(c->n_snapshots, 6);
  assert_near(c->weight_generators[5], 18.0, 0);
  double mean = 0;
  for (size_t t = 150; t < 168; t++) mean += n->loads[1].p_set_t[t];
  assert_near(c->loads[1].p_set_t[5], mean / 18, 1e-12);
  tw_network_destroy(&c);
  tw_network_destroy(&n);
}

static double monolithic(const tw_network *n) {
  tw_optimize_result *r = NULL;
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  double obj = r->objective;
  tw_optimize_result_destroy(&r);
  return obj;
}

static void test_windows_gap(void **state) {
  (void)state;
  tw_network *n = week_network(0);
  double mono = monolithic(n);
  size_t H[] = {24, 48, 72};
  for (size_t i = 0; i < 3; i++) {
    tw_optimize_params p;
    tw_optimize_params_default(&p);
    p.window_parallel = H[i];
    p.window_monolithic = 1;
    tw_optimize_result *r = NULL;
    assert_int_equal(tw_optimize_network(n, &p, &r), TW_OK);
    assert_string_equal(r->status, "optimal");
    assert_int_equal(r->n_windows, (T + H[i] - 1) / H[i]);
    assert_int_equal(r->windows_relaxed, 0);
    assert_near(r->monolithic_objective, mono, 1e-9 * fabs(mono));
    /* the stitched schedule is feasible for the whole week: never below the
     * optimum; the coarse pass's levels keep it close */
    double gap = (r->objective - mono) / fabs(mono);
    printf("windows of %zu h: objective %.10g, monolithic %.10g, gap %.3g%%, coarse %.10g\n", H[i],
           r->objective, mono, 100 * gap, r->coarse_objective);
    assert_near(r->window_gap_rel, gap, 1e-12);
    assert_true(gap > -1e-9);
    assert_true(gap < 0.05);
    /* storage continuity at every boundary and the cyclic battery */
    for (size_t t = 1; t < T; t++) {
      double keep = pow(1 - 0.001, 1.0);
      double prev = r->su_state_of_charge[t - 1];
      double exp = keep * prev + 0.92 * r->su_p_store[t] - r->su_p_dispatch[t] / 0.92;
      assert_near(r->su_state_of_charge[t], exp, 1e-6);
      assert_near(r->store_e[t], r->store_e[t - 1] - r->store_p[t], 1e-6);
    }
    double exp0 = (1 - 0.001) * r->su_state_of_charge[T - 1] + 0.92 * r->su_p_store[0] -
                  r->su_p_dispatch[0] / 0.92;
    assert_near(r->su_state_of_charge[0], exp0, 1e-6);
    assert_near(r->store_e[0], 150 - r->store_p[0], 1e-6);
    tw_optimize_result_destroy(&r);
  }
  tw_network_destroy(&n);
}

static void test_windows_refused(void **state) {
  (void)state;
  tw_network *n = week_network(1);
  tw_optimize_params p;
  tw_optimize_params_default(&p);
  p.window_parallel = 24;
  tw_optimize_result *r = NULL;
  assert_int_equal(tw_optimize_network(n, &p, &r), TW_ERR_INPUT);
  assert_null(r);
  assert_non_null(strstr(tw_last_error(), "extendable capacities: generator 'solar'"));
  tw_network_destroy(&n);
  n = week_network(0);
  p.window_parallel = 36; /* not a multiple of the coarse step */
  assert_int_equal(tw_optimize_network(n, &p, &r), TW_ERR_INPUT);
  n->generators[1].ramp_limit_up = 0.5;
  p.window_parallel = 48;
  assert_int_equal(tw_optimize_network(n, &p, &r), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "ramp limits: generator 'gas'"));
  tw_network_destroy(&n);
}

/* docs/OPTIMIZE.md "Formulation measured": a capacity limit whose factor is
 * 0 (p_min_pu 0; p_max_pu 0 at night) is a column bound, never a row holding
 * one column; the other limits stay rows. */
static void test_capacity_bounds_on_columns(void **state) {
  (void)state;
  tw_network *n = week_network(1); /* extendable solar */
  tw_optimize_params p;
  tw_optimize_params_default(&p);
  tw_cycles cyc;
  tw_lp lp;
  tw_lp_map m;
  assert_int_equal(tw_cycles_compute(n, &cyc), TW_OK);
  assert_int_equal(tw_lp_build(n, &cyc, &p, 0, T, NULL, 0, &lp, &m), TW_OK);
  size_t *per_row = calloc(lp.nrows + 1, sizeof *per_row);
  assert_non_null(per_row);
  for (size_t k = 0; k < lp.nnz; k++)
    if (lp.ar[k] != 0) per_row[lp.ia[k]]++;
  for (size_t r = 0; r < lp.nrows; r++)
    if (per_row[r] == 1) fail_msg("row %zu holds one column only", r);
  size_t night = 0, day = 0;
  for (size_t t = 0; t < T; t++) {
    size_t c = tw_lp_col(&m, t, m.off_gen + 0);
    assert_near(lp.c_lb[c], 0.0, 0); /* p_min_pu 0 */
    if (n->generators[0].p_max_pu_t[t] == 0) {
      assert_near(lp.c_ub[c], 0.0, 0);
      night++;
    } else {
      assert_true(isinf(lp.c_ub[c])); /* p <= p_max_pu p_nom stays a row */
      day++;
    }
  }
  assert_true(night > 0 && day > 0);
  /* rows: balance (2 buses) + storage (2) + the daytime upper limits */
  assert_int_equal(lp.nrows, T * 4 + day);
  free(per_row);
  tw_lp_free(&lp);
  tw_lp_map_free(&m);
  tw_cycles_free(&cyc);
  /* and the optimum is the one PyPSA's formulation gives: solving works */
  tw_optimize_result *r = NULL;
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  for (size_t t = 0; t < T; t++)
    if (n->generators[0].p_max_pu_t[t] == 0) assert_near(r->gen_p[t * 3], 0.0, 1e-9);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_coarsen),
      cmocka_unit_test(test_windows_gap),
      cmocka_unit_test(test_windows_refused),
      cmocka_unit_test(test_capacity_bounds_on_columns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
