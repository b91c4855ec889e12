# Sourced by the scenario tests: write_small DIR writes DIR/small.yaml, a
# 2-scenario x 2-member version of the showcase (absolute paths into the
# source tree's example), fast enough to run several times per test.
# write_small DIR ev adds two EV fleets, charged immediately and smart in the
# baseline (the storm scenario sets ev_adoption 0: no fleets).
write_small() {
  local ex="$SRC/inputs/example"
  cat > "$1/small.yaml" <<YAML
name: small
members:
  - {name: m1, files: [$ex/cutout.nc]}
  - {name: m2, files: [$ex/members/shift-4d.nc]}
network: $ex/network
wind: {carrier: wind, turbine: $ex/turbine.yaml}
solar: {carrier: solar, panel: $ex/panel.yaml}
optimize: {load_shedding_cost: 5000}
metrics: {drought_threshold: 0.2, drought_min_hours: 48}
scenarios:
  - name: baseline
  - name: storm
    rooftop_pv: [{bus: Hamburg, p_nom_mw: 500}]
    outages:
      - {components: [Bremen-Hamburg, Hamburg-Hannover, Hamburg-Kiel, Hamburg CCGT], start: "2019-04-02 18:00:00", repair_h: 30}
YAML
  if [ "${2:-}" = ev ]; then
    cat >> "$1/small.yaml" <<YAML
    ev_adoption: 0
fleets:
  - {bus: Hamburg, vehicles: 40000, initial_soc: 1, v2g: {max_discharge_kw: 7, degradation_cost_per_mwh: 30}}
  - {bus: Hannover, vehicles: 20000, initial_soc: 1}
valley_filling: {groups: 50}
YAML
  fi
}
