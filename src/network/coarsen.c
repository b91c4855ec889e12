/* tw_network_coarsen: the same network at a coarser time resolution (the
 * coarse pass of the optimizer's parallel windows, docs/OPTIMIZE.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "network/network_attrs.h"
#include "terrawatt/alloc.h"
#include "terrawatt/network.h"

/* Series that bound or fix a state at a snapshot (the level at the end of
 * a block is what the coarse step represents): sampled at the block's last
 * snapshot. Every other series is a rate or a price: the block mean. */
static int state_series(const char *list, const char *attr) {
  if (!strcmp(list, "storage_units")) return !strcmp(attr, "state_of_charge_set");
  if (!strcmp(list, "stores"))
    return !strcmp(attr, "e_set") || !strcmp(attr, "e_min_pu") || !strcmp(attr, "e_max_pu");
  return 0;
}

/* In place: block j of `k` values (the last block may be shorter) becomes
 * element j. A NaN ("not set") anywhere in a block of a mean stays NaN. */
static void aggregate(double *v, size_t T, size_t k, int sample_last, int sum) {
  for (size_t j = 0, a = 0; a < T; j++, a += k) {
    size_t b = a + k < T ? a + k : T;
    double s = 0;
    if (sample_last) {
      s = v[b - 1];
    } else {
      for (size_t t = a; t < b; t++) s += v[t];
      if (!sum) s /= (double)(b - a);
    }
    v[j] = s;
  }
}

tw_status tw_network_coarsen(const tw_network *src, size_t k, tw_network **out) {
  *out = NULL;
  if (k == 0) return tw_error(TW_ERR_INPUT, "network: coarsening step must be >= 1 snapshot");
  tw_network *net = NULL;
  TW_CHECK(tw_network_clone(src, &net));
  size_t T = net->n_snapshots, Tc = (T + k - 1) / k;
  for (int l = 0; l < TW_N_COMPONENT_LISTS; l++) {
    const tw_component_desc *d = &tw_component_descs[l];
    size_t n = tw_component_count(net, d);
    for (size_t a = 0; a < d->n_attrs; a++) {
      const tw_attr_desc *at = &d->attrs[a];
      if (at->off_t < 0) continue;
      int last = state_series(d->list, at->name);
      for (size_t i = 0; i < n; i++) {
        double *s = *tw_attr_series(tw_component_at(net, d, i), at);
        if (s) aggregate(s, T, k, last, 0);
      }
    }
  }
  /* weightings add up: a coarse step stands for all hours of its block */
  aggregate(net->weight_objective, T, k, 0, 1);
  aggregate(net->weight_stores, T, k, 0, 1);
  aggregate(net->weight_generators, T, k, 0, 1);
  for (size_t j = 1; k > 1 && j < Tc; j++) {
    free(net->snapshots[j]);
    net->snapshots[j] = net->snapshots[j * k];
    net->snapshots[j * k] = NULL;
  }
  for (size_t t = Tc; t < T; t++) free(net->snapshots[t]);
  net->n_snapshots = Tc;
  *out = net;
  return TW_OK;
}
