/* Completion records and the run summary.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/summary.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/atomic_file.h"
#include "terrawatt/json.h"
#include "core/strbuf.h"
#include "terrawatt/alloc.h"

#define RECORD_MAGIC "terrawatt-task-record 1"

const char *const tw_task_input_names[TW_TASK_INPUTS] = {"scenario", "network", "climate",
                                                         "config"};

void tw_task_record_free(tw_task_record *r) {
  tw_task_metrics_free(&r->metrics);
  free(r->runs);
  r->runs = NULL;
  r->n_runs = 0;
}

tw_status tw_task_record_write(const char *path, const tw_task_record *r) {
  char *tmp = NULL;
  double v[TW_METRICS_COUNT];
  FILE *f = NULL;
  tw_status st = TW_OK;
  TW_CHECK(tw_atomic_temp_path(path, &tmp));
  f = fopen(tmp, "w");
  if (!f) {
    st = tw_error(TW_ERR_RESOURCE, "%s: cannot create: %s", tmp, strerror(errno));
    goto cleanup;
  }
  tw_metrics_values(&r->metrics, v);
  fprintf(f, "%s\nscenario %s\nmember %s\ndir %s\n", RECORD_MAGIC, r->scenario, r->member, r->dir);
  for (size_t i = 0; i < TW_TASK_INPUTS; i++)
    fprintf(f, "input %s %016llx\n", tw_task_input_names[i], (unsigned long long)r->inputs[i]);
  for (size_t i = 0; tw_metric_names[i]; i++) fprintf(f, "%s %.17g\n", tw_metric_names[i], v[i]);
  for (size_t i = 0; i < r->metrics.n_land; i++)
    fprintf(f, "land %.17g %s\n", r->metrics.land_km2[i], r->metrics.land_carrier[i]);
  for (size_t i = 0; i < r->n_runs; i++)
    fprintf(f, "drought %zu %zu %.17g\n", r->runs[i].t0, r->runs[i].t1, r->runs[i].hours);
  fprintf(f, "end\n");
  if (fclose(f) != 0) {
    f = NULL;
    st = tw_error(TW_ERR_RESOURCE, "%s: write failed: %s", tmp, strerror(errno));
    goto cleanup;
  }
  f = NULL;
  st = tw_atomic_commit(tmp, path);
cleanup:
  if (st != TW_OK && tmp) tw_atomic_abandon(tmp);
  free(tmp);
  return st;
}

static void set_metric(tw_task_metrics *m, const char *name, double value, int *known) {
  for (size_t i = 0; tw_metric_names[i]; i++)
    if (strcmp(tw_metric_names[i], name) == 0) {
      *tw_metrics_field(m, i) = value;
      *known = 1;
      return;
    }
  *known = 0;
}

tw_status tw_task_record_read(const char *path, tw_task_record *r) {
  char *line = NULL; /* lines of any length: carrier names are not bounded */
  size_t line_cap = 0;
  ssize_t got;
  int lineno = 0, ended = 0;
  size_t metrics_seen = 0;
  size_t cap_runs = 0;
  tw_status st = TW_OK;
  FILE *f = fopen(path, "r");
  tw_task_record_free(r);
  memset(r, 0, sizeof *r);
  r->metrics.recovery_h = NAN;
  if (!f) return tw_error(TW_ERR_INPUT, "%s: %s", path, strerror(errno));
  while ((got = getline(&line, &line_cap, f)) > 0) {
    size_t n = (size_t)got;
    if (strlen(line) != n) break; /* a NUL byte: not a record */
    lineno++;
    if (!n || line[n - 1] != '\n') break; /* truncated */
    line[--n] = '\0';
    if (lineno == 1) {
      if (strcmp(line, RECORD_MAGIC) != 0) break;
      continue;
    }
    char *sp = strchr(line, ' ');
    if (strcmp(line, "end") == 0) {
      ended = 1;
      break;
    }
    if (!sp) break;
    *sp = '\0';
    const char *val = sp + 1;
    if (strcmp(line, "scenario") == 0) snprintf(r->scenario, sizeof r->scenario, "%s", val);
    else if (strcmp(line, "member") == 0) snprintf(r->member, sizeof r->member, "%s", val);
    else if (strcmp(line, "dir") == 0) snprintf(r->dir, sizeof r->dir, "%s", val);
    else if (strcmp(line, "input") == 0) {
      char which[16];
      unsigned long long h = 0;
      if (sscanf(val, "%15s %llx", which, &h) != 2) break;
      for (size_t i = 0; i < TW_TASK_INPUTS; i++)
        if (strcmp(which, tw_task_input_names[i]) == 0) r->inputs[i] = (uint64_t)h;
    }
    else if (strcmp(line, "land") == 0) {
      char *end = NULL;
      double km2 = strtod(val, &end);
      if (!end || *end != ' ') break;
      if ((st = tw_task_metrics_add_land(&r->metrics, end + 1, km2)) != TW_OK) break;
    } else if (strcmp(line, "drought") == 0) {
      tw_drought_run run;
      if (sscanf(val, "%zu %zu %lg", &run.t0, &run.t1, &run.hours) != 3) break;
      if (r->n_runs == cap_runs) {
        size_t cap = cap_runs ? 2 * cap_runs : 16;
        tw_drought_run *grown = tw_realloc(r->runs, cap * sizeof *grown);
        if (!grown) {
          st = tw_error(TW_ERR_RESOURCE, "%s: out of memory reading droughts", path);
          break;
        }
        r->runs = grown, cap_runs = cap;
      }
      r->runs[r->n_runs++] = run;
    } else {
      char *end = NULL;
      int known = 0;
      double x = strtod(val, &end);
      if (end == val) x = NAN; /* "nan" parses; anything else is malformed */
      set_metric(&r->metrics, line, x, &known);
      if (!known) break;
      metrics_seen++;
    }
  }
  fclose(f);
  free(line);
  if (st != TW_OK) {
    tw_task_record_free(r);
    return st;
  }
  if (!ended || metrics_seen != tw_metrics_count() || !r->scenario[0])
    return tw_error(TW_ERR_INPUT, "%s: incomplete or malformed completion record (line %d)", path,
                    lineno);
  return TW_OK;
}

