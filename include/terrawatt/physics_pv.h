/* terrawatt: per-cell photovoltaic physics, shared by the CPU loop and the
 * CUDA kernel: irradiance split, plane-of-array irradiance, orientation and
 * panel models. Angles in degrees unless named _rad; irradiance in W/m2;
 * temperatures in K (ambient input) or degrees C where named _C.
 * Formulas and sources are listed in docs/CONVERT.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_PHYSICS_PV_H
#define TERRAWATT_PHYSICS_PV_H

#include <math.h>

#include "terrawatt/hd.h"
#include "terrawatt/physics_solar.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tw_pv_orientation_kind {
  TW_PV_FIXED = 0,            /* tilt_deg, azimuth_deg */
  TW_PV_LATITUDE_OPTIMAL = 1, /* Landau's fit as in atlite; azimuth to the equator */
  TW_PV_SINGLE_AXIS = 2       /* horizontal axis at axis_azimuth_deg, no backtracking */
} tw_pv_orientation_kind;

typedef enum tw_pv_poa_model {
  TW_PV_POA_HAY_DAVIES = 0, /* Hay & Davies (1980), the default */
  TW_PV_POA_PEREZ = 1       /* Perez et al. (1990), allsitescomposite1990 coefficients */
} tw_pv_poa_model;

typedef enum tw_pv_panel_kind {
  TW_PV_HULD = 0,   /* Huld et al. 2010 (atlite CSi / CdTe) */
  TW_PV_PVWATTS = 1 /* PVWatts v5-style DC model + inverter */
} tw_pv_panel_kind;

/* Parameters of the whole per-cell PV chain (plain data: passed by value
 * to kernels). Fill with tw_pv_params_default (convert.h). */
typedef struct tw_pv_params {
  int orientation;          /* tw_pv_orientation_kind */
  double tilt_deg;          /* fixed: surface tilt from horizontal */
  double azimuth_deg;       /* fixed: surface azimuth, clockwise from north (180 = south) */
  double axis_azimuth_deg;  /* single axis: direction of the axis (180 = N-S axis) */
  double max_rotation_deg;  /* single axis: rotation limit (e.g. 60) */
  double albedo;            /* ground reflectance (0.2) */
  double elevation_m;       /* for refraction / parallax (0) */
  int poa_model;            /* tw_pv_poa_model: sky-diffuse model (0 Hay-Davies) */
  int panel;                /* tw_pv_panel_kind */
  /* Huld */
  double huld_k[6];         /* k_1..k_6 */
  double c_temp_amb;        /* module T = c_temp_amb * T_amb + c_temp_irrad * G */
  double c_temp_irrad;      /* K per W/m2 */
  double r_tmod_K;          /* reference module temperature (298 K) */
  double r_irradiance_wm2;  /* reference irradiance (1000) */
  double inverter_efficiency; /* Huld: constant factor (atlite 0.9) */
  /* PVWatts */
  double gamma_pdc_per_K;   /* temperature coefficient of power (-0.0047 /K) */
  double losses;            /* system losses fraction (0.14) */
  double dc_ac_ratio;       /* DC nameplate / AC nameplate (1.2) */
  double inverter_eta_nom;  /* nominal inverter efficiency (0.96) */
  double default_wind_ms;   /* wind speed for the cell-temperature model when none (1 m/s) */
} tw_pv_params;

/* Direct and diffuse horizontal irradiance from global horizontal `ghi`
 * (W/m2): if `fdir` (direct horizontal, W/m2) is finite it is used
 * (diffuse = ghi - fdir); otherwise the Reindl et al. (1990) correlation
 * with clearness index kt = ghi / (I0 cos z) and sun elevation. */
