#!/usr/bin/env bash
# One assertion style in the C tests: cmocka (issue 13). Fails when
#  - a tests/*/test_*.c does not include <cmocka.h> or run its tests with
#    cmocka_run_group_tests;
#  - any C file under tests/ (tests, their helpers, bench programs, fixture
#    generators) or scripts/bench/ includes <assert.h>;
#  - any C file under tests/ defines its own check macro (CHECK, EXPECT,
#    REQUIRE, ASSERT, VERIFY, TEST_..., any case) or counts failures by hand
#    (failures++, fails += ...).
# Plain error exits in bench programs and fixture generators are fine.
# Usage: scripts/check-test-style.sh [SOURCE_DIR]
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

bad=0
complain() { echo "check-test-style: $1: $2"; bad=1; }

while IFS= read -r f; do
  grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<cmocka\.h>' "$f" || complain "$f" "does not include <cmocka.h>"
  grep -q 'cmocka_run_group_tests' "$f" || complain "$f" "does not run its tests with cmocka_run_group_tests"
done < <(find tests -name 'test_*.c' | sort)

while IFS= read -r f; do
  if grep -Enq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<assert\.h>' "$f"; then
    complain "$f" "includes <assert.h> (use cmocka's assert_* in tests, a plain error exit elsewhere)"
  fi
  case "$f" in scripts/*) continue ;; esac
  if m=$(grep -Eni '^[[:space:]]*#[[:space:]]*define[[:space:]]+(check|expect|require|assert|verify|test_)[a-z0-9_]*[[:space:]]*\(' "$f" |
         grep -v '^[0-9]*:[[:space:]]*#[[:space:]]*define[[:space:]]*assert_[a-z0-9_]*' ); then
    complain "$f" "defines its own check macro: ${m%%$'\n'*}"
  fi
  if m=$(grep -En '\b(failures|fails|nfail|n_fail|errors|nerr)[[:space:]]*(\+\+|\+=)' "$f"); then
    complain "$f" "counts failures by hand: ${m%%$'\n'*}"
  fi
done < <(find tests scripts/bench -name '*.[ch]' | sort)

[ "$bad" -eq 0 ] || { echo "check-test-style: use cmocka (see tests/core/test_status.c; MPI: tests/mpi_assert.h)"; exit 1; }
echo "check-test-style: $(find tests -name 'test_*.c' | wc -l) C test files; cmocka only"
