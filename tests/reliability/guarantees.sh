#!/usr/bin/env bash
# Reliability II (docs/RELIABILITY.md): the guarantees that need state
# across runs or a special environment, on the tiny valid run of the
# bad-input catalogue (scripts/gen-bad-inputs.py, case ok-run):
#  - --resume is keyed by content: unchanged inputs skip, an edited variant,
#    network file or climate file re-runs exactly the tasks it shaped, and
#    the log says why;
#  - --resume (and every run) removes temporary files of killed runs;
#  - a failing rerun leaves no summary of the earlier run behind;
#  - a second run on a locked output folder exits 2 naming the holder's PID
#    and removes nothing of the first's;
#  - symlinks inside a network folder only with --follow-symlinks;
#  - GLPK running out of memory is exit 4;
#  - land use is reported for every carrier, whatever the count and the
#    length of their names (valid JSON, UTF-8 intact).
# usage: guarantees.sh   (env TW_CLI, TW_SOURCE_DIR)
set -uo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
command -v ncgen >/dev/null || { echo "SKIP: ncgen (netcdf-bin) not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$SRC/scripts/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0}"
export OMP_NUM_THREADS=1
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
python3 "$SRC/scripts/gen-bad-inputs.py" "$T/cat" --example "$SRC/inputs/example" >/dev/null || exit 1
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
R="$T/cat/ok-run"; cd "$R" || exit 1
run() { "$CLI" run s.yaml --out out "$@" >"$T/out.txt" 2>"$T/err.txt"; }
solved() { grep -c "building and solving" "$T/err.txt"; }

run || fail "first run: $(cat "$T/err.txt")"
[ "$(solved)" = 2 ] || fail "first run solved $(solved) tasks, expected 2"

# Stale temporary files from a killed run, in the folder and a task folder
: > out/.summary.json.tmp-99999-3; : > out/base/.results.nc.tmp-99999-0
run --resume || fail "resume: $(cat "$T/err.txt")"
[ ! -e out/.summary.json.tmp-99999-3 ] && [ ! -e out/base/.results.nc.tmp-99999-0 ] ||
  fail "--resume left stale temporary files"
grep -q "removed 2 temporary files" "$T/err.txt" || fail "--resume did not say it removed them"
[ "$(solved)" = 0 ] || fail "--resume with unchanged inputs solved $(solved) tasks"
ok "--resume: stale temporary files removed, unchanged tasks skipped"

# Edit one variant: only it runs again, and the log says why
sed -i 's/factor: 2}/factor: 3}/' s.yaml
run --resume || fail "resume after edit: $(cat "$T/err.txt")"
[ "$(solved)" = 1 ] || fail "editing one variant re-ran $(solved) tasks, expected 1"
grep -q "task 'more-wind' x 'climate': inputs changed since it finished (scenario)" "$T/err.txt" ||
  fail "no reason given: $(cat "$T/err.txt")"
grep -q "task 'base' x 'climate': building" "$T/err.txt" && fail "the unchanged variant re-ran"
ok "--resume: an edited variant re-runs alone (scenario)"
sed -i 's/gas B,B,400.0,gas,60.0/gas B,B,400.0,gas,61.0/' net/generators.csv
run --resume || fail "resume after network edit: $(cat "$T/err.txt")"
[ "$(solved)" = 2 ] && grep -q "changed since it finished (network)" "$T/err.txt" ||
  fail "a network edit did not re-run every task: $(cat "$T/err.txt")"
ok "--resume: a network edit re-runs every task (network)"
touch -d '2020-01-01 00:00:00' cutout.nc
run --resume || fail "resume after climate touch: $(cat "$T/err.txt")"
[ "$(solved)" = 2 ] && grep -q "changed since it finished (climate)" "$T/err.txt" ||
  fail "a newer climate file did not re-run the tasks: $(cat "$T/err.txt")"
ok "--resume: a changed climate file re-runs its tasks (climate)"

# The output folder's lock: a second run exits 2 naming the holder
echo 4242 > out/.terrawatt.lock
python3 -c 'import fcntl, sys, time
f = open("out/.terrawatt.lock", "a"); fcntl.flock(f, fcntl.LOCK_EX); print("held", flush=True); time.sleep(60)' \
  >"$T/holder.txt" & holder=$!
for _ in $(seq 50); do grep -q held "$T/holder.txt" 2>/dev/null && break; sleep 0.1; done
run; rc=$?
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
[ "$rc" = 2 ] || fail "second run on a locked folder: exit $rc, expected 2: $(cat "$T/err.txt")"
grep -q "in use by another terrawatt run (PID 4242)" "$T/err.txt" || fail "PID not named: $(cat "$T/err.txt")"
[ -e out/base/task.done ] && [ -e out/summary.json ] || fail "the locked-out run removed the first run's files"
ok "lock: the second run exits 2 naming PID 4242 and removes nothing"

# A failing rerun leaves no summary of the earlier run
cp s.yaml s.good.yaml
sed -i 's/load_shedding_cost: 5000/load_shedding_cost: 0/; s/  - name: base/  - name: base\n    demand_scale: 100/' s.yaml
run; rc=$?
[ "$rc" = 3 ] || fail "infeasible rerun: exit $rc, expected 3: $(cat "$T/err.txt")"
for f in summary.json summary.csv ensemble.csv tasks.tsv; do
  [ ! -e "out/$f" ] || fail "a failing rerun left the earlier run's $f"
done
cp s.good.yaml s.yaml
ok "a failing rerun leaves no earlier summary (exit 3)"

# Symlinks in a network folder: refused, unless --follow-symlinks
mv net/carriers.csv carriers.real.csv && ln -s ../carriers.real.csv net/carriers.csv
"$CLI" optimize net --out x.nc 2>"$T/err.txt"; rc=$?
[ "$rc" = 2 ] && grep -q "carriers.csv: is a symlink" "$T/err.txt" || fail "symlink followed: exit $rc: $(cat "$T/err.txt")"
"$CLI" --follow-symlinks optimize net --out x.nc >/dev/null 2>"$T/err.txt" || fail "--follow-symlinks: $(cat "$T/err.txt")"
rm net/carriers.csv && mv carriers.real.csv net/carriers.csv
ok "symlink in a network folder: exit 2, accepted with --follow-symlinks"

# GLPK out of memory (its allocator capped at 1 MiB) is a resource error
TW_GLPK_MEM_LIMIT_MB=1 "$CLI" optimize "$SRC/inputs/example/network" 2>"$T/err.txt"; rc=$?
[ "$rc" = 4 ] && grep -q "GLPK ran out of memory" "$T/err.txt" || fail "GLPK out of memory: exit $rc: $(cat "$T/err.txt")"
ok "GLPK out of memory: exit 4"

# Land use for 20 carriers with 60-byte UTF-8 names that share their first 47 bytes
python3 - <<'PY' || fail "could not write the many-carrier network"
names = [f"Offshore-Windpark Nördliche Nordsee Erweiterungsfläche Nr. {i:02d}" for i in range(20)]
with open("net/carriers.csv", "a") as f:
    for n in names: f.write(f"{n},0.0\n")
with open("net/generators.csv", "a") as f:
    for i, n in enumerate(names): f.write(f"g{i},A,1.0,{n},2.0,1.0\n")
with open("s.yaml", "a") as f:
    f.write("    add: []\n")
text = open("s.yaml").read().replace("metrics:\n", "metrics:\n  land_use_km2_per_mw:\n" +
    "".join(f"    - {{carrier: \"{n}\", value: {i + 1}}}\n" for i, n in enumerate(names)), 1)
open("s.yaml", "w").write(text)
PY
run || fail "many-carrier run: $(cat "$T/err.txt")"
python3 - <<'PY' || fail "land use by carrier is incomplete or not valid JSON"
import json
names = [f"Offshore-Windpark Nördliche Nordsee Erweiterungsfläche Nr. {i:02d}" for i in range(20)]
m = json.load(open("out/base/metrics.json", encoding="utf-8"))
by = m["land_use_km2_by_carrier"]
missing = [n for n in names if n not in by]
assert not missing, f"missing carriers: {missing[:3]}"
assert abs(sum(by.values()) - m["land_use_km2"]) < 1e-9 * max(1, m["land_use_km2"])
s = json.load(open("out/summary.json", encoding="utf-8"))
for k in ("lp_kkt_primal_rel", "lp_kkt_dual_rel", "lp_kkt_complementarity_rel", "lp_cost_ratio"):
    assert k in m, k
print(f"{len(by)} carriers, land use {m['land_use_km2']:.6g} km2, KKT primal {m['lp_kkt_primal_rel']:.3g}")
PY
run --resume || fail "resume of the many-carrier run: $(cat "$T/err.txt")"
[ "$(solved)" = 0 ] || fail "records with 20+ long carrier names did not round-trip (tasks re-ran)"
ok "land use: every carrier, whole UTF-8 names, records round-trip"
echo "all reliability guarantees hold"
