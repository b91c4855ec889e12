/* Decentralized valley filling (CPU backend): flatness, agreement with an
 * independent water-filling computation, per-group feasibility; metrics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/mobility_metrics.h"
#include "terrawatt/mobility_vf.h"

#define TW_PI 3.14159265358979323846

/* Independent reference: the optimal aggregate profile of
 *   min sum_t (D_t + R_t)^2, 0 <= R_t <= U_t, sum R = E
 * is R_t = clamp(L - D_t, 0, U_t). phi(L) = sum clamp(L - D_t, 0, U_t) is
 * piecewise linear between the breakpoints D_t and D_t + U_t: evaluate it
 * at every breakpoint and interpolate inside the bracketing segment. */
static double phi(int T, const double *D, const double *U, double L) {
  double s = 0;
  for (int t = 0; t < T; t++) {
    double v = L - D[t];
    s += v < 0 ? 0 : (v > U[t] ? U[t] : v);
  }
  return s;
}

static void water_fill(int T, const double *D, const double *U, double E, double *R) {
  double best_lo = -INFINITY, best_hi = INFINITY;
  for (int i = 0; i < 2 * T; i++) {
    double b = i < T ? D[i] : D[i - T] + U[i - T];
    double v = phi(T, D, U, b);
    if (v <= E && b > best_lo) best_lo = b;
    if (v >= E && b < best_hi) best_hi = b;
  }
  double flo = phi(T, D, U, best_lo), fhi = phi(T, D, U, best_hi);
  double L = fhi > flo ? best_lo + (E - flo) * (best_hi - best_lo) / (fhi - flo) : best_lo;
  for (int t = 0; t < T; t++) {
    double v = L - D[t];
    R[t] = v < 0 ? 0 : (v > U[t] ? U[t] : v);
  }
}

static void base_load(int T, double *D) {
  for (int t = 0; t < T; t++)
    D[t] = 500.0 + 200.0 * sin(2.0 * TW_PI * (t - 9) / 24.0) + 60.0 * cos(2.0 * TW_PI * t / 168.0) +
           25.0 * ((t * 7) % 5);
}

static tw_backend *cpu(void) {
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  return be;
}

/* Single bus, one group with a charger that never binds: the aggregate
 * load D + R is flat over every hour where charging happens, and no
 * lower than that level where it does not. */
static void test_single_group_flat(void **state) {
  (void)state;
  enum { T = 72 };
  double D[T], R[T];
  float U[T];
  double E = 4000.0;
  tw_backend *be = cpu();
  tw_vf_params par;
  tw_vf_result res;
  base_load(T, D);
  for (int t = 0; t < T; t++) U[t] = 5000.0f;
  tw_vf_problem p = {1, T, D, U, &E};
  tw_vf_params_default(&par);
  assert_int_equal(tw_valley_fill(be, &p, &par, R, NULL, &res), TW_OK);
  assert_true(res.converged);
  double level = -1, sum = 0;
  int charging = 0;
  for (int t = 0; t < T; t++) {
    sum += R[t];
    if (R[t] > 1e-3) {
      if (level < 0) level = D[t] + R[t];
      assert_true(fabs(D[t] + R[t] - level) < 1e-4 * level);
      charging++;
    }
  }
  assert_true(charging > 3 && charging < T);
  for (int t = 0; t < T; t++)
    if (R[t] <= 1e-3) assert_true(D[t] >= level * (1 - 1e-4));
  assert_true(fabs(sum - E) < 1e-4 * E);
  tw_backend_destroy(&be);
}

/* Many heterogeneous groups sharing the plug-in windows, with binding
 * charger limits: the aggregate equals the water-filling optimum within 1%
 * of its peak (the LP aggregate profile of the same problem). */
