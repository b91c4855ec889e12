/* The cost of forecast error (two-stage: schedule on forecasts, re-dispatch
 * on actuals): hand-checked 1-bus cases, zero cost for perfect forecasts,
 * and realised >= perfect foresight on random networks with storage and
 * lines. Also the forecast stage end to end on a small network.
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

#include "terrawatt/forecast.h"
#include "terrawatt/forecast_stage.h"

#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static tw_generator gen(const char *name, int bus, int carrier, double p_nom, double mc) {
  tw_generator g;
  tw_generator_default(&g);
  g.name = (char *)name;
  g.bus = bus;
  g.carrier = carrier;
  g.p_nom_MW = p_nom;
  g.marginal_cost = mc;
  return g;
}

/* Solve perfect foresight, then the two stages. */
static void two_stage(const tw_network *net, double *const *load_fc, double *const *cf_fc, double c,
                      tw_forecast_stage_result *res) {
  tw_optimize_params p;
  tw_optimize_result *pf = NULL;
  tw_optimize_params_default(&p);
  assert_int_equal(tw_optimize_network(net, &p, &pf), TW_OK);
  memset(res, 0, sizeof *res);
  assert_int_equal(tw_forecast_error_cost(net, &p, pf, load_fc, cf_fc, c, res), TW_OK);
  tw_optimize_result_destroy(&pf);
}

/* 1 bus, gas only (50/MWh), demand 100 MW twice, forecast 80 and 120,
 * imbalance 10/MWh: PF 10000; schedule 80/120 costs 10000; re-dispatch
 * +20 at 60 and -20 at 40: realised 10400; error cost 400 = 10 x 40 MWh. */
static void test_hand_demand(void **state) {
  (void)state;
  tw_network *net = NULL;
  assert_int_equal(tw_network_create(2, &net), TW_OK);
  assert_int_equal(tw_network_add_bus(net, "b", 1, "AC", NULL), TW_OK);
  tw_generator g = gen("gas", 0, -1, 200, 50);
  assert_int_equal(tw_network_add_generator(net, &g, NULL), TW_OK);
  tw_load l;
  tw_load_default(&l);
  l.name = (char *)"d";
  l.bus = 0;
  double actual[2] = {100, 100}, fc[2] = {80, 120};
  l.p_set_t = actual;
  assert_int_equal(tw_network_add_load(net, &l, NULL), TW_OK);
  double *load_fc[1] = {fc};
  tw_forecast_stage_result res;
  two_stage(net, load_fc, NULL, 10, &res);
  assert_near(res.perfect_foresight_cost, 10000, 1e-6);
  assert_near(res.schedule_cost, 10000, 1e-6);
  assert_near(res.realised_cost, 10400, 1e-6);
  assert_near(res.forecast_error_cost, 400, 1e-6);
  assert_near(res.imbalance_MWh, 40, 1e-6);
  assert_near(res.imbalance_penalty, 400, 1e-6);
  tw_network_destroy(&net);
}

/* 1 bus, wind 100 MW (free, actual CF 0.5, forecast 0.8 then 0.2), gas
 * 200 MW at 50, demand 100: PF 2 x 50 x 50 = 5000. Hour 1: wind is short
 * by 30 (forced down), gas up 30; hour 2: wind up 30, gas down 30 (cheaper
 * than keeping the schedule). Operating cost is back at 5000, plus 120 MWh
 * of deviations at 10: realised 6200, error cost 1200. */
static void test_hand_wind(void **state) {
  (void)state;
  tw_network *net = NULL;
  size_t wind_carrier;
  assert_int_equal(tw_network_create(2, &net), TW_OK);
  assert_int_equal(tw_network_add_bus(net, "b", 1, "AC", NULL), TW_OK);
  assert_int_equal(tw_network_add_carrier(net, "wind", 0, &wind_carrier), TW_OK);
  double cf[2] = {0.5, 0.5}, cf_fc[2] = {0.8, 0.2};
  tw_generator w = gen("wind", 0, (int)wind_carrier, 100, 0);
  w.p_max_pu_t = cf;
  assert_int_equal(tw_network_add_generator(net, &w, NULL), TW_OK);
  tw_generator g = gen("gas", 0, -1, 200, 50);
  assert_int_equal(tw_network_add_generator(net, &g, NULL), TW_OK);
  tw_load l;
  tw_load_default(&l);
  l.name = (char *)"d";
  l.bus = 0;
  l.p_set_MW = 100;
  assert_int_equal(tw_network_add_load(net, &l, NULL), TW_OK);
  double *cf_forecast[2] = {cf_fc, NULL};
  tw_forecast_stage_result res;
  two_stage(net, NULL, cf_forecast, 10, &res);
  assert_near(res.perfect_foresight_cost, 5000, 1e-6);
  assert_near(res.schedule_cost, 5000, 1e-6);
  assert_near(res.realised_cost, 6200, 1e-6);
  assert_near(res.forecast_error_cost, 1200, 1e-6);
  assert_near(res.imbalance_MWh, 120, 1e-6);
  tw_network_destroy(&net);
}

