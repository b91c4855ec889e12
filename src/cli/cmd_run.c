/* terrawatt run SCENARIO.yaml [--out DIR] [--dry-run]
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "terrawatt/run.h"

void tw_cmd_run_usage(FILE *out) {
  fprintf(out,
          "usage: terrawatt run SCENARIO.yaml [--out DIR] [--backend auto|cpu|cuda] [--dry-run]\n\n"
          "Read the scenario file, convert its climate data to per-bus wind and solar capacity\n"
          "factors, and solve the dispatch LP of every scenario it names. Writes\n"
          "  DIR/capacity_factors.nc       per-bus series used by all scenarios\n"
          "  DIR/<scenario>/results.nc     solved network (PyPSA NetCDF layout)\n"
          "  DIR/<scenario>/metrics.json   objective, cost, CO2, curtailment, unserved energy, ...\n"
          "  DIR/summary.json              every scenario's metrics\n"
          "Options:\n"
          "  --out DIR    output directory (default out/<name from the scenario file>)\n"
          "  --dry-run    validate all inputs and print the plan; write nothing\n"
          "Run under mpirun to spread scenarios over ranks; results do not depend on the\n"
          "number of ranks. The scenario file is documented in docs/SCENARIO.md.\n");
}

int tw_cmd_run(int argc, char **argv) {
  tw_run_options o = {NULL, NULL, tw_cli_global.backend, 0};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--out") == 0) {
      if (++i >= argc) return tw_cli_usage_error("run", "--out needs a directory");
      o.out_dir = argv[i];
    } else if (strcmp(argv[i], "--dry-run") == 0) {
      o.dry_run = 1;
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
