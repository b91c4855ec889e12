/* Reference tests against published numbers from shared data
 * (TW_REFERENCE_DATA, default $TW_SOURCE_DIR/../shared/data; skipped with
 * exit 77 when absent): windpowerlib's E-126/4200 model chain, atlite
 * turbine and panel files, NREL PVWatts (Denver, 8760 h) and the ERA5
 * example cutout against a slow scalar reference written here.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "terrawatt/convert.h"
#include "terrawatt/convert_math.h"
#include "terrawatt/ingest.h"
#include "reference_data.h"

static char g_data[2048];

static void data_path(char *buf, size_t size, const char *rel) {
  snprintf(buf, size, "%s/%s", g_data, rel);
}

/* windpowerlib tests/test_modelchain.py: E-126/4200, hub 100 m, wind at 8
 * and 10 m (the closest, 10 m, is used), roughness 0.15 m, log profile,
 * power curve interpolation. */
static void test_e126_model_chain(void **state) {
  (void)state;
  char dir[4096];
  data_path(dir, sizeof dir, "turbines");
  tw_turbine *t = NULL;
  assert_int_equal(tw_turbine_load(dir[0] ? "E-126/4200" : "", dir, &t), TW_OK);
  assert_true(fabs(t->rated_MW - 4.2) < 1e-12);
  const double v10[2] = {5.0, 6.5}, expect[2] = {1637405.4840, 3154438.3895};
  float *cv = calloc(t->n, sizeof(float)), *cc = calloc(t->n, sizeof(float));
  for (size_t i = 0; i < t->n; i++) {
    cv[i] = (float)t->speed_ms[i];
    cc[i] = (float)(t->power_MW[i] / t->rated_MW);
  }
  for (int k = 0; k < 2; k++) {
    double hub = v10[k] * log(100.0 / 0.15) / log(10.0 / 0.15);
    double w = tw_turbine_power_W(t, hub);
    printf("E-126/4200 at v10 = %.1f m/s: %.4f W (windpowerlib %.4f W)\n", v10[k], w, expect[k]);
    assert_true(fabs(w - expect[k]) < 1e-3);
    /* the single-precision kernel path (u = v10, v = 0) */
    float cf = tw_wind_cell_cf((float)v10[k], 0.0f, 0.15f, 10.0f, 100.0f, cv, cc, (int)t->n);
    assert_true(fabs(cf * 4.2e6 - expect[k]) / expect[k] < 1e-5);
  }
  free(cv);
  free(cc);
  tw_turbine_destroy(&t);
  assert_int_equal(tw_turbine_load_oedb(dir, "NO-SUCH/1", &t), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "NO-SUCH/1"));
}

static void test_atlite_files(void **state) {
  (void)state;
  char path[4096];
  tw_turbine *t = NULL;
  data_path(path, sizeof path, "turbines/atlite/Vestas_V112_3MW.yaml");
  assert_int_equal(tw_turbine_load(path, NULL, &t), TW_OK);
  assert_true(t->hub_height_m == 80.0 && t->n == 15 && fabs(t->rated_MW - 3.06) < 1e-12);
  assert_true(fabs(tw_turbine_power_W(t, 8.5) - 1.6625e6) < 1e-3);
  tw_turbine_destroy(&t);
  tw_pv_params p;
  tw_pv_params_default(&p);
  data_path(path, sizeof path, "pv/atlite/CdTe.yaml");
  assert_int_equal(tw_pv_panel_load_yaml(path, &p), TW_OK);
  assert_true(p.huld_k[0] == -0.103251 && p.huld_k[5] == -0.000023 && p.inverter_efficiency == 0.9);
  data_path(path, sizeof path, "pv/atlite/KANENA.yaml");
  assert_int_equal(tw_pv_panel_load_yaml(path, &p), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "KANENA.yaml"));
}

/* PVWatts Denver rackmount: beam (DNI), diffuse, temperature and wind
 * columns through the PVWatts-style chain: hour-ending TMY hours with the
 * sun at mid-hour, local standard time UTC-7. */
