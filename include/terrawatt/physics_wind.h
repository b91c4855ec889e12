/* terrawatt: per-element wind physics, shared by the CPU loop and the CUDA
 * kernel (one math, two backends).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_PHYSICS_WIND_H
#define TERRAWATT_PHYSICS_WIND_H

#include <math.h>

#include "terrawatt/hd.h"

/* Smallest roughness length used by the log law (m). ERA5 `fsr` can be 0 or
 * negative after packing over open water; such values are clamped to this
 * so the logarithm stays finite. */
#define TW_MIN_ROUGHNESS_M 2.0e-4f

/* Wind speed (m/s) from its eastward and northward components (m/s). */
static inline TW_HD float tw_wind_speed(float u_ms, float v_ms) {
  return sqrtf(u_ms * u_ms + v_ms * v_ms);
}

/* Log-law extrapolation of wind speed `speed_ref_ms` measured at
 * `height_ref_m` to `height_hub_m` over roughness length `roughness_m` (m):
 * v_hub = v_ref * ln(h_hub / z0) / ln(h_ref / z0). */
static inline TW_HD float tw_wind_log_law(float speed_ref_ms, float height_ref_m,
                                          float height_hub_m, float roughness_m) {
  float z0 = roughness_m > TW_MIN_ROUGHNESS_M ? roughness_m : TW_MIN_ROUGHNESS_M;
  return speed_ref_ms * logf(height_hub_m / z0) / logf(height_ref_m / z0);
}

/* Capacity factor (0..1) at wind speed `speed_ms` from a power curve given
 * as `n` points of speed (m/s, ascending) and capacity factor (0..1),
 * interpolated linearly; 0 below the first and above the last point
 * (cut-in and cut-out). */
static inline TW_HD float tw_power_curve_cf(float speed_ms, const float *curve_speed_ms,
                                            const float *curve_cf, int n) {
  if (!(speed_ms >= curve_speed_ms[0]) || speed_ms > curve_speed_ms[n - 1]) return 0.0f;
  int lo = 0, hi = n - 1;
  while (hi - lo > 1) { /* binary search: curves have up to ~100 points */
    int mid = (lo + hi) / 2;
    if (curve_speed_ms[mid] <= speed_ms) lo = mid;
    else hi = mid;
  }
  float span = curve_speed_ms[hi] - curve_speed_ms[lo];
  float w = span > 0.0f ? (speed_ms - curve_speed_ms[lo]) / span : 0.0f;
  float cf = curve_cf[lo] + w * (curve_cf[hi] - curve_cf[lo]);
  return cf < 0.0f ? 0.0f : (cf > 1.0f ? 1.0f : cf);
}

/* The whole per-cell wind conversion: components at `height_ref_m`, log
 * law to the hub, then the power curve. Returns a capacity factor in [0, 1];
 * NaN input gives NaN (missing data stays visible). */
static inline TW_HD float tw_wind_cell_cf(float u_ms, float v_ms, float roughness_m,
                                          float height_ref_m, float height_hub_m,
                                          const float *curve_speed_ms, const float *curve_cf,
                                          int n) {
  if (u_ms != u_ms || v_ms != v_ms) return u_ms + v_ms; /* propagate NaN */
  float speed = tw_wind_log_law(tw_wind_speed(u_ms, v_ms), height_ref_m, height_hub_m,
                                roughness_m);
  return tw_power_curve_cf(speed, curve_speed_ms, curve_cf, n);
}

/* Log-law speed ratio v_hub / v_ref for roughness length `roughness_m`
 * (clamped to TW_MIN_ROUGHNESS_M): ln(h_hub/z0) / ln(h_ref/z0), written as
 * 1 + ln(h_hub/h_ref) / ln(h_ref/z0) (one logarithm). With a static
 * roughness it is computed once per cell, so the per-element work is a
 * multiply (tw_wind_table_cell_cf). */
