/* Applying a named scenario's changes to a network (internal to scenario).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_SCENARIO_VARIANT_H
#define TW_SCENARIO_VARIANT_H

#include "terrawatt/network.h"
#include "terrawatt/scenario.h"

/* Scale capacities by carrier (generators: p_nom, p_nom_min, p_nom_max;
 * storage units: p_nom and bounds; stores: e_nom and bounds), multiply
 * every load by demand_scale, and add a CO2 cap ("co2_cap", primary
 * energy, <= co2_cap_t) when co2_cap_t > 0. A carrier that no component
 * has is TW_ERR_INPUT naming it (a typo would silently change nothing). */
tw_status tw_variant_apply(const tw_scenario_variant *v, tw_network *net);

#endif
