/* The `run` pipeline: scenario -> ingest -> convert -> optimize -> report,
 * as a task farm over scenario x member.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/run.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_internal.h"
#include "terrawatt/atomic_file.h"
#include "terrawatt/log.h"
#include "terrawatt/report.h"
#include "terrawatt/summary.h"
#include "core/strbuf.h"

/* Agree on the worst status over all ranks, so no rank waits in a
 * collective that another rank will never reach. Collective on comm. */
static tw_status agree(tw_status st, MPI_Comm comm) {
  int mine = (int)st, worst = 0;
  MPI_Allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, comm);
  if (worst != TW_OK && mine == TW_OK)
    return tw_error((tw_status)worst, "another rank failed (see its message above)");
  return (tw_status)worst;
}

static void ctx_free(tw_run_ctx *ctx) {
  tw_scenario_destroy(&ctx->scenario);
  free(ctx->network_path);
  tw_network_destroy(&ctx->base);
  tw_members_free(ctx);
  free(ctx->inputs_scenario);
  free(ctx->inputs_climate);
  tw_run_unlock(&ctx->lock_fd);
  tw_basis_cache_destroy(&ctx->bases);
  tw_backend_destroy(&ctx->be);
}

static tw_status prepare(const tw_run_options *o, tw_run_ctx *ctx, size_t *max_cells,
                         size_t *max_times) {
  static tw_scenario_variant base_variant;
  TW_CHECK(tw_scenario_load(o->scenario_path, &ctx->scenario));
  tw_scenario_file *s = ctx->scenario;
  TW_CHECK(tw_scenario_path(s, s->network, &ctx->network_path));
  TW_CHECK(tw_network_read(ctx->network_path, &ctx->base));
  TW_CHECK(tw_network_validate(ctx->base, ctx->network_path));
  TW_CHECK(tw_scenario_check_network(s, ctx->base, ctx->network_path));
  if (s->scenarios_count) {
    ctx->variants = s->scenarios;
    ctx->n_variants = s->scenarios_count;
  } else {
    memset(&base_variant, 0, sizeof base_variant);
    base_variant.name = (char *)"base";
    base_variant.demand_scale = base_variant.demand_growth = 1.0;
    ctx->variants = &base_variant;
    ctx->n_variants = 1;
  }
  TW_CHECK(tw_members_expand(ctx)); /* members, or members x years (member.c) */
  ctx->value_of_lost_load = s->optimize ? s->optimize->load_shedding_cost : 0;
  TW_CHECK(tw_members_check(ctx, max_cells, max_times));
  return tw_run_inputs_fingerprint(ctx);
}

/* A rough upper estimate of one rank's peak memory (bytes) for a task:
 * the climate data (7 float variables), cell-level conversion arrays,
 * per-bus series, the network's result arrays, and GLPK's LP (about 100
 * bytes per non-zero and 300 per row and column) over the LP window. */
static double peak_memory_bytes(const tw_run_ctx *ctx, size_t cells, size_t times) {
  const tw_network *n = ctx->base;
  const double T = (double)n->n_snapshots;
  double window = T;
  if (ctx->scenario->optimize && ctx->scenario->optimize->horizon_h)
    window = (double)(ctx->scenario->optimize->horizon_h + ctx->scenario->optimize->overlap_h);
  if (window > T) window = T;
  double G = (double)n->n_generators + 8, B = (double)n->n_buses,
         BR = (double)(n->n_lines + n->n_transformers), K = (double)n->n_links,
         S = (double)n->n_storage_units + 8, E = (double)n->n_stores, L = (double)n->n_loads;
  double climate = (double)cells * (double)times * 4.0 * 7.0;
  double convert = (double)cells * (double)times * 4.0 * 3.0;
  double series = (double)times * B * 4.0 * 4.0 + T * B * 8.0 * 2.0;
  double results = T * (2 * G + L + 2 * BR + 2 * K + 5 * S + 2 * E + 2 * B) * 8.0;
  double cols = window * (G + BR + K + 4 * S + 2 * E + B);
  double rows = window * (B + 2 * BR + 2 * K + 3 * S + 2 * E + 2 * G);
  double nnz = window * (3 * G + 5 * BR + 3 * K + 8 * S + 4 * E + B);
  double lp = nnz * 100.0 + (rows + cols) * 300.0;
  return climate + convert + series + results + lp;
}

