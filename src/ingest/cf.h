/* Private: CF decoding of one NetCDF variable (packing, fill values, valid
 * range) and units normalisation to SI.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_INGEST_CF_H
#define TW_INGEST_CF_H

#include <netcdf.h>
#include <stddef.h>

#include "terrawatt/status.h"

/* What the units of a variable normalise to. */
typedef struct tw_cf_units {
  const char *si;     /* canonical SI spelling, e.g. "m s-1", "K", "W m-2" */
  double scale;       /* si_value = raw_value * scale + offset */
  double offset;
  int accumulated;    /* 1: raw is an accumulation (J m-2) per time step; divide by the step (s) */
} tw_cf_units;

/* Normalise a units string. Returns 1 when known, 0 when not. */
int tw_cf_units_lookup(const char *units, tw_cf_units *out);

/* Decoding description of one variable, loaded from its attributes. */
typedef struct tw_cf_var {
  char name[NC_MAX_NAME + 1];
  int varid;
  nc_type type;
  int ndims;
  int dimids[NC_MAX_VAR_DIMS];
  char units[128];
  char standard_name[128];
  char cell_methods[256];     /* CF cell_methods ("" when absent) */
  int packed;                 /* scale_factor or add_offset present */
  double scale, offset;       /* 1, 0 when absent */
  int has_fill, has_missing;  /* usable fill values (a NaN fill on an integer type is dropped) */
  double fill, missing;
  int fill_is_nan;            /* float/double variable with a NaN _FillValue/missing_value */
  int has_vmin, has_vmax;     /* valid_min/valid_max/valid_range, in the stored (packed) units */
  double vmin, vmax;
} tw_cf_var;

/* Read the attributes of variable `varid`. Fails (TW_ERR_INPUT, naming
 * path and variable) on a non-numeric variable type. */
tw_status tw_cf_var_load(int ncid, int varid, const char *path, tw_cf_var *v);

/* Decode `n` stored values (type v->type) from `raw` into `out`:
 * missing (fill, missing_value, outside the valid range, NaN) -> NaN and
 * counted in *nmissing; else (x * scale + offset) * us + uo. Returns the
 * index of the first decoded value that is infinite (a stored infinity or
 * a value beyond the float range), or n when there is none. */
size_t tw_cf_decode(const tw_cf_var *v, const void *raw, size_t n, double us, double uo, float *out,
                  size_t *nmissing);

/* The CF attribute rule (cf_rules.c). Text attributes (units,
 * standard_name, calendar, cell_methods, axis, long_name) are text; axis is
 * X, Y, Z or T; scale_factor/add_offset are one finite float or double (or
 * the variable's type), scale_factor nonzero; _FillValue is one value of the
 * variable's type; missing_value, valid_min/valid_max (one value) and
 * valid_range (two, min <= max, not with valid_min/max) are of the stored
 * or unpacked type and not NaN (a NaN fill is allowed on float/double).
 * Fails with TW_ERR_INPUT naming path, variable, attribute and value. */
tw_status tw_cf_check_attributes(int ncid, int varid, const char *path, const char *var,
                                 nc_type vtype);

/* The same text rules for a coordinate variable, plus: axis is T, Y or X
 * for role "time", "latitude" or "longitude"; latitude/longitude units
 * (when present) are a CF spelling of degrees north/east (or "degrees"). */
tw_status tw_cf_check_coord_attributes(int ncid, int varid, const char *path, const char *var,
                                       const char *role);

/* What a canonical variable is (u100, t2m, ssrd, ...): the SI units of its
 * role and its physical range in those units, after decoding. */
typedef struct tw_cf_physical {
  const char *canonical;
  const char *si;   /* units the variable's units must normalise to */
  const char *role; /* "wind speed", "temperature", ... for messages */
  double min, max;
} tw_cf_physical;

/* NULL for a variable without a known role (user-mapped extra variables). */
const tw_cf_physical *tw_cf_physical_lookup(const char *canonical);

/* Index of the first of x[0..n) outside [min, max] (NaN is missing, not
 * outside), or n when all are inside. */
size_t tw_cf_physical_outside(const tw_cf_physical *p, const float *x, size_t n);
struct tw_climate_packing;
/* The decoding tw_cf_decode applies to a NetCDF `short` variable, as a
 * tw_climate_packing (climate.h), so its raw values can be decoded later
 * bit for bit the same. Returns 0 (out untouched) when the variable is not
 * `short` or its decoding may overflow the float range (tw_cf_decode then
 * checks for infinities). */
int tw_cf_short_packing(const tw_cf_var *v, double us, double uo, struct tw_climate_packing *out);

/* Missing values (as tw_cf_decode counts them) among n raw values of a
 * tw_climate_packing. */
size_t tw_cf_packing_missing(const struct tw_climate_packing *k, const short *raw, size_t n);

#endif
