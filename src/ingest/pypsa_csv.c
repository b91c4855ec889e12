/* Read a PyPSA network from a CSV folder (PyPSA's export_to_csv_folder):
 * network.csv, snapshots.csv, {list}.csv and {list}-{attr}.csv.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "terrawatt/input_file.h"

#include "ingest/pypsa_defaults.h"
#include "ingest/pypsa_table.h"
#include "terrawatt/alloc.h"

/* A parsed CSV file: rows of fields. The whole file is read into one
 * buffer and split in place (quotes removed), so parsing costs a few
 * allocations per file rather than one per field; fields[r] points into one
 * flat array of field pointers. Fields are owned by the buffer: copy what
 * must outlive csv_free. */
typedef struct csv_file {
  size_t nrows;     /* including the header */
  size_t *nfields;
  char ***fields;
  char *buf;
  char **flat;
} csv_file;

static void csv_free(csv_file *c) {
  free(c->fields);
  free(c->nfields);
  free(c->buf);
  free(c->flat);
  memset(c, 0, sizeof *c);
}

static tw_status csv_read(const char *path, csv_file *out) {
  tw_status st = TW_OK;
  size_t len = 0, cap = 0, nf = 0, fcap = 0, nr = 0, rcap = 0;
  size_t *row_start = NULL;
  memset(out, 0, sizeof *out);
  FILE *f = NULL;
  /* A file of the folder: a regular file, and no symlink unless --follow-symlinks. */
  TW_CHECK(tw_input_fopen(path, TW_INPUT_IN_FOLDER, &f));
  for (;;) {
    if (len + 65536 + 1 > cap) {
      cap = cap ? 2 * cap : 131072;
      char *p = tw_realloc(out->buf, cap);
      if (!p) goto oom;
      out->buf = p;
    }
    size_t got = fread(out->buf + len, 1, cap - len - 1, f);
    len += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    st = tw_error(TW_ERR_INPUT, "%s: read error", path);
    goto cleanup;
  }
  if (!out->buf && !(out->buf = tw_malloc(1))) goto oom;
  out->buf[len] = '\0';
  /* split in place: w is the write position (unquoting compacts) */
  char *buf = out->buf;
  size_t r = 0, w = 0, field0 = 0;
  int inq = 0, any = 0, row_open = 0;
  while (r <= len) {
    char c = r < len ? buf[r] : '\n';
    int at_end = r == len;
    if (inq) {
      if (at_end) {
        st = tw_error(TW_ERR_INPUT, "%s: unterminated quoted field", path);
        goto cleanup;
      }
      if (c == '"') {
        if (r + 1 < len && buf[r + 1] == '"') {
          buf[w++] = '"';
          r += 2;
        } else {
          inq = 0;
          r++;
        }
        continue;
      }
      buf[w++] = c;
      r++;
      continue;
    }
    if (c == '"') {
      inq = 1;
      any = 1;
      r++;
      continue;
    }
    if (c == '\r') {
      r++;
      continue;
    }
    if (c == ',' || c == '\n') {
      if (at_end && !row_open && !any && w == field0) break; /* no trailing row */
      if (nf + 1 > fcap) {
        fcap = fcap ? 2 * fcap : 1024;
        char **p = tw_realloc(out->flat, fcap * sizeof *p);
        if (!p) goto oom;
        out->flat = p;
      }
      if (!row_open) {
        if (nr + 1 > rcap) {
          rcap = rcap ? 2 * rcap : 64;
          size_t *p = tw_realloc(row_start, rcap * sizeof *p);
          if (!p) goto oom;
          row_start = p;
        }
        row_start[nr++] = nf;
        row_open = 1;
      }
      /* fields are stored as offsets first (the flat array may move) */
      out->flat[nf++] = (char *)(uintptr_t)field0;
      buf[w++] = '\0';
      r++;
      field0 = w;
      if (c == '\n') {
        /* a blank line (one empty field, no quotes) is not a row */
        if (nf - row_start[nr - 1] == 1 && !any && buf[(size_t)(uintptr_t)out->flat[nf - 1]] == '\0') {
          nf--;
          nr--;
        }
        row_open = 0;
        any = 0;
        if (at_end) break;
      }
      continue;
    }
    any = 1;
    buf[w++] = c;
    r++;
  }
  out->nrows = nr;
  if (nr) {
    out->fields = tw_malloc(nr * sizeof *out->fields);
    out->nfields = tw_malloc(nr * sizeof *out->nfields);
    if (!out->fields || !out->nfields) goto oom;
  }
  for (size_t i = 0; i < nf; i++) out->flat[i] = buf + (size_t)(uintptr_t)out->flat[i];
  for (size_t i = 0; i < nr; i++) {
    out->fields[i] = out->flat + row_start[i];
    out->nfields[i] = (i + 1 < nr ? row_start[i + 1] : nf) - row_start[i];
  }
  goto cleanup;
oom:
  st = tw_error(TW_ERR_RESOURCE, "%s: out of memory parsing CSV", path);
cleanup:
  free(row_start);
  fclose(f);
  if (st != TW_OK) csv_free(out);
  return st;
}

