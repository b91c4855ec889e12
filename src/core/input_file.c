/* Inputs are regular files; symlinks in input folders only on request.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/input_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_int follow_symlinks;

void tw_input_set_follow_symlinks(int follow) { atomic_store(&follow_symlinks, follow != 0); }
int tw_input_follow_symlinks(void) { return atomic_load(&follow_symlinks); }

static const char *kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISLNK(m)) return "a symlink";
  return "not a regular file";
}

static int refuse_symlink(unsigned flags) {
  return (flags & TW_INPUT_IN_FOLDER) && !tw_input_follow_symlinks();
}

static tw_status symlink_error(const char *path) {
  return tw_error(TW_ERR_INPUT,
                  "%s: is a symlink inside an input folder; not followed (use --follow-symlinks "
                  "to allow it)",
                  path);
}

tw_status tw_input_check(const char *path, unsigned flags) {
  struct stat sb;
  if (refuse_symlink(flags)) {
    if (lstat(path, &sb) != 0) return tw_error(TW_ERR_INPUT, "%s: %s", path, strerror(errno));
    if (S_ISLNK(sb.st_mode)) return symlink_error(path);
  }
  if (stat(path, &sb) != 0) return tw_error(TW_ERR_INPUT, "%s: %s", path, strerror(errno));
  if (!S_ISREG(sb.st_mode))
    return tw_error(TW_ERR_INPUT, "%s: is %s, expected a regular file", path, kind_of(sb.st_mode));
  return TW_OK;
}

tw_status tw_input_check_dir(const char *path) {
  struct stat sb;
  if (stat(path, &sb) != 0) return tw_error(TW_ERR_INPUT, "%s: %s", path, strerror(errno));
  if (!S_ISDIR(sb.st_mode))
    return tw_error(TW_ERR_INPUT, "%s: is %s, expected a directory", path, kind_of(sb.st_mode));
  return TW_OK;
}

tw_status tw_input_fopen(const char *path, unsigned flags, FILE **out) {
  struct stat sb;
  *out = NULL;
  /* O_NONBLOCK: opening a FIFO for reading must not wait for a writer. */
  int oflags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (refuse_symlink(flags) ? O_NOFOLLOW : 0);
  int fd = open(path, oflags);
  if (fd < 0) {
    if (errno == ELOOP && refuse_symlink(flags)) return symlink_error(path);
    return tw_error(TW_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
  }
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    tw_status st = fstat(fd, &sb) != 0
                       ? tw_error(TW_ERR_INPUT, "%s: cannot stat: %s", path, strerror(errno))
                       : tw_error(TW_ERR_INPUT, "%s: is %s, expected a regular file", path,
                                  kind_of(sb.st_mode));
    close(fd);
    return st;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  *out = fdopen(fd, "rb");
  if (!*out) {
    int err = errno;
    close(fd);
    return tw_error(err == ENOMEM ? TW_ERR_RESOURCE : TW_ERR_INPUT, "%s: cannot open: %s", path,
                    strerror(err));
  }
  return TW_OK;
}
