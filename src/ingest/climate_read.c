/* tw_climate_read / tw_climate_stream / tw_climate_shape: the public
 * entry points of ingest, on top of the dataset scanner and reader.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/dataset.h"
#include "terrawatt/ingest.h"
#include "terrawatt/alloc.h"

void tw_ingest_params_default(tw_ingest_params *p) {
  memset(p, 0, sizeof *p);
}

static char *dup_or_null(const char *s) {
  return s ? tw_strdup(s) : NULL;
}

/* Rows and times this call reads (a slab of the selection). */
static tw_status slab(const tw_dataset *ds, const tw_ingest_params *p, size_t *r0, size_t *nr,
                      size_t *t0, size_t *nt) {
  size_t rows = tw_dataset_nrows(ds);
  *r0 = p->row_offset;
  *nr = p->row_count ? p->row_count : rows - (p->row_offset < rows ? p->row_offset : rows);
  *t0 = p->time_offset;
  *nt = p->time_count ? p->time_count : ds->nt_sel - (p->time_offset < ds->nt_sel ? p->time_offset : ds->nt_sel);
  if (*r0 + *nr > rows || *nr == 0)
    return tw_error(TW_ERR_INPUT, "%s: rows %zu..%zu requested but the selection has %zu", ds->files[0].path,
                    *r0, *r0 + *nr, rows);
  if (ds->nt_sel > 0 && (*t0 + *nt > ds->nt_sel))
    return tw_error(TW_ERR_INPUT, "%s: times %zu..%zu requested but the selection has %zu", ds->files[0].path,
                    *t0, *t0 + *nt, ds->nt_sel);
  return TW_OK;
}

/* Allocate a tw_climate with coordinates for rows [r0, r0+nr) and room
 * for `cap_t` times; no values yet. */
static tw_status climate_alloc(const tw_dataset *ds, size_t r0, size_t nr, size_t cap_t, tw_climate **out) {
  tw_climate *c = NULL;
  tw_status st = TW_OK;
  size_t ncol = tw_dataset_ncols(ds);
  TW_CHECK(tw_calloc(1, sizeof *c, "climate", &c));
  c->calendar = ds->cal;
  c->is_station = ds->is_station;
  c->nlat = nr;
  c->nlon = ncol;
  c->ncell = nr * ncol;
  c->nlat_total = tw_dataset_nrows(ds);
  c->ntime_total = ds->nt_sel;
  c->row_offset = r0;
  c->step_s = ds->step_s;
  c->source = tw_strdup(ds->files[0].path);
  TW_CHECK_GOTO(st, tw_calloc(cap_t ? cap_t : 1, sizeof *c->time, "time axis", &c->time));
  TW_CHECK_GOTO(st, tw_calloc(ds->is_station ? nr : nr, sizeof *c->lat_deg, "latitudes", &c->lat_deg));
  TW_CHECK_GOTO(st, tw_calloc(ds->is_station ? nr : ncol, sizeof *c->lon_deg, "longitudes", &c->lon_deg));
  if (ds->is_station) {
    for (size_t i = 0; i < nr; i++) {
      c->lat_deg[i] = ds->lat[ds->loc[r0 + i]];
      c->lon_deg[i] = tw_lon_normalise(ds->lon_raw[ds->loc[r0 + i]]);
    }
  } else {
    for (size_t i = 0; i < nr; i++) c->lat_deg[i] = ds->lat[ds->lat0 + r0 + i];
    size_t k = 0;
    for (size_t r = 0; r < ds->nrun; r++)
      for (size_t j = 0; j < ds->run_len[r]; j++)
        c->lon_deg[k++] = tw_lon_normalise(ds->lon_raw[ds->run_start[r] + j]);
  }
  TW_CHECK_GOTO(st, tw_calloc(ds->nvars ? ds->nvars : 1, sizeof *c->vars, "variables", &c->vars));
  for (size_t i = 0; i < ds->nvars; i++) {
    const tw_ds_var *v = &ds->vars[i];
    tw_climate_var *cv = &c->vars[i];
    c->nvar++;
    cv->name = tw_strdup(v->canonical);
    cv->units = dup_or_null(v->units_known ? v->units.si : v->units_raw);
    cv->source_name = tw_strdup(ds->files[v->file[0]].vars[v->var[0]].name);
    cv->time_varying = v->time_varying;
    cv->accumulated = v->units_known && v->units.accumulated;
    const char *cm = ds->files[v->file[0]].vars[v->var[0]].cell_methods;
    if (cm[0] && !(cv->cell_methods = tw_strdup(cm))) {
      st = tw_error(TW_ERR_RESOURCE, "out of memory");
      goto cleanup;
    }
    size_t nt = v->time_varying ? cap_t : 1;
    if (!cv->name || !cv->units || !cv->source_name || !c->source) {
      st = tw_error(TW_ERR_RESOURCE, "out of memory");
      goto cleanup;
    }
    size_t nval = nt * c->ncell;
    TW_CHECK_GOTO(st, tw_calloc(nval ? nval : 1, sizeof *cv->data, v->canonical, &cv->data));
  }
  *out = c;
  c = NULL;
cleanup:
  tw_climate_destroy(&c);
  return st;
}