static inline TW_HD void tw_pv_split(double ghi, double fdir, double cos_zenith, double i0_wm2,
                                     double *direct_h, double *diffuse_h) {
  if (!(ghi > 0.0)) {
    *direct_h = 0.0;
    *diffuse_h = 0.0;
    return;
  }
  if (fdir == fdir) { /* finite fdir given */
    double b = fdir < 0.0 ? 0.0 : (fdir > ghi ? ghi : fdir);
    *direct_h = b;
    *diffuse_h = ghi - b;
    return;
  }
  if (cos_zenith <= 0.0) { /* sun below horizon at the sampled instant: all diffuse */
    *direct_h = 0.0;
    *diffuse_h = ghi;
    return;
  }
  double kt = ghi / (i0_wm2 * cos_zenith);
  double sin_alt = cos_zenith;
  double fd;
  if (kt <= 0.3) {
    fd = 1.02 - 0.254 * kt + 0.0123 * sin_alt;
    fd = fd > 1.0 ? 1.0 : fd;
  } else if (kt < 0.78) {
    fd = 1.4 - 1.749 * kt + 0.177 * sin_alt;
    fd = fd < 0.1 ? 0.1 : (fd > 0.97 ? 0.97 : fd);
  } else {
    fd = 0.486 * kt - 0.182 * sin_alt;
    fd = fd < 0.1 ? 0.1 : fd;
  }
  *diffuse_h = fd * ghi;
  *direct_h = ghi - *diffuse_h;
}

/* Smallest cos(zenith) used to turn direct horizontal into direct normal
 * irradiance (sun 3 deg above the horizon); lower suns keep their direct
 * horizontal part but it is not amplified further. */
#define TW_PV_MIN_COS_ZENITH 0.052335956

/* Surface orientation (tilt, azimuth in degrees) for a cell at `lat_deg`
 * with the sun at (zenith, azimuth). */
static inline TW_HD void tw_pv_orientation(const tw_pv_params *p, double lat_deg,
                                           double zenith_deg, double sun_azimuth_deg,
                                           double *tilt_deg, double *azimuth_deg) {
  if (p->orientation == TW_PV_LATITUDE_OPTIMAL) {
    double a = fabs(lat_deg);
    *tilt_deg = a <= 25.0 ? 0.87 * a : (a <= 50.0 ? 0.76 * a + 0.31 : 40.0);
    *azimuth_deg = lat_deg >= 0.0 ? 180.0 : 0.0;
  } else if (p->orientation == TW_PV_SINGLE_AXIS) {
    const double d2r = TW_SPA_DEG;
    double z = zenith_deg * d2r;
    double rel = (sun_azimuth_deg - p->axis_azimuth_deg) * d2r;
    double r = atan2(sin(z) * sin(rel), cos(z)) / d2r; /* ideal rotation */
    if (zenith_deg >= 90.0) r = 0.0;                   /* stow flat at night */
    double lim = p->max_rotation_deg;
    r = r > lim ? lim : (r < -lim ? -lim : r);
    *tilt_deg = fabs(r);
    *azimuth_deg = fmod(p->axis_azimuth_deg + (r >= 0.0 ? 90.0 : -90.0) + 360.0, 360.0);
  } else {
    *tilt_deg = p->tilt_deg;
    *azimuth_deg = p->azimuth_deg;
  }
}

/* cos(angle of incidence) between the sun and a surface (degrees). */
static inline TW_HD double tw_pv_cos_aoi(double zenith_deg, double sun_azimuth_deg,
                                         double tilt_deg, double surface_azimuth_deg) {
  const double d2r = TW_SPA_DEG;
  double z = zenith_deg * d2r, t = tilt_deg * d2r;
  return cos(z) * cos(t) + sin(z) * sin(t) * cos((sun_azimuth_deg - surface_azimuth_deg) * d2r);
}

/* Plane-of-array irradiance, Hay & Davies (1980) sky diffuse plus isotropic
 * ground reflection: beam = dni * max(cos aoi, 0); sky = dhi * (A * Rb +
 * (1 - A)(1 + cos tilt)/2) with anisotropy index A = dni / I0 and
 * Rb = max(cos aoi, 0) / max(cos z, 0.01745); ground = ghi * albedo *
 * (1 - cos tilt) / 2. */
