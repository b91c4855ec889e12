/* terrawatt: a progress display for long loops, shown only when stderr is a
 * terminal (never in batch logs).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_PROGRESS_H
#define TERRAWATT_PROGRESS_H

#include "terrawatt/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tw_progress {
  const char *label; /* borrowed, must outlive the progress */
  size_t total;      /* number of steps */
  size_t done;
  int enabled;       /* 1 when stderr is a TTY and the log level allows info */
  int last_percent;
} tw_progress;

/* Start a display of `total` steps labelled `label`. */
TW_API void tw_progress_begin(tw_progress *p, const char *label, size_t total);
/* Advance by `steps`; redraws at most once per percent. */
TW_API void tw_progress_step(tw_progress *p, size_t steps);
/* Finish the display (prints the final newline if anything was drawn). */
TW_API void tw_progress_end(tw_progress *p);

#ifdef __cplusplus
}
#endif
#endif