/* Present in the folder (as anything: csv_read then checks what it is);
 * never opens it, so a FIFO cannot block here. */
static int file_exists(const char *path) {
  struct stat sb;
  return lstat(path, &sb) == 0;
}

static tw_status number(const char *path, const char *text, size_t row, double *v) {
  if (!text[0]) {
    *v = NAN;
    return TW_OK;
  }
  char *end = NULL;
  *v = strtod(text, &end);
  if (!end || *end)
    return tw_error(TW_ERR_INPUT, "%s: row %zu: value '%s' is not a number", path, row, text);
  return TW_OK;
}

/* 1 when `s` is well-formed UTF-8 (no overlongs, surrogates or values
 * above U+10FFFF). Names end up in NetCDF strings and JSON. */
static int utf8_valid(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned c = *p;
    size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
    if (n == 9 || c == 0xC0 || c == 0xC1 || c > 0xF4) return 0;
    for (size_t k = 1; k <= n; k++)
      if ((p[k] & 0xC0) != 0x80) return 0;
    if (n == 2 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))) return 0;
    if (n == 3 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))) return 0;
    p += n + 1;
  }
  return 1;
}

static tw_status read_snapshots(const char *dir, tw_pypsa_tables *t) {
  char path[4096];
  csv_file c;
  tw_status st = TW_OK;
  snprintf(path, sizeof path, "%s/snapshots.csv", dir);
  if (!file_exists(path)) {
    t->n_snapshots = 1;
    TW_CHECK(tw_calloc(1, sizeof(char *), "snapshots", &t->snapshots));
    t->snapshots[0] = tw_strdup("now");
    return t->snapshots[0] ? TW_OK : tw_error(TW_ERR_RESOURCE, "out of memory");
  }
  TW_CHECK(csv_read(path, &c));
  if (c.nrows < 2) {
    st = tw_error(TW_ERR_INPUT, "%s: no snapshots", path);
    goto cleanup;
  }
  size_t ncol = c.nfields[0];
  long label = -1, wo = -1, ws = -1, wg = -1;
  for (size_t j = 0; j < ncol; j++) {
    const char *h = c.fields[0][j];
    if (!strcmp(h, "snapshot") || (!strcmp(h, "name") && label < 0)) label = (long)j;
    if (!strcmp(h, "objective")) wo = (long)j;
    if (!strcmp(h, "stores")) ws = (long)j;
    if (!strcmp(h, "generators")) wg = (long)j;
    if (!strcmp(h, "weightings") && wo < 0 && ws < 0 && wg < 0) wo = ws = wg = (long)j; /* PyPSA < 0.18 */
    if (!strcmp(h, "period")) {
      st = tw_error(TW_ERR_INPUT,
                    "%s: snapshots carry investment periods; multi-period optimisation is not "
                    "supported",
                    path);
      goto cleanup;
    }
  }
  if (label < 0) label = 0;
  t->n_snapshots = c.nrows - 1;
  TW_CHECK_GOTO(st, tw_calloc(t->n_snapshots, sizeof(char *), "snapshots", &t->snapshots));
  if (label != 0)
    TW_CHECK_GOTO(st, tw_calloc(t->n_snapshots, sizeof(char *), "snapshots", &t->snapshot_keys));
  TW_CHECK_GOTO(st, tw_calloc(t->n_snapshots, sizeof(double), "weights", &t->w_objective));
  TW_CHECK_GOTO(st, tw_calloc(t->n_snapshots, sizeof(double), "weights", &t->w_stores));
  TW_CHECK_GOTO(st, tw_calloc(t->n_snapshots, sizeof(double), "weights", &t->w_generators));
  for (size_t r = 1; r < c.nrows; r++) {
    size_t s = r - 1;
    if (c.nfields[r] != ncol) {
      st = tw_error(TW_ERR_INPUT, "%s: row %zu has %zu fields, the header %zu", path, r + 1,
                    c.nfields[r], ncol);
      goto cleanup;
    }
    t->snapshots[s] = tw_strdup(c.fields[r][label]);
    if (t->snapshot_keys) t->snapshot_keys[s] = tw_strdup(c.fields[r][0]);
    if (!t->snapshots[s] || (t->snapshot_keys && !t->snapshot_keys[s])) {
      st = tw_error(TW_ERR_RESOURCE, "out of memory");
      goto cleanup;
    }
    t->w_objective[s] = t->w_stores[s] = t->w_generators[s] = NAN;
    if (wo >= 0) TW_CHECK_GOTO(st, number(path, c.fields[r][wo], r + 1, &t->w_objective[s]));
    if (ws >= 0) TW_CHECK_GOTO(st, number(path, c.fields[r][ws], r + 1, &t->w_stores[s]));
    if (wg >= 0) TW_CHECK_GOTO(st, number(path, c.fields[r][wg], r + 1, &t->w_generators[s]));
  }
cleanup:
  csv_free(&c);
  return st;
}

