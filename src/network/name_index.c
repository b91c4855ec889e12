/* Open-addressing hash index of component names (linear probing, load
 * factor <= 1/2), so that reading a network is linear in its size.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "network/name_index.h"

#include <stdlib.h>
#include <string.h>
#include "terrawatt/alloc.h"

static const char *name_at(const void *base, size_t elem_size, long pos) {
  return *(char *const *)((const char *)base + (size_t)pos * elem_size);
}

long tw_name_index_find(const tw_name_index *idx, const void *base, size_t elem_size,
                        const char *name) {
  if (!idx || !name || idx->cap == 0) return -1;
  size_t mask = idx->cap - 1;
  for (size_t i = tw_name_hash(name) & mask;; i = (i + 1) & mask) {
    long pos = idx->slot[i];
    if (pos < 0) return -1;
    const char *s = name_at(base, elem_size, pos);
    if (s && strcmp(s, name) == 0) return pos;
  }
}

static void put(tw_name_index *idx, const void *base, size_t elem_size, long pos) {
  size_t mask = idx->cap - 1;
  size_t i = tw_name_hash(name_at(base, elem_size, pos)) & mask;
  while (idx->slot[i] >= 0) i = (i + 1) & mask;
  idx->slot[i] = pos;
}

tw_status tw_name_index_insert(tw_name_index *idx, const void *base, size_t elem_size, long pos) {
  if (2 * (idx->n + 1) > idx->cap) {
    size_t ncap = idx->cap ? 2 * idx->cap : 16;
    long *slot = tw_malloc(ncap * sizeof *slot);
    if (!slot) return tw_error(TW_ERR_RESOURCE, "out of memory growing a name index to %zu", ncap);
    for (size_t i = 0; i < ncap; i++) slot[i] = -1;
    long *old = idx->slot;
    size_t ocap = idx->cap;
    idx->slot = slot;
    idx->cap = ncap;
    for (size_t i = 0; i < ocap; i++)
      if (old[i] >= 0) put(idx, base, elem_size, old[i]);
    free(old);
  }
  put(idx, base, elem_size, pos);
  idx->n++;
  return TW_OK;
}

void tw_name_index_free(tw_name_index *idx) {
  free(idx->slot);
  memset(idx, 0, sizeof *idx);
}
