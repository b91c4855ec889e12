/* Federated training (FedAvg) over MPI ranks, one region per rank (run
 * under mpirun -np 2): every rank ends with bit-identical weights, the
 * aggregated validation skill matches a direct computation, and the
 * validation RMSE is within 15 % of centralised training on the pooled
 * data of all regions.
 *
 * Regions share one demand law (daily shape, weekend dip, heating below
 * 15 deg C at 4 MW/K, cooling above 22 deg C at 5 MW/K, noise sigma 2 MW)
 * but have different climates (region r is 8 r deg C warmer), so the rows
 * are not identically distributed across ranks. Each rank writes and reads
 * only its own region's files; the test harness on rank 0 additionally
 * reads all regions to train the centralised reference.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpi_assert.h"
#include "terrawatt/forecast.h"

#define HOURS (24 * 365)
#define NOISE_MW 2.0

static double truth(int i, double t_c) {
  double hour = i % 24;
  int dow = (i / 24 + 3) % 7; /* 2015-01-01 is a Thursday: 0 = Monday */
  double shape = 100.0 + 25.0 * exp(-pow(hour - 8.0, 2) / 6.0) +
                 40.0 * exp(-pow(hour - 19.0, 2) / 5.0) - 20.0 * cos(6.283185307179586 * hour / 24.0);
  return shape - (dow >= 5 ? 12.0 : 0.0) + 4.0 * fmax(0.0, 15.0 - t_c) + 5.0 * fmax(0.0, t_c - 22.0);
}

/* Region r's files RDIR/{demand,weather}.csv. */
static int write_files(const char *rdir, int r) {
  char path[600];
  snprintf(path, sizeof path, "%s/demand.csv", rdir);
  FILE *d = fopen(path, "w");
  snprintf(path, sizeof path, "%s/weather.csv", rdir);
  FILE *w = fopen(path, "w");
  if (!d || !w) {
    if (d) fclose(d);
    if (w) fclose(w);
    return -1;
  }
  fprintf(d, "time,load [MW]\n");
  fprintf(w, "time,t2m [K]\n");
  tw_rng rng;
  tw_rng_seed(&rng, 100u + (unsigned)r);
  double anomaly = 0;
  for (int i = 0; i < HOURS; i++) {
    char when[32];
    tw_time_format(TW_CAL_STANDARD, 1420070400 + (tw_time_s)i * 3600, when, sizeof when);
    when[10] = ' ';
    double day = i / 24.0;
    anomaly = 0.95 * anomaly + 0.6 * tw_rng_normal(&rng);
    double t_c = 4.0 + 8.0 * r - 9.0 * cos(6.283185307179586 * (day - 15.0) / 365.0) +
                 4.0 * sin(6.283185307179586 * ((i % 24) - 9.0) / 24.0) + anomaly;
    fprintf(d, "%s,%.6f\n", when, truth(i, t_c) + NOISE_MW * tw_rng_normal(&rng));
    fprintf(w, "%s,%.6f\n", when, t_c + 273.15);
  }
  fclose(d);
  fclose(w);
  return 0;
}

static const char *config_fmt =
    "target: {file: region_%d/demand.csv, column: load, units: MW}\n"
    "horizon_h: 1\n"
    "features:\n"
    "  calendar: [hour_of_day, day_of_week]\n"
    "  exogenous: [{name: temperature, file: region_%d/weather.csv, column: t2m, units: K, timing: forecast}]\n"
    "model: {hidden: [32, 32], activation: relu}\n"
    "training:\n"
    "  epochs: %u\n"
    "  batch_size: 64\n"
    "  learning_rate: 0.003\n"
    "  learning_rate_decay: 0.95\n"
    "  patience: 10\n"
    "  seed: 4\n"
    "%s";

typedef struct region {
  tw_forecast_config *cfg;
  tw_feature *f;
  int nf;
  tw_forecast_dataset ds;
} region;

static int load_region(const char *dir, int r, int federated, region *out) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s_%d.yaml", dir, federated ? "fed" : "central", r);
  FILE *y = fopen(path, "w");
  if (!y) return -1;
  fprintf(y, config_fmt, r, r, 40u, federated ? "  federated: {rounds: 40, local_epochs: 1}\n" : "");
  fclose(y);
  memset(out, 0, sizeof *out);
  if (tw_forecast_config_load(path, &out->cfg) != TW_OK ||
      tw_forecast_features_from_config(out->cfg, &out->f, &out->nf) != TW_OK ||
      tw_forecast_dataset_build(out->cfg, out->f, out->nf, 1, NULL, 0, &out->ds) != TW_OK) {
    fprintf(stderr, "region %d: %s\n", r, tw_last_error());
    return -1;
  }
  return 0;
}

static void region_free(region *g) {
  tw_forecast_dataset_free(&g->ds);
  free(g->f);
  tw_forecast_config_free(&g->cfg);
}

/* Rows of region g's validation block (the last ceil(f n) rows). */
static size_t valid_rows(const region *g) {
  return (size_t)ceil(g->cfg->training->validation_fraction * (double)g->ds.n_rows);
}

