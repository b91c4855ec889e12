/* EV fleets in the scenario file (internal to scenario): schema and
 * validation. tw_scenario_fleet (scenario.h) builds a tw_fleet.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_SCENARIO_FLEETS_H
#define TW_SCENARIO_FLEETS_H

#include <cyaml/cyaml.h>

#include "terrawatt/scenario.h"

/* Schema of one `fleets` entry and of `valley_filling`. */
extern const cyaml_schema_value_t tw_fleet_config_entry;
extern const cyaml_schema_field_t tw_valley_filling_fields[];

/* Default valley-filling settings for absent keys. */
#define TW_VF_DEFAULT_GROUPS 100u

/* Report one problem: the key it is about ("fleets[2].charger_kw"; NULL
 * when it is about no single key) and the complete message without the
 * file name, which starts with that key. */
typedef void (*tw_problem_fn)(void *ctx, const char *key, const char *message);

/* Check the fleets, valley_filling and the scenarios' EV overrides;
 * reports every problem through fn, naming key and value. */
void tw_fleets_validate(const tw_scenario_file *s, tw_problem_fn fn, void *ctx);

/* Apply defaults of absent valley_filling keys. */
void tw_fleets_apply_defaults(tw_scenario_file *s);

#endif
