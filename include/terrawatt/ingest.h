/* terrawatt: reading climate datasets (NetCDF, CF conventions) into a
 * tw_climate. The only module that calls nc_*.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_INGEST_H
#define TERRAWATT_INGEST_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/climate.h"
#include "terrawatt/status.h"
#include "terrawatt/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One entry of the variable mapping: the file variable called `name`, or
 * (when `name` is NULL) the one whose CF `standard_name` attribute is
 * `standard_name`, becomes the canonical variable `canonical`. `units`
 * (optional) overrides the file's units attribute (use it for files with
 * missing or unknown units). User entries are tried before the defaults
 * (docs/INGEST.md lists them for ERA5, CMIP6 and atlite). */
typedef struct tw_ingest_alias {
  const char *canonical;     /* e.g. "u100", "t2m", "ssrd", "tas" */
  const char *name;          /* variable name in the file, or NULL */
  const char *standard_name; /* CF standard_name, or NULL */
  const char *units;         /* units override, or NULL */
} tw_ingest_alias;

/* The built-in mapping (terminated by an entry with canonical == NULL). */
TW_API const tw_ingest_alias *tw_ingest_default_aliases(void);

typedef struct tw_ingest_params {
  const char *const *paths;      /* files of one dataset, any order; concatenated along time */
  size_t npaths;
  const char *const *variables;  /* canonical names wanted; NULL reads every known variable */
  size_t nvariables;
  const char *convention;        /* "era5", "cmip6", "atlite" or NULL to detect */
  int has_bbox;                  /* select cells inside bbox before reading */
  double lon_min_deg, lat_min_deg, lon_max_deg, lat_max_deg; /* lon_min > lon_max wraps the seam */
  int has_time_range;            /* select times in [time_start, time_end] before reading */
  tw_time_s time_start, time_end;
  /* --- additions --- */
  const tw_ingest_alias *aliases; /* user mapping, tried before the defaults */
  size_t naliases;
  double accum_step_s;           /* step (s) of accumulated variables; 0: from the time axis */
  size_t row_offset, row_count;  /* slab of grid rows (stations: cells) within the bbox
                                    selection; row_count 0 = all (set by tw_climate_read_mpi) */
  size_t time_offset, time_count;/* slab of times within the time-range selection; 0 = all */
  size_t chunk_steps;            /* time steps per read (memory bound); 0 = automatic, about
                                    32 MiB of stored values per read */
  int has_level;                 /* variables with a level (height, pressure) dimension are read */
  double level;                  /* at this coordinate value (hPa also matches a Pa axis) */
} tw_ingest_params;

/* Defaults: no paths, all variables, detect convention, no selection. */
TW_API void tw_ingest_params_default(tw_ingest_params *p);

/* Read and decode a dataset (see tw_climate for the result's layout).
 * Errors are TW_ERR_INPUT and name the file, the variable and the value.
 * The caller owns *out (tw_climate_destroy). */
TW_API tw_status tw_climate_read(const tw_ingest_params *p, tw_climate **out);

/* Shape of a dataset after the bbox / time-range selection, without
 * reading any values (only coordinates and the time axis): also its
 * calendar, first and last time, step, and the canonical names of the
 * variables the mapping found (all known ones when p->variables is NULL). */
#define TW_SHAPE_MAXVARS 64
typedef struct tw_ingest_shape {
  size_t nrow;        /* grid rows (lat) or station cells */
  size_t ncol;        /* grid columns (lon); 1 for stations */
  size_t ntime;
  int is_station;
  tw_calendar calendar;
  tw_time_s time_first, time_last; /* first and last selected time (0 without a time axis) */
  double step_s;      /* first difference of the time axis (0 if < 2 times) */
  size_t nvars;       /* canonical names of the mapped variables (at most TW_SHAPE_MAXVARS) */
  char vars[TW_SHAPE_MAXVARS][64];
  char sources[TW_SHAPE_MAXVARS][264]; /* each one's name in the (first) file */
} tw_ingest_shape;
TW_API tw_status tw_climate_shape(const tw_ingest_params *p, tw_ingest_shape *out);

/* Streaming reader: the dataset (or the slab of it that p's row/time
 * offsets select) is scanned once at open, then read `chunk_steps` times
 * per call to tw_climate_reader_next (0: p->chunk_steps, else automatic,
 * about 32 MiB of stored values). Memory stays bounded whatever the
 * dataset's length: one chunk of decoded values (chunk_steps x ncell x nvar
 * x 4 bytes) plus one stored hyperslab of one variable (at most
 * chunk_steps x ncell x 8 bytes) and, for two longitude runs, stations or
 * ERA5T expver merging, one decoded hyperslab (chunk_steps x ncell x 4
 * bytes; expver: twice); docs/INGEST.md gives the measured figure. The
 * p arrays (paths, variables, aliases) must outlive the reader. */
