/* The size a classic-format (CDF-1, CDF-2, CDF-5) NetCDF file must have,
 * from its header, compared with the size on disk. NetCDF-C does not
 * notice truncation: reads past the end return zeros (docs/INGEST.md).
 * Header layout: NetCDF classic format specification (Unidata, "The
 * NetCDF Classic Format Specification").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/nc_util.h"
#include "terrawatt/input_file.h"
#include "terrawatt/alloc.h"

typedef struct hdr {
  const unsigned char *p;
  size_t len, pos;
  int version; /* 1, 2 or 5 */
  int short_read;
} hdr;

static uint64_t get_n(hdr *h, size_t n) {
  if (h->pos + n > h->len) {
    h->short_read = 1;
    h->pos = h->len;
    return 0;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) v = (v << 8) | h->p[h->pos + i];
  h->pos += n;
  return v;
}
static uint64_t get_u32(hdr *h) { return get_n(h, 4); }
/* NON_NEG: 4 bytes (CDF-1/2) or 8 bytes (CDF-5). */
static uint64_t get_nonneg(hdr *h) { return get_n(h, h->version == 5 ? 8 : 4); }
static void skip(hdr *h, uint64_t n) {
  if (n > h->len - h->pos) {
    h->short_read = 1;
    h->pos = h->len;
  } else {
    h->pos += (size_t)n;
  }
}
static uint64_t pad4(uint64_t n) { return (n + 3) & ~(uint64_t)3; }
static void skip_name(hdr *h) { skip(h, pad4(get_nonneg(h))); }

static uint64_t type_size(uint64_t t) {
  size_t s = tw_nc_type_size((int)t);
  return s ? s : 1;
}

static void skip_att_list(hdr *h) {
  uint64_t tag = get_u32(h);
  uint64_t n = get_nonneg(h);
  if (tag == 0) return;
  for (uint64_t i = 0; i < n && !h->short_read; i++) {
    skip_name(h);
    uint64_t type = get_u32(h);
    uint64_t nelems = get_nonneg(h);
    skip(h, pad4(nelems * type_size(type)));
  }
}

/* Parse the header in h; compute the minimum file size. Returns 0 on
 * success, -1 if the header is longer than the buffer, -2 if malformed,
 * 1 if the size cannot be checked (streaming numrecs), -3 out of memory. */
static int implied_size(hdr *h, uint64_t *need) {
  h->pos = 4;
  uint64_t numrecs = get_nonneg(h);
  if (h->version != 5 && numrecs == 0xFFFFFFFFu) return 1;
  uint64_t tag = get_u32(h);
  uint64_t ndims = get_nonneg(h);
  if (tag != 0 && tag != 0x0A) return -2;
  if (tag == 0) ndims = 0;
  if (ndims > 100000) return -2;
  uint64_t *dimlen = tw_calloc_raw(ndims ? ndims : 1, sizeof *dimlen);
  if (!dimlen) return -3;
  for (uint64_t i = 0; i < ndims && !h->short_read; i++) {
    skip_name(h);
    dimlen[i] = get_nonneg(h);
  }
  skip_att_list(h);
  tag = get_u32(h);
  uint64_t nvars = get_nonneg(h);
  if (tag == 0) nvars = 0;
  else if (tag != 0x0B) {
    free(dimlen);
    return -2;
  }
  uint64_t end = h->pos, recsize = 0, nrecvars = 0, last_rec_begin = 0, last_rec_size = 0;
  uint64_t first_rec_begin = UINT64_MAX;
  for (uint64_t v = 0; v < nvars && !h->short_read; v++) {
    skip_name(h);
    uint64_t nd = get_nonneg(h);
    if (nd > 1024) {
      free(dimlen);
      return -2;
    }
    int is_rec = 0;
    uint64_t count = 1;
    for (uint64_t d = 0; d < nd && !h->short_read; d++) {
      uint64_t id = get_nonneg(h);
      if (id >= ndims) {
        free(dimlen);
        return -2;
      }
      if (d == 0 && dimlen[id] == 0) is_rec = 1;
      else count *= dimlen[id];
    }
    skip_att_list(h);
    uint64_t type = get_u32(h);
    uint64_t vsize = get_nonneg(h);
    uint64_t begin = h->version == 1 ? get_u32(h) : get_n(h, 8);
    uint64_t bytes = count * type_size(type);
    if (is_rec) {
      nrecvars++;
      recsize += vsize;
      if (begin < first_rec_begin) first_rec_begin = begin;
      if (begin >= last_rec_begin) {
        last_rec_begin = begin;
        last_rec_size = bytes;
      }
    } else if (begin + bytes > end) {
      end = begin + bytes;
    }
  }
  free(dimlen);
  if (h->short_read) return -1;
  if (nrecvars > 0 && numrecs > 0) {
    if (nrecvars == 1) recsize = last_rec_size; /* a lone record variable is not padded */
    uint64_t rec_end = last_rec_begin + (numrecs - 1) * recsize + last_rec_size;
    if (rec_end > end) end = rec_end;
  }
  *need = end;
  return 0;
}

