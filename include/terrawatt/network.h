/* terrawatt: an in-memory power network in PyPSA's data model.
 *
 * Components are kept in typed arrays (net->generators[i], ...). Static
 * attributes are plain fields; attributes that PyPSA allows to vary over
 * time carry an optional series pointer (`*_t`, NULL = use the static
 * value) of net->n_snapshots values in snapshot order. Buses and carriers
 * are referenced by index (-1 = none). Units follow PyPSA: MW, MWh, hours,
 * currency/MW (capital cost per period), currency/MWh (marginal cost),
 * t CO2/MWh of primary energy (carriers), Ohm for line x/r, per unit on
 * s_nom for transformer x/r, kV for bus v_nom.
 *
 * Ownership: the network owns every name string and series it holds; the
 * add/set functions copy their arguments.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_NETWORK_H
#define TERRAWATT_NETWORK_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tw_bus {
  char *name;
  double v_nom_kV;  /* nominal voltage (default 1) */
  double x, y;      /* coordinates (free units, usually lon/lat degrees) */
  char *carrier;    /* "AC" (default) or "DC"; decides x or r in KVL */
} tw_bus;

typedef struct tw_carrier {
  char *name;
  double co2_emissions; /* t CO2 per MWh of primary energy (default 0) */
  char *color;          /* carriers.color ("#235ebc" or a CSS colour name), or NULL; the
                           report draws the carrier in it */
} tw_carrier;

typedef struct tw_generator {
  char *name;
  int bus;      /* index into net->buses */
  int carrier;  /* index into net->carriers or -1 */
  double p_nom_MW, p_nom_min_MW, p_nom_max_MW; /* max default +inf */
  int p_nom_extendable;
  double capital_cost;  /* currency/MW */
  double marginal_cost; /* currency/MWh */
  double efficiency;    /* primary energy -> electricity, for CO2 */
  double p_min_pu, p_max_pu; /* static, per unit of p_nom */
  double sign;               /* +1 (PyPSA default) */
  double *p_min_pu_t, *p_max_pu_t, *marginal_cost_t; /* series or NULL */
  double *efficiency_t;      /* series or NULL (CO2 of primary energy) */
  /* Ramp limits per unit of p_nom per snapshot (NaN = none), PyPSA's
   * formulation for non-committable units; p_init_MW: dispatch before the
   * first snapshot (NaN = no ramp limit at the first snapshot). */
  double ramp_limit_up, ramp_limit_down, p_init_MW;
  double *ramp_limit_up_t, *ramp_limit_down_t; /* series or NULL (NaN = none) */
  double p_set_MW;  /* fixed dispatch where not NaN (PyPSA's p_set; default NaN) */
  double *p_set_t;  /* series or NULL (NaN = free at that snapshot) */
} tw_generator;

typedef struct tw_load {
  char *name;
  int bus;
  double p_set_MW; /* static demand */
  double sign;     /* -1 (PyPSA default: consumption) */
  double *p_set_t; /* series or NULL */
} tw_load;

/* Lines and transformers share one struct. For lines x/r are in Ohm; for
 * transformers in per unit on s_nom (PyPSA conventions). */
typedef struct tw_branch {
  char *name;
  int bus0, bus1;
  double x, r;
  double s_nom_MVA, s_nom_min_MVA, s_nom_max_MVA;
  int s_nom_extendable;
  double s_max_pu;     /* static */
  double capital_cost; /* currency/MVA */
  double tap_ratio;    /* transformers only (default 1) */
  double num_parallel; /* parallel circuits (default 1); divides a standard type's x, r */
  double *s_max_pu_t;  /* series or NULL */
  char *type;          /* standard line/transformer type or NULL (x, r, g, b set from it) */
  double length_km;    /* lines: length, for standard types */
  double g, b;         /* shunt conductance/susceptance (Siemens for lines, p.u. for
                          transformers); no effect on a linear OPF */
  double tap_position, tap_side; /* transformers: standard-type tap */
  double phase_shift_deg;        /* transformers: fixed phase shift (degrees) */
  double *phase_shift_deg_t;     /* series or NULL */
} tw_branch;

typedef struct tw_link {
  char *name;
  int bus0, bus1;
  int carrier;
  double efficiency; /* static: p1 = -efficiency * p0 */
  double p_nom_MW, p_nom_min_MW, p_nom_max_MW;
  int p_nom_extendable;
  double p_min_pu, p_max_pu; /* static, per unit of p_nom */
  double capital_cost, marginal_cost;
  double *p_min_pu_t, *p_max_pu_t, *efficiency_t, *marginal_cost_t;
  double ramp_limit_up, ramp_limit_down, p_init_MW; /* as for generators, on p0 */
  double *ramp_limit_up_t, *ramp_limit_down_t;
  double p_set_MW;  /* fixed p0 where not NaN */
  double *p_set_t;
} tw_link;

