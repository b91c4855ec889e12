#!/usr/bin/env python3
"""Regenerate the solar reference fixtures of tests/convert from pvlib.

Optional maintenance tool, never run by the tests (they read the committed
CSV files). It creates its own virtual environment (default
$TMPDIR/terrawatt-regen-venv, override with TW_REGEN_VENV), installs pvlib
from PyPI into it, re-executes itself there and writes:

  tests/convert/data/spa_reference.csv
      NREL SPA (pvlib.solarposition.spa_python, numpy implementation) for
      216 instants spread over 2021 (every 41 h 13 min from 2021-01-01
      00:17 UTC, so all hours and seasons are visited) at 3 sites: unix
      time (s, UTC), latitude, longitude (deg), elevation (m), Delta T (s,
      pvlib.spa.calculate_deltat), apparent (refraction-corrected) zenith
      and azimuth (deg), pressure 1013.25 hPa, temperature 12 C.
  tests/convert/data/perez_reference.csv
      Perez et al. (1990) sky diffuse on a tilted plane
      (pvlib.irradiance.perez, model 'allsitescomposite1990') for 200
      combinations of surface tilt/azimuth, DHI, DNI, extraterrestrial DNI,
      sun zenith/azimuth and relative air mass (Kasten & Young 1989).

usage: scripts/regen/solar_reference.py [REPO_ROOT]
SPDX-License-Identifier: GPL-3.0-or-later
"""
import os
import subprocess
import sys
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(HERE))
VENV = os.environ.get("TW_REGEN_VENV",
                      os.path.join(os.environ.get("TMPDIR", "/tmp"), "terrawatt-regen-venv"))


def ensure_venv():
    py = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(py):
        venv.create(VENV, with_pip=True)
    subprocess.check_call([py, "-m", "pip", "install", "-q", "pvlib"])
    os.execv(py, [py, os.path.abspath(__file__), ROOT])


SITES = [  # name, lat, lon, elevation m
    ("golden", 39.742476, -105.1786, 1830.14),
    ("helsinki", 60.17, 24.94, 20.0),
    ("sydney", -33.87, 151.21, 40.0),
]


def write_spa(path):
    import numpy as np
    import pandas as pd
    import pvlib

    t0 = pd.Timestamp("2021-01-01 00:17:00", tz="UTC")
    step = pd.Timedelta(hours=41, minutes=13)
    times = pd.DatetimeIndex([t0 + k * step for k in range(72)])  # 72 x 3 sites = 216 rows
    dt = pvlib.spa.calculate_deltat(times.year.values, times.month.values)
    rows = []
    for _, lat, lon, elev in SITES:
        for k, when in enumerate(times):
            sp = pvlib.solarposition.spa_python(pd.DatetimeIndex([when]), lat, lon, altitude=elev,
                                                pressure=101325.0, temperature=12.0,
                                                delta_t=float(dt[k]), atmos_refract=0.5667,
                                                how="numpy")
            rows.append((int(when.timestamp()), lat, lon, elev, float(dt[k]),
                         float(sp["apparent_zenith"].iloc[0]), float(sp["azimuth"].iloc[0])))
    with open(path, "w") as f:
        f.write("# NREL SPA by pvlib %s (spa_python, numpy), pressure 1013.25 hPa, 12 C;"
                " scripts/regen/solar_reference.py\n" % pvlib.__version__)
        f.write("unix_s,lat_deg,lon_deg,elevation_m,delta_t_s,apparent_zenith_deg,azimuth_deg\n")
        for r in rows:
            f.write("%d,%.6f,%.6f,%.2f,%.4f,%.8f,%.8f\n" % r)
    print("wrote %s (%d rows)" % (path, len(rows)))
    del np


def write_perez(path):
    import numpy as np
    import pvlib

    rng = np.random.default_rng(20210101)
    n = 200
    tilt = rng.uniform(0.0, 90.0, n)
    surf_az = rng.uniform(0.0, 360.0, n)
    zen = rng.uniform(0.0, 89.0, n)
    sun_az = rng.uniform(0.0, 360.0, n)
    dni_extra = rng.uniform(1320.0, 1410.0, n)
    dhi = rng.uniform(5.0, 450.0, n)
    dni = rng.uniform(0.0, 1000.0, n) * (rng.uniform(0, 1, n) > 0.1)
    am = pvlib.atmosphere.get_relative_airmass(zen, model="kastenyoung1989")
    sky = pvlib.irradiance.perez(tilt, surf_az, dhi, dni, dni_extra, zen, sun_az, am,
                                 model="allsitescomposite1990")
    with open(path, "w") as f:
        f.write("# Perez 1990 sky diffuse by pvlib %s (irradiance.perez, allsitescomposite1990);"
                " scripts/regen/solar_reference.py\n" % pvlib.__version__)
        f.write("surface_tilt_deg,surface_azimuth_deg,dhi_wm2,dni_wm2,dni_extra_wm2,"
                "zenith_deg,sun_azimuth_deg,airmass,sky_diffuse_wm2\n")
        for k in range(n):
            f.write("%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.8f,%.8f\n" % (
                tilt[k], surf_az[k], dhi[k], dni[k], dni_extra[k], zen[k], sun_az[k], am[k],
                float(np.nan_to_num(sky[k]))))
    print("wrote %s (%d rows)" % (path, n))


def main():
    ensure_venv()
    data = os.path.join(ROOT, "tests", "convert", "data")
    os.makedirs(data, exist_ok=True)
    write_spa(os.path.join(data, "spa_reference.csv"))
    write_perez(os.path.join(data, "perez_reference.csv"))


if __name__ == "__main__":
    main()
