/* report.html: summary table and Chart.js charts, self-contained.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_page.h"
#include "climate_stats_page.h"
#include "core/strbuf.h"
#include "terrawatt/report.h"
#include "terrawatt/alloc.h"

static tw_status read_text(const char *path, tw_status missing_code, char **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  tw_strbuf b = {0};
  char chunk[65536];
  size_t n;
  *out = NULL;
  if (!f) return tw_error(missing_code, "%s: %s", path, strerror(errno));
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) tw_sb_addn(&b, chunk, n);
  int bad = ferror(f);
  fclose(f);
  if (bad || b.failed) {
    tw_sb_free(&b);
    return tw_error(TW_ERR_RESOURCE, "%s: read failed", path);
  }
  *out = b.p ? b.p : tw_strdup("");
  if (len) *len = b.len;
  return *out ? TW_OK : tw_error(TW_ERR_RESOURCE, "out of memory");
}

/* Append text for a <script> element: "</" becomes "<\/" so embedded
 * data cannot close the element. */
static void add_script_safe(tw_strbuf *b, const char *s) {
  const char *p;
  while ((p = strstr(s, "</")) != NULL) {
    tw_sb_addn(b, s, (size_t)(p - s));
    tw_sb_add(b, "<\\/");
    s = p + 2;
  }
  tw_sb_add(b, s);
}

/* Add the series of tasks with member 0 or scenario 0 as
 * "scenario|member": {...}. tasks.tsv: task, scenario_index, member_index,
 * scenario, member, dir. */
