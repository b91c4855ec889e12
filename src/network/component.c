/* Descriptor-driven operations on one component: defaults, free, copy.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "network/network_attrs.h"
#include "terrawatt/alloc.h"

const tw_component_desc *tw_component_desc_find(const char *list) {
  if (!list) return NULL;
  for (size_t i = 0; i < TW_N_COMPONENT_LISTS; i++)
    if (strcmp(tw_component_descs[i].list, list) == 0) return &tw_component_descs[i];
  return NULL;
}

const tw_attr_desc *tw_attr_desc_find(const tw_component_desc *d, const char *attr) {
  if (!d || !attr) return NULL;
  for (size_t i = 0; i < d->n_attrs; i++)
    if (strcmp(d->attrs[i].name, attr) == 0) return &d->attrs[i];
  return NULL;
}

void tw_component_set_defaults(const tw_component_desc *d, void *elem) {
  memset(elem, 0, d->size);
  for (size_t i = 0; i < d->n_attrs; i++) {
    const tw_attr_desc *a = &d->attrs[i];
    if (a->off < 0) continue;
    switch (a->kind) {
      case TW_AK_NUM: *tw_attr_num(elem, a) = a->def; break;
      case TW_AK_BOOL: *tw_attr_int(elem, a) = a->def != 0.0 && !isnan(a->def); break;
      case TW_AK_BUS:
      case TW_AK_CARRIER: *tw_attr_int(elem, a) = -1; break;
      case TW_AK_STR: *tw_attr_str(elem, a) = NULL; break;
    }
  }
}

void tw_component_free_fields(const tw_component_desc *d, void *elem) {
  free(*tw_component_name(elem));
  *tw_component_name(elem) = NULL;
  for (size_t i = 0; i < d->n_attrs; i++) {
    const tw_attr_desc *a = &d->attrs[i];
    if (a->off >= 0 && a->kind == TW_AK_STR) {
      free(*tw_attr_str(elem, a));
      *tw_attr_str(elem, a) = NULL;
    }
    if (a->off_t >= 0) {
      free(*tw_attr_series(elem, a));
      *tw_attr_series(elem, a) = NULL;
    }
  }
}

tw_status tw_component_copy(const tw_component_desc *d, size_t n_snapshots, void *dst,
                            const void *src) {
  memcpy(dst, src, d->size);
  /* detach every owned pointer first so that a failure frees only copies */
  *tw_component_name(dst) = NULL;
  for (size_t i = 0; i < d->n_attrs; i++) {
    const tw_attr_desc *a = &d->attrs[i];
    if (a->off >= 0 && a->kind == TW_AK_STR) *tw_attr_str(dst, a) = NULL;
    if (a->off_t >= 0) *tw_attr_series(dst, a) = NULL;
  }
  void *s = (void *)(uintptr_t)src;
  const char *name = *tw_component_name(s);
  if (name && !(*tw_component_name(dst) = tw_strdup(name))) goto oom;
  for (size_t i = 0; i < d->n_attrs; i++) {
    const tw_attr_desc *a = &d->attrs[i];
    if (a->off >= 0 && a->kind == TW_AK_STR && *tw_attr_str(s, a) &&
        !(*tw_attr_str(dst, a) = tw_strdup(*tw_attr_str(s, a))))
      goto oom;
    if (a->off_t >= 0 && *tw_attr_series(s, a)) {
      double *v = tw_malloc((n_snapshots ? n_snapshots : 1) * sizeof *v);
      if (!v) goto oom;
      memcpy(v, *tw_attr_series(s, a), n_snapshots * sizeof *v);
      *tw_attr_series(dst, a) = v;
    }
  }
  return TW_OK;
oom:
  tw_component_free_fields(d, dst);
  return tw_error(TW_ERR_RESOURCE, "out of memory copying %s '%s'", d->what, name ? name : "");
}