static inline TW_HD void tw_pv_poa_hay_davies(double dni, double dhi, double ghi,
                                              double cos_zenith, double cos_aoi,
                                              double tilt_deg, double i0_wm2, double albedo,
                                              double *poa_beam, double *poa_sky,
                                              double *poa_ground) {
  double ct = cos(tilt_deg * TW_SPA_DEG);
  double caoi = cos_aoi > 0.0 ? cos_aoi : 0.0;
  double a = i0_wm2 > 0.0 ? dni / i0_wm2 : 0.0;
  a = a < 0.0 ? 0.0 : (a > 1.0 ? 1.0 : a);
  double rb = caoi / (cos_zenith > 0.01745 ? cos_zenith : 0.01745);
  *poa_beam = dni * caoi;
  *poa_sky = dhi * (a * rb + (1.0 - a) * 0.5 * (1.0 + ct));
  *poa_ground = ghi * albedo * 0.5 * (1.0 - ct);
}

/* Relative air mass, Kasten & Young (1989), at apparent zenith z (deg):
 * 1 / (cos z + 0.50572 (96.07995 - z)^-1.6364); NaN for z > 90. */
static inline TW_HD double tw_pv_airmass_kasten_young(double zenith_deg) {
  if (!(zenith_deg <= 90.0)) return (double)NAN;
  return 1.0 / (cos(zenith_deg * TW_SPA_DEG) + 0.50572 * pow(96.07995 - zenith_deg, -1.6364));
}

/* Perez et al. (1990) sky diffuse on a tilted plane (W/m2), coefficients
 * "allsitescomposite1990" (as pvlib.irradiance.perez): kappa = 1.041,
 * z in rad, brightness delta = dhi * airmass / I0, clearness
 * eps = ((dhi + dni)/dhi + kappa z^3) / (1 + kappa z^3) binned at 1.065,
 * 1.23, 1.5, 1.95, 2.8, 4.5, 6.2; F1 = max(f11 + f12 delta + f13 z, 0),
 * F2 = f21 + f22 delta + f23 z; sky = max(dhi ((1 - F1)(1 + cos tilt)/2 +
 * F1 max(cos aoi, 0) / max(cos z, cos 85 deg) + F2 sin tilt), 0).
 * With the sun at or below the horizon (no air mass) the sky is isotropic
 * (pvlib returns 0 there; terrawatt keeps ERA5's diffuse light of
 * mid-interval dawn hours). */
static inline TW_HD double tw_pv_perez_sky(double dni, double dhi, double zenith_deg,
                                           double cos_aoi, double tilt_deg, double i0_wm2,
                                           double airmass) {
  const double f1c[8][3] = {{-0.008, 0.588, -0.062}, {0.13, 0.683, -0.151},
                            {0.33, 0.487, -0.221},   {0.568, 0.187, -0.295},
                            {0.873, -0.392, -0.362}, {1.132, -1.237, -0.412},
                            {1.06, -1.6, -0.359},    {0.678, -0.327, -0.25}};
  const double f2c[8][3] = {{-0.06, 0.072, -0.022},  {-0.019, 0.066, -0.029},
                            {0.055, -0.064, -0.026}, {0.109, -0.152, -0.014},
                            {0.226, -0.462, 0.001},  {0.288, -0.823, 0.056},
                            {0.264, -1.127, 0.131},  {0.156, -1.377, 0.251}};
  const double bins[7] = {1.065, 1.23, 1.5, 1.95, 2.8, 4.5, 6.2};
  double ct = cos(tilt_deg * TW_SPA_DEG);
  if (!(dhi > 0.0)) return 0.0;
  if (!(airmass == airmass) || !(i0_wm2 > 0.0)) return dhi * 0.5 * (1.0 + ct);
  const double kappa = 1.041;
  double z = zenith_deg * TW_SPA_DEG;
  double delta = dhi * airmass / i0_wm2;
  double eps = ((dhi + (dni > 0.0 ? dni : 0.0)) / dhi + kappa * z * z * z) / (1.0 + kappa * z * z * z);
  int b = 0;
  while (b < 7 && eps >= bins[b]) b++;
  double f1 = f1c[b][0] + f1c[b][1] * delta + f1c[b][2] * z;
  f1 = f1 > 0.0 ? f1 : 0.0;
  double f2 = f2c[b][0] + f2c[b][1] * delta + f2c[b][2] * z;
  double a = cos_aoi > 0.0 ? cos_aoi : 0.0;
  double cz = cos(zenith_deg * TW_SPA_DEG), c85 = 0.08715574274765817; /* cos 85 deg */
  double bb = cz > c85 ? cz : c85;
  double sky = dhi * (0.5 * (1.0 - f1) * (1.0 + ct) + f1 * a / bb + f2 * sin(tilt_deg * TW_SPA_DEG));
  return sky > 0.0 ? sky : 0.0;
}

