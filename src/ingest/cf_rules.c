/* The CF attribute rule: every CF attribute terrawatt reads has a valid
 * type and value (docs/RELIABILITY.md, "Climate attributes"), and every
 * canonical variable has units of its role and values in its physical
 * range.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ingest/cf.h"
#include "ingest/nc_util.h"

static const char *type_name(nc_type t) {
  switch (t) {
    case NC_BYTE: return "byte";
    case NC_CHAR: return "char";
    case NC_SHORT: return "short";
    case NC_INT: return "int";
    case NC_FLOAT: return "float";
    case NC_DOUBLE: return "double";
    case NC_UBYTE: return "ubyte";
    case NC_USHORT: return "ushort";
    case NC_UINT: return "uint";
    case NC_INT64: return "int64";
    case NC_UINT64: return "uint64";
    case NC_STRING: return "string";
    default: return "user-defined";
  }
}

static int is_text(nc_type t) { return t == NC_CHAR || t == NC_STRING; }
static int is_number(nc_type t) { return tw_nc_type_size(t) > 0 && t != NC_CHAR; }

/* The smallest and largest value of a numeric type (64-bit: +-2^63/2^64). */
static void type_range(nc_type t, double *lo, double *hi) {
  switch (t) {
    case NC_BYTE: *lo = -128, *hi = 127; return;
    case NC_UBYTE: *lo = 0, *hi = 255; return;
    case NC_SHORT: *lo = -32768, *hi = 32767; return;
    case NC_USHORT: *lo = 0, *hi = 65535; return;
    case NC_INT: *lo = -2147483648.0, *hi = 2147483647.0; return;
    case NC_UINT: *lo = 0, *hi = 4294967295.0; return;
    case NC_INT64: *lo = -9223372036854775808.0, *hi = 9223372036854775807.0; return;
    case NC_UINT64: *lo = 0, *hi = 18446744073709551615.0; return;
    case NC_FLOAT: *lo = -3.4028234663852886e38, *hi = 3.4028234663852886e38; return;
    default: *lo = -INFINITY, *hi = INFINITY; return;
  }
}

static tw_status bad(const char *path, const char *var, const char *att, const char *why) {
  return tw_error(TW_ERR_INPUT, "%s: variable '%s': attribute '%s' %s", path, var, att, why);
}

/* Text attributes: units, standard_name, calendar, cell_methods, axis, long_name. */
static tw_status check_text(int ncid, int varid, const char *path, const char *var) {
  static const char *const names[] = {"units", "standard_name", "calendar", "cell_methods", "axis",
                                      "long_name"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    nc_type t;
    size_t len;
    if (nc_inq_att(ncid, varid, names[i], &t, &len) != NC_NOERR) continue;
    if (!is_text(t)) {
      char why[96];
      snprintf(why, sizeof why, "has type %s, expected text", type_name(t));
      return bad(path, var, names[i], why);
    }
  }
  char axis[16];
  if (tw_nc_att_text(ncid, varid, "axis", axis, sizeof axis) && strcmp(axis, "X") != 0 &&
      strcmp(axis, "Y") != 0 && strcmp(axis, "Z") != 0 && strcmp(axis, "T") != 0) {
    char why[96];
    snprintf(why, sizeof why, "= '%.16s' (expected X, Y, Z or T)", axis);
    return bad(path, var, "axis", why);
  }
  return TW_OK;
}

