/* The name rule (name.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/name.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const tw_reserved_output_names[] = {
    "summary.json", "summary.csv",  "ensemble.csv", "tasks.tsv",   "report.html",
    "results.nc",   "metrics.json", "series.json",  "task.done",   "capacity_factors.nc",
    NULL};

/* Length of the UTF-8 sequence at s (1..4), or 0 when it is invalid
 * (overlong forms, surrogates and code points above U+10FFFF included).
 * *cp receives the code point. */
static size_t utf8_sequence(const unsigned char *s, unsigned long *cp) {
  unsigned char c = s[0];
  size_t n;
  unsigned long v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if ((c & 0xE0) == 0xC0) n = 2, v = c & 0x1F, min = 0x80;
  else if ((c & 0xF0) == 0xE0) n = 3, v = c & 0x0F, min = 0x800;
  else if ((c & 0xF8) == 0xF0) n = 4, v = c & 0x07, min = 0x10000;
  else return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

void tw_name_escape(const char *name, char *out, size_t n) {
  size_t o = 0, shown = 0;
  if (!n) return;
  for (const unsigned char *s = (const unsigned char *)name; *s && o + 8 < n;) {
    unsigned long cp = 0;
    size_t len = utf8_sequence(s, &cp);
    if (shown++ == 80) {
      memcpy(out + o, "...", 3);
      o += 3;
      break;
    }
    if (len && !(cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))) {
      memcpy(out + o, s, len);
      o += len, s += len;
    } else if (*s == '\n' || *s == '\t') {
      out[o++] = '\\', out[o++] = *s == '\n' ? 'n' : 't', s++;
    } else {
      o += (size_t)snprintf(out + o, n - o, "\\x%02X", *s), s++;
    }
  }
  out[o] = '\0';
}

const char *tw_name_problem(const char *name) {
  size_t len = strlen(name);
  if (len == 0) return "is empty";
  if (len > TW_NAME_MAX_BYTES) return "is longer than 128 bytes";
  if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) return "is '.' or '..'";
  if (name[0] == '.') return "starts with '.' (reserved for temporary and lock files)";
  for (const unsigned char *s = (const unsigned char *)name; *s;) {
    unsigned long cp = 0;
    size_t n = utf8_sequence(s, &cp);
    if (!n) return "is not valid UTF-8";
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
      return "contains a control character (newline, tab, ...)";
    if (cp == '"' || cp == '\'' || cp == '`') return "contains a quote";
    if (cp == '/' || cp == '\\') return "contains '/' or '\\'";
    s += n;
  }
  for (size_t i = 0; tw_reserved_output_names[i]; i++)
    if (strcasecmp(name, tw_reserved_output_names[i]) == 0) return "is a reserved output file name";
  if (strncasecmp(name, "capacity_factors_", 17) == 0 && len > 3 &&
      strcasecmp(name + len - 3, ".nc") == 0)
    return "is a reserved output file name";
  return NULL;
}
