/* Reading one variable of a dataset: hyperslabs (nc_get_vara) of the
 * selected rows, longitude runs and times, decoded to SI.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/dataset.h"
#include "ingest/nc_util.h"
#include "terrawatt/climate.h"
#include "terrawatt/alloc.h"

void tw_ds_scratch_free(tw_ds_scratch *s) {
  if (!s) return;
  free(s->raw);
  free(s->tmp);
  memset(s, 0, sizeof *s);
}

static tw_status grow_tmp(tw_ds_scratch *s, size_t n) {
  if (n <= s->tmp_cap) return TW_OK;
  float *nb = tw_realloc(s->tmp, n * sizeof *nb);
  if (!nb) return tw_error(TW_ERR_RESOURCE, "out of memory for %zu decoded values", n);
  s->tmp = nb;
  s->tmp_cap = n;
  return TW_OK;
}

/* The full start/count of a variable from the start/count of its time and
 * cell dimensions (`cstart`, `ccount`, in order): length-1 dimensions at 0,
 * the expver dimension at `e`. */
static void expand(const tw_ds_layout *lay, const size_t *cstart, const size_t *ccount, size_t e,
                   size_t *start, size_t *count) {
  int k = 0;
  for (int d = 0; d < lay->ndims; d++) {
    if (lay->role[d] == TW_DIM_CELL) {
      start[d] = cstart[k];
      count[d] = ccount[k];
      k++;
    } else {
      start[d] = lay->role[d] == TW_DIM_EXPVER ? e
                 : lay->role[d] == TW_DIM_LEVEL ? lay->level_index : 0;
      count[d] = 1;
    }
  }
}

/* Read and decode a hyperslab of one file variable into out (contiguous, in
 * the variable's dimension order). */
static tw_status read_slab(const tw_ds_file *f, const tw_cf_var *cv, const tw_ds_layout *lay,
                           const size_t *cstart, const size_t *ccount, size_t e, size_t n, double us,
                           double uo, tw_ds_scratch *s, float *out, size_t *nmissing) {
  size_t start[TW_DS_MAXDIMS], count[TW_DS_MAXDIMS];
  expand(lay, cstart, ccount, e, start, count);
  size_t bytes = n * tw_nc_type_size(cv->type);
  if (bytes > s->raw_cap) {
    void *nb = tw_realloc(s->raw, bytes);
    if (!nb) return tw_error(TW_ERR_RESOURCE, "%s: variable '%s': out of memory for %zu bytes", f->path,
                             cv->name, bytes);
    s->raw = nb;
    s->raw_cap = bytes;
  }
  int rc = nc_get_vara(f->ncid, cv->varid, start, count, s->raw);
  if (rc != NC_NOERR) return tw_nc_fail(rc, f->path, cv->name);
  size_t bad = tw_cf_decode(cv, s->raw, n, us, uo, out, nmissing);
  /* Missing values are NaN by now; an infinity (stored Inf, or a double
   * beyond the float range) is bad data, not a gap. */
  if (bad < n)
    return tw_error(TW_ERR_INPUT,
                    "%s: variable '%s': value %g (element %zu of the block starting at index %zu) is infinite",
                    f->path, cv->name, (double)out[bad], bad, cstart[0]);
  return TW_OK;
}

/* Times [ta, ta+nt) of one part (file-local indices), expver index e, into
 * out[nt][nrow*ncol]. */
