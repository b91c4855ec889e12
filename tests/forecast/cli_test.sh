#!/bin/sh
# End-to-end: terrawatt train / forecast on synthetic data, JSON output,
# bad inputs (exit 2) and usage errors (exit 1).
# usage: cli_test.sh SYNTH_EXE   (TW_CLI names the terrawatt executable)
set -u
SYNTH=$1
CLI=${TW_CLI:?TW_CLI not set}
DIR=$(mktemp -d /tmp/tw_forecast_cli_XXXXXX)
trap 'rm -rf "$DIR"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect CODE DESCRIPTION -- command...
  want=$1; what=$2; shift 3
  "$@" >"$DIR/out" 2>"$DIR/err"; got=$?
  [ "$got" = "$want" ] || { cat "$DIR/err" >&2; fail "$what: exit $got, expected $want"; }
}
"$SYNTH" "$DIR" 4380 7 || fail "synthetic data"
cat >"$DIR/train.yaml" <<'YAML'
target: {file: demand.csv, column: load, units: MW}
horizon_h: 24
features:
  calendar: [hour_of_day, day_of_week]
  lags: true
  exogenous:
    - {name: temperature, file: weather.csv, column: t2m, units: K}
model: {hidden: [16, 16], activation: relu, quantiles: [0.1, 0.5, 0.9]}
training: {epochs: 15, batch_size: 128, learning_rate: 0.003, seed: 2}
YAML
expect 0 "train --json" -- "$CLI" train "$DIR/train.yaml" --out "$DIR/model.nc" --json
[ "$(wc -l <"$DIR/out")" = 1 ] || fail "train --json printed more than one line"
grep -q '"status":"ok"' "$DIR/out" || fail "train --json: no status ok"
grep -q '"seasonal_naive":{"mae":' "$DIR/out" || fail "train --json: no baselines"
grep -q '"importance":{"hour_of_day_sin":' "$DIR/out" || fail "train --json: no importance"
grep -q '"data_hash":"[0-9a-f]\{16\}"' "$DIR/out" || fail "train --json: no data hash"
grep -q '"exogenous_timing":"issue"' "$DIR/out" || fail "train --json: exogenous timing not stated"
grep -q '"skill_rmse_vs_best_baseline":' "$DIR/out" || fail "train --json: no skill vs best baseline"
grep -q '"test":{"mlp":{"mae":' "$DIR/out" || fail "train --json: no test block skill"
[ -f "$DIR/model.nc" ] || fail "no model file"
ls "$DIR" | grep -q tmp && fail "temporary file left behind"
expect 0 "forecast --json" -- "$CLI" forecast "$DIR/model.nc" "$DIR/train.yaml" --out "$DIR/fc.nc" --json
grep -q '"status":"ok"' "$DIR/out" || fail "forecast --json: no status ok"
grep -q '"coverage_p10_p90":0\.' "$DIR/out" || fail "forecast --json: no coverage"
[ -f "$DIR/fc.nc" ] || fail "no forecast file"
expect 0 "train (table)" -- "$CLI" train "$DIR/train.yaml" --out "$DIR/model2.nc"
grep -q "persistence" "$DIR/out" || fail "train: no skill table"
cmp -s "$DIR/model.nc" "$DIR/model2.nc" >/dev/null 2>&1 || true

# inspect MODEL.nc: metadata, skill, importance
expect 0 "inspect model" -- "$CLI" inspect "$DIR/model.nc"
grep -q "test block skill" "$DIR/out" || fail "inspect: no skill table"
grep -q "skill (1 - RMSE / RMSE of the best baseline" "$DIR/out" || fail "inspect: no skill vs best baseline"
grep -q "exogenous inputs: issue" "$DIR/out" || fail "inspect: exogenous timing not stated"
grep -q "exo:temperature" "$DIR/out" || fail "inspect: no feature importance"
grep -q "quantiles: 0.1 0.5 0.9" "$DIR/out" || fail "inspect: no quantiles"
expect 0 "inspect model --json" -- "$CLI" inspect "$DIR/model.nc" --json
[ "$(wc -l <"$DIR/out")" = 1 ] || fail "inspect --json printed more than one line"
grep -q '"kind":"forecast_model"' "$DIR/out" || fail "inspect --json: no kind"
grep -q '"importance":{"hour_of_day_sin":' "$DIR/out" || fail "inspect --json: no importance"

