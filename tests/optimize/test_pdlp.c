/* PDLP (src/optimize/pdlp.c) on hand-derived LPs, infeasibility detection,
 * and PDLP + crossover on PyPSA's reference networks: objectives to 1e-6
 * relative of PyPSA's stored optima, and duals (nodal prices, CO2 shadow
 * price) identical to the simplex's (exact vertex). Also the basis cache:
 * a second solve of a same-structure LP starts from the cached basis with
 * fewer iterations and the same objective; another structure misses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/crossover.h"
#include "optimize/pdlp.h"
#include "optimize/ref_util.h"
#include "terrawatt/optimize.h"

/* A dense m x n matrix (row-major) to CSR. */
static void to_csr(int m, int n, const double *a, int *rp, int *ci, double *av) {
  int k = 0;
  for (int i = 0; i < m; i++) {
    rp[i] = k;
    for (int j = 0; j < n; j++)
      if (a[i * n + j] != 0) ci[k] = j, av[k] = a[i * n + j], k++;
  }
  rp[m] = k;
}

static tw_pdlp_result solve_dense(int m, int n, const double *a, const double *c, const double *l,
                                  const double *u, const double *rl, const double *ru, double tol) {
  int rp[16], ci[64];
  double av[64];
  to_csr(m, n, a, rp, ci, av);
  tw_pdlp_lp lp = {{m, n, rp[m], rp, ci, av}, c, l, u, rl, ru};
  tw_pdlp_settings s = {tol, 100000, 0, NULL};
  tw_pdlp_result r;
  assert_int_equal(tw_pdlp_solve(&lp, &s, &r), TW_OK);
  return r;
}

/* min -x1 - x2  s.t. x1 + 2 x2 <= 4, 3 x1 + x2 <= 6, x >= 0:
 * x = (1.6, 1.2), objective -2.8, duals (-0.4, -0.2) (d objective / d rhs). */
static void test_pdlp_two_constraints(void **state) {
  (void)state;
  const double a[] = {1, 2, 3, 1}, c[] = {-1, -1}, l[] = {0, 0}, u[] = {INFINITY, INFINITY};
  const double rl[] = {-INFINITY, -INFINITY}, ru[] = {4, 6};
  tw_pdlp_result r = solve_dense(2, 2, a, c, l, u, rl, ru, 1e-8);
  assert_int_equal(r.status, TW_PDLP_OPTIMAL);
  assert_true(fabs(r.x[0] - 1.6) < 1e-6 && fabs(r.x[1] - 1.2) < 1e-6);
  assert_true(fabs(r.y[0] + 0.4) < 1e-6 && fabs(r.y[1] + 0.2) < 1e-6);
  assert_true(fabs(r.primal_obj + 2.8) < 1e-6);
  assert_true(r.iterations > 0);
  tw_pdlp_result_free(&r);
}

/* Ranges, equalities and a free variable: min x1 + 2 x2 + 0 x3
 * s.t. x1 + x2 = 3, 1 <= x1 - x3 <= 2, x1 in [0, 2.5], x2 >= 0, x3 free:
 * x1 = 2.5 (cheaper than x2), x2 = 0.5, x3 in [0.5, 1.5]; objective 3.5. */
static void test_pdlp_ranges_free(void **state) {
  (void)state;
  const double a[] = {1, 1, 0, 1, 0, -1}, c[] = {1, 2, 0};
  const double l[] = {0, 0, -INFINITY}, u[] = {2.5, INFINITY, INFINITY};
  const double rl[] = {3, 1}, ru[] = {3, 2};
  tw_pdlp_result r = solve_dense(2, 3, a, c, l, u, rl, ru, 1e-8);
  assert_int_equal(r.status, TW_PDLP_OPTIMAL);
  assert_true(fabs(r.primal_obj - 3.5) < 1e-6);
  assert_true(fabs(r.x[0] - 2.5) < 1e-6 && fabs(r.x[1] - 0.5) < 1e-6);
  assert_true(r.x[2] > 0.5 - 1e-6 && r.x[2] < 1.5 + 1e-6);
  assert_true(fabs(r.y[0] - 2.0) < 1e-5); /* one more unit of demand costs 2 */
  tw_pdlp_result_free(&r);
}

