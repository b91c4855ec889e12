#!/usr/bin/env bash
# End-to-end: `terrawatt run` on the bundled example writes every output,
# two runs give identical metrics, and the metrics obey conservation laws.
set -euo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT

"$CLI" --quiet run "$SRC/inputs/example/scenario.yaml" --out "$OUT/a"
for s in base wind-x2 solar-x3-storage-x2 demand-plus-15; do
  for f in results.nc metrics.json; do
    [ -s "$OUT/a/$s/$f" ] || { echo "missing $OUT/a/$s/$f"; exit 1; }
  done
done
[ -s "$OUT/a/summary.json" ] && [ -s "$OUT/a/capacity_factors.nc" ]
# No temporary files are left behind.
if find "$OUT/a" -name '.*tmp*' | grep -q .; then echo "temporary files left"; exit 1; fi

"$CLI" --quiet run "$SRC/inputs/example/scenario.yaml" --out "$OUT/b"
cmp "$OUT/a/summary.json" "$OUT/b/summary.json" || { echo "two runs differ"; exit 1; }

python3 - "$OUT/a" <<'PY'
import json, sys
out = sys.argv[1]
summary = json.load(open(f"{out}/summary.json"))
tasks = {t["scenario"]: t for t in summary["tasks"]}
assert set(tasks) == {"base", "wind-x2", "solar-x3-storage-x2", "demand-plus-15"}, tasks.keys()
for name, m in tasks.items():
    per_task = json.load(open(f"{out}/{name}/metrics.json"))
    assert abs(per_task["objective"] - m["objective"]) <= 1e-9 * abs(m["objective"]) + 1e-9
    assert 0 <= m["renewable_share"] <= 1, m
    assert m["co2_t"] >= 0 and m["curtailed_mwh"] >= 0 and m["unserved_mwh"] >= 0, m
    # Energy balance: generation + unserved >= demand (storage losses make it >).
    assert m["generation_mwh"] + m["unserved_mwh"] >= m["demand_mwh"] * (1 - 1e-6), m
    assert m["generation_mwh"] + m["unserved_mwh"] <= m["demand_mwh"] * 1.05, m
b, w, d = tasks["base"], tasks["wind-x2"], tasks["demand-plus-15"]
# More wind cannot make the optimum dearer or dirtier; more demand cannot make it cheaper.
assert w["objective"] <= b["objective"] + 1e-6 * abs(b["objective"]), (w, b)
assert w["co2_t"] <= b["co2_t"] * (1 + 1e-9) + 1e-6, (w, b)
assert w["renewable_share"] >= b["renewable_share"] - 1e-9
assert d["objective"] >= b["objective"], (d, b)
assert abs(d["demand_mwh"] - 1.15 * b["demand_mwh"]) <= 1e-6 * b["demand_mwh"]
print("example metrics:", json.dumps(b))
PY
echo "run example: ok"
