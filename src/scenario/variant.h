/* Applying a named scenario's changes to a network (internal to scenario).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_SCENARIO_VARIANT_H
#define TW_SCENARIO_VARIANT_H

#include <stddef.h>

#include "terrawatt/network.h"
#include "terrawatt/scenario.h"

/* Carrier of rooftop PV generators (no land use; renewable). */
#define TW_ROOFTOP_CARRIER "solar rooftop"

/* Snapshot window [t0, t1) during which components are out of service. */
typedef struct tw_outage_window {
  size_t t0, t1;
} tw_outage_window;

/* Apply the changes of `v` to `net` in the order documented in scenario.h:
 * remove (capacity 0), scale_capacity, add, rooftop_pv, storage,
 * demand_scale x demand_growth, co2_price_per_t (added to marginal costs as
 * price x carrier co2 / efficiency), co2_cap_t (global constraint
 * "co2_cap"), outages (p_max_pu / s_max_pu and p_min_pu 0 in the window).
 * Rooftop PV and added wind/solar generators get the capacity factors
 * `solar_cf` / `wind_cf` of their bus ([n_snapshots x n_buses], MW/MW, may
 * be NULL when there are none). `windows` (may be NULL) receives up to
 * v->outages_count windows. References that do not resolve are
 * TW_ERR_INPUT naming the key and value (tw_scenario_check_network lists
 * them all beforehand). */
tw_status tw_variant_apply(const tw_scenario_file *s, const tw_scenario_variant *v,
                           const double *wind_cf, const double *solar_cf, tw_network *net,
                           tw_outage_window *windows);

#endif
