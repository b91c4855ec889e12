#!/usr/bin/env python3
"""Write the ensemble members of the bundled example (inputs/example/members/).

Each member is the example cutout with its weather rotated in time by a whole
number of days (the time axis itself is unchanged), so the calm spell and the
storm fall on other days while the diurnal cycle stays in phase. They stand in
for climate-model members of the same period. Uses ncdump/ncgen (netcdf-bin);
deterministic. Usage: scripts/gen_example_members.py [EXAMPLE_DIR]
"""
import os
import re
import subprocess
import sys

NCELL = 16 * 20  # latitude x longitude of the example cutout
# One extra member keeps the example under its 3 MB budget; members are
# NetCDF-4 with deflate (as new-CDS downloads are), which also halves their size.
SHIFTS = {"shift-4d": 4}


def rotate(cdl: str, shift_steps: int) -> str:
    head, data = cdl.split("\ndata:\n", 1)
    timed = set(re.findall(r"\b\w+\s+(\w+)\(time, latitude, longitude\)", head))

    def repl(m):
        name, body = m.group(1), m.group(2)
        if name not in timed:
            return m.group(0)
        values = [v.strip() for v in body.replace("\n", " ").split(",")]
        k = shift_steps * NCELL % len(values)
        values = values[k:] + values[:k]
        return f" {name} =\n  " + ",\n  ".join(", ".join(values[i:i + 20]) for i in range(0, len(values), 20)) + " ;"

    data = re.sub(r" (\w+) =\s*([^;]*?) ;", repl, data, flags=re.S)
    return head + "\ndata:\n" + data


def main() -> None:
    ex = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "inputs", "example")
    cdl = subprocess.run(["ncdump", os.path.join(ex, "cutout.nc")], check=True, capture_output=True, text=True).stdout
    os.makedirs(os.path.join(ex, "members"), exist_ok=True)
    for name, days in SHIFTS.items():
        out = os.path.join(ex, "members", name + ".nc")
        text = rotate(cdl, days * 24).replace("netcdf cutout {", "netcdf " + name.replace("-", "_") + " {", 1)
        tmp = out + ".tmp"
        subprocess.run(["ncgen", "-k", "64-bit offset", "-o", tmp, "-"], input=text, check=True, text=True)
        subprocess.run(["nccopy", "-k", "nc4", "-d", "9", "-s", tmp, out + ".nc4"], check=True)
        os.remove(tmp)
        os.replace(out + ".nc4", out)
        print("wrote", out)


if __name__ == "__main__":
    main()
