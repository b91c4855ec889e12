#!/usr/bin/env bash
# Real climate data end to end (docs/SCENARIO.md "Climate members", INGEST.md
# "Roles and presets", "Time steps"):
#  - a CMIP6-named daily member (noleap) and an atlite cutout, generated from
#    the example cutout, drive `run` against the example network; the
#    atlite cutout's wind capacity factors equal the ERA5 cutout's;
#  - the real ERA5 city dailies 1990-1993 run as four yearly tasks against
#    the 2019 network (align month-day-hour), with the far-bus warning;
#  - CanESM2 daily noleap (1950-2100): `years: all` plans 151 tasks, one runs;
#  - rejections with exit 2: a year outside the data, degree-hours from daily
#    data, a `variables:` entry naming no variable, an unknown preset,
#    daily maxima used as temperature.
set -euo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"; BIN="${TW_BINARY_DIR:?}"
. "$SRC/tests/reference_data.sh"
REF="$(tw_reference_data_dir)"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
EX="$SRC/inputs/example"
fail() { echo "FAIL: $*"; exit 1; }
expect2() { # expect2 MESSAGE-FRAGMENT CMD...: exit code 2 and the fragment on stderr
  local want="$1"; shift
  set +e; "$@" > "$T/out.txt" 2> "$T/err.txt"; local rc=$?; set -e
  [ $rc -eq 2 ] || { cat "$T/err.txt"; fail "exit $rc, expected 2: $*"; }
  grep -qF -- "$want" "$T/err.txt" || { cat "$T/err.txt"; fail "message lacks '$want'"; }
}

"$BIN/tests/scenarios/tw_make_climate_fixtures" "$EX/cutout.nc" "$T"
head() { cat <<YAML
network: $EX/network
wind: {carrier: wind, turbine: $EX/turbine.yaml}
solar: {carrier: solar, panel: $EX/panel.yaml}
optimize: {load_shedding_cost: 5000}
YAML
}

PART="${1:-all}" # fixtures | bias | real | all (ctest runs the parts as separate tests)
if [ "$PART" = bias ] || [ "$PART" = all ]; then
# bias correction: the biased cutout (t2m + 2 K, wind x 1.25, ssrd x 0.8) corrected against the
# cutout gives the cutout's capacity factors back (both methods); uncorrected it does not
{ echo "name: bias"; echo "members:"
  echo "  - {name: era5, files: [$EX/cutout.nc]}"
  echo "  - {name: biased, files: [$T/biased.nc]}"
  echo "  - {name: qm, files: [$T/biased.nc], bias_correction: {reference: [$EX/cutout.nc], calibration_years: [2019, 2019]}}"
  echo "  - {name: delta, files: [$T/biased.nc], bias_correction: {reference: [$EX/cutout.nc], calibration_years: [2019, 2019], method: delta}}"
  head; } > "$T/bias.yaml"
"$CLI" --quiet run "$T/bias.yaml" --out "$T/bias"
python3 - "$T/bias" <<'PY'
import subprocess, sys
out = sys.argv[1]
def series(member, var):
    txt = subprocess.run(["ncdump", "-v", var, f"{out}/capacity_factors_{member}.nc"],
                         capture_output=True, text=True, check=True).stdout
    return [float(x) for x in txt.split(f"{var} =")[-1].split(";")[0].replace("\n", " ").split(",") if x.strip()]
for v in ("wind_cf", "solar_cf"):
    e = series("era5", v)
    assert max(abs(a - b) for a, b in zip(series("biased", v), e)) > 0.1, v
    for m in ("qm", "delta"):
        assert max(abs(a - b) for a, b in zip(series(m, v), e)) < 1e-5, (v, m)
print("bias correction ok")
PY
sed 's/method: delta/method: scaling/' "$T/bias.yaml" > "$T/bias-bad.yaml"
expect2 "bias_correction.method: 'scaling'" "$CLI" run "$T/bias-bad.yaml" --out "$T/x" --dry-run

fi

if [ "$PART" = fixtures ] || [ "$PART" = all ]; then
# inspect --json: the role of each variable and the grid's extent
"$CLI" inspect --json "$T/atlite_cutout.nc" > "$T/insp.json"
"$CLI" inspect --json "$T/cmip6_daily.nc" > "$T/insp2.json"
python3 - "$T/insp.json" "$T/insp2.json" <<'PY'
import json, sys
a, c = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
roles = {k: v["role"] for k, v in a["variables"].items()}
assert roles == {"wnd100m": "wind_speed_100m", "roughness": "roughness", "influx_direct": "direct",
                 "influx_diffuse": "diffuse", "influx_toa": "toa", "temperature": "temperature"}, roles