static inline TW_HD float tw_wind_log_factor(float height_ref_m, float height_hub_m,
                                             float roughness_m) {
  float z0 = roughness_m > TW_MIN_ROUGHNESS_M ? roughness_m : TW_MIN_ROUGHNESS_M;
  return 1.0f + logf(height_hub_m / height_ref_m) / logf(height_ref_m / z0);
}

/* ---- power curve resampled on a uniform speed grid -------------------------
 * The curve is resampled once (host) at speeds k * dv, k = 0..len-1, so the
 * per-element lookup is an index and a linear interpolation, no search.
 * Where every breakpoint of the curve is a multiple of dv the table
 * reproduces the exact piecewise-linear curve (up to float rounding); a
 * breakpoint off the grid costs at most dv/4 * |slope change| in the grid
 * interval holding it (tests/convert/test_convert_physics.c checks both). */

/* Default grid step of the resampled curve (m/s). */
#define TW_WIND_TABLE_DV_MS 0.01

/* Exact value of the piecewise-linear curve (double; as tw_power_curve_cf,
 * without the range test): speeds ascending, n >= 1. Host helper. */
static inline double tw_power_curve_eval(double speed_ms, const float *curve_speed_ms,
                                         const float *curve_cf, int n) {
  if (speed_ms <= (double)curve_speed_ms[0]) return (double)curve_cf[0];
  if (speed_ms >= (double)curve_speed_ms[n - 1]) {
    /* the last point at the last speed (repeated speeds: as the search) */
    int lo = 0, hi = n - 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) / 2;
      if (curve_speed_ms[mid] <= curve_speed_ms[n - 1]) lo = mid;
      else hi = mid;
    }
    return (double)(curve_speed_ms[hi] > curve_speed_ms[lo] ? curve_cf[hi] : curve_cf[lo]);
  }
  int lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    int mid = (lo + hi) / 2;
    if ((double)curve_speed_ms[mid] <= speed_ms) lo = mid;
    else hi = mid;
  }
  double span = (double)curve_speed_ms[hi] - (double)curve_speed_ms[lo];
  double w = span > 0.0 ? (speed_ms - (double)curve_speed_ms[lo]) / span : 0.0;
  double cf = (double)curve_cf[lo] + w * ((double)curve_cf[hi] - (double)curve_cf[lo]);
  return cf < 0.0 ? 0.0 : (cf > 1.0 ? 1.0 : cf);
}

/* Number of table points covering 0..last speed of the curve at step dv. */
static inline int tw_wind_table_len(const float *curve_speed_ms, int n, double dv_ms) {
  double top = (double)curve_speed_ms[n - 1];
  int len = (int)ceil(top / dv_ms - 1e-9) + 1;
  return len < 2 ? 2 : len;
}

/* Fill table[len] (len from tw_wind_table_len) with the curve at k * dv_ms
 * (host, once per curve). */
static inline void tw_wind_table_fill(const float *curve_speed_ms, const float *curve_cf, int n,
                                      double dv_ms, float *table, int len) {
  for (int k = 0; k < len; k++)
    table[k] = (float)tw_power_curve_eval((double)k * dv_ms, curve_speed_ms, curve_cf, n);
}

/* Capacity factor at hub-height speed `speed_ms` from the resampled curve:
 * 0 below min_ms (first curve speed) and above max_ms (last curve speed);
 * NaN stays NaN. inv_dv = 1/dv (1/(m/s)). Result in [0, 1]. */
static inline TW_HD float tw_wind_table_cf(float speed_ms, const float *table, int len,
                                           float inv_dv, float min_ms, float max_ms) {
  /* branch-free (selects only), so the CPU loop vectorises */
  int in = (speed_ms >= min_ms) & (speed_ms <= max_ms); /* 0 for NaN */
  float x = (in ? speed_ms : min_ms) * inv_dv;
  int k = (int)x;
  k = k > len - 2 ? len - 2 : k;
  float w = x - (float)k;
  w = w > 1.0f ? 1.0f : w;
  float cf = table[k] + w * (table[k + 1] - table[k]);
  float outside = speed_ms != speed_ms ? speed_ms : 0.0f;
  return in ? cf : outside;
}

