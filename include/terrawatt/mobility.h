/* terrawatt: electric-vehicle fleets ("mobility smoothing").
 *
 * A fleet sits at one bus. Its behaviour is two profiles by hour of week
 * (hour 0 = Monday 00:00-01:00, 168 hours): the share of vehicles plugged in
 * (availability, 0..1) and the driving energy per vehicle (kWh drawn from
 * the battery in that hour). They come from trip statistics
 * (tw_fleet_profiles_from_trips: the built-in default or emobpy CSVs) or are
 * given directly.
 *
 * Three charging strategies:
 *  (a) immediate: tw_fleet_immediate_profile, a load series (charge at full
 *      power from plug-in until full);
 *  (b) smart: tw_fleet_add_to_network adds the aggregate battery as a store,
 *      a charger link limited by availability, a driving load, min-SoC at
 *      the departure hour and optional V2G, for the grid LP to decide;
 *  (c) decentralized valley filling (mobility_vf.h).
 * Metrics comparing them: mobility_metrics.h.
 *
 * Units: vehicle figures in kW / kWh (per vehicle), aggregate figures in MW /
 * MWh. Time steps are 1 hour.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_MOBILITY_H
#define TERRAWATT_MOBILITY_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/network.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TW_HOURS_PER_WEEK 168
#define TW_FLEET_NAME_MAX 64

/* Day types of the trip statistics. */
typedef enum tw_day_type { TW_DAY_WEEKDAY = 0, TW_DAY_SATURDAY, TW_DAY_SUNDAY, TW_DAY_TYPES } tw_day_type;

/* Trip statistics per vehicle (emobpy's layout, reduced to what the
 * profiles need). */
typedef struct tw_trip_stats {
  /* Probability that a trip departs in each half hour (index 0 = 00:00-00:30),
   * per day type; each day type sums to 1. */
  double departure_prob[TW_DAY_TYPES][48];
  /* Expected number of trips per vehicle and day, per day type. */
  double trips_per_day[TW_DAY_TYPES];
  double trip_km_mean;      /* mean trip distance, km */
  double trip_minutes_mean; /* mean trip duration, minutes (informational) */
} tw_trip_stats;

/* Temperature dependence of consumption, after PyPSA-Eur's
 * transport_degree_factor: kWh/km(T) = kWh/km * (1 + f(T)) with
 * f = lower_pct/100 * (lower_C - T) below lower_C, upper_pct/100 *
 * (T - upper_C) above upper_C, 0 in the deadband. */
typedef struct tw_ev_temperature {
  double deadband_lower_C; /* 15 */
  double deadband_upper_C; /* 20 */
  double lower_pct_per_K;  /* 0.98 (PyPSA-Eur EV_lower_degree_factor) */
  double upper_pct_per_K;  /* 0.63 (PyPSA-Eur EV_upper_degree_factor) */
} tw_ev_temperature;

typedef struct tw_fleet {
  char name[TW_FLEET_NAME_MAX]; /* component names are "<name> EV battery", ... */
  double n_vehicles;            /* number of vehicles (> 0) */
  double battery_kWh;           /* usable battery capacity per vehicle */
  double charger_kW;            /* charger power per vehicle (grid side) */
  double charge_efficiency;     /* grid -> battery, (0, 1] */
  double smart_share;           /* share of vehicles in smart charging, [0, 1] */
  double min_soc;               /* minimum SoC (fraction) at min_soc_hour */
  int min_soc_hour;             /* hour of day 0..23 of the constraint, -1 none */
  double initial_soc;           /* SoC fraction at the start (immediate; smart when !cyclic) */
  int cyclic;                   /* smart store: SoC at end = SoC at start */
  int v2g;                      /* 1: vehicle-to-grid allowed (smart share only) */
  double v2g_kW;                /* discharge limit per vehicle (grid side) */
  double v2g_efficiency;        /* battery -> grid, (0, 1] */
  double v2g_cost_per_MWh;      /* battery degradation cost per MWh discharged */
  double kWh_per_km;            /* consumption at the deadband temperature */
  int temperature_dependent;    /* 1: scale driving energy with tw_ev_temperature */
  tw_ev_temperature temperature;
  double availability[TW_HOURS_PER_WEEK]; /* share plugged in, 0..1 */
  double driving_kWh[TW_HOURS_PER_WEEK];  /* per vehicle, at the deadband temperature */
} tw_fleet;

