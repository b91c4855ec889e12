#!/usr/bin/env bash
# End-to-end: `terrawatt run` on the bundled showcase (6 scenarios x 2
# members, 5 EV fleets) writes every output, and the metrics obey
# conservation laws and the scenarios' intent; EV charging: immediate and
# smart side by side (metrics.json "ev"), see the checks at the end.
set -euo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT

"$CLI" --quiet run "$SRC/inputs/example/scenario.yaml" --out "$OUT/a"
for s in baseline rooftop-pv storage storm co2-cap ev-smart; do
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
assert len(tasks) == 12, tasks.keys()
rows = list(csv.DictReader(open(f"{out}/summary.csv")))
assert len(rows) == 12
for (s, m), t in tasks.items():
    per_task = json.load(open(f"{out}/{s}/{m}/metrics.json"))
    assert per_task["objective"] == t["objective"], (s, m)
    assert 0 <= t["renewable_share"] <= 1, t
    assert t["co2_t"] >= 0 and t["curtailed_mwh"] >= 0 and t["unserved_mwh"] >= 0, t
    assert t["generation_mwh"] + t["unserved_mwh"] >= t["demand_mwh"] * (1 - 1e-6), t
    # demand_mwh counts the fleets' loads (smart: driving on the EV battery
    # bus; generation also covers charging losses and V2G round trips)
    assert t["generation_mwh"] + t["unserved_mwh"] <= t["demand_mwh"] * 1.05, t
    assert t["loss_of_load_h"] <= 336 and t["max_shortfall_mw"] >= 0
    # The independent solution check (solution_check.h) found the LP solution balanced.
    assert 0 <= t["lp_balance_residual_mw"] <= 1e-6 and 0 <= t["lp_bound_violation"] <= 1e-6, t
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

# ---- EV fleets: immediate against smart charging (docs/SCENARIO.md) ----
rel = lambda a, b: abs(a - b) / max(abs(b), 1e-9)
keys = ("peak_net_load_mw", "net_load_std_mw", "max_ramp_mw", "cost", "co2_t")
for (s, m), t in tasks.items():
    mj = json.load(open(f"{out}/{s}/{m}/metrics.json"))
    ev = mj["ev"]
    assert mj["ev_dispatch"] == "smart", (s, m)
    for strategy in ("immediate", "smart"):
        for k in keys:
            assert isinstance(ev[strategy][k], (int, float)), (s, m, strategy, k)
    imm, smart = ev["immediate"], ev["smart"]
    # Smart charging moves charging out of the dearest hours; the hour of peak
    # net load is one of them (gas at the margin), so smart charging must not
    # raise the peak. Not a theorem (the LP minimises cost, not the peak), a
    # property of this example that a regression would break.
    assert smart["peak_net_load_mw"] <= imm["peak_net_load_mw"] * (1 + 1e-9), (s, m, imm, smart)
    # Cost: both LPs are the same network except for the fleets. The
    # immediate schedule of the smart share is feasible in the smart LP:
    # the same charger limit (availability x charger power), it starts and
    # ends full (initial_soc 1, recharged by the end: delta SoC 0, checked
    # below), so it meets the cyclic store and the 80 % at 07:00; V2G only
    # adds options. The smart optimum can therefore cost no more (GLPK's
    # optimality tolerance: 1e-7 relative).
    assert smart["cost"] <= imm["cost"] * (1 + 1e-7), (s, m, imm["cost"], smart["cost"])
    assert ev["smart"]["shifted_energy_mwh"] > 0
    vf = ev["valley_filling"]
    assert vf["converged"] and vf["iterations"] >= 1 and vf["groups"] == 1000, vf
    assert vf["criterion"].startswith("max_t |R_k+1 - R_k|"), vf
    # Energy: every fleet drives the same energy under both strategies, and
    # what reaches the batteries is driving + change of stored energy (less
    # driving left unserved: under the CO2 cap the LP sheds some of it at
    # the load-shedding cost rather than burn more gas).
    for f in mj["ev_fleets"]:
        d = f["driving_mwh"]
        assert d > 0
        assert abs(f["immediate_delta_soc_mwh"]) <= 1e-6 * d, f
        for strat in ("immediate", "smart"):
            bal = f[f"{strat}_to_battery_mwh"] - f[f"{strat}_delta_soc_mwh"] + f[f"{strat}_unserved_driving_mwh"]
            assert rel(bal, d) <= 1e-6, (s, m, f["name"], strat, bal, d)
        if s != "co2-cap":
            assert f["smart_unserved_driving_mwh"] == 0 and f["immediate_unserved_driving_mwh"] == 0, f
        if f["name"] != "Kiel EV" and s != "co2-cap":  # without V2G: the same energy from the grid
            exp = f["immediate_charged_mwh"] + (f["smart_delta_soc_mwh"] - f["immediate_delta_soc_mwh"]) / f["charge_efficiency"]
            assert rel(f["smart_charged_mwh"], exp) <= 1e-6, (s, m, f)
    # The summary carries the main figures.
    assert t["ev_peak_net_load_smart_mw"] == smart["peak_net_load_mw"]
    assert t["ev_cost_immediate"] == imm["cost"] and t["ev_cost_smart"] == smart["cost"]
    sj = json.load(open(f"{out}/{s}/{m}/series.json"))
    T = len(sj["snapshots"])
    for k in ("net_load_mw", "net_load_ev_mw", "net_load_immediate_mw", "ev_immediate_mw", "ev_smart_mw", "ev_valley_filling_mw"):
        assert len(sj[k]) == T, k
    assert abs(max(sj["net_load_ev_mw"]) - smart["peak_net_load_mw"]) <= 1e-6 * smart["peak_net_load_mw"]
    assert abs(max(sj["net_load_mw"]) - imm["peak_net_load_mw"]) <= 1e-6 * imm["peak_net_load_mw"]
row = next(r for r in rows if r["scenario"] == "ev-smart")
assert float(row["ev_peak_net_load_immediate_mw"]) > float(row["ev_peak_net_load_smart_mw"]), row
# Four times the cars: four times the driving energy.
b, e = (json.load(open(f"{out}/{s}/era5-like/metrics.json")) for s in ("baseline", "ev-smart"))
assert rel(sum(f["driving_mwh"] for f in e["ev_fleets"]), 4 * sum(f["driving_mwh"] for f in b["ev_fleets"])) <= 1e-9
print("EV baseline era5-like:", json.dumps({k: (b["ev"]["immediate"][k], b["ev"]["smart"][k]) for k in keys}))
PY
echo "run example: ok"
