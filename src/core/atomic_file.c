/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "terrawatt/alloc.h"

static tw_status io_error(const char *what, const char *path, int err) {
  tw_status code = (err == ENOSPC || err == EDQUOT || err == EIO || err == ENOMEM || err == EROFS)
                       ? TW_ERR_RESOURCE
                       : TW_ERR_INPUT;
  if (err == EACCES || err == EPERM) code = TW_ERR_RESOURCE;
  return tw_error(code, "%s: %s: %s", path, what, strerror(err));
}

tw_status tw_atomic_temp_path(const char *final_path, char **out) {
  static unsigned counter = 0;
  const char *slash = strrchr(final_path, '/');
  size_t dir_len = slash ? (size_t)(slash - final_path + 1) : 0;
  const char *name = final_path + dir_len;
  size_t n = strlen(final_path) + 48;
  char *p = tw_malloc(n);
  if (!p) return tw_error(TW_ERR_RESOURCE, "%s: out of memory", final_path);
  snprintf(p, n, "%.*s.%s.tmp-%ld-%u", (int)dir_len, final_path, name, (long)getpid(), counter++);
  *out = p;
  return TW_OK;
}

/* fsync the directory holding `path`, so the rename itself survives a
 * power cut (the file's data was synced before the rename). File systems
 * that cannot sync a directory (EINVAL) are accepted. */
static tw_status sync_parent_dir(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[4096];
  if (!slash) {
    memcpy(dir, ".", 2);
  } else {
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof dir) return TW_OK;
    memcpy(dir, path, n);
    dir[n] = '\0';
  }
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return TW_OK; /* e.g. a directory without read permission: nothing to sync */
  int rc = fsync(fd), err = errno;
  close(fd);
  if (rc != 0 && err != EINVAL && err != ENOTSUP)
    return io_error("fsync of the directory failed", path, err);
  return TW_OK;
}

tw_status tw_atomic_commit(const char *temp_path, const char *final_path) {
  int fd = open(temp_path, O_RDONLY);
  if (fd < 0) return io_error("cannot reopen temporary file", temp_path, errno);
  if (fsync(fd) != 0) {
    int err = errno;
    close(fd);
    unlink(temp_path);
    return io_error("fsync failed", final_path, err);
  }
  close(fd);
  if (rename(temp_path, final_path) != 0) {
    int err = errno;
    unlink(temp_path);
    return io_error("rename failed", final_path, err);
  }
  return sync_parent_dir(final_path);
}

void tw_atomic_abandon(const char *temp_path) {
  if (temp_path) unlink(temp_path);
}

tw_status tw_atomic_write(const char *final_path, const void *data, size_t size) {
  char *tmp = NULL;
  tw_status st = tw_atomic_temp_path(final_path, &tmp);
  if (st != TW_OK) return st;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    st = io_error("cannot create", final_path, errno);
    free(tmp);
    return st;
  }
  const char *p = data;
  size_t left = size;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      st = io_error("write failed", final_path, errno);
      close(fd);
      unlink(tmp);
      free(tmp);
      return st;
    }
    p += w;
    left -= (size_t)w;
  }
  if (close(fd) != 0) {
    st = io_error("close failed", final_path, errno);
    unlink(tmp);
    free(tmp);
    return st;
  }
  st = tw_atomic_commit(tmp, final_path);
  free(tmp);
  return st;
}

tw_status tw_mkdir_p(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) return tw_error(TW_ERR_INPUT, "directory path '%s' is empty or too long", path);
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    char saved = buf[i];
    buf[i] = '\0';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) return io_error("cannot create directory", buf, errno);
    buf[i] = saved;
  }
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return tw_error(TW_ERR_INPUT, "%s: exists and is not a directory", path);
  return TW_OK;
}
