/* Benchmark of decentralized valley filling: iterations per second for
 * G vehicle groups x T hours on a backend, against a serial loop over the
 * same TW_HD projection (no OpenMP, no BLAS) measured in the same run.
 * Usage: bench_valley_fill [groups] [hours] [iterations] [backend]
 * Last line: {"benchmark":"valley_filling","groups":...,"hours":...,
 *             "iterations_per_s":...,...}
 * Run by scripts/bench/valley-filling. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "terrawatt/log.h"
#include "terrawatt/mobility_math.h"
#include "terrawatt/mobility_vf.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Serial baseline: the same algorithm, one thread, plain loops. */
static double serial_iterations_per_s(const tw_vf_problem *p, double gamma, int iters) {
  size_t G = p->n_groups, GT = G * (size_t)p->n_hours;
  float *r = calloc(GT, sizeof *r), *rp = calloc(GT, sizeof *rp), *lam = calloc(G, sizeof *lam),
        *price = calloc((size_t)p->n_hours, sizeof *price);
  double *agg = calloc((size_t)p->n_hours, sizeof *agg);
  double t0, secs;
  if (!r || !rp || !lam || !price || !agg) return NAN;
  t0 = now_s();
  for (int k = 0; k < iters; k++) {
    /* momentum as in tw_valley_fill (its value does not change the cost) */
    for (int t = 0; t < p->n_hours; t++) price[t] = (float)(p->base_MW[t] + agg[t]);
    for (size_t g = 0; g < G; g++)
      (void)tw_vf_project_group(g, G, p->n_hours, (float)gamma, price, r, rp, 0.5f,
                                p->upper_MW, p->energy_MWh[g], &lam[g]);
    for (int t = 0; t < p->n_hours; t++) {
      double s = 0;
      for (size_t g = 0; g < G; g++) s += r[(size_t)t * G + g];
      agg[t] = s;
    }
  }
  secs = now_s() - t0;
  free(r);
  free(rp);
  free(lam);
  free(price);
  free(agg);
  return (double)iters / secs;
}

int main(int argc, char **argv) {
  size_t G = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 100000;
  int T = argc > 2 ? atoi(argv[2]) : 168;
  int iters = argc > 3 ? atoi(argv[3]) : 20;
  const char *bname = argc > 4 ? argv[4] : "cpu";
  tw_backend_kind kind;
  tw_backend *be = NULL;
  tw_fleet f;
  tw_vf_params par;
  tw_vf_result res, conv;
  float *U = NULL;
  double *E = NULL, *D = NULL, *R = NULL;
  int rc = 1;
  if (G == 0 || T <= 0 || iters <= 0) {
    fprintf(stderr, "usage: bench_valley_fill [groups>0] [hours>0] [iterations>0] [backend]\n");
    return 1;
  }
  if (tw_backend_kind_parse(bname, &kind) != TW_OK || tw_backend_create(kind, &be) != TW_OK) {
    fprintf(stderr, "bench_valley_fill: %s\n", tw_last_error());
    return 4;
  }
  U = malloc(G * (size_t)T * sizeof *U);
  E = malloc(G * sizeof *E);
  D = malloc((size_t)T * sizeof *D);
  R = malloc((size_t)T * sizeof *R);
  if (!U || !E || !D || !R) goto cleanup;
  tw_fleet_default(&f);
  f.n_vehicles = 10.0 * (double)G; /* 10 vehicles per group */
  for (int t = 0; t < T; t++)
    D[t] = 4000.0 + 1500.0 * sin(6.283185307179586 * (t - 9) / 24.0) + 300.0 * ((t * 7) % 5);
  if (tw_fleet_vf_groups(&f, 1.0, 0, T, NULL, 0.0, G, U, E) != TW_OK) {
    fprintf(stderr, "bench_valley_fill: %s\n", tw_last_error());
    goto cleanup;
  }
  tw_vf_problem p = {G, T, D, U, E};
  /* 1. to convergence (reported), 2. a fixed number of iterations (timed) */
  tw_vf_params_default(&par);
  if (tw_valley_fill(be, &p, &par, R, NULL, &conv) != TW_OK) goto fail;
  par.tol = 1e-300; /* never met: exactly `iters` iterations */
  par.max_iter = iters;
  tw_log_level level = tw_log_get_level();
  tw_log_set_level(TW_LOG_ERROR); /* "not converged" is expected here */
  tw_status st = tw_valley_fill(be, &p, &par, R, NULL, &res);
  tw_log_set_level(level);
  if (st != TW_OK) goto fail;
  double ips = (double)res.iterations / res.seconds;
  int base_iters = iters < 5 ? iters : 5;
  double base = serial_iterations_per_s(&p, res.gamma, base_iters);
  fprintf(stderr,
          "valley filling %s: %zu groups x %d h: %.2f iterations/s (%d in %.3f s); serial "
          "loop %.2f iterations/s; to tol %.0e: %d iterations, %.3f s, residual %.2e\n",
          tw_backend_name(be), G, T, ips, res.iterations, res.seconds, base, 1e-5, conv.iterations,
          conv.seconds, conv.residual);
  printf("{\"benchmark\":\"valley_filling\",\"backend\":\"%s\",\"groups\":%zu,\"hours\":%d,"
         "\"iterations_per_s\":%.4g,\"baseline\":\"serial loop, same projection\","
         "\"baseline_iterations_per_s\":%.4g,\"ratio\":%.4g,\"iterations_to_converge\":%d,"
         "\"converged\":%s,\"seconds_to_converge\":%.4g}\n",
         tw_backend_name(be), G, T, ips, base, ips / base, conv.iterations,
         conv.converged ? "true" : "false", conv.seconds);
  rc = 0;
  goto cleanup;
fail:
  fprintf(stderr, "bench_valley_fill: %s\n", tw_last_error());
cleanup:
  free(U);
  free(E);
  free(D);
  free(R);
  tw_backend_destroy(&be);
  return rc;
}
