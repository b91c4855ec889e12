/* Helpers shared by the ingest tests.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_INGEST_TEST_UTIL_H
#define TW_INGEST_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reference_data.h"

/* The reference data folder (tests/reference_data.h); exits 77 (skip), or
 * 1 when the data is required, when absent. */
static inline const char *tw_test_reference_dir(void) {
  const char *dir = tw_reference_data_dir();
  struct stat sb;
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) exit(tw_reference_data_absent(dir));
  return dir;
}

static inline const char *tw_test_ref(const char *rel) {
  static char buf[8][8192];
  static int k = 0;
  k = (k + 1) % 8;
  const char *dir = tw_test_reference_dir();
  size_t n = strlen(dir);
  memcpy(buf[k], dir, n);
  buf[k][n] = '/';
  strncpy(buf[k] + n + 1, rel, sizeof buf[k] - n - 2);
  buf[k][sizeof buf[k] - 1] = '\0';
  return buf[k];
}

#define assert_rel(x, want, tol)                                                          \
  do {                                                                                    \
    double x_ = (x), w_ = (want);                                                         \
    if (!(fabs(x_ - w_) <= (tol)*fabs(w_))) {                                             \
      fprintf(stderr, "%s = %.9g, expected %.9g (rel tol %g)\n", #x, x_, w_, (double)(tol)); \
      fail();                                                                             \
    }                                                                                     \
  } while (0)

#endif