typedef struct tw_storage_unit {
  char *name;
  int bus;
  int carrier;
  double p_nom_MW, p_nom_min_MW, p_nom_max_MW;
  int p_nom_extendable;
  double p_min_pu, p_max_pu; /* default -1 and +1 */
  double capital_cost, marginal_cost, spill_cost;
  double max_hours_h;        /* energy capacity = max_hours * p_nom */
  double efficiency_store, efficiency_dispatch;
  double standing_loss;      /* per hour, fraction of SoC */
  int cyclic_state_of_charge;
  double state_of_charge_initial_MWh;
  double inflow_MW;          /* static inflow */
  double *inflow_t;          /* series or NULL */
  double *state_of_charge_set_t; /* MWh, NaN where free; NULL = none */
  double *p_min_pu_t, *p_max_pu_t;
  double *marginal_cost_t, *spill_cost_t;              /* series or NULL */
  double *efficiency_store_t, *efficiency_dispatch_t;  /* series or NULL */
  double *standing_loss_t;                             /* series or NULL */
  /* fixed operation where not NaN (default NaN): p_dispatch - p_store,
   * p_dispatch, p_store */
  double p_set_MW, p_dispatch_set_MW, p_store_set_MW;
  double *p_set_t, *p_dispatch_set_t, *p_store_set_t;
  double marginal_cost_storage;    /* currency per MWh of state of charge per hour */
  double *marginal_cost_storage_t; /* series or NULL */
} tw_storage_unit;

typedef struct tw_store {
  char *name;
  int bus;
  int carrier;
  double e_nom_MWh, e_nom_min_MWh, e_nom_max_MWh;
  int e_nom_extendable;
  double e_min_pu, e_max_pu; /* static */
  double e_initial_MWh;
  int e_cyclic;
  double standing_loss; /* per hour */
  double capital_cost;  /* currency/MWh */
  double marginal_cost; /* currency/MWh dispatched */
  double *e_min_pu_t, *e_max_pu_t, *marginal_cost_t;
  double *standing_loss_t; /* series or NULL */
  double p_set_MW, e_set_MWh; /* fixed p / e where not NaN (default NaN) */
  double *p_set_t, *e_set_t;
  double marginal_cost_storage;    /* currency per MWh stored per hour */
  double *marginal_cost_storage_t; /* series or NULL */
} tw_store;

typedef struct tw_global_constraint {
  char *name;
  char *type;              /* only "primary_energy" is supported */
  char *carrier_attribute; /* "co2_emissions" */
  char *sense;             /* "<=", ">=" or "==" */
  double constant;         /* t CO2 for a CO2 cap */
} tw_global_constraint;

typedef struct tw_network {
  char *name;
  size_t n_snapshots;
  char **snapshots; /* labels, e.g. "2015-01-01 00:00:00" */
  double *weight_objective, *weight_stores, *weight_generators; /* hours */

  size_t n_buses, n_carriers, n_generators, n_loads, n_lines, n_transformers, n_links,
      n_storage_units, n_stores, n_global_constraints;
  tw_bus *buses;
  tw_carrier *carriers;
  tw_generator *generators;
  tw_load *loads;
  tw_branch *lines;
  tw_branch *transformers;
  tw_link *links;
  tw_storage_unit *storage_units;
  tw_store *stores;
  tw_global_constraint *global_constraints;

  /* internal: allocated capacities of the arrays above and name indexes */
  size_t cap_[10];
  struct tw_name_index *index_[10];
} tw_network;

/* Create an empty network with n_snapshots snapshots labelled "0", "1",
 * ... and all weightings 1 h. *out is owned by the caller. */
TW_API tw_status tw_network_create(size_t n_snapshots, tw_network **out);

/* Free everything (NULL-safe) and set *net to NULL. */
TW_API void tw_network_destroy(tw_network **net);

/* Replace the label of snapshot t (copied). */
TW_API tw_status tw_network_set_snapshot_label(tw_network *net, size_t t, const char *label);

/* Deep copy of `src` (every component, series and label). *out is owned
 * by the caller. */
TW_API tw_status tw_network_clone(const tw_network *src, tw_network **out);

/* The same network at a coarser time resolution: snapshot j stands for the
 * block [j*k, (j+1)*k) of `src` (the last block may be shorter), labelled
 * by its first snapshot, with the weightings added up; every series is the
 * block mean (NaN where any value in the block is NaN), except the
 * state bounds state_of_charge_set, e_set, e_min_pu and e_max_pu, which
 * take the value at the block's last snapshot. *out is owned by the caller. */
TW_API tw_status tw_network_coarsen(const tw_network *src, size_t k, tw_network **out);

/* Index of the bus called `name`, or -1 (hash lookup). */
TW_API int tw_network_find_bus(const tw_network *net, const char *name);
/* Index of the carrier / generator called `name`, or -1. */
TW_API int tw_network_find_carrier(const tw_network *net, const char *name);

/* Effective series reactance (AC, dc = 0) or resistance (DC, dc = 1) of
 * branch b (lines first, then transformers) in per unit on 1 MVA (PyPSA's
 * x_pu_eff / r_pu_eff). */
