#!/usr/bin/env bash
# Under mpirun -np 2, a rank that hits bad input brings the whole job down
# with that rank's message and exit code (2), promptly (no hang), and no
# summary is written. Scenarios are dealt round-robin: rank 1 gets the bad
# one, rank 0 a good one.
# usage: mpi_bad_rank.sh   (env TW_CLI, TW_SOURCE_DIR)
set -uo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
command -v mpirun >/dev/null || { echo "SKIP: mpirun not found"; exit 77; }
# Sanitized builds: Open MPI's allocations are suppressed (full unwinds reach them).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$SRC/scripts/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0}"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
EX="$SRC/inputs/example"
fail() { echo "FAIL: $*"; exit 1; }
run_case() { # NAME EXPECTED-RC NEEDLE SCENARIO-TEXT
  local name="$1" want="$2" needle="$3"
  printf '%s' "$4" > "$T/$name.yaml"
  local t0=$SECONDS
  timeout 240 mpirun --oversubscribe -np 2 "$CLI" run "$T/$name.yaml" --out "$T/$name" \
    >"$T/$name.out" 2>"$T/$name.err"
  local rc=$?
  [ "$rc" -ne 124 ] || fail "$name: the job hung (killed after 240 s): $(tail -5 "$T/$name.err")"
  [ "$rc" -eq "$want" ] || fail "$name: exit $rc, expected $want: $(tail -5 "$T/$name.err")"
  grep -q -- "$needle" "$T/$name.err" || fail "$name: stderr lacks the failing rank's message '$needle': $(cat "$T/$name.err")"
  [ ! -e "$T/$name/summary.json" ] || fail "$name: summary.json written after a rank failed"
  echo "ok: $name: exit $rc after $((SECONDS - t0)) s: $(grep -m1 -- "$needle" "$T/$name.err")"
}
HEAD="name: mpi-bad
climate:
  files: [$EX/cutout.nc]
network: $EX/network
wind:
  carrier: wind
  turbine: $EX/turbine.yaml
solar:
  carrier: solar
  panel: $EX/panel.yaml
"
# rank 1's scenario scales a carrier that matches nothing (bad input, exit 2)
run_case bad-carrier 2 "'wnd' matches no generator" "$HEAD
optimize:
  load_shedding_cost: 5000
scenarios:
  - name: good
  - name: broken
    scale_capacity: [{carrier: wnd, factor: 2}]
"
# rank 1's scenario cannot be served (no load shedding, demand x 10: exit 3)
run_case infeasible 3 "infeasible" "$HEAD
scenarios:
  - name: good
  - name: short
    demand_scale: 10
"
echo "mpi: a failing rank stops the job with its message"
