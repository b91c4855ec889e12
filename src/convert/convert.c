/* The conversion stage: climate cells -> capacity factors on a backend,
 * then the layout matrix -> per-bus series.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/convert.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/convert_math.h"
#include "terrawatt/physics_wind.h"
#include "terrawatt/alloc.h"

void tw_convert_params_default(tw_convert_params *p) {
  memset(p, 0, sizeof *p);
  p->extrapolation = TW_WIND_LOG_LAW;
  p->roughness_default_m = 0.03;
  tw_pv_params_default(&p->pv);
  p->heating_threshold_C = 15.5;
  p->cooling_threshold_C = 22.0;
  p->delta_t_s = -1.0;
}

void tw_bus_series_destroy(tw_bus_series **s) {
  if (!s || !*s) return;
  for (size_t b = 0; (*s)->bus_names && b < (*s)->nbus; b++) free((*s)->bus_names[b]);
  free((*s)->bus_names);
  free((*s)->time);
  free((*s)->wind_cf);
  free((*s)->solar_cf);
  free((*s)->hdh_K);
  free((*s)->cdh_K);
  free(*s);
  *s = NULL;
}

double tw_convert_sun_instant(const tw_climate *c, size_t t, int accumulated) {
  double step = c->step_s > 0.0 ? c->step_s : 3600.0;
  tw_time_s at = c->time[t];
  double shift = accumulated ? 0.5 * step : 0.0;
  if (c->calendar == TW_CAL_STANDARD || c->calendar == TW_CAL_PROLEPTIC_GREGORIAN)
    return (double)at - shift;
  /* model calendars: place the same date and time on the real calendar */
  tw_datetime dt;
  tw_time_to_datetime(c->calendar, at, &dt);
  int dim = tw_calendar_days_in_month(TW_CAL_PROLEPTIC_GREGORIAN, dt.year, dt.month);
  if (dt.day > dim) dt.day = dim;
  tw_time_s real = 0;
  if (tw_time_from_datetime(TW_CAL_PROLEPTIC_GREGORIAN, &dt, &real) != TW_OK) {
    tw_error_clear();
    real = at;
  }
  return (double)real - shift;
}

/* ---- packed inputs ------------------------------------------------------------ */

tw_pack tw_pack_of(const tw_climate_packing *k) {
  tw_pack p = tw_pack_make((float)k->scale, (float)k->offset, k->fill);
  p.missing = k->missing;
  p.raw_min = k->raw_min;
  p.raw_max = k->raw_max;
  p.zero_raw = k->zero_raw;
  p.zero_value = k->zero_value;
  p.use_double = !k->in_float;
  p.scale_d = k->scale;
  p.offset_d = k->offset;
  return p;
}

tw_status tw_climate_var_floats(const tw_climate_var *v, size_t n, float **tmp,
                                const float **values) {
  *tmp = NULL;
  *values = v->data;
  if (!v->data_i16) return TW_OK;
  TW_CHECK(tw_calloc(n ? n : 1, sizeof(float), v->name, tmp));
  tw_pack pk = tw_pack_of(&v->packing);
  for (size_t i = 0; i < n; i++) (*tmp)[i] = tw_unpack(v->data_i16[i], pk);
  *values = *tmp;
  return TW_OK;
}

tw_status tw_convert_reader_keep_packed(tw_climate_reader *r, const tw_convert_params *p) {
  const char *names[5];
  size_t n = 0;
  if (p->turbine && p->extrapolation != TW_WIND_POWER_LAW) {
    names[n++] = "u100";
    names[n++] = "v100";
  }
  if (p->solar) {
    names[n++] = "ssrd";
    names[n++] = "fdir";
  }
  if (p->solar || p->degree_hours) names[n++] = "t2m";
  return n ? tw_climate_reader_keep_packed(r, names, n) : TW_OK;
}

/* ---- device helpers -------------------------------------------------------- */

static tw_status dev_put(tw_backend *be, const void *host, size_t bytes, void **dev) {
  *dev = NULL;
  TW_CHECK(tw_backend_alloc(be, bytes ? bytes : 1, dev));
  if (bytes) {
    tw_status st = tw_backend_upload(be, *dev, host, bytes);
    if (st != TW_OK) {
      tw_backend_free(be, *dev);
      *dev = NULL;
      return st;
    }
  }
  return TW_OK;
}