/* Three AC buses a, b, c on a ring of lines l0..l2 (x 10 Ohm, s_nom given)
 * and a "wind" carrier (*wc). */
static tw_network *triangle(size_t T, const double s_nom[3], size_t *wc) {
  tw_network *net = NULL;
  assert_int_equal(tw_network_create(T, &net), TW_OK);
  const char *bus[3] = {"a", "b", "c"};
  for (int b = 0; b < 3; b++) assert_int_equal(tw_network_add_bus(net, bus[b], 380, "AC", NULL), TW_OK);
  assert_int_equal(tw_network_add_carrier(net, "wind", 0, wc), TW_OK);
  for (int b = 0; b < 3; b++) {
    tw_branch ln;
    tw_line_default(&ln);
    char name[8];
    snprintf(name, sizeof name, "l%d", b);
    ln.name = name;
    ln.bus0 = b;
    ln.bus1 = (b + 1) % 3;
    ln.x = 10;
    ln.s_nom_MVA = s_nom[b];
    assert_int_equal(tw_network_add_line(net, &ln, NULL), TW_OK);
  }
  return net;
}

/* Random 3-bus networks with a line triangle, a battery, wind and gas:
 * error cost >= 0 for random forecasts, and 0 for perfect forecasts. */
static void test_random_property(void **state) {
  (void)state;
  tw_rng rng;
  tw_rng_seed(&rng, 7);
  const size_t T = 24;
  for (int trial = 0; trial < 6; trial++) {
    size_t wc;
    double s_nom[3];
    for (int b = 0; b < 3; b++) s_nom[b] = 60 + 80 * tw_rng_uniform(&rng);
    tw_network *net = triangle(T, s_nom, &wc);
    double cf[3][24], cf_f[3][24], load[3][24], load_f[3][24];
    double *cf_fc[6] = {0}, *load_fc[3] = {0};
    for (int b = 0; b < 3; b++) {
      for (size_t t = 0; t < T; t++) {
        cf[b][t] = tw_rng_uniform(&rng);
        cf_f[b][t] = trial == 0 ? cf[b][t] : tw_rng_uniform(&rng);
        load[b][t] = 50 + 100 * tw_rng_uniform(&rng);
        load_f[b][t] = trial == 0 ? load[b][t] : load[b][t] * (0.8 + 0.4 * tw_rng_uniform(&rng));
      }
      char name[16];
      snprintf(name, sizeof name, "wind%d", b);
      tw_generator w = gen(name, b, (int)wc, 150, 1 + b);
      w.p_max_pu_t = cf[b];
      assert_int_equal(tw_network_add_generator(net, &w, NULL), TW_OK);
      cf_fc[2 * b] = cf_f[b];
      snprintf(name, sizeof name, "gas%d", b);
      tw_generator g = gen(name, b, -1, 300, 40 + 10 * b);
      assert_int_equal(tw_network_add_generator(net, &g, NULL), TW_OK);
      tw_load l;
      tw_load_default(&l);
      snprintf(name, sizeof name, "load%d", b);
      l.name = name;
      l.bus = b;
      l.p_set_t = load[b];
      assert_int_equal(tw_network_add_load(net, &l, NULL), TW_OK);
      load_fc[b] = load_f[b];
    }
    tw_storage_unit su;
    tw_storage_unit_default(&su);
    su.name = (char *)"battery";
    su.bus = 1;
    su.p_nom_MW = 50;
    su.max_hours_h = 4;
    su.efficiency_store = su.efficiency_dispatch = 0.9;
    su.cyclic_state_of_charge = 1;
    assert_int_equal(tw_network_add_storage_unit(net, &su, NULL), TW_OK);
    tw_forecast_stage_result res;
    two_stage(net, load_fc, cf_fc, 5 + 20 * trial, &res);
    double tol = 1e-6 * fabs(res.perfect_foresight_cost);
    if (trial == 0) {
      assert_true(fabs(res.forecast_error_cost) <= tol);
      assert_true(res.imbalance_MWh < 1e-6);
    } else {
      assert_true(res.forecast_error_cost >= -tol);
      assert_true(res.imbalance_MWh > 0);
      assert_true(res.forecast_error_cost > 0);
    }
    assert_true(res.realised_cost >= res.perfect_foresight_cost - tol);
    tw_network_destroy(&net);
  }
}

