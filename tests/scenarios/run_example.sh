#!/usr/bin/env bash
# End-to-end: `terrawatt run` on the bundled showcase (5 scenarios x 3
# members) writes every output, and the metrics obey conservation laws and
# the scenarios' intent.
set -euo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT

"$CLI" --quiet run "$SRC/inputs/example/scenario.yaml" --out "$OUT/a"
for s in baseline rooftop-pv storage storm co2-cap; do
  for m in era5-like shift-4d; do
    for f in results.nc metrics.json series.json task.done; do
      [ -s "$OUT/a/$s/$m/$f" ] || { echo "missing $OUT/a/$s/$m/$f"; exit 1; }
    done
  done
done
for f in summary.json summary.csv ensemble.csv tasks.tsv capacity_factors_era5-like.nc; do
  [ -s "$OUT/a/$f" ] || { echo "missing $f"; exit 1; }
done
if find "$OUT/a" -name '*.tmp*' | grep -q .; then echo "temporary files left"; exit 1; fi

python3 - "$OUT/a" <<'PY'
import csv, json, sys
out = sys.argv[1]
summary = json.load(open(f"{out}/summary.json"))
tasks = {(t["scenario"], t["member"]): t for t in summary["tasks"]}
assert len(tasks) == 10, tasks.keys()
rows = list(csv.DictReader(open(f"{out}/summary.csv")))
assert len(rows) == 10
for (s, m), t in tasks.items():
    per_task = json.load(open(f"{out}/{s}/{m}/metrics.json"))
    assert per_task["objective"] == t["objective"], (s, m)
    assert 0 <= t["renewable_share"] <= 1, t
    assert t["co2_t"] >= 0 and t["curtailed_mwh"] >= 0 and t["unserved_mwh"] >= 0, t
    assert t["generation_mwh"] + t["unserved_mwh"] >= t["demand_mwh"] * (1 - 1e-6), t
    assert t["generation_mwh"] + t["unserved_mwh"] <= t["demand_mwh"] * 1.05, t
    assert t["loss_of_load_h"] <= 336 and t["max_shortfall_mw"] >= 0
    assert abs(t["co2_intensity_t_per_mwh"] * t["demand_mwh"] - t["co2_t"]) <= 1e-6 * t["co2_t"] + 1e-6
for m in ("era5-like", "shift-4d"):
    b, r, st, c = (tasks[(s, m)] for s in ("baseline", "rooftop-pv", "storm", "co2-cap"))
    # Rooftop PV takes no land and cannot make the optimum dearer or dirtier.
    assert r["land_use_km2"] == b["land_use_km2"], (r, b)
    assert r["objective"] <= b["objective"] * (1 + 1e-9) and r["co2_t"] <= b["co2_t"] * (1 + 1e-9)
    # The storm isolates Hamburg: load is shed, and the recovery time is known.
    assert st["unserved_mwh"] > 0 and st["loss_of_load_h"] > 0 and st["recovery_h"] is not None, st
    assert b["unserved_mwh"] == 0 and b["recovery_h"] is None
    assert c["co2_t"] <= 110000 * (1 + 1e-6)
    # Droughts are a property of the member: equal in every scenario.
    assert b["drought_count"] == st["drought_count"] == c["drought_count"]
ens = summary["ensemble"]["baseline"]["co2_t"]
vals = sorted(tasks[("baseline", m)]["co2_t"] for m in ("era5-like", "shift-4d"))
# Linear interpolation between the order statistics (numpy's default).
assert abs(ens["p50"] - (vals[0] + 0.5 * (vals[1] - vals[0]))) <= 1e-6 * vals[1]
assert abs(ens["p90"] - (vals[0] + 0.9 * (vals[1] - vals[0]))) <= 1e-6 * vals[1]
assert ens["max"] == vals[1] and ens["min"] == vals[0]
droughts = {m["name"]: m for m in summary["members"]}
assert droughts["era5-like"]["drought_count"] >= 1 and droughts["era5-like"]["drought_longest_h"] >= 48
print("baseline era5-like:", json.dumps(tasks[("baseline", "era5-like")]))
PY
echo "run example: ok"
