/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "kv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "terrawatt/input_file.h"
#include "terrawatt/alloc.h"

tw_status tw_kv_read_file(const char *path, char **text) {
  tw_status st = TW_OK;
  char *buf = NULL;
  FILE *f = NULL;
  *text = NULL;
  TW_CHECK(tw_input_fopen(path, 0, &f)); /* /dev/urandom or a FIFO would never end */
  if (fseek(f, 0, SEEK_END) != 0) {
    st = tw_error(TW_ERR_INPUT, "%s: cannot seek", path);
    goto cleanup;
  }
  long size = ftell(f);
  if (size < 0 || size > (1L << 26)) {
    st = tw_error(TW_ERR_INPUT, "%s: unreadable or larger than 64 MiB", path);
    goto cleanup;
  }
  rewind(f);
  TW_CHECK_GOTO(st, tw_calloc((size_t)size + 1, 1, path, &buf));
  if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
    st = tw_error(TW_ERR_INPUT, "%s: short read", path);
    goto cleanup;
  }
  *text = buf;
  buf = NULL;
cleanup:
  free(buf);
  fclose(f);
  return st;
}

/* Copy [b, e) trimmed of spaces and a trailing comment into a new string. */
static char *dup_trim(const char *b, const char *e) {
  const char *hash = memchr(b, '#', (size_t)(e - b));
  if (hash) e = hash;
  while (b < e && (*b == ' ' || *b == '\t')) b++;
  while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) e--;
  char *s = tw_malloc((size_t)(e - b) + 1);
  if (!s) return NULL;
  memcpy(s, b, (size_t)(e - b));
  s[e - b] = '\0';
  return s;
}

tw_status tw_kv_get(const char *text, const char *key, char **value) {
  size_t klen = strlen(key);
  *value = NULL;
  for (const char *line = text; line && *line;) {
    const char *eol = strchr(line, '\n');
    const char *end = eol ? eol : line + strlen(line);
    if (strncmp(line, key, klen) == 0) {
      const char *p = line + klen;
      while (p < end && (*p == ' ' || *p == '\t')) p++;
      if (p < end && *p == ':') {
        char *v = dup_trim(p + 1, end);
        if (!v) return tw_error(TW_ERR_RESOURCE, "out of memory reading key '%s'", key);
        /* a flow list may continue on the following lines */
        while (v[0] == '[' && !strchr(v, ']') && eol) {
          line = eol + 1;
          eol = strchr(line, '\n');
          end = eol ? eol : line + strlen(line);
          char *more = dup_trim(line, end);
          char *joined = more ? tw_malloc(strlen(v) + strlen(more) + 2) : NULL;
          if (!joined) {
            free(more);
            free(v);
            return tw_error(TW_ERR_RESOURCE, "out of memory reading key '%s'", key);
          }
          sprintf(joined, "%s %s", v, more);
          free(v);
          free(more);
          v = joined;
        }
        *value = v;
        return TW_OK;
      }
    }
    line = eol ? eol + 1 : NULL;
  }
  return TW_OK;
}

tw_status tw_kv_number(const char *path, const char *text, const char *key, double *out,
                       int *found) {
  char *v = NULL;
  TW_CHECK(tw_kv_get(text, key, &v));
  if (found) *found = v != NULL;
  if (!v) return TW_OK;
  char *end = NULL;
  errno = 0;
  double x = strtod(v, &end);
  tw_status st = TW_OK;
  if (end == v || *end != '\0' || errno || !isfinite(x))
    st = tw_error(TW_ERR_INPUT, "%s: key '%s': '%s' is not a finite number", path, key, v);
  else
    *out = x;
  free(v);
  return st;
}

tw_status tw_kv_list(const char *path, const char *text, const char *key, double **values,
                     size_t *n) {
  tw_status st = TW_OK;
  char *v = NULL;
  double *out = NULL;
  size_t count = 0, cap = 0;
  *values = NULL;
  *n = 0;
  TW_CHECK(tw_kv_get(text, key, &v));
  if (!v) return tw_error(TW_ERR_INPUT, "%s: key '%s' is missing", path, key);
  size_t len = strlen(v);
  if (len < 2 || v[0] != '[' || v[len - 1] != ']') {
    st = tw_error(TW_ERR_INPUT, "%s: key '%s': expected a list '[a, b, ...]', got '%s'", path,
                  key, v);
    goto cleanup;
  }
  v[len - 1] = '\0';
  for (char *p = v + 1; *p;) {
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) break;
    char *end = NULL;
    errno = 0;
    double x = strtod(p, &end);
    if (end == p || errno || !isfinite(x)) {
      st = tw_error(TW_ERR_INPUT, "%s: key '%s': item %zu ('%.20s') is not a finite number",
                    path, key, count + 1, p);
      goto cleanup;
    }
    if (count == cap) {
      cap = cap ? 2 * cap : 32;
      double *grown = tw_realloc(out, cap * sizeof *out);
      if (!grown) {
        st = tw_error(TW_ERR_RESOURCE, "%s: key '%s': out of memory", path, key);
        goto cleanup;
      }
      out = grown;
    }
    out[count++] = x;
    p = end;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == ',') p++;
    else if (*p) {
      st = tw_error(TW_ERR_INPUT, "%s: key '%s': unexpected '%c' after item %zu", path, key, *p,
                    count);
      goto cleanup;
    }
  }
  *values = out;
  *n = count;
  out = NULL;
cleanup:
  free(out);
  free(v);
  return st;
}
