/* terrawatt: atomic output files. Outputs are written under a temporary
 * name in the same directory and renamed over the final name only when
 * complete, so a crash or kill never leaves a half-written file under the
 * final name.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_ATOMIC_FILE_H
#define TERRAWATT_ATOMIC_FILE_H

#include "terrawatt/export.h"

#include <stdio.h>

#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Make a temporary path for `final_path`: "DIR/.NAME.tmp-PID-N". The file is
 * not created (NetCDF creates it itself). Returns a malloc'd string in *out. */
TW_API tw_status tw_atomic_temp_path(const char *final_path, char **out);

/* fsync and rename `temp_path` over `final_path`. On failure the temporary
 * file is removed. A full disk or I/O error is TW_ERR_RESOURCE naming the
 * file. */
TW_API tw_status tw_atomic_commit(const char *temp_path, const char *final_path);

/* Remove a temporary file after a failure (NULL-safe, ignores errors). */
TW_API void tw_atomic_abandon(const char *temp_path);

/* Write `size` bytes to `final_path` atomically. */
TW_API tw_status tw_atomic_write(const char *final_path, const void *data, size_t size);

/* Create a directory and its parents (like mkdir -p). TW_ERR_RESOURCE or
 * TW_ERR_INPUT naming the path on failure. */
TW_API tw_status tw_mkdir_p(const char *path);

#ifdef __cplusplus
}
#endif
#endif
