/* cmocka assertions for MPI tests: every rank asserts the same value,
 * agreed by an MPI_Allreduce, so a check that fails on one rank fails the
 * test on every rank at the same point and no rank is left waiting in a
 * later collective. Each assertion is a collective on `comm`: call it on
 * every rank, in the same order. Include after <cmocka.h> and <mpi.h>.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_TEST_MPI_ASSERT_H
#define TW_TEST_MPI_ASSERT_H

#include <stdio.h>

/* Collective: 1 on every rank when `ok` is nonzero on every rank; a rank
 * whose own check failed says so on stderr (with `detail` when not NULL,
 * read after `ok` was computed, e.g. tw_last_error()). */
static inline int tw_mpi_all_ok(int ok, MPI_Comm comm, const char *what, const char *detail,
                                const char *file, int line) {
  int all = ok ? 1 : 0, rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (!ok)
    fprintf(stderr, "%s:%d: rank %d: check failed: %s%s%s\n", file, line, rank, what,
            detail ? ": " : "", detail ? detail : "");
  MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_INT, MPI_MIN, comm);
  return all;
}

/* assert_true on every rank of MPI_COMM_WORLD: true only where `cond` holds
 * on all ranks. */
#define assert_all_ranks(cond)                                                                  \
  assert_true(tw_mpi_all_ok((cond) != 0, MPI_COMM_WORLD, #cond, NULL, __FILE__, __LINE__))

/* The same, a failing rank also printing `detail` (a string such as
 * tw_last_error(); its pointer must stay valid, its text is read after
 * `cond` is evaluated). */
#define assert_all_ranks_msg(cond, detail)                                                      \
  assert_true(tw_mpi_all_ok((cond) != 0, MPI_COMM_WORLD, #cond, (detail), __FILE__, __LINE__))

#endif
