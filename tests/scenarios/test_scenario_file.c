/* Unit tests: scenario file loading and validation (every error listed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "terrawatt/mobility.h"
#include "terrawatt/scenario.h"

static char dir[] = "/tmp/tw_scenario_XXXXXX";

static void write_file(const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static tw_status load(const char *text, tw_scenario_file **s) {
  char path[512];
  write_file("s.yaml", text);
  snprintf(path, sizeof path, "%s/s.yaml", dir);
  return tw_scenario_load(path, s);
}

static int setup(void **state) {
  (void)state;
  if (!mkdtemp(dir)) return -1;
  write_file("cutout.nc", "x");
  write_file("turbine.yaml", "x");
  write_file("panel.yaml", "x");
  char net[512];
  snprintf(net, sizeof net, "%s/network", dir);
  mkdir(net, 0755);
  return 0;
}

static const char *valid =
    "name: demo\n"
    "climate:\n  files: [cutout.nc]\n"
    "network: network\n"
    "wind: {carrier: wind, turbine: turbine.yaml, hub_height_m: 90}\n"
    "solar: {carrier: solar, panel: panel.yaml}\n"
    "optimize: {load_shedding_cost: 3000, horizon_h: 48, overlap_h: 12}\n"
    "scenarios:\n"
    "  - name: base\n"
    "  - name: wind-x2\n"
    "    scale_capacity: [{carrier: wind, factor: 2}]\n"
    "    demand_scale: 1.1\n";

static void test_valid_file(void **state) {
  (void)state;
  tw_scenario_file *s = NULL;
  assert_int_equal(load(valid, &s), TW_OK);
  assert_string_equal(s->name, "demo");
  assert_int_equal(s->climate_files_count, 1);
  assert_string_equal(s->climate_files[0], "cutout.nc");
  assert_string_equal(s->network, "network");
  assert_true(s->wind->hub_height_m == 90.0);
  assert_true(s->solar->azimuth_deg == 180.0); /* default: south */
  assert_true(s->optimize->load_shedding_cost == 3000.0);
  assert_int_equal(s->optimize->horizon_h, 48);
  assert_int_equal(s->scenarios_count, 2);
  assert_true(s->scenarios[0].demand_scale == 1.0);
  assert_true(s->scenarios[1].demand_scale == 1.1);
  assert_true(s->scenarios[1].scale_capacity[0].factor == 2.0);
  char *p = NULL;
  assert_int_equal(tw_scenario_path(s, "network", &p), TW_OK);
  assert_non_null(strstr(p, "/tw_scenario_"));
  free(p);
  tw_scenario_destroy(&s);
  assert_null(s);
}

static void expect_error(const char *text, const char *needle) {
  tw_scenario_file *s = NULL;
  assert_int_equal(load(text, &s), TW_ERR_INPUT);
  assert_null(s);
  if (!strstr(tw_last_error(), needle)) fail_msg("'%s' not in: %s", needle, tw_last_error());
  assert_non_null(strstr(tw_last_error(), "s.yaml"));
}

static void test_unknown_key(void **state) {
  (void)state;
  expect_error("name: x\nclimate: {files: [cutout.nc]}\nnetwork: network\ncolour: blue\n", "colour");
}

static void test_wrong_type(void **state) {
  (void)state;
  expect_error("name: x\nclimate: {files: [cutout.nc]}\nnetwork: network\n"
               "optimize: {horizon_h: soon}\n", "soon");
}

static void test_missing_files_and_bad_values_all_listed(void **state) {
  (void)state;
  expect_error("name: x\nclimate: {files: [nope.nc]}\nnetwork: nonet\n"
               "scenarios:\n  - {name: a, demand_scale: -1}\n  - {name: a}\n",
               "4 errors");
  assert_non_null(strstr(tw_last_error(), "climate.files: 'nope.nc'"));
  assert_non_null(strstr(tw_last_error(), "network: 'nonet'"));
  assert_non_null(strstr(tw_last_error(), "demand_scale: -1"));
  assert_non_null(strstr(tw_last_error(), "'a' is used twice"));
}

static void test_missing_required_key(void **state) {
  (void)state;
  expect_error("name: x\nclimate: {files: [cutout.nc]}\n", "network");
}

