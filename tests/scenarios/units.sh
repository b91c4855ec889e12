#!/usr/bin/env bash
# Quantities with units in the scenario file (docs/SCENARIO.md, "Numbers and
# units"): a file written with units gives byte-identical results to one in
# the plain documented units, and every broken value is exit 2 naming the
# field and the value.
set -uo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
source "$(dirname "$0")/small.sh"; write_small "$T"
sed -i '/name: m2, files/d' "$T/small.yaml" # one member is enough here (keeps the ASan run short)
cat >> "$T/small.yaml" <<'YAML'
  - name: battery
    storage: [{bus: Kiel, p_nom_mw: 400, max_hours: 4, efficiency_store: 0.9}]
    co2_cap_t: 150000
    co2_price_per_t: 80
YAML
# The same file with units: GW, days, minutes, percent, kilotonnes, EUR/kWh.
sed -e 's/load_shedding_cost: 5000/load_shedding_cost: 5 EUR\/kWh/' \
    -e 's/drought_threshold: 0.2/drought_threshold: 20 %/' \
    -e 's/drought_min_hours: 48/drought_min_hours: 2 days/' \
    -e 's/p_nom_mw: 500/p_nom_mw: 0.5 GW/' -e 's/repair_h: 30/repair_h: 1.25 days/' \
    -e 's/p_nom_mw: 400, max_hours: 4,/p_nom_mw: 400000 kW, max_hours: 240 min,/' \
    -e 's/efficiency_store: 0.9/efficiency_store: 90 percent/' \
    -e 's/co2_cap_t: 150000/co2_cap_t: 150 kt/' -e 's/co2_price_per_t: 80/co2_price_per_t: 0.08 EUR\/kg/' \
    "$T/small.yaml" > "$T/units.yaml"
[ "$(diff "$T/small.yaml" "$T/units.yaml" | grep -c "^>")" -eq 7 ] || fail "sed did not apply: $(diff "$T/small.yaml" "$T/units.yaml")"
"$CLI" --quiet run "$T/small.yaml" --no-report --out "$T/plain" || fail "plain run failed"
"$CLI" --quiet run "$T/units.yaml" --no-report --out "$T/units" || fail "run with units failed"
cmp "$T/plain/summary.csv" "$T/units/summary.csv" || fail "results differ: $(diff "$T/plain/summary.csv" "$T/units/summary.csv" | head -5)"
cmp "$T/plain/ensemble.csv" "$T/units/ensemble.csv" || fail "ensemble differs"

expect_bad() { # expect_bad ERRORS 'sed script' 'needle' ...: every needle in one exit-2 message
  local errors="$1"; sed -e "$2" "$T/small.yaml" > "$T/bad.yaml"; shift 2
  "$CLI" run "$T/bad.yaml" --dry-run > /dev/null 2> "$T/err"; local rc=$?
  [ "$rc" -eq 2 ] || fail "exited $rc, expected 2: $(cat "$T/err")"
  grep -qF -- "$errors errors:" "$T/err" || fail "expected $errors errors: $(cat "$T/err")"
  for needle in "$@"; do
    grep -qF -- "$needle" "$T/err" || fail "message lacks \"$needle\": $(cat "$T/err")"
  done
}
# The broken values of issue 16, each named with its field and value; all of
# a file's bad values in one message (three files: one CLI start each).
expect_bad 5 's/p_nom_mw: 400,/p_nom_mw: 1 GWh,/
s/repair_h: 30/repair_h: 2 fortnights of rain/
s/load_shedding_cost: 5000/load_shedding_cost: 5000, horizon_h: 1e30/
s/drought_min_hours: 48/drought_min_hours: 1.01 days/
s/co2_cap_t: 150000/co2_cap_t: 150 kt\/h/' \
  "scenarios[2].storage[0].p_nom_mw: '1 GWh' is not a number with an optional unit convertible to MW" \
  "scenarios[1].outages[0].repair_h: '2 fortnights of rain'" \
  "optimize.horizon_h: 1e30 is not in [0, 87600] h" \
  "metrics.drought_min_hours: '1.01 days' is not a whole number" \
  "scenarios[2].co2_cap_t: '150 kt/h'"
expect_bad 7 's/max_hours: 4,/max_hours: 4 kg,/
s/p_nom_mw: 500/p_nom_mw: 5e9/
s/load_shedding_cost: 5000/load_shedding_cost: 5 USD\/kWh, horizon_h: 2.5/
s/drought_threshold: 0.2/drought_threshold: 120 %/
s/efficiency_store: 0.9/efficiency_store: 0/
s/^name: small/name: small\nbaseline: nope/' \
  "scenarios[2].storage[0].max_hours: '4 kg' is not a number with an optional unit convertible to h ('kg' cannot be converted to h)" \
  "optimize.horizon_h: '2.5' is not a whole number" \
  "optimize.load_shedding_cost: '5 USD/kWh'" \
  "metrics.drought_threshold: '120 %' = 1.2 is not in [0, 1]" \
  "scenarios[2].storage[0].efficiency_store: 0 is not in (0, 1]" \
  "scenarios[1].rooftop_pv[0].p_nom_mw: 5e9 is not in [0, 1e+06] MW" \
  "baseline: 'nope' is not one of the scenarios"
expect_bad 3 's/load_shedding_cost: 5000/load_shedding_cost: 5000, horizon_h: "24 hours, obviously"/
s/p_nom_mw: 500/p_nom_mw: nan/
s/^name: small/name: small\ncurrency: euro/' \
  "optimize.horizon_h: '24 hours, obviously' is not a number" \
  "scenarios[1].rooftop_pv[0].p_nom_mw: 'nan' is not a number" \
  "currency: 'euro' is not a three-letter currency code"
# Another currency: costs may carry it, and only it.
sed -e 's/^name: small/name: small\ncurrency: USD/' -e 's/load_shedding_cost: 5000/load_shedding_cost: 5 USD\/kWh/' \
    "$T/small.yaml" > "$T/usd.yaml"
"$CLI" run "$T/usd.yaml" --dry-run > /dev/null 2> "$T/err" || fail "USD run rejected: $(cat "$T/err")"
# Every field of the unit table (src/scenario/fields.c) is documented in docs/SCENARIO.md.
for f in $(grep -o '^    {"[^"]*", "' "$SRC/src/scenario/fields.c" | cut -d'"' -f2); do
  grep -qF "| \`$f\` |" "$SRC/docs/SCENARIO.md" || fail "docs/SCENARIO.md lacks the range of $f"
done
[ "$(grep -c '^    {"[^"]*", "' "$SRC/src/scenario/fields.c")" -ge 40 ] || fail "field table not found"
echo "units: same results with and without units; every broken value is exit 2 naming its field"
