#!/bin/sh
# GPU check for the conversion kernels, for a machine with nvcc, CMake and
# cuBLAS (no NetCDF/GLPK/MPI/OpenBLAS needed): backend-only CUDA build
# (libterrawatt plus libterrawatt_cuda.so, loaded with dlopen), the
# backend-op parity harness over every op (test_backend_ops cpu and cuda,
# each against host references; needs cmocka), the gpu-labelled parity
# tests (CPU vs CUDA, max abs diff <= 1e-5), the sgemm test, and the
# convert benchmark on the CUDA and CPU backends. Results go
# to $OUT (default ./gpu-check-out): build.log, ctest.log, bench-*.json.
# usage: scripts/gpu-check.sh [BUILD_DIR]
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-gpu-check}
out=${OUT:-$here/gpu-check-out}
mkdir -p "$out"
nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || true
cmake -S "$here" -B "$build" -DTW_BACKEND_ONLY=ON -DTW_ENABLE_CUDA=ON -DTW_WERROR=ON \
  -DCMAKE_BUILD_TYPE=Release > "$out/build.log" 2>&1 &&
  cmake --build "$build" -j"$(nproc)" >> "$out/build.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
  echo "gpu-check: build failed (see $out/build.log)"; tail -30 "$out/build.log"; exit 1
fi
if [ ! -x "$build/tests/backend/test_backend_ops" ]; then
  echo "gpu-check: cmocka not found, so the backend-op parity harness was not built"; exit 1
fi
ctest --test-dir "$build" -L "gpu|backend|convert|core" --output-on-failure -V > "$out/ctest.log" 2>&1
test_rc=$?
grep -E "max \|cpu - cuda\||Passed|Failed|Skipped|SKIP|tests passed" "$out/ctest.log"
for be in cuda cpu; do
  # ERA5-like int16 grid (43200 cells), Voronoi layouts of 10/100/1000 buses
  if [ "$be" = cuda ]; then args="--hours 1464 --reps 7"; else args="--hours 336 --reps 5"; fi
  # shellcheck disable=SC2086
  "$build/tests/backend/tw_bench_convert" --backend "$be" $args \
    > "$out/bench-$be.txt" 2>&1 || echo "bench $be failed: $(tail -3 "$out/bench-$be.txt")"
  tail -1 "$out/bench-$be.txt" | tee "$out/bench-$be.json"
done
# ---- mobility (EV valley filling; owner: mobility) ----------------------
# test_mobility_vf_parity runs above (label gpu). Benchmark: 1e5 groups x 168 h.
for be in cuda cpu; do
  "$here/scripts/bench/valley-filling" "$build" --backend "$be" \
    --groups 100000 --hours 168 --iterations "$([ "$be" = cuda ] && echo 50 || echo 5)" \
    > "$out/bench-valley-filling-$be.txt" 2>&1 ||
    echo "valley-filling bench $be failed: $(tail -3 "$out/bench-valley-filling-$be.txt")"
  tail -1 "$out/bench-valley-filling-$be.txt" | tee "$out/bench-valley-filling-$be.json"
done
# ---- end mobility --------------------------------------------------------
# ---- forecast (surrogate MLP; owner: forecast) ----------------------------
# forecast_gpu_parity runs above (label gpu). Benchmark: GEMM share of training.
for be in cuda cpu; do
  CC=${CC:-cc} TW_BACKEND=$be "$here/scripts/bench/surrogate" "$build" \
    > "$out/bench-surrogate-$be.txt" 2>&1 ||
    echo "surrogate bench $be failed: $(tail -3 "$out/bench-surrogate-$be.txt")"
  tail -1 "$out/bench-surrogate-$be.txt" | tee "$out/bench-surrogate-$be.json"
done
# ---- end forecast --------------------------------------------------------
exit $test_rc
