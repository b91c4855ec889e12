/* terrawatt: neural-network activation functions, shared by the CPU and
 * CUDA backends.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_ACTIVATION_H
#define TERRAWATT_ACTIVATION_H

#include <math.h>
#include <stdint.h>

#include "terrawatt/backend.h"
#include "terrawatt/hd.h"

/* exp(x) in float without a library call, so loops over it vectorise:
 * x = k ln 2 + r with |r| <= ln 2 / 2, exp(r) by its Taylor polynomial of
 * degree 6 (truncation error < 1.3e-7 relative), 2^k from the exponent
 * bits. Arguments are clamped to [-87, 88] (no overflow, no denormals). */
static inline TW_HD float tw_expf_fast(float x) {
  /* selects, so loops over it vectorise */
  x = x > -87.0f ? x : -87.0f;
  x = x < 88.0f ? x : 88.0f;
  float k = rintf(x * 1.44269504f); /* round(x / ln 2) */
  float r = (x - k * 0.693145752f) - k * 1.42860677e-6f; /* ln 2 in two parts */
  float p = 1.0f + r * (1.0f + r * (0.5f + r * (0.166666672f + r * (0.0416666679f +
                                                                   r * (0.00833333377f +
                                                                        r * 0.00138888892f)))));
  union {
    float f;
    int32_t i;
  } scale;
  scale.i = ((int32_t)k + 127) * (1 << 23);
  return p * scale.f;
}

/* Logistic sigmoid 1 / (1 + exp(-x)). */
static inline TW_HD float tw_sigmoid_fast(float x) { return 1.0f / (1.0f + tw_expf_fast(-x)); }

/* GELU, tanh approximation (Hendrycks and Gimpel 2016), written with
 * 0.5 (1 + tanh(u)) = sigmoid(2u): x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)). */
static inline TW_HD float tw_gelu(float x) {
  const float k2 = 1.5957691216057308f; /* 2 sqrt(2/pi) */
  return x * tw_sigmoid_fast(k2 * (x + 0.044715f * x * x * x));
}

/* tanh(x) = 2 sigmoid(2x) - 1. */
static inline TW_HD float tw_tanh_fast(float x) { return 2.0f * tw_sigmoid_fast(2.0f * x) - 1.0f; }

/* Apply activation `act` to x. */
static inline TW_HD float tw_activate(tw_activation act, float x) {
  switch (act) {
  case TW_ACT_RELU: return x > 0.0f ? x : 0.0f;
  case TW_ACT_TANH: return tw_tanh_fast(x);
  case TW_ACT_GELU: return tw_gelu(x);
  default: return x;
  }
}

/* act(x), and its derivative act'(x) in *grad, with one exponential: the
 * fused forward epilogue keeps the derivative for the backward pass. */
static inline TW_HD float tw_activate_grad(tw_activation act, float x, float *grad) {
  switch (act) {
  case TW_ACT_RELU:
    *grad = x > 0.0f ? 1.0f : 0.0f;
    return x > 0.0f ? x : 0.0f;
  case TW_ACT_TANH: {
    float t = tw_tanh_fast(x);
    *grad = 1.0f - t * t;
    return t;
  }
  case TW_ACT_GELU: {
    const float k2 = 1.5957691216057308f; /* 2 sqrt(2/pi) */
    float s = tw_sigmoid_fast(k2 * (x + 0.044715f * x * x * x));
    *grad = s + x * s * (1.0f - s) * k2 * (1.0f + 3.0f * 0.044715f * x * x);
    return x * s;
  }
  default: *grad = 1.0f; return x;
  }
}

#endif
