/* terrawatt: a small JSON writer for metrics, summaries and --json output.
 * Non-finite numbers are written as null (JSON has no NaN).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_JSON_H
#define TERRAWATT_JSON_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tw_json {
  char *buf;
  size_t len, cap;
  int depth;
  int need_comma[32]; /* per nesting level */
  int failed;         /* out of memory or nesting too deep */
} tw_json;

/* Start an empty document. */
TW_API void tw_json_init(tw_json *j);
/* Free the buffer. */
TW_API void tw_json_free(tw_json *j);

TW_API void tw_json_object_begin(tw_json *j);
TW_API void tw_json_object_end(tw_json *j);
TW_API void tw_json_array_begin(tw_json *j);
TW_API void tw_json_array_end(tw_json *j);
/* A key inside an object; the next value call supplies its value. */
TW_API void tw_json_key(tw_json *j, const char *key);
TW_API void tw_json_string(tw_json *j, const char *value); /* NULL writes null */
TW_API void tw_json_number(tw_json *j, double value);      /* %.10g; non-finite -> null */
TW_API void tw_json_int(tw_json *j, long long value);
TW_API void tw_json_bool(tw_json *j, int value);
TW_API void tw_json_null(tw_json *j);

/* Convenience: key + value. */
TW_API void tw_json_kv_number(tw_json *j, const char *key, double value);
TW_API void tw_json_kv_string(tw_json *j, const char *key, const char *value);
TW_API void tw_json_kv_int(tw_json *j, const char *key, long long value);

/* The document text (NUL-terminated), or NULL if building failed. */
TW_API const char *tw_json_text(const tw_json *j);

/* Write the document (plus a newline) atomically to `path`. */
TW_API tw_status tw_json_write_file(const tw_json *j, const char *path);

#ifdef __cplusplus
}
#endif
#endif