static void test_missing_scenario_file(void **state) {
  (void)state;
  tw_scenario_file *s = NULL;
  assert_int_equal(tw_scenario_load("/nonexistent/dir/s.yaml", &s), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "/nonexistent/dir/s.yaml"));
}

static void test_overlap_and_names(void **state) {
  (void)state;
  expect_error("name: x\nclimate: {files: [cutout.nc]}\nnetwork: network\n"
               "optimize: {horizon_h: 24, overlap_h: 24}\nscenarios: [{name: ../up}]\n",
               "overlap_h: 24");
  assert_non_null(strstr(tw_last_error(), "'../up'"));
}


/* EV fleets: defaults, the file's keys and each scenario's overrides. */
static void test_fleets(void **state) {
  (void)state;
  tw_scenario_file *s = NULL;
  tw_fleet f;
  int active = 0;
  assert_int_equal(load("name: ev\nclimate:\n  files: [cutout.nc]\nnetwork: network\n"
                        "fleets:\n  - {bus: Kiel, vehicles: 1000, smart_share: 0.25, min_soc_hour: -1,\n"
                        "     v2g: {max_discharge_kw: 5, degradation_cost_per_mwh: 40}}\n"
                        "  - {bus: Kiel, name: Kiel vans, vehicles: 10, battery_kwh: 80}\n"
                        "scenarios:\n  - name: base\n  - name: more\n    ev_adoption: 3\n"
                        "    smart_share: 1\n    smart_charging: false\n  - name: none\n"
                        "    ev_adoption: 0\n",
                        &s),
                   TW_OK);
  assert_int_equal(s->fleets_count, 2);
  assert_int_equal(tw_scenario_fleet(s, 0, &s->scenarios[0], &f, &active), TW_OK);
  assert_true(active);
  assert_string_equal(f.name, "Kiel EV");
  assert_true(f.n_vehicles == 1000 && f.smart_share == 0.25 && f.min_soc_hour == -1);
  assert_true(f.v2g && f.v2g_kW == 5 && f.v2g_cost_per_MWh == 40 && f.battery_kWh == 50);
  assert_int_equal(tw_scenario_fleet(s, 0, &s->scenarios[1], &f, &active), TW_OK);
  assert_true(f.n_vehicles == 3000 && f.smart_share == 1);
  assert_non_null(s->scenarios[1].smart_charging);
  assert_int_equal(*s->scenarios[1].smart_charging, 0);
  assert_null(s->scenarios[0].smart_charging);
  assert_int_equal(tw_scenario_fleet(s, 1, &s->scenarios[2], &f, &active), TW_OK);
  assert_false(active);
  assert_string_equal(f.name, "Kiel vans");
  assert_true(f.battery_kWh == 80);
  tw_scenario_destroy(&s);
  /* two unnamed fleets at one bus, an override without fleets elsewhere */
  assert_int_equal(load("name: ev\nclimate:\n  files: [cutout.nc]\nnetwork: network\n"
                        "fleets:\n  - {bus: Kiel, vehicles: 1}\n  - {bus: Kiel, vehicles: 1, "
                        "charger_kw: 0}\nvalley_filling: {tol: 2}\n",
                        &s),
                   TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "fleets[1].name: 'Kiel EV' is used twice"));
  assert_non_null(strstr(tw_last_error(), "fleets[1].charger_kw: 0 is not in (0, 10000] kW"));
  assert_non_null(strstr(tw_last_error(), "valley_filling.tol: 2"));
  assert_int_equal(load("name: ev\nclimate:\n  files: [cutout.nc]\nnetwork: network\n"
                        "scenarios:\n  - {name: a, ev_adoption: 2}\n", &s),
                   TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "scenarios[0]: ev_adoption, smart_share and "
                                          "smart_charging need top-level 'fleets'"));
}

/* A fleet whose fields are each fine but that cannot recharge its driving:
 * validation names the file once (at the start) and the fleet after it; the
 * run's tw_scenario_fleet names the file itself. */
static void test_fleet_error_names_file_once(void **state) {
  (void)state;
  tw_scenario_file *s = NULL;
  char path[512];
  snprintf(path, sizeof path, "%s/s.yaml", dir);
  assert_int_equal(load("name: ev\nclimate:\n  files: [cutout.nc]\nnetwork: network\n"
                        "fleets:\n  - {bus: Kiel, vehicles: 10, charger_kw: 0.01, kwh_per_km: 2}\n",
                        &s),
                   TW_ERR_INPUT);
  const char *msg = tw_last_error();
  assert_true(strncmp(msg, path, strlen(path)) == 0);
  assert_null(strstr(msg + strlen(path), path));
  assert_non_null(strstr(msg, "fleets[0]: fleet 'Kiel EV'"));
}