static tw_status read_part(const tw_dataset *ds, const tw_ds_file *f, const tw_cf_var *cv,
                           const tw_ds_layout *lay, int tpos, size_t e, size_t row0, size_t nrow,
                           size_t ta, size_t nt, double us, double uo, float *out, tw_ds_scratch *s,
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
      if (ds->nrun == 1) /* one run: decoded straight into place */
        return read_slab(f, cv, lay, start, count, e, n, us, uo, s, out, nmissing);
      TW_CHECK(grow_tmp(s, n));
      TW_CHECK(read_slab(f, cv, lay, start, count, e, n, us, uo, s, s->tmp, nmissing));
      for (size_t t = 0; t < nt; t++)
        for (size_t y = 0; y < nrow; y++)
          memcpy(out + t * ncell + y * ncol + col, s->tmp + (t * nrow + y) * ds->run_len[r],
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
  TW_CHECK(grow_tmp(s, n));
  size_t miss_span = 0;
  TW_CHECK(read_slab(f, cv, lay, start, count, e, n, us, uo, s, s->tmp, &miss_span));
  for (size_t t = 0; t < nt; t++)
    for (size_t c = 0; c < nrow; c++) {
      size_t l = ds->loc[row0 + c] - l0;
      float x = tpos == 1 ? s->tmp[l * nt + t] : s->tmp[t * span + l];
      out[t * ncell + c] = x;
      if (isnan(x)) (*nmissing)++;
    }
  return TW_OK;
}

static int all_nan(const float *x, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) return 0;
  return 1;
}

/* A part with an ERA5T `expver` dimension: at each time, the first
 * experiment version that holds any value there (ERA5 final data, expver 1,
 * before ERA5T, expver 5, in CDS downloads). Reads each version into a
 * buffer of nt x ncell values besides out. */
static tw_status read_part_expver(const tw_dataset *ds, const tw_ds_file *f, const tw_cf_var *cv,
                                  const tw_ds_layout *lay, int tpos, size_t row0, size_t nrow, size_t ta,
                                  size_t nt, double us, double uo, float *out, tw_ds_scratch *s,
                                  size_t *nmissing) {
  size_t ncell = nrow * tw_dataset_ncols(ds), ignored = 0;
  float *alt = NULL;
  tw_status st = TW_OK;
  TW_CHECK(read_part(ds, f, cv, lay, tpos, 0, row0, nrow, ta, nt, us, uo, out, s, &ignored));
  TW_CHECK(tw_calloc(nt * ncell + 1, sizeof *alt, "expver buffer", &alt));
  for (size_t e = 1; e < lay->nexpver; e++) {
    TW_CHECK_GOTO(st, read_part(ds, f, cv, lay, tpos, e, row0, nrow, ta, nt, us, uo, alt, s, &ignored));
    for (size_t t = 0; t < nt; t++)
      if (all_nan(out + t * ncell, ncell) && !all_nan(alt + t * ncell, ncell))
        memcpy(out + t * ncell, alt + t * ncell, ncell * sizeof *out);
  }
  for (size_t i = 0; i < nt * ncell; i++) *nmissing += isnan(out[i]) ? 1u : 0u;
cleanup:
  free(alt);
  return st;
}

static tw_status read_any(const tw_dataset *ds, const tw_ds_file *f, size_t vi, int tpos, size_t row0,
                          size_t nrow, size_t ta, size_t nt, double us, double uo, float *out,
                          tw_ds_scratch *s, size_t *nmissing) {
  const tw_ds_layout *lay = &f->layout[vi];
  if (lay->nexpver > 1)
    return read_part_expver(ds, f, &f->vars[vi], lay, tpos, row0, nrow, ta, nt, us, uo, out, s, nmissing);
  return read_part(ds, f, &f->vars[vi], lay, tpos, 0, row0, nrow, ta, nt, us, uo, out, s, nmissing);
}

/* A decoded value outside the variable's physical range (cf_rules.c), at
 * element i of a [nt][ncell] block that starts at selected time t0. */
