/* Synthetic but plausible weather for the bundled example: northern
 * Germany and the German Bight, 0.25 deg, 2019-04-01..14 hourly.
 * - wind: a spatially correlated Gaussian field (random Fourier modes with
 *   AR(1) amplitudes, decorrelation about 2.5 days) mapped through the
 *   normal CDF onto a Weibull distribution (k = 2.1; scale 10 m/s at sea,
 *   7.8 m/s on land at 100 m); a storm (hours 30..80) and a calm,
 *   sunny high-pressure spell (hours 170..235) shift the field. 10 m wind
 *   follows the log profile over the roughness length fsr.
 * - ssrd: clear-sky irradiance from sun geometry (Spencer 1971
 *   declination and equation of time; Haurwitz 1945 clear sky
 *   GHI = 1098 cos(z) exp(-0.057 / cos(z)) W/m2), integrated over the
 *   hour ending at the time label (5-minute steps) into J m-2, times a
 *   cloud transmission 1 - 0.75 c^3.4 (Kasten & Czeplak 1980) with cloud
 *   cover c from a correlated AR(1) field.
 * - t2m: April climatology, latitude gradient, synoptic AR(1) anomaly and
 *   a diurnal cycle (peak 15 h local solar time) damped by clouds and sea.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/example.h"
#include "ingest/prng.h"

#define NMODE 8
#define PI 3.14159265358979323846

typedef struct field {
  double kx[NMODE], ky[NMODE], ph[NMODE], a[NMODE];
  double phi; /* AR(1) coefficient per hour */
} field;

static void field_init(field *f, tw_prng *r, double phi, double lmin_km, double lmax_km) {
  f->phi = phi;
  for (int k = 0; k < NMODE; k++) {
    double wl = lmin_km + (lmax_km - lmin_km) * tw_prng_uniform(r);
    double dir = 2 * PI * tw_prng_uniform(r);
    f->kx[k] = 2 * PI / wl * cos(dir);
    f->ky[k] = 2 * PI / wl * sin(dir);
    f->ph[k] = 2 * PI * tw_prng_uniform(r);
    f->a[k] = tw_prng_normal(r);
  }
}

static void field_step(field *f, tw_prng *r) {
  double s = sqrt(1 - f->phi * f->phi);
  for (int k = 0; k < NMODE; k++) f->a[k] = f->phi * f->a[k] + s * tw_prng_normal(r);
}

/* Unit-variance value at (x, y) km. */
static double field_at(const field *f, double x, double y) {
  double s = 0;
  for (int k = 0; k < NMODE; k++) s += f->a[k] * cos(f->kx[k] * x + f->ky[k] * y + f->ph[k]);
  return s / sqrt(NMODE / 2.0);
}

static double norm_cdf(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }

/* Smooth bump: 0 outside [a, b], 1 in the middle, cosine ramps of width w. */
static double bump(double t, double a, double b, double w) {
  if (t <= a || t >= b) return 0;
  if (t < a + w) return 0.5 - 0.5 * cos(PI * (t - a) / w);
  if (t > b - w) return 0.5 - 0.5 * cos(PI * (b - t) / w);
  return 1;
}

static int is_sea(double lat, double lon) {
  return (lat >= 53.75 && lon <= 8.5) || (lat >= 54.5 && lon >= 10.5) || (lat >= 54.0 && lon <= 7.6);
}

/* Clear-sky global horizontal irradiance (W/m2) at an instant. */
static double clear_sky_ghi(tw_time_s t, double lat_deg, double lon_deg) {
  tw_datetime dt;
  tw_time_to_datetime(TW_CAL_STANDARD, t, &dt);
  int doy = tw_datetime_day_of_year(TW_CAL_STANDARD, &dt);
  double hour = dt.hour + dt.minute / 60.0 + dt.second / 3600.0;
  double g = 2 * PI / 365.0 * (doy - 1 + (hour - 12) / 24.0);
  double decl = 0.006918 - 0.399912 * cos(g) + 0.070257 * sin(g) - 0.006758 * cos(2 * g) +
                0.000907 * sin(2 * g) - 0.002697 * cos(3 * g) + 0.00148 * sin(3 * g);
  double eot = 229.18 * (0.000075 + 0.001868 * cos(g) - 0.032077 * sin(g) - 0.014615 * cos(2 * g) -
                         0.040849 * sin(2 * g));
  double tst = hour * 60 + 4 * lon_deg + eot; /* true solar time, minutes */
  double ha = (tst / 4 - 180) * PI / 180;
  double lat = lat_deg * PI / 180;
  double cz = sin(lat) * sin(decl) + cos(lat) * cos(decl) * cos(ha);
  if (cz <= 0.01) return 0;
  return 1098.0 * cz * exp(-0.057 / cz);
}

size_t tw_example_nearest_cell(const tw_example_weather *w, double lat, double lon) {
  size_t best = 0;
  double bd = 1e30;
  for (size_t i = 0; i < TW_EX_NLAT; i++)
    for (size_t j = 0; j < TW_EX_NLON; j++) {
      double d = (w->lat[i] - lat) * (w->lat[i] - lat) + (w->lon[j] - lon) * (w->lon[j] - lon);
      if (d < bd) {
        bd = d;
        best = i * TW_EX_NLON + j;
      }
    }
  return best;
}

void tw_example_weather_free(tw_example_weather *w) {
  free(w->u100);
  free(w->v100);
  free(w->u10);
  free(w->v10);
  free(w->t2m);
  free(w->ssrd);
  free(w->fsr);
  memset(w, 0, sizeof *w);
}