/* An input on the backend: on host backends (is_host) the host array
 * itself, with no copy; otherwise a device copy that dev_release frees. */
typedef struct dev_buf {
  void *p;
  int owned;
} dev_buf;

static tw_status dev_in(tw_backend *be, const void *host, size_t bytes, dev_buf *b) {
  b->p = NULL;
  b->owned = 0;
  if (tw_backend_is_host(be) && host) {
    b->p = (void *)(uintptr_t)host; /* read-only use by the ops */
    return TW_OK;
  }
  TW_CHECK(dev_put(be, host, bytes, &b->p));
  b->owned = 1;
  return TW_OK;
}

static void dev_release(tw_backend *be, dev_buf *b) {
  if (b->owned) tw_backend_free(be, b->p);
  b->p = NULL;
  b->owned = 0;
}

static tw_status require_var(const tw_climate *c, const char *name, int time_varying,
                             const tw_climate_var **out) {
  TW_CHECK(tw_climate_require(c, name, out));
  if (time_varying && !(*out)->time_varying)
    return tw_error(TW_ERR_INPUT, "%s: variable '%s' is static but must vary in time",
                    c->source ? c->source : "climate", name);
  return TW_OK;
}

/* ---- wind ------------------------------------------------------------------ */

/* Steps compared by static_in_time: the first, the last and
 * TW_STATIC_PROBES - 2 evenly spaced between. */
#define TW_STATIC_PROBES 9

/* 1 when a time-varying variable holds the same field at every step,
 * tested cheaply: the probed steps' fields equal the first one byte for
 * byte (memcmp), so the cost is TW_STATIC_PROBES fields, not a scan of
 * the whole variable. A field that changes only between probes is taken
 * as static (ERA5 fsr either varies at every step over the sea or is a
 * fixed land field; docs/CONVERT.md). */
static int static_in_time(const tw_climate *c, const tw_climate_var *v) {
  if (c->ntime < 2) return 1;
  for (int k = 1; k < TW_STATIC_PROBES; k++) {
    size_t t = (size_t)((double)k * (double)(c->ntime - 1) / (TW_STATIC_PROBES - 1) + 0.5);
    if (t == 0) continue;
    if (memcmp(v->data, v->data + t * c->ncell, c->ncell * sizeof(float)) != 0) return 0;
  }
  return 1;
}

/* Wind on the backend: with `agg` NULL the cell capacity factors are left
 * in *cf_dev (device, [ntime][ncell]); with `agg` the backend's fused
 * wind_bus_cf writes the per-bus sums to agg->y and *cf_dev stays NULL. */
