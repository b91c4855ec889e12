/* terrawatt: one element of each conversion job (backend.h), shared by the
 * CPU loops (src/backend/convert_cpu.c) and the CUDA kernels
 * (kernels/convert_kernels.cu), so both backends run the same math.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_CONVERT_MATH_H
#define TERRAWATT_CONVERT_MATH_H

#include <stddef.h>
#include <string.h>

#include "terrawatt/backend.h"
#include "terrawatt/hd.h"
#include "terrawatt/physics_pv.h"
#include "terrawatt/physics_wind.h"

/* The plain packing: value = raw * scale + offset in float, raw == fill
 * (TW_PACK_NO_FILL: none) gives NaN. */
static inline TW_HD tw_pack tw_pack_make(float scale, float offset, int fill) {
  tw_pack p;
  p.scale = scale;
  p.offset = offset;
  p.fill = fill;
  p.missing = TW_PACK_NO_FILL;
  p.raw_min = -32768;
  p.raw_max = 32767;
  p.zero_raw = TW_PACK_NO_FILL;
  p.zero_value = 0.0f;
  p.use_double = 0;
  p.scale_d = (double)scale;
  p.offset_d = (double)offset;
  return p;
}

static inline TW_HD unsigned tw_float_bits(float x) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(x);
#else
  unsigned u;
  memcpy(&u, &x, sizeof u);
  return u;
#endif
}

static inline TW_HD float tw_bits_float(unsigned u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float x;
  memcpy(&x, &u, sizeof x);
  return x;
#endif
}

/* The missing-value and zero rules of tw_unpack applied to y, the decoded
 * value of raw x: bit for bit what ingest's decoding gives (a missing value
 * is y, or zero_value, with the exponent and quiet bits set). */
static inline TW_HD float tw_unpack_rules(int x, float y, tw_pack p) {
  y = x == p.zero_raw ? p.zero_value : y;
  int bad = (x == p.fill) | (x == p.missing) | (x < p.raw_min) | (x > p.raw_max);
  return tw_bits_float(tw_float_bits(y) | ((unsigned)(-bad) & 0x7fc00000u));
}

/* raw * scale + offset in float, rounded as the C code without
 * contraction (CUDA: no fused multiply-add). */
static inline TW_HD float tw_unpack_float(short raw, tw_pack p) {
#if defined(__CUDA_ARCH__)
  float y = __fadd_rn(__fmul_rn((float)raw, p.scale), p.offset);
#else
  float y = (float)raw * p.scale + p.offset;
#endif
  return tw_unpack_rules(raw, y, p);
}

static inline TW_HD float tw_unpack_double(short raw, tw_pack p) {
#if defined(__CUDA_ARCH__)
  float y = (float)__dadd_rn(__dmul_rn((double)raw, p.scale_d), p.offset_d);
#else
  float y = (float)((double)raw * p.scale_d + p.offset_d);
#endif
  return tw_unpack_rules(raw, y, p);
}

/* One packed int16 value decoded (backend.h tw_pack), bit for bit as
 * ingest decodes it. Branch-free but for the packing's precision, which is
 * the same for every element of a field. */
static inline TW_HD float tw_unpack(short raw, tw_pack p) {
  return p.use_double ? tw_unpack_double(raw, p) : tw_unpack_float(raw, p);
}

/* Input element i of a field given as float or as packed int16. */
static inline TW_HD float tw_field_at(const float *f32, const short *i16, tw_pack pack, size_t i) {
  return i16 ? tw_unpack(i16[i], pack) : f32[i];
}

/* Wind capacity factor of element (t, c), i = t * ncell + c: the hub
 * factor times the speed and the resampled curve (log law, static
 * roughness: a multiply, a square root and a table lookup); the log law per
 * element for time-varying roughness; the power law per element. u and v
 * are decoded here when the job holds them packed. */
