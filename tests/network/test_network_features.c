/* Attributes the optimizer honours, on small networks with objectives
 * derived by hand (each case would give a different objective if the
 * attribute were ignored): storage-unit marginal_cost, spill_cost,
 * efficiency_dispatch and standing_loss series, store standing_loss series,
 * generator efficiency series under a CO2 cap, generator and link ramp
 * limits (PyPSA's formulation, incl. p_init and rolling windows), a
 * transformer phase shift (flows checked against PyPSA 1.4 + HiGHS).
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

static const char *k_two_snapshots = "snapshot\nt0\nt1\n";

/* Read g_dir, optimise (horizon 0 = all at once), return the objective. */
static tw_kvl_formulation g_kvl = TW_KVL_CYCLE; /* the formulation solve() uses */

static double solve(size_t horizon, tw_optimize_result **keep) {
  tw_network *n = NULL;
  tw_optimize_result *r = NULL;
  tw_optimize_params p;
  tw_optimize_params_default(&p);
  p.horizon = horizon;
  p.kvl = g_kvl;
  if (tw_network_read(g_dir, &n) != TW_OK) fail_msg("read: %s", tw_last_error());
  if (tw_optimize_network(n, &p, &r) != TW_OK) fail_msg("optimize: %s", tw_last_error());
  double obj = r->objective;
  if (keep) *keep = r;
  else tw_optimize_result_destroy(&r);
  tw_network_destroy(&n);
  return obj;
}

static void one_bus(const char *tag, const char *load_series) {
  empty_dir(tag);
  write_file("snapshots.csv", k_two_snapshots);
  write_file("buses.csv", "name\nA\n");
  write_file("loads.csv", "name,bus\nL,A\n");
  write_file("loads-p_set.csv", load_series);
}

/* Storage dispatch costs 1 at t0 and 30 at t1 (gas costs 10): the unit
 * serves t0 only: 10*1 + 10*10 = 110 (0 if the series were ignored). */
static void test_storage_marginal_cost_series(void **s) {
  (void)s;
  one_bus("sumc", "snapshot,L\nt0,10\nt1,10\n");
  write_file("generators.csv", "name,bus,p_nom,marginal_cost\ngas,A,100,10\n");
  write_file("storage_units.csv", "name,bus,p_nom,max_hours,state_of_charge_initial\nS,A,10,10,20\n");
  write_file("storage_units-marginal_cost.csv", "snapshot,S\nt0,1\nt1,30\n");
  assert_float_equal(solve(0, NULL), 110.0, 1e-6);
  cleanup_dir();
}

/* A full reservoir with inflow 5 and nothing to serve spills 5 per
 * snapshot at spill_cost 2 then 3: 25. */
static void test_spill_cost_series(void **s) {
  (void)s;
  one_bus("spill", "snapshot,L\nt0,0\nt1,0\n");
  write_file("storage_units.csv",
             "name,bus,p_nom,max_hours,state_of_charge_initial,inflow\nS,A,10,1,10,5\n");
  write_file("storage_units-spill_cost.csv", "snapshot,S\nt0,2\nt1,3\n");
  assert_float_equal(solve(0, NULL), 25.0, 1e-6);
  cleanup_dir();
}

/* SoC 10 at t0 (PyPSA adds the initial SoC without standing loss), half
 * of it lost into t1 (standing_loss series 0, 0.5), then dispatched at
 * efficiency 0.5: 2.5 MW of the 5 MW load; gas (10) serves 2.5: 25.
 * Ignoring either series would give 0. */
static void test_storage_efficiency_and_loss_series(void **s) {
  (void)s;
  one_bus("sueff", "snapshot,L\nt0,0\nt1,5\n");
  write_file("generators.csv", "name,bus,p_nom,marginal_cost\ngas,A,100,10\n");
  write_file("storage_units.csv", "name,bus,p_nom,max_hours,state_of_charge_initial\nS,A,100,1,10\n");
  write_file("storage_units-standing_loss.csv", "snapshot,S\nt0,0\nt1,0.5\n");
  write_file("storage_units-efficiency_dispatch.csv", "snapshot,S\nt0,1\nt1,0.5\n");
  assert_float_equal(solve(0, NULL), 25.0, 1e-6);
  cleanup_dir();
}

