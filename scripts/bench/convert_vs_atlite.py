#!/usr/bin/env python3
# Side by side with atlite (run by scripts/bench/convert-vs-atlite inside
# a virtual environment that has atlite; never part of the test suite).
#
# 1. Generates one synthetic ERA5 month on a regular grid (u/v at 10 and
#    100 m, forecast surface roughness, ssrd, ssr, fdir, tisr as hourly
#    accumulations in J m-2, t2m), packed as ERA5 packs it (int16 with
#    scale_factor / add_offset / _FillValue); both tools get the decoded
#    values of that packing.
# 2. Writes it twice: as ERA5-style int16 NetCDF (what terrawatt's ingest
#    reads) and as an atlite cutout, prepared by atlite's own ERA5 processing
#    (atlite.datasets.era5._process_wind / _process_influx: wind speed,
#    roughness, influx_direct/diffuse/toa in W m-2, albedo, solar position
#    at mid-interval), so both tools see the same weather.
# 3. Converts both with the same turbine (atlite's Vestas_V112_3MW.yaml,
#    hub 80 m, log law with roughness) and the same panel and orientation
#    (atlite's CSi.yaml Huld panel, latitude-optimal), aggregated to the
#    same buses (nearest-bus regions, equal weights: the terrawatt layout
#    rebuilt here as atlite's `matrix`).
# 4. Cases: wind; wind with fleet smoothing (both tools); PV, terrawatt's
#    Hay-Davies sky against atlite's anisotropic sky and against atlite's
#    default isotropic ("simple") sky.
# 5. Times each case end to end, --repeats rounds interleaved (terrawatt,
#    atlite, next case, ...): terrawatt as the wall time of `terrawatt
#    convert` (process start, read + decode, convert, aggregate, write) and
#    as the command's own "seconds"; atlite from opening the cutout to the
#    loaded per-bus result. Prints min and median of each, the ratios
#    (atlite time / terrawatt time) of the minima and of the medians, and
#    the largest per-bus capacity-factor difference. Last line: one JSON
#    object.
# usage: convert_vs_atlite.py TERRAWATT_BINARY [--nlat N] [--nlon N] [--days N] [--buses N]
#        [--repeats N]
# SPDX-License-Identifier: GPL-3.0-or-later
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
import xarray as xr

warnings.filterwarnings("ignore")

import atlite  # noqa: E402
from atlite.datasets import era5 as atlite_era5  # noqa: E402


def synthetic_era5(nlat, nlon, days, seed=7):
    """Smooth random weather over 47.5..(47.5 + 0.25 nlat) N, 5.0.. E."""
    rng = np.random.default_rng(seed)
    lat = 47.5 + 0.25 * np.arange(nlat)[::-1]  # ERA5 order: descending
    lon = 5.0 + 0.25 * np.arange(nlon)
    time = pd.date_range("2019-06-01 01:00", periods=24 * days, freq="h")
    nt = len(time)
    th = np.arange(nt, dtype=np.float64)[:, None, None]
    yy = np.arange(nlat, dtype=np.float64)[None, :, None]
    xx = np.arange(nlon, dtype=np.float64)[None, None, :]

    def field(scale, base, k):
        ph = rng.uniform(0, 2 * np.pi, size=4)
        f = (np.sin(0.07 * th + 0.21 * yy + ph[0]) + np.sin(0.031 * th - 0.17 * xx + ph[1])
             + 0.5 * np.sin(0.013 * th + 0.11 * (xx + yy) + ph[2]))
        return (base + scale * f + k * rng.standard_normal((nt, nlat, nlon))).astype(np.float32)

    u100 = field(4.0, 4.0, 0.6)
    v100 = field(4.0, 1.0, 0.6)
    fac = (0.62 + 0.1 * np.sin(0.26 * th)).astype(np.float32)  # diurnal shear
    u10 = (u100 * fac).astype(np.float32)
    v10 = (v100 * fac).astype(np.float32)
    z0 = np.exp(rng.uniform(np.log(2e-4), np.log(1.0), size=(1, nlat, nlon)))
    fsr = np.broadcast_to(z0, (nt, nlat, nlon)).astype(np.float32)
    # top of atmosphere, mid-interval sun (a simple declination/hour-angle
    # formula: only used to make plausible inputs, both tools get the same)
    tmid = time - pd.Timedelta("30min")
    doy = tmid.dayofyear.values.astype(float)[:, None, None]
    hours = (tmid.hour.values + tmid.minute.values / 60.0)[:, None, None]
    decl = np.radians(23.44) * np.sin(2 * np.pi * (284 + doy) / 365.0)
    ha = np.radians(15.0 * (hours - 12.0) + lon[None, None, :])
    la = np.radians(lat)[None, :, None]
    cosz = np.sin(la) * np.sin(decl) + np.cos(la) * np.cos(decl) * np.cos(ha)
    toa = 1361.0 * np.clip(cosz, 0.0, None)  # W m-2
    kt = np.clip(0.5 + 0.25 * field(1.0, 0.0, 0.3) / 2.5, 0.15, 0.78)
    ghi = toa * kt
    fb = np.clip((kt - 0.15) / 0.63, 0.05, 0.9)  # beam fraction rises with kt
    fdir = ghi * fb
    t2m = (288.0 + 6.0 * np.sin(2 * np.pi * (hours - 9.0) / 24.0) - 0.3 * yy
           + 1.5 * rng.standard_normal((nt, nlat, nlon))).astype(np.float32)
    j = 3600.0  # accumulations over the hour, J m-2
    coords = {"time": time, "latitude": lat, "longitude": lon}
    dims = ("time", "latitude", "longitude")

    def da(x, units):
        return xr.DataArray(np.asarray(x, dtype=np.float32), coords=coords, dims=dims,
                            attrs={"units": units})

    return xr.Dataset({
        "u100": da(u100, "m s**-1"), "v100": da(v100, "m s**-1"),
        "u10": da(u10, "m s**-1"), "v10": da(v10, "m s**-1"),
        "fsr": da(fsr, "m"), "t2m": da(t2m, "K"),
        "ssrd": da(ghi * j, "J m**-2"), "ssr": da(ghi * j * 0.8, "J m**-2"),  # albedo 0.2
        "fdir": da(fdir * j, "J m**-2"), "tisr": da(toa * j, "J m**-2"),
    })


