/* The network API and the PyPSA readers: defaults, errors for bad input
 * and for unsupported features.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "terrawatt/network.h"

static char g_dir[256];

static void write_file(const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void fresh_dir(void) {
  char cmd[600];
  snprintf(g_dir, sizeof g_dir, "/tmp/tw_opt_net_%d", (int)getpid());
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", g_dir, g_dir);
  assert_int_equal(system(cmd), 0);
  write_file("snapshots.csv", "snapshot,objective,stores,generators\n"
                              "2020-01-01 00:00:00,1,1,1\n2020-01-01 01:00:00,2,2,2\n");
  write_file("buses.csv", "name,v_nom\nA,380\nB,380\n");
  write_file("loads.csv", "name,bus,p_set\nL,B,50\n");
  write_file("lines.csv", "name,bus0,bus1,x,s_nom\nAB,A,B,0.1,100\n");
}

static void cleanup_dir(void) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
  assert_int_equal(system(cmd), 0);
}

static void test_api(void **s) {
  (void)s;
  tw_network *n = NULL;
  assert_int_equal(tw_network_create(0, &n), TW_ERR_INPUT);
  assert_int_equal(tw_network_create(3, &n), TW_OK);
  assert_string_equal(n->snapshots[2], "2");
  assert_true(n->weight_objective[1] == 1.0);
  assert_int_equal(tw_network_add_bus(n, "x", 110, NULL, NULL), TW_OK);
  assert_string_equal(n->buses[0].carrier, "AC");
  assert_int_equal(tw_network_add_bus(n, "x", 110, NULL, NULL), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "'x' defined twice"));
  assert_int_equal(tw_network_find_bus(n, "x"), 0);
  assert_int_equal(tw_network_find_bus(n, "nope"), -1);
  tw_generator g;
  tw_generator_default(&g);
  /* defaults from PyPSA's attribute table */
  assert_true(g.p_max_pu == 1.0 && g.p_min_pu == 0.0 && g.efficiency == 1.0 && g.sign == 1.0);
  assert_true(isinf(g.p_nom_max_MW));
  g.name = "g";
  g.bus = 5;
  assert_int_equal(tw_network_add_generator(n, &g, NULL), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "generator 'g'"));
  g.bus = 0;
  size_t idx = 99;
  assert_int_equal(tw_network_add_generator(n, &g, &idx), TW_OK);
  assert_int_equal(idx, 0);
  double cf[3] = {0.1, 0.5, 0.9}, bad[3] = {0.1, NAN, 0.2};
  assert_int_equal(tw_network_generator_set_p_max_pu_series(n, 0, cf), TW_OK);
  cf[1] = 7; /* copied */
  assert_true(n->generators[0].p_max_pu_t[1] == 0.5);
  assert_int_equal(tw_network_generator_set_p_max_pu_series(n, 0, bad), TW_ERR_INPUT);
  assert_int_equal(tw_network_generator_set_p_max_pu_series(n, 4, cf), TW_ERR_INPUT);
  assert_int_equal(tw_network_generator_set_p_max_pu_series(n, 0, NULL), TW_OK);
  assert_null(n->generators[0].p_max_pu_t);
  tw_storage_unit su;
  tw_storage_unit_default(&su);
  assert_true(su.p_min_pu == -1.0 && su.max_hours_h == 1.0);
  tw_store st;
  tw_store_default(&st);
  st.name = "s";
  st.bus = 0;
  assert_int_equal(tw_network_add_store(n, &st, NULL), TW_OK);
  assert_int_equal(tw_network_add_global_constraint(n, "co2", "<", 1, NULL), TW_ERR_INPUT);
  assert_int_equal(tw_network_validate(n, "api"), TW_OK);
  n->generators[0].efficiency = 0;
  assert_int_equal(tw_network_validate(n, "api"), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "efficiency"));
  tw_network_destroy(&n);
  assert_null(n);
  tw_network_destroy(&n); /* NULL-safe */
}

