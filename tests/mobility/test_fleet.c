/* Fleet model: profiles, immediate charging, energy conservation, network
 * components, validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "terrawatt/mobility.h"

/* A small fleet whose profiles are set by hand (everything else zero). */
static void small_fleet(tw_fleet *f) {
  tw_fleet_default(f);
  snprintf(f->name, sizeof f->name, "%s", "test");
  f->n_vehicles = 10;
  f->battery_kWh = 10;  /* E = 0.1 MWh */
  f->charger_kW = 5;    /* P = 0.05 MW */
  f->charge_efficiency = 0.8;
  f->initial_soc = 0.5; /* e0 = 0.05 MWh */
  for (int h = 0; h < TW_HOURS_PER_WEEK; h++) {
    f->availability[h] = 1.0;
    f->driving_kWh[h] = 0.0;
  }
  f->availability[0] = 0.0;
  f->availability[1] = 0.0;
  f->availability[3] = 0.6;
  f->driving_kWh[0] = 2.0; /* 0.02 MWh for the fleet */
  f->driving_kWh[1] = 1.0;
  f->driving_kWh[5] = 0.4;
}

/* Hand computation (eta 0.8, E 0.1, P 0.05, e0 0.05):
 * h0: unplugged, e = 0.05 - 0.02 = 0.03
 * h1: unplugged, e = 0.02
 * h2: c = min(0.05, (0.1-0.02)/0.8 = 0.1) = 0.05, e = 0.06
 * h3: c = min(0.6*0.05 = 0.03, 0.04/0.8 = 0.05) = 0.03, e = 0.084
 * h4: c = min(0.05, 0.016/0.8 = 0.02) = 0.02, e = 0.1
 * h5: c = (0.1-0.1+0.004)/0.8 = 0.005, e = 0.1
 * h6: full, c = 0 */
static void test_immediate_hand_computed(void **state) {
  (void)state;
  tw_fleet f;
  double c[7], e[7], unserved = -1;
  const double want_c[7] = {0, 0, 0.05, 0.03, 0.02, 0.005, 0};
  const double want_e[7] = {0.03, 0.02, 0.06, 0.084, 0.1, 0.1, 0.1};
  small_fleet(&f);
  assert_int_equal(tw_fleet_immediate_profile(&f, 1.0, 0, 7, NULL, c, e, &unserved), TW_OK);
  for (int t = 0; t < 7; t++) {
    assert_true(fabs(c[t] - want_c[t]) < 1e-12);
    assert_true(fabs(e[t] - want_e[t]) < 1e-12);
  }
  assert_true(unserved == 0.0);
  /* half the fleet: everything scales by 0.5 */
  assert_int_equal(tw_fleet_immediate_profile(&f, 0.5, 0, 7, NULL, c, NULL, NULL), TW_OK);
  for (int t = 0; t < 7; t++) assert_true(fabs(c[t] - 0.5 * want_c[t]) < 1e-12);
}

/* Driving more than the battery holds while unplugged is counted as
 * unserved, never as negative SoC. */
static void test_immediate_unserved(void **state) {
  (void)state;
  tw_fleet f;
  double c[2], e[2], unserved = 0;
  small_fleet(&f);
  f.driving_kWh[0] = 8.0; /* 0.08 MWh > e0 = 0.05: 0.03 short, then 0.01 in hour 1 */
  assert_int_equal(tw_fleet_immediate_profile(&f, 1.0, 0, 2, NULL, c, e, &unserved), TW_OK);
  assert_true(fabs(unserved - 0.04) < 1e-12);
  assert_true(e[0] == 0.0);
}

/* Energy conservation: charged * efficiency = driving + delta SoC. */
static void test_energy_conservation(void **state) {
  (void)state;
  tw_fleet f;
  enum { N = 24 * 21 };
  static double c[N], e[N], d[N];
  double temp[N], charged = 0, driven = 0, unserved = 0;
  tw_fleet_default(&f);
  f.temperature_dependent = 1;
  for (int t = 0; t < N; t++) temp[t] = -5.0 + 35.0 * (double)(t % 24) / 23.0;
  for (size_t how0 = 0; how0 < TW_HOURS_PER_WEEK; how0 += 37) {
    charged = driven = 0;
    assert_int_equal(tw_fleet_immediate_profile(&f, 0.7, how0, N, temp, c, e, &unserved), TW_OK);
    assert_int_equal(tw_fleet_driving_series(&f, 0.7, how0, N, temp, d), TW_OK);
    assert_true(unserved == 0.0);
    for (int t = 0; t < N; t++) {
      charged += c[t];
      driven += d[t];
      assert_true(e[t] >= 0 && e[t] <= 0.7 * f.n_vehicles * f.battery_kWh / 1000.0 + 1e-12);
    }
    double e0 = f.initial_soc * 0.7 * f.n_vehicles * f.battery_kWh / 1000.0;
    assert_true(driven > 0);
    assert_true(fabs(charged * f.charge_efficiency - (driven + e[N - 1] - e0)) < 1e-6);
  }
}

