/* terrawatt: neural-network activation functions, shared by the CPU and
 * CUDA backends.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_ACTIVATION_H
#define TERRAWATT_ACTIVATION_H

#include <math.h>

#include "terrawatt/backend.h"
#include "terrawatt/hd.h"

/* GELU, tanh approximation (Hendrycks and Gimpel 2016). */
static inline TW_HD float tw_gelu(float x) {
  const float k = 0.7978845608028654f; /* sqrt(2/pi) */
  return 0.5f * x * (1.0f + tanhf(k * (x + 0.044715f * x * x * x)));
}

/* Apply activation `act` to x. */
static inline TW_HD float tw_activate(tw_activation act, float x) {
  switch (act) {
  case TW_ACT_RELU: return x > 0.0f ? x : 0.0f;
  case TW_ACT_TANH: return tanhf(x);
  case TW_ACT_GELU: return tw_gelu(x);
  default: return x;
  }
}

#endif