assert a["grid"]["extent"] == {"lat_min": 51, "lat_max": 54.75, "lon_min": 7, "lon_max": 11.75}, a["grid"]
roles = {k: v["role"] for k, v in c["variables"].items()}
assert roles == {"tas": "temperature", "rsds": "ghi", "sfcWind": "wind_speed_10m", "uas": "u10",
                 "vas": "v10"}, roles
assert c["variables"]["tas"]["cell_methods"] == "area: mean time: mean"
PY

# ---- CMIP6 daily + atlite + ERA5 members -------------------------------------------
{ echo "name: names"; echo "members:"
  echo "  - {name: cmip, files: [$T/cmip6_daily.nc], preset: cmip6}"
  echo "  - {name: atlite, files: [$T/atlite_cutout.nc], preset: atlite}"
  echo "  - {name: cmipd, files: [$T/cmip6_daily.nc], preset: cmip6, diurnal_reference: [$EX/cutout.nc]}"
  echo "  - {name: era5, files: [$EX/cutout.nc]}"; head; } > "$T/names.yaml"
"$CLI" run "$T/names.yaml" --out "$T/n" --dry-run > "$T/plan.txt"
grep -q "member 'cmip': 320 cells, step 24 h" "$T/plan.txt" || { cat "$T/plan.txt"; fail "dry-run per member"; }
"$CLI" --quiet run "$T/names.yaml" --out "$T/n"
for m in cmip cmipd atlite era5; do
  [ -s "$T/n/base/$m/task.done" ] || fail "task $m not done"
done
python3 - "$T/n" <<'PY'
import json, subprocess, sys
out = sys.argv[1]
def series(member, var):
    txt = subprocess.run(["ncdump", "-v", var, f"{out}/capacity_factors_{member}.nc"],
                         capture_output=True, text=True, check=True).stdout
    body = txt.split(f"{var} =")[-1].split(";")[0]
    return [float(x) for x in body.replace("\n", " ").split(",") if x.strip()]
a, e = series("atlite", "wind_cf"), series("era5", "wind_cf")
assert len(a) == len(e) == 336 * 6, (len(a), len(e))
assert max(abs(x - y) for x, y in zip(a, e)) < 1e-6, "atlite wind differs from the ERA5 cutout's"
for m in ("cmip", "atlite"):
    for v in ("wind_cf", "solar_cf"):
        s = series(m, v)
        assert all(0 <= x <= 1 for x in s), (m, v)
        assert 0.02 < sum(s) / len(s) < 0.8, (m, v, sum(s) / len(s))
# the diurnal climatology of an hourly reference (the cutout itself) gives daily wind a cycle
# that brings the hourly capacity factors closer to the hourly data's (both axes: hour t of
# the cutout is hour t + 23 of the daily member, which starts on 31 March 01:00)
e = series("era5", "wind_cf")
dev = {m: sum(abs(series(m, "wind_cf")[(t + 23) * 6 + b] - e[t * 6 + b])
              for t in range(336) for b in range(6)) for m in ("cmip", "cmipd")}
assert dev["cmipd"] < dev["cmip"], dev
assert max(abs(a - b) for a, b in zip(series("cmip", "wind_cf"), series("cmipd", "wind_cf"))) > 1e-3
tasks = {t["member"]: t for t in json.load(open(f"{out}/summary.json"))["tasks"]}
assert set(tasks) == {"cmip", "cmipd", "atlite", "era5"}, tasks.keys()
# the daily member has the same weather in daily means: renewable share within 5 points
assert abs(tasks["cmip"]["renewable_share"] - tasks["era5"]["renewable_share"]) < 0.05, tasks
print("names ok")
PY

