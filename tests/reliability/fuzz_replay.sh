#!/usr/bin/env bash
# Replay the fuzz seed corpus (generated from the examples) and every past
# crash (fuzz/regressions/<harness>/) through each harness.
# usage: fuzz_replay.sh BINDIR HARNESS...   (env TW_SOURCE_DIR)
set -uo pipefail
SRC="${TW_SOURCE_DIR:?}"; BIN="${1:?}"; shift
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
# Sanitized builds: Open MPI's allocations are suppressed (full unwinds reach them).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$SRC/scripts/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0}"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
python3 "$SRC/fuzz/make_seeds.py" "$T/seeds" --example "$SRC/inputs/example" >/dev/null || exit 1
for h in "$@"; do
  "$BIN/fuzz_replay_$h" "$T/seeds/$h" "$SRC/fuzz/regressions/$h" > "$T/$h.log" 2>&1
  rc=$?
  if [ "$rc" -ne 0 ] || grep -qE "AddressSanitizer|runtime error:" "$T/$h.log"; then
    echo "FAIL: $h (exit $rc)"; cat "$T/$h.log"; exit 1
  fi
  echo "$h: $(tail -1 "$T/$h.log")"
done
