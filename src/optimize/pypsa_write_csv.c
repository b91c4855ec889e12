/* Write a solved network as a PyPSA CSV folder: network.csv,
 * snapshots.csv, {list}.csv and {list}-{attr}.csv. Each file is written
 * atomically.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/pypsa_emit.h"
#include "terrawatt/atomic_file.h"
#include "terrawatt/alloc.h"

typedef struct buf {
  char *p;
  size_t len, cap;
  int failed;
} buf;

static void bprintf(buf *b, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    size_t room = b->cap - b->len;
    va_start(ap, fmt);
    int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->failed = 1;
      return;
    }
    if (b->p && (size_t)n < room) {
      b->len += (size_t)n;
      return;
    }
    size_t ncap = b->cap ? b->cap * 2 : 4096;
    while (ncap < b->len + (size_t)n + 1) ncap *= 2;
    char *q = tw_realloc(b->p, ncap);
    if (!q) {
      b->failed = 1;
      return;
    }
    b->p = q;
    b->cap = ncap;
  }
}

/* A CSV field, quoted when needed. */
static void bfield(buf *b, const char *s) {
  if (!s) s = "";
  if (strpbrk(s, ",\"\n\r")) {
    bprintf(b, "\"");
    for (; *s; s++) bprintf(b, *s == '"' ? "\"\"" : "%c", *s);
    bprintf(b, "\"");
  } else {
    bprintf(b, "%s", s);
  }
}

static void bnum(buf *b, double v) {
  if (isnan(v)) return;
  if (isinf(v)) bprintf(b, v > 0 ? "inf" : "-inf");
  else bprintf(b, "%.17g", v);
}

typedef struct csv_sink {
  const char *dir;
  const tw_network *net;
  /* the static table of the current list, column-major */
  size_t n, ncol;
  const char *const *names;
  char **hdr;
  char ***cells; /* cells[col][row] */
} csv_sink;

static tw_status write_file(const char *dir, const char *name, buf *b) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (b->failed) return tw_error(TW_ERR_RESOURCE, "%s: out of memory", path);
  return tw_atomic_write(path, b->p ? b->p : "", b->len);
}

static tw_status add_col(csv_sink *s, const char *attr, char **cells) {
  char **h = tw_realloc(s->hdr, (s->ncol + 1) * sizeof *h);
  if (!h) return tw_error(TW_ERR_RESOURCE, "out of memory");
  s->hdr = h;
  char ***c = tw_realloc(s->cells, (s->ncol + 1) * sizeof *c);
  if (!c) return tw_error(TW_ERR_RESOURCE, "out of memory");
  s->cells = c;
  s->hdr[s->ncol] = tw_strdup(attr);
  s->cells[s->ncol] = cells;
  s->ncol++;
  return s->hdr[s->ncol - 1] ? TW_OK : tw_error(TW_ERR_RESOURCE, "out of memory");
}

static tw_status c_begin(void *ctx, const char *list, size_t n, const char *const *names) {
  csv_sink *s = ctx;
  (void)list;
  s->n = n;
  s->names = names;
  s->ncol = 0;
  return TW_OK;
}

static tw_status c_num(void *ctx, const char *list, const char *attr, const double *v, int is_bool) {
  csv_sink *s = ctx;
  char **cells = NULL;
  (void)list;
  TW_CHECK(tw_calloc(s->n + 1, sizeof(char *), "cells", &cells));
  for (size_t i = 0; i < s->n; i++) {
    char tmp[64];
    if (is_bool) snprintf(tmp, sizeof tmp, "%s", v[i] != 0.0 ? "True" : "False");
    else if (isnan(v[i])) tmp[0] = '\0';
    else if (isinf(v[i])) snprintf(tmp, sizeof tmp, "%s", v[i] > 0 ? "inf" : "-inf");
    else snprintf(tmp, sizeof tmp, "%.17g", v[i]);
    cells[i] = tw_strdup(tmp);
  }
  return add_col(s, attr, cells);
}

