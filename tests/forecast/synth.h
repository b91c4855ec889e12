/* Synthetic hourly demand for the forecast tests: a daily and weekly
 * shape, heating and cooling driven by temperature, Gaussian noise.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_TEST_FORECAST_SYNTH_H
#define TW_TEST_FORECAST_SYNTH_H

#include <stddef.h>

/* Noise standard deviation of the synthetic demand, MW. */
#define TW_SYNTH_NOISE_MW 2.0

/* Write DIR/demand.csv ("time,load [MW]") and DIR/weather.csv
 * ("time,t2m [K]") with `hours` hourly rows from 2019-01-01T00:00, and
 * DIR/<name>.yaml configs. Skips the row `gap_row` (>= 0) in demand.csv
 * to make a broken file. Returns 0 or -1. */
int tw_synth_write(const char *dir, size_t hours, unsigned seed, long gap_row);

/* Demand without noise for hour index i and temperature t_k (K). */
double tw_synth_demand(size_t i, double t_k);

#endif
