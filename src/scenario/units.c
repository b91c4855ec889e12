/* Quantities with units, by udunits2 (a well-kept, widely used units
 * library: it knows SI prefixes, plurals and thousands of units, so we do
 * not write and maintain our own unit parser).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <udunits2.h>
#include "terrawatt/alloc.h"

struct tw_units {
  ut_system *system;
  char currency[16];
};

static int map_symbol(ut_system *sys, const char *symbol, const char *definition) {
  ut_unit *unit = ut_parse(sys, definition, UT_ASCII);
  int bad = !unit;
  if (unit) {
    ut_unmap_symbol_to_unit(sys, symbol, UT_ASCII); /* "kt" is a knot in udunits */
    bad = ut_map_symbol_to_unit(symbol, UT_ASCII, unit) != UT_SUCCESS;
    ut_free(unit);
  }
  return bad;
}

/* The unit database, read once per process (reading udunits2's XML takes
 * tens of milliseconds, a second under the fuzzer's sanitizers) and kept:
 * scenario loading is single-threaded. Currencies are base units of their
 * own, added on first use. */
static ut_system *shared_system;
static char currencies[32][8];
static int n_currencies;

static ut_system *unit_system(void) {
  if (shared_system) return shared_system;
  ut_set_error_message_handler(ut_ignore);
  ut_system *sys = ut_read_xml(NULL);
  if (sys && (map_symbol(sys, "kt", "1000 t") || map_symbol(sys, "Mt", "1e6 t"))) {
    ut_free_system(sys);
    sys = NULL;
  }
  return shared_system = sys;
}

static int add_currency(ut_system *sys, const char *currency) {
  for (int i = 0; i < n_currencies; i++)
    if (strcmp(currencies[i], currency) == 0) return 0;
  ut_unit *clash = ut_get_unit_by_symbol(sys, currency);
  if (clash || n_currencies == 32 || strlen(currency) >= sizeof currencies[0]) {
    ut_free(clash);
    return 1; /* a unit of that name exists already */
  }
  ut_unit *money = ut_new_base_unit(sys);
  int bad = !money || ut_map_symbol_to_unit(currency, UT_ASCII, money) != UT_SUCCESS;
  ut_free(money);
  if (!bad) snprintf(currencies[n_currencies++], sizeof currencies[0], "%s", currency);
  return bad;
}

tw_status tw_units_open(const char *currency, tw_units **out) {
  *out = NULL;
  ut_system *sys = unit_system();
  if (!sys)
    return tw_error(TW_ERR_RESOURCE,
                    "cannot read the udunits2 unit database (install Debian's libudunits2-data, "
                    "or set UDUNITS2_XML_PATH)");
  if (add_currency(sys, currency))
    return tw_error(TW_ERR_INPUT, "currency: '%s' cannot be used as a currency unit", currency);
  tw_units *u = tw_calloc_raw(1, sizeof *u);
  if (!u) return tw_error(TW_ERR_RESOURCE, "out of memory");
  u->system = sys;
  snprintf(u->currency, sizeof u->currency, "%s", currency);
  *out = u;
  return TW_OK;
}

/* Copy `in` to `out`, writing "W.h" for "Wh" (udunits needs "W.h" or "W h":
 * accept the usual "kWh", "MWh", "GWh") when `watt_hours`, and the run's
 * currency for "CUR" when `currency`. */
static void rewrite_unit(const tw_units *u, const char *in, int watt_hours, int currency,
                         char *out, size_t n) {
  size_t k = 0;
  for (const char *c = in; *c && k + 16 < n; c++) {
    if (watt_hours && c[0] == 'W' && c[1] == 'h' && !isalpha((unsigned char)c[2])) {
      memcpy(out + k, "W.h", 3);
      k += 3;
      c++;
    } else if (currency && strncmp(c, "CUR", 3) == 0) {
      size_t m = strlen(u->currency);
      memcpy(out + k, u->currency, m);
      k += m;
      c += 2;
    } else {
      out[k++] = *c;
    }
  }
  out[k] = '\0';
}

void tw_units_display(const tw_units *u, const char *unit, char *out, size_t n) {
  rewrite_unit(u, unit, 0, 1, out, n);
}

int tw_units_convert(tw_units *u, const char *text, const char *unit, double *value, int *had_unit,
                     char *why, size_t why_size) {
  char spec[256], target_spec[128];
  const char *p = text;
  char *end = NULL;
  *had_unit = 0;
  while (isspace((unsigned char)*p)) p++;
  /* A decimal number: strtod would also take "nan", "inf" and hex. */
  const char *q = p + (*p == '+' || *p == '-');
  if (!(isdigit((unsigned char)*q) || (*q == '.' && isdigit((unsigned char)q[1])))) {
    snprintf(why, why_size, "not a number");
    return 1;
  }
  double x = strtod(p, &end);
  if (!isfinite(x)) {
    snprintf(why, why_size, "not a finite number");
    return 1;
  }
  while (isspace((unsigned char)*end)) end++;
  if (!*end) {
    *value = x;
    return 0;
  }
  *had_unit = 1;
  size_t n = strlen(end);
  while (n && isspace((unsigned char)end[n - 1])) n--;
  char raw[200];
  if (n >= sizeof raw) {
    snprintf(why, why_size, "unit too long");
    return 1;
  }
  memcpy(raw, end, n);
  raw[n] = '\0';
  rewrite_unit(u, raw, 1, 0, spec, sizeof spec);
  rewrite_unit(u, unit, 1, 1, target_spec, sizeof target_spec);
  ut_unit *from = ut_parse(u->system, spec, UT_UTF8);
  ut_unit *to = ut_parse(u->system, target_spec, UT_UTF8);
  int bad = 1;
  if (!to) {
    snprintf(why, why_size, "internal: unit '%s' unknown", target_spec);
  } else if (!from) {
    snprintf(why, why_size, "unknown unit '%s'", raw);
  } else if (!ut_are_convertible(from, to)) {
    char shown[128];
    tw_units_display(u, unit, shown, sizeof shown);
    snprintf(why, why_size, "'%s' cannot be converted to %s", raw, shown);
  } else {
    cv_converter *cv = ut_get_converter(from, to);
    if (cv) {
      double y = cv_convert_double(cv, x);
      /* 15 significant digits: "1 GW" is exactly 1000 MW, not 1000.0000000000001 */
      char buf[64];
      snprintf(buf, sizeof buf, "%.15g", y);
      *value = strtod(buf, NULL);
      bad = !isfinite(*value);
      if (bad) snprintf(why, why_size, "not a finite number");
      cv_free(cv);
    } else {
      snprintf(why, why_size, "'%s' cannot be converted", raw);
    }
  }
  ut_free(from);
  ut_free(to);
  return bad;
}

void tw_units_close(tw_units *u) { free(u); /* the unit system is kept */ }
