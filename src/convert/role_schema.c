/* The `variables:` mapping of convert and scenario files: role -> file
 * variable name (docs/INGEST.md, "Roles and presets").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/convert_config.h"

#define ROLE(key, member)                                                                    \
  CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, tw_role_names, member, \
                         1, CYAML_UNLIMITED)

const cyaml_schema_field_t tw_role_names_fields[] = {
    ROLE("temperature", temperature),
    ROLE("ghi", ghi),
    ROLE("direct", direct),
    ROLE("diffuse", diffuse),
    ROLE("toa", toa),
    ROLE("roughness", roughness),
    ROLE("wind_speed_100m", wind_speed_100m),
    ROLE("wind_speed_10m", wind_speed_10m),
    ROLE("u100", u100),
    ROLE("v100", v100),
    ROLE("u10", u10),
    ROLE("v10", v10),
    CYAML_FIELD_END};