static tw_status read_static(const char *path, const char *list, tw_pypsa_tables *t) {
  csv_file c;
  tw_status st = TW_OK;
  TW_CHECK(csv_read(path, &c));
  tw_pypsa_list *l = tw_pypsa_tables_find(t, list);
  if (!l) TW_CHECK_GOTO(st, tw_pypsa_tables_add_list(t, list, &l));
  if (c.nrows == 0) {
    st = tw_error(TW_ERR_INPUT, "%s: empty file: no header row (expected at least 'name')", path);
    goto cleanup;
  }
  size_t ncol = c.nfields[0];
  l->n = c.nrows - 1;
  TW_CHECK_GOTO(st, tw_calloc(l->n ? l->n : 1, sizeof(char *), "names", &l->names));
  for (size_t r = 1; r < c.nrows; r++) {
    if (c.nfields[r] != ncol) {
      st = tw_error(TW_ERR_INPUT, "%s: row %zu has %zu fields, the header %zu", path, r + 1,
                    c.nfields[r], ncol);
      goto cleanup;
    }
    if (!c.fields[r][0][0]) {
      st = tw_error(TW_ERR_INPUT, "%s: row %zu: empty component name", path, r + 1);
      goto cleanup;
    }
    if (!utf8_valid(c.fields[r][0])) {
      st = tw_error(TW_ERR_INPUT, "%s: row %zu: component name is not valid UTF-8", path, r + 1);
      goto cleanup;
    }
    if (!(l->names[r - 1] = tw_strdup(c.fields[r][0]))) {
      st = tw_error(TW_ERR_RESOURCE, "out of memory");
      goto cleanup;
    }
  }
  for (size_t j = 1; j < ncol; j++) {
    tw_pypsa_column *col;
    TW_CHECK_GOTO(st, tw_pypsa_list_add_column(l, c.fields[0][j], &col));
    TW_CHECK_GOTO(st, tw_calloc(l->n ? l->n : 1, sizeof(char *), "column", &col->str));
    for (size_t r = 1; r < c.nrows; r++) {
      if (!(col->str[r - 1] = tw_strdup(c.fields[r][j]))) {
        st = tw_error(TW_ERR_RESOURCE, "out of memory");
        goto cleanup;
      }
    }
  }
cleanup:
  csv_free(&c);
  return st;
}

static tw_status read_series(const char *path, const char *list, const char *attr,
                             tw_pypsa_tables *t) {
  csv_file c;
  tw_status st = TW_OK;
  TW_CHECK(csv_read(path, &c));
  tw_pypsa_list *l = tw_pypsa_tables_find(t, list);
  if (!l) TW_CHECK_GOTO(st, tw_pypsa_tables_add_list(t, list, &l));
  if (c.nrows == 0) {
    st = tw_error(TW_ERR_INPUT, "%s: empty file: no header row", path);
    goto cleanup;
  }
  if (c.nrows - 1 != t->n_snapshots) {
    st = tw_error(TW_ERR_INPUT, "%s: %zu rows but the network has %zu snapshots", path,
                  c.nrows - 1, t->n_snapshots);
    goto cleanup;
  }
  size_t ncol = c.nfields[0];
  const tw_pypsa_attr *info = tw_pypsa_attr_find(list, attr);
  tw_pypsa_series *s;
  TW_CHECK_GOTO(st, tw_pypsa_list_add_series(l, attr, &s));
  if (!(s->file = tw_strdup(path))) {
    st = tw_error(TW_ERR_RESOURCE, "out of memory");
    goto cleanup;
  }
  s->ncols = ncol - 1;
  TW_CHECK_GOTO(st, tw_calloc(ncol, sizeof(char *), "series columns", &s->cols));
  TW_CHECK_GOTO(st, tw_calloc(t->n_snapshots * ncol, sizeof(double), "series", &s->values));
  for (size_t j = 1; j < ncol; j++) {
    if (!(s->cols[j - 1] = tw_strdup(c.fields[0][j]))) {
      st = tw_error(TW_ERR_RESOURCE, "out of memory");
      goto cleanup;
    }
  }
  for (size_t r = 1; r < c.nrows; r++) {
    if (c.nfields[r] != ncol) {
      st = tw_error(TW_ERR_INPUT, "%s: row %zu has %zu fields, the header %zu", path, r + 1,
                    c.nfields[r], ncol);
      goto cleanup;
    }
    /* series are matched to snapshots by label, never by position */
    if (strcmp(c.fields[r][0], t->snapshots[r - 1]) != 0 &&
        !(t->snapshot_keys && strcmp(c.fields[r][0], t->snapshot_keys[r - 1]) == 0)) {
      st = tw_error(TW_ERR_INPUT,
                    "%s: row %zu: snapshot '%s' is not the network's snapshot %zu '%s' (the index "
                    "of a series must equal snapshots.csv, row by row)",
                    path, r + 1, c.fields[r][0], r, t->snapshots[r - 1]);
      goto cleanup;
    }
    for (size_t j = 1; j < ncol; j++) {
      double *v = &s->values[(r - 1) * s->ncols + j - 1];
      TW_CHECK_GOTO(st, number(path, c.fields[r][j], r + 1, v));
      /* A gap in a time series is not "use the static value": PyPSA would
       * carry the NaN into the LP. Reject it, naming where -- except for
       * attributes whose default is NaN (state_of_charge_set, e_set, ...),
       * where an empty cell means "not set" (storage-hvdc uses that). */
      if (isnan(*v) && !(info && isnan(info->default_value))) {
        st = tw_error(TW_ERR_INPUT, "%s: row %zu, column '%s': %s is '%s', not a number", path,
                      r + 1, s->cols[j - 1], attr, c.fields[r][j]);
        goto cleanup;
      }
    }
  }
cleanup:
  csv_free(&c);
  return st;
}

