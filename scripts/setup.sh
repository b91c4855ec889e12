#!/usr/bin/env bash
# Install the Debian 12 packages terrawatt needs, only those that are missing.
# Idempotent; runs as root or through sudo; says what it installs.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libnetcdf-dev netcdf-bin
  libglpk-dev
  libopenmpi-dev openmpi-bin
  libopenblas-dev
  libcyaml-dev libyaml-dev
  libcmocka-dev
  python3
  libjs-chart.js chromium
)
# Optional: clang + libFuzzer for scripts/fuzz.sh (not needed to build or test).
if [ "${TW_SETUP_FUZZ:-0}" = "1" ]; then PACKAGES+=(clang libclang-rt-dev); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} required packages are already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
