/* Read a PyPSA network from a CSV folder (PyPSA's export_to_csv_folder):
 * network.csv, snapshots.csv, {list}.csv and {list}-{attr}.csv.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/pypsa_defaults.h"
#include "io/pypsa_table.h"

/* A parsed CSV file: rows of fields. */
typedef struct csv_file {
  size_t nrows;     /* including the header */
  size_t *nfields;
  char ***fields;
} csv_file;

static void csv_free(csv_file *c) {
  for (size_t r = 0; r < c->nrows; r++) {
    for (size_t f = 0; f < c->nfields[r]; f++) free(c->fields[r][f]);
    free(c->fields[r]);
  }
  free(c->fields);
  free(c->nfields);
  memset(c, 0, sizeof *c);
}

static tw_status csv_read(const char *path, csv_file *out) {
  tw_status st = TW_OK;
  FILE *f = fopen(path, "rb");
  char *buf = NULL, *field = NULL;
  char **row = NULL;
  size_t nrow = 0, fcap = 0, flen = 0, rcap = 0;
  memset(out, 0, sizeof *out);
  if (!f) return tw_error(TW_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
  int c, inq = 0, any = 0;
  for (;;) {
    c = fgetc(f);
    if (c == EOF && !any && nrow == 0 && flen == 0) break;
    if (inq) {
      if (c == EOF) {
        st = tw_error(TW_ERR_INPUT, "%s: unterminated quoted field", path);
        goto cleanup;
      }
      if (c == '"') {
        int d = fgetc(f);
        if (d == '"') {
          c = '"';
        } else {
          inq = 0;
          if (d != EOF) ungetc(d, f);
          continue;
        }
      }
    } else if (c == '"') {
      inq = 1;
      any = 1;
      continue;
    } else if (c == '\r') {
      continue;
    } else if (c == ',' || c == '\n' || c == EOF) {
      if (flen + 1 > fcap) {
        fcap = fcap ? 2 * fcap : 64;
        char *p = realloc(field, fcap);
        if (!p) goto oom;
        field = p;
      }
      if (!field) {
        field = malloc(1);
        if (!field) goto oom;
      }
      field[flen] = '\0';
      if (nrow + 1 > rcap) {
        rcap = rcap ? 2 * rcap : 16;
        char **p = realloc(row, rcap * sizeof *p);
        if (!p) goto oom;
        row = p;
      }
      row[nrow] = strdup(field);
      if (!row[nrow]) goto oom;
      nrow++;
      flen = 0;
      if (c != ',') {
        if (!(nrow == 1 && row[0][0] == '\0' && !any)) {
          char ***pf = realloc(out->fields, (out->nrows + 1) * sizeof *pf);
          if (!pf) goto oom;
          out->fields = pf;
          size_t *pn = realloc(out->nfields, (out->nrows + 1) * sizeof *pn);
          if (!pn) goto oom;
          out->nfields = pn;
          out->fields[out->nrows] = row;
          out->nfields[out->nrows] = nrow;
          out->nrows++;
          row = NULL;
          rcap = 0;
        } else {
          free(row[0]);
        }
        nrow = 0;
        any = 0;
        if (c == EOF) break;
      }
      continue;
    }
    any = 1;
    if (flen + 2 > fcap) {
      fcap = fcap ? 2 * fcap : 64;
      char *p = realloc(field, fcap);
      if (!p) goto oom;
      field = p;
    }
    field[flen++] = (char)c;
  }
  goto cleanup;
oom:
  st = tw_error(TW_ERR_RESOURCE, "%s: out of memory parsing CSV", path);
cleanup:
  if (row) {
    for (size_t i = 0; i < nrow; i++) free(row[i]);
    free(row);
  }
  free(field);
  free(buf);
  if (f) fclose(f);
  if (st != TW_OK) csv_free(out);
  return st;
}

static int file_exists(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  fclose(f);
  return 1;
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
    t->snapshots[0] = strdup("now");
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
    t->snapshots[s] = strdup(c.fields[r][label]);
    if (t->snapshot_keys) t->snapshot_keys[s] = strdup(c.fields[r][0]);
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
    l->names[r - 1] = c.fields[r][0];
    c.fields[r][0] = NULL;
  }
  for (size_t j = 1; j < ncol; j++) {
    tw_pypsa_column *col;
    TW_CHECK_GOTO(st, tw_pypsa_list_add_column(l, c.fields[0][j], &col));
    TW_CHECK_GOTO(st, tw_calloc(l->n ? l->n : 1, sizeof(char *), "column", &col->str));
    for (size_t r = 1; r < c.nrows; r++) {
      col->str[r - 1] = c.fields[r][j];
      c.fields[r][j] = NULL;
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
  if (!(s->file = strdup(path))) {
    st = tw_error(TW_ERR_RESOURCE, "out of memory");
    goto cleanup;
  }
  s->ncols = ncol - 1;
  TW_CHECK_GOTO(st, tw_calloc(ncol, sizeof(char *), "series columns", &s->cols));
  TW_CHECK_GOTO(st, tw_calloc(t->n_snapshots * ncol, sizeof(double), "series", &s->values));
  for (size_t j = 1; j < ncol; j++) {
    s->cols[j - 1] = c.fields[0][j];
    c.fields[0][j] = NULL;
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
        if (!strcmp(c.fields[0][j], "name")) t->name = strdup(c.fields[1][j]);
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
