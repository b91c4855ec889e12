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

/* Prepend context ("while reading x.nc: ") to the current message, keeping
 * the code. Returns `code`. */
TW_API tw_status tw_error_prefix(tw_status code, const char *fmt, ...)
#if defined(__GNUC__)
           __attribute__((format(printf, 2, 3)))
#endif
           ;

/* The current thread's last error message ("" when none). Valid until the
 * next tw_error call on this thread. */
TW_API const char *tw_last_error(void);

/* Forget the last error message. */
TW_API void tw_error_clear(void);

/* A short name for a status code ("ok", "bad input", ...). */
TW_API const char *tw_status_name(tw_status s);

/* Allocation helpers that set a TW_ERR_RESOURCE message on failure.
 * `what` names the object for the message. Free with free(). */
TW_API tw_status tw_calloc(size_t count, size_t size, const char *what, void *out_ptr);

/* Propagate a failing status from the enclosing function. */
#define TW_CHECK(expr)                                                         \
  do {                                                                         \
    tw_status tw_check_status_ = (expr);                                       \
    if (tw_check_status_ != TW_OK) return tw_check_status_;                    \
  } while (0)

/* Store a failing status in `st` and jump to `cleanup:`. */
#define TW_CHECK_GOTO(st, expr)                                                \
  do {                                                                         \
    (st) = (expr);                                                             \
    if ((st) != TW_OK) goto cleanup;                                           \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif
