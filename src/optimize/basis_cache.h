/* Internal: the basis cache behind tw_basis_cache (include/terrawatt/optimize.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_OPTIMIZE_BASIS_CACHE_H
#define TW_OPTIMIZE_BASIS_CACHE_H

#include <stddef.h>

#include "terrawatt/optimize.h"

typedef struct tw_basis_entry {
  char *key;                    /* caller's key (member), or NULL */
  unsigned long long signature; /* hash of the LP's dimensions and sparsity pattern */
  size_t nrows, ncols;
  int *row_stat, *col_stat;     /* GLPK statuses (GLP_BS, GLP_NL, GLP_NU, GLP_NF, GLP_NS) */
} tw_basis_entry;

/* An entry with this structure: the same key if there is one, else (unless
 * same_key_only) any key; NULL when none (counted as a miss). */
const tw_basis_entry *tw_basis_cache_find(tw_basis_cache *c, const char *key,
                                          unsigned long long signature, size_t nrows,
                                          size_t ncols, int same_key_only);
/* Keep (replace) the basis for (key, structure). */
tw_status tw_basis_cache_store(tw_basis_cache *c, const char *key, unsigned long long signature,
                               size_t nrows, size_t ncols, const int *row_stat,
                               const int *col_stat);

#endif
