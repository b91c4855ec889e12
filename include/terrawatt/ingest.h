/* terrawatt: reading climate datasets (NetCDF, CF conventions) into a
 * tw_climate. The only module that calls nc_*.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TERRAWATT_INGEST_H
#define TERRAWATT_INGEST_H

#include <stddef.h>

#include "terrawatt/climate.h"
#include "terrawatt/status.h"
#include "terrawatt/time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tw_ingest_params {
  const char *const *paths;      /* files of one dataset, any order; concatenated along time */
  size_t npaths;
  const char *const *variables;  /* canonical names wanted; NULL reads every known variable */
  size_t nvariables;
  const char *convention;        /* "era5", "cmip6", "atlite" or NULL to detect */
  int has_bbox;                  /* select cells inside bbox before reading */
  double lon_min_deg, lat_min_deg, lon_max_deg, lat_max_deg; /* lon_min > lon_max wraps the seam */
  int has_time_range;            /* select times in [time_start, time_end] before reading */
  tw_time_s time_start, time_end;
} tw_ingest_params;

/* Defaults: no paths, all variables, detect convention, no selection. */
void tw_ingest_params_default(tw_ingest_params *p);

/* Read and decode a dataset (see tw_climate for the result's layout).
 * Errors are TW_ERR_INPUT and name the file, the variable and the value.
 * The caller owns *out (tw_climate_destroy). */
tw_status tw_climate_read(const tw_ingest_params *p, tw_climate **out);

#ifdef __cplusplus
}
#endif
#endif
