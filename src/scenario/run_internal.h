/* Internal to the run pipeline (src/scenario/run*.c, member.c, task.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_SCENARIO_RUN_INTERNAL_H
#define TW_SCENARIO_RUN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "terrawatt/backend.h"
#include "terrawatt/climate.h"
#include "terrawatt/convert.h"
#include "terrawatt/metrics.h"
#include "terrawatt/network.h"
#include "terrawatt/run.h"
#include "terrawatt/scenario.h"
#include "terrawatt/time.h"
#include "terrawatt/summary.h"


/* One ensemble member as the run uses it: a member of the file, or one
 * year of it (`years:`), which is then a task of its own. */
typedef struct tw_run_member {
  const char *name;         /* task directory name: the member's, or "<member>-<year>" */
  char *owned_name;         /* storage of name when it was built here */
  const char *const *files; /* relative to the scenario file */
  size_t nfiles;
  const char *preset;       /* NULL: any name */
  const tw_role_names *variables;
  const tw_bias_config *bias; /* bias correction, or NULL */
  const double *level;      /* level of 4-D variables, or NULL */
  const char *const *diurnal; /* diurnal reference files, or NULL */
  size_t ndiurnal;
  int align_mdh;            /* 1: align month-day-hour (docs/SCENARIO.md, "Climate members") */
  int has_year;             /* 1: `year` is the member year of the network's first year */
  int year;
  /* from tw_members_check: */
  size_t cells, hours;      /* cells, and hourly steps converted (the snapshots' window) */
  double step_s;            /* the data's step */
} tw_run_member;

/* Inputs shared by every task of a run (read on every rank). */
typedef struct tw_run_ctx {
  tw_scenario_file *scenario;
  char *network_path;
  tw_network *base;           /* network as read */
  tw_run_member *members;
  size_t n_members;
  int named_members;          /* 1: the file has `members` (task dirs OUT/<scenario>/<member>) */
  const tw_scenario_variant *variants;
  size_t n_variants;
  const char *out_dir;
  tw_backend *be;             /* this rank's backend, made once in tw_run (not owned by tasks) */
  double value_of_lost_load;  /* currency/MWh, 0 without load shedding */
  double max_bus_distance_km; /* warn about buses farther than this from any cell with data */
  /* Input fingerprints (task_inputs.c), for --resume: */
  uint64_t *inputs_scenario;  /* [n_variants] file text outside `scenarios` + the variant's */
  uint64_t inputs_network, inputs_config;
  uint64_t *inputs_climate;   /* [n_members] */
  int lock_fd;                /* the output folder's lock (rank 0), -1 when not held */
  tw_basis_cache *bases;      /* optimal LP bases of this rank's tasks (warm starts) */
} tw_run_ctx;

/* Limit this rank's OpenMP threads so that threads x ranks on the node do
 * not exceed its cores (unless OMP_NUM_THREADS is set); returns the threads.
 * Collective on comm (run_threads.c). */
int tw_run_limit_threads(MPI_Comm comm);

/* The CUDA device for this rank's backend: `requested` when >= 0; -1
 * (the backend then reads TW_CUDA_DEVICE) when that variable is set or
 * kind is cpu; else the rank's index among the ranks of its node
 * (MPI_COMM_TYPE_SHARED) modulo the GPUs visible. Collective on comm. */
int tw_run_cuda_device(MPI_Comm comm, tw_backend_kind kind, int requested);

/* A member's weather on the network's snapshots, loaded by one rank. */
typedef struct tw_member_data {
  long index;                 /* member index, -1 when empty */
  tw_bus_series *series;      /* per-bus series on the climate axis (NULL: no wind/solar) */
  size_t *climate_index;      /* [T] climate step of each snapshot */
  double *wind_cf, *solar_cf; /* [T x B] on the snapshots, or NULL */
  double *combined_cf;        /* [T] capacity-weighted wind+solar CF of the base network, or NULL */
  unsigned char *drought;     /* [T] 1 in drought snapshots */
  tw_drought_run *runs;       /* [n_runs], every drought of the member */
  size_t n_runs;
  double longest_h, total_h;
} tw_member_data;

/* Load member `index` (climate, snapshot alignment, conversion, droughts)
 * into *d, replacing what it held. */
tw_status tw_member_load(const tw_run_ctx *ctx, size_t index, tw_member_data *d);
void tw_member_free(tw_member_data *d);

/* Build ctx->members from the scenario file: one per member, or one per
 * member and year (`years: [...]` or `years: all`, which reads the time
 * axis). Free with tw_members_free. */
tw_status tw_members_expand(tw_run_ctx *ctx);
void tw_members_free(tw_run_ctx *ctx);

/* Map a network snapshot (date and time `snap`, of a network whose first
 * snapshot is in year `net_year0`) onto a member whose calendar is `cal`
 * and whose year for net_year0 is `member_year`: the same month, day and
 * hour in year member_year + (snap->year - net_year0). 29 February goes to
 * 28 February where the member's year has none (noleap, 365_day, or a
 * non-leap year of a real calendar); day 31 goes to day 30 in 360_day.
 * The result is an instant of the member's calendar. */
tw_status tw_align_month_day_hour(const tw_datetime *snap, int net_year0, int member_year,
                                  tw_calendar cal, tw_time_s *out);

/* Shape check of every member (coordinates and times only, no values):
 * every snapshot must have climate data. Lists every problem. Also gives
 * the largest member's cells x times for the memory estimate. */
tw_status tw_members_check(const tw_run_ctx *ctx, size_t *max_cells, size_t *max_times);

/* Directory of task (variant v, member m), relative to out_dir. Caller frees. */
tw_status tw_task_reldir(const tw_run_ctx *ctx, size_t v, size_t m, char **out);

/* Solve one task and write its directory (results.nc, metrics.json,
 * series.json, then the completion record task.done). */
tw_status tw_task_run(const tw_run_ctx *ctx, size_t v, const tw_member_data *d);

/* Fingerprint every input of the run into ctx->inputs_* (every rank: the
 * rank that runs a task writes its record). Defined in task_inputs.c. */
tw_status tw_run_inputs_fingerprint(tw_run_ctx *ctx);

/* The fingerprints of task (variant v, member m), in the order of
 * tw_task_input_names. */
void tw_run_task_inputs(const tw_run_ctx *ctx, size_t v, size_t m, uint64_t out[TW_TASK_INPUTS]);

/* Take the advisory lock (flock) of the output folder: OUT/.terrawatt.lock
 * holding our PID. A second run on the same folder fails with TW_ERR_INPUT
 * naming the first run's PID. Rank 0 only. Defined in run_folder.c. */
tw_status tw_run_lock(const char *out_dir, int *fd);
void tw_run_unlock(int *fd);

/* With the lock held: remove temporary files (".NAME.tmp-PID-N") that
 * killed runs left in the output folder and its task folders, and the run
 * summaries of an earlier run (summary.json, summary.csv, ensemble.csv,
 * tasks.tsv, report.html), so a failing run cannot leave summaries that
 * contradict its task files. Logs what it removed. Defined in run_folder.c. */
tw_status tw_run_clean_folder(const char *out_dir);

/* Remove the run summaries (best effort), after a failure to write them all. */
void tw_run_remove_summaries(const char *out_dir);

/* "dir/name" joined into a new string. */
tw_status tw_path_join(const char *dir, const char *name, char **out);

/* Write OUT/run.json: run name, description, currency, baseline,
 * load_shedding_cost and each scenario's name and description
 * (docs/REPORT.md). Defined in src/scenario/run_info.c. */
tw_status tw_run_info_write(const tw_run_ctx *ctx);

#endif
