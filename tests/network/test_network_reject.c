/* Every silent data loss of issue 12 is an input error (exit 2 from the
 * CLI) that names the file and the field: series columns naming no
 * component or appearing twice, series matched by label, NaN/Inf in CSV and
 * NetCDF series, vanishing impedances, negative capacity, efficiencies
 * above 1, attributes set away from their default that terrawatt does not
 * model, unknown standard types.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "terrawatt/network.h"
#include "terrawatt/optimize.h"
#include "test_util.h"

/* Two buses, a generator, a load with a series, a line. */
static void base_network(void) {
  empty_dir("reject");
  write_file("snapshots.csv", "snapshot\n2020-01-01 00:00:00\n2020-01-01 01:00:00\n");
  write_file("buses.csv", "name,v_nom\nA,380\nB,380\n");
  write_file("generators.csv", "name,bus,p_nom,marginal_cost\nG,A,100,10\n");
  write_file("loads.csv", "name,bus\ncity,B\n");
  write_file("loads-p_set.csv", "snapshot,city\n2020-01-01 00:00:00,40\n2020-01-01 01:00:00,60\n");
  write_file("lines.csv", "name,bus0,bus1,x,s_nom\nAB,A,B,10,100\n");
}

/* Overwrite `file` in the base network and expect an input error whose
 * message holds every needle. */
static void expect_reject(const char *file, const char *text, const char *n1, const char *n2,
                          const char *n3) {
  tw_network *n = NULL;
  base_network();
  write_file(file, text);
  tw_status st = tw_network_read(g_dir, &n);
  if (st != TW_ERR_INPUT) fail_msg("%s: expected an input error, got %d", file, (int)st);
  const char *needles[3] = {n1, n2, n3};
  for (int k = 0; k < 3; k++)
    if (needles[k] && !strstr(tw_last_error(), needles[k]))
      fail_msg("%s: message '%s' lacks '%s'", file, tw_last_error(), needles[k]);
  assert_null(n);
  cleanup_dir();
}

static void test_base_reads(void **s) {
  (void)s;
  tw_network *n = NULL;
  base_network();
  assert_int_equal(tw_network_read(g_dir, &n), TW_OK);
  assert_true(n->loads[0].p_set_t[1] == 60.0);
  tw_network_destroy(&n);
  cleanup_dir();
}

static void test_series_columns(void **s) {
  (void)s;
  /* a typo in a load column dropped a city's demand (exit 0 before) */
  expect_reject("loads-p_set.csv", "snapshot,cty\n2020-01-01 00:00:00,40\n2020-01-01 01:00:00,60\n",
                "loads-p_set.csv", "'cty'", "names no load");
  expect_reject("loads-p_set.csv",
                "snapshot,city,city\n2020-01-01 00:00:00,40,1\n2020-01-01 01:00:00,60,2\n",
                "loads-p_set.csv", "'city'", "twice");
}

static void test_series_labels(void **s) {
  (void)s;
  /* a reversed CSV solved (rows were matched by position) */
  expect_reject("loads-p_set.csv", "snapshot,city\n2020-01-01 01:00:00,60\n2020-01-01 00:00:00,40\n",
                "loads-p_set.csv", "snapshot '2020-01-01 01:00:00'", "2020-01-01 00:00:00");
}

static void test_series_values(void **s) {
  (void)s;
  expect_reject("loads-p_set.csv", "snapshot,city\n2020-01-01 00:00:00,40\n2020-01-01 01:00:00,\n",
                "loads-p_set.csv", "city", "not a number");
  expect_reject("loads-p_set.csv", "snapshot,city\n2020-01-01 00:00:00,inf\n2020-01-01 01:00:00,1\n",
                "loads-p_set.csv", "'city'", "2020-01-01 00:00:00");
}

/* NaN in a NetCDF network's series was silently replaced by the static
 * value; now it is an error naming the file, the component and the
 * snapshot. The file is written by terrawatt's own writer. */
static void test_netcdf_nan(void **s) {
  (void)s;
  tw_network *n = NULL, *back = NULL;
  base_network();
  assert_int_equal(tw_network_read(g_dir, &n), TW_OK);
  n->loads[0].p_set_t[1] = NAN;
  char path[512];
  snprintf(path, sizeof path, "%s/nan.nc", g_dir);
  assert_int_equal(tw_network_write_netcdf(n, NULL, path), TW_OK);
  assert_int_equal(tw_network_read(path, &back), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "nan.nc"));
  assert_non_null(strstr(tw_last_error(), "loads_t_p_set"));
  assert_non_null(strstr(tw_last_error(), "'city'"));
  assert_non_null(strstr(tw_last_error(), "2020-01-01 01:00:00"));
  n->loads[0].p_set_t[1] = INFINITY;
  assert_int_equal(tw_network_write_netcdf(n, NULL, path), TW_OK);
  assert_int_equal(tw_network_read(path, &back), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "'city'"));
  tw_network_destroy(&n);
  cleanup_dir();
}

