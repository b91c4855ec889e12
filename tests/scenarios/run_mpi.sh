#!/usr/bin/env bash
# The same scenario file under mpirun -np 1 and -np 2 gives identical
# summaries (results do not depend on the number of ranks).
set -euo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
command -v mpirun >/dev/null || { echo "SKIP: mpirun not found"; exit 77; }
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
mpirun --oversubscribe -np 1 "$CLI" --quiet run "$SRC/inputs/example/scenario.yaml" --out "$OUT/np1"
mpirun --oversubscribe -np 2 "$CLI" --quiet run "$SRC/inputs/example/scenario.yaml" --out "$OUT/np2"
cmp "$OUT/np1/summary.json" "$OUT/np2/summary.json"
for s in base wind-x2 solar-x3-storage-x2 demand-plus-15; do
  cmp "$OUT/np1/$s/metrics.json" "$OUT/np2/$s/metrics.json"
done
echo "run under mpirun -np 1 and -np 2: identical"
