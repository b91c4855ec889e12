/* Fingerprints of everything that shaped a run task, for --resume: a task
 * is skipped only when its completion record carries the same fingerprints
 * (run_internal.h, docs/SCENARIO.md "Resume").
 *   scenario: the scenario file's text outside `scenarios:` plus the text of
 *             the task's own variant (editing another variant keeps it);
 *   network:  the name and content of every file of the network folder, or
 *             the network file's content;
 *   climate:  path, size and modification time (ns) of each member file
 *             (hashing gigabytes of climate data would cost more than it saves);
 *   config:   the content of the turbine, panel, forecast config and model
 *             files, the listing (name, size, mtime) of emobpy profile
 *             folders, and the terrawatt version.
 * The hash is 64-bit FNV-1a: change detection, not security.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "run_internal.h"
#include "terrawatt/alloc.h"
#include "terrawatt/forecast_stage.h"
#include "terrawatt/input_file.h"
#include "terrawatt/version.h"

#define FNV_OFFSET 1469598103934665603ull
#define FNV_PRIME 1099511628211ull

static uint64_t fnv(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * FNV_PRIME;
  return h;
}

static uint64_t fnv_str(uint64_t h, const char *s) { return fnv(h, s, strlen(s) + 1); }

/* Hash a file's content (TW_ERR_INPUT naming it when unreadable). */
static tw_status hash_file(const char *path, unsigned flags, uint64_t *h) {
  FILE *f = NULL;
  unsigned char buf[65536];
  size_t n;
  TW_CHECK(tw_input_fopen(path, flags, &f));
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) *h = fnv(*h, buf, n);
  int bad = ferror(f);
  fclose(f);
  if (bad) return tw_error(TW_ERR_INPUT, "%s: read error while fingerprinting", path);
  return TW_OK;
}

static tw_status hash_scenario_file(const tw_run_ctx *ctx, const char *rel, uint64_t *h) {
  char *full = NULL;
  TW_CHECK(tw_scenario_path(ctx->scenario, rel, &full));
  *h = fnv_str(*h, rel);
  tw_status st = hash_file(full, 0, h);
  free(full);
  return st;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names (sorted) of a directory's entries; with_content: hash each regular
 * file's content, else its size and mtime. */
static tw_status hash_dir(const char *dir, int with_content, uint64_t *h) {
  DIR *d = opendir(dir);
  char **names = NULL;
  size_t n = 0, cap = 0;
  tw_status st = TW_OK;
  if (!d) return tw_error(TW_ERR_INPUT, "%s: cannot open the directory: %s", dir, strerror(errno));
  struct dirent *e;
  while ((e = readdir(d)) && st == TW_OK) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      size_t ncap = cap ? 2 * cap : 32;
      char **grown = tw_realloc(names, ncap * sizeof *names);
      if (!grown) {
        st = tw_error(TW_ERR_RESOURCE, "%s: out of memory listing the directory", dir);
        break;
      }
      names = grown, cap = ncap;
    }
    if (!(names[n] = tw_strdup(e->d_name)))
      st = tw_error(TW_ERR_RESOURCE, "%s: out of memory listing the directory", dir);
    else n++;
  }
  closedir(d);
  if (st == TW_OK && n) qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n && st == TW_OK; i++) {
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    *h = fnv_str(*h, names[i]);
    if (lstat(path, &sb) != 0 || S_ISDIR(sb.st_mode)) continue;
    if (with_content) {
      st = hash_file(path, TW_INPUT_IN_FOLDER, h);
    } else {
      long long meta[3] = {(long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
                           (long long)sb.st_mtim.tv_nsec};
      *h = fnv(*h, meta, sizeof meta);
    }
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  return st;
}

/* Byte ranges of the items of the top-level `scenarios:` sequence and of
 * the sequence itself, from libyaml's event marks. 0 when the file has no
 * such sequence or does not parse (the caller then hashes the whole text). */
typedef struct text_spans {
  size_t seq_start, seq_end;
  size_t *item_start, *item_end;
  size_t n_items, cap;
} text_spans;

static int find_spans(const char *text, size_t len, text_spans *sp) {
  yaml_parser_t parser;
  yaml_event_t ev;
  int depth = 0, expect_key = 1, in_seq = 0, found = 0, ok = 1, want_value = 0;
  if (!yaml_parser_initialize(&parser)) return 0;
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  for (;;) {
    if (!yaml_parser_parse(&parser, &ev)) {
      ok = 0;
      break;
    }
    yaml_event_type_t t = ev.type;
    int opens = t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT;
    int closes = t == YAML_MAPPING_END_EVENT || t == YAML_SEQUENCE_END_EVENT;
    int node = opens || t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT;
    /* an item of the scenarios sequence starts at depth 2 */
    if (in_seq && depth == 2 && node) {
      if (sp->n_items == sp->cap) {
        size_t ncap = sp->cap ? 2 * sp->cap : 16;
        size_t *a = tw_realloc(sp->item_start, ncap * sizeof *a);
        if (a) sp->item_start = a;
        size_t *b = a ? tw_realloc(sp->item_end, ncap * sizeof *b) : NULL;
        if (b) sp->item_end = b;
        if (!a || !b) {
          ok = 0;
          yaml_event_delete(&ev);
          break;
        }
        sp->cap = ncap;
      }
      sp->item_start[sp->n_items] = ev.start_mark.index;
      sp->item_end[sp->n_items] = ev.end_mark.index;
      sp->n_items++;
    }
    if (depth == 1 && expect_key && t == YAML_SCALAR_EVENT) {
      want_value = strcmp((const char *)ev.data.scalar.value, "scenarios") == 0;
      expect_key = 0;
    } else if (depth == 1 && !expect_key && node) {
      if (want_value && t == YAML_SEQUENCE_START_EVENT) {
        in_seq = 1;
        sp->seq_start = ev.start_mark.index;
      }
      if (!opens) expect_key = 1, want_value = 0;
    }
    if (opens) depth++;
    if (closes) {
      depth--;
      if (in_seq && depth == 2 && sp->n_items) sp->item_end[sp->n_items - 1] = ev.end_mark.index;
      if (in_seq && depth == 1) {
        sp->seq_end = ev.end_mark.index;
        in_seq = 0, found = 1, expect_key = 1, want_value = 0;
      } else if (depth == 1) {
        expect_key = 1, want_value = 0;
      }
    }
    int done = t == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    if (done) break;
  }
  yaml_parser_delete(&parser);
  return ok && found && sp->seq_end <= len && sp->seq_start <= sp->seq_end;
}

static tw_status read_whole(const char *path, char **text, size_t *len) {
  FILE *f = NULL;
  size_t cap = 0, n = 0;
  char *buf = NULL;
  *text = NULL;
  TW_CHECK(tw_input_fopen(path, 0, &f));
  for (;;) {
    if (n + 4096 > cap) {
      size_t ncap = cap ? 2 * cap : 65536;
      char *grown = ncap > ((size_t)1 << 26) ? NULL : tw_realloc(buf, ncap);
      if (!grown) {
        free(buf);
        fclose(f);
        return tw_error(TW_ERR_RESOURCE, "%s: out of memory (or larger than 64 MiB)", path);
      }
      buf = grown, cap = ncap;
    }
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0) break;
  }
  fclose(f);
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return TW_OK;
}

