/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ingest/nc_util.h"

#include <errno.h>
#include <netcdf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include "terrawatt/input_file.h"
#include "terrawatt/alloc.h"

tw_status tw_nc_fail(int ncerr, const char *path, const char *what) {
  return tw_error(TW_ERR_INPUT, "%s: %s: %s", path, what, nc_strerror(ncerr));
}

tw_status tw_nc_open(const char *path, int *ncid) {
  *ncid = -1;
  TW_CHECK(tw_input_check(path, 0)); /* a regular file: not a directory, FIFO or device */
  TW_CHECK(tw_nc_hdf5_check_size(path)); /* before HDF5 reports it as "HDF error" */
  int rc = nc_open(path, NC_NOWRITE, ncid);
  if (rc == NC_ENOTNC || rc == NC_EHDFERR)
    return tw_error(TW_ERR_INPUT, "%s: not a NetCDF file (%s)", path, nc_strerror(rc));
  if (rc != NC_NOERR) return tw_nc_fail(rc, path, "cannot open");
  tw_status st = tw_nc_classic_check_size(path);
  if (st != TW_OK) {
    nc_close(*ncid);
    *ncid = -1;
  }
  return st;
}

int tw_nc_att_text(int ncid, int varid, const char *name, char *buf, size_t size) {
  nc_type type;
  size_t len = 0;
  buf[0] = '\0';
  if (nc_inq_att(ncid, varid, name, &type, &len) != NC_NOERR) return 0;
  if (type == NC_CHAR) {
    /* Attributes that fit are read without allocating, so running out of
     * memory cannot pass for a missing attribute (exit 2 instead of 4). */
    char small[1024];
    char *tmp = len < sizeof small ? small : tw_malloc(len + 1);
    if (!tmp) return 0;
    if (nc_get_att_text(ncid, varid, name, tmp) != NC_NOERR) {
      if (tmp != small) free(tmp);
      return 0;
    }
    tmp[len] = '\0';
    while (len > 0 && tmp[len - 1] == '\0') len--;
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    if (tmp != small) free(tmp);
    return 1;
  }
  if (type == NC_STRING && len == 1) {
    char *s = NULL;
    if (nc_get_att_string(ncid, varid, name, &s) != NC_NOERR) return 0;
    if (s) {
      strncpy(buf, s, size - 1);
      buf[size - 1] = '\0';
    }
    nc_free_string(1, &s);
    return 1;
  }
  return 0;
}

static int att_numeric(int ncid, int varid, const char *name, double *vals, size_t max, size_t *n) {
  nc_type type;
  size_t len = 0;
  if (nc_inq_att(ncid, varid, name, &type, &len) != NC_NOERR) return 0;
  if (type == NC_CHAR || type == NC_STRING || len == 0 || type > NC_STRING) return 0;
  double small[64]; /* no allocation for usual attributes (see tw_nc_att_text) */
  double *tmp = len <= 64 ? small : tw_malloc(len * sizeof *tmp);
  if (!tmp) return 0;
  int ok = nc_get_att_double(ncid, varid, name, tmp) == NC_NOERR;
  if (ok)
    for (size_t i = 0; i < len && i < max; i++) vals[i] = tmp[i];
  if (tmp != small) free(tmp);
  if (n) *n = len;
  return ok;
}

int tw_nc_att_double(int ncid, int varid, const char *name, double *out, size_t *n) {
  return att_numeric(ncid, varid, name, out, 1, n);
}

int tw_nc_att_double2(int ncid, int varid, const char *name, double out[2]) {
  size_t n = 0;
  if (!att_numeric(ncid, varid, name, out, 2, &n)) return 0;
  return n == 2;
}

size_t tw_nc_type_size(int nctype) {
  switch (nctype) {
    case NC_BYTE: case NC_UBYTE: case NC_CHAR: return 1;
    case NC_SHORT: case NC_USHORT: return 2;
    case NC_INT: case NC_UINT: case NC_FLOAT: return 4;
    case NC_DOUBLE: case NC_INT64: case NC_UINT64: return 8;
    default: return 0;
  }
}

const char *tw_nc_write_reason(const char *path, int err) {
  static _Thread_local char text[160];
  char dir[4096];
  struct statvfs vfs;
  text[0] = '\0';
  if (err) {
    snprintf(text, sizeof text, "; system error: %s", strerror(err));
    return text;
  }
  const char *slash = strrchr(path, '/');
  size_t n = slash ? (size_t)(slash - path) : 0;
  if (n >= sizeof dir) return text;
  if (n) memcpy(dir, path, n);
  else dir[n++] = '.';
  dir[n] = '\0';
  if (statvfs(dir, &vfs) == 0 && vfs.f_bavail == 0)
    snprintf(text, sizeof text, "; system error: %s", strerror(ENOSPC));
  return text;
}
