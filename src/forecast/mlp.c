/* The MLP: forward, backward and AdamW on backend ops.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/mlp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LAYERS (TW_MLP_MAX_HIDDEN + 1)

struct tw_mlp {
  tw_backend *be;
  tw_mlp_spec spec;
  int n_layers;             /* hidden + output */
  int in[MAX_LAYERS];       /* fan-in of layer l */
  int out[MAX_LAYERS];      /* fan-out of layer l */
  size_t w_off[MAX_LAYERS]; /* offsets in the parameter vector */
  size_t b_off[MAX_LAYERS];
  size_t n_params;
  int max_batch;
  int max_units;
  long adam_step;
  /* device buffers */
  float *params, *grad, *adam_m, *adam_v;
  float *x, *y, *loss, *pred;
  float *z[MAX_LAYERS]; /* pre-activations; the output layer's is the raw head */
  float *a[MAX_LAYERS]; /* activations of hidden layers */
  float *d0, *d1;       /* backward ping-pong, max_units x max_batch */
  float *loss_host;
};

void tw_adam_settings_default(tw_adam_settings *s) {
  s->learning_rate = 1e-3f;
  s->beta1 = 0.9f;
  s->beta2 = 0.999f;
  s->eps = 1e-8f;
  s->weight_decay = 0.0f;
}

int tw_mlp_spec_outputs(const tw_mlp_spec *spec) {
  return spec->quantile_count > 0 ? spec->quantile_count : 1;
}

tw_status tw_mlp_spec_validate(const tw_mlp_spec *spec) {
  if (spec->n_inputs <= 0)
    return tw_error(TW_ERR_INPUT, "mlp: the number of inputs must be positive, got %d",
                    spec->n_inputs);
  if (spec->n_hidden < 0 || spec->n_hidden > TW_MLP_MAX_HIDDEN)
    return tw_error(TW_ERR_INPUT, "mlp: hidden layers: %d, expected 0..%d", spec->n_hidden,
                    TW_MLP_MAX_HIDDEN);
  for (int l = 0; l < spec->n_hidden; l++)
    if (spec->hidden[l] <= 0 || spec->hidden[l] > 65536)
      return tw_error(TW_ERR_INPUT, "mlp: hidden layer %d has %d units, expected 1..65536", l + 1,
                      spec->hidden[l]);
  if (spec->activation != TW_ACT_RELU && spec->activation != TW_ACT_TANH &&
      spec->activation != TW_ACT_GELU && spec->activation != TW_ACT_IDENTITY)
    return tw_error(TW_ERR_INPUT, "mlp: unknown activation %d", (int)spec->activation);
  if (spec->quantile_count < 0 || spec->quantile_count > TW_MAX_QUANTILES)
    return tw_error(TW_ERR_INPUT, "mlp: %d quantiles, expected 0..%d", spec->quantile_count,
                    TW_MAX_QUANTILES);
  for (int k = 0; k < spec->quantile_count; k++) {
    float q = spec->quantiles[k];
    if (!(q > 0.0f && q < 1.0f))
      return tw_error(TW_ERR_INPUT, "mlp: quantile %g is not strictly between 0 and 1", (double)q);
    if (k > 0 && !(q > spec->quantiles[k - 1]))
      return tw_error(TW_ERR_INPUT, "mlp: quantiles must be strictly ascending, got %g after %g",
                      (double)q, (double)spec->quantiles[k - 1]);
  }
  return TW_OK;
}

static tw_status dev_alloc(tw_backend *be, size_t count, float **out) {
  return tw_backend_alloc(be, (count ? count : 1) * sizeof(float), (void **)out);
}

