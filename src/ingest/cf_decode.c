/* CF decoding: packing (scale_factor, add_offset), _FillValue,
 * missing_value, valid_min/valid_max/valid_range.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <limits.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include "ingest/cf.h"
#include "ingest/nc_util.h"
#include "terrawatt/climate.h"

static int is_integer_type(nc_type t) { return t != NC_FLOAT && t != NC_DOUBLE; }

tw_status tw_cf_var_load(int ncid, int varid, const char *path, tw_cf_var *v) {
  memset(v, 0, sizeof *v);
  v->varid = varid;
  int rc = nc_inq_var(ncid, varid, v->name, &v->type, &v->ndims, v->dimids, NULL);
  if (rc != NC_NOERR) return tw_nc_fail(rc, path, "cannot inquire a variable");
  if (tw_nc_type_size(v->type) == 0 || v->type == NC_CHAR)
    return tw_error(TW_ERR_INPUT, "%s: variable '%s': type %d is not numeric", path, v->name,
                    (int)v->type);
  TW_CHECK(tw_cf_check_attributes(ncid, varid, path, v->name, v->type));
  tw_nc_att_text(ncid, varid, "units", v->units, sizeof v->units);
  tw_nc_att_text(ncid, varid, "standard_name", v->standard_name, sizeof v->standard_name);
  tw_nc_att_text(ncid, varid, "cell_methods", v->cell_methods, sizeof v->cell_methods);
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

/* One loop per stored type, without branches and in blocks of a fixed
 * length so that the compiler vectorises it (even under -O2's cheap cost
 * model, which wants a known trip count): absent attributes become
 * comparisons that never hold (fill = NaN, lo = -inf, hi = +inf); all the
 * arithmetic is in double and rounded once to float. A second pass over
 * the block, still in L1 cache, counts the missing values (NaN) and flags
 * decoded infinities, whose index is looked up after the loop (rare: bad
 * data). */
#define TW_DECODE_BLOCK 512
#define TW_DECODE_ONE(i)                                                                 \
  do {                                                                                   \
    double x = (double)r[i];                                                             \
    int bad = (x != x) | (x == f) | (x == m) | isless(x, lo) | isgreater(x, hi);                   \
    double z = bad ? (double)NAN : (x == zk ? z0 : x * a + b);                           \
    out[i] = (float)z;                                                                   \
  } while (0)
#define TW_DECODE_LOOP(CTYPE)                                                            \
  do {                                                                                   \
    const CTYPE *r = (const CTYPE *)raw;                                                 \
    size_t i0 = 0;                                                                       \
    for (; i0 + TW_DECODE_BLOCK <= n; i0 += TW_DECODE_BLOCK) {                           \
      const CTYPE *rb = r + i0;                                                          \
      float *ob = out + i0;                                                              \
      for (size_t i = 0; i < TW_DECODE_BLOCK; i++) {                                     \
        double x = (double)rb[i];                                                        \
        int bad = (x != x) | (x == f) | (x == m) | isless(x, lo) | isgreater(x, hi);               \
        double z = bad ? (double)NAN : (x == zk ? z0 : x * a + b);                       \
        ob[i] = (float)z;                                                                \
      }                                                                                  \
      unsigned nb = 0, ni = 0;                                                           \
      for (size_t i = 0; i < TW_DECODE_BLOCK; i++) {                                     \
        nb += ob[i] != ob[i];                                                            \
        ni |= fabsf(ob[i]) > FLT_MAX;                                                    \
      }                                                                                  \
      miss += nb;                                                                        \
      inf |= ni != 0;                                                                    \
    }                                                                                    \
    for (size_t i = i0; i < n; i++) {                                                    \
      TW_DECODE_ONE(i);                                                                  \
      miss += out[i] != out[i];                                                          \
      inf |= fabsf(out[i]) > FLT_MAX;                                                    \
    }                                                                                    \
  } while (0)

/* 8- and 16-bit integers (the usual packing): the missing-value tests are
 * made in int, exactly (x < valid_min <=> x < ceil(valid_min) for an
 * integer x), so no floating-point comparison can trap; a missing value
 * becomes NaN by setting the exponent and quiet bits of the float, and is
 * counted in the same pass. The block has no control flow and restrict
 * pointers: it vectorises. Limits that cannot occur become values out of
 * the 16-bit range. Returns the number of missing values.
 * Two variants: x * a + b in float (4 lanes per SSE vector) when
 * |b| <= 65536 |a|, where its rounding error, at most about
 * 2^-23 (|x a| + |b|) <= 2^-23 * 98304 |a| = 0.012 |a|, is 1.2% of the
 * packing quantum |a| (the stored value itself is uncertain by |a| / 2);
 * in double otherwise (e.g. packed degC, where b holds 273.15). */
