/* Conversion ops of the backends (internal): CPU loops in convert_cpu.c,
 * CUDA launchers in kernels/convert_kernels.cu.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_BACKEND_CONVERT_H
#define TW_BACKEND_CONVERT_H

#include "terrawatt/backend.h"

#ifdef __cplusplus
extern "C" {
#endif

tw_status tw_cpu_wind_cf(tw_backend *be, const tw_wind_job *job);
tw_status tw_cpu_pv_cf(tw_backend *be, const tw_pv_job *job);
tw_status tw_cpu_csr_aggregate(tw_backend *be, const tw_csr_job *job);
tw_status tw_cpu_wind_bus_cf(tw_backend *be, const tw_wind_job *job, const tw_csr_job *agg);
tw_status tw_cpu_pv_bus_cf(tw_backend *be, const tw_pv_job *job, const tw_csr_job *agg);

tw_status tw_cuda_wind_cf(tw_backend *be, const tw_wind_job *job);
tw_status tw_cuda_pv_cf(tw_backend *be, const tw_pv_job *job);
tw_status tw_cuda_csr_aggregate(tw_backend *be, const tw_csr_job *job);
tw_status tw_cuda_wind_bus_cf(tw_backend *be, const tw_wind_job *job, const tw_csr_job *agg);
tw_status tw_cuda_pv_bus_cf(tw_backend *be, const tw_pv_job *job, const tw_csr_job *agg);

#ifdef __cplusplus
}
#endif
#endif
