/* terrawatt: MPI-decomposed climate ingest.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_INGEST_MPI_H
#define TERRAWATT_INGEST_MPI_H

#include "terrawatt/export.h"

#include <mpi.h>
#include <stddef.h>

#include "terrawatt/ingest.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tw_ingest_split {
  TW_SPLIT_ROWS = 0, /* contiguous blocks of grid rows (stations: cells); the default */
  TW_SPLIT_TIME = 1  /* contiguous blocks of times */
} tw_ingest_split;

/* The block [*offset, *offset + *count) of n items owned by `rank` of
 * `size` (the first n % size ranks get one more). */
TW_API void tw_ingest_block(size_t n, int rank, int size, size_t *offset, size_t *count);

/* Collective on comm. Every rank scans the dataset's coordinates and reads
 * only its own hyperslab (one nc_get_vara per file, longitude run and time
 * chunk): rows [row_offset, +nlat) of the selection for TW_SPLIT_ROWS, times
 * [time_offset, +ntime) for TW_SPLIT_TIME (see tw_climate's offsets). A rank
 * may get an empty share when there are more ranks than rows/times: then
 * *out is NULL. If any rank fails, all return the failure (the failing
 * rank's message on that rank, "another rank failed" on the others). */
TW_API tw_status tw_climate_read_mpi(const tw_ingest_params *p, MPI_Comm comm, tw_ingest_split split,
                                     tw_climate **out);

/* Collective on comm: a streaming reader (tw_climate_reader_open) on this
 * rank's slab, split as for tw_climate_read_mpi: each rank holds one chunk
 * of its own slab at a time. *out is NULL on a rank whose share is empty.
 * A failure on any rank fails on all. */
TW_API tw_status tw_climate_reader_open_mpi(const tw_ingest_params *p, MPI_Comm comm, tw_ingest_split split,
                                            size_t chunk_steps, tw_climate_reader **out);

/* Adds one chunk's contribution to the partial sums sums[nsums] (e.g. per
 * bus: capacity factor x weight over the chunk's cells and times; cells are
 * located by chunk->row_offset, times by chunk->time_offset). Must not call
 * MPI collectives. */
typedef tw_status (*tw_climate_accum_fn)(void *user, const tw_climate *chunk, double *sums, size_t nsums);

/* Collective on comm: the streaming collective helper. Zeroes sums, streams
 * this rank's slab chunk by chunk (chunk_steps times at a time; 0:
 * automatic) calling fn on each, then sums the partial sums over all ranks
 * (MPI_Allreduce), so every rank ends with the totals. Memory per rank is
 * one chunk of its slab (see tw_climate_reader_open). A failure on any
 * rank (reading or in fn) fails on all. A sum to which each time or cell
 * contributes on one rank only is the same, bit for bit, under any number
 * of ranks (the others add exact zeros). */
TW_API tw_status tw_climate_reduce_mpi(const tw_ingest_params *p, MPI_Comm comm, tw_ingest_split split,
                                       size_t chunk_steps, tw_climate_accum_fn fn, void *user, double *sums,
                                       size_t nsums);

/* Collective on comm: in-place sum of per-rank partial sums (e.g. per-bus
 * aggregates of a row slab) over all ranks. */
TW_API tw_status tw_ingest_allreduce_sum(double *values, size_t n, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
