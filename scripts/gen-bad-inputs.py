#!/usr/bin/env python3
"""Generate the bad-input catalogue (tests/bad-inputs/, docs/RELIABILITY.md).

usage: gen-bad-inputs.py OUTDIR [--example DIR]

Writes one directory per case under OUTDIR and OUTDIR/cases.tsv, one line per
case (tab-separated):

    name  codes  needles  outputs  args

- codes:   accepted exit codes, comma-separated (2 = bad input, 3 = infeasible)
- needles: '|'-separated (or '-': none) strings that must all appear on ONE line of stderr
           (the file and the field or value at fault)
- outputs: '|'-separated paths (relative to the case directory) that must not
           exist after the command (final output names)
- args:    the terrawatt command line, space-separated, run inside the case
           directory

Every input is derived from a small valid base (a 3x3x4 ERA5-style cutout, a
two-bus PyPSA CSV network, a scenario file) by one targeted change, so each
case exercises exactly one defect. NetCDF files are written with `ncgen`
(netcdf-bin) from generated CDL, or byte by byte for headers that ncgen cannot
produce (huge dimensions). Python 3 standard library only.
"""
import math
import os
import shutil
import struct
import subprocess
import sys

CASES = []


def case(name, codes, needles, outputs, args):
    """Register a case; '-' stands for an empty needle or output list."""
    CASES.append((name, codes, "|".join(needles) or "-", "|".join(outputs) or "-", args))


# --------------------------------------------------------------------------
# climate: an ERA5-style cutout, 3 x 3 cells, 4 hours
NT, NY, NX = 4, 3, 3
LATS = [53.5, 53.25, 53.0]
LONS = [7.0, 7.25, 7.5]


def field(var):
    vals = []
    for t in range(NT):
        for y in range(NY):
            for x in range(NX):
                k = t * 9 + y * 3 + x
                if var in ("u100", "v100"):
                    vals.append(4.0 + 0.3 * k)
                elif var in ("u10", "v10"):
                    vals.append(2.5 + 0.2 * k)
                elif var == "t2m":
                    vals.append(280.0 + 0.1 * k)
                elif var == "ssrd":
                    vals.append(0.0 if t == 0 else 360000.0 * t)
                else:  # fsr
                    vals.append(0.03)
    return vals


def fmt(v):
    if isinstance(v, str):
        return v
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return repr(float(v))


VAR_UNITS = {"u100": "m s**-1", "v100": "m s**-1", "u10": "m s**-1", "v10": "m s**-1",
             "t2m": "K", "ssrd": "J m**-2", "fsr": "m"}


def cutout_cdl(dims=None, time_vals=None, time_atts=None, time_type="int", lat_vals=None,
               var_type=None, var_atts=None, var_data=None, drop_vars=(), data_override=None,
               lon_vals=None, coord_atts=None):
    """CDL text of the base cutout with per-test overrides."""
    dims = dict(dims or {})
    nt = dims.get("time", NT)
    ny = dims.get("latitude", NY)
    nx = dims.get("longitude", NX)
    time_vals = time_vals if time_vals is not None else [1042392 + t for t in range(nt)]
    time_atts = time_atts if time_atts is not None else {
        "units": '"hours since 1900-01-01 00:00:00.0"', "calendar": '"gregorian"'}
    lat_vals = lat_vals if lat_vals is not None else LATS[:ny]
    var_type = var_type or {}
    var_atts = var_atts or {}
    data_override = data_override or {}
    out = ["netcdf cutout {", "dimensions:",
           f"\tlongitude = {nx} ;", f"\tlatitude = {ny} ;", f"\ttime = {nt} ;", "variables:",
           "\tfloat longitude(longitude) ;"]
    coord_atts = coord_atts or {}
    for c, units in (("longitude", '"degrees_east"'), ("latitude", '"degrees_north"')):
        atts = {"units": units}
        atts.update(coord_atts.get(c, {}))
        out += [f"\t\t{c}:{k} = {a} ;" for k, a in atts.items() if a is not None]
        if c == "longitude":
            out.append("\tfloat latitude(latitude) ;")
    out.append(f"\t{time_type} time(time) ;")
    for k, v in time_atts.items():
        out.append(f"\t\ttime:{k} = {v} ;")
    names = [v for v in VAR_UNITS if v not in drop_vars]
    for v in names:
        out.append(f"\t{var_type.get(v, 'float')} {v}(time, latitude, longitude) ;")
        atts = {"units": f'"{VAR_UNITS[v]}"'}
        atts.update(var_atts.get(v, {}))
        for k, a in atts.items():
            if a is not None:
                out.append(f"\t\t{v}:{k} = {a} ;")
    out += ['', '// global attributes:', '\t\t:Conventions = "CF-1.6" ;', "data:"]
    if nx:
        out.append("\tlongitude = " + ", ".join(fmt(x) for x in (lon_vals or LONS[:nx])) + " ;")
    if ny:
        out.append("\tlatitude = " + ", ".join(fmt(x) for x in lat_vals) + " ;")
    if nt:
        out.append("\ttime = " + ", ".join(fmt(x) for x in time_vals) + " ;")
    n = nt * ny * nx
    for v in names:
        if n == 0:
            continue
        if v in data_override:
            vals = data_override[v]
        else:
            vals = field(v)[:n] if (ny, nx) == (NY, NX) else [field(v)[0]] * n
        out.append(f"\t{v} = " + ", ".join(fmt(x) for x in vals) + " ;")
    out.append("}")
    return "\n".join(out) + "\n"


