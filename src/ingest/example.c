/* tw_example_write: the bundled example's cutout and network.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/example.h"
#include "terrawatt/ingest.h"

tw_status tw_example_write(const char *dir) {
  tw_example_weather w;
  tw_status st = TW_OK;
  char path[4096];
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return tw_error(TW_ERR_INPUT, "%s: cannot create directory: %s", dir, strerror(errno));
  TW_CHECK(tw_example_weather_make(&w));
  snprintf(path, sizeof path, "%s/cutout.nc", dir);
  TW_CHECK_GOTO(st, tw_example_write_cutout(&w, path));
  snprintf(path, sizeof path, "%s/network", dir);
  TW_CHECK_GOTO(st, tw_example_write_network(&w, path));
cleanup:
  tw_example_weather_free(&w);
  return st;
}