/* Huld et al. (2010) module model as in atlite: G' = G / r_irradiance,
 * T' = c_temp_amb T_amb + c_temp_irrad G - r_tmod, efficiency
 * eff = 1 + k1 ln G' + k2 ln^2 G' + T'(k3 + k4 ln G' + k5 ln^2 G') + k6 T'^2
 * (clipped >= 0); output per kW peak = G' * eff * inverter_efficiency. */
static inline TW_HD double tw_pv_huld(const tw_pv_params *p, double poa_wm2, double t_amb_K) {
  if (!(poa_wm2 > 0.0)) return 0.0;
  double g = poa_wm2 / p->r_irradiance_wm2;
  double tp = p->c_temp_amb * t_amb_K + p->c_temp_irrad * poa_wm2 - p->r_tmod_K;
  double lg = log(g);
  const double *k = p->huld_k;
  double eff = 1.0 + k[0] * lg + k[1] * lg * lg + tp * (k[2] + k[3] * lg + k[4] * lg * lg) +
               k[5] * tp * tp;
  if (eff < 0.0) eff = 0.0;
  return g * eff * p->inverter_efficiency;
}

/* Fraction of beam irradiance transmitted through the module cover at
 * angle of incidence `cos_aoi` (physical model, De Soto et al. 2006, as
 * used by PVWatts v5: glass index n = 1.526, K = 4 /m, L = 2 mm). */
static inline TW_HD double tw_pv_iam_physical(double cos_aoi) {
  const double n = 1.526, kl = 4.0 * 0.002;
  if (!(cos_aoi > 0.0)) return 0.0;
  double ci = cos_aoi > 1.0 ? 1.0 : cos_aoi;
  double th = acos(ci);
  double tau0 = exp(-kl) * (1.0 - ((1.0 - n) / (1.0 + n)) * ((1.0 - n) / (1.0 + n)));
  if (th < 1e-6) return 1.0;
  double thr = asin(sin(th) / n);
  double rs = sin(thr - th) / sin(thr + th), rp = tan(thr - th) / tan(thr + th);
  double tau = exp(-kl / cos(thr)) * (1.0 - 0.5 * (rs * rs + rp * rp));
  double r = tau / tau0;
  return r < 0.0 ? 0.0 : r;
}

/* Cell temperature (degrees C), Sandia open-rack glass/cell/polymer model
 * (King et al. 2004): T_m = E exp(-3.56 - 0.075 ws) + T_a,
 * T_c = T_m + E / 1000 * 3. */
static inline TW_HD double tw_pv_cell_temp_sapm_C(double poa_wm2, double t_amb_C,
                                                  double wind_ms) {
  double tm = poa_wm2 * exp(-3.56 - 0.075 * wind_ms) + t_amb_C;
  return tm + poa_wm2 / 1000.0 * 3.0;
}

/* PVWatts v5 inverter: AC output per kW DC nameplate from DC per kW DC.
 * P_ac0 = 1 / dc_ac_ratio, P_dc0_inv = P_ac0 / eta_nom, z = P_dc / P_dc0_inv,
 * eta = eta_nom / 0.9637 * (-0.0162 z - 0.0059 / z + 0.9858),
 * P_ac = min(eta P_dc, P_ac0), 0 for P_dc <= 0 (Dobos 2014). */