TW_API double tw_branch_impedance(const tw_network *net, size_t b, int dc);
TW_API int tw_network_find_generator(const tw_network *net, const char *name);
/* Index of the component of PyPSA list `list` ("loads", ...) called
 * `name`, or -1 (also when the list is unknown). */
TW_API int tw_network_find(const tw_network *net, const char *list, const char *name);

/* Fill a component with PyPSA's defaults for every attribute (bus/carrier
 * -1, names NULL, series NULL). Use before setting fields and adding. */
TW_API void tw_generator_default(tw_generator *g);
TW_API void tw_load_default(tw_load *l);
TW_API void tw_line_default(tw_branch *b);
TW_API void tw_transformer_default(tw_branch *b);
TW_API void tw_link_default(tw_link *k);
TW_API void tw_storage_unit_default(tw_storage_unit *s);
TW_API void tw_store_default(tw_store *s);

/* Add components. Each copies `c` (deep copy of name strings and of any
 * non-NULL series, which must hold n_snapshots values) and, if index is
 * not NULL, stores the new component's index there. Names must be unique
 * within their component and non-empty; bus indices must be valid.
 * Fails with TW_ERR_INPUT naming the component otherwise. */
TW_API tw_status tw_network_add_bus(tw_network *net, const char *name, double v_nom_kV,
                                    const char *carrier, size_t *index);
TW_API tw_status tw_network_add_carrier(tw_network *net, const char *name, double co2_t_per_MWh,
                                        size_t *index);
TW_API tw_status tw_network_add_generator(tw_network *net, const tw_generator *c, size_t *index);
TW_API tw_status tw_network_add_load(tw_network *net, const tw_load *c, size_t *index);
TW_API tw_status tw_network_add_line(tw_network *net, const tw_branch *c, size_t *index);
TW_API tw_status tw_network_add_transformer(tw_network *net, const tw_branch *c, size_t *index);
TW_API tw_status tw_network_add_link(tw_network *net, const tw_link *c, size_t *index);
TW_API tw_status tw_network_add_storage_unit(tw_network *net, const tw_storage_unit *c, size_t *index);
TW_API tw_status tw_network_add_store(tw_network *net, const tw_store *c, size_t *index);
TW_API tw_status tw_network_add_global_constraint(tw_network *net, const char *name, const char *sense,
                                                  double constant_t, size_t *index);

/* Set (copy) a generator's p_max_pu series, n_snapshots values in [0, 1]
 * per unit of p_nom (e.g. capacity factors from the weather conversion).
 * series == NULL reverts to the static p_max_pu. Fails with TW_ERR_INPUT
 * on a bad index or a value that is not finite or negative. */
TW_API tw_status tw_network_generator_set_p_max_pu_series(tw_network *net, size_t gen_index,
                                                          const double *series);
/* Set (copy) a load's p_set series in MW (NULL reverts to static). */
TW_API tw_status tw_network_load_set_p_set_series(tw_network *net, size_t load_index,
                                                  const double *series_MW);

/* Value of a static-or-series attribute at snapshot t. */
static inline double tw_series_at(const double *series, double static_value, size_t t) {
  return series ? series[t] : static_value;
}

/* Check consistency (indices, finite values and series, weights > 0,
 * capacities >= 0, p_min_pu <= p_max_pu, generator and storage
 * efficiencies in (0, 1] and standing losses in [0, 1] at every snapshot,
 * the Kirchhoff impedance of every line and transformer at least 1e-9 in
 * magnitude, ...). Fails with
 * TW_ERR_INPUT naming component, attribute and value. `source` names the
 * file for the message (may be NULL). */
TW_API tw_status tw_network_validate(const tw_network *net, const char *source);

/* ---- reading and writing PyPSA files (src/ingest/pypsa_*.c; writers in src/optimize) */

/* Read a PyPSA network from a NetCDF export (path ends in .nc) or a CSV
 * folder (a directory). Absent attributes take PyPSA's defaults; standard
 * line/transformer types set x, r, g, b (and transformers' s_nom, tap
 * ratio, phase shift) as PyPSA does; unknown components/attributes give one
 * warning listing them. TW_ERR_INPUT naming file, component, attribute and
 * value for: an attribute PyPSA defines but terrawatt does not model, set
 * away from its default (committable units, quadratic costs, ...);
 * investment periods, scenarios, multi-port links; series rows whose
 * labels differ from the snapshots, series columns naming no component or
 * appearing twice, NaN/Inf in series; physically meaningless values (see
 * tw_network_validate and docs/OPTIMIZE.md). */
TW_API tw_status tw_network_read(const char *path, tw_network **out);
TW_API tw_status tw_network_read_netcdf(const char *path, tw_network **out);
TW_API tw_status tw_network_read_csv(const char *dir, tw_network **out);

#ifdef __cplusplus
}
#endif
#endif
