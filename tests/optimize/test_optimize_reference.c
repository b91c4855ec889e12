/* Reference tests: PyPSA's stored LOPF and LPF solutions of ac-dc-meshed and
 * storage-hvdc (../shared/data/pypsa, see SOURCES.md). Tolerances:
 * objective 1e-6 relative, CO2 shadow price 1e-4 relative, dispatch,
 * flows, capacities and SoC 1e-3 MW(h), prices 1e-3 absolute + 1e-6 rel.
 *
 * storage-hvdc is degenerate: Storage 4 and Storage 5 (buses 4 and 5, equal
 * nodal prices at snapshots 3-6) can shift energy between them at no cost,
 * and so can the two HVDC links TL 0/TL 1 and the AC flows that follow. We
 * checked that PyPSA's stored trajectory satisfies our energy balances to
 * 1e-7 MWh; the tests compare everything that is unique: all generator
 * dispatch, prices, capacities, spill, SoC and p of Storage 0-3, the sum
 * Storage 4 + Storage 5, and the sum TL 0 + TL 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ref_util.h"
#include "terrawatt/optimize.h"

static char g_ref[4096];
static tw_kvl_formulation g_kvl = TW_KVL_CYCLE; /* the formulation solve() uses */

static void check_series(const char *path, const tw_network *net, const double *ours,
                         size_t n, const char *const *names, double tol, const char *what) {
  ref_table *t = calloc(1, sizeof *t);
  assert_non_null(t);
  assert_int_equal(ref_table_read(path, t), 0);
  assert_int_equal(t->nrows, (int)net->n_snapshots);
  int compared = 0;
  for (int j = 0; j < t->ncols; j++) {
    size_t i;
    for (i = 0; i < n; i++)
      if (!strcmp(names[i], t->cols[j])) break;
    if (i == n) fail_msg("%s: column '%s' unknown", path, t->cols[j]);
    for (int s = 0; s < t->nrows; s++) {
      double ref = t->v[s][j], got = ours[(size_t)s * n + i];
      if (isnan(ref)) continue;
      if (fabs(ref - got) > tol + 1e-6 * fabs(ref))
        fail_msg("%s %s '%s' snapshot %d: ours %.9g, PyPSA %.9g", what, path, names[i], s, got, ref);
      compared++;
    }
  }
  assert_true(compared > 0);
  free(t);
}

#define NAMES(arr, n, out)                                                                     \
  do {                                                                                         \
    for (size_t i_ = 0; i_ < (n); i_++) (out)[i_] = (arr)[i_].name;                             \
  } while (0)

static void solve(const char *rel, tw_network **net, tw_optimize_result **r) {
  char path[8192];
  snprintf(path, sizeof path, "%s/pypsa/%s", g_ref, rel);
  tw_status st = tw_network_read(path, net);
  if (st != TW_OK) fail_msg("%s", tw_last_error());
  tw_optimize_params p;
  tw_optimize_params_default(&p);
  p.kvl = g_kvl;
  st = tw_optimize_network(*net, &p, r);
  if (st != TW_OK) fail_msg("%s", tw_last_error());
  assert_string_equal((*r)->status, "optimal");
}

