#!/usr/bin/env python3
"""A real transmission grid in PyPSA with standard line and transformer types,
storage units and time series, as the fixture of terrawatt's network tests.

Source grid: pandapower's case1354pegase (1354 buses at 220 and 380 kV, part
of the European high-voltage grid from the PEGASE project; pandapower is
BSD-3-Clause). The script builds a PyPSA network from it:
  - every line uses PyPSA's standard type for its voltage ("Al/St 240/40
    2-bundle 220.0", "Al/St 240/40 4-bundle 380.0") with the length that
    reproduces the case's reactance, s_nom the type's thermal rating;
  - every transformer uses the standard type "160 MVA 380/110 kV" with its
    tap position (so x, r, s_nom and tap_ratio come from the type) and
    s_max_pu sized to the case's rating (the only 380 kV type is 160 MVA);
  - generators with linear costs from the case, carriers with CO2, a few
    with ramp limits and p_init, efficiency series; static generators;
  - loads with a 4-snapshot p_set series; 20 storage units with
    marginal_cost, efficiency and standing-loss series; a store;
  - a CO2 cap at 97% of the uncapped emissions.
It solves the network with PyPSA + HiGHS and writes the CSV folder plus
reference.json (objective) into OUT_DIR.

  --check RESULTS.nc  load terrawatt's results in PyPSA, re-optimise and
                      print both objectives (the written results re-solve).

Usage (optional venv, never in the build or the tests):
  python3 -m venv /work/venvs/pypsa && /work/venvs/pypsa/bin/pip install pypsa pandapower highspy
  /work/venvs/pypsa/bin/python scripts/regen/pegase_network.py tests/network/data/pegase1354
  /work/venvs/pypsa/bin/python scripts/regen/pegase_network.py --check results.nc
Tested with PyPSA 1.4.0, pandapower 3.1.2, highspy 1.16.0.
SPDX-License-Identifier: GPL-3.0-or-later
"""
import json
import logging
import math
import os
import sys

import numpy as np
import pandas as pd

logging.disable(logging.WARNING)


