/* terrawatt: the static HTML report of a run (`terrawatt report OUTDIR`).
 * docs/REPORT.md documents the page.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_REPORT_H
#define TERRAWATT_REPORT_H

#include "terrawatt/export.h"

#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default Chart.js (Debian package libjs-chart.js), inlined into the page. */
#define TW_CHARTJS_DEFAULT "/usr/share/javascript/chart.js/chart.min.js"

/* Write a self-contained HTML page for the run in `out_dir` (its
 * summary.json, tasks.tsv and the tasks' series.json) to `html_path`,
 * atomically. `chartjs_path` (NULL: $TW_CHARTJS or TW_CHARTJS_DEFAULT) is
 * inlined so the page works offline. Missing or malformed run files are
 * TW_ERR_INPUT naming them; a missing Chart.js is TW_ERR_RESOURCE. */
TW_API tw_status tw_report_write(const char *out_dir, const char *html_path, const char *chartjs_path);

#ifdef __cplusplus
}
#endif
#endif
