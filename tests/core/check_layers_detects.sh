#!/usr/bin/env bash
# scripts/check-layers.sh fails where it must: on a temporary copy of the
# sources with one upward include at a time (core including the run
# pipeline's header or, by a relative path, its internal header; network
# including an ingest header; convert a sibling's header; a public header
# in no module; a target linking a higher module; docs disagreeing with
# the targets) and a build folder whose core object calls a symbol defined in
# scenario. Each run must exit 1 and name the offending file or symbol; the
# untouched copy must pass.
set -euo pipefail
SRC="${TW_SOURCE_DIR:?}"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
mkdir -p "$T/tree/scripts"
cp -r "$SRC/include" "$SRC/src" "$SRC/kernels" "$T/tree/"
cp "$SRC/scripts/check-layers.sh" "$T/tree/scripts/"
check() { bash "$T/tree/scripts/check-layers.sh" --source "$T/tree" "$@"; }

check > "$T/clean.log" 2>&1 || { cat "$T/clean.log"; echo "FAIL: the clean copy does not pass"; exit 1; }

expect_failure() { # what grep-pattern [build]
  local what=$1 pattern=$2; shift 2
  if check "$@" > "$T/out.log" 2>&1; then
    cat "$T/out.log"; echo "FAIL: check-layers passed with $what"; exit 1
  fi
  grep -q -- "$pattern" "$T/out.log" || { cat "$T/out.log"; echo "FAIL: $what not named"; exit 1; }
  echo "detected: $what"
}

# 1. core includes a public header of the run pipeline.
cp "$T/tree/src/core/log.c" "$T/log.c.orig"
printf '#include "terrawatt/run.h"\n' >> "$T/tree/src/core/log.c"
expect_failure "core including terrawatt/run.h" 'src/core/log.c:[0-9]*: includes "terrawatt/run.h" (scenario)'
cp "$T/log.c.orig" "$T/tree/src/core/log.c"
printf '#include "../scenario/run_internal.h"\n' >> "$T/tree/src/core/log.c"
expect_failure "core including ../scenario/run_internal.h" 'includes "../scenario/run_internal.h" (scenario) from core'
cp "$T/log.c.orig" "$T/tree/src/core/log.c"

# 2. network includes an internal header of ingest.
printf '#include "ingest/nc_util.h"\n' >> "$T/tree/src/network/network.c"
expect_failure "network including ingest/nc_util.h" 'src/network/network.c:[0-9]*: includes "ingest/nc_util.h" (ingest)'
cp "$SRC/src/network/network.c" "$T/tree/src/network/network.c"

# 3. a sibling include: convert includes forecast's public header.
printf '#include "terrawatt/forecast.h"\n' >> "$T/tree/src/convert/kv.c"
expect_failure "convert including terrawatt/forecast.h (a sibling)" 'includes "terrawatt/forecast.h" (forecast) from convert'
cp "$SRC/src/convert/kv.c" "$T/tree/src/convert/kv.c"

# 4. an unmapped public header.
printf '/* x */\n' > "$T/tree/include/terrawatt/orphan.h"
expect_failure "a public header in no module" 'include/terrawatt/orphan.h belongs to no module'
rm "$T/tree/include/terrawatt/orphan.h"

# 5. a module target linking a higher module, and the docs' target table
#    disagreeing with the targets.
cp "$SRC/src/report/CMakeLists.txt" "$T/report.cmake.orig"
sed -i 's/DEPENDS core network optimize)/DEPENDS core network optimize scenario)/' "$T/tree/src/report/CMakeLists.txt"
grep -q 'optimize scenario)' "$T/tree/src/report/CMakeLists.txt" || { echo "FAIL: could not edit the copy"; exit 1; }
expect_failure "tw_report linking tw_scenario" 'tw_report links tw_scenario: scenario is not below report'
cp "$T/report.cmake.orig" "$T/tree/src/report/CMakeLists.txt"
mkdir -p "$T/tree/docs"
sed 's/^| `tw_report` | core, network, optimize |/| `tw_report` | core, network |/' \
  "$SRC/docs/ARCHITECTURE.md" > "$T/tree/docs/ARCHITECTURE.md"
expect_failure "docs listing other links for tw_report" 'docs/ARCHITECTURE.md: tw_report links "core, network" there'
cp "$SRC/docs/ARCHITECTURE.md" "$T/tree/docs/ARCHITECTURE.md"
check > "$T/clean.log" 2>&1 || { cat "$T/clean.log"; echo "FAIL: the copy with the docs does not pass"; exit 1; }

# 6. symbols: core's object calls a function defined by scenario's object.
B="$T/build"
mkdir -p "$B/src/core/CMakeFiles/tw_core.dir" "$B/src/scenario/CMakeFiles/tw_scenario.dir"
printf 'void tw_run_upward(void);\nvoid tw_core_thing(void) { tw_run_upward(); }\n' > "$T/low.c"
printf 'void tw_core_thing(void);\nvoid tw_run_upward(void) {}\nvoid tw_run_ok(void) { tw_core_thing(); }\n' > "$T/high.c"
cc -c "$T/low.c" -o "$B/src/core/CMakeFiles/tw_core.dir/low.c.o"
cc -c "$T/high.c" -o "$B/src/scenario/CMakeFiles/tw_scenario.dir/high.c.o"
expect_failure "core calling a scenario symbol" 'low.c.o (core) calls tw_run_upward, defined in scenario' "$B"
# The downward call alone passes.
printf 'void tw_core_thing(void) {}\n' > "$T/low.c"
cc -c "$T/low.c" -o "$B/src/core/CMakeFiles/tw_core.dir/low.c.o"
check "$B" > "$T/ok.log" 2>&1 || { cat "$T/ok.log"; echo "FAIL: a downward call was refused"; exit 1; }
echo "check-layers detects upward includes and symbols: ok"
