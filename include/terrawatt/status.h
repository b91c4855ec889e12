/* terrawatt: status codes and error messages.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_STATUS_H
#define TERRAWATT_STATUS_H

#include "terrawatt/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible function returns a tw_status. The numeric values are the
 * process exit codes of the CLI (see docs/ARCHITECTURE.md). */
typedef enum tw_status {
  TW_OK = 0,
  TW_ERR_USAGE = 1,      /* bad command line */
  TW_ERR_INPUT = 2,      /* bad input: file, variable or value named */
  TW_ERR_INFEASIBLE = 3, /* LP infeasible or unbounded */
  TW_ERR_RESOURCE = 4,   /* memory, disk, GPU */
  TW_ERR_INTERNAL = 5    /* a bug or an unexpected library failure */
} tw_status;

/* Record a formatted message for `code` as the current thread's last error
 * and return `code`. Use as `return tw_error(TW_ERR_INPUT, "%s: ...", path)`.
 * The message should name the file, variable and offending value. */
TW_API tw_status tw_error(tw_status code, const char *fmt, ...)
#if defined(__GNUC__)
           __attribute__((format(printf, 2, 3)))
#endif
           ;

/* tw_error with the place that raised it: starts a new error trace (see
 * tw_error_trace) at file:line in function `func`. The tw_error macro below
 * calls this, so every raise site is recorded without naming it. */
TW_API tw_status tw_error_at(const char *file, int line, const char *func, tw_status code,
                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
#define tw_error(...) tw_error_at(__FILE__, __LINE__, __func__, __VA_ARGS__)

/* Prepend context ("while reading x.nc: ") to the current message, keeping
 * the code. Returns `code`. */
TW_API tw_status tw_error_prefix(tw_status code, const char *fmt, ...)
#if defined(__GNUC__)
           __attribute__((format(printf, 2, 3)))
#endif
           ;

/* tw_error_prefix that also appends file:line/`func` to the error trace. */
TW_API tw_status tw_error_prefix_at(const char *file, int line, const char *func, tw_status code,
                             const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
#define tw_error_prefix(...) tw_error_prefix_at(__FILE__, __LINE__, __func__, __VA_ARGS__)

/* The current thread's last error message ("" when none). Valid until the
 * next tw_error call on this thread. */
TW_API const char *tw_last_error(void);

/* Forget the last error message and its trace. */
TW_API void tw_error_clear(void);

/* ---- error trace -------------------------------------------------------
 * Each thread keeps the places its current error passed through: frame 0
 * is where tw_error raised it, then one frame per TW_CHECK, TW_CHECK_GOTO or
 * tw_error_prefix that propagated it, innermost first. The trace is a fixed
 * array of string-literal pointers (nothing is allocated on the error path);
 * frames past TW_ERROR_TRACE_MAX are counted, not stored. The CLI prints it
 * under --verbose. Never branch on the trace or the message: they are for
 * people (use the status code and structured results for decisions). */
enum { TW_ERROR_TRACE_MAX = 16 };

typedef struct tw_error_frame {
  const char *file; /* __FILE__ of the raise or propagation site */
  int line;
  const char *func; /* __func__ */
} tw_error_frame;

/* The current thread's trace: stores its frames' address in *frames (may be
 * NULL) and returns how many are stored (0..TW_ERROR_TRACE_MAX). */
TW_API size_t tw_error_trace(const tw_error_frame **frames);

/* Frames that did not fit in the trace (propagations beyond the maximum). */
TW_API size_t tw_error_trace_dropped(void);

/* Append a propagation site to the current thread's trace (TW_CHECK does). */
TW_API void tw_error_trace_push(const char *file, int line, const char *func);

/* Write the trace as lines "  at func (src/dir/file.c:123)" into buf
 * (always NUL-terminated, cut to `size`). Returns the number of frames
 * written. File names are shown from their src/ (or include/, kernels/,
 * tests/) folder on. */
TW_API size_t tw_error_trace_format(char *buf, size_t size);

/* A short name for a status code ("ok", "bad input", ...). */
TW_API const char *tw_status_name(tw_status s);

/* Allocation helpers that set a TW_ERR_RESOURCE message on failure.
 * `what` names the object for the message. Free with free(). */
TW_API tw_status tw_calloc(size_t count, size_t size, const char *what, void *out_ptr);

/* Propagate a failing status from the enclosing function, recording this
 * file, line and function in the error trace. */
#define TW_CHECK(expr)                                                         \
  do {                                                                         \
    tw_status tw_check_status_ = (expr);                                       \
    if (tw_check_status_ != TW_OK) {                                           \
      tw_error_trace_push(__FILE__, __LINE__, __func__);                       \
      return tw_check_status_;                                                 \
    }                                                                          \
  } while (0)

/* Store a failing status in `st`, record this place in the error trace and
 * jump to `cleanup:`. */
#define TW_CHECK_GOTO(st, expr)                                                \
  do {                                                                         \
    (st) = (expr);                                                             \
    if ((st) != TW_OK) {                                                       \
      tw_error_trace_push(__FILE__, __LINE__, __func__);                       \
      goto cleanup;                                                            \
    }                                                                          \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif
