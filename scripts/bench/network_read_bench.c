/* Timing helper of scripts/bench/network-read: read a PyPSA network once
 * and print the wall time, or convert a CSV folder to a NetCDF export.
 *   network_read_bench read PATH        -> "<seconds> <buses>"
 *   network_read_bench tonc DIR OUT.nc
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "terrawatt/network.h"
#include "terrawatt/optimize.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
  tw_network *n = NULL;
  if (argc == 3 && strcmp(argv[1], "read") == 0) {
    double t0 = now_s();
    if (tw_network_read(argv[2], &n) != TW_OK) {
      fprintf(stderr, "%s\n", tw_last_error());
      return 2;
    }
    double t = now_s() - t0;
    printf("%.6f %zu\n", t, n->n_buses);
    tw_network_destroy(&n);
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "tonc") == 0) {
    if (tw_network_read(argv[2], &n) != TW_OK || tw_network_write_netcdf(n, NULL, argv[3]) != TW_OK) {
      fprintf(stderr, "%s\n", tw_last_error());
      return 2;
    }
    tw_network_destroy(&n);
    return 0;
  }
  fprintf(stderr, "usage: network_read_bench read PATH | tonc DIR OUT.nc\n");
  return 1;
}
