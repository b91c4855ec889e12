/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static tw_log_level current_level = TW_LOG_INFO;
static int current_rank = -1;

void tw_log_set_level(tw_log_level level) { current_level = level; }
tw_log_level tw_log_get_level(void) { return current_level; }
void tw_log_set_rank(int rank) { current_rank = rank; }

int tw_log_level_parse(const char *text, tw_log_level *out) {
  static const char *const names[] = {"error", "warn", "info", "debug"};
  if (!text) return -1;
  for (int i = 0; i < 4; i++) {
    if (strcmp(text, names[i]) == 0 || (text[0] == (char)('0' + i) && text[1] == '\0')) {
      *out = (tw_log_level)i;
      return 0;
    }
  }
  if (strcmp(text, "warning") == 0) {
    *out = TW_LOG_WARN;
    return 0;
  }
  return -1;
}

int tw_log_init_from_env(void) {
  const char *env = getenv("TW_LOG_LEVEL");
  tw_log_level level;
  if (!env || !*env) return 0;
  if (tw_log_level_parse(env, &level) != 0) return -1;
  current_level = level;
  return 0;
}

void tw_log(tw_log_level level, const char *fmt, ...) {
  static const char *const tags[] = {"error", "warning", "info", "debug"};
  char line[4096];
  int used;
  va_list ap;
  if (level > current_level) return;
  if (current_rank >= 0)
    used = snprintf(line, sizeof line, "terrawatt[rank %d] %s: ", current_rank, tags[level]);
  else
    used = snprintf(line, sizeof line, "terrawatt %s: ", tags[level]);
  if (used < 0) return;
  va_start(ap, fmt);
  vsnprintf(line + used, sizeof line - (size_t)used, fmt, ap);
  va_end(ap);
  /* One fputs per line so lines from concurrent ranks do not interleave. */
  size_t len = strlen(line);
  if (len + 1 < sizeof line) {
    line[len] = '\n';
    line[len + 1] = '\0';
  }
  fputs(line, stderr);
}