/* x1 + x2 >= 5 with x in [0, 1]^2: primal infeasible. */
static void test_pdlp_primal_infeasible(void **state) {
  (void)state;
  const double a[] = {1, 1}, c[] = {1, 1}, l[] = {0, 0}, u[] = {1, 1};
  const double rl[] = {5}, ru[] = {INFINITY};
  tw_pdlp_result r = solve_dense(1, 2, a, c, l, u, rl, ru, 1e-6);
  assert_int_equal(r.status, TW_PDLP_PRIMAL_INFEASIBLE);
  tw_pdlp_result_free(&r);
}

/* min -x1 s.t. x1 - x2 <= 1, x >= 0: unbounded (dual infeasible). */
static void test_pdlp_unbounded(void **state) {
  (void)state;
  const double a[] = {1, -1}, c[] = {-1, 0}, l[] = {0, 0}, u[] = {INFINITY, INFINITY};
  const double rl[] = {-INFINITY}, ru[] = {1};
  tw_pdlp_result r = solve_dense(1, 2, a, c, l, u, rl, ru, 1e-6);
  assert_int_equal(r.status, TW_PDLP_DUAL_INFEASIBLE);
  tw_pdlp_result_free(&r);
}

static char g_ref[4096];

static tw_network *read_ref(const char *rel) {
  char path[8192];
  tw_network *net = NULL;
  snprintf(path, sizeof path, "%s/pypsa/%s", g_ref, rel);
  if (tw_network_read(path, &net) != TW_OK) fail_msg("%s", tw_last_error());
  return net;
}

static void check_pdlp_reference(const char *rel, double objective, double mu) {
  if (!g_ref[0]) skip();
  tw_network *net = read_ref(rel);
  tw_optimize_params p;
  tw_optimize_result *rs = NULL, *rp = NULL;
  tw_optimize_params_default(&p);
  p.solver = TW_SOLVER_SIMPLEX;
  assert_int_equal(tw_optimize_network(net, &p, &rs), TW_OK);
  p.solver = TW_SOLVER_PDLP;
  if (tw_optimize_network(net, &p, &rp) != TW_OK) fail_msg("%s", tw_last_error());
  assert_string_equal(rp->status, "optimal");
  assert_true(rp->pdlp_iterations > 0);
  assert_true(rp->crossover_iterations >= 0 && rp->crossover_iterations == rp->iterations);
  assert_true(fabs(rp->objective - objective) <= 1e-6 * fabs(objective));
  assert_true(fabs(rp->objective - rs->objective) <= 1e-9 * fabs(objective));
  assert_true(fabs(rp->gc_mu[0] - mu) <= 1e-4 * mu);
  assert_true(fabs(rp->gc_mu[0] - rs->gc_mu[0]) <= 1e-7 * mu);
  size_t nprice = net->n_snapshots * net->n_buses;
  for (size_t k = 0; k < nprice; k++)
    if (fabs(rp->bus_marginal_price[k] - rs->bus_marginal_price[k]) >
        1e-6 * (1 + fabs(rs->bus_marginal_price[k])))
      fail_msg("%s: price %zu: PDLP+crossover %.10g, simplex %.10g", rel, k,
               rp->bus_marginal_price[k], rs->bus_marginal_price[k]);
  tw_optimize_result_destroy(&rs);
  tw_optimize_result_destroy(&rp);
  tw_network_destroy(&net);
}

static void test_pdlp_acdc(void **state) {
  (void)state;
  check_pdlp_reference("ac-dc-meshed/ac-dc-meshed.nc", -3474256.04055, 2178.29);
}

static void test_pdlp_storage_hvdc(void **state) {
  (void)state;
  /* degenerate (see test_optimize_reference.c): prices may differ between optimal
   * vertices only where storage 4/5 are indifferent; the objective and mu are unique */
  if (!g_ref[0]) skip();
  tw_network *net = read_ref("storage-hvdc/storage-hvdc.nc");
  tw_optimize_params p;
  tw_optimize_result *r = NULL;
  tw_optimize_params_default(&p);
  p.solver = TW_SOLVER_PDLP;
  p.pdlp_tol = 1e-5;
  if (tw_optimize_network(net, &p, &r) != TW_OK) fail_msg("%s", tw_last_error());
  assert_true(r->pdlp_iterations > 0);
  assert_true(fabs(r->objective - 14670508.8254) <= 1e-6 * 14670508.8254);
  assert_true(fabs(r->gc_mu[0] - 394.46587) <= 1e-4 * 394.46587);
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&net);
}

