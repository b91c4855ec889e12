/* Walk a (solved) network in PyPSA's export layout and hand every list,
 * static attribute and series to a sink (NetCDF or CSV writer).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_OPTIMIZE_PYPSA_EMIT_H
#define TW_OPTIMIZE_PYPSA_EMIT_H

#include <stddef.h>

#include "terrawatt/network.h"
#include "terrawatt/optimize.h"
#include "terrawatt/status.h"

typedef struct tw_pypsa_sink {
  void *ctx;
  /* Start list `list` with n components called names[]. */
  tw_status (*begin_list)(void *ctx, const char *list, size_t n, const char *const *names);
  tw_status (*num)(void *ctx, const char *list, const char *attr, const double *v, int is_bool);
  tw_status (*str)(void *ctx, const char *list, const char *attr, const char *const *v);
  /* Series: ncols components (names cols[]), values[t * ncols + j]. */
  tw_status (*series)(void *ctx, const char *list, const char *attr, size_t ncols,
                      const char *const *cols, const double *values);
  tw_status (*end_list)(void *ctx, const char *list);
} tw_pypsa_sink;

/* r may be NULL (write the network only). */
tw_status tw_pypsa_emit(const tw_network *net, const tw_optimize_result *r,
                        const tw_pypsa_sink *sink);

#endif