/* A 3-bus triangle with wind and gas at every bus and a battery, T = 48,
 * the actual series and their forecasts drawn from `seed`; `extra` adds a
 * peaker (another LP structure). The series live in *w (static storage of
 * the caller). */
typedef struct warm_series {
  double cf[3][48], cf_f[3][48], load[3][48], load_f[3][48];
  double *cf_fc[7], *load_fc[3];
} warm_series;

static tw_network *warm_net(unsigned seed, int extra, warm_series *w) {
  tw_rng rng;
  tw_rng_seed(&rng, seed);
  size_t wc;
  memset(w, 0, sizeof *w);
  const double s_nom[3] = {60, 100, 140};
  tw_network *net = triangle(48, s_nom, &wc);
  for (int b = 0; b < 3; b++) {
    for (size_t t = 0; t < 48; t++) {
      w->cf[b][t] = tw_rng_uniform(&rng);
      w->cf_f[b][t] = fmin(1, fmax(0, w->cf[b][t] + 0.3 * (tw_rng_uniform(&rng) - 0.5)));
      w->load[b][t] = 50 + 100 * tw_rng_uniform(&rng);
      w->load_f[b][t] = w->load[b][t] * (0.9 + 0.2 * tw_rng_uniform(&rng));
    }
    char name[16];
    snprintf(name, sizeof name, "wind%d", b);
    tw_generator g = gen(name, b, (int)wc, 150, 1 + b);
    g.p_max_pu_t = w->cf[b];
    assert_int_equal(tw_network_add_generator(net, &g, NULL), TW_OK);
    w->cf_fc[2 * b] = w->cf_f[b];
    snprintf(name, sizeof name, "gas%d", b);
    g = gen(name, b, -1, 300, 40 + 10 * b);
    assert_int_equal(tw_network_add_generator(net, &g, NULL), TW_OK);
    tw_load l;
    tw_load_default(&l);
    snprintf(name, sizeof name, "load%d", b);
    l.name = name;
    l.bus = b;
    l.p_set_t = w->load[b];
    assert_int_equal(tw_network_add_load(net, &l, NULL), TW_OK);
    w->load_fc[b] = w->load_f[b];
  }
  if (extra) {
    tw_generator g = gen("peaker", 2, -1, 100, 120);
    assert_int_equal(tw_network_add_generator(net, &g, NULL), TW_OK);
  }
  tw_storage_unit su;
  tw_storage_unit_default(&su);
  su.name = (char *)"battery";
  su.bus = 1;
  su.p_nom_MW = 50;
  su.max_hours_h = 4;
  su.efficiency_store = su.efficiency_dispatch = 0.9;
  su.cyclic_state_of_charge = 1;
  assert_int_equal(tw_network_add_storage_unit(net, &su, NULL), TW_OK);
  return net;
}

/* Both stages of net: cold (cache NULL), or keyed as `terrawatt run` does
 * (the dispatch kept under `own`, stage 1 from it, stage 2 from and into
 * `anchor`). */
static void warm_stages(const tw_network *net, const warm_series *w, tw_basis_cache *cache,
                        const char *own, const char *anchor, tw_forecast_stage_result *res) {
  tw_optimize_params p;
  tw_optimize_result *pf = NULL;
  tw_optimize_params_default(&p);
  p.basis_cache = cache;
  p.basis_mode = TW_BASIS_KEYED;
  p.basis_store[0] = own;
  assert_int_equal(tw_optimize_network(net, &p, &pf), TW_OK);
  p.basis_key = own;
  p.basis_from[0] = p.basis_store[0] = anchor;
  memset(res, 0, sizeof *res);
  assert_int_equal(tw_forecast_error_cost(net, &p, pf, w->load_fc, w->cf_fc, 20, res), TW_OK);
  tw_optimize_result_destroy(&pf);
}

/* The two LPs solved on the same inputs have the same optimum whatever the
 * start. Stage 2's cost (realised, error cost) is another matter: stage 1
 * may have several equally cheap schedules (this network's does), which
 * one the simplex returns depends on its start, and stage 2 re-dispatches
 * around it (docs/OPTIMIZE.md); `terrawatt run`'s tests check it on the
 * example (run_forecast_warm.sh). */
static void assert_same_costs(const tw_forecast_stage_result *a, const tw_forecast_stage_result *b) {
  assert_true(fabs(a->perfect_foresight_cost - b->perfect_foresight_cost) <=
              1e-9 * fabs(b->perfect_foresight_cost));
  assert_true(fabs(a->schedule_cost - b->schedule_cost) <= 1e-9 * fabs(b->schedule_cost));
  assert_true(a->realised_cost >= a->perfect_foresight_cost * (1 - 1e-9));
}

