/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "terrawatt/log.h"

tw_cli_globals tw_cli_global = {TW_BACKEND_AUTO, 0, 1};

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

int tw_cli_require_path(const char *cmd, const char *path) {
  struct stat sb;
  if (stat(path, &sb) == 0) return 0;
  tw_error(TW_ERR_INPUT, "%s: %s", path, strerror(errno));
  return tw_cli_fail(cmd, TW_ERR_INPUT);
}
