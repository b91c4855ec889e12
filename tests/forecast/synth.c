/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "synth.h"

#include <math.h>
#include <stdio.h>

#include "terrawatt/mlp.h"
#include "terrawatt/time.h"

double tw_synth_demand(size_t i, double t_k) {
  const double pi = 3.141592653589793;
  double hour = (double)(i % 24);
  int dow = (int)((i / 24 + 1) % 7); /* 2019-01-01 is a Tuesday: 0 = Monday */
  double t_c = t_k - 273.15;
  double daily = 8.0 * exp(-pow(hour - 8.0, 2) / 8.0) + 12.0 * exp(-pow(hour - 19.0, 2) / 6.0) -
                 6.0 * cos(2.0 * pi * hour / 24.0);
  double weekly = dow >= 5 ? -9.0 : 0.0;
  double heating = 2.2 * fmax(0.0, 15.0 - t_c), cooling = 3.0 * fmax(0.0, t_c - 22.0);
  return 100.0 + daily + weekly + heating + cooling;
}

int tw_synth_write(const char *dir, size_t hours, unsigned seed, long gap_row) {
  char path[1024], when[32];
  snprintf(path, sizeof path, "%s/demand.csv", dir);
  FILE *d = fopen(path, "w");
  snprintf(path, sizeof path, "%s/weather.csv", dir);
  FILE *w = fopen(path, "w");
  if (!d || !w) {
    if (d) fclose(d);
    if (w) fclose(w);
    return -1;
  }
  fprintf(d, "time,load [MW]\n");
  fprintf(w, "time,t2m [K]\n");
  tw_rng rng;
  tw_rng_seed(&rng, seed);
  double anomaly = 0.0;
  const double pi = 3.141592653589793;
  for (size_t i = 0; i < hours; i++) {
    double day = (double)i / 24.0;
    anomaly = 0.97 * anomaly + 0.6 * tw_rng_normal(&rng);
    double t_k = 273.15 + 12.0 - 11.0 * cos(2.0 * pi * (day - 15.0) / 365.0) +
                 4.0 * sin(2.0 * pi * ((double)(i % 24) - 9.0) / 24.0) + anomaly;
    double load = tw_synth_demand(i, t_k) + TW_SYNTH_NOISE_MW * tw_rng_normal(&rng);
    tw_time_format(TW_CAL_STANDARD, (tw_time_s)(1546300800 + 3600 * (long long)i), when,
                   sizeof when);
    when[10] = ' ';
    if ((long)i != gap_row) fprintf(d, "%s,%.4f\n", when, load);
    fprintf(w, "%s,%.3f\n", when, t_k);
  }
  fclose(d);
  fclose(w);
  return 0;
}