static tw_status wind_cells_dev(tw_backend *be, const tw_climate *c, const tw_convert_params *p,
                                const tw_csr_job *agg, float **cf_dev) {
  tw_status st = TW_OK;
  const tw_climate_var *u = NULL, *v = NULL, *fsr = NULL, *u10 = NULL, *v10 = NULL;
  tw_turbine *smooth = NULL;
  float *curve_v = NULL, *curve_cf = NULL, *table = NULL, *factor = NULL, *u_tmp = NULL, *v_tmp = NULL;
  dev_buf d_u = {0}, d_v = {0}, d_r = {0}, d_u10 = {0}, d_v10 = {0}, d_cv = {0};
  void *d_cf = NULL;
  size_t n = c->ntime * c->ncell;
  *cf_dev = NULL;
  if (!p->turbine) return tw_error(TW_ERR_INPUT, "wind conversion: no turbine given");
  const tw_turbine *t = p->turbine;
  double hub = p->hub_height_m > 0.0 ? p->hub_height_m : t->hub_height_m;
  if (!(hub > 0.0))
    return tw_error(TW_ERR_INPUT, "turbine '%s': no hub height (set hub_height_m)", t->name);
  TW_CHECK(require_var(c, "u100", 1, &u));
  TW_CHECK(require_var(c, "v100", 1, &v));
  if (p->extrapolation == TW_WIND_POWER_LAW) {
    TW_CHECK(require_var(c, "u10", 1, &u10));
    TW_CHECK(require_var(c, "v10", 1, &v10));
  } else {
    fsr = tw_climate_find(c, "fsr");
  }
  if (p->smoothing) {
    TW_CHECK(tw_turbine_smooth(t, TW_SMOOTH_DELTA_V_MS, TW_SMOOTH_SIGMA_MS,
                               TW_SMOOTH_AVAILABILITY, &smooth));
  }
  const tw_turbine *curve = smooth ? smooth : t;
  TW_CHECK_GOTO(st, tw_calloc(curve->n, sizeof(float), "power curve", &curve_v));
  TW_CHECK_GOTO(st, tw_calloc(curve->n, sizeof(float), "power curve", &curve_cf));
  for (size_t i = 0; i < curve->n; i++) {
    curve_v[i] = (float)curve->speed_ms[i];
    /* per unit of the curve's peak: the smoothed one's with smoothing, as
     * atlite (its windturbine_smooth sets P = max(POW)) */
    curve_cf[i] = (float)(curve->power_MW[i] / curve->rated_MW);
  }
  int len = tw_wind_table_len(curve_v, (int)curve->n, TW_WIND_TABLE_DV_MS);
  TW_CHECK_GOTO(st, tw_calloc((size_t)len, sizeof(float), "power curve table", &table));
  tw_wind_table_fill(curve_v, curve_cf, (int)curve->n, TW_WIND_TABLE_DV_MS, table, len);
  /* packed u and v (both kept packed by the reader; log law): int16 to the
   * kernels, decoded there; otherwise floats (decoded here when only one
   * of them is packed) */
  const int packed = !u10 && u->data_i16 && v->data_i16;
  if (packed) {
    TW_CHECK_GOTO(st, dev_in(be, u->data_i16, n * sizeof(short), &d_u));
    TW_CHECK_GOTO(st, dev_in(be, v->data_i16, n * sizeof(short), &d_v));
  } else {
    const float *uf = NULL, *vf = NULL;
    TW_CHECK_GOTO(st, tw_climate_var_floats(u, n, &u_tmp, &uf));
    TW_CHECK_GOTO(st, tw_climate_var_floats(v, n, &v_tmp, &vf));
    TW_CHECK_GOTO(st, dev_in(be, uf, n * sizeof(float), &d_u));
    TW_CHECK_GOTO(st, dev_in(be, vf, n * sizeof(float), &d_v));
  }
  TW_CHECK_GOTO(st, dev_in(be, table, (size_t)len * sizeof(float), &d_cv));
  if (!agg) TW_CHECK_GOTO(st, tw_backend_alloc(be, (n ? n : 1) * sizeof(float), &d_cf));
  tw_wind_job job;
  memset(&job, 0, sizeof job);
  job.ncell = c->ncell;
  job.ntime = c->ntime;
  if (packed) {
    job.u_i16 = (const short *)d_u.p;
    job.v_i16 = (const short *)d_v.p;
    job.u_pack = tw_pack_of(&u->packing);
    job.v_pack = tw_pack_of(&v->packing);
  } else {
    job.u_ms = (const float *)d_u.p;
    job.v_ms = (const float *)d_v.p;
  }
  job.height_ref_m = 100.0f;
  job.height_hub_m = (float)hub;
  job.curve_table = (const float *)d_cv.p;
  job.curve_len = len;
  job.curve_inv_dv = (float)(1.0 / TW_WIND_TABLE_DV_MS);
  job.curve_min_ms = curve_v[0];
  job.curve_max_ms = curve_v[curve->n - 1];
  job.cf = (float *)d_cf;
  if (u10) {
    job.power_law = 1;
    TW_CHECK_GOTO(st, dev_in(be, u10->data, n * sizeof(float), &d_u10));
    TW_CHECK_GOTO(st, dev_in(be, v10->data, n * sizeof(float), &d_v10));
    job.u_low_ms = (const float *)d_u10.p;
    job.v_low_ms = (const float *)d_v10.p;
    job.height_low_m = 10.0f;
  } else if (fsr && fsr->time_varying && !static_in_time(c, fsr)) {
    /* roughness that changes in time: the log law per element */
    TW_CHECK_GOTO(st, dev_in(be, fsr->data, n * sizeof(float), &d_r));
    job.roughness_m = (const float *)d_r.p;
  } else {
    /* static roughness: the log-law factor once per cell */
    TW_CHECK_GOTO(st, tw_calloc(c->ncell ? c->ncell : 1, sizeof(float), "hub factors", &factor));
    for (size_t i = 0; i < c->ncell; i++)
      factor[i] = tw_wind_log_factor(100.0f, (float)hub,
                                     fsr ? fsr->data[i] : (float)p->roughness_default_m);
    TW_CHECK_GOTO(st, dev_in(be, factor, c->ncell * sizeof(float), &d_r));
    job.hub_factor = (const float *)d_r.p;
  }
  if (agg) TW_CHECK_GOTO(st, tw_backend_wind_bus_cf(be, &job, agg));
  else TW_CHECK_GOTO(st, tw_backend_wind_cf(be, &job));
  TW_CHECK_GOTO(st, tw_backend_synchronize(be));
  *cf_dev = (float *)d_cf;
  d_cf = NULL;
cleanup:
  dev_release(be, &d_u);
  dev_release(be, &d_v);
  dev_release(be, &d_r);
  dev_release(be, &d_u10);
  dev_release(be, &d_v10);
  dev_release(be, &d_cv);
  tw_backend_free(be, d_cf);
  free(curve_v);
  free(curve_cf);
  free(table);
  free(factor);
  free(u_tmp);
  free(v_tmp);
  tw_turbine_destroy(&smooth);
  return st;
}