static void print_plan(const tw_run_ctx *ctx, const unsigned char *done, size_t cells,
                       size_t times, int size, int ranks_per_task) {
  const size_t S = ctx->n_variants, M = ctx->n_members;
  printf("run '%s': network %s: %zu buses, %zu generators, %zu snapshots; %zu scenario%s x %zu "
         "member%s = %zu tasks on %d rank%s (%d per task)\n",
         ctx->scenario->name, ctx->network_path, ctx->base->n_buses, ctx->base->n_generators,
         ctx->base->n_snapshots, S, S == 1 ? "" : "s", M, M == 1 ? "" : "s", S * M, size,
         size == 1 ? "" : "s", ranks_per_task);
  for (size_t m = 0; m < M; m++)
    for (size_t v = 0; v < S; v++) {
      char *rel = NULL;
      size_t id = m * S + v;
      if (tw_task_reldir(ctx, v, m, &rel) != TW_OK) continue;
      printf("  task %zu: scenario '%s' x member '%s' -> %s/%s%s\n", id, ctx->variants[v].name,
             ctx->members[m].name, ctx->out_dir, rel, done[id] ? " (finished, skipped)" : "");
      free(rel);
    }
  for (size_t m = 0; m < M; m++) /* each member on its own: its cells, step and hourly steps */
    printf("  member '%s': %zu cells, step %g h, %zu hourly steps converted: estimated peak "
           "memory %.1f MiB\n", ctx->members[m].name, ctx->members[m].cells,
           ctx->members[m].step_s / 3600.0, ctx->members[m].hours,
           peak_memory_bytes(ctx, ctx->members[m].cells, ctx->members[m].hours) / 1048576.0);
  printf("estimated peak memory per rank: %.1f MiB (largest member: climate %zu cells x %zu "
         "steps)\n", peak_memory_bytes(ctx, cells, times) / 1048576.0, cells, times);
}

static tw_status record_path(const tw_run_ctx *ctx, size_t id, char **out) {
  char *rel = NULL, *dir = NULL;
  const size_t S = ctx->n_variants;
  tw_status st = tw_task_reldir(ctx, id % S, id / S, &rel);
  if (st == TW_OK) st = tw_path_join(ctx->out_dir, rel, &dir);
  if (st == TW_OK) st = tw_path_join(dir, "task.done", out);
  free(rel);
  free(dir);
  return st;
}

/* Rank 0: which tasks are finished (resume), or remove stale records. */
static tw_status scan_done(const tw_run_ctx *ctx, int resume, unsigned char *done) {
  const size_t N = ctx->n_variants * ctx->n_members, S = ctx->n_variants;
  tw_task_record *rec = NULL;
  TW_CHECK(tw_calloc(1, sizeof *rec, "task record", &rec));
  for (size_t id = 0; id < N; id++) {
    char *path = NULL;
    tw_status st = record_path(ctx, id, &path);
    if (st != TW_OK) {
      tw_task_record_free(rec);
      free(rec);
      return st;
    }
    if (resume) {
      done[id] = tw_task_record_read(path, rec) == TW_OK &&
                 strcmp(rec->scenario, ctx->variants[id % S].name) == 0 &&
                 strcmp(rec->member, ctx->members[id / S].name) == 0;
      if (done[id]) { /* keyed by content: every input must be the same as then */
        uint64_t now[TW_TASK_INPUTS];
        char changed[96] = "";
        tw_run_task_inputs(ctx, id % S, id / S, now);
        for (size_t k = 0; k < TW_TASK_INPUTS; k++)
          if (now[k] != rec->inputs[k])
            snprintf(changed + strlen(changed), sizeof changed - strlen(changed), "%s%s",
                     changed[0] ? ", " : "", tw_task_input_names[k]);
        if (changed[0]) {
          done[id] = 0;
          TW_LOG_I("task '%s' x '%s': inputs changed since it finished (%s); running it again",
                   ctx->variants[id % S].name, ctx->members[id / S].name, changed);
        }
      }
    } else if (unlink(path) != 0 && errno != ENOENT) {
      st = tw_error(TW_ERR_RESOURCE, "%s: cannot remove the old completion record: %s", path,
                    strerror(errno));
    }
    free(path);
    if (st != TW_OK) {
      tw_task_record_free(rec);
      free(rec);
      return st;
    }
  }
  tw_task_record_free(rec);
  free(rec);
  return TW_OK;
}

/* The task farm. Collective on comm. A shared counter on rank 0 hands out
 * task numbers; slot 1 of the window is the failure flag. */