static void test_basis_cache(void **state) {
  (void)state;
  if (!g_ref[0]) skip();
  tw_network *net = read_ref("ac-dc-meshed/ac-dc-meshed.nc");
  tw_network *other = read_ref("storage-hvdc/storage-hvdc.nc");
  tw_basis_cache *cache = NULL;
  tw_optimize_params p;
  tw_optimize_result *cold = NULL, *first = NULL, *warm = NULL, *miss = NULL;
  long hits = -1, misses = -1;
  assert_int_equal(tw_basis_cache_create(&cache), TW_OK);
  tw_optimize_params_default(&p);
  assert_int_equal(tw_optimize_network(net, &p, &cold), TW_OK);
  p.basis_cache = cache;
  p.basis_key = "member A";
  assert_int_equal(tw_optimize_network(net, &p, &first), TW_OK);
  assert_int_equal(first->warm_starts, 0);
  tw_basis_cache_counts(cache, &hits, &misses);
  assert_true(hits == 0 && misses == 1);
  p.basis_key = "member B"; /* another member: any entry of the same structure serves */
  assert_int_equal(tw_optimize_network(net, &p, &warm), TW_OK);
  assert_int_equal(warm->warm_starts, 1);
  assert_true(warm->iterations < cold->iterations);
  assert_true(fabs(warm->objective - cold->objective) <= 1e-9 * fabs(cold->objective));
  assert_int_equal(tw_optimize_network(other, &p, &miss), TW_OK); /* other structure */
  assert_int_equal(miss->warm_starts, 0);
  assert_true(fabs(miss->objective - 14670508.8254) <= 1e-6 * 14670508.8254);
  tw_basis_cache_counts(cache, &hits, &misses);
  assert_true(hits == 1 && misses == 2);
  tw_optimize_result_destroy(&cold);
  tw_optimize_result_destroy(&first);
  tw_optimize_result_destroy(&warm);
  tw_optimize_result_destroy(&miss);
  tw_basis_cache_destroy(&cache);
  assert_null(cache);
  tw_network_destroy(&net);
  tw_network_destroy(&other);
}

/* --solver auto's rule (docs/OPTIMIZE.md "PDLP and crossover"): PDLP +
 * crossover for LPs of TW_PDLP_AUTO_ROWS rows or more with --method auto;
 * the simplex below, or when a simplex method or the interior point is asked
 * for; --solver pdlp and simplex are obeyed at any size. */
static void test_solver_auto_rule(void **state) {
  (void)state;
  tw_optimize_params p;
  tw_optimize_params_default(&p);
  assert_int_equal(p.solver, TW_SOLVER_AUTO);
  assert_int_equal(tw_solver_use_pdlp(&p, TW_PDLP_AUTO_ROWS, 10), 1);
  assert_int_equal(tw_solver_use_pdlp(&p, TW_PDLP_AUTO_ROWS - 1, 100000), 0);
  p.method = TW_LP_PRIMAL;
  assert_int_equal(tw_solver_use_pdlp(&p, 100000, 100000), 0);
  p.method = TW_LP_INTERIOR;
  p.solver = TW_SOLVER_PDLP;
  assert_int_equal(tw_solver_use_pdlp(&p, 100000, 100000), 0);
  p.method = TW_LP_AUTO;
  assert_int_equal(tw_solver_use_pdlp(&p, 10, 10), 1);
  p.solver = TW_SOLVER_SIMPLEX;
  assert_int_equal(tw_solver_use_pdlp(&p, 100000, 100000), 0);
}

int main(void) {
  if (!ref_dir(g_ref, sizeof g_ref)) {
    if (tw_reference_data_required()) return tw_reference_data_absent(g_ref);
    g_ref[0] = '\0';
    printf("note: reference data not found; the reference cases are skipped\n");
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pdlp_two_constraints), cmocka_unit_test(test_pdlp_ranges_free),
      cmocka_unit_test(test_pdlp_primal_infeasible), cmocka_unit_test(test_pdlp_unbounded),
      cmocka_unit_test(test_pdlp_acdc),            cmocka_unit_test(test_pdlp_storage_hvdc),
      cmocka_unit_test(test_basis_cache),          cmocka_unit_test(test_solver_auto_rule),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
