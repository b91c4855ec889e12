#!/bin/sh
# terrawatt train with training.federated under mpirun -np 2: each rank reads
# its own region's files ("{rank}" in file names), rank 0 writes the model;
# a region whose file is missing fails every rank with exit 2 (no hang).
# usage: fed_cli_test.sh SYNTH_EXE MPIEXEC   (TW_CLI names the terrawatt executable)
set -u
SYNTH=$1
MPIEXEC=$2
CLI=${TW_CLI:?TW_CLI not set}
DIR=$(mktemp -d /tmp/tw_forecast_fedcli_XXXXXX)
trap 'rm -rf "$DIR"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir "$DIR/region_0" "$DIR/region_1" || fail "mkdir"
"$SYNTH" "$DIR/region_0" 2400 1 && "$SYNTH" "$DIR/region_1" 2400 2 || fail "synthetic data"
cat >"$DIR/fed.yaml" <<'YAML'
target: {file: "region_{rank}/demand.csv", column: load, units: MW}
horizon_h: 1
features:
  calendar: [hour_of_day, day_of_week]
  exogenous: [{name: temperature, file: "region_{rank}/weather.csv", column: t2m, units: K, timing: forecast}]
model: {hidden: [16, 16]}
training: {batch_size: 64, learning_rate: 0.003, seed: 2, federated: {rounds: 6, local_epochs: 2}}
YAML
"$MPIEXEC" --oversubscribe -np 2 "$CLI" train "$DIR/fed.yaml" --out "$DIR/m.nc" --json \
  >"$DIR/out" 2>"$DIR/err" || { cat "$DIR/err" >&2; fail "federated train: exit $?"; }
grep -q '"status":"ok"' "$DIR/out" || fail "no status ok"
grep -q '"ranks":2,' "$DIR/out" || fail "model does not record 2 ranks"
grep -q '"federated_rounds":[1-6],"federated_local_epochs":2' "$DIR/out" || fail "no federated metadata"
[ "$(grep -c '"status":"ok"' "$DIR/out")" = 1 ] || fail "more than one rank printed"
"$CLI" inspect "$DIR/m.nc" | grep -q "federated (FedAvg): [1-6] rounds of 2 local epochs over 2 regions" ||
  fail "inspect does not show the federated training"
rm "$DIR/region_1/weather.csv"
"$MPIEXEC" --oversubscribe -np 2 "$CLI" train "$DIR/fed.yaml" --out "$DIR/m2.nc" >"$DIR/out" 2>"$DIR/err"
code=$?
[ "$code" = 2 ] || { cat "$DIR/err" >&2; fail "missing region file: exit $code, expected 2"; }
grep -q "region_1/weather.csv" "$DIR/err" || fail "error does not name the missing file"
[ -f "$DIR/m2.nc" ] && fail "model written although a region failed"
echo "federated CLI ok"