/* ---- solar ----------------------------------------------------------------- */

/* A chunk's field on the device: its int16 values when kept packed, else
 * its floats. */
static tw_status field_in(tw_backend *be, const tw_climate_var *v, size_t n, dev_buf *out) {
  if (v->data_i16) return dev_in(be, v->data_i16, n * sizeof(short), out);
  return dev_in(be, v->data, n * sizeof(float), out);
}

/* PV on the backend; `agg` as for wind_cells_dev (fused pv_bus_cf). */
static tw_status solar_cells_dev(tw_backend *be, const tw_climate *c, const tw_convert_params *p,
                                 const tw_csr_job *agg, float **cf_dev) {
  tw_status st = TW_OK;
  const tw_climate_var *ssrd = NULL, *t2m = NULL, *fdir = NULL, *u10 = NULL, *v10 = NULL;
  tw_sun_geo *geo = NULL;
  tw_sun_fast *sun = NULL;
  tw_cell_trig *trig = NULL;
  float *lat = NULL, *lon = NULL, *wind = NULL;
  dev_buf d_geo = {0}, d_lat = {0}, d_lon = {0}, d_ghi = {0}, d_fdir = {0}, d_t = {0}, d_w = {0},
          d_sun = {0}, d_trig = {0};
  void *d_cf = NULL;
  size_t n = c->ntime * c->ncell;
  *cf_dev = NULL;
  TW_CHECK(require_var(c, "ssrd", 1, &ssrd));
  TW_CHECK(require_var(c, "t2m", 1, &t2m));
  fdir = tw_climate_find(c, "fdir");
  if (fdir && !fdir->time_varying) fdir = NULL;
  u10 = tw_climate_find(c, "u10");
  v10 = tw_climate_find(c, "v10");
  TW_CHECK_GOTO(st, tw_calloc(c->ntime ? c->ntime : 1, sizeof *geo, "sun positions", &geo));
  for (size_t t = 0; t < c->ntime; t++) {
    double at = tw_convert_sun_instant(c, t, ssrd->accumulated);
    double dts = p->delta_t_s;
    if (dts < 0.0) dts = tw_spa_delta_t(1970.0 + at / (365.2425 * 86400.0));
    tw_spa_geocentric(at, dts, &geo[t]);
  }
  TW_CHECK_GOTO(st, tw_calloc(c->ncell, sizeof(float), "cell latitudes", &lat));
  TW_CHECK_GOTO(st, tw_calloc(c->ncell, sizeof(float), "cell longitudes", &lon));
  for (size_t i = 0; i < c->ncell; i++) {
    double la, lo;
    tw_climate_cell_coords(c, i, &la, &lo);
    lat[i] = (float)la;
    lon[i] = (float)lo;
  }
  if (!p->sun_spa) { /* fast geometry: time part per step, trigonometry per cell once */
    TW_CHECK_GOTO(st, tw_calloc(c->ntime ? c->ntime : 1, sizeof *sun, "sun positions", &sun));
    TW_CHECK_GOTO(st, tw_calloc(c->ncell, sizeof *trig, "cell trigonometry", &trig));
    for (size_t t = 0; t < c->ntime; t++) tw_sun_fast_from_geo(&geo[t], &sun[t]);
    for (size_t i = 0; i < c->ncell; i++) tw_cell_trig_make(lat[i], lon[i], &trig[i]);
    TW_CHECK_GOTO(st, dev_in(be, sun, c->ntime * sizeof *sun, &d_sun));
    TW_CHECK_GOTO(st, dev_in(be, trig, c->ncell * sizeof *trig, &d_trig));
  }
  TW_CHECK_GOTO(st, dev_in(be, geo, c->ntime * sizeof *geo, &d_geo));
  TW_CHECK_GOTO(st, dev_in(be, lat, c->ncell * sizeof(float), &d_lat));
  TW_CHECK_GOTO(st, dev_in(be, lon, c->ncell * sizeof(float), &d_lon));
  /* fields kept packed go to the kernels as int16, decoded there */
  TW_CHECK_GOTO(st, field_in(be, ssrd, n, &d_ghi));
  TW_CHECK_GOTO(st, field_in(be, t2m, n, &d_t));
  if (fdir) TW_CHECK_GOTO(st, field_in(be, fdir, n, &d_fdir));
  if (p->pv.panel == TW_PV_PVWATTS && u10 && v10 && u10->time_varying && v10->time_varying) {
    TW_CHECK_GOTO(st, tw_calloc(n ? n : 1, sizeof(float), "wind speed", &wind));
    for (size_t i = 0; i < n; i++) wind[i] = tw_wind_speed(u10->data[i], v10->data[i]);
    TW_CHECK_GOTO(st, dev_in(be, wind, n * sizeof(float), &d_w));
  }
  if (!agg) TW_CHECK_GOTO(st, tw_backend_alloc(be, (n ? n : 1) * sizeof(float), &d_cf));
  tw_pv_job job;
  memset(&job, 0, sizeof job);
  job.ncell = c->ncell;
  job.ntime = c->ntime;
  job.geo = (const tw_sun_geo *)d_geo.p;
  job.lat_deg = (const float *)d_lat.p;
  job.lon_deg = (const float *)d_lon.p;
  job.ghi_wm2 = ssrd->data_i16 ? NULL : (const float *)d_ghi.p;
  job.ghi_i16 = ssrd->data_i16 ? (const short *)d_ghi.p : NULL;
  if (ssrd->data_i16) job.ghi_pack = tw_pack_of(&ssrd->packing);
  job.fdir_wm2 = fdir && !fdir->data_i16 ? (const float *)d_fdir.p : NULL;
  job.fdir_i16 = fdir && fdir->data_i16 ? (const short *)d_fdir.p : NULL;
  if (fdir && fdir->data_i16) job.fdir_pack = tw_pack_of(&fdir->packing);
  job.t2m_K = t2m->data_i16 ? NULL : (const float *)d_t.p;
  job.t2m_i16 = t2m->data_i16 ? (const short *)d_t.p : NULL;
  if (t2m->data_i16) job.t2m_pack = tw_pack_of(&t2m->packing);
  job.wind_ms = (const float *)d_w.p;
  job.sun = (const tw_sun_fast *)d_sun.p;
  job.cell_trig = (const tw_cell_trig *)d_trig.p;
  job.params = p->pv;
  job.cf = (float *)d_cf;
  if (agg) TW_CHECK_GOTO(st, tw_backend_pv_bus_cf(be, &job, agg));
  else TW_CHECK_GOTO(st, tw_backend_pv_cf(be, &job));
  TW_CHECK_GOTO(st, tw_backend_synchronize(be));
  *cf_dev = (float *)d_cf;
  d_cf = NULL;
cleanup:
  dev_release(be, &d_geo);
  dev_release(be, &d_lat);
  dev_release(be, &d_lon);
  dev_release(be, &d_ghi);
  dev_release(be, &d_fdir);
  dev_release(be, &d_t);
  dev_release(be, &d_w);
  dev_release(be, &d_sun);
  dev_release(be, &d_trig);
  tw_backend_free(be, d_cf);
  free(sun);
  free(trig);
  free(geo);
  free(lat);
  free(lon);
  free(wind);
  return st;
}

