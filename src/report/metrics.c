/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/metrics.h"

#include <string.h>
#include <strings.h>

int tw_carrier_is_renewable(const char *carrier) {
  static const char *const prefixes[] = {"wind", "onwind", "offwind", "solar", "pv",
                                         "ror", "hydro", "geothermal"};
  if (!carrier) return 0;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncasecmp(carrier, prefixes[i], strlen(prefixes[i])) == 0) return 1;
  return 0;
}

void tw_metrics_compute(const tw_network *net, const tw_optimize_result *r, tw_task_metrics *m) {
  const size_t T = net->n_snapshots, G = net->n_generators, L = net->n_loads, B = net->n_buses;
  double price_weighted = 0, price_weight = 0;
  memset(m, 0, sizeof *m);
  m->objective = r->objective;
  m->total_cost = r->total_cost;
  m->co2_t = r->co2_t;
  m->unserved_MWh = r->unserved_MWh;
  m->solve_seconds = r->solve_seconds;
  m->iterations = (double)r->iterations;
  for (size_t g = 0; g < G; g++) {
    const tw_generator *gen = &net->generators[g];
    const char *carrier = gen->carrier >= 0 ? net->carriers[gen->carrier].name : NULL;
    int renewable = tw_carrier_is_renewable(carrier);
    double energy = 0;
    for (size_t t = 0; t < T; t++) energy += net->weight_generators[t] * r->gen_p[t * G + g];
    m->generation_MWh += energy;
    if (renewable) {
      m->renewable_MWh += energy;
      m->curtailed_MWh += r->gen_curtailment_MWh[g];
    }
  }
  for (size_t t = 0; t < T; t++) {
    double w = net->weight_objective[t];
    for (size_t l = 0; l < L; l++) {
      const tw_load *load = &net->loads[l];
      double demand = tw_series_at(load->p_set_t, load->p_set_MW, t);
      m->demand_MWh += w * demand;
      double price = r->bus_marginal_price[t * B + (size_t)load->bus];
      price_weighted += w * demand * price;
      price_weight += w * demand;
    }
    for (size_t b = 0; b < B; b++) {
      double price = r->bus_marginal_price[t * B + b];
      if ((t == 0 && b == 0) || price > m->peak_price) m->peak_price = price;
    }
  }
  m->renewable_share = m->generation_MWh > 0 ? m->renewable_MWh / m->generation_MWh : 0;
  m->co2_intensity_t_per_MWh = m->demand_MWh > 0 ? m->co2_t / m->demand_MWh : 0;
  m->mean_price = price_weight > 0 ? price_weighted / price_weight : 0;
}

void tw_metrics_to_json(const tw_task_metrics *m, tw_json *j) {
  tw_json_kv_number(j, "objective", m->objective);
  tw_json_kv_number(j, "total_cost", m->total_cost);
  tw_json_kv_number(j, "co2_t", m->co2_t);
  tw_json_kv_number(j, "co2_intensity_t_per_mwh", m->co2_intensity_t_per_MWh);
  tw_json_kv_number(j, "demand_mwh", m->demand_MWh);
  tw_json_kv_number(j, "generation_mwh", m->generation_MWh);
  tw_json_kv_number(j, "renewable_mwh", m->renewable_MWh);
  tw_json_kv_number(j, "renewable_share", m->renewable_share);
  tw_json_kv_number(j, "curtailed_mwh", m->curtailed_MWh);
  tw_json_kv_number(j, "unserved_mwh", m->unserved_MWh);
  tw_json_kv_number(j, "peak_price", m->peak_price);
  tw_json_kv_number(j, "mean_price", m->mean_price);
}