static tw_status c_str(void *ctx, const char *list, const char *attr, const char *const *v) {
  csv_sink *s = ctx;
  char **cells = NULL;
  (void)list;
  TW_CHECK(tw_calloc(s->n + 1, sizeof(char *), "cells", &cells));
  for (size_t i = 0; i < s->n; i++) cells[i] = tw_strdup(v[i] ? v[i] : "");
  return add_col(s, attr, cells);
}

static tw_status c_series(void *ctx, const char *list, const char *attr, size_t ncols,
                          const char *const *cols, const double *values) {
  csv_sink *s = ctx;
  buf b = {0};
  char name[512];
  bprintf(&b, "snapshot");
  for (size_t j = 0; j < ncols; j++) {
    bprintf(&b, ",");
    bfield(&b, cols[j]);
  }
  bprintf(&b, "\n");
  for (size_t t = 0; t < s->net->n_snapshots; t++) {
    bfield(&b, s->net->snapshots[t]);
    for (size_t j = 0; j < ncols; j++) {
      bprintf(&b, ",");
      bnum(&b, values[t * ncols + j]);
    }
    bprintf(&b, "\n");
  }
  snprintf(name, sizeof name, "%s-%s.csv", list, attr);
  tw_status st = write_file(s->dir, name, &b);
  free(b.p);
  return st;
}

static tw_status c_end(void *ctx, const char *list) {
  csv_sink *s = ctx;
  buf b = {0};
  char name[512];
  bprintf(&b, "name");
  for (size_t c = 0; c < s->ncol; c++) {
    bprintf(&b, ",");
    bfield(&b, s->hdr[c]);
  }
  bprintf(&b, "\n");
  for (size_t i = 0; i < s->n; i++) {
    bfield(&b, s->names[i]);
    for (size_t c = 0; c < s->ncol; c++) {
      bprintf(&b, ",");
      bfield(&b, s->cells[c][i]);
    }
    bprintf(&b, "\n");
  }
  snprintf(name, sizeof name, "%s.csv", list);
  tw_status st = write_file(s->dir, name, &b);
  free(b.p);
  for (size_t c = 0; c < s->ncol; c++) {
    for (size_t i = 0; i < s->n; i++) free(s->cells[c][i]);
    free(s->cells[c]);
    free(s->hdr[c]);
  }
  s->ncol = 0;
  return st;
}

tw_status tw_network_write_csv(const tw_network *net, const tw_optimize_result *r,
                               const char *dir) {
  tw_status st = TW_OK;
  csv_sink s;
  buf b = {0};
  memset(&s, 0, sizeof s);
  s.dir = dir;
  s.net = net;
  TW_CHECK(tw_mkdir_p(dir));
  bprintf(&b, "name,_multi_invest,pypsa_version");
  if (r) bprintf(&b, ",objective,objective_constant");
  bprintf(&b, "\n");
  bfield(&b, net->name ? net->name : "");
  bprintf(&b, ",0,1.1.2");
  if (r) bprintf(&b, ",%.17g,%.17g", r->objective, r->objective_constant);
  bprintf(&b, "\n");
  TW_CHECK_GOTO(st, write_file(dir, "network.csv", &b));
  b.len = 0;
  bprintf(&b, "snapshot,objective,stores,generators\n");
  for (size_t t = 0; t < net->n_snapshots; t++) {
    bfield(&b, net->snapshots[t]);
    bprintf(&b, ",%.17g,%.17g,%.17g\n", net->weight_objective[t], net->weight_stores[t],
            net->weight_generators[t]);
  }
  TW_CHECK_GOTO(st, write_file(dir, "snapshots.csv", &b));
  tw_pypsa_sink sink = {&s, c_begin, c_num, c_str, c_series, c_end};
  st = tw_pypsa_emit(net, r, &sink);
cleanup:
  if (s.ncol) {
    for (size_t c = 0; c < s.ncol; c++) {
      for (size_t i = 0; i < s.n; i++) free(s.cells[c][i]);
      free(s.cells[c]);
      free(s.hdr[c]);
    }
  }
  free(s.hdr);
  free(s.cells);
  free(b.p);
  return st;
}
