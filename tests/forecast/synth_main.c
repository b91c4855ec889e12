/* forecast_synth DIR HOURS [SEED [GAP_ROW]]: write the synthetic demand
 * and weather CSV files used by the CLI tests and the benchmark.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "synth.h"

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: forecast_synth DIR HOURS [SEED [GAP_ROW]]\n");
    return 1;
  }
  unsigned seed = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 1u;
  long gap = argc > 4 ? strtol(argv[4], NULL, 10) : -1;
  return tw_synth_write(argv[1], (size_t)strtoul(argv[2], NULL, 10), seed, gap) == 0 ? 0 : 2;
}
