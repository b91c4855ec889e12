/* Where the tests find the reference data (../shared/data, see its
 * SOURCES.md) and what they do when it is absent: skip (exit 77) by
 * default, FAIL when reference data is required (CI: the CMake option
 * TW_REQUIRE_REFERENCE_DATA=ON, or TW_REQUIRE_REFERENCE_DATA=1 in the
 * environment of the test run).
 *
 * Folder: $TW_REFERENCE_DATA at test time, else the CMake cache variable
 * TW_REFERENCE_DATA (passed as $TW_CONFIGURED_REFERENCE_DATA), else
 * $TW_SOURCE_DIR/../shared/data. Requirement: $TW_REQUIRE_REFERENCE_DATA
 * (1/ON/YES/TRUE or 0/OFF/NO/FALSE) at test time, else the CMake option
 * (passed as $TW_CONFIGURED_REQUIRE_REFERENCE_DATA).
 * tests/reference_data.sh is the same for the shell tests.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_TEST_REFERENCE_DATA_H
#define TW_TEST_REFERENCE_DATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The reference data folder (a static buffer; it may not exist). */
static inline const char *tw_reference_data_dir(void) {
  static char dir[1024];
  const char *env = getenv("TW_REFERENCE_DATA");
  const char *configured = getenv("TW_CONFIGURED_REFERENCE_DATA");
  const char *src = getenv("TW_SOURCE_DIR");
  if (env && *env) snprintf(dir, sizeof dir, "%s", env);
  else if (configured && *configured) snprintf(dir, sizeof dir, "%s", configured);
  else snprintf(dir, sizeof dir, "%s/../shared/data", src && *src ? src : ".");
  return dir;
}

static inline int tw_reference_data_flag_on(const char *v) {
  return v && (!strcmp(v, "1") || !strcasecmp(v, "on") || !strcasecmp(v, "yes") ||
               !strcasecmp(v, "true"));
}

/* 1 when a missing reference file must fail the test instead of skipping. */
static inline int tw_reference_data_required(void) {
  const char *env = getenv("TW_REQUIRE_REFERENCE_DATA");
  if (env && *env) return tw_reference_data_flag_on(env);
  return tw_reference_data_flag_on(getenv("TW_CONFIGURED_REQUIRE_REFERENCE_DATA"));
}

/* Report that `what` (a path under the folder, or the folder) is absent and
 * return the exit code: 77 (skip) or, when required, 1 (fail). */
static inline int tw_reference_data_absent(const char *what) {
  if (tw_reference_data_required()) {
    fprintf(stderr, "FAIL: reference data %s not found, and TW_REQUIRE_REFERENCE_DATA is on "
                    "(set TW_REFERENCE_DATA to the folder of ../shared/data)\n", what);
    return 1;
  }
  fprintf(stderr, "SKIP: reference data %s not found (set TW_REFERENCE_DATA; "
                  "TW_REQUIRE_REFERENCE_DATA=ON makes this a failure)\n", what);
  return 77;
}

#endif
