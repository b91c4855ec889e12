/* series.json keys "carrier_colors" and "map" (docs/SCENARIO.md). Internal.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_SCENARIO_TASK_MAP_H
#define TW_SCENARIO_TASK_MAP_H

#include "terrawatt/json.h"
#include "terrawatt/optimize.h"

/* Write "carrier_colors" (carrier -> carriers.color, for carriers that have
 * one) and "map": buses (electrical ones: name, x, y, mean_price =
 * time-weighted mean nodal price) and lines (name, bus0, bus1,
 * mean_loading = time-weighted mean of |p0| / (s_nom_opt x s_max_pu)). */
void tw_task_map_json(const tw_network *net, const tw_optimize_result *r, tw_json *j);

#endif
