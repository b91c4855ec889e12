/* MPI decomposition of climate ingest: each rank reads its own slab.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <limits.h>

#include "terrawatt/ingest_mpi.h"

void tw_ingest_block(size_t n, int rank, int size, size_t *offset, size_t *count) {
  size_t r = (size_t)rank, s = (size_t)(size > 0 ? size : 1);
  size_t base = n / s, extra = n % s;
  *count = base + (r < extra ? 1 : 0);
  *offset = r * base + (r < extra ? r : extra);
}

static tw_status agree(tw_status mine, MPI_Comm comm) {
  int local = (int)mine, worst = local;
  if (MPI_Allreduce(&local, &worst, 1, MPI_INT, MPI_MAX, comm) != MPI_SUCCESS)
    return tw_error(TW_ERR_INTERNAL, "MPI_Allreduce failed while agreeing on the ingest status");
  if (worst != TW_OK && mine == TW_OK)
    return tw_error((tw_status)worst, "climate ingest failed on another rank");
  return (tw_status)worst;
}

/* This rank's share: q = p restricted to its rows or times; *cnt = 0 when
 * the share is empty. Collective (agrees on the scan's status). */
static tw_status rank_params(const tw_ingest_params *p, MPI_Comm comm, tw_ingest_split split,
                             tw_ingest_params *q, size_t *cnt) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  tw_ingest_shape shape;
  tw_status st = tw_climate_shape(p, &shape);
  TW_CHECK(agree(st, comm));
  *q = *p;
  size_t off = 0;
  *cnt = 0;
  if (split == TW_SPLIT_TIME) {
    size_t base = p->time_offset, n = p->time_count ? p->time_count : shape.ntime - base;
    tw_ingest_block(n, rank, size, &off, cnt);
    q->time_offset = base + off;
    q->time_count = *cnt;
  } else {
    size_t base = p->row_offset, n = p->row_count ? p->row_count : shape.nrow - base;
    tw_ingest_block(n, rank, size, &off, cnt);
    q->row_offset = base + off;
    q->row_count = *cnt;
  }
  return TW_OK;
}

tw_status tw_climate_read_mpi(const tw_ingest_params *p, MPI_Comm comm, tw_ingest_split split,
                              tw_climate **out) {
  tw_ingest_params q;
  size_t cnt = 0;
  *out = NULL;
  TW_CHECK(rank_params(p, comm, split, &q, &cnt));
  tw_status st = cnt > 0 ? tw_climate_read(&q, out) : TW_OK;
  st = agree(st, comm);
  if (st != TW_OK) tw_climate_destroy(out);
  return st;
}

tw_status tw_climate_reader_open_mpi(const tw_ingest_params *p, MPI_Comm comm, tw_ingest_split split,
                                     size_t chunk_steps, tw_climate_reader **out) {
  tw_ingest_params q;
  size_t cnt = 0;
  *out = NULL;
  TW_CHECK(rank_params(p, comm, split, &q, &cnt));
  tw_status st = cnt > 0 ? tw_climate_reader_open(&q, chunk_steps, out) : TW_OK;
  st = agree(st, comm);
  if (st != TW_OK) tw_climate_reader_close(out);
  return st;
}

tw_status tw_climate_reduce_mpi(const tw_ingest_params *p, MPI_Comm comm, tw_ingest_split split,
                                size_t chunk_steps, tw_climate_accum_fn fn, void *user, double *sums,
                                size_t nsums) {
  tw_climate_reader *r = NULL;
  tw_status st = TW_OK;
  for (size_t i = 0; i < nsums; i++) sums[i] = 0.0;
  TW_CHECK(tw_climate_reader_open_mpi(p, comm, split, chunk_steps, &r));
  const tw_climate *c = NULL;
  while (r && st == TW_OK) {
    st = tw_climate_reader_next(r, &c);
    if (st != TW_OK || !c) break;
    st = fn(user, c, sums, nsums);
  }
  tw_climate_reader_close(&r);
  st = agree(st, comm);
  if (st == TW_OK) st = agree(tw_ingest_allreduce_sum(sums, nsums, comm), comm);
  return st;
}

tw_status tw_ingest_allreduce_sum(double *values, size_t n, MPI_Comm comm) {
  size_t done = 0;
  while (done < n) {
    size_t k = n - done > (size_t)INT_MAX ? (size_t)INT_MAX : n - done;
    if (MPI_Allreduce(MPI_IN_PLACE, values + done, (int)k, MPI_DOUBLE, MPI_SUM, comm) != MPI_SUCCESS)
      return tw_error(TW_ERR_INTERNAL, "MPI_Allreduce of %zu partial sums failed", n);
    done += k;
  }
  return TW_OK;
}
