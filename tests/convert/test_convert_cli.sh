#!/bin/sh
# End-to-end tests of `terrawatt convert` on the bundled synthetic example
# (no reference data needed): output, --json, exit codes for bad input.
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
CLI=${TW_CLI:?TW_CLI not set}
SRC=${TW_SOURCE_DIR:?TW_SOURCE_DIR not set}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$CLI" example "$T" >/dev/null 2>&1 || fail "terrawatt example"
cat > "$T/convert.yaml" <<YAML
climate:
  files: [cutout.nc]
network: network
layout:
  weighting: area
wind:
  turbine: $SRC/inputs/example/turbine.yaml
  smoothing: true
solar:
  panel: $SRC/inputs/example/panel.yaml
  orientation: single_axis
demand:
  daily_mean: true
YAML

# success with --json: one JSON object on stdout
out=$(cd "$T" && "$CLI" convert convert.yaml --out series.nc --json) || fail "convert exited $?"
[ -s "$T/series.nc" ] || fail "series.nc not written"
echo "$out" | grep -q '"status":"ok"' || fail "no status in JSON: $out"
echo "$out" | grep -q '"buses":6' || fail "expected 6 buses: $out"
[ "$(echo "$out" | wc -l)" -eq 1 ] || fail "stdout is not one line: $out"
ls -a "$T" | grep -q '\.tmp-' && fail "temporary file left behind"

# the explicit bus list and the power law
cat > "$T/buses.yaml" <<YAML
climate:
  files: [cutout.nc]
buses:
  - {name: west, x: 8.5, y: 53.5}
  - {name: east, x: 11.5, y: 53.0}
wind:
  turbine: $SRC/inputs/example/turbine.yaml
  extrapolation: power
YAML
out=$(cd "$T" && "$CLI" convert buses.yaml --out b.nc --json) || fail "bus-list convert exited $?"
echo "$out" | grep -q '"buses":2' || fail "expected 2 buses: $out"
echo "$out" | grep -q '"solar_cf_mean":null' || fail "solar should be absent: $out"

# usage errors: exit 1
"$CLI" convert >/dev/null 2>&1; [ $? -eq 1 ] || fail "no argument should exit 1"
"$CLI" convert "$T/convert.yaml" --bogus >/dev/null 2>&1; [ $? -eq 1 ] || fail "bad option should exit 1"

# bad input: exit 2 with a message naming the problem
expect2() { # file pattern
  msg=$(cd "$T" && "$CLI" convert "$1" --out bad.nc 2>&1 >/dev/null); rc=$?
  [ $rc -eq 2 ] || fail "$1: exit $rc, expected 2 ($msg)"
  echo "$msg" | grep -q "$2" || fail "$1: message lacks '$2': $msg"
  [ -e "$T/bad.nc" ] && fail "$1: output written despite the error"
  return 0
}
expect2 missing.yaml "missing.yaml"
sed 's/single_axis/sideways/' "$T/convert.yaml" > "$T/o.yaml"; expect2 o.yaml "sideways"
sed 's/cutout.nc/nothere.nc/' "$T/convert.yaml" > "$T/f.yaml"; expect2 f.yaml "nothere.nc"
sed 's/smoothing: true/smoothing: true\n  colour: red/' "$T/convert.yaml" > "$T/k.yaml"; expect2 k.yaml "colour"
printf 'name: x\nHUB_HEIGHT: 80\nV: [0, 5, 10]\nPOW: [0, 1]\n' > "$T/bad_turbine.yaml"
sed "s|turbine: .*|turbine: bad_turbine.yaml|" "$T/convert.yaml" > "$T/t.yaml"; expect2 t.yaml "POW"
echo "convert CLI tests passed"
