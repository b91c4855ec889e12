/* Units normalisation to SI (docs/INGEST.md lists the accepted spellings).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <string.h>

#include "ingest/cf.h"

typedef struct units_row {
  const char *spelling; /* after normalisation: "**" and "^" removed, single spaces */
  const char *si;
  double scale, offset;
  int accumulated;
} units_row;

static const units_row rows[] = {
    {"K", "K", 1, 0, 0},
    {"kelvin", "K", 1, 0, 0},
    {"degK", "K", 1, 0, 0},
    {"degC", "K", 1, 273.15, 0},
    {"deg_C", "K", 1, 273.15, 0},
    {"degree_Celsius", "K", 1, 273.15, 0},
    {"degrees_Celsius", "K", 1, 273.15, 0},
    {"Celsius", "K", 1, 273.15, 0},
    {"C", "K", 1, 273.15, 0},
    {"m s-1", "m s-1", 1, 0, 0},
    {"m/s", "m s-1", 1, 0, 0},
    {"ms-1", "m s-1", 1, 0, 0},
    {"m.s-1", "m s-1", 1, 0, 0},
    {"meter second-1", "m s-1", 1, 0, 0},
    {"km h-1", "m s-1", 1.0 / 3.6, 0, 0},
    {"W m-2", "W m-2", 1, 0, 0},
    {"W/m2", "W m-2", 1, 0, 0},
    {"Wm-2", "W m-2", 1, 0, 0},
    {"W.m-2", "W m-2", 1, 0, 0},
    {"J m-2", "W m-2", 1, 0, 1},
    {"J/m2", "W m-2", 1, 0, 1},
    {"Jm-2", "W m-2", 1, 0, 1},
    {"J.m-2", "W m-2", 1, 0, 1},
    {"kg m-2 s-1", "kg m-2 s-1", 1, 0, 0},
    {"kg/m2/s", "kg m-2 s-1", 1, 0, 0},
    {"mm s-1", "kg m-2 s-1", 1, 0, 0},
    {"Pa", "Pa", 1, 0, 0},
    {"hPa", "Pa", 100, 0, 0},
    {"kPa", "Pa", 1000, 0, 0},
    {"m", "m", 1, 0, 0},
    {"1", "1", 1, 0, 0},
    {"0-1", "1", 1, 0, 0},
    {"(0 - 1)", "1", 1, 0, 0},
    {"%", "1", 0.01, 0, 0},
};

/* Remove "**" and "^", trim, collapse runs of blanks. */
static void normalise(const char *in, char *out, size_t size) {
  size_t o = 0;
  int space = 0;
  while (*in && isspace((unsigned char)*in)) in++;
  for (; *in && o + 1 < size; in++) {
    if (in[0] == '*' && in[1] == '*') {
      in++;
      continue;
    }
    if (*in == '^') continue;
    if (isspace((unsigned char)*in)) {
      space = 1;
      continue;
    }
    if (space && o > 0 && o + 2 < size) out[o++] = ' ';
    space = 0;
    out[o++] = *in;
  }
  out[o] = '\0';
}

int tw_cf_units_lookup(const char *units, tw_cf_units *out) {
  char norm[128];
  normalise(units ? units : "", norm, sizeof norm);
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    if (strcmp(norm, rows[i].spelling) == 0) {
      out->si = rows[i].si;
      out->scale = rows[i].scale;
      out->offset = rows[i].offset;
      out->accumulated = rows[i].accumulated;
      return 1;
    }
  }
  return 0;
}
