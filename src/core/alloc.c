/* Counted allocation wrappers with a countdown fault hook (alloc.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/alloc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_long alloc_count;
static atomic_long fail_at; /* allocation number (1-based) from which all fail; 0: never */
static atomic_int fired;
static atomic_int initialised;

static void report_count(void) {
  fprintf(stderr, "terrawatt: %ld allocations\n", atomic_load(&alloc_count));
}

/* Read TW_FAULT_ALLOC_AT / TW_FAULT_ALLOC_REPORT once, at the first
 * allocation (before any thread is started). */
static void init_from_env(void) {
  if (atomic_exchange(&initialised, 1)) return;
  const char *at = getenv("TW_FAULT_ALLOC_AT");
  if (at && *at) {
    char *end = NULL;
    long n = strtol(at, &end, 10);
    if (end && !*end && n > 0) atomic_store(&fail_at, atomic_load(&alloc_count) + n);
  }
  const char *rep = getenv("TW_FAULT_ALLOC_REPORT");
  if (rep && strcmp(rep, "1") == 0) atexit(report_count);
}

/* Count one allocation; 1 when it must fail. */
static int fault_now(void) {
  if (!atomic_load_explicit(&initialised, memory_order_relaxed)) init_from_env();
  long n = atomic_fetch_add(&alloc_count, 1) + 1;
  long at = atomic_load_explicit(&fail_at, memory_order_relaxed);
  if (at > 0 && n >= at) {
    atomic_store(&fired, 1);
    return 1;
  }
  return 0;
}

void *tw_malloc(size_t size) { return fault_now() ? NULL : malloc(size ? size : 1); }

void *tw_calloc_raw(size_t count, size_t size) {
  if (fault_now()) return NULL;
  if (count == 0 || size == 0) count = size = 1;
  return calloc(count, size);
}

void *tw_realloc(void *ptr, size_t size) {
  return fault_now() ? NULL : realloc(ptr, size ? size : 1);
}

char *tw_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = tw_malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

char *tw_strndup(const char *s, size_t n) {
  size_t len = strnlen(s, n);
  char *p = tw_malloc(len + 1);
  if (p) {
    memcpy(p, s, len);
    p[len] = '\0';
  }
  return p;
}

void tw_alloc_fault_set(long nth) {
  if (!atomic_load(&initialised)) init_from_env();
  atomic_store(&fail_at, nth > 0 ? atomic_load(&alloc_count) + nth : 0);
}

long tw_alloc_count(void) { return atomic_load(&alloc_count); }

int tw_alloc_fault_fired(void) { return atomic_load(&fired); }
