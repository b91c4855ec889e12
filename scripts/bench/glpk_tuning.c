/* GLPK settings measured on MPS files: for every file and every setting,
 * CPU seconds, simplex iterations and the objective, runs interleaved
 * (setting order rotated per repeat) on a noisy shared machine.
 *
 * usage: glpk_tuning REPEATS FILE.mps...   (env SETTINGS="name ...")
 * Settings (name: meaning):
 *   primal      primal simplex, Harris ratio test, adv basis, auto scaling (the old default)
 *   primal-textbook   the same with the textbook ratio test
 *   dual        dual simplex (GLP_DUALP), Harris ratio test
 *   dual-flip   dual simplex with the long-step ratio test (GLP_RT_FLIP)
 *   dual-flip-presolve   the same after GLPK's LP presolver
 *   dual-flip-cpx        the same from glp_cpx_basis (Bixby)
 *   dual-flip-std        the same from the trivial (all-slack) basis
 *   dual-flip-noscale    dual-flip without scaling
 *   dual-flip-geq        dual-flip with GLP_SF_GM|GLP_SF_EQ (no power-of-2 rounding)
 *   primal-harris-cpx    primal simplex, Harris ratio test, glp_cpx_basis
 * Prints one line per (file, setting): min and median CPU seconds, iterations,
 * objective; the last line is one JSON object.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glpk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct setting {
  const char *name;
  int meth, r_test, presolve, basis, scale; /* basis: 0 std, 1 adv, 2 cpx; scale: -1 none */
} setting;

static const setting all_settings[] = {
    {"primal", GLP_PRIMAL, GLP_RT_HAR, 0, 1, GLP_SF_AUTO},
    {"primal-textbook", GLP_PRIMAL, GLP_RT_STD, 0, 1, GLP_SF_AUTO},
    {"dual", GLP_DUALP, GLP_RT_HAR, 0, 1, GLP_SF_AUTO},
    {"dual-flip", GLP_DUALP, GLP_RT_FLIP, 0, 1, GLP_SF_AUTO},
    {"dual-flip-presolve", GLP_DUALP, GLP_RT_FLIP, 1, 1, GLP_SF_AUTO},
    {"dual-flip-cpx", GLP_DUALP, GLP_RT_FLIP, 0, 2, GLP_SF_AUTO},
    {"dual-flip-std", GLP_DUALP, GLP_RT_FLIP, 0, 0, GLP_SF_AUTO},
    {"dual-flip-noscale", GLP_DUALP, GLP_RT_FLIP, 0, 1, -1},
    {"dual-flip-geq", GLP_DUALP, GLP_RT_FLIP, 0, 1, GLP_SF_GM | GLP_SF_EQ},
    {"primal-harris-cpx", GLP_PRIMAL, GLP_RT_HAR, 0, 2, GLP_SF_AUTO},
};
#define N_ALL (sizeof all_settings / sizeof all_settings[0])

static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int quiet(void *info, const char *s) {
  (void)info;
  (void)s;
  return 1;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* One solve; returns CPU seconds, fills iterations and objective. */
static double run_one(const char *path, const setting *s, int *it, double *obj, int *ok) {
  glp_prob *P = glp_create_prob();
  if (glp_read_mps(P, GLP_MPS_FILE, NULL, path) != 0) {
    fprintf(stderr, "glpk_tuning: %s: cannot read MPS\n", path);
    exit(2);
  }
  double t0 = cpu_s();
  if (s->scale >= 0) glp_scale_prob(P, s->scale);
  if (s->basis == 1) glp_adv_basis(P, 0);
  else if (s->basis == 2) glp_cpx_basis(P);
  else glp_std_basis(P);
  glp_smcp sp;
  glp_init_smcp(&sp);
  sp.msg_lev = GLP_MSG_OFF;
  sp.meth = s->meth;
  sp.r_test = s->r_test;
  sp.presolve = s->presolve ? GLP_ON : GLP_OFF;
  int rc = glp_simplex(P, &sp);
  double t = cpu_s() - t0;
  *ok = rc == 0 && glp_get_status(P) == GLP_OPT;
  *it = glp_get_it_cnt(P);
  *obj = glp_get_obj_val(P);
  glp_delete_prob(P);
  return t;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: glpk_tuning REPEATS FILE.mps...\n");
    return 1;
  }
  glp_term_hook(quiet, NULL);
  int reps = atoi(argv[1]);
  if (reps < 1) reps = 1;
  const setting *sel[N_ALL];
  size_t ns = 0;
  const char *env = getenv("SETTINGS");
  for (size_t k = 0; k < N_ALL; k++) {
    if (env && *env) {
      char pad[256];
      snprintf(pad, sizeof pad, " %s ", all_settings[k].name);
      char envp[1024];
      snprintf(envp, sizeof envp, " %s ", env);
      if (!strstr(envp, pad)) continue;
    }
    sel[ns++] = &all_settings[k];
  }
  int nf = argc - 2;
  double *t = calloc((size_t)nf * ns * (size_t)reps, sizeof *t);
  int *its = calloc((size_t)nf * ns, sizeof *its);
  double *objs = calloc((size_t)nf * ns, sizeof *objs);
  int *oks = calloc((size_t)nf * ns, sizeof *oks);
  if (!t || !its || !objs || !oks) return 4;
  for (int r = 0; r < reps; r++)
    for (int f = 0; f < nf; f++)
      for (size_t q = 0; q < ns; q++) {
        size_t k = (q + (size_t)r) % ns; /* rotate the order per repeat */
        size_t at = (size_t)f * ns + k;
        t[at * (size_t)reps + (size_t)r] = run_one(argv[f + 2], sel[k], &its[at], &objs[at], &oks[at]);
      }
  printf("{\"benchmark\":\"glpk-tuning\",\"repeats\":%d,\"results\":[", reps);
  for (int f = 0; f < nf; f++)
    for (size_t k = 0; k < ns; k++) {
      size_t at = (size_t)f * ns + k;
      double *v = &t[at * (size_t)reps];
      qsort(v, (size_t)reps, sizeof *v, cmp_d);
      fprintf(stderr, "%-40s %-20s min %8.3f s  median %8.3f s  it %7d  obj %.10g%s\n",
              strrchr(argv[f + 2], '/') ? strrchr(argv[f + 2], '/') + 1 : argv[f + 2], sel[k]->name,
              v[0], v[reps / 2], its[at], objs[at], oks[at] ? "" : "  (NOT OPTIMAL)");
      printf("%s{\"file\":\"%s\",\"setting\":\"%s\",\"min_s\":%.4f,\"median_s\":%.4f,"
             "\"iterations\":%d,\"objective\":%.10g,\"optimal\":%s}",
             (f || k) ? "," : "", argv[f + 2], sel[k]->name, v[0], v[reps / 2], its[at], objs[at],
             oks[at] ? "true" : "false");
    }
  printf("]}\n");
  free(t);
  free(its);
  free(objs);
  free(oks);
  return 0;
}
