/* Wind turbines: atlite YAML, the oedb CSV library, fleet smoothing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/convert.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "terrawatt/input_file.h"
#include "terrawatt/alloc.h"

void tw_turbine_destroy(tw_turbine **t) {
  if (!t || !*t) return;
  free((*t)->name);
  free((*t)->speed_ms);
  free((*t)->power_MW);
  free(*t);
  *t = NULL;
}

/* Take ownership of the arrays and check the curve. */
static tw_status turbine_make(const char *source, const char *name, double hub_m, double *v,
                              double *p, size_t n, tw_turbine **out) {
  tw_status st = TW_OK;
  tw_turbine *t = NULL;
  if (n < 2) {
    st = tw_error(TW_ERR_INPUT, "%s: power curve has %zu point(s), at least 2 are needed",
                  source, n);
    goto cleanup;
  }
  double rated = 0.0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && v[i] < v[i - 1]) {
      st = tw_error(TW_ERR_INPUT, "%s: power curve speeds not ascending: %g after %g m/s",
                    source, v[i], v[i - 1]);
      goto cleanup;
    }
    if (p[i] < 0.0) {
      st = tw_error(TW_ERR_INPUT, "%s: negative power %g at %g m/s", source, p[i], v[i]);
      goto cleanup;
    }
    if (p[i] > rated) rated = p[i];
  }
  if (!(rated > 0.0)) {
    st = tw_error(TW_ERR_INPUT, "%s: power curve is zero everywhere", source);
    goto cleanup;
  }
  if (!(hub_m >= 0.0) || hub_m > 1000.0) {
    st = tw_error(TW_ERR_INPUT, "%s: hub height %g m is out of range (0..1000)", source, hub_m);
    goto cleanup;
  }
  TW_CHECK_GOTO(st, tw_calloc(1, sizeof *t, "turbine", &t));
  t->name = tw_strdup(name ? name : source);
  if (!t->name) {
    st = tw_error(TW_ERR_RESOURCE, "%s: out of memory", source);
    goto cleanup;
  }
  t->hub_height_m = hub_m;
  t->n = n;
  t->speed_ms = v;
  t->power_MW = p;
  t->rated_MW = rated;
  v = p = NULL;
  *out = t;
  t = NULL;
cleanup:
  free(v);
  free(p);
  tw_turbine_destroy(&t);
  return st;
}

tw_status tw_turbine_load_yaml(const char *path, tw_turbine **out) {
  tw_status st = TW_OK;
  char *text = NULL, *name = NULL;
  double *v = NULL, *p = NULL;
  size_t nv = 0, np = 0;
  double hub = 0.0;
  int found = 0;
  *out = NULL;
  TW_CHECK_GOTO(st, tw_kv_read_file(path, &text));
  TW_CHECK_GOTO(st, tw_kv_number(path, text, "HUB_HEIGHT", &hub, &found));
  if (!found) {
    st = tw_error(TW_ERR_INPUT, "%s: key 'HUB_HEIGHT' is missing (atlite turbine format)", path);
    goto cleanup;
  }
  TW_CHECK_GOTO(st, tw_kv_list(path, text, "V", &v, &nv));
  TW_CHECK_GOTO(st, tw_kv_list(path, text, "POW", &p, &np));
  if (nv != np) {
    st = tw_error(TW_ERR_INPUT, "%s: 'V' has %zu values but 'POW' has %zu", path, nv, np);
    goto cleanup;
  }
  TW_CHECK_GOTO(st, tw_kv_get(text, "name", &name));
  st = turbine_make(path, name ? name : path, hub, v, p, nv, out);
  v = p = NULL;
cleanup:
  free(text);
  free(name);
  free(v);
  free(p);
  return st;
}

/* Split a CSV line in place (double quotes honoured); returns field count. */
static size_t csv_split(char *line, char **fields, size_t max) {
  size_t n = 0;
  char *p = line;
  while (n < max) {
    fields[n++] = p;
    int quoted = 0;
    for (; *p; p++) {
      if (*p == '"') quoted = !quoted;
      else if (*p == ',' && !quoted) break;
    }
    if (!*p) break;
    *p++ = '\0';
  }
  char *last = fields[n - 1];
  size_t len = strlen(last);
  while (len && (last[len - 1] == '\n' || last[len - 1] == '\r')) last[--len] = '\0';
  return n;
}

