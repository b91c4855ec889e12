/* Ingest benchmark driver (scripts/bench/ingest runs it; not a test).
 *   tw_bench_ingest gen PATH NTIME      write an ERA5-Europe-like file: u100 on
 *                                       200 x 280 cells x NTIME hours, int16-packed,
 *                                       chunked (24 x 200 x 280), shuffle + zlib 1
 *   tw_bench_ingest speed PATH K REPS   decoded reads (tw_climate_reader, K steps per
 *                                       chunk) against plain nc_get_vara of the same
 *                                       int16 hyperslabs without decoding, REPS times
 *                                       alternating; prints one JSON line (best of REPS)
 *   tw_bench_ingest rss PATH K          stream the file K steps at a time; prints one
 *                                       JSON line with the peak resident set (kB)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "terrawatt/ingest.h"

enum { NY = 200, NX = 280, TCHUNK = 24 };

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int nc_ok(int rc, const char *what) {
  if (rc != NC_NOERR) fprintf(stderr, "bench ingest: %s: %s\n", what, nc_strerror(rc));
  return rc == NC_NOERR;
}

/* Smooth travelling waves plus small deterministic noise, as ERA5 100 m
 * wind (m/s), packed with ERA5-like scale/offset. */
static int gen(const char *path, size_t nt) {
  int nc, dt, dy, dx, vt, vy, vx, vu;
  if (!nc_ok(nc_create(path, NC_CLOBBER | NC_NETCDF4, &nc), path)) return 1;
  nc_def_dim(nc, "time", nt, &dt);
  nc_def_dim(nc, "latitude", NY, &dy);
  nc_def_dim(nc, "longitude", NX, &dx);
  nc_def_var(nc, "time", NC_INT, 1, &dt, &vt);
  nc_put_att_text(nc, vt, "units", 31, "hours since 1900-01-01 00:00:00");
  nc_put_att_text(nc, vt, "calendar", 9, "gregorian");
  nc_def_var(nc, "latitude", NC_FLOAT, 1, &dy, &vy);
  nc_def_var(nc, "longitude", NC_FLOAT, 1, &dx, &vx);
  int dims[3] = {dt, dy, dx};
  nc_def_var(nc, "u100", NC_SHORT, 3, dims, &vu);
  size_t chunk[3] = {TCHUNK, NY, NX};
  nc_def_var_chunking(nc, vu, NC_CHUNKED, chunk);
  nc_def_var_deflate(nc, vu, 1, 1, 1);
  double scale = 0.000858, offset = 1.25;
  short fill = -32767;
  nc_put_att_double(nc, vu, "scale_factor", NC_DOUBLE, 1, &scale);
  nc_put_att_double(nc, vu, "add_offset", NC_DOUBLE, 1, &offset);
  nc_put_att_short(nc, vu, "_FillValue", NC_SHORT, 1, &fill);
  nc_put_att_short(nc, vu, "missing_value", NC_SHORT, 1, &fill);
  nc_put_att_text(nc, vu, "units", 7, "m s**-1");
  if (!nc_ok(nc_enddef(nc), "enddef")) return 1;
  float lat[NY], lon[NX];
  for (int i = 0; i < NY; i++) lat[i] = 72.0f - 0.25f * (float)i;
  for (int i = 0; i < NX; i++) lon[i] = -10.0f + 0.25f * (float)i;
  nc_put_var_float(nc, vy, lat);
  nc_put_var_float(nc, vx, lon);
  int *times = malloc(nt * sizeof *times);
  short *buf = malloc((size_t)TCHUNK * NY * NX * sizeof *buf);
  if (!times || !buf) return 1;
  for (size_t t = 0; t < nt; t++) times[t] = 1042392 + (int)t; /* 2018-12-01 on */
  nc_put_var_int(nc, vt, times);
  unsigned long long rng = 88172645463325252ull;
  double a[NX], b[NY], c[NX + NY];
  for (size_t t0 = 0; t0 < nt; t0 += TCHUNK) {
    size_t n = nt - t0 < TCHUNK ? nt - t0 : TCHUNK;
    for (size_t k = 0; k < n; k++) {
      double t = (double)(t0 + k);
      for (int x = 0; x < NX; x++) a[x] = 8.0 * sin(x / 20.0 + t / 30.0);
      for (int y = 0; y < NY; y++) b[y] = cos(y / 25.0 - t / 50.0);
      for (int s = 0; s < NX + NY; s++) c[s] = 3.0 * sin(s / 7.0 + t / 11.0);
      for (int y = 0; y < NY; y++)
        for (int x = 0; x < NX; x++) {
          rng ^= rng << 13;
          rng ^= rng >> 7;
          rng ^= rng << 17;
          double noise = 0.3 * ((double)(rng >> 11) / 9007199254740992.0 - 0.5);
          double u = a[x] * b[y] + c[x + y] + noise;
          buf[(k * NY + (size_t)y) * NX + (size_t)x] = (short)lround((u - offset) / scale);
        }
    }
    size_t start[3] = {t0, 0, 0}, count[3] = {n, NY, NX};
    if (!nc_ok(nc_put_vara_short(nc, vu, start, count, buf), "put u100")) return 1;
  }
  free(times);
  free(buf);
  return nc_ok(nc_close(nc), "close") ? 0 : 1;
}