static tw_status download_cells(tw_backend *be, const tw_climate *c, float *dev, float **out) {
  size_t n = c->ntime * c->ncell;
  tw_status st = tw_calloc(n ? n : 1, sizeof(float), "cell capacity factors", out);
  if (st == TW_OK) st = tw_backend_download(be, *out, dev, n * sizeof(float));
  if (st != TW_OK) {
    free(*out);
    *out = NULL;
  }
  tw_backend_free(be, dev);
  return st;
}

tw_status tw_convert_wind_cells(tw_backend *be, const tw_climate *c, const tw_convert_params *p,
                                float **cf_out) {
  float *dev = NULL;
  *cf_out = NULL;
  TW_CHECK(wind_cells_dev(be, c, p, NULL, &dev));
  return download_cells(be, c, dev, cf_out);
}

tw_status tw_convert_solar_cells(tw_backend *be, const tw_climate *c,
                                 const tw_convert_params *p, float **cf_out) {
  float *dev = NULL;
  *cf_out = NULL;
  TW_CHECK(solar_cells_dev(be, c, p, NULL, &dev));
  return download_cells(be, c, dev, cf_out);
}

/* ---- degree-hours ------------------------------------------------------------ */

tw_status tw_convert_degree_cells(const tw_climate *c, const tw_convert_params *p, int which,
                                  float **out) {
  tw_status st = TW_OK;
  const tw_climate_var *t2m = NULL;
  float *temp = NULL, *res = NULL, *t2m_tmp = NULL;
  size_t n = c->ntime * c->ncell;
  TW_CHECK(require_var(c, "t2m", 1, &t2m));
  TW_CHECK_GOTO(st, tw_calloc(n ? n : 1, sizeof(float), "degree-hours", &res));
  const float *tk = NULL;
  TW_CHECK_GOTO(st, tw_climate_var_floats(t2m, n, &t2m_tmp, &tk));
  if (p->daily_mean) { /* mean over each calendar day (UTC) of the dataset's calendar */
    TW_CHECK_GOTO(st, tw_calloc(n ? n : 1, sizeof(float), "daily mean temperature", &temp));
    size_t t0 = 0;
    while (t0 < c->ntime) {
      tw_datetime d0, d1;
      tw_time_to_datetime(c->calendar, c->time[t0], &d0);
      size_t t1 = t0 + 1;
      for (; t1 < c->ntime; t1++) {
        tw_time_to_datetime(c->calendar, c->time[t1], &d1);
        if (d1.year != d0.year || d1.month != d0.month || d1.day != d0.day) break;
      }
      for (size_t i = 0; i < c->ncell; i++) {
        double sum = 0.0;
        for (size_t t = t0; t < t1; t++) sum += tk[t * c->ncell + i];
        for (size_t t = t0; t < t1; t++) temp[t * c->ncell + i] = (float)(sum / (double)(t1 - t0));
      }
      t0 = t1;
    }
    tk = temp;
  }
  for (size_t i = 0; i < n; i++)
    res[i] = which == 0 ? tw_heating_degrees(tk[i], (float)p->heating_threshold_C)
                        : tw_cooling_degrees(tk[i], (float)p->cooling_threshold_C);
  *out = res;
  res = NULL;
cleanup:
  free(temp);
  free(res);
  free(t2m_tmp);
  return st;
}

