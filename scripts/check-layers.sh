#!/usr/bin/env bash
# Enforce the one-way layers of docs/ARCHITECTURE.md:
#   core < backend, network < ingest < convert, forecast, optimize < mobility
#        < report < scenario (the run pipeline) < cli
# A module may use only modules of a lower rank (siblings of the same rank
# may not use each other). Fails (exit 1), naming file and target, on
#  - an upward #include: "terrawatt/X.h" (each public header belongs to one
#    module, table below; an unmapped public header is an error too),
#    "<module>/x.h" (a module's internal header) or a relative "../x/y.h";
#  - a module target (src/<module>/CMakeLists.txt) that links a higher or
#    sibling module, or whose links differ from docs/ARCHITECTURE.md's table;
#  - an upward symbol: with BUILD_DIR, `nm` on each module's objects
#    (BUILD_DIR/src/<module>/CMakeFiles/*.dir) lists what each module
#    defines and what it calls; a call into a higher or sibling module fails.
# usage: scripts/check-layers.sh [--source DIR] [BUILD_DIR]
#   --source DIR: the tree to check (default: this repository).
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
src_root=$(cd "$(dirname "$0")/.." && pwd)
build=""
while [ $# -gt 0 ]; do
  case "$1" in
    --source) src_root=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) build=$1; shift ;;
  esac
done

# Rank of each module (kernels/ belongs to backend).
declare -A rank=([core]=0 [backend]=1 [network]=1 [ingest]=2 [convert]=3 [forecast]=3
                 [optimize]=3 [mobility]=4 [report]=5 [scenario]=6 [cli]=7)
# The module of each public header (include/terrawatt/<name>.h).
declare -A header=(
  [alloc]=core [atomic_file]=core [export]=core [input_file]=core [json]=core [log]=core
  [name]=core [progress]=core [quantile]=core [status]=core [time]=core [version]=core [yaml]=core
  [activation]=backend [backend]=backend [backend_lp]=backend [convert_math]=backend [hd]=backend [mlp_math]=backend
  [mobility_math]=backend [pdlp_math]=backend [physics_pv]=backend [physics_solar]=backend
  [physics_wind]=backend
  [network]=network
  [climate]=ingest [ingest]=ingest [ingest_mpi]=ingest
  [climate_bias]=convert [climate_roles]=convert [convert]=convert [convert_config]=convert
  [convert_mpi]=convert
  [forecast]=forecast [mlp]=forecast
  [optimize]=optimize [solution_check]=optimize
  [mobility]=mobility [mobility_metrics]=mobility [mobility_vf]=mobility
  [metrics]=report [report]=report [summary]=report
  [forecast_stage]=scenario [run]=scenario [scenario]=scenario)

fail=0
violation() { echo "check-layers: $*" >&2; fail=1; }