/* Warm starts of the two stages (keyed as in `terrawatt run`): stage 1
 * starts from the dispatch basis, stage 2 from its anchor once one of the
 * same structure exists, with the costs of cold solves and fewer
 * iterations; another structure falls back to a cold start; the
 * task-private key is dropped and the anchor stays. */
static void test_warm_start(void **state) {
  (void)state;
  static warm_series w1, w2, w3;
  tw_network *n1 = warm_net(11, 0, &w1), *n2 = warm_net(12, 0, &w2), *n3 = warm_net(13, 1, &w3);
  tw_basis_cache *cache = NULL;
  assert_int_equal(tw_basis_cache_create(&cache), TW_OK);
  tw_forecast_stage_result cold, warm;
  /* first task: stage 1 from its own dispatch, no stage-2 anchor yet */
  warm_stages(n1, &w1, NULL, NULL, NULL, &cold);
  assert_false(cold.stage_warm_start[0] || cold.stage_warm_start[1]);
  warm_stages(n1, &w1, cache, "task:1", "forecast:anchor", &warm);
  assert_same_costs(&warm, &cold);
  assert_true(warm.stage_warm_start[0] && !warm.stage_warm_start[1]);
  assert_true(warm.stage_iterations[0] < cold.stage_iterations[0]);
  /* another task of the same structure: stage 2 from the anchor too */
  warm_stages(n2, &w2, NULL, NULL, NULL, &cold);
  warm_stages(n2, &w2, cache, "task:2", "forecast:anchor", &warm);
  assert_same_costs(&warm, &cold);
  assert_true(warm.stage_warm_start[0] && warm.stage_warm_start[1]);
  assert_true(warm.stage_iterations[0] < cold.stage_iterations[0]);
  assert_true(warm.stage_iterations[1] < cold.stage_iterations[1]);
  /* another structure (a peaker more): stage 2 misses the anchor, solves cold */
  warm_stages(n3, &w3, NULL, NULL, NULL, &cold);
  warm_stages(n3, &w3, cache, "task:3", "forecast:anchor", &warm);
  assert_same_costs(&warm, &cold);
  assert_true(warm.stage_warm_start[0] && !warm.stage_warm_start[1]);
  /* stage 1 whose key holds no basis of its structure: cold, still solved */
  tw_optimize_params p;
  tw_optimize_result *pf = NULL;
  tw_optimize_params_default(&p);
  assert_int_equal(tw_optimize_network(n3, &p, &pf), TW_OK);
  p.basis_cache = cache;
  p.basis_mode = TW_BASIS_KEYED;
  p.basis_key = "task:1"; /* n1's dispatch: another structure */
  memset(&warm, 0, sizeof warm);
  assert_int_equal(tw_forecast_error_cost(n3, &p, pf, w3.load_fc, w3.cf_fc, 20, &warm), TW_OK);
  assert_false(warm.stage_warm_start[0]);
  assert_same_costs(&warm, &cold);
  tw_optimize_result_destroy(&pf);
  /* dropping a task's key leaves the others */
  assert_true(tw_basis_cache_has_key(cache, "task:2"));
  tw_basis_cache_drop(cache, "task:2");
  assert_false(tw_basis_cache_has_key(cache, "task:2"));
  assert_true(tw_basis_cache_has_key(cache, "task:1") && tw_basis_cache_has_key(cache, "task:3"));
  assert_true(tw_basis_cache_has_key(cache, "forecast:anchor"));
  tw_basis_cache_drop(cache, "forecast:anchor");
  assert_false(tw_basis_cache_has_key(cache, "forecast:anchor"));
  assert_true(tw_basis_cache_has_key(cache, "task:1"));
  tw_basis_cache_destroy(&cache);
  tw_network_destroy(&n1);
  tw_network_destroy(&n2);
  tw_network_destroy(&n3);
}

/* The stage end to end: six weeks of hourly demand with a daily shape,
 * trained on the fly; a forecast beats persistence, and the error cost
 * is >= 0 and at most the penalty of the deviations. */
