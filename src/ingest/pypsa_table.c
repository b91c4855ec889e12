/* Raw PyPSA tables: allocation helpers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "ingest/pypsa_table.h"
#include "terrawatt/alloc.h"

static void free_strs(char **s, size_t n) {
  if (!s) return;
  for (size_t i = 0; i < n; i++) free(s[i]);
  free(s);
}

void tw_pypsa_tables_free(tw_pypsa_tables *t) {
  if (!t) return;
  free(t->name);
  free_strs(t->snapshots, t->n_snapshots);
  free_strs(t->snapshot_keys, t->n_snapshots);
  free(t->w_objective);
  free(t->w_stores);
  free(t->w_generators);
  for (size_t i = 0; i < t->nlists; i++) {
    tw_pypsa_list *l = &t->lists[i];
    free(l->list);
    for (size_t c = 0; c < l->ncol; c++) {
      free(l->cols[c].attr);
      free(l->cols[c].num);
      free_strs(l->cols[c].str, l->n);
    }
    for (size_t c = 0; c < l->nser; c++) {
      free(l->ser[c].attr);
      free(l->ser[c].file);
      free_strs(l->ser[c].cols, l->ser[c].ncols);
      free(l->ser[c].values);
    }
    free(l->cols);
    free(l->ser);
    free_strs(l->names, l->n);
  }
  free(t->lists);
  memset(t, 0, sizeof *t);
}

tw_status tw_pypsa_tables_add_list(tw_pypsa_tables *t, const char *list, tw_pypsa_list **out) {
  tw_pypsa_list *p = tw_realloc(t->lists, (t->nlists + 1) * sizeof *p);
  if (!p) return tw_error(TW_ERR_RESOURCE, "out of memory for component lists");
  t->lists = p;
  memset(&p[t->nlists], 0, sizeof *p);
  p[t->nlists].list = tw_strdup(list);
  if (!p[t->nlists].list) return tw_error(TW_ERR_RESOURCE, "out of memory");
  *out = &p[t->nlists++];
  return TW_OK;
}

tw_pypsa_list *tw_pypsa_tables_find(const tw_pypsa_tables *t, const char *list) {
  for (size_t i = 0; i < t->nlists; i++)
    if (strcmp(t->lists[i].list, list) == 0) return &t->lists[i];
  return NULL;
}

tw_status tw_pypsa_list_add_column(tw_pypsa_list *l, const char *attr, tw_pypsa_column **out) {
  tw_pypsa_column *p = tw_realloc(l->cols, (l->ncol + 1) * sizeof *p);
  if (!p) return tw_error(TW_ERR_RESOURCE, "out of memory for columns");
  l->cols = p;
  memset(&p[l->ncol], 0, sizeof *p);
  p[l->ncol].attr = tw_strdup(attr);
  if (!p[l->ncol].attr) return tw_error(TW_ERR_RESOURCE, "out of memory");
  *out = &p[l->ncol++];
  return TW_OK;
}

tw_status tw_pypsa_list_add_series(tw_pypsa_list *l, const char *attr, tw_pypsa_series **out) {
  tw_pypsa_series *p = tw_realloc(l->ser, (l->nser + 1) * sizeof *p);
  if (!p) return tw_error(TW_ERR_RESOURCE, "out of memory for series");
  l->ser = p;
  memset(&p[l->nser], 0, sizeof *p);
  p[l->nser].attr = tw_strdup(attr);
  if (!p[l->nser].attr) return tw_error(TW_ERR_RESOURCE, "out of memory");
  *out = &p[l->nser++];
  return TW_OK;
}
