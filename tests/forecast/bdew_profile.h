/* The BDEW standard load profile CSV of ../shared/data/load (oemof/demandlib
 * layout): two header rows (months, then day types SA,FT,WT per month) and
 * 96 quarter-hour rows of 36 values.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_TESTS_FORECAST_BDEW_PROFILE_H
#define TW_TESTS_FORECAST_BDEW_PROFILE_H

/* Read `path` into profile[month][daytype][quarter] (daytype 0 SA, 1 FT,
 * 2 WT; kWh per quarter hour). 0 on success, -1 when the file is missing or
 * not in that layout. */
int tw_bdew_read_profile(const char *path, double profile[12][3][96]);

#endif
