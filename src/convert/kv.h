/* A tiny reader for flat YAML files of "KEY: scalar" and "KEY: [a, b, ...]"
 * lines (atlite turbine and panel files): top-level keys only, '#'
 * comments stripped. Internal to convert.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_CONVERT_KV_H
#define TW_CONVERT_KV_H

#include <stddef.h>

#include "terrawatt/status.h"

/* Read a whole file into a NUL-terminated buffer (caller frees). */
tw_status tw_kv_read_file(const char *path, char **text);

/* The raw value of top-level `key` (trimmed, flow lists joined across
 * lines), malloc'd into *value, or *value = NULL when absent. */
tw_status tw_kv_get(const char *text, const char *key, char **value);

/* Parse a number value. TW_ERR_INPUT names path and key. found = 0 when
 * absent (then *out is unchanged). */
tw_status tw_kv_number(const char *path, const char *text, const char *key, double *out,
                       int *found);

/* Parse a flow list "[a, b, c]" of numbers (caller frees *values). */
tw_status tw_kv_list(const char *path, const char *text, const char *key, double **values,
                     size_t *n);

#endif
