/* The static parts of report.html (internal to report): the page's style
 * and script, src/report/page.css and page.js, compiled in by
 * cmake/EmbedText.cmake.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_REPORT_PAGE_H
#define TW_REPORT_PAGE_H

extern const char tw_report_page_js[];
extern const char tw_report_page_css[];

#endif
