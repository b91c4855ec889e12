/* Conversion benchmark on real layouts (scripts/bench/convert runs it).
 *
 * Weather: an ERA5-like grid (0.25 deg, 180 x 240 cells over Europe,
 * --hours hourly steps) of u100, v100, ssrd and t2m packed as int16 with
 * scale_factor / add_offset / _FillValue, written to a NetCDF file and
 * read back raw (int16) where the build has NetCDF, else packed in memory.
 * Layouts: Voronoi regions (nearest bus, cos-latitude weights) of 10, 100
 * and 1000 randomly placed buses; a bus with an empty region takes its
 * nearest cell.
 *
 * Per layout, interleaved over --reps rounds (a shared machine's load hits
 * all alike): a copy of the int16 u and v (bytes read + written per
 * second); the fused wind op from int16 by runs (the production path);
 * the same from decoded float input; the same from int16 without runs
 * (cell-by-cell gathers, the path before runs); PV from int16 with the
 * fast sun geometry and with SPA over the first --pv-hours steps. Reported:
 * cell-hours per second at the minimum and the median time, and the wind
 * kernel's bandwidth (4 bytes per cell-hour: int16 u and v read; the
 * layout, hub factors and curve stay in cache) as a fraction of the copy
 * bandwidth of the same round. Last stdout line: one JSON object.
 *   tw_bench_convert [--backend cpu|cuda] [--hours N] [--pv-hours N] [--reps N]
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef TW_HAVE_CUDA
#include <cuda_runtime.h>
#endif
#ifdef TW_BENCH_NETCDF
#include <netcdf.h>
#endif

#include "terrawatt/convert_math.h"
#include "terrawatt/physics_solar.h"
#include "terrawatt/physics_wind.h"

#define NLAT 180
#define NLON 240
#define NVAR 4 /* u100, v100, ssrd, t2m */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static unsigned g_seed = 20240601u;
static double urand(void) {
  g_seed = g_seed * 1664525u + 1013904223u;
  return (double)(g_seed >> 8) / 16777216.0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double minimum(const double *v, int n) {
  double m = v[0];
  for (int i = 1; i < n; i++) m = v[i] < m ? v[i] : m;
  return m;
}

/* The weather: smooth fields plus noise, in SI units (float). */
static void make_fields(size_t ntime, float **f) {
  size_t ncell = (size_t)NLAT * NLON;
  for (size_t t = 0; t < ntime; t++) {
    double hour = (double)(t % 24);
    for (size_t i = 0; i < NLAT; i++)
      for (size_t j = 0; j < NLON; j++) {
        size_t e = t * ncell + i * NLON + j;
        double x = (double)j / NLON, y = (double)i / NLAT, ph = 0.05 * (double)t;
        f[0][e] = (float)(6.0 + 7.0 * sin(6.0 * x + ph) * cos(4.0 * y - ph) + 2.0 * urand());
        f[1][e] = (float)(1.0 + 6.0 * cos(5.0 * x - ph) * sin(3.0 * y + ph) + 2.0 * urand());
        double lon = -15.0 + 0.25 * (double)j;
        double solar = sin(3.14159265358979 * ((hour + lon / 15.0) - 5.0) / 14.0);
        f[2][e] = (float)(solar > 0.0 ? 850.0 * solar * (0.3 + 0.7 * urand()) : 0.0);
        f[3][e] = (float)(285.0 - 15.0 * y + 5.0 * solar + urand());
      }
  }
}

/* ERA5-style packing of a field into int16 (fill -32767). */
static tw_pack pack_field(const float *f, size_t n, short *q) {
  float lo = f[0], hi = f[0];
  for (size_t i = 1; i < n; i++) {
    lo = f[i] < lo ? f[i] : lo;
    hi = f[i] > hi ? f[i] : hi;
  }
  float scale = (hi - lo) / 65532.0f;
  tw_pack p = tw_pack_make(scale > 0.0f ? scale : 1.0f, 0.5f * (hi + lo), -32767);
  for (size_t i = 0; i < n; i++) {
    long v = lroundf((f[i] - p.offset) / p.scale);
    q[i] = (short)(v < -32766 ? -32766 : (v > 32767 ? 32767 : v));
  }
  return p;
}

#ifdef TW_BENCH_NETCDF
/* Write the packed fields as an ERA5-like NetCDF file, then read the raw
 * int16 values and packing attributes back from it. */
static int file_roundtrip(size_t ntime, short **q, tw_pack *pk, char *path, size_t path_size) {
  static const char *names[NVAR] = {"u100", "v100", "ssrd", "t2m"};
  const char *tmp = getenv("TMPDIR");
  snprintf(path, path_size, "%s/tw_bench_convert_%d.nc", tmp && *tmp ? tmp : "/tmp",
           (int)getpid());
  int nc, dims[3], var[NVAR];
  if (nc_create(path, NC_NETCDF4 | NC_CLOBBER, &nc)) return -1;
  nc_def_dim(nc, "time", ntime, &dims[0]);
  nc_def_dim(nc, "latitude", NLAT, &dims[1]);
  nc_def_dim(nc, "longitude", NLON, &dims[2]);
  for (int v = 0; v < NVAR; v++) {
    nc_def_var(nc, names[v], NC_SHORT, 3, dims, &var[v]);
    double sc = pk[v].scale, of = pk[v].offset;
    short fill = (short)pk[v].fill;
    nc_put_att_double(nc, var[v], "scale_factor", NC_DOUBLE, 1, &sc);
    nc_put_att_double(nc, var[v], "add_offset", NC_DOUBLE, 1, &of);
    nc_put_att_short(nc, var[v], "_FillValue", NC_SHORT, 1, &fill);
  }
  nc_enddef(nc);
  for (int v = 0; v < NVAR; v++)
    if (nc_put_var_short(nc, var[v], q[v])) return -1;
  if (nc_close(nc)) return -1;
  size_t n = ntime * (size_t)NLAT * NLON;
  for (int v = 0; v < NVAR; v++) memset(q[v], 0, n * sizeof(short));
  if (nc_open(path, NC_NOWRITE, &nc)) return -1;
  for (int v = 0; v < NVAR; v++) {
    int id;
    double sc, of;
    short fill;
    if (nc_inq_varid(nc, names[v], &id) || nc_get_var_short(nc, id, q[v]) ||
        nc_get_att_double(nc, id, "scale_factor", &sc) ||
        nc_get_att_double(nc, id, "add_offset", &of) ||
        nc_get_att_short(nc, id, "_FillValue", &fill))
      return -1;
    pk[v].scale = (float)sc;
    pk[v].offset = (float)of;
    pk[v].fill = fill;
  }
  nc_close(nc);
  return 0;
}
#endif

/* Voronoi layout of nbus random buses (nearest bus by chord length,
 * cos-latitude weights, rows normalised; an empty bus takes its nearest
 * cell), CSR by bus with ascending cells (as tw_layout_voronoi). */
static int make_layout(int nbus, const double *lat, const double *lon, int **rp, int **col,
                       float **val) {
  int ncell = NLAT * NLON;
  double *bx = malloc((size_t)nbus * 3 * sizeof *bx), *w = malloc((size_t)ncell * sizeof *w);
  double *sum = calloc((size_t)nbus, sizeof *sum), *best_d = malloc((size_t)nbus * sizeof *best_d);
  int *owner = malloc((size_t)ncell * sizeof *owner), *near = calloc((size_t)nbus, sizeof *near);
  *rp = calloc((size_t)nbus + 1, sizeof **rp);
  *col = malloc(((size_t)ncell + (size_t)nbus) * sizeof **col);
  *val = malloc(((size_t)ncell + (size_t)nbus) * sizeof **val);
  if (!bx || !w || !sum || !best_d || !owner || !near || !*rp || !*col || !*val) return -1;
  const double d2r = 3.14159265358979323846 / 180.0;
  for (int b = 0; b < nbus; b++) {
    double la = (30.0 + 45.0 * urand()) * d2r, lo = (-15.0 + 60.0 * urand()) * d2r;
    bx[3 * b] = cos(la) * cos(lo);
    bx[3 * b + 1] = cos(la) * sin(lo);
    bx[3 * b + 2] = sin(la);
    best_d[b] = INFINITY;
  }
  for (int c = 0; c < ncell; c++) {
    double la = lat[c / NLON] * d2r, lo = lon[c % NLON] * d2r;
    double x = cos(la) * cos(lo), y = cos(la) * sin(lo), z = sin(la), best = INFINITY;
    for (int b = 0; b < nbus; b++) {
      double dx = x - bx[3 * b], dy = y - bx[3 * b + 1], dz = z - bx[3 * b + 2];
      double d = dx * dx + dy * dy + dz * dz;
      if (d < best) best = d, owner[c] = b;
      if (d < best_d[b]) best_d[b] = d, near[b] = c;
    }
    w[c] = cos(la);
    sum[owner[c]] += w[c];
  }
  for (int c = 0; c < ncell; c++) (*rp)[owner[c] + 1]++;
  for (int b = 0; b < nbus; b++) (*rp)[b + 1] += (*rp)[b] + (sum[b] > 0.0 ? 0 : 1);
  int *fill = malloc((size_t)nbus * sizeof *fill);
  if (!fill) return -1;
  for (int b = 0; b < nbus; b++) {
    fill[b] = (*rp)[b];
    if (!(sum[b] > 0.0)) (*col)[fill[b]] = near[b], (*val)[fill[b]++] = 1.0f;
  }
  for (int c = 0; c < ncell; c++) {
    int b = owner[c];
    (*col)[fill[b]] = c;
    (*val)[fill[b]++] = (float)(w[c] / sum[b]);
  }
  free(fill);
  free(bx);
  free(w);
  free(sum);
  free(best_d);
  free(owner);
  free(near);
  return 0;
}

static void *dev_put(tw_backend *be, const void *host, size_t bytes) {
  void *d = NULL;
  if (tw_backend_alloc(be, bytes ? bytes : 1, &d) != TW_OK) return NULL;
  if (bytes && tw_backend_upload(be, d, host, bytes) != TW_OK) return NULL;
  return d;
}

/* One copy pass of `bytes` (src -> dst on the backend); seconds. */
static double copy_pass(tw_backend *be, void *dst, const void *src, size_t bytes) {
  double t0 = now_s();
  if (tw_backend_get_kind(be) == TW_BACKEND_CPU) {
    const long long n = (long long)(bytes / sizeof(float));
    float *d = dst;
    const float *s = src;
#pragma omp parallel for schedule(static)
    for (long long i = 0; i < n; i++) d[i] = s[i];
  }
#ifdef TW_HAVE_CUDA
  else {
    cudaDeviceSynchronize();
    t0 = now_s();
    cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice);
    cudaDeviceSynchronize();
  }
#endif
  return now_s() - t0;
}