# scenario-file rejections of the climate keys (exit 2, key and value named)
sed 's/preset: cmip6}/preset: cmip6, align: sideways}/' "$T/names.yaml" > "$T/k1.yaml"
expect2 "members[0].align: 'sideways'" "$CLI" run "$T/k1.yaml" --out "$T/x" --dry-run
sed 's/preset: cmip6}/preset: cmip6, years: [nineteen]}/' "$T/names.yaml" > "$T/k2.yaml"
expect2 "members[0].years[0]: 'nineteen' is not a year" "$CLI" run "$T/k2.yaml" --out "$T/x" --dry-run
sed 's/preset: cmip6}/preset: cmip6, years: [2019], align: exact}/' "$T/names.yaml" > "$T/k3.yaml"
expect2 "years need \`align: month-day-hour\`" "$CLI" run "$T/k3.yaml" --out "$T/x" --dry-run
sed 's/^members:/climate: {assignment: bilinear}\nmembers:/' "$T/names.yaml" > "$T/k4.yaml"
expect2 "climate.assignment: 'bilinear'" "$CLI" run "$T/k4.yaml" --out "$T/x" --dry-run
sed 's/preset: cmip6}/preset: cmip7}/' "$T/names.yaml" > "$T/k5.yaml"
expect2 "members[0].preset: 'cmip7'" "$CLI" run "$T/k5.yaml" --out "$T/x" --dry-run

# convert with a `variables:` mapping and a preset (same result as the preset alone)
cat > "$T/conv.yaml" <<YAML
climate:
  files: [cmip6_daily.nc]
  preset: cmip6
  variables: {temperature: tas, ghi: rsds, wind_speed_10m: sfcWind}
network: $EX/network
wind: {turbine: $EX/turbine.yaml}
solar: {panel: $EX/panel.yaml}
YAML
"$CLI" convert "$T/conv.yaml" --out "$T/conv.nc" --json | grep -q '"times":384' || fail "convert cmip"
sed 's/wind_speed_10m: sfcWind/wind_speed_10m: nope/' "$T/conv.yaml" > "$T/conv-bad.yaml"
expect2 "variables: wind_speed_10m: the dataset has no variable 'nope'" "$CLI" convert "$T/conv-bad.yaml" --out "$T/x.nc"
sed 's/preset: cmip6/preset: cmip5/' "$T/conv.yaml" > "$T/conv-bad.yaml"
expect2 "climate.preset: preset 'cmip5'" "$CLI" convert "$T/conv-bad.yaml" --out "$T/x.nc"
printf 'demand: {}\n' >> "$T/conv.yaml"
expect2 "degree-hours need hourly temperatures" "$CLI" convert "$T/conv.yaml" --out "$T/x.nc"

# levels: a monthly 4-D file (ERA-Interim-like pressure levels) is shown and decoded by inspect,
# and `level: 850` picks a level by its coordinate value
cat > "$T/plev.cdl" <<'CDL'
netcdf plev {
dimensions: time = 3 ; level = 3 ; latitude = 2 ; longitude = 2 ;
variables:
  int time(time) ; time:units = "hours since 2019-01-01 00:00:00" ; time:calendar = "gregorian" ;
  int level(level) ; level:units = "millibars" ;
  float latitude(latitude) ; latitude:units = "degrees_north" ;
  float longitude(longitude) ; longitude:units = "degrees_east" ;
  float u(time, level, latitude, longitude) ; u:units = "m s**-1" ;
  float v(time, level, latitude, longitude) ; v:units = "m s**-1" ;
data:
  time = 0, 744, 1416 ; level = 1000, 850, 500 ; latitude = 53.5, 52.5 ; longitude = 8, 9.5 ;
  u = 1,1,1,1, 5,5,5,5, 20,20,20,20,  2,2,2,2, 6,6,6,6, 21,21,21,21,  3,3,3,3, 7,7,7,7, 22,22,22,22 ;
  v = 0,0,0,0, 0,0,0,0, 0,0,0,0,  0,0,0,0, 0,0,0,0, 0,0,0,0,  0,0,0,0, 0,0,0,0, 0,0,0,0 ;
}
CDL
ncgen -o "$T/plev.nc" "$T/plev.cdl"
"$CLI" inspect --json "$T/plev.nc" > "$T/plev.json"
python3 - "$T/plev.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
u = d["variables"]["u"]
assert u["level_dimension"] == "level" and u["levels"] == [1000, 850, 500], u
assert u["count"] == 36 and abs(u["mean"] - 87 / 9) < 1e-8 and u["min"] == 1 and u["max"] == 22, u
assert not any("skipped" in p for p in d["problems"]), d["problems"]
PY
cat > "$T/plev.yaml" <<YAML
climate:
  files: [plev.nc]
  variables: {u100: u, v100: v}
  level: 850
