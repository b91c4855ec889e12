#!/usr/bin/env bash
# --verbose prints the error message and a short trace of where it was
# raised and propagated (TW_CHECK); without it only the message.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
CLI=${TW_CLI:?set TW_CLI to the terrawatt executable}
T=$(mktemp -d /tmp/tw_trace.XXXXXX)
trap 'rm -rf "$T"' EXIT
printf 'not netcdf' > "$T/bad.nc"

rc=0; "$CLI" --verbose inspect "$T/bad.nc" 2> "$T/verbose.txt" || rc=$?
[ "$rc" -eq 2 ] || { echo "FAIL: exit $rc, expected 2"; cat "$T/verbose.txt"; exit 1; }
grep -q "inspect: $T/bad.nc: not a NetCDF file" "$T/verbose.txt" || { echo "FAIL: no message"; cat "$T/verbose.txt"; exit 1; }
grep -q "error trace (innermost first):" "$T/verbose.txt" || { echo "FAIL: no trace"; cat "$T/verbose.txt"; exit 1; }
# the raise site first, then at least one propagation, each "at func (src/...c:line)"
first=$(grep -m1 '^  at ' "$T/verbose.txt")
[[ "$first" =~ ^\ \ at\ tw_nc_open\ \(src/ingest/[a-z_]+\.c:[0-9]+\)$ ]] || { echo "FAIL: raise site '$first'"; exit 1; }
n=$(grep -c '^  at [A-Za-z_0-9]* (src/[a-z]*/[A-Za-z_0-9]*\.c:[0-9]*)$' "$T/verbose.txt")
[ "$n" -ge 2 ] && [ "$n" -le 16 ] || { echo "FAIL: $n trace lines"; cat "$T/verbose.txt"; exit 1; }

rc=0; "$CLI" inspect "$T/bad.nc" 2> "$T/plain.txt" || rc=$?
[ "$rc" -eq 2 ] || { echo "FAIL: exit $rc without --verbose"; exit 1; }
grep -q "not a NetCDF file" "$T/plain.txt" || { echo "FAIL: no message without --verbose"; exit 1; }
if grep -q "error trace\|^  at " "$T/plain.txt"; then echo "FAIL: trace without --verbose"; cat "$T/plain.txt"; exit 1; fi
echo "ok: --verbose shows $n trace lines from the raise site; the plain run shows the message only"