#define MAX_REPS 64

int main(int argc, char **argv) {
  const char *backend = "cpu";
  size_t ntime = 336, pv_hours = 24;
  int reps = 5;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--backend") && i + 1 < argc) backend = argv[++i];
    else if (!strcmp(argv[i], "--hours") && i + 1 < argc) ntime = (size_t)atof(argv[++i]);
    else if (!strcmp(argv[i], "--pv-hours") && i + 1 < argc) pv_hours = (size_t)atof(argv[++i]);
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: %s [--backend cpu|cuda] [--hours N] [--pv-hours N] [--reps N]\n",
              argv[0]);
      return 1;
    }
  }
  if (ntime < 1 || reps < 1 || reps > MAX_REPS) {
    fprintf(stderr, "bench: --hours >= 1 and --reps 1..%d\n", MAX_REPS);
    return 1;
  }
  if (pv_hours > ntime) pv_hours = ntime;
  tw_backend_kind kind;
  tw_backend *be = NULL;
  if (tw_backend_kind_parse(backend, &kind) != TW_OK || tw_backend_create(kind, &be) != TW_OK) {
    fprintf(stderr, "backend '%s': %s\n", backend, tw_last_error());
    return 4;
  }
  const size_t ncell = (size_t)NLAT * NLON, n = ntime * ncell;
  float *f[NVAR];
  short *q[NVAR];
  tw_pack pk[NVAR];
  for (int v = 0; v < NVAR; v++) {
    f[v] = malloc(n * sizeof(float));
    q[v] = malloc(n * sizeof(short));
    if (!f[v] || !q[v]) {
      fprintf(stderr, "bench: out of memory\n");
      return 4;
    }
  }
  make_fields(ntime, f);
  for (int v = 0; v < NVAR; v++) pk[v] = pack_field(f[v], n, q[v]);
  const char *source = "packed in memory (no NetCDF in this build)";
  char path[4096] = "";