buses:
  - {name: a, x: 9, y: 53}
wind:
  turbine: $EX/turbine.yaml
YAML
"$CLI" convert "$T/plev.yaml" --out "$T/plev-out.nc" --json > "$T/plev-conv.json"
ncdump -v wind_cf "$T/plev-out.nc" > "$T/plev-cf.txt"
python3 - "$T/plev-cf.txt" "$EX/turbine.yaml" <<'PY'
import sys
cf = [float(x) for x in open(sys.argv[1]).read().split("wind_cf =")[-1].split(";")[0].replace("\n", " ").split(",") if x.strip()]
# monthly means held constant: January (744 h) at 5 m/s, February (672 h) at 6 m/s, March 7 m/s
assert len(cf) == 744 + 672 + 744, len(cf)
assert cf[0] == cf[743] and cf[744] == cf[1415] and cf[0] < cf[744] < cf[-1], (cf[0], cf[744], cf[-1])
PY
sed 's/  level: 850/  level: 700/' "$T/plev.yaml" > "$T/plev-bad.yaml"
expect2 "level 700 is not a value of 'level' (1000, 850, 500)" "$CLI" convert "$T/plev-bad.yaml" --out "$T/x.nc"
sed '/  level: 850/d' "$T/plev.yaml" > "$T/plev-bad.yaml"
expect2 "has a level dimension 'level' (1000, 850, 500): choose one with \`level:\`" "$CLI" convert "$T/plev-bad.yaml" --out "$T/x.nc"

fi

if [ "$PART" = real ] || [ "$PART" = all ]; then
# ---- real files ---------------------------------------------------------------------
CITIES="$REF/cmip/ERA5_daily_surface_cancities_1990-1993.nc"
CANESM="$REF/cmip/CanESM2_1950-2100_noleap.nc"
if [ ! -f "$CITIES" ] || [ ! -f "$CANESM" ]; then
  if [ "$PART" = real ] || tw_reference_data_required; then tw_reference_data_absent "$CITIES or $CANESM"; fi
  echo "SKIP: reference data absent ($REF)"; exit 0
fi
{ echo "name: cities"; echo "climate: {assignment: inverse_distance}"; echo "members:"
  echo "  - {name: cities, files: [$CITIES], years: [1990, 1991, 1992, 1993]}"; head; } > "$T/cities.yaml"
"$CLI" run "$T/cities.yaml" --out "$T/c" 2> "$T/cities-err.txt" > /dev/null
grep -q "6 of 6 buses are farther than 50 km" "$T/cities-err.txt" || { cat "$T/cities-err.txt"; fail "no far-bus warning"; }
for y in 1990 1991 1992 1993; do
  [ -s "$T/c/base/cities-$y/task.done" ] || fail "yearly task $y missing"
done
python3 - "$T/c" <<'PY'
import json, subprocess, sys
out = sys.argv[1]
tasks = json.load(open(f"{out}/summary.json"))["tasks"]
assert sorted(t["member"] for t in tasks) == [f"cities-{y}" for y in range(1990, 1994)]
# the capacity factors keep the member's own (1990..1993) time axis: sun from real timestamps
for y in range(1990, 1994):
    txt = subprocess.run(["ncdump", "-v", "time", f"{out}/capacity_factors_cities-{y}.nc"],
                         capture_output=True, text=True, check=True).stdout
    first = float(txt.split("time =")[-1].split(",")[0])  # seconds since 1970, the member's year
    import datetime
    d = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=first)
    assert d.year == y and d.month in (3, 4), (y, d)
shares = [t["renewable_share"] for t in tasks]
assert len(set(shares)) == 4, shares  # four different climate years
print("cities ok")
PY
# ensemble and multi-year statistics, checked against an independent computation
python3 - "$T/c/summary.json" <<'PY'
import json, math, sys
s = json.load(open(sys.argv[1]))
def quantile(v, q):  # numpy's default (linear between closest ranks)
    v = sorted(v); h = (len(v) - 1) * q; lo = math.floor(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])
