/* Unit tests: CF calendars and time units, against hand-derived values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "terrawatt/time.h"

static tw_time_s at(tw_calendar cal, int y, int m, int d, int hh) {
  tw_datetime dt = {y, m, d, hh, 0, 0};
  tw_time_s t = 0;
  assert_int_equal(tw_time_from_datetime(cal, &dt, &t), TW_OK);
  return t;
}

static void test_epoch_and_known_days(void **state) {
  (void)state;
  assert_int_equal(at(TW_CAL_STANDARD, 1970, 1, 1, 0), 0);
  /* 2000-01-01 is day 10957; +31 (Jan) +29 (leap Feb) = 11017 */
  assert_int_equal(at(TW_CAL_PROLEPTIC_GREGORIAN, 2000, 3, 1, 0), 11017LL * 86400);
  /* 1900-01-01 to 2017-01-01: 117 years, 29 leap days (1904..2016) = 42734 days */
  assert_int_equal(at(TW_CAL_STANDARD, 2017, 1, 1, 0) - at(TW_CAL_STANDARD, 1900, 1, 1, 0),
                   42734LL * 86400);
}

static void test_gregorian_reform_in_standard(void **state) {
  (void)state;
  /* The day after Julian 1582-10-04 is Gregorian 1582-10-15. */
  assert_int_equal(at(TW_CAL_STANDARD, 1582, 10, 15, 0) - at(TW_CAL_STANDARD, 1582, 10, 4, 0), 86400);
  tw_datetime gap = {1582, 10, 10, 0, 0, 0};
  tw_time_s t;
  assert_int_equal(tw_time_from_datetime(TW_CAL_STANDARD, &gap, &t), TW_ERR_INPUT);
  assert_int_equal(tw_time_from_datetime(TW_CAL_PROLEPTIC_GREGORIAN, &gap, &t), TW_OK);
  /* 1500 is a leap year before the reform, not in proleptic Gregorian. */
  assert_int_equal(tw_calendar_is_leap(TW_CAL_STANDARD, 1500), 1);
  assert_int_equal(tw_calendar_is_leap(TW_CAL_PROLEPTIC_GREGORIAN, 1500), 0);
  assert_int_equal(tw_calendar_days_in_year(TW_CAL_STANDARD, 1582), 355);
}

static void test_julian_calendar(void **state) {
  (void)state;
  /* Julian 1969-12-19 is Gregorian 1970-01-01 (13 days apart in the 20th century). */
  assert_int_equal(at(TW_CAL_JULIAN, 1969, 12, 19, 0), 0);
  assert_int_equal(tw_calendar_is_leap(TW_CAL_JULIAN, 1900), 1);
  assert_int_equal(tw_calendar_days_in_month(TW_CAL_JULIAN, 1900, 2), 29);
}

static void test_model_calendars(void **state) {
  (void)state;
  tw_time_units u;
  tw_time_s t;
  tw_datetime dt;
  assert_int_equal(tw_time_units_parse("days since 1850-1-1", TW_CAL_NOLEAP, &u), TW_OK);
  assert_int_equal(tw_time_units_decode(&u, 365.0, &t), TW_OK);
  tw_time_to_datetime(TW_CAL_NOLEAP, t, &dt);
  assert_int_equal(dt.year, 1851);
  assert_int_equal(dt.month, 1);
  assert_int_equal(dt.day, 1);
  assert_int_equal(tw_time_units_decode(&u, 59.0, &t), TW_OK); /* no Feb 29 */
  tw_time_to_datetime(TW_CAL_NOLEAP, t, &dt);
  assert_int_equal(dt.month, 3);
  assert_int_equal(dt.day, 1);

  assert_int_equal(tw_time_units_parse("days since 2000-01-01", TW_CAL_360_DAY, &u), TW_OK);
  assert_int_equal(tw_time_units_decode(&u, 59.5, &t), TW_OK);
  tw_time_to_datetime(TW_CAL_360_DAY, t, &dt);
  assert_int_equal(dt.month, 2);
  assert_int_equal(dt.day, 30);
  assert_int_equal(dt.hour, 12);
  assert_int_equal(tw_calendar_days_in_year(TW_CAL_360_DAY, 2001), 360);

  assert_int_equal(tw_calendar_days_in_month(TW_CAL_ALL_LEAP, 1971, 2), 29);
  assert_int_equal(tw_calendar_days_in_year(TW_CAL_ALL_LEAP, 1971), 366);
}