/* ---- aggregation -------------------------------------------------------------- */

typedef tw_status (*cells_fn)(tw_backend *be, const tw_climate *c, const tw_convert_params *p,
                              const tw_csr_job *agg, float **cf_dev);

/* y[ntime][nbus] (host) = layout x cells, on the backend. With `fn`, the
 * cells come from a conversion: fused into the aggregation when `fused`
 * (one pass, no cell array), else converted to a device cell array first.
 * Without `fn`, `cells_dev` holds the cells (device). */
static tw_status aggregate(tw_backend *be, const tw_climate *c, const tw_convert_params *p,
                           const tw_layout *l, const void *d_row, const void *d_col,
                           const void *d_val, const int *row_run, const int *run_k, cells_fn fn,
                           int fused, const float *cells_dev, float **y_host) {
  tw_status st = TW_OK;
  void *d_y = NULL;
  float *d_x = NULL;
  size_t ny = c->ntime * l->nbus;
  *y_host = NULL;
  TW_CHECK_GOTO(st, tw_backend_alloc(be, (ny ? ny : 1) * sizeof(float), &d_y));
  tw_csr_job job;
  memset(&job, 0, sizeof job);
  job.nrow = (int)l->nbus;
  job.ncol = (int)l->ncell;
  job.ntime = c->ntime;
  job.row_ptr = (const int *)d_row;
  job.nnz = l->row_ptr[l->nbus];
  job.col = (const int *)d_col;
  job.val = (const float *)d_val;
  job.y = (float *)d_y;
  job.row_run = row_run;
  job.run_k = run_k;
  if (fn && fused) {
    TW_CHECK_GOTO(st, fn(be, c, p, &job, &d_x));
  } else {
    if (fn) TW_CHECK_GOTO(st, fn(be, c, p, NULL, &d_x));
    job.x = fn ? d_x : cells_dev;
    TW_CHECK_GOTO(st, tw_backend_csr_aggregate(be, &job));
    TW_CHECK_GOTO(st, tw_backend_synchronize(be));
  }
  TW_CHECK_GOTO(st, tw_calloc(ny ? ny : 1, sizeof(float), "bus series", y_host));
  TW_CHECK_GOTO(st, tw_backend_download(be, *y_host, d_y, ny * sizeof(float)));
cleanup:
  if (st != TW_OK) {
    free(*y_host);
    *y_host = NULL;
  }
  tw_backend_free(be, d_y);
  tw_backend_free(be, d_x);
  return st;
}

