#!/usr/bin/env bash
# Warm starts of the forecast stage's two LPs (docs/OPTIMIZE.md "Warm starts
# across solves"), on the bundled example with two members and three
# scenarios, one of which (rooftop) adds a generator: another LP structure.
#   run_forecast_warm.sh warm:  `run` against `run --cold`: the same
#     forecast-stage costs (1e-9 relative); stage 1 of every task starts
#     from its dispatch basis, stage 2 from its anchor except the first task
#     and where the anchor's structure differs (rooftop x m1: falls back to a
#     cold start and succeeds); far fewer simplex iterations than cold.
#   run_forecast_warm.sh ranks: mpirun -np 1, -np 2 and a --resume of
#     three tasks (their anchors finished before) give the same files
#     (metrics.json up to the stage's wall time and the per-rank `reused`
#     flag of the trained forecasts; the stages' iteration counts and warm
#     starts included, so every task started from the same bases); -np 2
#     and the resumed run solved an anchor task's forecast stage first on a
#     rank that lacked it.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
CLI="${TW_CLI:?TW_CLI not set}"
ex="${TW_SOURCE_DIR:?}/inputs/example"
mode="${1:?usage: run_forecast_warm.sh warm|ranks}"
dir=$(mktemp -d /tmp/tw_fc_warm_XXXXXX)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/scenario.yaml" <<YAML
name: forecast-warm
members:
  - {name: m1, files: [$ex/cutout.nc]}
  - {name: m2, files: [$ex/members/shift-4d.nc]}
network: $ex/network
wind: {carrier: wind, turbine: $ex/turbine.yaml}
solar: {carrier: solar, panel: $ex/panel.yaml}
optimize: {load_shedding_cost: 5000}
forecast:
  targets: [demand, wind, solar]
  horizon_h: 24
  imbalance_cost: 50
scenarios:
  - name: base
  - name: more-wind          # same LP structures as base
    scale_capacity: [{carrier: wind, factor: 1.5}]
  - name: rooftop            # one generator more: other LP structures
    rooftop_pv: [{bus: Hamburg, p_nom_mw: 500}]
YAML
tasks="base/m1 more-wind/m1 rooftop/m1 base/m2 more-wind/m2 rooftop/m2"

case "$mode" in
warm)
  "$CLI" --verbose run "$dir/scenario.yaml" --out "$dir/warm" 2> "$dir/warm.log" ||
    { tail -50 "$dir/warm.log"; exit 1; }
  "$CLI" --verbose run "$dir/scenario.yaml" --out "$dir/cold" --cold 2> "$dir/cold.log" ||
    { tail -50 "$dir/cold.log"; exit 1; }
  python3 - "$dir" $tasks <<'PY'
import json, sys
d, tasks = sys.argv[1], sys.argv[2:]
keys = ["perfect_foresight_cost", "schedule_cost", "realised_cost", "imbalance_penalty",
        "forecast_error_cost"]
iw = ic = 0
for t in tasks:
    a = json.load(open(f"{d}/warm/{t}/metrics.json"))["forecast"]
    b = json.load(open(f"{d}/cold/{t}/metrics.json"))["forecast"]
    for k in keys:
        assert abs(a[k] - b[k]) <= 1e-9 * abs(b[k]), (t, k, a[k], b[k])
    assert not b["stage1_warm_start"] and not b["stage2_warm_start"], ("--cold warm-started", t)
    assert a["stage1_warm_start"], ("stage 1 not from the dispatch basis", t)
    first, other = t == "base/m1", t == "rooftop/m1"   # no anchor / anchor of another structure
    assert a["stage2_warm_start"] == (not first and not other), ("stage 2", t, a)
    iw += a["stage1_iterations"] + a["stage2_iterations"]
    ic += b["stage1_iterations"] + b["stage2_iterations"]
print(f"forecast-stage simplex iterations: warm {iw}, cold {ic}")
assert iw < 0.5 * ic, (iw, ic)
PY
  # the structure miss is a debug line, not an error
  grep -q "no basis of this LP's structure .*'forecast:member:m1'" "$dir/warm.log" ||
    { echo "FAIL: no debug line for the stage-2 structure miss"; exit 1; }
  echo "forecast stage warm vs cold: same costs, fewer iterations, clean fallback"
  ;;
ranks)
  command -v mpirun >/dev/null || { echo "SKIP: mpirun not found"; exit 77; }
  export OMP_NUM_THREADS=1
  for np in 1 2; do
    mpirun --oversubscribe -np $np "$CLI" run "$dir/scenario.yaml" --out "$dir/np$np" \
      2> "$dir/np$np.log" || { tail -50 "$dir/np$np.log"; exit 1; }
  done
  grep -q "solved first, as the warm start of later tasks" "$dir/np2.log" ||
    { echo "FAIL: -np 2 never solved an anchor task first (the test lost its point)"; exit 1; }
  # --resume: tasks whose anchors finished before are redone (anchors solved again first)
  cp -r "$dir/np1" "$dir/resumed"
  for t in more-wind/m1 rooftop/m1 more-wind/m2; do rm "$dir/resumed/$t/task.done"; done
  "$CLI" run "$dir/scenario.yaml" --out "$dir/resumed" --resume 2> "$dir/resumed.log" ||
    { tail -50 "$dir/resumed.log"; exit 1; }
  grep -q "task 'base' x 'm1': solved first" "$dir/resumed.log" ||
    { echo "FAIL: --resume did not solve the anchor task first"; exit 1; }
  for run in np2 resumed; do for t in $tasks; do
    for f in series.json task.done; do cmp "$dir/np1/$t/$f" "$dir/$run/$t/$f"; done
  done; done
  python3 - "$dir" $tasks <<'PY'
import json, sys
d, tasks = sys.argv[1], sys.argv[2:]
def strip(m):
    f = m["forecast"]
    del f["seconds"]                 # wall time
    for t in f["targets"]: del t["reused"]  # per rank: which rank trained a target first
    return m
for run in ("np2", "resumed"):
    for t in tasks:
        a = strip(json.load(open(f"{d}/np1/{t}/metrics.json")))
        b = strip(json.load(open(f"{d}/{run}/{t}/metrics.json")))
        assert a == b, (run, t, [(k, a[k], b[k]) for k in a if a[k] != b[k]])
PY
  echo "forecast stage with warm starts: mpirun -np 1, -np 2 and --resume identical"
  ;;
*) echo "usage: run_forecast_warm.sh warm|ranks"; exit 1 ;;
esac
