/* terrawatt run SCENARIO.yaml [--out DIR] [--dry-run]
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "terrawatt/run.h"

void tw_cmd_run_usage(FILE *out) {
  fprintf(out,
          "usage: terrawatt run SCENARIO.yaml [--out DIR] [--backend auto|cpu|cuda] [--resume]\n"
          "                     [--dry-run] [--ranks-per-task N] [--no-report] [--cold]\n\n"
          "Validate the whole scenario file, then run every task (scenario x ensemble member):\n"
          "convert the member's climate data to per-bus wind and solar capacity factors, apply\n"
          "the scenario's changes and solve the dispatch LP. Writes, per task (TASK is\n"
          "<scenario>, or <scenario>/<member> when the file lists members):\n"
          "  DIR/TASK/results.nc     solved network (PyPSA NetCDF layout)\n"
          "  DIR/TASK/metrics.json   cost, CO2, resilience, droughts, land, water, ...\n"
          "  DIR/TASK/series.json    hourly dispatch, load, prices (for the report)\n"
          "  DIR/TASK/task.done      completion record (written last)\n"
          "and per run DIR/summary.json, DIR/summary.csv, DIR/ensemble.csv, DIR/tasks.tsv and\n"
          "the page DIR/report.html (docs/REPORT.md; its path is the last log line).\n"
          "Options:\n"
          "  --out DIR            output directory (default out/<name from the scenario file>)\n"
          "  --resume             skip tasks with a valid completion record; redo the others\n"
          "  --dry-run            validate all inputs, print the task list and an estimate of\n"
          "                       the peak memory per rank; write nothing\n"
          "  --ranks-per-task N   ranks per task group (default 1)\n"
          "  --no-report          do not write DIR/report.html (make it later with\n"
          "                       `terrawatt report DIR`)\n"
          "  --cold               solve every LP from scratch instead of warm-starting it\n"
          "                       from the same LP of the member's first scenario (the\n"
          "                       default, docs/OPTIMIZE.md: dispatch, smart charging and\n"
          "                       the forecast stage's two LPs; same costs and objectives,\n"
          "                       about half the CPU; where several schedules are optimal\n"
          "                       the one returned may differ from the cold one)\n"
          "Run under mpirun to farm tasks out to ranks dynamically; results do not depend on the\n"
          "number of ranks. The scenario file is documented in docs/SCENARIO.md.\n");
}

int tw_cmd_run(int argc, char **argv) {
  tw_run_options o = {NULL, NULL, tw_cli_global.backend, 0, 0, 1, 0, 1, tw_cli_global.device};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--out") == 0) {
      if (++i >= argc) return tw_cli_usage_error("run", "--out needs a directory");
      o.out_dir = argv[i];
    } else if (strcmp(argv[i], "--dry-run") == 0) {
      o.dry_run = 1;
    } else if (strcmp(argv[i], "--no-report") == 0) {
      o.no_report = 1;
    } else if (strcmp(argv[i], "--resume") == 0) {
      o.resume = 1;
    } else if (strcmp(argv[i], "--warm-start") == 0) { /* the default; kept for old scripts */
      o.warm_start = 1;
    } else if (strcmp(argv[i], "--cold") == 0) {
      o.warm_start = 0;
    } else if (strcmp(argv[i], "--ranks-per-task") == 0) {
      long n = 0;
      if (++i >= argc) return tw_cli_usage_error("run", "--ranks-per-task needs a number");
      if (tw_cli_parse_int("run", "--ranks-per-task", argv[i], 1, 1 << 20, &n)) return 1;
      o.ranks_per_task = (int)n;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return tw_cli_usage_error("run", "unknown option '%s'", argv[i]);
    } else if (!o.scenario_path) {
      o.scenario_path = argv[i];
    } else {
      return tw_cli_usage_error("run", "unexpected argument '%s'", argv[i]);
    }
  }
  if (!o.scenario_path) return tw_cli_usage_error("run", "missing SCENARIO.yaml");
  tw_status st = tw_run(&o, MPI_COMM_WORLD);
  return st == TW_OK ? 0 : tw_cli_fail("run", st);
}
