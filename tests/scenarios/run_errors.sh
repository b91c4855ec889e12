#!/usr/bin/env bash
# `terrawatt run` rejects bad invocations and inputs with the documented
# exit codes and messages, and writes nothing under final names.
set -uo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE NEEDLE -- command...
  local code="$1" needle="$2"; shift 3
  "$@" >"$T/stdout" 2>"$T/stderr"; local rc=$?
  [ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code: $(cat "$T/stderr")"
  grep -qF -- "$needle" "$T/stderr" || fail "'$*': stderr lacks '$needle': $(cat "$T/stderr")"
}
expect 1 "unknown option '--frobnicate'" -- "$CLI" run "$SRC/inputs/example/scenario.yaml" --frobnicate
expect 1 "missing SCENARIO.yaml" -- "$CLI" run
expect 1 "unknown command 'runn'" -- "$CLI" runn
expect 2 "nope.yaml" -- "$CLI" run "$T/nope.yaml"
# A scenario pointing at a missing climate file and an unknown carrier.
cp -r "$SRC/inputs/example" "$T/ex"
sed 's/files: \[cutout.nc\]/files: [missing.nc]/' "$SRC/inputs/example/scenario.yaml" > "$T/ex/bad1.yaml"
expect 2 "climate.files: 'missing.nc'" -- "$CLI" run "$T/ex/bad1.yaml" --out "$T/o1"
[ ! -e "$T/o1" ] || fail "output written for invalid scenario"
sed 's/carrier: wind, factor: 2/carrier: wnd, factor: 2/' "$SRC/inputs/example/scenario.yaml" > "$T/ex/bad2.yaml"
expect 2 "'wnd' matches no generator" -- "$CLI" run "$T/ex/bad2.yaml" --out "$T/o2"
[ ! -e "$T/o2/summary.json" ] || fail "summary written after a failed scenario"
# --dry-run validates and writes nothing.
"$CLI" run "$SRC/inputs/example/scenario.yaml" --dry-run --out "$T/o3" > "$T/plan" || fail "dry run failed"
grep -q "scenario 'wind-x2'" "$T/plan" || fail "dry run plan lacks scenarios"
[ ! -e "$T/o3" ] || fail "dry run wrote output"
"$CLI" run --help | grep -q "usage: terrawatt run" || fail "run --help"
"$CLI" version | grep -q "^glpk: " || fail "version lacks glpk"
echo "run errors: ok"