static void check_acdc(const char *rel) {
  tw_network *net = NULL;
  tw_optimize_result *r = NULL;
  char path[8192];
  const char *names[64];
  solve(rel, &net, &r);
  assert_true(fabs(r->objective - -3474256.04055) <= 1e-6 * 3474256.04055);
  assert_true(fabs(r->total_cost - 18441021.478) <= 1e-6 * 18441021.478);
  assert_int_equal(net->n_global_constraints, 1);
  assert_true(fabs(r->gc_mu[0] - 2178.29) <= 1e-4 * 2178.29);
  assert_true(fabs(r->co2_t - 1000.0) < 1e-3);
  const char *R = "pypsa/ac-dc-meshed/results-lopf";
  NAMES(net->generators, net->n_generators, names);
  snprintf(path, sizeof path, "%s/%s/generators-p.csv", g_ref, R);
  check_series(path, net, r->gen_p, net->n_generators, names, 1e-3, "dispatch");
  for (size_t g = 0; g < net->n_generators; g++) {
    double ref;
    snprintf(path, sizeof path, "%s/%s/generators.csv", g_ref, R);
    assert_int_equal(ref_static(path, names[g], "p_nom_opt", &ref), 0);
    assert_true(fabs(ref - r->gen_p_nom_opt[g]) < 1e-3);
  }
  NAMES(net->lines, net->n_lines, names);
  snprintf(path, sizeof path, "%s/%s/lines-p0.csv", g_ref, R);
  check_series(path, net, r->line_p0, net->n_lines, names, 1e-3, "flow");
  snprintf(path, sizeof path, "%s/%s/lines-p1.csv", g_ref, R);
  check_series(path, net, r->line_p1, net->n_lines, names, 1e-3, "flow");
  for (size_t l = 0; l < net->n_lines; l++) {
    double ref;
    snprintf(path, sizeof path, "%s/%s/lines.csv", g_ref, R);
    assert_int_equal(ref_static(path, names[l], "s_nom_opt", &ref), 0);
    assert_true(fabs(ref - r->line_s_nom_opt[l]) < 1e-3);
  }
  NAMES(net->links, net->n_links, names);
  snprintf(path, sizeof path, "%s/%s/links-p0.csv", g_ref, R);
  check_series(path, net, r->link_p0, net->n_links, names, 1e-3, "link flow");
  snprintf(path, sizeof path, "%s/%s/links-p1.csv", g_ref, R);
  check_series(path, net, r->link_p1, net->n_links, names, 1e-3, "link flow");
  for (size_t k = 0; k < net->n_links; k++) {
    double ref;
    snprintf(path, sizeof path, "%s/%s/links.csv", g_ref, R);
    assert_int_equal(ref_static(path, names[k], "p_nom_opt", &ref), 0);
    assert_true(fabs(ref - r->link_p_nom_opt[k]) < 1e-3);
  }
  NAMES(net->buses, net->n_buses, names);
  snprintf(path, sizeof path, "%s/%s/buses-marginal_price.csv", g_ref, R);
  check_series(path, net, r->bus_marginal_price, net->n_buses, names, 1e-3, "price");
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&net);
}

static void test_acdc_netcdf(void **s) {
  (void)s;
  check_acdc("ac-dc-meshed/ac-dc-meshed.nc");
}
static void test_acdc_csv(void **s) {
  (void)s;
  check_acdc("ac-dc-meshed/csv");
}

/* The angle formulation of KVL (docs/OPTIMIZE.md "KVL") reaches PyPSA's
 * objective (1e-6), flows, capacities and prices as the cycle rows do. */
static void test_acdc_kvl_angle(void **s) {
  (void)s;
  g_kvl = TW_KVL_ANGLE;
  check_acdc("ac-dc-meshed/ac-dc-meshed.nc");
  g_kvl = TW_KVL_CYCLE;
}

static void check_storage_hvdc(const char *rel) {
  tw_network *net = NULL;
  tw_optimize_result *r = NULL;
  char path[8192];
  const char *names[64];
  solve(rel, &net, &r);
  assert_true(fabs(r->objective - 14670508.8254) <= 1e-6 * 14670508.8254);
  assert_true(fabs(r->gc_mu[0] - 394.46587) <= 1e-4 * 394.46587);
  const char *R = "pypsa/storage-hvdc/results-lopf";
  NAMES(net->generators, net->n_generators, names);
  snprintf(path, sizeof path, "%s/%s/generators-p.csv", g_ref, R);
  check_series(path, net, r->gen_p, net->n_generators, names, 1e-3, "dispatch");
  NAMES(net->buses, net->n_buses, names);
  snprintf(path, sizeof path, "%s/%s/buses-marginal_price.csv", g_ref, R);
  check_series(path, net, r->bus_marginal_price, net->n_buses, names, 1e-3, "price");
  NAMES(net->storage_units, net->n_storage_units, names);
  snprintf(path, sizeof path, "%s/%s/storage_units-spill.csv", g_ref, R);
  check_series(path, net, r->su_spill, net->n_storage_units, names, 1e-3, "spill");
  for (size_t s = 0; s < net->n_storage_units; s++) {
    double ref;
    snprintf(path, sizeof path, "%s/%s/storage_units.csv", g_ref, R);
    assert_int_equal(ref_static(path, names[s], "p_nom_opt", &ref), 0);
    assert_true(fabs(ref - r->su_p_nom_opt[s]) < 1e-3);
  }
  ref_table *soc = calloc(1, sizeof *soc), *p = calloc(1, sizeof *p), *tl = calloc(1, sizeof *tl);
  assert_non_null(soc);
  assert_non_null(p);
  assert_non_null(tl);
  snprintf(path, sizeof path, "%s/%s/storage_units-state_of_charge.csv", g_ref, R);
  assert_int_equal(ref_table_read(path, soc), 0);
  snprintf(path, sizeof path, "%s/%s/storage_units-p.csv", g_ref, R);
  assert_int_equal(ref_table_read(path, p), 0);
  snprintf(path, sizeof path, "%s/%s/links-p0.csv", g_ref, R);
  assert_int_equal(ref_table_read(path, tl), 0);
  size_t S = net->n_storage_units;
  int c4 = ref_table_col(soc, "Storage 4"), c5 = ref_table_col(soc, "Storage 5");
  assert_true(c4 >= 0 && c5 >= 0);
  for (size_t t = 0; t < net->n_snapshots; t++) {
    for (size_t s = 0; s < 4; s++) {
      int c = ref_table_col(soc, names[s]);
      assert_true(c >= 0);
      assert_true(fabs(soc->v[t][c] - r->su_state_of_charge[t * S + s]) < 1e-3);
      assert_true(fabs(p->v[t][c] - r->su_p[t * S + s]) < 1e-3);
    }
    double ref45 = soc->v[t][c4] + soc->v[t][c5];
    double got45 = r->su_state_of_charge[t * S + 4] + r->su_state_of_charge[t * S + 5];
    assert_true(fabs(ref45 - got45) < 1e-3);
    double reftl = tl->v[t][ref_table_col(tl, "TL 0")] + tl->v[t][ref_table_col(tl, "TL 1")];
    assert_true(fabs(reftl - (r->link_p0[t * 2] + r->link_p0[t * 2 + 1])) < 1e-3);
  }
  free(soc);
  free(p);
  free(tl);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&net);
}