# Every public header is in the table.
for h in "$src_root"/include/terrawatt/*.h "$src_root"/include/terrawatt/*.h.in; do
  [ -e "$h" ] || continue
  n=$(basename "$h"); n=${n%.in}; n=${n%.h}
  [ -n "${header[$n]:-}" ] || violation "include/terrawatt/$n.h belongs to no module (add it to the table in scripts/check-layers.sh and docs/ARCHITECTURE.md)"
  if [ -f "$src_root/docs/ARCHITECTURE.md" ] && ! grep -q "\`$n.h\`" "$src_root/docs/ARCHITECTURE.md"; then
    violation "include/terrawatt/$n.h is not in docs/ARCHITECTURE.md's module table"
  fi
done

# ---- includes -------------------------------------------------------------
# One pass over every source and header: "file:line:#include "x"" lines.
cd "$src_root"
hdrs=$(for n in "${!header[@]}"; do echo "$n ${header[$n]}"; done)
ranks=$(for m in "${!rank[@]}"; do echo "$m ${rank[$m]}"; done)
while IFS= read -r msg; do violation "$msg"; done < <(
  find include/terrawatt src kernels -type f \( -name '*.h' -o -name '*.c' -o -name '*.cu' -o -name '*.h.in' \) |
    sort | xargs grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' |
    awk -v hdrs="$hdrs" -v ranks="$ranks" '
      BEGIN {
        n = split(hdrs, h, "\n"); for (i = 1; i <= n; i++) { split(h[i], kv, " "); hmod[kv[1]] = kv[2] }
        n = split(ranks, r, "\n"); for (i = 1; i <= n; i++) { split(r[i], kv, " "); rk[kv[1]] = kv[2] }
      }
      function modof(path,   a, n, b) {           # module of a path relative to the root
        if (path ~ /^include\/terrawatt\//) { b = path; sub(/^include\/terrawatt\//, "", b); sub(/\.in$/, "", b); sub(/\.h$/, "", b); return hmod[b] }
        if (path ~ /^kernels\//) return "backend"
        if (path ~ /^src\/[^\/]+\//) { split(path, a, "/"); return a[2] }
        return ""
      }
      function normalize(path,   a, n, i, out, k) {  # resolve ./ and ../
        n = split(path, a, "/"); k = 0
        for (i = 1; i <= n; i++) {
          if (a[i] == "." || a[i] == "") continue
          if (a[i] == "..") { if (k > 0) k--; continue }
          out[++k] = a[i]
        }
        path = ""; for (i = 1; i <= k; i++) path = path (i > 1 ? "/" : "") out[i]
        return path
      }
      {
        f = $0; sub(/:.*/, "", f); rest = substr($0, length(f) + 2)
        line = rest; sub(/:.*/, "", line)
        inc = rest; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
        from = modof(f); if (from == "" || !(from in rk)) next
        dir = f; sub(/\/[^\/]*$/, "", dir)
        to = ""
        if (inc ~ /^terrawatt\//) { b = inc; sub(/^terrawatt\//, "", b); sub(/\.h$/, "", b); to = hmod[b] }
        else if (inc ~ /^\.\.\//) to = modof(normalize(dir "/" inc))
        else if (inc ~ /\//) { m = inc; sub(/\/.*/, "", m); if (m in rk) to = m }
        if (to == "" || to == from) next
        if (rk[to] >= rk[from])
          printf "%s:%s: includes \"%s\" (%s) from %s: %s is not below %s\n", f, line, inc, to, from, to, from
      }')

# ---- targets --------------------------------------------------------------
# Each module's CMake target (tw_add_module in src/<module>/CMakeLists.txt)
# may link (DEPENDS) only lower modules, and docs/ARCHITECTURE.md's target
# table lists the same DEPENDS ("every module below" for all lower ranks).
for m in "${!rank[@]}"; do
  cm=src/$m/CMakeLists.txt
  [ -f "$cm" ] && grep -q 'tw_add_module(' "$cm" || continue
  deps=$(tr '\n' ' ' < "$cm" | grep -o 'tw_add_module([^)]*)' |
           sed -E 's/.*DEPENDS(( +[a-z_]+)*).*/\1/; t; s/.*//' | tr ' ' '\n' | grep . | sort -u || true)
  for d in $deps; do
    if [ -z "${rank[$d]:-}" ]; then violation "$cm: DEPENDS $d: no such module"; continue; fi
    [ "${rank[$d]}" -lt "${rank[$m]}" ] || violation "$cm: tw_$m links tw_$d: $d is not below $m"
  done
  [ -f docs/ARCHITECTURE.md ] || continue
  row=$(grep -m1 "^| \`tw_$m\` |" docs/ARCHITECTURE.md | cut -d'|' -f3 | sed 's/^ *//; s/ *$//') || true
  if [ -z "$row" ]; then violation "docs/ARCHITECTURE.md: no row for tw_$m in the target table"; continue; fi
  case "$row" in
    none) documented="" ;;
    "every module below") documented=$(for d in "${!rank[@]}"; do
                               [ "${rank[$d]}" -lt "${rank[$m]}" ] && [ -f "src/$d/CMakeLists.txt" ] && echo "$d"
                             done | sort -u) ;;
    *) documented=$(echo "$row" | tr ',' '\n' | sed 's/ //g' | grep . | sort -u) ;;
  esac
  if [ "$(echo $deps)" != "$(echo $documented)" ]; then
    violation "docs/ARCHITECTURE.md: tw_$m links \"$row\" there but DEPENDS \"$(echo $deps)\" in $cm"
  fi
done

# ---- symbols --------------------------------------------------------------
if [ -n "$build" ]; then
  [ -d "$build/src" ] || { echo "check-layers: $build/src: no module objects (build first)" >&2; exit 1; }
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  nobj=0
  for m in "${!rank[@]}"; do
    [ -d "$build/src/$m/CMakeFiles" ] || continue
    find "$build/src/$m/CMakeFiles" -name '*.o' > "$tmp/objs"
    [ -s "$tmp/objs" ] || continue
    nobj=$((nobj + $(wc -l < "$tmp/objs")))
    # defined: "module symbol"; undefined: "module object symbol"
    # (nm -A -P: "path/obj.o: symbol type ...")
    xargs nm -A -P --defined-only -g < "$tmp/objs" 2>/dev/null |
      awk -v m="$m" '$3 ~ /^[TDBRVWCiu]$/ {print m, $2}' >> "$tmp/defs"
    xargs nm -A -P -u < "$tmp/objs" 2>/dev/null |
      awk -v m="$m" '{o = $1; sub(/:$/, "", o); sub(/.*\//, "", o); print m, o, $2}' >> "$tmp/uses"
  done
  [ "$nobj" -gt 0 ] || { echo "check-layers: no objects under $build/src" >&2; exit 1; }
  touch "$tmp/defs" "$tmp/uses"
  while IFS= read -r msg; do violation "$msg"; done < <(
    awk -v ranks="$ranks" '
      BEGIN { n = split(ranks, r, "\n"); for (i = 1; i <= n; i++) { split(r[i], kv, " "); rk[kv[1]] = kv[2] } }
      FILENAME ~ /defs$/ { if (!($2 in owner)) owner[$2] = $1; next }
      { m = $1; o = $2; s = $3
        if (!(s in owner)) next
        d = owner[s]
        if (d != m && rk[d] >= rk[m]) printf "%s (%s) calls %s, defined in %s: %s is not below %s\n", o, m, s, d, d, m }
    ' "$tmp/defs" "$tmp/uses" | sort -u)
  echo "check-layers: symbols of $nobj objects checked"
fi

if [ "$fail" -ne 0 ]; then
  echo "check-layers: FAILED (docs/ARCHITECTURE.md has the layers)" >&2
  exit 1
fi
echo "check-layers: OK (no upward include or symbol)"
