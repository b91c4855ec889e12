#!/bin/sh
# End-to-end CLI tests of `terrawatt inspect` and `terrawatt example`.
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
CLI=${TW_CLI:?TW_CLI not set}
SRC=${TW_SOURCE_DIR:?TW_SOURCE_DIR not set}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
expect() { # expect CODE DESCRIPTION -- command...
  want=$1; what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"; cat "$T/err"; fails=$((fails + 1))
  else
    echo "ok: $what"
  fi
}

expect 0 "inspect --help" -- "$CLI" inspect --help
grep -q "usage: terrawatt inspect" "$T/out" || { echo "FAIL: help text"; fails=$((fails + 1)); }
expect 1 "inspect without files" -- "$CLI" inspect
expect 1 "inspect unknown option" -- "$CLI" inspect --bogus "$SRC/inputs/example/cutout.nc"
expect 2 "inspect missing file" -- "$CLI" inspect "$T/nope.nc"
grep -q "nope.nc" "$T/err" || { echo "FAIL: message names the file"; fails=$((fails + 1)); }
echo "not netcdf" >"$T/text.nc"
expect 2 "inspect not NetCDF" -- "$CLI" inspect "$T/text.nc"
grep -q "not a NetCDF file" "$T/err" || { echo "FAIL: not-NetCDF message"; fails=$((fails + 1)); }

# the generator is deterministic and the committed example is its output
expect 0 "example" -- "$CLI" example "$T/ex"
for f in cutout.nc network/buses.csv network/carriers.csv network/generators.csv \
         network/generators-p_max_pu.csv network/lines.csv network/loads.csv \
         network/loads-p_set.csv network/snapshots.csv network/storage_units.csv; do
  cmp -s "$T/ex/$f" "$SRC/inputs/example/$f" || { echo "FAIL: $f differs from the committed example"; fails=$((fails + 1)); }
done
size=$(du -sk "$T/ex" | cut -f1)
[ "$size" -le 3072 ] || { echo "FAIL: example is ${size} KiB > 3 MiB"; fails=$((fails + 1)); }
expect 1 "example without DIR" -- "$CLI" example

# inspect the generated cutout: one JSON object with the contract's keys
expect 0 "inspect --json" -- "$CLI" inspect --json "$T/ex/cutout.nc"
if command -v python3 >/dev/null 2>&1; then
  python3 - "$T/out" <<'PY' || fails=$((fails + 1))
import json, sys
d = json.load(open(sys.argv[1]))
assert d["convention"] == "era5", d["convention"]
assert d["grid"] == {"ny": 16, "nx": 20, "lat_descending": True, "stations": False,
                     "extent": {"lat_min": 51, "lat_max": 54.75, "lon_min": 7, "lon_max": 11.75}}, d["grid"]
assert d["variables"]["u100"]["role"] == "u100" and d["variables"]["ssrd"]["role"] == "ghi"
t = d["time"]
assert t["count"] == 336 and t["step_seconds"] == 3600 and t["calendar"] == "standard", t
assert t["start"] == "2019-04-01T00:00:00" and t["end"] == "2019-04-14T23:00:00", t
v = d["variables"]
assert set(v) == {"u100", "v100", "u10", "v10", "t2m", "ssrd", "fsr"}, v.keys()
assert v["ssrd"]["units_si"] == "W m-2" and v["ssrd"]["accumulated"] and v["ssrd"]["packed"]
assert 50 < v["ssrd"]["mean"] < 300 and v["ssrd"]["max"] < 1000, v["ssrd"]
assert 265 < v["t2m"]["mean"] < 295, v["t2m"]
assert all(x["missing"] == 0 for x in v.values())
assert d["problems"] == [], d["problems"]
print("ok: inspect --json contents")
PY
fi
expect 0 "inspect table" -- "$CLI" inspect "$T/ex/cutout.nc"
grep -q "accumulation -> mean rate" "$T/out" || { echo "FAIL: table marks ssrd"; fails=$((fails + 1)); }

# truncated classic file: exit 2 naming the file
head -c 500000 "$T/ex/cutout.nc" >"$T/trunc.nc"
expect 2 "inspect truncated" -- "$CLI" inspect "$T/trunc.nc"
grep -q "trunc.nc: truncated file" "$T/err" || { echo "FAIL: truncation message"; cat "$T/err"; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all CLI checks passed"
