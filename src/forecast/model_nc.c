/* Forecast model files (NetCDF-4): write atomically, read with checks.
 * Layout in docs/FORECAST.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/forecast.h"

#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "terrawatt/input_file.h"
#include "ingest/nc_util.h"
#include "terrawatt/atomic_file.h"

#define NAME_LEN 96
#define MODEL_FORMAT 1

/* HDF5 reports a full disk as "NetCDF: HDF error": the message adds the
 * system's reason (nc_util.h), "No space left on device" when it is that. */
#define NCW(call, what)                                                                        \
  do {                                                                                         \
    errno = 0;                                                                                 \
    int e_ = (call);                                                                           \
    if (e_ != NC_NOERR) {                                                                      \
      st = tw_error(TW_ERR_RESOURCE, "%s: writing %s: %s%s", path, what, nc_strerror(e_),    \
                    tw_nc_write_reason(path, errno));                                          \
      goto cleanup;                                                                            \
    }                                                                                          \
  } while (0)

#define NCR(call, what)                                                                        \
  do {                                                                                         \
    int e_ = (call);                                                                           \
    if (e_ != NC_NOERR) {                                                                      \
      st = tw_error(TW_ERR_INPUT, "%s: %s: %s", path, what, nc_strerror(e_));                  \
      goto cleanup;                                                                            \
    }                                                                                          \
  } while (0)

static int put_text(int nc, int var, const char *name, const char *value) {
  return nc_put_att_text(nc, var, name, strlen(value), value);
}

/* Layer shapes of a spec (rows = outputs, cols = inputs). */
static void layer_shape(const tw_mlp_spec *s, int l, int *rows, int *cols) {
  *cols = l == 0 ? s->n_inputs : s->hidden[l - 1];
  *rows = l < s->n_hidden ? s->hidden[l] : tw_mlp_spec_outputs(s);
}