tw_status tw_example_weather_make(tw_example_weather *w) {
  memset(w, 0, sizeof *w);
  size_t n = (size_t)TW_EX_NT * TW_EX_NCELL;
  float **arrays[] = {&w->u100, &w->v100, &w->u10, &w->v10, &w->t2m, &w->ssrd, &w->fsr};
  for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
    tw_status st = tw_calloc(n, sizeof(float), "example weather", arrays[i]);
    if (st != TW_OK) {
      tw_example_weather_free(w);
      return st;
    }
  }
  for (int i = 0; i < TW_EX_NLAT; i++) w->lat[i] = 54.75 - 0.25 * i;
  for (int j = 0; j < TW_EX_NLON; j++) w->lon[j] = 7.0 + 0.25 * j;
  tw_datetime start = {2019, 4, 1, 0, 0, 0};
  tw_time_s t0 = 0;
  TW_CHECK(tw_time_from_datetime(TW_CAL_STANDARD, &start, &t0));
  for (int t = 0; t < TW_EX_NT; t++) w->time[t] = t0 + (tw_time_s)t * 3600;

  tw_prng r;
  tw_prng_seed(&r, TW_EX_SEED);
  /* static roughness: sea 0.2 mm; land log-normal around 0.1 m */
  double z0[TW_EX_NCELL], x[TW_EX_NCELL], y[TW_EX_NCELL], lam[TW_EX_NCELL];
  int sea[TW_EX_NCELL];
  for (int i = 0; i < TW_EX_NLAT; i++)
    for (int j = 0; j < TW_EX_NLON; j++) {
      int c = i * TW_EX_NLON + j;
      sea[c] = is_sea(w->lat[i], w->lon[j]);
      double g = tw_prng_normal(&r);
      z0[c] = sea[c] ? 0.0002 : fmin(1.0, fmax(0.02, exp(log(0.1) + 0.7 * g)));
      x[c] = (w->lon[j] - 9.0) * 111.32 * cos(53.0 * PI / 180);
      y[c] = (w->lat[i] - 53.0) * 110.57;
      lam[c] = sea[c] ? 10.0 : 7.8 - 1.2 * log(z0[c] / 0.1) / log(10.0);
    }
  field wind, dir, cloud, temp;
  field_init(&wind, &r, 0.985, 250, 900);
  field_init(&dir, &r, 0.99, 600, 1500);
  field_init(&cloud, &r, 0.95, 150, 600);
  field_init(&temp, &r, 0.992, 800, 2000);
  double local[TW_EX_NCELL], cloud_local[TW_EX_NCELL];
  for (int c = 0; c < TW_EX_NCELL; c++) {
    local[c] = tw_prng_normal(&r);
    cloud_local[c] = tw_prng_normal(&r);
  }
  double theta = 240.0; /* wind from WSW, degrees */
  for (int t = 0; t < TW_EX_NT; t++) {
    field_step(&wind, &r);
    field_step(&dir, &r);
    field_step(&cloud, &r);
    field_step(&temp, &r);
    theta += 0.03 * (240.0 - theta) + 4.0 * tw_prng_normal(&r);
    double storm = bump(t, 30, 80, 10), calm = bump(t, 170, 235, 15);
    double wind_bias = 1.1 * storm - 1.6 * calm, cloud_bias = 1.0 * storm - 1.4 * calm;
    for (int c = 0; c < TW_EX_NCELL; c++) {
      local[c] = 0.9 * local[c] + sqrt(1 - 0.81) * tw_prng_normal(&r);
      cloud_local[c] = 0.8 * cloud_local[c] + 0.6 * tw_prng_normal(&r);
      int i = c / TW_EX_NLON, j = c % TW_EX_NLON;
      size_t k = (size_t)t * TW_EX_NCELL + (size_t)c;
      /* wind speed at 100 m */
      double zg = sqrt(1 - 0.09) * field_at(&wind, x[c], y[c]) + 0.3 * local[c] + wind_bias;
      double u = fmin(1 - 1e-12, fmax(1e-12, norm_cdf(zg)));
      double ws = lam[c] * pow(-log(1 - u), 1 / 2.1);
      double th = (theta + 15.0 * field_at(&dir, x[c], y[c])) * PI / 180;
      w->u100[k] = (float)(-ws * sin(th));
      w->v100[k] = (float)(-ws * cos(th));
      double f10 = log(10.0 / z0[c]) / log(100.0 / z0[c]);
      w->u10[k] = (float)(w->u100[k] * f10);
      w->v10[k] = (float)(w->v100[k] * f10);
      w->fsr[k] = (float)z0[c];
      /* clouds and the hour-ending accumulated irradiance */
      double cz = 1.2 * (0.85 * field_at(&cloud, x[c], y[c]) + 0.5 * cloud_local[c]) + 0.2 + cloud_bias;
      double cover = 1.0 / (1.0 + exp(-cz));
      double trans = 1 - 0.75 * pow(cover, 3.4);
      double acc = 0;
      for (int m = 0; m < 12; m++)
        acc += clear_sky_ghi(w->time[t] - 3600 + m * 300 + 150, w->lat[i], w->lon[j]) * 300.0;
      w->ssrd[k] = (float)(acc * trans);
      /* temperature */
      tw_datetime dt;
      tw_time_to_datetime(TW_CAL_STANDARD, w->time[t], &dt);
      double solar_h = dt.hour + w->lon[j] / 15.0;
      double amp = (sea[c] ? 1.0 : 4.5) * (1 - 0.6 * cover) * (1 + 0.4 * calm);
      double tk = 281.2 - 0.6 * (w->lat[i] - 53.0) + 0.15 * t / 24.0 + 3.0 * field_at(&temp, x[c], y[c]) +
                  2.0 * calm + amp * sin(2 * PI * (solar_h - 9.0) / 24.0);
      w->t2m[k] = (float)tk;
    }
  }
  return TW_OK;
}
