/* Unit tests of the per-cell physics (physics_wind.h, physics_solar.h,
 * physics_pv.h) against published values.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/convert.h"
#include "terrawatt/physics_pv.h"
#include "terrawatt/physics_solar.h"
#include "terrawatt/physics_wind.h"

/* windpowerlib test_wind_speed.py: 5 m/s at 10 m -> 100 m. */
static void test_windpowerlib_profiles(void **state) {
  (void)state;
  assert_true(fabsf(tw_wind_log_law(5.0f, 10.0f, 100.0f, 0.15f) - 7.74136523f) < 2e-5f);
  /* windpowerlib test_hellman: exponent None with roughness 0.15 m -> 1/ln(100/0.15) */
  float a = tw_wind_hellman_exponent(100.0f, 0.15f);
  assert_true(fabsf(tw_wind_power_law(5.0f, 10.0f, 100.0f, a) - 7.12462437f) < 2e-5f);
  assert_true(fabsf(tw_wind_power_law(6.5f, 10.0f, 100.0f, a) - 9.26201168f) < 2e-5f);
  /* exponent 1/7 (no roughness) */
  assert_true(fabsf(tw_wind_power_law(5.0f, 10.0f, 100.0f, 1.0f / 7.0f) - 6.94747747f) < 2e-5f);
  assert_true(fabsf(tw_wind_power_law(5.0f, 10.0f, 100.0f, 0.2f) - 7.92446596f) < 2e-5f);
  /* roughness <= 0 is clamped, never NaN or infinite */
  float v0 = tw_wind_log_law(5.0f, 10.0f, 100.0f, 0.0f);
  float vneg = tw_wind_log_law(5.0f, 10.0f, 100.0f, -0.01f);
  assert_true(isfinite(v0) && v0 > 5.0f && v0 == vneg);
  assert_true(v0 == tw_wind_log_law(5.0f, 10.0f, 100.0f, TW_MIN_ROUGHNESS_M));
}

static void test_shear_exponent(void **state) {
  (void)state;
  /* speeds built with alpha = 0.2 recover it */
  float v100 = 5.0f * powf(10.0f, 0.2f);
  assert_true(fabsf(tw_wind_shear_exponent(5.0f, 10.0f, v100, 100.0f) - 0.2f) < 1e-5f);
  assert_true(tw_wind_shear_exponent(8.0f, 10.0f, 4.0f, 100.0f) == TW_MIN_SHEAR_EXPONENT);
  assert_true(tw_wind_shear_exponent(1.0f, 10.0f, 50.0f, 100.0f) == TW_MAX_SHEAR_EXPONENT);
  assert_true(fabsf(tw_wind_shear_exponent(0.0f, 10.0f, 5.0f, 100.0f) - 1.0f / 7.0f) < 1e-7f);
  /* power-law cell: u10 = 3, v10 = 4 (5 m/s) and 100 m at 7.92446596 (alpha 0.2) */
  float spd[3] = {0.0f, 10.0f, 20.0f}, cf[3] = {0.0f, 1.0f, 1.0f};
  float got = tw_wind_cell_cf_power_law(0.0f, v100, 100.0f, 3.0f, 4.0f, 10.0f, 100.0f, spd, cf, 3);
  assert_true(fabsf(got - v100 / 10.0f) < 1e-5f);
}

static void test_power_curve(void **state) {
  (void)state;
  float spd[4] = {3.0f, 10.0f, 25.0f, 25.0f}, cf[4] = {0.0f, 1.0f, 1.0f, 0.0f};
  assert_true(tw_power_curve_cf(2.9f, spd, cf, 4) == 0.0f);
  assert_true(fabsf(tw_power_curve_cf(6.5f, spd, cf, 4) - 0.5f) < 1e-6f);
  assert_true(tw_power_curve_cf(20.0f, spd, cf, 4) == 1.0f);
  assert_true(tw_power_curve_cf(25.1f, spd, cf, 4) == 0.0f);
  assert_true(isnan(tw_wind_cell_cf(NAN, 1.0f, 0.1f, 100.0f, 100.0f, spd, cf, 4)));
  for (float u = -40.0f; u < 40.0f; u += 0.37f) {
    float c = tw_wind_cell_cf(u, 0.3f * u, 0.05f, 100.0f, 120.0f, spd, cf, 4);
    assert_true(c >= 0.0f && c <= 1.0f);
  }
}