/* Plain nc_get_vara of the same int16 hyperslabs, K steps at a time. */
static int raw_pass(const char *path, size_t k, double *secs, size_t *nval, double *check) {
  int nc, v;
  size_t nt;
  double t0 = now_s();
  if (!nc_ok(nc_open(path, NC_NOWRITE, &nc), path)) return 1;
  int dimid;
  nc_inq_dimid(nc, "time", &dimid);
  nc_inq_dimlen(nc, dimid, &nt);
  nc_inq_varid(nc, "u100", &v);
  short *buf = malloc(k * NY * NX * sizeof *buf);
  if (!buf) return 1;
  long long s = 0;
  for (size_t a = 0; a < nt; a += k) {
    size_t n = nt - a < k ? nt - a : k;
    size_t start[3] = {a, 0, 0}, count[3] = {n, NY, NX};
    if (!nc_ok(nc_get_vara(nc, v, start, count, buf), "get_vara")) return 1;
    s += buf[0] + buf[n * NY * NX - 1];
  }
  nc_close(nc);
  free(buf);
  *secs = now_s() - t0;
  *nval = nt * NY * NX;
  *check = (double)s;
  return 0;
}

/* Decoded read through the ingest reader (open, scan, read, decode to
 * float SI), K steps at a time. */
static int decoded_pass(const char *path, size_t k, double *secs, size_t *nval, double *check) {
  tw_ingest_params p;
  tw_ingest_params_default(&p);
  const char *paths[] = {path}, *vars[] = {"u100"};
  p.paths = paths;
  p.npaths = 1;
  p.variables = vars;
  p.nvariables = 1;
  double t0 = now_s();
  tw_climate_reader *r = NULL;
  if (tw_climate_reader_open(&p, k, &r) != TW_OK) {
    fprintf(stderr, "bench ingest: %s\n", tw_last_error());
    return 1;
  }
  const tw_climate *c = NULL;
  double s = 0;
  size_t n = 0;
  while (tw_climate_reader_next(r, &c) == TW_OK && c) {
    const float *d = c->vars[0].data;
    s += (double)d[0] + (double)d[c->ntime * c->ncell - 1];
    n += c->ntime * c->ncell;
  }
  tw_climate_reader_close(&r);
  *secs = now_s() - t0;
  *nval = n;
  *check = s;
  return 0;
}

static int speed(const char *path, size_t k, int reps) {
  double best_raw = INFINITY, best_dec = INFINITY, cr = 0, cd = 0, s;
  size_t nraw = 0, ndec = 0;
  if (raw_pass(path, k, &s, &nraw, &cr)) return 1; /* warm the page cache */
  for (int i = 0; i < reps; i++) {
    if (raw_pass(path, k, &s, &nraw, &cr)) return 1;
    if (s < best_raw) best_raw = s;
    if (decoded_pass(path, k, &s, &ndec, &cd)) return 1;
    if (s < best_dec) best_dec = s;
  }
  if (nraw != ndec) {
    fprintf(stderr, "bench ingest: decoded %zu values, raw %zu\n", ndec, nraw);
    return 1;
  }
  double vps = (double)ndec / best_dec, raw_vps = (double)nraw / best_raw;
  printf("{\"values\":%zu,\"chunk_steps\":%zu,\"raw_s\":%.4f,\"decoded_s\":%.4f,"
         "\"raw_values_per_s\":%.4g,\"decoded_values_per_s\":%.4g,"
         "\"raw_mb_per_s\":%.1f,\"decoded_mb_per_s\":%.1f,\"decode_overhead\":%.4f,"
         "\"checksums\":[%.6g,%.6g]}\n",
         ndec, k, best_raw, best_dec, raw_vps, vps, raw_vps * 2 / 1e6, vps * 4 / 1e6,
         best_dec / best_raw - 1.0, cr, cd);
  return 0;
}

static int rss(const char *path, size_t k) {
  double secs, check;
  size_t n;
  if (decoded_pass(path, k, &secs, &n, &check)) return 1;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("{\"values\":%zu,\"seconds\":%.3f,\"peak_rss_kb\":%ld}\n", n, secs, ru.ru_maxrss);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[1], "gen") == 0) return gen(argv[2], (size_t)atol(argv[3]));
  if (argc >= 5 && strcmp(argv[1], "speed") == 0) return speed(argv[2], (size_t)atol(argv[3]), atoi(argv[4]));
  if (argc >= 4 && strcmp(argv[1], "rss") == 0) return rss(argv[2], (size_t)atol(argv[3]));
  fprintf(stderr, "usage: %s gen PATH NTIME | speed PATH K REPS | rss PATH K\n", argv[0]);
  return 2;
}
