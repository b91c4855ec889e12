#!/usr/bin/env python3
"""Write the small NetCDF files of tests/ingest/data/ the way xarray and
atlite write them, so that the CF attribute rule (docs/RELIABILITY.md,
"Climate attributes") is tested against files from outside terrawatt:

  xarray-era5-int16.nc   ERA5 fields packed to int16 by xarray's encoder
                         (scale_factor/add_offset double, _FillValue short,
                         int32 time), 3 x 4 cells, 12 hours
  xarray-era5-float.nc   the same fields as float32 with xarray's default
                         encoding (NaN _FillValue on data and coordinates,
                         int64 time)
  atlite-cutout.nc       the cutout atlite 0.7 prepares from those fields
                         (x/y coordinates, wnd100m, influx_*, temperature,
                         roughness, albedo, height; atlite's own
                         _process_wind/_process_influx)

Optional: needs the venv /work/venvs/atlite (pip install atlite). Not run
by the build or the tests; the files it wrote are committed.
usage: /work/venvs/atlite/bin/python scripts/gen-cf-fixtures.py tests/ingest/data
"""
import importlib.util
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("cva", os.path.join(here, "bench", "convert_vs_atlite.py"))
cva = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cva)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "ingest", "data")
    os.makedirs(out, exist_ok=True)
    ds = cva.synthetic_era5(3, 4, 1, seed=11).isel(time=slice(0, 12))
    packing = cva.pack_int16(ds)
    cva.write_era5(ds, os.path.join(out, "xarray-era5-int16.nc"), packing)
    ds.to_netcdf(os.path.join(out, "xarray-era5-float.nc"))
    cva.write_atlite_cutout(ds, os.path.join(out, "atlite-cutout.nc"))


if __name__ == "__main__":
    main()
