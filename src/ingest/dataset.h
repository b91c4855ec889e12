/* Private: a multi-file climate dataset, scanned (coordinates, attributes)
 * but not read. Used by tw_climate_read/stream and by inspect.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_INGEST_DATASET_H
#define TW_INGEST_DATASET_H

#include <stddef.h>

#include "ingest/cf.h"
#include "terrawatt/ingest.h"
#include "terrawatt/time.h"

/* Where a data variable's dimensions are. Besides time and the cells a
 * variable may carry dimensions of length 1 (e.g. a pressure level; read at
 * index 0) and an ERA5T `expver` dimension (several experiment versions of
 * which one holds the data at each time; see tw_dataset_read_var). */
#define TW_DS_MAXDIMS 8
enum { TW_DIM_CELL = 0, TW_DIM_ONE = 1, TW_DIM_EXPVER = 2, TW_DIM_LEVEL = 3 };
#define TW_DS_MAXLEVELS 128
typedef struct tw_ds_layout {
  int ndims;
  signed char role[TW_DS_MAXDIMS]; /* TW_DIM_CELL: time, lat, lon or location */
  size_t nexpver;                  /* length of the expver dimension, 0 when absent */
  /* a level or height dimension (length > 1 with a coordinate variable): read at level_index */
  size_t nlevel;                   /* 0 when absent */
  size_t level_index;
  char level_name[NC_MAX_NAME + 1];
  double levels[TW_DS_MAXLEVELS];  /* its coordinate values (the first TW_DS_MAXLEVELS) */
} tw_ds_layout;

/* One file, scanned. */
typedef struct tw_ds_file {
  char *path;
  int ncid;
  int time_dimid;           /* -1 when the file has no time axis */
  char time_name[NC_MAX_NAME + 1];
  char time_units[128];
  tw_calendar cal;
  size_t ntime;
  tw_time_s *time;          /* [ntime] */
  int is_station;
  int lat_dimid, lon_dimid; /* stations: both the location dimension */
  char lat_name[NC_MAX_NAME + 1], lon_name[NC_MAX_NAME + 1];
  size_t nlat, nlon;        /* stations: nlat = nlon = locations */
  double *lat, *lon;        /* raw coordinate values (degrees) */
  size_t nvars;             /* data variables (on the cells, maybe on time) */
  tw_cf_var *vars;
  int *time_pos;            /* per var: position of the time dimension among the time and
                               cell dimensions (-1 static) */
  tw_ds_layout *layout;     /* per var: dimension roles */
  const tw_ingest_alias **alias; /* per var: the mapping entry that claimed it, or NULL */
  char **skipped;           /* variables not on the cells (e.g. extra dimensions), for inspect */
  size_t nskipped;
} tw_ds_file;

/* One canonical variable of the dataset. */
typedef struct tw_ds_var {
  const char *canonical;
  const tw_ingest_alias *alias;
  size_t nparts;            /* files holding it, in time order */
  size_t *file;             /* [nparts] index into files */
  size_t *var;              /* [nparts] index into files[file].vars */
  size_t *t_first;          /* [nparts] index of the part's first time on the dataset axis */
  int time_varying;
  const char *units_raw;    /* from the override or the first file */
  tw_cf_units units;
  int units_known;
  const tw_cf_physical *phys; /* role units and physical range, NULL when unknown */
} tw_ds_var;

typedef struct tw_dataset {
  size_t nfiles;
  tw_ds_file *files;
  size_t nvars;
  tw_ds_var *vars;
  tw_calendar cal;
  size_t ntime;             /* whole dataset axis */
  tw_time_s *time;
  double step_s;            /* first difference of the axis; 0 if ntime < 2 */
  int uniform_step;
  /* grid of the first file and the selection on it */
  int is_station;
  size_t nlat, nlon;
  const double *lat, *lon_raw;
  size_t lat0, nlat_sel;                     /* grid: contiguous rows */
  size_t nrun, run_start[2], run_len[2];     /* grid: longitude runs in file order */
  size_t nlon_sel;
  size_t *loc;                               /* stations: selected locations */
  size_t nloc_sel;
  size_t t0, nt_sel;                         /* time selection on the axis */
  const char *convention;                    /* "era5", "cmip", "atlite", "cf" */
} tw_dataset;

/* Normalise a longitude (degrees) to [-180, 180). */
double tw_lon_normalise(double lon_deg);

/* Scan the files in p->paths, match variables, build the time axis, check
 * consistency and apply bbox/time-range selection. `want_all` keeps every
 * data variable (unknown ones under their file name, for inspect);
 * otherwise only mapped ones (p->variables or every known one).
 * Unknown units fail only when `strict_units`. */
tw_status tw_dataset_open(const tw_ingest_params *p, int want_all, int strict_units,
                          tw_dataset **out);
void tw_dataset_close(tw_dataset **ds);

/* Rows (grid) or cells (stations) in the selection. */
size_t tw_dataset_nrows(const tw_dataset *ds);
/* Cells per row: the selected longitudes (grid) or 1 (stations). */
size_t tw_dataset_ncols(const tw_dataset *ds);

/* Scratch buffers of tw_dataset_read_var, kept between calls so that a
 * stream allocates them once: `raw` holds one hyperslab as stored (at most
 * nt x nrow x ncols x 8 bytes), `tmp` one decoded hyperslab when it must be
 * rearranged (two longitude runs, stations, expver merging). */
typedef struct tw_ds_scratch {
  void *raw;
  size_t raw_cap;   /* bytes */
  float *tmp;
  size_t tmp_cap;   /* floats */
} tw_ds_scratch;
void tw_ds_scratch_free(tw_ds_scratch *s);

/* Read variable `iv` for selected rows [row0, row0+nrow) and selected times
 * [t0, t0+nt) (relative to the selection) into out[nt][nrow*ncols] (static
 * variables: out[nrow*ncols], nt ignored), decoded to SI. `step_s` divides
 * accumulations. Adds missing values to *nmissing. `scratch` may be NULL
 * (buffers are then allocated and freed by this call). */
tw_status tw_dataset_read_var(const tw_dataset *ds, size_t iv, size_t row0, size_t nrow,
                              size_t t0, size_t nt, double step_s, float *out, size_t *nmissing,
                              tw_ds_scratch *scratch);

struct tw_climate_packing;
/* As tw_dataset_read_var for a time-varying variable, but the stored int16
 * values into out[nt][nrow*ncols] with their decoding in *pack (no decoded
 * copy), where that is possible: a grid with one longitude run, every file
 * part of [t0, t0+nt) stored as `short` with time first, no expver, and
 * the same decoding in all of them. Sets *done to 1 then; to 0 (nothing
 * read) otherwise, and the caller reads decoded floats. */
tw_status tw_dataset_read_var_i16(const tw_dataset *ds, size_t iv, size_t row0, size_t nrow,
                                  size_t t0, size_t nt, double step_s, short *out,
                                  struct tw_climate_packing *pack, size_t *nmissing, int *done);

/* Match file variables to canonical names (varmap.c). */
void tw_varmap_match(const tw_ingest_alias *user, size_t nuser, tw_ds_file *f);

#endif