tw_status tw_convert_capacity_factors(tw_backend *be, const tw_climate *c,
                                      const tw_convert_params *p, const tw_layout *layout,
                                      tw_bus_series **out) {
  tw_status st = TW_OK;
  tw_bus_series *s = NULL;
  dev_buf d_row = {0}, d_col = {0}, d_val = {0}, d_x = {0};
  int *row_run = NULL, *run_k = NULL;
  float *cells = NULL, *host = NULL;
  *out = NULL;
  if (layout->ncell != c->ncell)
    return tw_error(TW_ERR_INPUT, "%s: layout has %zu cells but the dataset has %zu",
                    c->source ? c->source : "climate", layout->ncell, c->ncell);
  if (!p->turbine && !p->solar && !p->degree_hours)
    return tw_error(TW_ERR_INPUT, "convert: nothing to compute (no wind, solar or demand)");
  size_t nnz = (size_t)layout->row_ptr[layout->nbus];
  TW_CHECK_GOTO(st, tw_calloc(1, sizeof *s, "bus series", &s));
  s->ntime = c->ntime;
  s->nbus = layout->nbus;
  s->calendar = c->calendar;
  TW_CHECK_GOTO(st, tw_calloc(c->ntime ? c->ntime : 1, sizeof *s->time, "bus series", &s->time));
  if (c->ntime) memcpy(s->time, c->time, c->ntime * sizeof *s->time);
  TW_CHECK_GOTO(st, tw_calloc(s->nbus, sizeof *s->bus_names, "bus series", &s->bus_names));
  for (size_t b = 0; b < s->nbus; b++) {
    s->bus_names[b] = tw_strdup(layout->bus_names[b]);
    if (!s->bus_names[b]) {
      st = tw_error(TW_ERR_RESOURCE, "bus series: out of memory");
      goto cleanup;
    }
  }
  TW_CHECK_GOTO(st, dev_in(be, layout->row_ptr, (layout->nbus + 1) * sizeof(int), &d_row));
  TW_CHECK_GOTO(st, dev_in(be, layout->col, nnz * sizeof(int), &d_col));
  TW_CHECK_GOTO(st, dev_in(be, layout->val, nnz * sizeof(float), &d_val));
  /* runs of consecutive cells per bus, once per layout (host backends
   * stream them; the CUDA kernels walk the entries) */
  if (tw_backend_is_host(be))
    TW_CHECK_GOTO(st, tw_csr_runs_build((int)layout->nbus, layout->row_ptr, layout->col,
                                        &row_run, &run_k));
  if (p->turbine)
    TW_CHECK_GOTO(st, aggregate(be, c, p, layout, d_row.p, d_col.p, d_val.p, row_run, run_k,
                                wind_cells_dev, tw_backend_supports(be, TW_OP_WIND_BUS_CF) && !p->no_fusion, NULL,
                                &s->wind_cf));
  if (p->solar)
    TW_CHECK_GOTO(st, aggregate(be, c, p, layout, d_row.p, d_col.p, d_val.p, row_run, run_k,
                                solar_cells_dev, tw_backend_supports(be, TW_OP_PV_BUS_CF) && !p->no_fusion, NULL,
                                &s->solar_cf));
  if (p->degree_hours) {
    for (int which = 0; which < 2; which++) {
      TW_CHECK_GOTO(st, tw_convert_degree_cells(c, p, which, &cells));
      TW_CHECK_GOTO(st, dev_in(be, cells, c->ntime * c->ncell * sizeof(float), &d_x));
      TW_CHECK_GOTO(st, aggregate(be, c, p, layout, d_row.p, d_col.p, d_val.p, row_run, run_k,
                                  NULL, 0, (const float *)d_x.p, &host));
      if (which == 0) s->hdh_K = host;
      else s->cdh_K = host;
      host = NULL;
      dev_release(be, &d_x);
      free(cells);
      cells = NULL;
    }
  }
  *out = s;
  s = NULL;
cleanup:
  dev_release(be, &d_row);
  dev_release(be, &d_col);
  dev_release(be, &d_val);
  dev_release(be, &d_x);
  free(row_run);
  free(run_k);
  free(cells);
  free(host);
  tw_bus_series_destroy(&s);
  return st;
}

