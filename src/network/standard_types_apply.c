/* Electrical parameters from PyPSA's standard types, formula by formula as
 * pypsa/network/power_flow.py (apply_line_types, apply_transformer_types)
 * computes them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "network/standard_types.h"

const tw_line_type *tw_line_type_find(const char *name) {
  for (size_t i = 0; name && i < tw_n_line_types; i++)
    if (strcmp(tw_line_types[i].name, name) == 0) return &tw_line_types[i];
  return NULL;
}

const tw_transformer_type *tw_transformer_type_find(const char *name) {
  for (size_t i = 0; name && i < tw_n_transformer_types; i++)
    if (strcmp(tw_transformer_types[i].name, name) == 0) return &tw_transformer_types[i];
  return NULL;
}

void tw_line_apply_type(tw_branch *l, const tw_line_type *t) {
  l->r = t->r_Ohm_per_km * l->length_km / l->num_parallel;
  l->x = t->x_Ohm_per_km * l->length_km / l->num_parallel;
  l->b = 2.0 * 3.14159265358979323846 * 1e-9 * t->f_nom_Hz * t->c_nF_per_km * l->length_km * l->num_parallel;
}

void tw_transformer_apply_type(tw_branch *tr, const tw_transformer_type *t) {
  double r = t->vscr_percent / 100.0;
  double x = sqrt((t->vsc_percent / 100.0) * (t->vsc_percent / 100.0) - r * r);
  double g = t->pfe_kW / (1000.0 * t->s_nom_MVA);
  double i0 = t->i0_percent / 100.0;
  /* some pandapower types have i0^2 < g^2: PyPSA clips at zero */
  double b = -sqrt(fmax(i0 * i0 - g * g, 0.0));
  tr->r = r / tr->num_parallel;
  tr->x = x / tr->num_parallel;
  tr->g = g * tr->num_parallel;
  tr->b = b * tr->num_parallel;
  tr->s_nom_MVA = t->s_nom_MVA;
  tr->phase_shift_deg = t->phase_shift_deg;
  tr->tap_side = t->tap_side;
  tr->tap_ratio = 1.0 + (tr->tap_position - t->tap_neutral) * (t->tap_step_percent / 100.0);
}