def pack_int16(ds):
    """ERA5-style packing of every variable: (scale, offset) per variable;
    the dataset's values become the decoded packed values (float32), so
    terrawatt (reading the int16 file) and atlite (reading the cutout made
    from these values) see the same numbers."""
    packing = {}
    for v in ds.data_vars:
        x = ds[v].values.astype(np.float64)
        lo, hi = float(x.min()), float(x.max())
        scale = (hi - lo) / 65532.0 if hi > lo else 1.0
        offset = 0.5 * (hi + lo)
        q = np.clip(np.round((x - offset) / scale), -32766, 32767)
        ds[v].values[...] = (q * scale + offset).astype(np.float32)
        packing[v] = (scale, offset)
    return packing


def write_era5(ds, path, packing):
    enc = {v: {"dtype": "int16", "scale_factor": packing[v][0], "add_offset": packing[v][1],
               "_FillValue": np.int16(-32767)} for v in ds.data_vars}
    enc["time"] = {"units": "hours since 1900-01-01 00:00:00", "calendar": "gregorian",
                   "dtype": "int32"}
    enc["latitude"] = {"_FillValue": None}
    enc["longitude"] = {"_FillValue": None}
    ds.to_netcdf(path, encoding=enc)


def write_atlite_cutout(ds, path):
    """The cutout atlite would prepare from these ERA5 fields."""
    raw = ds.rename({"longitude": "x", "latitude": "y"})
    raw = raw.assign_coords(x=np.round(raw.x.astype(float), 5), y=np.round(raw.y.astype(float), 5))
    raw = raw.sortby("y")  # atlite keeps y ascending
    raw = raw.assign_coords(lon=raw.coords["x"], lat=raw.coords["y"])
    wind = atlite_era5._process_wind(raw[["u10", "v10", "u100", "v100", "fsr"]].copy())
    wind = atlite_era5.sanitize_wind(wind)
    influx = atlite_era5._process_influx(raw[["ssrd", "ssr", "fdir", "tisr"]].copy())
    influx = atlite_era5.sanitize_influx(influx)
    temp = raw[["t2m"]].rename({"t2m": "temperature"})
    temp["soil temperature"] = temp["temperature"]
    temp["dewpoint temperature"] = temp["temperature"] - 5.0
    parts = []
    for feature, d in (("wind", wind), ("influx", influx), ("temperature", temp)):
        for v in d.data_vars:
            d[v].attrs.update(module="era5", feature=feature)
        parts.append(d)
    out = xr.merge(parts)
    out["height"] = xr.zeros_like(out["temperature"].isel(time=0)).drop_vars("time")
    out["height"].attrs.update(module="era5", feature="height", units="m")
    out.attrs.update(module="era5", prepared_features=["wind", "influx", "temperature", "height"],
                     dx=0.25, dy=0.25)
    out.to_netcdf(path)


