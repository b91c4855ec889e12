#!/bin/sh
# End-to-end tests of `terrawatt optimize`: exit codes, --json, outputs.
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
CLI=${TW_CLI:?TW_CLI not set}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tw_opt_cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# usage errors -> 1, missing input -> 2
"$CLI" optimize --bogus >/dev/null 2>&1; [ $? -eq 1 ] || fail "unknown option should exit 1"
"$CLI" optimize >/dev/null 2>&1; [ $? -eq 1 ] || fail "missing NETWORK should exit 1"
"$CLI" optimize "$TMP/none.nc" >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing file should exit 2"
"$CLI" optimize --help | grep -q "usage: terrawatt optimize" || fail "--help"

# an infeasible network (CSV folder) -> 3, with the bus and snapshot named
N="$TMP/short"
mkdir -p "$N"
printf 'snapshot\nmorning\nevening\n' > "$N/snapshots.csv"
printf 'name\nvillage\n' > "$N/buses.csv"
printf 'name,bus,p_nom,marginal_cost\ndiesel,village,10,200\n' > "$N/generators.csv"
printf 'name,bus\ndemand,village\n' > "$N/loads.csv"
printf 'snapshot,demand\nmorning,8\nevening,15\n' > "$N/loads-p_set.csv"
"$CLI" optimize "$N" --json > "$TMP/inf.json" 2> "$TMP/inf.err"; rc=$?
[ $rc -eq 3 ] || fail "infeasible should exit 3, got $rc"
grep -q '"status":"infeasible"' "$TMP/inf.json" || fail "infeasible json: $(cat "$TMP/inf.json")"
grep -q "village" "$TMP/inf.err" && grep -q "evening" "$TMP/inf.err" || fail "diagnosis: $(cat "$TMP/inf.err")"
# with load shedding it solves: 15 - 10 = 5 MWh unserved; cost 18*200 + 5*5000 = 28600
"$CLI" optimize "$N" --load-shedding --voll 5000 --json > "$TMP/shed.json" || fail "load shedding run"
grep -q '"unserved_MWh":5[,}]' "$TMP/shed.json" && grep -q '"objective":28600[,}]' "$TMP/shed.json" \
  || fail "unserved: $(cat "$TMP/shed.json")"
# bad input value -> 2
printf 'name,bus,p_nom,marginal_cost\ndiesel,village,ten,200\n' > "$N/generators.csv"
"$CLI" optimize "$N" >/dev/null 2>"$TMP/bad.err"; [ $? -eq 2 ] || fail "bad value should exit 2"
grep -q "'ten'" "$TMP/bad.err" || fail "bad value message: $(cat "$TMP/bad.err")"

. "${TW_SOURCE_DIR:-.}/tests/reference_data.sh"
REF=$(tw_reference_data_dir)
NC="$REF/pypsa/ac-dc-meshed/ac-dc-meshed.nc"
[ -f "$NC" ] || tw_reference_data_absent "$NC"
"$CLI" optimize "$NC" --json --out "$TMP/solved.nc" --csv "$TMP/solved_csv" \
  --write-lp "$TMP/model.lp" > "$TMP/out.json" 2>/dev/null || fail "ac-dc-meshed solve"
[ "$(wc -l < "$TMP/out.json")" -eq 1 ] || fail "--json must print one line"
for key in status objective total_cost global_constraints solve_seconds build_seconds iterations; do
  grep -q "\"$key\":" "$TMP/out.json" || fail "json lacks $key"
done
grep -q '"status":"optimal"' "$TMP/out.json" || fail "not optimal"
grep -q '"co2_limit":2178.29' "$TMP/out.json" || fail "co2 price: $(cat "$TMP/out.json")"
[ -s "$TMP/solved.nc" ] && [ -s "$TMP/model.lp" ] && [ -s "$TMP/solved_csv/generators-p.csv" ] \
  || fail "outputs missing"
ls -a "$TMP" | grep -q '\.tmp' && fail "temporary file left behind"
# the written network solves again to the same objective
"$CLI" optimize "$TMP/solved.nc" --json 2>/dev/null | grep -q '"objective":-3474256.04' \
  || fail "re-solve of the written NetCDF"
# --kvl angle: voltage-angle columns, the same objective; a bad value exits 1
"$CLI" optimize "$NC" --kvl angle --json > "$TMP/angle.json" 2>/dev/null || fail "--kvl angle solve"
grep -q '"objective":-3474256.04' "$TMP/angle.json" && grep -q '"kvl":"angle"' "$TMP/angle.json" \
  || fail "--kvl angle: $(cat "$TMP/angle.json")"
"$CLI" optimize "$NC" --kvl loop >/dev/null 2>&1; [ $? -eq 1 ] || fail "--kvl loop should exit 1"
# rolling horizon needs fixed capacities: exit 2 with a message
"$CLI" optimize "$NC" --horizon 4 --overlap 1 >/dev/null 2>"$TMP/roll.err"; [ $? -eq 2 ] \
  || fail "rolling an extendable network should exit 2"
grep -q extendable "$TMP/roll.err" || fail "rolling message"
echo "PASS"
