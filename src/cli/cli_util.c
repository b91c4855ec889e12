/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "terrawatt/log.h"

tw_cli_globals tw_cli_global = {TW_BACKEND_AUTO, -1, 0, 1};

int tw_cli_usage_error(const char *cmd, const char *fmt, ...) {
  char message[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  fprintf(stderr, "terrawatt %s: %s\nTry 'terrawatt %s --help'.\n", cmd, message, cmd);
  return TW_ERR_USAGE;
}

int tw_cli_fail(const char *cmd, tw_status st) {
  const char *message = tw_last_error();
  TW_LOG_E("%s: %s", cmd, message[0] ? message : tw_status_name(st));
  if (tw_log_get_level() >= TW_LOG_DEBUG) {
    /* --verbose: where the error was raised and the calls it came back
     * through (a fixed buffer: nothing here can fail for lack of memory). */
    char trace[TW_ERROR_TRACE_MAX * 160];
    if (tw_error_trace_format(trace, sizeof trace) > 0)
      fprintf(stderr, "terrawatt %s: error trace (innermost first):\n%s", cmd, trace);
  }
  return (int)st;
}

int tw_cli_is_help(const char *arg) { return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0; }

int tw_cli_parse_int(const char *cmd, const char *option, const char *text, long min, long max,
                     long *out) {
  char *end = NULL;
  errno = 0;
  long value = text ? strtol(text, &end, 10) : 0;
  if (!text || !*text || *end != '\0' || errno != 0 || value < min || value > max) {
    tw_cli_usage_error(cmd, "%s expects an integer in %ld..%ld, got '%s'", option, min, max,
                       text ? text : "");
    return 1;
  }
  *out = value;
  return 0;
}

int tw_cli_check_out_path(const char *cmd, const char *option, const char *path, int want_dir) {
  struct stat sb;
  char dir[4096];
  const char *slash = strrchr(path, '/');
  if (!*path) {
    tw_error(TW_ERR_INPUT, "%s: empty path", option);
    return tw_cli_fail(cmd, TW_ERR_INPUT);
  }
  if (slash && slash[1] == '\0') { /* "dir/": a folder named by its trailing slash */
    if (stat(path, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
      tw_error(TW_ERR_INPUT, "%s %s: exists and is not a directory", option, path);
      return tw_cli_fail(cmd, TW_ERR_INPUT);
    }
    return 0;
  }
  size_t n = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
  if (n >= sizeof dir) {
    tw_error(TW_ERR_INPUT, "%s %s: path too long", option, path);
    return tw_cli_fail(cmd, TW_ERR_INPUT);
  }
  memcpy(dir, slash ? path : ".", n);
  dir[n] = '\0';
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    tw_error(TW_ERR_INPUT, "%s %s: the directory '%s' %s", option, path, dir,
             stat(dir, &sb) != 0 ? "does not exist" : "is not a directory");
    return tw_cli_fail(cmd, TW_ERR_INPUT);
  }
  if (stat(path, &sb) == 0 && (S_ISDIR(sb.st_mode) != 0) != (want_dir != 0)) {
    tw_error(TW_ERR_INPUT, "%s %s: exists and is %s", option, path,
             want_dir ? "not a directory" : "a directory, expected a file name");
    return tw_cli_fail(cmd, TW_ERR_INPUT);
  }
  return 0;
}

int tw_cli_require_path(const char *cmd, const char *path) {
  struct stat sb;
  if (stat(path, &sb) == 0) return 0;
  tw_error(TW_ERR_INPUT, "%s: %s", path, strerror(errno));
  return tw_cli_fail(cmd, TW_ERR_INPUT);
}
