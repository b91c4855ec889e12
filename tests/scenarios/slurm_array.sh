#!/usr/bin/env bash
# jobs/terrawatt-array.slurm without Slurm (SRUN=env): `members:` with a trailing comment and
# block-style entries is read, --count gives the number of array tasks, an index past the end
# fails, no temporary file stays next to the scenario, and `terrawatt merge` of the array
# tasks' outputs gives the same per-task results as one run of the whole file.
set -euo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
EX="$SRC/inputs/example"
mkdir -p "$T/in"
cat > "$T/in/scen.yaml" <<YAML
name: arr
members:   # two members; a comment here used to hide them all
  - {name: m1, files: [$EX/cutout.nc]}  # the ERA5-style cutout
  # the same weather four days later
  - name: m2
    files: [$EX/members/shift-4d.nc]
network: $EX/network
wind: {carrier: wind, turbine: $EX/turbine.yaml}
solar: {carrier: solar, panel: $EX/panel.yaml}
optimize: {load_shedding_cost: 5000}
YAML
n=$(bash "$SRC/jobs/terrawatt-array.slurm" --count "$T/in/scen.yaml")
[ "$n" = 2 ] || fail "--count gave $n, expected 2"
for k in 0 1; do
  SRUN=env TERRAWATT="$CLI" SLURM_ARRAY_TASK_ID=$k bash "$SRC/jobs/terrawatt-array.slurm" \
    "$T/in/scen.yaml" "$T/out" > /dev/null 2>&1 || fail "array task $k"
done
set +e; SRUN=env TERRAWATT="$CLI" SLURM_ARRAY_TASK_ID=2 bash "$SRC/jobs/terrawatt-array.slurm" \
  "$T/in/scen.yaml" "$T/out" > /dev/null 2> "$T/err"; rc=$?; set -e
[ $rc -ne 0 ] && grep -q "use --array=0-1" "$T/err" || fail "array task 2 of 2: rc $rc $(cat "$T/err")"
[ "$(ls -A "$T/in")" = "scen.yaml" ] || fail "temporary files left in the inputs folder: $(ls -A "$T/in")"
"$CLI" merge "$T/out/all" "$T/out/member-0" "$T/out/member-1" 2> /dev/null
"$CLI" --quiet run "$T/in/scen.yaml" --out "$T/whole"
python3 - "$T/out/all/summary.json" "$T/whole/summary.json" <<'PY'
import json, sys
m, w = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
key = lambda t: (t["scenario"], t["member"])
assert sorted(map(key, m["tasks"])) == sorted(map(key, w["tasks"])) == [("base", "m1"), ("base", "m2")]
assert {key(t): t["objective"] for t in m["tasks"]} == {key(t): t["objective"] for t in w["tasks"]}
PY
echo "slurm array tests passed"
