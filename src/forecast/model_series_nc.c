/* Target and feature series from NetCDF: a 1-D variable over a CF time
 * coordinate.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/forecast.h"

#include <math.h>
#include <netcdf.h>
#include <stdlib.h>
#include <string.h>
#include "terrawatt/alloc.h"

#define NCR(call, what)                                                                        \
  do {                                                                                         \
    int e_ = (call);                                                                           \
    if (e_ != NC_NOERR) {                                                                      \
      st = tw_error(TW_ERR_INPUT, "%s: %s: %s", path, what, nc_strerror(e_));                  \
      goto cleanup;                                                                            \
    }                                                                                          \
  } while (0)

static tw_status text_att(int nc, int var, const char *name, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  if (nc_inq_attlen(nc, var, name, &len) != NC_NOERR || len >= size) return TW_ERR_INPUT;
  if (nc_get_att_text(nc, var, name, buf) != NC_NOERR) return TW_ERR_INPUT;
  buf[len] = '\0';
  return TW_OK;
}

tw_status tw_series_read_netcdf(const char *path, const char *variable, const char *units,
                                tw_series *out) {
  tw_status st = TW_OK;
  int nc = -1, v, tv, ndims, dim;
  size_t n = 0;
  double *traw = NULL, fill = NAN;
  char tunits[256], cal[64], vunits[64], dname[NC_MAX_NAME + 1], a[32];
  memset(out, 0, sizeof *out);
  NCR(nc_open(path, NC_NOWRITE, &nc), "cannot open");
  NCR(nc_inq_varid(nc, variable, &v), variable);
  NCR(nc_inq_varndims(nc, v, &ndims), variable);
  if (ndims != 1) {
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s' has %d dimensions, expected 1 (time)", path,
                  variable, ndims);
    goto cleanup;
  }
  NCR(nc_inq_vardimid(nc, v, &dim), variable);
  NCR(nc_inq_dim(nc, dim, dname, &n), variable);
  if (nc_inq_varid(nc, dname, &tv) != NC_NOERR) {
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s': no coordinate variable '%s'", path, variable,
                  dname);
    goto cleanup;
  }
  if (text_att(nc, tv, "units", tunits, sizeof tunits) != TW_OK) {
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s': no 'units' attribute", path, dname);
    goto cleanup;
  }
  if (text_att(nc, tv, "calendar", cal, sizeof cal) != TW_OK) cal[0] = '\0';
  if (text_att(nc, v, "units", vunits, sizeof vunits) == TW_OK && units &&
      strcmp(vunits, units) != 0) {
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s': units '%s' but '%s' were expected", path,
                  variable, vunits, units);
    goto cleanup;
  }
  tw_calendar calendar;
  tw_time_units tu;
  TW_CHECK_GOTO(st, tw_calendar_parse(cal, &calendar));
  if (calendar != TW_CAL_STANDARD && calendar != TW_CAL_PROLEPTIC_GREGORIAN) {
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s': calendar '%s'; forecasts need real dates "
                                "(standard or proleptic_gregorian)",
                  path, dname, cal);
    goto cleanup;
  }
  TW_CHECK_GOTO(st, tw_time_units_parse(tunits, TW_CAL_STANDARD, &tu));
  if (n == 0) {
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s' is empty", path, variable);
    goto cleanup;
  }
  TW_CHECK_GOTO(st, tw_calloc(n, sizeof *traw, "time", &traw));
  TW_CHECK_GOTO(st, tw_calloc(n, sizeof *out->time_s, "time", &out->time_s));
  TW_CHECK_GOTO(st, tw_calloc(n, sizeof *out->value, "values", &out->value));
  NCR(nc_get_var_double(nc, tv, traw), dname);
  NCR(nc_get_var_double(nc, v, out->value), variable);
  if (nc_get_att_double(nc, v, "_FillValue", &fill) != NC_NOERR) fill = NAN;
  double scale = 1.0, offset = 0.0;
  nc_get_att_double(nc, v, "scale_factor", &scale);
  nc_get_att_double(nc, v, "add_offset", &offset);
  for (size_t i = 0; i < n; i++) {
    TW_CHECK_GOTO(st, tw_time_units_decode(&tu, traw[i], &out->time_s[i]));
    double x = out->value[i];
    if (!isfinite(x) || (isfinite(fill) && x == fill)) {
      st = tw_error(TW_ERR_INPUT, "%s: variable '%s' is missing at %s", path, variable,
                    tw_time_format(TW_CAL_STANDARD, out->time_s[i], a, sizeof a));
      goto cleanup;
    }
    out->value[i] = x * scale + offset;
  }
  out->n = n;
  if (!(out->source = tw_strdup(path)) || !(out->name = tw_strdup(variable)) ||
      (vunits[0] && !(out->units = tw_strdup(vunits)))) {
    st = tw_error(TW_ERR_RESOURCE, "%s: out of memory", path);
    goto cleanup;
  }
cleanup:
  if (st != TW_OK) tw_series_free(out);
  free(traw);
  if (nc >= 0) nc_close(nc);
  return st;
}