/* Largest |table - exact curve| over speeds -1..40 m/s every 0.0007 m/s
 * (not a divisor of the 0.01 m/s grid, so every position inside grid
 * intervals is visited), plus the exact breakpoints. */
static double table_error(const float *spd, const float *cf, int n) {
  int len = tw_wind_table_len(spd, n, TW_WIND_TABLE_DV_MS);
  float *table = malloc((size_t)len * sizeof *table);
  tw_wind_table_fill(spd, cf, n, TW_WIND_TABLE_DV_MS, table, len);
  float inv = (float)(1.0 / TW_WIND_TABLE_DV_MS);
  double worst = 0.0;
  for (int k = 0; k < 41 * 1000 / 7 * 10 + n; k++) {
    float s = k < n ? spd[k] : -1.0f + 0.0007f * (float)(k - n);
    float a = tw_wind_table_cf(s, table, len, inv, spd[0], spd[n - 1]);
    float b = tw_power_curve_cf(s, spd, cf, n);
    worst = fmax(worst, fabs((double)a - (double)b));
  }
  assert_true(isnan(tw_wind_table_cf(NAN, table, len, inv, spd[0], spd[n - 1])));
  assert_true(tw_wind_table_cf(spd[n - 1] + 0.001f, table, len, inv, spd[0], spd[n - 1]) == 0.0f);
  free(table);
  return worst;
}

/* The resampled curve (0.01 m/s) against the exact curve: equal to float
 * rounding (<= 1e-6) when the breakpoints lie on the grid (atlite and oedb
 * curves: 0.5 m/s or 0.01 m/s steps; cut-out by a repeated last speed);
 * within dv/4 * |slope change| when not. */
static void test_power_curve_table(void **state) {
  (void)state;
  float spd[4] = {3.0f, 10.0f, 25.0f, 25.0f}, cf[4] = {0.0f, 1.0f, 1.0f, 0.0f};
  double e1 = table_error(spd, cf, 4);
  static const float v2[15] = {0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 25};
  static const float p2[15] = {0, 0, 0.005f, 0.15f, 0.3f, 0.525f, 0.905f, 1.375f,
                               1.95f, 2.58f, 2.96f, 3.05f, 3.06f, 3.06f, 0};
  float c2[15];
  for (int k = 0; k < 15; k++) c2[k] = p2[k] / 3.06f;
  double e2 = table_error(v2, c2, 15);
  /* an oedb-like curve on 0.5 m/s with a 4.2 m/s point */
  float v3[8] = {0.5f, 3.0f, 4.2f, 6.5f, 9.0f, 12.5f, 20.0f, 28.0f};
  float c3[8] = {0.0f, 0.02f, 0.11f, 0.38f, 0.81f, 1.0f, 1.0f, 0.6f};
  double e3 = table_error(v3, c3, 8);
  /* breakpoints off the grid: bounded by dv/4 * |slope change| */
  float v4[4] = {3.004f, 10.0037f, 25.0f, 25.0f}, c4[4] = {0.0f, 1.0f, 1.0f, 0.0f};
  double e4 = table_error(v4, c4, 4);
  double bound4 = TW_WIND_TABLE_DV_MS / 4.0 * (1.0 / (10.0037 - 3.004)) * 1.01 + 1e-6;
  printf("power-curve table vs exact: %.2g %.2g %.2g (on grid); %.2g (off grid, bound %.2g)\n",
         e1, e2, e3, e4, bound4);
  assert_true(e1 <= 1e-6 && e2 <= 1e-6 && e3 <= 1e-6);
  assert_true(e4 <= bound4);
  /* the hub factor reproduces the log law */
  for (float z0 = -0.1f; z0 < 2.0f; z0 += 0.013f) {
    float a = 7.3f * tw_wind_log_factor(100.0f, 80.0f, z0);
    float b = tw_wind_log_law(7.3f, 100.0f, 80.0f, z0);
    assert_true(fabsf(a - b) <= 2e-6f * b);
  }
}