static void json_record(tw_json *j, const tw_task_record *r) {
  tw_json_object_begin(j);
  tw_json_kv_string(j, "scenario", r->scenario);
  tw_json_kv_string(j, "member", r->member);
  tw_json_kv_string(j, "dir", r->dir);
  tw_json_kv_string(j, "status", "optimal");
  tw_metrics_to_json(&r->metrics, j);
  tw_json_object_end(j);
}

static void json_member(tw_json *j, const char *name, const tw_task_record *r) {
  tw_json_object_begin(j);
  tw_json_kv_string(j, "name", name);
  tw_json_kv_number(j, "drought_count", r->metrics.drought_count);
  tw_json_kv_number(j, "drought_longest_h", r->metrics.drought_longest_h);
  tw_json_kv_number(j, "drought_hours", r->metrics.drought_hours);
  tw_json_key(j, "droughts");
  tw_json_array_begin(j);
  for (size_t i = 0; i < r->n_runs; i++) {
    tw_json_object_begin(j);
    tw_json_kv_int(j, "start", (long long)r->runs[i].t0);
    tw_json_kv_int(j, "end", (long long)r->runs[i].t1);
    tw_json_kv_number(j, "hours", r->runs[i].hours);
    tw_json_object_end(j);
  }
  tw_json_array_end(j);
  tw_json_object_end(j);
}

/* Statistics over members of every metric of scenario s:
 * stats[k * 6 + {min, p10, p50, p90, max, mean}]. */
static void ensemble_stats(const tw_task_record *records, size_t S, size_t M, size_t s,
                           double *work, double *stats) {
  const size_t K = tw_metrics_count();
  double v[TW_METRICS_COUNT];
  for (size_t k = 0; k < K; k++) {
    double sum = 0;
    size_t n = 0;
    for (size_t m = 0; m < M; m++) {
      tw_metrics_values(&records[m * S + s].metrics, v);
      work[m] = v[k];
      if (!isnan(v[k])) sum += v[k], n++;
    }
    double *o = stats + k * 6;
    o[0] = tw_quantile(work, M, 0.0);
    o[1] = tw_quantile(work, M, 0.1);
    o[2] = tw_quantile(work, M, 0.5);
    o[3] = tw_quantile(work, M, 0.9);
    o[4] = tw_quantile(work, M, 1.0);
    o[5] = n ? sum / (double)n : NAN;
  }
}

static const char *const stat_names[] = {"min", "p10", "p50", "p90", "max", "mean"};

static void csv_number(tw_strbuf *csv, double x) {
  char buf[64];
  if (isfinite(x)) snprintf(buf, sizeof buf, "%.10g", x);
  else buf[0] = '\0';
  tw_sb_add(csv, buf);
}

/* CSV fields are quoted when they hold a comma, quote or newline. */
static void csv_text(tw_strbuf *csv, const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    tw_sb_add(csv, s);
    return;
  }
  tw_sb_add(csv, "\"");
  for (const char *c = s; *c; c++) {
    char one[3] = {*c, *c == '"' ? '"' : '\0', '\0'};
    tw_sb_add(csv, one);
  }
  tw_sb_add(csv, "\"");
}

