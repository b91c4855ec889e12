/* Internal: the `years:` key of the scenario's climate block and members.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_SCENARIO_YEARS_H
#define TW_SCENARIO_YEARS_H

#include "terrawatt/scenario.h"

/* Read `climate.years` and `members[i].years` (i < nmembers) of the YAML
 * file at path: a list of years, one year, or "all". TW_ERR_INPUT names
 * the file and the key. Free each with tw_member_years_free. */
tw_status tw_scenario_years_read(const char *path, unsigned nmembers, tw_member_years *climate,
                                 tw_member_years *members);
void tw_member_years_free(tw_member_years *y);

#endif
