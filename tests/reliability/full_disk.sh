#!/usr/bin/env bash
# A full disk gives exit 4 and a one-line message naming the output file,
# and leaves nothing under the final name (nor temporary files).
#  1. the fault shim fails writes to temporary output files with ENOSPC
#     (optimize to NetCDF and to a CSV folder, convert, run);
#  2. where this user may mount one, a real 64 KiB tmpfs.
# usage: full_disk.sh FAULT_SHIM.so   (env TW_CLI, TW_SOURCE_DIR)
set -uo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"; SHIM="${1:?fault shim}"
# Sanitized builds: Open MPI's allocations are suppressed (full unwinds reach them).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$SRC/scripts/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0}"
T="$(mktemp -d)"
MNT=""
cleanup() { [ -n "$MNT" ] && umount "$MNT" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export OMP_NUM_THREADS=1
EX="$SRC/inputs/example"
fail() { echo "FAIL: $*"; exit 1; }
expect_full() { # NAME FINAL-PATH NEEDLE -- command...
  local name="$1" final="$2" needle="$3"; shift 4
  "$@" >"$T/$name.out" 2>"$T/$name.err"; local rc=$?
  [ "$rc" -eq 4 ] || fail "$name: exit $rc, expected 4: $(cat "$T/$name.err")"
  grep -q -- "$needle" "$T/$name.err" || fail "$name: stderr does not name '$needle': $(cat "$T/$name.err")"
  grep -qi "space" "$T/$name.err" || fail "$name: stderr does not say the disk is full: $(cat "$T/$name.err")"
  [ ! -e "$final" ] || fail "$name: $final exists after a failed write"
  local left; left="$(find "$(dirname "$final")" -name '.*.tmp-*' 2>/dev/null | head -3)"
  [ -z "$left" ] || fail "$name: temporary files left behind: $left"
  echo "ok: $name: exit 4: $(head -1 "$T/$name.err")"
}
shim() { TW_FAULT_MODE=enospc LD_PRELOAD="$SHIM" "$@"; }

mkdir -p "$T/o1" "$T/o2"
expect_full optimize-nc "$T/o1/out.nc" "out.nc" -- shim "$CLI" optimize "$EX/network" --out "$T/o1/out.nc"
expect_full optimize-csv "$T/o2/csv/network.csv" "csv/" -- shim "$CLI" optimize "$EX/network" --out "$T/o2/csv"
cat > "$T/convert.yaml" <<YAML
climate:
  files: [$EX/cutout.nc]
network: $EX/network
wind:
  turbine: $EX/turbine.yaml
YAML
mkdir -p "$T/o3"
expect_full convert "$T/o3/cf.nc" "cf.nc" -- shim "$CLI" convert "$T/convert.yaml" --out "$T/o3/cf.nc"

# A real full file system, where this user may mount one.
MNT="$T/tmpfs"; mkdir -p "$MNT"
if mount -t tmpfs -o size=64k tw-full "$MNT" 2>/dev/null; then
  expect_full tmpfs-optimize "$MNT/out.nc" "out.nc" -- "$CLI" optimize "$EX/network" --out "$MNT/out.nc"
  # leave about 4 KiB free: less than the capacity factors need
  dd if=/dev/zero of="$MNT/filler" bs=1k count=1000 2>/dev/null
  rm -f "$MNT/out.nc"; truncate -s -4096 "$MNT/filler"
  expect_full tmpfs-convert "$MNT/cf.nc" "cf.nc" -- "$CLI" convert "$T/convert.yaml" --out "$MNT/cf.nc"
else
  MNT=""
  echo "note: cannot mount a tmpfs here (needs root); the shim cases above cover ENOSPC"
fi
echo "full disk: exit 4 with a clear message, nothing under final names"
