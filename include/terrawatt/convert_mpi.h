/* terrawatt: the conversion stage on MPI ranks that hold different cells
 * (row slabs from tw_climate_read_mpi, TW_SPLIT_ROWS).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_CONVERT_MPI_H
#define TERRAWATT_CONVERT_MPI_H

#include "terrawatt/export.h"

#include <mpi.h>
#include <stddef.h>

#include "terrawatt/convert.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fixed-point scale of the reduction: partial sums are exact integers in
 * units of 2^-TW_CONVERT_MPI_FRAC_BITS, so their sum does not depend on
 * the order of the ranks or on how the cells are split. A weighted term
 * |share * value| must stay below TW_CONVERT_MPI_MAX_TERM. */
#define TW_CONVERT_MPI_FRAC_BITS 48
#define TW_CONVERT_MPI_MAX_TERM 16384.0

/* Collective on comm. Every rank holds rows [local->row_offset, +nlat) of
 * the same dataset (tw_climate_read_mpi with TW_SPLIT_ROWS; `local` NULL
 * on a rank with an empty share; rank 0 must hold rows). The ranks
 * exchange the grid coordinates and all build the same Voronoi layout of
 * the whole grid (tw_layout_voronoi: bus arrays as there, identical on all
 * ranks). Each rank converts its own cells on `be` (wind when p->turbine,
 * solar when p->solar, degree-hours when p->degree_hours) and applies its
 * columns of the layout; the partial per-bus sums are reduced over all
 * ranks (MPI_Allreduce of 64-bit fixed-point integers, 2^-48 resolution;
 * NaN counted separately and propagated). Every rank gets the same *out,
 * bitwise identical for any number of ranks. It can differ from
 * tw_convert_capacity_factors (double accumulation in cell order) by one
 * float rounding. If any rank fails, all return a failure (the failing
 * rank's message there, "another rank failed" elsewhere). */
TW_API tw_status tw_convert_capacity_factors_mpi(tw_backend *be, const tw_climate *local,
                                                 const tw_convert_params *p, size_t nbus,
                                                 const char *const *bus_names,
                                                 const double *bus_lon_deg, const double *bus_lat_deg,
                                                 tw_layout_weighting weighting, MPI_Comm comm,
                                                 tw_bus_series **out);

#ifdef __cplusplus
}
#endif
#endif
