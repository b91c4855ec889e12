/* LD_PRELOAD fault injector for the reliability tests (docs/RELIABILITY.md).
 * Intercepts write, pwrite, pwrite64 and writev on file descriptors whose
 * path contains TW_FAULT_PATH (default ".tmp-": the temporary names of
 * atomic output files) and, after TW_FAULT_AFTER such calls (default 0):
 *   TW_FAULT_MODE=enospc  fails them with ENOSPC (a full disk), or
 *   TW_FAULT_MODE=kill    sends the process SIGKILL (a crash mid-write).
 * Everything else passes through. Test-only; not part of libterrawatt.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long tw_fault_count = 0;

/* 1 when this call on fd must fail (errno set) or never returns (kill). */
static int tw_fault_hit(int fd) {
  const char *mode = getenv("TW_FAULT_MODE");
  if (!mode || !*mode) return 0;
  const char *pattern = getenv("TW_FAULT_PATH");
  if (!pattern || !*pattern) pattern = ".tmp-";
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n <= 0) return 0;
  target[n] = '\0';
  if (!strstr(target, pattern)) return 0;
  const char *after = getenv("TW_FAULT_AFTER");
  long limit = after ? strtol(after, NULL, 10) : 0;
  if (tw_fault_count++ < limit) return 0;
  if (strcmp(mode, "kill") == 0) {
    kill(getpid(), SIGKILL);
    pause();
  }
  errno = ENOSPC;
  return 1;
}

ssize_t write(int fd, const void *buf, size_t count) {
  static ssize_t (*real)(int, const void *, size_t);
  if (!real) real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
  if (count > 0 && tw_fault_hit(fd)) return -1;
  return real(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t off) {
  static ssize_t (*real)(int, const void *, size_t, off_t);
  if (!real) real = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
  if (count > 0 && tw_fault_hit(fd)) return -1;
  return real(fd, buf, count, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t off) {
  static ssize_t (*real)(int, const void *, size_t, off_t);
  if (!real) real = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
  if (count > 0 && tw_fault_hit(fd)) return -1;
  return real(fd, buf, count, off);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
  static ssize_t (*real)(int, const struct iovec *, int);
  if (!real) real = (ssize_t(*)(int, const struct iovec *, int))dlsym(RTLD_NEXT, "writev");
  if (iovcnt > 0 && tw_fault_hit(fd)) return -1;
  return real(fd, iov, iovcnt);
}