def nearest_bus_matrix(lat_cells, lon_cells, bus_lat, bus_lon):
    """Equal shares of each bus's nearest cells (chord distance, as
    tw_layout_voronoi), cells in the order given; rows sum to 1."""
    d2r = np.pi / 180.0

    def xyz(la, lo):
        return np.stack([np.cos(la * d2r) * np.cos(lo * d2r), np.cos(la * d2r) * np.sin(lo * d2r),
                         np.sin(la * d2r)], axis=-1)

    c = xyz(lat_cells, lon_cells)
    b = xyz(bus_lat, bus_lon)
    d = ((c[:, None, :] - b[None, :, :]) ** 2).sum(-1)
    owner = d.argmin(1)
    m = np.zeros((len(bus_lat), len(lat_cells)))
    for k in range(len(bus_lat)):
        sel = owner == k
        if not sel.any():  # empty region: nearest cell (not expected here)
            sel = np.zeros(len(lat_cells), bool)
            sel[d[:, k].argmin()] = True
        m[k, sel] = 1.0 / sel.sum()
    return m


def run_terrawatt(binary, cfg, out):
    t0 = time.perf_counter()
    p = subprocess.run([binary, "convert", cfg, "--out", out, "--json"], capture_output=True,
                       text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"terrawatt convert failed ({p.returncode}): {p.stderr.strip()}")
    return dt, json.loads(p.stdout.strip().splitlines()[-1])