#ifdef TW_BENCH_NETCDF
  if (file_roundtrip(ntime, q, pk, path, sizeof path) != 0) {
    fprintf(stderr, "bench: writing/reading %s failed\n", path);
    return 4;
  }
  source = path;
#endif
  /* decoded float copies: the float-input comparison */
  for (int v = 0; v < NVAR; v++)
    for (size_t i = 0; i < n; i++) f[v][i] = tw_unpack(q[v][i], pk[v]);
  double lat[NLAT], lon[NLON];
  for (int i = 0; i < NLAT; i++) lat[i] = 74.75 - 0.25 * i; /* descending, as ERA5 */
  for (int j = 0; j < NLON; j++) lon[j] = -15.0 + 0.25 * j;
  float *cell_lat = malloc(ncell * sizeof(float)), *cell_lon = malloc(ncell * sizeof(float));
  float *factor = malloc(ncell * sizeof(float));
  tw_cell_trig *trig = malloc(ncell * sizeof *trig);
  tw_sun_geo *geo = malloc(ntime * sizeof *geo);
  tw_sun_fast *sun = malloc(ntime * sizeof *sun);
  if (!cell_lat || !cell_lon || !factor || !trig || !geo || !sun) return 4;
  for (size_t c = 0; c < ncell; c++) {
    cell_lat[c] = (float)lat[c / NLON];
    cell_lon[c] = (float)lon[c % NLON];
    tw_cell_trig_make(cell_lat[c], cell_lon[c], &trig[c]);
    factor[c] = tw_wind_log_factor(100.0f, 80.0f, (float)(0.0002 + 0.5 * urand()));
  }
  for (size_t t = 0; t < ntime; t++) { /* June 2019, mid-interval */
    tw_spa_geocentric(1559347200.0 + 3600.0 * (double)t - 1800.0, 69.0, &geo[t]);
    tw_sun_fast_from_geo(&geo[t], &sun[t]);
  }
  /* Vestas V112 3 MW (atlite), resampled */
  static const float cv[] = {0, 3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7, 7.5f, 8, 8.5f, 9, 9.5f, 10,
                             10.5f, 11, 11.5f, 12, 25, 25};
  static const float cp[] = {0, 0, 0.046f, 0.116f, 0.209f, 0.33f, 0.483f, 0.666f, 0.874f, 1.116f,
                             1.387f, 1.679f, 1.978f, 2.26f, 2.505f, 2.694f, 2.822f, 2.894f, 2.933f,
                             2.951f, 2.951f, 0};
  const int ncv = (int)(sizeof cv / sizeof cv[0]);
  float ccf[sizeof cp / sizeof cp[0]];
  for (int k = 0; k < ncv; k++) ccf[k] = cp[k] / 2.951f;
  int tlen = tw_wind_table_len(cv, ncv, TW_WIND_TABLE_DV_MS);
  float *table = malloc((size_t)tlen * sizeof(float));
  if (!table) return 4;
  tw_wind_table_fill(cv, ccf, ncv, TW_WIND_TABLE_DV_MS, table, tlen);

  /* device inputs (the host arrays themselves on the CPU backend) */
  int host = tw_backend_is_host(be);
  void *d_q[NVAR], *d_f[NVAR];
  for (int v = 0; v < NVAR; v++) {
    d_q[v] = host ? (void *)q[v] : dev_put(be, q[v], n * sizeof(short));
    d_f[v] = host ? (void *)f[v] : dev_put(be, f[v], n * sizeof(float));
  }
  void *d_factor = host ? (void *)factor : dev_put(be, factor, ncell * sizeof(float));
  void *d_table = host ? (void *)table : dev_put(be, table, (size_t)tlen * sizeof(float));
  void *d_lat = host ? (void *)cell_lat : dev_put(be, cell_lat, ncell * sizeof(float));
  void *d_lon = host ? (void *)cell_lon : dev_put(be, cell_lon, ncell * sizeof(float));
  void *d_trig = host ? (void *)trig : dev_put(be, trig, ncell * sizeof *trig);
  void *d_geo = host ? (void *)geo : dev_put(be, geo, ntime * sizeof *geo);
  void *d_sun = host ? (void *)sun : dev_put(be, sun, ntime * sizeof *sun);
  size_t copy_bytes = 2 * n * sizeof(short); /* int16 u and v */
  void *d_src = dev_put(be, q[0], n * sizeof(short)), *d_dst = NULL;
  if (tw_backend_alloc(be, copy_bytes, &d_dst) != TW_OK || !d_src || !d_factor || !d_table) {
    fprintf(stderr, "bench: device setup failed: %s\n", tw_last_error());
    return 4;
  }
  /* the copy moves 2 n int16 = the bytes the wind kernel reads */
  void *d_src2 = NULL;
  if (tw_backend_alloc(be, copy_bytes, &d_src2) != TW_OK) return 4;
  tw_backend_upload(be, d_src2, q[0], n * sizeof(short));
  tw_backend_upload(be, (char *)d_src2 + n * sizeof(short), q[1], n * sizeof(short));
  tw_backend_free(be, d_src);

  tw_wind_job wj;
  memset(&wj, 0, sizeof wj);
  wj.ncell = ncell;
  wj.ntime = ntime;
  wj.hub_factor = d_factor;
  wj.height_ref_m = 100.0f;
  wj.height_hub_m = 80.0f;
  wj.curve_table = d_table;
  wj.curve_len = tlen;
  wj.curve_inv_dv = (float)(1.0 / TW_WIND_TABLE_DV_MS);
  wj.curve_min_ms = cv[0];
  wj.curve_max_ms = cv[ncv - 1];
  tw_wind_job wj16 = wj, wjf = wj;
  wj16.u_i16 = d_q[0];
  wj16.v_i16 = d_q[1];
  wj16.u_pack = pk[0];
  wj16.v_pack = pk[1];
  wjf.u_ms = d_f[0];
  wjf.v_ms = d_f[1];

  tw_pv_job pj;
  memset(&pj, 0, sizeof pj);
  pj.ncell = ncell;
  pj.ntime = pv_hours;
  pj.geo = d_geo;
  pj.lat_deg = d_lat;
  pj.lon_deg = d_lon;
  pj.ghi_i16 = d_q[2];
  pj.t2m_i16 = d_q[3];
  pj.ghi_pack = pk[2];
  pj.t2m_pack = pk[3];
  pj.params.orientation = TW_PV_LATITUDE_OPTIMAL;
  pj.params.albedo = 0.2;
  static const double csi_k[6] = {-0.017162, -0.040289, -0.004681, 0.000148, 0.000169, 0.000005};
  memcpy(pj.params.huld_k, csi_k, sizeof csi_k);
  pj.params.c_temp_amb = 1.0;
  pj.params.c_temp_irrad = 0.035;
  pj.params.r_tmod_K = 298.0;
  pj.params.r_irradiance_wm2 = 1000.0;
  pj.params.inverter_efficiency = 0.9;
  tw_pv_job pj_fast = pj;
  pj_fast.sun = d_sun;
  pj_fast.cell_trig = d_trig;

  printf("backend %s; weather: %d x %d cells x %zu h (%.3g cell-hours), int16 from %s; "
         "PV over the first %zu h; %d interleaved rounds\n",
         tw_backend_name(be), NLAT, NLON, ntime, (double)n, source, pv_hours, reps);
  static const int nbuses[3] = {10, 100, 1000};
  char json[8192];
  size_t jl = (size_t)snprintf(json, sizeof json,
                               "{\"benchmark\":\"convert\",\"backend\":\"%s\",\"cells\":%zu,"
                               "\"hours\":%zu,\"layouts\":[", tw_backend_name(be), ncell, ntime);
  for (int li = 0; li < 3; li++) {
    int nbus = nbuses[li], *rp = NULL, *col = NULL, *row_run = NULL, *run_k = NULL;
    float *val = NULL;
    if (make_layout(nbus, lat, lon, &rp, &col, &val) != 0 ||
        tw_csr_runs_build(nbus, rp, col, &row_run, &run_k) != TW_OK)
      return 4;
    int nnz = rp[nbus], nrun = row_run[nbus];
    float *y = NULL;
    void *d_rp = host ? (void *)rp : dev_put(be, rp, (size_t)(nbus + 1) * sizeof(int));
    void *d_col = host ? (void *)col : dev_put(be, col, (size_t)nnz * sizeof(int));
    void *d_val = host ? (void *)val : dev_put(be, val, (size_t)nnz * sizeof(float));
    if (tw_backend_alloc(be, ntime * (size_t)nbus * sizeof(float), (void **)&y) != TW_OK) return 4;
    tw_csr_job agg;
    memset(&agg, 0, sizeof agg);
    agg.nrow = nbus;
    agg.ncol = (int)ncell;
    agg.ntime = ntime;
    agg.row_ptr = d_rp;
    agg.nnz = (int)nnz;
    agg.col = d_col;
    agg.val = d_val;
    agg.y = y;
    tw_csr_job agg_gather = agg, agg_pv = agg;
    if (host) {
      agg.row_run = row_run;
      agg.run_k = run_k;
      agg_pv.row_run = row_run;
      agg_pv.run_k = run_k;
    }
    agg_pv.ntime = pv_hours;
    double t_copy[MAX_REPS], t_w16[MAX_REPS], t_wf[MAX_REPS], t_wg[MAX_REPS], t_pv[MAX_REPS];
    double t_spa = 0.0;
    copy_pass(be, d_dst, d_src2, copy_bytes); /* warm-up (page faults) */
    tw_backend_wind_bus_cf(be, &wj16, &agg);
    tw_backend_synchronize(be);
    for (int r = 0; r < reps; r++) {
      double t0;
      t_copy[r] = copy_pass(be, d_dst, d_src2, copy_bytes);
      t0 = now_s();
      if (tw_backend_wind_bus_cf(be, &wj16, &agg) != TW_OK) return 5;
      tw_backend_synchronize(be);
      t_w16[r] = now_s() - t0;
      t0 = now_s();
      if (tw_backend_wind_bus_cf(be, &wjf, &agg) != TW_OK) return 5;
      tw_backend_synchronize(be);
      t_wf[r] = now_s() - t0;
      t0 = now_s();
      if (tw_backend_wind_bus_cf(be, &wj16, &agg_gather) != TW_OK) return 5;
      tw_backend_synchronize(be);
      t_wg[r] = now_s() - t0;
      t0 = now_s();
      if (tw_backend_pv_bus_cf(be, &pj_fast, &agg_pv) != TW_OK) return 5;
      tw_backend_synchronize(be);
      t_pv[r] = now_s() - t0;
    }
    {
      double t0 = now_s();
      if (tw_backend_pv_bus_cf(be, &pj, &agg_pv) != TW_OK) return 5;
      tw_backend_synchronize(be);
      t_spa = now_s() - t0;
    }
    double nn = (double)n, npv = (double)(pv_hours * ncell);
    /* the fraction per round (copy and wind of the same round), then its
     * best and median over the rounds */
    double frac[MAX_REPS];
    for (int r = 0; r < reps; r++)
      frac[r] = (4.0 * nn / t_w16[r]) / ((double)(2 * copy_bytes) / t_copy[r]);
    double copy_min = minimum(t_copy, reps), w16_min = minimum(t_w16, reps);
    double wf_min = minimum(t_wf, reps), wg_min = minimum(t_wg, reps), pv_min = minimum(t_pv, reps);
    double frac_best = frac[0];
    for (int r = 1; r < reps; r++) frac_best = frac[r] > frac_best ? frac[r] : frac_best;
    double copy_med = median(t_copy, reps), w16_med = median(t_w16, reps);
    double wf_med = median(t_wf, reps), wg_med = median(t_wg, reps), pv_med = median(t_pv, reps);
    double frac_med = median(frac, reps);
    double copy_bw = (double)(2 * copy_bytes) / copy_min;
    printf("%4d buses (%d runs, mean %.1f cells): copy %.2f GB/s (median %.2f); wind int16 %.3g "
           "cell-hours/s (median %.3g) = %.2f GB/s; float %.3g (median %.3g); int16 without runs "
           "%.3g (median %.3g); wind/copy bandwidth best %.3f, median %.3f; PV fast sun %.3g "
           "(median %.3g), SPA %.3g cell-hours/s\n",
           nbus, nrun, (double)nnz / nrun, copy_bw / 1e9,
           (double)(2 * copy_bytes) / copy_med / 1e9, nn / w16_min, nn / w16_med,
           4.0 * nn / w16_min / 1e9, nn / wf_min, nn / wf_med, nn / wg_min, nn / wg_med,
           frac_best, frac_med, npv / pv_min, npv / pv_med, npv / t_spa);
    jl += (size_t)snprintf(
        json + jl, sizeof json - jl,
        "%s{\"buses\":%d,\"runs\":%d,\"copy_GB_per_s\":%.4g,\"copy_GB_per_s_median\":%.4g,"
        "\"wind_int16_cell_hours_per_s\":%.4g,\"wind_int16_cell_hours_per_s_median\":%.4g,"
        "\"wind_float_cell_hours_per_s\":%.4g,\"wind_float_cell_hours_per_s_median\":%.4g,"
        "\"wind_int16_no_runs_cell_hours_per_s\":%.4g,"
        "\"wind_int16_no_runs_cell_hours_per_s_median\":%.4g,"
        "\"wind_fraction_of_copy_bandwidth\":%.4f,\"wind_fraction_of_copy_bandwidth_median\":%.4f,"
        "\"pv_fast_cell_hours_per_s\":%.4g,\"pv_fast_cell_hours_per_s_median\":%.4g,"
        "\"pv_spa_cell_hours_per_s\":%.4g}",
        li ? "," : "", nbus, nrun, copy_bw / 1e9, (double)(2 * copy_bytes) / copy_med / 1e9,
        nn / w16_min, nn / w16_med, nn / wf_min, nn / wf_med, nn / wg_min, nn / wg_med,
        frac_best, frac_med, npv / pv_min, npv / pv_med, npv / t_spa);
    tw_backend_free(be, y);
    if (!host) {
      tw_backend_free(be, d_rp);
      tw_backend_free(be, d_col);
      tw_backend_free(be, d_val);
    }
    free(rp);
    free(col);
    free(val);
    free(row_run);
    free(run_k);
  }
  printf("%s]}\n", json);
  if (path[0]) remove(path);
  tw_backend_free(be, d_dst);
  tw_backend_free(be, d_src2);
  if (!host) {
    for (int v = 0; v < NVAR; v++) {
      tw_backend_free(be, d_q[v]);
      tw_backend_free(be, d_f[v]);
    }
    void *p[7] = {d_factor, d_table, d_lat, d_lon, d_trig, d_geo, d_sun};
    for (int i = 0; i < 7; i++) tw_backend_free(be, p[i]);
  }
  for (int v = 0; v < NVAR; v++) {
    free(f[v]);
    free(q[v]);
  }
  free(cell_lat);
  free(cell_lon);
  free(factor);
  free(trig);
  free(geo);
  free(sun);
  free(table);
  tw_backend_destroy(&be);
  return 0;
}
