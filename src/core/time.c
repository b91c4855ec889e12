/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/time.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { SECONDS_PER_DAY = 86400 };

/* Julian Day Number of 1970-01-01 (Gregorian). */
static const int64_t JDN_UNIX_EPOCH = 2440588;
/* JDN of the first Gregorian day, 1582-10-15, in the standard calendar. */
static const int64_t JDN_GREGORIAN_START = 2299161;

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* Howard Hinnant's days_from_civil: proleptic Gregorian days since 1970. */
static int64_t gregorian_days(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void gregorian_civil(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Julian-calendar days since 0000-03-01 (Julian). */
static int64_t julian_raw(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return 365 * y + floor_div(y, 4) + doy;
}

static void julian_civil_raw(int64_t z, int *y, int *m, int *d) {
  int64_t yy = floor_div(4 * z + 3, 1461);
  const int64_t doy = z - (365 * yy + floor_div(yy, 4));
  const int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yy + (*m <= 2));
}

/* JDN of Julian day 0000-03-01: anchored on 1582-10-04 (Julian) = JDN 2299160. */
static int64_t julian_raw_to_jdn(void) { return 2299160 - julian_raw(1582, 10, 4); }

static const int cum_noleap[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
static const int cum_leap[12] = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335};

static int64_t model_days_raw(tw_calendar cal, int64_t y, int m, int d) {
  switch (cal) {
  case TW_CAL_NOLEAP: return y * 365 + cum_noleap[m - 1] + d - 1;
  case TW_CAL_ALL_LEAP: return y * 366 + cum_leap[m - 1] + d - 1;
  default: return y * 360 + (m - 1) * 30 + d - 1; /* 360_day */
  }
}

/* Days since 1970-01-01 in `cal` for a valid date. */
static int64_t days_since_epoch(tw_calendar cal, int y, int m, int d) {
  switch (cal) {
  case TW_CAL_PROLEPTIC_GREGORIAN: return gregorian_days(y, m, d);
  case TW_CAL_JULIAN: return julian_raw(y, m, d) + julian_raw_to_jdn() - JDN_UNIX_EPOCH;
  case TW_CAL_STANDARD: {
    int64_t g = gregorian_days(y, m, d);
    if (g + JDN_UNIX_EPOCH >= JDN_GREGORIAN_START && (y > 1582 || (y == 1582 && (m > 10 || (m == 10 && d >= 15)))))
      return g;
    return julian_raw(y, m, d) + julian_raw_to_jdn() - JDN_UNIX_EPOCH;
  }
  default: return model_days_raw(cal, y, m, d) - model_days_raw(cal, 1970, 1, 1);
  }
}

static void civil_from_days(tw_calendar cal, int64_t days, int *y, int *m, int *d) {
  switch (cal) {
  case TW_CAL_PROLEPTIC_GREGORIAN: gregorian_civil(days, y, m, d); return;
  case TW_CAL_STANDARD:
    if (days + JDN_UNIX_EPOCH >= JDN_GREGORIAN_START) {
      gregorian_civil(days, y, m, d);
      return;
    }
    julian_civil_raw(days + JDN_UNIX_EPOCH - julian_raw_to_jdn(), y, m, d);
    return;
  case TW_CAL_JULIAN: julian_civil_raw(days + JDN_UNIX_EPOCH - julian_raw_to_jdn(), y, m, d); return;
  default: break;
  }
  const int year_len = cal == TW_CAL_NOLEAP ? 365 : cal == TW_CAL_ALL_LEAP ? 366 : 360;
  int64_t raw = days + model_days_raw(cal, 1970, 1, 1);
  int64_t yy = floor_div(raw, year_len);
  int doy = (int)(raw - yy * year_len);
  *y = (int)yy;
  if (cal == TW_CAL_360_DAY) {
    *m = doy / 30 + 1;
    *d = doy % 30 + 1;
    return;
  }
  const int *cum = cal == TW_CAL_NOLEAP ? cum_noleap : cum_leap;
  int month = 12;
  while (month > 1 && cum[month - 1] > doy) month--;
  *m = month;
  *d = doy - cum[month - 1] + 1;
}

tw_status tw_calendar_parse(const char *name, tw_calendar *out) {
  static const struct {
    const char *name;
    tw_calendar cal;
  } names[] = {{"standard", TW_CAL_STANDARD},    {"gregorian", TW_CAL_STANDARD},
               {"proleptic_gregorian", TW_CAL_PROLEPTIC_GREGORIAN},
               {"noleap", TW_CAL_NOLEAP},        {"365_day", TW_CAL_NOLEAP},
               {"all_leap", TW_CAL_ALL_LEAP},    {"366_day", TW_CAL_ALL_LEAP},
               {"360_day", TW_CAL_360_DAY},      {"julian", TW_CAL_JULIAN}};
  if (!name || !*name) {
    *out = TW_CAL_STANDARD;
    return TW_OK;
  }
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcasecmp(name, names[i].name) == 0) {
      *out = names[i].cal;
      return TW_OK;
    }
  }
  return tw_error(TW_ERR_INPUT, "calendar '%s' is not a CF calendar (standard, gregorian, "
                                "proleptic_gregorian, noleap, 365_day, all_leap, 366_day, "
                                "360_day, julian)", name);
}

