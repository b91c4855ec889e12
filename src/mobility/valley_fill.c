/* Decentralized valley filling (Gan, Topcu and Low 2013) on a backend.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/log.h"
#include "terrawatt/mobility_vf.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#define VF_BLOCK 256

static const char *const vf_criterion = "max_t |R_k+1 - R_k| <= tol * max_t R_k+1";

void tw_vf_params_default(tw_vf_params *p) {
  p->tol = 1e-5;
  p->max_iter = 2000;
  p->gamma = 0.0;
  p->accelerate = 1;
}

tw_status tw_vf_problem_validate(const tw_vf_problem *p) {
  if (p->n_groups == 0 || p->n_hours <= 0)
    return tw_error(TW_ERR_INPUT, "valley filling: %zu groups x %d hours, both must be > 0",
                    p->n_groups, p->n_hours);
  if (p->n_groups > (size_t)0x7fffffff)
    return tw_error(TW_ERR_INPUT, "valley filling: %zu groups exceeds the limit 2^31-1",
                    p->n_groups);
  for (int t = 0; t < p->n_hours; t++)
    if (!isfinite(p->base_MW[t]))
      return tw_error(TW_ERR_INPUT, "valley filling: base load at hour %d is %g", t,
                      p->base_MW[t]);
  for (size_t g = 0; g < p->n_groups; g++) {
    double usum = 0.0, e = p->energy_MWh[g];
    for (int t = 0; t < p->n_hours; t++) {
      float u = p->upper_MW[(size_t)t * p->n_groups + g];
      if (!(isfinite(u) && u >= 0))
        return tw_error(TW_ERR_INPUT, "valley filling: group %zu hour %d: charging limit %g MW",
                        g, t, (double)u);
      usum += (double)u;
    }
    if (!(isfinite(e) && e >= 0 && e <= usum * (1.0 + 1e-6)))
      return tw_error(TW_ERR_INPUT,
                      "valley filling: group %zu needs %g MWh but can take at most %g MWh", g, e,
                      usum);
  }
  return TW_OK;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

tw_status tw_valley_fill(tw_backend *be, const tw_vf_problem *p, const tw_vf_params *params,
                         double *charging_MW, float *group_MW, tw_vf_result *res) {
  tw_status st = TW_OK;
  /* Groups are padded to a multiple of VF_BLOCK (zero limits, zero
   * energy) so the aggregate is summed in float over blocks of VF_BLOCK
   * groups (one sgemm) and the block sums in double on the host: a float
   * sum over 1e5 groups would put a noise floor near 1e-5 under the
   * convergence criterion. */
  const size_t G = p->n_groups;
  const size_t Gp = (G + VF_BLOCK - 1) / VF_BLOCK * VF_BLOCK;
  const size_t nblk = Gp / VF_BLOCK;
  const int T = p->n_hours;
  const size_t GT = Gp * (size_t)T;
  const int host = tw_backend_is_host(be);
  float *h_upper = NULL;
  double *h_energy = NULL;
  float *d_r = NULL, *d_rprev = NULL, *d_upper = NULL, *d_price = NULL, *d_lambda = NULL, *d_ones = NULL,
        *d_agg = NULL, *h_price = NULL, *h_agg = NULL, *h_ones = NULL;
  double *d_energy = NULL, *agg = NULL, *agg_prev = NULL;
  double theta = 1.0, beta = 0.0, obj = INFINITY;
  tw_ev_project_job job;
  double t0;

  res->iterations = 0;
  res->converged = 0;
  res->residual = INFINITY;
  res->tol = params->tol;
  res->criterion = vf_criterion;
  res->seconds = 0.0;
  if (!tw_backend_supports(be, TW_OP_EV_PROJECT) || !tw_backend_supports(be, TW_OP_SGEMM))
    return tw_error(TW_ERR_RESOURCE, "valley filling: backend '%s' lacks the ev_project or sgemm op",
                    tw_backend_name(be));
  if (!(params->tol > 0) || params->max_iter < 1)
    return tw_error(TW_ERR_INPUT, "valley filling: tol = %g and max_iter = %d must be > 0",
                    params->tol, params->max_iter);
  TW_CHECK(tw_vf_problem_validate(p));
  res->gamma = params->gamma > 0 ? params->gamma : 1.0 / (double)G;

  TW_CHECK_GOTO(st, tw_calloc((size_t)T, sizeof *h_price, "valley-filling price", &h_price));
  TW_CHECK_GOTO(st, tw_calloc((size_t)T * nblk, sizeof *h_agg, "valley-filling block sums", &h_agg));
  TW_CHECK_GOTO(st, tw_calloc(GT, sizeof *h_upper, "valley-filling limits", &h_upper));
  TW_CHECK_GOTO(st, tw_calloc(Gp, sizeof *h_energy, "valley-filling energy", &h_energy));
  for (int t = 0; t < T; t++)
    for (size_t g = 0; g < G; g++) h_upper[(size_t)t * Gp + g] = p->upper_MW[(size_t)t * G + g];
  for (size_t g = 0; g < G; g++) h_energy[g] = p->energy_MWh[g];
  TW_CHECK_GOTO(st, tw_calloc((size_t)T, sizeof *agg, "valley-filling aggregate", &agg));
  TW_CHECK_GOTO(st, tw_calloc((size_t)T, sizeof *agg_prev, "valley-filling aggregate", &agg_prev));
  if (params->accelerate)
    TW_CHECK_GOTO(st, tw_backend_alloc(be, GT * sizeof(float), (void **)&d_rprev));
  TW_CHECK_GOTO(st, tw_calloc(VF_BLOCK, sizeof *h_ones, "valley-filling ones", &h_ones));
  for (size_t g = 0; g < VF_BLOCK; g++) h_ones[g] = 1.0f;
  TW_CHECK_GOTO(st, tw_backend_alloc(be, GT * sizeof(float), (void **)&d_r));
  TW_CHECK_GOTO(st, tw_backend_alloc(be, Gp * sizeof(float), (void **)&d_lambda));
  if (host) { /* zero copy: the ops read and write the host arrays in place */
    d_upper = h_upper, d_price = h_price, d_agg = h_agg, d_ones = h_ones, d_energy = h_energy;
  } else {
    TW_CHECK_GOTO(st, tw_backend_alloc(be, GT * sizeof(float), (void **)&d_upper));
    TW_CHECK_GOTO(st, tw_backend_alloc(be, (size_t)T * sizeof(float), (void **)&d_price));
    TW_CHECK_GOTO(st, tw_backend_alloc(be, (size_t)T * nblk * sizeof(float), (void **)&d_agg));
    TW_CHECK_GOTO(st, tw_backend_alloc(be, VF_BLOCK * sizeof(float), (void **)&d_ones));
    TW_CHECK_GOTO(st, tw_backend_alloc(be, Gp * sizeof(double), (void **)&d_energy));
    TW_CHECK_GOTO(st, tw_backend_upload(be, d_upper, h_upper, GT * sizeof(float)));
    TW_CHECK_GOTO(st, tw_backend_upload(be, d_ones, h_ones, VF_BLOCK * sizeof(float)));
    TW_CHECK_GOTO(st, tw_backend_upload(be, d_energy, h_energy, Gp * sizeof(double)));
  }

  job.n_groups = Gp;
  job.n_hours = T;
  job.gamma = (float)res->gamma;
  job.price = d_price;
  job.r = d_r;
  job.r_prev = d_rprev;
  job.beta = 0.0f;
  job.upper = d_upper;
  job.energy_MWh = d_energy;
  job.lambda = d_lambda;

  t0 = now_s();
  /* r^0 = 0, R^0 = 0 */
  for (int k = 1; k <= params->max_iter; k++) {
    double dmax = 0.0, rmax = 0.0, obj_new = 0.0;
    if (params->accelerate) {
      /* FISTA momentum: theta_k = (1 + sqrt(1 + 4 theta_{k-1}^2)) / 2 */
      double theta_next = 0.5 * (1.0 + sqrt(1.0 + 4.0 * theta * theta));
      beta = (theta - 1.0) / theta_next;
      theta = theta_next;
    }
    job.beta = (float)beta;
    for (int t = 0; t < T; t++)
      h_price[t] = (float)(p->base_MW[t] + agg[t] + beta * (agg[t] - agg_prev[t]));
    TW_CHECK_GOTO(st, tw_backend_upload(be, d_price, h_price, (size_t)T * sizeof(float)));
    TW_CHECK_GOTO(st, tw_backend_ev_project(be, &job));
    /* block sums (1 x T*nblk) = ones (1 x B) * r viewed as B x (T*nblk):
     * column t*nblk + b holds groups b*B .. b*B+B-1 of hour t */
    TW_CHECK_GOTO(st, tw_backend_sgemm(be, 0, 0, 1, (int)(nblk * (size_t)T), VF_BLOCK, 1.0f, d_ones,
                                     1, d_r, VF_BLOCK, 0.0f, d_agg, 1));
    TW_CHECK_GOTO(st, tw_backend_download(be, h_agg, d_agg, (size_t)T * nblk * sizeof(float)));
    for (int t = 0; t < T; t++) {
      double v = 0.0;
      for (size_t b = 0; b < nblk; b++) v += (double)h_agg[(size_t)t * nblk + b];
      double d = fabs(v - agg[t]);
      if (d > dmax) dmax = d;
      if (v > rmax) rmax = v;
      agg_prev[t] = agg[t];
      agg[t] = v;
      obj_new += (p->base_MW[t] + v) * (p->base_MW[t] + v);
    }
    /* adaptive restart (O'Donoghue and Candes 2015): drop the momentum
     * when the objective sum_t (D + R)^2 goes up */
    if (obj_new > obj) theta = 1.0;
    obj = obj_new;
    res->iterations = k;
    res->residual = rmax > 0 ? dmax / rmax : 0.0;
    if (k > 1 && res->residual <= params->tol) {
      res->converged = 1;
      break;
    }
  }
  TW_CHECK_GOTO(st, tw_backend_synchronize(be));
  res->seconds = now_s() - t0;
  if (!res->converged)
    TW_LOG_W("valley filling: not converged after %d iterations (residual %.3g > tol %.3g)",
             res->iterations, res->residual, params->tol);
  for (int t = 0; t < T; t++) charging_MW[t] = agg[t];
  if (group_MW) {
    float *r = d_r; /* host backends: the result in place */
    if (!host) TW_CHECK_GOTO(st, tw_backend_download(be, r = h_upper, d_r, GT * sizeof(float)));
    for (int t = 0; t < T; t++)
      for (size_t g = 0; g < G; g++) group_MW[(size_t)t * G + g] = r[(size_t)t * Gp + g];
  }