static inline TW_HD double tw_pv_pvwatts_inverter(double pdc_per_kw, double dc_ac_ratio,
                                                  double eta_nom) {
  if (!(pdc_per_kw > 0.0)) return 0.0;
  double pac0 = 1.0 / dc_ac_ratio;
  double pdc0 = pac0 / eta_nom;
  double z = pdc_per_kw / pdc0;
  double eta = eta_nom / 0.9637 * (-0.0162 * z - 0.0059 / z + 0.9858);
  double pac = eta * pdc_per_kw;
  if (pac > pac0) pac = pac0;
  return pac < 0.0 ? 0.0 : pac;
}

/* PVWatts-style chain per kW DC: transmitted POA = beam * IAM + sky +
 * ground; cell temperature (SAPM open rack); DC = POA_tr / 1000 *
 * (1 + gamma (T_c - 25)) * (1 - losses); AC by the PVWatts inverter.
 * Returns AC power per kW DC (the capacity factor per kW DC). */
static inline TW_HD double tw_pv_pvwatts(const tw_pv_params *p, double poa_beam, double poa_sky,
                                         double poa_ground, double cos_aoi, double t_amb_K,
                                         double wind_ms) {
  double poa = poa_beam + poa_sky + poa_ground;
  if (!(poa > 0.0)) return 0.0;
  double tr = poa_beam * tw_pv_iam_physical(cos_aoi) + poa_sky + poa_ground;
  double tc = tw_pv_cell_temp_sapm_C(poa, t_amb_K - 273.15, wind_ms);
  double pdc = tr / 1000.0 * (1.0 + p->gamma_pdc_per_K * (tc - 25.0)) * (1.0 - p->losses);
  return tw_pv_pvwatts_inverter(pdc, p->dc_ac_ratio, p->inverter_eta_nom);
}

/* Extraterrestrial normal irradiance (W/m2) at earth-sun distance r (AU). */
static inline TW_HD double tw_pv_extraterrestrial(double r_au) { return 1361.0 / (r_au * r_au); }

/* The chain after the geometry: cos(zenith) cz, cos(angle of incidence)
 * caoi, surface tilt; zenith_deg for the Perez air mass. */
static inline TW_HD float tw_pv_cell_cf_geom(const tw_pv_params *p, double zenith_deg, double cz,
                                             double caoi, double tilt, double r_au, double ghi,
                                             double fdir, double t_amb_K, double wind_ms) {
  double i0 = tw_pv_extraterrestrial(r_au);
  double bh, dh;
  tw_pv_split(ghi, fdir, cz, i0, &bh, &dh);
  double dni = 0.0;
  if (cz > 0.0) {
    dni = bh / (cz > TW_PV_MIN_COS_ZENITH ? cz : TW_PV_MIN_COS_ZENITH);
    if (dni > i0) dni = i0;
  }
  dh = ghi - dni * (cz > 0.0 ? cz : 0.0); /* keep ghi = beam + diffuse */
  double pb, ps, pg;
  tw_pv_poa_hay_davies(dni, dh, ghi, cz, caoi, tilt, i0, p->albedo, &pb, &ps, &pg);
  if (p->poa_model == TW_PV_POA_PEREZ)
    ps = tw_pv_perez_sky(dni, dh, zenith_deg, caoi, tilt, i0,
                         tw_pv_airmass_kasten_young(zenith_deg));
  double out;
  if (p->panel == TW_PV_PVWATTS)
    out = tw_pv_pvwatts(p, pb, ps, pg, caoi, t_amb_K, wind_ms == wind_ms ? wind_ms
                                                                           : p->default_wind_ms);
  else
    out = tw_pv_huld(p, pb + ps + pg, t_amb_K);
  return (float)(out < 0.0 ? 0.0 : (out > 1.0 ? 1.0 : out));
}

