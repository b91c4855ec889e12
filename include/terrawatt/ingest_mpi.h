/* terrawatt: MPI-decomposed climate ingest.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_INGEST_MPI_H
#define TERRAWATT_INGEST_MPI_H

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
void tw_ingest_block(size_t n, int rank, int size, size_t *offset, size_t *count);

/* Collective on comm. Every rank scans the dataset's coordinates and reads
 * only its own hyperslab (one nc_get_vara per file, longitude run and time
 * chunk): rows [row_offset, +nlat) of the selection for TW_SPLIT_ROWS, times
 * [time_offset, +ntime) for TW_SPLIT_TIME (see tw_climate's offsets). A rank
 * may get an empty share when there are more ranks than rows/times: then
 * *out is NULL. If any rank fails, all return the failure (the failing
 * rank's message on that rank, "another rank failed" on the others). */
tw_status tw_climate_read_mpi(const tw_ingest_params *p, MPI_Comm comm, tw_ingest_split split,
                              tw_climate **out);

/* Collective on comm: in-place sum of per-rank partial sums (e.g. per-bus
 * aggregates of a row slab) over all ranks. */
tw_status tw_ingest_allreduce_sum(double *values, size_t n, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
