/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "convert_jobs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/convert_math.h"
#include "terrawatt/physics_solar.h"
#include "terrawatt/physics_wind.h"

static float frand(unsigned *s) {
  *s = *s * 1664525u + 1013904223u;
  return (float)((*s >> 8) & 0xffff) / 65536.0f;
}

int tw_test_inputs_make(size_t ncell, size_t ntime, tw_test_inputs *in) {
  memset(in, 0, sizeof *in);
  size_t n = ncell * ntime;
  in->ncell = ncell;
  in->ntime = ntime;
  in->n = n;
  float **arr[9] = {&in->u100, &in->v100, &in->u10, &in->v10, &in->z0,
                    &in->ghi,  &in->fdir, &in->t2m, &in->wind};
  for (int a = 0; a < 9; a++) {
    *arr[a] = malloc((n ? n : 1) * sizeof(float));
    if (!*arr[a]) return -1;
  }
  in->lat = malloc(ncell * sizeof(float));
  in->lon = malloc(ncell * sizeof(float));
  in->geo = malloc((ntime ? ntime : 1) * sizeof(tw_sun_geo));
  if (!in->lat || !in->lon || !in->geo) return -1;
  unsigned s = 12345u;
  for (size_t c = 0; c < ncell; c++) {
    in->lat[c] = -60.0f + 125.0f * frand(&s);
    in->lon[c] = -180.0f + 360.0f * frand(&s);
  }
  for (size_t t = 0; t < ntime; t++)
    tw_spa_geocentric(1488326400.0 + 3600.0 * (double)t - 1800.0, 69.0, &in->geo[t]);
  for (size_t i = 0; i < n; i++) {
    in->u100[i] = 30.0f * frand(&s) - 12.0f;
    in->v100[i] = 24.0f * frand(&s) - 12.0f;
    in->u10[i] = in->u100[i] * (0.4f + 0.7f * frand(&s));
    in->v10[i] = in->v100[i] * (0.4f + 0.7f * frand(&s));
    in->z0[i] = frand(&s) < 0.1f ? 0.0f : 1.5f * frand(&s) * frand(&s);
    in->ghi[i] = frand(&s) < 0.3f ? 0.0f : 1050.0f * frand(&s);
    in->fdir[i] = in->ghi[i] * frand(&s);
    in->t2m[i] = 250.0f + 60.0f * frand(&s);
    in->wind[i] = 12.0f * frand(&s);
  }
  /* int16 packing as ERA5 files have it: the float inputs become the
   * decoded packed values */
  in->u16 = malloc((n ? n : 1) * sizeof(short));
  in->v16 = malloc((n ? n : 1) * sizeof(short));
  in->ghi16 = malloc((n ? n : 1) * sizeof(short));
  in->t2m16 = malloc((n ? n : 1) * sizeof(short));
  in->sun = malloc((ntime ? ntime : 1) * sizeof(tw_sun_fast));
  in->trig = malloc((ncell ? ncell : 1) * sizeof(tw_cell_trig));
  if (!in->u16 || !in->v16 || !in->ghi16 || !in->t2m16 || !in->sun || !in->trig) return -1;
  /* every rule of ingest's decoding (tw_unpack): fill, a second missing
   * value and a valid range (u), the zero snap (ghi: the raw value nearest
   * -offset/scale decodes to exactly 0), double precision (t2m) */
  in->u_pack = tw_pack_make(6.1e-4f, 2.9f, -32767);
  in->u_pack.missing = 32767;
  in->u_pack.raw_min = -32000;
  in->v_pack = tw_pack_make(4.9e-4f, 0.2f, -32767);
  in->ghi_pack = tw_pack_make(0.0165f, 540.0f, -32767);
  in->ghi_pack.zero_raw = -32727;
  in->ghi_pack.zero_value = 0.0f;
  in->t2m_pack = tw_pack_make(1.0e-3f, 281.0f, -32767);
  in->t2m_pack.use_double = 1;
  in->t2m_pack.scale_d = 1.0e-3;
  in->t2m_pack.offset_d = 281.0;
  struct { float *f; short *q; tw_pack pk; } pk[4] = {{in->u100, in->u16, in->u_pack},
                                                       {in->v100, in->v16, in->v_pack},
                                                       {in->ghi, in->ghi16, in->ghi_pack},
                                                       {in->t2m, in->t2m16, in->t2m_pack}};
  for (int a = 0; a < 4; a++)
    for (size_t i = 0; i < n; i++) {
      long q = lroundf((pk[a].f[i] - pk[a].pk.offset) / pk[a].pk.scale);
      q = q < -32766 ? -32766 : (q > 32767 ? 32767 : q);
      pk[a].q[i] = (short)q;
      pk[a].f[i] = tw_unpack(pk[a].q[i], pk[a].pk);
    }
  for (size_t t = 0; t < ntime; t++) tw_sun_fast_from_geo(&in->geo[t], &in->sun[t]);
  for (size_t c = 0; c < ncell; c++) tw_cell_trig_make(in->lat[c], in->lon[c], &in->trig[c]);
  static const float v[15] = {0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 25};
  static const float pw[15] = {0, 0, 0.005f, 0.15f, 0.3f, 0.525f, 0.905f, 1.375f,
                               1.95f, 2.58f, 2.96f, 3.05f, 3.06f, 3.06f, 0};
  for (int k = 0; k < 15; k++) {
    in->curve_v[k] = v[k];
    in->curve_cf[k] = pw[k] / 3.06f;
  }
  in->table_len = tw_wind_table_len(in->curve_v, 15, TW_WIND_TABLE_DV_MS);
  in->table = malloc((size_t)in->table_len * sizeof(float));
  in->factor = malloc((ncell ? ncell : 1) * sizeof(float));
  if (!in->table || !in->factor) return -1;
  tw_wind_table_fill(in->curve_v, in->curve_cf, 15, TW_WIND_TABLE_DV_MS, in->table, in->table_len);
  for (size_t c = 0; c < ncell; c++) in->factor[c] = tw_wind_log_factor(100.0f, 120.0f, in->z0[c]);
  return 0;
}

