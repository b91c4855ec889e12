#!/usr/bin/env bash
# Every scripts/bench/* benchmark takes the build folder the same way (first
# argument, required; scripts/bench/lib.sh): usage and exit 2 without it or
# with a folder that is not a build, usage and exit 0 for --help, and a dry
# start (TW_BENCH_DRY_RUN=1: its build products found, nothing measured)
# against this build folder.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
SRC=${TW_SOURCE_DIR:?}; BIN=${TW_BINARY_DIR:?}
T=$(mktemp -d /tmp/tw_bench_scripts.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
n=0
for s in "$SRC"/scripts/bench/*; do
  [ -f "$s" ] && [ -x "$s" ] || continue
  case "$s" in *.py|*.c|*.sh) continue ;; esac
  name=$(basename "$s")
  grep -q '^\. "$(dirname "$0")/lib.sh"$' "$s" || fail "$name does not source scripts/bench/lib.sh"
  rc=0; "$s" > "$T/out" 2> "$T/err" || rc=$?
  [ "$rc" -eq 2 ] && grep -q "missing BUILD_DIR" "$T/err" && grep -q "^usage: scripts/bench/$name BUILD_DIR" "$T/err" \
    || fail "$name without arguments: exit $rc, $(cat "$T/err")"
  rc=0; "$s" "$T" > "$T/out" 2> "$T/err" || rc=$?
  [ "$rc" -eq 2 ] && grep -q "is not a build folder" "$T/err" || fail "$name $T: exit $rc, $(cat "$T/err")"
  rc=0; "$s" --backend cpu > "$T/out" 2> "$T/err" || rc=$?
  [ "$rc" -eq 2 ] && grep -q "must be the build folder" "$T/err" || fail "$name --backend: exit $rc"
  rc=0; "$s" --help > "$T/out" 2> "$T/err" || rc=$?
  [ "$rc" -eq 0 ] && grep -q "^usage: scripts/bench/$name BUILD_DIR" "$T/out" || fail "$name --help: exit $rc"
  rc=0; TW_BENCH_DRY_RUN=1 CC=${CC:-cc} "$s" "$BIN" > "$T/out" 2> "$T/err" || rc=$?
  [ "$rc" -eq 0 ] && grep -q "^$name: ready (build folder $(cd "$BIN" && pwd))" "$T/out" \
    || fail "$name $BIN (dry run): exit $rc, $(cat "$T/out" "$T/err")"
  n=$((n + 1))
done
[ "$n" -ge 11 ] || fail "only $n benchmark scripts found"
echo "ok: $n benchmark scripts take BUILD_DIR first (usage + exit 2 without it, dry start with it)"
