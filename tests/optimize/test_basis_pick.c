/* The crossover's basis from a point (src/optimize/basis_pick.c): hand-made
 * cases for each rule (the most interior variables basic, a dependent one
 * rejected and put at its nearest bound, a variable at a bound with the
 * smallest reduced cost completing the basis before a row's auxiliary), and
 * random sparse LPs whose picked basis GLPK must factorize (exactly m basic
 * variables, non-singular by construction).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/basis_pick.h"

/* A dense m x n matrix (row-major) to CSC. */
static void to_csc(int m, int n, const double *a, int *cp, int *ri, double *av) {
  int k = 0;
  for (int j = 0; j < n; j++) {
    cp[j] = k;
    for (int i = 0; i < m; i++)
      if (a[i * n + j] != 0) ri[k] = i, av[k] = a[i * n + j], k++;
  }
  cp[n] = k;
}

static void ax_of(int m, int n, const double *a, const double *x, double *ax) {
  for (int i = 0; i < m; i++) {
    ax[i] = 0;
    for (int j = 0; j < n; j++) ax[i] += a[i * n + j] * x[j];
  }
}

/* Rows x0 + x1 + x2 = 10.2 and x0 + x1 + x3 = 10.2, all x in [0, 10], at
 * the point (5, 5, 0.2, 0.2). Interiority (relative distance to the nearest
 * bound): x0 = x1 = 5/11 > x2 = x3 = 0.2. x0 is kept; x1's column equals
 * x0's, so it is rejected and put at its nearest bound (upper, 5/11 < 5);
 * x2 completes the basis (pivot in the second row) and x3 stays at 0. */
static void test_dependent_column_rejected(void **state) {
  (void)state;
  const int m = 2, n = 4;
  double a[] = {1, 1, 1, 0, 1, 1, 0, 1};
  double l[] = {0, 0, 0, 0}, u[] = {10, 10, 10, 10}, rl[] = {10.2, 10.2}, ru[] = {10.2, 10.2};
  double x[] = {5, 5, 0.2, 0.2}, ax[2];
  int cp[5], ri[8], cs[4], rs[2];
  double av[8];
  to_csc(m, n, a, cp, ri, av);
  ax_of(m, n, a, x, ax);
  tw_basis_point pt = {m, n, cp, ri, av, l, u, rl, ru, x, ax, NULL, 1e-6};
  tw_basis_pick_stats st;
  assert_int_equal(tw_basis_pick(&pt, 1000, cs, rs, &st), TW_OK);
  assert_int_equal(st.candidates, 4);
  assert_int_equal(st.kept, 2);
  assert_int_equal(st.slack_fill, 0);
  assert_int_equal(cs[0], GLP_BS);
  assert_int_equal(cs[1], GLP_NU);
  assert_int_equal(cs[2], GLP_BS);
  assert_int_equal(cs[3], GLP_NL);
  assert_int_equal(rs[0], GLP_NS);
  assert_int_equal(rs[1], GLP_NS);
}

/* Rows x0 + x1 = 4 and x1 + x2 = 0, x in [0, 10], point (4, 0, 0): only
 * x0 is interior and kept; the second row is completed by the variable at a
 * bound with the smallest |reduced cost| (x2: 0.5 < x1: 3), not by the row's
 * auxiliary (which is what happens without reduced costs). */
static void test_completion_by_reduced_cost(void **state) {
  (void)state;
  const int m = 2, n = 3;
  double a[] = {1, 1, 0, 0, 1, 1};
  double l[] = {0, 0, 0}, u[] = {10, 10, 10}, rl[] = {4, 0}, ru[] = {4, 0};
  double x[] = {4, 0, 0}, ax[2];
  double dj[] = {0, 3, 0.5, 1, 1};
  int cp[4], ri[6], cs[3], rs[2];
  double av[6];
  to_csc(m, n, a, cp, ri, av);
  ax_of(m, n, a, x, ax);
  tw_basis_point pt = {m, n, cp, ri, av, l, u, rl, ru, x, ax, dj, 1e-6};
  tw_basis_pick_stats st;
  assert_int_equal(tw_basis_pick(&pt, 1000, cs, rs, &st), TW_OK);
  assert_int_equal(st.kept, 1);
  assert_int_equal(st.degenerate, 1);
  assert_int_equal(st.slack_fill, 0);
  assert_int_equal(cs[0], GLP_BS);
  assert_int_equal(cs[1], GLP_NL);
  assert_int_equal(cs[2], GLP_BS);
  /* without reduced costs the second row's auxiliary completes the basis */
  pt.dj = NULL;
  assert_int_equal(tw_basis_pick(&pt, 1000, cs, rs, &st), TW_OK);
  assert_int_equal(st.slack_fill, 1);
  assert_int_equal(cs[2], GLP_NL);
  assert_int_equal(rs[1], GLP_BS);
  /* no room for multipliers: every candidate stays non-basic and the row
   * auxiliaries make the basis */
  assert_int_equal(tw_basis_pick(&pt, 0, cs, rs, &st), TW_OK);
  assert_int_equal(st.kept, 0);
  assert_int_equal(st.unprocessed, 1); /* x0; no reduced costs, no second tier */
  assert_int_equal(st.slack_fill, 2);
  assert_int_equal(cs[0], GLP_NU);
  assert_int_equal(rs[0], GLP_BS);
  assert_int_equal(rs[1], GLP_BS);
}