static void test_smoothing(void **state) {
  (void)state;
  double v[5] = {0, 3, 12, 25, 25}, p[5] = {0, 0, 3, 3, 0};
  tw_turbine t = {(char *)"box", 100.0, 5, v, p, 3.0};
  tw_turbine *s = NULL;
  assert_int_equal(tw_turbine_smooth(&t, TW_SMOOTH_DELTA_V_MS, TW_SMOOTH_SIGMA_MS,
                                     TW_SMOOTH_AVAILABILITY, &s), TW_OK);
  double maxp = 0.0;
  for (size_t i = 0; i < s->n; i++) maxp = s->power_MW[i] > maxp ? s->power_MW[i] : maxp;
  /* plateau keeps availability x rated; the knee is lowered; tail after cut-out */
  assert_true(fabs(maxp - 0.95 * 3.0) < 0.01);
  assert_true(tw_turbine_power_W(s, 12.0) < tw_turbine_power_W(&t, 12.0));
  assert_true(tw_turbine_power_W(s, 26.0) > 0.0);
  assert_true(tw_turbine_power_W(s, 8.0) < tw_turbine_power_W(&t, 8.0));
  tw_turbine_destroy(&s);
  assert_null(s);
  assert_int_equal(tw_turbine_smooth(&t, 1.27, 0.0, 0.95, &s), TW_ERR_INPUT);
}

/* NREL SPA paper, appendix A.5: 2003-10-17 12:30:30 -7 h, Golden CO. */
/* The fast single-precision sun geometry (tw_sun_fast_position) against
 * SPA (tw_spa_topocentric, elevation 0) over a global grid (latitudes
 * -75..75 every 5 deg, longitudes every 15 deg) and 2020-2021 every 7 h
 * 13 min: the largest zenith error and the largest angle between the two
 * sun directions, sun above -1 deg elevation, must stay below 0.01 deg. */
static void test_sun_fast_vs_spa(void **state) {
  (void)state;
  const double d2r = TW_SPA_DEG;
  double max_zen = 0.0, max_sep = 0.0, max_zen_day = 0.0, max_vec = 0.0;
  size_t count = 0;
  for (double at = 1577836800.0; at < 1640995200.0; at += 7.0 * 3600.0 + 13.0 * 60.0) {
    tw_sun_geo g;
    tw_spa_geocentric(at, 69.0, &g);
    tw_sun_fast f;
    tw_sun_fast_from_geo(&g, &f);
    for (double lat = -75.0; lat <= 75.0; lat += 5.0)
      for (double lon = -180.0; lon < 180.0; lon += 15.0) {
        tw_sun_pos ref = tw_spa_topocentric(&g, lat, lon, 0.0, 1013.25, 12.0);
        if (ref.zenith_deg > 91.0) continue;
        tw_cell_trig c;
        tw_cell_trig_make(lat, lon, &c);
        float ve, vn, vu;
        tw_sun_pos fp = tw_sun_fast_direction(&f, &c, &ve, &vn, &vu);
        /* the direction vector against SPA's angles */
        double zr = ref.zenith_deg * d2r, ar = ref.azimuth_deg * d2r;
        double ax = sin(zr) * sin(ar), ay = sin(zr) * cos(ar), az = cos(zr);
        double dot = ax * ve + ay * vn + az * vu; /* angle = atan2(|a x b|, a.b): well
                                                      conditioned, unlike acos near 1 */
        double cx = ay * vu - az * vn, cy = az * ve - ax * vu, cz = ax * vn - ay * ve;
        double vsep = atan2(sqrt(cx * cx + cy * cy + cz * cz), dot) / d2r;
        max_vec = vsep > max_vec ? vsep : max_vec;
        double dz = fabs(fp.zenith_deg - ref.zenith_deg);
        double z1 = ref.zenith_deg * d2r, z2 = fp.zenith_deg * d2r;
        double cs = cos(z1) * cos(z2) +
                    sin(z1) * sin(z2) * cos((fp.azimuth_deg - ref.azimuth_deg) * d2r);
        double sep = acos(cs > 1.0 ? 1.0 : cs) / d2r;
        max_zen = dz > max_zen ? dz : max_zen;
        if (ref.zenith_deg < 85.0) max_zen_day = dz > max_zen_day ? dz : max_zen_day;
        max_sep = sep > max_sep ? sep : max_sep;
        count++;
      }
  }
  printf("fast sun vs SPA over %zu positions: max zenith error %.2e deg (%.2e below 85 deg), "
         "max angle between directions %.2e deg (unit vector: %.2e deg)\n", count, max_zen,
         max_zen_day, max_sep, max_vec);
  assert_true(count > 20000);
  assert_true(max_vec < 0.01);
  assert_true(max_zen < 0.01);
  assert_true(max_sep < 0.01);
}

