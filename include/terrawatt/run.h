/* terrawatt: the `run` pipeline. Reads a scenario file and runs every task
 * (scenario x ensemble member): converts the member's climate data to
 * per-bus capacity factors, applies the scenario's changes, solves the
 * dispatch LP and writes the task's directory; then the run summary.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_RUN_H
#define TERRAWATT_RUN_H

#include "terrawatt/export.h"

#include <mpi.h>

#include "terrawatt/backend.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tw_run_options {
  const char *scenario_path;
  const char *out_dir;     /* default "out/<name>" when NULL */
  tw_backend_kind backend;
  int dry_run;             /* validate inputs, print the task list and memory estimate; write
                              nothing */
  int resume;              /* skip tasks whose completion record is valid; redo the others */
  int ranks_per_task;      /* ranks per task group (MPI_Comm_split); 0 or 1: one rank per task */
  int no_report;           /* 1: do not write OUT/report.html (docs/REPORT.md) */
  int warm_start;          /* start each LP from the optimal basis of the same LP of the
                              member's first scenario (its anchor, solved cold by this rank
                              first where needed): results still depend only on the task, not
                              on the rank count, task order or --resume (CLI default 1;
                              `run --cold` 0) */
  int device;              /* CUDA device of this rank's backend; -1: TW_CUDA_DEVICE when set,
                              else the node-local rank modulo the GPU count */
} tw_run_options;

/* Run a scenario file. Collective on comm.
 * Every rank validates the inputs (the whole scenario file, the network and
 * the shape of every member's climate data) before any task starts. Ranks
 * are split into groups of ranks_per_task (MPI_Comm_split); the first rank
 * of each group takes the next unfinished task from a shared counter
 * (MPI one-sided fetch-and-add on rank 0), so long and short tasks balance
 * dynamically. A task that fails raises a shared flag: every group stops
 * after its current task and all ranks return the failure (the failing
 * rank its own message). Rank 0 then writes summary.json, summary.csv,
 * ensemble.csv and tasks.tsv from the tasks' completion records, and (unless
 * no_report) the HTML report OUT/report.html; its last log line names the
 * page. A report that cannot be written (no Chart.js) is a warning that says
 * how to make it later, not a failed run. Results do not depend on the
 * number of ranks. */
TW_API tw_status tw_run(const tw_run_options *opts, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
