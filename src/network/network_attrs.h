/* The network model's descriptor tables (generated into network_attrs.c by
 * scripts/gen_pypsa_defaults.py --descriptors): for every PyPSA component
 * list, every attribute PyPSA defines, where terrawatt keeps it (offsetof
 * the static field and of the optional series pointer), its unit and
 * default, and whether the optimizer honours it. These tables drive
 * defaults, both readers, both writers, validation, destroy and clone.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_NETWORK_ATTRS_H
#define TW_NETWORK_ATTRS_H

#include <stddef.h>

#include "terrawatt/network.h"

typedef enum tw_attr_kind {
  TW_AK_NUM = 0,  /* double */
  TW_AK_BOOL,     /* int 0/1 */
  TW_AK_BUS,      /* int index into net->buses (-1 none), written as the bus name */
  TW_AK_CARRIER,  /* int index into net->carriers (-1 none), written as the name */
  TW_AK_STR       /* char * owned by the component (NULL = default text) */
} tw_attr_kind;

typedef enum tw_attr_use {
  TW_AU_HONOURED = 0, /* kept and modelled by the optimizer */
  TW_AU_STORED,       /* kept and written back; no effect on a linear OPF */
  TW_AU_IGNORED,      /* not kept; no effect on a linear OPF (`why` says why) */
  TW_AU_REFUSED,      /* not modelled: a value away from the default is an error */
  TW_AU_OUTPUT        /* a result attribute: skipped on input */
} tw_attr_use;

typedef struct tw_attr_desc {
  const char *name;     /* PyPSA attribute */
  tw_attr_kind kind;
  tw_attr_use use;
  long off;             /* offsetof the static field, -1 = none */
  long off_t;           /* offsetof the `double *` series, -1 = static only */
  const char *unit;
  double def;           /* numeric default (NAN: none / "not set") */
  const char *def_text; /* default as PyPSA's table writes it */
  int may_be_series;    /* PyPSA allows a time series */
  const char *why;      /* reason for IGNORED / REFUSED */
} tw_attr_desc;

enum {
  TW_LIST_BUSES = 0, TW_LIST_CARRIERS, TW_LIST_GENERATORS, TW_LIST_LOADS, TW_LIST_LINES,
  TW_LIST_TRANSFORMERS, TW_LIST_LINKS, TW_LIST_STORAGE_UNITS, TW_LIST_STORES,
  TW_LIST_GLOBAL_CONSTRAINTS, TW_N_COMPONENT_LISTS
};

typedef struct tw_component_desc {
  const char *list;   /* "generators" */
  const char *what;   /* "generator", for messages */
  size_t size;        /* sizeof the component struct; its first member is `char *name` */
  size_t off_array;   /* offsetof(tw_network, generators) */
  size_t off_count;   /* offsetof(tw_network, n_generators) */
  const tw_attr_desc *attrs;
  size_t n_attrs;
} tw_component_desc;

/* Indexed by TW_LIST_*. */
extern const tw_component_desc tw_component_descs[TW_N_COMPONENT_LISTS];

/* The descriptor of `list` ("generators"), or NULL. */
const tw_component_desc *tw_component_desc_find(const char *list);
/* The attribute `attr` of d, or NULL. */
const tw_attr_desc *tw_attr_desc_find(const tw_component_desc *d, const char *attr);

/* Typed access to a component's fields through a descriptor. */
static inline double *tw_attr_num(void *elem, const tw_attr_desc *a) {
  return (double *)((char *)elem + a->off);
}
static inline int *tw_attr_int(void *elem, const tw_attr_desc *a) {
  return (int *)((char *)elem + a->off);
}
static inline char **tw_attr_str(void *elem, const tw_attr_desc *a) {
  return (char **)((char *)elem + a->off);
}
static inline double **tw_attr_series(void *elem, const tw_attr_desc *a) {
  return (double **)((char *)elem + a->off_t);
}
static inline char **tw_component_name(void *elem) { return (char **)elem; }

/* Component i of list d in net, and the list's length. */
static inline void *tw_component_at(const tw_network *net, const tw_component_desc *d, size_t i) {
  return *(char *const *)((const char *)net + d->off_array) + i * d->size;
}
static inline size_t tw_component_count(const tw_network *net, const tw_component_desc *d) {
  return *(const size_t *)((const char *)net + d->off_count);
}

/* Set every kept attribute of `elem` to PyPSA's default (names, strings and
 * series NULL; bus and carrier -1). */
void tw_component_set_defaults(const tw_component_desc *d, void *elem);
/* Free the name, strings and series of `elem` (not elem itself). */
void tw_component_free_fields(const tw_component_desc *d, void *elem);
/* Deep copy src into dst (name, strings, series of n_snapshots values).
 * On failure dst holds nothing to free. */
tw_status tw_component_copy(const tw_component_desc *d, size_t n_snapshots, void *dst,
                            const void *src);

/* Add a deep copy of `elem` (a tw_* component of list `list`, TW_LIST_*)
 * to net: name non-empty and unique in its list, bus and carrier indices
 * valid; *index (if not NULL) receives its position. */
tw_status tw_network_add_component(tw_network *net, int list, const void *elem, size_t *index);

#endif
