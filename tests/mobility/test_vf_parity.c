/* Parity of the valley-filling projection: CUDA kernel against the CPU
 * backend (the reference). Exits 77 where no GPU is present. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "terrawatt/mobility_vf.h"

static tw_backend *g_gpu, *g_cpu;

static tw_status run(tw_backend *be, size_t G, int T, const float *price, const float *upper,
                     const double *energy, float *r_inout, float *lambda_inout) {
  tw_status st = TW_OK;
  size_t GT = G * (size_t)T;
  float *d_price = NULL, *d_r = NULL, *d_rp = NULL, *d_u = NULL, *d_l = NULL;
  double *d_e = NULL;
  TW_CHECK_GOTO(st, tw_backend_alloc(be, (size_t)T * sizeof(float), (void **)&d_price));
  TW_CHECK_GOTO(st, tw_backend_alloc(be, GT * sizeof(float), (void **)&d_r));
  TW_CHECK_GOTO(st, tw_backend_alloc(be, GT * sizeof(float), (void **)&d_u));
  TW_CHECK_GOTO(st, tw_backend_alloc(be, GT * sizeof(float), (void **)&d_rp));
  TW_CHECK_GOTO(st, tw_backend_upload(be, d_rp, upper, GT * sizeof(float))); /* any previous iterate */
  TW_CHECK_GOTO(st, tw_backend_alloc(be, G * sizeof(float), (void **)&d_l));
  TW_CHECK_GOTO(st, tw_backend_alloc(be, G * sizeof(double), (void **)&d_e));
  TW_CHECK_GOTO(st, tw_backend_upload(be, d_price, price, (size_t)T * sizeof(float)));
  TW_CHECK_GOTO(st, tw_backend_upload(be, d_r, r_inout, GT * sizeof(float)));
  TW_CHECK_GOTO(st, tw_backend_upload(be, d_u, upper, GT * sizeof(float)));
  TW_CHECK_GOTO(st, tw_backend_upload(be, d_l, lambda_inout, G * sizeof(float)));
  TW_CHECK_GOTO(st, tw_backend_upload(be, d_e, energy, G * sizeof(double)));
  tw_ev_project_job job = {.n_groups = G, .n_hours = T, .gamma = 1e-3f, .price = d_price,
                           .r = d_r, .r_prev = d_rp, .beta = 0.3f, .upper = d_u,
                           .energy_MWh = d_e, .lambda = d_l};
  TW_CHECK_GOTO(st, tw_backend_ev_project(be, &job));
  TW_CHECK_GOTO(st, tw_backend_synchronize(be));
  TW_CHECK_GOTO(st, tw_backend_download(be, r_inout, d_r, GT * sizeof(float)));
  TW_CHECK_GOTO(st, tw_backend_download(be, lambda_inout, d_l, G * sizeof(float)));
cleanup:
  tw_backend_free(be, d_price);
  tw_backend_free(be, d_r);
  tw_backend_free(be, d_rp);
  tw_backend_free(be, d_u);
  tw_backend_free(be, d_l);
  tw_backend_free(be, d_e);
  return st;
}

