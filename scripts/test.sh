#!/usr/bin/env bash
# Set up, build and run the whole test suite (README command (b); .ci/run).
#  1. install missing Debian packages (scripts/setup.sh)
#  2. build with warnings as errors (and the CUDA backend when nvcc exists);
#     scripts/check-layers.sh on the sources and the module objects
#  3. ctest: unit, CLI, MPI and reference tests (GPU tests skip without a GPU)
#  4. an ASan+UBSan build runs the same suite
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${TW_JOBS:-2}"

bash scripts/setup.sh

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"

echo "== build (warnings are errors; CUDA when nvcc is present)"
# CI needs the reference data (../shared/data): a missing file fails the run.
cmake -S . -B build -DTW_WERROR=ON -DTW_ENABLE_CUDA=AUTO -DTW_REQUIRE_REFERENCE_DATA=ON
cmake --build build -j"$JOBS"

echo "== one-way layers (includes and symbols; docs/ARCHITECTURE.md)"
bash scripts/check-layers.sh build

echo "== tests"
ctest --test-dir build --output-on-failure -j"$JOBS"

if [ "${TW_SKIP_SANITIZERS:-0}" != "1" ]; then
  echo "== ASan+UBSan build and tests"
  cmake -S . -B build-asan -DTW_WERROR=ON -DTW_ENABLE_CUDA=OFF -DCMAKE_BUILD_TYPE=Debug \
        -DTW_SANITIZE=address,undefined -DTW_REQUIRE_REFERENCE_DATA=ON
  cmake --build build-asan -j"$JOBS"
  # Open MPI and its libraries keep allocations for the life of the process;
  # their reports are suppressed, ours are not.
  # fast_unwind_on_malloc=0: those libraries lack frame pointers, and only a
  # full unwind reaches the frames the suppressions name.
  export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0"
  export ASAN_OPTIONS="detect_odr_violation=0:abort_on_error=0"
  ctest --test-dir build-asan --output-on-failure -j"$JOBS" -LE "mpi|bench"
fi
if [ "${TW_SKIP_FUZZ:-0}" != "1" ]; then
  echo "== short fuzzing pass (20 s per harness; only where clang has libFuzzer)"
  rc=0; bash scripts/fuzz.sh "${TW_FUZZ_SECONDS:-20}" || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || exit "$rc"
fi
echo "== all tests passed"