/* Pool the regions' rows for centralised training: all training blocks,
 * then all validation blocks (the validation block stays at the end). */
static int pool(region *g, int n, tw_forecast_dataset *p) {
  size_t rows = 0, series_n = 0, nf = (size_t)g[0].ds.n_features;
  for (int r = 0; r < n; r++) {
    rows += g[r].ds.n_rows;
    series_n += g[r].ds.series_n;
  }
  memset(p, 0, sizeof *p);
  p->n_features = (int)nf;
  p->n_rows = rows;
  p->step_s = g[0].ds.step_s;
  p->series_n = series_n;
  p->have_target = 1;
  p->x = malloc(rows * nf * sizeof *p->x);
  p->y = malloc(rows * sizeof *p->y);
  p->time_s = malloc(rows * sizeof *p->time_s);
  p->series = malloc(series_n * sizeof *p->series);
  p->series_index = malloc(rows * sizeof *p->series_index);
  if (!p->x || !p->y || !p->time_s || !p->series || !p->series_index) return -1;
  size_t out = 0, soff = 0;
  for (int pass = 0; pass < 2; pass++) {
    soff = 0;
    for (int r = 0; r < n; r++) {
      const tw_forecast_dataset *d = &g[r].ds;
      size_t nt = d->n_rows - valid_rows(&g[r]);
      size_t lo = pass == 0 ? 0 : nt, hi = pass == 0 ? nt : d->n_rows;
      for (size_t i = lo; i < hi; i++, out++) {
        memcpy(p->x + out * nf, d->x + i * nf, nf * sizeof *p->x);
        p->y[out] = d->y[i];
        p->time_s[out] = d->time_s[i];
        p->series_index[out] = soff + d->series_index[i];
      }
      if (pass == 0) memcpy(p->series + soff, d->series, d->series_n * sizeof *p->series);
      soff += d->series_n;
    }
  }
  return 0;
}

/* RMSE of `m` over the validation blocks of all regions. */
static double valid_rmse(const tw_forecast_model *m, tw_backend *be, region *g, int n) {
  double se = 0;
  size_t cnt = 0;
  for (int r = 0; r < n; r++) {
    size_t nv = valid_rows(&g[r]), nt = g[r].ds.n_rows - nv;
    float *pred = malloc(nv * sizeof *pred);
    if (!pred || tw_forecast_predict(m, be, g[r].ds.x + nt * (size_t)g[r].nf, nv, pred) != TW_OK) {
      free(pred);
      return NAN;
    }
    for (size_t i = 0; i < nv; i++) {
      double e = (double)pred[i] - g[r].ds.y[nt + i];
      se += e * e;
    }
    cnt += nv;
    free(pred);
  }
  return sqrt(se / (double)cnt);
}

static int rank = 0, size = 1;
static char dir[64] = "/tmp/tw_forecast_fed_XXXXXX";

/* Collective: a shared folder from rank 0; each rank generates only its own
 * region's data. Fails on every rank when it fails on one. */
static int setup(void **state) {
  (void)state;
  int rc = 0;
  char rdir[128];
  if (rank == 0 && !mkdtemp(dir)) rc = 1;
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Bcast(dir, sizeof dir, MPI_CHAR, 0, MPI_COMM_WORLD);
  if (rc) return -1;
  snprintf(rdir, sizeof rdir, "%s/region_%d", dir, rank);
  rc = mkdir(rdir, 0700) != 0 || write_files(rdir, rank) != 0;
  MPI_Allreduce(MPI_IN_PLACE, &rc, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return rc ? -1 : 0;
}

static int teardown(void **state) {
  (void)state;
  int rc = 0;
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) rc = 1;
  }
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return rc ? -1 : 0;
}

/* The checks of one run, each 1 when it holds (rank 0 alone computes the
 * comparison with centralised training; the other ranks keep 1 there). */
typedef struct fed_checks {
  int loaded, trained, same_weights, metadata;
  int centralised_trained, rmse_within_15pct, reported_equals_computed, below_baselines;
} fed_checks;

/* Rank 0: centralised training on the pooled rows of all regions, and the
 * comparisons with the federated model. */
