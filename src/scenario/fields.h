/* Numeric fields of the scenario file: units, integers and ranges, checked
 * before libcyaml reads the file (docs/SCENARIO.md, "Numbers and units").
 * Internal to src/scenario.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_SCENARIO_FIELDS_H
#define TW_SCENARIO_FIELDS_H

#include <stddef.h>

#include "terrawatt/status.h"

/* Called once per bad value with the field's key ("scenarios[1].storage[0]
 * .p_nom_mw") and the whole message ("<key>: '1 GWh' ..."). */
typedef void (*tw_field_problem_fn)(void *ctx, const char *key, const char *message);

/* A key of the scenario file with its indices, as fields.c names it
 * ("scenarios[2].demand_scale"): validation passes it as data next to its
 * message, so that no one has to read it back out of the text. */
typedef struct tw_field_key {
  char text[128];
} tw_field_key;

/* Format a key into k; returns k->text. */
const char *tw_field_key_at(tw_field_key *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Rewrite the YAML text of a scenario file so that every numeric field
 * holds a plain number in its documented unit: "p_nom_mw: 1 GW" becomes
 * "p_nom_mw: 1000". Values with a unit are converted by dimension
 * (udunits2), costs may carry the run's `currency:`; integer fields take
 * whole numbers only; every field is checked against its range. Each bad
 * value is reported through fn and replaced by 0, so the caller can still
 * load the file and list every other problem. The rest of the text is
 * kept byte for byte. *out is NULL (and TW_OK is returned) when the text
 * is not well-formed YAML: the caller's YAML loader names that error.
 * TW_ERR_RESOURCE when the unit database cannot be read. */
tw_status tw_scenario_fields_normalise(const char *text, size_t len, char **out, size_t *out_len,
                                       tw_field_problem_fn fn, void *ctx);

/* The currency of a scenario file when it gives none. */
#define TW_DEFAULT_CURRENCY "EUR"

#endif
