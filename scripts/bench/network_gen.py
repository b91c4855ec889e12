#!/usr/bin/env python3
"""Generate a PyPSA CSV folder of N buses for scripts/bench/network-read:
random bus layout, lines to the next bus and to a random near bus, one load
per bus with a p_set series, a generator per 4 buses (half with a p_max_pu
series), 24 hourly snapshots. No dependencies beyond Python.
usage: network_gen.py DIR N_BUSES [SEED]
SPDX-License-Identifier: GPL-3.0-or-later
"""
import os
import random
import sys


def main():
    out, nb = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    T = 24
    os.makedirs(out, exist_ok=True)
    snaps = ["2030-01-01 %02d:00:00" % h for h in range(T)]
    with open(os.path.join(out, "snapshots.csv"), "w") as f:
        f.write("snapshot\n" + "".join(s + "\n" for s in snaps))
    pts = sorted((rnd.uniform(0, 100), rnd.uniform(0, 100)) for _ in range(nb))
    with open(os.path.join(out, "buses.csv"), "w") as f:
        f.write("name,v_nom,x,y\n")
        for i, (x, y) in enumerate(pts):
            f.write("bus %d,220,%.5f,%.5f\n" % (i, x, y))
    with open(os.path.join(out, "lines.csv"), "w") as f:
        f.write("name,bus0,bus1,x,r,s_nom\n")
        k = 0
        for i in range(nb - 1):
            for j in {i + 1, min(nb - 1, i + 1 + rnd.randrange(1, 8))}:
                if j == i:
                    continue
                f.write("line %d,bus %d,bus %d,%.4f,%.4f,%.1f\n" % (
                    k, i, j, rnd.uniform(5, 50), rnd.uniform(1, 5), rnd.choice([300, 500, 1000])))
                k += 1
    with open(os.path.join(out, "loads.csv"), "w") as f:
        f.write("name,bus\n" + "".join("load %d,bus %d\n" % (i, i) for i in range(nb)))
    with open(os.path.join(out, "loads-p_set.csv"), "w") as f:
        f.write("snapshot," + ",".join("load %d" % i for i in range(nb)) + "\n")
        base = [rnd.uniform(10, 100) for _ in range(nb)]
        for t, s in enumerate(snaps):
            fac = 0.8 + 0.2 * abs(12 - t) / 12
            f.write(s + "," + ",".join("%.3f" % (b * fac) for b in base) + "\n")
    gens = list(range(0, nb, 4))
    with open(os.path.join(out, "generators.csv"), "w") as f:
        f.write("name,bus,p_nom,marginal_cost,carrier\n")
        for g in gens:
            f.write("gen %d,bus %d,%.1f,%.2f,%s\n" % (g, g, rnd.uniform(200, 800),
                                                      rnd.uniform(0, 80), "wind" if g % 8 == 0 else "gas"))
    wind = [g for g in gens if g % 8 == 0]
    with open(os.path.join(out, "generators-p_max_pu.csv"), "w") as f:
        f.write("snapshot," + ",".join("gen %d" % g for g in wind) + "\n")
        for s in snaps:
            f.write(s + "," + ",".join("%.3f" % rnd.random() for _ in wind) + "\n")


if __name__ == "__main__":
    main()
