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

#endif