tw_status tw_mlp_create(tw_backend *be, const tw_mlp_spec *spec, int max_batch, tw_mlp **out) {
  tw_status st = TW_OK;
  tw_mlp *m = NULL;
  *out = NULL;
  TW_CHECK(tw_mlp_spec_validate(spec));
  if (max_batch <= 0)
    return tw_error(TW_ERR_INPUT, "mlp: batch size must be positive, got %d", max_batch);
  TW_CHECK(tw_calloc(1, sizeof *m, "mlp", &m));
  m->be = be;
  m->spec = *spec;
  m->n_layers = spec->n_hidden + 1;
  m->max_batch = max_batch;
  int fan_in = spec->n_inputs;
  m->max_units = spec->n_inputs;
  size_t off = 0;
  for (int l = 0; l < m->n_layers; l++) {
    int fan_out = l < spec->n_hidden ? spec->hidden[l] : tw_mlp_spec_outputs(spec);
    m->in[l] = fan_in;
    m->out[l] = fan_out;
    m->w_off[l] = off;
    off += (size_t)fan_in * (size_t)fan_out;
    m->b_off[l] = off;
    off += (size_t)fan_out;
    if (fan_out > m->max_units) m->max_units = fan_out;
    fan_in = fan_out;
  }
  m->n_params = off;
  size_t mb = (size_t)max_batch;
  TW_CHECK_GOTO(st, dev_alloc(be, off, &m->params));
  TW_CHECK_GOTO(st, dev_alloc(be, off, &m->grad));
  TW_CHECK_GOTO(st, dev_alloc(be, off, &m->adam_m));
  TW_CHECK_GOTO(st, dev_alloc(be, off, &m->adam_v));
  TW_CHECK_GOTO(st, dev_alloc(be, (size_t)spec->n_inputs * mb, &m->x));
  TW_CHECK_GOTO(st, dev_alloc(be, mb, &m->y));
  TW_CHECK_GOTO(st, dev_alloc(be, mb, &m->loss));
  TW_CHECK_GOTO(st, dev_alloc(be, (size_t)tw_mlp_spec_outputs(spec) * mb, &m->pred));
  for (int l = 0; l < m->n_layers; l++) {
    TW_CHECK_GOTO(st, dev_alloc(be, (size_t)m->out[l] * mb, &m->z[l]));
    if (l < spec->n_hidden) TW_CHECK_GOTO(st, dev_alloc(be, (size_t)m->out[l] * mb, &m->a[l]));
  }
  TW_CHECK_GOTO(st, dev_alloc(be, (size_t)m->max_units * mb, &m->d0));
  TW_CHECK_GOTO(st, dev_alloc(be, (size_t)m->max_units * mb, &m->d1));
  TW_CHECK_GOTO(st, tw_calloc(mb, sizeof(float), "mlp losses", &m->loss_host));
  *out = m;
  m = NULL;
cleanup:
  tw_mlp_destroy(&m);
  return st;
}

void tw_mlp_destroy(tw_mlp **mlp) {
  if (!mlp || !*mlp) return;
  tw_mlp *m = *mlp;
  tw_backend *be = m->be;
  float *bufs[] = {m->params, m->grad, m->adam_m, m->adam_v, m->x, m->y,
                   m->loss, m->pred,   m->d0,     m->d1};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) tw_backend_free(be, bufs[i]);
  for (int l = 0; l < MAX_LAYERS; l++) {
    tw_backend_free(be, m->z[l]);
    tw_backend_free(be, m->a[l]);
  }
  free(m->loss_host);
  free(m);
  *mlp = NULL;
}

const tw_mlp_spec *tw_mlp_get_spec(const tw_mlp *mlp) { return &mlp->spec; }

size_t tw_mlp_param_count(const tw_mlp *mlp) { return mlp->n_params; }

void tw_mlp_layer_layout(const tw_mlp *mlp, int l, size_t *w_offset, size_t *b_offset, int *rows,
                         int *cols) {
  if (w_offset) *w_offset = mlp->w_off[l];
  if (b_offset) *b_offset = mlp->b_off[l];
  if (rows) *rows = mlp->out[l];
  if (cols) *cols = mlp->in[l];
}

tw_status tw_mlp_adam_reset(tw_mlp *mlp) {
  tw_status st = TW_OK;
  float *zeros = NULL;
  TW_CHECK(tw_calloc(mlp->n_params ? mlp->n_params : 1, sizeof(float), "adam state", &zeros));
  TW_CHECK_GOTO(st, tw_backend_upload(mlp->be, mlp->adam_m, zeros, mlp->n_params * sizeof(float)));
  TW_CHECK_GOTO(st, tw_backend_upload(mlp->be, mlp->adam_v, zeros, mlp->n_params * sizeof(float)));
  mlp->adam_step = 0;
cleanup:
  free(zeros);
  return st;
}

tw_status tw_mlp_init_params(tw_mlp *mlp, uint64_t seed) {
  tw_status st = TW_OK;
  float *host = NULL;
  tw_rng rng;
  tw_rng_seed(&rng, seed);
  TW_CHECK(tw_calloc(mlp->n_params, sizeof(float), "mlp parameters", &host));
  for (int l = 0; l < mlp->n_layers; l++) {
    int hidden = l < mlp->spec.n_hidden;
    double limit = hidden && mlp->spec.activation != TW_ACT_TANH
                       ? sqrt(6.0 / mlp->in[l])
                       : sqrt(6.0 / (mlp->in[l] + mlp->out[l]));
    size_t count = (size_t)mlp->in[l] * (size_t)mlp->out[l];
    for (size_t i = 0; i < count; i++)
      host[mlp->w_off[l] + i] = (float)((2.0 * tw_rng_uniform(&rng) - 1.0) * limit);
  }
  TW_CHECK_GOTO(st, tw_mlp_set_params(mlp, host));
  TW_CHECK_GOTO(st, tw_mlp_adam_reset(mlp));
cleanup:
  free(host);
  return st;
}

