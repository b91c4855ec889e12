/* tw_ingest_inspect: summary statistics of every variable of a dataset.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/dataset.h"
#include "terrawatt/ingest.h"
#include "terrawatt/alloc.h"

void tw_inspect_report_destroy(tw_inspect_report **r) {
  if (!r || !*r) return;
  for (size_t i = 0; i < (*r)->nproblems; i++) free((*r)->problems[i]);
  free((*r)->problems);
  free((*r)->vars);
  free(*r);
  *r = NULL;
}

static tw_status add_problem(tw_inspect_report *r, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char **np = tw_realloc(r->problems, (r->nproblems + 1) * sizeof *np);
  if (!np) return tw_error(TW_ERR_RESOURCE, "out of memory");
  r->problems = np;
  r->problems[r->nproblems] = tw_strdup(buf);
  if (!r->problems[r->nproblems]) return tw_error(TW_ERR_RESOURCE, "out of memory");
  r->nproblems++;
  return TW_OK;
}

static tw_status stats(const tw_dataset *ds, size_t iv, tw_inspect_var *out) {
  const tw_ds_var *v = &ds->vars[iv];
  size_t nrow = tw_dataset_nrows(ds), ncell = nrow * tw_dataset_ncols(ds);
  size_t nt = v->time_varying ? ds->nt_sel : 1;
  size_t chunk = ((size_t)8 << 20) / (ncell ? ncell : 1);
  if (chunk == 0) chunk = 1;
  float *buf = NULL;
  tw_status st = TW_OK;
  tw_ds_scratch scratch;
  memset(&scratch, 0, sizeof scratch);
  TW_CHECK(tw_calloc((chunk < nt ? chunk : nt) * ncell + 1, sizeof *buf, "statistics buffer", &buf));
  double sum = 0, lo = INFINITY, hi = -INFINITY;
  size_t good = 0;
  double step = ds->uniform_step ? ds->step_s : 0.0;
  for (size_t a = 0; a < nt; a += chunk) {
    size_t n = nt - a < chunk ? nt - a : chunk;
    TW_CHECK_GOTO(st, tw_dataset_read_var(ds, iv, 0, nrow, a, n, step, buf, &out->missing, &scratch));
    for (size_t i = 0; i < n * ncell; i++) {
      double x = buf[i];
      if (isnan(x)) continue;
      sum += x;
      good++;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  out->count = nt * ncell;
  out->mean = good ? sum / (double)good : NAN;
  out->min = good ? lo : NAN;
  out->max = good ? hi : NAN;
cleanup:
  tw_ds_scratch_free(&scratch);
  free(buf);
  return st;
}

/* Extent of the selected cell centres. Longitudes: the first and last
 * column in output order (west to east on an ascending grid), so a grid
 * across 180 has lon_min > lon_max; stations: min and max. */
static void extent(const tw_dataset *ds, tw_inspect_report *r) {
  r->lat_min_deg = r->lon_min_deg = INFINITY;
  r->lat_max_deg = r->lon_max_deg = -INFINITY;
  if (ds->is_station) {
    for (size_t i = 0; i < ds->nloc_sel; i++) {
      double la = ds->lat[ds->loc[i]], lo = tw_lon_normalise(ds->lon_raw[ds->loc[i]]);
      r->lat_min_deg = fmin(r->lat_min_deg, la);
      r->lat_max_deg = fmax(r->lat_max_deg, la);
      r->lon_min_deg = fmin(r->lon_min_deg, lo);
      r->lon_max_deg = fmax(r->lon_max_deg, lo);
    }
    return;
  }
  for (size_t i = 0; i < ds->nlat_sel; i++) {
    r->lat_min_deg = fmin(r->lat_min_deg, ds->lat[ds->lat0 + i]);
    r->lat_max_deg = fmax(r->lat_max_deg, ds->lat[ds->lat0 + i]);
  }
  if (ds->nrun == 0) return;
  double first = tw_lon_normalise(ds->lon_raw[ds->run_start[0]]);
  double last = tw_lon_normalise(ds->lon_raw[ds->run_start[ds->nrun - 1] +
                                             ds->run_len[ds->nrun - 1] - 1]);
  int descending = ds->nlon > 1 && ds->lon_raw[1] < ds->lon_raw[0];
  r->lon_min_deg = descending ? last : first;
  r->lon_max_deg = descending ? first : last;
}

