/* terrawatt: climate data in memory, as produced by ingest (src/ingest/) and
 * consumed by convert and forecast. All values are decoded, in SI units, with
 * missing values as NaN.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_CLIMATE_H
#define TERRAWATT_CLIMATE_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/status.h"
#include "terrawatt/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How int16 values kept packed by a streaming reader
 * (tw_climate_reader_keep_packed) decode to the floats ingest would have
 * produced, bit for bit (the rules of ingest's CF decoding for NetCDF
 * `short`, docs/INGEST.md "CF decoding"): a raw value that is the fill
 * value, the missing value or outside [raw_min, raw_max] is missing (NaN,
 * with ingest's bits: those of the decoded value or zero_value with the
 * exponent and quiet bits set); zero_raw decodes to exactly zero_value
 * (the stored value nearest 0 snapped to 0, then to SI); any other raw x
 * to (float)x * (float)scale + (float)offset in float when in_float, else
 * (float)((double)x * scale + offset). scale and offset include the unit
 * conversion (e.g. degC to K, J m-2 per step to W m-2). Raw values that
 * cannot occur are outside -32768..32767. */
typedef struct tw_climate_packing {
  double scale, offset;
  int in_float;
  int fill, missing;
  int raw_min, raw_max;
  int zero_raw;
  float zero_value;
} tw_climate_packing;

/* One decoded variable on the dataset's cells and times. */
typedef struct tw_climate_var {
  char *name;         /* canonical name: "u100", "v100", "u10", "v10", "t2m", "ssrd", "fsr", ... */
  char *units;        /* SI units after normalisation, e.g. "m s-1", "K", "W m-2", "m" */
  int time_varying;   /* 0 for static fields (e.g. fsr); data then has ncell values */
  float *data;        /* [ntime][ncell] (or [ncell] if static), row-major, owned */
  size_t n_missing;   /* values that were _FillValue / missing / out of valid range */
  int accumulated;    /* 1: the file held an accumulation (e.g. ERA5 ssrd, J m-2) that was
                         divided by step_s; the value is the MEAN over (time - step_s, time]:
                         labelled at the END of its interval (centre = time - step_s / 2) */
  char *source_name;  /* name of the variable in the file(s) */
  char *cell_methods; /* CF cell_methods of the (first) file, NULL when absent; e.g.
                         "time: mean" marks an interval mean (docs/INGEST.md, "Time steps") */
  /* Only in a streaming reader's chunk, for a variable named in
   * tw_climate_reader_keep_packed: when not NULL, the chunk's values are
   * these stored int16 ([ntime][ncell], owned by the reader) decoded by
   * `packing`, and `data` is NOT filled (n_missing is). NULL otherwise. */
  const short *data_i16;
  tw_climate_packing packing;
} tw_climate_var;

/* A climate dataset on a grid (nlat x nlon cells) or at stations (nloc
 * cells, lat/lon per location). Cell index = ilat * nlon + ilon on a grid. */
typedef struct tw_climate {
  tw_calendar calendar;
  size_t ntime;
  tw_time_s *time;    /* [ntime] instants; for accumulations, the END of the interval */
  double step_s;      /* nominal time step (s), 0 if ntime < 2 */
  int is_station;     /* 1: cells are locations, no grid */
  size_t nlat, nlon;  /* grid shape (nlat = ncell, nlon = 1 for stations) */
  size_t ncell;
  double *lat_deg;    /* [nlat] (grid) or [ncell] (stations) */
  double *lon_deg;    /* [nlon] (grid) or [ncell] (stations), normalised to -180..180 */
  size_t nvar;
  tw_climate_var *vars;
  char *source;       /* file (or first file) it was read from, for messages */
  size_t row_offset;  /* index of lat row 0 (grid) / cell 0 (stations) within the selection
                         (bbox) of the whole dataset: non-zero on MPI ranks reading a slab */
  size_t time_offset; /* index of time 0 within the selected time range of the dataset */
  size_t nlat_total;  /* rows (grid) or cells (stations) of the whole selection */
  size_t ntime_total; /* times of the whole selection */
} tw_climate;

/* Look up a variable by canonical name; NULL if absent. */
TW_API const tw_climate_var *tw_climate_find(const tw_climate *c, const char *name);

/* Like tw_climate_find but fails with TW_ERR_INPUT naming the dataset and
 * the variable when it is absent. */
TW_API tw_status tw_climate_require(const tw_climate *c, const char *name, const tw_climate_var **out);

/* Latitude and longitude (degrees) of cell `cell`. */
TW_API void tw_climate_cell_coords(const tw_climate *c, size_t cell, double *lat_deg, double *lon_deg);

/* Free everything (NULL-safe; sets *c to NULL). */
TW_API void tw_climate_destroy(tw_climate **c);

#ifdef __cplusplus
}
#endif
#endif