def build():
    import pandapower.networks as pn
    import pypsa

    pp = pn.case1354pegase()
    n = pypsa.Network()
    n.set_snapshots(pd.Index(["2030-01-01 00:00:00", "2030-01-01 01:00:00",
                              "2030-01-01 02:00:00", "2030-01-01 03:00:00"], name="snapshot"))
    T = len(n.snapshots)
    bus = lambda i: "b%d" % i
    n.add("Bus", [bus(i) for i in pp.bus.index], v_nom=pp.bus.vn_kv.values)
    n.add("Carrier", ["gas", "coal", "hydro", "battery", "solar"],
          co2_emissions=[0.2, 0.34, 0.0, 0.0, 0.0])

    lt = n.c.line_types.static
    for i, row in pp.line.iterrows():
        v = pp.bus.vn_kv[row.from_bus]
        typ = "Al/St 240/40 4-bundle 380.0" if v > 300 else "Al/St 240/40 2-bundle 220.0"
        x_ohm = row.x_ohm_per_km * row.length_km / row.parallel
        length = max(x_ohm / lt.at[typ, "x_per_length"], 0.01)
        s_nom = math.sqrt(3) * lt.at[typ, "i_nom"] * v
        n.add("Line", "l%d" % i, bus0=bus(row.from_bus), bus1=bus(row.to_bus), type=typ,
              length=round(length, 4), num_parallel=1, s_nom=round(s_nom, 3))
    for i, row in pp.trafo.iterrows():
        tap = 0 if pd.isna(row.tap_pos) else int(row.tap_pos)
        n.add("Transformer", "t%d" % i, bus0=bus(row.hv_bus), bus1=bus(row.lv_bus),
              type="160 MVA 380/110 kV", tap_position=tap,
              s_max_pu=round(max(1.0, row.sn_mva / 160.0) * 1.5, 3))

    costs = pp.poly_cost.set_index(["et", "element"]).cp1_eur_per_mw
    carriers = ["gas", "coal", "hydro"]
    for k, (i, row) in enumerate(pp.gen.iterrows()):
        mc = float(costs.get(("gen", i), 0.0)) + 1.0 + 0.01 * (k % 17)
        kw = dict(bus=bus(row.bus), p_nom=float(row.max_p_mw), p_min_pu=0.0,
                  marginal_cost=round(mc, 4), carrier=carriers[k % 3])
        if k % 10 == 0:
            kw.update(ramp_limit_up=0.2, ramp_limit_down=0.25, p_init=0.5 * float(row.max_p_mw))
        n.add("Generator", "g%d" % i, **kw)
    # efficiency series on some gas units (CO2 per MWh electric changes)
    gas = [g for g in n.generators.index if n.generators.at[g, "carrier"] == "gas"][:10]
    n.generators_t.efficiency = pd.DataFrame(
        {g: [0.40, 0.45, 0.50, 0.55] for g in gas}, index=n.snapshots)
    for i, row in pp.sgen.iterrows():
        n.add("Generator", "s%d" % i, bus=bus(row.bus), p_nom=max(float(row.p_mw), 0.0),
              marginal_cost=0.5, carrier="hydro")
    eg = pp.ext_grid.iloc[0]
    n.add("Generator", "slack", bus=bus(eg.bus), p_nom=5000.0, marginal_cost=200.0, carrier="gas")

    profile = np.array([0.85, 0.9, 1.0, 0.95])
    names = ["d%d" % i for i in pp.load.index]
    n.add("Load", names, bus=[bus(b) for b in pp.load.bus])
    n.loads_t.p_set = pd.DataFrame(np.outer(profile, pp.load.p_mw.values).round(4),
                                   index=n.snapshots, columns=names)

    big = pp.load.groupby("bus").p_mw.sum().sort_values(ascending=False).index[:20]
    su = ["su%d" % b for b in big]
    n.add("StorageUnit", su, bus=[bus(b) for b in big], carrier="battery", p_nom=100.0,
          max_hours=4.0, cyclic_state_of_charge=True, efficiency_store=0.95,
          efficiency_dispatch=0.95)
    # cheap solar next to each storage unit: energy to shift between snapshots
    pv = ["pv%d" % b for b in big]
    n.add("Generator", pv, bus=[bus(b) for b in big], p_nom=150.0, marginal_cost=0.0,
          carrier="solar")
    n.generators_t.p_max_pu = pd.DataFrame({g: [1.0, 0.1, 0.9, 0.0] for g in pv},
                                           index=n.snapshots)
    n.storage_units_t.marginal_cost = pd.DataFrame(
        {s: [0.1, 0.4, 0.8, 0.2] for s in su}, index=n.snapshots)
    n.storage_units_t.efficiency_dispatch = pd.DataFrame(
        {s: [0.9, 0.92, 0.94, 0.96] for s in su[5:15]}, index=n.snapshots)
    n.storage_units_t.efficiency_store = pd.DataFrame(
        {s: [0.96, 0.94, 0.92, 0.9] for s in su[10:20]}, index=n.snapshots)
    n.storage_units_t.standing_loss = pd.DataFrame(
        {s: [0.05, 0.1, 0.05, 0.02] for s in su[::2]}, index=n.snapshots)
    n.add("Store", "h2", bus=bus(big[0]), e_nom=500.0, e_cyclic=True, carrier="battery",
          marginal_cost=0.1)
    n.stores_t.standing_loss = pd.DataFrame({"h2": [0.01, 0.02, 0.03, 0.04]},
                                            index=n.snapshots)
    return n


def solve(n):
    status, cond = n.optimize(solver_name="highs")
    if status != "ok":
        raise SystemExit("PyPSA: %s %s" % (status, cond))
    return float(n.objective)


def co2(n):
    g = n.generators
    e = 0.0
    eff = n.get_switchable_as_dense("Generator", "efficiency")
    for c, v in n.carriers.co2_emissions.items():
        idx = g.index[g.carrier == c]
        e += float((n.generators_t.p[idx] / eff[idx] * v).sum().sum())
    return e


def main():
    import pypsa
    if sys.argv[1] == "--check":
        m = pypsa.Network(sys.argv[2])
        obj = solve(m)
        print(json.dumps({"pypsa_resolve_objective": obj}))
        return
    out = sys.argv[1]
    n = build()
    probe = n.copy()
    solve(probe)
    emissions = co2(probe)
    n.add("GlobalConstraint", "co2_limit", type="primary_energy",
          carrier_attribute="co2_emissions", sense="<=", constant=round(0.97 * emissions, 3))
    n.export_to_csv_folder(out)
    obj = solve(n)
    ref = {"source": "pandapower case1354pegase, scripts/regen/pegase_network.py",
           "pypsa": pypsa.__version__, "solver": "highs", "objective": obj,
           "co2_cap_t": round(0.97 * emissions, 3), "uncapped_co2_t": emissions,
           "buses": len(n.buses), "lines": len(n.lines), "transformers": len(n.transformers),
           "generators": len(n.generators), "storage_units": len(n.storage_units)}
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
    print(json.dumps(ref))


if __name__ == "__main__":
    main()
