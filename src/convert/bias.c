/* Bias correction of a climate member against a reference dataset, per
 * cell and calendar month: the delta method and empirical quantile mapping
 * (docs/INGEST.md, "Bias correction").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/climate_bias.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/quantile.h"
#include "terrawatt/alloc.h"

#define NQ 101 /* quantiles at 0, 1, ..., 100 % */

static int month_of(const tw_climate *c, size_t t) {
  tw_datetime d;
  /* interval means are labelled at the end of their hour: the month of its middle */
  const tw_climate_var *any = c->nvar ? &c->vars[0] : NULL;
  tw_time_s at = c->time[t] - (any && any->accumulated ? 1800 : 0);
  tw_time_to_datetime(c->calendar, at, &d);
  return d.month - 1;
}

static const tw_climate_var *cfind(const tw_climate *c, const char *n) {
  return tw_climate_find(c, n);
}

/* The value of variable `kind` at element k: wind speed from u100/v100. */
typedef enum { V_TEMP = 0, V_GHI = 1, V_WIND = 2 } vkind;

static int present(const tw_climate *c, vkind v) {
  if (v == V_TEMP) return cfind(c, "t2m") != NULL;
  if (v == V_GHI) return cfind(c, "ssrd") != NULL;
  return cfind(c, "u100") && cfind(c, "v100");
}

static double value(const tw_climate *c, vkind v, size_t k) {
  if (v == V_TEMP) return cfind(c, "t2m")->data[k];
  if (v == V_GHI) return cfind(c, "ssrd")->data[k];
  double u = cfind(c, "u100")->data[k], w = cfind(c, "v100")->data[k];
  return sqrt(u * u + w * w);
}

static double distance2(double la1, double lo1, double la2, double lo2) {
  const double d2r = 3.14159265358979323846 / 180.0;
  double x = (lo2 - lo1) * d2r * cos(0.5 * (la1 + la2) * d2r), y = (la2 - la1) * d2r;
  return x * x + y * y; /* equirectangular: fine for choosing the nearest cell */
}

/* The calendar month (0..11) of every time step of c (caller frees). */
static unsigned char *months(const tw_climate *c) {
  unsigned char *m = tw_malloc(c->ntime ? c->ntime : 1);
  for (size_t t = 0; m && t < c->ntime; t++) m[t] = (unsigned char)month_of(c, t);
  return m;
}

/* Sample of variable v at cell i in month mo: values in *buf (caller frees). */
static size_t sample(const tw_climate *c, const unsigned char *mon, vkind v, size_t i, int mo,
                     double **buf) {
  size_t n = 0;
  *buf = tw_malloc((c->ntime ? c->ntime : 1) * sizeof **buf);
  if (!*buf) return 0;
  for (size_t t = 0; t < c->ntime; t++)
    if (mon[t] == mo) {
      double x = value(c, v, t * c->ncell + i);
      if (isfinite(x)) (*buf)[n++] = x;
    }
  return n;
}

double tw_qm_map(double x, const double *qmod, const double *qref, size_t nq) {
  if (x < qmod[0]) return x + (qref[0] - qmod[0]);
  if (x > qmod[nq - 1]) return x + (qref[nq - 1] - qmod[nq - 1]);
  size_t a = 0; /* first quantile >= x */
  while (qmod[a] < x) a++;
  size_t e = a; /* last quantile <= x (a - 1 when none equals x) */
  while (e + 1 < nq && qmod[e + 1] <= x) e++;
  double p;
  if (qmod[a] == x) p = 0.5 * (double)(a + e); /* x equals a run of quantiles: its middle */
  else p = (double)(a - 1) + (x - qmod[a - 1]) / (qmod[a] - qmod[a - 1]);
  size_t lo = (size_t)floor(p);
  if (lo >= nq - 1) return qref[nq - 1];
  double f = p - (double)lo;
  return qref[lo] + f * (qref[lo + 1] - qref[lo]);
}