static void test_temperature_factor(void **state) {
  (void)state;
  tw_fleet f;
  tw_fleet_default(&f);
  assert_true(fabs(tw_ev_temperature_factor(&f.temperature, 5.0) - 1.098) < 1e-12);
  assert_true(fabs(tw_ev_temperature_factor(&f.temperature, 30.0) - 1.063) < 1e-12);
  assert_true(tw_ev_temperature_factor(&f.temperature, 17.0) == 1.0);
  /* the driving series uses it only when enabled */
  double t5 = 5.0, d0, d1;
  f.driving_kWh[8] = 3.0;
  assert_int_equal(tw_fleet_driving_series(&f, 1.0, 8, 1, &t5, &d0), TW_OK);
  f.temperature_dependent = 1;
  assert_int_equal(tw_fleet_driving_series(&f, 1.0, 8, 1, &t5, &d1), TW_OK);
  assert_true(fabs(d0 - 3.0) < 1e-12 && fabs(d1 - 3.0 * 1.098) < 1e-12);
}

/* The built-in trip statistics give PyPSA-Eur's availability mean and
 * the expected weekly driving energy. */
static void test_default_profiles(void **state) {
  (void)state;
  tw_fleet f;
  double mean = 0, drive = 0, amin = 1, amax = 0;
  tw_fleet_default(&f);
  for (int h = 0; h < TW_HOURS_PER_WEEK; h++) {
    mean += f.availability[h] / TW_HOURS_PER_WEEK;
    drive += f.driving_kWh[h];
    if (f.availability[h] < amin) amin = f.availability[h];
    if (f.availability[h] > amax) amax = f.availability[h];
  }
  assert_true(fabs(mean - 0.8) < 1e-9);
  assert_true(fabs(amax - 0.95) < 1e-9);
  assert_true(amin > 0.3 && amin < 0.8);
  /* (5 weekdays * 2.0 + 1.6 + 1.2) trips * 14 km * 0.18 kWh/km */
  assert_true(fabs(drive - 12.8 * 14.0 * 0.18) < 1e-9);
  /* the weekday morning peak is the least available hour of Monday */
  int least = 0;
  for (int h = 0; h < 24; h++)
    if (f.availability[h] < f.availability[least]) least = h;
  assert_int_equal(least, 7);
  assert_int_equal(tw_fleet_validate(&f, NULL), TW_OK);
}

static void test_validation(void **state) {
  (void)state;
  tw_fleet f;
  tw_fleet_default(&f);
  f.n_vehicles = -3;
  assert_int_equal(tw_fleet_validate(&f, "s.yaml"), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "s.yaml"));
  assert_non_null(strstr(tw_last_error(), "n_vehicles"));
  tw_fleet_default(&f);
  f.availability[30] = 1.5;
  assert_int_equal(tw_fleet_validate(&f, NULL), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "availability[30]"));
  tw_fleet_default(&f);
  f.charge_efficiency = NAN;
  assert_int_equal(tw_fleet_validate(&f, NULL), TW_ERR_INPUT);
  tw_fleet_default(&f);
  for (int h = 0; h < TW_HOURS_PER_WEEK; h++) f.driving_kWh[h] = 20.0; /* > 11 kW * 0.9 */
  assert_int_equal(tw_fleet_validate(&f, NULL), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "weekly driving energy"));
  tw_fleet_default(&f);
  assert_int_equal(tw_fleet_profiles_from_trips(&f, &(tw_trip_stats){0}, 0.5, 0.8), TW_ERR_INPUT);
}