tw_status tw_ingest_inspect(const char *const *paths, size_t npaths, tw_inspect_report **out) {
  tw_ingest_params p;
  tw_dataset *ds = NULL;
  tw_inspect_report *r = NULL;
  tw_status st = TW_OK;
  *out = NULL;
  tw_ingest_params_default(&p);
  p.paths = paths;
  p.npaths = npaths;
  TW_CHECK(tw_dataset_open(&p, 1, 0, &ds));
  TW_CHECK_GOTO(st, tw_calloc(1, sizeof *r, "inspect report", &r));
  TW_CHECK_GOTO(st, tw_calloc(ds->nvars + 1, sizeof *r->vars, "inspect report", &r->vars));
  snprintf(r->convention, sizeof r->convention, "%s", ds->convention);
  r->is_station = ds->is_station;
  r->ny = tw_dataset_nrows(ds);
  r->nx = tw_dataset_ncols(ds);
  r->lat_descending = !ds->is_station && ds->nlat > 1 && ds->lat[1] < ds->lat[0];
  extent(ds, r);
  r->ntime = ds->ntime;
  r->step_seconds = ds->step_s;
  snprintf(r->calendar, sizeof r->calendar, "%s", ds->ntime ? tw_calendar_name(ds->cal) : "");
  if (ds->ntime) {
    tw_time_format(ds->cal, ds->time[0], r->start, sizeof r->start);
    tw_time_format(ds->cal, ds->time[ds->ntime - 1], r->end, sizeof r->end);
    if (!ds->uniform_step) TW_CHECK_GOTO(st, add_problem(r, "time step is not uniform"));
  }
  for (size_t f = 0; f < ds->nfiles; f++)
    for (size_t k = 0; k < ds->files[f].nskipped; k++)
      TW_CHECK_GOTO(st, add_problem(r, "%s: variable '%s' has dimensions other than time, the cells, length-1 dimensions, expver and one level dimension; skipped",
                                    ds->files[f].path, ds->files[f].skipped[k]));
  for (size_t i = 0; i < ds->nvars; i++) {
    const tw_ds_var *v = &ds->vars[i];
    const tw_cf_var *cv = &ds->files[v->file[0]].vars[v->var[0]];
    tw_inspect_var *iv = &r->vars[r->nvars++];
    snprintf(iv->name, sizeof iv->name, "%s", cv->name);
    snprintf(iv->canonical, sizeof iv->canonical, "%s", v->alias ? v->alias->canonical : "");
    snprintf(iv->units, sizeof iv->units, "%s", v->units_raw);
    snprintf(iv->units_si, sizeof iv->units_si, "%s", v->units_known ? v->units.si : "");
    snprintf(iv->cell_methods, sizeof iv->cell_methods, "%s", cv->cell_methods);
    iv->packed = cv->packed;
    iv->accumulated = v->units_known && v->units.accumulated;
    iv->time_varying = v->time_varying;
    if (!v->units_known)
      TW_CHECK_GOTO(st, add_problem(r, "%s: variable '%s': unknown units '%s'; statistics are not in SI",
                                    ds->files[v->file[0]].path, cv->name, v->units_raw));
    if (iv->accumulated && !(ds->uniform_step && ds->step_s > 0)) {
      TW_CHECK_GOTO(st, add_problem(r, "%s: variable '%s': accumulated but the time step is unknown; no statistics",
                                    ds->files[v->file[0]].path, cv->name));
      iv->min = iv->mean = iv->max = NAN;
      continue;
    }
    tw_ds_layout *lay = &ds->files[v->file[0]].layout[v->var[0]];
    if (lay->nlevel) { /* a 4-D variable: every level decoded, statistics over all */
      iv->nlevels = lay->nlevel;
      snprintf(iv->level_name, sizeof iv->level_name, "%s", lay->level_name);
      for (size_t l = 0; l < 16 && l < lay->nlevel && l < TW_DS_MAXLEVELS; l++)
        iv->levels[l] = lay->levels[l];
      double sum = 0, lo = INFINITY, hi = -INFINITY;
      size_t good = 0;
      for (size_t l = 0; l < lay->nlevel; l++) {
        for (size_t k = 0; k < v->nparts; k++) ds->files[v->file[k]].layout[v->var[k]].level_index = l;
        tw_inspect_var one = *iv;
        one.count = one.missing = 0;
        TW_CHECK_GOTO(st, stats(ds, i, &one));
        size_t g = one.count - one.missing;
        iv->count += one.count;
        iv->missing += one.missing;
        if (g) {
          sum += one.mean * (double)g;
          good += g;
          lo = fmin(lo, one.min);
          hi = fmax(hi, one.max);
        }
      }
      iv->mean = good ? sum / (double)good : NAN;
      iv->min = good ? lo : NAN;
      iv->max = good ? hi : NAN;
    } else {
      TW_CHECK_GOTO(st, stats(ds, i, iv));
    }
    if (iv->count > 0 && iv->missing == iv->count)
      TW_CHECK_GOTO(st, add_problem(r, "%s: variable '%s': every value is missing", ds->files[v->file[0]].path,
                                    cv->name));
  }
  *out = r;
  r = NULL;
cleanup:
  tw_inspect_report_destroy(&r);
  tw_dataset_close(&ds);
  return st;
}