const char *tw_calendar_name(tw_calendar cal) {
  switch (cal) {
  case TW_CAL_STANDARD: return "standard";
  case TW_CAL_PROLEPTIC_GREGORIAN: return "proleptic_gregorian";
  case TW_CAL_NOLEAP: return "noleap";
  case TW_CAL_ALL_LEAP: return "all_leap";
  case TW_CAL_360_DAY: return "360_day";
  case TW_CAL_JULIAN: return "julian";
  }
  return "unknown";
}

int tw_calendar_is_leap(tw_calendar cal, int year) {
  switch (cal) {
  case TW_CAL_NOLEAP:
  case TW_CAL_360_DAY: return 0;
  case TW_CAL_ALL_LEAP: return 1;
  case TW_CAL_JULIAN: return floor_div(year, 4) * 4 == year;
  case TW_CAL_STANDARD:
    if (year < 1582) return floor_div(year, 4) * 4 == year;
    /* fall through */
  case TW_CAL_PROLEPTIC_GREGORIAN:
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }
  return 0;
}

int tw_calendar_days_in_month(tw_calendar cal, int year, int month) {
  static const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (cal == TW_CAL_360_DAY) return 30;
  if (month == 2) return 28 + tw_calendar_is_leap(cal, year);
  return lengths[month - 1];
}

int tw_calendar_days_in_year(tw_calendar cal, int year) {
  if (cal == TW_CAL_360_DAY) return 360;
  if (cal == TW_CAL_STANDARD && year == 1582) return 355; /* 10 days dropped */
  return 365 + tw_calendar_is_leap(cal, year);
}

int tw_datetime_is_valid(tw_calendar cal, const tw_datetime *dt) {
  if (dt->month < 1 || dt->month > 12) return 0;
  if (dt->day < 1 || dt->day > tw_calendar_days_in_month(cal, dt->year, dt->month)) return 0;
  if (cal == TW_CAL_STANDARD && dt->year == 1582 && dt->month == 10 && dt->day > 4 && dt->day < 15)
    return 0;
  if (dt->hour < 0 || dt->hour > 23 || dt->minute < 0 || dt->minute > 59) return 0;
  if (dt->second < 0 || dt->second > 59) return 0;
  return 1;
}

tw_status tw_time_from_datetime(tw_calendar cal, const tw_datetime *dt, tw_time_s *out) {
  if (!tw_datetime_is_valid(cal, dt))
    return tw_error(TW_ERR_INPUT, "date %04d-%02d-%02d %02d:%02d:%02d does not exist in the %s calendar",
                    dt->year, dt->month, dt->day, dt->hour, dt->minute, dt->second,
                    tw_calendar_name(cal));
  *out = days_since_epoch(cal, dt->year, dt->month, dt->day) * SECONDS_PER_DAY +
         (int64_t)dt->hour * 3600 + (int64_t)dt->minute * 60 + dt->second;
  return TW_OK;
}

void tw_time_to_datetime(tw_calendar cal, tw_time_s t, tw_datetime *out) {
  int64_t days = floor_div(t, SECONDS_PER_DAY);
  int64_t sod = t - days * SECONDS_PER_DAY;
  civil_from_days(cal, days, &out->year, &out->month, &out->day);
  out->hour = (int)(sod / 3600);
  out->minute = (int)(sod % 3600 / 60);
  out->second = (int)(sod % 60);
}

int tw_datetime_day_of_year(tw_calendar cal, const tw_datetime *dt) {
  return (int)(days_since_epoch(cal, dt->year, dt->month, dt->day) -
               days_since_epoch(cal, dt->year, 1, 1)) + 1;
}

int tw_time_day_of_week(tw_calendar cal, tw_time_s t) {
  (void)cal;
  int64_t days = floor_div(t, SECONDS_PER_DAY);
  /* 1970-01-01 was a Thursday (index 3). */
  return (int)(((days % 7) + 7 + 3) % 7);
}

static int parse_int(const char **p, int min_digits, int max_digits, int *out) {
  int n = 0, value = 0;
  while (n < max_digits && isdigit((unsigned char)**p)) {
    value = value * 10 + (**p - '0');
    (*p)++;
    n++;
  }
  if (n < min_digits) return -1;
  *out = value;
  return 0;
}

