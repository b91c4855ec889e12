/* Raw PyPSA component tables as read from a CSV folder or a NetCDF export,
 * before they are turned into a tw_network (pypsa_build.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_INGEST_PYPSA_TABLE_H
#define TW_INGEST_PYPSA_TABLE_H

#include <stddef.h>

#include "terrawatt/network.h"
#include "terrawatt/status.h"

/* One static attribute column: numbers (NaN = absent) or strings (NULL or
 * "" = absent). */
typedef struct tw_pypsa_column {
  char *attr;
  double *num; /* n values, or NULL when the column holds strings */
  char **str;  /* n strings, or NULL */
} tw_pypsa_column;

/* One time-varying attribute: values[t * ncols + j] for component cols[j]. */
typedef struct tw_pypsa_series {
  char *attr;
  char *file; /* CSV: the file it came from (for messages), NULL for NetCDF */
  size_t ncols;
  char **cols;
  double *values;
} tw_pypsa_series;

typedef struct tw_pypsa_list {
  char *list; /* "generators", ... */
  size_t n;
  char **names;
  size_t ncol, nser;
  tw_pypsa_column *cols;
  tw_pypsa_series *ser;
} tw_pypsa_list;

typedef struct tw_pypsa_tables {
  const char *source; /* path, for messages (not owned) */
  char *name;
  size_t n_snapshots;
  char **snapshots;
  char **snapshot_keys; /* CSV: snapshots.csv's index column when it differs
                           from the label column (older exports), or NULL */
  double *w_objective, *w_stores, *w_generators; /* NULL = 1 */
  size_t nlists;
  tw_pypsa_list *lists;
  int n_investment_periods;
  int has_scenarios;
} tw_pypsa_tables;

void tw_pypsa_tables_free(tw_pypsa_tables *t);

/* Append an empty list (returns a pointer valid until the next append). */
tw_status tw_pypsa_tables_add_list(tw_pypsa_tables *t, const char *list, tw_pypsa_list **out);
tw_pypsa_list *tw_pypsa_tables_find(const tw_pypsa_tables *t, const char *list);
tw_status tw_pypsa_list_add_column(tw_pypsa_list *l, const char *attr, tw_pypsa_column **out);
tw_status tw_pypsa_list_add_series(tw_pypsa_list *l, const char *attr, tw_pypsa_series **out);

/* Build the network from the tables: defaults, warnings for unknown
 * attributes, errors for unsupported features. */
tw_status tw_pypsa_build_network(const tw_pypsa_tables *t, tw_network **out);

#endif
