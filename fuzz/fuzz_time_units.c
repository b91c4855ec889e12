/* libFuzzer harness: CF calendars, time units and ISO dates
 * (tw_calendar_parse, tw_time_units_parse, tw_time_units_decode,
 * tw_datetime_parse, tw_time_from_datetime / tw_time_to_datetime).
 * Input: "CALENDAR\nUNITS\nDATETIME\n" followed by raw 8-byte doubles that
 * are decoded as time values.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "fuzz_common.h"
#include "terrawatt/time.h"

static const char *next_line(const char **p, const char *end, char *buf, size_t cap) {
  size_t n = 0;
  while (*p < end && **p != '\n') {
    if (n + 1 < cap) buf[n++] = **p;
    (*p)++;
  }
  if (*p < end) (*p)++;
  buf[n] = '\0';
  return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char cal_text[128], units[256], date[128];
  const char *p = (const char *)data, *end = p + size;
  tw_fuzz_quiet();
  next_line(&p, end, cal_text, sizeof cal_text);
  next_line(&p, end, units, sizeof units);
  next_line(&p, end, date, sizeof date);
  tw_calendar cal = TW_CAL_STANDARD;
  if (tw_calendar_parse(cal_text, &cal) != TW_OK) cal = (tw_calendar)(size % 6);
  char buf[64];
  tw_time_units u;
  if (tw_time_units_parse(units, cal, &u) == TW_OK) {
    while (end - p >= 8) {
      double v;
      memcpy(&v, p, 8);
      p += 8;
      tw_time_s t;
      if (tw_time_units_decode(&u, v, &t) == TW_OK) {
        tw_datetime dt;
        tw_time_to_datetime(cal, t, &dt);
        tw_time_format(cal, t, buf, sizeof buf);
        (void)tw_time_day_of_week(cal, t);
        tw_time_s back;
        if (tw_datetime_is_valid(cal, &dt) && tw_time_from_datetime(cal, &dt, &back) == TW_OK &&
            back != t)
          __builtin_trap(); /* the round trip must be exact */
      }
    }
  }
  tw_datetime dt;
  int offset = 0;
  if (tw_datetime_parse(date, &dt, &offset) == TW_OK) {
    tw_time_s t;
    if (tw_time_from_datetime(cal, &dt, &t) == TW_OK) {
      (void)tw_datetime_day_of_year(cal, &dt);
      tw_datetime_format(&dt, buf, sizeof buf);
    }
  }
  return 0;
}
