/* series.json's map and carrier colours: what the report needs to draw the
 * network (buses at their coordinates coloured by mean nodal price, lines
 * by mean loading) and each carrier in the network's own colour.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "task_map.h"
#include "terrawatt/network.h"

/* Electrical buses only: EV battery buses ("Li ion") and other virtual
 * buses have no place on a map. */
static int on_map(const tw_bus *b) {
  return strcmp(b->carrier, "AC") == 0 || strcmp(b->carrier, "DC") == 0;
}

void tw_task_map_json(const tw_network *net, const tw_optimize_result *r, tw_json *j) {
  const size_t T = net->n_snapshots, B = net->n_buses, L = net->n_lines;
  tw_json_key(j, "carrier_colors");
  tw_json_object_begin(j);
  for (size_t c = 0; c < net->n_carriers; c++)
    if (net->carriers[c].color) tw_json_kv_string(j, net->carriers[c].name, net->carriers[c].color);
  tw_json_object_end(j);
  tw_json_key(j, "map");
  tw_json_object_begin(j);
  tw_json_key(j, "buses");
  tw_json_array_begin(j);
  double hours = 0;
  for (size_t t = 0; t < T; t++) hours += net->weight_objective[t];
  for (size_t b = 0; b < B; b++) {
    if (!on_map(&net->buses[b])) continue;
    double price = 0;
    for (size_t t = 0; t < T; t++)
      price += net->weight_objective[t] * r->bus_marginal_price[t * B + b];
    tw_json_object_begin(j);
    tw_json_kv_string(j, "name", net->buses[b].name);
    tw_json_kv_number(j, "x", net->buses[b].x);
    tw_json_kv_number(j, "y", net->buses[b].y);
    tw_json_kv_number(j, "mean_price", hours > 0 ? price / hours : NAN); /* time-weighted */
    tw_json_object_end(j);
  }
  tw_json_array_end(j);
  tw_json_key(j, "lines");
  tw_json_array_begin(j);
  for (size_t l = 0; l < L; l++) {
    const tw_branch *line = &net->lines[l];
    double loading = 0, w = 0;
    for (size_t t = 0; t < T; t++) { /* |flow| / rating, time-weighted */
      double rating = r->line_s_nom_opt[l] * tw_series_at(line->s_max_pu_t, line->s_max_pu, t);
      if (rating > 0) loading += net->weight_objective[t] * fabs(r->line_p0[t * L + l]) / rating;
      w += net->weight_objective[t];
    }
    tw_json_object_begin(j);
    tw_json_kv_string(j, "name", line->name);
    tw_json_kv_string(j, "bus0", net->buses[line->bus0].name);
    tw_json_kv_string(j, "bus1", net->buses[line->bus1].name);
    tw_json_kv_number(j, "mean_loading", w > 0 ? loading / w : NAN); /* 0..1 */
    tw_json_object_end(j);
  }
  tw_json_array_end(j);
  tw_json_object_end(j);
}