static tw_status add_series(tw_strbuf *b, const char *out_dir) {
  char path[4096], *tsv = NULL;
  tw_status st;
  snprintf(path, sizeof path, "%s/tasks.tsv", out_dir);
  TW_CHECK(read_text(path, TW_ERR_INPUT, &tsv, NULL));
  int first = 1, lineno = 0;
  char *save = NULL;
  st = TW_OK;
  tw_sb_add(b, "{");
  for (char *line = strtok_r(tsv, "\n", &save); line && st == TW_OK;
       line = strtok_r(NULL, "\n", &save)) {
    char *f[6];
    int n = 0;
    lineno++;
    if (lineno == 1) continue; /* header */
    for (char *c = line; n < 6; n++) {
      f[n] = c;
      c = strchr(c, '\t');
      if (!c) {
        n++;
        break;
      }
      *c++ = '\0';
    }
    if (n != 6) {
      st = tw_error(TW_ERR_INPUT, "%s: line %d: expected 6 tab-separated fields", path, lineno);
      break;
    }
    if (strcmp(f[1], "0") != 0 && strcmp(f[2], "0") != 0) continue;
    char spath[4096], *json = NULL;
    snprintf(spath, sizeof spath, "%s/%s/series.json", out_dir, f[5]);
    st = read_text(spath, TW_ERR_INPUT, &json, NULL);
    if (st != TW_OK) break;
    tw_sb_add(b, first ? "\n\"" : ",\n\"");
    first = 0;
    for (int k = 3; k <= 4; k++) { /* names are directory names: no quotes or backslashes */
      for (const char *c = f[k]; *c; c++)
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) {
          st = tw_error(TW_ERR_INPUT, "%s: line %d: name '%s' cannot be embedded", path, lineno,
                        f[k]);
          break;
        }
      tw_sb_add(b, f[k]);
      if (k == 3) tw_sb_add(b, "|");
    }
    tw_sb_add(b, "\":");
    add_script_safe(b, json);
    free(json);
  }
  tw_sb_add(b, "}");
  free(tsv);
  return st;
}

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>terrawatt report</title>\n<script>window.addEventListener('error',function(e){"
    "document.documentElement.setAttribute('data-js-errors',String(e.message));});</script>\n"
    "<style>\n";

static const char page_body[] =
    "</style>\n</head>\n<body>\n<header>\n<h1 id=\"title\">terrawatt report</h1>\n"
    "<p class=\"lead\" id=\"description\"></p>\n<p class=\"note\" id=\"context\"></p>\n"
    "<p id=\"status\">Charts need JavaScript.</p>\n</header>\n"
    "<h2>Scenarios</h2>\n<dl class=\"scen\" id=\"scenarios\"></dl>\n"
    "<h2>Key figures</h2>\n<table id=\"metrics\"></table>\n<p class=\"note\" id=\"table-note\"></p>\n"
    "<h2>Map: prices and line loading</h2>\n<p class=\"note\" id=\"map-note\"></p>\n"
    "<div id=\"map-legend\"></div>\n<div class=\"grid\" id=\"maps\"></div>\n"
    "<h2>Costs and impacts compared</h2>\n<div class=\"grid\" id=\"bars\"></div>\n"
    "<h2>Dispatch: which plants run, hour by hour</h2>\n<p class=\"note\">Power by carrier "
    "(batteries net of charging) with demand as a red line; every chart has the same vertical "
    "scale. Outages are shaded red, renewable droughts grey.</p>\n"
    "<div id=\"dispatch-legend\"></div>\n<div class=\"grid\" id=\"dispatch\"></div>\n"
    "<h2>Net load: immediate against smart electric-car charging</h2>\n<p class=\"note\">Demand "
    "minus available wind and solar power, one panel per scenario on the same scale.</p>\n"
    "<div id=\"netload-legend\"></div>\n<div class=\"grid\" id=\"netload\"></div>\n"
    "<h2>Prices</h2>\n<div class=\"grid\" id=\"prices\"></div>\n"
    "<h2>Renewable droughts</h2>\n<div class=\"grid\" id=\"droughts\"></div>\n";

/* after the ensemble and climate-year statistics (climate_stats_page.c) */
static const char page_tail[] =
    "<h2>Glossary</h2>\n<dl class=\"gloss\" id=\"glossary\"></dl>\n"
    "<footer>Made by terrawatt report. Charts by Chart.js (MIT licence), inlined; the map is "
    "inline SVG.</footer>\n<script>\n";

tw_status tw_report_write(const char *out_dir, const char *html_path, const char *chartjs_path) {
  char path[4096], *summary = NULL, *chartjs = NULL, *run = NULL;
  tw_strbuf b = {0};
  tw_status st = TW_OK;
  if (!chartjs_path) chartjs_path = getenv("TW_CHARTJS");
  if (!chartjs_path || !chartjs_path[0]) chartjs_path = TW_CHARTJS_DEFAULT;
  snprintf(path, sizeof path, "%s/summary.json", out_dir);
  TW_CHECK_GOTO(st, read_text(path, TW_ERR_INPUT, &summary, NULL));
  if (summary[0] != '{') {
    st = tw_error(TW_ERR_INPUT, "%s: not a terrawatt summary (expected a JSON object)", path);
    goto cleanup;
  }
  snprintf(path, sizeof path, "%s/run.json", out_dir); /* runs before run.json: no descriptions */
  if (read_text(path, TW_ERR_INPUT, &run, NULL) != TW_OK || run[0] != '{') {
    free(run);
    run = tw_strdup("null");
    if (!run) TW_CHECK_GOTO(st, tw_error(TW_ERR_RESOURCE, "out of memory"));
  }
  st = read_text(chartjs_path, TW_ERR_RESOURCE, &chartjs, NULL);
  if (st != TW_OK) {
    tw_error_prefix(st, "Chart.js (install Debian's libjs-chart.js or set TW_CHARTJS): ");
    goto cleanup;
  }
  tw_sb_add(&b, page_head);
  tw_sb_add(&b, tw_report_page_css);
  tw_sb_add(&b, page_body);
  tw_sb_add(&b, tw_report_climate_html);
  tw_sb_add(&b, page_tail);
  add_script_safe(&b, chartjs);
  tw_sb_add(&b, "\n</script>\n<script>\nvar TW_SUMMARY=");
  add_script_safe(&b, summary);
  tw_sb_add(&b, ";\nvar TW_RUN=");
  add_script_safe(&b, run);
  tw_sb_add(&b, ";\nvar TW_SERIES=");
  TW_CHECK_GOTO(st, add_series(&b, out_dir));
  tw_sb_add(&b, ";\n</script>\n<script>\n");
  add_script_safe(&b, tw_report_page_js);
  tw_sb_add(&b, "</script>\n<script>\n");
  tw_sb_add(&b, tw_report_climate_script);
  tw_sb_add(&b, "</script>\n</body>\n</html>\n");
  st = tw_sb_write(&b, html_path);
cleanup:
  tw_sb_free(&b);
  free(summary);
  free(chartjs);
  free(run);
  return st;
}
