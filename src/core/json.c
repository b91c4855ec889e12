/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/json.h"
#include "terrawatt/atomic_file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "terrawatt/alloc.h"

void tw_json_init(tw_json *j) { memset(j, 0, sizeof *j); }

void tw_json_free(tw_json *j) {
  free(j->buf);
  memset(j, 0, sizeof *j);
}

static void append(tw_json *j, const char *s, size_t n) {
  if (j->failed) return;
  if (j->len + n + 1 > j->cap) {
    size_t cap = j->cap ? j->cap : 256;
    while (j->len + n + 1 > cap) cap *= 2;
    char *b = tw_realloc(j->buf, cap);
    if (!b) {
      j->failed = 1;
      return;
    }
    j->buf = b;
    j->cap = cap;
  }
  memcpy(j->buf + j->len, s, n);
  j->len += n;
  j->buf[j->len] = '\0';
}

static void puts_raw(tw_json *j, const char *s) { append(j, s, strlen(s)); }

/* need_comma per level: 0 nothing written yet, 1 an element was written
 * (a comma must come first), 2 a key was written (its value follows). */
static void separate(tw_json *j) {
  if (j->need_comma[j->depth] == 1) puts_raw(j, ",");
  j->need_comma[j->depth] = 1;
}

static void value_prefix(tw_json *j) {
  if (j->need_comma[j->depth] == 2) j->need_comma[j->depth] = 1;
  else separate(j);
}

static void open_level(tw_json *j, const char *c) {
  value_prefix(j);
  puts_raw(j, c);
  if (j->depth + 1 >= (int)(sizeof j->need_comma / sizeof j->need_comma[0])) {
    j->failed = 1;
    return;
  }
  j->need_comma[++j->depth] = 0;
}

static void close_level(tw_json *j, const char *c) {
  if (j->depth > 0) j->depth--;
  puts_raw(j, c);
}

void tw_json_object_begin(tw_json *j) { open_level(j, "{"); }
void tw_json_object_end(tw_json *j) { close_level(j, "}"); }
void tw_json_array_begin(tw_json *j) { open_level(j, "["); }
void tw_json_array_end(tw_json *j) { close_level(j, "]"); }

static void quoted(tw_json *j, const char *s) {
  puts_raw(j, "\"");
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    char esc[8];
    switch (*p) {
    case '"': puts_raw(j, "\\\""); break;
    case '\\': puts_raw(j, "\\\\"); break;
    case '\n': puts_raw(j, "\\n"); break;
    case '\r': puts_raw(j, "\\r"); break;
    case '\t': puts_raw(j, "\\t"); break;
    default:
      if (*p < 0x20) {
        snprintf(esc, sizeof esc, "\\u%04x", *p);
        puts_raw(j, esc);
      } else {
        append(j, (const char *)p, 1);
      }
    }
  }
  puts_raw(j, "\"");
}

void tw_json_key(tw_json *j, const char *key) {
  separate(j);
  quoted(j, key);
  puts_raw(j, ":");
  j->need_comma[j->depth] = 2;
}

void tw_json_string(tw_json *j, const char *value) {
  value_prefix(j);
  if (value) quoted(j, value);
  else puts_raw(j, "null");
}

void tw_json_number(tw_json *j, double value) {
  char num[40];
  value_prefix(j);
  if (!isfinite(value)) {
    puts_raw(j, "null");
    return;
  }
  snprintf(num, sizeof num, "%.10g", value == 0.0 ? 0.0 : value); /* no "-0" */
  puts_raw(j, num);
}

void tw_json_int(tw_json *j, long long value) {
  char num[32];
  value_prefix(j);
  snprintf(num, sizeof num, "%lld", value);
  puts_raw(j, num);
}

void tw_json_bool(tw_json *j, int value) {
  value_prefix(j);
  puts_raw(j, value ? "true" : "false");
}

void tw_json_null(tw_json *j) {
  value_prefix(j);
  puts_raw(j, "null");
}

void tw_json_kv_number(tw_json *j, const char *key, double value) {
  tw_json_key(j, key);
  tw_json_number(j, value);
}

void tw_json_kv_string(tw_json *j, const char *key, const char *value) {
  tw_json_key(j, key);
  tw_json_string(j, value);
}

void tw_json_kv_int(tw_json *j, const char *key, long long value) {
  tw_json_key(j, key);
  tw_json_int(j, value);
}

const char *tw_json_text(const tw_json *j) { return j->failed ? NULL : (j->buf ? j->buf : ""); }

tw_status tw_json_write_file(const tw_json *j, const char *path) {
  const char *text = tw_json_text(j);
  if (!text) return tw_error(TW_ERR_RESOURCE, "%s: out of memory building JSON", path);
  size_t n = strlen(text);
  char *with_newline = tw_malloc(n + 2);
  if (!with_newline) return tw_error(TW_ERR_RESOURCE, "%s: out of memory", path);
  memcpy(with_newline, text, n);
  with_newline[n] = '\n';
  with_newline[n + 1] = '\0';
  tw_status st = tw_atomic_write(path, with_newline, n + 1);
  free(with_newline);
  return st;
}