static inline TW_HD float tw_wind_job_element2(const tw_wind_job *job, size_t i, size_t c) {
  if (job->power_law) {
    float s_high = tw_wind_speed(job->u_ms[i], job->v_ms[i]);
    float s_low = tw_wind_speed(job->u_low_ms[i], job->v_low_ms[i]);
    if (s_high != s_high || s_low != s_low) return s_high + s_low; /* propagate NaN */
    float alpha = tw_wind_shear_exponent(s_low, job->height_low_m, s_high, job->height_ref_m);
    return tw_wind_table_cf(tw_wind_power_law(s_high, job->height_ref_m, job->height_hub_m, alpha),
                            job->curve_table, job->curve_len, job->curve_inv_dv,
                            job->curve_min_ms, job->curve_max_ms);
  }
  float f = job->hub_factor
                ? job->hub_factor[c]
                : tw_wind_log_factor(job->height_ref_m, job->height_hub_m, job->roughness_m[i]);
  float u = tw_field_at(job->u_ms, job->u_i16, job->u_pack, i);
  float v = tw_field_at(job->v_ms, job->v_i16, job->v_pack, i);
  return tw_wind_table_cell_cf(u, v, f, job->curve_table, job->curve_len, job->curve_inv_dv,
                               job->curve_min_ms, job->curve_max_ms);
}

/* Wind capacity factor of element i = t * ncell + c. */
static inline TW_HD float tw_wind_job_element(const tw_wind_job *job, size_t i) {
  return tw_wind_job_element2(job, i, i % job->ncell);
}

/* PV output per kW peak of element i = t * ncell + c (inputs decoded here
 * when packed; the fast sun geometry when the job has it). */
static inline TW_HD float tw_pv_job_element(const tw_pv_job *job, size_t i) {
  size_t t = i / job->ncell, c = i % job->ncell;
  float ghi = tw_field_at(job->ghi_wm2, job->ghi_i16, job->ghi_pack, i);
  float t2m = tw_field_at(job->t2m_K, job->t2m_i16, job->t2m_pack, i);
  double fdir = job->fdir_i16 || job->fdir_wm2
                    ? (double)tw_field_at(job->fdir_wm2, job->fdir_i16, job->fdir_pack, i)
                    : (double)NAN;
  double wind = job->wind_ms ? (double)job->wind_ms[i] : (double)NAN;
  if (job->sun)
    return tw_pv_cell_cf_fast(&job->params, &job->sun[t], &job->cell_trig[c],
                              (double)job->lat_deg[c], (double)ghi, fdir, (double)t2m, wind);
  return tw_pv_cell_cf(&job->params, &job->geo[t], (double)job->lat_deg[c],
                       (double)job->lon_deg[c], (double)ghi, fdir, (double)t2m, wind);
}

/* Lanes of the CPU's row sums: entry k of a row (counted from the row's
 * first entry) is added to lane k % TW_SUM_LANES in double, the lanes are
 * then combined pairwise. The fused and the two-step CPU paths both sum
 * in this order, so they agree bitwise, and the sums vectorise. */
#define TW_SUM_LANES 4
static inline TW_HD double tw_sum_lanes_total(const double *s) {
  return (s[0] + s[1]) + (s[2] + s[3]);
}

/* Row r of time step t of the sparse aggregation (double accumulation in
 * TW_SUM_LANES lanes). */
static inline TW_HD float tw_csr_job_element(const tw_csr_job *job, size_t t, int r) {
  const float *x = job->x + t * (size_t)job->ncol;
  double s[TW_SUM_LANES] = {0.0, 0.0, 0.0, 0.0};
  int k0 = job->row_ptr[r];
  for (int k = k0; k < job->row_ptr[r + 1]; k++)
    s[(k - k0) % TW_SUM_LANES] += (double)job->val[k] * (double)x[job->col[k]];
  return (float)tw_sum_lanes_total(s);
}

#endif
