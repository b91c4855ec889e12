/* Internal: a simplex basis from an approximate optimum (PDLP's point), for
 * the crossover (crossover.c). Variables strictly inside their bounds are
 * the basis candidates, the most interior first; a left-looking sparse LU
 * with partial pivoting keeps the candidates that are linearly independent of
 * those kept before, and the rows left without a pivot get their auxiliary
 * variable (GLPK's row variable) as basic, so the basis is square and
 * non-singular by construction (the "repair"). Every other variable is
 * non-basic at the bound the point is nearest to.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_OPTIMIZE_BASIS_PICK_H
#define TW_OPTIMIZE_BASIS_PICK_H

#include <stddef.h>

#include "terrawatt/status.h"

/* The LP around the point: rl <= A x <= ru, l <= x <= u (±INFINITY: no
 * bound), A in CSC form (column j: rows ri[cp[j]..cp[j+1]), values av). */
typedef struct tw_basis_point {
  int m, n;
  const int *cp, *ri;
  const double *av;
  const double *l, *u, *rl, *ru;
  const double *x;  /* [n] the point */
  const double *ax; /* [m] A x */
  /* [n+m] reduced costs of the columns, then the rows' duals, or NULL: with
   * them, variables at a bound complete the basis (those with the smallest
   * |reduced cost| first) before the row auxiliaries of the rows left */
  const double *dj;
  double rel_tol;   /* at a bound when within rel_tol * (1 + |bound|) */
} tw_basis_point;

typedef struct tw_basis_pick_stats {
  long candidates;  /* variables strictly inside their bounds (columns and rows) */
  long kept;        /* of those, basic */
  long degenerate;  /* variables at a bound made basic to complete the basis */
  long slack_fill;  /* rows whose auxiliary variable completes the basis */
  size_t lu_nonzeros; /* multipliers stored by the elimination */
  long unprocessed;   /* candidates left out when the elimination's work or
                         multiplier budget ran out (non-basic) */
} tw_basis_pick_stats;

/* Fill col_stat[n] and row_stat[m] with GLPK statuses (GLP_BS, GLP_NL,
 * GLP_NU, GLP_NF, GLP_NS; GLPK adjusts a status that does not fit the
 * variable's type). Exactly m variables are basic. Deterministic: ties are
 * broken by index. The elimination stores at most max_lu_nonzeros
 * multipliers and touches at most 50 rows per non-zero of A and variable;
 * candidates beyond that stay non-basic. TW_ERR_RESOURCE when memory runs
 * out. */
tw_status tw_basis_pick(const tw_basis_point *pt, size_t max_lu_nonzeros, int *col_stat,
                        int *row_stat, tw_basis_pick_stats *stats);

#endif