static void test_round_trip_every_calendar(void **state) {
  (void)state;
  const tw_calendar cals[] = {TW_CAL_STANDARD, TW_CAL_PROLEPTIC_GREGORIAN, TW_CAL_NOLEAP,
                              TW_CAL_ALL_LEAP, TW_CAL_360_DAY, TW_CAL_JULIAN};
  for (size_t c = 0; c < sizeof cals / sizeof cals[0]; c++) {
    tw_time_s previous = 0;
    for (long long day = -800000; day <= 200000; day += 97) {
      tw_datetime dt;
      tw_time_s t = (tw_time_s)day * 86400 + 3723, back;
      tw_time_to_datetime(cals[c], t, &dt);
      assert_true(tw_datetime_is_valid(cals[c], &dt));
      assert_int_equal(tw_time_from_datetime(cals[c], &dt, &back), TW_OK);
      assert_int_equal(back, t);
      if (day > -800000) assert_true(t > previous);
      previous = t;
    }
  }
}

static void test_units_parsing(void **state) {
  (void)state;
  tw_time_units u;
  tw_time_s t;
  char buf[32];
  assert_int_equal(tw_time_units_parse("hours since 1900-01-01 00:00:00.0", TW_CAL_STANDARD, &u), TW_OK);
  assert_true(u.seconds_per_unit == 3600.0);
  assert_int_equal(tw_time_units_decode(&u, 1025616.0, &t), TW_OK);
  assert_string_equal(tw_time_format(TW_CAL_STANDARD, t, buf, sizeof buf), "2017-01-01T00:00:00");
  assert_int_equal(tw_time_units_parse("seconds since 1970-01-01T00:00:00Z", TW_CAL_STANDARD, &u), TW_OK);
  assert_int_equal(u.epoch_s, 0);
  assert_int_equal(tw_time_units_parse("minutes since 2000-01-01 00:00 +01:00", TW_CAL_STANDARD, &u), TW_OK);
  assert_int_equal(u.epoch_s, at(TW_CAL_STANDARD, 2000, 1, 1, 0) - 3600);
  assert_int_equal(tw_time_units_parse("months since 2000-01-01", TW_CAL_STANDARD, &u), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "months since 2000-01-01"));
  assert_int_equal(tw_time_units_parse("hours after 2000-01-01", TW_CAL_STANDARD, &u), TW_ERR_INPUT);
  assert_int_equal(tw_time_units_parse("hours since yesterday", TW_CAL_STANDARD, &u), TW_ERR_INPUT);
  assert_int_equal(tw_time_units_parse("days since 2001-02-29", TW_CAL_STANDARD, &u), TW_ERR_INPUT);
  assert_int_equal(tw_time_units_parse("days since 2001-02-29", TW_CAL_ALL_LEAP, &u), TW_OK);
  assert_int_equal(tw_time_units_parse("", TW_CAL_STANDARD, &u), TW_ERR_INPUT);
  assert_int_equal(tw_time_units_parse("days since 2000-01-01", TW_CAL_STANDARD, &u), TW_OK);
  assert_int_equal(tw_time_units_decode(&u, 0.0 / 0.0, &t), TW_ERR_INPUT);
}

static void test_calendar_names_and_weekday(void **state) {
  (void)state;
  tw_calendar cal;
  assert_int_equal(tw_calendar_parse("365_day", &cal), TW_OK);
  assert_int_equal(cal, TW_CAL_NOLEAP);
  assert_int_equal(tw_calendar_parse("GREGORIAN", &cal), TW_OK);
  assert_int_equal(cal, TW_CAL_STANDARD);
  assert_int_equal(tw_calendar_parse("366_day", &cal), TW_OK);
  assert_int_equal(cal, TW_CAL_ALL_LEAP);
  assert_int_equal(tw_calendar_parse(NULL, &cal), TW_OK);
  assert_int_equal(cal, TW_CAL_STANDARD);
  assert_int_equal(tw_calendar_parse("lunar", &cal), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "'lunar'"));
  /* 2026-11-28 is a Saturday (index 5, Monday = 0). */
  assert_int_equal(tw_time_day_of_week(TW_CAL_STANDARD, at(TW_CAL_STANDARD, 2026, 11, 28, 13)), 5);
  tw_datetime dt = {2024, 12, 31, 0, 0, 0};
  assert_int_equal(tw_datetime_day_of_year(TW_CAL_STANDARD, &dt), 366);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_epoch_and_known_days),
      cmocka_unit_test(test_gregorian_reform_in_standard),
      cmocka_unit_test(test_julian_calendar),
      cmocka_unit_test(test_model_calendars),
      cmocka_unit_test(test_round_trip_every_calendar),
      cmocka_unit_test(test_units_parsing),
      cmocka_unit_test(test_calendar_names_and_weekday),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
