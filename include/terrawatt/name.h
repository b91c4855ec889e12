/* terrawatt: the one rule for user-chosen names (scenario file name,
 * scenarios, members, fleets, added components, outages). Names become
 * directory names, JSON and CSV fields, NetCDF strings and log lines, so
 * they are checked once, at validation, with one rule (docs/SCENARIO.md):
 *   - 1 to TW_NAME_MAX_BYTES bytes of valid UTF-8;
 *   - no control characters (C0, DEL, C1), no quotes (" ' `), no / or \;
 *   - not "." or "..", not starting with "." (temporary and lock files do);
 *   - not a reserved output name (summary.json, results.nc, ...).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_NAME_H
#define TERRAWATT_NAME_H

#include "terrawatt/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TW_NAME_MAX_BYTES 128

/* NULL when `name` follows the rule; otherwise a static text saying why
 * ("contains a control character", "is longer than 128 bytes", ...). */
TW_API const char *tw_name_problem(const char *name);

/* Write `name` into out[n] in a form safe for one log line: control
 * characters as \n, \t or \xNN, invalid UTF-8 bytes as \xNN, cut to at
 * most 80 characters with "..." after. */
TW_API void tw_name_escape(const char *name, char *out, size_t n);

/* The reserved output names, NULL-terminated (files terrawatt writes into
 * an output folder next to task directories). */
extern TW_API const char *const tw_reserved_output_names[];

#ifdef __cplusplus
}
#endif
#endif