static int occurrences(const char *text, const char *needle) {
  int n = 0;
  for (const char *at = strstr(text, needle); at; at = strstr(at + 1, needle)) n++;
  return n;
}

/* A value that both the unit table (fields.c) and a hand check reject is
 * reported once, by the table: the hand checks pass their key as data and
 * it is compared with the table's keys, never read out of a message. */
static void test_value_rejected_twice_reported_once(void **state) {
  (void)state;
  write_file("model.nc", "x");
  expect_error("name: x\nclimate: {files: [cutout.nc]}\nnetwork: network\n"
               "fleets: [{bus: Kiel, vehicles: -3, availability_mean: 5}]\n"
               "forecast: {targets: [demand], imbalance_cost: -5,\n"
               "           models: [{target: demand:city, file: model.nc}]}\n"
               "scenarios: [{name: a, demand_scale: 5000}]\n",
               ": 4 errors: ");
  const char *msg = tw_last_error();
  /* the table's messages */
  assert_non_null(strstr(msg, "scenarios[0].demand_scale: 5000 is not in [0, 100]"));
  assert_non_null(strstr(msg, "fleets[0].vehicles: -3 is not in (0, 1e+09]"));
  assert_non_null(strstr(msg, "fleets[0].availability_mean: 5 is not in (0, 1]"));
  assert_non_null(strstr(msg, "forecast.imbalance_cost: -5 is not in [0, 1e+06]"));
  /* and none of the hand checks of the same keys (scenario.c, fleets.c, the forecast stage) */
  assert_int_equal(occurrences(msg, "demand_scale:"), 1);
  assert_int_equal(occurrences(msg, "vehicles:"), 1);
  assert_int_equal(occurrences(msg, "availability_mean:"), 1);
  assert_int_equal(occurrences(msg, "imbalance_cost:"), 1);
  assert_null(strstr(msg, "is not a factor in 0..1000"));
  assert_null(strstr(msg, "is not a number of vehicles"));
  assert_null(strstr(msg, "exceeds availability_max"));
  assert_null(strstr(msg, "is not a cost >= 0"));
}

/* A hand-check problem whose text merely begins with a rejected key is
 * another problem and stays: the forecast stage's problems used to reach
 * the scenario as one text starting with "forecast.imbalance_cost: ", and
 * the whole of it was dropped with the rejected key. */
static void test_other_problem_after_rejected_key_kept(void **state) {
  (void)state;
  expect_error("name: x\nclimate: {files: [cutout.nc]}\nnetwork: network\n"
               "forecast: {targets: [demand], imbalance_cost: -5, config: nope.yaml,\n"
               "           models: [{target: tides, file: nope.nc}]}\n",
               ": 4 errors: ");
  const char *msg = tw_last_error();
  assert_int_equal(occurrences(msg, "imbalance_cost:"), 1);
  assert_non_null(strstr(msg, "forecast.imbalance_cost: -5 is not in [0, 1e+06]"));
  assert_non_null(strstr(msg, "forecast.config: 'nope.yaml': No such file or directory"));
  assert_non_null(strstr(msg, "forecast.models[0].target: 'tides' is not demand:<load>, "
                              "wind:<bus> or solar:<bus>"));
  assert_non_null(strstr(msg, "forecast.models[0].file: 'nope.nc': No such file or directory"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_file),
      cmocka_unit_test(test_fleets),
      cmocka_unit_test(test_fleet_error_names_file_once),
      cmocka_unit_test(test_unknown_key),
      cmocka_unit_test(test_wrong_type),
      cmocka_unit_test(test_missing_files_and_bad_values_all_listed),
      cmocka_unit_test(test_missing_required_key),
      cmocka_unit_test(test_missing_scenario_file),
      cmocka_unit_test(test_overlap_and_names),
      cmocka_unit_test(test_value_rejected_twice_reported_once),
      cmocka_unit_test(test_other_problem_after_rejected_key_kept),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
