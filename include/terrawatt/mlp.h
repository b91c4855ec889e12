/* terrawatt: a multilayer perceptron on a compute backend (forecast
 * module). GEMMs go through the backend's sgemm; the epilogues (bias +
 * activation), the activation backward pass, the output head (MSE or
 * non-crossing quantiles with pinball loss) and AdamW are backend ops whose
 * per-element math is in mlp_math.h.
 *
 * Layout: samples are columns. An input batch is n_inputs x n,
 * column-major (each sample's features contiguous). Layer l has weights
 * W_l (out x in, column-major) and bias b_l (out); all parameters live in
 * one flat vector, layer by layer, W_l then b_l.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_MLP_H
#define TERRAWATT_MLP_H

#include "terrawatt/export.h"

#include <stddef.h>
#include <stdint.h>

#include "terrawatt/backend.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TW_MLP_MAX_HIDDEN 8

/* The architecture. quantile_count 0 means one point output (MSE loss);
 * otherwise quantile_count outputs at the ascending levels `quantiles`
 * (pinball loss, non-crossing by cumulative softplus increments). */
typedef struct tw_mlp_spec {
  int n_inputs;
  int n_hidden;                   /* number of hidden layers, 0..TW_MLP_MAX_HIDDEN */
  int hidden[TW_MLP_MAX_HIDDEN];  /* units per hidden layer */
  tw_activation activation;       /* of the hidden layers; the output is linear */
  int quantile_count;             /* 0..TW_MAX_QUANTILES */
  float quantiles[TW_MAX_QUANTILES];
} tw_mlp_spec;

/* Adam settings (Kingma and Ba 2015) with decoupled weight decay applied to
 * all parameters (AdamW). */
typedef struct tw_adam_settings {
  float learning_rate;
  float beta1, beta2, eps;
  float weight_decay; /* per step, multiplied by learning_rate */
} tw_adam_settings;

/* Defaults: lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8, weight decay 0. */
TW_API void tw_adam_settings_default(tw_adam_settings *s);

typedef struct tw_mlp tw_mlp;

/* Check a spec: sizes positive, quantiles strictly ascending in (0, 1).
 * TW_ERR_INPUT names the offending value. */
TW_API tw_status tw_mlp_spec_validate(const tw_mlp_spec *spec);

/* Number of outputs (quantile_count, or 1 for a point forecast). */
TW_API int tw_mlp_spec_outputs(const tw_mlp_spec *spec);

/* Create an MLP on `be` (borrowed, must outlive it) with workspace for up
 * to max_batch samples per call. Parameters start at zero. */
TW_API tw_status tw_mlp_create(tw_backend *be, const tw_mlp_spec *spec, int max_batch, tw_mlp **out);

/* Destroy (NULL-safe; sets *mlp to NULL). */
TW_API void tw_mlp_destroy(tw_mlp **mlp);

TW_API const tw_mlp_spec *tw_mlp_get_spec(const tw_mlp *mlp);

/* Number of parameters (weights and biases). */
TW_API size_t tw_mlp_param_count(const tw_mlp *mlp);

/* Offset of layer l's weights and bias in the flat parameter vector; l in
 * 0..n_hidden (n_hidden is the output layer). rows/cols: W_l's shape. */
TW_API void tw_mlp_layer_layout(const tw_mlp *mlp, int l, size_t *w_offset, size_t *b_offset, int *rows,
                                int *cols);

/* Initialise weights uniformly in +-sqrt(6 / fan_in) (He) for ReLU/GELU,
 * +-sqrt(6 / (fan_in + fan_out)) (Glorot) for tanh and the output layer;
 * biases zero. Deterministic for `seed`. Resets the Adam state. */
TW_API tw_status tw_mlp_init_params(tw_mlp *mlp, uint64_t seed);

/* Copy all parameters from / to host memory (param_count floats). */
TW_API tw_status tw_mlp_set_params(tw_mlp *mlp, const float *host);
TW_API tw_status tw_mlp_get_params(const tw_mlp *mlp, float *host);

/* Forward pass for n samples (any n >= 0; processed in chunks of
 * max_batch). x_host: n_inputs x n column-major. pred_host: outputs x n
 * column-major (non-crossing quantiles or the point forecast). */
TW_API tw_status tw_mlp_predict(tw_mlp *mlp, const float *x_host, size_t n, float *pred_host);

/* Forward and backward pass for one batch of n <= max_batch samples:
 * overwrites the gradient with grad_scale * d(sum of per-sample losses)/d
 * params and adds the per-sample losses to *loss_sum (if not NULL; summed
 * in sample order in double). Per-sample loss: squared error (point) or
 * the sum over quantiles of the pinball loss. */
TW_API tw_status tw_mlp_gradient(tw_mlp *mlp, const float *x_host, const float *y_host, int n,
                                 float grad_scale, double *loss_sum);

/* Copy the gradient from / to host memory (param_count floats). */
TW_API tw_status tw_mlp_get_gradient(const tw_mlp *mlp, float *host);
TW_API tw_status tw_mlp_set_gradient(tw_mlp *mlp, const float *host);

/* One AdamW step with the current gradient (step counter kept inside). */
TW_API tw_status tw_mlp_adam_step(tw_mlp *mlp, const tw_adam_settings *s);

/* Reset the Adam moments and step counter. */
TW_API tw_status tw_mlp_adam_reset(tw_mlp *mlp);

/* A small deterministic PRNG (splitmix64, Steele et al. 2014). */
typedef struct tw_rng {
  uint64_t state;
} tw_rng;

TW_API void tw_rng_seed(tw_rng *rng, uint64_t seed);
TW_API uint64_t tw_rng_next(tw_rng *rng);
/* Uniform in [0, 1) with 53 random bits. */
TW_API double tw_rng_uniform(tw_rng *rng);
/* Uniform integer in [0, n) (n > 0). */
TW_API size_t tw_rng_below(tw_rng *rng, size_t n);
/* Standard normal (Box-Muller). */
TW_API double tw_rng_normal(tw_rng *rng);
/* Shuffle idx[0..n) in place (Fisher-Yates). */
TW_API void tw_rng_shuffle(tw_rng *rng, size_t *idx, size_t n);

#ifdef __cplusplus
}
#endif
#endif
