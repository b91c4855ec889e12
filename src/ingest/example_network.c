/* The example's power network, as a PyPSA CSV folder (docs/EXAMPLE.md):
 * six buses in northern Germany, 380 kV lines, wind, solar and gas
 * generators, a battery, and hourly loads driven by the example's
 * temperatures. Renewable availability (generators-p_max_pu.csv) comes
 * from the example weather with simple curves, so the folder optimises on
 * its own; `terrawatt run` replaces it with convert's capacity factors.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/example.h"
#include "terrawatt/atomic_file.h"

typedef struct ex_bus {
  const char *name;
  double lon, lat;
  double load_mw; /* mean demand at 15.5 degC, MW */
} ex_bus;

static const ex_bus buses[] = {
    {"Emden", 7.21, 53.37, 220},      {"Bremen", 8.80, 53.08, 700}, {"Hamburg", 9.99, 53.55, 1750},
    {"Kiel", 10.13, 54.32, 320},      {"Hannover", 9.73, 52.37, 880}, {"Osnabrueck", 8.05, 52.27, 480},
};
#define NBUS (sizeof buses / sizeof buses[0])

typedef struct ex_gen {
  const char *name, *bus, *carrier;
  double p_nom, marginal_cost, capital_cost, efficiency;
} ex_gen;

/* Costs: EUR/MWh (marginal: fuel / efficiency + variable O&M) and
 * EUR/MW/a (annualised investment), typical of 2019 German values. */
static const ex_gen gens[] = {
    {"Emden wind", "Emden", "wind", 3000, 1.50, 130000, 1},
    {"Kiel wind", "Kiel", "wind", 1300, 1.52, 120000, 1},
    {"Bremen wind", "Bremen", "wind", 900, 1.54, 110000, 1},
    {"Osnabrueck wind", "Osnabrueck", "wind", 700, 1.56, 110000, 1},
    {"Hannover wind", "Hannover", "wind", 400, 1.58, 110000, 1},
    {"Hannover solar", "Hannover", "solar", 1800, 0.80, 55000, 1},
    {"Osnabrueck solar", "Osnabrueck", "solar", 1500, 0.81, 55000, 1},
    {"Hamburg solar", "Hamburg", "solar", 800, 0.82, 55000, 1},
    {"Bremen solar", "Bremen", "solar", 700, 0.83, 55000, 1},
    {"Kiel solar", "Kiel", "solar", 300, 0.84, 55000, 1},
    {"Hamburg CCGT", "Hamburg", "gas", 2000, 68.0, 90000, 0.55},
    {"Hannover CCGT", "Hannover", "gas", 1400, 71.0, 90000, 0.52},
    {"Bremen OCGT", "Bremen", "gas", 900, 104.0, 47000, 0.38},
    {"Osnabrueck OCGT", "Osnabrueck", "gas", 700, 107.0, 47000, 0.37},
    {"Kiel OCGT", "Kiel", "gas", 400, 110.0, 47000, 0.36},
};
#define NGEN (sizeof gens / sizeof gens[0])

typedef struct ex_line {
  const char *bus0, *bus1;
  double s_nom; /* MW */
} ex_line;

static const ex_line lines[] = {
    {"Emden", "Bremen", 1500},   {"Emden", "Osnabrueck", 700},   {"Bremen", "Hamburg", 1700},
    {"Hamburg", "Kiel", 1000},   {"Bremen", "Hannover", 1100},   {"Hamburg", "Hannover", 1400},
    {"Osnabrueck", "Hannover", 900}, {"Bremen", "Osnabrueck", 800},
};
#define NLINE (sizeof lines / sizeof lines[0])

static const ex_bus *bus_by_name(const char *name) {
  for (size_t i = 0; i < NBUS; i++)
    if (strcmp(buses[i].name, name) == 0) return &buses[i];
  return NULL;
}

static double km(const ex_bus *a, const ex_bus *b) {
  const double r = 6371.0, d2r = 3.14159265358979323846 / 180;
  double dl = (b->lat - a->lat) * d2r, dn = (b->lon - a->lon) * d2r;
  double h = sin(dl / 2) * sin(dl / 2) + cos(a->lat * d2r) * cos(b->lat * d2r) * sin(dn / 2) * sin(dn / 2);
  return 2 * r * asin(sqrt(h));
}

/* Mean over the 3x3 cells around a bus of a per-cell quantity. */
typedef double (*cell_fn)(const tw_example_weather *w, size_t k);