/* Numeric attributes of a data variable of type `vtype`. */
tw_status tw_cf_check_attributes(int ncid, int varid, const char *path, const char *var,
                                 nc_type vtype) {
  TW_CHECK(check_text(ncid, varid, path, var));
  nc_type pack_type = vtype; /* type of the unpacked data */
  static const char *const packing[] = {"scale_factor", "add_offset"};
  for (size_t i = 0; i < 2; i++) {
    nc_type t;
    size_t len;
    if (nc_inq_att(ncid, varid, packing[i], &t, &len) != NC_NOERR) continue;
    char why[128];
    /* CF 8.1: float or double, or the variable's own type (then unpacked data keep it) */
    if (t != NC_FLOAT && t != NC_DOUBLE && t != vtype) {
      snprintf(why, sizeof why, "has type %s, expected float or double", type_name(t));
      return bad(path, var, packing[i], why);
    }
    if (len != 1) {
      snprintf(why, sizeof why, "has %zu values, expected 1", len);
      return bad(path, var, packing[i], why);
    }
    double x = 0;
    tw_nc_att_double(ncid, varid, packing[i], &x, NULL);
    if (!isfinite(x) || (i == 0 && x == 0.0)) {
      snprintf(why, sizeof why, "= %g, expected a finite%s number", x, i == 0 ? " nonzero" : "");
      return bad(path, var, packing[i], why);
    }
    pack_type = t;
  }
  /* _FillValue: one value of the variable's type; missing_value and the valid
   * bounds: the stored (packed) type or the unpacked one. */
  static const char *const fills[] = {"_FillValue", "missing_value", "valid_min", "valid_max",
                                      "valid_range"};
  double vr[2] = {NAN, NAN}, vmin = NAN, vmax = NAN;
  int has_vr = 0, has_min = 0, has_max = 0;
  for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++) {
    const char *a = fills[i];
    nc_type t;
    size_t len;
    if (nc_inq_att(ncid, varid, a, &t, &len) != NC_NOERR) continue;
    char why[160];
    int fill = i == 0, range = i == 4;
    if (!is_number(t) || (fill ? t != vtype : (t != vtype && t != pack_type))) {
      snprintf(why, sizeof why, "has type %s, expected %s%s%s (the variable's type)", type_name(t),
               type_name(vtype), fill || pack_type == vtype ? "" : " or ",
               fill || pack_type == vtype ? "" : type_name(pack_type));
      return bad(path, var, a, why);
    }
    size_t want = range ? 2 : 1;
    if (range ? len != 2 : (i == 1 ? len < 1 : len != 1)) {
      snprintf(why, sizeof why, "has %zu values, expected %zu", len, want);
      return bad(path, var, a, why);
    }
    double x[2] = {0, 0};
    if (range)
      tw_nc_att_double2(ncid, varid, a, x);
    else
      tw_nc_att_double(ncid, varid, a, &x[0], NULL);
    for (size_t k = 0; k < want; k++) {
      double lo, hi;
      type_range(t, &lo, &hi);
      /* a NaN fill of a float type: a float variable's missing value; on an
       * integer variable it cannot occur and is ignored (ERA-Interim downloads) */
      int nan_ok = (i <= 1) && (t == NC_FLOAT || t == NC_DOUBLE);
      if ((isnan(x[k]) && !nan_ok) || (!isnan(x[k]) && (x[k] < lo || x[k] > hi))) {
        snprintf(why, sizeof why, "= %g is not a valid %s value", x[k], type_name(t));
        return bad(path, var, a, why);
      }
    }
    if (i == 2) has_min = 1, vmin = x[0];
    if (i == 3) has_max = 1, vmax = x[0];
    if (range) has_vr = 1, vr[0] = x[0], vr[1] = x[1];
  }
  if (has_vr && (has_min || has_max))
    return bad(path, var, "valid_range",
               "is given together with valid_min/valid_max (CF: use one or the other)");
  if (has_vr && vr[0] > vr[1]) {
    char why[128];
    snprintf(why, sizeof why, "= [%g, %g]: minimum above maximum", vr[0], vr[1]);
    return bad(path, var, "valid_range", why);
  }
  if (has_min && has_max && vmin > vmax) {
    char why[128];
    snprintf(why, sizeof why, "= %g is above valid_max %g", vmin, vmax);
    return bad(path, var, "valid_min", why);
  }
  return TW_OK;
}