void tw_test_inputs_free(tw_test_inputs *in) {
  free(in->u100);
  free(in->v100);
  free(in->u10);
  free(in->v10);
  free(in->z0);
  free(in->ghi);
  free(in->fdir);
  free(in->t2m);
  free(in->wind);
  free(in->lat);
  free(in->lon);
  free(in->geo);
  free(in->table);
  free(in->factor);
  free(in->u16);
  free(in->v16);
  free(in->ghi16);
  free(in->t2m16);
  free(in->sun);
  free(in->trig);
  memset(in, 0, sizeof *in);
}

static tw_status put(tw_backend *be, const void *src, size_t bytes, void *dst_ptr) {
  void **dst = (void **)dst_ptr;
  TW_CHECK(tw_backend_alloc(be, bytes ? bytes : 1, dst));
  return bytes ? tw_backend_upload(be, *dst, src, bytes) : TW_OK;
}

tw_status tw_test_device_upload(tw_backend *be, const tw_test_inputs *in, tw_test_device *d) {
  memset(d, 0, sizeof *d);
  d->be = be;
  size_t b = in->n * sizeof(float);
  TW_CHECK(put(be, in->u100, b, &d->u100));
  TW_CHECK(put(be, in->v100, b, &d->v100));
  TW_CHECK(put(be, in->u10, b, &d->u10));
  TW_CHECK(put(be, in->v10, b, &d->v10));
  TW_CHECK(put(be, in->z0, b, &d->z0));
  TW_CHECK(put(be, in->ghi, b, &d->ghi));
  TW_CHECK(put(be, in->fdir, b, &d->fdir));
  TW_CHECK(put(be, in->t2m, b, &d->t2m));
  TW_CHECK(put(be, in->wind, b, &d->wind));
  TW_CHECK(put(be, in->lat, in->ncell * sizeof(float), &d->lat));
  TW_CHECK(put(be, in->lon, in->ncell * sizeof(float), &d->lon));
  TW_CHECK(put(be, in->geo, in->ntime * sizeof(tw_sun_geo), &d->geo));
  TW_CHECK(put(be, in->table, (size_t)in->table_len * sizeof(float), &d->table));
  TW_CHECK(put(be, in->factor, in->ncell * sizeof(float), &d->factor));
  size_t h = in->n * sizeof(short);
  TW_CHECK(put(be, in->u16, h, &d->u16));
  TW_CHECK(put(be, in->v16, h, &d->v16));
  TW_CHECK(put(be, in->ghi16, h, &d->ghi16));
  TW_CHECK(put(be, in->t2m16, h, &d->t2m16));
  TW_CHECK(put(be, in->sun, in->ntime * sizeof(tw_sun_fast), &d->sun));
  TW_CHECK(put(be, in->trig, in->ncell * sizeof(tw_cell_trig), &d->trig));
  TW_CHECK(tw_backend_alloc(be, b ? b : 1, (void **)&d->out));
  return TW_OK;
}