#define TW_DEF_SMALLINT_BLOCK(NAME, CTYPE, REAL)                                           \
  static unsigned NAME(const CTYPE *restrict rb, float *restrict ob, size_t n, int fi,     \
                       int mi, int loi, int hii, REAL a, REAL b, int zi, uint32_t zbits) { \
    unsigned nb = 0;                                                                       \
    for (size_t i = 0; i < n; i++) {                                                       \
      int xi = rb[i];                                                                      \
      int bad = (xi == fi) | (xi == mi) | (xi < loi) | (xi > hii);                         \
      float y = (float)((REAL)xi * a + b);                                                 \
      uint32_t bits, zm = (uint32_t)(-(xi == zi)); /* k0, the value nearest 0: exactly 0 */ \
      memcpy(&bits, &y, sizeof bits);                                                      \
      bits = (bits & ~zm) | (zbits & zm); /* a blend of bits keeps the loop vectorised */  \
      bits |= (uint32_t)(-bad) & 0x7fc00000u;                                              \
      memcpy(&ob[i], &bits, sizeof bits);                                                  \
      nb += (unsigned)bad;                                                                 \
    }                                                                                      \
    return nb;                                                                             \
  }
TW_DEF_SMALLINT_BLOCK(decode_i8, signed char, double)
TW_DEF_SMALLINT_BLOCK(decode_u8, unsigned char, double)
TW_DEF_SMALLINT_BLOCK(decode_i16, short, double)
TW_DEF_SMALLINT_BLOCK(decode_u16, unsigned short, double)
TW_DEF_SMALLINT_BLOCK(decode_i8f, signed char, float)
TW_DEF_SMALLINT_BLOCK(decode_u8f, unsigned char, float)
TW_DEF_SMALLINT_BLOCK(decode_i16f, short, float)
TW_DEF_SMALLINT_BLOCK(decode_u16f, unsigned short, float)

/* Blocks of a constant length (the cheap cost model of -O2 vectorises only
 * loops with a known trip count), then the tail. A decoded infinity is
 * only possible when a or b is huge (`may_inf`): then one more pass. */
#define TW_DECODE_SMALLINT_WITH(FN, CTYPE, A, B)                                         \
  do {                                                                                   \
    const CTYPE *r = (const CTYPE *)raw;                                                 \
    size_t i0 = 0;                                                                       \
    for (; i0 + TW_DECODE_BLOCK <= n; i0 += TW_DECODE_BLOCK)                             \
      miss += FN(r + i0, out + i0, TW_DECODE_BLOCK, fi, mi, loi, hii, A, B, zi, zbits);  \
    miss += FN(r + i0, out + i0, n - i0, fi, mi, loi, hii, A, B, zi, zbits);             \
    for (size_t i = 0; may_inf && i < n; i++) inf |= isinf(out[i]) != 0;                 \
  } while (0)
#define TW_DECODE_SMALLINT(FN, FNF, CTYPE)                                               \
  do {                                                                                   \
    if (use_float)                                                                       \
      TW_DECODE_SMALLINT_WITH(FNF, CTYPE, (float)a, (float)b);                           \
    else                                                                                 \
      TW_DECODE_SMALLINT_WITH(FN, CTYPE, a, b);                                          \
  } while (0)

/* An integer equal to the attribute value x, or `never` when x is not an
 * integer in [-2^20, 2^20] (so no 8- or 16-bit value equals it). */
static int int_eq(int has, double x, int never) {
  return has && x == floor(x) && fabs(x) <= 1048576.0 ? (int)x : never;
}

static int int_bound(int has, double x, int lower) {
  const double big = 1048576.0;
  /* A NaN bound rejects nothing, as in the double path (comparisons with NaN are false). */
  if (!has || isnan(x)) return lower ? -(int)big : (int)big;
  double k = lower ? ceil(x) : floor(x); /* x < lo <=> x < ceil(lo); x > hi <=> x > floor(hi) */
  return (int)(k < -big ? -big : (k > big ? big : k));
}

/* Packed integers: the stored value k0 nearest to -offset/scale decodes to
 * within half a packing step of 0; when k0 lies in the type's range (the
 * unpacked range includes 0) it decodes to exactly 0 (then to SI: uo),
 * so that e.g. dry hours of packed ERA5 precipitation are 0, not 1.9e-9.
 * *zk_out = k0 (NaN: none), *zi_out = k0 as int (INT_MIN: none). */