static unsigned rnd(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return (*s >> 8) & 0xFFFFFF;
}

/* Random sparse LPs (with duplicated and zero-sum dependent columns, free
 * columns, ranged and fixed rows) and random points: exactly m basic
 * variables and GLPK factorizes the basis. */
static void test_random_bases_factorize(void **state) {
  (void)state;
  unsigned seed = 7;
  for (int trial = 0; trial < 40; trial++) {
    int m = 5 + (int)(rnd(&seed) % 40), n = m + (int)(rnd(&seed) % 60);
    double *a = calloc((size_t)m * (size_t)n, sizeof *a);
    double *l = calloc((size_t)n, sizeof *l), *u = calloc((size_t)n, sizeof *u);
    double *x = calloc((size_t)n, sizeof *x), *ax = calloc((size_t)m, sizeof *ax);
    double *rl = calloc((size_t)m, sizeof *rl), *ru = calloc((size_t)m, sizeof *ru);
    double *av = calloc((size_t)m * (size_t)n, sizeof *av);
    double *dj = calloc((size_t)(m + n), sizeof *dj);
    int *cp = calloc((size_t)n + 1, sizeof *cp), *ri = calloc((size_t)m * (size_t)n, sizeof *ri);
    int *cs = calloc((size_t)n, sizeof *cs), *rs = calloc((size_t)m, sizeof *rs);
    for (int j = 0; j < n; j++) {
      if (j >= 2 && rnd(&seed) % 5 == 0) { /* a copy of an earlier column: dependent */
        int src = (int)(rnd(&seed) % (unsigned)j);
        for (int i = 0; i < m; i++) a[i * n + j] = a[i * n + src];
      } else {
        for (int t = 0; t < 3; t++)
          a[(int)(rnd(&seed) % (unsigned)m) * n + j] = (double)((int)(rnd(&seed) % 19) - 9) / 3.0;
      }
      int kind = (int)(rnd(&seed) % 4);
      l[j] = kind == 3 ? -INFINITY : 0.0;
      u[j] = kind == 3 ? INFINITY : kind == 2 ? 0.0 : 5.0; /* kind 2: fixed at 0 */
      x[j] = kind == 3 ? (double)(rnd(&seed) % 7) - 3 : kind == 2 ? 0.0
             : (rnd(&seed) % 3 == 0) ? 0.0 : (double)(rnd(&seed) % 50) / 10.0;
      dj[j] = (double)(rnd(&seed) % 100) / 10.0;
    }
    ax_of(m, n, a, x, ax);
    for (int i = 0; i < m; i++) {
      int kind = (int)(rnd(&seed) % 3);
      rl[i] = kind == 0 ? ax[i] : ax[i] - (double)(rnd(&seed) % 3);
      ru[i] = kind == 0 ? ax[i] : kind == 1 ? INFINITY : ax[i] + 1.0;
      dj[n + i] = (double)(rnd(&seed) % 100) / 10.0;
    }
    to_csc(m, n, a, cp, ri, av);
    tw_basis_point pt = {m, n, cp, ri, av, l, u, rl, ru, x, ax, (trial % 2) ? dj : NULL, 1e-6};
    tw_basis_pick_stats st;
    assert_int_equal(tw_basis_pick(&pt, 100000, cs, rs, &st), TW_OK);
    glp_prob *P = glp_create_prob();
    glp_add_rows(P, m);
    glp_add_cols(P, n);
    int *ind = calloc((size_t)m + 1, sizeof *ind);
    double *val = calloc((size_t)m + 1, sizeof *val);
    long basic = 0;
    for (int j = 0; j < n; j++) {
      int len = 0;
      for (int k = cp[j]; k < cp[j + 1]; k++) ind[++len] = ri[k] + 1, val[len] = av[k];
      glp_set_mat_col(P, j + 1, len, ind, val);
      glp_set_col_stat(P, j + 1, cs[j]);
      basic += cs[j] == GLP_BS;
    }
    for (int i = 0; i < m; i++) glp_set_row_stat(P, i + 1, rs[i]), basic += rs[i] == GLP_BS;
    assert_int_equal(basic, m);
    if (glp_factorize(P) != 0) fail_msg("trial %d (m %d, n %d): the picked basis is singular", trial, m, n);
    glp_delete_prob(P);
    free(ind), free(val), free(a), free(l), free(u), free(x), free(ax), free(rl), free(ru);
    free(av), free(dj), free(cp), free(ri), free(cs), free(rs);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dependent_column_rejected),
      cmocka_unit_test(test_completion_by_reduced_cost),
      cmocka_unit_test(test_random_bases_factorize),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
