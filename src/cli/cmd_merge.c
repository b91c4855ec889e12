/* terrawatt merge OUTDIR INDIR...
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "terrawatt/summary.h"

void tw_cmd_merge_usage(FILE *out) {
  fprintf(out,
          "usage: terrawatt merge OUTDIR INDIR...\n\n"
          "Merge the output directories of separate runs of one scenario file (e.g. the\n"
          "array tasks of jobs/terrawatt-array.slurm, one member each) into OUTDIR:\n"
          "summary.json (with the ensemble and multi-year statistics), summary.csv,\n"
          "ensemble.csv and tasks.tsv over every task, so that `terrawatt report OUTDIR`\n"
          "shows the whole ensemble. Task directories stay where they are. The inputs\n"
          "must have the same scenarios and distinct members. See docs/SCENARIO.md.\n"
          "Exit codes: 0 ok, 1 usage, 2 bad input, 4 resource.\n");
}

int tw_cmd_merge(int argc, char **argv) {
  const char *out = NULL;
  const char *inputs[1024];
  size_t n = 0;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1] != '\0')
      return tw_cli_usage_error("merge", "unknown option '%s'", argv[i]);
    if (!out) out = argv[i];
    else if (n < sizeof inputs / sizeof inputs[0]) inputs[n++] = argv[i];
    else return tw_cli_usage_error("merge", "at most 1024 input directories");
  }
  if (!out || n == 0) return tw_cli_usage_error("merge", "give OUTDIR and at least one INDIR");
  tw_status st = tw_summary_merge(out, inputs, n);
  if (st == TW_OK) fprintf(stderr, "terrawatt merge: %zu runs merged into %s\n", n, out);
  return st == TW_OK ? 0 : tw_cli_fail("merge", st);
}
