/* `terrawatt merge`: one summary over the output directories of separate
 * runs (e.g. the array tasks of jobs/terrawatt-array.slurm).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _DEFAULT_SOURCE /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/strbuf.h"
#include "terrawatt/summary.h"
#include "terrawatt/alloc.h"

typedef struct merge_task {
  size_t s, m;        /* scenario and member index within its input */
  char dir[512];
  char scenario[256], member[256];
} merge_task;

/* Read IN/tasks.tsv: its tasks (member-major) and scenario count. */
static tw_status read_tasks(const char *in, merge_task **tasks, size_t *n, size_t *S) {
  char path[4096], line[2048];
  snprintf(path, sizeof path, "%s/tasks.tsv", in);
  FILE *f = fopen(path, "r");
  *tasks = NULL;
  *n = *S = 0;
  if (!f) return tw_error(TW_ERR_INPUT, "%s: %s (not the output directory of a finished run)", path,
                          strerror(errno));
  tw_status st = TW_OK;
  int lineno = 0;
  while (fgets(line, sizeof line, f) && st == TW_OK) {
    lineno++;
    if (lineno == 1) continue;
    line[strcspn(line, "\r\n")] = '\0';
    merge_task t;
    size_t id;
    char *fld[6], *c = line;
    int k = 0;
    for (; k < 6 && c; k++) {
      fld[k] = c;
      c = strchr(c, '\t');
      if (c) *c++ = '\0';
    }
    if (k != 6 || sscanf(fld[0], "%zu", &id) != 1 || sscanf(fld[1], "%zu", &t.s) != 1 ||
        sscanf(fld[2], "%zu", &t.m) != 1) {
      st = tw_error(TW_ERR_INPUT, "%s: line %d: expected 6 tab-separated fields", path, lineno);
      break;
    }
    snprintf(t.scenario, sizeof t.scenario, "%s", fld[3]);
    snprintf(t.member, sizeof t.member, "%s", fld[4]);
    snprintf(t.dir, sizeof t.dir, "%s", fld[5]);
    merge_task *g = tw_realloc(*tasks, (*n + 1) * sizeof *g);
    if (!g) {
      st = tw_error(TW_ERR_RESOURCE, "out of memory");
      break;
    }
    *tasks = g;
    (*tasks)[(*n)++] = t;
    if (t.s + 1 > *S) *S = t.s + 1;
  }
  fclose(f);
  if (st == TW_OK && (*n == 0 || *n % *S != 0))
    st = tw_error(TW_ERR_INPUT, "%s: %zu tasks for %zu scenarios: not a complete run", path, *n,
                  *S);
  return st;
}

/* `to` relative to directory `from` (both absolute, without trailing '/'). */
static void relative(const char *from, const char *to, char *out, size_t size) {
  size_t common = 0, i = 0;
  for (; from[i] && to[i] && from[i] == to[i]; i++)
    if (from[i] == '/') common = i;
  if (!from[i] && (to[i] == '/' || !to[i])) common = i;
  else if (!to[i] && from[i] == '/') common = i;
  out[0] = '\0';
  size_t len = 0;
  for (const char *c = from + common; *c; c++)
    if (*c == '/') len += (size_t)snprintf(out + len, len < size ? size - len : 0, "../");
  const char *rest = to + common;
  if (*rest == '/') rest++;
  snprintf(out + len, len < size ? size - len : 0, "%s", *rest ? rest : ".");
}