/* A store holding 10 MWh loses half into t1: 5 of the 10 MW load from gas: 50. */
static void test_store_standing_loss_series(void **s) {
  (void)s;
  one_bus("stloss", "snapshot,L\nt0,0\nt1,10\n");
  write_file("generators.csv", "name,bus,p_nom,marginal_cost\ngas,A,100,10\n");
  write_file("stores.csv", "name,bus,e_nom,e_initial\nH,A,100,10\n");
  write_file("stores-standing_loss.csv", "snapshot,H\nt0,0\nt1,0.5\n");
  assert_float_equal(solve(0, NULL), 50.0, 1e-6);
  cleanup_dir();
}

/* CO2 cap 10 t; coal (1 t/MWh primary, cost 1) at efficiency 0.5 then
 * 0.25 emits 2 then 4 t per MWh electric; oil (100) is clean. Best: coal 5
 * MW at t0 (10 t), oil the rest: 5 + 5*100 + 10*100 = 1505 (1010 with a
 * static efficiency of 1). */
static void test_generator_efficiency_series(void **s) {
  (void)s;
  one_bus("geneff", "snapshot,L\nt0,10\nt1,10\n");
  write_file("carriers.csv", "name,co2_emissions\ncoal,1\noil,0\n");
  write_file("generators.csv",
             "name,bus,p_nom,marginal_cost,carrier\ncoal,A,100,1,coal\noil,A,100,100,oil\n");
  write_file("generators-efficiency.csv", "snapshot,coal\nt0,0.5\nt1,0.25\n");
  write_file("global_constraints.csv",
             "name,type,carrier_attribute,sense,constant\nco2,primary_energy,co2_emissions,<=,10\n");
  assert_float_equal(solve(0, NULL), 1505.0, 1e-6);
  cleanup_dir();
}

/* Cheap unit (1) ramps 10 MW per snapshot from p_init 0; the dear unit
 * (50) covers the rest of 20 MW at t0: 10 + 10*50 + 20 = 530. Without
 * p_init the first snapshot is free: 40. Rolling windows of one snapshot
 * carry the dispatch across: 530 again. */
static void test_generator_ramp_limits(void **s) {
  (void)s;
  one_bus("ramp", "snapshot,L\nt0,20\nt1,20\n");
  write_file("generators.csv", "name,bus,p_nom,marginal_cost,ramp_limit_up,p_init\n"
                               "cheap,A,100,1,0.1,0\ndear,A,100,50,,\n");
  assert_float_equal(solve(0, NULL), 530.0, 1e-6);
  assert_float_equal(solve(1, NULL), 530.0, 1e-6);
  write_file("generators.csv", "name,bus,p_nom,marginal_cost,ramp_limit_up\n"
                               "cheap,A,100,1,0.1\ndear,A,100,50,\n");
  assert_float_equal(solve(0, NULL), 40.0, 1e-6);
  /* ramping down at most 5 MW per snapshot while demand drops 20 -> 12:
   * the unit stays at 15 MW and 3 MW charge a (free) store: 20 + 15 */
  write_file("loads-p_set.csv", "snapshot,L\nt0,20\nt1,12\n");
  write_file("generators.csv", "name,bus,p_nom,marginal_cost,ramp_limit_down\ncheap,A,100,1,0.05\n");
  write_file("stores.csv", "name,bus,e_nom\nsink,A,100\n");
  tw_optimize_result *r = NULL;
  assert_float_equal(solve(0, &r), 20.0 + 15.0, 1e-6);
  assert_float_equal(r->gen_p[1], 15.0, 1e-6);
  tw_optimize_result_destroy(&r);
  cleanup_dir();
}

/* Extendable unit with a ramp limit: p_t - p_{t-1} <= 0.5 * p_nom (a
 * variable); capital cost 1 per MW; load 0 then 10: p_nom = 20: 20 + 10. */
static void test_ramp_extendable(void **s) {
  (void)s;
  one_bus("rampext", "snapshot,L\nt0,0\nt1,10\n");
  write_file("generators.csv",
             "name,bus,p_nom_extendable,capital_cost,marginal_cost,ramp_limit_up\nG,A,True,1,1,0.5\n");
  assert_float_equal(solve(0, NULL), 30.0, 1e-6);
  cleanup_dir();
}

/* A link ramps like a generator, on p0. */
static void test_link_ramp_limits(void **s) {
  (void)s;
  empty_dir("linkramp");
  write_file("snapshots.csv", k_two_snapshots);
  write_file("buses.csv", "name\nX\nY\n");
  write_file("loads.csv", "name,bus\nL,Y\n");
  write_file("loads-p_set.csv", "snapshot,L\nt0,20\nt1,20\n");
  write_file("generators.csv", "name,bus,p_nom,marginal_cost\ncheap,X,100,1\ndear,Y,100,50\n");
  write_file("links.csv", "name,bus0,bus1,p_nom,ramp_limit_up,p_init\nK,X,Y,100,0.1,0\n");
  assert_float_equal(solve(0, NULL), 530.0, 1e-6);
  cleanup_dir();
}

