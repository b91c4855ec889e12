#!/usr/bin/env bash
# Route every raw allocation in src/ through the counted wrappers of
# include/terrawatt/alloc.h (malloc -> tw_malloc, calloc -> tw_calloc_raw,
# realloc -> tw_realloc, strdup -> tw_strdup, strndup -> tw_strndup), and
# add the include where a file needs it. Idempotent: run it again after
# merging branches that add raw calls; scripts/check-allocs.sh (ctest
# check_allocs) fails while any is left.
# usage: scripts/route-allocs.sh [ROOT]
set -euo pipefail
ROOT="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$ROOT"
changed=0
while IFS= read -r -d '' f; do
  [ "$f" = src/core/alloc.c ] && continue
  grep -qE '(^|[^A-Za-z0-9_>.])(malloc|calloc|realloc|strdup|strndup)[[:space:]]*\(' "$f" || continue
  sed -E -i \
    -e 's/(^|[^A-Za-z0-9_>.])malloc([[:space:]]*\()/\1tw_malloc\2/g' \
    -e 's/(^|[^A-Za-z0-9_>.])calloc([[:space:]]*\()/\1tw_calloc_raw\2/g' \
    -e 's/(^|[^A-Za-z0-9_>.])realloc([[:space:]]*\()/\1tw_realloc\2/g' \
    -e 's/(^|[^A-Za-z0-9_>.])strdup([[:space:]]*\()/\1tw_strdup\2/g' \
    -e 's/(^|[^A-Za-z0-9_>.])strndup([[:space:]]*\()/\1tw_strndup\2/g' "$f"
  if ! grep -q '#include "terrawatt/alloc.h"' "$f"; then
    # after the last #include line
    last=$(grep -n '^#include' "$f" | tail -1 | cut -d: -f1)
    if [ -n "$last" ]; then
      sed -i "${last}a #include \"terrawatt/alloc.h\"" "$f"
    else
      sed -i '1i #include "terrawatt/alloc.h"' "$f"
    fi
  fi
  changed=$((changed + 1))
  echo "routed: $f"
done < <(find src -type f \( -name '*.c' -o -name '*.h' -o -name '*.cu' \) -print0 | sort -z)
echo "route-allocs: $changed file(s) rewritten"