tw_status tw_forecast_model_write(const tw_forecast_model *m, const char *path) {
  tw_status st = TW_OK;
  char tmp[4200], name[64], name2[64];
  int nc = -1, d_feat, d_name, d_method, d_metric, d_q = -1, d_hol = -1, d_member = -1, v;
  const int K = m->members > 0 ? m->members : 1;
  char *names = NULL;
  { /* the temporary name of atomic_file.h (".NAME.tmp-PID-N"), committed below */
    char *t = NULL;
    TW_CHECK(tw_atomic_temp_path(path, &t));
    snprintf(tmp, sizeof tmp, "%s", t);
    free(t);
  }
  const size_t nf = (size_t)m->n_features;
  NCW(nc_create(tmp, NC_NETCDF4 | NC_CLOBBER, &nc), "the temporary file");
  NCW(nc_def_dim(nc, "feature", nf, &d_feat), "dimension feature");
  NCW(nc_def_dim(nc, "name_len", NAME_LEN, &d_name), "dimension name_len");
  NCW(nc_def_dim(nc, "method", TW_SKILL_METHODS, &d_method), "dimension method");
  NCW(nc_def_dim(nc, "metric", TW_SKILL_METRICS, &d_metric), "dimension metric");
  if (m->spec.quantile_count)
    NCW(nc_def_dim(nc, "quantile", (size_t)m->spec.quantile_count, &d_q), "dimension quantile");
  if (m->n_holidays) NCW(nc_def_dim(nc, "holiday", m->n_holidays, &d_hol), "dimension holiday");
  if (K > 1) NCW(nc_def_dim(nc, "member", (size_t)K, &d_member), "dimension member");

  /* global attributes */
  NCW(put_text(nc, NC_GLOBAL, "title", "terrawatt forecast model (MLP surrogate)"), "title");
  NCW(put_text(nc, NC_GLOBAL, "Conventions", "CF-1.8"), "Conventions");
  int fmt = MODEL_FORMAT;
  NCW(nc_put_att_int(nc, NC_GLOBAL, "terrawatt_model_format", NC_INT, 1, &fmt), "format");
  NCW(put_text(nc, NC_GLOBAL, "activation", tw_activation_name(m->spec.activation)), "activation");
  int nh = m->spec.n_hidden;
  NCW(nc_put_att_int(nc, NC_GLOBAL, "hidden_layers", NC_INT, 1, &nh), "hidden_layers");
  if (nh) NCW(nc_put_att_int(nc, NC_GLOBAL, "hidden_units", NC_INT, (size_t)nh, m->spec.hidden),
              "hidden_units");
  NCW(nc_put_att_int(nc, NC_GLOBAL, "horizon_h", NC_INT, 1, &m->horizon_h), "horizon_h");
  long long step = (long long)m->step_s;
  NCW(nc_put_att_longlong(nc, NC_GLOBAL, "time_step_s", NC_INT64, 1, &step), "time_step_s");
  NCW(put_text(nc, NC_GLOBAL, "target_name", m->target_name), "target_name");
  NCW(put_text(nc, NC_GLOBAL, "target_units", m->target_units), "target_units");
  NCW(nc_put_att_float(nc, NC_GLOBAL, "target_mean", NC_FLOAT, 1, &m->target_mean), "target_mean");
  NCW(nc_put_att_float(nc, NC_GLOBAL, "target_std", NC_FLOAT, 1, &m->target_std), "target_std");
  NCW(put_text(nc, NC_GLOBAL, "train_start", m->train_start), "train_start");
  NCW(put_text(nc, NC_GLOBAL, "train_end", m->train_end), "train_end");
  NCW(put_text(nc, NC_GLOBAL, "validation_start", m->valid_start), "validation_start");
  NCW(put_text(nc, NC_GLOBAL, "validation_end", m->valid_end), "validation_end");
  long long counts[2] = {(long long)m->n_train, (long long)m->n_valid};
  NCW(nc_put_att_longlong(nc, NC_GLOBAL, "train_samples", NC_INT64, 1, &counts[0]), "samples");
  NCW(nc_put_att_longlong(nc, NC_GLOBAL, "validation_samples", NC_INT64, 1, &counts[1]), "samples");
  NCW(put_text(nc, NC_GLOBAL, "training_data_hash_fnv1a64", m->data_hash), "hash");
  int ints[3] = {m->epochs_max, m->epochs_run, m->best_epoch};
  NCW(nc_put_att_int(nc, NC_GLOBAL, "epochs_max", NC_INT, 1, &ints[0]), "epochs");
  NCW(nc_put_att_int(nc, NC_GLOBAL, "epochs_run", NC_INT, 1, &ints[1]), "epochs");
  NCW(nc_put_att_int(nc, NC_GLOBAL, "best_epoch", NC_INT, 1, &ints[2]), "epochs");
  unsigned uints[2] = {m->batch_size, m->shards};
  NCW(nc_put_att_uint(nc, NC_GLOBAL, "batch_size", NC_UINT, 1, &uints[0]), "batch_size");
  NCW(nc_put_att_uint(nc, NC_GLOBAL, "shards", NC_UINT, 1, &uints[1]), "shards");
  NCW(nc_put_att_int(nc, NC_GLOBAL, "mpi_ranks", NC_INT, 1, &m->ranks), "ranks");
  unsigned fed[2] = {m->fed_rounds, m->fed_local_epochs};
  NCW(nc_put_att_uint(nc, NC_GLOBAL, "federated_rounds", NC_UINT, 1, &fed[0]), "federated_rounds");
  NCW(nc_put_att_uint(nc, NC_GLOBAL, "federated_local_epochs", NC_UINT, 1, &fed[1]),
      "federated_local_epochs");
  unsigned long long seed = m->seed;
  NCW(nc_put_att_ulonglong(nc, NC_GLOBAL, "seed", NC_UINT64, 1, &seed), "seed");
  float fl[3] = {m->learning_rate, m->weight_decay, m->validation_fraction};
  NCW(nc_put_att_float(nc, NC_GLOBAL, "learning_rate", NC_FLOAT, 1, &fl[0]), "learning_rate");
  NCW(nc_put_att_float(nc, NC_GLOBAL, "weight_decay", NC_FLOAT, 1, &fl[1]), "weight_decay");
  NCW(nc_put_att_float(nc, NC_GLOBAL, "learning_rate_decay", NC_FLOAT, 1, &m->learning_rate_decay),
      "learning_rate_decay");
  NCW(nc_put_att_float(nc, NC_GLOBAL, "validation_fraction", NC_FLOAT, 1, &fl[2]), "fraction");
  NCW(nc_put_att_double(nc, NC_GLOBAL, "best_validation_loss", NC_DOUBLE, 1, &m->best_valid_loss),
      "best_validation_loss");
  NCW(nc_put_att_double(nc, NC_GLOBAL, "train_seconds", NC_DOUBLE, 1, &m->train_seconds),
      "train_seconds");
  /* honest evaluation: the test block, selection, residual, exogenous timing */
  NCW(put_text(nc, NC_GLOBAL, "test_start", m->test_start), "test_start");
  NCW(put_text(nc, NC_GLOBAL, "test_end", m->test_end), "test_end");
  long long n_test = (long long)m->n_test;
  NCW(nc_put_att_longlong(nc, NC_GLOBAL, "test_samples", NC_INT64, 1, &n_test), "test_samples");
  unsigned selu[3] = {m->selection_folds, m->selection_candidates, m->warmup_epochs};
  NCW(nc_put_att_uint(nc, NC_GLOBAL, "selection_folds", NC_UINT, 1, &selu[0]), "selection_folds");
  NCW(nc_put_att_uint(nc, NC_GLOBAL, "selection_candidates", NC_UINT, 1, &selu[1]),
      "selection_candidates");
  NCW(nc_put_att_double(nc, NC_GLOBAL, "selection_rmse", NC_DOUBLE, 1, &m->selection_rmse),
      "selection_rmse");
  NCW(put_text(nc, NC_GLOBAL, "schedule", m->schedule), "schedule");
  NCW(nc_put_att_uint(nc, NC_GLOBAL, "warmup_epochs", NC_UINT, 1, &selu[2]), "warmup_epochs");
  NCW(nc_put_att_int(nc, NC_GLOBAL, "ensemble_members", NC_INT, 1, &K), "ensemble_members");
  NCW(put_text(nc, NC_GLOBAL, "residual", tw_forecast_residual_name(m->residual)), "residual");
  NCW(nc_put_att_int(nc, NC_GLOBAL, "residual_feature", NC_INT, 1, &m->residual_feature),
      "residual_feature");
  NCW(put_text(nc, NC_GLOBAL, "exogenous_timing", tw_forecast_exogenous_timing(m)),
      "exogenous_timing");

  /* layers: weight_L(in_L, out_L) holds W_L column-major (W[i + j*out] is
   * the weight from input j to unit i); bias_L(out_L) */
  int vw[TW_MLP_MAX_HIDDEN + 1], vb[TW_MLP_MAX_HIDDEN + 1];
  for (int l = 0; l <= nh; l++) {
    int rows, cols, dims[3], *d2 = K > 1 ? dims + 1 : dims;
    dims[0] = d_member;
    layer_shape(&m->spec, l, &rows, &cols);
    snprintf(name, sizeof name, "layer%d_in", l);
    NCW(nc_def_dim(nc, name, (size_t)cols, &d2[0]), name);
    snprintf(name, sizeof name, "layer%d_out", l);
    NCW(nc_def_dim(nc, name, (size_t)rows, &d2[1]), name);
    snprintf(name, sizeof name, "weight_%d", l);
    NCW(nc_def_var(nc, name, NC_FLOAT, K > 1 ? 3 : 2, dims, &vw[l]), name);
    snprintf(name2, sizeof name2, "weights of layer %d (%s)", l, l == nh ? "output" : "hidden");
    NCW(put_text(nc, vw[l], "long_name", name2), name);
    snprintf(name, sizeof name, "bias_%d", l);
    int bd[2] = {d_member, d2[1]};
    NCW(nc_def_var(nc, name, NC_FLOAT, K > 1 ? 2 : 1, K > 1 ? bd : &d2[1], &vb[l]), name);
  }
  int v_coef = -1;
  if (m->residual == TW_RESIDUAL_OLS && m->residual_coef) {
    int d_coef;
    NCW(nc_def_dim(nc, "ols_coef", nf + 1, &d_coef), "dimension ols_coef");
    NCW(nc_def_var(nc, "residual_ols_coef", NC_DOUBLE, 1, &d_coef, &v_coef), "residual_ols_coef");
    NCW(put_text(nc, v_coef, "long_name",
                 "OLS baseline of the residual mode: intercept, then one coefficient per "
                 "standardised feature"),
        "residual_ols_coef");
  }
  int v_mean, v_std, v_fname, v_funits, v_q = -1, v_hol = -1, v_skill, v_mname, v_kname, v_imp;
  int dims2[2] = {d_feat, d_name};
  NCW(nc_def_var(nc, "feature_mean", NC_FLOAT, 1, &d_feat, &v_mean), "feature_mean");
  NCW(put_text(nc, v_mean, "long_name", "standardisation: mean of each feature (training block)"),
      "feature_mean");
  NCW(nc_def_var(nc, "feature_std", NC_FLOAT, 1, &d_feat, &v_std), "feature_std");
  NCW(nc_def_var(nc, "feature_name", NC_CHAR, 2, dims2, &v_fname), "feature_name");
  NCW(nc_def_var(nc, "feature_units", NC_CHAR, 2, dims2, &v_funits), "feature_units");
  if (d_q >= 0) NCW(nc_def_var(nc, "quantile", NC_FLOAT, 1, &d_q, &v_q), "quantile");
  if (d_hol >= 0) {
    NCW(nc_def_var(nc, "holiday", NC_INT64, 1, &d_hol, &v_hol), "holiday");
    NCW(put_text(nc, v_hol, "units", "days since 1970-01-01"), "holiday");
  }
  int dims3[2] = {d_method, d_metric};
  NCW(nc_def_var(nc, "test_skill", NC_DOUBLE, 2, dims3, &v_skill), "test_skill");
  double nan = NAN;
  NCW(nc_put_att_double(nc, v_skill, "_FillValue", NC_DOUBLE, 1, &nan), "test_skill");
  NCW(put_text(nc, v_skill, "units", m->target_units), "test_skill");
  NCW(put_text(nc, v_skill, "long_name",
               "skill on the final test block, never seen by training or model selection"),
      "test_skill");
  int dims4[2] = {d_method, d_name};
  NCW(nc_def_var(nc, "method_name", NC_CHAR, 2, dims4, &v_mname), "method_name");
  int dims5[2] = {d_metric, d_name};
  NCW(nc_def_var(nc, "metric_name", NC_CHAR, 2, dims5, &v_kname), "metric_name");
  NCW(nc_def_var(nc, "permutation_importance", NC_DOUBLE, 1, &d_feat, &v_imp), "importance");
  NCW(put_text(nc, v_imp, "long_name",
               "increase of the validation MAE when the feature is permuted"),
      "importance");
  NCW(put_text(nc, v_imp, "units", m->target_units), "importance");
  NCW(nc_enddef(nc), "the header");

  for (int l = 0; l <= nh; l++) {
    int rows, cols;
    layer_shape(&m->spec, l, &rows, &cols);
    size_t w_off = 0;
    for (int k = 0; k < l; k++) {
      int r, c;
      layer_shape(&m->spec, k, &r, &c);
      w_off += (size_t)r * (size_t)c + (size_t)r;
    }
    for (int k = 0; k < K; k++) {
      const float *p = m->params + (size_t)k * m->n_params + w_off;
      size_t ws[3] = {(size_t)k, 0, 0}, wc[3] = {1, (size_t)cols, (size_t)rows};
      size_t bs[2] = {(size_t)k, 0}, bc[2] = {1, (size_t)rows};
      NCW(K > 1 ? nc_put_vara_float(nc, vw[l], ws, wc, p) : nc_put_var_float(nc, vw[l], p), "weights");
      p += (size_t)rows * (size_t)cols;
      NCW(K > 1 ? nc_put_vara_float(nc, vb[l], bs, bc, p) : nc_put_var_float(nc, vb[l], p), "biases");
    }
  }
  if (v_coef >= 0) NCW(nc_put_var_double(nc, v_coef, m->residual_coef), "residual_ols_coef");
  NCW(nc_put_var_float(nc, v_mean, m->feature_mean), "feature_mean");
  NCW(nc_put_var_float(nc, v_std, m->feature_std), "feature_std");
  st = tw_calloc(nf * NAME_LEN, 1, "names", &names);
  if (st != TW_OK) goto cleanup;
  for (size_t k = 0; k < nf; k++)
    memcpy(names + k * NAME_LEN, m->features[k].name, strnlen(m->features[k].name, NAME_LEN - 1));
  NCW(nc_put_var_text(nc, v_fname, names), "feature_name");
  memset(names, 0, nf * NAME_LEN);
  for (size_t k = 0; k < nf; k++)
    memcpy(names + k * NAME_LEN, m->features[k].units, strnlen(m->features[k].units, sizeof m->features[k].units - 1));
  NCW(nc_put_var_text(nc, v_funits, names), "feature_units");
  if (v_q >= 0) NCW(nc_put_var_float(nc, v_q, m->spec.quantiles), "quantile");
  if (v_hol >= 0) {
    long long *hd = (long long *)m->holiday_days; /* int64_t is long long or long */
    if (sizeof(long long) == sizeof(int64_t)) NCW(nc_put_var_longlong(nc, v_hol, hd), "holiday");
  }
  NCW(nc_put_var_double(nc, v_skill, &m->skill[0][0]), "test_skill");
  for (int i = 0; i < TW_SKILL_METHODS; i++) {
    size_t start[2] = {(size_t)i, 0}, count[2] = {1, strlen(tw_skill_method_names[i])};
    NCW(nc_put_vara_text(nc, v_mname, start, count, tw_skill_method_names[i]), "method_name");
  }
  for (int i = 0; i < TW_SKILL_METRICS; i++) {
    size_t start[2] = {(size_t)i, 0}, count[2] = {1, strlen(tw_skill_metric_names[i])};
    NCW(nc_put_vara_text(nc, v_kname, start, count, tw_skill_metric_names[i]), "metric_name");
  }
  NCW(nc_put_var_double(nc, v_imp, m->importance), "permutation_importance");
  v = nc;
  nc = -1;
  NCW(nc_close(v), "the file (close)");
  st = tw_atomic_commit(tmp, path); /* fsync, rename, fsync of the directory */
  if (st != TW_OK) goto cleanup;
cleanup:
  free(names);
  if (nc >= 0) nc_close(nc);
  if (st != TW_OK) remove(tmp);
  return st;
}

