/* Read a PyPSA network from its NetCDF export: NetCDF-4 with NC_STRING
 * names; {list}_i (names), {list}_{attr} (static), {list}_t_{attr}_i and
 * {list}_t_{attr} (series over snapshots); snapshots_* (labels, weights).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/pypsa_defaults.h"
#include "ingest/pypsa_table.h"
#include "terrawatt/time.h"
#include "terrawatt/input_file.h"
#include "terrawatt/alloc.h"

#define NCX(path, var, call)                                                                   \
  do {                                                                                         \
    int rc_ = (call);                                                                          \
    if (rc_ != NC_NOERR) {                                                                     \
      st = tw_error(TW_ERR_INPUT, "%s: variable '%s': %s", path, var, nc_strerror(rc_));       \
      goto cleanup;                                                                            \
    }                                                                                          \
  } while (0)

static const char *const lists[] = {"buses", "carriers", "generators", "loads", "lines",
                                    "transformers", "links", "storage_units", "stores",
                                    "global_constraints", "shunt_impedances", "line_types",
                                    "transformer_types", "sub_networks", "shapes", "processes",
                                    NULL};

/* The list whose name prefixes `var` ("storage_units_p_nom" -> storage_units). */
static const char *list_of(const char *var) {
  const char *best = NULL;
  for (const char *const *l = lists; *l; l++) {
    size_t n = strlen(*l);
    if (strncmp(var, *l, n) == 0 && var[n] == '_' && (!best || n > strlen(best))) best = *l;
  }
  return best;
}

static size_t var_len(int nc, int varid) {
  int ndims = 0, dims[NC_MAX_VAR_DIMS];
  size_t total = 1, len;
  nc_inq_varndims(nc, varid, &ndims);
  nc_inq_vardimid(nc, varid, dims);
  for (int d = 0; d < ndims; d++) {
    nc_inq_dimlen(nc, dims[d], &len);
    total *= len;
  }
  return total;
}

/* Read a 1-D string variable into n newly allocated strings. */
static tw_status read_strings(int nc, int varid, const char *path, const char *var, size_t n,
                              char ***out) {
  tw_status st = TW_OK;
  char **raw = NULL, **res = NULL;
  nc_type type;
  *out = NULL;
  NCX(path, var, nc_inq_vartype(nc, varid, &type));
  TW_CHECK_GOTO(st, tw_calloc(n ? n : 1, sizeof(char *), var, &res));
  if (type == NC_STRING) {
    TW_CHECK_GOTO(st, tw_calloc(n ? n : 1, sizeof(char *), var, &raw));
    NCX(path, var, nc_get_var_string(nc, varid, raw));
    for (size_t i = 0; i < n; i++) {
      res[i] = tw_strdup(raw[i] ? raw[i] : "");
      if (!res[i]) {
        st = tw_error(TW_ERR_RESOURCE, "out of memory");
        goto cleanup;
      }
    }
  } else if (type == NC_CHAR) {
    st = tw_error(TW_ERR_INPUT, "%s: variable '%s': char arrays are not supported, expected NC_STRING",
                  path, var);
    goto cleanup;
  } else {
    double *v = NULL;
    TW_CHECK_GOTO(st, tw_calloc(n ? n : 1, sizeof(double), var, &v));
    int rc = nc_get_var_double(nc, varid, v);
    if (rc != NC_NOERR) {
      free(v);
      st = tw_error(TW_ERR_INPUT, "%s: variable '%s': %s", path, var, nc_strerror(rc));
      goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
      char buf[64];
      snprintf(buf, sizeof buf, "%.17g", v[i]);
      res[i] = tw_strdup(buf);
      if (!res[i]) {
        free(v);
        st = tw_error(TW_ERR_RESOURCE, "out of memory");
        goto cleanup;
      }
    }
    free(v);
  }
  *out = res;
  res = NULL;
cleanup:
  if (raw) {
    nc_free_string(n, raw);
    free(raw);
  }
  if (res) {
    for (size_t i = 0; i < n; i++) free(res[i]);
    free(res);
  }
  return st;
}