tw_status tw_cf_check_coord_attributes(int ncid, int varid, const char *path, const char *var,
                                       const char *role) {
  TW_CHECK(check_text(ncid, varid, path, var));
  char units[64], axis[16];
  if (!strcmp(role, "time")) {
    if (tw_nc_att_text(ncid, varid, "axis", axis, sizeof axis) && strcmp(axis, "T") != 0)
      return bad(path, var, "axis", "is not 'T' on the time coordinate");
    return TW_OK;
  }
  int lat = !strcmp(role, "latitude");
  if (tw_nc_att_text(ncid, varid, "axis", axis, sizeof axis) &&
      strcmp(axis, lat ? "Y" : "X") != 0) {
    char why[96];
    snprintf(why, sizeof why, "= '%s' on the %s coordinate (expected %s)", axis, role,
             lat ? "Y" : "X");
    return bad(path, var, "axis", why);
  }
  /* CF 4.1/4.2 spellings, and plain degrees (rotated poles, atlite cutouts) */
  static const char *const lat_units[] = {"degrees_north", "degree_north", "degree_N", "degrees_N",
                                          "degreeN", "degreesN", "degrees", "degree"};
  static const char *const lon_units[] = {"degrees_east", "degree_east", "degree_E", "degrees_E",
                                          "degreeE", "degreesE", "degrees", "degree"};
  if (!tw_nc_att_text(ncid, varid, "units", units, sizeof units)) return TW_OK;
  const char *const *ok = lat ? lat_units : lon_units;
  for (size_t i = 0; i < 8; i++)
    if (!strcmp(units, ok[i])) return TW_OK;
  char why[128];
  snprintf(why, sizeof why, "= '%.40s' is not a %s unit (expected %s)", units, role,
           lat ? "degrees_north" : "degrees_east");
  return bad(path, var, "units", why);
}

/* canonical variable -> SI units of its role and physical range (after
 * decoding to SI). The ranges are generous bounds of what the atmosphere
 * produces at the surface, so that only wrong units, wrong packing or
 * garbage fail: wind components and speeds 150 m/s (records are about
 * 113 m/s), 2 m temperature 150..350 K (records 184 K and 330 K), pressure
 * 20..120 kPa, irradiance 0..2000 W m-2 (TOA is 1361 W m-2 at normal
 * incidence; ERA5 accumulation packing can leave -0.5 W m-2), roughness
 * 0..100 m, albedo 0..1, precipitation 0..0.5 kg m-2 s-1 (1800 mm/h). */
static const tw_cf_physical physical[] = {
    {"u100", "m s-1", "wind speed", -150, 150},
    {"v100", "m s-1", "wind speed", -150, 150},
    {"u10", "m s-1", "wind speed", -150, 150},
    {"v10", "m s-1", "wind speed", -150, 150},
    {"uas", "m s-1", "wind speed", -150, 150},
    {"vas", "m s-1", "wind speed", -150, 150},
    {"wnd100m", "m s-1", "wind speed", 0, 150},
    {"sfcWind", "m s-1", "wind speed", 0, 150},
    {"t2m", "K", "temperature", 150, 350},
    {"tas", "K", "temperature", 150, 350},
    {"tasmax", "K", "temperature", 150, 350},
    {"tasmin", "K", "temperature", 150, 350},
    {"ssrd", "W m-2", "irradiance", -1, 2000},
    {"fdir", "W m-2", "irradiance", -1, 2000},
    {"rsds", "W m-2", "irradiance", -1, 2000},
    {"rsdsdiff", "W m-2", "irradiance", -1, 2000},
    {"influx_direct", "W m-2", "irradiance", -1, 2000},
    {"influx_diffuse", "W m-2", "irradiance", -1, 2000},
    {"influx_toa", "W m-2", "irradiance", -1, 2000},
    {"sp", "Pa", "pressure", 20000, 120000},
    {"ps", "Pa", "pressure", 20000, 120000},
    {"fsr", "m", "roughness length", 0, 100},
    {"albedo", "1", "albedo", 0, 1},
    {"pr", "kg m-2 s-1", "precipitation flux", -1e-6, 0.5},
};

const tw_cf_physical *tw_cf_physical_lookup(const char *canonical) {
  for (size_t i = 0; canonical && i < sizeof physical / sizeof physical[0]; i++)
    if (!strcmp(physical[i].canonical, canonical)) return &physical[i];
  return NULL;
}

size_t tw_cf_physical_outside(const tw_cf_physical *p, const float *x, size_t n) {
  const float lo = (float)p->min, hi = (float)p->max;
  int any = 0;
  for (size_t i = 0; i < n; i++) any |= (x[i] < lo) | (x[i] > hi); /* NaN: missing, not outside */
  if (!any) return n;
  for (size_t i = 0; i < n; i++)
    if (x[i] < lo || x[i] > hi) return i;
  return n;
}
