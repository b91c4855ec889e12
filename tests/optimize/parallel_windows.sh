#!/usr/bin/env bash
# `terrawatt optimize --parallel-windows`: the windows spread over MPI ranks
# give identical files and objectives under mpirun -np 1, 2 and 3, and the
# gap to the monolithic optimum is reported (docs/OPTIMIZE.md
# "Parallel windows"). SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
CLI="${TW_CLI:?}"
command -v mpirun >/dev/null || { echo "SKIP: mpirun not found"; exit 77; }
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1

# Two buses over 10 days (240 h): sun with two cloudy days, evening peak in
# the south, a cyclic battery and a non-cyclic store.
N="$OUT/net"; mkdir -p "$N"
awk 'BEGIN {
  pi = atan2(0, -1);
  print "snapshot" > "'"$N"'/snapshots.csv";
  print "snapshot,solar" > "'"$N"'/generators-p_max_pu.csv";
  print "snapshot,town-north,town-south" > "'"$N"'/loads-p_set.csv";
  for (t = 0; t < 240; t++) {
    h = t % 24; d = int(t / 24);
    lab = sprintf("2030-01-%02d %02d:00:00", d + 1, h);
    sun = (h >= 6 && h <= 18) ? sin(pi * (h - 6) / 12) : 0;
    if (d == 3 || d == 4) sun *= 0.3;
    printf "%s\n", lab >> "'"$N"'/snapshots.csv";
    printf "%s,%.6f\n", lab, sun >> "'"$N"'/generators-p_max_pu.csv";
    printf "%s,%.6f,%.6f\n", lab, 30 + 10 * sin(2 * pi * (h - 8) / 24), 40 + ((h >= 17 && h <= 21) ? 35 : 0) >> "'"$N"'/loads-p_set.csv";
  } }'
printf 'name,v_nom\nnorth,110\nsouth,110\n' > "$N/buses.csv"
printf 'name,bus,p_nom,marginal_cost\nsolar,north,150,0\ngas,south,60,50\npeaker,south,100,150\n' > "$N/generators.csv"
printf 'name,bus\ntown-north,north\ntown-south,south\n' > "$N/loads.csv"
printf 'name,bus0,bus1,x,s_nom\ntie,north,south,10,80\n' > "$N/lines.csv"
printf 'name,bus,p_nom,max_hours,efficiency_store,efficiency_dispatch,standing_loss,cyclic_state_of_charge\nbattery,south,40,6,0.92,0.92,0.001,True\n' > "$N/storage_units.csv"
printf 'name,bus,e_nom,e_initial,marginal_cost\ntank,north,400,150,1\n' > "$N/stores.csv"

"$CLI" --quiet optimize "$N" --json > "$OUT/mono.json" || fail "monolithic solve"
for np in 1 2 3; do
  mpirun --oversubscribe -np $np "$CLI" --quiet optimize "$N" --parallel-windows 48 \
    --monolithic-gap --json --out "$OUT/np$np" > "$OUT/np$np.json" || fail "-np $np"
  [ "$(wc -l < "$OUT/np$np.json")" -eq 1 ] || fail "-np $np: one JSON line expected (rank 0 only)"
done
num() { sed -n "s/.*\"$2\":\([-0-9.e+]*\).*/\1/p" "$1"; }
for np in 2 3; do
  for f in "$OUT/np1"/*.csv; do cmp "$f" "$OUT/np$np/$(basename "$f")" || fail "-np $np: $(basename "$f") differs"; done
  for k in objective coarse_objective monolithic_objective window_gap_rel co2_t iterations; do
    [ "$(num "$OUT/np1.json" $k)" = "$(num "$OUT/np$np.json" $k)" ] || fail "-np $np: $k differs"
  done
done
grep -q '"windows":5[,}]' "$OUT/np1.json" || fail "5 windows expected: $(cat "$OUT/np1.json")"
grep -q '"windows_relaxed":0[,}]' "$OUT/np1.json" || fail "relaxed windows: $(cat "$OUT/np1.json")"
mono=$(num "$OUT/mono.json" objective); win=$(num "$OUT/np1.json" objective)
rep=$(num "$OUT/np1.json" monolithic_objective); gap=$(num "$OUT/np1.json" window_gap_rel)
awk -v m="$mono" -v r="$rep" -v w="$win" -v g="$gap" 'BEGIN {
  if ((r - m) / m > 1e-9 || (m - r) / m > 1e-9) { print "FAIL: reported monolithic " r " vs " m; exit 1 }
  if (g < -1e-9 || g > 0.02) { print "FAIL: gap " g " outside [0, 2%]"; exit 1 }
  d = (w - m) / m - g; if (d > 1e-9 || d < -1e-9) { print "FAIL: gap " g " is not the objectives'\'' gap"; exit 1 }
  printf "windows %.10g, monolithic %.10g, gap %.4f%%\n", w, m, 100 * g }'
# the gap is also in the log (info level)
mpirun --oversubscribe -np 2 "$CLI" optimize "$N" --parallel-windows 48 --monolithic-gap \
  > /dev/null 2> "$OUT/log" || fail "logged run"
grep -q "parallel windows of 48 snapshots on 2 process(es).*gap" "$OUT/log" || fail "log: $(cat "$OUT/log")"
# usage: H a multiple of the coarse step; not with --horizon
set +e
"$CLI" optimize "$N" --parallel-windows 36 > /dev/null 2>&1; [ $? -eq 1 ] || fail "36 / 24 should be a usage error"
"$CLI" optimize "$N" --parallel-windows 48 --horizon 24 > /dev/null 2>&1; [ $? -eq 1 ] || fail "with --horizon"
"$CLI" optimize "$N" --parallel-windows 48 --write-lp "$OUT/x.lp" > /dev/null 2>&1; [ $? -eq 1 ] || fail "with --write-lp"
set -e
echo PASS
