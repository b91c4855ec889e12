/* The report's "Ensemble and climate-year statistics" table: renders
 * summary.json "climate_statistics" (climate_stats.c). Self-contained
 * script: it uses only TW_SUMMARY.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "climate_stats_page.h"

const char tw_report_climate_html[] =
    "<h2>Ensemble and climate-year statistics</h2>\n<table id=\"climate\"></table>\n"
    "<p class=\"spread\" id=\"climate-note\"></p>\n";

const char tw_report_climate_script[] =
    "(function(){var S=TW_SUMMARY,C=S.climate_statistics,t=document.getElementById('climate');\n"
    "if(!C||!t)return;function f(x){if(x===null||x===undefined)return '\\u2013';"
    "return Math.abs(x)>=100?x.toFixed(0):x.toPrecision(3);}\n"
    "function row(cells,tag){var tr=document.createElement('tr');cells.forEach(function(c){"
    "var e=document.createElement(tag);e.textContent=c;tr.appendChild(e);});t.appendChild(tr);}\n"
    "function q(x){return f(x.p10)+' / '+f(x.p50)+' / '+f(x.p90);}\n"
    "function top(x){var r=x.return_periods[0];return r?f(r.value)+' (every '+f(r.return_period)"
    "+' tasks)':'\\u2013';}\n"
    "row(['scenario','tasks','tasks with unserved energy','unserved MWh P10 / P50 / P90',"
    "'largest unserved MWh (return period)','longest drought h P10 / P50 / P90',"
    "'longest drought h (return period)'],'th');\n"
    "S.scenarios.forEach(function(s){var c=C[s];if(!c)return;row([s,String(c.tasks),"
    "c.tasks_with_unserved+' ('+f(100*c.share_with_unserved)+' %)',q(c.unserved_mwh),"
    "top(c.unserved_mwh),q(c.drought_longest_h),top(c.drought_longest_h)],'td');});\n"
    "document.getElementById('climate-note').textContent='Over each scenario\\'s tasks (members "
    "x climate years). Empirical return periods, '+C.plotting_position+', in tasks: in years "
    "when every task is one climate year.';})();\n";