def ncgen(cdl, path, kind="classic"):
    cdl_path = path + ".cdl"
    with open(cdl_path, "w") as f:
        f.write(cdl)
    subprocess.run(["ncgen", "-k", kind, "-o", path, cdl_path], check=True)
    os.remove(cdl_path)


def classic_header_huge(path, version=2):
    """A 64-bit-offset (CDF-2) file whose header declares a 2^31-1 x 2^20
    float variable: 8 PiB of data promised by a 200-byte file."""
    def name(s):
        b = s.encode()
        pad = (4 - len(b) % 4) % 4
        return struct.pack(">i", len(b)) + b + b"\0" * pad
    NC_DIMENSION, NC_VARIABLE, NC_FLOAT = 0x0A, 0x0B, 5
    dims = [("time", 2**31 - 1), ("cell", 2**20)]
    h = b"CDF" + bytes([version]) + struct.pack(">i", 0)
    h += struct.pack(">ii", NC_DIMENSION, len(dims))
    for n, size in dims:
        h += name(n) + struct.pack(">i", size)
    h += struct.pack(">ii", 0, 0)  # no global attributes
    h += struct.pack(">ii", NC_VARIABLE, 1)
    var = name("t2m") + struct.pack(">i", 2) + struct.pack(">ii", 0, 1)
    var += struct.pack(">ii", 0, 0)  # no attributes
    vsize = min(2**32 - 4, (2**31 - 1) * (2**20) * 4)
    var += struct.pack(">iI", NC_FLOAT, vsize)
    begin_pos = len(h) + len(var)
    offset = begin_pos + 8
    var += struct.pack(">q", offset)
    h += var
    with open(path, "wb") as f:
        f.write(h)


CONVERT_YAML = """climate:
  files: [{files}]
buses:
  - {{name: north, x: 7.25, y: 53.25}}
wind:
  turbine: turbine.yaml
solar:
  panel: panel.yaml
"""


