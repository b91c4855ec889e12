/* terrawatt: empirical quantiles (core; used by convert's bias correction
 * and by report's metrics and summaries).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_QUANTILE_H
#define TERRAWATT_QUANTILE_H

#include "terrawatt/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The value at quantile q (0..1) of n values (sorted in place), by linear
 * interpolation between closest ranks (numpy's default). NaN values are
 * ignored; NaN when none is left. */
TW_API double tw_quantile(double *values, size_t n, double q);

#ifdef __cplusplus
}
#endif

#endif
