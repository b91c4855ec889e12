/* A scenario's `remove:` takes a unit out completely: a generator with ramp
 * limits, a dispatch before the first snapshot and a fixed dispatch must
 * leave the LP feasible once removed (before, the ramp limit from p_init
 * forced the capacity-0 unit to run: infeasible).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "scenario/variant.h"
#include "terrawatt/network.h"
#include "terrawatt/optimize.h"
#include "terrawatt/scenario.h"

/* One bus, 3 h of 50 MW demand, a cheap ramp-limited gas unit that ran at
 * 100 MW before the first snapshot and a dear backup. */
static tw_network *small_network(void) {
  tw_network *net = NULL;
  assert_int_equal(tw_network_create(3, &net), TW_OK);
  size_t bus = 0;
  assert_int_equal(tw_network_add_bus(net, "A", 380, NULL, &bus), TW_OK);
  tw_load ld;
  tw_load_default(&ld);
  ld.name = "demand";
  ld.bus = 0;
  ld.p_set_MW = 50;
  assert_int_equal(tw_network_add_load(net, &ld, NULL), TW_OK);
  tw_generator g;
  tw_generator_default(&g);
  g.name = "gas";
  g.bus = 0;
  g.p_nom_MW = 100;
  g.marginal_cost = 10;
  g.ramp_limit_down = 0.1; /* 10 MW per hour from p_init 100 MW */
  g.p_init_MW = 100;
  assert_int_equal(tw_network_add_generator(net, &g, NULL), TW_OK);
  tw_generator_default(&g);
  g.name = "backup";
  g.bus = 0;
  g.p_nom_MW = 100;
  g.marginal_cost = 100;
  assert_int_equal(tw_network_add_generator(net, &g, NULL), TW_OK);
  return net;
}

static void test_removed_unit_is_free_of_ramps(void **state) {
  (void)state;
  tw_network *net = small_network();
  tw_scenario_file s;
  tw_scenario_variant v;
  tw_remove_rule rule = {NULL, (char *)"gas"};
  memset(&s, 0, sizeof s);
  memset(&v, 0, sizeof v);
  v.name = (char *)"no-gas";
  v.remove = &rule;
  v.remove_count = 1;
  v.demand_scale = v.demand_growth = 1; /* the file's defaults (apply_defaults) */
  assert_int_equal(tw_variant_apply(&s, &v, NULL, NULL, net, NULL), TW_OK);
  const tw_generator *gas = &net->generators[0];
  assert_true(gas->p_nom_MW == 0);
  assert_true(isnan(gas->ramp_limit_down) && isnan(gas->ramp_limit_up));
  assert_true(isnan(gas->p_init_MW) && isnan(gas->p_set_MW));

  tw_optimize_params p;
  tw_optimize_params_default(&p);
  tw_optimize_result *r = NULL;
  assert_int_equal(tw_optimize_network(net, &p, &r), TW_OK);
  /* 3 h x 50 MW from the backup at 100/MWh */
  assert_true(fabs(r->objective - 15000.0) < 1e-6);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&net);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_removed_unit_is_free_of_ramps)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