static void test_stage_run(void **state) {
  (void)state;
  const size_t T = 42 * 24;
  tw_network *net = NULL;
  double *load = NULL;
  assert_int_equal(tw_network_create(T, &net), TW_OK);
  load = calloc(T, sizeof *load);
  assert_non_null(load);
  tw_rng rng;
  tw_rng_seed(&rng, 3);
  for (size_t t = 0; t < T; t++) {
    char label[32];
    snprintf(label, sizeof label, "2019-%02zu-%02zu %02zu:00:00", 3 + (4 + t / 24 - 1) / 31, (4 + t / 24 - 1) % 31 + 1, t % 24);
    assert_int_equal(tw_network_set_snapshot_label(net, t, label), TW_OK);
    double hour = (double)(t % 24);
    load[t] = 100 + 30 * sin(6.283185307179586 * (hour - 8) / 24) + (t / 24 % 7 >= 5 ? -15 : 0) +
              3 * tw_rng_normal(&rng);
  }
  assert_int_equal(tw_network_add_bus(net, "b", 1, "AC", NULL), TW_OK);
  tw_generator g = gen("gas", 0, -1, 300, 50);
  assert_int_equal(tw_network_add_generator(net, &g, NULL), TW_OK);
  tw_generator peak = gen("peak", 0, -1, 300, 90);
  assert_int_equal(tw_network_add_generator(net, &peak, NULL), TW_OK);
  tw_load l;
  tw_load_default(&l);
  l.name = (char *)"city";
  l.bus = 0;
  l.p_set_t = load;
  assert_int_equal(tw_network_add_load(net, &l, NULL), TW_OK);

  char *targets[1] = {(char *)"demand"};
  tw_forecast_stage_config c;
  memset(&c, 0, sizeof c);
  c.targets = targets;
  c.targets_count = 1;
  c.horizon_h = 24;
  c.imbalance_cost = 20;
  char msg[256];
  assert_int_equal(tw_forecast_stage_validate(&c, "", msg, sizeof msg), 0);
  tw_forecast_stage_inputs in = {.scenario_path = "test.yaml", .base_dir = "", .backend = NULL};
  tw_optimize_params p;
  tw_optimize_params_default(&p);
  tw_optimize_result *pf = NULL;
  assert_int_equal(tw_optimize_network(net, &p, &pf), TW_OK);
  tw_forecast_stage_result *res = NULL;
  tw_status st = tw_forecast_stage_run(&c, &in, net, &p, pf, &res);
  if (st != TW_OK) fprintf(stderr, "%s\n", tw_last_error());
  assert_int_equal(st, TW_OK);
  assert_int_equal(res->n_targets, 1);
  assert_string_equal(res->targets[0].name, "demand:city");
  assert_int_equal(res->warmup_snapshots, 168);
  assert_int_equal(res->targets[0].rows, T - 168);
  printf("stage: MAE %.3f RMSE %.3f, persistence RMSE %.3f, seasonal naive RMSE %.3f; error cost "
         "%.1f (imbalance %.1f MWh)\n",
         res->targets[0].mae, res->targets[0].rmse, res->targets[0].persistence_rmse,
         res->targets[0].seasonal_naive_rmse, res->forecast_error_cost, res->imbalance_MWh);
  assert_true(res->targets[0].rmse < res->targets[0].persistence_rmse);
  assert_true(res->targets[0].rmse < res->targets[0].seasonal_naive_rmse);
  assert_true(res->targets[0].skill_rmse_vs_persistence > 0);
  double tol = 1e-6 * res->perfect_foresight_cost;
  assert_true(res->forecast_error_cost >= -tol);
  assert_true(res->forecast_error_cost > 0);
  /* every MWh of deviation costs 20 plus at most the spread 90 - 50 */
  assert_true(res->forecast_error_cost <= (20 + 40) * res->imbalance_MWh + tol);

  tw_json j;
  tw_json_init(&j);
  tw_json_object_begin(&j);
  tw_forecast_stage_to_json(res, &j);
  tw_json_object_end(&j);
  assert_non_null(strstr(tw_json_text(&j), "\"forecast_error_cost\":"));
  assert_non_null(strstr(tw_json_text(&j), "\"target\":\"demand:city\""));
  tw_json_free(&j);

  /* bad configuration */
  char *bad_targets[2] = {(char *)"demand", (char *)"tides"};
  c.targets = bad_targets;
  c.targets_count = 2;
  c.folds = 1;
  assert_int_equal(tw_forecast_stage_validate(&c, "", msg, sizeof msg), 2);
  assert_non_null(strstr(msg, "'tides'"));
  assert_non_null(strstr(msg, "forecast.folds"));

  tw_forecast_stage_result_destroy(&res);
  tw_optimize_result_destroy(&pf);
  tw_network_destroy(&net);
  free(load);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_demand),
      cmocka_unit_test(test_hand_wind),
      cmocka_unit_test(test_random_property),
      cmocka_unit_test(test_warm_start),
      cmocka_unit_test(test_stage_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
