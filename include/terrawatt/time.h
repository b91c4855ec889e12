/* terrawatt: calendar-aware time (CF conventions).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_TIME_H
#define TERRAWATT_TIME_H

#include "terrawatt/export.h"

#include <stddef.h>
#include <stdint.h>

#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CF calendars. "gregorian" is an alias of "standard" (Julian before
 * 1582-10-15, Gregorian from then on); "365_day" of "noleap"; "366_day" of
 * "all_leap". */
typedef enum tw_calendar {
  TW_CAL_STANDARD = 0,
  TW_CAL_PROLEPTIC_GREGORIAN,
  TW_CAL_NOLEAP,
  TW_CAL_ALL_LEAP,
  TW_CAL_360_DAY,
  TW_CAL_JULIAN
} tw_calendar;

/* A broken-down date and time in some calendar (no time zone: UTC). */
typedef struct tw_datetime {
  int year;   /* astronomical year numbering (0 is 1 BC) */
  int month;  /* 1..12 */
  int day;    /* 1..31 (1..30 in 360_day) */
  int hour;   /* 0..23 */
  int minute; /* 0..59 */
  int second; /* 0..59 */
} tw_datetime;

/* A time instant: whole seconds since 1970-01-01T00:00:00 counted in the
 * calendar it belongs to. Instants of different calendars do not compare. */
typedef int64_t tw_time_s;

/* Parsed CF time units, "UNIT since DATE". */
typedef struct tw_time_units {
  double seconds_per_unit; /* 1, 60, 3600 or 86400 */
  tw_time_s epoch_s;       /* the reference DATE as an instant */
  tw_calendar calendar;
} tw_time_units;

/* Parse a CF calendar name (case-insensitive; NULL or "" means standard).
 * Fails with TW_ERR_INPUT naming the value. */
TW_API tw_status tw_calendar_parse(const char *name, tw_calendar *out);

/* The canonical CF name of a calendar. */
TW_API const char *tw_calendar_name(tw_calendar cal);

/* 1 if `year` is a leap year in `cal` (always 0 for noleap and 360_day). */
TW_API int tw_calendar_is_leap(tw_calendar cal, int year);

/* Number of days in month 1..12 of `year` in `cal`. */
TW_API int tw_calendar_days_in_month(tw_calendar cal, int year, int month);

/* Number of days in `year` in `cal`. */
TW_API int tw_calendar_days_in_year(tw_calendar cal, int year);

/* 1 if dt is a valid date and time in `cal` (in the standard calendar the
 * days 1582-10-05..14 do not exist). */
TW_API int tw_datetime_is_valid(tw_calendar cal, const tw_datetime *dt);

/* Convert between broken-down time and instants. tw_time_from_datetime
 * fails (TW_ERR_INPUT) for an invalid date. */
TW_API tw_status tw_time_from_datetime(tw_calendar cal, const tw_datetime *dt, tw_time_s *out);
TW_API void tw_time_to_datetime(tw_calendar cal, tw_time_s t, tw_datetime *out);

/* Day of year, 1-based. */
TW_API int tw_datetime_day_of_year(tw_calendar cal, const tw_datetime *dt);

/* Day of week, 0 = Monday .. 6 = Sunday, for real-world calendars
 * (standard, proleptic_gregorian, julian); for model calendars a
 * continuous 7-day cycle with 1970-01-01 a Thursday. */
TW_API int tw_time_day_of_week(tw_calendar cal, tw_time_s t);

/* Parse an ISO-like date "YYYY-MM-DD[( |T)HH[:MM[:SS[.fff]]]][Z|UTC|+00:00]".
 * Fractional seconds are truncated; a non-zero UTC offset is applied.
 * Fails with TW_ERR_INPUT naming the text. */
TW_API tw_status tw_datetime_parse(const char *text, tw_datetime *out, int *utc_offset_minutes);

/* Format as "YYYY-MM-DDTHH:MM:SS" into buf (at least 20 bytes; 32 is safe).
 * Returns buf. */
TW_API char *tw_datetime_format(const tw_datetime *dt, char *buf, size_t size);

/* Format an instant of `cal` as ISO text. Returns buf. */
TW_API char *tw_time_format(tw_calendar cal, tw_time_s t, char *buf, size_t size);

/* Parse CF time units "UNIT since DATE" for UNIT seconds, minutes, hours or
 * days (and their abbreviations). Months and years are rejected: CF leaves
 * their length undefined. Fails with TW_ERR_INPUT quoting `units`. */
TW_API tw_status tw_time_units_parse(const char *units, tw_calendar cal, tw_time_units *out);

/* Decode a raw time coordinate value into an instant, rounded to the
 * nearest second. Fails with TW_ERR_INPUT for a non-finite value or an
 * instant beyond +-3e16 s (about 950 million years) of 1970, where dates
 * would no longer fit a tw_datetime. */
TW_API tw_status tw_time_units_decode(const tw_time_units *u, double value, tw_time_s *out);

#ifdef __cplusplus
}
#endif
#endif
