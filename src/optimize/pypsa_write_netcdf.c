/* Write a solved network as a PyPSA NetCDF export (NetCDF-4, NC_STRING
 * names, {list}_i, {list}_{attr}, {list}_t_{attr}(snapshots, {list}_t_{attr}_i)),
 * atomically.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/nc_util.h"
#include "optimize/pypsa_emit.h"
#include "terrawatt/atomic_file.h"
#include "terrawatt/time.h"

typedef struct nc_sink {
  int nc;
  const char *path;
  int dim_snap;
  int dim_list;
} nc_sink;

/* HDF5 errors hide the cause (a full disk): the system's errno is added. */
#define NCW(call, what)                                                                        \
  do {                                                                                         \
    errno = 0;                                                                                 \
    int rc_ = (call);                                                                          \
    int errno_ = errno;                                                                        \
    if (rc_ != NC_NOERR)                                                                       \
      return tw_error(TW_ERR_RESOURCE, "%s: writing '%s': %s%s", s->path, what,                \
                      nc_strerror(rc_), tw_nc_write_reason(s->path, errno_));                  \
  } while (0)

static tw_status put_strings(nc_sink *s, const char *var, int dim, size_t n,
                             const char *const *v) {
  int id;
  NCW(nc_def_var(s->nc, var, NC_STRING, 1, &dim, &id), var);
  if (n) NCW(nc_put_var_string(s->nc, id, (const char **)v), var);
  return TW_OK;
}

static tw_status nc_begin(void *ctx, const char *list, size_t n, const char *const *names) {
  nc_sink *s = ctx;
  char name[256];
  snprintf(name, sizeof name, "%s_i", list);
  NCW(nc_def_dim(s->nc, name, n, &s->dim_list), name);
  return put_strings(s, name, s->dim_list, n, names);
}

static tw_status nc_num(void *ctx, const char *list, const char *attr, const double *v, int is_bool) {
  nc_sink *s = ctx;
  char name[256];
  int id;
  size_t n;
  snprintf(name, sizeof name, "%s_%s", list, attr);
  NCW(nc_inq_dimlen(s->nc, s->dim_list, &n), name);
  if (is_bool) {
    signed char *b = NULL;
    TW_CHECK(tw_calloc(n + 1, 1, "bool", &b));
    for (size_t i = 0; i < n; i++) b[i] = v[i] != 0.0;
    int rc = nc_def_var(s->nc, name, NC_BYTE, 1, &s->dim_list, &id);
    if (rc == NC_NOERR) rc = nc_put_att_text(s->nc, id, "dtype", 4, "bool");
    if (rc == NC_NOERR && n) rc = nc_put_var_schar(s->nc, id, b);
    free(b);
    if (rc != NC_NOERR)
      return tw_error(TW_ERR_RESOURCE, "%s: writing '%s': %s%s", s->path, name, nc_strerror(rc),
                      tw_nc_write_reason(s->path, 0));
    return TW_OK;
  }
  NCW(nc_def_var(s->nc, name, NC_DOUBLE, 1, &s->dim_list, &id), name);
  if (n) NCW(nc_put_var_double(s->nc, id, v), name);
  return TW_OK;
}

static tw_status nc_str(void *ctx, const char *list, const char *attr, const char *const *v) {
  nc_sink *s = ctx;
  char name[256];
  size_t n;
  snprintf(name, sizeof name, "%s_%s", list, attr);
  NCW(nc_inq_dimlen(s->nc, s->dim_list, &n), name);
  return put_strings(s, name, s->dim_list, n, v);
}

static tw_status nc_series(void *ctx, const char *list, const char *attr, size_t ncols,
                           const char *const *cols, const double *values) {
  nc_sink *s = ctx;
  char idx[256], name[256];
  int dim, id, dims[2];
  snprintf(name, sizeof name, "%s_t_%s", list, attr);
  snprintf(idx, sizeof idx, "%s_t_%s_i", list, attr);
  NCW(nc_def_dim(s->nc, idx, ncols, &dim), idx);
  TW_CHECK(put_strings(s, idx, dim, ncols, cols));
  dims[0] = s->dim_snap;
  dims[1] = dim;
  NCW(nc_def_var(s->nc, name, NC_DOUBLE, 2, dims, &id), name);
  if (ncols) NCW(nc_put_var_double(s->nc, id, values), name);
  return TW_OK;
}

static tw_status nc_end(void *ctx, const char *list) {
  (void)ctx;
  (void)list;
  return TW_OK;
}