static tw_status read_snapshots(int nc, const char *path, tw_pypsa_tables *t) {
  tw_status st = TW_OK;
  int dim, varid;
  double *v = NULL;
  char *units = NULL, *cal = NULL;
  if (nc_inq_dimid(nc, "snapshots", &dim) != NC_NOERR) {
    t->n_snapshots = 1;
    TW_CHECK(tw_calloc(1, sizeof(char *), "snapshots", &t->snapshots));
    t->snapshots[0] = tw_strdup("now");
    return t->snapshots[0] ? TW_OK : tw_error(TW_ERR_RESOURCE, "out of memory");
  }
  NCX(path, "snapshots", nc_inq_dimlen(nc, dim, &t->n_snapshots));
  if (t->n_snapshots == 0) return tw_error(TW_ERR_INPUT, "%s: dimension 'snapshots' is empty", path);
  size_t n = t->n_snapshots;
  if (nc_inq_varid(nc, "snapshots_snapshot", &varid) == NC_NOERR ||
      nc_inq_varid(nc, "snapshots", &varid) == NC_NOERR) {
    size_t ulen = 0;
    nc_type vt;
    NCX(path, "snapshots", nc_inq_vartype(nc, varid, &vt));
    if (vt != NC_STRING && nc_inq_attlen(nc, varid, "units", &ulen) == NC_NOERR) {
      TW_CHECK_GOTO(st, tw_calloc(ulen + 1, 1, "units", &units));
      NCX(path, "snapshots units", nc_get_att_text(nc, varid, "units", units));
      size_t clen = 0;
      tw_calendar calendar = TW_CAL_STANDARD;
      if (nc_inq_attlen(nc, varid, "calendar", &clen) == NC_NOERR) {
        TW_CHECK_GOTO(st, tw_calloc(clen + 1, 1, "calendar", &cal));
        NCX(path, "snapshots calendar", nc_get_att_text(nc, varid, "calendar", cal));
        TW_CHECK_GOTO(st, tw_calendar_parse(cal, &calendar));
      }
      tw_time_units tu;
      TW_CHECK_GOTO(st, tw_time_units_parse(units, calendar, &tu));
      TW_CHECK_GOTO(st, tw_calloc(n, sizeof(double), "snapshots", &v));
      NCX(path, "snapshots", nc_get_var_double(nc, varid, v));
      TW_CHECK_GOTO(st, tw_calloc(n, sizeof(char *), "snapshots", &t->snapshots));
      for (size_t s = 0; s < n; s++) {
        tw_time_s ts;
        char buf[64];
        TW_CHECK_GOTO(st, tw_time_units_decode(&tu, v[s], &ts));
        tw_time_format(calendar, ts, buf, sizeof buf);
        char *T = strchr(buf, 'T');
        if (T) *T = ' ';
        t->snapshots[s] = tw_strdup(buf);
        if (!t->snapshots[s]) {
          st = tw_error(TW_ERR_RESOURCE, "out of memory");
          goto cleanup;
        }
      }
    } else {
      TW_CHECK_GOTO(st, read_strings(nc, varid, path, "snapshots", n, &t->snapshots));
    }
  }
  const char *wn[3] = {"snapshots_objective", "snapshots_stores", "snapshots_generators"};
  double **wd[3] = {&t->w_objective, &t->w_stores, &t->w_generators};
  for (int k = 0; k < 3; k++) {
    /* PyPSA < 0.18 wrote one `snapshots_weightings` for all three */
    if (nc_inq_varid(nc, wn[k], &varid) != NC_NOERR &&
        nc_inq_varid(nc, "snapshots_weightings", &varid) != NC_NOERR)
      continue;
    TW_CHECK_GOTO(st, tw_calloc(n, sizeof(double), wn[k], wd[k]));
    NCX(path, wn[k], nc_get_var_double(nc, varid, *wd[k]));
  }
cleanup:
  free(v);
  free(units);
  free(cal);
  return st;
}

