#!/usr/bin/env bash
# TW_REQUIRE_REFERENCE_DATA: with the reference data folder missing, every
# test labelled "reference" FAILS when it is required and skips (or passes
# without its reference part) when not, each saying so. Runs those tests
# through a nested ctest over this build folder's tests.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
BIN=${TW_BINARY_DIR:?}
T=$(mktemp -d /tmp/tw_refreq.XXXXXX)
trap 'rm -rf "$T"' EXIT
export TW_REFERENCE_DATA="$T/no-such-folder"
# A copy of the test lists (commands and folders are absolute), so that the
# nested ctest writes its logs there, not into the running build's Testing/.
(cd "$BIN" && find . -name CTestTestfile.cmake) | while IFS= read -r f; do
  mkdir -p "$T/ctest/$(dirname "$f")" && cp "$BIN/$f" "$T/ctest/$f"
done
BIN="$T/ctest"
total=$(ctest --test-dir "$BIN" -N -L reference | sed -n 's/^Total Tests: //p')
[ "${total:-0}" -ge 8 ] || { echo "FAIL: only '${total:-0}' tests labelled reference"; exit 1; }

rc=0
TW_REQUIRE_REFERENCE_DATA=ON ctest --test-dir "$BIN" -L reference -j2 --output-on-failure \
  > "$T/on.txt" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || { echo "FAIL: required and missing, yet ctest passed"; cat "$T/on.txt"; exit 1; }
grep -q "tests passed, $total tests failed out of $total" "$T/on.txt" \
  || { echo "FAIL: not every reference test failed"; cat "$T/on.txt"; exit 1; }
n=$(grep -c "FAIL: reference data $T/no-such-folder.* not found, and TW_REQUIRE_REFERENCE_DATA is on" "$T/on.txt" || true)
[ "$n" -eq "$total" ] || { echo "FAIL: $n of $total failures name the missing data"; cat "$T/on.txt"; exit 1; }

rc=0
TW_REQUIRE_REFERENCE_DATA=OFF ctest --test-dir "$BIN" -L reference -j2 -V > "$T/off.txt" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: not required, yet a reference test failed"; tail -50 "$T/off.txt"; exit 1; }
skipped=$(grep -c "\*\*\*Skipped" "$T/off.txt" || true)
said=$(grep -c "SKIP: reference data $T/no-such-folder.* not found" "$T/off.txt" || true)
[ "$skipped" -ge 1 ] && [ "$said" -eq "$skipped" ] \
  || { echo "FAIL: $skipped skipped, $said skip messages"; tail -50 "$T/off.txt"; exit 1; }
echo "ok: $total reference tests; required: all $total fail naming the data; not required: $skipped skip with a message, the rest pass"
