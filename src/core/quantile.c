/* Empirical quantiles (include/terrawatt/quantile.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/quantile.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double tw_quantile(double *values, size_t n, double q) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(values[i])) values[k++] = values[i];
  if (!k) return NAN;
  qsort(values, k, sizeof *values, cmp_double);
  double pos = q * (double)(k - 1);
  size_t lo = (size_t)floor(pos);
  size_t hi = lo + 1 < k ? lo + 1 : lo;
  return values[lo] + (pos - (double)lo) * (values[hi] - values[lo]);
}