static tw_status read_file(int nc, const char *path, tw_pypsa_tables *t) {
  tw_status st = TW_OK;
  int nvars = 0;
  char name[NC_MAX_NAME + 1];
  char **cols = NULL;
  size_t ncols = 0;
  NCX(path, "(file)", nc_inq_nvars(nc, &nvars));
  TW_CHECK(read_snapshots(nc, path, t));
  size_t alen = 0;
  if (nc_inq_attlen(nc, NC_GLOBAL, "network_name", &alen) == NC_NOERR) {
    nc_type at;
    nc_inq_atttype(nc, NC_GLOBAL, "network_name", &at);
    if (at == NC_CHAR) {
      TW_CHECK(tw_calloc(alen + 1, 1, "name", &t->name));
      NCX(path, "network_name", nc_get_att_text(nc, NC_GLOBAL, "network_name", t->name));
    }
  }
  long long multi = 0;
  if (nc_get_att_longlong(nc, NC_GLOBAL, "network__multi_invest", &multi) == NC_NOERR && multi)
    return tw_error(TW_ERR_INPUT,
                    "%s: network__multi_invest = %lld: multi-period investment is not supported",
                    path, multi);
  /* pass 0: component names; pass 1: static attributes; pass 2: series. */
  for (int pass = 0; pass < 3; pass++) {
    for (int varid = 0; varid < nvars; varid++) {
      NCX(path, "(name)", nc_inq_varname(nc, varid, name));
      if (!strncmp(name, "investment_periods", 18)) {
        if (pass == 0) t->n_investment_periods = (int)var_len(nc, varid);
        continue;
      }
      if (!strncmp(name, "scenarios", 9)) {
        t->has_scenarios = 1;
        continue;
      }
      if (!strncmp(name, "snapshots", 9)) continue;
      const char *list = list_of(name);
      const char *rest;
      char unknown_list[NC_MAX_NAME + 1];
      if (!list) {
        /* an unknown component list {x}_i: record it for the warning */
        size_t len = strlen(name);
        if (pass == 0 && len > 2 && !strcmp(name + len - 2, "_i") && !strstr(name, "_t_")) {
          memcpy(unknown_list, name, len - 2);
          unknown_list[len - 2] = '\0';
          tw_pypsa_list *l;
          TW_CHECK(tw_pypsa_tables_add_list(t, unknown_list, &l));
          l->n = var_len(nc, varid);
        }
        continue;
      }
      rest = name + strlen(list) + 1;
      tw_pypsa_list *l = tw_pypsa_tables_find(t, list);
      if (pass == 0) {
        if (strcmp(rest, "i") != 0) continue;
        if (!l) TW_CHECK(tw_pypsa_tables_add_list(t, list, &l));
        l->n = var_len(nc, varid);
        TW_CHECK(read_strings(nc, varid, path, name, l->n, &l->names));
        continue;
      }
      if (!strcmp(rest, "i")) continue;
      if (!l)
        return tw_error(TW_ERR_INPUT, "%s: variable '%s' without the index variable '%s_i'", path,
                        name, list);
      int is_series = !strncmp(rest, "t_", 2);
      if (is_series) {
        size_t rl = strlen(rest);
        if (rl > 2 && !strcmp(rest + rl - 2, "_i")) continue; /* a series index */
      }
      if (pass == 1 && !is_series) {
        nc_type type;
        tw_pypsa_column *c;
        NCX(path, name, nc_inq_vartype(nc, varid, &type));
        if (var_len(nc, varid) != l->n)
          return tw_error(TW_ERR_INPUT, "%s: variable '%s' has %zu values for %zu %s", path, name,
                          var_len(nc, varid), l->n, list);
        TW_CHECK(tw_pypsa_list_add_column(l, rest, &c));
        if (type == NC_STRING || type == NC_CHAR) {
          TW_CHECK(read_strings(nc, varid, path, name, l->n, &c->str));
        } else {
          TW_CHECK(tw_calloc(l->n ? l->n : 1, sizeof(double), name, &c->num));
          NCX(path, name, nc_get_var_double(nc, varid, c->num));
        }
      }
      if (pass == 2 && is_series) {
        char idx[NC_MAX_NAME + 8];
        int idxid, ndims = 0, dims[NC_MAX_VAR_DIMS], sdim;
        snprintf(idx, sizeof idx, "%s_i", name);
        if (nc_inq_varid(nc, idx, &idxid) != NC_NOERR)
          return tw_error(TW_ERR_INPUT, "%s: series variable '%s' without its index '%s'", path,
                          name, idx);
        NCX(path, name, nc_inq_varndims(nc, varid, &ndims));
        NCX(path, name, nc_inq_vardimid(nc, varid, dims));
        NCX(path, "snapshots", nc_inq_dimid(nc, "snapshots", &sdim));
        ncols = var_len(nc, idxid);
        if (ndims != 2 || dims[0] != sdim)
          return tw_error(TW_ERR_INPUT,
                          "%s: series variable '%s' must have dimensions (snapshots, %s)", path,
                          name, idx);
        TW_CHECK(read_strings(nc, idxid, path, idx, ncols, &cols));
        tw_pypsa_series *s;
        TW_CHECK_GOTO(st, tw_pypsa_list_add_series(l, rest + 2, &s));
        s->ncols = ncols;
        s->cols = cols;
        cols = NULL;
        TW_CHECK(tw_calloc(t->n_snapshots * (ncols ? ncols : 1), sizeof(double), name, &s->values));
        NCX(path, name, nc_get_var_double(nc, varid, s->values));
      }
    }
  }
cleanup:
  if (cols) {
    for (size_t i = 0; i < ncols; i++) free(cols[i]);
    free(cols);
  }
  return st;
}

tw_status tw_network_read_netcdf(const char *path, tw_network **out) {
  tw_pypsa_tables t;
  int nc = -1;
  tw_status st = TW_OK;
  memset(&t, 0, sizeof t);
  t.source = path;
  *out = NULL;
  TW_CHECK(tw_input_check(path, 0));
  int rc = nc_open(path, NC_NOWRITE, &nc);
  if (rc != NC_NOERR) return tw_error(TW_ERR_INPUT, "%s: cannot open: %s", path, nc_strerror(rc));
  TW_CHECK_GOTO(st, read_file(nc, path, &t));
  TW_CHECK_GOTO(st, tw_pypsa_build_network(&t, out));
cleanup:
  nc_close(nc);
  tw_pypsa_tables_free(&t);
  return st;
}

tw_status tw_network_read(const char *path, tw_network **out) {
  size_t len = strlen(path);
  if (len > 3 && (!strcmp(path + len - 3, ".nc") || !strcmp(path + len - 4, ".nc4")))
    return tw_network_read_netcdf(path, out);
  /* A folder is a CSV export; anything else must be a regular NetCDF file
   * (stat, not open: a FIFO would block the open). */
  if (tw_input_check_dir(path) == TW_OK) return tw_network_read_csv(path, out);
  TW_CHECK(tw_input_check(path, 0));
  return tw_network_read_netcdf(path, out);
}
