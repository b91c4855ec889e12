/* terrawatt: one element of each conversion job (backend.h), shared by the
 * CPU loops (src/backend/convert_cpu.c) and the CUDA kernels
 * (kernels/convert_kernels.cu), so both backends run the same math.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_CONVERT_MATH_H
#define TERRAWATT_CONVERT_MATH_H

#include <stddef.h>

#include "terrawatt/backend.h"
#include "terrawatt/hd.h"
#include "terrawatt/physics_pv.h"
#include "terrawatt/physics_wind.h"

/* Wind capacity factor of element (t, c), i = t * ncell + c: the hub
 * factor times the speed and the resampled curve (log law, static
 * roughness: a multiply, a square root and a table lookup); the log law per
 * element for time-varying roughness; the power law per element. */
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
  return tw_wind_table_cell_cf(job->u_ms[i], job->v_ms[i], f, job->curve_table, job->curve_len,
                               job->curve_inv_dv, job->curve_min_ms, job->curve_max_ms);
}

/* Wind capacity factor of element i = t * ncell + c. */
static inline TW_HD float tw_wind_job_element(const tw_wind_job *job, size_t i) {
  return tw_wind_job_element2(job, i, i % job->ncell);
}

/* PV output per kW peak of element i = t * ncell + c. */
static inline TW_HD float tw_pv_job_element(const tw_pv_job *job, size_t i) {
  size_t t = i / job->ncell, c = i % job->ncell;
  double fdir = job->fdir_wm2 ? (double)job->fdir_wm2[i] : (double)NAN;
  double wind = job->wind_ms ? (double)job->wind_ms[i] : (double)NAN;
  return tw_pv_cell_cf(&job->params, &job->geo[t], (double)job->lat_deg[c],
                       (double)job->lon_deg[c], (double)job->ghi_wm2[i], fdir,
                       (double)job->t2m_K[i], wind);
}

/* Row r of time step t of the sparse aggregation (double accumulation). */
static inline TW_HD float tw_csr_job_element(const tw_csr_job *job, size_t t, int r) {
  const float *x = job->x + t * (size_t)job->ncol;
  double sum = 0.0;
  for (int k = job->row_ptr[r]; k < job->row_ptr[r + 1]; k++)
    sum += (double)job->val[k] * (double)x[job->col[k]];
  return (float)sum;
}

#endif
