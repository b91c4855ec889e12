# Shared by every scripts/bench/* benchmark (POSIX sh; source it, do not run
# it). One way to name the build folder: the first argument, required.
#
#   . "$(dirname "$0")/lib.sh"
#   tw_bench_build NAME "OPTIONS..." "$@"; shift   # sets BUILD and ROOT
#   ... check the build products the benchmark needs ...
#   tw_bench_ready                                 # TW_BENCH_DRY_RUN=1 stops here
#
# tw_bench_build prints the usage and exits 0 for -h/--help, and exits 2
# with the usage when the first argument is missing or is not a CMake build
# folder (no CMakeCache.txt). BUILD is the folder as an absolute path, ROOT
# the source tree of these scripts.
# SPDX-License-Identifier: GPL-3.0-or-later

tw_bench_usage() {
  echo "usage: scripts/bench/$TW_BENCH_NAME BUILD_DIR${TW_BENCH_OPTIONS:+ $TW_BENCH_OPTIONS}"
  echo "  BUILD_DIR: a terrawatt build folder (cmake -S . -B build && cmake --build build)"
}

tw_bench_build() {
  TW_BENCH_NAME=$1
  TW_BENCH_OPTIONS=$2
  shift 2
  ROOT=$(cd "$(dirname "$0")/../.." && pwd)
  case "${1:-}" in
    -h|--help) tw_bench_usage; exit 0 ;;
    "") echo "$TW_BENCH_NAME: missing BUILD_DIR" >&2; tw_bench_usage >&2; exit 2 ;;
    -*) echo "$TW_BENCH_NAME: the first argument must be the build folder, not '$1'" >&2
        tw_bench_usage >&2; exit 2 ;;
  esac
  if [ ! -f "$1/CMakeCache.txt" ]; then
    echo "$TW_BENCH_NAME: '$1' is not a build folder (no CMakeCache.txt)" >&2
    tw_bench_usage >&2
    exit 2
  fi
  BUILD=$(cd "$1" && pwd)
}

# tw_bench_need FILE: exit 2 unless FILE exists (a product of the build).
tw_bench_need() {
  if [ ! -e "$1" ]; then
    echo "$TW_BENCH_NAME: $1 not found; build first (cmake --build $BUILD)" >&2
    exit 2
  fi
}

# Everything checked; with TW_BENCH_DRY_RUN=1, say so and stop before the
# measurement (the test suite starts every benchmark this way).
tw_bench_ready() {
  if [ "${TW_BENCH_DRY_RUN:-0}" = 1 ]; then
    echo "$TW_BENCH_NAME: ready (build folder $BUILD)"
    exit 0
  fi
}
