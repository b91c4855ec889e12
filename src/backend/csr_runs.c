/* Runs of consecutive cells in a CSR layout (backend.h tw_csr_runs_build).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>

#include "terrawatt/backend.h"

tw_status tw_csr_runs_build(int nrow, const int *row_ptr, const int *col, int **row_run,
                            int **run_k) {
  *row_run = NULL;
  *run_k = NULL;
  if (nrow < 0) return tw_error(TW_ERR_INTERNAL, "csr runs: negative row count %d", nrow);
  int nnz = row_ptr[nrow], nrun = 0;
  for (int r = 0; r < nrow; r++)
    for (int k = row_ptr[r]; k < row_ptr[r + 1]; k++)
      if (k == row_ptr[r] || col[k] != col[k - 1] + 1) nrun++;
  int *rr = NULL, *rk = NULL;
  TW_CHECK(tw_calloc((size_t)nrow + 1, sizeof *rr, "layout runs", &rr));
  tw_status st = tw_calloc((size_t)nrun + 1, sizeof *rk, "layout runs", &rk);
  if (st != TW_OK) {
    free(rr);
    return st;
  }
  int j = 0;
  for (int r = 0; r < nrow; r++) {
    rr[r] = j;
    for (int k = row_ptr[r]; k < row_ptr[r + 1]; k++)
      if (k == row_ptr[r] || col[k] != col[k - 1] + 1) rk[j++] = k;
  }
  rr[nrow] = j;
  rk[nrun] = nnz;
  *row_run = rr;
  *run_k = rk;
  return TW_OK;
}
