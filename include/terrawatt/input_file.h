/* terrawatt: opening input files safely. Inputs must be regular files (a
 * FIFO would hang the reader, a device such as /dev/urandom never ends, a
 * directory is not a file), and a symlink inside a network folder is not
 * followed unless the user asked for it (`--follow-symlinks`), so a folder
 * cannot pull /etc/shadow into results and error messages.
 * docs/RELIABILITY.md lists the guarantees.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_INPUT_FILE_H
#define TERRAWATT_INPUT_FILE_H

#include "terrawatt/export.h"

#include <stdio.h>

#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags of tw_input_check / tw_input_fopen. */
enum {
  /* The file was found inside a folder the user named (a PyPSA CSV folder,
   * an emobpy directory): a symlink is refused unless symlinks are followed
   * (tw_input_set_follow_symlinks). */
  TW_INPUT_IN_FOLDER = 1u
};

/* Follow symlinks inside input folders (the CLI's --follow-symlinks).
 * Process-wide; default 0. */
TW_API void tw_input_set_follow_symlinks(int follow);
TW_API int tw_input_follow_symlinks(void);

/* Check that `path` names a regular file (after following a symlink where
 * allowed). TW_ERR_INPUT naming the path and what it is instead ("is a
 * FIFO", "is a character device", "is a directory", "is a symlink ...").
 * Never blocks. */
TW_API tw_status tw_input_check(const char *path, unsigned flags);

/* Same check as a directory (the path of a network folder). */
TW_API tw_status tw_input_check_dir(const char *path);

/* Open a regular file for reading (mode "r" or "rb") without blocking on a
 * FIFO and without the race between a check and the open: the descriptor
 * itself is checked. *out is NULL on failure (TW_ERR_INPUT naming path). */
TW_API tw_status tw_input_fopen(const char *path, unsigned flags, FILE **out);

#ifdef __cplusplus
}
#endif
#endif
