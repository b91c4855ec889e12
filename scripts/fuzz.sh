#!/usr/bin/env bash
# Build the libFuzzer harnesses (fuzz/) with clang + ASan + UBSan and run each
# for a bounded time. Crashes are written to build-fuzz/crashes/<harness>/;
# copy each (minimised) into fuzz/regressions/<harness>/ once fixed: ctest
# replays that folder in every build (reliability_fuzz_regressions).
#
# usage: scripts/fuzz.sh [SECONDS_PER_HARNESS (default 60)] [HARNESS...]
# env:   TW_FUZZ_BUILD (default build-fuzz), TW_JOBS (default 2)
# Needs clang and libFuzzer (Debian: clang, libclang-rt-<N>-dev; scripts/setup.sh
# installs them only with TW_SETUP_FUZZ=1). Exits 77 when they are missing.
set -uo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-60}"; shift || true
HARNESSES=("$@")
[ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=(scenario time_units pypsa_csv cf_attributes)
B="${TW_FUZZ_BUILD:-build-fuzz}"
JOBS="${TW_JOBS:-2}"

command -v clang >/dev/null || { echo "fuzz: clang not found; skipping"; exit 77; }
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' > /tmp/tw-fuzz-probe.c
if ! clang -fsanitize=fuzzer /tmp/tw-fuzz-probe.c -o /tmp/tw-fuzz-probe 2>/dev/null; then
  echo "fuzz: clang has no libFuzzer (install libclang-rt-dev); skipping"; exit 77
fi

# The library, instrumented for coverage (fuzzer-no-link) and sanitizers.
cmake -S . -B "$B" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DTW_ENABLE_CUDA=OFF \
      -DTW_BUILD_TESTS=OFF -DTW_SANITIZE=address,undefined \
      -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link -O1" >/dev/null || exit 1
# tw_internal: the static library with every symbol (the harnesses call
# internal functions, which libterrawatt does not export).
cmake --build "$B" -j"$JOBS" --target tw_internal >/dev/null || exit 1

CFLAGS=(-std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined
        -fno-sanitize-recover=all -Iinclude -I"$B/include" -Isrc -Ifuzz)
LIBS=("$B/libtw_internal.a" $(pkg-config --libs netcdf libcyaml yaml-0.1 udunits openblas) -lglpk
      -fopenmp $(mpicc --showme:link 2>/dev/null || echo -lmpi) -lm)
python3 fuzz/make_seeds.py "$B/seeds" >/dev/null || exit 1
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
status=0
summary=()
for h in "${HARNESSES[@]}"; do
  clang "${CFLAGS[@]}" "fuzz/fuzz_$h.c" -o "$B/fuzz_$h" "${LIBS[@]}" || exit 1
  corpus="$B/corpus/$h"; crashes="$B/crashes/$h"
  mkdir -p "$corpus" "$crashes"
  log="$B/fuzz_$h.log"
  # A fixed seed (TW_FUZZ_SEED, default 1) makes a short pass explore the same
  # inputs every time, so CI is repeatable; set another seed to explore further.
  # git keeps no empty folders: pass the regressions only where there are some.
  regressions=(); [ -d fuzz/regressions/"$h" ] && regressions=(fuzz/regressions/"$h")
  "$B/fuzz_$h" "$corpus" "$B/seeds/$h" "${regressions[@]}" -max_total_time="$SECS" -seed="${TW_FUZZ_SEED:-1}" \
      -max_len=8192 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" -print_final_stats=1 \
      >"$log" 2>&1
  rc=$?
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  found=$(find "$crashes" -type f | wc -l)
  cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'cov: [0-9]*' || true)
  summary+=("$h: ${execs:-?} executions in ${SECS}s, ${cov:-cov: ?}, crash files: $found (exit $rc)")
  if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
    status=1
    echo "fuzz: $h FAILED; see $log and $crashes"
    grep -m5 -E 'ERROR|runtime error|SUMMARY' "$log"
  fi
done
printf '%s\n' "${summary[@]}"
exit $status