/* Smart-charging components and their series. */
static void test_add_to_network(void **state) {
  (void)state;
  tw_network *net = NULL;
  tw_fleet f;
  tw_fleet_components c;
  size_t bus;
  enum { N = 48 };
  const size_t how0 = 24 * 4; /* Friday 00:00 */
  double d[N], imm[N];
  tw_fleet_default(&f);
  snprintf(f.name, sizeof f.name, "%s", "city");
  f.smart_share = 0.6;
  f.v2g = 1;
  assert_int_equal(tw_network_create(N, &net), TW_OK);
  assert_int_equal(tw_network_add_bus(net, "b0", 20.0, "AC", &bus), TW_OK);
  assert_int_equal(tw_fleet_add_to_network(net, &f, (int)bus, how0, NULL, &c), TW_OK);
  assert_true(c.ev_bus >= 0 && c.store >= 0 && c.charger >= 0 && c.v2g >= 0 &&
              c.driving_load >= 0 && c.immediate_load >= 0);
  assert_string_equal(net->buses[c.ev_bus].name, "city EV battery");
  const tw_store *s = &net->stores[c.store];
  assert_true(fabs(s->e_nom_MWh - 0.6 * 1000 * 50 / 1000.0) < 1e-12);
  assert_int_equal(s->bus, c.ev_bus);
  for (size_t t = 0; t < N; t++)
    assert_true(s->e_min_pu_t[t] == ((t % 24) == 7 ? 0.8 : 0.0));
  const tw_link *ch = &net->links[c.charger];
  assert_int_equal(ch->bus0, (int)bus);
  assert_int_equal(ch->bus1, c.ev_bus);
  assert_true(fabs(ch->p_nom_MW - 0.6 * 1000 * 11 / 1000.0) < 1e-12);
  assert_true(ch->efficiency == 0.9);
  const tw_link *v2g = &net->links[c.v2g];
  assert_int_equal(v2g->bus0, c.ev_bus);
  assert_true(v2g->marginal_cost == 20.0);
  assert_int_equal(tw_fleet_driving_series(&f, 0.6, how0, N, NULL, d), TW_OK);
  assert_int_equal(tw_fleet_immediate_profile(&f, 0.4, how0, N, NULL, imm, NULL, NULL), TW_OK);
  for (size_t t = 0; t < N; t++) {
    assert_true(ch->p_max_pu_t[t] == f.availability[how0 + t]);
    assert_true(v2g->p_max_pu_t[t] == f.availability[how0 + t]);
    assert_true(net->loads[c.driving_load].p_set_t[t] == d[t]);
    assert_true(net->loads[c.immediate_load].p_set_t[t] == imm[t]);
  }
  assert_int_equal(tw_network_validate(net, NULL), TW_OK);
  /* the baseline as one load, and bad targets */
  size_t li;
  snprintf(f.name, sizeof f.name, "%s", "base");
  assert_int_equal(tw_fleet_add_immediate_load(net, &f, (int)bus, how0, NULL, &li), TW_OK);
  assert_string_equal(net->loads[li].name, "base immediate charging");
  assert_int_equal(tw_fleet_add_to_network(net, &f, 99, 0, NULL, NULL), TW_ERR_INPUT);
  assert_int_equal(tw_fleet_add_to_network(net, &f, 0, 168, NULL, NULL), TW_ERR_INPUT);
  net->weight_stores[3] = 3.0;
  snprintf(f.name, sizeof f.name, "%s", "other");
  assert_int_equal(tw_fleet_add_to_network(net, &f, 0, 0, NULL, NULL), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "hourly"));
  tw_network_destroy(&net);
}

/* A malformed emobpy file is named in the error. */
static void test_emobpy_bad_file(void **state) {
  (void)state;
  char dir[] = "/tmp/tw_emobpy_XXXXXX";
  char path[256];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/emobpy_DepartureDestinationTrip.csv", dir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("days,time,home\nweekdays,0,0.5\nweekdays,0.5,abc\n", fp);
  fclose(fp);
  tw_trip_stats s;
  assert_int_equal(tw_trip_stats_read_emobpy(dir, &s), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "emobpy_DepartureDestinationTrip.csv: line 3"));
  assert_non_null(strstr(tw_last_error(), "abc"));
  remove(path);
  assert_int_equal(tw_trip_stats_read_emobpy(dir, &s), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "cannot open"));
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_immediate_hand_computed),
      cmocka_unit_test(test_immediate_unserved),
      cmocka_unit_test(test_energy_conservation),
      cmocka_unit_test(test_temperature_factor),
      cmocka_unit_test(test_default_profiles),
      cmocka_unit_test(test_validation),
      cmocka_unit_test(test_add_to_network),
      cmocka_unit_test(test_emobpy_bad_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
