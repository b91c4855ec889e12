"""How terrawatt models each PyPSA component attribute (used by gen_pypsa_defaults.py).

For every component list: the attributes terrawatt keeps, as
  attribute: (kind, C field, C series field or None, use)
with kind one of num, bool, bus, carrier, str and use one of
  H  honoured by the optimizer,
  S  stored and written back, no effect on a linear OPF,
and the attributes that are not kept:
  IGNORED[list][attr] = reason (no effect on a linear OPF),
every other input attribute of PyPSA's table is REFUSED when set away from
its default (REFUSED_WHY gives a reason where a generic one is not enough).
SPDX-License-Identifier: GPL-3.0-or-later
"""

C_STRUCT = {
    "buses": "tw_bus", "carriers": "tw_carrier", "generators": "tw_generator",
    "loads": "tw_load", "lines": "tw_branch", "transformers": "tw_branch",
    "links": "tw_link", "storage_units": "tw_storage_unit", "stores": "tw_store",
    "global_constraints": "tw_global_constraint",
}
SINGULAR = {
    "buses": "bus", "carriers": "carrier", "generators": "generator", "loads": "load",
    "lines": "line", "transformers": "transformer", "links": "link",
    "storage_units": "storage unit", "stores": "store", "global_constraints": "global constraint",
}
ARRAY = {  # tw_network members: array, count
    "buses": ("buses", "n_buses"), "carriers": ("carriers", "n_carriers"),
    "generators": ("generators", "n_generators"), "loads": ("loads", "n_loads"),
    "lines": ("lines", "n_lines"), "transformers": ("transformers", "n_transformers"),
    "links": ("links", "n_links"), "storage_units": ("storage_units", "n_storage_units"),
    "stores": ("stores", "n_stores"),
    "global_constraints": ("global_constraints", "n_global_constraints"),
}

_CAPACITY = {
    "p_nom": ("num", "p_nom_MW", None, "H"),
    "p_nom_extendable": ("bool", "p_nom_extendable", None, "H"),
    "p_nom_min": ("num", "p_nom_min_MW", None, "H"),
    "p_nom_max": ("num", "p_nom_max_MW", None, "H"),
    "capital_cost": ("num", "capital_cost", None, "H"),
}
_BRANCH = {
    "bus0": ("bus", "bus0", None, "H"),
    "bus1": ("bus", "bus1", None, "H"),
    "type": ("str", "type", None, "H"),
    "x": ("num", "x", None, "H"),
    "r": ("num", "r", None, "H"),
    "g": ("num", "g", None, "S"),
    "b": ("num", "b", None, "S"),
    "s_nom": ("num", "s_nom_MVA", None, "H"),
    "s_nom_extendable": ("bool", "s_nom_extendable", None, "H"),
    "s_nom_min": ("num", "s_nom_min_MVA", None, "H"),
    "s_nom_max": ("num", "s_nom_max_MVA", None, "H"),
    "s_max_pu": ("num", "s_max_pu", "s_max_pu_t", "H"),
    "capital_cost": ("num", "capital_cost", None, "H"),
    "num_parallel": ("num", "num_parallel", None, "H"),
}
_FIXED_P = {"p_set": ("num", "p_set_MW", "p_set_t", "H")}
_RAMP = {
    "ramp_limit_up": ("num", "ramp_limit_up", "ramp_limit_up_t", "H"),
    "ramp_limit_down": ("num", "ramp_limit_down", "ramp_limit_down_t", "H"),
    "p_init": ("num", "p_init_MW", None, "H"),
}

