/* Unit tests: numeric fields of the scenario file (src/scenario/fields.c):
 * conversion by dimension, whole numbers, ranges, and a rewrite that keeps
 * every other byte (UTF-8 before the value, CRLF, a BOM, flow and block
 * styles, quotes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/fields.h"

typedef struct seen {
  char text[4096];
  int n;
} seen;

static void collect(void *ctx, const char *key, const char *message) {
  seen *s = ctx;
  size_t used = strlen(s->text);
  snprintf(s->text + used, sizeof s->text - used, "%s|%s\n", key, message);
  s->n++;
}

/* Normalise `in`; the rewritten text must equal `want`. */
static void expect(const char *in, const char *want, int problems, const char *needle) {
  seen s = {{0}, 0};
  char *out = NULL;
  size_t len = 0;
  assert_int_equal(tw_scenario_fields_normalise(in, strlen(in), &out, &len, collect, &s), TW_OK);
  assert_non_null(out);
  if (strcmp(out, want) != 0) fail_msg("got\n%s\nwant\n%s", out, want);
  assert_int_equal(len, strlen(want));
  if (s.n != problems) fail_msg("%d problems, expected %d: %s", s.n, problems, s.text);
  if (needle && !strstr(s.text, needle)) fail_msg("'%s' not in: %s", needle, s.text);
  free(out);
}

static void test_conversions(void **state) {
  (void)state;
  /* plain numbers stay byte for byte; values with units become plain numbers */
  expect("name: x\noptimize: {load_shedding_cost: 5000, horizon_h: 48}\n",
         "name: x\noptimize: {load_shedding_cost: 5000, horizon_h: 48}\n", 0, NULL);
  expect("optimize: {load_shedding_cost: 5 EUR/kWh, horizon_h: 2 days}\n",
         "optimize: {load_shedding_cost: 5000, horizon_h: 48}\n", 0, NULL);
  expect("scenarios:\n  - name: a\n    storage: [{bus: K, p_nom_mw: 1 GW, max_hours: 240 min}]\n"
         "    co2_cap_t: 150 kt\n    co2_price_per_t: 0.08 EUR/kg\n",
         "scenarios:\n  - name: a\n    storage: [{bus: K, p_nom_mw: 1000, max_hours: 4}]\n"
         "    co2_cap_t: 150000\n    co2_price_per_t: 80\n", 0, NULL);
  expect("metrics: {drought_threshold: 20 %}\nfleets: [{bus: K, vehicles: 1e4, battery_kwh: 0.06 MWh,"
         " temperature_lower_pct_per_k: 0.0098 1/K}]\n",
         "metrics: {drought_threshold: 0.2}\nfleets: [{bus: K, vehicles: 1e4, battery_kwh: 60,"
         " temperature_lower_pct_per_k: 0.98}]\n", 0, NULL);
  /* another currency is its own unit */
  expect("currency: USD\noptimize: {load_shedding_cost: 3 USD/kWh}\n",
         "currency: USD\noptimize: {load_shedding_cost: 3000}\n", 0, NULL);
  /* keys outside the table are not touched, nor are nulls */
  expect("name: 1 GW\nwind: {carrier: wind, turbine: t.yaml, hub_height_m: ~}\n",
         "name: 1 GW\nwind: {carrier: wind, turbine: t.yaml, hub_height_m: ~}\n", 0, NULL);
}

static void test_text_kept(void **state) {
  (void)state;
  /* multi-byte characters before the value: libyaml counts characters */
  expect("# Fläche in km², Kosten in €\nscenarios:\n  - name: süd\n    rooftop_pv: [{bus: \"Köln\", "
         "p_nom_mw: 0.5 GW}]   # é\n",
         "# Fläche in km², Kosten in €\nscenarios:\n  - name: süd\n    rooftop_pv: [{bus: \"Köln\", "
         "p_nom_mw: 500}]   # é\n", 0, NULL);
  expect("\xEF\xBB\xBFoptimize:\r\n  horizon_h: 1 day\r\n  overlap_h: 2 h\r\n",
         "\xEF\xBB\xBFoptimize:\r\n  horizon_h: 24\r\n  overlap_h: 2\r\n", 0, NULL);
  expect("optimize:\n  load_shedding_cost: \"5 EUR/kWh\"\n  horizon_h: '1 day'\n",
         "optimize:\n  load_shedding_cost: 5000\n  horizon_h: 24\n", 0, NULL);
  expect("optimize:\n  horizon_h: |\n    1 day\n  overlap_h: 0\n",
         "optimize:\n  horizon_h: 24\n  overlap_h: 0\n", 0, NULL);
  /* not YAML: no text, the caller's loader names the error */
  seen s = {{0}, 0};
  char *out = (char *)1;
  size_t len = 0;
  assert_int_equal(tw_scenario_fields_normalise("a: [b\n", 6, &out, &len, collect, &s), TW_OK);
  assert_null(out);
}

static void test_rejections(void **state) {
  (void)state;
  expect("optimize: {horizon_h: 2.5}\n", "optimize: {horizon_h: 0}\n", 1,
         "optimize.horizon_h|optimize.horizon_h: '2.5' is not a whole number");
  expect("optimize: {horizon_h: 1e30}\n", "optimize: {horizon_h: 0}\n", 1,
         "optimize.horizon_h: 1e30 is not in [0, 87600] h");
  expect("optimize:\n  horizon_h: 24 hours, obviously\n", "optimize:\n  horizon_h: 0\n", 1,
         "'24 hours, obviously' is not a number with an optional unit convertible to h");
  expect("scenarios: [{name: a, storage: [{bus: K, p_nom_mw: 1 GWh}]}]\n",
         "scenarios: [{name: a, storage: [{bus: K, p_nom_mw: 0}]}]\n", 1,
         "scenarios[0].storage[0].p_nom_mw: '1 GWh' is not a number with an optional unit "
         "convertible to MW ('GWh' cannot be converted to MW)");
  expect("scenarios: [{name: a, outages: [{repair_h: 2 kg}]}]\n",
         "scenarios: [{name: a, outages: [{repair_h: 0}]}]\n", 1, "('kg' cannot be converted to h)");
  expect("optimize: {load_shedding_cost: 5 USD/kWh}\n", "optimize: {load_shedding_cost: 0}\n", 1,
         "costs are in the run's currency: EUR");
  /* out of range: the value stays (real fields), the key is reported once */
  expect("fleets: [{bus: K, vehicles: 10, efficiency: 1.5, min_soc_hour: 24}]\n",
         "fleets: [{bus: K, vehicles: 10, efficiency: 1.5, min_soc_hour: 0}]\n", 2,
         "fleets[0].efficiency: 1.5 is not in (0, 1]");
  expect("fleets: [{bus: K, vehicles: 10.5}]\n", "fleets: [{bus: K, vehicles: 0}]\n", 1,
         "fleets[0].vehicles: '10.5' is not a whole number");
  expect("metrics: {drought_threshold: 120 %}\n", "metrics: {drought_threshold: 1.2}\n", 1,
         "'120 %' = 1.2 is not in [0, 1]");
  expect("currency: euro\n", "currency: euro\n", 1, "currency: 'euro' is not a three-letter");
  expect("scenarios: [{name: a, demand_scale: nan, co2_cap_t: -inf}]\n",
         "scenarios: [{name: a, demand_scale: 0, co2_cap_t: 0}]\n", 2, "'nan' is not a number");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_conversions),
      cmocka_unit_test(test_text_kept),
      cmocka_unit_test(test_rejections),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
