/* Forecast output files (NetCDF-4), written atomically.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/forecast.h"

#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ingest/nc_util.h"
#include "terrawatt/atomic_file.h"

/* HDF5 reports a full disk as "NetCDF: HDF error": the message adds the
 * system's reason (nc_util.h), "No space left on device" when it is that. */
#define NCW(call, what)                                                                        \
  do {                                                                                         \
    errno = 0;                                                                                 \
    int e_ = (call);                                                                           \
    if (e_ != NC_NOERR) {                                                                      \
      st = tw_error(TW_ERR_RESOURCE, "%s: writing %s: %s%s", path, what, nc_strerror(e_),    \
                    tw_nc_write_reason(path, errno));                                          \
      goto cleanup;                                                                            \
    }                                                                                          \
  } while (0)

tw_status tw_forecast_output_write(const char *path, const tw_forecast_model *model,
                                   const tw_forecast_dataset *ds, const float *pred) {
  tw_status st = TW_OK;
  char tmp[4200];
  int nc = -1, d_time, d_q = -1, v_time, v_fc, v_obs, v_q = -1, closing;
  long long *times = NULL;
  const int nq = model->spec.quantile_count;
  { /* the temporary name of atomic_file.h (".NAME.tmp-PID-N"), committed below */
    char *t = NULL;
    TW_CHECK(tw_atomic_temp_path(path, &t));
    snprintf(tmp, sizeof tmp, "%s", t);
    free(t);
  }
  NCW(nc_create(tmp, NC_NETCDF4 | NC_CLOBBER, &nc), "the temporary file");
  NCW(nc_def_dim(nc, "time", ds->n_rows, &d_time), "dimension time");
  if (nq) NCW(nc_def_dim(nc, "quantile", (size_t)nq, &d_q), "dimension quantile");
  NCW(nc_def_var(nc, "time", NC_INT64, 1, &d_time, &v_time), "time");
  NCW(nc_put_att_text(nc, v_time, "units", 33, "seconds since 1970-01-01 00:00:00"), "time");
  NCW(nc_put_att_text(nc, v_time, "calendar", 8, "standard"), "time");
  NCW(nc_put_att_text(nc, v_time, "standard_name", 4, "time"), "time");
  int dims[2] = {d_time, d_q};
  NCW(nc_def_var(nc, "forecast", NC_FLOAT, nq ? 2 : 1, dims, &v_fc), "forecast");
  NCW(nc_put_att_text(nc, v_fc, "units", strlen(model->target_units), model->target_units),
      "forecast");
  char ln[160];
  snprintf(ln, sizeof ln, "%s forecast at horizon %d h%s", model->target_name, model->horizon_h,
           nq ? " (quantiles, non-crossing)" : "");
  NCW(nc_put_att_text(nc, v_fc, "long_name", strlen(ln), ln), "forecast");
  if (nq) {
    NCW(nc_def_var(nc, "quantile", NC_FLOAT, 1, &d_q, &v_q), "quantile");
  }
  NCW(nc_def_var(nc, "observed", NC_FLOAT, 1, &d_time, &v_obs), "observed");
  float fill = NAN;
  NCW(nc_put_att_float(nc, v_obs, "_FillValue", NC_FLOAT, 1, &fill), "observed");
  NCW(nc_put_att_text(nc, v_obs, "units", strlen(model->target_units), model->target_units),
      "observed");
  NCW(nc_put_att_text(nc, NC_GLOBAL, "title", 19, "terrawatt forecasts"), "title");
  NCW(nc_put_att_text(nc, NC_GLOBAL, "Conventions", 6, "CF-1.8"), "Conventions");
  NCW(nc_put_att_text(nc, NC_GLOBAL, "model_training_data_hash_fnv1a64", strlen(model->data_hash),
                      model->data_hash),
      "hash");
  NCW(nc_enddef(nc), "the header");
  st = tw_calloc(ds->n_rows ? ds->n_rows : 1, sizeof *times, "times", &times);
  if (st != TW_OK) goto cleanup;
  for (size_t r = 0; r < ds->n_rows; r++) times[r] = (long long)ds->time_s[r];
  NCW(nc_put_var_longlong(nc, v_time, times), "time");
  NCW(nc_put_var_float(nc, v_fc, pred), "forecast");
  if (v_q >= 0) NCW(nc_put_var_float(nc, v_q, model->spec.quantiles), "quantile");
  NCW(nc_put_var_float(nc, v_obs, ds->y), "observed");
  closing = nc;
  nc = -1;
  NCW(nc_close(closing), "the file (close)");
  st = tw_atomic_commit(tmp, path); /* fsync, rename, fsync of the directory */
  if (st != TW_OK) goto cleanup;
cleanup:
  free(times);
  if (nc >= 0) nc_close(nc);
  if (st != TW_OK) remove(tmp);
  return st;
}
