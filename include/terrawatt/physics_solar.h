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

#include "terrawatt/export.h"

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
TW_API void tw_spa_geocentric(double unix_s, double delta_t_s, tw_sun_geo *out);

/* A default Delta T (s) for a year: Espenak & Meeus polynomials for
 * 1986-2150 (69.2 s in 2020), clamped outside. The error this implies
 * (<2 s) moves the sun by < 0.01 deg. */
TW_API double tw_spa_delta_t(double year);

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


/* ---- fast sun geometry for grids ----------------------------------------
 * The sun direction at a cell from quantities computed once per time step
 * (declination and Greenwich hour angle from tw_spa_geocentric, so the
 * astronomy is SPA's) and once per cell (sin/cos of latitude and
 * longitude): the hour angle by the angle-addition formula, the direction
 * cosines by products, then elevation and azimuth with two atan2f, the
 * parallax as -xi cos(elevation) and SPA's refraction formula (its
 * tangent from the elevation's sine and cosine, no tanf).
 * Single precision, no double trigonometry, no branches but the
 * refraction's: the loop vectorises. Measured against tw_spa_topocentric:
 * docs/CONVERT.md (test_convert_physics checks < 0.01 deg). */

/* Time-dependent part (one per time step), from tw_sun_fast_from_geo. */
typedef struct tw_sun_fast {
  float sin_dec, cos_dec; /* geocentric declination */
  float sin_gha, cos_gha; /* Greenwich hour angle nu - alpha */
  float xi_deg;           /* equatorial horizontal parallax */
  float r_au;             /* earth-sun distance */
} tw_sun_fast;

/* Cell-dependent part (one per cell, fixed for a grid). */
typedef struct tw_cell_trig {
  float sin_lat, cos_lat, sin_lon, cos_lon;
} tw_cell_trig;

static inline void tw_sun_fast_from_geo(const tw_sun_geo *g, tw_sun_fast *f) {
  const double d2r = TW_SPA_DEG;
  f->sin_dec = (float)sin(g->delta_deg * d2r);
  f->cos_dec = (float)cos(g->delta_deg * d2r);
  f->sin_gha = (float)sin((g->nu_deg - g->alpha_deg) * d2r);
  f->cos_gha = (float)cos((g->nu_deg - g->alpha_deg) * d2r);
  f->xi_deg = (float)g->xi_deg;
  f->r_au = (float)g->r_au;
}

static inline void tw_cell_trig_make(double lat_deg, double lon_deg, tw_cell_trig *c) {
  const double d2r = TW_SPA_DEG;
  c->sin_lat = (float)sin(lat_deg * d2r);
  c->cos_lat = (float)cos(lat_deg * d2r);
  c->sin_lon = (float)sin(lon_deg * d2r);
  c->cos_lon = (float)cos(lon_deg * d2r);
}

/* Sun position for a cell; refraction with SPA's standard atmosphere
 * (1013.25 hPa, 12 C), as tw_pv_cell_cf uses. Also the unit vector towards
 * the apparent (refracted) sun in east, north, up components, so callers
 * can take angles of incidence as dot products without trigonometry (the
 * elevation change d = refraction - parallax, at most 0.6 deg, is applied
 * to the vector to second order in d: error < 2e-7 rad).
 * tw_sun_fast_vector: the refracted unit vector and the apparent zenith
 * (deg, returned) without the azimuth (one atan2f less); geo_east and
 * geo_north are the unrefracted horizontal components. */
static inline TW_HD float tw_sun_fast_vector(const tw_sun_fast *s, const tw_cell_trig *c,
                                             float *east_out, float *north_out, float *up_out,
                                             float *geo_east, float *geo_north) {
  const float r2d = (float)(180.0 / 3.14159265358979323846);
  float ch = s->cos_gha * c->cos_lon - s->sin_gha * c->sin_lon; /* cos of local hour angle */
  float sh = s->sin_gha * c->cos_lon + s->cos_gha * c->sin_lon;
  float up = c->sin_lat * s->sin_dec + c->cos_lat * s->cos_dec * ch;
  float east = -s->cos_dec * sh;
  float north = c->cos_lat * s->sin_dec - c->sin_lat * s->cos_dec * ch;
  float horiz = sqrtf(east * east + north * north);
  float inv_len = 1.0f / sqrtf(horiz * horiz + up * up);
  float un = up * inv_len, hn = horiz * inv_len; /* sin, cos of the elevation */
  float e_geo = atan2f(up, horiz) * r2d;
  float par = s->xi_deg * hn;                      /* parallax: -xi cos(e), deg */
  float e0 = e_geo - par;
  float de = 0.0f;
  if (e0 >= -(0.26667f + 0.5667f)) {
    /* SPA: de = K / tan(e0 + 10.3 / (e0 + 5.11) deg), without tanf: the
     * cotangent of the sum from sin/cos of e0 (the unit vector turned down
     * by the parallax, < 5e-5 rad) and tan of the small term t (< 2.1 deg:
     * t + t^3/3, error < 1e-8) */
    float p = par * (1.0f / r2d), u0 = un - hn * p, h0 = hn + un * p;
    float t = 10.3f / (e0 + 5.11f) * (1.0f / r2d), tt = t + t * t * t * (1.0f / 3.0f);
    de = (float)(1013.25 / 1010.0 * 283.0 / 285.0 * 1.02 / 60.0) * (h0 - u0 * tt) /
         (u0 + h0 * tt);
  }
  /* rotate the unit vector up by d = e0 + de - e_geo */
  float d = (e0 + de - e_geo) * (1.0f / r2d), d2 = 0.5f * d * d;
  float up2 = un + hn * d - un * d2, h2 = hn - un * d - hn * d2;
  float hs = horiz > 0.0f ? h2 / horiz : 0.0f;
  *east_out = east * hs;
  *north_out = north * hs;
  *up_out = up2;
  *geo_east = east;
  *geo_north = north;
  return 90.0f - (e0 + de);
}

/* tw_sun_fast_vector with the angles: apparent zenith and azimuth
 * (clockwise from north), degrees. */
static inline TW_HD tw_sun_pos tw_sun_fast_direction(const tw_sun_fast *s, const tw_cell_trig *c,
                                                     float *east_out, float *north_out,
                                                     float *up_out) {
  const float r2d = (float)(180.0 / 3.14159265358979323846);
  float east, north;
  float zen = tw_sun_fast_vector(s, c, east_out, north_out, up_out, &east, &north);
  float az = atan2f(east, north) * r2d;
  tw_sun_pos p;
  p.zenith_deg = (double)zen;
  p.azimuth_deg = (double)(az < 0.0f ? az + 360.0f : az);
  return p;
}

static inline TW_HD tw_sun_pos tw_sun_fast_position(const tw_sun_fast *s, const tw_cell_trig *c) {
  float e, n, u;
  return tw_sun_fast_direction(s, c, &e, &n, &u);
}

#ifdef __cplusplus
}
#endif
#endif