static void test_csv_defaults_and_series(void **s) {
  (void)s;
  tw_network *n = NULL;
  fresh_dir();
  write_file("generators.csv", "name,bus,p_nom,marginal_cost,unknown_attr\nG,A,100,10,3\n");
  write_file("generators-p_max_pu.csv", "snapshot,G\n2020-01-01 00:00:00,0.5\n2020-01-01 01:00:00,1\n");
  write_file("storage_units-state_of_charge_set.csv",
             "snapshot,S\n2020-01-01 00:00:00,\n2020-01-01 01:00:00,4\n");
  write_file("storage_units.csv", "name,bus,p_nom,cyclic_state_of_charge\nS,A,10,True\n");
  assert_int_equal(tw_network_read(g_dir, &n), TW_OK);
  assert_int_equal(n->n_snapshots, 2);
  assert_true(n->weight_objective[1] == 2.0);
  assert_string_equal(n->snapshots[1], "2020-01-01 01:00:00");
  assert_true(n->generators[0].p_max_pu_t[0] == 0.5);
  assert_true(n->generators[0].p_max_pu_t[1] == 1.0);
  /* an empty state_of_charge_set cell means "free" (default NaN) */
  assert_true(isnan(n->storage_units[0].state_of_charge_set_t[0]));
  assert_true(n->storage_units[0].state_of_charge_set_t[1] == 4.0);
  assert_true(n->storage_units[0].p_min_pu == -1.0);
  assert_true(n->storage_units[0].cyclic_state_of_charge == 1);
  assert_true(n->storage_units[0].efficiency_dispatch == 1.0);
  assert_true(n->loads[0].p_set_MW == 50.0);
  tw_network_destroy(&n);
  cleanup_dir();
}

static void expect_error(const char *file, const char *text, const char *needle) {
  tw_network *n = NULL;
  fresh_dir();
  write_file(file, text);
  tw_status st = tw_network_read(g_dir, &n);
  if (st != TW_ERR_INPUT) fail_msg("%s: expected an input error, got %d", file, (int)st);
  if (!strstr(tw_last_error(), needle))
    fail_msg("message '%s' lacks '%s'", tw_last_error(), needle);
  assert_null(n);
  cleanup_dir();
}

static void test_csv_errors(void **s) {
  (void)s;
  expect_error("generators.csv", "name,bus,p_nom,committable\nG,A,100,True\n", "committable");
  expect_error("generators.csv", "name,bus,p_nom\nG,Nowhere,100\n", "'Nowhere' is not a bus");
  expect_error("generators.csv", "name,bus,p_nom\nG,A,lots\n", "'p_nom' = 'lots'");
  expect_error("investment_periods.csv", "period,objective,years\n2030,1,10\n", "investment periods");
  expect_error("links.csv", "name,bus0,bus1,bus2,p_nom\nK,A,B,A,10\n", "multi-port");
  expect_error("global_constraints.csv",
               "name,type,sense,constant\nc,transmission_volume_expansion_limit,<=,1\n",
               "not supported");
  expect_error("generators.csv", "name,bus,p_nom,marginal_cost_quadratic\nG,A,100,0.5\n",
               "GLPK solves linear programs only");
  expect_error("generators-p_max_pu.csv", "snapshot,G\n2020-01-01 00:00:00,0.5\n", "1 rows");
  expect_error("generators-p_max_pu.csv", "snapshot,G\n2020-01-01 00:00:00,0.5\n2020-01-01 01:00:00,\n",
               "not a number");
  expect_error("lines.csv", "name,bus0,bus1,x,s_nom\nAB,A,B,0.1,\"100\n", "unterminated");
}

static void test_missing_and_corrupt(void **s) {
  (void)s;
  tw_network *n = NULL;
  assert_int_equal(tw_network_read("/nonexistent/net.nc", &n), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "/nonexistent/net.nc"));
  fresh_dir();
  write_file("fake.nc", "this is not netcdf");
  char path[512];
  snprintf(path, sizeof path, "%s/fake.nc", g_dir);
  assert_int_equal(tw_network_read(path, &n), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "fake.nc"));
  assert_null(n);
  cleanup_dir();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_api),
      cmocka_unit_test(test_csv_defaults_and_series),
      cmocka_unit_test(test_csv_errors),
      cmocka_unit_test(test_missing_and_corrupt),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
