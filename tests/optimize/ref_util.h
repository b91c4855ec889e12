/* Test helpers: locate the reference data and read PyPSA result CSVs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_TEST_OPT_REF_UTIL_H
#define TW_TEST_OPT_REF_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference_data.h"

/* The reference data folder in buf, returned, or NULL when the PyPSA case
 * in it is absent (buf then names the missing file; the tests exit with
 * tw_reference_data_absent: 77, or 1 when the data is required). */
static inline const char *ref_dir(char *buf, size_t size) {
  snprintf(buf, size, "%s", tw_reference_data_dir());
  char probe[1100]; /* the folder (at most 1023 bytes) and the case */
  snprintf(probe, sizeof probe, "%s/pypsa/ac-dc-meshed/ac-dc-meshed.nc", tw_reference_data_dir());
  FILE *f = fopen(probe, "rb");
  if (!f) {
    snprintf(buf, size, "%s", probe);
    return NULL;
  }
  fclose(f);
  return buf;
}

/* A CSV table of numbers with a header row and a label column. */
typedef struct ref_table {
  int nrows, ncols;
  char cols[64][64];
  double v[400][64]; /* v[row][col], NaN for empty */
} ref_table;

static inline int ref_table_read(const char *path, ref_table *t) {
  FILE *f = fopen(path, "r");
  char line[8192];
  memset(t, 0, sizeof *t);
  if (!f) return -1;
  int row = -1;
  while (fgets(line, sizeof line, f) && row < 400) {
    line[strcspn(line, "\r\n")] = '\0';
    int col = -1;
    char *p = line;
    for (;;) {
      char *comma = strchr(p, ',');
      if (comma) *comma = '\0';
      if (col >= 0 && col < 64) {
        if (row < 0) {
          size_t len = strlen(p) < 63 ? strlen(p) : 63;
          memcpy(t->cols[col], p, len);
          t->cols[col][len] = '\0';
        }
        else t->v[row][col] = *p ? strtod(p, NULL) : 0.0 / 0.0;
      }
      col++;
      if (!comma) break;
      p = comma + 1;
    }
    if (row < 0) t->ncols = col;
    row++;
  }
  t->nrows = row;
  fclose(f);
  return 0;
}

static inline int ref_table_col(const ref_table *t, const char *name) {
  for (int j = 0; j < t->ncols; j++)
    if (strcmp(t->cols[j], name) == 0) return j;
  return -1;
}

/* A column of a static table (name,attr...) by component name. */
static inline int ref_static(const char *path, const char *name, const char *attr, double *out) {
  FILE *f = fopen(path, "r");
  char line[8192], hdr[8192];
  if (!f) return -1;
  if (!fgets(hdr, sizeof hdr, f)) {
    fclose(f);
    return -1;
  }
  hdr[strcspn(hdr, "\r\n")] = '\0';
  int want = -1, col = 0;
  for (char *p = hdr;; col++) {
    char *c = strchr(p, ',');
    if (c) *c = '\0';
    if (!strcmp(p, attr)) want = col;
    if (!c) break;
    p = c + 1;
  }
  while (want >= 0 && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *fields[128];
    int n = 0;
    for (char *p = line; n < 128;) {
      fields[n++] = p;
      char *c = strchr(p, ',');
      if (!c) break;
      *c = '\0';
      p = c + 1;
    }
    if (n > want && !strcmp(fields[0], name)) {
      *out = strtod(fields[want], NULL);
      fclose(f);
      return 0;
    }
  }
  fclose(f);
  return -1;
}

#endif
