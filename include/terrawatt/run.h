/* terrawatt: the `run` pipeline. Reads a scenario file, converts the
 * climate data to per-bus capacity factors, and for every named scenario
 * solves the dispatch LP and writes results.nc and metrics.json, then
 * summary.json for the whole run.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_RUN_H
#define TERRAWATT_RUN_H

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
  int dry_run;             /* validate inputs and print the plan; write nothing */
} tw_run_options;

/* Run a scenario file. Collective on comm: every rank reads and converts
 * the inputs; scenarios are dealt to ranks round-robin; rank 0 writes
 * capacity_factors.nc and summary.json. Results do not depend on the number
 * of ranks. The plan (dry run) and progress go to the log. */
tw_status tw_run(const tw_run_options *opts, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