static tw_status farm(const tw_run_ctx *ctx, const unsigned char *done, int ranks_per_task,
                      MPI_Comm comm) {
  const int N = (int)(ctx->n_variants * ctx->n_members);
  int rank = 0, grank = 0, *base = NULL;
  MPI_Comm group = MPI_COMM_NULL;
  MPI_Win win = MPI_WIN_NULL;
  tw_member_data data;
  tw_status st = TW_OK;
  memset(&data, 0, sizeof data);
  data.index = -1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_split(comm, rank / ranks_per_task, rank, &group);
  MPI_Comm_rank(group, &grank);
  MPI_Win_allocate(rank == 0 ? (MPI_Aint)(2 * sizeof(int)) : 0, sizeof(int), MPI_INFO_NULL, comm,
                   &base, &win);
  if (rank == 0) {
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
    base[0] = base[1] = 0;
    MPI_Win_unlock(0, win);
  }
  MPI_Barrier(comm);
  for (;;) {
    int msg[2] = {N, 0}; /* next task, failed flag */
    if (grank == 0) {
      const int one = 1, zero = 0;
      do {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
        MPI_Fetch_and_op(&one, &msg[0], MPI_INT, 0, 0, MPI_SUM, win);
        MPI_Fetch_and_op(&zero, &msg[1], MPI_INT, 0, 1, MPI_NO_OP, win);
        MPI_Win_unlock(0, win);
      } while (msg[0] < N && done[msg[0]] && !msg[1]);
    }
    MPI_Bcast(msg, 2, MPI_INT, 0, group);
    if (msg[0] >= N || msg[1]) break;
    if (grank == 0) {
      const size_t id = (size_t)msg[0], m = id / ctx->n_variants, v = id % ctx->n_variants;
      if (data.index != (long)m) st = tw_member_load(ctx, m, &data);
      if (st == TW_OK) st = tw_task_run(ctx, v, &data);
      if (st != TW_OK) {
        const int one = 1;
        int old = 0;
        TW_LOG_E("%s", tw_last_error());
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
        MPI_Fetch_and_op(&one, &old, MPI_INT, 0, 1, MPI_SUM, win);
        MPI_Win_unlock(0, win);
      }
    }
    /* The group learns the leader's outcome so every rank returns it. */
    int failed = st != TW_OK;
    MPI_Bcast(&failed, 1, MPI_INT, 0, group);
    if (failed) {
      if (st == TW_OK) st = tw_error(TW_ERR_INTERNAL, "the leader of this rank's group failed");
      break;
    }
  }
  tw_member_free(&data);
  MPI_Win_free(&win);
  MPI_Comm_free(&group);
  return st;
}

static tw_status write_tasks_tsv(const tw_run_ctx *ctx, const tw_task_record *records) {
  const size_t N = ctx->n_variants * ctx->n_members, S = ctx->n_variants;
  char *path = NULL;
  tw_strbuf b = {0};
  char line[1400];
  tw_sb_add(&b, "task\tscenario_index\tmember_index\tscenario\tmember\tdir\n");
  for (size_t id = 0; id < N; id++) {
    snprintf(line, sizeof line, "%zu\t%zu\t%zu\t%s\t%s\t%s\n", id, id % S, id / S,
             records[id].scenario, records[id].member, records[id].dir);
    tw_sb_add(&b, line);
  }
  tw_status st = tw_path_join(ctx->out_dir, "tasks.tsv", &path);
  if (st == TW_OK) st = tw_sb_write(&b, path);
  free(path);
  tw_sb_free(&b);
  return st;
}

static tw_status summarise(const tw_run_ctx *ctx) {
  const size_t N = ctx->n_variants * ctx->n_members;
  tw_task_record *records = NULL;
  const char **snames = NULL, **mnames = NULL;
  tw_status st = TW_OK;
  TW_CHECK_GOTO(st, tw_calloc(N, sizeof *records, "task records", &records));
  TW_CHECK_GOTO(st, tw_calloc(ctx->n_variants, sizeof *snames, "names", &snames));
  TW_CHECK_GOTO(st, tw_calloc(ctx->n_members, sizeof *mnames, "names", &mnames));
  for (size_t v = 0; v < ctx->n_variants; v++) snames[v] = ctx->variants[v].name;
  for (size_t m = 0; m < ctx->n_members; m++) mnames[m] = ctx->members[m].name;
  for (size_t id = 0; id < N && st == TW_OK; id++) {
    char *path = NULL;
    st = record_path(ctx, id, &path);
    if (st == TW_OK) st = tw_task_record_read(path, &records[id]);
    free(path);
  }
  if (st == TW_OK)
    st = tw_summary_write(ctx->out_dir, ctx->scenario->name, ctx->scenario->path, snames,
                          ctx->n_variants, mnames, ctx->n_members, records);
  if (st == TW_OK) st = write_tasks_tsv(ctx, records);
  if (st == TW_OK) st = tw_run_info_write(ctx);
  /* All summaries or none: a failure must not leave some of them */
  if (st != TW_OK) tw_run_remove_summaries(ctx->out_dir);
cleanup:
  for (size_t id = 0; records && id < N; id++) tw_task_record_free(&records[id]);
  free(records);
  free(snames);
  free(mnames);
  return st;
}

