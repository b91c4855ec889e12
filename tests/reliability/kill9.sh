#!/usr/bin/env bash
# kill -9 while outputs are written never leaves a partial file under a
# final name: every output that exists afterwards is complete (identical to
# an undisturbed run's), the rest are absent.
#  1. deterministic: the fault shim SIGKILLs the process at the Nth write to
#     a temporary output file (NetCDF and CSV folder outputs);
#  2. timing: kill -9 after random delays while `optimize` runs.
# usage: kill9.sh FAULT_SHIM.so   (env TW_CLI, TW_SOURCE_DIR)
set -uo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"; SHIM="${1:?fault shim}"
command -v ncdump >/dev/null || { echo "SKIP: ncdump (netcdf-bin) not installed"; exit 77; }
# Sanitized builds: Open MPI's allocations are suppressed (full unwinds reach them).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$SRC/scripts/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0}"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export OMP_NUM_THREADS=1
NET="$SRC/inputs/example/network"
fail() { echo "FAIL: $*"; exit 1; }

"$CLI" --quiet optimize "$NET" --out "$T/ref.nc" --csv "$T/refcsv" >/dev/null || fail "reference run failed"
ncdump "$T/ref.nc" | tail -n +2 > "$T/ref.cdl"

check_outputs() { # DIR: out.nc absent or complete; each csv present identical to the reference
  local d="$1"
  if [ -e "$d/out.nc" ]; then
    ncdump "$d/out.nc" 2>/dev/null | tail -n +2 > "$d/out.cdl" || fail "$d/out.nc exists but is unreadable"
    cmp -s "$d/out.cdl" "$T/ref.cdl" || fail "$d/out.nc exists but differs from the reference (partial?)"
  fi
  if [ -d "$d/csv" ]; then
    for f in "$d"/csv/*.csv; do
      [ -e "$f" ] || continue
      cmp -s "$f" "$T/refcsv/$(basename "$f")" || fail "$f exists but differs from the reference (partial?)"
    done
  fi
}

killed=0
for n in 0 1 3 10 40 200; do
  d="$T/shim-$n"; mkdir -p "$d"
  TW_FAULT_MODE=kill TW_FAULT_AFTER=$n LD_PRELOAD="$SHIM" \
    "$CLI" --quiet optimize "$NET" --out "$d/out.nc" --csv "$d/csv" >/dev/null 2>&1
  rc=$?
  [ "$rc" -eq 137 ] && killed=$((killed + 1))
  check_outputs "$d"
  echo "shim kill at write $n: exit $rc, outputs consistent"
done
[ "$killed" -ge 3 ] || fail "the shim killed only $killed runs: not exercising mid-write kills"

for delay in 0.2 0.5 0.9 1.3 1.7 2.2; do
  d="$T/timed-$delay"; mkdir -p "$d"
  "$CLI" --quiet optimize "$NET" --out "$d/out.nc" --csv "$d/csv" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"; kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  check_outputs "$d"
  echo "kill -9 after ${delay}s: outputs consistent ($(ls "$d" | tr '\n' ' '))"
done
echo "kill -9: no partial output under a final name"
