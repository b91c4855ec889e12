/* Ensemble and multi-year statistics of a run (summary.json
 * "climate_statistics"): over the tasks of each scenario (members x climate
 * years), the share of tasks with unserved energy, P10/P50/P90, and
 * empirical return periods of unserved energy and of the longest renewable
 * drought (docs/SCENARIO.md, "Ensemble and multi-year statistics").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>

#include "terrawatt/json.h"
#include "terrawatt/summary.h"
#include "terrawatt/alloc.h"

#define UNSERVED_EPS_MWH 1e-6 /* below this a task counts as fully served (LP tolerance) */

static int desc(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x < y) - (x > y);
}

/* One statistic over the n values x (NaN dropped): quantiles and, for the
 * values sorted descending x(1) >= ... >= x(n), the Weibull plotting
 * position: exceedance probability i / (n + 1), return period (n + 1) / i
 * tasks (years, when every task is one climate year). */
static void json_stat(tw_json *j, const char *key, double *x, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) x[k++] = x[i];
  tw_json_key(j, key);
  tw_json_object_begin(j);
  double *q = tw_malloc((k ? k : 1) * sizeof *q);
  if (q) {
    for (size_t i = 0; i < k; i++) q[i] = x[i];
    tw_json_kv_number(j, "p10", tw_quantile(q, k, 0.1));
    tw_json_kv_number(j, "p50", tw_quantile(q, k, 0.5));
    tw_json_kv_number(j, "p90", tw_quantile(q, k, 0.9));
    free(q);
  }
  qsort(x, k, sizeof *x, desc);
  tw_json_key(j, "return_periods");
  tw_json_array_begin(j);
  for (size_t i = 0; i < k; i++) {
    tw_json_object_begin(j);
    tw_json_kv_number(j, "value", x[i]);
    tw_json_kv_number(j, "exceedance_probability", (double)(i + 1) / (double)(k + 1));
    tw_json_kv_number(j, "return_period", (double)(k + 1) / (double)(i + 1));
    tw_json_object_end(j);
  }
  tw_json_array_end(j);
  tw_json_object_end(j);
}

void tw_climate_stats_json(tw_json *j, const char *const *scenarios, size_t S, size_t M,
                           const tw_task_record *records) {
  double *x = tw_malloc((M ? M : 1) * sizeof *x);
  tw_json_object_begin(j);
  tw_json_kv_string(j, "plotting_position", "weibull: P = i / (n + 1), T = (n + 1) / i");
  for (size_t s = 0; x && s < S; s++) {
    tw_json_key(j, scenarios[s]);
    tw_json_object_begin(j);
    size_t with = 0;
    for (size_t m = 0; m < M; m++)
      with += records[m * S + s].metrics.unserved_MWh > UNSERVED_EPS_MWH;
    tw_json_kv_int(j, "tasks", (long long)M);
    tw_json_kv_int(j, "tasks_with_unserved", (long long)with);
    tw_json_kv_number(j, "share_with_unserved", M ? (double)with / (double)M : NAN);
    for (size_t m = 0; m < M; m++) x[m] = records[m * S + s].metrics.unserved_MWh;
    json_stat(j, "unserved_mwh", x, M);
    for (size_t m = 0; m < M; m++) x[m] = records[m * S + s].metrics.drought_longest_h;
    json_stat(j, "drought_longest_h", x, M);
    tw_json_object_end(j);
  }
  tw_json_object_end(j);
  free(x);
}
