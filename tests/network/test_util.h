/* Helpers of the network tests: a scratch CSV folder.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_TEST_NETWORK_UTIL_H
#define TW_TEST_NETWORK_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char g_dir[256];

static inline void write_file(const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* An empty folder (no snapshots.csv: one snapshot "now"). */
static inline void empty_dir(const char *tag) {
  char cmd[600];
  snprintf(g_dir, sizeof g_dir, "/tmp/tw_net_%s_%d", tag, (int)getpid());
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", g_dir, g_dir);
  assert_int_equal(system(cmd), 0);
}

static inline void cleanup_dir(void) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
  assert_int_equal(system(cmd), 0);
}

/* The source tree (TW_SOURCE_DIR, set by ctest). */
static inline const char *source_dir(void) {
  const char *s = getenv("TW_SOURCE_DIR");
  return s ? s : ".";
}

#endif
