/* PyPSA's attribute tables (generated into pypsa_defaults.c): names, kinds
 * and defaults of every component attribute, used by the network readers
 * for defaults and for spotting unknown attributes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_INGEST_PYPSA_DEFAULTS_H
#define TW_INGEST_PYPSA_DEFAULTS_H

#include <stddef.h>

typedef enum tw_pypsa_kind {
  TW_PYPSA_STRING = 0, /* string attribute */
  TW_PYPSA_NUMBER = 1, /* float, int, boolean, or "static or series" */
  TW_PYPSA_SERIES = 2  /* series only (results such as p, marginal_price) */
} tw_pypsa_kind;

typedef struct tw_pypsa_attr {
  const char *list;          /* "generators", "storage_units", ... */
  const char *attribute;     /* "p_nom", ... */
  tw_pypsa_kind kind;
  const char *default_text;  /* as in the table */
  double default_value;      /* numeric default (NAN when none; booleans 0/1) */
  int may_be_series;         /* "static or series" / "series" */
  int is_output;             /* status "Output" */
} tw_pypsa_attr;

extern const tw_pypsa_attr tw_pypsa_attrs[];
extern const size_t tw_pypsa_n_attrs;

/* The table entry for list/attribute, or NULL when PyPSA has no such
 * attribute (pypsa_defaults_lookup.c). */
const tw_pypsa_attr *tw_pypsa_attr_find(const char *list, const char *attribute);

/* Numeric default of list/attribute (NAN when unknown). */
double tw_pypsa_default(const char *list, const char *attribute);

/* 1 when `list` is a component list PyPSA knows. */
int tw_pypsa_list_known(const char *list);

#endif