static double accum_step(const tw_dataset *ds, const tw_ingest_params *p) {
  if (p->accum_step_s > 0) return p->accum_step_s;
  return ds->uniform_step ? ds->step_s : 0.0;
}

static size_t auto_chunk(const tw_dataset *ds, size_t ncell) {
  size_t per_step = ncell * 8 * (ds->nvars ? 1 : 1); /* stored bytes per step, at most 8 per value */
  size_t n = ((size_t)32 << 20) / (per_step ? per_step : 1);
  return n ? n : 1;
}

/* Read times [t0, t0+nt) of the selection into c (whose arrays hold at
 * least nt times), at c-relative time index 0. */
static tw_status fill(const tw_dataset *ds, const tw_ingest_params *p, tw_climate *c, size_t r0, size_t nr,
                      size_t t0, size_t nt, size_t chunk, int statics, tw_ds_scratch *s, short **i16) {
  for (size_t t = 0; t < nt; t++) c->time[t] = ds->time[ds->t0 + t0 + t];
  c->ntime = nt;
  c->time_offset = t0;
  double step = accum_step(ds, p);
  for (size_t i = 0; i < ds->nvars; i++) {
    tw_climate_var *cv = &c->vars[i];
    if (!ds->vars[i].time_varying) {
      if (statics) {
        cv->n_missing = 0;
        TW_CHECK(tw_dataset_read_var(ds, i, r0, nr, 0, 1, step, cv->data, &cv->n_missing, s));
      }
      continue;
    }
    cv->n_missing = 0;
    cv->data_i16 = NULL;
    if (i16 && i16[i]) { /* kept packed where the parts allow it (per chunk) */
      int done = 0;
      TW_CHECK(tw_dataset_read_var_i16(ds, i, r0, nr, t0, nt, step, i16[i], &cv->packing,
                                       &cv->n_missing, &done));
      if (done) {
        cv->data_i16 = i16[i];
        continue;
      }
    }
    for (size_t a = 0; a < nt; a += chunk) {
      size_t n = nt - a < chunk ? nt - a : chunk;
      TW_CHECK(tw_dataset_read_var(ds, i, r0, nr, t0 + a, n, step, cv->data + a * c->ncell, &cv->n_missing, s));
    }
  }
  return TW_OK;
}

static tw_status check_all_missing(const tw_dataset *ds, const tw_climate *c) {
  for (size_t i = 0; i < c->nvar; i++) {
    const tw_climate_var *cv = &c->vars[i];
    size_t n = (cv->time_varying ? c->ntime : 1) * c->ncell;
    if (n > 0 && cv->n_missing == n) {
      const tw_ds_var *v = &ds->vars[i];
      return tw_error(TW_ERR_INPUT, "%s: variable '%s': every value (%zu) is missing", ds->files[v->file[0]].path,
                      cv->source_name, n);
    }
  }
  return TW_OK;
}