cleanup:
  tw_backend_free(be, d_r);
  tw_backend_free(be, d_rprev);
  tw_backend_free(be, d_lambda);
  if (!host) {
    tw_backend_free(be, d_upper);
    tw_backend_free(be, d_price);
    tw_backend_free(be, d_agg);
    tw_backend_free(be, d_ones);
    tw_backend_free(be, d_energy);
  }
  free(h_price);
  free(h_agg);
  free(agg);
  free(agg_prev);
  free(h_ones);
  free(h_upper);
  free(h_energy);
  return st;
}

tw_status tw_fleet_vf_groups(const tw_fleet *f, double share, size_t how0, int n_hours,
                             const double *temperature_C, double delta_soc_MWh, size_t n_groups,
                             float *upper_MW, double *energy_MWh) {
  tw_status st = TW_OK;
  double *drive = NULL, total = 0.0, hours_sum = 0.0, cap_sum = 0.0;
  const double per_group_MW = share * f->n_vehicles * f->charger_kW / 1000.0 / (double)n_groups;
  if (n_groups == 0 || n_hours <= 0)
    return tw_error(TW_ERR_INPUT, "fleet '%s': %zu groups x %d hours, both must be > 0", f->name,
                    n_groups, n_hours);
  TW_CHECK(tw_calloc((size_t)n_hours, sizeof *drive, "fleet driving series", &drive));
  TW_CHECK_GOTO(st, tw_fleet_driving_series(f, share, how0, (size_t)n_hours, temperature_C, drive));
  for (int t = 0; t < n_hours; t++) total += drive[t];
  total = total / f->charge_efficiency + delta_soc_MWh;
  if (total < 0) total = 0;
  for (size_t g = 0; g < n_groups; g++) {
    double threshold = ((double)g + 0.5) / (double)n_groups, hours = 0.0;
    for (int t = 0; t < n_hours; t++) {
      int on = f->availability[(how0 + (size_t)t) % TW_HOURS_PER_WEEK] >= threshold;
      upper_MW[(size_t)t * n_groups + g] = on ? (float)per_group_MW : 0.0f;
      hours += on;
    }
    energy_MWh[g] = hours; /* scaled below */
    hours_sum += hours;
  }
  cap_sum = hours_sum * per_group_MW;
  if (total > cap_sum * (1.0 - 1e-9)) {
    st = tw_error(TW_ERR_INPUT,
                  "fleet '%s': %g MWh to charge over %d h but the plugged-in chargers deliver at "
                  "most %g MWh",
                  f->name, total, n_hours, cap_sum);
    goto cleanup;
  }
  for (size_t g = 0; g < n_groups; g++)
    energy_MWh[g] = hours_sum > 0 ? total * energy_MWh[g] / hours_sum : 0.0;
cleanup:
  free(drive);
  return st;
}
