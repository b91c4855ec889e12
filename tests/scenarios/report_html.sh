#!/usr/bin/env bash
# The report in a real browser (docs/REPORT.md): `terrawatt run` writes it by
# default and names it in its last log line; headless Chromium loads it with
# no console or JavaScript errors, every chart's plot area is at least 200 px
# high, every legend lies inside its box, each map has one marker per bus, and
# a single-member run never speaks of P10-P90. Screenshots are kept under
# $TW_BINARY_DIR/artifacts/ (CI artifacts, not in git).
# Skips (77) without chromium or Chart.js.
set -euo pipefail
CLI="${TW_CLI:?}"; SRC="${TW_SOURCE_DIR:?}"
CHROME="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$CHROME" ] || { echo "SKIP: chromium not installed (apt-get install chromium)"; exit 77; }
[ -r "${TW_CHARTJS:-/usr/share/javascript/chart.js/chart.min.js}" ] ||
  { echo "SKIP: Chart.js not installed (apt-get install libjs-chart.js)"; exit 77; }
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT
ART="${TW_BINARY_DIR:-$OUT}/artifacts"; mkdir -p "$ART"
fail() { echo "FAIL: $*"; exit 1; }
source "$(dirname "$0")/small.sh"; write_small "$OUT" ev
sed -i 's/^name: small/name: small\ndescription: Two scenarios for the browser test.\ncurrency: GBP/' "$OUT/small.yaml"
sed -i 's/^  - name: storm/  - name: storm\n    description: Hamburg cut off for 30 hours./' "$OUT/small.yaml"

# run writes the page by default; its last log line names it.
"$CLI" run "$OUT/small.yaml" --out "$OUT/run" 2> "$OUT/run.log" || fail "run failed: $(tail -3 "$OUT/run.log")"
tail -1 "$OUT/run.log" | grep -qF "$OUT/run/report.html" || fail "last log line does not name the page: $(tail -1 "$OUT/run.log")"
[ -s "$OUT/run/report.html" ] || fail "run wrote no report"
"$CLI" report "$OUT/run" --out "$OUT/report.html"
cmp -s "$OUT/report.html" "$OUT/run/report.html" || fail "run and report write different pages"

# Self-contained: no external scripts, styles or fetches.
! grep -Eq '<script[^>]+src=|<link[^>]+href=|https?://[^"]*\.js' "$OUT/report.html" || fail "page loads external resources"

