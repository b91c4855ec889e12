/* CF decoding: packing (scale_factor, add_offset), _FillValue,
 * missing_value, valid_min/valid_max/valid_range.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "io/cf.h"
#include "io/nc_util.h"

static int is_integer_type(nc_type t) { return t != NC_FLOAT && t != NC_DOUBLE; }

tw_status tw_cf_var_load(int ncid, int varid, const char *path, tw_cf_var *v) {
  memset(v, 0, sizeof *v);
  v->varid = varid;
  int rc = nc_inq_var(ncid, varid, v->name, &v->type, &v->ndims, v->dimids, NULL);
  if (rc != NC_NOERR) return tw_nc_fail(rc, path, "cannot inquire a variable");
  if (tw_nc_type_size(v->type) == 0 || v->type == NC_CHAR)
    return tw_error(TW_ERR_INPUT, "%s: variable '%s': type %d is not numeric", path, v->name,
                    (int)v->type);
  tw_nc_att_text(ncid, varid, "units", v->units, sizeof v->units);
  tw_nc_att_text(ncid, varid, "standard_name", v->standard_name, sizeof v->standard_name);
  v->scale = 1.0;
  v->offset = 0.0;
  if (tw_nc_att_double(ncid, varid, "scale_factor", &v->scale, NULL)) v->packed = 1;
  if (tw_nc_att_double(ncid, varid, "add_offset", &v->offset, NULL)) v->packed = 1;
  if (v->packed && (!isfinite(v->scale) || !isfinite(v->offset)))
    return tw_error(TW_ERR_INPUT, "%s: variable '%s': scale_factor %g / add_offset %g not finite",
                    path, v->name, v->scale, v->offset);
  if (v->packed && v->scale == 0.0)
    return tw_error(TW_ERR_INPUT, "%s: variable '%s': scale_factor is 0: every value would decode to add_offset %g",
                    path, v->name, v->offset);
  int integer = is_integer_type(v->type);
  double x;
  if (tw_nc_att_double(ncid, varid, "_FillValue", &x, NULL)) {
    if (isnan(x)) {
      if (!integer) v->fill_is_nan = 1; /* NaN on an integer type cannot occur: ignored */
    } else {
      v->has_fill = 1;
      v->fill = x;
    }
  }
  if (tw_nc_att_double(ncid, varid, "missing_value", &x, NULL)) {
    if (isnan(x)) {
      if (!integer) v->fill_is_nan = 1;
    } else {
      v->has_missing = 1;
      v->missing = x;
    }
  }
  double range[2];
  if (tw_nc_att_double2(ncid, varid, "valid_range", range)) {
    v->has_vmin = v->has_vmax = 1;
    v->vmin = range[0];
    v->vmax = range[1];
  }
  if (tw_nc_att_double(ncid, varid, "valid_min", &x, NULL)) {
    v->has_vmin = 1;
    v->vmin = x;
  }
  if (tw_nc_att_double(ncid, varid, "valid_max", &x, NULL)) {
    v->has_vmax = 1;
    v->vmax = x;
  }
  /* A float fill of 1e20 etc. is compared in the variable's own precision. */
  if (v->type == NC_FLOAT) {
    if (v->has_fill) v->fill = (double)(float)v->fill;
    if (v->has_missing) v->missing = (double)(float)v->missing;
  }
  return TW_OK;
}

#define TW_DECODE_LOOP(CTYPE)                                                              \
  do {                                                                                     \
    const CTYPE *r = (const CTYPE *)raw;                                                   \
    for (size_t i = 0; i < n; i++) {                                                       \
      double x = (double)r[i];                                                             \
      if (x != x || (hf && x == f) || (hm && x == m) || (hlo && x < lo) || (hhi && x > hi)) { \
        out[i] = NAN;                                                                      \
        miss++;                                                                            \
      } else {                                                                             \
        out[i] = (float)(x * a + b);                                                       \
      }                                                                                    \
    }                                                                                      \
  } while (0)

void tw_cf_decode(const tw_cf_var *v, const void *raw, size_t n, double us, double uo, float *out,
                  size_t *nmissing) {
  /* (x * scale + offset) * us + uo = x * a + b */
  const double a = v->scale * us, b = v->offset * us + uo;
  const int hf = v->has_fill, hm = v->has_missing, hlo = v->has_vmin, hhi = v->has_vmax;
  const double f = v->fill, m = v->missing, lo = v->vmin, hi = v->vmax;
  size_t miss = 0;
  switch (v->type) {
    case NC_BYTE: TW_DECODE_LOOP(signed char); break;
    case NC_UBYTE: TW_DECODE_LOOP(unsigned char); break;
    case NC_SHORT: TW_DECODE_LOOP(short); break;
    case NC_USHORT: TW_DECODE_LOOP(unsigned short); break;
    case NC_INT: TW_DECODE_LOOP(int); break;
    case NC_UINT: TW_DECODE_LOOP(unsigned int); break;
    case NC_INT64: TW_DECODE_LOOP(long long); break;
    case NC_UINT64: TW_DECODE_LOOP(unsigned long long); break;
    case NC_FLOAT: TW_DECODE_LOOP(float); break;
    case NC_DOUBLE: TW_DECODE_LOOP(double); break;
    default:
      for (size_t i = 0; i < n; i++) out[i] = NAN;
      miss = n;
  }
  *nmissing += miss;
}
