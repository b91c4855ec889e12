/* terrawatt: solar position, NREL SPA (Reda & Andreas 2004/2008, "Solar
 * position algorithm for solar radiation applications", NREL/TP-560-34302),
 * split in two:
 *   - tw_spa_geocentric (host, src/convert/solar_spa.c): everything that
 *     depends only on time (heliocentric position from the VSOP87 tables,
 *     nutation, aberration, apparent sidereal time), computed once per time
 *     step;
 *   - tw_spa_topocentric (TW_HD, here): the per-location part (parallax,
 *     hour angle, refraction), cheap, run per cell on CPU and GPU.
 * Their composition is SPA exactly (uncertainty +-0.0003 deg, years -2000
 * to 6000). Angles in degrees, time in UT.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_PHYSICS_SOLAR_H
#define TERRAWATT_PHYSICS_SOLAR_H

#include <math.h>

#include "terrawatt/hd.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The location-independent part of SPA at one instant. */
typedef struct tw_sun_geo {
  double alpha_deg; /* geocentric right ascension */
  double delta_deg; /* geocentric declination */
  double nu_deg;    /* apparent sidereal time at Greenwich */
  double xi_deg;    /* equatorial horizontal parallax of the sun */
  double r_au;      /* earth-sun distance (astronomical units) */
} tw_sun_geo;

/* Topocentric sun position at one location. */
typedef struct tw_sun_pos {
  double zenith_deg;  /* topocentric zenith angle, refraction-corrected */
  double azimuth_deg; /* clockwise from north, 0..360 */
} tw_sun_pos;

/* Compute the geocentric part for `unix_s` seconds since 1970-01-01 UTC
 * (proleptic Gregorian; fractional seconds allowed) with `delta_t_s` =
 * TT - UT (s; about 69 s in 2017-2024). */
void tw_spa_geocentric(double unix_s, double delta_t_s, tw_sun_geo *out);

/* A default Delta T (s) for a year: Espenak & Meeus polynomials for
 * 1986-2150 (69.2 s in 2020), clamped outside. The error this implies
 * (<2 s) moves the sun by < 0.01 deg. */
double tw_spa_delta_t(double year);

#define TW_SPA_DEG (3.14159265358979323846 / 180.0)

/* Per-location SPA steps (paper sections 3.9-3.14): latitude and longitude
 * (deg, east positive), elevation (m), annual mean pressure (hPa) and
 * temperature (degrees C) for refraction (pressure 1013.25, temperature
 * 12 is SPA's standard atmosphere). */
static inline TW_HD tw_sun_pos tw_spa_topocentric(const tw_sun_geo *g, double lat_deg,
                                                  double lon_deg, double elevation_m,
                                                  double pressure_hPa, double temperature_C) {
  const double d2r = TW_SPA_DEG;
  double phi = lat_deg * d2r;
  double h = fmod(g->nu_deg + lon_deg - g->alpha_deg, 360.0); /* local hour angle */
  if (h < 0.0) h += 360.0;
  double hr = h * d2r;
  double xi = g->xi_deg * d2r;
  double delta = g->delta_deg * d2r;
  double u = atan(0.99664719 * tan(phi));
  double x = cos(u) + elevation_m / 6378140.0 * cos(phi);
  double y = 0.99664719 * sin(u) + elevation_m / 6378140.0 * sin(phi);
  double denom = cos(delta) - x * sin(xi) * cos(hr);
  double d_alpha = atan2(-x * sin(xi) * sin(hr), denom);
  double delta_p = atan2((sin(delta) - y * sin(xi)) * cos(d_alpha), denom);
  double hp = hr - d_alpha; /* topocentric local hour angle */
  double e0 = asin(sin(phi) * sin(delta_p) + cos(phi) * cos(delta_p) * cos(hp)) / d2r;
  double de = 0.0;
  if (e0 >= -(0.26667 + 0.5667)) /* sun radius + refraction at sunrise */
    de = pressure_hPa / 1010.0 * 283.0 / (273.0 + temperature_C) * 1.02 /
         (60.0 * tan((e0 + 10.3 / (e0 + 5.11)) * d2r));
  tw_sun_pos p;
  p.zenith_deg = 90.0 - (e0 + de);
  double gamma = atan2(sin(hp), cos(hp) * sin(phi) - tan(delta_p) * cos(phi)) / d2r;
  double az = fmod(gamma + 180.0, 360.0);
  p.azimuth_deg = az < 0.0 ? az + 360.0 : az;
  return p;
}

#ifdef __cplusplus
}
#endif
#endif