static tw_status hash_scenario_text(tw_run_ctx *ctx) {
  char *text = NULL;
  size_t len = 0;
  text_spans sp;
  memset(&sp, 0, sizeof sp);
  TW_CHECK(read_whole(ctx->scenario->path, &text, &len));
  int split = find_spans(text, len, &sp) && sp.n_items == ctx->scenario->scenarios_count;
  for (size_t v = 0; v < ctx->n_variants; v++) {
    uint64_t h = FNV_OFFSET;
    if (split) {
      h = fnv(h, text, sp.seq_start);
      h = fnv(h, text + sp.seq_end, len - sp.seq_end);
      h = fnv(h, text + sp.item_start[v], sp.item_end[v] - sp.item_start[v]);
    } else {
      h = fnv(h, text, len);
    }
    ctx->inputs_scenario[v] = h;
  }
  free(sp.item_start);
  free(sp.item_end);
  free(text);
  return TW_OK;
}

static tw_status hash_config(const tw_run_ctx *ctx, uint64_t *h) {
  const tw_scenario_file *s = ctx->scenario;
  *h = fnv_str(FNV_OFFSET, TW_VERSION_STRING);
  if (s->wind) TW_CHECK(hash_scenario_file(ctx, s->wind->turbine, h));
  if (s->solar) TW_CHECK(hash_scenario_file(ctx, s->solar->panel, h));
  if (s->forecast) {
    if (s->forecast->config) TW_CHECK(hash_scenario_file(ctx, s->forecast->config, h));
    for (unsigned i = 0; i < s->forecast->models_count; i++)
      TW_CHECK(hash_scenario_file(ctx, s->forecast->models[i].file, h));
  }
  for (unsigned k = 0; k < s->fleets_count; k++) {
    const char *prof = s->fleets[k].profiles;
    if (!prof || strcmp(prof, "default") == 0) continue;
    char *dir = NULL;
    TW_CHECK(tw_scenario_path(s, prof, &dir));
    tw_status st = hash_dir(dir, 0, h);
    free(dir);
    TW_CHECK(st);
  }
  return TW_OK;
}

tw_status tw_run_inputs_fingerprint(tw_run_ctx *ctx) {
  TW_CHECK(tw_calloc(ctx->n_variants, sizeof *ctx->inputs_scenario, "fingerprints",
                     &ctx->inputs_scenario));
  TW_CHECK(tw_calloc(ctx->n_members, sizeof *ctx->inputs_climate, "fingerprints",
                     &ctx->inputs_climate));
  TW_CHECK(hash_scenario_text(ctx));
  ctx->inputs_network = FNV_OFFSET;
  struct stat sb;
  if (stat(ctx->network_path, &sb) == 0 && S_ISDIR(sb.st_mode))
    TW_CHECK(hash_dir(ctx->network_path, 1, &ctx->inputs_network));
  else
    TW_CHECK(hash_file(ctx->network_path, 0, &ctx->inputs_network));
  TW_CHECK(hash_config(ctx, &ctx->inputs_config));
  for (size_t m = 0; m < ctx->n_members; m++) {
    uint64_t h = FNV_OFFSET;
    for (size_t f = 0; f < ctx->members[m].nfiles; f++) {
      char *full = NULL;
      TW_CHECK(tw_scenario_path(ctx->scenario, ctx->members[m].files[f], &full));
      if (stat(full, &sb) != 0) {
        tw_status st = tw_error(TW_ERR_INPUT, "%s: %s", full, strerror(errno));
        free(full);
        return st;
      }
      long long meta[3] = {(long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
                           (long long)sb.st_mtim.tv_nsec};
      h = fnv_str(h, full);
      h = fnv(h, meta, sizeof meta);
      free(full);
    }
    ctx->inputs_climate[m] = h;
  }
  return TW_OK;
}

void tw_run_task_inputs(const tw_run_ctx *ctx, size_t v, size_t m, uint64_t out[TW_TASK_INPUTS]) {
  out[0] = ctx->inputs_scenario[v];
  out[1] = ctx->inputs_network;
  out[2] = ctx->inputs_climate[m];
  out[3] = ctx->inputs_config;
}
