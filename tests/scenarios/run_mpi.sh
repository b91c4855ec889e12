#!/usr/bin/env bash
# The task farm gives identical files under mpirun -np 1, 2 and 3
# (oversubscribed), whatever rank runs which task.
set -euo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
command -v mpirun >/dev/null || { echo "SKIP: mpirun not found"; exit 77; }
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT
source "$(dirname "$0")/small.sh"; write_small "$OUT" ev   # with EV fleets in the baseline
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
for np in 1 2 3; do
  mpirun --oversubscribe -np $np "$CLI" --quiet run "$OUT/small.yaml" --out "$OUT/np$np"
done
for np in 2 3; do
  for f in summary.json summary.csv ensemble.csv tasks.tsv; do cmp "$OUT/np1/$f" "$OUT/np$np/$f"; done
  for s in baseline storm; do for m in m1 m2; do
    for f in metrics.json series.json task.done; do cmp "$OUT/np1/$s/$m/$f" "$OUT/np$np/$s/$m/$f"; done
  done; done
done
# Two ranks per task group (one group of 2 under -np 2) gives the same files too.
mpirun --oversubscribe -np 2 "$CLI" --quiet run "$OUT/small.yaml" --out "$OUT/g2" --ranks-per-task 2
cmp "$OUT/np1/summary.json" "$OUT/g2/summary.json"
# A failing task brings every rank down with its message, not a hang: the
# network's snapshots are not covered by a member's climate data only at run
# time when the file is replaced after validation; simulate with a member
# whose data is corrupt (validation reads only coordinates).
cp "$SRC/inputs/example/members/shift-4d.nc" "$OUT/bad.nc"
python3 - "$OUT/bad.nc" <<'PY'
import sys
p = sys.argv[1]; data = bytearray(open(p, 'rb').read())
open(p, 'wb').write(data[: len(data) - 200000])  # truncated: header fine, data missing
PY
sed "s#$SRC/inputs/example/members/shift-4d.nc#$OUT/bad.nc#" "$OUT/small.yaml" > "$OUT/bad.yaml"
set +e
timeout 120 mpirun --oversubscribe -np 2 "$CLI" run "$OUT/bad.yaml" --out "$OUT/bad" > "$OUT/bad.log" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || { echo "FAIL: failing task: rc $rc"; cat "$OUT/bad.log"; exit 1; }
grep -q "bad.nc" "$OUT/bad.log" || { echo "FAIL: no message naming the bad file"; cat "$OUT/bad.log"; exit 1; }
[ ! -e "$OUT/bad/summary.json" ] || { echo "FAIL: summary written after a failure"; exit 1; }
grep -q '"ev"' "$OUT/np1/baseline/m1/metrics.json" || { echo "FAIL: no EV metrics in the baseline"; exit 1; }
! grep -q '"ev"' "$OUT/np1/storm/m1/metrics.json" || { echo "FAIL: EV metrics with ev_adoption 0"; exit 1; }
echo "run under mpirun -np 1, 2, 3 (with EV fleets): identical; failure propagates (rc $rc)"
