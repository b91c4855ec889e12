/* The network model on real networks: PyPSA's standard types against the
 * values PyPSA computes; a 1354-bus real transmission grid (pandapower's
 * case1354pegase with standard-type lines and transformers, storage units,
 * series) solved to PyPSA + HiGHS's objective; results written and read
 * back; clone; the hash index.
 * Fixtures: scripts/regen/standard_types_reference.py and
 * scripts/regen/pegase_network.py.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "network/network_attrs.h"
#include "optimize/lp.h"
#include "terrawatt/network.h"
#include "terrawatt/optimize.h"
#include "test_util.h"

static void rel_close(double got, double want, double tol, const char *what) {
  double scale = fmax(1e-300, fabs(want));
  if (!(fabs(got - want) <= tol * scale + 1e-300))
    fail_msg("%s: got %.17g, PyPSA %.17g (relative %.3g)", what, got, want,
             fabs(got - want) / scale);
}

/* r, x, g, b, s_nom, tap_ratio, phase_shift and x_pu_eff/r_pu_eff of
 * every typed branch equal PyPSA's calculate_dependent_values. */
static void test_standard_types(void **s) {
  (void)s;
  char dir[512], path[600], line[1024];
  snprintf(dir, sizeof dir, "%s/tests/network/data/standard_types", source_dir());
  tw_network *n = NULL;
  if (tw_network_read(dir, &n) != TW_OK) fail_msg("%s", tw_last_error());
  snprintf(path, sizeof path, "%s/expected.txt", dir);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  assert_non_null(fgets(line, sizeof line, f));
  size_t rows = 0;
  while (fgets(line, sizeof line, f)) {
    char list[32], name[64];
    double v[9];
    assert_int_equal(sscanf(line, "%31[^,],%63[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", list, name,
                            &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]),
                     11);
    int tr = strcmp(list, "transformers") == 0;
    int i = tw_network_find(n, list, name);
    assert_true(i >= 0);
    const tw_branch *b = tr ? &n->transformers[i] : &n->lines[i];
    size_t bi = tr ? n->n_lines + (size_t)i : (size_t)i;
    rel_close(b->r, v[0], 1e-12, "r");
    rel_close(b->x, v[1], 1e-12, "x");
    rel_close(b->g, v[2], 1e-12, "g");
    rel_close(b->b, v[3], 1e-12, "b");
    rel_close(b->s_nom_MVA, v[4], 1e-12, "s_nom");
    rel_close(b->tap_ratio, v[5], 1e-12, "tap_ratio");
    rel_close(b->phase_shift_deg, v[6], 1e-12, "phase_shift");
    rel_close(tw_branch_impedance(n, bi, 0), v[7], 1e-12, "x_pu_eff");
    rel_close(tw_branch_impedance(n, bi, 1), v[8], 1e-12, "r_pu_eff");
    rows++;
  }
  fclose(f);
  assert_int_equal(rows, n->n_lines + n->n_transformers);
  assert_true(rows >= 25);
  tw_network_destroy(&n);
}

static double reference_objective(const char *dir) {
  char path[600], text[4096];
  snprintf(path, sizeof path, "%s/reference.json", dir);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t len = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[len] = '\0';
  const char *o = strstr(text, "\"objective\":");
  assert_non_null(o);
  return strtod(o + strlen("\"objective\":"), NULL);
}

/* Every kept attribute of every component, static and series, equal in
 * a and b (walking the descriptor tables). */
static void assert_same_network(const tw_network *a, const tw_network *b) {
  assert_int_equal(a->n_snapshots, b->n_snapshots);
  for (size_t t = 0; t < a->n_snapshots; t++) {
    assert_string_equal(a->snapshots[t], b->snapshots[t]);
    assert_true(a->weight_objective[t] == b->weight_objective[t]);
  }
  for (int l = 0; l < TW_N_COMPONENT_LISTS; l++) {
    const tw_component_desc *d = &tw_component_descs[l];
    size_t n = tw_component_count(a, d);
    assert_int_equal(n, tw_component_count(b, d));
    for (size_t i = 0; i < n; i++) {
      void *x = tw_component_at(a, d, i), *y = tw_component_at(b, d, i);
      assert_string_equal(*tw_component_name(x), *tw_component_name(y));
      for (size_t k = 0; k < d->n_attrs; k++) {
        const tw_attr_desc *at = &d->attrs[k];
        if (at->off >= 0) {
          if (at->kind == TW_AK_NUM) {
            double u = *tw_attr_num(x, at), v = *tw_attr_num(y, at);
            if (!(u == v || (isnan(u) && isnan(v))))
              fail_msg("%s '%s': %s %.17g != %.17g", d->what, *tw_component_name(x), at->name, u, v);
          } else if (at->kind == TW_AK_STR) {
            const char *u = *tw_attr_str(x, at), *v = *tw_attr_str(y, at);
            assert_string_equal(u ? u : "", v ? v : "");
          } else {
            assert_int_equal(*tw_attr_int(x, at), *tw_attr_int(y, at));
          }
        }
        if (at->off_t >= 0) {
          const double *u = *tw_attr_series(x, at), *v = *tw_attr_series(y, at);
          assert_int_equal(u == NULL, v == NULL);
          for (size_t t = 0; u && t < a->n_snapshots; t++)
            assert_true(u[t] == v[t] || (isnan(u[t]) && isnan(v[t])));
        }
      }
    }
  }
}

