/* terrawatt report OUTDIR [--out report.html]
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "terrawatt/report.h"
#include "terrawatt/alloc.h"

void tw_cmd_report_usage(FILE *out) {
  fprintf(out,
          "usage: terrawatt report OUTDIR [--out report.html] [--chartjs FILE]\n\n"
          "Write the self-contained static HTML page for the run in OUTDIR again (`terrawatt\n"
          "run` writes it by default): descriptions, key figures with differences from the\n"
          "baseline, network maps, dispatch, net load, prices, droughts and a glossary.\n"
          "Chart.js (Debian's libjs-chart.js, or --chartjs / $TW_CHARTJS) is inlined, so the\n"
          "page works offline. See docs/REPORT.md.\n"
          "  --out FILE   output page (default OUTDIR/report.html)\n");
}

int tw_cmd_report(int argc, char **argv) {
  const char *dir = NULL, *out = NULL, *chartjs = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--out") == 0) {
      if (++i >= argc) return tw_cli_usage_error("report", "--out needs a file");
      out = argv[i];
    } else if (strcmp(argv[i], "--chartjs") == 0) {
      if (++i >= argc) return tw_cli_usage_error("report", "--chartjs needs a file");
      chartjs = argv[i];
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return tw_cli_usage_error("report", "unknown option '%s'", argv[i]);
    } else if (!dir) {
      dir = argv[i];
    } else {
      return tw_cli_usage_error("report", "unexpected argument '%s'", argv[i]);
    }
  }
  if (!dir) return tw_cli_usage_error("report", "missing OUTDIR");
  char *def = NULL;
  if (!out) {
    size_t n = strlen(dir) + sizeof "/report.html";
    def = tw_malloc(n);
    if (!def) return tw_cli_fail("report", tw_error(TW_ERR_RESOURCE, "out of memory"));
    snprintf(def, n, "%s/report.html", dir);
    out = def;
  }
  tw_status st = tw_report_write(dir, out, chartjs);
  if (st == TW_OK) fprintf(stderr, "terrawatt report: wrote %s\n", out);
  free(def);
  return st == TW_OK ? 0 : tw_cli_fail("report", st);
}