void tw_test_device_free(tw_test_device *d) {
  if (!d->be) return;
  void *p[21] = {d->u100, d->v100, d->u10,   d->v10,  d->z0,    d->ghi, d->fdir,
                 d->t2m,  d->wind, d->lat,   d->lon,  d->geo,   d->table, d->factor,
                 d->out,  d->u16,  d->v16,  d->ghi16, d->t2m16, d->sun, d->trig};
  for (int i = 0; i < 21; i++)
    if (p[i]) tw_backend_free(d->be, p[i]);
  memset(d, 0, sizeof *d);
}

tw_wind_job tw_test_wind_job(const tw_test_inputs *in, const tw_test_device *d, int variant) {
  tw_wind_job j;
  memset(&j, 0, sizeof j);
  int packed = variant == 3;
  if (packed) variant = 1;
  j.ncell = in->ncell;
  j.ntime = in->ntime;
  j.u_ms = d->u100;
  j.v_ms = d->v100;
  j.roughness_m = variant == 0 ? d->z0 : NULL;
  j.hub_factor = variant == 1 ? d->factor : NULL;
  j.height_ref_m = 100.0f;
  j.height_hub_m = variant == 0 ? 80.0f : (variant == 1 ? 120.0f : 135.0f);
  j.curve_table = d->table;
  j.curve_len = in->table_len;
  j.curve_inv_dv = (float)(1.0 / TW_WIND_TABLE_DV_MS);
  j.curve_min_ms = in->curve_v[0];
  j.curve_max_ms = in->curve_v[14];
  j.cf = d->out;
  if (variant == 2) {
    j.power_law = 1;
    j.u_low_ms = d->u10;
    j.v_low_ms = d->v10;
    j.height_low_m = 10.0f;
  }
  if (packed) {
    j.u_ms = j.v_ms = NULL;
    j.u_i16 = d->u16;
    j.v_i16 = d->v16;
    j.u_pack = in->u_pack;
    j.v_pack = in->v_pack;
  }
  return j;
}