tw_status tw_nc_classic_check_size(const char *path) {
  tw_status st = TW_OK;
  unsigned char *buf = NULL;
  FILE *f = NULL;
  TW_CHECK(tw_input_fopen(path, 0, &f));
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0) {
    st = tw_error(TW_ERR_INPUT, "%s: cannot stat: %s", path, strerror(errno));
    goto cleanup;
  }
  size_t cap = 1 << 16;
  for (;;) {
    unsigned char *nb = tw_realloc(buf, cap);
    if (!nb) {
      st = tw_error(TW_ERR_RESOURCE, "%s: out of memory reading the header", path);
      goto cleanup;
    }
    buf = nb;
    rewind(f);
    size_t got = fread(buf, 1, cap, f);
    if (got < 4 || memcmp(buf, "CDF", 3) != 0 || (buf[3] != 1 && buf[3] != 2 && buf[3] != 5))
      goto cleanup; /* not classic: HDF5-based files are checked by the library */
    hdr h = {buf, got, 0, buf[3], 0};
    uint64_t need = 0;
    int rc = implied_size(&h, &need);
    if (rc == -1 && got == cap && cap < ((size_t)1 << 30)) {
      cap *= 4;
      continue;
    }
    if (rc == -3) {
      st = tw_error(TW_ERR_RESOURCE, "%s: out of memory checking the header", path);
      goto cleanup;
    }
    if (rc == -1 || rc == -2) {
      st = tw_error(TW_ERR_INPUT, "%s: truncated or corrupt NetCDF header (file is %lld bytes)",
                    path, (long long)sb.st_size);
      goto cleanup;
    }
    if (rc == 0 && (uint64_t)sb.st_size < need)
      st = tw_error(TW_ERR_INPUT,
                    "%s: truncated file: %lld bytes on disk but its header implies %llu bytes",
                    path, (long long)sb.st_size, (unsigned long long)need);
    break;
  }
cleanup:
  free(buf);
  fclose(f);
  return st;
}

/* ---- NetCDF-4 (HDF5) ---------------------------------------------------------- */

static uint64_t le_uint(const unsigned char *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

tw_status tw_nc_hdf5_check_size(const char *path) {
  static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  unsigned char b[128];
  FILE *f = fopen(path, "rb");
  if (!f) return tw_error(TW_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
  struct stat sb;
  tw_status st = TW_OK;
  if (fstat(fileno(f), &sb) != 0) {
    fclose(f);
    return tw_error(TW_ERR_INPUT, "%s: cannot stat: %s", path, strerror(errno));
  }
  /* the superblock is at 0 or after a user block of 512, 1024, 2048, ... bytes */
  for (long at = 0; at <= 1 << 16 && at < (long)sb.st_size; at = at ? at * 2 : 512) {
    if (fseek(f, at, SEEK_SET) != 0) break;
    size_t got = fread(b, 1, sizeof b, f);
    if (got < 9 || memcmp(b, sig, 8) != 0) continue;
    int version = b[8];
    size_t o_size, eof_pos, base_pos;
    if (version <= 1) { /* v0/v1: versions, sizes at 13/14, base address after 24 (+4 for v1) */
      o_size = b[13];
      base_pos = version == 0 ? 24 : 28;
      eof_pos = base_pos + 2 * o_size;
    } else { /* v2/v3: sizes at 9/10, flags at 11, then base, extension, end-of-file */
      o_size = b[9];
      base_pos = 12;
      eof_pos = base_pos + 2 * o_size;
    }
    if ((o_size != 4 && o_size != 8) || eof_pos + o_size > got) break;
    uint64_t base = le_uint(b + base_pos, (int)o_size), eof = le_uint(b + eof_pos, (int)o_size);
    uint64_t need = base + eof;
    if (base == UINT64_MAX || eof == UINT64_MAX) break; /* undefined addresses */
    if ((uint64_t)sb.st_size < need)
      st = tw_error(TW_ERR_INPUT, "%s: truncated file: %lld bytes on disk but its HDF5 superblock "
                    "(NetCDF-4) records an end of file at %llu bytes", path,
                    (long long)sb.st_size, (unsigned long long)need);
    break;
  }
  fclose(f);
  return st;
}
