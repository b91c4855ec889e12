/* Sub-networks and a cycle basis of the lines+transformers graph (for KVL).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/lp.h"
#include "terrawatt/alloc.h"

void tw_cycles_free(tw_cycles *c) {
  free(c->start);
  free(c->branch);
  free(c->coef);
  free(c->dc);
  free(c->subnet);
  memset(c, 0, sizeof *c);
}

static void branch_ends(const tw_network *net, size_t b, int *b0, int *b1) {
  if (b < net->n_lines) {
    *b0 = net->lines[b].bus0;
    *b1 = net->lines[b].bus1;
  } else {
    *b0 = net->transformers[b - net->n_lines].bus0;
    *b1 = net->transformers[b - net->n_lines].bus1;
  }
}

tw_status tw_cycles_compute(const tw_network *net, tw_cycles *out) {
  tw_status st = TW_OK;
  size_t nb = net->n_buses, ne = net->n_lines + net->n_transformers;
  size_t *adj_start = NULL, *adj = NULL, *queue = NULL, *depth = NULL, *cnt = NULL;
  long *parent_edge = NULL;
  int *in_tree = NULL;
  size_t cap = 0, used = 0;
  memset(out, 0, sizeof *out);
  TW_CHECK_GOTO(st, tw_calloc(nb + 1, sizeof(size_t), "adjacency", &adj_start));
  TW_CHECK_GOTO(st, tw_calloc(2 * ne + 1, sizeof(size_t), "adjacency", &adj));
  TW_CHECK_GOTO(st, tw_calloc(nb + 1, sizeof(size_t), "adjacency", &cnt));
  TW_CHECK_GOTO(st, tw_calloc(nb + 1, sizeof(size_t), "queue", &queue));
  TW_CHECK_GOTO(st, tw_calloc(nb + 1, sizeof(size_t), "depth", &depth));
  TW_CHECK_GOTO(st, tw_calloc(nb + 1, sizeof(long), "tree", &parent_edge));
  TW_CHECK_GOTO(st, tw_calloc(ne + 1, sizeof(int), "tree", &in_tree));
  TW_CHECK_GOTO(st, tw_calloc(nb + 1, sizeof(int), "sub-networks", &out->subnet));
  for (size_t e = 0; e < ne; e++) {
    int b0, b1;
    branch_ends(net, e, &b0, &b1);
    adj_start[b0 + 1]++;
    adj_start[b1 + 1]++;
  }
  for (size_t b = 0; b < nb; b++) adj_start[b + 1] += adj_start[b];
  for (size_t e = 0; e < ne; e++) {
    int b0, b1;
    branch_ends(net, e, &b0, &b1);
    adj[adj_start[b0] + cnt[b0]++] = e;
    adj[adj_start[b1] + cnt[b1]++] = e;
  }
  for (size_t b = 0; b < nb; b++) out->subnet[b] = -1;
  /* BFS spanning forest */
  for (size_t root = 0; root < nb; root++) {
    if (out->subnet[root] >= 0) continue;
    int sn = (int)out->n_subnets++;
    size_t qh = 0, qt = 0;
    queue[qt++] = root;
    out->subnet[root] = sn;
    parent_edge[root] = -1;
    depth[root] = 0;
    while (qh < qt) {
      size_t u = queue[qh++];
      for (size_t k = adj_start[u]; k < adj_start[u + 1]; k++) {
        size_t e = adj[k];
        int b0, b1;
        branch_ends(net, e, &b0, &b1);
        size_t v = (size_t)(b0 == (int)u ? b1 : b0);
        if (out->subnet[v] >= 0) continue;
        out->subnet[v] = sn;
        parent_edge[v] = (long)e;
        depth[v] = depth[u] + 1;
        in_tree[e] = 1;
        queue[qt++] = v;
      }
    }
  }
  /* one cycle per non-tree edge */
  TW_CHECK_GOTO(st, tw_calloc(ne + 1, sizeof(size_t), "cycles", &out->start));
  TW_CHECK_GOTO(st, tw_calloc(ne + 1, sizeof(int), "cycles", &out->dc));
  for (size_t e = 0; e < ne; e++) {
    if (in_tree[e]) continue;
    int b0, b1;
    branch_ends(net, e, &b0, &b1);
    size_t need = used + 2 * nb + 2;
    if (need > cap) {
      size_t ncap = cap ? cap : 64;
      while (ncap < need) ncap *= 2;
      size_t *pb = tw_realloc(out->branch, ncap * sizeof *pb);
      if (!pb) goto oom;
      out->branch = pb;
      double *pc = tw_realloc(out->coef, ncap * sizeof *pc);
      if (!pc) goto oom;
      out->coef = pc;
      cap = ncap;
    }
    out->start[out->n] = used;
    const tw_bus *bus = &net->buses[b0];
    out->dc[out->n] = bus->carrier && strcmp(bus->carrier, "DC") == 0;
    /* edge e from bus0 to bus1, then the tree path bus1 -> bus0 */
    out->branch[used] = e;
    out->coef[used++] = 1.0;
    size_t u = (size_t)b1, w = (size_t)b0;
    size_t down_start = used + nb; /* collect the w-side in a scratch area after */
    size_t nd = 0;
    while (u != w) {
      if (depth[u] >= depth[w]) {
        size_t pe = (size_t)parent_edge[u];
        int p0, p1;
        branch_ends(net, pe, &p0, &p1);
        out->branch[used] = pe;
        out->coef[used++] = (p0 == (int)u) ? 1.0 : -1.0; /* traversed u -> parent */
        u = (size_t)(p0 == (int)u ? p1 : p0);
      } else {
        size_t pe = (size_t)parent_edge[w];
        int p0, p1;
        branch_ends(net, pe, &p0, &p1);
        /* traversed parent -> w */
        out->branch[down_start + nd] = pe;
        out->coef[down_start + nd] = (p1 == (int)w) ? 1.0 : -1.0;
        nd++;
        w = (size_t)(p0 == (int)w ? p1 : p0);
      }
    }
    for (size_t k = 0; k < nd; k++) {
      out->branch[used] = out->branch[down_start + nd - 1 - k];
      out->coef[used] = out->coef[down_start + nd - 1 - k];
      used++;
    }
    out->n++;
  }
  out->start[out->n] = used;
  goto cleanup;
oom:
  st = tw_error(TW_ERR_RESOURCE, "out of memory computing network cycles");
cleanup:
  free(adj_start);
  free(adj);
  free(cnt);
  free(queue);
  free(depth);
  free(parent_edge);
  free(in_tree);
  if (st != TW_OK) tw_cycles_free(out);
  return st;
}