/* The acceptance network: loads unchanged, solves to PyPSA +
 * HiGHS's objective within 1e-6, and its written results (with the
 * standard types) read back as the same network, attribute by attribute;
 * so does a clone. (PyPSA re-solving results.nc: pegase_network.py --check.) */
static void test_pegase1354(void **s) {
  (void)s;
  char dir[512], out[512];
  snprintf(dir, sizeof dir, "%s/tests/network/data/pegase1354", source_dir());
  double want = reference_objective(dir);
  tw_network *n = NULL, *back = NULL, *copy = NULL;
  if (tw_network_read(dir, &n) != TW_OK) fail_msg("%s", tw_last_error());
  assert_int_equal(n->n_buses, 1354);
  assert_int_equal(n->n_lines, 1751);
  assert_int_equal(n->n_transformers, 240);
  assert_int_equal(n->n_storage_units, 20);
  for (size_t i = 0; i < n->n_lines; i++) assert_non_null(n->lines[i].type);
  for (size_t i = 0; i < n->n_transformers; i++) assert_non_null(n->transformers[i].type);
  tw_optimize_result *r = NULL;
  if (tw_optimize_network(n, NULL, &r) != TW_OK) fail_msg("optimize: %s", tw_last_error());
  rel_close(r->objective, want, 1e-6, "pegase1354 objective vs PyPSA+HiGHS");
  { /* the angle formulation of KVL: the same objective */
    tw_optimize_params p;
    tw_optimize_result *ra = NULL;
    tw_optimize_params_default(&p);
    p.kvl = TW_KVL_ANGLE;
    if (tw_optimize_network(n, &p, &ra) != TW_OK) fail_msg("optimize --kvl angle: %s", tw_last_error());
    rel_close(ra->objective, want, 1e-6, "pegase1354 objective (KVL angles) vs PyPSA+HiGHS");
    tw_optimize_result_destroy(&ra);
  }
  empty_dir("pegase");
  snprintf(out, sizeof out, "%s/results.nc", g_dir);
  assert_int_equal(tw_network_write_netcdf(n, r, out), TW_OK);
  tw_optimize_result_destroy(&r);
  if (tw_network_read(out, &back) != TW_OK) fail_msg("%s", tw_last_error());
  assert_same_network(n, back);
  /* a clone outlives its original */
  assert_int_equal(tw_network_clone(back, &copy), TW_OK);
  tw_network_destroy(&back);
  assert_same_network(n, copy);
  assert_true(tw_network_find_bus(copy, "b1348") >= 0);
  tw_network_destroy(&copy);
  tw_network_destroy(&n);
  cleanup_dir();
}

/* clone copies every series and string; the index finds every name. */
static void test_clone_and_index(void **s) {
  (void)s;
  tw_network *n = NULL, *c = NULL;
  assert_int_equal(tw_network_create(2, &n), TW_OK);
  char name[32];
  for (int i = 0; i < 5000; i++) {
    snprintf(name, sizeof name, "bus %d", i);
    assert_int_equal(tw_network_add_bus(n, name, 110, i % 2 ? "DC" : NULL, NULL), TW_OK);
  }
  tw_storage_unit su;
  tw_storage_unit_default(&su);
  double mc[2] = {1, 2};
  su.name = "S";
  su.bus = 4321;
  su.marginal_cost_t = mc;
  assert_int_equal(tw_network_add_storage_unit(n, &su, NULL), TW_OK);
  assert_int_equal(tw_network_clone(n, &c), TW_OK);
  tw_network_destroy(&n);
  for (int i = 0; i < 5000; i += 7) {
    snprintf(name, sizeof name, "bus %d", i);
    assert_int_equal(tw_network_find_bus(c, name), i);
  }
  assert_int_equal(tw_network_find_bus(c, "bus 5000"), -1);
  assert_string_equal(c->buses[1].carrier, "DC");
  assert_int_equal(tw_network_find(c, "storage_units", "S"), 0);
  assert_true(c->storage_units[0].marginal_cost_t != mc);
  assert_true(c->storage_units[0].marginal_cost_t[1] == 2.0);
  assert_int_equal(c->storage_units[0].bus, 4321);
  tw_network_destroy(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_standard_types),
      cmocka_unit_test(test_clone_and_index),
      cmocka_unit_test(test_pegase1354),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
