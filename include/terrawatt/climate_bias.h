/* terrawatt: bias correction of a climate member against a reference
 * dataset (e.g. ERA5 over an overlapping period), per cell and calendar
 * month, for temperature (t2m), irradiance (ssrd, with fdir in the same
 * proportion) and wind speed (u100/v100, direction kept). docs/INGEST.md,
 * "Bias correction", gives the formulas and references.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_CLIMATE_BIAS_H
#define TERRAWATT_CLIMATE_BIAS_H

#include "terrawatt/export.h"

#include <stddef.h>

#include "terrawatt/climate.h"
#include "terrawatt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tw_bias_method {
  TW_BIAS_DELTA = 0, /* temperature + (ref mean - model mean); speed and irradiance x ratio */
  TW_BIAS_QM = 1     /* empirical quantile mapping on 101 quantiles (0, 1, ..., 100 %) */
} tw_bias_method;

/* Correct c in place. `mod` is the member over the calibration period (the
 * same cells as c; may be c itself), `ref` the reference over that period
 * (any cells: each member cell uses the nearest reference cell). Samples
 * are the hourly values of one cell in one calendar month over the whole
 * period. Months without calibration data stay unchanged. */
TW_API tw_status tw_bias_correct(tw_climate *c, const tw_climate *mod, const tw_climate *ref,
                                 tw_bias_method method);

/* Empirical quantile mapping of one value: x's probability in the model
 * quantiles qmod[0..nq-1] (at probabilities k / (nq - 1), interpolated
 * linearly; a run of equal quantiles gives its middle), then the reference
 * quantile at that probability (linear between the qref); beyond the ends
 * x is shifted by the difference of the end quantiles. */
TW_API double tw_qm_map(double x, const double *qmod, const double *qref, size_t nq);

#ifdef __cplusplus
}
#endif
#endif
