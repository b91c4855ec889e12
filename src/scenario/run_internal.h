/* Internal to the run pipeline (src/scenario/run*.c, member.c, task.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_SCENARIO_RUN_INTERNAL_H
#define TW_SCENARIO_RUN_INTERNAL_H

#include <stddef.h>

#include "terrawatt/backend.h"
#include "terrawatt/climate.h"
#include "terrawatt/convert.h"
#include "terrawatt/metrics.h"
#include "terrawatt/network.h"
#include "terrawatt/run.h"
#include "terrawatt/scenario.h"

#define TW_RUN_MAX_DROUGHTS 256

/* One ensemble member as the run uses it. */
typedef struct tw_run_member {
  const char *name;
  const char *const *files; /* relative to the scenario file */
  size_t nfiles;
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
  tw_backend_kind backend;
  double value_of_lost_load;  /* currency/MWh, 0 without load shedding */
  tw_basis_cache *bases;      /* optimal LP bases of this rank's tasks (warm starts) */
} tw_run_ctx;

/* Limit this rank's OpenMP threads so that threads x ranks on the node do
 * not exceed its cores (unless OMP_NUM_THREADS is set); returns the threads.
 * Collective on comm (run_threads.c). */
int tw_run_limit_threads(MPI_Comm comm);

/* A member's weather on the network's snapshots, loaded by one rank. */
typedef struct tw_member_data {
  long index;                 /* member index, -1 when empty */
  tw_bus_series *series;      /* per-bus series on the climate axis (NULL: no wind/solar) */
  size_t *climate_index;      /* [T] climate step of each snapshot */
  double *wind_cf, *solar_cf; /* [T x B] on the snapshots, or NULL */
  double *combined_cf;        /* [T] capacity-weighted wind+solar CF of the base network, or NULL */
  unsigned char *drought;     /* [T] 1 in drought snapshots */
  tw_drought_run runs[TW_RUN_MAX_DROUGHTS];
  size_t n_runs;              /* runs found (may exceed TW_RUN_MAX_DROUGHTS) */
  double longest_h, total_h;
} tw_member_data;

/* Load member `index` (climate, snapshot alignment, conversion, droughts)
 * into *d, replacing what it held. */
tw_status tw_member_load(const tw_run_ctx *ctx, size_t index, tw_member_data *d);
void tw_member_free(tw_member_data *d);

/* Shape check of every member (coordinates and times only, no values):
 * every snapshot must have climate data. Lists every problem. Also gives
 * the largest member's cells x times for the memory estimate. */
tw_status tw_members_check(const tw_run_ctx *ctx, size_t *max_cells, size_t *max_times);

/* Directory of task (variant v, member m), relative to out_dir. Caller frees. */
tw_status tw_task_reldir(const tw_run_ctx *ctx, size_t v, size_t m, char **out);

/* Solve one task and write its directory (results.nc, metrics.json,
 * series.json, then the completion record task.done). */
tw_status tw_task_run(const tw_run_ctx *ctx, size_t v, const tw_member_data *d);

/* "dir/name" joined into a new string. */
tw_status tw_path_join(const char *dir, const char *name, char **out);

#endif
