/* terrawatt: completion records of run tasks and the run summary
 * (summary.json, summary.csv, ensemble.csv). docs/SCENARIO.md documents
 * the files.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_SUMMARY_H
#define TERRAWATT_SUMMARY_H

#include "terrawatt/export.h"

#include <stddef.h>
#include <stdint.h>

#include "terrawatt/metrics.h"
#include "terrawatt/name.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif


/* Fingerprints of the inputs that shaped a task (src/scenario/task_inputs.c):
 * scenario text, network, climate, configuration files. --resume skips a
 * task only when all of them match. */
#define TW_TASK_INPUTS 4
extern TW_API const char *const tw_task_input_names[TW_TASK_INPUTS];

/* What a finished task leaves in its completion record `task.done`: its
 * identity, every metric at full precision, and the member's droughts. */
typedef struct tw_task_record {
  char scenario[TW_NAME_MAX_BYTES + 1]; /* names follow the name rule (name.h) */
  char member[TW_NAME_MAX_BYTES + 1];
  char dir[2 * TW_NAME_MAX_BYTES + 2];  /* "<scenario>/<member>", relative to the run's folder */
  uint64_t inputs[TW_TASK_INPUTS]; /* 0 in records written before fingerprints */
  tw_task_metrics metrics;
  size_t n_runs;               /* the member's droughts, all of them */
  tw_drought_run *runs;        /* [n_runs], owned */
} tw_task_record;
/* dir is "<scenario>/<member>": both fields with one byte for '/' (their NULs give it and the end) */
_Static_assert(sizeof(((tw_task_record *)0)->dir) >=
                   sizeof(((tw_task_record *)0)->scenario) + sizeof(((tw_task_record *)0)->member),
               "tw_task_record.dir must hold <scenario>/<member>");

/* Free what a record owns (droughts, land table); the struct is the
 * caller's and is left empty. */
TW_API void tw_task_record_free(tw_task_record *r);

/* Write the record atomically (temporary name, then rename). Numbers are
 * written with 17 significant digits, so reading gives the same bits. */
TW_API tw_status tw_task_record_write(const char *path, const tw_task_record *r);

/* Read a record into *r (zeroed or read before: its old content is freed).
 * TW_ERR_INPUT (naming the file and line) when it is
 * missing, truncated or malformed: the task is then not finished. */
TW_API tw_status tw_task_record_read(const char *path, tw_task_record *r);

/* Write OUT/summary.json (tasks, members with droughts, ensemble
 * statistics min/P10/P50/P90/max/mean of every metric per scenario over
 * members), OUT/summary.csv (one row per task) and OUT/ensemble.csv (one
 * row per scenario and metric), each atomically. `records` holds
 * n_members x n_scenarios records, member-major (record m * S + s). */
TW_API tw_status tw_summary_write(const char *out_dir, const char *run_name, const char *scenario_file,
                                  const char *const *scenarios, size_t n_scenarios,
                                  const char *const *members, size_t n_members,
                                  const tw_task_record *records);

/* summary.json "climate_statistics" (src/report/climate_stats.c): per
 * scenario over its n_members tasks (members x climate years): tasks,
 * tasks_with_unserved, share_with_unserved, and for unserved_mwh and
 * drought_longest_h: p10, p50, p90 and return_periods (values sorted
 * descending with the Weibull plotting position i / (n + 1) and return
 * period (n + 1) / i, in tasks). Writes one JSON object into j. */
struct tw_json;
TW_API void tw_climate_stats_json(struct tw_json *j, const char *const *scenarios, size_t n_scenarios,
                                  size_t n_members, const tw_task_record *records);

/* Merge the outputs of separate runs of one scenario file (e.g. the
 * members of a Slurm array job, each run on its own output directory)
 * into out_dir: summary.json, summary.csv, ensemble.csv and tasks.tsv over
 * every task, whose directories are referenced relative to out_dir (so
 * `terrawatt report out_dir` works). Every input needs the same scenarios
 * in the same order; member names must be unique across inputs. Each
 * input's tasks.tsv lists its tasks; their task.done records are read.
 * TW_ERR_INPUT names the input and what differs. */
TW_API tw_status tw_summary_merge(const char *out_dir, const char *const *inputs, size_t n_inputs);

#ifdef __cplusplus
}
#endif
#endif
