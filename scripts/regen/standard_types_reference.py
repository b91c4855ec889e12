#!/usr/bin/env python3
"""Reference values for PyPSA's standard line and transformer types.

Builds a small PyPSA network whose lines and transformers use standard types
(every transformer type, a spread of line types, lengths, num_parallel and tap
positions), exports it as a CSV folder (the inputs) and writes expected.csv:
the r, x, g, b, s_nom, tap_ratio, phase_shift, x_pu_eff and r_pu_eff that
PyPSA's calculate_dependent_values computes for each branch.
tests/network reads the folder with terrawatt and compares.

Usage: /work/venvs/pypsa/bin/python scripts/regen/standard_types_reference.py OUT_DIR
(PyPSA 1.4.0 in an optional venv; never in the build or the tests.)
SPDX-License-Identifier: GPL-3.0-or-later
"""
import csv
import logging
import os
import sys

import pandas as pd
import pypsa

logging.disable(logging.WARNING)


def main():
    out = sys.argv[1]
    n = pypsa.Network()
    n.set_snapshots(pd.Index(["now"], name="snapshot"))
    lt = n.c.line_types.static
    tt = n.c.transformer_types.static
    vols = [0.4, 10.0, 20.0, 110.0, 220.0, 380.0]
    n.add("Bus", ["v%g" % v for v in vols] + ["w%g" % v for v in vols], v_nom=vols + vols)
    for k, typ in enumerate(lt.index[::4]):
        v = vols[k % len(vols)]
        n.add("Line", "line%d" % k, bus0="v%g" % v, bus1="w%g" % v, type=typ,
              length=1.5 + 7.25 * k, num_parallel=1 + (k % 3), s_nom=100.0)
    for k, typ in enumerate(tt.index):
        n.add("Transformer", "trafo%d" % k, bus0="v%g" % vols[k % 6], bus1="w%g" % vols[(k + 1) % 6],
              type=typ, num_parallel=1 + (k % 2), tap_position=(k % 5) - 2)
    os.makedirs(out, exist_ok=True)
    n.export_to_csv_folder(out)
    for f in ("crs.json", "meta.json"):
        if os.path.exists(os.path.join(out, f)):
            os.remove(os.path.join(out, f))
    n.calculate_dependent_values()
    with open(os.path.join(out, "expected.txt"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["list", "name", "r", "x", "g", "b", "s_nom", "tap_ratio", "phase_shift",
                    "x_pu_eff", "r_pu_eff"])
        for name, r in n.lines.iterrows():
            w.writerow(["lines", name] + [repr(float(r[a])) for a in
                                          ("r", "x", "g", "b", "s_nom")] +
                       ["1.0", "0.0", repr(float(r.x_pu_eff)), repr(float(r.r_pu_eff))])
        for name, r in n.transformers.iterrows():
            w.writerow(["transformers", name] + [repr(float(r[a])) for a in
                                                 ("r", "x", "g", "b", "s_nom", "tap_ratio",
                                                  "phase_shift", "x_pu_eff", "r_pu_eff")])


if __name__ == "__main__":
    main()