static void test_groups_match_water_filling(void **state) {
  (void)state;
  enum { T = 168, G = 64 };
  double D[T], R[T], Rref[T], Uagg[T], E[G], Etot = 0, peak = 0;
  float *U = calloc((size_t)T * G, sizeof *U), *r = calloc((size_t)T * G, sizeof *r);
  tw_backend *be = cpu();
  tw_vf_params par;
  tw_vf_result res;
  assert_non_null(U);
  assert_non_null(r);
  base_load(T, D);
  for (int t = 0; t < T; t++) Uagg[t] = 0;
  for (int g = 0; g < G; g++) {
    double size = 0.5 + (double)((g * 37) % 11), cap = 0;
    for (int t = 0; t < T; t++) {
      int hod = t % 24;
      int home = hod < 7 || hod >= 17 || (t / 24) >= 5; /* away on weekday working hours */
      U[(size_t)t * G + (size_t)g] = home ? (float)(4.0 * size) : 0.0f;
      cap += U[(size_t)t * G + (size_t)g];
      Uagg[t] += U[(size_t)t * G + (size_t)g];
    }
    E[g] = 0.4 * cap;
    Etot += E[g];
  }
  water_fill(T, D, Uagg, Etot, Rref);
  tw_vf_problem p = {G, T, D, U, E};
  tw_vf_params_default(&par);
  assert_int_equal(tw_valley_fill(be, &p, &par, R, r, &res), TW_OK);
  assert_true(res.converged);
  assert_true(res.iterations > 1);
  double maxdiff = 0;
  for (int t = 0; t < T; t++) {
    if (Rref[t] > peak) peak = Rref[t];
    if (fabs(R[t] - Rref[t]) > maxdiff) maxdiff = fabs(R[t] - Rref[t]);
  }
  assert_true(maxdiff <= 0.01 * peak);
  /* each group gets its energy within its limits */
  for (int g = 0; g < G; g++) {
    double s = 0;
    for (int t = 0; t < T; t++) {
      float v = r[(size_t)t * G + (size_t)g];
      assert_true(v >= 0.0f && v <= U[(size_t)t * G + (size_t)g] * (1 + 1e-6f));
      s += v;
    }
    assert_true(fabs(s - E[g]) <= 1e-4 * E[g]);
  }
  /* the paper's plain iteration (no momentum) reaches the same profile */
  par.accelerate = 0;
  assert_int_equal(tw_valley_fill(be, &p, &par, R, NULL, &res), TW_OK);
  assert_true(res.converged);
  for (int t = 0; t < T; t++) assert_true(fabs(R[t] - Rref[t]) <= 0.01 * peak);
  free(U);
  free(r);
  tw_backend_destroy(&be);
}

/* Groups split from a fleet (different plug-in windows): feasible, and the
 * objective sum (D+R)^2 is no better than the aggregate relaxation and
 * better than immediate charging. */
static void test_fleet_groups(void **state) {
  (void)state;
  enum { T = 168, G = 200 };
  tw_fleet f;
  double D[T], R[T], Rrel[T], Uagg[T], imm[T], E[G], Etot = 0;
  float *U = calloc((size_t)T * G, sizeof *U);
  tw_backend *be = cpu();
  tw_vf_params par;
  tw_vf_result res;
  assert_non_null(U);
  tw_fleet_default(&f);
  f.n_vehicles = 200000;
  base_load(T, D);
  assert_int_equal(tw_fleet_vf_groups(&f, 1.0, 0, T, NULL, 0.0, G, U, E), TW_OK);
  for (int t = 0; t < T; t++) {
    Uagg[t] = 0;
    for (int g = 0; g < G; g++) Uagg[t] += U[(size_t)t * G + (size_t)g];
    assert_true(fabs(Uagg[t] / (200000 * 11e-3) - f.availability[t]) <= 1.0 / G + 1e-9);
  }
  for (int g = 0; g < G; g++) Etot += E[g];
  tw_vf_problem p = {G, T, D, U, E};
  tw_vf_params_default(&par);
  assert_int_equal(tw_valley_fill(be, &p, &par, R, NULL, &res), TW_OK);
  assert_true(res.converged);
  assert_string_equal(res.criterion, "max_t |R_k+1 - R_k| <= tol * max_t R_k+1");
  water_fill(T, D, Uagg, Etot, Rrel);
  assert_int_equal(tw_fleet_immediate_profile(&f, 1.0, 0, T, NULL, imm, NULL, NULL), TW_OK);
  double obj = 0, obj_rel = 0, obj_imm = 0, sum = 0;
  for (int t = 0; t < T; t++) {
    obj += (D[t] + R[t]) * (D[t] + R[t]);
    obj_rel += (D[t] + Rrel[t]) * (D[t] + Rrel[t]);
    obj_imm += (D[t] + imm[t]) * (D[t] + imm[t]);
    sum += R[t];
  }
  assert_true(fabs(sum - Etot) <= 1e-4 * Etot);
  assert_true(obj >= obj_rel * (1 - 1e-6));
  assert_true(obj < obj_imm);
  free(U);
  tw_backend_destroy(&be);
}