static tw_status physical_error(const tw_dataset *ds, const tw_ds_var *v, size_t ncell, size_t t0,
                                size_t i, double value) {
  const tw_ds_file *f = &ds->files[v->file[0]];
  size_t ds_t = ds->t0 + t0 + i / ncell;
  for (size_t k = 0; v->time_varying && k < v->nparts; k++) /* the part holding that time */
    if (ds_t >= v->t_first[k] && ds_t < v->t_first[k] + ds->files[v->file[k]].ntime)
      f = &ds->files[v->file[k]];
  char when[64] = "";
  if (v->time_varying) snprintf(when, sizeof when, ", dataset time index %zu", ds_t);
  return tw_error(TW_ERR_INPUT,
                  "%s: variable '%s': value %g %s (units '%s') at selected cell %zu%s is outside "
                  "the physical range for %s, %g..%g %s: wrong units, packing or data",
                  f->path, f->vars[v->var[0]].name, value, v->phys->si, v->units_raw,
                  i % ncell, when, v->phys->role, v->phys->min, v->phys->max, v->phys->si);
}

/* Decoded values must lie in the variable's physical range (cf_rules.c). */
static tw_status check_physical(const tw_dataset *ds, const tw_ds_var *v, size_t ncell, size_t t0,
                                size_t nt, const float *out) {
  size_t n = ncell * (v->time_varying ? nt : 1);
  size_t i = tw_cf_physical_outside(v->phys, out, n);
  return i == n ? TW_OK : physical_error(ds, v, ncell, t0, i, (double)out[i]);
}

/* The same for values kept packed: decoding is monotonic in the raw value,
 * so only the smallest and largest valid raw values need decoding (one
 * integer min/max pass, no decoded copy). */
static tw_status check_physical_packed(const tw_dataset *ds, const tw_ds_var *v, size_t ncell,
                                       size_t t0, size_t n, const short *raw,
                                       const tw_climate_packing *k) {
  int lo = 32767, hi = -32768;
  for (size_t i = 0; i < n; i++) {
    int r = raw[i];
    int valid = r != k->fill && r != k->missing && r >= k->raw_min && r <= k->raw_max;
    lo = valid && r < lo ? r : lo;
    hi = valid && r > hi ? r : hi;
  }
  if (lo > hi) return TW_OK; /* all missing */
  int ends[2] = {lo, hi};
  for (int e = 0; e < 2; e++) {
    double value = k->in_float ? (double)((float)ends[e] * (float)k->scale + (float)k->offset)
                               : ends[e] * k->scale + k->offset;
    if (ends[e] == k->zero_raw) value = k->zero_value;
    if (value >= v->phys->min && value <= v->phys->max) continue;
    for (size_t i = 0; i < n; i++)
      if (raw[i] == ends[e]) return physical_error(ds, v, ncell, t0, i, value);
  }
  return TW_OK;
}

/* The unit conversion of variable v: si = value * us + uo (accumulations
 * divided by the step). */
static tw_status unit_conversion(const tw_dataset *ds, const tw_ds_var *v, double step_s, double *us_out,
                                 double *uo_out) {
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
  *us_out = us;
  *uo_out = uo;
  return TW_OK;
}

tw_status tw_dataset_read_var(const tw_dataset *ds, size_t iv, size_t row0, size_t nrow, size_t t0,
                              size_t nt, double step_s, float *out, size_t *nmissing,
                              tw_ds_scratch *scratch) {
  const tw_ds_var *v = &ds->vars[iv];
  tw_status st = TW_OK;
  tw_ds_scratch local;
  memset(&local, 0, sizeof local);
  tw_ds_scratch *s = scratch ? scratch : &local;
  double us = 1.0, uo = 0.0;
  TW_CHECK(unit_conversion(ds, v, step_s, &us, &uo));
  size_t ncell = nrow * tw_dataset_ncols(ds);
  if (!v->time_varying) {
    const tw_ds_file *f = &ds->files[v->file[0]];
    st = read_any(ds, f, v->var[0], -1, row0, nrow, 0, 1, us, uo, out, s, nmissing);
    goto cleanup;
  }
  /* dataset-axis times [ds->t0 + t0, +nt) over the parts */
  size_t ga = ds->t0 + t0, gb = ga + nt;
  for (size_t k = 0; k < v->nparts && st == TW_OK; k++) {
    const tw_ds_file *f = &ds->files[v->file[k]];
    size_t pa = v->t_first[k], pb = pa + f->ntime;
    size_t a = ga > pa ? ga : pa, b = gb < pb ? gb : pb;
    if (a >= b) continue;
    st = read_any(ds, f, v->var[k], f->time_pos[v->var[k]], row0, nrow, a - pa, b - a, us, uo,
                  out + (a - ga) * ncell, s, nmissing);
  }
cleanup:
  if (st == TW_OK && v->phys && v->units_known) st = check_physical(ds, v, ncell, t0, nt, out);
  tw_ds_scratch_free(&local);
  return st;
}