tw_pv_job tw_test_pv_job(const tw_test_inputs *in, const tw_test_device *d, int variant) {
  tw_pv_job j;
  memset(&j, 0, sizeof j);
  int fast = variant >= 14, packed = variant == 16;
  if (fast) variant = variant == 14 ? 2 : (variant == 17 ? 12 : 3);
  int perez = variant >= 12; /* 12, 13: Perez sky with variants 3 and 10 */
  if (perez) variant = variant == 12 ? 3 : 10;
  j.ncell = in->ncell;
  j.ntime = in->ntime;
  j.geo = d->geo;
  j.lat_deg = d->lat;
  j.lon_deg = d->lon;
  j.ghi_wm2 = d->ghi;
  j.fdir_wm2 = (variant & 1) ? d->fdir : NULL;
  j.t2m_K = d->t2m;
  j.wind_ms = (variant & 1) ? d->wind : NULL;
  tw_pv_params *p = &j.params;
  static const double csi_k[6] = {-0.017162, -0.040289, -0.004681, 0.000148, 0.000169, 0.000005};
  memcpy(p->huld_k, csi_k, sizeof csi_k);
  p->orientation = (variant >> 1) % 3; /* fixed, latitude-optimal, single-axis */
  p->tilt_deg = 25.0;
  p->azimuth_deg = 170.0;
  p->axis_azimuth_deg = 180.0;
  p->max_rotation_deg = 60.0;
  p->albedo = 0.2;
  p->poa_model = perez ? TW_PV_POA_PEREZ : TW_PV_POA_HAY_DAVIES;
  p->panel = variant >= 6 ? TW_PV_PVWATTS : TW_PV_HULD;
  p->c_temp_amb = 1.0;
  p->c_temp_irrad = 0.035;
  p->r_tmod_K = 298.0;
  p->r_irradiance_wm2 = 1000.0;
  p->inverter_efficiency = 0.9;
  p->gamma_pdc_per_K = -0.0047;
  p->losses = 0.14;
  p->dc_ac_ratio = 1.2;
  p->inverter_eta_nom = 0.96;
  p->default_wind_ms = 1.0;
  j.cf = d->out;
  if (fast) {
    j.sun = d->sun;
    j.cell_trig = d->trig;
  }
  if (packed) {
    j.ghi_wm2 = j.t2m_K = NULL;
    j.ghi_i16 = d->ghi16;
    j.t2m_i16 = d->t2m16;
    j.ghi_pack = in->ghi_pack;
    j.t2m_pack = in->t2m_pack;
  }
  return j;
}

int tw_test_layout_make(int kind, int ncell, tw_test_layout *l) {
  memset(l, 0, sizeof *l);
  int nrow = kind == 0 ? 37 : (kind == 1 ? 2 : 11);
  int nnz = kind == 1 ? 4 * ncell : ncell;
  l->nrow = nrow;
  l->ncol = ncell;
  l->row_ptr = malloc((size_t)(nrow + 1) * sizeof *l->row_ptr);
  l->col = malloc((size_t)(nnz ? nnz : 1) * sizeof *l->col);
  l->val = malloc((size_t)(nnz ? nnz : 1) * sizeof *l->val);
  if (!l->row_ptr || !l->col || !l->val) return -1;
  int k = 0;
  l->row_ptr[0] = 0;
  for (int r = 0; r < nrow; r++) {
    if (kind == 0) {
      int len = (ncell - r + nrow - 1) / nrow;
      for (int c = r; c < ncell; c += nrow, k++) {
        l->col[k] = c;
        l->val[k] = 1.0f / (float)len;
      }
    } else if (kind == 1) {
      for (int rep = 0; rep < 2; rep++)
        for (int c = 0; c < ncell; c++, k++) {
          l->col[k] = c;
          l->val[k] = 1.0f / (float)(2 * ncell);
        }
    } else {
      /* 9 non-empty buses share the cells in contiguous ranges, weights
       * rising with the cell index (like an area or capacity weighting) */
      int slot = r < 3 ? r : (r < 8 ? r - 1 : r - 2);
      if (r != 3 && r != 8) {
        int c0 = ncell * slot / 9, c1 = ncell * (slot + 1) / 9;
        double sum = 0.0;
        for (int c = c0; c < c1; c++) sum += 1.0 + 0.01 * c;
        for (int c = c0; c < c1; c++, k++) {
          l->col[k] = c;
          l->val[k] = (float)((1.0 + 0.01 * c) / sum);
        }
      }
    }
    l->row_ptr[r + 1] = k;
  }
  return 0;
}

void tw_test_layout_free(tw_test_layout *l) {
  free(l->row_ptr);
  free(l->col);
  free(l->val);
  memset(l, 0, sizeof *l);
}

int tw_test_fused_runs = 1;