tw_status tw_mlp_set_params(tw_mlp *mlp, const float *host) {
  return tw_backend_upload(mlp->be, mlp->params, host, mlp->n_params * sizeof(float));
}

tw_status tw_mlp_get_params(const tw_mlp *mlp, float *host) {
  return tw_backend_download(mlp->be, host, mlp->params, mlp->n_params * sizeof(float));
}

tw_status tw_mlp_get_gradient(const tw_mlp *mlp, float *host) {
  return tw_backend_download(mlp->be, host, mlp->grad, mlp->n_params * sizeof(float));
}

tw_status tw_mlp_set_gradient(tw_mlp *mlp, const float *host) {
  return tw_backend_upload(mlp->be, mlp->grad, host, mlp->n_params * sizeof(float));
}

/* Forward over the batch x (n samples, backend memory: mlp->x, or the
 * caller's array on host backends). With `train`, the hidden layers' fused
 * epilogue leaves act'(z) in z for the backward pass. */
static tw_status forward(tw_mlp *mlp, const float *x, int n, int train) {
  tw_backend *be = mlp->be;
  const float *prev = x;
  for (int l = 0; l < mlp->n_layers; l++) {
    int hidden = l < mlp->spec.n_hidden;
    TW_CHECK(tw_backend_sgemm(be, 0, 0, mlp->out[l], n, mlp->in[l], 1.0f,
                            mlp->params + mlp->w_off[l], mlp->out[l], prev, mlp->in[l], 0.0f,
                            mlp->z[l], mlp->out[l]));
    if (train && hidden)
      TW_CHECK(tw_backend_dense_forward(be, mlp->spec.activation, mlp->out[l], n,
                                      mlp->params + mlp->b_off[l], mlp->z[l], mlp->a[l]));
    else
      TW_CHECK(tw_backend_bias_activation(be, hidden ? mlp->spec.activation : TW_ACT_IDENTITY,
                                        mlp->out[l], n, mlp->params + mlp->b_off[l], mlp->z[l],
                                        hidden ? mlp->a[l] : mlp->z[l]));
    prev = hidden ? mlp->a[l] : mlp->z[l];
  }
  return TW_OK;
}

static void output_job(const tw_mlp *mlp, int n, tw_output_job *job) {
  memset(job, 0, sizeof *job);
  job->n = n;
  job->quantile_count = mlp->spec.quantile_count;
  for (int k = 0; k < mlp->spec.quantile_count; k++) job->quantiles[k] = mlp->spec.quantiles[k];
  job->raw = mlp->z[mlp->n_layers - 1];
  job->grad_scale = 1.0f;
}

tw_status tw_mlp_predict(tw_mlp *mlp, const float *x_host, size_t n, float *pred_host) {
  tw_backend *be = mlp->be;
  size_t nin = (size_t)mlp->spec.n_inputs, nout = (size_t)tw_mlp_spec_outputs(&mlp->spec);
  const int host = tw_backend_is_host(be); /* zero copy: read x, write pred in place */
  for (size_t start = 0; start < n; start += (size_t)mlp->max_batch) {
    size_t count = n - start < (size_t)mlp->max_batch ? n - start : (size_t)mlp->max_batch;
    const float *x = x_host + start * nin;
    if (!host) {
      TW_CHECK(tw_backend_upload(be, mlp->x, x, count * nin * sizeof(float)));
      x = mlp->x;
    }
    TW_CHECK(forward(mlp, x, (int)count, 0));
    tw_output_job job;
    output_job(mlp, (int)count, &job);
    job.pred = host ? pred_host + start * nout : mlp->pred;
    TW_CHECK(tw_backend_output_loss(be, &job));
    if (!host)
      TW_CHECK(tw_backend_download(be, pred_host + start * nout, mlp->pred,
                                   count * nout * sizeof(float)));
  }
  return tw_backend_synchronize(be);
}

