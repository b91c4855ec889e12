#!/usr/bin/env bash
# Run the bad-input catalogue (scripts/gen-bad-inputs.py): every case must
# exit with its expected code (2 bad input, 3 infeasible; control cases 0),
# print one stderr line naming the file and the field, leave nothing under
# its final output names, and trigger no sanitizer report.
# usage: run_catalogue.sh [CASE-PATTERN]   (env TW_CLI, TW_SOURCE_DIR)
set -uo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
PATTERN="${1:-}"
command -v ncgen >/dev/null || { echo "SKIP: ncgen (netcdf-bin) not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
# Sanitized builds: Open MPI's allocations are suppressed (full unwinds reach them).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$SRC/scripts/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0}"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
python3 "$SRC/scripts/gen-bad-inputs.py" "$T/cat" --example "$SRC/inputs/example" || exit 1
# UBSan reports are otherwise only printed; make them fail the case.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export OMP_NUM_THREADS=1
pass=0; failed=0; total=0
while IFS=$'\t' read -r name codes needles outputs args; do
  [ -n "$PATTERN" ] && [[ "$name" != *$PATTERN* ]] && continue
  total=$((total + 1))
  dir="$T/cat/$name"
  # shellcheck disable=SC2086
  (cd "$dir" && timeout 120 "$CLI" $args >"$dir/.stdout" 2>"$dir/.stderr"); rc=$?
  why=""
  if [[ ",$codes," != *",$rc,"* ]]; then why="exit $rc, expected $codes"; fi
  if grep -qE "AddressSanitizer|LeakSanitizer|runtime error:|Segmentation fault|core dumped" "$dir/.stderr"; then
    why="${why:+$why; }sanitizer report or crash"
  fi
  if [ "$needles" != "-" ]; then
    IFS='|' read -r -a want <<<"$needles"
    found=0
    while IFS= read -r line; do
      ok=1
      for n in "${want[@]}"; do [[ "$line" == *"$n"* ]] || { ok=0; break; }; done
      [ "$ok" = 1 ] && { found=1; break; }
    done <"$dir/.stderr"
    [ "$found" = 1 ] || why="${why:+$why; }no stderr line names all of: $needles"
  fi
  if [ "$outputs" != "-" ]; then
    IFS='|' read -r -a outs <<<"$outputs"
    for o in "${outs[@]}"; do [ -e "$dir/$o" ] && why="${why:+$why; }output '$o' exists"; done
  fi
  if [ -z "$why" ]; then
    pass=$((pass + 1)); echo "ok    $name (exit $rc)"
  else
    failed=$((failed + 1)); echo "FAIL  $name: $why"
    sed 's/^/      | /' "$dir/.stderr" | head -8
  fi
done <"$T/cat/cases.tsv"
echo "bad-input catalogue: $pass/$total passed"
[ "$total" -gt 0 ] || { echo "no case matched '$PATTERN'"; exit 1; }
[ "$failed" -eq 0 ]
