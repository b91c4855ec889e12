# Sourced by the shell tests (POSIX sh): the reference data folder and what to do when
# it is absent (the same rules as tests/reference_data.h).
# SPDX-License-Identifier: GPL-3.0-or-later

# The folder: $TW_REFERENCE_DATA, else the configured one, else
# $TW_SOURCE_DIR/../shared/data.
tw_reference_data_dir() {
  if [ -n "${TW_REFERENCE_DATA:-}" ]; then echo "$TW_REFERENCE_DATA"
  elif [ -n "${TW_CONFIGURED_REFERENCE_DATA:-}" ]; then echo "$TW_CONFIGURED_REFERENCE_DATA"
  else echo "${TW_SOURCE_DIR:-.}/../shared/data"; fi
}

tw_reference_data_required() {
  case "${TW_REQUIRE_REFERENCE_DATA:-${TW_CONFIGURED_REQUIRE_REFERENCE_DATA:-0}}" in
    1|[Oo][Nn]|[Yy][Ee][Ss]|[Tt][Rr][Uu][Ee]) return 0 ;;
    *) return 1 ;;
  esac
}

# tw_reference_data_absent WHAT: exit 77 (skip) or, when required, 1 (fail).
tw_reference_data_absent() {
  if tw_reference_data_required; then
    echo "FAIL: reference data $1 not found, and TW_REQUIRE_REFERENCE_DATA is on (set TW_REFERENCE_DATA to the folder of ../shared/data)" >&2
    exit 1
  fi
  echo "SKIP: reference data $1 not found (set TW_REFERENCE_DATA; TW_REQUIRE_REFERENCE_DATA=ON makes this a failure)" >&2
  exit 77
}
