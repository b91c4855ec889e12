#!/usr/bin/env bash
# `terrawatt run` rejects bad invocations and inputs with the documented
# exit codes and messages, and writes nothing under final names.
set -uo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE NEEDLE -- command...
  local code="$1" needle="$2"; shift 3
  "$@" >"$T/stdout" 2>"$T/stderr"; local rc=$?
  [ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code: $(cat "$T/stderr")"
  grep -qF -- "$needle" "$T/stderr" || fail "'$*': stderr lacks '$needle': $(cat "$T/stderr")"
}
expect 1 "unknown option '--frobnicate'" -- "$CLI" run "$SRC/inputs/example/scenario.yaml" --frobnicate
expect 1 "missing SCENARIO.yaml" -- "$CLI" run
expect 1 "unknown command 'runn'" -- "$CLI" runn
expect 2 "nope.yaml" -- "$CLI" run "$T/nope.yaml"
# A scenario pointing at a missing climate file and an unknown carrier.
cp -r "$SRC/inputs/example" "$T/ex"
sed 's/files: \[cutout.nc\]/files: [missing.nc]/' "$SRC/inputs/example/scenario.yaml" > "$T/ex/bad1.yaml"
expect 2 "members[0].files: 'missing.nc'" -- "$CLI" run "$T/ex/bad1.yaml" --out "$T/o1"
[ ! -e "$T/o1" ] || fail "output written for invalid scenario"
# Every reference error against the network is listed before any work starts.
sed -e 's/{bus: Hamburg, p_nom_mw: 1200}/{bus: Hamborg, p_nom_mw: 1200}/' \
    -e 's/components: \[Hamburg CCGT\]/components: [Hamburg CCTG]/' \
    -e 's/start: "2019-04-02 18:00:00"/start: "2019-05-02 18:00:00"/' \
    "$SRC/inputs/example/scenario.yaml" > "$T/ex/bad2.yaml"
expect 2 "4 errors against network" -- "$CLI" run "$T/ex/bad2.yaml" --out "$T/o2"
for needle in "rooftop_pv[0].bus: 'Hamborg'" "'Hamburg CCTG' is not a generator" \
              "outages[0].start: '2019-05-02 18:00:00'"; do
  grep -qF -- "$needle" "$T/stderr" || fail "bad2: stderr lacks '$needle': $(cat "$T/stderr")"
done
[ ! -e "$T/o2" ] || fail "output written for an invalid scenario file"
# File-level problems in the new keys are all listed too.
cat > "$T/ex/bad3.yaml" <<'YAML'
name: x
members: [{name: a, files: [nope.nc]}, {name: a, files: [cutout.nc]}]
network: network
metrics: {drought_threshold: 2}
scenarios:
  - name: s
    remove: [{carrier: gas, name: "Kiel OCGT"}]
    storage: [{bus: Kiel, p_nom_mw: -5}]
    outages: [{components: [Kiel OCGT], start: "2019-04-02 00:00", repair_h: 0}]
YAML
expect 2 "6 errors" -- "$CLI" run "$T/ex/bad3.yaml" --out "$T/o3b"
for needle in "members[0].files: 'nope.nc'" "members[1].name: 'a' is used twice" \
              "drought_threshold: 2" "remove[0]: give exactly one" "p_nom_mw: -5" "repair_h: 0"; do
  grep -qF -- "$needle" "$T/stderr" || fail "bad3: stderr lacks '$needle': $(cat "$T/stderr")"
done
# EV fleets: every bad key is listed with its value, then the bus against the network.
sed -e 's/{bus: Bremen, vehicles: 30000, initial_soc: 1}/{bus: Bremen, vehicles: -3, efficiency: 1.5, min_soc_hour: 24, profiles: no-such-dir}/' \
    -e 's/{bus: Hannover, vehicles: 35000, initial_soc: 1}/{bus: Hannover, vehicles: 35000, smart_share: 2, v2g: {max_discharge_kw: 0, degradation_cost_per_mwh: -1}}/' \
    -e 's/ev_adoption: 4/ev_adoption: -4/' \
    "$SRC/inputs/example/scenario.yaml" > "$T/ex/bad4.yaml"
expect 2 "8 errors" -- "$CLI" run "$T/ex/bad4.yaml" --out "$T/o4"
for needle in "fleets[1].vehicles: -3" "fleets[1].efficiency: 1.5 is not in (0, 1]" \
              "fleets[1].min_soc_hour: 24" "fleets[1].profiles: 'no-such-dir'" \
              "fleets[2].smart_share: 2" "fleets[2].v2g.max_discharge_kw: 0" \
              "fleets[2].v2g.degradation_cost_per_mwh: -1" "scenarios[5].ev_adoption: -4"; do
  grep -qF -- "$needle" "$T/stderr" || fail "bad4: stderr lacks '$needle': $(cat "$T/stderr")"
done
sed -e 's/{bus: Bremen, vehicles: 30000, initial_soc: 1}/{bus: Bremn, vehicles: 30000}/' \
    "$SRC/inputs/example/scenario.yaml" > "$T/ex/bad5.yaml"
expect 2 "fleets[1].bus: 'Bremn' is not a bus" -- "$CLI" run "$T/ex/bad5.yaml" --out "$T/o5"
[ ! -e "$T/o4" ] && [ ! -e "$T/o5" ] || fail "output written for invalid fleets"
# --dry-run validates and writes nothing.
"$CLI" run "$SRC/inputs/example/scenario.yaml" --dry-run --out "$T/o3" > "$T/plan" || fail "dry run failed"
grep -q "scenario 'storm' x member 'shift-4d'" "$T/plan" || fail "dry run plan lacks tasks"
grep -q "12 tasks" "$T/plan" || fail "dry run plan lacks the task count"
grep -q "estimated peak memory per rank: [0-9.]* MiB" "$T/plan" || fail "dry run lacks the memory estimate"
[ ! -e "$T/o3" ] || fail "dry run wrote output"
"$CLI" run --help | grep -q "usage: terrawatt run" || fail "run --help"
"$CLI" version | grep -q "^glpk: " || fail "version lacks glpk"
echo "run errors: ok"