tw_status tw_summary_merge(const char *out_dir, const char *const *inputs, size_t n_inputs) {
  tw_status st = TW_OK;
  merge_task *all = NULL;
  tw_task_record *records = NULL;
  const char **snames = NULL, **mnames = NULL;
  size_t S = 0, N = 0;
  char out_abs[PATH_MAX], in_abs[PATH_MAX];
  if (n_inputs == 0) return tw_error(TW_ERR_INPUT, "merge: no input directories");
  if (mkdir(out_dir, 0777) != 0 && errno != EEXIST)
    return tw_error(TW_ERR_RESOURCE, "%s: cannot create: %s", out_dir, strerror(errno));
  if (!realpath(out_dir, out_abs))
    return tw_error(TW_ERR_RESOURCE, "%s: %s", out_dir, strerror(errno));
  for (size_t k = 0; k < n_inputs && st == TW_OK; k++) {
    merge_task *t = NULL;
    size_t n = 0, s = 0;
    st = read_tasks(inputs[k], &t, &n, &s);
    if (st == TW_OK && !realpath(inputs[k], in_abs))
      st = tw_error(TW_ERR_INPUT, "%s: %s", inputs[k], strerror(errno));
    if (st == TW_OK && k > 0 && s != S)
      st = tw_error(TW_ERR_INPUT, "%s has %zu scenarios but %s has %zu: not runs of one scenario "
                    "file", inputs[k], s, inputs[0], S);
    for (size_t i = 0; st == TW_OK && i < n; i++) {
      if (k > 0 && strcmp(t[i].scenario, all[t[i].s].scenario) != 0)
        st = tw_error(TW_ERR_INPUT, "%s: scenario %zu is '%s' but '%s' in %s", inputs[k], t[i].s,
                      t[i].scenario, all[t[i].s].scenario, inputs[0]);
      for (size_t j = 0; st == TW_OK && j < N && t[i].s == 0; j += S)
        if (!strcmp(all[j].member, t[i].member))
          st = tw_error(TW_ERR_INPUT, "%s: member '%s' is also in an earlier input", inputs[k],
                        t[i].member);
      char abs[PATH_MAX + 600], rel[2 * PATH_MAX + 600];
      snprintf(abs, sizeof abs, "%s/%s", in_abs, t[i].dir);
      relative(out_abs, abs, rel, sizeof rel);
      if (st == TW_OK && strlen(rel) >= sizeof t[i].dir)
        st = tw_error(TW_ERR_INPUT, "%s: task directory path too long: %s", inputs[k], rel);
      if (st == TW_OK) memcpy(t[i].dir, rel, strlen(rel) + 1);
    }
    if (st == TW_OK) {
      merge_task *g = tw_realloc(all, (N + n) * sizeof *g);
      if (!g) st = tw_error(TW_ERR_RESOURCE, "out of memory");
      else {
        all = g;
        memcpy(all + N, t, n * sizeof *t);
        N += n;
        S = s;
      }
    }
    free(t);
  }
  const size_t M = S ? N / S : 0;
  if (st == TW_OK) st = tw_calloc(N, sizeof *records, "task records", &records);
  if (st == TW_OK) st = tw_calloc(S + 1, sizeof *snames, "names", &snames);
  if (st == TW_OK) st = tw_calloc(M + 1, sizeof *mnames, "names", &mnames);
  for (size_t i = 0; st == TW_OK && i < N; i++) { /* member-major, as each input */
    char path[PATH_MAX + 600];
    snprintf(path, sizeof path, "%s/%s/task.done", out_abs, all[i].dir);
    st = tw_task_record_read(path, &records[i]);
    size_t dlen = strlen(all[i].dir);
    if (st == TW_OK && dlen >= sizeof records[i].dir)
      st = tw_error(TW_ERR_INPUT, "%s: task folder '%s' is longer than %zu bytes", out_abs,
                    all[i].dir, sizeof records[i].dir - 1);
    if (st == TW_OK) memcpy(records[i].dir, all[i].dir, dlen + 1);
    if (i < S) snames[i] = all[i].scenario;
    if (i % S == 0) mnames[i / S] = all[i].member;
  }
  if (st == TW_OK) st = tw_summary_write(out_dir, "merged", NULL, snames, S, mnames, M, records);
  if (st == TW_OK) {
    tw_strbuf b = {0};
    char line[1400], path[4096];
    tw_sb_add(&b, "task\tscenario_index\tmember_index\tscenario\tmember\tdir\n");
    for (size_t id = 0; id < N; id++) {
      snprintf(line, sizeof line, "%zu\t%zu\t%zu\t%s\t%s\t%s\n", id, id % S, id / S,
               all[id].scenario, all[id].member, all[id].dir);
      tw_sb_add(&b, line);
    }
    snprintf(path, sizeof path, "%s/tasks.tsv", out_dir);
    st = tw_sb_write(&b, path);
    tw_sb_free(&b);
  }
  free(all);
  for (size_t i = 0; records && i < N; i++) tw_task_record_free(&records[i]);
  free(records);
  free(snames);
  free(mnames);
  return st;
}