static void test_spa_published_vector(void **state) {
  (void)state;
  tw_sun_geo g;
  tw_spa_geocentric(1066419030.0, 67.0, &g);
  tw_sun_pos p = tw_spa_topocentric(&g, 39.742476, -105.1786, 1830.14, 820.0, 11.0);
  assert_true(fabs(p.zenith_deg - 50.11162) < 1e-4);
  assert_true(fabs(p.azimuth_deg - 194.34024) < 1e-4);
}

/* Over a year the split evaluation (geocentric once per time, topocentric
 * per cell) and the sun's daily motion must be consistent with physical
 * checks: solar noon altitude = 90 - |lat - declination| within 0.01 deg
 * (refraction removed) and the declination within the astronomical range. */
static void test_spa_year(void **state) {
  (void)state;
  double lat = 52.5, lon = 13.4;
  for (int day = 0; day < 365; day++) {
    double base = 1483228800.0 + 86400.0 * day; /* 2017-01-01 */
    /* find the zenith minimum (solar noon) by golden-section search */
    double a = base + 8 * 3600.0, b = base + 14 * 3600.0;
    for (int it = 0; it < 80; it++) {
      double m1 = a + (b - a) * 0.382, m2 = a + (b - a) * 0.618;
      tw_sun_geo g1, g2;
      tw_spa_geocentric(m1, 69.0, &g1);
      tw_spa_geocentric(m2, 69.0, &g2);
      if (tw_spa_topocentric(&g1, lat, lon, 0, 0, 12).zenith_deg <
          tw_spa_topocentric(&g2, lat, lon, 0, 0, 12).zenith_deg)
        b = m2;
      else
        a = m1;
    }
    tw_sun_geo g;
    tw_spa_geocentric(0.5 * (a + b), 69.0, &g);
    /* pressure 0: no refraction; parallax < 0.0025 deg */
    tw_sun_pos p = tw_spa_topocentric(&g, lat, lon, 0, 0, 12);
    assert_true(fabs(p.zenith_deg - fabs(lat - g.delta_deg)) < 0.01);
    assert_true(fabs(p.azimuth_deg - 180.0) < 1.0); /* noon found to ~1 s of time */
    assert_true(fabs(g.delta_deg) < 23.45);
  }
}

/* Open tests/convert/data/NAME (committed fixture; TW_SOURCE_DIR is set by
 * ctest) positioned after its two header lines. */
static FILE *open_fixture(const char *name) {
  const char *src = getenv("TW_SOURCE_DIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/convert/data/%s", src ? src : ".", name);
  FILE *f = fopen(path, "r");
  if (!f) fprintf(stderr, "cannot open fixture %s\n", path);
  assert_non_null(f);
  char line[512];
  assert_non_null(fgets(line, sizeof line, f)); /* provenance comment */
  assert_non_null(fgets(line, sizeof line, f)); /* column names */
  return f;
}