static int same_packing(const tw_climate_packing *a, const tw_climate_packing *b) {
  return a->scale == b->scale && a->offset == b->offset && a->in_float == b->in_float &&
         a->fill == b->fill && a->missing == b->missing && a->raw_min == b->raw_min &&
         a->raw_max == b->raw_max && a->zero_raw == b->zero_raw &&
         !memcmp(&a->zero_value, &b->zero_value, sizeof a->zero_value);
}

tw_status tw_dataset_read_var_i16(const tw_dataset *ds, size_t iv, size_t row0, size_t nrow,
                                  size_t t0, size_t nt, double step_s, short *out,
                                  tw_climate_packing *pack, size_t *nmissing, int *done) {
  const tw_ds_var *v = &ds->vars[iv];
  *done = 0;
  if (ds->is_station || ds->nrun != 1 || !v->time_varying || nt == 0) return TW_OK;
  double us = 1.0, uo = 0.0;
  TW_CHECK(unit_conversion(ds, v, step_s, &us, &uo));
  size_t ga = ds->t0 + t0, gb = ga + nt, ncell = nrow * tw_dataset_ncols(ds);
  int found = 0;
  /* every part of the range: short, time first, no expver, one decoding */
  for (size_t k = 0; k < v->nparts; k++) {
    const tw_ds_file *f = &ds->files[v->file[k]];
    size_t pa = v->t_first[k], pb = pa + f->ntime;
    if ((ga > pa ? ga : pa) >= (gb < pb ? gb : pb)) continue;
    tw_climate_packing pk;
    if (f->layout[v->var[k]].nexpver > 1 || f->time_pos[v->var[k]] != 0 ||
        !tw_cf_short_packing(&f->vars[v->var[k]], us, uo, &pk))
      return TW_OK;
    if (found && !same_packing(&pk, pack)) return TW_OK;
    *pack = pk;
    found = 1;
  }
  if (!found) return TW_OK;
  for (size_t k = 0; k < v->nparts; k++) {
    const tw_ds_file *f = &ds->files[v->file[k]];
    const tw_cf_var *cv = &f->vars[v->var[k]];
    size_t pa = v->t_first[k], pb = pa + f->ntime;
    size_t a = ga > pa ? ga : pa, b = gb < pb ? gb : pb;
    if (a >= b) continue;
    size_t cs[3] = {a - pa, ds->lat0 + row0, ds->run_start[0]}, cc[3] = {b - a, nrow, ds->run_len[0]};
    size_t start[TW_DS_MAXDIMS], count[TW_DS_MAXDIMS];
    expand(&f->layout[v->var[k]], cs, cc, 0, start, count);
    short *dst = out + (a - ga) * ncell;
    int rc = nc_get_vara_short(f->ncid, cv->varid, start, count, dst);
    if (rc != NC_NOERR) return tw_nc_fail(rc, f->path, cv->name);
    *nmissing += tw_cf_packing_missing(pack, dst, (b - a) * ncell);
  }
  if (v->phys && v->units_known)
    TW_CHECK(check_physical_packed(ds, v, ncell, t0, nt * ncell, out, pack));
  *done = 1;
  return TW_OK;
}
