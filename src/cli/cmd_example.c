/* terrawatt example DIR: write the bundled synthetic example.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "terrawatt/ingest.h"

void tw_cmd_example_usage(FILE *out) {
  fprintf(out, "usage: terrawatt example DIR\n\n"
               "Write the bundled synthetic example into DIR (created if needed):\n"
               "  DIR/cutout.nc   ERA5-style cutout, 16 x 20 cells at 0.25 deg over northern\n"
               "                  Germany, 2019-04-01..14 hourly: u100 v100 u10 v10 t2m ssrd fsr\n"
               "  DIR/network/    PyPSA CSV folder: 6 buses, lines, wind, solar and gas\n"
               "                  generators, a battery, hourly loads\n"
               "The output is deterministic (identical bytes on every run). See docs/EXAMPLE.md.\n");
}

int tw_cmd_example(int argc, char **argv) {
  if (argc < 2) return tw_cli_usage_error("example", "missing DIR");
  if (argc > 2) return tw_cli_usage_error("example", "unexpected argument '%s'", argv[2]);
  if (argv[1][0] == '-') return tw_cli_usage_error("example", "unknown option '%s'", argv[1]);
  tw_status st = tw_example_write(argv[1]);
  if (st != TW_OK) return tw_cli_fail("example", st);
  return 0;
}
