#!/bin/sh
# `terrawatt optimize` exits 2 naming file and field for the silent data
# losses of issue 12, and writes load shedding as PyPSA generators.
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
CLI=${TW_CLI:?TW_CLI not set}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tw_net_cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

N="$TMP/net"
mkdir -p "$N"
printf 'snapshot\nmorning\nevening\n' > "$N/snapshots.csv"
printf 'name\ntown\n' > "$N/buses.csv"
printf 'name,bus,p_nom,marginal_cost\ndiesel,town,10,200\n' > "$N/generators.csv"
printf 'name,bus\ncity,town\n' > "$N/loads.csv"
printf 'snapshot,city\nmorning,8\nevening,15\n' > "$N/loads-p_set.csv"

# a typo in a series column: exit 2, file and column named
printf 'snapshot,cty\nmorning,8\nevening,15\n' > "$N/loads-p_set.csv"
"$CLI" optimize "$N" >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] || fail "unknown column should exit 2, got $rc"
grep -q "loads-p_set.csv" "$TMP/err" && grep -q "'cty'" "$TMP/err" || fail "message: $(cat "$TMP/err")"
# rows in another order than snapshots.csv: exit 2
printf 'snapshot,city\nevening,15\nmorning,8\n' > "$N/loads-p_set.csv"
"$CLI" optimize "$N" >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] || fail "reversed series should exit 2, got $rc"
grep -q "snapshot 'evening'" "$TMP/err" || fail "message: $(cat "$TMP/err")"
printf 'snapshot,city\nmorning,8\nevening,15\n' > "$N/loads-p_set.csv"

# load shedding written as PyPSA generators: 5 MWh shed at 5000
"$CLI" optimize "$N" --load-shedding --voll 5000 --out "$TMP/out" --json > "$TMP/shed.json" \
  || fail "load shedding run"
grep -q '"objective":28600[,}]' "$TMP/shed.json" || fail "objective: $(cat "$TMP/shed.json")"
grep -q "^load shedding town,town,.*load shedding" "$TMP/out/generators.csv" \
  || fail "no load-shedding generator: $(cat "$TMP/out/generators.csv")"
grep -q "^load shedding,0" "$TMP/out/carriers.csv" || fail "carrier: $(cat "$TMP/out/carriers.csv")"
# the written results re-solve (here: by terrawatt) to the same objective without shedding
"$CLI" optimize "$TMP/out" --json > "$TMP/again.json" || fail "re-solve of the written results"
grep -q '"objective":28600[,}]' "$TMP/again.json" || fail "re-solve objective: $(cat "$TMP/again.json")"
exit 0