/* ---- streaming over time chunks ------------------------------------------- */

/* Copy a chunk's series (rows [0, cs->ntime)) into rows [t0, ...) of s. */
static void put_rows(float *dst, const float *src, size_t t0, size_t nt, size_t nbus) {
  if (dst && src) memcpy(dst + t0 * nbus, src, nt * nbus * sizeof(float));
}

tw_status tw_convert_capacity_factors_stream(tw_backend *be, tw_climate_reader *r,
                                             const tw_climate *first,
                                             const tw_convert_params *p,
                                             const tw_layout *layout, tw_bus_series **out) {
  tw_status st = TW_OK;
  tw_bus_series *s = NULL, *cs = NULL;
  const tw_climate *chunk = first;
  size_t ntime = 0;
  *out = NULL;
  if (p->degree_hours && p->daily_mean)
    return tw_error(TW_ERR_INTERNAL, "convert stream: daily means need whole days (read whole)");
  tw_climate_reader_shape(r, &ntime, NULL, NULL);
  /* the reader reuses one chunk (first == every later chunk): keep its offset */
  const size_t base = first ? first->time_offset : 0;
  while (chunk) {
    TW_CHECK_GOTO(st, tw_convert_capacity_factors(be, chunk, p, layout, &cs));
    size_t t0 = chunk->time_offset - base;
    if (!s) { /* the whole series, allocated once from the first chunk's shape */
      TW_CHECK_GOTO(st, tw_calloc(1, sizeof *s, "bus series", &s));
      s->ntime = ntime;
      s->nbus = cs->nbus;
      s->calendar = cs->calendar;
      s->bus_names = cs->bus_names; /* taken over */
      cs->bus_names = NULL;
      size_t n = (ntime ? ntime : 1) * s->nbus;
      TW_CHECK_GOTO(st, tw_calloc(ntime ? ntime : 1, sizeof *s->time, "bus series", &s->time));
      if (cs->wind_cf) TW_CHECK_GOTO(st, tw_calloc(n, sizeof(float), "bus series", &s->wind_cf));
      if (cs->solar_cf) TW_CHECK_GOTO(st, tw_calloc(n, sizeof(float), "bus series", &s->solar_cf));
      if (cs->hdh_K) TW_CHECK_GOTO(st, tw_calloc(n, sizeof(float), "bus series", &s->hdh_K));
      if (cs->cdh_K) TW_CHECK_GOTO(st, tw_calloc(n, sizeof(float), "bus series", &s->cdh_K));
    }
    if (t0 + cs->ntime > ntime) {
      st = tw_error(TW_ERR_INTERNAL, "convert stream: chunk at step %zu of %zu steps exceeds %zu",
                    t0, cs->ntime, ntime);
      goto cleanup;
    }
    memcpy(s->time + t0, cs->time, cs->ntime * sizeof *s->time);
    put_rows(s->wind_cf, cs->wind_cf, t0, cs->ntime, s->nbus);
    put_rows(s->solar_cf, cs->solar_cf, t0, cs->ntime, s->nbus);
    put_rows(s->hdh_K, cs->hdh_K, t0, cs->ntime, s->nbus);
    put_rows(s->cdh_K, cs->cdh_K, t0, cs->ntime, s->nbus);
    tw_bus_series_destroy(&cs);
    TW_CHECK_GOTO(st, tw_climate_reader_next(r, &chunk));
  }
  if (!s) {
    st = tw_error(TW_ERR_INPUT, "convert: the dataset has no time steps");
    goto cleanup;
  }
  *out = s;
  s = NULL;
cleanup:
  tw_bus_series_destroy(&cs);
  tw_bus_series_destroy(&s);
  return st;
}