static void zero_snap(const tw_cf_var *v, double *zk_out, int *zi_out) {
  double zk = NAN;
  int zi = INT_MIN;
  if (v->packed && is_integer_type(v->type)) {
    double k0 = nearbyint(-v->offset / v->scale), tmin = 0, tmax = 0;
    switch (v->type) {
      case NC_BYTE: tmin = -128, tmax = 127; break;
      case NC_UBYTE: tmax = 255; break;
      case NC_SHORT: tmin = -32768, tmax = 32767; break;
      case NC_USHORT: tmax = 65535; break;
      case NC_INT: tmin = -2147483648.0, tmax = 2147483647.0; break;
      case NC_UINT: tmax = 4294967295.0; break;
      default: tmin = -9007199254740992.0, tmax = 9007199254740992.0; break; /* 64-bit: 2^53 */
    }
    if (k0 >= tmin && k0 <= tmax && fabs(k0 * v->scale + v->offset) <= 0.5 * fabs(v->scale)) {
      zk = k0;
      if (fabs(k0) <= 1048576.0) zi = (int)k0;
    }
  }
  *zk_out = zk;
  *zi_out = zi;
}

size_t tw_cf_decode(const tw_cf_var *v, const void *raw, size_t n, double us, double uo, float *out,
                    size_t *nmissing) {
  /* (x * scale + offset) * us + uo = x * a + b */
  const double a = v->scale * us, b = v->offset * us + uo;
  const double f = v->has_fill ? v->fill : NAN, m = v->has_missing ? v->missing : NAN;
  const double lo = v->has_vmin ? v->vmin : -INFINITY, hi = v->has_vmax ? v->vmax : INFINITY;
  const int fi = int_eq(v->has_fill, v->fill, INT_MIN), mi = int_eq(v->has_missing, v->missing, INT_MIN);
  const int loi = int_bound(v->has_vmin, v->vmin, 1), hii = int_bound(v->has_vmax, v->vmax, 0);
  const int may_inf = !(fabs(a) * 65536.0 + fabs(b) < (double)FLT_MAX / 2);
  const int use_float = fabs(b) <= 65536.0 * fabs(a) && !may_inf;
  double zk, z0 = uo;
  int zi;
  zero_snap(v, &zk, &zi);
  const float zf = (float)z0;
  uint32_t zbits;
  memcpy(&zbits, &zf, sizeof zbits);
  size_t miss = 0;
  int inf = 0;
  switch (v->type) {
    case NC_BYTE: TW_DECODE_SMALLINT(decode_i8, decode_i8f, signed char); break;
    case NC_UBYTE: TW_DECODE_SMALLINT(decode_u8, decode_u8f, unsigned char); break;
    case NC_SHORT: TW_DECODE_SMALLINT(decode_i16, decode_i16f, short); break;
    case NC_USHORT: TW_DECODE_SMALLINT(decode_u16, decode_u16f, unsigned short); break;
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
  if (inf)
    for (size_t i = 0; i < n; i++)
      if (isinf(out[i])) return i;
  return n;
}

int tw_cf_short_packing(const tw_cf_var *v, double us, double uo, tw_climate_packing *out) {
  if (v->type != NC_SHORT) return 0;
  /* the same numbers as tw_cf_decode */
  const double a = v->scale * us, b = v->offset * us + uo;
  const int may_inf = !(fabs(a) * 65536.0 + fabs(b) < (double)FLT_MAX / 2);
  if (may_inf) return 0;
  double zk;
  int zi;
  zero_snap(v, &zk, &zi);
  memset(out, 0, sizeof *out);
  out->scale = a;
  out->offset = b;
  out->in_float = fabs(b) <= 65536.0 * fabs(a);
  out->fill = int_eq(v->has_fill, v->fill, INT_MIN);
  out->missing = int_eq(v->has_missing, v->missing, INT_MIN);
  out->raw_min = int_bound(v->has_vmin, v->vmin, 1);
  out->raw_max = int_bound(v->has_vmax, v->vmax, 0);
  out->zero_raw = zi;
  out->zero_value = (float)uo;
  return 1;
}

/* Missing values among n raw int16 (integer comparisons, no control flow:
 * vectorised; called on blocks of a constant length, as the decoder). */
static inline unsigned missing_block(const short *restrict r, size_t n, int fi, int mi, int lo,
                                     int hi) {
  unsigned nb = 0;
  for (size_t i = 0; i < n; i++) {
    int x = r[i];
    nb += (unsigned)((x == fi) | (x == mi) | (x < lo) | (x > hi));
  }
  return nb;
}

size_t tw_cf_packing_missing(const tw_climate_packing *k, const short *raw, size_t n) {
  const int fi = k->fill, mi = k->missing, lo = k->raw_min, hi = k->raw_max;
  size_t miss = 0, i0 = 0;
  for (; i0 + TW_DECODE_BLOCK <= n; i0 += TW_DECODE_BLOCK)
    miss += missing_block(raw + i0, TW_DECODE_BLOCK, fi, mi, lo, hi);
  return miss + missing_block(raw + i0, n - i0, fi, mi, lo, hi);
}