/* Our SPA (geocentric + topocentric split) against NREL SPA as computed by
 * pvlib (scripts/regen/solar_reference.py): 216 instants over 2021 at
 * Golden, Helsinki and Sydney; apparent zenith and azimuth within 0.01 deg. */
static void test_spa_pvlib_year(void **state) {
  (void)state;
  FILE *f = open_fixture("spa_reference.csv");
  double t, lat, lon, elev, dt, zen, az, worst_z = 0.0, worst_a = 0.0;
  int rows = 0;
  while (fscanf(f, "%lf,%lf,%lf,%lf,%lf,%lf,%lf", &t, &lat, &lon, &elev, &dt, &zen, &az) == 7) {
    tw_sun_geo g;
    tw_spa_geocentric(t, dt, &g);
    tw_sun_pos p = tw_spa_topocentric(&g, lat, lon, elev, 1013.25, 12.0);
    double da = fabs(p.azimuth_deg - az);
    da = da > 180.0 ? 360.0 - da : da;
    worst_z = fmax(worst_z, fabs(p.zenith_deg - zen));
    worst_a = fmax(worst_a, da);
    rows++;
  }
  fclose(f);
  printf("SPA vs pvlib over 2021 (%d instants x sites): max |dzenith| %.2e deg, max |dazimuth| "
         "%.2e deg\n", rows, worst_z, worst_a);
  assert_int_equal(rows, 216);
  assert_true(worst_z < 0.01 && worst_a < 0.01);
}

/* Perez (1990) sky diffuse against pvlib.irradiance.perez for 200 random
 * geometries and skies (relative 1e-6 + 1e-6 W/m2); also the air mass. */
static void test_perez_pvlib(void **state) {
  (void)state;
  FILE *f = open_fixture("perez_reference.csv");
  double tilt, saz, dhi, dni, i0, zen, sunaz, am, ref, worst = 0.0, worst_am = 0.0;
  int rows = 0;
  while (fscanf(f, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &tilt, &saz, &dhi, &dni, &i0, &zen,
                &sunaz, &am, &ref) == 9) {
    double caoi = tw_pv_cos_aoi(zen, sunaz, tilt, saz);
    double got = tw_pv_perez_sky(dni, dhi, zen, caoi, tilt, i0, am);
    worst = fmax(worst, fabs(got - ref) / (1.0 + fabs(ref)));
    worst_am = fmax(worst_am, fabs(tw_pv_airmass_kasten_young(zen) - am) / am);
    rows++;
  }
  fclose(f);
  printf("Perez sky diffuse vs pvlib (%d rows): max rel. diff %.2e; air mass %.2e\n", rows, worst,
         worst_am);
  assert_int_equal(rows, 200);
  assert_true(worst < 1e-6 && worst_am < 1e-6);
  /* below the horizon: isotropic; no diffuse: 0 */
  assert_true(fabs(tw_pv_perez_sky(0.0, 100.0, 95.0, 0.0, 30.0, 1361.0, NAN) -
                   100.0 * 0.5 * (1.0 + cos(30.0 * TW_SPA_DEG))) < 1e-9);
  assert_true(tw_pv_perez_sky(500.0, 0.0, 30.0, 0.9, 30.0, 1361.0, 1.15) == 0.0);
}

