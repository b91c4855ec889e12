/* tw_solution_check_run: an optimal solution passes; a solution with a
 * perturbed dispatch, a broken bound or a NaN fails and says where.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/optimize.h"
#include "terrawatt/solution_check.h"

/* Two buses, a 30 MW line; A: 100 MW at 10/MWh, B: 100 MW at 50/MWh and a
 * 50 MW battery; loads 80 and 20 MW at B over two snapshots. */
static tw_network *two_bus(void) {
  tw_network *n = NULL;
  assert_int_equal(tw_network_create(2, &n), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "A", 380, "AC", NULL), TW_OK);
  assert_int_equal(tw_network_add_bus(n, "B", 380, "AC", NULL), TW_OK);
  const char *names[2] = {"cheap", "dear"};
  double cost[2] = {10, 50};
  for (int i = 0; i < 2; i++) {
    tw_generator g;
    tw_generator_default(&g);
    g.name = (char *)names[i];
    g.bus = i;
    g.p_nom_MW = 100;
    g.marginal_cost = cost[i];
    assert_int_equal(tw_network_add_generator(n, &g, NULL), TW_OK);
  }
  tw_load l;
  tw_load_default(&l);
  double p_set[2] = {80, 20};
  l.name = "load";
  l.bus = 1;
  l.p_set_t = p_set;
  assert_int_equal(tw_network_add_load(n, &l, NULL), TW_OK);
  tw_branch b;
  tw_line_default(&b);
  b.name = "AB";
  b.bus0 = 0;
  b.bus1 = 1;
  b.x = 0.1;
  b.s_nom_MVA = 30;
  assert_int_equal(tw_network_add_line(n, &b, NULL), TW_OK);
  tw_storage_unit su;
  tw_storage_unit_default(&su);
  su.name = "battery";
  su.bus = 1;
  su.p_nom_MW = 50;
  su.max_hours_h = 2;
  assert_int_equal(tw_network_add_storage_unit(n, &su, NULL), TW_OK);
  return n;
}

static void test_optimal_passes(void **state) {
  (void)state;
  tw_network *n = two_bus();
  tw_optimize_result *r = NULL;
  tw_solution_check c;
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  assert_int_equal(tw_solution_check_run(n, r, 0, &c), TW_OK);
  assert_true(c.ok);
  assert_true(c.max_balance_residual_MW < 1e-6);
  assert_true(c.max_bound_violation < 1e-6);
  assert_int_equal(c.n_nonfinite, 0);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

static void test_perturbed_dispatch_fails(void **state) {
  (void)state;
  tw_network *n = two_bus();
  tw_optimize_result *r = NULL;
  tw_solution_check c;
  char text[512];
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  /* 7 MW more from "dear" (bus B) at snapshot 1: B is off balance by 7. */
  r->gen_p[1 * 2 + 1] += 7.0;
  assert_int_equal(tw_solution_check_run(n, r, 0, &c), TW_OK);
  assert_false(c.ok);
  assert_true(fabs(c.max_balance_residual_MW - 7.0) < 1e-6);
  assert_int_equal(c.balance_bus, 1);
  assert_int_equal(c.balance_snapshot, 1);
  tw_solution_check_describe(&c, n, text, sizeof text);
  assert_non_null(strstr(text, "bus 'B'"));
  assert_non_null(strstr(text, "FAILED"));
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

static void test_bound_violation_fails(void **state) {
  (void)state;
  tw_network *n = two_bus();
  tw_optimize_result *r = NULL;
  tw_solution_check c;
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  /* The line carries 5 MW over its 30 MW rating at snapshot 0. */
  r->line_p0[0] = 35.0;
  r->line_p1[0] = -35.0;
  assert_int_equal(tw_solution_check_run(n, r, 0, &c), TW_OK);
  assert_false(c.ok);
  assert_true(fabs(c.max_bound_violation - 5.0) < 1e-9);
  assert_non_null(strstr(c.bound_where, "line 'AB': p0"));
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

static void test_nan_fails(void **state) {
  (void)state;
  tw_network *n = two_bus();
  tw_optimize_result *r = NULL;
  tw_solution_check c;
  assert_int_equal(tw_optimize_network(n, NULL, &r), TW_OK);
  r->su_state_of_charge[0] = NAN;
  assert_int_equal(tw_solution_check_run(n, r, 0, &c), TW_OK);
  assert_false(c.ok);
  assert_int_equal(c.n_nonfinite, 1);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_optimal_passes),
      cmocka_unit_test(test_perturbed_dispatch_fails),
      cmocka_unit_test(test_bound_violation_fails),
      cmocka_unit_test(test_nan_fails),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
