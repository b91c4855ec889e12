/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/status.h"
#include "terrawatt/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The functions, not the macros that add the call site. */
#undef tw_error
#undef tw_error_prefix

enum { TW_ERROR_MESSAGE_MAX = 2048 };

static _Thread_local char last_message[TW_ERROR_MESSAGE_MAX];
static _Thread_local tw_error_frame trace[TW_ERROR_TRACE_MAX];
static _Thread_local size_t trace_len, trace_dropped;

void tw_error_trace_push(const char *file, int line, const char *func) {
  if (trace_len < TW_ERROR_TRACE_MAX) {
    trace[trace_len].file = file;
    trace[trace_len].line = line;
    trace[trace_len].func = func;
    trace_len++;
  } else {
    trace_dropped++;
  }
}

static void trace_restart(const char *file, int line, const char *func) {
  trace_len = 0;
  trace_dropped = 0;
  if (file) tw_error_trace_push(file, line, func);
}

static void set_message(const char *fmt, va_list ap) {
  vsnprintf(last_message, sizeof last_message, fmt, ap);
}

static void prefix_message(const char *fmt, va_list ap) {
  char prefix[TW_ERROR_MESSAGE_MAX];
  char joined[2 * TW_ERROR_MESSAGE_MAX];
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  snprintf(joined, sizeof joined, "%s%s", prefix, last_message);
  joined[TW_ERROR_MESSAGE_MAX - 1] = '\0'; /* truncate long chains */
  memcpy(last_message, joined, TW_ERROR_MESSAGE_MAX);
}

tw_status tw_error(tw_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_message(fmt, ap);
  va_end(ap);
  trace_restart(NULL, 0, NULL);
  return code;
}

tw_status tw_error_at(const char *file, int line, const char *func, tw_status code,
                      const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_message(fmt, ap);
  va_end(ap);
  trace_restart(file, line, func);
  return code;
}

tw_status tw_error_prefix(tw_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  prefix_message(fmt, ap);
  va_end(ap);
  return code;
}

tw_status tw_error_prefix_at(const char *file, int line, const char *func, tw_status code,
                             const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  prefix_message(fmt, ap);
  va_end(ap);
  tw_error_trace_push(file, line, func);
  return code;
}

size_t tw_error_trace(const tw_error_frame **frames) {
  if (frames) *frames = trace;
  return trace_len;
}

size_t tw_error_trace_dropped(void) { return trace_dropped; }

/* "/work/x/src/ingest/nc_util.c" -> "src/ingest/nc_util.c": the path from the
 * project's top folders on, so traces read the same in every build tree. */
static const char *short_path(const char *file) {
  static const char *const tops[] = {"/src/", "/include/", "/kernels/", "/tests/"};
  const char *last = NULL; /* the last top folder in the path wins */
  for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++)
    for (const char *hit = strstr(file, tops[i]); hit; hit = strstr(hit + 1, tops[i]))
      if (!last || hit > last) last = hit;
  return last ? last + 1 : file;
}

size_t tw_error_trace_format(char *buf, size_t size) {
  size_t used = 0, written = 0;
  if (!buf || size == 0) return 0;
  buf[0] = '\0';
  for (size_t i = 0; i < trace_len; i++) {
    int n = snprintf(buf + used, size - used, "  at %s (%s:%d)\n", trace[i].func ? trace[i].func : "?",
                     trace[i].file ? short_path(trace[i].file) : "?", trace[i].line);
    if (n < 0 || (size_t)n >= size - used) {
      buf[used] = '\0'; /* keep whole lines only */
      return written;
    }
    used += (size_t)n;
    written++;
  }
  if (trace_dropped > 0) {
    int n = snprintf(buf + used, size - used, "  ... %zu more\n", trace_dropped);
    if (n < 0 || (size_t)n >= size - used) buf[used] = '\0';
  }
  return written;
}

const char *tw_last_error(void) { return last_message; }

void tw_error_clear(void) {
  last_message[0] = '\0';
  trace_restart(NULL, 0, NULL);
}

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
