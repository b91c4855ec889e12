/* terrawatt: logging to stderr with levels and the MPI rank in the prefix.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_LOG_H
#define TERRAWATT_LOG_H

#include "terrawatt/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tw_log_level {
  TW_LOG_ERROR = 0,
  TW_LOG_WARN = 1,
  TW_LOG_INFO = 2,
  TW_LOG_DEBUG = 3
} tw_log_level;

/* Set the threshold: messages above it are dropped. Default TW_LOG_INFO. */
TW_API void tw_log_set_level(tw_log_level level);
TW_API tw_log_level tw_log_get_level(void);

/* Parse "error", "warn", "info", "debug" (or 0..3). Returns 0 on success,
 * -1 if `text` is not a level. */
TW_API int tw_log_level_parse(const char *text, tw_log_level *out);

/* Apply TW_LOG_LEVEL from the environment if set and valid. Returns -1 and
 * leaves the level unchanged when it is set but invalid. */
TW_API int tw_log_init_from_env(void);

/* The MPI rank printed in the prefix ("[rank 0] "); -1 (default) prints
 * no rank. */
TW_API void tw_log_set_rank(int rank);

/* Write one line "terrawatt[rank N] LEVEL: message" to stderr. */
TW_API void tw_log(tw_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
           __attribute__((format(printf, 2, 3)))
#endif
           ;

#define TW_LOG_E(...) tw_log(TW_LOG_ERROR, __VA_ARGS__)
#define TW_LOG_W(...) tw_log(TW_LOG_WARN, __VA_ARGS__)
#define TW_LOG_I(...) tw_log(TW_LOG_INFO, __VA_ARGS__)
#define TW_LOG_D(...) tw_log(TW_LOG_DEBUG, __VA_ARGS__)

#ifdef __cplusplus
}
#endif
#endif