def climate_cases(root, example):
    def new(name, cdl=None, kind="classic", files="c.nc", needles=(), codes="2", extra=None,
            yaml=None):
        d = os.path.join(root, name)
        os.makedirs(d)
        shutil.copy(os.path.join(example, "turbine.yaml"), d)
        shutil.copy(os.path.join(example, "panel.yaml"), d)
        if cdl is not None:
            ncgen(cdl, os.path.join(d, "c.nc"), kind)
        if extra:
            extra(d)
        with open(os.path.join(d, "convert.yaml"), "w") as f:
            f.write(yaml if yaml is not None else CONVERT_YAML.format(files=files))
        case(name, codes, list(needles), ["out.nc"], "convert convert.yaml --out out.nc")
        return d

    # the base must work: a control case is run by the driver as "ok-*"
    d = new("ok-climate", cutout_cdl())
    CASES.pop()
    case("ok-climate", "0", [], [], "convert convert.yaml --out out.nc")

    def truncate(d, frac=0.5):
        p = os.path.join(d, "c.nc")
        size = os.path.getsize(p)
        with open(p, "r+b") as f:
            f.truncate(int(size * frac))

    new("climate-truncated", cutout_cdl(), extra=lambda d: truncate(d), needles=["c.nc", "truncated"])
    new("climate-truncated-64bit", cutout_cdl(), kind="64-bit-offset",
        extra=lambda d: truncate(d, 0.8), needles=["c.nc", "truncated"])
    new("climate-truncated-header", cutout_cdl(), extra=lambda d: truncate(d, 0.05), needles=["c.nc"])
    new("climate-empty-file", None, extra=lambda d: open(os.path.join(d, "c.nc"), "w").close(),
        needles=["c.nc"])
    new("climate-not-netcdf", None,
        extra=lambda d: open(os.path.join(d, "c.nc"), "w").write("time,u100\n0,4.0\n"), needles=["c.nc"])
    # without u10/v10 too: wind at 10 m would otherwise stand in for the 100 m wind (INGEST.md, roles)
    new("climate-wrong-type-char", cutout_cdl(var_type={"u100": "char"}, drop_vars=("u10", "v10"),
                                              data_override={"u100": ['"' + "x" * NT * NY * NX + '"']}),
        needles=["c.nc", "u100"])
    new("climate-only-nan", cutout_cdl(data_override={"u100": [math.nan] * NT * NY * NX}),
        needles=["c.nc", "u100"])
    new("climate-inf-value", cutout_cdl(data_override={"t2m": [math.inf] + field("t2m")[1:]}),
        needles=["c.nc", "t2m"])
    new("climate-wrong-units", cutout_cdl(var_atts={"t2m": {"units": '"furlongs"'}}),
        needles=["c.nc", "t2m", "furlongs"])
    new("climate-units-missing", cutout_cdl(var_atts={"u100": {"units": None}}), needles=["c.nc", "u100"])
    new("climate-scale-factor-zero",
        cutout_cdl(var_type={"u100": "short"}, var_atts={"u100": {"scale_factor": "0.", "add_offset": "5."}},
                   data_override={"u100": [100] * NT * NY * NX}),
        needles=["c.nc", "u100", "scale_factor"])
    new("climate-scale-factor-nan",
        cutout_cdl(var_type={"t2m": "short"}, var_atts={"t2m": {"scale_factor": "NaN", "add_offset": "280."}},
                   data_override={"t2m": [100] * NT * NY * NX}),
        needles=["c.nc", "t2m", "scale_factor"])
    new("climate-add-offset-inf",
        cutout_cdl(var_type={"t2m": "short"}, var_atts={"t2m": {"scale_factor": "0.01", "add_offset": "Infinity"}},
                   data_override={"t2m": [100] * NT * NY * NX}),
        needles=["c.nc", "t2m", "add_offset"])
    new("climate-time-units-missing", cutout_cdl(time_atts={"calendar": '"gregorian"'}),
        needles=["c.nc", "time", "units"])
    new("climate-time-units-garbage",
        cutout_cdl(time_atts={"units": '"fortnights since yesterday"', "calendar": '"gregorian"'}),
        needles=["c.nc", "time", "fortnights"])
    new("climate-calendar-unknown",
        cutout_cdl(time_atts={"units": '"hours since 1900-01-01"', "calendar": '"martian"'}),
        needles=["c.nc", "martian"])
    new("climate-time-non-monotonic", cutout_cdl(time_vals=[1042392, 1042394, 1042393, 1042395]),
        needles=["c.nc", "time"])
    new("climate-time-duplicate", cutout_cdl(time_vals=[1042392, 1042393, 1042393, 1042394]),
        needles=["c.nc", "time"])
    new("climate-time-nan", cutout_cdl(time_type="double", time_vals=[1042392, math.nan, 1042394, 1042395]),
        needles=["c.nc", "time"])
    new("climate-time-length-0", cutout_cdl(dims={"time": 0}), needles=["c.nc", "time"])
    # In CDL (and the classic format) a length of 0 means UNLIMITED; NetCDF-4
    # allows an unlimited latitude with no entries anywhere in the shape.
    new("climate-latitude-length-0", cutout_cdl(dims={"latitude": 0}), kind="nc4",
        needles=["c.nc", "latitude"])
    new("climate-latitude-out-of-range", cutout_cdl(lat_vals=[95.0, 94.75, 94.5]), needles=["c.nc", "latitude"])
    new("climate-latitude-unsorted", cutout_cdl(lat_vals=[53.25, 53.5, 53.0]), needles=["c.nc", "latitude"])
    # The CF attribute rule (docs/RELIABILITY.md, "Climate attributes")
    n = NT * NY * NX
    new("climate-scale-factor-text",
        cutout_cdl(var_type={"u100": "short"}, var_atts={"u100": {"scale_factor": '"0.01"'}},
                   data_override={"u100": [500] * n}),
        needles=["c.nc", "u100", "scale_factor", "type char"])
    new("climate-scale-factor-int-on-float", cutout_cdl(var_atts={"t2m": {"scale_factor": "2"}}),
        needles=["c.nc", "t2m", "scale_factor", "type int"])
    new("climate-missing-value-text", cutout_cdl(var_atts={"u100": {"missing_value": '"none"'}}),
        needles=["c.nc", "u100", "missing_value", "type char"])
    new("climate-valid-range-reversed", cutout_cdl(var_atts={"u100": {"valid_range": "100.f, -100.f"}}),
        needles=["c.nc", "u100", "valid_range", "[100, -100]"])
    new("climate-valid-min-nan", cutout_cdl(var_atts={"u100": {"valid_min": "NaNf"}}),
        needles=["c.nc", "u100", "valid_min", "nan"])
    new("climate-units-not-text", cutout_cdl(var_atts={"t2m": {"units": "273"}}),
        needles=["c.nc", "t2m", "'units'", "type int"])
    new("climate-calendar-not-text",
        cutout_cdl(time_atts={"units": '"hours since 1900-01-01"', "calendar": "1"}),
        needles=["c.nc", "time", "calendar", "type int"])
    new("climate-axis-wrong", cutout_cdl(coord_atts={"latitude": {"axis": '"X"'}}),
        needles=["c.nc", "latitude", "axis", "'X'"])
    new("climate-latitude-units-metres", cutout_cdl(coord_atts={"latitude": {"units": '"m"'}}),
        needles=["c.nc", "latitude", "units", "'m'"])
    new("climate-longitude-duplicate", cutout_cdl(lon_vals=[7.0, 7.25, 7.25]),
        needles=["c.nc", "longitude", "7.25", "repeat"])
    new("climate-longitude-unsorted", cutout_cdl(lon_vals=[7.25, 7.0, 7.5]),
        needles=["c.nc", "longitude", "not monotonic"])
    new("climate-temperature-in-wind-units", cutout_cdl(var_atts={"t2m": {"units": '"m s**-1"'}}),
        needles=["c.nc", "t2m", "units", "m s**-1", "temperature"])
    new("climate-wind-in-kelvin", cutout_cdl(var_atts={"u100": {"units": '"K"'}}),
        needles=["c.nc", "u100", "units", "'K'", "wind speed"])
    new("climate-t2m-celsius-labelled-kelvin",
        cutout_cdl(data_override={"t2m": [7.0 + 0.1 * k for k in range(n)]}),
        needles=["c.nc", "t2m", "physical range", "temperature"])
    new("climate-wind-out-of-range", cutout_cdl(data_override={"u100": [4.0] * (n - 1) + [400.0]}),
        needles=["c.nc", "u100", "400", "physical range"])
    new("climate-ssrd-negative",
        cutout_cdl(data_override={"ssrd": [0.0 if k < 9 else -3.6e6 for k in range(n)]}),
        needles=["c.nc", "ssrd", "physical range", "irradiance"])
    # convert configuration: every numeric field in its range, every selector selects something
    base_yaml = CONVERT_YAML.format(files="c.nc")
    for cname, old_text, new_text, needles in [
        ("convert-bus-longitude-1000", "x: 7.25", "x: 1000", ["convert.yaml", "buses[0]", "1000"]),
        ("convert-bus-duplicate", "  - {name: north, x: 7.25, y: 53.25}\n",
         "  - {name: north, x: 7.25, y: 53.25}\n  - {name: north, x: 7.5, y: 53.5}\n",
         ["convert.yaml", "north", "twice"]),
        ("convert-roughness-huge", "  turbine: turbine.yaml\n", "  turbine: turbine.yaml\n  roughness_m: 1e300\n",
         ["convert.yaml", "wind.roughness_m", "1e+300"]),
        ("convert-azimuth-huge", "  panel: panel.yaml\n", "  panel: panel.yaml\n  azimuth_deg: 1e308\n",
         ["convert.yaml", "solar.azimuth_deg", "1e+308"]),
        ("convert-heating-above-cooling", "solar:\n  panel: panel.yaml\n",
         "solar:\n  panel: panel.yaml\ndemand:\n  heating_threshold_C: 30\n  cooling_threshold_C: 10\n",
         ["convert.yaml", "heating_threshold_C", "30"]),
        ("convert-variable-selects-nothing", "  files: [c.nc]\n",
         "  files: [c.nc]\n  variables: {temperature: nosuch}\n", ["c.nc", "temperature", "nosuch"]),
        ("convert-layout-variable-missing", "solar:\n",
         "layout:\n  file: c.nc\n  variable: nosuch\nsolar:\n", ["c.nc", "nosuch"]),
    ]:
        assert old_text in base_yaml, cname
        new(cname, cutout_cdl(), yaml=base_yaml.replace(old_text, new_text), needles=needles)
    new("climate-missing-variable", cutout_cdl(drop_vars=("u100", "u10", "v10")), needles=["c.nc", "u100"])
    new("climate-huge-dimensions", None, extra=lambda d: classic_header_huge(os.path.join(d, "c.nc")),
        needles=["c.nc"])
    new("climate-missing-file", None, needles=["c.nc"])

    def two_files(d):
        ncgen(cutout_cdl(), os.path.join(d, "a.nc"))
        ncgen(cutout_cdl(), os.path.join(d, "b.nc"))
    new("climate-overlapping-files", None, files="a.nc, b.nc", extra=two_files, needles=["b.nc", "time"])


# --------------------------------------------------------------------------
# networks: a two-bus PyPSA CSV folder, 4 snapshots
SNAPS = 4


def base_network():
    return {
        "network.csv": "name,pypsa_version\nbad-inputs base,0.26.0\n",
        "snapshots.csv": ",snapshot,objective,stores,generators\n" + "".join(
            f"{t},2019-04-01 {t:02d}:00:00,1.0,1.0,1.0\n" for t in range(SNAPS)),
        "buses.csv": "name,v_nom,x,y,carrier\nA,380.0,7.0,53.0,AC\nB,380.0,8.0,53.0,AC\n",
        "carriers.csv": "name,co2_emissions\nwind,0.0\ngas,0.2\nbattery,0.0\nAC,0.0\n",
        "generators.csv": "name,bus,p_nom,carrier,marginal_cost,efficiency\n"
                          "wind A,A,300.0,wind,1.0,1.0\ngas B,B,400.0,gas,60.0,0.5\n",
        "generators-p_max_pu.csv": ",wind A\n" + "".join(f"{t},{0.2 + 0.1 * t:.2f}\n" for t in range(SNAPS)),
        "loads.csv": "name,bus,carrier\nload A,A,AC\nload B,B,AC\n",
        "loads-p_set.csv": ",load A,load B\n" + "".join(f"{t},100.0,150.0\n" for t in range(SNAPS)),
        "lines.csv": "name,bus0,bus1,x,r,s_nom\nA-B,A,B,10.0,1.0,500.0\n",
        "storage_units.csv": "name,bus,p_nom,carrier,max_hours,efficiency_store,efficiency_dispatch\n"
                             "bat A,A,50.0,battery,2.0,0.9,0.9\n",
    }


def network_cases(root):
    def new(name, changes, needles, codes="2", fmt="csv"):
        d = os.path.join(root, name)
        os.makedirs(os.path.join(d, "net"))
        files = base_network()
        for k, v in changes.items():
            if v is None:
                files.pop(k, None)
            else:
                files[k] = v
        for k, v in files.items():
            mode = "wb" if isinstance(v, bytes) else "w"
            with open(os.path.join(d, "net", k), mode) as f:
                f.write(v)
        case(name, codes, list(needles), ["out.nc"], "optimize net --out out.nc")

    b = base_network()
    new("ok-network", {}, [])
    CASES.pop()
    case("ok-network", "0", [], [], "optimize net --out out.nc")

    gens = b["generators.csv"]
    new("network-bus-missing", {"generators.csv": gens.replace("gas B,B,", "gas B,Z,")},
        ["net", "gas B", "bus 'Z'"])
    new("network-line-bus-missing", {"lines.csv": b["lines.csv"].replace("A-B,A,B", "A-B,A,Q")},
        ["net", "A-B", "bus1 'Q'"])
    new("network-negative-capacity", {"generators.csv": gens.replace("400.0", "-400.0")},
        ["gas B", "p_nom"])
    new("network-negative-line-capacity", {"lines.csv": b["lines.csv"].replace("500.0", "-500.0")},
        ["A-B", "s_nom"])
    new("network-efficiency-above-1", {"generators.csv": gens.replace("60.0,0.5", "60.0,1.5")},
        ["gas B", "efficiency"])
    new("network-efficiency-zero", {"generators.csv": gens.replace("60.0,0.5", "60.0,0")},
        ["gas B", "efficiency"])
    new("network-efficiency-negative", {"generators.csv": gens.replace("60.0,0.5", "60.0,-0.5")},
        ["gas B", "efficiency"])
    new("network-storage-efficiency-zero",
        {"storage_units.csv": b["storage_units.csv"].replace("0.9,0.9", "0.0,0.9")},
        ["bat A", "efficiency_store"])
    new("network-storage-efficiency-above-1",
        {"storage_units.csv": b["storage_units.csv"].replace("0.9,0.9", "0.9,1.2")},
        ["bat A", "efficiency_dispatch"])
    new("network-series-short", {"generators-p_max_pu.csv": ",wind A\n0,0.2\n1,0.3\n2,0.4\n"},
        ["generators-p_max_pu.csv"])
    new("network-series-long", {"loads-p_set.csv": b["loads-p_set.csv"] + "4,100.0,150.0\n"},
        ["loads-p_set.csv"])
    new("network-series-ragged-row", {"loads-p_set.csv": b["loads-p_set.csv"].replace("2,100.0,150.0", "2,100.0")},
        ["loads-p_set.csv"])
    new("network-p-max-pu-nan", {"generators-p_max_pu.csv": b["generators-p_max_pu.csv"].replace("0.40", "nan")},
        ["generators-p_max_pu.csv", "wind A", "p_max_pu"])
    new("network-p-max-pu-inf", {"generators-p_max_pu.csv": b["generators-p_max_pu.csv"].replace("0.40", "inf")},
        ["wind A", "p_max_pu"])
    new("network-p-set-text", {"loads-p_set.csv": b["loads-p_set.csv"].replace("1,100.0", "1,lots")},
        ["loads-p_set.csv", "lots"])
    new("network-marginal-cost-inf", {"generators.csv": gens.replace("60.0,0.5", "inf,0.5")},
        ["gas B", "marginal_cost"])
    new("network-p-min-above-max",
        {"generators.csv": "name,bus,p_nom,carrier,marginal_cost,efficiency,p_min_pu,p_max_pu\n"
                           "wind A,A,300.0,wind,1.0,1.0,0,1\ngas B,B,400.0,gas,60.0,0.5,0.9,0.5\n"},
        ["gas B", "p_min_pu"])
    new("network-line-same-bus", {"lines.csv": b["lines.csv"].replace("A-B,A,B", "A-B,A,A")},
        ["net", "A-B", "bus0 and bus1"])
    new("network-duplicate-generator", {"generators.csv": gens + "gas B,A,100.0,gas,70.0,0.5\n"},
        ["net", "generator 'gas B' defined twice"])
    new("network-duplicate-bus", {"buses.csv": b["buses.csv"] + "A,220.0,7.5,53.0,AC\n"},
        ["net", "bus 'A' defined twice"])
    new("network-non-utf8-name", {"buses.csv": b["buses.csv"].encode() + b"\xff\xfeC,380.0,9.0,53.0,AC\n"},
        ["buses.csv", "UTF-8"])
    new("network-disconnected-bus-load",
        {"buses.csv": b["buses.csv"] + "C,380.0,9.0,53.0,AC\n",
         "loads.csv": b["loads.csv"] + "load C,C,AC\n",
         "loads-p_set.csv": ",load A,load B,load C\n" + "".join(f"{t},100.0,150.0,10.0\n" for t in range(SNAPS))},
        ["C"], codes="2,3")
    new("network-infeasible-demand",
        {"loads-p_set.csv": ",load A,load B\n" + "".join(f"{t},100.0,15000.0\n" for t in range(SNAPS))},
        ["infeasible"], codes="3")
    new("network-negative-weighting",
        {"snapshots.csv": b["snapshots.csv"].replace("1,2019-04-01 01:00:00,1.0", "1,2019-04-01 01:00:00,-1.0")},
        ["net", "2019-04-01 01:00:00", "objective weighting"])
    new("network-no-buses", {"buses.csv": None}, ["net", "wind A", "bus 'A'"])
    new("network-empty-csv", {"generators.csv": ""}, ["generators.csv"])
    new("network-unterminated-quote", {"buses.csv": 'name,v_nom,x,y,carrier\n"A,380.0,7.0,53.0,AC\nB,380.0,8.0,53.0,AC\n'},
        ["buses.csv"])
    # Reliability II (issue 15)
    new("network-reactance-tiny", {"lines.csv": b["lines.csv"].replace("A-B,A,B,10.0", "A-B,A,B,1e-300")},
        ["net", "A-B", "x = 1e-300", "per unit"])
    new("network-reactance-huge", {"lines.csv": b["lines.csv"].replace("A-B,A,B,10.0", "A-B,A,B,1e300")},
        ["net", "A-B", "x = 1e+300"])
    new("network-global-constraint-nan",
        {"global_constraints.csv": "name,type,carrier_attribute,sense,constant\nco2,primary_energy,co2_emissions,<=,nan\n"},
        ["net", "global constraint 'co2'", "constant"])
    new("network-symlink-outside", {}, ["carriers.csv", "symlink", "--follow-symlinks"])
    d = os.path.join(root, "network-symlink-outside")
    with open(os.path.join(d, "secret.txt"), "w") as f:
        f.write("root:$6$secret:19000:0:99999:7:::\n")
    os.remove(os.path.join(d, "net", "carriers.csv"))
    os.symlink(os.path.join("..", "secret.txt"), os.path.join(d, "net", "carriers.csv"))
    new("network-fifo-file", {}, ["loads.csv", "FIFO"])
    d = os.path.join(root, "network-fifo-file")
    os.remove(os.path.join(d, "net", "loads.csv"))
    os.mkfifo(os.path.join(d, "net", "loads.csv"))
    new("network-directory-file", {}, ["buses.csv", "directory"])
    d = os.path.join(root, "network-directory-file")
    os.remove(os.path.join(d, "net", "buses.csv"))
    os.mkdir(os.path.join(d, "net", "buses.csv"))
    # GLPK labelled a non-optimal point "optimal" at a value of lost load of 1e12:
    # the KKT check must turn it into exit 5 naming the condition.
    # primal simplex (the pre-tuning default) returns a non-optimal vertex here;
    # the KKT check must catch it (the default dual simplex happens to solve it)
    new("network-voll-1e12-not-optimal", {}, ["not optimal", "complementary slackness"], codes="5")
    CASES[-1] = CASES[-1][:4] + ("optimize net --out out.nc --load-shedding --voll 1e12 --method primal",)
    new("optimize-out-dir-missing", {}, ["--out", "nodir/x.nc", "'nodir' does not exist"])
    CASES[-1] = CASES[-1][:3] + ("nodir/x.nc",) + ("optimize net --out nodir/x.nc",)
    new("optimize-tol-primal-huge", {}, ["--tol-primal", "1e308"], codes="1")
    CASES[-1] = CASES[-1][:4] + ("optimize net --out out.nc --tol-primal 1e308",)
    new("network-max-hours-negative", {"storage_units.csv": b["storage_units.csv"].replace("battery,2.0", "battery,-2.0")},
        ["bat A", "max_hours"])


