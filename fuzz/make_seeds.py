#!/usr/bin/env python3
"""Seed corpora for the libFuzzer harnesses, generated from the bundled
example (inputs/example) -- nothing hand-made is committed but the few
structural seeds below. Python 3 standard library only.

usage: make_seeds.py OUTDIR [--example DIR]
Writes OUTDIR/{scenario,time_units,pypsa_csv,cf_attributes}/.
"""
import os
import struct
import sys


def main():
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    ex = os.path.join(here, "..", "inputs", "example")
    if "--example" in sys.argv:
        ex = sys.argv[sys.argv.index("--example") + 1]
    for d in ("scenario", "time_units", "pypsa_csv", "cf_attributes"):
        os.makedirs(os.path.join(out, d), exist_ok=True)

    def put(d, name, data):
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(os.path.join(out, d, name), mode) as f:
            f.write(data)

    # scenario: the example scenario and YAML siblings
    for name in ("scenario.yaml", "turbine.yaml", "panel.yaml"):
        with open(os.path.join(ex, name)) as f:
            put("scenario", name, f.read())

    # time units: the cutout's and the usual CF spellings, with a few values
    vals = struct.pack("<4d", 0.0, 1042392.0, 1.5, -1e9)
    seeds = [("gregorian", "hours since 1900-01-01 00:00:00.0", "2019-04-01 00:00:00"),
             ("noleap", "days since 2000-01-01", "2019-02-28T23:00:00Z"),
             ("360_day", "minutes since 1850-1-1 0:0:0", "2019-02-30 12:00"),
             ("julian", "seconds since 1582-10-04", "1582-10-15T00:00:00+01:00"),
             ("proleptic_gregorian", "hours since 1970-01-01T00:00:00Z", "0000-01-01"),
             ("all_leap", "days since 0001-01-01", "2100-02-29 00:00:00")]
    for i, (cal, units, date) in enumerate(seeds):
        put("time_units", f"seed{i}", f"{cal}\n{units}\n{date}\n".encode() + vals)

    # PyPSA CSV: the example network, series cut to their first 24 rows so
    # the inputs stay small (snapshots cut to match)
    net = os.path.join(ex, "network")
    parts = []
    for name in sorted(os.listdir(net)):
        with open(os.path.join(net, name)) as f:
            lines = f.read().splitlines()
        if name == "snapshots.csv" or "-" in name:
            lines = lines[:25]
        parts.append(f"=== {name} ===\n" + "\n".join(lines) + "\n")
    put("pypsa_csv", "example", "".join(parts))
    put("pypsa_csv", "static-only", "".join(p for p in parts if "-" not in p.split("\n")[0]))

    # CF attributes: the example cutout's packing (short, scale/offset,
    # fill -32767, units) and float/double variants
    def cf(ty, present, storage, atts, units, raw):
        b = bytes([ty, present, storage])
        for v in atts:
            b += struct.pack("<d", v)
        if present & 0x80:
            b += bytes([len(units)]) + units.encode()
        return b + raw
    shorts = struct.pack("<8h", -32767, 0, 100, -100, 32000, -32000, 1, 2)
    put("cf_attributes", "u100", cf(2, 0x8F, 0, [0.00034752567220476, 10.0528673529625, -32767, -32767],
                                    "m s**-1", shorts))
    put("cf_attributes", "ssrd", cf(2, 0x8F, 0, [41.1133131399448, 1347139.375, -32767, -32767],
                                    "J m**-2", shorts))
    put("cf_attributes", "t2m-range", cf(8, 0x90, 0, [200.0, 330.0], "K",
                                         struct.pack("<4f", 250.0, 400.0, float("nan"), 290.0)))
    put("cf_attributes", "double-minmax", cf(9, 0xE4, 0x15, [1e20, 0.0, 1.0], "degC",
                                             struct.pack("<3d", 0.5, 1e20, -1.0)))
    print(f"seeds in {out}")


if __name__ == "__main__":
    main()