/* The chain of tw_pv_cell_cf after the sun position `sp` (ghi > 0, no NaN
 * input): geometry in double from the angles. */
static inline TW_HD float tw_pv_cell_cf_sun(const tw_pv_params *p, tw_sun_pos sp, double r_au,
                                            double lat_deg, double ghi, double fdir,
                                            double t_amb_K, double wind_ms) {
  double cz = cos(sp.zenith_deg * TW_SPA_DEG);
  double tilt, saz;
  tw_pv_orientation(p, lat_deg, sp.zenith_deg, sp.azimuth_deg, &tilt, &saz);
  double caoi = tw_pv_cos_aoi(sp.zenith_deg, sp.azimuth_deg, tilt, saz);
  return tw_pv_cell_cf_geom(p, sp.zenith_deg, cz, caoi, tilt, r_au, ghi, fdir, t_amb_K, wind_ms);
}

/* The whole per-cell PV conversion at one time: sun from the time's
 * geocentric SPA part, irradiance split, orientation, POA (Hay-Davies or
 * Perez sky diffuse, p->poa_model) and panel model. ghi, fdir (NaN when absent) in W/m2, t_amb in K,
 * wind (m/s, NaN: default). Returns output per kW peak, clipped to [0, 1];
 * NaN ghi or temperature gives NaN. */
static inline TW_HD float tw_pv_cell_cf(const tw_pv_params *p, const tw_sun_geo *geo,
                                        double lat_deg, double lon_deg, double ghi, double fdir,
                                        double t_amb_K, double wind_ms) {
  if (ghi != ghi || t_amb_K != t_amb_K) return (float)(ghi + t_amb_K);
  if (!(ghi > 0.0)) return 0.0f;
  tw_sun_pos sp = tw_spa_topocentric(geo, lat_deg, lon_deg, p->elevation_m, 1013.25, 12.0);
  return tw_pv_cell_cf_sun(p, sp, geo->r_au, lat_deg, ghi, fdir, t_amb_K, wind_ms);
}

/* tw_pv_cell_cf_geom for the default chain (Hay-Davies sky, Huld panel)
 * with direct horizontal irradiance `fdir` given (finite; ghi > 0) in
 * single precision: the same formulas (DNI and its cap, POA, Huld with
 * logf) on floats; ct = cos(tilt). Without fdir the Reindl split stays in
 * double (tw_pv_cell_cf_geom): its correlation jumps at the clearness
 * thresholds, and near cos z = 0 its kt overflows the float range. The
 * measured difference from the double chain is in docs/CONVERT.md (PV) and
 * test_pv_float_chain. */
static inline TW_HD float tw_pv_cell_cf_geom_f(const tw_pv_params *p, float cz, float caoi,
                                               float ct, float r_au, float ghi, float fdir,
                                               float t_amb_K) {
  const float i0 = 1361.0f / (r_au * r_au);
  float bh = fdir < 0.0f ? 0.0f : (fdir > ghi ? ghi : fdir);
  float dni = 0.0f;
  if (cz > 0.0f) {
    dni = bh / (cz > (float)TW_PV_MIN_COS_ZENITH ? cz : (float)TW_PV_MIN_COS_ZENITH);
    if (dni > i0) dni = i0;
  }
  float dh = ghi - dni * (cz > 0.0f ? cz : 0.0f); /* keep ghi = beam + diffuse */
  /* Hay & Davies (tw_pv_poa_hay_davies) */
  float c = caoi > 0.0f ? caoi : 0.0f;
  float a = dni / i0;
  a = a < 0.0f ? 0.0f : (a > 1.0f ? 1.0f : a);
  float rb = c / (cz > 0.01745f ? cz : 0.01745f);
  float poa = dni * c + dh * (a * rb + (1.0f - a) * 0.5f * (1.0f + ct)) +
              ghi * (float)p->albedo * 0.5f * (1.0f - ct);
  /* Huld (tw_pv_huld) */
  if (!(poa > 0.0f)) return 0.0f;
  float g = poa / (float)p->r_irradiance_wm2;
  float tp = (float)p->c_temp_amb * t_amb_K + (float)p->c_temp_irrad * poa - (float)p->r_tmod_K;
  float lg = logf(g);
  const double *k = p->huld_k;
  float eff = 1.0f + (float)k[0] * lg + (float)k[1] * lg * lg +
              tp * ((float)k[2] + (float)k[3] * lg + (float)k[4] * lg * lg) + (float)k[5] * tp * tp;
  if (eff < 0.0f) eff = 0.0f;
  float out = g * eff * (float)p->inverter_efficiency;
  return out < 0.0f ? 0.0f : (out > 1.0f ? 1.0f : out);
}