static void test_pvwatts_denver(void **state) {
  (void)state;
  char path[4096], line[512];
  data_path(path, sizeof path, "pv/pvwatts_8760_rackmount.csv");
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  tw_pv_params p;
  tw_pv_params_default(&p);
  p.orientation = TW_PV_FIXED;
  p.tilt_deg = 20.0;
  p.azimuth_deg = 180.0;
  p.panel = TW_PV_PVWATTS;
  p.losses = 0.1408;
  p.dc_ac_ratio = 1.2;
  p.inverter_eta_nom = 0.96;
  p.elevation_m = 1819.6;
  double sum = 0.0, sum_ref = 0.0, se = 0.0, sday = 0.0;
  int n = 0, nday = 0;
  while (fgets(line, sizeof line, f)) {
    int mo, d, h;
    double dni, dhi, ta, ws, poa, tc, dc, ac;
    if (sscanf(line, "%d,%d,%d,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &mo, &d, &h, &dni, &dhi, &ta,
               &ws, &poa, &tc, &dc, &ac) != 11)
      continue;
    /* 2001 (any non-leap year: TMY months come from several years) */
    static const int cum[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    double day = 11323.0 + cum[mo - 1] + (d - 1); /* 2001-01-01 is day 11323 since 1970 */
    double ut = day * 86400.0 + h * 3600.0 + 7 * 3600.0 + 1800.0; /* mid-hour, UTC */
    tw_sun_geo g;
    tw_spa_geocentric(ut, tw_spa_delta_t(2001.0), &g);
    tw_sun_pos sp = tw_spa_topocentric(&g, 39.73, -105.18, 1819.6, 812.0, 12.0);
    double cz = cos(sp.zenith_deg * TW_SPA_DEG);
    double ghi = dni * (cz > 0.0 ? cz : 0.0) + dhi;
    double caoi = tw_pv_cos_aoi(sp.zenith_deg, sp.azimuth_deg, 20.0, 180.0);
    double pb, ps, pg;
    tw_pv_poa_hay_davies(dni, dhi, ghi, cz, caoi, 20.0, tw_pv_extraterrestrial(g.r_au), 0.2, &pb,
                         &ps, &pg);
    double pac = 4000.0 * tw_pv_pvwatts(&p, pb, ps, pg, caoi, ta + 273.15, ws);
    sum += pac;
    sum_ref += ac;
    if (ac > 0.0) {
      se += (pac - ac) * (pac - ac);
      sday += ac;
      nday++;
    }
    n++;
  }
  fclose(f);
  assert_int_equal(n, 8760);
  double cf = sum / (4000.0 * 8760.0), cf_ref = sum_ref / (4000.0 * 8760.0);
  double rms_rel = sqrt(se / nday) / (sday / nday);
  printf("PVWatts Denver: annual CF %.4f (file %.4f, published 0.1719), hourly RMS error %.2f%% "
         "of mean daytime AC\n", cf, cf_ref, 100.0 * rms_rel);
  assert_true(fabs(cf - 0.1719) / 0.1719 < 0.02);
  assert_true(rms_rel < 0.05);
}

/* Slow scalar reference for one ERA5 cell-hour of PV, double precision,
 * written out step by step (Reindl or fdir split, Hay-Davies, Huld). */
static double pv_reference(double lat, double lon, double unix_mid, double ghi, double fdir,
                           double tk, const tw_pv_params *p) {
  if (!(ghi > 0.0)) return 0.0;
  const double r = 3.14159265358979323846 / 180.0;
  tw_sun_geo g;
  tw_spa_geocentric(unix_mid, tw_spa_delta_t(2017.0), &g);
  tw_sun_pos s = tw_spa_topocentric(&g, lat, lon, 0.0, 1013.25, 12.0);
  double cz = cos(s.zenith_deg * r), i0 = 1361.0 / (g.r_au * g.r_au);
  double bh = isfinite(fdir) ? fmin(fmax(fdir, 0.0), ghi) : 0.0;
  if (!isfinite(fdir)) {
    double kt = ghi / (i0 * cz), fd;
    if (cz <= 0.0) fd = 1.0;
    else if (kt <= 0.3) fd = fmin(1.02 - 0.254 * kt + 0.0123 * cz, 1.0);
    else if (kt < 0.78) fd = fmin(fmax(1.4 - 1.749 * kt + 0.177 * cz, 0.1), 0.97);
    else fd = fmax(0.486 * kt - 0.182 * cz, 0.1);
    bh = ghi * (1.0 - fd);
  }
  double dni = cz > 0.0 ? fmin(bh / fmax(cz, sin(3.0 * r)), i0) : 0.0;
  double dhi = ghi - dni * fmax(cz, 0.0);
  double al = fabs(lat);
  double tilt = al <= 25.0 ? 0.87 * al : (al <= 50.0 ? 0.76 * al + 0.31 : 40.0);
  double az = lat >= 0.0 ? 180.0 : 0.0;
  double caoi = cz * cos(tilt * r) + sin(s.zenith_deg * r) * sin(tilt * r) *
                cos((s.azimuth_deg - az) * r);
  caoi = fmax(caoi, 0.0);
  double aniso = fmin(fmax(dni / i0, 0.0), 1.0);
  double poa = dni * caoi + dhi * (aniso * caoi / fmax(cz, 0.01745) +
                                   (1.0 - aniso) * 0.5 * (1.0 + cos(tilt * r))) +
               ghi * 0.2 * 0.5 * (1.0 - cos(tilt * r));
  if (!(poa > 0.0)) return 0.0;
  double gg = poa / 1000.0, lg = log(gg), tp = tk + 0.035 * poa - 298.0;
  const double *k = p->huld_k;
  double eff = 1.0 + k[0] * lg + k[1] * lg * lg + tp * (k[2] + k[3] * lg + k[4] * lg * lg) +
               k[5] * tp * tp;
  return fmin(fmax(gg * fmax(eff, 0.0) * 0.9, 0.0), 1.0);
}

static void test_era5_example(void **state) {
  (void)state;
  char path[4096], tpath[4096], ppath[4096];
  data_path(path, sizeof path, "era5/ERA5_example_data.nc");
  data_path(tpath, sizeof tpath, "turbines/atlite/Vestas_V112_3MW.yaml");
  data_path(ppath, sizeof ppath, "pv/atlite/CSi.yaml");
  const char *paths[1] = {path};
  tw_ingest_params ip;
  tw_ingest_params_default(&ip);
  ip.paths = paths;
  ip.npaths = 1;
  tw_climate *c = NULL;
  assert_int_equal(tw_climate_read(&ip, &c), TW_OK);
  tw_turbine *t = NULL;
  assert_int_equal(tw_turbine_load(tpath, NULL, &t), TW_OK);
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  tw_convert_params p;
  tw_convert_params_default(&p);
  p.turbine = t;
  assert_int_equal(tw_pv_panel_load_yaml(ppath, &p.pv), TW_OK);
  p.pv.orientation = TW_PV_LATITUDE_OPTIMAL;
  float *wind = NULL, *pv = NULL;
  assert_int_equal(tw_convert_wind_cells(be, c, &p, &wind), TW_OK);
  assert_int_equal(tw_convert_solar_cells(be, c, &p, &pv), TW_OK);
  const tw_climate_var *u = tw_climate_find(c, "u100"), *v = tw_climate_find(c, "v100");
  const tw_climate_var *fsr = tw_climate_find(c, "fsr"), *ssrd = tw_climate_find(c, "ssrd");
  const tw_climate_var *fdir = tw_climate_find(c, "fdir"), *t2m = tw_climate_find(c, "t2m");
  assert_non_null(fsr);
  double sw = 0.0, sw_ref = 0.0, sp = 0.0, sp_ref = 0.0, maxdiff_w = 0.0, maxdiff_p = 0.0;
  size_t n = c->ntime * c->ncell;
  for (size_t tt = 0; tt < c->ntime; tt++)
    for (size_t i = 0; i < c->ncell; i++) {
      size_t e = tt * c->ncell + i;
      double z0 = fsr->time_varying ? fsr->data[e] : fsr->data[i];
      z0 = z0 > 2e-4 ? z0 : 2e-4;
      double hub = hypot(u->data[e], v->data[e]) * log(80.0 / z0) / log(100.0 / z0);
      double rw = tw_turbine_power_W(t, hub) / (t->rated_MW * 1e6);
      double lat, lon;
      tw_climate_cell_coords(c, i, &lat, &lon);
      double rp = pv_reference(lat, lon, (double)c->time[tt] - 0.5 * c->step_s, ssrd->data[e],
                               fdir ? fdir->data[e] : NAN, t2m->data[e], &p.pv);
      sw += wind[e];
      sw_ref += rw;
      sp += pv[e];
      sp_ref += rp;
      maxdiff_w = fmax(maxdiff_w, fabs(wind[e] - rw));
      maxdiff_p = fmax(maxdiff_p, fabs(pv[e] - rp));
    }
  printf("ERA5_example_data.nc (%zu cells x %zu h): wind CF V112 @80 m %.4f (reference %.4f, max "
         "hourly diff %.2e); PV CF CSi latitude-optimal %.4f (reference %.4f, max hourly diff "
         "%.2e)\n", c->ncell, c->ntime, sw / (double)n, sw_ref / (double)n, maxdiff_w,
         sp / (double)n, sp_ref / (double)n, maxdiff_p);
  assert_true(fabs(sw - sw_ref) / (double)n < 1e-5);
  assert_true(fabs(sp - sp_ref) / (double)n < 1e-5);
  assert_true(maxdiff_w < 1e-4 && maxdiff_p < 1e-4);
  assert_true(sw / (double)n > 0.05 && sw / (double)n < 0.6);
  assert_true(sp / (double)n > 0.05 && sp / (double)n < 0.2);
  free(wind);
  free(pv);
  tw_backend_destroy(&be);
  tw_turbine_destroy(&t);
  tw_climate_destroy(&c);
}

int main(void) {
  if (snprintf(g_data, sizeof g_data, "%s", tw_reference_data_dir()) >= (int)sizeof g_data) {
    fprintf(stderr, "FAIL: reference data path longer than %zu bytes\n", sizeof g_data);
    return 1;
  }
  char probe[4200];
  struct stat sb;
  snprintf(probe, sizeof probe, "%s/turbines/oedb_power_curves.csv", g_data);
  if (stat(probe, &sb) != 0) return tw_reference_data_absent(probe);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_e126_model_chain),
      cmocka_unit_test(test_atlite_files),
      cmocka_unit_test(test_pvwatts_denver),
      cmocka_unit_test(test_era5_example),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
