#!/usr/bin/env bash
# `terrawatt report` writes a self-contained page that loads in headless
# Chromium without console errors and renders every chart; takes a screenshot
# (kept in $TW_REPORT_SCREENSHOT when set). Skips (77) without chromium or Chart.js.
set -euo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
CHROME="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$CHROME" ] || { echo "SKIP: chromium not installed (apt-get install chromium)"; exit 77; }
[ -r "${TW_CHARTJS:-/usr/share/javascript/chart.js/chart.min.js}" ] ||
  { echo "SKIP: Chart.js not installed (apt-get install libjs-chart.js)"; exit 77; }
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
source "$(dirname "$0")/small.sh"; write_small "$OUT"
"$CLI" --quiet run "$OUT/small.yaml" --out "$OUT/run"
"$CLI" report "$OUT/run" --out "$OUT/report.html"
# Self-contained: no external scripts, styles or fetches.
! grep -Eq '<script[^>]+src=|<link[^>]+href=|https?://[^"]*\.js' "$OUT/report.html" || fail "page loads external resources"
# Expected charts: 2 dispatch + net load + prices + 8 bars + droughts = 13.
expected=13
run_chrome() { timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$OUT/profile" --virtual-time-budget=5000 "$@" "file://$OUT/report.html"; }
run_chrome --enable-logging=stderr --v=0 --dump-dom > "$OUT/dom.html" 2> "$OUT/console.log" || fail "chromium failed"
grep -q "data-charts-rendered=\"$expected\"" "$OUT/dom.html" ||
  fail "not all charts rendered: $(grep -o 'data-charts-rendered="[0-9]*"' "$OUT/dom.html" || echo none); console: $(grep CONSOLE "$OUT/console.log" | head -5)"
! grep -q 'data-js-errors="' "$OUT/dom.html" || fail "JavaScript errors: $(grep -o 'data-js-errors="[^"]*"' "$OUT/dom.html")"
if grep -E 'CONSOLE|Uncaught' "$OUT/console.log" | grep -Eiq 'error|uncaught'; then
  fail "console errors: $(grep -E 'CONSOLE|Uncaught' "$OUT/console.log" | head -5)"
fi
run_chrome --window-size=1400,2400 --screenshot="$OUT/report.png" 2>/dev/null || fail "screenshot failed"
[ -s "$OUT/report.png" ] || fail "no screenshot"
[ -z "${TW_REPORT_SCREENSHOT:-}" ] || cp "$OUT/report.png" "$TW_REPORT_SCREENSHOT"
# Bad input: a directory without a run.
set +e; "$CLI" report "$OUT/nothing" 2> "$OUT/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q "summary.json" "$OUT/err" || fail "missing run: rc $rc $(cat "$OUT/err")"
echo "report: $expected charts rendered, no console errors, screenshot $(stat -c %s "$OUT/report.png") bytes"