static void test_physics(void **s) {
  (void)s;
  expect_reject("lines.csv", "name,bus0,bus1,x,s_nom\nAB,A,B,0,100\n", "line 'AB'", "x = 0", "1e-9");
  expect_reject("lines.csv", "name,bus0,bus1,x,s_nom\nAB,A,B,1e-12,100\n", "line 'AB'", "x = 1e-12",
                NULL);
  expect_reject("lines.csv", "name,bus0,bus1,x,s_nom\nAB,A,B,nan,100\n", "line 'AB'", "x", NULL);
  expect_reject("lines.csv", "name,bus0,bus1,x,s_nom\nAB,A,B,10,-5\n", "line 'AB'", "s_nom", "-5");
  expect_reject("transformers.csv", "name,bus0,bus1,x,s_nom\nT,A,B,0,100\n", "transformer 'T'",
                "x = 0", NULL);
  /* on DC buses r enters Kirchhoff's law */
  expect_reject("buses.csv", "name,v_nom,carrier\nA,380,DC\nB,380,DC\n", "line 'AB'", "r = 0", "DC");
  expect_reject("generators.csv", "name,bus,p_nom,efficiency\nG,A,100,1.2\n", "generator 'G'",
                "efficiency = 1.2", NULL);
  expect_reject("storage_units.csv", "name,bus,p_nom,efficiency_store\nS,A,10,1.1\n",
                "storage unit 'S'", "efficiency_store = 1.1", NULL);
}

static void test_series_physics(void **s) {
  (void)s;
  tw_network *n = NULL;
  base_network();
  write_file("storage_units.csv", "name,bus,p_nom\nS,A,10\n");
  write_file("storage_units-efficiency_dispatch.csv",
             "snapshot,S\n2020-01-01 00:00:00,0.9\n2020-01-01 01:00:00,1.3\n");
  assert_int_equal(tw_network_read(g_dir, &n), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "efficiency_dispatch = 1.3 at snapshot '2020-01-01 01:00:00'"));
  cleanup_dir();
}

static void test_refused_attributes(void **s) {
  (void)s;
  expect_reject("generators.csv", "name,bus,p_nom,marginal_cost_quadratic\nG,A,100,0.01\n",
                "generator 'G'", "marginal_cost_quadratic", "GLPK solves linear programs only");
  expect_reject("generators.csv", "name,bus,p_nom,e_sum_max\nG,A,100,500\n", "generator 'G'",
                "e_sum_max", "not modelled");
  expect_reject("generators.csv", "name,bus,p_nom,p_nom_mod\nG,A,100,50\n", "p_nom_mod", "integer",
                NULL);
  expect_reject("generators.csv", "name,bus,p_nom,active\nG,A,100,False\n", "active", NULL, NULL);
  expect_reject("lines.csv", "name,bus0,bus1,x,s_nom,v_ang_max\nAB,A,B,10,100,30\n", "line 'AB'",
                "v_ang_max", NULL);
  expect_reject("links.csv", "name,bus0,bus1,p_nom,delay\nK,A,B,10,2\n", "link 'K'", "delay", NULL);
  expect_reject("transformers.csv",
                "name,bus0,bus1,x,s_nom,phase_shift_max\nT,A,B,0.1,100,30\n", "phase_shift_max",
                "optimised phase shifts", NULL);
  /* a refused attribute given as a series: file, component and snapshot */
  base_network();
  write_file("generators-marginal_cost_quadratic.csv",
             "snapshot,G\n2020-01-01 00:00:00,0\n2020-01-01 01:00:00,5\n");
  tw_network *n = NULL;
  assert_int_equal(tw_network_read(g_dir, &n), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "generators-marginal_cost_quadratic.csv"));
  assert_non_null(strstr(tw_last_error(),
                         "generator 'G': marginal_cost_quadratic = 5 at snapshot '2020-01-01 01:00:00'"));
  cleanup_dir();
  /* ignored attributes (no effect on a linear OPF) load */
  base_network();
  write_file("generators.csv", "name,bus,p_nom,control,q_set,build_year\nG,A,100,PV,5,2020\n");
  assert_int_equal(tw_network_read(g_dir, &n), TW_OK);
  tw_network_destroy(&n);
  cleanup_dir();
}

static void test_standard_type_unknown(void **s) {
  (void)s;
  expect_reject("lines.csv", "name,bus0,bus1,type,length,s_nom\nAB,A,B,Al/St 999,10,100\n",
                "line 'AB'", "type 'Al/St 999'", "standard line types");
}

static void test_duplicate_component(void **s) {
  (void)s;
  expect_reject("generators.csv", "name,bus,p_nom\nG,A,100\nG,B,5\n", "generator 'G'",
                "defined twice", NULL);
}

/* The folder is named exactly once at the start of the message (the reader
 * names it; only errors of the generic network code get it prepended, chosen
 * by the call, not by reading the message). */
static void expect_source_named_once(void) {
  const char *msg = tw_last_error();
  size_t n = strlen(g_dir);
  if (strncmp(msg, g_dir, n) != 0 || msg[n] != ':') fail_msg("'%s' does not start with '%s: '", msg, g_dir);
  if (strstr(msg + n, g_dir)) fail_msg("'%s' names '%s' twice", msg, g_dir);
}

static void test_errors_name_the_source_once(void **s) {
  (void)s;
  expect_reject("generators.csv", "name,bus,p_nom\nG,A,100\nG,B,5\n", "defined twice", NULL, NULL);
  expect_source_named_once();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_base_reads),
      cmocka_unit_test(test_series_columns),
      cmocka_unit_test(test_series_labels),
      cmocka_unit_test(test_series_values),
      cmocka_unit_test(test_netcdf_nan),
      cmocka_unit_test(test_physics),
      cmocka_unit_test(test_series_physics),
      cmocka_unit_test(test_refused_attributes),
      cmocka_unit_test(test_standard_type_unknown),
      cmocka_unit_test(test_duplicate_component),
      cmocka_unit_test(test_errors_name_the_source_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
