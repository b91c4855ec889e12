/* terrawatt: per-element math of the MLP (forecast module), shared by the
 * CPU backend loops and the CUDA kernels (kernels/forecast_kernels.cu).
 * Written in the common subset of C11 and C++.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_MLP_MATH_H
#define TERRAWATT_MLP_MATH_H

#include <math.h>
#include <stddef.h>

#include "terrawatt/activation.h"
#include "terrawatt/backend.h"
#include "terrawatt/hd.h"

/* Derivative d act(z) / dz of the activation at pre-activation z (the
 * forms of activation.h, differentiated exactly). */
static inline TW_HD float tw_activation_grad(tw_activation act, float z) {
  float g;
  (void)tw_activate_grad(act, z, &g);
  return g;
}

/* Fused forward epilogue of a dense layer for element (i, j) at index at:
 * v = z + bias_i, a = act(v), and z is overwritten with act'(v), which is
 * all the backward pass needs. */
static inline TW_HD void tw_dense_forward_element(tw_activation act, const float *bias, int i,
                                                  size_t at, float *z, float *a) {
  float g, v = z[at] + bias[i];
  a[at] = tw_activate_grad(act, v, &g);
  z[at] = g;
}

/* softplus(x) = log(1 + exp(x)), overflow-safe. */
static inline TW_HD float tw_softplus(float x) {
  return x > 20.0f ? x : (x < -20.0f ? expf(x) : log1pf(expf(x)));
}

/* Logistic sigmoid, the derivative of softplus. */
static inline TW_HD float tw_sigmoid(float x) {
  return x >= 0.0f ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x));
}

/* Pinball (quantile) loss of quantile level tau for observation y and
 * prediction q: max(tau (y - q), (tau - 1)(y - q)) (Koenker and Bassett 1978). */
static inline TW_HD float tw_pinball(float tau, float y, float q) {
  float d = y - q;
  return d >= 0.0f ? tau * d : (tau - 1.0f) * d;
}

/* d pinball / dq (subgradient: 1 - tau at y == q). */
static inline TW_HD float tw_pinball_grad(float tau, float y, float q) {
  return y > q ? -tau : 1.0f - tau;
}

/* One AdamW step for element i (Loshchilov and Hutter 2019: decoupled
 * weight decay). bias_corr1 = 1 - beta1^t, bias_corr2 = 1 - beta2^t. */
static inline TW_HD void tw_adam_element(const tw_adam_job *job, size_t i) {
  float g = job->grad[i];
  float m = job->beta1 * job->m[i] + (1.0f - job->beta1) * g;
  float v = job->beta2 * job->v[i] + (1.0f - job->beta2) * g * g;
  job->m[i] = m;
  job->v[i] = v;
  float mhat = m / job->bias_corr1;
  float vhat = v / job->bias_corr2;
  float p = job->param[i];
  job->param[i] = p - job->lr * (mhat / (sqrtf(vhat) + job->eps) + job->weight_decay * p);
}

/* The output head for sample j (one column of `raw`, nq rows).
 * Point (quantile_count 0): pred = raw, loss = (pred - y)^2,
 * d loss / d raw = 2 (pred - y).
 * Quantiles (quantile_count nq >= 1, levels ascending): non-crossing by
 * cumulative softplus increments, pred_0 = raw_0,
 * pred_k = pred_{k-1} + softplus(raw_k); loss = sum_k pinball(tau_k, y,
 * pred_k); d loss / d raw_k = s_k sum_{i >= k} d pinball_i / d pred_i with
 * s_0 = 1 and s_k = sigmoid(raw_k).
 * pred, grad and loss may be NULL (not written); target NULL means no
 * loss and no gradient. Gradients are multiplied by job->grad_scale. */
static inline TW_HD void tw_output_sample(const tw_output_job *job, int j) {
  int nq = job->quantile_count > 0 ? job->quantile_count : 1;
  const float *r = job->raw + (size_t)j * (size_t)nq;
  float *p = job->pred ? job->pred + (size_t)j * (size_t)nq : NULL;
  float *g = job->grad ? job->grad + (size_t)j * (size_t)nq : NULL;
  if (job->quantile_count <= 0) {
    float q = r[0];
    if (p) p[0] = q;
    if (job->target) {
      float d = q - job->target[j];
      if (job->loss) job->loss[j] = d * d;
      if (g) g[0] = job->grad_scale * 2.0f * d;
    }
    return;
  }
  float y = job->target ? job->target[j] : 0.0f;
  float q = 0.0f, total = 0.0f;
  for (int k = 0; k < nq; k++) {
    q = k == 0 ? r[0] : q + tw_softplus(r[k]);
    if (p) p[k] = q;
    if (job->target) {
      total += tw_pinball(job->quantiles[k], y, q);
      if (g) g[k] = tw_pinball_grad(job->quantiles[k], y, q);
    }
  }
  if (!job->target) return;
  if (job->loss) job->loss[j] = total;
  if (!g) return;
  float suffix = 0.0f;
  for (int k = nq - 1; k >= 0; k--) {
    suffix += g[k];
    g[k] = job->grad_scale * (k == 0 ? suffix : tw_sigmoid(r[k]) * suffix);
  }
}

#endif