/* The planners' page (docs/REPORT.md); the last log line names it. */
/* The report after a run. Without Chart.js (a missing Debian package) the
 * run still succeeded: a warning says how to make the page later. Any other
 * failure (no memory, a run file that cannot be read) is the run's error. */
static tw_status write_report(const char *out_dir) {
  char *page = NULL;
  const char *chartjs = getenv("TW_CHARTJS");
  if (!chartjs || !chartjs[0]) chartjs = TW_CHARTJS_DEFAULT;
  if (access(chartjs, R_OK) != 0) {
    TW_LOG_W("report not written: Chart.js '%s': %s (install Debian's libjs-chart.js or set "
             "TW_CHARTJS); then run: terrawatt report %s",
             chartjs, strerror(errno), out_dir);
    return TW_OK;
  }
  TW_CHECK(tw_path_join(out_dir, "report.html", &page));
  tw_status st = tw_report_write(out_dir, page, chartjs);
  if (st == TW_OK) TW_LOG_I("report: open %s in a browser", page);
  free(page);
  return st;
}

tw_status tw_run(const tw_run_options *o, MPI_Comm comm) {
  tw_run_ctx ctx;
  unsigned char *done = NULL;
  char *default_out = NULL;
  size_t cells = 0, times = 0;
  int rank = 0, size = 1;
  int per_task = o->ranks_per_task > 1 ? o->ranks_per_task : 1;
  tw_status st;
  memset(&ctx, 0, sizeof ctx);
  ctx.lock_fd = -1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (per_task > size) per_task = size;

  (void)tw_run_limit_threads(comm);
  st = o->warm_start ? tw_basis_cache_create(&ctx.bases) : TW_OK;
  if (st == TW_OK) st = prepare(o, &ctx, &cells, &times);
  st = agree(st, comm);
  if (st != TW_OK) goto cleanup;
  ctx.out_dir = o->out_dir;
  if (!ctx.out_dir) {
    TW_CHECK_GOTO(st, tw_path_join("out", ctx.scenario->name, &default_out));
    ctx.out_dir = default_out;
  }
  const size_t N = ctx.n_variants * ctx.n_members;
  TW_CHECK_GOTO(st, tw_calloc(N, 1, "task flags", &done));
  if (o->dry_run) {
    if (rank == 0) {
      if (o->resume) st = scan_done(&ctx, 1, done);
      if (st == TW_OK) print_plan(&ctx, done, cells, times, size, per_task);
      fflush(stdout);
    }
    st = agree(st, comm);
    goto cleanup;
  }
  /* One backend per rank for every task (CUDA is loaded here, if at all). */
  int device = tw_run_cuda_device(comm, o->backend, o->device);
  st = agree(tw_backend_create_on(o->backend, device, &ctx.be), comm);
  if (st != TW_OK) goto cleanup;
  if (tw_backend_device(ctx.be) >= 0)
    TW_LOG_I("run: rank %d computes on %s device %d", rank, tw_backend_name(ctx.be),
             tw_backend_device(ctx.be));
  st = rank == 0 ? tw_mkdir_p(ctx.out_dir) : TW_OK;
  /* One run per output folder; then nothing stale may survive this run. */
  if (st == TW_OK && rank == 0) st = tw_run_lock(ctx.out_dir, &ctx.lock_fd);
  if (st == TW_OK && rank == 0) st = tw_run_clean_folder(ctx.out_dir);
  if (st == TW_OK && rank == 0) st = scan_done(&ctx, o->resume, done);
  st = agree(st, comm);
  if (st != TW_OK) goto cleanup;
  MPI_Bcast(done, (int)N, MPI_UNSIGNED_CHAR, 0, comm);
  st = agree(farm(&ctx, done, per_task, comm), comm);
  if (st != TW_OK) goto cleanup;
  if (rank == 0) st = summarise(&ctx);
  st = agree(st, comm);
  if (st == TW_OK && rank == 0)
    TW_LOG_I("wrote %s/summary.json (%zu task%s)", ctx.out_dir, N, N == 1 ? "" : "s");
  if (st == TW_OK && rank == 0 && !o->no_report) {
    st = write_report(ctx.out_dir);
    if (st != TW_OK) tw_run_remove_summaries(ctx.out_dir); /* all summaries or none */
  }
cleanup:
  free(done);
  free(default_out);
  ctx_free(&ctx);
  return st;
}