run_chrome() { # run_chrome PAGE WIDTH [chromium options...]
  local page="$1" width="$2"; shift 2
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$OUT/profile" --virtual-time-budget=5000 --window-size="$width,1000" "$@" "file://$page"
}
check_page() { # check_page PAGE WIDTH EXPECTED_CHARTS EXPECTED_MAPS BUSES
  local page="$1" width="$2" charts="$3" maps="$4" buses="$5"
  run_chrome "$page" "$width" --enable-logging=stderr --v=0 --dump-dom > "$OUT/dom.html" 2> "$OUT/console.log" ||
    fail "chromium failed on $page"
  ! grep -q 'data-js-errors="' "$OUT/dom.html" || fail "JavaScript errors: $(grep -o 'data-js-errors="[^"]*"' "$OUT/dom.html")"
  if grep -E 'CONSOLE|Uncaught' "$OUT/console.log" | grep -Eiq 'error|uncaught'; then
    fail "console errors: $(grep -E 'CONSOLE|Uncaught' "$OUT/console.log" | head -5)"
  fi
  perl -0pe 's{<script\b.*?</script>}{}gs' "$OUT/dom.html" > "$OUT/visible.html" # the page, without its data
  local body; body="$(grep -o '<body[^>]*>' "$OUT/dom.html")"
  attr() { echo "$body" | grep -o "$1=\"[^\"]*\"" | cut -d'"' -f2; }
  [ "$(attr data-charts-rendered)" = "$charts" ] || fail "width $width: $(attr data-charts-rendered) charts rendered, expected $charts"
  [ "$(attr data-min-plot-height)" -ge 200 ] || fail "width $width: a plot area is only $(attr data-min-plot-height) px high"
  [ "$(attr data-legends-outside)" = 0 ] || fail "width $width: $(attr data-legends-outside) legends outside their boxes"
  [ "$(attr data-maps)" = "$maps" ] || fail "width $width: $(attr data-maps) maps, expected $maps"
  local markers; markers="$(grep -o 'data-markers="[0-9]*"' "$OUT/dom.html" | cut -d'"' -f2 | sort -u)"
  [ "$markers" = "$buses" ] || fail "width $width: map markers per map: '$markers', expected $buses buses"
  [ "$(grep -o '<circle[^>]*class="bus"' "$OUT/dom.html" | wc -l)" -eq $((maps * buses)) ] || fail "width $width: wrong number of bus circles"
}
# 2 scenarios x 2 members with EV fleets: 9 metric bars + 2 dispatch + 2 net
# load + 1 price curve + 2 drought panels = 16 charts; 6 buses per map.
check_page "$OUT/report.html" 1400 16 2 6
grep -q 'GBP' "$OUT/visible.html" || fail "currency not shown"
! grep -q 'currency/MWh' "$OUT/visible.html" || fail "a unit says 'currency'"
grep -q 'Two scenarios for the browser test.' "$OUT/visible.html" || fail "run description missing"
grep -q 'Hamburg cut off for 30 hours.' "$OUT/visible.html" || fail "scenario description missing"
grep -q 'P10' "$OUT/visible.html" || fail "ensemble page lacks the P10-P90 range"
grep -q 'value of lost load' "$OUT/visible.html" || fail "glossary lacks the value of lost load"
! grep -Eq '[0-9]\.[0-9]+e[+-][0-9]' "$OUT/visible.html" || fail "numbers in exponent notation: $(grep -Eo '[^>]{0,20}[0-9]\.[0-9]+e[+-][0-9]+' "$OUT/visible.html" | head -3)"
check_page "$OUT/report.html" 800 16 2 6 # narrow window: legends wrap, plots keep their height
run_chrome "$OUT/report.html" 1400 --window-size=1400,6000 --screenshot="$ART/report.png" 2>/dev/null || fail "screenshot failed"
[ -s "$ART/report.png" ] || fail "no screenshot"
# "Print to PDF" through the print stylesheet.
run_chrome "$OUT/report.html" 1400 --no-pdf-header-footer --print-to-pdf="$ART/report.pdf" 2>/dev/null || fail "print to PDF failed"
[ "$(head -c 4 "$ART/report.pdf")" = "%PDF" ] || fail "no PDF"

# One member: no ensemble wording; --no-report, then `terrawatt report`.
sed -i '/name: m2, files/d' "$OUT/small.yaml"
"$CLI" --quiet run "$OUT/small.yaml" --out "$OUT/one" --no-report
[ ! -e "$OUT/one/report.html" ] || fail "--no-report wrote a report"
"$CLI" report "$OUT/one" 2> /dev/null || fail "report on a one-member run failed"
check_page "$OUT/one/report.html" 1400 15 2 6
! grep -qE 'P10|P90|ensemble|median over' "$OUT/visible.html" || fail "single-member page speaks of an ensemble: $(grep -oE '.{30}(P10|P90|ensemble|median over).{10}' "$OUT/visible.html" | head -2)"
run_chrome "$OUT/one/report.html" 1400 --window-size=1400,6000 --screenshot="$ART/report-one-member.png" 2>/dev/null || fail "screenshot failed"

# Bad input: a directory without a run.
set +e; "$CLI" report "$OUT/nothing" 2> "$OUT/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q "summary.json" "$OUT/err" || fail "missing run: rc $rc $(cat "$OUT/err")"
echo "report: no console errors, plots >= 200 px, legends inside, one marker per bus; screenshots in $ART"
