/* Quantities with units in scenario files ("1 GW", "2 days", "150 kt",
 * "5 EUR/kWh"), read with udunits2 and converted to a field's documented
 * unit. Internal to src/scenario.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_SCENARIO_UNITS_H
#define TW_SCENARIO_UNITS_H

#include <stddef.h>

#include "terrawatt/status.h"

typedef struct tw_units tw_units;

/* Units with `currency` (e.g. "EUR") as a base unit of its own, so costs
 * can be written "5000 EUR/MWh" or "5 EUR/kWh". udunits2's database is read
 * on the first call and kept for the process (not thread-safe). "kt" and
 * "Mt" are kilo- and megatonnes here (udunits reads "kt" as a knot; no
 * scenario field is a speed). TW_ERR_RESOURCE when the database cannot be
 * read; TW_ERR_INPUT when the currency clashes with a unit's symbol. */
tw_status tw_units_open(const char *currency, tw_units **out);

/* Read `text` as a number optionally followed by a unit and convert it to
 * `unit` (udunits syntax; "CUR" stands for the currency, "Wh" may be
 * written without a multiplication sign: "kWh", "MWh"). A number without a
 * unit is already in `unit`. Returns 0 and sets *value, or returns 1 and
 * writes the reason ("unknown unit 'xyz'", "'kg' cannot be converted to
 * 'MW'", "not a number") into why. */
int tw_units_convert(tw_units *u, const char *text, const char *unit, double *value, int *had_unit,
                     char *why, size_t why_size);

/* `unit` as shown to users: "CUR" replaced by the currency. */
void tw_units_display(const tw_units *u, const char *unit, char *out, size_t n);

void tw_units_close(tw_units *u);

#endif
