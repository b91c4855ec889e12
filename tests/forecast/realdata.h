/* Real series from ../shared/data for the forecast tests, the analysis in
 * docs/FORECAST.md and scripts/bench/surrogate-real: written as CSV files the
 * forecast configuration can read. Sources: the BDEW H25 standard load
 * profile (oemof/demandlib) and the NREL PVWatts hourly export for a real
 * TMY year in Denver (pvlib).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_TESTS_FORECAST_REALDATA_H
#define TW_TESTS_FORECAST_REALDATA_H

/* The reference data folder: $TW_REFERENCE_DATA, else
 * $TW_SOURCE_DIR/../shared/data, else ../shared/data. */
const char *tw_real_reference_dir(void);

/* bdew.csv: "time,load [MW]" from year0 for `years` years, every step_h
 * hours (mean of the hours), the pure BDEW H25 profile scaled to 900 GWh/a
 * (day type SA on Saturdays and 24/31 December, FT on Sundays and German
 * national holidays, WT otherwise). 0 on success, -1 when the data is
 * missing or unreadable. */
int tw_real_bdew(const char *out_dir, int year0, int years, int step_h);

/* pv.csv: "time,ac [kW],temperature [degC]": PVWatts AC output and ambient
 * temperature of the TMY year, dated `year` (not a leap year), hourly. */
int tw_real_pv(const char *out_dir, int year);

/* demand.csv + weather.csv: the issue-19 style demand series: the BDEW H25
 * profile of `year` scaled to 900 GWh/a plus 4 MW/K heating below 15 degC
 * and 5 MW/K cooling above 22 degC of the real PVWatts (TMY) ambient
 * temperature, plus Gaussian noise sigma_MW (seed 11); every step_h hours.
 * weather.csv holds "time,t2m [degC]" (hourly means over the step). */
int tw_real_demand(const char *out_dir, int year, int step_h, double sigma_MW);

#endif
