/* Write the example weather as an ERA5-style cutout: CDF-2 (64-bit offset)
 * like the legacy CDS, int16 packed with scale_factor/add_offset and
 * _FillValue/missing_value -32767, latitude descending, time as int
 * "hours since 1900-01-01 00:00:00.0" (gregorian), ssrd in J m**-2
 * accumulated over the hour ending at the label.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/example.h"
#include "ingest/nc_util.h"
#include "terrawatt/atomic_file.h"

typedef struct out_var {
  const char *name, *units, *long_name, *standard_name;
  const float *data;
  int varid;
  double scale, offset;
} out_var;

/* A failed write is a resource error naming the final file and, when
 * HDF5/NetCDF hide it, the system's reason ("No space left on device"). */
#define NC_TRY(call)                                                   \
  do {                                                                 \
    errno = 0;                                                         \
    int rc_ = (call);                                                  \
    if (rc_ != NC_NOERR) {                                             \
      st = write_failed(rc_, path, #call);                             \
      goto cleanup;                                                    \
    }                                                                  \
  } while (0)

static tw_status write_failed(int rc, const char *path, const char *what) {
  int err = errno;
  /* a positive NetCDF code is the system's errno (classic format): already the reason */
  return tw_error(TW_ERR_RESOURCE, "%s: writing the cutout failed (%s): %s%s", path, what,
                  nc_strerror(rc), rc > 0 ? "" : tw_nc_write_reason(path, err));
}

/* ERA5's packing: offset at the middle of the range, 65533 steps. */
static void packing(const float *x, size_t n, double *scale, double *offset) {
  double lo = x[0], hi = x[0];
  for (size_t i = 1; i < n; i++) {
    lo = fmin(lo, x[i]);
    hi = fmax(hi, x[i]);
  }
  *offset = (hi + lo) / 2;
  *scale = hi > lo ? (hi - lo) / 65533.0 : 1.0;
}

tw_status tw_example_write_cutout(const tw_example_weather *w, const char *path) {
  tw_status st = TW_OK;
  char *tmp = NULL; /* the temporary name of atomic_file.h (".NAME.tmp-PID-N"), committed below */
  int ncid = -1, created = 0;
  short *packed = NULL;
  int *hours = NULL;
  TW_CHECK(tw_atomic_temp_path(path, &tmp));
  out_var vars[] = {
      {"u100", "m s**-1", "100 metre U wind component", NULL, w->u100, 0, 0, 0},
      {"v100", "m s**-1", "100 metre V wind component", NULL, w->v100, 0, 0, 0},
      {"u10", "m s**-1", "10 metre U wind component", NULL, w->u10, 0, 0, 0},
      {"v10", "m s**-1", "10 metre V wind component", NULL, w->v10, 0, 0, 0},
      {"t2m", "K", "2 metre temperature", NULL, w->t2m, 0, 0, 0},
      {"ssrd", "J m**-2", "Surface solar radiation downwards", "surface_downwelling_shortwave_flux_in_air",
       w->ssrd, 0, 0, 0},
      {"fsr", "m", "Forecast surface roughness", NULL, w->fsr, 0, 0, 0},
  };
  size_t nv = sizeof vars / sizeof vars[0], n = (size_t)TW_EX_NT * TW_EX_NCELL;
  TW_CHECK_GOTO(st, tw_calloc(n, sizeof *packed, "packed values", &packed));
  TW_CHECK_GOTO(st, tw_calloc(TW_EX_NT, sizeof *hours, "time", &hours));
  created = 1; /* a failed nc_create may leave a file too */
  NC_TRY(nc_create(tmp, NC_CLOBBER | NC_64BIT_OFFSET, &ncid));
  int dlon, dlat, dtime, vlon, vlat, vtime;
  NC_TRY(nc_def_dim(ncid, "longitude", TW_EX_NLON, &dlon));
  NC_TRY(nc_def_dim(ncid, "latitude", TW_EX_NLAT, &dlat));
  NC_TRY(nc_def_dim(ncid, "time", TW_EX_NT, &dtime));
  NC_TRY(nc_def_var(ncid, "longitude", NC_FLOAT, 1, &dlon, &vlon));
  NC_TRY(nc_put_att_text(ncid, vlon, "units", 12, "degrees_east"));
  NC_TRY(nc_put_att_text(ncid, vlon, "long_name", 9, "longitude"));
  NC_TRY(nc_def_var(ncid, "latitude", NC_FLOAT, 1, &dlat, &vlat));
  NC_TRY(nc_put_att_text(ncid, vlat, "units", 13, "degrees_north"));
  NC_TRY(nc_put_att_text(ncid, vlat, "long_name", 8, "latitude"));
  NC_TRY(nc_def_var(ncid, "time", NC_INT, 1, &dtime, &vtime));
  const char *tu = "hours since 1900-01-01 00:00:00.0";
  NC_TRY(nc_put_att_text(ncid, vtime, "units", strlen(tu), tu));
  NC_TRY(nc_put_att_text(ncid, vtime, "long_name", 4, "time"));
  NC_TRY(nc_put_att_text(ncid, vtime, "calendar", 9, "gregorian"));
  int dims[3] = {dtime, dlat, dlon};
  short fill = -32767;
  for (size_t v = 0; v < nv; v++) {
    out_var *o = &vars[v];
    packing(o->data, n, &o->scale, &o->offset);
    NC_TRY(nc_def_var(ncid, o->name, NC_SHORT, 3, dims, &o->varid));
    NC_TRY(nc_put_att_double(ncid, o->varid, "scale_factor", NC_DOUBLE, 1, &o->scale));
    NC_TRY(nc_put_att_double(ncid, o->varid, "add_offset", NC_DOUBLE, 1, &o->offset));
    NC_TRY(nc_put_att_short(ncid, o->varid, "_FillValue", NC_SHORT, 1, &fill));
    NC_TRY(nc_put_att_short(ncid, o->varid, "missing_value", NC_SHORT, 1, &fill));
    NC_TRY(nc_put_att_text(ncid, o->varid, "units", strlen(o->units), o->units));
    NC_TRY(nc_put_att_text(ncid, o->varid, "long_name", strlen(o->long_name), o->long_name));
    if (o->standard_name)
      NC_TRY(nc_put_att_text(ncid, o->varid, "standard_name", strlen(o->standard_name), o->standard_name));
  }
  const char *conv = "CF-1.6";
  const char *hist = "synthetic example generated by 'terrawatt example' (deterministic, seed 20190401)";
  NC_TRY(nc_put_att_text(ncid, NC_GLOBAL, "Conventions", strlen(conv), conv));
  NC_TRY(nc_put_att_text(ncid, NC_GLOBAL, "history", strlen(hist), hist));
  NC_TRY(nc_enddef(ncid));
  float lonf[TW_EX_NLON], latf[TW_EX_NLAT];
  for (int j = 0; j < TW_EX_NLON; j++) lonf[j] = (float)w->lon[j];
  for (int i = 0; i < TW_EX_NLAT; i++) latf[i] = (float)w->lat[i];
  NC_TRY(nc_put_var_float(ncid, vlon, lonf));
  NC_TRY(nc_put_var_float(ncid, vlat, latf));
  tw_datetime epoch = {1900, 1, 1, 0, 0, 0};
  tw_time_s e = 0;
  TW_CHECK_GOTO(st, tw_time_from_datetime(TW_CAL_STANDARD, &epoch, &e));
  for (int t = 0; t < TW_EX_NT; t++) hours[t] = (int)((w->time[t] - e) / 3600);
  NC_TRY(nc_put_var_int(ncid, vtime, hours));
  for (size_t v = 0; v < nv; v++) {
    const out_var *o = &vars[v];
    for (size_t i = 0; i < n; i++) {
      double q = floor((o->data[i] - o->offset) / o->scale + 0.5);
      packed[i] = (short)fmax(-32766.0, fmin(32766.0, q));
    }
    NC_TRY(nc_put_var_short(ncid, o->varid, packed));
  }
  errno = 0;
  int rc = nc_close(ncid);
  ncid = -1;
  if (rc != NC_NOERR) {
    st = write_failed(rc, path, "nc_close");
    goto cleanup;
  }
  st = tw_atomic_commit(tmp, path); /* fsync, rename, fsync of the directory */
  if (st != TW_OK) goto cleanup;
  created = 0;
cleanup:
  if (ncid >= 0) nc_close(ncid);
  if (created) remove(tmp);
  free(tmp);
  free(packed);
  free(hours);
  return st;
}
