/* The run's output folder: an advisory lock against a second run on the
 * same folder, and cleaning what killed or failed runs left behind.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_internal.h"
#include "terrawatt/log.h"

#define LOCK_NAME ".terrawatt.lock"

tw_status tw_run_lock(const char *out_dir, int *fd) {
  char path[4096];
  *fd = -1;
  if (snprintf(path, sizeof path, "%s/%s", out_dir, LOCK_NAME) >= (int)sizeof path)
    return tw_error(TW_ERR_INPUT, "%s: output folder path too long", out_dir);
  int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (f < 0)
    return tw_error(errno == ENOSPC || errno == EROFS || errno == EACCES ? TW_ERR_RESOURCE
                                                                         : TW_ERR_INPUT,
                    "%s: cannot create the lock file: %s", path, strerror(errno));
  if (flock(f, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    char pid[32] = {0};
    ssize_t n = pread(f, pid, sizeof pid - 1, 0);
    close(f);
    if (n > 0) pid[strcspn(pid, "\n")] = '\0';
    if (err == EWOULDBLOCK)
      return tw_error(TW_ERR_INPUT,
                      "%s: the output folder is in use by another terrawatt run (PID %s); wait "
                      "for it to finish or choose another --out",
                      out_dir, n > 0 ? pid : "unknown");
    return tw_error(TW_ERR_RESOURCE, "%s: cannot lock: %s", path, strerror(err));
  }
  char text[32];
  int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
  if (ftruncate(f, 0) != 0 || pwrite(f, text, (size_t)len, 0) != len) {
    int err = errno;
    close(f);
    return tw_error(TW_ERR_RESOURCE, "%s: cannot write the lock file: %s", path, strerror(err));
  }
  *fd = f;
  return TW_OK;
}

void tw_run_unlock(int *fd) {
  if (*fd >= 0) close(*fd); /* closing releases the flock */
  *fd = -1;
}

/* ".NAME.tmp-PID-N", the temporary names of atomic_file.c. */
static int is_temp_name(const char *n) {
  const char *t = strstr(n, ".tmp-");
  if (n[0] != '.' || !t || t == n) return 0;
  const char *p = t + 5;
  size_t digits = strspn(p, "0123456789");
  if (!digits || p[digits] != '-') return 0;
  p += digits + 1;
  digits = strspn(p, "0123456789");
  return digits > 0 && p[digits] == '\0';
}

/* Remove stale temporary files under dir (depth levels of task folders). */
static void clean_temps(const char *dir, int depth, size_t *removed) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    char path[4096];
    struct stat sb;
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
    if (lstat(path, &sb) != 0) continue;
    if (S_ISDIR(sb.st_mode)) {
      if (depth > 0 && e->d_name[0] != '.') clean_temps(path, depth - 1, removed);
    } else if (S_ISREG(sb.st_mode) && is_temp_name(e->d_name)) {
      if (unlink(path) == 0) (*removed)++;
    }
  }
  closedir(d);
}

static const char *const summaries[] = {"summary.json", "summary.csv", "ensemble.csv",
                                        "tasks.tsv", "report.html", NULL};

void tw_run_remove_summaries(const char *out_dir) {
  for (size_t i = 0; summaries[i]; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, summaries[i]);
    unlink(path);
  }
}

tw_status tw_run_clean_folder(const char *out_dir) {
  size_t temps = 0, old = 0;
  clean_temps(out_dir, 2, &temps); /* OUT, OUT/<scenario>, OUT/<scenario>/<member> */
  if (temps) TW_LOG_I("%s: removed %zu temporary file%s left by an interrupted run", out_dir, temps,
                      temps == 1 ? "" : "s");
  for (size_t i = 0; summaries[i]; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, summaries[i]);
    if (unlink(path) == 0) old++;
    else if (errno != ENOENT)
      return tw_error(TW_ERR_RESOURCE, "%s: cannot remove the previous run's summary: %s", path,
                      strerror(errno));
  }
  if (old) TW_LOG_I("%s: removed the previous run's summaries (rewritten at the end of this run)",
                    out_dir);
  return TW_OK;
}
