/* emobpy's German mobility statistics (reference data, ../shared/data/ev):
 * the loader's figures against values computed independently from the
 * CSVs, and the fleet profiles derived from them. Exits 77 when the data
 * is absent (1 when TW_REQUIRE_REFERENCE_DATA is on). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "terrawatt/mobility.h"
#include "reference_data.h"

static char dir[2048];
static tw_trip_stats stats;

static int setup(void **state) {
  (void)state;
  if (tw_trip_stats_read_emobpy(dir, &stats) != TW_OK) {
    fprintf(stderr, "FAIL: %s\n", tw_last_error());
    return -1;
  }
  return 0;
}

static void test_trip_statistics(void **state) {
  (void)state;
  const tw_trip_stats *s = &stats;
  /* expected values from the CSVs (sum k p_k; sum km p; sum minutes p) */
  assert_true(fabs(s->trips_per_day[TW_DAY_WEEKDAY] - 2.0418) < 1e-9);
  assert_true(fabs(s->trips_per_day[TW_DAY_SATURDAY] - 1.4248) < 1e-9);
  assert_true(fabs(s->trips_per_day[TW_DAY_SUNDAY] - 1.4248) < 1e-9);
  assert_true(fabs(s->trip_km_mean - 21.62475) < 1e-9);
  assert_true(fabs(s->trip_minutes_mean - 33.595) < 1e-9);
  for (int d = 0; d < TW_DAY_TYPES; d++) {
    double sum = 0;
    for (int k = 0; k < 48; k++) sum += s->departure_prob[d][k];
    assert_true(fabs(sum - 1.0) < 1e-12);
  }
  /* row sums over destinations, normalised per day type (Python csv) */
  assert_true(fabs(s->departure_prob[TW_DAY_WEEKDAY][14] - 0.005906096456342127) < 1e-12);
  assert_true(fabs(s->departure_prob[TW_DAY_WEEKDAY][18] - 0.044511073293356025) < 1e-12);
  assert_true(fabs(s->departure_prob[TW_DAY_SATURDAY][24] - 0.044955926973556194) < 1e-12);
}

static void test_fleet_profiles(void **state) {
  (void)state;
  tw_fleet f;
  tw_fleet_default(&f);
  f.kWh_per_km = 0.2;
  if (tw_fleet_profiles_from_trips(&f, &stats, 0.95, 0.8) != TW_OK) fail_msg("%s", tw_last_error());
  double drive = 0, mean = 0;
  for (int h = 0; h < TW_HOURS_PER_WEEK; h++) {
    drive += f.driving_kWh[h];
    mean += f.availability[h] / TW_HOURS_PER_WEEK;
    assert_true(f.availability[h] >= 0 && f.availability[h] <= 1);
  }
  /* (5 * 2.0418 + 2 * 1.4248) trips * 21.62475 km * 0.2 kWh/km */
  assert_true(fabs(drive - (5 * 2.0418 + 2 * 1.4248) * 21.62475 * 0.2) < 1e-9);
  assert_true(mean > 0.7 && mean <= 0.8 + 1e-9); /* 0.8 unless clamped at 0 */
  assert_int_equal(tw_fleet_validate(&f, NULL), TW_OK);
  printf("emobpy: %.4f trips/weekday, %.4f trips/weekend day, %.3f km/trip, weekly %.2f kWh "
         "per vehicle at 0.2 kWh/km, mean availability %.4f\n",
         stats.trips_per_day[0], stats.trips_per_day[1], stats.trip_km_mean, drive, mean);
}

int main(void) {
  struct stat sb;
  snprintf(dir, sizeof dir, "%s/ev", tw_reference_data_dir());
  char probe[2100];
  snprintf(probe, sizeof probe, "%s/emobpy_TripsPerDay.csv", dir);
  if (stat(probe, &sb) != 0) return tw_reference_data_absent(probe);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_trip_statistics),
      cmocka_unit_test(test_fleet_profiles),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