for sc in s["scenarios"]:
    tasks = [t for t in s["tasks"] if t["scenario"] == sc]
    c = s["climate_statistics"][sc]
    assert c["tasks"] == len(tasks) == 4
    assert c["tasks_with_unserved"] == sum(t["unserved_mwh"] > 1e-6 for t in tasks)
    for key, metric in (("drought_longest_h", "drought_longest_h"), ("unserved_mwh", "unserved_mwh")):
        vals = [t[metric] for t in tasks]
        for q in (10, 50, 90):
            assert abs(c[key][f"p{q}"] - quantile(vals, q / 100)) <= 1e-9 * (1 + abs(quantile(vals, q / 100))), (key, q)
        rp = c[key]["return_periods"]
        assert [r["value"] for r in rp] == sorted(vals, reverse=True)
        assert [round(r["return_period"], 6) for r in rp] == [round(5 / i, 6) for i in range(1, 5)]
assert "weibull" in s["climate_statistics"]["plotting_position"]
print("climate statistics ok")
PY
# an array job's separate runs, merged into one summary and report
for part in "a 1990, 1991" "b 1992, 1993"; do
  set -- $part; name=$1; shift
  sed "s/years: \[1990, 1991, 1992, 1993\]/years: [$*]/" "$T/cities.yaml" > "$T/cities-$name.yaml"
  "$CLI" --quiet run "$T/cities-$name.yaml" --out "$T/arr/$name" 2> /dev/null
done
"$CLI" merge "$T/merged" "$T/arr/a" "$T/arr/b"
python3 - "$T/merged/summary.json" "$T/c/summary.json" <<'PY'
import json, sys
m, whole = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
key = lambda t: (t["scenario"], t["member"])
assert {key(t): t["objective"] for t in m["tasks"]} == {key(t): t["objective"] for t in whole["tasks"]}
assert m["climate_statistics"] == whole["climate_statistics"], "merged statistics differ"
print("merge ok")
PY
"$CLI" report "$T/merged" --out "$T/merged/report.html" 2> /dev/null
grep -q "Ensemble and climate-year statistics" "$T/merged/report.html" || fail "report lacks the statistics"
CHROME="$(command -v chromium || command -v chromium-browser || true)"
if [ -n "$CHROME" ] && [ -r "${TW_CHARTJS:-/usr/share/javascript/chart.js/chart.min.js}" ]; then
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --user-data-dir="$T/profile" \
    --virtual-time-budget=5000 --dump-dom "file://$T/merged/report.html" > "$T/dom.html" 2> /dev/null || fail "chromium"
  grep -q "Empirical return periods" "$T/dom.html" || fail "statistics table not rendered"
  grep -q "<td>cities-1993</td>\|<td>base</td><td>4</td>" "$T/dom.html" || fail "statistics row missing"
fi
expect2 "member 'cities-1990' is also in an earlier input" "$CLI" merge "$T/merged2" "$T/arr/a" "$T/arr/a"
sed 's/years: \[1990, 1991, 1992, 1993\]/years: [1989]/' "$T/cities.yaml" > "$T/bad.yaml"
expect2 "is outside the climate data" "$CLI" run "$T/bad.yaml" --out "$T/b" --dry-run

# CanESM2: noleap, tasmax and pr only: no conversion, the network's own series
cat > "$T/canesm.yaml" <<YAML
name: canesm
members:
  - {name: canesm2, files: [$CANESM], years: all}
network: $EX/network
optimize: {load_shedding_cost: 5000}
YAML
"$CLI" run "$T/canesm.yaml" --out "$T/k" --dry-run > "$T/plan.txt"
grep -q "151 members = 151 tasks" "$T/plan.txt" || { head -2 "$T/plan.txt"; fail "years: all"; }
grep -q "canesm2-2100" "$T/plan.txt" || fail "year 2100 missing"
sed 's/years: all/years: [2050]/' "$T/canesm.yaml" > "$T/canesm1.yaml"
"$CLI" --quiet run "$T/canesm1.yaml" --out "$T/k"
[ -s "$T/k/base/canesm2-2050/task.done" ] || fail "canesm2-2050 not done"
# daily maxima cannot stand in for hourly temperatures
{ echo "name: tmax"; echo "members:"
  echo "  - {name: m, files: [$CANESM], years: [2050], variables: {temperature: tasmax}}"; head; } > "$T/tmax.yaml"
expect2 "no variable fills the role 'ghi'" "$CLI" run "$T/tmax.yaml" --out "$T/t" --dry-run
fi
echo "climate members tests passed"
