/* Shared helpers for the libFuzzer harnesses (docs/RELIABILITY.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_FUZZ_COMMON_H
#define TW_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Errors are expected; keep the library quiet. */
static inline void tw_fuzz_quiet(void) {
  static int done = 0;
  if (!done) {
    tw_log_set_level(TW_LOG_ERROR);
    done = 1;
  }
}

/* Write size bytes to path (truncating). Returns 0 on success. */
static inline int tw_fuzz_write_file(const char *path, const void *data, size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t w = size ? fwrite(data, 1, size, f) : 0;
  int rc = fclose(f);
  return (w == size && rc == 0) ? 0 : -1;
}

/* A NUL-terminated copy of data[0..size). Caller frees. */
static inline char *tw_fuzz_strndup(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return NULL;
  if (size) memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

#endif