/* The fast per-element wind conversion: speed from components at the
 * reference height, times the per-cell hub factor (v_hub / v_ref), then
 * the resampled curve. */
static inline TW_HD float tw_wind_table_cell_cf(float u_ms, float v_ms, float hub_factor,
                                                const float *table, int len, float inv_dv,
                                                float min_ms, float max_ms) {
  return tw_wind_table_cf(tw_wind_speed(u_ms, v_ms) * hub_factor, table, len, inv_dv, min_ms,
                          max_ms);
}

/* Hellman / power-law extrapolation: v_hub = v_ref * (h_hub / h_ref)^alpha
 * (windpowerlib `hellman`). Heights in m, speeds in m/s. */
static inline TW_HD float tw_wind_power_law(float speed_ref_ms, float height_ref_m,
                                            float height_hub_m, float exponent) {
  return speed_ref_ms * powf(height_hub_m / height_ref_m, exponent);
}

/* Hellman exponent from a roughness length (windpowerlib's default when a
 * roughness is known): alpha = 1 / ln(h_hub / z0), z0 clamped as in the
 * log law. Gives 7.12462437 m/s for 5 m/s at 10 m -> 100 m, z0 = 0.15 m. */
static inline TW_HD float tw_wind_hellman_exponent(float height_hub_m, float roughness_m) {
  float z0 = roughness_m > TW_MIN_ROUGHNESS_M ? roughness_m : TW_MIN_ROUGHNESS_M;
  return 1.0f / logf(height_hub_m / z0);
}

/* Smallest and largest shear exponent accepted from two heights. Calm or
 * inverted profiles (e.g. v100 < v10 at night over land) give exponents
 * outside physical range; they are clamped to [0, 0.6]. A speed of 0 at
 * either height gives the neutral 1/7. */
#define TW_MIN_SHEAR_EXPONENT 0.0f
#define TW_MAX_SHEAR_EXPONENT 0.6f

/* Shear exponent from speeds at two heights (m/s, m):
 * alpha = ln(v_high / v_low) / ln(h_high / h_low), clamped as above. */
static inline TW_HD float tw_wind_shear_exponent(float speed_low_ms, float height_low_m,
                                                 float speed_high_ms, float height_high_m) {
  if (!(speed_low_ms > 0.0f) || !(speed_high_ms > 0.0f)) return 1.0f / 7.0f;
  float a = logf(speed_high_ms / speed_low_ms) / logf(height_high_m / height_low_m);
  return a < TW_MIN_SHEAR_EXPONENT ? TW_MIN_SHEAR_EXPONENT
                                   : (a > TW_MAX_SHEAR_EXPONENT ? TW_MAX_SHEAR_EXPONENT : a);
}

/* Per-cell wind conversion with the power law: components at two heights
 * (the higher one is extrapolated), exponent from their speeds. Returns a
 * capacity factor in [0, 1]; NaN input gives NaN. */
static inline TW_HD float tw_wind_cell_cf_power_law(float u_high_ms, float v_high_ms,
                                                    float height_high_m, float u_low_ms,
                                                    float v_low_ms, float height_low_m,
                                                    float height_hub_m,
                                                    const float *curve_speed_ms,
                                                    const float *curve_cf, int n) {
  float s_high = tw_wind_speed(u_high_ms, v_high_ms);
  float s_low = tw_wind_speed(u_low_ms, v_low_ms);
  if (s_high != s_high || s_low != s_low) return s_high + s_low; /* propagate NaN */
  float alpha = tw_wind_shear_exponent(s_low, height_low_m, s_high, height_high_m);
  return tw_power_curve_cf(tw_wind_power_law(s_high, height_high_m, height_hub_m, alpha),
                           curve_speed_ms, curve_cf, n);
}

#endif