tw_status tw_datetime_parse(const char *text, tw_datetime *out, int *utc_offset_minutes) {
  const char *p = text;
  tw_datetime dt = {0, 1, 1, 0, 0, 0};
  int sign = 1, offset = 0;
  while (*p == ' ') p++;
  if (*p == '-') {
    sign = -1;
    p++;
  }
  if (parse_int(&p, 1, 6, &dt.year) != 0 || *p++ != '-') goto bad;
  dt.year *= sign;
  if (parse_int(&p, 1, 2, &dt.month) != 0) goto bad;
  if (*p == '-') {
    p++;
    if (parse_int(&p, 1, 2, &dt.day) != 0) goto bad;
  }
  if (*p == 'T' || *p == ' ') {
    while (*p == 'T' || *p == ' ') p++;
    if (isdigit((unsigned char)*p)) {
      if (parse_int(&p, 1, 2, &dt.hour) != 0) goto bad;
      if (*p == ':') {
        p++;
        if (parse_int(&p, 1, 2, &dt.minute) != 0) goto bad;
        if (*p == ':') {
          p++;
          if (parse_int(&p, 1, 2, &dt.second) != 0) goto bad;
          if (*p == '.') {
            p++;
            while (isdigit((unsigned char)*p)) p++;
          }
        }
      }
    }
  }
  while (*p == ' ') p++;
  if (*p == 'Z') p++;
  else if (strncasecmp(p, "UTC", 3) == 0 || strncasecmp(p, "GMT", 3) == 0) p += 3;
  if (*p == '+' || *p == '-') {
    int osign = *p == '-' ? -1 : 1, oh = 0, om = 0;
    p++;
    if (parse_int(&p, 1, 2, &oh) != 0) goto bad;
    if (*p == ':') p++;
    if (isdigit((unsigned char)*p) && parse_int(&p, 1, 2, &om) != 0) goto bad;
    offset = osign * (oh * 60 + om);
  }
  while (*p == ' ') p++;
  if (*p != '\0') goto bad;
  *out = dt;
  if (utc_offset_minutes) *utc_offset_minutes = offset;
  return TW_OK;
bad:
  return tw_error(TW_ERR_INPUT, "date '%s' is not of the form YYYY-MM-DD[ HH:MM:SS]", text);
}

char *tw_datetime_format(const tw_datetime *dt, char *buf, size_t size) {
  snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d", dt->year, dt->month, dt->day, dt->hour,
           dt->minute, dt->second);
  return buf;
}

char *tw_time_format(tw_calendar cal, tw_time_s t, char *buf, size_t size) {
  tw_datetime dt;
  tw_time_to_datetime(cal, t, &dt);
  return tw_datetime_format(&dt, buf, size);
}

tw_status tw_time_units_parse(const char *units, tw_calendar cal, tw_time_units *out) {
  static const struct {
    const char *name;
    double seconds;
  } unit_names[] = {{"seconds", 1},   {"second", 1},   {"secs", 1},   {"sec", 1},  {"s", 1},
                    {"minutes", 60},  {"minute", 60},  {"mins", 60},  {"min", 60},
                    {"hours", 3600},  {"hour", 3600},  {"hrs", 3600}, {"hr", 3600}, {"h", 3600},
                    {"days", 86400},  {"day", 86400},  {"d", 86400}};
  char unit[32];
  const char *p, *since;
  size_t len;
  tw_datetime dt;
  int offset = 0;
  if (!units || !*units) return tw_error(TW_ERR_INPUT, "time units are missing or empty");
  p = units;
  while (*p == ' ') p++;
  since = strstr(p, " since ");
  if (!since) return tw_error(TW_ERR_INPUT, "time units '%s' are not of the form 'UNIT since DATE'", units);
  len = (size_t)(since - p);
  if (len == 0 || len >= sizeof unit)
    return tw_error(TW_ERR_INPUT, "time units '%s' are not of the form 'UNIT since DATE'", units);
  memcpy(unit, p, len);
  unit[len] = '\0';
  out->seconds_per_unit = 0;
  for (size_t i = 0; i < sizeof unit_names / sizeof unit_names[0]; i++)
    if (strcasecmp(unit, unit_names[i].name) == 0) out->seconds_per_unit = unit_names[i].seconds;
  if (out->seconds_per_unit == 0)
    return tw_error(TW_ERR_INPUT, "time units '%s': unit '%s' is not seconds, minutes, hours or days "
                                  "(months and years have no fixed length in CF)", units, unit);
  if (tw_datetime_parse(since + 7, &dt, &offset) != TW_OK)
    return tw_error(TW_ERR_INPUT, "time units '%s': reference date '%s' is not a date", units, since + 7);
  if (tw_time_from_datetime(cal, &dt, &out->epoch_s) != TW_OK)
    return tw_error(TW_ERR_INPUT, "time units '%s': reference date does not exist in the %s calendar",
                    units, tw_calendar_name(cal));
  out->epoch_s -= (int64_t)offset * 60;
  out->calendar = cal;
  return TW_OK;
}

tw_status tw_time_units_decode(const tw_time_units *u, double value, tw_time_s *out) {
  double seconds = value * u->seconds_per_unit;
  /* Instants must stay representable as a tw_datetime (int year) and the
   * sum below must not overflow: +-3e16 s is about +-950 million years.
   * (Found by fuzzing: 24.6 billion years came back as year -1118463821.) */
  if (!isfinite(seconds) || fabs((double)u->epoch_s + seconds) > 3.0e16)
    return tw_error(TW_ERR_INPUT, "time value %g is not a finite time within 950 million years",
                    value);
  *out = u->epoch_s + (int64_t)llround(seconds);
  return TW_OK;
}
