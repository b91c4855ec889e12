/* emobpy's German mobility statistics (reference data, ../shared/data/ev):
 * the loader's figures against values computed independently from the
 * CSVs, and the fleet profiles derived from them. Exits 77 when the data
 * is absent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "terrawatt/mobility.h"
#include "reference_data.h"

static int failures = 0;
#define CHECK(cond)                                                                          \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
      failures++;                                                                            \
    }                                                                                        \
  } while (0)

int main(void) {
  char dir[2048];
  struct stat sb;
  snprintf(dir, sizeof dir, "%s/ev", tw_reference_data_dir());
  char probe[2100];
  snprintf(probe, sizeof probe, "%s/emobpy_TripsPerDay.csv", dir);
  if (stat(probe, &sb) != 0) return tw_reference_data_absent(probe);
  tw_trip_stats s;
  if (tw_trip_stats_read_emobpy(dir, &s) != TW_OK) {
    fprintf(stderr, "FAIL: %s\n", tw_last_error());
    return 1;
  }
  /* expected values from the CSVs (sum k p_k; sum km p; sum minutes p) */
  CHECK(fabs(s.trips_per_day[TW_DAY_WEEKDAY] - 2.0418) < 1e-9);
  CHECK(fabs(s.trips_per_day[TW_DAY_SATURDAY] - 1.4248) < 1e-9);
  CHECK(fabs(s.trips_per_day[TW_DAY_SUNDAY] - 1.4248) < 1e-9);
  CHECK(fabs(s.trip_km_mean - 21.62475) < 1e-9);
  CHECK(fabs(s.trip_minutes_mean - 33.595) < 1e-9);
  for (int d = 0; d < TW_DAY_TYPES; d++) {
    double sum = 0;
    for (int k = 0; k < 48; k++) sum += s.departure_prob[d][k];
    CHECK(fabs(sum - 1.0) < 1e-12);
  }
  /* row sums over destinations, normalised per day type (Python csv) */
  CHECK(fabs(s.departure_prob[TW_DAY_WEEKDAY][14] - 0.005906096456342127) < 1e-12);
  CHECK(fabs(s.departure_prob[TW_DAY_WEEKDAY][18] - 0.044511073293356025) < 1e-12);
  CHECK(fabs(s.departure_prob[TW_DAY_SATURDAY][24] - 0.044955926973556194) < 1e-12);

  tw_fleet f;
  tw_fleet_default(&f);
  f.kWh_per_km = 0.2;
  if (tw_fleet_profiles_from_trips(&f, &s, 0.95, 0.8) != TW_OK) {
    fprintf(stderr, "FAIL: %s\n", tw_last_error());
    return 1;
  }
  double drive = 0, mean = 0;
  for (int h = 0; h < TW_HOURS_PER_WEEK; h++) {
    drive += f.driving_kWh[h];
    mean += f.availability[h] / TW_HOURS_PER_WEEK;
    CHECK(f.availability[h] >= 0 && f.availability[h] <= 1);
  }
  /* (5 * 2.0418 + 2 * 1.4248) trips * 21.62475 km * 0.2 kWh/km */
  CHECK(fabs(drive - (5 * 2.0418 + 2 * 1.4248) * 21.62475 * 0.2) < 1e-9);
  CHECK(mean > 0.7 && mean <= 0.8 + 1e-9); /* 0.8 unless clamped at 0 */
  CHECK(tw_fleet_validate(&f, NULL) == TW_OK);
  printf("emobpy: %.4f trips/weekday, %.4f trips/weekend day, %.3f km/trip, weekly %.2f kWh "
         "per vehicle at 0.2 kWh/km, mean availability %.4f\n",
         s.trips_per_day[0], s.trips_per_day[1], s.trip_km_mean, drive, mean);
  if (failures) return 1;
  return 0;
}
