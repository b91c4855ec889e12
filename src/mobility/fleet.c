/* EV fleet: defaults, validation, driving energy and immediate charging.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/mobility.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void tw_fleet_default(tw_fleet *f) {
  tw_trip_stats stats;
  memset(f, 0, sizeof *f);
  snprintf(f->name, sizeof f->name, "%s", "fleet");
  f->n_vehicles = 1000.0;
  f->battery_kWh = 50.0;
  f->charger_kW = 11.0;
  f->charge_efficiency = 0.9;
  f->smart_share = 0.5;
  f->min_soc = 0.8;
  f->min_soc_hour = 7;
  f->initial_soc = 0.8;
  f->cyclic = 1;
  f->v2g = 0;
  f->v2g_kW = 11.0;
  f->v2g_efficiency = 0.9;
  f->v2g_cost_per_MWh = 20.0;
  f->kWh_per_km = 0.18;
  f->temperature_dependent = 0;
  f->temperature.deadband_lower_C = 15.0;
  f->temperature.deadband_upper_C = 20.0;
  f->temperature.lower_pct_per_K = 0.98;
  f->temperature.upper_pct_per_K = 0.63;
  tw_trip_stats_default(&stats);
  /* cannot fail with the built-in statistics and these averages */
  (void)tw_fleet_profiles_from_trips(f, &stats, 0.95, 0.8);
}

static tw_status bad(const char *source, const tw_fleet *f, const char *field, double value,
                     const char *want) {
  return tw_error(TW_ERR_INPUT, "%s%sfleet '%s': %s = %g, expected %s", source ? source : "",
                  source ? ": " : "", f->name, field, value, want);
}

tw_status tw_fleet_validate(const tw_fleet *f, const char *source) {
  double charge_kWh = 0.0, drive_kWh = 0.0;
  if (f->name[0] == '\0')
    return tw_error(TW_ERR_INPUT, "%s%sfleet: empty name", source ? source : "", source ? ": " : "");
#define TW_FIELD(expr, field, value, want)                                                   \
  if (!(expr)) return bad(source, f, field, value, want)
  TW_FIELD(isfinite(f->n_vehicles) && f->n_vehicles > 0, "n_vehicles", f->n_vehicles, "> 0");
  TW_FIELD(isfinite(f->battery_kWh) && f->battery_kWh > 0, "battery_kWh", f->battery_kWh, "> 0");
  TW_FIELD(isfinite(f->charger_kW) && f->charger_kW > 0, "charger_kW", f->charger_kW, "> 0");
  TW_FIELD(f->charge_efficiency > 0 && f->charge_efficiency <= 1, "charge_efficiency",
           f->charge_efficiency, "in (0, 1]");
  TW_FIELD(f->smart_share >= 0 && f->smart_share <= 1, "smart_share", f->smart_share,
           "in [0, 1]");
  TW_FIELD(f->min_soc >= 0 && f->min_soc <= 1, "min_soc", f->min_soc, "in [0, 1]");
  TW_FIELD(f->min_soc_hour >= -1 && f->min_soc_hour <= 23, "min_soc_hour",
           (double)f->min_soc_hour, "an hour 0..23 or -1");
  TW_FIELD(f->initial_soc >= 0 && f->initial_soc <= 1, "initial_soc", f->initial_soc,
           "in [0, 1]");
  TW_FIELD(isfinite(f->kWh_per_km) && f->kWh_per_km >= 0, "kWh_per_km", f->kWh_per_km, ">= 0");
  if (f->v2g) {
    TW_FIELD(isfinite(f->v2g_kW) && f->v2g_kW >= 0, "v2g_kW", f->v2g_kW, ">= 0");
    TW_FIELD(f->v2g_efficiency > 0 && f->v2g_efficiency <= 1, "v2g_efficiency",
             f->v2g_efficiency, "in (0, 1]");
    TW_FIELD(isfinite(f->v2g_cost_per_MWh) && f->v2g_cost_per_MWh >= 0, "v2g_cost_per_MWh",
             f->v2g_cost_per_MWh, ">= 0");
  }
  if (f->temperature_dependent) {
    const tw_ev_temperature *t = &f->temperature;
    TW_FIELD(isfinite(t->deadband_lower_C) && isfinite(t->deadband_upper_C) &&
                 t->deadband_lower_C <= t->deadband_upper_C,
             "temperature.deadband_lower_C", t->deadband_lower_C, "<= deadband_upper_C");
    TW_FIELD(isfinite(t->lower_pct_per_K) && t->lower_pct_per_K >= 0,
             "temperature.lower_pct_per_K", t->lower_pct_per_K, ">= 0");
    TW_FIELD(isfinite(t->upper_pct_per_K) && t->upper_pct_per_K >= 0,
             "temperature.upper_pct_per_K", t->upper_pct_per_K, ">= 0");
  }
  for (int h = 0; h < TW_HOURS_PER_WEEK; h++) {
    char field[48];
    if (!(f->availability[h] >= 0 && f->availability[h] <= 1)) {
      snprintf(field, sizeof field, "availability[%d]", h);
      return bad(source, f, field, f->availability[h], "in [0, 1]");
    }
    if (!(isfinite(f->driving_kWh[h]) && f->driving_kWh[h] >= 0)) {
      snprintf(field, sizeof field, "driving_kWh[%d]", h);
      return bad(source, f, field, f->driving_kWh[h], ">= 0");
    }
    charge_kWh += f->availability[h] * f->charger_kW * f->charge_efficiency;
    drive_kWh += f->driving_kWh[h];
  }
#undef TW_FIELD
  if (drive_kWh > charge_kWh)
    return tw_error(TW_ERR_INPUT,
                    "%s%sfleet '%s': weekly driving energy %g kWh per vehicle exceeds what the "
                    "charger can deliver while plugged in (%g kWh)",
                    source ? source : "", source ? ": " : "", f->name, drive_kWh, charge_kWh);
  return TW_OK;
}