/* Defaults: 1000 vehicles, 50 kWh, 11 kW, efficiency 0.9, smart share 0.5,
 * 80% SoC at 07:00 (PyPSA-Eur's bev_dsm_restriction_value/time), initial
 * SoC 0.8, cyclic, no V2G (when enabled: 11 kW, 0.9, 20 currency/MWh),
 * 0.18 kWh/km, temperature dependence off, profiles from
 * tw_trip_stats_default. Never fails. */
TW_API void tw_fleet_default(tw_fleet *f);

/* Built-in trip statistics that need no data files: a stylized German
 * commuting pattern (weekday peaks 07:00-08:00 and 16:00-18:00, weekend
 * midday), 2.0 trips per weekday, 1.6 per Saturday, 1.2 per Sunday, 14 km
 * per trip. Documented in docs/MOBILITY.md. */
TW_API void tw_trip_stats_default(tw_trip_stats *s);

/* Read emobpy's CSVs from directory `dir`: emobpy_DepartureDestinationTrip.csv
 * (days, time in h, probability per destination; departure probability =
 * row sum), emobpy_TripsPerDay.csv (trip count, weekday and weekend
 * probabilities; expected value taken) and emobpy_DistanceDurationTrip.csv
 * (joint probability of distance km (rows) and duration minutes (columns);
 * means taken). Fails with TW_ERR_INPUT naming file, line and value on a
 * missing file, a bad number, a negative probability or a distribution
 * that does not sum to 1 within 1e-3. */
TW_API tw_status tw_trip_stats_read_emobpy(const char *dir, tw_trip_stats *out);

/* Derive f->availability and f->driving_kWh from trip statistics:
 *   trips(h) = trips_per_day[day] * (p_dep[2h] + p_dep[2h+1])
 *   driving_kWh(h) = trips(h) * trip_km_mean * f->kWh_per_km
 *   availability(h) = avail_max - (avail_max - avail_mean) *
 *                     (trips(h) - min trips) / (mean trips - min trips)
 * (PyPSA-Eur's bev_availability_profile; avail_max 0.95, avail_mean 0.8
 * are its defaults), clamped to [0, 1]. Fails with TW_ERR_INPUT if the
 * averages are out of range (0 < avail_mean <= avail_max <= 1). */
TW_API tw_status tw_fleet_profiles_from_trips(tw_fleet *f, const tw_trip_stats *s, double avail_max,
                                              double avail_mean);

/* Check a fleet; TW_ERR_INPUT names the fleet, field and value. Also
 * checks that the weekly driving energy can be recharged: sum over the
 * week of availability * charger_kW * efficiency must cover the driving
 * energy. `source` names the file for messages (may be NULL). */
TW_API tw_status tw_fleet_validate(const tw_fleet *f, const char *source);

/* Consumption factor 1 + f(T) of tw_ev_temperature (1 in the deadband). */
TW_API double tw_ev_temperature_factor(const tw_ev_temperature *p, double temperature_C);

/* Driving energy of `share` of the fleet, MW (= MWh per 1 h step), for
 * n_hours starting at hour of week how0 (0..167). temperature_C: air
 * temperature per hour or NULL (used only when f->temperature_dependent). */
TW_API tw_status tw_fleet_driving_series(const tw_fleet *f, double share, size_t how0, size_t n_hours,
                                         const double *temperature_C, double *driving_MW);

