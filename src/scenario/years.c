/* The `years:` key of a scenario's climate block and members: a list of
 * years or the word "all". libcyaml maps a key to one type, so this key is
 * read with libyaml's document API (the schema ignores it).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "scenario_years.h"
#include "terrawatt/alloc.h"

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key) {
  if (!map || map->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(d, p->key);
    if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
      return yaml_document_get_node(d, p->value);
  }
  return NULL;
}

static int parse_year(const char *text, int *out) {
  char *end = NULL;
  errno = 0;
  long y = strtol(text, &end, 10);
  if (errno || end == text || *end || y < -9999 || y > 9999) return 0;
  *out = (int)y;
  return 1;
}

/* One `years:` value into *years / *count / *all; TW_ERR_INPUT names key. */
static tw_status parse_years(yaml_document_t *d, yaml_node_t *n, const char *path, const char *key,
                             tw_member_years *out) {
  memset(out, 0, sizeof *out);
  if (!n) return TW_OK;
  if (n->type == YAML_SCALAR_NODE) {
    const char *v = (const char *)n->data.scalar.value;
    if (!strcmp(v, "all")) {
      out->all = 1;
      return TW_OK;
    }
    int y;
    if (!parse_year(v, &y))
      return tw_error(TW_ERR_INPUT, "%s: %s: '%s' is neither a list of years nor 'all'", path, key,
                      v);
    out->years = tw_malloc(sizeof *out->years);
    if (!out->years) return tw_error(TW_ERR_RESOURCE, "out of memory");
    out->years[0] = y;
    out->count = 1;
    return TW_OK;
  }
  if (n->type != YAML_SEQUENCE_NODE)
    return tw_error(TW_ERR_INPUT, "%s: %s: expected a list of years or 'all'", path, key);
  size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
  if (cnt == 0) return tw_error(TW_ERR_INPUT, "%s: %s: the list of years is empty", path, key);
  out->years = tw_calloc_raw(cnt, sizeof *out->years);
  if (!out->years) return tw_error(TW_ERR_RESOURCE, "out of memory");
  for (size_t i = 0; i < cnt; i++) {
    yaml_node_t *e = yaml_document_get_node(d, n->data.sequence.items.start[i]);
    int y;
    if (!e || e->type != YAML_SCALAR_NODE || !parse_year((const char *)e->data.scalar.value, &y))
      return tw_error(TW_ERR_INPUT, "%s: %s[%zu]: '%s' is not a year", path, key, i,
                      e && e->type == YAML_SCALAR_NODE ? (const char *)e->data.scalar.value : "?");
    for (size_t j = 0; j < out->count; j++)
      if (out->years[j] == y)
        return tw_error(TW_ERR_INPUT, "%s: %s: year %d is listed twice", path, key, y);
    out->years[out->count++] = y;
  }
  return TW_OK;
}

tw_status tw_scenario_years_read(const char *path, unsigned nmembers, tw_member_years *climate,
                                 tw_member_years *members) {
  FILE *f = fopen(path, "rb");
  yaml_parser_t parser;
  yaml_document_t doc;
  tw_status st = TW_OK;
  memset(climate, 0, sizeof *climate);
  for (unsigned i = 0; i < nmembers; i++) memset(&members[i], 0, sizeof members[i]);
  if (!f) return tw_error(TW_ERR_INPUT, "%s: cannot open", path);
  if (!yaml_parser_initialize(&parser)) {
    fclose(f);
    return tw_error(TW_ERR_RESOURCE, "out of memory");
  }
  yaml_parser_set_input_file(&parser, f);
  if (!yaml_parser_load(&parser, &doc)) {
    yaml_parser_delete(&parser);
    fclose(f);
    return tw_error(TW_ERR_INPUT, "%s: malformed YAML", path);
  }
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  st = parse_years(&doc, map_get(&doc, map_get(&doc, root, "climate"), "years"), path,
                   "climate.years", climate);
  yaml_node_t *seq = map_get(&doc, root, "members");
  if (st == TW_OK && seq && seq->type == YAML_SEQUENCE_NODE) {
    size_t cnt = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    for (size_t i = 0; i < cnt && i < nmembers && st == TW_OK; i++) {
      char key[48];
      snprintf(key, sizeof key, "members[%zu].years", i);
      yaml_node_t *m = yaml_document_get_node(&doc, seq->data.sequence.items.start[i]);
      st = parse_years(&doc, map_get(&doc, m, "years"), path, key, &members[i]);
    }
  }
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  fclose(f);
  return st;
}

void tw_member_years_free(tw_member_years *y) {
  if (!y) return;
  free(y->years);
  memset(y, 0, sizeof *y);
}
