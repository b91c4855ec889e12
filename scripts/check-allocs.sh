#!/usr/bin/env bash
# Fail when src/ calls malloc, calloc, realloc, strdup or strndup directly:
# every allocation must go through include/terrawatt/alloc.h, so the
# allocation fault loop (tests/reliability/alloc_faults.sh) reaches it.
# Comment lines are ignored. scripts/route-allocs.sh fixes what this finds.
# usage: scripts/check-allocs.sh [ROOT]
set -uo pipefail
ROOT="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$ROOT" || exit 2
hits=$(find src -type f \( -name '*.c' -o -name '*.h' -o -name '*.cu' \) ! -path src/core/alloc.c -print0 |
  xargs -0 grep -nE '(^|[^A-Za-z0-9_>.])(malloc|calloc|realloc|strdup|strndup)[[:space:]]*\(' |
  grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)')
if [ -n "$hits" ]; then
  echo "raw allocation calls (run scripts/route-allocs.sh):"
  echo "$hits"
  exit 1
fi
echo "check-allocs: every allocation in src/ goes through terrawatt/alloc.h"