typedef struct tw_climate_reader tw_climate_reader;
TW_API tw_status tw_climate_reader_open(const tw_ingest_params *p, size_t chunk_steps, tw_climate_reader **out);

/* Times of the whole slab, time steps per chunk, cells per time step (any
 * output pointer may be NULL). */
TW_API void tw_climate_reader_shape(const tw_climate_reader *r, size_t *ntime, size_t *chunk_steps, size_t *ncell);

/* Read the next chunk: *chunk is a tw_climate of at most chunk_steps times
 * (chunk->time_offset: its first time within the selection; static fields
 * are read with the first chunk and stay), owned by the reader and
 * overwritten by the next call. *chunk is NULL after the last chunk (a
 * dataset without time axis gives one chunk). At the end, a variable whose
 * every value was missing is an error, as for tw_climate_read. The values
 * equal, bit for bit, those of tw_climate_read over the same selection. */
TW_API tw_status tw_climate_reader_next(tw_climate_reader *r, const tw_climate **chunk);

/* Keep the named variables (canonical names, e.g. "u100") packed: where
 * a chunk's values are stored as NetCDF `short` (one longitude run, the
 * same packing in every file part of the chunk, no expver), the chunk's
 * tw_climate_var holds the stored int16 in data_i16 with their decoding
 * (climate.h tw_climate_packing, bit for bit ingest's) instead of decoded
 * floats in data; other chunks and variables are decoded as usual. Call
 * before the first tw_climate_reader_next. Names that are not in the
 * dataset are ignored. */
TW_API tw_status tw_climate_reader_keep_packed(tw_climate_reader *r, const char *const *names, size_t n);

/* Free the reader (NULL-safe; sets *r to NULL). */
TW_API void tw_climate_reader_close(tw_climate_reader **r);

/* The reader as a callback loop: call `fn` with each chunk (valid only
 * during the call). A non-TW_OK return from fn stops the stream and is
 * returned. */
typedef tw_status (*tw_climate_chunk_fn)(void *user, const tw_climate *chunk);
TW_API tw_status tw_climate_stream(const tw_ingest_params *p, size_t chunk_steps, tw_climate_chunk_fn fn,
                                   void *user);

/* Summary of a dataset for `terrawatt inspect`: every data variable on
 * the cells (mapped or not), decoded to SI where the units are known. */
typedef struct tw_inspect_var {
  char name[264];        /* name in the file */
  char canonical[256];   /* canonical name, "" when the mapping does not know it */
  char units[128];       /* raw units attribute */
  char units_si[128];    /* normalised units, "" when unknown */
  char cell_methods[256];/* CF cell_methods, "" when absent */
  int packed;            /* scale_factor/add_offset present */
  int accumulated;       /* decoded from an accumulation to a mean rate */
  int time_varying;
  size_t nlevels;        /* levels of a 4-D variable (0: none); statistics cover all of them */
  char level_name[264];  /* its level dimension */
  double levels[16];     /* its first 16 level values */
  size_t count, missing; /* values read, of which missing */
  double min, mean, max; /* over non-missing decoded values (NaN when none) */
} tw_inspect_var;

typedef struct tw_inspect_report {
  char convention[16];   /* "era5", "cmip", "atlite" or "cf" */
  int is_station;
  size_t ny, nx;         /* grid rows and columns; stations: ny = locations, nx = 1 */
  int lat_descending;
  double lat_min_deg, lat_max_deg; /* extent of the cell centres (longitudes in -180..180; */
  double lon_min_deg, lon_max_deg; /* lon_min > lon_max when the grid crosses 180) */
  size_t ntime;
  char start[32], end[32]; /* ISO times ("" when no time axis) */
  char calendar[32];
  double step_seconds;   /* first difference of the time axis, 0 when < 2 times */
  size_t nvars;
  tw_inspect_var *vars;
  size_t nproblems;
  char **problems;       /* findings that do not stop reading (unknown units, ...) */
} tw_inspect_report;

/* Scan and read every variable of the dataset made of `paths` (concatenated
 * along time like tw_climate_read) in bounded chunks, and summarise it.
 * Errors that make the dataset unreadable fail (TW_ERR_INPUT); softer ones
 * go to report->problems. The caller owns *out. */
TW_API tw_status tw_ingest_inspect(const char *const *paths, size_t npaths, tw_inspect_report **out);
TW_API void tw_inspect_report_destroy(tw_inspect_report **r);

/* Write the bundled synthetic example (docs/EXAMPLE.md) into `dir`
 * (created if needed): `cutout.nc` (ERA5-style, 16 x 20 cells at 0.25 deg
 * over northern Germany, 2019-04-01..14 hourly) and `network/` (a PyPSA CSV
 * folder with 6 buses). Deterministic: the same bytes on every run and
 * machine. Each file is written to a temporary name and renamed. */
TW_API tw_status tw_example_write(const char *dir);

#ifdef __cplusplus
}
#endif
#endif
