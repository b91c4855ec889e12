#!/usr/bin/env bash
# CLI contract of the backend choice: --backend cuda without a GPU (or
# without the CUDA library or driver) exits 4 naming the reason, before any
# work; --device takes a device index; a bad one is a usage error (1).
# Skips (77) on a machine with a GPU, where cuda would succeed.
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
cli=${TW_CLI:?TW_CLI not set}
net="${TW_SOURCE_DIR:?}/inputs/example/network"
fail() { echo "FAIL: $*" >&2; exit 1; }
err=$(mktemp)
trap 'rm -f "$err"' EXIT

"$cli" --device x version > /dev/null 2> "$err"
[ $? -eq 1 ] || fail "--device x: expected exit 1"
grep -q "device index" "$err" || fail "--device x: message: $(cat "$err")"
"$cli" --device=-2 version > /dev/null 2> "$err"
[ $? -eq 1 ] || fail "--device=-2: expected exit 1"
"$cli" --backend cpu --device 1 version > /dev/null || fail "--device 1 with cpu: expected exit 0"

if "$cli" version 2>/dev/null | grep -q "^gpus: [1-9]"; then
  echo "SKIP: a GPU is visible (cuda would run)"; exit 77
fi
"$cli" --backend cuda optimize --solver pdlp "$net" > /dev/null 2> "$err"
rc=$?
[ $rc -eq 4 ] || fail "--backend cuda without a GPU: exit $rc, expected 4 ($(cat "$err"))"
grep -Eq "no CUDA|driver|GPU" "$err" || fail "--backend cuda: no reason given: $(cat "$err")"
echo "ok"
