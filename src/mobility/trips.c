/* Trip statistics -> availability and driving profiles by hour of week.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/mobility.h"

#include <math.h>
#include <string.h>

/* Stylized relative departure intensity by hour of day (not data: a
 * commuting pattern with morning and afternoon peaks on weekdays and a
 * midday peak at weekends; see docs/MOBILITY.md). */
static const double default_weights[TW_DAY_TYPES][24] = {
    /* weekday */
    {0.2, 0.1, 0.1, 0.1, 0.3, 1.5, 5.0, 9.0, 6.0, 4.0, 4.0, 4.5,
     5.5, 5.0, 5.5, 7.0, 8.5, 8.0, 6.0, 4.5, 3.0, 2.0, 1.2, 0.6},
    /* saturday */
    {0.5, 0.3, 0.2, 0.1, 0.1, 0.3, 0.8, 2.0, 4.0, 6.5, 8.0, 8.5,
     7.0, 6.0, 6.0, 6.5, 7.0, 6.5, 5.5, 4.5, 3.5, 2.5, 1.5, 1.0},
    /* sunday */
    {0.8, 0.4, 0.3, 0.1, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 7.5, 8.0,
     6.5, 6.5, 8.0, 8.5, 7.5, 6.5, 5.5, 4.0, 3.0, 2.0, 1.2, 0.6},
};

void tw_trip_stats_default(tw_trip_stats *s) {
  memset(s, 0, sizeof *s);
  for (int d = 0; d < TW_DAY_TYPES; d++) {
    double sum = 0.0;
    for (int h = 0; h < 24; h++) sum += default_weights[d][h];
    for (int h = 0; h < 24; h++) {
      s->departure_prob[d][2 * h] = 0.5 * default_weights[d][h] / sum;
      s->departure_prob[d][2 * h + 1] = 0.5 * default_weights[d][h] / sum;
    }
  }
  s->trips_per_day[TW_DAY_WEEKDAY] = 2.0;
  s->trips_per_day[TW_DAY_SATURDAY] = 1.6;
  s->trips_per_day[TW_DAY_SUNDAY] = 1.2;
  s->trip_km_mean = 14.0;
  s->trip_minutes_mean = 22.0;
}

/* Day type of day-of-week d (0 = Monday). */
static tw_day_type day_type(int d) {
  if (d == 5) return TW_DAY_SATURDAY;
  if (d == 6) return TW_DAY_SUNDAY;
  return TW_DAY_WEEKDAY;
}

tw_status tw_fleet_profiles_from_trips(tw_fleet *f, const tw_trip_stats *s, double avail_max,
                                       double avail_mean) {
  double trips[TW_HOURS_PER_WEEK], tmin = INFINITY, tmean = 0.0;
  if (!(avail_mean > 0 && avail_mean <= avail_max && avail_max <= 1))
    return tw_error(TW_ERR_INPUT,
                    "fleet '%s': availability averages max %g, mean %g: expected 0 < mean <= "
                    "max <= 1",
                    f->name, avail_max, avail_mean);
  if (!(isfinite(s->trip_km_mean) && s->trip_km_mean >= 0))
    return tw_error(TW_ERR_INPUT, "fleet '%s': trip_km_mean = %g, expected >= 0", f->name,
                    s->trip_km_mean);
  for (int h = 0; h < TW_HOURS_PER_WEEK; h++) {
    tw_day_type dt = day_type(h / 24);
    int hod = h % 24;
    double p = s->departure_prob[dt][2 * hod] + s->departure_prob[dt][2 * hod + 1];
    if (!(isfinite(p) && p >= 0 && isfinite(s->trips_per_day[dt]) && s->trips_per_day[dt] >= 0))
      return tw_error(TW_ERR_INPUT,
                      "fleet '%s': trip statistics at day type %d hour %d: departure "
                      "probability %g, trips per day %g",
                      f->name, (int)dt, hod, p, s->trips_per_day[dt]);
    trips[h] = s->trips_per_day[dt] * p;
    if (trips[h] < tmin) tmin = trips[h];
    tmean += trips[h] / TW_HOURS_PER_WEEK;
  }
  for (int h = 0; h < TW_HOURS_PER_WEEK; h++) {
    double a = avail_max;
    if (tmean > tmin) a = avail_max - (avail_max - avail_mean) * (trips[h] - tmin) / (tmean - tmin);
    f->availability[h] = a < 0 ? 0 : (a > 1 ? 1 : a);
    f->driving_kWh[h] = trips[h] * s->trip_km_mean * f->kWh_per_km;
  }
  return TW_OK;
}