# --------------------------------------------------------------------------
# scenario files (validated before any work starts)
BASE_SCENARIO = """name: bad
climate:
  files: [{ex}/cutout.nc]
network: {ex}/network
wind:
  carrier: wind
  turbine: {ex}/turbine.yaml
solar:
  carrier: solar
  panel: {ex}/panel.yaml
optimize:
  load_shedding_cost: 5000
scenarios:
  - name: base
"""


def scenario_cases(root, example):
    ex = os.path.abspath(example)
    base = BASE_SCENARIO.format(ex=ex)

    def new(name, text, needles, codes="2"):
        d = os.path.join(root, name)
        os.makedirs(d)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(os.path.join(d, "s.yaml"), mode) as f:
            f.write(text)
        case(name, codes, list(needles), ["out/summary.json", "out/base/results.nc", "out/base/metrics.json"],
             "run s.yaml --out out")

    new("scenario-unknown-key", base + "frobnicate: 1\n", ["s.yaml", "frobnicate"])
    new("scenario-unknown-nested-key", base.replace("  load_shedding_cost", "  horizon: 3\n  load_shedding_cost"),
        ["s.yaml", "horizon"])
    new("scenario-wrong-type-number", base.replace("5000", "lots"), ["s.yaml", "load_shedding_cost"])
    new("scenario-wrong-type-sequence", base.replace("scenarios:\n  - name: base\n", "scenarios: 5\n"),
        ["s.yaml", "scenarios"])
    new("scenario-wrong-type-mapping", base.replace("optimize:\n  load_shedding_cost: 5000\n", "optimize: fast\n"),
        ["s.yaml", "optimize"])
    new("scenario-missing-climate-file", base.replace("cutout.nc", "nope.nc"), ["s.yaml", "climate.files", "nope.nc"])
    new("scenario-missing-network", base.replace("/network\n", "/nonet\n"), ["s.yaml", "network", "nonet"])
    new("scenario-missing-turbine", base.replace("turbine.yaml", "noturbine.yaml"), ["s.yaml", "noturbine.yaml"])
    new("scenario-missing-name", base.replace("name: bad\n", ""), ["s.yaml", "name"])
    new("scenario-negative-horizon", base.replace("  load_shedding_cost", "  horizon_h: -1\n  load_shedding_cost"),
        ["s.yaml", "horizon_h"])
    new("scenario-negative-shedding-cost", base.replace("5000", "-5"), ["s.yaml", "load_shedding_cost"])
    new("scenario-nan-demand-scale", base + "    demand_scale: .nan\n", ["s.yaml", "demand_scale"])
    new("scenario-negative-demand-scale", base + "    demand_scale: -1\n", ["s.yaml", "demand_scale"])
    new("scenario-inf-factor", base + "    scale_capacity: [{carrier: wind, factor: .inf}]\n", ["s.yaml", "factor"])
    new("scenario-negative-co2-cap", base + "    co2_cap_t: -10\n", ["s.yaml", "co2_cap_t"])
    new("scenario-duplicate-names", base + "  - name: base\n", ["s.yaml", "base"])
    new("scenario-name-with-slash", base.replace("  - name: base", "  - name: a/b"), ["s.yaml", "a/b"])
    new("scenario-empty-file", "", ["s.yaml"])
    new("scenario-syntax-error", base.replace("[", "[[", 1), ["s.yaml"])
    new("scenario-non-utf8", base.encode().replace(b"name: bad", b"name: b\xffd"), ["s.yaml"])
    new("scenario-tilt-out-of-range",
        base.replace("  panel:", "  orientation: fixed\n  tilt_deg: 120\n  panel:"), ["s.yaml", "tilt_deg"])
    new("scenario-orientation-unknown", base.replace("  panel:", "  orientation: sideways\n  panel:"),
        ["s.yaml", "sideways"])
    new("scenario-duplicate-key", base + "name: again\n", ["s.yaml", "name"])

    # Reliability II (issue 15): names break nothing later; every check
    # that used to fail after solving now fails at validation (--dry-run).
    new("scenario-name-escapes-out", base.replace("name: bad\n", "name: ../../escaped\n"),
        ["s.yaml", "name", "../../escaped"])
    new("scenario-name-newline", base.replace("  - name: base", '  - name: "a\\nb"'),
        ["s.yaml", "scenarios[0].name", "control character"])
    new("scenario-name-tab", base.replace("  - name: base", '  - name: "a\\tb"'),
        ["s.yaml", "scenarios[0].name", "control character"])
    new("scenario-name-quote", base.replace("  - name: base", "  - name: 'a\"b'"),
        ["s.yaml", "scenarios[0].name", "quote"])
    new("scenario-name-reserved", base.replace("  - name: base", "  - name: summary.json"),
        ["s.yaml", "summary.json", "reserved"])
    new("scenario-name-256-bytes", base.replace("  - name: base", "  - name: " + "n" * 256),
        ["s.yaml", "scenarios[0].name", "longer than 128 bytes"])
    new("scenario-add-efficiency-2",
        base + "    add: [{name: g2, bus: Emden, carrier: gas, p_nom_mw: 10, efficiency: 2}]\n",
        ["s.yaml", "add[0].efficiency", "2"])
    new("scenario-add-duplicate-name",
        base + "    add: [{name: g2, bus: Emden, carrier: gas, p_nom_mw: 10},"
               " {name: g2, bus: Emden, carrier: gas, p_nom_mw: 5}]\n",
        ["s.yaml", "add[1].name", "g2", "twice"])
    new("scenario-demand-scale-1e308", base + "    demand_scale: 1e308\n",
        ["s.yaml", "demand_scale", "1e308"])
    new("scenario-voll-1e12", base.replace("5000", "1e12"), ["s.yaml", "load_shedding_cost", "1e12"])
    new("scenario-max-iter-uint-max",
        base + "fleets: [{bus: Emden, vehicles: 100}]\nvalley_filling: {max_iter: 4294967295}\n",
        ["s.yaml", "max_iter", "4294967295"])
    new("scenario-turbine-urandom", base.replace(f"{ex}/turbine.yaml", "/dev/urandom"),
        ["s.yaml", "wind.turbine", "/dev/urandom", "character device"])
    new("scenario-land-use-carrier-unknown",
        base + "metrics: {land_use_km2_per_mw: [{carrier: unobtainium, value: 1}]}\n",
        ["s.yaml", "land_use_km2_per_mw[0].carrier", "unobtainium"])
    new("scenario-wind-carrier-selects-nothing", base.replace("  carrier: wind", "  carrier: windy"),
        ["s.yaml", "wind.carrier", "windy"])
    new("scenario-fifo", "", ["s.yaml", "FIFO"])
    os.remove(os.path.join(root, "scenario-fifo", "s.yaml"))
    os.mkfifo(os.path.join(root, "scenario-fifo", "s.yaml"))
    new("scenario-climate-fifo", base.replace(f"{ex}/cutout.nc", "pipe.nc"), ["s.yaml", "pipe.nc", "FIFO"])
    os.mkfifo(os.path.join(root, "scenario-climate-fifo", "pipe.nc"))

    # The run pipeline on real work: a valid scenario whose climate file is
    # truncated (NetCDF opens it; only the size check catches it).
    d = os.path.join(root, "run-truncated-cutout")
    os.makedirs(d)
    src = os.path.join(example, "cutout.nc")
    with open(src, "rb") as f:
        data = f.read()
    with open(os.path.join(d, "cutout.nc"), "wb") as f:
        f.write(data[: len(data) * 2 // 3])
    with open(os.path.join(d, "s.yaml"), "w") as f:
        f.write(base.replace(f"{ex}/cutout.nc", "cutout.nc"))
    case("run-truncated-cutout", "2", ["cutout.nc", "truncated"],
         ["out/summary.json", "out/base/results.nc", "out/capacity_factors.nc"], "run s.yaml --out out")


# --------------------------------------------------------------------------
# A tiny valid run (2 buses inside a 3x3 cutout, 4 hours, two scenarios):
# the control case "ok-run", and the input of the stateful reliability tests
# (tests/reliability/guarantees.sh) and the allocation fault loop.
TINY_SCENARIO = """name: tiny
climate:
  files: [cutout.nc]
network: net
wind:
  carrier: wind
  turbine: turbine.yaml
solar:
  carrier: solar
  panel: panel.yaml
optimize:
  load_shedding_cost: 5000
metrics:
  drought_min_hours: 1
  drought_window_h: 1
scenarios:
  - name: base
  - name: more-wind
    scale_capacity: [{carrier: wind, factor: 2}]
"""


def tiny_run(root, example):
    d = os.path.join(root, "ok-run")
    os.makedirs(os.path.join(d, "net"))
    shutil.copy(os.path.join(example, "turbine.yaml"), d)
    shutil.copy(os.path.join(example, "panel.yaml"), d)
    t0 = 1045296  # 2019-04-01 00:00 in hours since 1900-01-01
    ncgen(cutout_cdl(time_vals=[t0 + t for t in range(NT)]), os.path.join(d, "cutout.nc"))
    files = base_network()
    files["buses.csv"] = "name,v_nom,x,y,carrier\nA,380.0,7.0,53.0,AC\nB,380.0,7.5,53.5,AC\n"
    files["generators.csv"] = ("name,bus,p_nom,carrier,marginal_cost,efficiency\n"
                               "wind A,A,300.0,wind,1.0,1.0\nsolar B,B,100.0,solar,0.5,1.0\n"
                               "gas B,B,400.0,gas,60.0,0.5\n")
    files["carriers.csv"] = "name,co2_emissions\nwind,0.0\nsolar,0.0\ngas,0.2\nbattery,0.0\nAC,0.0\n"
    for k, v in files.items():
        with open(os.path.join(d, "net", k), "w") as f:
            f.write(v)
    with open(os.path.join(d, "s.yaml"), "w") as f:
        f.write(TINY_SCENARIO)
    case("ok-run", "0", [], [], "run s.yaml --out out")
    # forecast selectors, found by --dry-run (before any solve)
    fc_cases = [
        ("scenario-forecast-model-load-missing", "  targets: [demand]\n  models:\n"
         "    - {target: \"demand:nosuch\", file: s.yaml}\n", ["s.yaml", "forecast.models[0]", "nosuch"]),
        ("scenario-forecast-model-target-not-listed", "  targets: [demand]\n  models:\n"
         "    - {target: \"wind:A\", file: s.yaml}\n", ["s.yaml", "forecast.models[0]", "wind:A"]),
        ("scenario-forecast-target-without-section", "  targets: [demand, solar]\n",
         ["s.yaml", "forecast.targets", "solar"]),
    ]
    for name, block, needles in fc_cases:
        c = os.path.join(root, name)
        shutil.copytree(d, c)
        text = TINY_SCENARIO.replace("scenarios:\n", "forecast:\n" + block + "scenarios:\n")
        if "without-section" in name:
            text = text.replace("solar:\n  carrier: solar\n  panel: panel.yaml\n", "")
        assert text != TINY_SCENARIO
        with open(os.path.join(c, "s.yaml"), "w") as f:
            f.write(text)
        case(name, "2", needles, ["out/summary.json"], "run s.yaml --out out --dry-run")
    # a load name too long for a forecast target name: refused, not cut
    c = os.path.join(root, "scenario-forecast-load-name-too-long")
    shutil.copytree(d, c)
    long_name = "load " + "x" * 200
    for fn in ("loads.csv", "loads-p_set.csv"):
        p = os.path.join(c, "net", fn)
        with open(p) as f:
            t = f.read()
        assert "load A" in t
        with open(p, "w") as f:
            f.write(t.replace("load A", long_name))
    with open(os.path.join(c, "s.yaml"), "w") as f:
        f.write(TINY_SCENARIO.replace("scenarios:\n", "forecast:\n  targets: [demand]\nscenarios:\n"))
    case("scenario-forecast-load-name-too-long", "2", ["s.yaml", "forecast", "205 bytes"],
         ["out/summary.json"], "run s.yaml --out out --dry-run")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "inputs", "example")
    if "--example" in sys.argv:
        example = sys.argv[sys.argv.index("--example") + 1]
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    climate_cases(root, example)
    network_cases(root)
    scenario_cases(root, example)
    tiny_run(root, example)
    with open(os.path.join(root, "cases.tsv"), "w") as f:
        for c in CASES:
            f.write("\t".join(c) + "\n")
    print(f"{len(CASES)} cases in {root}")


if __name__ == "__main__":
    main()