/* tw_pv_cell_cf with the fast sun geometry (physics_solar.h); elevation
 * is not used by it (SPA's elevation term moves the sun by < 1e-4 deg
 * per km). */
static inline TW_HD float tw_pv_cell_cf_fast(const tw_pv_params *p, const tw_sun_fast *sun,
                                             const tw_cell_trig *trig, double lat_deg,
                                             double ghi, double fdir, double t_amb_K,
                                             double wind_ms) {
  if (ghi != ghi || t_amb_K != t_amb_K) return (float)(ghi + t_amb_K);
  if (!(ghi > 0.0)) return 0.0f;
  float e, n, u;
  if (fdir == fdir && p->orientation != TW_PV_SINGLE_AXIS &&
      p->poa_model == TW_PV_POA_HAY_DAVIES && p->panel != TW_PV_PVWATTS) {
    /* the float chain on a fixed surface: the sun vector, no angles */
    float ge, gn;
    (void)tw_sun_fast_vector(sun, trig, &e, &n, &u, &ge, &gn);
    double tilt, saz;
    tw_pv_orientation(p, lat_deg, 0.0, 0.0, &tilt, &saz); /* angles unused: fixed */
    const float d2r = (float)TW_SPA_DEG;
    float tb = (float)tilt * d2r, ga = (float)saz * d2r;
    float ct = cosf(tb);
    float caoi = u * ct + sinf(tb) * (e * sinf(ga) + n * cosf(ga));
    return tw_pv_cell_cf_geom_f(p, u, caoi, ct, sun->r_au, (float)ghi, (float)fdir,
                                (float)t_amb_K);
  }
  tw_sun_pos sp = tw_sun_fast_direction(sun, trig, &e, &n, &u);
  if (p->orientation == TW_PV_SINGLE_AXIS) /* rotation from the angles */
    return tw_pv_cell_cf_sun(p, sp, (double)sun->r_au, lat_deg, ghi, fdir, t_amb_K, wind_ms);
  /* fixed surfaces: cos(zenith) and cos(incidence) as dot products with the
   * sun vector, in float */
  double tilt, saz;
  tw_pv_orientation(p, lat_deg, sp.zenith_deg, sp.azimuth_deg, &tilt, &saz);
  const float d2r = (float)TW_SPA_DEG;
  float tb = (float)tilt * d2r, ga = (float)saz * d2r;
  float caoi = u * cosf(tb) + sinf(tb) * (e * sinf(ga) + n * cosf(ga));
  return tw_pv_cell_cf_geom(p, sp.zenith_deg, (double)u, (double)caoi, tilt, (double)sun->r_au,
                            ghi, fdir, t_amb_K, wind_ms);
}

/* Heating and cooling degrees (K) of one temperature (K) against
 * thresholds (degrees C). Summed over hours they are degree-hours. */
static inline TW_HD float tw_heating_degrees(float t_K, float threshold_C) {
  float d = threshold_C + 273.15f - t_K;
  return d > 0.0f ? d : (d == d ? 0.0f : d);
}
static inline TW_HD float tw_cooling_degrees(float t_K, float threshold_C) {
  float d = t_K - (threshold_C + 273.15f);
  return d > 0.0f ? d : (d == d ? 0.0f : d);
}

#ifdef __cplusplus
}
#endif
#endif