tw_status tw_climate_read(const tw_ingest_params *p, tw_climate **out) {
  tw_dataset *ds = NULL;
  tw_climate *c = NULL;
  tw_status st = TW_OK;
  size_t r0, nr, t0, nt;
  tw_ds_scratch scratch;
  memset(&scratch, 0, sizeof scratch);
  *out = NULL;
  TW_CHECK(tw_dataset_open(p, 0, 1, &ds));
  TW_CHECK_GOTO(st, slab(ds, p, &r0, &nr, &t0, &nt));
  TW_CHECK_GOTO(st, climate_alloc(ds, r0, nr, nt, &c));
  size_t chunk = p->chunk_steps ? p->chunk_steps : auto_chunk(ds, c->ncell);
  TW_CHECK_GOTO(st, fill(ds, p, c, r0, nr, t0, nt, chunk, 1, &scratch, NULL));
  TW_CHECK_GOTO(st, check_all_missing(ds, c));
  *out = c;
  c = NULL;
cleanup:
  tw_ds_scratch_free(&scratch);
  tw_climate_destroy(&c);
  tw_dataset_close(&ds);
  return st;
}

tw_status tw_climate_shape(const tw_ingest_params *p, tw_ingest_shape *out) {
  tw_dataset *ds = NULL;
  memset(out, 0, sizeof *out);
  TW_CHECK(tw_dataset_open(p, 0, 1, &ds));
  out->nrow = tw_dataset_nrows(ds);
  out->ncol = tw_dataset_ncols(ds);
  out->ntime = ds->nt_sel;
  out->is_station = ds->is_station;
  out->calendar = ds->cal;
  out->step_s = ds->step_s;
  if (ds->nt_sel > 0) {
    out->time_first = ds->time[ds->t0];
    out->time_last = ds->time[ds->t0 + ds->nt_sel - 1];
  }
  for (size_t i = 0; i < ds->nvars && out->nvars < TW_SHAPE_MAXVARS; i++) {
    snprintf(out->vars[out->nvars], sizeof out->vars[0], "%s", ds->vars[i].canonical);
    snprintf(out->sources[out->nvars], sizeof out->sources[0], "%s",
             ds->files[ds->vars[i].file[0]].vars[ds->vars[i].var[0]].name);
    out->nvars++;
  }
  tw_dataset_close(&ds);
  return TW_OK;
}

struct tw_climate_reader {
  tw_dataset *ds;
  tw_ingest_params p;   /* copy (the caller's arrays must outlive the reader) */
  tw_climate *chunk;    /* values of the current chunk; reused */
  tw_ds_scratch scratch;
  size_t r0, nr, t0, nt, k;
  size_t next;          /* index (within the slab) of the next chunk's first time */
  size_t *missing;      /* per variable: missing values so far */
  short **i16;          /* per variable: int16 chunk buffer when kept packed, else NULL */
  int started;
};

/* glibc raises its mmap threshold each time a large mmapped block is freed
 * (up to 32 MiB), after which HDF5's per-chunk buffers (a few MiB each,
 * allocated and freed for every chunk decompressed) come from the heap,
 * which fragments and grows with the length of the stream (measured: peak
 * RSS +12% for a 4x longer file). A fixed threshold of 1 MiB keeps such
 * blocks in mmap, returned to the system on free (peak RSS +0.3%). */
static void fix_mmap_threshold(void) {
#ifdef __GLIBC__
  static int done = 0;
  if (!done) {
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    done = 1;
  }
#endif
}

tw_status tw_climate_reader_open(const tw_ingest_params *p, size_t chunk_steps, tw_climate_reader **out) {
  tw_climate_reader *r = NULL;
  tw_status st = TW_OK;
  *out = NULL;
  fix_mmap_threshold();
  TW_CHECK(tw_calloc(1, sizeof *r, "climate reader", &r));
  r->p = *p;
  TW_CHECK_GOTO(st, tw_dataset_open(p, 0, 1, &r->ds));
  TW_CHECK_GOTO(st, slab(r->ds, p, &r->r0, &r->nr, &r->t0, &r->nt));
  r->k = chunk_steps ? chunk_steps : (p->chunk_steps ? p->chunk_steps
                                                       : auto_chunk(r->ds, r->nr * tw_dataset_ncols(r->ds)));
  if (r->k > r->nt) r->k = r->nt ? r->nt : 1;
  TW_CHECK_GOTO(st, climate_alloc(r->ds, r->r0, r->nr, r->k, &r->chunk));
  TW_CHECK_GOTO(st, tw_calloc(r->ds->nvars + 1, sizeof *r->missing, "missing counts", &r->missing));
  *out = r;
  r = NULL;
cleanup:
  tw_climate_reader_close(&r);
  return st;
}