tw_status tw_bias_correct(tw_climate *c, const tw_climate *mod, const tw_climate *ref,
                          tw_bias_method method) {
  tw_status st = TW_OK;
  size_t *near = NULL;
  double *ms = NULL, *rs = NULL;
  if (mod->ncell != c->ncell)
    return tw_error(TW_ERR_INPUT, "%s: bias correction: the calibration period has %zu cells but "
                    "the member %zu", c->source, mod->ncell, c->ncell);
  unsigned char *mon_c = months(c), *mon_m = months(mod), *mon_r = months(ref);
  if (!mon_c || !mon_m || !mon_r) {
    st = tw_error(TW_ERR_RESOURCE, "bias correction: out of memory");
    goto cleanup;
  }
  TW_CHECK_GOTO(st, tw_calloc(c->ncell + 1, sizeof *near, "nearest reference cells", &near));
  for (size_t i = 0; i < c->ncell; i++) { /* the nearest reference cell of each member cell */
    double la, lo, best = INFINITY;
    tw_climate_cell_coords(c, i, &la, &lo);
    for (size_t j = 0; j < ref->ncell; j++) {
      double rla, rlo;
      tw_climate_cell_coords(ref, j, &rla, &rlo);
      double d = distance2(la, lo, rla, rlo);
      if (d < best) best = d, near[i] = j;
    }
  }
  double qm[NQ], qr[NQ];
  for (int v = V_TEMP; v <= V_WIND; v++) {
    if (!present(c, (vkind)v) || !present(mod, (vkind)v) || !present(ref, (vkind)v)) continue;
    int additive = v == V_TEMP;
    for (size_t i = 0; i < c->ncell; i++)
      for (int mo = 0; mo < 12; mo++) {
        free(ms);
        free(rs);
        ms = rs = NULL;
        size_t nm = sample(mod, mon_m, (vkind)v, i, mo, &ms),
               nr = sample(ref, mon_r, (vkind)v, near[i], mo, &rs);
        if (!ms || !rs) {
          st = tw_error(TW_ERR_RESOURCE, "bias correction: out of memory");
          goto cleanup;
        }
        if (nm == 0 || nr == 0) continue; /* no calibration data for this month: unchanged */
        double mean_m = 0, mean_r = 0;
        for (size_t k = 0; k < nm; k++) mean_m += ms[k];
        for (size_t k = 0; k < nr; k++) mean_r += rs[k];
        mean_m /= (double)nm;
        mean_r /= (double)nr;
        if (method == TW_BIAS_QM) {
          for (size_t q = 0; q < NQ; q++) {
            qm[q] = tw_quantile(ms, nm, (double)q / (NQ - 1));
            qr[q] = tw_quantile(rs, nr, (double)q / (NQ - 1));
          }
        }
        for (size_t t = 0; t < c->ntime; t++) {
          if (mon_c[t] != mo) continue;
          size_t k = t * c->ncell + i;
          double x = value(c, (vkind)v, k), y;
          if (!isfinite(x)) continue;
          if (method == TW_BIAS_QM) y = tw_qm_map(x, qm, qr, NQ);
          else if (additive) y = x + (mean_r - mean_m);
          else y = mean_m > 0 ? x * mean_r / mean_m : x;
          if (!additive && y < 0) y = 0; /* speeds and irradiance stay >= 0 */
          if (v == V_TEMP) {
            ((tw_climate_var *)cfind(c, "t2m"))->data[k] = (float)y;
          } else if (v == V_GHI) {
            ((tw_climate_var *)cfind(c, "ssrd"))->data[k] = (float)y;
            tw_climate_var *fd = (tw_climate_var *)cfind(c, "fdir");
            if (fd) fd->data[k] = x > 0 ? (float)(fd->data[k] * y / x) : 0.0f; /* same share */
          } else {
            double r = x > 0 ? y / x : 0.0; /* the direction is kept */
            tw_climate_var *u = (tw_climate_var *)cfind(c, "u100"), *w = (tw_climate_var *)cfind(c, "v100");
            u->data[k] = (float)(u->data[k] * r);
            w->data[k] = (float)(w->data[k] * r);
          }
        }
      }
  }
cleanup:
  free(ms);
  free(rs);
  free(near);
  free(mon_c);
  free(mon_m);
  free(mon_r);
  return st;
}
