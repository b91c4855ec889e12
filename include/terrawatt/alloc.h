/* terrawatt: allocation with fault injection (SQLite-style countdown).
 * Every allocation in src/ goes through these wrappers (scripts/check-allocs.sh
 * enforces it, scripts/route-allocs.sh rewrites raw calls), so a test can fail
 * the Nth allocation and every one after it and check that the program
 * exits with TW_ERR_RESOURCE (4), without a crash or a leak
 * (tests/reliability/alloc_faults.sh, docs/RELIABILITY.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_ALLOC_H
#define TERRAWATT_ALLOC_H

#include "terrawatt/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Same contracts as malloc, calloc, realloc, strdup and strndup (NULL on
 * failure, free with free()), but counted, and failing once the fault
 * countdown has run out. */
TW_API void *tw_malloc(size_t size);
TW_API void *tw_calloc_raw(size_t count, size_t size);
TW_API void *tw_realloc(void *ptr, size_t size);
TW_API char *tw_strdup(const char *s);
TW_API char *tw_strndup(const char *s, size_t n);

/* Fail the `nth` allocation from now on (1 = the next one) and every later
 * one; 0 turns injection off. The environment variable TW_FAULT_ALLOC_AT=N
 * sets it at the first allocation of the process. Thread-safe. */
TW_API void tw_alloc_fault_set(long nth);

/* Allocations made through the wrappers so far in this process. With
 * TW_FAULT_ALLOC_REPORT=1 the count is printed to stderr at exit
 * ("terrawatt: N allocations"), which is how the fault loop learns the
 * range of N to try. */
TW_API long tw_alloc_count(void);

/* 1 once an injected fault has failed an allocation. */
TW_API int tw_alloc_fault_fired(void);

#ifdef __cplusplus
}
#endif
#endif