#define OEDB_MAX_FIELDS 256
#define OEDB_LINE 16384

tw_status tw_turbine_load_oedb(const char *oedb_dir, const char *type, tw_turbine **out) {
  tw_status st = TW_OK;
  char path[4096], path2[4096];
  char *header = NULL, *line = NULL;
  char *hf[OEDB_MAX_FIELDS], *lf[OEDB_MAX_FIELDS];
  double *v = NULL, *p = NULL, hub = 0.0;
  size_t n = 0;
  FILE *f = NULL;
  *out = NULL;
  snprintf(path, sizeof path, "%s/oedb_power_curves.csv", oedb_dir);
  snprintf(path2, sizeof path2, "%s/oedb_turbine_data.csv", oedb_dir);
  TW_CHECK_GOTO(st, tw_calloc(OEDB_LINE, 1, path, &header));
  TW_CHECK_GOTO(st, tw_calloc(OEDB_LINE, 1, path, &line));
  st = tw_input_fopen(path, 0, &f);
  if (st != TW_OK) {
    tw_error_prefix(st, "the oedb power curves: ");
    goto cleanup;
  }
  if (!fgets(header, OEDB_LINE, f)) {
    st = tw_error(TW_ERR_INPUT, "%s: empty file", path);
    goto cleanup;
  }
  size_t nh = csv_split(header, hf, OEDB_MAX_FIELDS);
  int got = 0;
  while (fgets(line, OEDB_LINE, f)) {
    size_t nl = csv_split(line, lf, OEDB_MAX_FIELDS);
    if (strcmp(lf[0], type) != 0) continue;
    TW_CHECK_GOTO(st, tw_calloc(nh, sizeof *v, path, &v));
    TW_CHECK_GOTO(st, tw_calloc(nh, sizeof *p, path, &p));
    for (size_t i = 1; i < nl && i < nh; i++) {
      if (!lf[i][0]) continue; /* speeds not tabulated for this turbine */
      char *e1 = NULL, *e2 = NULL;
      double speed = strtod(hf[i], &e1), power = strtod(lf[i], &e2);
      if (e1 == hf[i] || e2 == lf[i] || !isfinite(power)) {
        st = tw_error(TW_ERR_INPUT, "%s: turbine '%s': bad value '%s' at speed '%s'", path, type,
                      lf[i], hf[i]);
        goto cleanup;
      }
      v[n] = speed;
      p[n] = power / 1e6; /* W -> MW */
      n++;
    }
    got = 1;
    break;
  }
  if (!got) {
    st = tw_error(TW_ERR_INPUT, "%s: turbine type '%s' not found (first column 'turbine_type')",
                  path, type);
    goto cleanup;
  }
  fclose(f);
  if (tw_input_fopen(path2, 0, &f) != TW_OK) f = NULL; /* optional file */
  if (f && fgets(header, OEDB_LINE, f)) {
    nh = csv_split(header, hf, OEDB_MAX_FIELDS);
    size_t hub_col = 0;
    for (size_t i = 0; i < nh; i++)
      if (strcmp(hf[i], "hub_height") == 0) hub_col = i;
    while (hub_col && fgets(line, OEDB_LINE, f)) {
      size_t nl = csv_split(line, lf, OEDB_MAX_FIELDS);
      if (strcmp(lf[0], type) != 0 || hub_col >= nl) continue;
      const char *s = lf[hub_col];
      if (*s == '"') s++;
      hub = strtod(s, NULL); /* "99; 135; 159": the first listed */
      if (!isfinite(hub) || hub < 0.0) hub = 0.0;
      break;
    }
  }
  st = turbine_make(path, type, hub, v, p, n, out);
  v = p = NULL;
cleanup:
  if (f) fclose(f);
  free(header);
  free(line);
  free(v);
  free(p);
  return st;
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

tw_status tw_turbine_load(const char *spec, const char *oedb_dir, tw_turbine **out) {
  if (ends_with(spec, ".yaml") || ends_with(spec, ".yml")) return tw_turbine_load_yaml(spec, out);
  if (!oedb_dir)
    return tw_error(TW_ERR_INPUT,
                    "turbine '%s': not a .yaml file and no oedb library folder was given", spec);
  return tw_turbine_load_oedb(oedb_dir, spec, out);
}

double tw_turbine_power_W(const tw_turbine *t, double s) {
  if (!(s >= t->speed_ms[0]) || s > t->speed_ms[t->n - 1]) return 0.0;
  size_t hi = 1;
  while (hi < t->n - 1 && t->speed_ms[hi] < s) hi++;
  size_t lo = hi - 1;
  double span = t->speed_ms[hi] - t->speed_ms[lo];
  double w = span > 0.0 ? (s - t->speed_ms[lo]) / span : 1.0;
  return 1e6 * (t->power_MW[lo] + w * (t->power_MW[hi] - t->power_MW[lo]));
}

/* np.interp semantics: clamp to the end values outside the curve. */
static double interp_clamped(const tw_turbine *t, double s) {
  if (s <= t->speed_ms[0]) return t->power_MW[0];
  if (s >= t->speed_ms[t->n - 1]) return t->power_MW[t->n - 1];
  return tw_turbine_power_W(t, s) / 1e6;
}

tw_status tw_turbine_smooth(const tw_turbine *t, double delta_v_ms, double sigma_ms,
                            double availability, tw_turbine **out) {
  enum { NREG = 1001, NOUT = 72 };
  tw_status st = TW_OK;
  double *preg = NULL, *conv = NULL, *v = NULL, *p = NULL;
  *out = NULL;
  if (!(sigma_ms > 0.0) || !(availability > 0.0 && availability <= 1.0))
    return tw_error(TW_ERR_INPUT, "turbine '%s': smoothing needs sigma > 0 (got %g) and "
                    "availability in (0, 1] (got %g)", t->name, sigma_ms, availability);
  TW_CHECK_GOTO(st, tw_calloc(NREG, sizeof *preg, "smoothing", &preg));
  TW_CHECK_GOTO(st, tw_calloc(NREG, sizeof *conv, "smoothing", &conv));
  TW_CHECK_GOTO(st, tw_calloc(NOUT, sizeof *v, "smoothing", &v));
  TW_CHECK_GOTO(st, tw_calloc(NOUT, sizeof *p, "smoothing", &p));
  for (int i = 0; i < NREG; i++) preg[i] = interp_clamped(t, -50.0 + 0.1 * i);
  /* atlite's windturbine_smooth: the curve on the 0.1 m/s grid over
   * -50..50 m/s convolved with the kernel on the same grid ("same" mode:
   * zero outside the grid), 0.1 x the discrete convolution */
  for (int i = 0; i < NREG; i++) {
    double sum = 0.0;
    for (int m = 0; m < NREG; m++) {
      int kj = i - m + (NREG - 1) / 2;
      if (kj < 0 || kj >= NREG) continue;
      double z = (-50.0 + 0.1 * kj - delta_v_ms) / sigma_ms;
      sum += preg[m] * exp(-0.5 * z * z) / (sigma_ms * sqrt(2.0 * 3.14159265358979323846));
    }
    conv[i] = 0.1 * sum;
  }
  /* resampled at np.linspace(0, 35, 72), linear between grid points */
  for (int j = 0; j < NOUT; j++) {
    double s = 35.0 * (double)j / (double)(NOUT - 1);
    double fi = (s + 50.0) / 0.1;
    int k = (int)fi;
    k = k > NREG - 2 ? NREG - 2 : k;
    double w = fi - (double)k;
    v[j] = s;
    p[j] = availability * (conv[k] + w * (conv[k + 1] - conv[k]));
  }
  char name[512];
  snprintf(name, sizeof name, "%s (smoothed)", t->name);
  st = turbine_make(name, name, t->hub_height_m, v, p, NOUT, out);
  v = p = NULL;
cleanup:
  free(preg);
  free(conv);
  free(v);
  free(p);
  return st;
}