static double cf_wind(const tw_example_weather *w, size_t k) {
  double v = sqrt((double)w->u100[k] * w->u100[k] + (double)w->v100[k] * w->v100[k]);
  if (v < 3.0 || v > 25.0) return 0;
  if (v >= 12.5) return 0.95;
  return 0.95 * (v * v * v - 27.0) / (12.5 * 12.5 * 12.5 - 27.0);
}

static double cf_solar(const tw_example_weather *w, size_t k) {
  double ghi = w->ssrd[k] / 3600.0; /* W/m2, mean over the hour ending at the label */
  double cf = ghi / 1000.0 * 0.86 * (1 - 0.004 * (w->t2m[k] - 298.15));
  return fmin(1.0, fmax(0.0, cf));
}

static double t2m_cell(const tw_example_weather *w, size_t k) { return w->t2m[k]; }

static double around(const tw_example_weather *w, const ex_bus *b, int t, cell_fn fn) {
  size_t c = tw_example_nearest_cell(w, b->lat, b->lon);
  long ci = (long)(c / TW_EX_NLON), cj = (long)(c % TW_EX_NLON);
  double s = 0;
  int n = 0;
  for (long i = ci - 1; i <= ci + 1; i++)
    for (long j = cj - 1; j <= cj + 1; j++) {
      if (i < 0 || j < 0 || i >= TW_EX_NLAT || j >= TW_EX_NLON) continue;
      s += fn(w, (size_t)t * TW_EX_NCELL + (size_t)(i * TW_EX_NLON + j));
      n++;
    }
  return s / n;
}

/* Open dir/name.tmpPID for writing. */
static tw_status open_tmp(const char *dir, const char *name, char *tmp, size_t size, FILE **f) {
  snprintf(tmp, size, "%s/%s.tmp%ld", dir, name, (long)getpid());
  *f = fopen(tmp, "w");
  if (!*f) return tw_error(TW_ERR_RESOURCE, "%s: cannot write: %s", tmp, strerror(errno));
  return TW_OK;
}

static tw_status close_rename(const char *dir, const char *name, const char *tmp, FILE *f) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) {
    remove(tmp);
    return tw_error(TW_ERR_RESOURCE, "%s: write failed", tmp);
  }
  return tw_atomic_commit(tmp, path); /* fsync, rename, fsync of the directory */
}

#define BEGIN(NAME)                                            \
  do {                                                         \
    TW_CHECK(open_tmp(dir, NAME, tmp, sizeof tmp, &f));        \
  } while (0)
#define END(NAME) TW_CHECK(close_rename(dir, NAME, tmp, f))

static void snapshot_label(const tw_example_weather *w, int t, char *buf, size_t size) {
  tw_datetime dt;
  tw_time_to_datetime(TW_CAL_STANDARD, w->time[t], &dt);
  snprintf(buf, size, "%04d-%02d-%02d %02d:00:00", dt.year, dt.month, dt.day, dt.hour);
}

/* Demand shape by local hour (CEST = UTC+2), BDEW-H0/G0-like. */
static const double hour_shape[24] = {0.72, 0.68, 0.66, 0.65, 0.66, 0.70, 0.80, 0.90, 0.96, 0.98, 0.99, 1.00,
                                      0.99, 0.97, 0.95, 0.94, 0.95, 0.98, 1.03, 1.06, 1.03, 0.95, 0.86, 0.78};