/* A line and a phase-shifting transformer in parallel (both 0.01 per unit
 * on 1 MVA): x f_line = x f_trafo + shift. PyPSA 1.4.0 + HiGHS: line p0
 * 5.872664625997165, transformer p0 4.127335374002835. */
static void test_phase_shift(void **s) {
  (void)s;
  empty_dir("phase");
  write_file("buses.csv", "name,v_nom\nA,10\nB,10\n");
  write_file("generators.csv", "name,bus,p_nom,marginal_cost\nG,A,100,1\n");
  write_file("loads.csv", "name,bus,p_set\nL,B,10\n");
  write_file("lines.csv", "name,bus0,bus1,x,s_nom\nAB,A,B,1,100\n");
  write_file("transformers.csv", "name,bus0,bus1,x,s_nom,phase_shift\nT,A,B,0.5,50,1\n");
  /* both KVL formulations (cycle rows, angle columns) */
  for (int k = 0; k < 2; k++) {
    tw_optimize_result *r = NULL;
    g_kvl = k ? TW_KVL_ANGLE : TW_KVL_CYCLE;
    assert_float_equal(solve(0, &r), 10.0, 1e-9);
    assert_float_equal(r->line_p0[0], 5.872664625997165, 1e-7);
    assert_float_equal(r->trafo_p0[0], 4.127335374002835, 1e-7);
    tw_optimize_result_destroy(&r);
  }
  g_kvl = TW_KVL_CYCLE;
  cleanup_dir();
}

/* Fixed operation (PyPSA's *_set): the dear unit must run 5 MW at t0
 * (p_set series 5, NaN): 5*50 + 5*1 + 10*1 = 265; a store whose level is
 * fixed to 4 MWh (e_set) must be charged from the cheap unit: +4; a storage
 * unit fixed to charge 2 MW (p_set -2) at both snapshots: +4. PyPSA 1.4.0
 * + HiGHS gives 265, 269 and 273 for the same networks. */
static void test_fixed_operation(void **s) {
  (void)s;
  one_bus("pset", "snapshot,L\nt0,10\nt1,10\n");
  write_file("generators.csv", "name,bus,p_nom,marginal_cost\ncheap,A,100,1\ndear,A,100,50\n");
  write_file("generators-p_set.csv", "snapshot,dear\nt0,5\nt1,\n");
  assert_float_equal(solve(0, NULL), 265.0, 1e-6);
  write_file("stores.csv", "name,bus,e_nom\nH,A,100\n");
  write_file("stores-e_set.csv", "snapshot,H\nt0,4\nt1,4\n");
  assert_float_equal(solve(0, NULL), 269.0, 1e-6);
  /* a storage unit's net output fixed statically to -2 (charging) */
  write_file("storage_units.csv", "name,bus,p_nom,max_hours,p_set\nS,A,10,10,-2\n");
  assert_float_equal(solve(0, NULL), 269.0 + 4.0, 1e-6);
  cleanup_dir();
}

/* marginal_cost_storage (series 0.5, 0) on the energy held: a store
 * holding 10 MWh at t0 (nothing to serve) pays 0.5 * 10; it serves the
 * load at t1: 5 (PyPSA 1.4.0 + HiGHS: 5). */
static void test_marginal_cost_storage(void **s) {
  (void)s;
  one_bus("mcs", "snapshot,L\nt0,0\nt1,10\n");
  write_file("generators.csv", "name,bus,p_nom,marginal_cost\ngas,A,100,10\n");
  write_file("stores.csv", "name,bus,e_nom,e_initial\nH,A,100,10\n");
  write_file("stores-marginal_cost_storage.csv", "snapshot,H\nt0,0.5\nt1,0\n");
  assert_float_equal(solve(0, NULL), 5.0, 1e-6);
  cleanup_dir();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_storage_marginal_cost_series),
      cmocka_unit_test(test_spill_cost_series),
      cmocka_unit_test(test_storage_efficiency_and_loss_series),
      cmocka_unit_test(test_store_standing_loss_series),
      cmocka_unit_test(test_generator_efficiency_series),
      cmocka_unit_test(test_generator_ramp_limits),
      cmocka_unit_test(test_ramp_extendable),
      cmocka_unit_test(test_link_ramp_limits),
      cmocka_unit_test(test_phase_shift),
      cmocka_unit_test(test_fixed_operation),
      cmocka_unit_test(test_marginal_cost_storage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