static void test_storage_hvdc_netcdf(void **s) {
  (void)s;
  check_storage_hvdc("storage-hvdc/storage-hvdc.nc");
}
static void test_storage_hvdc_csv(void **s) {
  (void)s;
  check_storage_hvdc("storage-hvdc/csv");
}

static void test_storage_hvdc_kvl_angle(void **s) {
  (void)s;
  g_kvl = TW_KVL_ANGLE;
  check_storage_hvdc("storage-hvdc/storage-hvdc.nc");
  g_kvl = TW_KVL_CYCLE;
}

/* Cycle rows and angle columns side by side: the same objective to 1e-6
 * and (where the optimum is unique, ac-dc-meshed) the same flows. */
static void test_kvl_same_objective(void **s) {
  (void)s;
  const char *nets[2] = {"ac-dc-meshed/ac-dc-meshed.nc", "storage-hvdc/storage-hvdc.nc"};
  for (int i = 0; i < 2; i++) {
    tw_network *net[2] = {NULL, NULL};
    tw_optimize_result *r[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
      g_kvl = k ? TW_KVL_ANGLE : TW_KVL_CYCLE;
      solve(nets[i], &net[k], &r[k]);
    }
    g_kvl = TW_KVL_CYCLE;
    if (fabs(r[0]->objective - r[1]->objective) > 1e-6 * fabs(r[0]->objective))
      fail_msg("%s: objective cycle %.12g, angle %.12g", nets[i], r[0]->objective, r[1]->objective);
    if (i == 0)
      for (size_t j = 0; j < net[0]->n_snapshots * net[0]->n_lines; j++)
        assert_true(fabs(r[0]->line_p0[j] - r[1]->line_p0[j]) < 1e-3);
    for (int k = 0; k < 2; k++) {
      tw_optimize_result_destroy(&r[k]);
      tw_network_destroy(&net[k]);
    }
  }
}

/* results-lpf: the DC load flow for given injections (generator dispatch
 * including the slack generators, link flows) reproduces the line flows
 * and the voltage-angle differences to the slack bus. */