static void compare_with_centralised(const tw_forecast_model *fed, tw_backend *be, fed_checks *c) {
  region *all = calloc((size_t)size, sizeof *all);
  tw_forecast_dataset pooled = {0};
  tw_forecast_model *cen = NULL;
  int ok = all != NULL;
  for (int r = 0; ok && r < size; r++) ok = load_region(dir, r, 0, &all[r]) == 0;
  ok = ok && pool(all, size, &pooled) == 0;
  tw_forecast_train_options serial = {.backend = be, .comm = MPI_COMM_NULL, .log_every = 0};
  if (ok && tw_forecast_train(all[0].cfg, all[0].f, all[0].nf, NULL, 0, &pooled, &serial, &cen) !=
                TW_OK) {
    fprintf(stderr, "centralised training: %s\n", tw_last_error());
    ok = 0;
  }
  c->centralised_trained = ok;
  if (ok) {
    double r_fed = valid_rmse(fed, be, all, size), r_cen = valid_rmse(cen, be, all, size);
    double reported = fed->skill[TW_SKILL_MLP][TW_SKILL_RMSE];
    printf("%d regions: federated RMSE %.4f MW (%u rounds x %u local epochs, best epoch %d), "
           "centralised %.4f MW (%d epochs, best %d); ratio %.4f; noise sigma %.1f MW\n",
           size, r_fed, fed->fed_rounds, fed->fed_local_epochs, fed->best_epoch, r_cen,
           cen->epochs_run, cen->best_epoch, r_fed / r_cen, NOISE_MW);
    printf("federated baselines (aggregated):");
    for (int i = 1; i < TW_SKILL_METHODS; i++)
      printf(" %s %.3f", tw_skill_method_names[i], fed->skill[i][TW_SKILL_RMSE]);
    printf("\n");
    c->rmse_within_15pct = r_fed <= 1.15 * r_cen;
    if (!c->rmse_within_15pct)
      fprintf(stderr, "federated RMSE %.4f > 1.15 x centralised %.4f\n", r_fed, r_cen);
    /* the aggregated skill in the model equals the pooled computation */
    c->reported_equals_computed = fabs(reported - r_fed) <= 1e-4 * r_fed;
    if (!c->reported_equals_computed)
      fprintf(stderr, "reported federated RMSE %.6f != computed %.6f\n", reported, r_fed);
    for (int i = 1; i < TW_SKILL_METHODS; i++)
      if (!(r_fed < fed->skill[i][TW_SKILL_RMSE])) {
        fprintf(stderr, "federated RMSE %.4f not below %s %.4f\n", r_fed, tw_skill_method_names[i],
                fed->skill[i][TW_SKILL_RMSE]);
        c->below_baselines = 0;
      }
  }
  tw_forecast_model_free(&cen);
  tw_forecast_dataset_free(&pooled);
  for (int r = 0; all && r < size; r++) region_free(&all[r]);
  free(all);
}

static void test_federated_training(void **state) {
  (void)state;
  fed_checks c = {0, 0, 0, 0, 1, 1, 1, 1};
  tw_backend *be = NULL;
  region own;
  memset(&own, 0, sizeof own);
  tw_forecast_model *fed = NULL;
  c.loaded = tw_backend_create(TW_BACKEND_CPU, &be) == TW_OK && load_region(dir, rank, 1, &own) == 0;
  /* every rank enters the collective training only when all loaded */
  if (tw_mpi_all_ok(c.loaded, MPI_COMM_WORLD, "backend and region data", NULL, __FILE__, __LINE__)) {
    tw_forecast_train_options opt = {.backend = be, .comm = MPI_COMM_WORLD, .log_every = 0};
    c.trained = tw_forecast_train(own.cfg, own.f, own.nf, NULL, 0, &own.ds, &opt, &fed) == TW_OK;
    if (!c.trained) fprintf(stderr, "rank %d: federated training: %s\n", rank, tw_last_error());
  }
  if (tw_mpi_all_ok(c.trained, MPI_COMM_WORLD, "federated training", NULL, __FILE__, __LINE__)) {
    /* identical weights on every rank: compare with rank 0's bits */
    float *ref = malloc(fed->n_params * sizeof *ref);
    int have = tw_mpi_all_ok(ref != NULL, MPI_COMM_WORLD, "memory", NULL, __FILE__, __LINE__);
    if (have) {
      memcpy(ref, fed->params, fed->n_params * sizeof *ref);
      MPI_Bcast(ref, (int)fed->n_params, MPI_FLOAT, 0, MPI_COMM_WORLD);
      c.same_weights = memcmp(ref, fed->params, fed->n_params * sizeof *ref) == 0;
      if (!c.same_weights) fprintf(stderr, "rank %d: federated weights differ from rank 0\n", rank);
    }
    free(ref);
    c.metadata = fed->fed_rounds >= 1 && fed->ranks == size;
    if (!c.metadata)
      fprintf(stderr, "rank %d: metadata: %u rounds, %d ranks\n", rank, fed->fed_rounds, fed->ranks);
    if (rank == 0 && c.same_weights && c.metadata) compare_with_centralised(fed, be, &c);
  }
  tw_forecast_model_free(&fed);
  region_free(&own);
  tw_backend_destroy(&be);
  assert_all_ranks(c.loaded);
  assert_all_ranks(c.trained);
  assert_all_ranks(c.same_weights);
  assert_all_ranks(c.metadata);
  assert_all_ranks(c.centralised_trained);
  assert_all_ranks(c.rmse_within_15pct);
  assert_all_ranks(c.reported_equals_computed);
  assert_all_ranks(c.below_baselines);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_federated_training)};
  int failed = cmocka_run_group_tests(tests, setup, teardown);
  MPI_Finalize();
  return failed ? 1 : 0;
}
