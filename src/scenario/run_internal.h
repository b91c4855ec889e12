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
#include "terrawatt/scenario.h"
#include "terrawatt/time.h"

#define TW_RUN_MAX_DROUGHTS 256

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
  tw_backend_kind backend;
  double value_of_lost_load;  /* currency/MWh, 0 without load shedding */
  double max_bus_distance_km; /* warn about buses farther than this from any cell with data */
} tw_run_ctx;

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

/* "dir/name" joined into a new string. */
tw_status tw_path_join(const char *dir, const char *name, char **out);

#endif