/* Immediate (uncontrolled) charging of `share` of the fleet, simulated on
 * the aggregate battery E = share*n*battery: starting at initial_soc * E,
 * each hour t
 *   c_t = min(P * availability_t, max(0, (E - e_{t-1} + d_t) / eta))
 *   e_t = e_{t-1} + eta * c_t - d_t
 * with P = share*n*charger, d_t the driving energy. If e_t would go
 * negative the shortfall is counted in *unserved_MWh and e_t = 0.
 * charging_MW [n_hours] required; soc_MWh [n_hours] (end of hour) and
 * unserved_MWh may be NULL. */
TW_API tw_status tw_fleet_immediate_profile(const tw_fleet *f, double share, size_t how0, size_t n_hours,
                                            const double *temperature_C, double *charging_MW,
                                            double *soc_MWh, double *unserved_MWh);

/* Indices of what tw_fleet_add_to_network added (-1 = not added). */
typedef struct tw_fleet_components {
  int ev_bus;         /* "<name> EV battery" bus (carrier "Li ion") */
  int store;          /* "<name> EV battery" store: e_nom = smart share's battery */
  int charger;        /* "<name> BEV charger" link bus -> EV bus */
  int v2g;            /* "<name> V2G" link EV bus -> bus */
  int driving_load;   /* "<name> driving" load on the EV bus */
  int immediate_load; /* "<name> immediate charging" load on bus (other share) */
} tw_fleet_components;

/* Add the fleet to `net` at bus `bus_index` for smart charging, starting at
 * hour of week how0 (snapshot t is hour how0 + t; snapshots must be 1 h):
 *  - bus "<name> EV battery";
 *  - store with e_nom_MWh = s*n*battery/1000, e_min_pu_t = min_soc at every
 *    snapshot whose hour of day is min_soc_hour (0 elsewhere), e_cyclic =
 *    cyclic, e_initial = initial_soc * e_nom;
 *  - link "<name> BEV charger" bus -> EV bus, p_nom = s*n*charger/1000,
 *    efficiency = charge_efficiency, p_max_pu_t = availability;
 *  - load "<name> driving" on the EV bus, p_set_t = driving of share s;
 *  - with v2g: link "<name> V2G" EV bus -> bus, p_nom = s*n*v2g_kW/1000,
 *    efficiency v2g_efficiency, p_max_pu_t = availability, marginal_cost =
 *    v2g_cost_per_MWh;
 *  - if s < 1: load "<name> immediate charging" on bus with the immediate
 *    profile of the non-participating share 1 - s.
 * s = smart_share. With s == 0 only the immediate load is added.
 * temperature_C: per snapshot or NULL. `out` may be NULL. Fails with
 * TW_ERR_INPUT on a bad bus index, a non-hourly snapshot weighting, or an
 * invalid fleet. */
TW_API tw_status tw_fleet_add_to_network(tw_network *net, const tw_fleet *f, int bus_index, size_t how0,
                                         const double *temperature_C, tw_fleet_components *out);

/* Add the whole fleet as one load "<name> immediate charging" on bus
 * `bus_index` (the uncontrolled baseline, share 1). *load_index (may be
 * NULL) receives its index. */
TW_API tw_status tw_fleet_add_immediate_load(tw_network *net, const tw_fleet *f, int bus_index,
                                             size_t how0, const double *temperature_C,
                                             size_t *load_index);

struct tw_optimize_result; /* optimize.h */

/* The fleet's grid-side charging per snapshot (MW) in a solved network:
 * charger link p0 - V2G link p1 delivered back to the bus (so negative in
 * hours of net V2G export) + the immediate-charging load of the
 * non-participating share. `r` is tw_optimize_network's result for the
 * network tw_fleet_add_to_network filled; charging_MW has n_snapshots
 * values. Also usable for a network that holds only
 * tw_fleet_add_immediate_load (pass its load index as c.immediate_load,
 * others -1). */
TW_API tw_status tw_fleet_grid_charging(const tw_network *net, const struct tw_optimize_result *r,
                                        const tw_fleet_components *c, double *charging_MW);

#ifdef __cplusplus
}
#endif
#endif
