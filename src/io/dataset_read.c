/* Reading one variable of a dataset: hyperslabs (nc_get_vara) of the
 * selected rows, longitude runs and times, decoded to SI.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/dataset.h"
#include "io/nc_util.h"

/* Read and decode a hyperslab of one file variable into out (contiguous, in
 * the variable's dimension order). */
static tw_status read_slab(const tw_ds_file *f, const tw_cf_var *cv, const size_t *start,
                           const size_t *count, size_t n, double us, double uo, void **raw,
                           size_t *raw_cap, float *out, size_t *nmissing) {
  size_t bytes = n * tw_nc_type_size(cv->type);
  if (bytes > *raw_cap) {
    void *nb = realloc(*raw, bytes);
    if (!nb) return tw_error(TW_ERR_RESOURCE, "%s: variable '%s': out of memory for %zu bytes", f->path,
                             cv->name, bytes);
    *raw = nb;
    *raw_cap = bytes;
  }
  int rc = nc_get_vara(f->ncid, cv->varid, start, count, *raw);
  if (rc != NC_NOERR) return tw_nc_fail(rc, f->path, cv->name);
  tw_cf_decode(cv, *raw, n, us, uo, out, nmissing);
  /* Missing values are NaN by now; an infinity (stored Inf, or a double
   * beyond the float range) is bad data, not a gap. */
  for (size_t i = 0; i < n; i++)
    if (isinf(out[i]))
      return tw_error(TW_ERR_INPUT,
                      "%s: variable '%s': value %g (element %zu of the block starting at index %zu) is infinite",
                      f->path, cv->name, (double)out[i], i, start[0]);
  return TW_OK;
}

/* Times [ta, ta+nt) of one part (file-local indices) into out[nt][nrow*ncol]. */
static tw_status read_part(const tw_dataset *ds, const tw_ds_file *f, const tw_cf_var *cv, int tpos,
                           size_t row0, size_t nrow, size_t ta, size_t nt, double us, double uo,
                           float *out, float **tmp, size_t *tmp_cap, void **raw, size_t *raw_cap,
                           size_t *nmissing) {
  size_t ncol = tw_dataset_ncols(ds), ncell = nrow * ncol;
  size_t start[3] = {0, 0, 0}, count[3] = {1, 1, 1};
  if (!ds->is_station) {
    int d = 0;
    if (tpos == 0) {
      start[0] = ta;
      count[0] = nt;
      d = 1;
    } else {
      nt = 1;
    }
    size_t col = 0;
    for (size_t r = 0; r < ds->nrun; r++) {
      start[d] = ds->lat0 + row0;
      count[d] = nrow;
      start[d + 1] = ds->run_start[r];
      count[d + 1] = ds->run_len[r];
      size_t n = nt * nrow * ds->run_len[r];
      if (ds->nrun == 1) {
        TW_CHECK(read_slab(f, cv, start, count, n, us, uo, raw, raw_cap, out, nmissing));
        break;
      }
      if (n > *tmp_cap) {
        float *nb = realloc(*tmp, n * sizeof *nb);
        if (!nb) return tw_error(TW_ERR_RESOURCE, "out of memory");
        *tmp = nb;
        *tmp_cap = n;
      }
      TW_CHECK(read_slab(f, cv, start, count, n, us, uo, raw, raw_cap, *tmp, nmissing));
      for (size_t t = 0; t < nt; t++)
        for (size_t y = 0; y < nrow; y++)
          memcpy(out + t * ncell + y * ncol + col, *tmp + (t * nrow + y) * ds->run_len[r],
                 ds->run_len[r] * sizeof *out);
      col += ds->run_len[r];
    }
    return TW_OK;
  }
  /* stations: read the span of selected locations, then pick */
  size_t l0 = ds->loc[row0], l1 = ds->loc[row0 + nrow - 1], span = l1 - l0 + 1;
  if (tpos < 0) nt = 1;
  if (tpos < 0) {
    start[0] = l0;
    count[0] = span;
  } else if (tpos == 0) {
    start[0] = ta; count[0] = nt; start[1] = l0; count[1] = span;
  } else {
    start[0] = l0; count[0] = span; start[1] = ta; count[1] = nt;
  }
  size_t n = nt * span;
  if (n > *tmp_cap) {
    float *nb = realloc(*tmp, n * sizeof *nb);
    if (!nb) return tw_error(TW_ERR_RESOURCE, "out of memory");
    *tmp = nb;
    *tmp_cap = n;
  }
  size_t miss_span = 0;
  TW_CHECK(read_slab(f, cv, start, count, n, us, uo, raw, raw_cap, *tmp, &miss_span));
  for (size_t t = 0; t < nt; t++)
    for (size_t c = 0; c < nrow; c++) {
      size_t l = ds->loc[row0 + c] - l0;
      float x = tpos == 1 ? (*tmp)[l * nt + t] : (*tmp)[t * span + l];
      out[t * ncell + c] = x;
      if (isnan(x)) (*nmissing)++;
    }
  return TW_OK;
}

tw_status tw_dataset_read_var(const tw_dataset *ds, size_t iv, size_t row0, size_t nrow, size_t t0,
                              size_t nt, double step_s, float *out, size_t *nmissing) {
  const tw_ds_var *v = &ds->vars[iv];
  tw_status st = TW_OK;
  void *raw = NULL;
  float *tmp = NULL;
  size_t raw_cap = 0, tmp_cap = 0;
  double us = v->units_known ? v->units.scale : 1.0, uo = v->units_known ? v->units.offset : 0.0;
  if (v->units_known && v->units.accumulated) {
    if (!(step_s > 0)) {
      const tw_ds_file *f = &ds->files[v->file[0]];
      return tw_error(TW_ERR_INPUT,
                      "%s: variable '%s': accumulated units '%s' need a time step, but the time axis "
                      "has %zu value(s) (set accum_step_s)",
                      f->path, f->vars[v->var[0]].name, v->units_raw, ds->ntime);
    }
    us /= step_s;
  }
  size_t ncell = nrow * tw_dataset_ncols(ds);
  if (!v->time_varying) {
    const tw_ds_file *f = &ds->files[v->file[0]];
    st = read_part(ds, f, &f->vars[v->var[0]], -1, row0, nrow, 0, 1, us, uo, out, &tmp, &tmp_cap,
                   &raw, &raw_cap, nmissing);
    goto cleanup;
  }
  /* dataset-axis times [ds->t0 + t0, +nt) over the parts */
  size_t ga = ds->t0 + t0, gb = ga + nt;
  for (size_t k = 0; k < v->nparts && st == TW_OK; k++) {
    const tw_ds_file *f = &ds->files[v->file[k]];
    size_t pa = v->t_first[k], pb = pa + f->ntime;
    size_t a = ga > pa ? ga : pa, b = gb < pb ? gb : pb;
    if (a >= b) continue;
    st = read_part(ds, f, &f->vars[v->var[k]], f->time_pos[v->var[k]], row0, nrow, a - pa, b - a, us,
                   uo, out + (a - ga) * ncell, &tmp, &tmp_cap, &raw, &raw_cap, nmissing);
  }
cleanup:
  free(raw);
  free(tmp);
  return st;
}
