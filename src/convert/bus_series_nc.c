/* Writing per-bus series as CF NetCDF (atomic: temporary name, then rename).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "ingest/nc_util.h"
#include "terrawatt/atomic_file.h"
#include "terrawatt/convert.h"

#include <errno.h>
#include <netcdf.h>
#include <stdlib.h>
#include <string.h>

/* HDF5 reports a full disk as EACCES ("Permission denied"): the system's
 * errno is added so the message says what happened. */
#define NC(call)                                                                            \
  do {                                                                                      \
    errno = 0;                                                                              \
    int rc_ = (call);                                                                       \
    int errno_ = errno;                                                                     \
    if (rc_ != NC_NOERR) {                                                                  \
      st = tw_error(TW_ERR_RESOURCE, "%s: NetCDF write failed (%s): %s%s", path, #call,     \
                    nc_strerror(rc_), tw_nc_write_reason(path, errno_));                    \
      goto cleanup;                                                                         \
    }                                                                                       \
  } while (0)

static int def_series(int nc, const char *name, const char *long_name, const char *units,
                      const int *dims, int *var) {
  int rc = nc_def_var(nc, name, NC_FLOAT, 2, dims, var);
  if (rc == NC_NOERR) rc = nc_put_att_text(nc, *var, "long_name", strlen(long_name), long_name);
  if (rc == NC_NOERR) rc = nc_put_att_text(nc, *var, "units", strlen(units), units);
  if (rc == NC_NOERR) rc = nc_def_var_deflate(nc, *var, 1, 1, 1);
  return rc;
}

tw_status tw_bus_series_write(const tw_bus_series *s, const char *path) {
  tw_status st = TW_OK;
  char *tmp = NULL;
  double *tval = NULL;
  int nc = -1, dims[2], vt, vb, vw = -1, vs = -1, vh = -1, vc = -1;
  TW_CHECK(tw_atomic_temp_path(path, &tmp));
  NC(nc_create(tmp, NC_CLOBBER | NC_NETCDF4, &nc));
  NC(nc_def_dim(nc, "time", s->ntime, &dims[0]));
  NC(nc_def_dim(nc, "bus", s->nbus, &dims[1]));
  NC(nc_def_var(nc, "time", NC_DOUBLE, 1, &dims[0], &vt));
  const char *tu = "seconds since 1970-01-01 00:00:00";
  const char *cal = tw_calendar_name(s->calendar);
  NC(nc_put_att_text(nc, vt, "units", strlen(tu), tu));
  NC(nc_put_att_text(nc, vt, "calendar", strlen(cal), cal));
  NC(nc_put_att_text(nc, vt, "standard_name", 4, "time"));
  NC(nc_def_var(nc, "bus", NC_STRING, 1, &dims[1], &vb));
  if (s->wind_cf)
    NC(def_series(nc, "wind_cf", "wind capacity factor (p_max_pu)", "1", dims, &vw));
  if (s->solar_cf)
    NC(def_series(nc, "solar_cf", "PV capacity factor per kW peak (p_max_pu)", "1", dims, &vs));
  if (s->hdh_K) NC(def_series(nc, "hdh", "heating degrees per step", "K", dims, &vh));
  if (s->cdh_K) NC(def_series(nc, "cdh", "cooling degrees per step", "K", dims, &vc));
  const char *conv = "CF-1.8";
  const char *src = "terrawatt convert";
  NC(nc_put_att_text(nc, NC_GLOBAL, "Conventions", strlen(conv), conv));
  NC(nc_put_att_text(nc, NC_GLOBAL, "source", strlen(src), src));
  NC(nc_enddef(nc));
  TW_CHECK_GOTO(st, tw_calloc(s->ntime ? s->ntime : 1, sizeof *tval, "time", &tval));
  for (size_t t = 0; t < s->ntime; t++) tval[t] = (double)s->time[t];
  if (s->ntime) NC(nc_put_var_double(nc, vt, tval));
  if (s->nbus) NC(nc_put_var_string(nc, vb, (const char **)s->bus_names));
  if (s->ntime && s->nbus) {
    if (vw >= 0) NC(nc_put_var_float(nc, vw, s->wind_cf));
    if (vs >= 0) NC(nc_put_var_float(nc, vs, s->solar_cf));
    if (vh >= 0) NC(nc_put_var_float(nc, vh, s->hdh_K));
    if (vc >= 0) NC(nc_put_var_float(nc, vc, s->cdh_K));
  }
  errno = 0;
  int rc = nc_close(nc);
  int close_err = errno;
  nc = -1;
  if (rc != NC_NOERR) {
    st = tw_error(TW_ERR_RESOURCE, "%s: NetCDF close failed: %s%s", path, nc_strerror(rc),
                  tw_nc_write_reason(path, close_err));
    goto cleanup;
  }
  st = tw_atomic_commit(tmp, path);
  free(tmp);
  tmp = NULL;
cleanup:
  if (nc >= 0) nc_close(nc);
  if (tmp) tw_atomic_abandon(tmp);
  free(tmp);
  free(tval);
  return st;
}
