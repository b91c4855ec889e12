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
sed 's/single_axis/single_axis\n  sun_position: almanac/' "$T/convert.yaml" > "$T/s.yaml"
expect2 s.yaml "sun_position: 'almanac'"
# SPA as an option: the same series within the fast geometry's error
sed 's/single_axis/single_axis\n  sun_position: spa/' "$T/convert.yaml" > "$T/spa.yaml"
(cd "$T" && "$CLI" convert spa.yaml --out spa.nc --json > spa.json) || fail "sun_position: spa failed"
grep -q '"solar_cf_mean":0\.' "$T/spa.json" || fail "spa run: $(cat "$T/spa.json")"
sed 's/cutout.nc/nothere.nc/' "$T/convert.yaml" > "$T/f.yaml"; expect2 f.yaml "nothere.nc"
sed 's/smoothing: true/smoothing: true\n  colour: red/' "$T/convert.yaml" > "$T/k.yaml"; expect2 k.yaml "colour"
printf 'name: x\nHUB_HEIGHT: 80\nV: [0, 5, 10]\nPOW: [0, 1]\n' > "$T/bad_turbine.yaml"
sed "s|turbine: .*|turbine: bad_turbine.yaml|" "$T/convert.yaml" > "$T/t.yaml"; expect2 t.yaml "POW"
# layout NetCDF (capacity per cell on the cutout's grid), written with ncgen
if command -v ncgen >/dev/null 2>&1 && command -v ncdump >/dev/null 2>&1; then
  dims() { ncdump -h "$T/cutout.nc" | sed -n "s/^[[:space:]]*$1 = \([0-9]*\) ;/\1/p"; }
  vals() { ncdump -v "$1" "$T/cutout.nc" | sed -n "/^ $1 =/,/;/p"; }
  nlat=$(dims latitude); nlon=$(dims longitude)
  # layout.cdl: LAT_N latitudes, capacity values from awk program $2 (i: cell index)
  mkcdl() { # out nlat_in_file first_capacity
    {
      echo "netcdf layout { dimensions: latitude = $2 ; longitude = $nlon ;"
      echo "variables: double latitude(latitude) ; latitude:units = \"degrees_north\" ;"
      echo "double longitude(longitude) ; longitude:units = \"degrees_east\" ;"
      echo "float capacity(latitude, longitude) ; capacity:units = \"MW\" ;"
      echo "data:"
      if [ "$2" -eq "$nlat" ]; then vals latitude; else
        vals latitude | tr -d '\n' | sed 's/ latitude = //; s/;//' | tr ',' '\n' |
          head -n "$2" | paste -sd, | sed 's/^/ latitude = /; s/$/ ;/'; fi
      vals longitude
      awk -v n=$(($2 * nlon)) -v first="$3" 'BEGIN { printf " capacity = %s", first;
        for (i = 1; i < n; i++) printf ", %d", (i % 3) * 10; print " ;" }'
      echo "}"
    } > "$T/layout.cdl"
    ncgen -o "$T/$1" "$T/layout.cdl" || fail "ncgen $1"
  }
  mkcdl layout.nc "$nlat" 5
  mkcdl layout_short.nc $((nlat - 1)) 5
  mkcdl layout_neg.nc "$nlat" -7.5
  layout_cfg() { # out layout-lines
    sed "/^layout:/,/^wind:/{/^layout:/!{/^wind:/!d}}" "$T/convert.yaml" |
      sed "s|^layout:|layout:\n$2|" > "$T/$1"
  }
  layout_cfg l.yaml "  file: layout.nc\n  variable: capacity"
  out=$(cd "$T" && "$CLI" convert l.yaml --out l.nc --json) || fail "layout-file convert exited $?"
  echo "$out" | grep -q '"buses":6' || fail "layout file: expected 6 buses: $out"
  # the capacity weighting changes the series against the area weighting
  wa=$(cd "$T" && "$CLI" convert convert.yaml --out a.nc --json | sed 's/.*"wind_cf_mean":\([^,]*\).*/\1/')
  wl=$(echo "$out" | sed 's/.*"wind_cf_mean":\([^,]*\).*/\1/')
  [ "$wa" != "$wl" ] || fail "layout file made no difference (wind_cf_mean $wa)"
  layout_cfg ls.yaml "  file: layout_short.nc"
  expect2 ls.yaml "layout_short.nc: layout grid does not match the climate grid"
  layout_cfg ln.yaml "  file: layout_neg.nc"
  expect2 ln.yaml "capacity -7.5 at lat"
  layout_cfg lv.yaml "  file: layout.nc\n  variable: installed"
  expect2 lv.yaml "variable 'installed' not found"
  layout_cfg lb.yaml "  file: layout.nc\n  weighting: area"
  expect2 lb.yaml "not both"
  # only the variables a conversion uses are read: a file with u100 and v100
  # alone serves the log law (no fsr: roughness_m) and fails the power law
  # naming u10
  {
    echo "netcdf uv { dimensions: time = 3 ; latitude = $nlat ; longitude = $nlon ;"
    echo "variables: int time(time) ; time:units = \"hours since 2019-04-01 00:00:00\" ;"
    echo "time:calendar = \"gregorian\" ;"
    echo "double latitude(latitude) ; latitude:units = \"degrees_north\" ;"
    echo "double longitude(longitude) ; longitude:units = \"degrees_east\" ;"
    echo "float u100(time, latitude, longitude) ; u100:units = \"m s-1\" ;"
    echo "float v100(time, latitude, longitude) ; v100:units = \"m s-1\" ;"
    echo "data: time = 1, 2, 3 ;"
    vals latitude; vals longitude
    awk -v n=$((3 * nlat * nlon)) 'BEGIN { for (v = 0; v < 2; v++) {
      printf " %s = 7", v ? "v100" : "u100"; for (i = 1; i < n; i++) printf ", %g", 5 + (i % 7);
      print " ;" } }'
    echo "}"
  } > "$T/uv.cdl"
  ncgen -o "$T/uv.nc" "$T/uv.cdl" || fail "ncgen uv.nc"
  printf 'climate:\n  files: [uv.nc]\nbuses:\n  - {name: a, x: 9, y: 53}\nwind:\n  turbine: %s\n' \
    "$SRC/inputs/example/turbine.yaml" > "$T/uv.yaml"
  out=$(cd "$T" && "$CLI" convert uv.yaml --out uv-out.nc --json) || fail "u100/v100-only convert exited $?"
  echo "$out" | grep -q '"times":3' || fail "u100/v100-only: expected 3 times: $out"
  sed 's/^wind:/wind:\n  extrapolation: power/' "$T/uv.yaml" > "$T/uvp.yaml"
  expect2 uvp.yaml "no variable fills the role 'u10'"
else
  echo "ncgen/ncdump not found: layout-file CLI cases skipped"
fi
echo "convert CLI tests passed"