static tw_status write_csvs(const char *out_dir, const char *const *scenarios, size_t S, size_t M,
                            const tw_task_record *records, const double *stats) {
  const size_t K = tw_metrics_count();
  char path[4096];
  double v[TW_METRICS_COUNT];
  tw_strbuf csv = {0};
  tw_status st;
  tw_sb_add(&csv, "scenario,member");
  for (size_t k = 0; k < K; k++) tw_sb_add(&csv, ","), tw_sb_add(&csv, tw_metric_names[k]);
  tw_sb_add(&csv, "\n");
  for (size_t s = 0; s < S; s++)
    for (size_t m = 0; m < M; m++) {
      const tw_task_record *r = &records[m * S + s];
      csv_text(&csv, r->scenario);
      tw_sb_add(&csv, ",");
      csv_text(&csv, r->member);
      tw_metrics_values(&r->metrics, v);
      for (size_t k = 0; k < K; k++) tw_sb_add(&csv, ","), csv_number(&csv, v[k]);
      tw_sb_add(&csv, "\n");
    }
  snprintf(path, sizeof path, "%s/summary.csv", out_dir);
  st = tw_sb_write(&csv, path);
  tw_sb_free(&csv);
  TW_CHECK(st);
  tw_sb_add(&csv, "scenario,metric,min,p10,p50,p90,max,mean\n");
  for (size_t s = 0; s < S; s++)
    for (size_t k = 0; k < K; k++) {
      csv_text(&csv, scenarios[s]);
      tw_sb_add(&csv, ",");
      tw_sb_add(&csv, tw_metric_names[k]);
      for (size_t i = 0; i < 6; i++) tw_sb_add(&csv, ","), csv_number(&csv, stats[(s * K + k) * 6 + i]);
      tw_sb_add(&csv, "\n");
    }
  snprintf(path, sizeof path, "%s/ensemble.csv", out_dir);
  st = tw_sb_write(&csv, path);
  tw_sb_free(&csv);
  return st;
}

tw_status tw_summary_write(const char *out_dir, const char *run_name, const char *scenario_file,
                           const char *const *scenarios, size_t S, const char *const *members,
                           size_t M, const tw_task_record *records) {
  const size_t K = tw_metrics_count();
  double *work = NULL, *stats = NULL;
  char path[4096];
  tw_json j;
  tw_status st = TW_OK;
  TW_CHECK(tw_calloc(M ? M : 1, sizeof *work, "ensemble statistics", &work));
  st = tw_calloc(S * K * 6 + 1, sizeof *stats, "ensemble statistics", &stats);
  if (st != TW_OK) {
    free(work);
    return st;
  }
  for (size_t s = 0; s < S; s++) ensemble_stats(records, S, M, s, work, stats + s * K * 6);
  tw_json_init(&j);
  tw_json_object_begin(&j);
  tw_json_kv_string(&j, "run", run_name);
  tw_json_kv_string(&j, "scenario_file", scenario_file);
  tw_json_key(&j, "scenarios");
  tw_json_array_begin(&j);
  for (size_t s = 0; s < S; s++) tw_json_string(&j, scenarios[s]);
  tw_json_array_end(&j);
  tw_json_key(&j, "members");
  tw_json_array_begin(&j);
  for (size_t m = 0; m < M; m++) json_member(&j, members[m], &records[m * S]);
  tw_json_array_end(&j);
  tw_json_key(&j, "tasks");
  tw_json_array_begin(&j);
  for (size_t s = 0; s < S; s++)
    for (size_t m = 0; m < M; m++) json_record(&j, &records[m * S + s]);
  tw_json_array_end(&j);
  tw_json_key(&j, "ensemble");
  tw_json_object_begin(&j);
  for (size_t s = 0; s < S; s++) {
    tw_json_key(&j, scenarios[s]);
    tw_json_object_begin(&j);
    for (size_t k = 0; k < K; k++) {
      tw_json_key(&j, tw_metric_names[k]);
      tw_json_object_begin(&j);
      for (size_t i = 0; i < 6; i++)
        tw_json_kv_number(&j, stat_names[i], stats[(s * K + k) * 6 + i]);
      tw_json_object_end(&j);
    }
    tw_json_object_end(&j);
  }
  tw_json_object_end(&j);
  tw_json_key(&j, "climate_statistics"); /* members x years (climate_stats.c) */
  tw_climate_stats_json(&j, scenarios, S, M, records);
  tw_json_object_end(&j);
  snprintf(path, sizeof path, "%s/summary.json", out_dir);
  st = tw_json_write_file(&j, path);
  tw_json_free(&j);
  if (st == TW_OK) st = write_csvs(out_dir, scenarios, S, M, records, stats);
  free(work);
  free(stats);
  return st;
}
