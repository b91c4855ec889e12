#!/usr/bin/env python3
"""Write a synthetic PyPSA CSV folder for benchmarks: BUSES buses on a ring
with chords (meshed), per bus a wind, a solar, a gas and a peaker generator,
a load and a battery (storage unit); fixed capacities so that rolling
horizons apply. Deterministic (seeded).

usage: optimize_gen_network.py DIR BUSES SNAPSHOTS [SEED]
SPDX-License-Identifier: GPL-3.0-or-later
"""
import math
import os
import random
import sys


def main():
    out, nb, nt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    os.makedirs(out, exist_ok=True)
    snaps = ["2030-01-%02d %02d:00:00" % (1 + t // 24, t % 24) if t < 24 * 28 else "t%d" % t
             for t in range(nt)]
    with open(f"{out}/snapshots.csv", "w") as f:
        f.write("snapshot,objective,stores,generators\n")
        for s in snaps:
            f.write(f"{s},1,1,1\n")
    buses = [f"b{i}" for i in range(nb)]
    with open(f"{out}/buses.csv", "w") as f:
        f.write("name,v_nom\n")
        for b in buses:
            f.write(f"{b},380\n")
    lines = []
    for i in range(nb):
        if nb > 1 and (nb > 2 or i == 0):
            lines.append((buses[i], buses[(i + 1) % nb]))
    for i in range(0, nb, 3):
        j = (i + nb // 2) % nb
        if nb > 3 and j != i:
            lines.append((buses[i], buses[j]))
    with open(f"{out}/lines.csv", "w") as f:
        f.write("name,bus0,bus1,x,s_nom\n")
        for k, (a, b) in enumerate(lines):
            f.write(f"l{k},{a},{b},{rng.uniform(5, 30):.4f},{rng.uniform(300, 800):.1f}\n")
    with open(f"{out}/generators.csv", "w") as f:
        f.write("name,bus,p_nom,marginal_cost,p_min_pu\n")
        for b in buses:
            f.write(f"{b} wind,{b},{rng.uniform(200, 600):.1f},{rng.uniform(0, 1):.3f},0\n")
            f.write(f"{b} solar,{b},{rng.uniform(100, 400):.1f},{rng.uniform(0, 1):.3f},0\n")
            f.write(f"{b} gas,{b},{rng.uniform(300, 500):.1f},{rng.uniform(40, 70):.3f},0\n")
            f.write(f"{b} peak,{b},1000,{rng.uniform(150, 300):.3f},0\n")
    with open(f"{out}/generators-p_max_pu.csv", "w") as f:
        f.write("snapshot," + ",".join(f"{b} wind,{b} solar" for b in buses) + "\n")
        phase = [rng.uniform(0, 6.28) for _ in buses]
        for t, s in enumerate(snaps):
            row = []
            for i, _ in enumerate(buses):
                wind = 0.5 + 0.4 * math.sin(0.11 * t + phase[i]) + rng.uniform(-0.1, 0.1)
                solar = max(0.0, math.sin(math.pi * ((t % 24) - 6) / 12)) * rng.uniform(0.6, 1.0)
                row += [f"{min(1, max(0, wind)):.4f}", f"{solar:.4f}"]
            f.write(s + "," + ",".join(row) + "\n")
    with open(f"{out}/loads.csv", "w") as f:
        f.write("name,bus\n")
        for b in buses:
            f.write(f"{b},{b}\n")
    with open(f"{out}/loads-p_set.csv", "w") as f:
        f.write("snapshot," + ",".join(buses) + "\n")
        base = [rng.uniform(300, 700) for _ in buses]
        for t, s in enumerate(snaps):
            daily = 1 + 0.25 * math.sin(math.pi * ((t % 24) - 8) / 12)
            f.write(s + "," + ",".join(f"{base[i] * daily * rng.uniform(0.95, 1.05):.2f}"
                                       for i in range(nb)) + "\n")
    with open(f"{out}/storage_units.csv", "w") as f:
        f.write("name,bus,p_nom,max_hours,efficiency_store,efficiency_dispatch,standing_loss,"
                "state_of_charge_initial,marginal_cost\n")
        for b in buses:
            f.write(f"{b} battery,{b},{rng.uniform(50, 200):.1f},4,0.95,0.95,0.0001,100,0.5\n")


if __name__ == "__main__":
    main()
