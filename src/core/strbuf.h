/* A growable text buffer for CSV and HTML output (internal; report and run use it).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_CORE_STRBUF_H
#define TW_CORE_STRBUF_H

#include <stdlib.h>
#include <string.h>

#include "terrawatt/atomic_file.h"
#include "terrawatt/status.h"
#include "terrawatt/alloc.h"

typedef struct tw_strbuf {
  char *p;
  size_t len, cap;
  int failed; /* out of memory: later appends do nothing */
} tw_strbuf;

static inline void tw_sb_addn(tw_strbuf *b, const char *s, size_t n) {
  if (b->failed) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = tw_realloc(b->p, cap);
    if (!p) {
      b->failed = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static inline void tw_sb_add(tw_strbuf *b, const char *s) { tw_sb_addn(b, s, strlen(s)); }

static inline void tw_sb_free(tw_strbuf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

/* Write the buffer atomically to path. */
static inline tw_status tw_sb_write(const tw_strbuf *b, const char *path) {
  if (b->failed) return tw_error(TW_ERR_RESOURCE, "%s: out of memory building the file", path);
  return tw_atomic_write(path, b->p ? b->p : "", b->len);
}

#endif
