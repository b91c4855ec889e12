/* Helpers shared by the ingest tests.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_INGEST_TEST_UTIL_H
#define TW_INGEST_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The reference data folder (TW_REFERENCE_DATA, else
 * $TW_SOURCE_DIR/../shared/data); exits 77 (skip) when absent. */
static inline const char *tw_test_reference_dir(void) {
  static char buf[4096];
  const char *env = getenv("TW_REFERENCE_DATA");
  if (env && *env) {
    snprintf(buf, sizeof buf, "%s", env);
  } else {
    const char *src = getenv("TW_SOURCE_DIR");
    snprintf(buf, sizeof buf, "%s/../shared/data", src && *src ? src : ".");
  }
  struct stat sb;
  if (stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    fprintf(stderr, "SKIP: reference data folder '%s' not found (set TW_REFERENCE_DATA)\n", buf);
    exit(77);
  }
  return buf;
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
