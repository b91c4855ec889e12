/* A hash index from component names to their position in a component
 * array. The index stores positions only; names are read from the array,
 * whose elements start with `char *name` (every tw_* component does).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_NETWORK_NAME_INDEX_H
#define TW_NETWORK_NAME_INDEX_H

#include <stddef.h>

#include "terrawatt/status.h"

typedef struct tw_name_index {
  size_t cap; /* slots, a power of two (0 = empty index) */
  size_t n;   /* positions stored */
  long *slot; /* position or -1 */
} tw_name_index;

/* Position of `name` in the array at `base` (elements of `elem_size`
 * bytes), or -1. NULL-safe for idx and name. */
long tw_name_index_find(const tw_name_index *idx, const void *base, size_t elem_size,
                        const char *name);
/* Record that element `pos` of the array carries its name. The caller
 * checks uniqueness first with tw_name_index_find. */
tw_status tw_name_index_insert(tw_name_index *idx, const void *base, size_t elem_size, long pos);
void tw_name_index_free(tw_name_index *idx);

/* FNV-1a hash of a string. */
static inline size_t tw_name_hash(const char *s) {
  size_t h = (size_t)1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
  return h;
}

#endif