tw_status tw_mlp_gradient(tw_mlp *mlp, const float *x_host, const float *y_host, int n,
                          float grad_scale, double *loss_sum) {
  tw_backend *be = mlp->be;
  if (n <= 0 || n > mlp->max_batch)
    return tw_error(TW_ERR_INTERNAL, "mlp: batch of %d samples, expected 1..%d", n,
                    mlp->max_batch);
  size_t nin = (size_t)mlp->spec.n_inputs;
  const float *x = x_host, *y = y_host; /* zero copy on host backends */
  if (!tw_backend_is_host(be)) {
    TW_CHECK(tw_backend_upload(be, mlp->x, x_host, (size_t)n * nin * sizeof(float)));
    TW_CHECK(tw_backend_upload(be, mlp->y, y_host, (size_t)n * sizeof(float)));
    x = mlp->x, y = mlp->y;
  }
  TW_CHECK(forward(mlp, x, n, 1));
  tw_output_job job;
  output_job(mlp, n, &job);
  job.target = y;
  job.grad = mlp->d0;
  job.loss = mlp->loss;
  job.grad_scale = grad_scale;
  TW_CHECK(tw_backend_output_loss(be, &job));
  float *dcur = mlp->d0, *dnext = mlp->d1;
  for (int l = mlp->n_layers - 1; l >= 0; l--) {
    int hidden = l < mlp->spec.n_hidden;
    int rows = mlp->out[l], cols = mlp->in[l];
    /* fused epilogue: dZ = dA * act'(z) (kept in z by the forward pass) and db = dZ 1 */
    TW_CHECK(tw_backend_dense_backward(be, rows, n, hidden ? mlp->z[l] : NULL, dcur,
                                     mlp->grad + mlp->b_off[l]));
    const float *prev = l == 0 ? x : mlp->a[l - 1];
    /* the GEMMs: dW = dZ prev^T, dprev = W^T dZ */
    TW_CHECK(tw_backend_sgemm(be, 0, 1, rows, cols, n, 1.0f, dcur, rows, prev, cols, 0.0f,
                            mlp->grad + mlp->w_off[l], rows));
    if (l > 0) {
      TW_CHECK(tw_backend_sgemm(be, 1, 0, cols, n, rows, 1.0f, mlp->params + mlp->w_off[l], rows,
                              dcur, rows, 0.0f, dnext, cols));
      float *t = dcur;
      dcur = dnext;
      dnext = t;
    }
  }
  if (loss_sum) {
    TW_CHECK(tw_backend_download(be, mlp->loss_host, mlp->loss, (size_t)n * sizeof(float)));
    double sum = 0.0;
    for (int j = 0; j < n; j++) sum += (double)mlp->loss_host[j];
    *loss_sum += sum;
  }
  return TW_OK;
}

tw_status tw_mlp_adam_step(tw_mlp *mlp, const tw_adam_settings *s) {
  mlp->adam_step++;
  tw_adam_job job;
  job.n = mlp->n_params;
  job.param = mlp->params;
  job.grad = mlp->grad;
  job.m = mlp->adam_m;
  job.v = mlp->adam_v;
  job.lr = s->learning_rate;
  job.beta1 = s->beta1;
  job.beta2 = s->beta2;
  job.eps = s->eps;
  job.weight_decay = s->weight_decay;
  job.bias_corr1 = (float)(1.0 - pow((double)s->beta1, (double)mlp->adam_step));
  job.bias_corr2 = (float)(1.0 - pow((double)s->beta2, (double)mlp->adam_step));
  return tw_backend_adam_update(mlp->be, &job);
}

/* ---- PRNG ---------------------------------------------------------------- */

void tw_rng_seed(tw_rng *rng, uint64_t seed) { rng->state = seed; }

uint64_t tw_rng_next(tw_rng *rng) {
  uint64_t z = (rng->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double tw_rng_uniform(tw_rng *rng) { return (double)(tw_rng_next(rng) >> 11) * 0x1.0p-53; }

size_t tw_rng_below(tw_rng *rng, size_t n) {
  /* Lemire-free simple rejection to avoid modulo bias. */
  uint64_t limit = UINT64_MAX - UINT64_MAX % (uint64_t)n;
  uint64_t r;
  do {
    r = tw_rng_next(rng);
  } while (r >= limit);
  return (size_t)(r % (uint64_t)n);
}

double tw_rng_normal(tw_rng *rng) {
  double u1 = tw_rng_uniform(rng), u2 = tw_rng_uniform(rng);
  if (u1 < 1e-300) u1 = 1e-300;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

void tw_rng_shuffle(tw_rng *rng, size_t *idx, size_t n) {
  for (size_t i = n; i > 1; i--) {
    size_t j = tw_rng_below(rng, i);
    size_t t = idx[i - 1];
    idx[i - 1] = idx[j];
    idx[j] = t;
  }
}