static void test_acdc_linear_power_flow(void **s) {
  (void)s;
  tw_network *net = NULL;
  char path[8192];
  const char *names[64];
  snprintf(path, sizeof path, "%s/pypsa/ac-dc-meshed/ac-dc-meshed.nc", g_ref);
  assert_int_equal(tw_network_read(path, &net), TW_OK);
  size_t T = net->n_snapshots, G = net->n_generators, K = net->n_links, L = net->n_lines,
         B = net->n_buses;
  double *gp = calloc(T * G, sizeof(double)), *kp = calloc(T * K, sizeof(double));
  double *flow = calloc(T * L, sizeof(double)), *ang = calloc(T * B, sizeof(double));
  ref_table *t = calloc(1, sizeof *t);
  assert_true(gp && kp && flow && ang && t);
  snprintf(path, sizeof path, "%s/pypsa/ac-dc-meshed/results-lpf/generators-p.csv", g_ref);
  assert_int_equal(ref_table_read(path, t), 0);
  for (int j = 0; j < t->ncols; j++) {
    int g = tw_network_find_generator(net, t->cols[j]);
    assert_true(g >= 0);
    for (size_t s2 = 0; s2 < T; s2++) gp[s2 * G + (size_t)g] = t->v[s2][j];
  }
  snprintf(path, sizeof path, "%s/pypsa/ac-dc-meshed/results-lpf/links-p0.csv", g_ref);
  assert_int_equal(ref_table_read(path, t), 0);
  for (int j = 0; j < t->ncols; j++)
    for (size_t k = 0; k < K; k++)
      if (!strcmp(net->links[k].name, t->cols[j]))
        for (size_t s2 = 0; s2 < T; s2++) kp[s2 * K + k] = t->v[s2][j];
  assert_int_equal(tw_linear_power_flow(net, gp, kp, flow, NULL, ang), TW_OK);
  NAMES(net->lines, L, names);
  snprintf(path, sizeof path, "%s/pypsa/ac-dc-meshed/results-lpf/lines-p0.csv", g_ref);
  check_series(path, net, flow, L, names, 1e-3, "lpf flow");
  /* angles: PyPSA's slack in the UK sub-network is Manchester (angle 0) */
  snprintf(path, sizeof path, "%s/pypsa/ac-dc-meshed/results-lpf/buses-v_ang.csv", g_ref);
  assert_int_equal(ref_table_read(path, t), 0);
  int man = tw_network_find_bus(net, "Manchester"), lon = tw_network_find_bus(net, "London");
  int cl = ref_table_col(t, "London");
  assert_true(man >= 0 && lon >= 0 && cl >= 0);
  for (size_t s2 = 0; s2 < T; s2++) {
    double got = ang[s2 * B + (size_t)lon] - ang[s2 * B + (size_t)man];
    assert_true(fabs(got - t->v[s2][cl]) < 1e-9);
  }
  free(gp);
  free(kp);
  free(flow);
  free(ang);
  free(t);
  tw_network_destroy(&net);
}

/* A written NetCDF and CSV folder read back give the same optimum. */
static void test_roundtrip_writers(void **s) {
  (void)s;
  tw_network *net = NULL, *back = NULL;
  tw_optimize_result *r = NULL, *r2 = NULL;
  char out[4096], dir[4096];
  solve("storage-hvdc/storage-hvdc.nc", &net, &r);
  const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  snprintf(out, sizeof out, "%s/tw_opt_roundtrip_%d.nc", tmp, (int)getpid());
  snprintf(dir, sizeof dir, "%s/tw_opt_roundtrip_%d_csv", tmp, (int)getpid());
  assert_int_equal(tw_network_write_netcdf(net, r, out), TW_OK);
  assert_int_equal(tw_network_write_csv(net, r, dir), TW_OK);
  const char *paths[2] = {out, dir};
  for (int k = 0; k < 2; k++) {
    assert_int_equal(tw_network_read(paths[k], &back), TW_OK);
    assert_int_equal(back->n_storage_units, net->n_storage_units);
    assert_string_equal(back->snapshots[3], net->snapshots[3]);
    assert_true(back->storage_units[3].state_of_charge_set_t != NULL);
    assert_int_equal(tw_optimize_network(back, NULL, &r2), TW_OK);
    assert_true(fabs(r2->objective - r->objective) <= 1e-9 * fabs(r->objective));
    tw_optimize_result_destroy(&r2);
    tw_network_destroy(&back);
  }
  remove(out);
  char cmd[8300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&net);
}

int main(void) {
  if (!ref_dir(g_ref, sizeof g_ref)) return tw_reference_data_absent(g_ref);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_acdc_netcdf),          cmocka_unit_test(test_acdc_csv),
      cmocka_unit_test(test_storage_hvdc_netcdf),  cmocka_unit_test(test_storage_hvdc_csv),
      cmocka_unit_test(test_acdc_linear_power_flow), cmocka_unit_test(test_roundtrip_writers),
      cmocka_unit_test(test_acdc_kvl_angle),       cmocka_unit_test(test_storage_hvdc_kvl_angle),
      cmocka_unit_test(test_kvl_same_objective),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
