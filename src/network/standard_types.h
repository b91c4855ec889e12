/* PyPSA's standard line and transformer types (generated table in
 * standard_types.c) and the electrical parameters PyPSA derives from them
 * in calculate_dependent_values (apply_line_types, apply_transformer_types).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_NETWORK_STANDARD_TYPES_H
#define TW_NETWORK_STANDARD_TYPES_H

#include <stddef.h>

#include "terrawatt/network.h"

typedef struct tw_line_type {
  const char *name;
  double f_nom_Hz;
  double r_Ohm_per_km, x_Ohm_per_km;
  double c_nF_per_km;
  double i_nom_kA;
} tw_line_type;

typedef struct tw_transformer_type {
  const char *name;
  double f_nom_Hz, s_nom_MVA, v_nom_0_kV, v_nom_1_kV;
  double vsc_percent, vscr_percent; /* short-circuit voltage and its real part */
  double pfe_kW, i0_percent;        /* iron losses, open-loop current */
  double phase_shift_deg, tap_side, tap_neutral, tap_step_percent;
} tw_transformer_type;

extern const tw_line_type tw_line_types[];
extern const size_t tw_n_line_types;
extern const tw_transformer_type tw_transformer_types[];
extern const size_t tw_n_transformer_types;

const tw_line_type *tw_line_type_find(const char *name);
const tw_transformer_type *tw_transformer_type_find(const char *name);

/* Set r, x (Ohm) and b (Siemens) of a line from its type, length_km and
 * num_parallel as PyPSA does (g and s_nom are left as given). */
void tw_line_apply_type(tw_branch *line, const tw_line_type *type);
/* Set r, x (per unit on s_nom), g, b, s_nom, phase_shift, tap_side and
 * tap_ratio (from tap_position) of a transformer from its type. */
void tw_transformer_apply_type(tw_branch *trafo, const tw_transformer_type *type);

#endif
