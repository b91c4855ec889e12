/* Optimal simplex bases kept across solves: the run command solves the same
 * LP kinds (dispatch, immediate and smart charging, forecast stages) for
 * every scenario and member; starting each from the optimal basis of an LP
 * of the same structure saves most of the simplex iterations
 * (docs/OPTIMIZE.md, "Warm starts across solves").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "optimize/basis_cache.h"
#include "terrawatt/alloc.h"

#define TW_BASIS_CACHE_MAX 4096 /* entries; the oldest is replaced beyond that */

struct tw_basis_cache {
  tw_basis_entry e[TW_BASIS_CACHE_MAX];
  size_t n;
  unsigned long long clock; /* for least-recently-stored replacement */
  unsigned long long stamp[TW_BASIS_CACHE_MAX];
  long hits, misses;
};

tw_status tw_basis_cache_create(tw_basis_cache **out) {
  return tw_calloc(1, sizeof **out, "basis cache", out);
}

static void entry_free(tw_basis_entry *e) {
  free(e->key);
  free(e->row_stat);
  free(e->col_stat);
  memset(e, 0, sizeof *e);
}

void tw_basis_cache_destroy(tw_basis_cache **pc) {
  if (!pc || !*pc) return;
  for (size_t i = 0; i < (*pc)->n; i++) entry_free(&(*pc)->e[i]);
  free(*pc);
  *pc = NULL;
}

void tw_basis_cache_counts(const tw_basis_cache *c, long *hits, long *misses) {
  *hits = c ? c->hits : 0;
  *misses = c ? c->misses : 0;
}

static int same_key(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int tw_basis_cache_has_key(const tw_basis_cache *c, const char *key) {
  for (size_t i = 0; c && i < c->n; i++)
    if (same_key(c->e[i].key, key)) return 1;
  return 0;
}

void tw_basis_cache_drop(tw_basis_cache *c, const char *key) {
  size_t kept = 0;
  for (size_t i = 0; c && i < c->n; i++) {
    if (same_key(c->e[i].key, key)) {
      entry_free(&c->e[i]);
      continue;
    }
    c->e[kept] = c->e[i]; /* keep the order: lookups take the first match */
    c->stamp[kept] = c->stamp[i];
    kept++;
  }
  if (!c) return;
  for (size_t i = kept; i < c->n; i++) memset(&c->e[i], 0, sizeof c->e[i]); /* moved */
  c->n = kept;
}

const tw_basis_entry *tw_basis_cache_find(tw_basis_cache *c, const char *key,
                                          unsigned long long signature, size_t nrows,
                                          size_t ncols, int same_key_only) {
  const tw_basis_entry *any = NULL;
  for (size_t i = 0; i < c->n; i++) {
    const tw_basis_entry *e = &c->e[i];
    if (e->signature != signature || e->nrows != nrows || e->ncols != ncols) continue;
    if (same_key(e->key, key)) {
      c->hits++;
      return e;
    }
    if (!any && !same_key_only) any = e;
  }
  if (any) c->hits++;
  else c->misses++;
  return any;
}

tw_status tw_basis_cache_store(tw_basis_cache *c, const char *key, unsigned long long signature,
                               size_t nrows, size_t ncols, const int *row_stat,
                               const int *col_stat) {
  size_t slot = c->n;
  for (size_t i = 0; i < c->n; i++)
    if (c->e[i].signature == signature && c->e[i].nrows == nrows && c->e[i].ncols == ncols &&
        same_key(c->e[i].key, key))
      slot = i;
  if (slot == TW_BASIS_CACHE_MAX) { /* full: replace the oldest */
    slot = 0;
    for (size_t i = 1; i < c->n; i++)
      if (c->stamp[i] < c->stamp[slot]) slot = i;
  }
  tw_basis_entry fresh;
  memset(&fresh, 0, sizeof fresh);
  tw_status st = TW_OK;
  TW_CHECK_GOTO(st, tw_calloc(nrows + 1, sizeof(int), "basis", &fresh.row_stat));
  TW_CHECK_GOTO(st, tw_calloc(ncols + 1, sizeof(int), "basis", &fresh.col_stat));
  if (key) {
    fresh.key = tw_strdup(key);
    if (!fresh.key) {
      st = tw_error(TW_ERR_RESOURCE, "out of memory for the basis cache");
      goto cleanup;
    }
  }
  memcpy(fresh.row_stat, row_stat, nrows * sizeof(int));
  memcpy(fresh.col_stat, col_stat, ncols * sizeof(int));
  fresh.signature = signature;
  fresh.nrows = nrows;
  fresh.ncols = ncols;
  if (slot < c->n) entry_free(&c->e[slot]);
  else c->n++;
  c->e[slot] = fresh;
  c->stamp[slot] = ++c->clock;
  return TW_OK;
cleanup:
  entry_free(&fresh);
  return st;
}