double tw_ev_temperature_factor(const tw_ev_temperature *p, double temperature_C) {
  if (temperature_C < p->deadband_lower_C)
    return 1.0 + p->lower_pct_per_K / 100.0 * (p->deadband_lower_C - temperature_C);
  if (temperature_C > p->deadband_upper_C)
    return 1.0 + p->upper_pct_per_K / 100.0 * (temperature_C - p->deadband_upper_C);
  return 1.0;
}

tw_status tw_fleet_driving_series(const tw_fleet *f, double share, size_t how0, size_t n_hours,
                                  const double *temperature_C, double *driving_MW) {
  if (!(share >= 0 && share <= 1))
    return tw_error(TW_ERR_INPUT, "fleet '%s': share %g is not in [0, 1]", f->name, share);
  if (how0 >= TW_HOURS_PER_WEEK)
    return tw_error(TW_ERR_INPUT, "fleet '%s': start hour of week %zu is not in 0..167", f->name,
                    how0);
  for (size_t t = 0; t < n_hours; t++) {
    double factor = 1.0;
    if (f->temperature_dependent && temperature_C) {
      if (!isfinite(temperature_C[t]))
        return tw_error(TW_ERR_INPUT, "fleet '%s': temperature at hour %zu is %g", f->name, t,
                        temperature_C[t]);
      factor = tw_ev_temperature_factor(&f->temperature, temperature_C[t]);
    }
    driving_MW[t] = share * f->n_vehicles * f->driving_kWh[(how0 + t) % TW_HOURS_PER_WEEK] *
                    factor / 1000.0;
  }
  return TW_OK;
}

tw_status tw_fleet_immediate_profile(const tw_fleet *f, double share, size_t how0, size_t n_hours,
                                     const double *temperature_C, double *charging_MW,
                                     double *soc_MWh, double *unserved_MWh) {
  const double cap = share * f->n_vehicles * f->battery_kWh / 1000.0;
  const double power = share * f->n_vehicles * f->charger_kW / 1000.0;
  const double eta = f->charge_efficiency;
  double e = f->initial_soc * cap, unserved = 0.0;
  /* driving_MW is written into charging_MW first, then replaced hour by hour */
  TW_CHECK(tw_fleet_driving_series(f, share, how0, n_hours, temperature_C, charging_MW));
  if (!(eta > 0))
    return tw_error(TW_ERR_INPUT, "fleet '%s': charge_efficiency = %g, expected > 0", f->name, eta);
  for (size_t t = 0; t < n_hours; t++) {
    double d = charging_MW[t];
    double avail = f->availability[(how0 + t) % TW_HOURS_PER_WEEK];
    double room = (cap - e + d) / eta;
    double c = power * avail;
    if (room < c) c = room;
    if (c < 0) c = 0;
    e = e + eta * c - d;
    if (e < 0) {
      unserved += -e;
      e = 0;
    }
    if (e > cap) e = cap; /* rounding only */
    charging_MW[t] = c;
    if (soc_MWh) soc_MWh[t] = e;
  }
  if (unserved_MWh) *unserved_MWh = unserved;
  return TW_OK;
}
