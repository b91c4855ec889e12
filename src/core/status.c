/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/status.h"
#include "terrawatt/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TW_ERROR_MESSAGE_MAX = 2048 };

static _Thread_local char last_message[TW_ERROR_MESSAGE_MAX];

tw_status tw_error(tw_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_message, sizeof last_message, fmt, ap);
  va_end(ap);
  return code;
}

tw_status tw_error_prefix(tw_status code, const char *fmt, ...) {
  char prefix[TW_ERROR_MESSAGE_MAX];
  char joined[2 * TW_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  snprintf(joined, sizeof joined, "%s%s", prefix, last_message);
  joined[TW_ERROR_MESSAGE_MAX - 1] = '\0'; /* truncate long chains */
  memcpy(last_message, joined, TW_ERROR_MESSAGE_MAX);
  return code;
}

const char *tw_last_error(void) { return last_message; }

void tw_error_clear(void) { last_message[0] = '\0'; }

const char *tw_status_name(tw_status s) {
  switch (s) {
  case TW_OK: return "ok";
  case TW_ERR_USAGE: return "usage error";
  case TW_ERR_INPUT: return "bad input";
  case TW_ERR_INFEASIBLE: return "infeasible or unbounded";
  case TW_ERR_RESOURCE: return "resource error";
  case TW_ERR_INTERNAL: return "internal error";
  }
  return "unknown status";
}

tw_status tw_calloc(size_t count, size_t size, const char *what, void *out_ptr) {
  void **out = (void **)out_ptr;
  *out = NULL;
  if (count == 0 || size == 0) {
    count = 1;
    size = 1;
  }
  if (size > 0 && count > (size_t)-1 / size)
    return tw_error(TW_ERR_RESOURCE, "%s: size overflow (%zu x %zu bytes)", what, count, size);
  *out = tw_calloc_raw(count, size);
  if (!*out)
    return tw_error(TW_ERR_RESOURCE, "%s: out of memory allocating %zu bytes", what, count * size);
  return TW_OK;
}
