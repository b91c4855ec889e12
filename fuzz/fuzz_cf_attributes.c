/* libFuzzer harness: the CF attribute decoder (tw_cf_var_load: packing,
 * _FillValue, missing_value, valid_range/min/max, numeric type checks;
 * tw_cf_units_lookup; tw_cf_decode).
 * Input (binary): byte 0 the variable type, byte 1 which attributes exist
 * (bit 0 scale_factor, 1 add_offset, 2 _FillValue, 3 missing_value,
 * 4 valid_range, 5 valid_min, 6 valid_max, 7 units), byte 2 the attribute
 * storage types (2 bits per attribute group), then 8-byte doubles for each
 * numeric attribute present (two for valid_range), then for units one length
 * byte and the text, then raw values of the variable (at most 256).
 * The variable is created in an in-memory (diskless) NetCDF file, so the
 * harness exercises our decoder, not NetCDF's file parser.
 * Invariant checked: the number of NaN outputs equals the missing count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <netcdf.h>

#include "fuzz_common.h"
#include "ingest/cf.h"

static const nc_type types[] = {NC_BYTE, NC_UBYTE, NC_SHORT, NC_USHORT, NC_INT, NC_UINT,
                                NC_INT64, NC_UINT64, NC_FLOAT, NC_DOUBLE, NC_CHAR};
static const nc_type att_types[] = {NC_DOUBLE, NC_FLOAT, NC_SHORT, NC_INT};

static size_t type_size(nc_type t) {
  switch (t) {
    case NC_BYTE: case NC_UBYTE: case NC_CHAR: return 1;
    case NC_SHORT: case NC_USHORT: return 2;
    case NC_INT: case NC_UINT: case NC_FLOAT: return 4;
    default: return 8;
  }
}

typedef struct reader {
  const uint8_t *p, *end;
} reader;

static int take(reader *r, void *out, size_t n) {
  if ((size_t)(r->end - r->p) < n) return 0;
  memcpy(out, r->p, n);
  r->p += n;
  return 1;
}

/* Store `n` doubles as attribute `name` of type `t` (values converted and
 * clamped into the type's range so the conversion itself is defined). */
static void put_att(int nc, int v, const char *name, nc_type t, const double *x, size_t n) {
  if (t == NC_DOUBLE) {
    nc_put_att_double(nc, v, name, NC_DOUBLE, n, x);
  } else if (t == NC_FLOAT) {
    float f[2];
    for (size_t i = 0; i < n; i++) f[i] = (isfinite(x[i]) && fabs(x[i]) > 3e38) ? (x[i] > 0 ? 3e38f : -3e38f) : (float)x[i];
    nc_put_att_float(nc, v, name, NC_FLOAT, n, f);
  } else {
    int k[2];
    for (size_t i = 0; i < n; i++) k[i] = isfinite(x[i]) ? (int)fmax(-1e9, fmin(1e9, x[i])) : 0;
    nc_put_att_int(nc, v, name, t, n, k);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  reader r = {data, data + size};
  uint8_t ty, present, storage;
  tw_fuzz_quiet();
  if (!take(&r, &ty, 1) || !take(&r, &present, 1) || !take(&r, &storage, 1)) return 0;
  nc_type vt = types[ty % (sizeof types / sizeof *types)];
  static const char *const names[] = {"scale_factor", "add_offset", "_FillValue", "missing_value",
                                      "valid_range", "valid_min", "valid_max"};
  double vals[7][2];
  int have[7] = {0};
  for (int a = 0; a < 7; a++) {
    if (!(present & (1u << a))) continue;
    size_t n = a == 4 ? 2 : 1;
    if (!take(&r, vals[a], 8 * n)) break;
    have[a] = 1;
  }
  char units[256] = "";
  uint8_t ulen = 0;
  if ((present & 0x80) && take(&r, &ulen, 1)) {
    size_t n = ulen;
    if ((size_t)(r.end - r.p) < n) n = (size_t)(r.end - r.p);
    memcpy(units, r.p, n);
    units[n] = '\0';
    r.p += n;
  }
  size_t ts = type_size(vt);
  size_t n = (size_t)(r.end - r.p) / ts;
  if (n > 256) n = 256;
  if (n == 0) n = 1;
  void *raw = calloc(n, 8);
  float *out = calloc(n, sizeof *out);
  if (!raw || !out) goto done;
  memcpy(raw, r.p, (size_t)(r.end - r.p) < n * ts ? (size_t)(r.end - r.p) : n * ts);

  int nc = -1, dim, var;
  if (nc_create("tw-fuzz-cf.nc", NC_DISKLESS | NC_CLOBBER | NC_64BIT_DATA, &nc) != NC_NOERR) goto done;
  if (nc_def_dim(nc, "x", n, &dim) != NC_NOERR || nc_def_var(nc, "v", vt, 1, &dim, &var) != NC_NOERR)
    goto close;
  for (int a = 0; a < 7; a++)
    if (have[a]) {
      /* _FillValue must have the variable's type; others take the chosen one */
      nc_type at = a == 2 ? vt : att_types[(storage >> (2 * (a % 4))) & 3];
      if (a == 2 && vt == NC_CHAR) continue;
      if (a == 2 && vt != NC_DOUBLE && vt != NC_FLOAT) at = NC_INT;
      if (a == 2 && at == NC_INT && vt != NC_INT) continue;
      put_att(nc, var, names[a], at, vals[a], a == 4 ? 2 : 1);
    }
  if (units[0]) nc_put_att_text(nc, var, "units", strlen(units), units);
  if (nc_enddef(nc) != NC_NOERR) goto close;
  if (vt == NC_CHAR) nc_put_var_text(nc, var, raw);
  else nc_put_var(nc, var, raw);

  tw_cf_var cv;
  if (tw_cf_var_load(nc, var, "fuzz.nc", &cv) == TW_OK) {
    tw_cf_units u = {"", 1.0, 0.0, 0};
    (void)tw_cf_units_lookup(cv.units, &u);
    size_t miss = 0, nan = 0;
    nc_get_var(nc, var, raw);
    tw_cf_decode(&cv, raw, n, u.scale, u.offset, out, &miss);
    for (size_t i = 0; i < n; i++) nan += isnan(out[i]) ? 1 : 0;
    if (nan != miss) __builtin_trap();
  }
close:
  nc_close(nc);
done:
  free(raw);
  free(out);
  return 0;
}
