#!/usr/bin/env bash
# Checkpoint/restart: kill -9 a run midway, --resume it, and get the same
# files as an uninterrupted run; finished tasks are skipped, partial ones redone.
set -euo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT
source "$(dirname "$0")/small.sh"; write_small "$OUT"
fail() { echo "FAIL: $*"; exit 1; }
"$CLI" --quiet run "$OUT/small.yaml" --out "$OUT/full"

"$CLI" --quiet run "$OUT/small.yaml" --out "$OUT/cut" & pid=$!
for _ in $(seq 1 600); do  # wait until the first task is finished, then kill
  [ -e "$OUT/cut/baseline/m1/task.done" ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
done
kill -9 $pid 2>/dev/null || fail "the run finished before it could be killed"
wait $pid 2>/dev/null || true
[ ! -e "$OUT/cut/summary.json" ] || fail "summary exists after kill -9"
done_before=$(find "$OUT/cut" -name task.done | wc -l)
[ "$done_before" -ge 1 ] && [ "$done_before" -lt 4 ] || fail "expected a partial run, got $done_before records"
# A half-written task: outputs present but no record -> redone.
mkdir -p "$OUT/cut/storm/m2" && echo garbage > "$OUT/cut/storm/m2/metrics.json"
"$CLI" run "$OUT/small.yaml" --out "$OUT/cut" --resume --dry-run > "$OUT/plan"
grep -q "baseline' x member 'm1' .*(finished, skipped)" "$OUT/plan" || fail "dry run does not mark finished tasks"
grep -q "estimated peak memory per rank" "$OUT/plan" || fail "dry run lacks the memory estimate"
"$CLI" run "$OUT/small.yaml" --out "$OUT/cut" --resume 2> "$OUT/resume.log"
solved=$(grep -c "building and solving" "$OUT/resume.log" || true)
[ "$solved" -eq $((4 - done_before)) ] || fail "resume solved $solved tasks, expected $((4 - done_before))"
for f in summary.json summary.csv ensemble.csv tasks.tsv; do cmp "$OUT/full/$f" "$OUT/cut/$f" || fail "$f differs"; done
for s in baseline storm; do for m in m1 m2; do
  for f in metrics.json series.json task.done; do cmp "$OUT/full/$s/$m/$f" "$OUT/cut/$s/$m/$f" || fail "$s/$m/$f differs"; done
done; done
if find "$OUT/cut" -name '*.tmp*' | grep -q .; then
  # temporaries of the killed run may remain; the final names must be complete (checked above)
  echo "note: temporary files of the killed run remain: $(find "$OUT/cut" -name '*.tmp*' | wc -l)"
fi
echo "kill -9 after $done_before task(s), resume: identical outputs"
