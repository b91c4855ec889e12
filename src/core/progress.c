/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/progress.h"
#include "terrawatt/log.h"

#include <stdio.h>
#include <unistd.h>

void tw_progress_begin(tw_progress *p, const char *label, size_t total) {
  p->label = label;
  p->total = total;
  p->done = 0;
  p->last_percent = -1;
  p->enabled = isatty(STDERR_FILENO) && tw_log_get_level() >= TW_LOG_INFO && total > 0;
}

void tw_progress_step(tw_progress *p, size_t steps) {
  p->done += steps;
  if (!p->enabled) return;
  int percent = (int)(100.0 * (double)p->done / (double)p->total);
  if (percent > 100) percent = 100;
  if (percent == p->last_percent) return;
  p->last_percent = percent;
  int bars = percent / 5;
  fprintf(stderr, "\r%s [%.*s%*s] %3d%%", p->label, bars, "####################", 20 - bars,
          "", percent);
  fflush(stderr);
}

void tw_progress_end(tw_progress *p) {
  if (p->enabled && p->last_percent >= 0) fputc('\n', stderr);
  p->enabled = 0;
}
