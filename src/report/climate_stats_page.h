/* Internal: the report's ensemble and climate-year statistics section.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_REPORT_CLIMATE_STATS_PAGE_H
#define TW_REPORT_CLIMATE_STATS_PAGE_H

extern const char tw_report_climate_html[];   /* the section's HTML */
extern const char tw_report_climate_script[]; /* its script (reads TW_SUMMARY) */

#endif