void tw_climate_reader_shape(const tw_climate_reader *r, size_t *ntime, size_t *chunk_steps, size_t *ncell) {
  if (ntime) *ntime = r->nt;
  if (chunk_steps) *chunk_steps = r->k;
  if (ncell) *ncell = r->chunk->ncell;
}

tw_status tw_climate_reader_next(tw_climate_reader *r, const tw_climate **chunk) {
  *chunk = NULL;
  int first = !r->started;
  if (!first && r->next >= r->nt) {
    /* the end: a variable whose every value was missing is an error, as
     * for tw_climate_read */
    for (size_t i = 0; i < r->chunk->nvar; i++) {
      const tw_climate_var *cv = &r->chunk->vars[i];
      size_t total = (cv->time_varying ? r->nt : 1) * r->chunk->ncell;
      if (total > 0 && r->missing[i] == total) {
        const tw_ds_var *v = &r->ds->vars[i];
        return tw_error(TW_ERR_INPUT, "%s: variable '%s': every value (%zu) is missing",
                        r->ds->files[v->file[0]].path, cv->source_name, total);
      }
    }
    return TW_OK;
  }
  r->started = 1;
  size_t n = r->nt - r->next < r->k ? r->nt - r->next : r->k;
  TW_CHECK(fill(r->ds, &r->p, r->chunk, r->r0, r->nr, r->t0 + r->next, n, r->k, first, &r->scratch,
                r->i16));
  for (size_t i = 0; i < r->chunk->nvar; i++)
    if (r->chunk->vars[i].time_varying || first) r->missing[i] += r->chunk->vars[i].n_missing;
  r->next += n ? n : 1;
  *chunk = r->chunk;
  return TW_OK;
}

tw_status tw_climate_reader_keep_packed(tw_climate_reader *r, const char *const *names, size_t n) {
  if (r->started)
    return tw_error(TW_ERR_INTERNAL, "climate reader: keep_packed after the first chunk");
  const size_t ncell = r->chunk->ncell;
  for (size_t i = 0; i < r->ds->nvars; i++) {
    const tw_ds_var *v = &r->ds->vars[i];
    if (!v->time_varying || r->ds->is_station || r->ds->nrun != 1) continue;
    for (size_t j = 0; j < n; j++) {
      if (strcmp(names[j], v->canonical) != 0) continue;
      if (!r->i16) TW_CHECK(tw_calloc(r->ds->nvars, sizeof *r->i16, "packed chunks", &r->i16));
      if (!r->i16[i])
        TW_CHECK(tw_calloc((r->k ? r->k : 1) * (ncell ? ncell : 1), sizeof **r->i16, "packed chunk",
                           &r->i16[i]));
      break;
    }
  }
  return TW_OK;
}

void tw_climate_reader_close(tw_climate_reader **r) {
  if (!r || !*r) return;
  for (size_t i = 0; (*r)->i16 && i < (*r)->ds->nvars; i++) free((*r)->i16[i]);
  free((*r)->i16);
  tw_climate_destroy(&(*r)->chunk);
  tw_ds_scratch_free(&(*r)->scratch);
  tw_dataset_close(&(*r)->ds);
  free((*r)->missing);
  free(*r);
  *r = NULL;
}

tw_status tw_climate_stream(const tw_ingest_params *p, size_t chunk_steps, tw_climate_chunk_fn fn, void *user) {
  tw_climate_reader *r = NULL;
  tw_status st = TW_OK;
  const tw_climate *c = NULL;
  TW_CHECK(tw_climate_reader_open(p, chunk_steps, &r));
  for (;;) {
    TW_CHECK_GOTO(st, tw_climate_reader_next(r, &c));
    if (!c) break;
    TW_CHECK_GOTO(st, fn(user, c));
  }
cleanup:
  tw_climate_reader_close(&r);
  return st;
}
