/* Private helpers of the ingest module around NetCDF-C: opening with the
 * checks NetCDF-C does not make, attributes, error messages.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_INGEST_NC_UTIL_H
#define TW_INGEST_NC_UTIL_H

#include <stddef.h>

#include "terrawatt/status.h"

/* Turn a NetCDF error code into TW_ERR_INPUT with "path: what: nc_strerror". */
tw_status tw_nc_fail(int ncerr, const char *path, const char *what);

/* Open `path` read-only. Fails with TW_ERR_INPUT when it does not exist,
 * is not a NetCDF file, or (classic CDF-1/2/5 formats) is shorter than its
 * header implies. */
tw_status tw_nc_open(const char *path, int *ncid);

/* Check a classic-format file's size against the data its header declares
 * (NetCDF-C reads zeros past the end of a truncated file without error).
 * Files that are not classic format pass. */
tw_status tw_nc_classic_check_size(const char *path);

/* A NetCDF-4 (HDF5) file shorter than the end-of-file address its HDF5
 * superblock records (versions 0-3) is truncated: TW_ERR_INPUT "PATH:
 * truncated file: ...". Other files (and undefined addresses) pass. */
tw_status tw_nc_hdf5_check_size(const char *path);
/* Why a NetCDF write to `path` failed, for the message: "; system error: "
 * and the text of `err` when it is set, else "; system error: No space left
 * on device" when the file system holding `path` has no free block (HDF5
 * reports a full disk as "NetCDF: HDF error" and often clears errno), else
 * "". Returns a static thread-local string. */
const char *tw_nc_write_reason(const char *path, int err);

/* Text attribute `name` of `varid` (NC_GLOBAL for globals) into buf. Returns
 * 1 if present and textual (NC_CHAR or a single NC_STRING), else 0 (buf ""). */
int tw_nc_att_text(int ncid, int varid, const char *name, char *buf, size_t size);

/* First value of numeric attribute `name` as double. Returns 1 if present
 * and numeric, else 0. `n` (optional) receives the attribute length. */
int tw_nc_att_double(int ncid, int varid, const char *name, double *out, size_t *n);

/* Second value of a 2-element numeric attribute (valid_range). */
int tw_nc_att_double2(int ncid, int varid, const char *name, double out[2]);

/* Size in bytes of a NetCDF atomic type (0 for non-numeric types). */
size_t tw_nc_type_size(int nctype);

#endif
