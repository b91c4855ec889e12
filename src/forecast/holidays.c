/* National public holidays per country (features.holidays_country), from
 * fixed dates and Easter (Gregorian computus). Regional holidays are left
 * out: list them in features.holidays.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/forecast.h"

#include <stdlib.h>
#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
 * days_from_civil). */
static int64_t civil_days(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
static int64_t easter_days(int y) {
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25;
  int g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
  int l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return civil_days(y, month, day);
}

/* One rule: a fixed date (month, day) or an offset from Easter Sunday
 * (month 0), valid from year `from` to `to` (0: open). */
typedef struct rule {
  int month, day, from, to;
} rule;

#define EASTER(off) {0, (off), 0, 0}
#define FIXED(m, d) {(m), (d), 0, 0}

static const rule de[] = {FIXED(1, 1),  EASTER(-2), EASTER(1),   FIXED(5, 1), EASTER(39),
                          EASTER(50),   FIXED(10, 3), FIXED(12, 25), FIXED(12, 26), {10, 31, 2017, 2017}};
static const rule at[] = {FIXED(1, 1),  FIXED(1, 6),  EASTER(1),    FIXED(5, 1),   EASTER(39),
                          EASTER(50),   EASTER(60),   FIXED(8, 15), FIXED(10, 26), FIXED(11, 1),
                          FIXED(12, 8), FIXED(12, 25), FIXED(12, 26)};
static const rule fr[] = {FIXED(1, 1), EASTER(1),    FIXED(5, 1),  FIXED(5, 8),  EASTER(39),
                          EASTER(50),  FIXED(7, 14), FIXED(8, 15), FIXED(11, 1), FIXED(11, 11),
                          FIXED(12, 25)};
static const rule nl[] = {FIXED(1, 1), EASTER(1), {4, 27, 2014, 0}, {4, 30, 0, 2013}, EASTER(39),
                          EASTER(50),  FIXED(12, 25), FIXED(12, 26)};
static const rule dk[] = {FIXED(1, 1), EASTER(-3), EASTER(-2), EASTER(1), {0, 26, 0, 2023},
                          EASTER(39),  EASTER(50), FIXED(12, 25), FIXED(12, 26)};

tw_status tw_holidays_country(const char *country, int year_from, int year_to, int64_t **days,
                              size_t *count) {
  const rule *rules = NULL;
  size_t n_rules = 0;
#define PICK(code, table)                                                                        \
  if (strcmp(country, code) == 0) {                                                              \
    rules = table;                                                                               \
    n_rules = sizeof table / sizeof table[0];                                                    \
  }
  PICK("DE", de) PICK("AT", at) PICK("FR", fr) PICK("NL", nl) PICK("DK", dk)
#undef PICK
  *days = NULL;
  *count = 0;
  if (!rules)
    return tw_error(TW_ERR_INPUT, "country '%s' has no holiday list (known: DE, AT, FR, NL, DK)",
                    country);
  if (year_to < year_from) return TW_OK;
  int64_t *d = NULL;
  size_t n = 0;
  TW_CHECK(tw_calloc((size_t)(year_to - year_from + 1) * n_rules, sizeof *d, "holidays", &d));
  for (int y = year_from; y <= year_to; y++) {
    int64_t easter = easter_days(y);
    for (size_t r = 0; r < n_rules; r++) {
      const rule *u = &rules[r];
      if ((u->from && y < u->from) || (u->to && y > u->to)) continue;
      int64_t day = u->month ? civil_days(y, u->month, u->day) : easter + u->day;
      /* Dutch King's Day moves to Saturday when 27 April is a Sunday */
      if (rules == nl && u->month == 4 && u->day == 27 && ((day + 4) % 7 + 7) % 7 == 0) day--;
      d[n++] = day;
    }
  }
  /* ascending and unique (two rules may fall on one day) */
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && d[j - 1] > d[j]; j--) {
      int64_t t = d[j];
      d[j] = d[j - 1];
      d[j - 1] = t;
    }
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (u == 0 || d[i] != d[u - 1]) d[u++] = d[i];
  *days = d;
  *count = u;
  return TW_OK;
}