FIELDS = {
    "buses": {
        "v_nom": ("num", "v_nom_kV", None, "H"),
        "x": ("num", "x", None, "S"),
        "y": ("num", "y", None, "S"),
        "carrier": ("str", "carrier", None, "H"),
    },
    "carriers": {"co2_emissions": ("num", "co2_emissions", None, "H")},
    "generators": dict(
        {"bus": ("bus", "bus", None, "H"), "carrier": ("carrier", "carrier", None, "H")},
        **_CAPACITY,
        **{
            "marginal_cost": ("num", "marginal_cost", "marginal_cost_t", "H"),
            "efficiency": ("num", "efficiency", "efficiency_t", "H"),
            "p_min_pu": ("num", "p_min_pu", "p_min_pu_t", "H"),
            "p_max_pu": ("num", "p_max_pu", "p_max_pu_t", "H"),
            "sign": ("num", "sign", None, "H"),
        },
        **_RAMP, **_FIXED_P),
    "loads": {
        "bus": ("bus", "bus", None, "H"),
        "p_set": ("num", "p_set_MW", "p_set_t", "H"),
        "sign": ("num", "sign", None, "H"),
    },
    "lines": dict(_BRANCH, **{"length": ("num", "length_km", None, "H")}),
    "transformers": dict(_BRANCH, **{
        "tap_ratio": ("num", "tap_ratio", None, "H"),
        "tap_position": ("num", "tap_position", None, "H"),
        "tap_side": ("num", "tap_side", None, "S"),
        "phase_shift": ("num", "phase_shift_deg", "phase_shift_deg_t", "H"),
    }),
    "links": dict(
        {"bus0": ("bus", "bus0", None, "H"), "bus1": ("bus", "bus1", None, "H"),
         "carrier": ("carrier", "carrier", None, "H"),
         "efficiency": ("num", "efficiency", "efficiency_t", "H")},
        **_CAPACITY,
        **{
            "p_min_pu": ("num", "p_min_pu", "p_min_pu_t", "H"),
            "p_max_pu": ("num", "p_max_pu", "p_max_pu_t", "H"),
            "marginal_cost": ("num", "marginal_cost", "marginal_cost_t", "H"),
        },
        **_RAMP, **_FIXED_P),
    "storage_units": dict(
        {"bus": ("bus", "bus", None, "H"), "carrier": ("carrier", "carrier", None, "H")},
        **_CAPACITY,
        **{
            "p_min_pu": ("num", "p_min_pu", "p_min_pu_t", "H"),
            "p_max_pu": ("num", "p_max_pu", "p_max_pu_t", "H"),
            "marginal_cost": ("num", "marginal_cost", "marginal_cost_t", "H"),
            "spill_cost": ("num", "spill_cost", "spill_cost_t", "H"),
            "max_hours": ("num", "max_hours_h", None, "H"),
            "efficiency_store": ("num", "efficiency_store", "efficiency_store_t", "H"),
            "efficiency_dispatch": ("num", "efficiency_dispatch", "efficiency_dispatch_t", "H"),
            "standing_loss": ("num", "standing_loss", "standing_loss_t", "H"),
            "cyclic_state_of_charge": ("bool", "cyclic_state_of_charge", None, "H"),
            "state_of_charge_initial": ("num", "state_of_charge_initial_MWh", None, "H"),
            "state_of_charge_set": ("num", None, "state_of_charge_set_t", "H"),
            "inflow": ("num", "inflow_MW", "inflow_t", "H"),
            "p_dispatch_set": ("num", "p_dispatch_set_MW", "p_dispatch_set_t", "H"),
            "p_store_set": ("num", "p_store_set_MW", "p_store_set_t", "H"),
            "marginal_cost_storage": ("num", "marginal_cost_storage", "marginal_cost_storage_t",
                                      "H"),
        }, **_FIXED_P),
    "stores": {
        "bus": ("bus", "bus", None, "H"), "carrier": ("carrier", "carrier", None, "H"),
        "e_nom": ("num", "e_nom_MWh", None, "H"),
        "e_nom_extendable": ("bool", "e_nom_extendable", None, "H"),
        "e_nom_min": ("num", "e_nom_min_MWh", None, "H"),
        "e_nom_max": ("num", "e_nom_max_MWh", None, "H"),
        "e_min_pu": ("num", "e_min_pu", "e_min_pu_t", "H"),
        "e_max_pu": ("num", "e_max_pu", "e_max_pu_t", "H"),
        "e_initial": ("num", "e_initial_MWh", None, "H"),
        "e_cyclic": ("bool", "e_cyclic", None, "H"),
        "standing_loss": ("num", "standing_loss", "standing_loss_t", "H"),
        "capital_cost": ("num", "capital_cost", None, "H"),
        "marginal_cost": ("num", "marginal_cost", "marginal_cost_t", "H"),
        "p_set": ("num", "p_set_MW", "p_set_t", "H"),
        "e_set": ("num", "e_set_MWh", "e_set_t", "H"),
        "marginal_cost_storage": ("num", "marginal_cost_storage", "marginal_cost_storage_t", "H"),
    },
    "global_constraints": {
        "type": ("str", "type", None, "H"),
        "carrier_attribute": ("str", "carrier_attribute", None, "H"),
        "sense": ("str", "sense", None, "H"),
        "constant": ("num", "constant", None, "H"),
    },
}