static tw_status get_text_att(int nc, const char *path, const char *att, char *buf, size_t size) {
  size_t len = 0;
  tw_status st = TW_OK;
  NCR(nc_inq_attlen(nc, NC_GLOBAL, att, &len), att);
  if (len >= size) {
    st = tw_error(TW_ERR_INPUT, "%s: attribute '%s' is too long (%zu)", path, att, len);
    goto cleanup;
  }
  NCR(nc_get_att_text(nc, NC_GLOBAL, att, buf), att);
  buf[len] = '\0';
cleanup:
  return st;
}

static tw_status var_len(int nc, const char *path, const char *var, size_t expect, int *id) {
  tw_status st = TW_OK;
  int ndims, dims[NC_MAX_VAR_DIMS];
  size_t total = 1, len;
  NCR(nc_inq_varid(nc, var, id), var);
  NCR(nc_inq_varndims(nc, *id, &ndims), var);
  NCR(nc_inq_vardimid(nc, *id, dims), var);
  for (int i = 0; i < ndims; i++) {
    NCR(nc_inq_dimlen(nc, dims[i], &len), var);
    total *= len;
  }
  if (total != expect)
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s' has %zu values, expected %zu", path, var, total,
                  expect);
cleanup:
  return st;
}

tw_status tw_forecast_model_read(const char *path, tw_forecast_model **out) {
  tw_status st = TW_OK;
  tw_forecast_model *m = NULL;
  char *names = NULL, buf[64];
  int nc = -1, v, fmt = 0;
  size_t len0 = 0;
  *out = NULL;
  if (access(path, R_OK) != 0) return tw_error(TW_ERR_INPUT, "%s: cannot read the model file", path);
  TW_CHECK(tw_input_check(path, 0));
  NCR(nc_open(path, NC_NOWRITE, &nc), "not a NetCDF model file");
  NCR(nc_get_att_int(nc, NC_GLOBAL, "terrawatt_model_format", &fmt),
      "attribute 'terrawatt_model_format' (not a terrawatt model?)");
  if (fmt != MODEL_FORMAT) {
    st = tw_error(TW_ERR_INPUT, "%s: model format %d, this build reads %d", path, fmt, MODEL_FORMAT);
    goto cleanup;
  }
  TW_CHECK_GOTO(st, tw_calloc(1, sizeof *m, "model", &m));
  TW_CHECK_GOTO(st, get_text_att(nc, path, "activation", buf, sizeof buf));
  if (tw_activation_parse(buf, &m->spec.activation) != TW_OK) {
    st = tw_error_prefix(TW_ERR_INPUT, "%s: ", path);
    goto cleanup;
  }
  NCR(nc_get_att_int(nc, NC_GLOBAL, "hidden_layers", &m->spec.n_hidden), "hidden_layers");
  if (m->spec.n_hidden < 0 || m->spec.n_hidden > TW_MLP_MAX_HIDDEN) {
    st = tw_error(TW_ERR_INPUT, "%s: hidden_layers %d out of range", path, m->spec.n_hidden);
    goto cleanup;
  }
  if (m->spec.n_hidden) {
    size_t len = 0;
    NCR(nc_inq_attlen(nc, NC_GLOBAL, "hidden_units", &len), "hidden_units");
    if (len != (size_t)m->spec.n_hidden) {
      st = tw_error(TW_ERR_INPUT, "%s: hidden_units has %zu values, expected %d", path, len,
                    m->spec.n_hidden);
      goto cleanup;
    }
    NCR(nc_get_att_int(nc, NC_GLOBAL, "hidden_units", m->spec.hidden), "hidden_units");
  }
  int dim;
  size_t nf = 0, nq = 0;
  NCR(nc_inq_dimid(nc, "feature", &dim), "dimension 'feature'");
  NCR(nc_inq_dimlen(nc, dim, &nf), "dimension 'feature'");
  if (nc_inq_dimid(nc, "quantile", &dim) == NC_NOERR) {
    NCR(nc_inq_dimlen(nc, dim, &nq), "dimension 'quantile'");
    if (nq > TW_MAX_QUANTILES) {
      st = tw_error(TW_ERR_INPUT, "%s: %zu quantiles, at most %d", path, nq, TW_MAX_QUANTILES);
      goto cleanup;
    }
    TW_CHECK_GOTO(st, var_len(nc, path, "quantile", nq, &v));
    NCR(nc_get_var_float(nc, v, m->spec.quantiles), "quantile");
  }
  if (nf == 0 || nf > 100000) {
    st = tw_error(TW_ERR_INPUT, "%s: %zu features", path, nf);
    goto cleanup;
  }
  m->spec.n_inputs = (int)nf;
  m->spec.quantile_count = (int)nq;
  if (tw_mlp_spec_validate(&m->spec) != TW_OK) {
    st = tw_error_prefix(TW_ERR_INPUT, "%s: ", path);
    goto cleanup;
  }
  m->n_features = (int)nf;
  size_t nmem = 1;
  if (nc_inq_dimid(nc, "member", &dim) == NC_NOERR) {
    NCR(nc_inq_dimlen(nc, dim, &nmem), "dimension 'member'");
    if (nmem < 1 || nmem > 64) {
      st = tw_error(TW_ERR_INPUT, "%s: %zu ensemble members, expected 1..64", path, nmem);
      goto cleanup;
    }
  }
  m->members = (int)nmem;
  size_t np = 0;
  for (int l = 0; l <= m->spec.n_hidden; l++) {
    int r, c;
    layer_shape(&m->spec, l, &r, &c);
    np += (size_t)r * (size_t)c + (size_t)r;
  }
  m->n_params = np;
  TW_CHECK_GOTO(st, tw_calloc(np * nmem, sizeof(float), "parameters", &m->params));
  size_t off = 0;
  for (int l = 0; l <= m->spec.n_hidden; l++) {
    int r, c;
    layer_shape(&m->spec, l, &r, &c);
    for (size_t k = 0; k < nmem; k++) {
      float *p = m->params + k * np + off;
      size_t ws[3] = {k, 0, 0}, wc[3] = {1, (size_t)c, (size_t)r};
      size_t bs[2] = {k, 0}, bc[2] = {1, (size_t)r};
      snprintf(buf, sizeof buf, "weight_%d", l);
      TW_CHECK_GOTO(st, var_len(nc, path, buf, (size_t)r * (size_t)c * nmem, &v));
      NCR(nmem > 1 ? nc_get_vara_float(nc, v, ws, wc, p) : nc_get_var_float(nc, v, p), buf);
      snprintf(buf, sizeof buf, "bias_%d", l);
      TW_CHECK_GOTO(st, var_len(nc, path, buf, (size_t)r * nmem, &v));
      NCR(nmem > 1 ? nc_get_vara_float(nc, v, bs, bc, p + (size_t)r * (size_t)c)
                   : nc_get_var_float(nc, v, p + (size_t)r * (size_t)c),
          buf);
    }
    off += (size_t)r * (size_t)c + (size_t)r;
  }
  TW_CHECK_GOTO(st, tw_calloc(nf, sizeof(float), "feature_mean", &m->feature_mean));
  TW_CHECK_GOTO(st, tw_calloc(nf, sizeof(float), "feature_std", &m->feature_std));
  TW_CHECK_GOTO(st, tw_calloc(nf, sizeof(double), "importance", &m->importance));
  TW_CHECK_GOTO(st, tw_calloc(nf, sizeof *m->features, "features", &m->features));
  TW_CHECK_GOTO(st, var_len(nc, path, "feature_mean", nf, &v));
  NCR(nc_get_var_float(nc, v, m->feature_mean), "feature_mean");
  TW_CHECK_GOTO(st, var_len(nc, path, "feature_std", nf, &v));
  NCR(nc_get_var_float(nc, v, m->feature_std), "feature_std");
  for (size_t k = 0; k < nf; k++)
    if (!isfinite(m->feature_mean[k]) || !(m->feature_std[k] > 0.0f)) {
      st = tw_error(TW_ERR_INPUT, "%s: feature %zu: mean %g / std %g invalid", path, k,
                    (double)m->feature_mean[k], (double)m->feature_std[k]);
      goto cleanup;
    }
  TW_CHECK_GOTO(st, var_len(nc, path, "permutation_importance", nf, &v));
  NCR(nc_get_var_double(nc, v, m->importance), "permutation_importance");
  TW_CHECK_GOTO(st, tw_calloc(nf * NAME_LEN + 1, 1, "names", &names));
  TW_CHECK_GOTO(st, var_len(nc, path, "feature_name", nf * NAME_LEN, &v));
  NCR(nc_get_var_text(nc, v, names), "feature_name");
  for (size_t k = 0; k < nf; k++) {
    char one[NAME_LEN + 1];
    memcpy(one, names + k * NAME_LEN, NAME_LEN);
    one[NAME_LEN] = '\0';
    if (tw_feature_parse(one, &m->features[k]) != TW_OK) {
      st = tw_error_prefix(TW_ERR_INPUT, "%s: variable 'feature_name': ", path);
      goto cleanup;
    }
  }
  TW_CHECK_GOTO(st, var_len(nc, path, "feature_units", nf * NAME_LEN, &v));
  NCR(nc_get_var_text(nc, v, names), "feature_units");
  for (size_t k = 0; k < nf; k++) {
    char one[NAME_LEN + 1];
    memcpy(one, names + k * NAME_LEN, NAME_LEN);
    one[NAME_LEN] = '\0';
    one[sizeof m->features[k].units - 1] = '\0';
    memcpy(m->features[k].units, one, sizeof m->features[k].units);
  }
  if (nc_inq_dimid(nc, "holiday", &dim) == NC_NOERR) {
    NCR(nc_inq_dimlen(nc, dim, &m->n_holidays), "dimension 'holiday'");
    TW_CHECK_GOTO(st, tw_calloc(m->n_holidays, sizeof(int64_t), "holidays", &m->holiday_days));
    TW_CHECK_GOTO(st, var_len(nc, path, "holiday", m->n_holidays, &v));
    if (sizeof(long long) == sizeof(int64_t))
      NCR(nc_get_var_longlong(nc, v, (long long *)m->holiday_days), "holiday");
  }
  /* "validation_skill" in files written before the final test block existed */
  const char *skill_var = nc_inq_varid(nc, "test_skill", &v) == NC_NOERR ? "test_skill"
                                                                         : "validation_skill";
  TW_CHECK_GOTO(st, var_len(nc, path, skill_var, TW_SKILL_METHODS * TW_SKILL_METRICS, &v));
  NCR(nc_get_var_double(nc, v, &m->skill[0][0]), skill_var);
  /* residual mode, selection and test block: absent in older files */
  m->residual_feature = -1;
  if (nc_inq_attlen(nc, NC_GLOBAL, "residual", &len0) == NC_NOERR) {
    TW_CHECK_GOTO(st, get_text_att(nc, path, "residual", buf, sizeof buf));
    if (tw_forecast_residual_parse(buf, &m->residual) != TW_OK) {
      st = tw_error_prefix(TW_ERR_INPUT, "%s: attribute 'residual': ", path);
      goto cleanup;
    }
    NCR(nc_get_att_int(nc, NC_GLOBAL, "residual_feature", &m->residual_feature),
        "residual_feature");
  }
  if (m->residual == TW_RESIDUAL_SEASONAL_NAIVE &&
      (m->residual_feature < 0 || m->residual_feature >= (int)nf ||
       m->features[m->residual_feature].kind != TW_FEAT_LAG)) {
    st = tw_error(TW_ERR_INPUT, "%s: residual_feature %d is not a lag feature", path,
                  m->residual_feature);
    goto cleanup;
  }
  if (m->residual == TW_RESIDUAL_OLS) {
    TW_CHECK_GOTO(st, tw_calloc(nf + 1, sizeof(double), "OLS coefficients", &m->residual_coef));
    TW_CHECK_GOTO(st, var_len(nc, path, "residual_ols_coef", nf + 1, &v));
    NCR(nc_get_var_double(nc, v, m->residual_coef), "residual_ols_coef");
  }
  if (nc_inq_attlen(nc, NC_GLOBAL, "test_start", &len0) == NC_NOERR) {
    TW_CHECK_GOTO(st, get_text_att(nc, path, "test_start", m->test_start, sizeof m->test_start));
    TW_CHECK_GOTO(st, get_text_att(nc, path, "test_end", m->test_end, sizeof m->test_end));
    long long nt = 0;
    NCR(nc_get_att_longlong(nc, NC_GLOBAL, "test_samples", &nt), "test_samples");
    m->n_test = (size_t)nt;
    NCR(nc_get_att_uint(nc, NC_GLOBAL, "selection_folds", &m->selection_folds), "selection_folds");
    NCR(nc_get_att_uint(nc, NC_GLOBAL, "selection_candidates", &m->selection_candidates),
        "selection_candidates");
    NCR(nc_get_att_double(nc, NC_GLOBAL, "selection_rmse", &m->selection_rmse), "selection_rmse");
    TW_CHECK_GOTO(st, get_text_att(nc, path, "schedule", m->schedule, sizeof m->schedule));
    NCR(nc_get_att_uint(nc, NC_GLOBAL, "warmup_epochs", &m->warmup_epochs), "warmup_epochs");
  } else {
    snprintf(m->schedule, sizeof m->schedule, "exponential");
  }
  NCR(nc_get_att_int(nc, NC_GLOBAL, "horizon_h", &m->horizon_h), "horizon_h");
  long long ll = 0;
  NCR(nc_get_att_longlong(nc, NC_GLOBAL, "time_step_s", &ll), "time_step_s");
  m->step_s = ll;
  if (m->horizon_h < 1 || m->step_s <= 0) {
    st = tw_error(TW_ERR_INPUT, "%s: horizon_h %d / time_step_s %lld invalid", path, m->horizon_h,
                  ll);
    goto cleanup;
  }
  TW_CHECK_GOTO(st, get_text_att(nc, path, "target_name", m->target_name, sizeof m->target_name));
  TW_CHECK_GOTO(st, get_text_att(nc, path, "target_units", m->target_units, sizeof m->target_units));
  NCR(nc_get_att_float(nc, NC_GLOBAL, "target_mean", &m->target_mean), "target_mean");
  NCR(nc_get_att_float(nc, NC_GLOBAL, "target_std", &m->target_std), "target_std");
  TW_CHECK_GOTO(st, get_text_att(nc, path, "train_start", m->train_start, sizeof m->train_start));
  TW_CHECK_GOTO(st, get_text_att(nc, path, "train_end", m->train_end, sizeof m->train_end));
  TW_CHECK_GOTO(st, get_text_att(nc, path, "validation_start", m->valid_start, sizeof m->valid_start));
  TW_CHECK_GOTO(st, get_text_att(nc, path, "validation_end", m->valid_end, sizeof m->valid_end));
  TW_CHECK_GOTO(st, get_text_att(nc, path, "training_data_hash_fnv1a64", m->data_hash,
                                 sizeof m->data_hash));
  NCR(nc_get_att_longlong(nc, NC_GLOBAL, "train_samples", &ll), "train_samples");
  m->n_train = (size_t)ll;
  NCR(nc_get_att_longlong(nc, NC_GLOBAL, "validation_samples", &ll), "validation_samples");
  m->n_valid = (size_t)ll;
  NCR(nc_get_att_int(nc, NC_GLOBAL, "epochs_max", &m->epochs_max), "epochs_max");
  NCR(nc_get_att_int(nc, NC_GLOBAL, "epochs_run", &m->epochs_run), "epochs_run");
  NCR(nc_get_att_int(nc, NC_GLOBAL, "best_epoch", &m->best_epoch), "best_epoch");
  NCR(nc_get_att_uint(nc, NC_GLOBAL, "batch_size", &m->batch_size), "batch_size");
  NCR(nc_get_att_uint(nc, NC_GLOBAL, "shards", &m->shards), "shards");
  NCR(nc_get_att_int(nc, NC_GLOBAL, "mpi_ranks", &m->ranks), "mpi_ranks");
  /* absent in files written before federated training existed: centralised */
  if (nc_get_att_uint(nc, NC_GLOBAL, "federated_rounds", &m->fed_rounds) != NC_NOERR ||
      nc_get_att_uint(nc, NC_GLOBAL, "federated_local_epochs", &m->fed_local_epochs) != NC_NOERR)
    m->fed_rounds = m->fed_local_epochs = 0;
  unsigned long long seed = 0;
  NCR(nc_get_att_ulonglong(nc, NC_GLOBAL, "seed", &seed), "seed");
  m->seed = seed;
  NCR(nc_get_att_float(nc, NC_GLOBAL, "learning_rate", &m->learning_rate), "learning_rate");
  NCR(nc_get_att_float(nc, NC_GLOBAL, "weight_decay", &m->weight_decay), "weight_decay");
  if (nc_get_att_float(nc, NC_GLOBAL, "learning_rate_decay", &m->learning_rate_decay) != NC_NOERR)
    m->learning_rate_decay = 1.0f; /* files written before the schedule existed */
  NCR(nc_get_att_float(nc, NC_GLOBAL, "validation_fraction", &m->validation_fraction), "fraction");
  NCR(nc_get_att_double(nc, NC_GLOBAL, "best_validation_loss", &m->best_valid_loss), "loss");
  NCR(nc_get_att_double(nc, NC_GLOBAL, "train_seconds", &m->train_seconds), "train_seconds");
  if (!isfinite(m->target_mean) || !(m->target_std > 0.0f)) {
    st = tw_error(TW_ERR_INPUT, "%s: target_mean %g / target_std %g invalid", path,
                  (double)m->target_mean, (double)m->target_std);
    goto cleanup;
  }
  *out = m;
  m = NULL;
cleanup:
  free(names);
  if (nc >= 0) nc_close(nc);
  tw_forecast_model_free(&m);
  return st;
}

int tw_forecast_model_file_probe(const char *path) {
  int nc = -1, fmt = 0;
  if (nc_open(path, NC_NOWRITE, &nc) != NC_NOERR) return 0;
  int ok = nc_get_att_int(nc, NC_GLOBAL, "terrawatt_model_format", &fmt) == NC_NOERR;
  nc_close(nc);
  return ok;
}
