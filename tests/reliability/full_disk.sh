#!/usr/bin/env bash
# A full disk gives exit 4 and a one-line message naming the output file,
# and leaves nothing under the final name (nor temporary files).
#  1. the fault shim fails writes to temporary output files with ENOSPC
#     (optimize to NetCDF and to a CSV folder, convert, run's results.nc,
#     example's cutout.nc, train's model file, forecast's output);
#  2. where this user may mount one, a real 64 KiB tmpfs, and a 200 KiB one
#     filled to several levels for every NetCDF writer (HDF5 reports a full
#     disk as "NetCDF: HDF error": the message must still say why).
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
  grep -q "No space left on device" "$T/$name.err" || fail "$name: stderr does not say \"No space left on device\": $(cat "$T/$name.err")"
  [ ! -e "$final" ] || fail "$name: $final exists after a failed write"
  local left; left="$(find "$(dirname "$final")" -name '.*.tmp-*' 2>/dev/null | head -3)"
  [ -z "$left" ] || fail "$name: temporary files left behind: $left"
  echo "ok: $name: exit 4: $(grep -m1 "error" "$T/$name.err")"
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

# run: the first task's results.nc; example: cutout.nc; train/forecast: model and forecasts
python3 "$SRC/scripts/gen-bad-inputs.py" "$T/cat" --example "$EX" >/dev/null || fail "gen-bad-inputs.py"
RUN="$T/cat/ok-run"
expect_full run-results "$T/o4/base/results.nc" "results.nc" -- \
  env TW_FAULT_PATH=results.nc.tmp- sh -c 'cd "$0" && TW_FAULT_MODE=enospc LD_PRELOAD="$1" "$2" run s.yaml --out "$3"' \
  "$RUN" "$SHIM" "$CLI" "$T/o4"
expect_full example "$T/o5/cutout.nc" "cutout.nc" -- shim "$CLI" example "$T/o5"
SYNTH="${TW_BINARY_DIR:-}/tests/forecast/forecast_synth"
FC=""
if [ -x "$SYNTH" ]; then
  FC="$T/fc"; mkdir -p "$FC" "$T/o6"
  "$SYNTH" "$FC" 2000 7 >/dev/null || fail "forecast_synth"
  cat > "$FC/train.yaml" <<'YAML'
target: {file: demand.csv, column: load, units: MW}
horizon_h: 24
features:
  calendar: [hour_of_day, day_of_week]
  lags: true
model: {hidden: [8], activation: relu}
training: {epochs: 1, batch_size: 128, learning_rate: 0.003, seed: 2}
YAML
  (cd "$FC" && "$CLI" --quiet train train.yaml --out model.nc >/dev/null) || fail "train (no fault)"
  expect_full train "$T/o6/model.nc" "model.nc" -- sh -c 'cd "$0" && TW_FAULT_MODE=enospc LD_PRELOAD="$1" "$2" train train.yaml --out "$3"' "$FC" "$SHIM" "$CLI" "$T/o6/model.nc"
  expect_full forecast "$T/o6/fc.nc" "fc.nc" -- sh -c 'cd "$0" && TW_FAULT_MODE=enospc LD_PRELOAD="$1" "$2" forecast model.nc train.yaml --out "$3"' "$FC" "$SHIM" "$CLI" "$T/o6/fc.nc"
else
  echo "note: $SYNTH not built; train/forecast cases skipped"
fi

# A real full file system, where this user may mount one.
MNT="$T/tmpfs"; mkdir -p "$MNT"
if mount -t tmpfs -o size=64k tw-full "$MNT" 2>/dev/null; then
  expect_full tmpfs-optimize "$MNT/out.nc" "out.nc" -- "$CLI" optimize "$EX/network" --out "$MNT/out.nc"
  # leave about 4 KiB free: less than the capacity factors need
  dd if=/dev/zero of="$MNT/filler" bs=1k count=1000 2>/dev/null
  rm -f "$MNT/out.nc"; truncate -s -4096 "$MNT/filler"
  expect_full tmpfs-convert "$MNT/cf.nc" "cf.nc" -- "$CLI" convert "$T/convert.yaml" --out "$MNT/cf.nc"
  umount "$MNT" || fail "umount"
  # 200 KiB, filled so that F KiB are left: each NetCDF writer fails at a
  # different point (header, a variable, the close that flushes HDF5).
  mount -t tmpfs -o size=200k tw-full "$MNT" || fail "mount 200k"
  fill_to() { rm -rf "${MNT:?}"/* "$MNT"/.[!.]* 2>/dev/null; dd if=/dev/zero of="$MNT/filler" bs=1k count=400 2>/dev/null; truncate -s $(( (200 - $1) * 1024 )) "$MNT/filler"; }
  # maybe_full NAME DIR -- command: exit 0 (it fitted) or exit 4 naming a file
  # under DIR with "No space left on device" and no temporary file left
  maybe_full() {
    local name="$1" dir="$2"; shift 3
    "$@" >"$T/$name.out" 2>"$T/$name.err"; local rc=$?
    if [ "$rc" -eq 0 ]; then echo "ok: $name: fits"; return 1; fi
    [ "$rc" -eq 4 ] || fail "$name: exit $rc, expected 4 or 0: $(cat "$T/$name.err")"
    grep -q "No space left on device" "$T/$name.err" || fail "$name: stderr does not say \"No space left on device\": $(cat "$T/$name.err")"
    grep -q "$dir" "$T/$name.err" || fail "$name: stderr names no file under $dir: $(cat "$T/$name.err")"
    [ -z "$(find "$MNT" -name '.*.tmp-*')" ] || fail "$name: temporary files left: $(find "$MNT" -name '.*.tmp-*')"
    echo "ok: $name: exit 4: $(grep -m1 "error" "$T/$name.err")"
  }
  nrun=0; nex=0; ntrain=0; nfc=0
  for F in 8 24 64 120; do
    fill_to "$F"
    maybe_full "tmpfs-run-$F" "$MNT/out/" -- sh -c 'cd "$0" && "$1" run s.yaml --out "$2"' "$RUN" "$CLI" "$MNT/out" && nrun=$((nrun + 1))
    fill_to "$F"
    maybe_full "tmpfs-example-$F" "$MNT/ex/cutout.nc" -- "$CLI" example "$MNT/ex" && nex=$((nex + 1))
    if [ -n "$FC" ]; then
      fill_to "$F"
      maybe_full "tmpfs-train-$F" "$MNT/model.nc" -- sh -c 'cd "$0" && "$1" train train.yaml --out "$2"' "$FC" "$CLI" "$MNT/model.nc" && ntrain=$((ntrain + 1))
      fill_to "$F"
      maybe_full "tmpfs-forecast-$F" "$MNT/fc.nc" -- sh -c 'cd "$0" && "$1" forecast model.nc train.yaml --out "$2"' "$FC" "$CLI" "$MNT/fc.nc" && nfc=$((nfc + 1))
    fi
  done
  [ "$nrun" -gt 0 ] && [ "$nex" -gt 0 ] || fail "run/example never ran out of space"
  [ -z "$FC" ] || { [ "$ntrain" -gt 0 ] && [ "$nfc" -gt 0 ]; } || fail "train/forecast never ran out of space"
else
  MNT=""
  echo "note: cannot mount a tmpfs here (needs root); the shim cases above cover ENOSPC"
fi
echo "full disk: exit 4 with a clear message, nothing under final names"
