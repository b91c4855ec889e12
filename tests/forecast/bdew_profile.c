/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bdew_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tw_bdew_read_profile(const char *path, double profile[12][3][96]) {
  char line[4096];
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  int row = 0, ok = 0;
  if (!fgets(line, sizeof line, f) || !fgets(line, sizeof line, f) || !strstr(line, "SA,FT,WT"))
    goto done;
  while (fgets(line, sizeof line, f) && row < 96) {
    char *p = strchr(line, ',');
    for (int c = 0; c < 36; c++) {
      if (!p) goto done;
      char *end = NULL;
      double v = strtod(p + 1, &end);
      if (end == p + 1) goto done;
      profile[c / 3][c % 3][row] = v;
      p = strchr(p + 1, ',');
    }
    row++;
  }
  ok = row == 96;
done:
  fclose(f);
  return ok ? 0 : -1;
}