static tw_status write_snapshots(nc_sink *s, const tw_network *net) {
  size_t T = net->n_snapshots;
  int id;
  long long *idx = NULL;
  long long *hours = NULL;
  tw_status st = TW_OK;
  TW_CHECK(tw_calloc(T, sizeof(long long), "snapshots", &idx));
  NCW(nc_def_dim(s->nc, "snapshots", T, &s->dim_snap), "snapshots");
  for (size_t t = 0; t < T; t++) idx[t] = (long long)t;
  int rc = nc_def_var(s->nc, "snapshots", NC_INT64, 1, &s->dim_snap, &id);
  if (rc == NC_NOERR) rc = nc_put_var_longlong(s->nc, id, idx);
  free(idx);
  if (rc != NC_NOERR)
    return tw_error(TW_ERR_RESOURCE, "%s: writing 'snapshots': %s%s", s->path, nc_strerror(rc),
                    tw_nc_write_reason(s->path, 0));
  /* datetimes when every label parses: seconds since the first */
  tw_time_s t0 = 0;
  int all = 1;
  TW_CHECK(tw_calloc(T, sizeof(long long), "snapshots", &hours));
  for (size_t t = 0; t < T && all; t++) {
    tw_datetime dt;
    int off = 0;
    tw_time_s ts;
    tw_error_clear();
    if (tw_datetime_parse(net->snapshots[t], &dt, &off) != TW_OK ||
        tw_time_from_datetime(TW_CAL_PROLEPTIC_GREGORIAN, &dt, &ts) != TW_OK) {
      all = 0;
      break;
    }
    if (t == 0) t0 = ts;
    hours[t] = (long long)(ts - t0);
  }
  tw_error_clear();
  if (all) {
    char units[96], buf[64];
    tw_time_format(TW_CAL_PROLEPTIC_GREGORIAN, t0, buf, sizeof buf);
    char *T_ = strchr(buf, 'T');
    if (T_) *T_ = ' ';
    snprintf(units, sizeof units, "seconds since %s", buf);
    rc = nc_def_var(s->nc, "snapshots_snapshot", NC_INT64, 1, &s->dim_snap, &id);
    if (rc == NC_NOERR) rc = nc_put_att_text(s->nc, id, "units", strlen(units), units);
    if (rc == NC_NOERR)
      rc = nc_put_att_text(s->nc, id, "calendar", strlen("proleptic_gregorian"), "proleptic_gregorian");
    if (rc == NC_NOERR) rc = nc_put_var_longlong(s->nc, id, hours);
    if (rc != NC_NOERR)
      st = tw_error(TW_ERR_RESOURCE, "%s: writing 'snapshots_snapshot': %s%s", s->path,
                    nc_strerror(rc), tw_nc_write_reason(s->path, 0));
  } else {
    st = put_strings(s, "snapshots_snapshot", s->dim_snap, T, (const char *const *)net->snapshots);
  }
  free(hours);
  TW_CHECK(st);
  const char *wn[3] = {"snapshots_objective", "snapshots_stores", "snapshots_generators"};
  const double *wv[3] = {net->weight_objective, net->weight_stores, net->weight_generators};
  for (int k = 0; k < 3; k++) {
    NCW(nc_def_var(s->nc, wn[k], NC_DOUBLE, 1, &s->dim_snap, &id), wn[k]);
    NCW(nc_put_var_double(s->nc, id, wv[k]), wn[k]);
  }
  return TW_OK;
}

static tw_status write_file(nc_sink *s, const tw_network *net, const tw_optimize_result *r) {
  long long zero = 0;
  const char *name = net->name ? net->name : "";
  NCW(nc_put_att_longlong(s->nc, NC_GLOBAL, "network__multi_invest", NC_INT64, 1, &zero), "attributes");
  NCW(nc_put_att_text(s->nc, NC_GLOBAL, "network_name", strlen(name), name), "attributes");
  NCW(nc_put_att_text(s->nc, NC_GLOBAL, "network_pypsa_version", 5, "1.1.2"), "attributes");
  NCW(nc_put_att_text(s->nc, NC_GLOBAL, "network_now", 3, "now"), "attributes");
  NCW(nc_put_att_text(s->nc, NC_GLOBAL, "meta", 2, "{}"), "attributes");
  NCW(nc_put_att_text(s->nc, NC_GLOBAL, "source", 9, "terrawatt"), "attributes");
  if (r) {
    NCW(nc_put_att_double(s->nc, NC_GLOBAL, "network_objective", NC_DOUBLE, 1, &r->objective), "attributes");
    NCW(nc_put_att_double(s->nc, NC_GLOBAL, "network_objective_constant", NC_DOUBLE, 1,
                          &r->objective_constant), "attributes");
  }
  TW_CHECK(write_snapshots(s, net));
  tw_pypsa_sink sink = {s, nc_begin, nc_num, nc_str, nc_series, nc_end};
  return tw_pypsa_emit(net, r, &sink);
}

tw_status tw_network_write_netcdf(const tw_network *net, const tw_optimize_result *r,
                                  const char *path) {
  char *tmp = NULL;
  nc_sink s;
  memset(&s, 0, sizeof s);
  s.path = path;
  TW_CHECK(tw_atomic_temp_path(path, &tmp));
  errno = 0;
  int rc = nc_create(tmp, NC_NETCDF4 | NC_CLOBBER, &s.nc);
  if (rc != NC_NOERR) {
    /* HDF5 reports most failures (a full disk included) as EACCES: give the
     * system's reason too. */
    int err = errno;
    tw_status st = tw_error(TW_ERR_RESOURCE, "%s: cannot create: %s%s%s", path, nc_strerror(rc),
                            err ? "; system error: " : "", err ? strerror(err) : "");
    tw_atomic_abandon(tmp);
    free(tmp);
    return st;
  }
  tw_status st = write_file(&s, net, r);
  errno = 0;
  rc = nc_close(s.nc);
  int close_err = errno;
  if (st == TW_OK && rc != NC_NOERR)
    st = tw_error(TW_ERR_RESOURCE, "%s: closing: %s%s", path, nc_strerror(rc),
                  tw_nc_write_reason(path, close_err));
  if (st == TW_OK) st = tw_atomic_commit(tmp, path);
  else tw_atomic_abandon(tmp);
  free(tmp);
  return st;
}
