/* forecast_realdata KIND OUT_DIR: write the real series of realdata.h
 * (kinds: bdew, pv, demand3h) for the analysis in docs/FORECAST.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "forecast/realdata.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: forecast_realdata bdew|pv|demand3h|demand1h OUT_DIR\n");
    return 1;
  }
  int rc = -1;
  if (strcmp(argv[1], "bdew") == 0) rc = tw_real_bdew(argv[2], 2017, 3, 1);
  else if (strcmp(argv[1], "pv") == 0) rc = tw_real_pv(argv[2], 2019);
  else if (strcmp(argv[1], "demand3h") == 0) rc = tw_real_demand(argv[2], 2019, 3, 2.0);
  else if (strcmp(argv[1], "demand1h") == 0) rc = tw_real_demand(argv[2], 2019, 1, 2.0);
  else {
    fprintf(stderr, "forecast_realdata: unknown kind '%s'\n", argv[1]);
    return 1;
  }
  if (rc != 0) fprintf(stderr, "forecast_realdata: cannot read %s or write %s\n",
                       tw_real_reference_dir(), argv[2]);
  return rc == 0 ? 0 : 2;
}