static void test_irradiance_split(void **state) {
  (void)state;
  double b, d;
  tw_pv_split(500.0, 300.0, 0.5, 1361.0, &b, &d); /* fdir given */
  assert_true(fabs(b - 300.0) < 1e-12 && fabs(d - 200.0) < 1e-12);
  for (double ghi = 10.0; ghi < 1100.0; ghi += 37.0) {
    tw_pv_split(ghi, NAN, 0.8, 1361.0, &b, &d);
    assert_true(fabs(b + d - ghi) < 1e-9 && b >= 0.0 && d >= 0.1 * ghi - 1e-9);
  }
  /* Reindl: kt = 0.2 -> fd = 1.02 - 0.254*0.2 + 0.0123*0.5 (capped at 1) */
  tw_pv_split(0.2 * 1361.0 * 0.5, NAN, 0.5, 1361.0, &b, &d);
  assert_true(fabs(d / (0.2 * 1361.0 * 0.5) - 0.97535) < 1e-9);
  /* Hay-Davies: horizontal surface keeps ghi */
  double pb, ps, pg, cz = 0.6;
  tw_pv_poa_hay_davies(700.0, 150.0, 700.0 * cz + 150.0, cz, cz, 0.0, 1361.0, 0.2, &pb, &ps, &pg);
  assert_true(fabs(pb + ps + pg - (700.0 * cz + 150.0)) < 1e-9);
}

static void test_panels(void **state) {
  (void)state;
  tw_pv_params p;
  tw_pv_params_default(&p);
  /* Huld at reference conditions: G' = 1, T_mod = 298 K -> inverter efficiency */
  double tamb = 298.0 - 0.035 * 1000.0;
  assert_true(fabs(tw_pv_huld(&p, 1000.0, tamb) - 0.9) < 1e-12);
  assert_true(tw_pv_huld(&p, 0.0, tamb) == 0.0);
  /* 500 W/m2, T' = -17.5 K: hand-evaluated Huld formula */
  assert_true(fabs(tw_pv_huld(&p, 500.0, tamb) - 0.48436285) < 1e-7);
  /* PVWatts inverter: nominal efficiency near full load, clipping at P_ac0 */
  double pac = tw_pv_pvwatts_inverter(1.0 / 1.2 / 0.96, 1.2, 0.96);
  assert_true(fabs(pac - 1.0 / 1.2) < 1e-12); /* z = 1: eta = eta_nom*(0.9637/0.9637) */
  assert_true(tw_pv_pvwatts_inverter(2.0, 1.2, 0.96) == 1.0 / 1.2);
  assert_true(tw_pv_pvwatts_inverter(0.0, 1.2, 0.96) == 0.0);
  assert_true(fabs(tw_pv_iam_physical(1.0) - 1.0) < 1e-12);
  double prev = 1.0; /* Fresnel cover loss grows with incidence angle */
  for (int a = 5; a < 90; a += 5) {
    double m = tw_pv_iam_physical(cos(a * TW_SPA_DEG));
    assert_true(m <= prev + 1e-12 && m >= 0.0);
    prev = m;
  }
  assert_true(tw_pv_iam_physical(cos(40.0 * TW_SPA_DEG)) > 0.99);
  assert_true(tw_pv_iam_physical(cos(85.0 * TW_SPA_DEG)) < 0.5);
  /* orientations */
  double tilt, az;
  tw_pv_orientation(&p, 40.0, 40.0, 150.0, &tilt, &az);
  assert_true(fabs(tilt - (0.76 * 40.0 + 0.31)) < 1e-12 && az == 180.0);
  tw_pv_orientation(&p, 52.0, 40.0, 150.0, &tilt, &az);
  assert_true(tilt == 40.0);
  tw_pv_orientation(&p, 20.0, 40.0, 150.0, &tilt, &az);
  assert_true(fabs(tilt - 0.87 * 20.0) < 1e-12);
  tw_pv_orientation(&p, -30.0, 40.0, 150.0, &tilt, &az);
  assert_true(az == 0.0);
  p.orientation = TW_PV_SINGLE_AXIS;
  tw_pv_orientation(&p, 40.0, 50.0, 90.0, &tilt, &az); /* morning sun in the east */
  assert_true(fabs(tilt - 50.0) < 1e-9 && fabs(az - 90.0) < 1e-9);
  assert_true(fabs(tw_pv_cos_aoi(50.0, 90.0, tilt, az) - 1.0) < 1e-12);
  tw_pv_orientation(&p, 40.0, 80.0, 270.0, &tilt, &az); /* limited at 60 deg */
  assert_true(fabs(tilt - 60.0) < 1e-9 && fabs(az - 270.0) < 1e-9);
}