static void test_invalid_problem(void **state) {
  (void)state;
  double D[2] = {1, 2}, R[2], E = 10.0;
  float U[2] = {1, 1};
  tw_backend *be = cpu();
  tw_vf_params par;
  tw_vf_result res;
  tw_vf_params_default(&par);
  tw_vf_problem p = {1, 2, D, U, &E};
  assert_int_equal(tw_valley_fill(be, &p, &par, R, NULL, &res), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "group 0 needs 10 MWh"));
  E = 1.0;
  D[1] = NAN;
  assert_int_equal(tw_valley_fill(be, &p, &par, R, NULL, &res), TW_ERR_INPUT);
  tw_backend_destroy(&be);
}

/* Metrics against a hand computation (see the comments). */
static void test_metrics(void **state) {
  (void)state;
  const double demand[4] = {20, 10, 10, 10}, ren[4] = {0, 15, 0, 5};
  const double ev[4] = {2, 4, 0, 1}, ref[4] = {4, 0, 2, 1};
  /* listed out of merit order on purpose */
  const tw_supply_step stack[3] = {{5, 50, 1.0}, {8, 10, 0.5}, {0, 1, 0}};
  tw_ev_system sys = {4, demand, ren, stack, 3, 1000.0};
  tw_ev_metrics m;
  assert_int_equal(tw_ev_metrics_compute(&sys, ev, ref, 22, &m), TW_OK);
  /* net = [22, -1, 10, 6] */
  assert_true(m.peak_net_load_mw == 22);
  assert_true(fabs(m.net_load_std_mw - sqrt(278.75 / 4)) < 1e-12);
  assert_true(m.max_ramp_mw == 23);
  assert_true(m.curtailed_mwh == 1);
  assert_true(m.curtailment_absorbed_mwh == 4); /* surplus 5 in hour 1, EV takes 4 */
  /* h0: 8@10 + 5@50 + 9 unserved@1000; h2: 8@10 + 2@50; h3: 6@10 */
  assert_true(fabs(m.cost - 9570) < 1e-9);
  assert_true(fabs(m.co2_t - 18) < 1e-12);
  assert_true(m.unserved_mwh == 9);
  assert_true(m.ev_energy_mwh == 7 && m.ev_peak_mw == 4);
  assert_true(m.shifted_energy_mwh == 4);
  assert_true(m.charging_by_hour_mwh[22] == 2 && m.charging_by_hour_mwh[23] == 4 &&
              m.charging_by_hour_mwh[0] == 0 && m.charging_by_hour_mwh[1] == 1);

  tw_json j;
  tw_vf_result vf = {12, 1, 1e-6, 1e-5, 0.01, 0.5, "c"};
  tw_json_init(&j);
  tw_ev_metrics_json(&j, &m, &m, &vf, &m, 100, 0.004);
  const char *text = tw_json_text(&j);
  assert_non_null(text);
  assert_non_null(strstr(text, "{\"immediate\":{\"peak_net_load_mw\":22,"));
  assert_non_null(strstr(text, "\"smart\":{"));
  assert_non_null(strstr(text, "\"net_load_std_mw\":"));
  assert_non_null(strstr(text, "\"max_ramp_mw\":23"));
  assert_non_null(strstr(text, "\"cost\":9570"));
  assert_non_null(strstr(text, "\"co2_t\":18"));
  assert_non_null(strstr(text, "\"iterations\":12"));
  assert_non_null(strstr(text, "\"converged\":true"));
  tw_json_free(&j);

  double bad[4] = {1, NAN, 1, 1};
  assert_int_equal(tw_ev_metrics_compute(&sys, bad, NULL, 0, &m), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "hour 1"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_single_group_flat),
      cmocka_unit_test(test_groups_match_water_filling),
      cmocka_unit_test(test_fleet_groups),
      cmocka_unit_test(test_invalid_problem),
      cmocka_unit_test(test_metrics),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