def stats(v):
    return float(np.min(v)), float(np.median(v))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("terrawatt")
    ap.add_argument("--nlat", type=int, default=96)
    ap.add_argument("--nlon", type=int, default=128)
    ap.add_argument("--days", type=int, default=31)
    ap.add_argument("--buses", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workdir", default=None, help="keep the generated files here")
    a = ap.parse_args()
    work = a.workdir or tempfile.mkdtemp(prefix="tw-vs-atlite-")
    os.makedirs(work, exist_ok=True)
    res = os.path.join(os.path.dirname(atlite.__file__), "resources")
    turbine = os.path.join(res, "windturbine", "Vestas_V112_3MW.yaml")
    panel = os.path.join(res, "solarpanel", "CSi.yaml")

    ds = synthetic_era5(a.nlat, a.nlon, a.days)
    packing = pack_int16(ds)
    era5_nc = os.path.join(work, "era5.nc")
    cutout_nc = os.path.join(work, "atlite-cutout.nc")
    write_era5(ds, era5_nc, packing)
    write_atlite_cutout(ds, cutout_nc)
    ncell, nt = a.nlat * a.nlon, ds.sizes["time"]
    cell_hours = float(ncell * nt)

    rng = np.random.default_rng(11)  # random bus positions (off the grid points: no ties)
    bus_lat = float(ds.latitude.min()) + rng.uniform(0.02, 0.98, a.buses) * 0.25 * (a.nlat - 1)
    bus_lon = float(ds.longitude.min()) + rng.uniform(0.02, 0.98, a.buses) * 0.25 * (a.nlon - 1)
    names = [f"bus{k}" for k in range(a.buses)]

    buses_yaml = "\n".join(f"  - {{name: {n}, x: {x:.6f}, y: {y:.6f}}}"
                           for n, x, y in zip(names, bus_lon, bus_lat))
    base = f"climate:\n  files: [{era5_nc}]\nbuses:\n{buses_yaml}\nlayout:\n  weighting: equal\n"
    wind = f"wind:\n  turbine: {turbine}\n  extrapolation: log\n"
    solar = (f"solar:\n  panel: {panel}\n  orientation: latitude_optimal\n"
             "  sky_model: hay_davies\n  albedo: 0.2\n")
    # case: (terrawatt config, output variable, atlite call)
    cases = {
        "wind": (base + wind, "wind_cf", dict(tech="wind", smooth=False)),
        "wind_smoothed": (base + wind + "  smoothing: true\n", "wind_cf",
                          dict(tech="wind", smooth=True)),
        "pv": (base + solar, "solar_cf", dict(tech="pv", trigon="anisotropic")),
        "pv_isotropic": (base + solar, "solar_cf", dict(tech="pv", trigon="simple")),
    }

    def run_atlite(spec):
        t0 = time.perf_counter()
        cutout = atlite.Cutout(cutout_nc)
        grid = cutout.grid
        m = nearest_bus_matrix(grid["y"].values, grid["x"].values, bus_lat, bus_lon)
        idx = pd.Index(names, name="bus")
        if spec["tech"] == "wind":
            r = cutout.wind(turbine="Vestas_V112_3MW", matrix=m, index=idx, per_unit=False,
                            aggregate_time=None, interpolation_method="logarithmic",
                            smooth=spec["smooth"])
        else:
            r = cutout.pv(panel="CSi", orientation="latitude_optimal", matrix=m, index=idx,
                          per_unit=False, aggregate_time=None, trigon_model=spec["trigon"])
        vals = np.asarray(r.transpose("time", "bus").values, dtype=np.float64)
        return time.perf_counter() - t0, vals

    times = {c: {"tw": [], "tw_in": [], "at": []} for c in cases}
    series = {}
    for case, (text, var, spec) in cases.items():  # warm-up (page cache, imports)
        cfg = os.path.join(work, f"{case}.yaml")
        with open(cfg, "w") as f:
            f.write(text)
        run_terrawatt(a.terrawatt, cfg, os.path.join(work, f"tw-{case}.nc"))
    run_atlite(cases["wind"][2])
    for _ in range(a.repeats):
        for case, (text, var, spec) in cases.items():
            cfg = os.path.join(work, f"{case}.yaml")
            out = os.path.join(work, f"tw-{case}.nc")
            dt, summary = run_terrawatt(a.terrawatt, cfg, out)
            times[case]["tw"].append(dt)
            times[case]["tw_in"].append(float(summary["seconds"]))
            with xr.open_dataset(out) as s:
                s_tw = np.asarray(s[var].values, dtype=np.float64)  # [time][bus]
            dt, s_at = run_atlite(spec)
            times[case]["at"].append(dt)
            series[case] = (s_tw, s_at)

    result = {"benchmark": "convert-vs-atlite", "atlite_version": atlite.__version__,
              "cells": ncell, "hours": nt, "buses": a.buses, "cell_hours": cell_hours,
              "repeats": a.repeats, "input": "ERA5-like int16 NetCDF (terrawatt), atlite cutout"}
    for case in cases:
        s_tw, s_at = series[case]
        diff = np.abs(s_tw - s_at)
        k = int(np.nanargmax(diff))
        tw_min, tw_med = stats(times[case]["tw"])
        in_min, in_med = stats(times[case]["tw_in"])
        at_min, at_med = stats(times[case]["at"])
        result[case] = {
            "terrawatt_s_min": round(tw_min, 4), "terrawatt_s_median": round(tw_med, 4),
            "terrawatt_in_process_s_min": round(in_min, 4),
            "terrawatt_in_process_s_median": round(in_med, 4),
            "atlite_s_min": round(at_min, 4), "atlite_s_median": round(at_med, 4),
            "speedup_min": at_min / tw_min, "speedup_median": at_med / tw_med,
            "speedup_in_process_min": at_min / in_min,
            "speedup_in_process_median": at_med / in_med,
            "terrawatt_cell_hours_per_s": cell_hours / tw_min,
            "atlite_cell_hours_per_s": cell_hours / at_min,
            "max_abs_cf_diff": float(diff.max()), "mean_abs_cf_diff": float(diff.mean()),
            "mean_cf_terrawatt": float(s_tw.mean()), "mean_cf_atlite": float(s_at.mean())}
        print(f"{case}: terrawatt {tw_min:.3f} / {tw_med:.3f} s (min / median; in process "
              f"{in_min:.3f} / {in_med:.3f} s), atlite {at_min:.3f} / {at_med:.3f} s: "
              f"x{at_min / tw_min:.2f} / x{at_med / tw_med:.2f} end to end "
              f"(x{at_min / in_min:.2f} / x{at_med / in_med:.2f} in process); per-bus CF mean "
              f"{s_tw.mean():.5f} vs {s_at.mean():.5f}, max |diff| {diff.max():.3g} "
              f"(bus {k % a.buses}, step {k // a.buses}), mean |diff| {diff.mean():.3g}")
    if a.workdir:
        print(f"files kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
