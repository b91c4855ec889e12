/* terrawatt: loading YAML files against a libcyaml schema with error
 * messages that name the file and the offending key.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_YAML_H
#define TERRAWATT_YAML_H

#include "terrawatt/export.h"

#include <cyaml/cyaml.h>

#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Load `path` into *out using `top` (a CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER,
 * ...) schema). Unknown keys, wrong types and malformed YAML fail with
 * TW_ERR_INPUT: "scenario.yaml: unexpected key: 'foo' (in mapping field
 * 'optimize')". A missing file is TW_ERR_INPUT naming it. Free the result
 * with tw_yaml_free. */
TW_API tw_status tw_yaml_load(const char *path, const cyaml_schema_value_t *top, void **out);

/* As tw_yaml_load, from `len` bytes of YAML text; `name` (the file it came
 * from) prefixes error messages. */
TW_API tw_status tw_yaml_load_text(const char *name, const char *text, size_t len,
                                   const cyaml_schema_value_t *top, void **out);

/* Free data loaded by tw_yaml_load (NULL-safe). */
TW_API void tw_yaml_free(const cyaml_schema_value_t *top, void *data);

#ifdef __cplusplus
}
#endif
#endif