_DESCRIPTIVE = "descriptive only"
_AC_PF = "AC power flow only (reactive power, voltage magnitude)"
_PERIODS = "only used with investment periods, which are refused"
_UC = "only used with committable=True, which is refused"
_MAINT = "only used with maintainable=True, which is refused"
_COMMITTABLE_IGNORED = {
    a: _UC for a in ("start_up_cost", "shut_down_cost", "stand_by_cost", "min_up_time",
                     "min_down_time", "up_time_before", "down_time_before",
                     "ramp_limit_start_up", "ramp_limit_shut_down")}
_COMMITTABLE_IGNORED.update({a: _MAINT for a in ("maintenance_duration", "maintenance_pu",
                                                  "maintenance_events")})
IGNORED = {
    "buses": {"type": _DESCRIPTIVE, "unit": _DESCRIPTIVE, "location": _DESCRIPTIVE,
              "v_mag_pu_set": _AC_PF, "v_mag_pu_min": _AC_PF, "v_mag_pu_max": _AC_PF},
    "carriers": {"color": _DESCRIPTIVE, "nice_name": _DESCRIPTIVE},
    "generators": dict({"control": _AC_PF, "type": _DESCRIPTIVE, "q_set": _AC_PF,
                        "weight": "network clustering only", "build_year": _PERIODS,
                        "lifetime": _PERIODS}, **_COMMITTABLE_IGNORED),
    "loads": {"carrier": _DESCRIPTIVE, "type": _DESCRIPTIVE, "q_set": _AC_PF},
    "lines": {"carrier": "derived from the buses' carrier",
              "terrain_factor": "cost helpers only", "build_year": _PERIODS,
              "lifetime": _PERIODS},
    "transformers": {"model": "the T/PI model changes only shunt terms, not x_pu_eff",
                     "build_year": _PERIODS, "lifetime": _PERIODS},
    "links": dict({"type": _DESCRIPTIVE, "length": "cost helpers only",
                   "terrain_factor": "cost helpers only", "build_year": _PERIODS,
                   "lifetime": _PERIODS, "cyclic_delay": "only used with delay, which is refused"},
                  **_COMMITTABLE_IGNORED),
    "storage_units": {"control": _AC_PF, "type": _DESCRIPTIVE, "q_set": _AC_PF,
                      "build_year": _PERIODS, "lifetime": _PERIODS,
                      "state_of_charge_initial_per_period": _PERIODS,
                      "cyclic_state_of_charge_per_period": _PERIODS},
    "stores": {"type": _DESCRIPTIVE, "q_set": _AC_PF, "build_year": _PERIODS,
               "lifetime": _PERIODS, "e_initial_per_period": _PERIODS,
               "e_cyclic_per_period": _PERIODS},
    "global_constraints": {},
}

REFUSED_WHY = {
    "marginal_cost_quadratic": "quadratic costs need a QP solver; GLPK solves linear programs only",
    "committable": "unit commitment (integer variables) is not supported",
    "maintainable": "maintenance scheduling (integer variables) is not supported",
    "p_nom_mod": "modular capacity (integer variables) is not supported",
    "s_nom_mod": "modular capacity (integer variables) is not supported",
    "e_nom_mod": "modular capacity (integer variables) is not supported",
    "active": "inactive components (active=False) are not supported",
    "p_set": "fixed dispatch (p_set) is not supported",
    "e_set": "fixed energy levels (e_set) are not supported",
    "delay": "link delays are not supported",
    "overnight_cost": "annuitised overnight costs are not supported; give capital_cost",
    "discount_rate": "annuitised overnight costs are not supported; give capital_cost",
    "fom_cost": "fixed O&M costs are not supported; include them in capital_cost",
    "v_ang_min": "voltage angle limits are not supported",
    "v_ang_max": "voltage angle limits are not supported",
    "phase_shift_min": "optimised phase shifts are not supported",
    "phase_shift_max": "optimised phase shifts are not supported",
}