tw_status tw_example_write_network(const tw_example_weather *w, const char *dir) {
  char tmp[4096], label[32];
  FILE *f = NULL;
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return tw_error(TW_ERR_RESOURCE, "%s: cannot create directory: %s", dir, strerror(errno));

  BEGIN("network.csv");
  fprintf(f, "name,pypsa_version,srid\nterrawatt example (northern Germany),0.26.0,4326\n");
  END("network.csv");

  BEGIN("snapshots.csv");
  fprintf(f, ",snapshot,objective,stores,generators\n");
  for (int t = 0; t < TW_EX_NT; t++) {
    snapshot_label(w, t, label, sizeof label);
    fprintf(f, "%d,%s,1.0,1.0,1.0\n", t, label);
  }
  END("snapshots.csv");

  BEGIN("carriers.csv");
  /* t CO2 per MWh of primary energy (natural gas 0.201 t/MWh_th, IPCC 2006) */
  fprintf(f, "name,co2_emissions,color,nice_name\nwind,0.0,#235ebc,Wind\nsolar,0.0,#f9d002,Solar\n"
             "gas,0.201,#e05b09,Natural gas\nbattery,0.0,#ace37f,Battery\nAC,0.0,#70af1d,AC\n");
  END("carriers.csv");

  BEGIN("buses.csv");
  fprintf(f, "name,v_nom,x,y,carrier,control\n");
  for (size_t b = 0; b < NBUS; b++) fprintf(f, "%s,380.0,%.2f,%.2f,AC,PQ\n", buses[b].name, buses[b].lon, buses[b].lat);
  END("buses.csv");

  BEGIN("lines.csv");
  fprintf(f, "name,bus0,bus1,type,x,r,s_nom,s_nom_extendable,length,capital_cost,carrier\n");
  for (size_t l = 0; l < NLINE; l++) {
    double len = 1.15 * km(bus_by_name(lines[l].bus0), bus_by_name(lines[l].bus1)); /* routing factor */
    /* 380 kV double-circuit overhead line: x 0.25 ohm/km, r 0.03 ohm/km per circuit */
    fprintf(f, "%s-%s,%s,%s,,%.4f,%.4f,%.1f,False,%.1f,%.1f,AC\n", lines[l].bus0, lines[l].bus1,
            lines[l].bus0, lines[l].bus1, 0.25 * len / 2, 0.03 * len / 2, lines[l].s_nom, len, 400.0 * len);
  }
  END("lines.csv");

  BEGIN("generators.csv");
  fprintf(f, "name,bus,control,type,p_nom,p_nom_extendable,carrier,marginal_cost,capital_cost,efficiency\n");
  for (size_t g = 0; g < NGEN; g++)
    fprintf(f, "%s,%s,PQ,,%.1f,False,%s,%.2f,%.1f,%.2f\n", gens[g].name, gens[g].bus, gens[g].p_nom, gens[g].carrier,
            gens[g].marginal_cost, gens[g].capital_cost, gens[g].efficiency);
  END("generators.csv");

  BEGIN("generators-p_max_pu.csv");
  for (size_t g = 0; g < NGEN; g++)
    if (strcmp(gens[g].carrier, "gas") != 0) fprintf(f, ",%s", gens[g].name);
  fprintf(f, "\n");
  for (int t = 0; t < TW_EX_NT; t++) {
    fprintf(f, "%d", t);
    for (size_t g = 0; g < NGEN; g++) {
      if (strcmp(gens[g].carrier, "gas") == 0) continue;
      cell_fn fn = strcmp(gens[g].carrier, "wind") == 0 ? cf_wind : cf_solar;
      fprintf(f, ",%.4f", around(w, bus_by_name(gens[g].bus), t, fn));
    }
    fprintf(f, "\n");
  }
  END("generators-p_max_pu.csv");

  BEGIN("storage_units.csv");
  fprintf(f, "name,bus,control,type,p_nom,p_nom_extendable,carrier,marginal_cost,capital_cost,"
             "cyclic_state_of_charge,max_hours,efficiency_store,efficiency_dispatch,standing_loss,"
             "state_of_charge_initial\n");
  fprintf(f, "Emden battery,Emden,PQ,,500.0,False,battery,0.10,60000.0,True,4.0,0.95,0.95,0.0001,0.0\n");
  END("storage_units.csv");

  BEGIN("loads.csv");
  fprintf(f, "name,bus,carrier\n");
  for (size_t b = 0; b < NBUS; b++) fprintf(f, "%s,%s,AC\n", buses[b].name, buses[b].name);
  END("loads.csv");

  BEGIN("loads-p_set.csv");
  for (size_t b = 0; b < NBUS; b++) fprintf(f, ",%s", buses[b].name);
  fprintf(f, "\n");
  for (int t = 0; t < TW_EX_NT; t++) {
    int dow = tw_time_day_of_week(TW_CAL_STANDARD, w->time[t] + 2 * 3600);
    tw_datetime dt;
    tw_time_to_datetime(TW_CAL_STANDARD, w->time[t] + 2 * 3600, &dt);
    double day = dow == 5 ? 0.88 : dow == 6 ? 0.80 : 1.0;
    fprintf(f, "%d", t);
    for (size_t b = 0; b < NBUS; b++) {
      /* heating: +1.5 %/K below 15.5 degC of the trailing 24 h mean temperature */
      double tm = 0;
      int n = 0;
      for (int k = t - 23; k <= t; k++) {
        if (k < 0) continue;
        tm += around(w, &buses[b], k, t2m_cell);
        n++;
      }
      tm = tm / n - 273.15;
      double heat = 1 + 0.015 * fmax(0.0, 15.5 - tm);
      fprintf(f, ",%.2f", buses[b].load_mw * hour_shape[dt.hour] * day * heat);
    }
    fprintf(f, "\n");
  }
  END("loads-p_set.csv");
  return TW_OK;
}