/* One projection step on 5000 groups x 168 h, some at the energy limits. */
static void ev_project_parity(void **state) {
  (void)state;
  const size_t G = 5000;
  const int T = 168;
  const size_t GT = G * (size_t)T;
  float *price = malloc((size_t)T * sizeof *price), *upper = malloc(GT * sizeof *upper),
        *r_cpu = malloc(GT * sizeof *r_cpu), *r_gpu = malloc(GT * sizeof *r_gpu),
        *l_cpu = calloc(G, sizeof *l_cpu), *l_gpu = calloc(G, sizeof *l_gpu);
  double *energy = malloc(G * sizeof *energy);
  assert_true(price && upper && r_cpu && r_gpu && l_cpu && l_gpu && energy);
  unsigned seed = 12345u;
#define RND() ((seed = seed * 1103515245u + 12345u), (double)((seed >> 8) & 0xffff) / 65536.0)
  for (int t = 0; t < T; t++) price[t] = (float)(800.0 + 300.0 * RND());
  for (size_t g = 0; g < G; g++) {
    double cap = 0;
    for (int t = 0; t < T; t++) {
      float u = RND() < 0.3 ? 0.0f : (float)(0.5 + RND());
      upper[(size_t)t * G + g] = u;
      r_cpu[(size_t)t * G + g] = (float)(u * RND());
      cap += u;
    }
    /* mostly interior, a few at the limits (0 and full) */
    energy[g] = g % 97 == 0 ? 0.0 : (g % 89 == 0 ? cap : cap * RND());
  }
#undef RND
  memcpy(r_gpu, r_cpu, GT * sizeof *r_gpu);
  if (run(g_cpu, G, T, price, upper, energy, r_cpu, l_cpu) != TW_OK ||
      run(g_gpu, G, T, price, upper, energy, r_gpu, l_gpu) != TW_OK)
    fail_msg("%s", tw_last_error());
  double maxdiff = 0;
  for (size_t i = 0; i < GT; i++) {
    double d = fabs((double)r_cpu[i] - (double)r_gpu[i]);
    if (d > maxdiff) maxdiff = d;
  }
  printf("ev_project parity: %zu groups x %d h, max |cpu - cuda| = %.3g MW\n", G, T, maxdiff);
  if (!(maxdiff <= 1e-4)) fail_msg("max difference %.3g MW exceeds 1e-4", maxdiff);
  free(price);
  free(upper);
  free(r_cpu);
  free(r_gpu);
  free(l_cpu);
  free(l_gpu);
  free(energy);
}

/* the full loop on both backends agrees too */
static void valley_fill_parity(void **state) {
  (void)state;
  const size_t G2 = 2000;
  double D[168], Rc[168], Rg[168], E2[2000];
  float *U2 = malloc(G2 * 168 * sizeof *U2);
  tw_fleet f;
  tw_vf_params par;
  tw_vf_result rcpu, rgpu;
  tw_fleet_default(&f);
  f.n_vehicles = 1e5;
  for (int t = 0; t < 168; t++) D[t] = 400 + 150 * sin(t * 0.2618);
  assert_non_null(U2);
  assert_int_equal(tw_fleet_vf_groups(&f, 1.0, 0, 168, NULL, 0.0, G2, U2, E2), TW_OK);
  tw_vf_problem p = {G2, 168, D, U2, E2};
  tw_vf_params_default(&par);
  if (tw_valley_fill(g_cpu, &p, &par, Rc, NULL, &rcpu) != TW_OK ||
      tw_valley_fill(g_gpu, &p, &par, Rg, NULL, &rgpu) != TW_OK)
    fail_msg("%s", tw_last_error());
  double peak = 0, d2 = 0;
  for (int t = 0; t < 168; t++) {
    if (Rc[t] > peak) peak = Rc[t];
    if (fabs(Rc[t] - Rg[t]) > d2) d2 = fabs(Rc[t] - Rg[t]);
  }
  printf("valley filling: cpu %d iterations, cuda %d; max aggregate difference %.3g of peak\n",
         rcpu.iterations, rgpu.iterations, d2 / peak);
  if (!(d2 <= 1e-3 * peak))
    fail_msg("max aggregate difference %.3g exceeds 1e-3 of the peak %.3g", d2, peak);
  free(U2);
}

int main(void) {
  if (!tw_backend_cuda_compiled() || tw_backend_cuda_devices(NULL, 0) <= 0) {
    fprintf(stderr, "SKIP: no CUDA device (built with CUDA: %d)\n", tw_backend_cuda_compiled());
    return 77;
  }
  if (tw_backend_create(TW_BACKEND_CUDA, &g_gpu) != TW_OK ||
      tw_backend_create(TW_BACKEND_CPU, &g_cpu) != TW_OK) {
    fprintf(stderr, "FAIL: %s\n", tw_last_error());
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ev_project_parity),
      cmocka_unit_test(valley_fill_parity),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  tw_backend_destroy(&g_gpu);
  tw_backend_destroy(&g_cpu);
  return failed ? 1 : 0;
}