static void test_degree_hours(void **state) {
  (void)state;
  assert_true(fabsf(tw_heating_degrees(273.15f, 15.5f) - 15.5f) < 1e-4f);
  assert_true(tw_heating_degrees(300.0f, 15.5f) == 0.0f);
  assert_true(fabsf(tw_cooling_degrees(300.0f, 22.0f) - 4.85f) < 1e-4f);
  assert_true(tw_cooling_degrees(280.0f, 22.0f) == 0.0f);
  assert_true(isnan(tw_cooling_degrees(NAN, 22.0f)));
}


/* The single-precision default PV chain (Hay-Davies, Huld) against the
 * double one, over random geometries and skies with the sun up: largest
 * absolute difference of the output per kW peak (printed; measured 3.0e-7,
 * bound 1e-6, 100x below the reference tests' 1e-4). fdir given (the
 * float chain's case), both panels' coefficients (CSi and CdTe). Also a
 * sun at the horizon (cos z down to the smallest floats) stays finite. */
static void test_pv_float_chain(void **state) {
  (void)state;
  tw_pv_params p;
  tw_pv_params_default(&p);
  static const double cdte_k[6] = {-0.103251, -0.040446, -0.001667, -0.002075, -0.001445, -0.000023};
  unsigned x = 12345u;
#define RND() ((x = x * 1664525u + 1013904223u), (double)(x >> 8) / 16777216.0)
  double worst = 0.0;
  for (int panel = 0; panel < 2; panel++) {
    if (panel) memcpy(p.huld_k, cdte_k, sizeof cdte_k);
    for (int i = 0; i < 400000; i++) {
      double cz = 0.002 + 0.998 * RND(), tilt = 45.0 * RND();
      double caoi = -0.3 + 1.3 * RND();
      double ghi = 1.0 + 1100.0 * RND() * cz, t = 250.0 + 70.0 * RND();
      double fdir = ghi * (-0.05 + 1.1 * RND()); /* the chain clamps it to [0, ghi] */
      double r = 0.983 + 0.034 * RND();
      /* the inputs rounded to float, as the kernels get them */
      float czf = (float)cz, caf = (float)caoi, ctf = cosf((float)(tilt * TW_SPA_DEG));
      float gf = (float)ghi, ff = (float)fdir, tf = (float)t, rf = (float)r;
      double ref = tw_pv_cell_cf_geom(&p, acos(czf) / TW_SPA_DEG, czf, caf, tilt, rf, gf, ff, tf,
                                      (double)NAN);
      float y = tw_pv_cell_cf_geom_f(&p, czf, caf, ctf, rf, gf, ff, tf);
      double d = fabs((double)y - ref);
      worst = d > worst ? d : worst;
    }
  }
#undef RND
  for (float cz = 1e-3f; cz > 0.0f; cz *= 0.01f)
    assert_false(isnan(tw_pv_cell_cf_geom_f(&p, cz, 0.0f, 0.8f, 1.0f, 300.0f, 250.0f, 280.0f)));
  printf("PV float chain vs double: max |diff| per kW peak %.3g\n", worst);
  assert_true(worst < 1e-6);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_windpowerlib_profiles), cmocka_unit_test(test_shear_exponent),
      cmocka_unit_test(test_power_curve),           cmocka_unit_test(test_smoothing),
      cmocka_unit_test(test_power_curve_table),
      cmocka_unit_test(test_spa_published_vector),  cmocka_unit_test(test_spa_year),
      cmocka_unit_test(test_spa_pvlib_year),        cmocka_unit_test(test_perez_pvlib),
      cmocka_unit_test(test_irradiance_split),      cmocka_unit_test(test_panels),
      cmocka_unit_test(test_degree_hours),          cmocka_unit_test(test_sun_fast_vs_spa),
      cmocka_unit_test(test_pv_float_chain),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
