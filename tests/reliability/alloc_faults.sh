#!/usr/bin/env bash
# Allocation fault loop (SQLite-style; docs/RELIABILITY.md "Faults"): run
# `optimize`, `convert` and `run` on the small inputs of the bad-input
# catalogue (ok-network, ok-climate, ok-run), counting the allocations that
# go through terrawatt/alloc.h (TW_FAULT_ALLOC_REPORT=1), then again with
# the Nth allocation and every later one failing (TW_FAULT_ALLOC_AT=N).
# Every faulted run must exit 4, with a message on stderr, without a crash
# or sanitizer report (a leak included, in the ASan build), and leave no
# output under its final name and no temporary file.
# N runs over 1..count with a stride so that each command gets at most
# TW_FAULT_MAX_RUNS runs (default 30, 10 in a sanitized build where each run
# takes seconds; the first 5 N and the last one always); TW_FAULT_MAX_RUNS=0
# tries every N (minutes, for a thorough local pass).
# usage: alloc_faults.sh   (env TW_CLI, TW_SOURCE_DIR)
set -uo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
DEFAULT_MAX=30
ldd "$CLI" 2>/dev/null | grep -q libasan && DEFAULT_MAX=10
MAX="${TW_FAULT_MAX_RUNS:-$DEFAULT_MAX}"
command -v ncgen >/dev/null || { echo "SKIP: ncgen (netcdf-bin) not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$SRC/scripts/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export OMP_NUM_THREADS=1
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
python3 "$SRC/scripts/gen-bad-inputs.py" "$T/cat" --example "$SRC/inputs/example" >/dev/null || exit 1
failed=0; total=0
check() { # DIR OUTPUT ARGS...
  local dir="$1" output="$2"; shift 2
  rm -rf "${dir:?}/$output" "$dir/out.nc" "$dir/out"
  (cd "$dir" && TW_FAULT_ALLOC_REPORT=1 "$CLI" --quiet "$@" >/dev/null 2>"$T/count.txt") ||
    { echo "FAIL: $* without faults: $(tail -3 "$T/count.txt")"; exit 1; }
  local count
  count=$(sed -n 's/^terrawatt: \([0-9]*\) allocations$/\1/p' "$T/count.txt" | tail -1)
  [ -n "$count" ] && [ "$count" -gt 0 ] || { echo "FAIL: no allocation count for $*"; exit 1; }
  local stride=1
  [ "$MAX" -gt 0 ] && [ "$count" -gt "$MAX" ] && stride=$(( (count + MAX - 6) / (MAX - 5) ))
  local ns n tried=0 bad=0
  ns=$( { seq 1 5; seq 6 "$stride" "$count"; echo "$count"; } | awk -v c="$count" '$1 <= c' | sort -nu)
  for n in $ns; do
    rm -rf "${dir:?}/$output"
    (cd "$dir" && TW_FAULT_ALLOC_AT=$n timeout 120 "$CLI" --quiet "$@" >/dev/null 2>"$T/err.txt")
    local rc=$? why=""
    [ "$rc" = 4 ] || why="exit $rc, expected 4"
    grep -qE "AddressSanitizer|LeakSanitizer|runtime error:|Segmentation fault|core dumped" "$T/err.txt" &&
      why="${why:+$why; }sanitizer report or crash"
    [ -s "$T/err.txt" ] || why="${why:+$why; }no message"
    [ -e "$dir/$output" ] && why="${why:+$why; }'$output' exists"
    [ -n "$(find "$dir" -name '.*.tmp-*' 2>/dev/null)" ] && why="${why:+$why; }temporary file left"
    tried=$((tried + 1))
    if [ -n "$why" ]; then
      bad=$((bad + 1))
      echo "FAIL: $1 N=$n: $why"; sed 's/^/      | /' "$T/err.txt" | head -12
      find "$dir" -name '.*.tmp-*' -delete
    fi
  done
  echo "$1: $count allocations, $tried faulted runs (stride $stride), $bad failed"
  total=$((total + tried)); failed=$((failed + bad))
}
check "$T/cat/ok-network" out.nc optimize net --out out.nc
check "$T/cat/ok-climate" out.nc convert convert.yaml --out out.nc
check "$T/cat/ok-run" out/summary.json run s.yaml --out out
echo "allocation fault loop: $total runs, $failed failed"
[ "$failed" -eq 0 ]
