/* Synthetic conversion jobs for the parity test and the benchmark: host
 * inputs generated deterministically, uploaded to a backend.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_TEST_CONVERT_JOBS_H
#define TW_TEST_CONVERT_JOBS_H

#include <stddef.h>

#include "terrawatt/backend.h"

typedef struct tw_test_inputs {
  size_t ncell, ntime, n;
  float *u100, *v100, *u10, *v10, *z0, *ghi, *fdir, *t2m, *wind, *lat, *lon;
  tw_sun_geo *geo;
  float curve_v[15], curve_cf[15];
  float *table;   /* [table_len] the curve resampled every TW_WIND_TABLE_DV_MS */
  int table_len;
  float *factor;  /* [ncell] log-law hub factor, z0 of time 0, 100 -> 120 m */
  /* u100, v100, ghi, t2m packed as int16 (ERA5-style scale/offset/fill);
   * the float arrays above hold exactly their decoded values (tw_unpack),
   * so a job on the packed arrays must give the same bits. */
  short *u16, *v16, *ghi16, *t2m16;
  tw_pack u_pack, v_pack, ghi_pack, t2m_pack;
  tw_sun_fast *sun;     /* [ntime] fast sun geometry of geo */
  tw_cell_trig *trig;   /* [ncell] */
} tw_test_inputs;

/* Number of job variants (tw_test_wind_job, tw_test_pv_job). */
#define TW_TEST_WIND_VARIANTS 4
#define TW_TEST_PV_VARIANTS 18

/* Generate inputs for ncell cells x ntime hours (from 2017-03-01). */
int tw_test_inputs_make(size_t ncell, size_t ntime, tw_test_inputs *in);
void tw_test_inputs_free(tw_test_inputs *in);

/* Device copies of the inputs on one backend. */
typedef struct tw_test_device {
  tw_backend *be;
  float *u100, *v100, *u10, *v10, *z0, *ghi, *fdir, *t2m, *wind, *lat, *lon, *table, *factor,
      *out;
  tw_sun_geo *geo;
  short *u16, *v16, *ghi16, *t2m16;
  tw_sun_fast *sun;
  tw_cell_trig *trig;
} tw_test_device;

tw_status tw_test_device_upload(tw_backend *be, const tw_test_inputs *in, tw_test_device *d);
void tw_test_device_free(tw_test_device *d);

/* Jobs on the device copies (variant selects the option combination).
 * Wind: 0 log law with time-varying roughness (hub 80 m), 1 log law with a
 * per-cell hub factor (120 m), 2 power law (135 m), 3 as 1 from packed
 * int16 u and v. PV: bit 0 fdir, (v >> 1) % 3 orientation, v >= 6
 * PVWatts; 12 and 13: Perez sky (as 3 and 10); with the fast sun
 * geometry: 14 as 2, 15 as 3, 16 as 15 from packed int16 ghi and t2m, 17
 * as 12. */
tw_wind_job tw_test_wind_job(const tw_test_inputs *in, const tw_test_device *d, int variant);
tw_pv_job tw_test_pv_job(const tw_test_inputs *in, const tw_test_device *d, int variant);

/* A host CSR layout (bus x cell) for the aggregation tests. */
typedef struct tw_test_layout {
  int nrow, ncol;
  int *row_ptr, *col;
  float *val;
} tw_test_layout;

/* Layout kinds over ncell cells: 0: 37 buses, cell c in bus c % 37
 * (strided rows); 1: 2 long rows, each listing every cell twice (share
 * 1 / (2 ncell): the block-per-row path of the CUDA kernel); 2: 11 buses
 * over contiguous cell ranges, buses 3 and 8 empty (their rows sum to 0). */
int tw_test_layout_make(int kind, int ncell, tw_test_layout *l);
void tw_test_layout_free(tw_test_layout *l);

/* nrow buses over contiguous, equal ranges of the ncell cells, equal
 * shares (the benchmark's layout). */
int tw_test_layout_ranges(int nrow, int ncell, tw_test_layout *l);

/* 1 (default): tw_test_run_fused hands host backends the layout's runs
 * (the streaming paths); 0: no runs (the per-cell path). */
extern int tw_test_fused_runs;

/* Run the fused op (wind_bus_cf when wind != NULL, else pv_bus_cf) of
 * `be` with layout `l` and download the per-bus sums into y_host
 * ([ntime][nrow]). */
tw_status tw_test_run_fused(tw_backend *be, const tw_wind_job *wind, const tw_pv_job *pv,
                            const tw_test_layout *l, size_t ntime, float *y_host);

/* The same through the unfused ops: wind_cf / pv_cf into the job's cf
 * array, then csr_aggregate. */
tw_status tw_test_run_unfused(tw_backend *be, const tw_wind_job *wind, const tw_pv_job *pv,
                              const tw_test_layout *l, size_t ntime, float *y_host);

#endif