# usage errors: exit 1
expect 1 "unknown option" -- "$CLI" train "$DIR/train.yaml" --bogus
expect 1 "forecast unknown option" -- "$CLI" forecast "$DIR/model.nc" "$DIR/train.yaml" --nope
expect 1 "train without config" -- "$CLI" train
expect 1 "forecast without config" -- "$CLI" forecast "$DIR/model.nc"
expect 1 "--out without value" -- "$CLI" train "$DIR/train.yaml" --out
expect 0 "train --help" -- "$CLI" train --help

# bad input: exit 2 with a message naming the problem
expect 2 "missing config" -- "$CLI" train "$DIR/none.yaml"
grep -q "none.yaml" "$DIR/err" || fail "missing config not named"
sed 's/units: MW/units: kW/' "$DIR/train.yaml" >"$DIR/units.yaml"
expect 2 "units mismatch" -- "$CLI" train "$DIR/units.yaml" --out "$DIR/x.nc"
grep -q "units 'MW' but 'kW'" "$DIR/err" || fail "units mismatch message"
[ -f "$DIR/x.nc" ] && fail "output written despite an error"
sed 's/relu/swish/' "$DIR/train.yaml" >"$DIR/act.yaml"
expect 2 "bad activation" -- "$CLI" train "$DIR/act.yaml"
grep -q "swish" "$DIR/err" || fail "bad activation message"
mkdir "$DIR/gap" && "$SYNTH" "$DIR/gap" 2000 7 500 || fail "gap data"
cp "$DIR/train.yaml" "$DIR/gap/train.yaml"
expect 2 "gap in target" -- "$CLI" train "$DIR/gap/train.yaml" --out "$DIR/gap/m.nc"
grep -q "gap" "$DIR/err" || fail "gap message"
echo "not a model" >"$DIR/fake.nc"
expect 2 "not a model file" -- "$CLI" forecast "$DIR/fake.nc" "$DIR/train.yaml" --out "$DIR/y.nc"
expect 2 "missing model" -- "$CLI" forecast "$DIR/none.nc" "$DIR/train.yaml"
printf 'target: {file: demand.csv, column: load}\nfeatures: {calendar: [hour_of_day]}\ntraining: {validation_fraction: 2}\n' >"$DIR/vf.yaml"
expect 2 "bad validation fraction" -- "$CLI" train "$DIR/vf.yaml"
grep -q "validation_fraction" "$DIR/err" || fail "validation fraction message"
# the keys of issue 19: each bad value is named
bad() { # NAME YAML-LINE... : config with the extra keys, expect exit 2 naming WORD ($2)
  name=$1; word=$2; shift 2
  printf '%s\n' "target: {file: demand.csv, column: load, units: MW}" "horizon_h: 24" "$@" >"$DIR/bad.yaml"
  expect 2 "$name" -- "$CLI" train "$DIR/bad.yaml" --out "$DIR/bad.nc"
  grep -q "$word" "$DIR/err" || fail "$name: message does not name '$word': $(cat "$DIR/err")"
  [ -f "$DIR/bad.nc" ] && fail "$name: model written despite an error"
  return 0
}
bad "bad timing" "timing 'tomorrow'" "features: {exogenous: [{name: t, file: weather.csv, column: t2m, timing: tomorrow}]}"
bad "unknown country" "country 'XX'" "features: {calendar: [holiday], holidays_country: XX}"
bad "degree hours without temperature" "degree_hours.temperature 'tt'" \
  "features: {exogenous: [{name: t, file: weather.csv, column: t2m}], degree_hours: {temperature: tt}}"
bad "degree hours units" "declare units K or degC" \
  "features: {exogenous: [{name: t, file: demand.csv, column: load, units: MW}], degree_hours: {temperature: t}}"
bad "bad residual" "'median' is not none" "features: {lags: true}" "model: {residual: median}"
bad "residual without the seasonal lag" "lag_168h" "features: {calendar: [hour_of_day]}" "model: {residual: seasonal_naive}"
bad "bad schedule" "schedule: 'linear'" "features: {lags: true}" "training: {schedule: linear}"
bad "bad test fraction" "test_fraction" "features: {lags: true}" "training: {test_fraction: 0.95}"
bad "bad selection rate" "selection.learning_rates" "features: {lags: true}" "training: {selection: {learning_rates: [2]}}"
bad "too short for the folds" "provide a longer series" "features: {lags: true}" "training: {folds: 20, batch_size: 4000}"
echo "forecast CLI: all checks passed"