static tw_status run_agg(tw_backend *be, const tw_wind_job *wind, const tw_pv_job *pv,
                         const tw_test_layout *l, size_t ntime, float *y_host, int fused) {
  tw_status st = TW_OK;
  void *rp = NULL, *col = NULL, *val = NULL, *y = NULL;
  int *row_run = NULL, *run_k = NULL;
  size_t nnz = (size_t)l->row_ptr[l->nrow], ny = ntime * (size_t)l->nrow;
  TW_CHECK_GOTO(st, put(be, l->row_ptr, (size_t)(l->nrow + 1) * sizeof(int), &rp));
  TW_CHECK_GOTO(st, put(be, l->col, nnz * sizeof(int), &col));
  TW_CHECK_GOTO(st, put(be, l->val, nnz * sizeof(float), &val));
  TW_CHECK_GOTO(st, tw_backend_alloc(be, (ny ? ny : 1) * sizeof(float), &y));
  tw_csr_job agg;
  memset(&agg, 0, sizeof agg);
  agg.nrow = l->nrow;
  agg.ncol = l->ncol;
  agg.ntime = ntime;
  agg.row_ptr = rp;
  agg.nnz = l->row_ptr[l->nrow];
  agg.col = col;
  agg.val = val;
  agg.y = y;
  if (fused && tw_backend_is_host(be) && tw_test_fused_runs) { /* the runs the CPU backend streams */
    TW_CHECK_GOTO(st, tw_csr_runs_build(l->nrow, l->row_ptr, l->col, &row_run, &run_k));
    agg.row_run = row_run;
    agg.run_k = run_k;
  }
  if (fused) {
    if (wind) TW_CHECK_GOTO(st, tw_backend_wind_bus_cf(be, wind, &agg));
    else TW_CHECK_GOTO(st, tw_backend_pv_bus_cf(be, pv, &agg));
  } else {
    if (wind) TW_CHECK_GOTO(st, tw_backend_wind_cf(be, wind));
    else TW_CHECK_GOTO(st, tw_backend_pv_cf(be, pv));
    agg.x = wind ? wind->cf : pv->cf;
    TW_CHECK_GOTO(st, tw_backend_csr_aggregate(be, &agg));
  }
  TW_CHECK_GOTO(st, tw_backend_synchronize(be));
  TW_CHECK_GOTO(st, tw_backend_download(be, y_host, y, ny * sizeof(float)));
cleanup:
  tw_backend_free(be, rp);
  tw_backend_free(be, col);
  tw_backend_free(be, val);
  tw_backend_free(be, y);
  free(row_run);
  free(run_k);
  return st;
}

tw_status tw_test_run_fused(tw_backend *be, const tw_wind_job *wind, const tw_pv_job *pv,
                            const tw_test_layout *l, size_t ntime, float *y_host) {
  return run_agg(be, wind, pv, l, ntime, y_host, 1);
}

tw_status tw_test_run_unfused(tw_backend *be, const tw_wind_job *wind, const tw_pv_job *pv,
                              const tw_test_layout *l, size_t ntime, float *y_host) {
  return run_agg(be, wind, pv, l, ntime, y_host, 0);
}

int tw_test_layout_ranges(int nrow, int ncell, tw_test_layout *l) {
  memset(l, 0, sizeof *l);
  if (nrow < 1 || ncell < nrow) return -1;
  l->nrow = nrow;
  l->ncol = ncell;
  l->row_ptr = malloc((size_t)(nrow + 1) * sizeof *l->row_ptr);
  l->col = malloc((size_t)ncell * sizeof *l->col);
  l->val = malloc((size_t)ncell * sizeof *l->val);
  if (!l->row_ptr || !l->col || !l->val) return -1;
  l->row_ptr[0] = 0;
  for (int r = 0; r < nrow; r++) {
    int c0 = (int)((long long)ncell * r / nrow), c1 = (int)((long long)ncell * (r + 1) / nrow);
    for (int c = c0; c < c1; c++) {
      l->col[c] = c;
      l->val[c] = 1.0f / (float)(c1 - c0);
    }
    l->row_ptr[r + 1] = c1;
  }
  return 0;
}