static tw_status read_dir(const char *dir, tw_pypsa_tables *t) {
  tw_status st = TW_OK;
  char path[4096];
  csv_file c = {0};
  DIR *d = NULL;
  TW_CHECK(read_snapshots(dir, t));
  snprintf(path, sizeof path, "%s/network.csv", dir);
  if (file_exists(path)) {
    TW_CHECK_GOTO(st, csv_read(path, &c));
    if (c.nrows >= 2)
      for (size_t j = 0; j < c.nfields[0] && j < c.nfields[1]; j++) {
        if (!strcmp(c.fields[0][j], "name")) t->name = tw_strdup(c.fields[1][j]);
        if (!strcmp(c.fields[0][j], "_multi_invest") && strcmp(c.fields[1][j], "0") &&
            strcmp(c.fields[1][j], "") && strcasecmp(c.fields[1][j], "False")) {
          st = tw_error(TW_ERR_INPUT,
                        "%s: _multi_invest = %s: multi-period investment is not supported", path,
                        c.fields[1][j]);
          goto cleanup;
        }
      }
    csv_free(&c);
  }
  snprintf(path, sizeof path, "%s/investment_periods.csv", dir);
  if (file_exists(path)) {
    TW_CHECK_GOTO(st, csv_read(path, &c));
    t->n_investment_periods = c.nrows > 1 ? (int)(c.nrows - 1) : 0;
    csv_free(&c);
  }
  snprintf(path, sizeof path, "%s/scenarios.csv", dir);
  if (file_exists(path)) t->has_scenarios = 1;
  d = opendir(dir);
  if (!d) {
    st = tw_error(TW_ERR_INPUT, "%s: cannot open the directory: %s", dir, strerror(errno));
    goto cleanup;
  }
  /* Static tables first (sorted passes: statics, then series). */
  for (int pass = 0; pass < 2; pass++) {
    struct dirent *e;
    rewinddir(d);
    while ((e = readdir(d))) {
      char name[1024];
      size_t len = strlen(e->d_name);
      if (len < 5 || len >= sizeof name || strcmp(e->d_name + len - 4, ".csv")) continue;
      memcpy(name, e->d_name, len - 4);
      name[len - 4] = '\0';
      if (!strcmp(name, "snapshots") || !strcmp(name, "network") ||
          !strcmp(name, "investment_periods") || !strcmp(name, "scenarios"))
        continue;
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      char *dash = strchr(name, '-');
      if (pass == 0 && !dash) TW_CHECK_GOTO(st, read_static(path, name, t));
      if (pass == 1 && dash) {
        *dash = '\0';
        TW_CHECK_GOTO(st, read_series(path, name, dash + 1, t));
      }
    }
  }
cleanup:
  if (d) closedir(d);
  csv_free(&c);
  return st;
}

tw_status tw_network_read_csv(const char *dir, tw_network **out) {
  tw_pypsa_tables t;
  memset(&t, 0, sizeof t);
  t.source = dir;
  *out = NULL;
  tw_status st = read_dir(dir, &t);
  if (st == TW_OK) st = tw_pypsa_build_network(&t, out);
  tw_pypsa_tables_free(&t);
  return st;
}
