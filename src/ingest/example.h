/* Private: the synthetic weather of the bundled example (docs/EXAMPLE.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_INGEST_EXAMPLE_H
#define TW_INGEST_EXAMPLE_H

#include <stddef.h>

#include "terrawatt/status.h"
#include "terrawatt/time.h"

#define TW_EX_NLAT 16
#define TW_EX_NLON 20
#define TW_EX_NT 336 /* 14 days hourly */
#define TW_EX_NCELL (TW_EX_NLAT * TW_EX_NLON)
#define TW_EX_SEED 20190401u

typedef struct tw_example_weather {
  double lat[TW_EX_NLAT], lon[TW_EX_NLON]; /* degrees; latitude descending */
  tw_time_s time[TW_EX_NT];                /* standard calendar, hourly from 2019-04-01T00 */
  /* [NT][NCELL] values in the file's units: m s-1, K, J m-2 (hour-ending), m */
  float *u100, *v100, *u10, *v10, *t2m, *ssrd, *fsr;
} tw_example_weather;

tw_status tw_example_weather_make(tw_example_weather *w);
void tw_example_weather_free(tw_example_weather *w);

/* Writers (each writes to a temporary name, then renames). */
tw_status tw_example_write_cutout(const tw_example_weather *w, const char *path);
tw_status tw_example_write_network(const tw_example_weather *w, const char *dir);

/* Index of the cell nearest to (lat, lon). */
size_t tw_example_nearest_cell(const tw_example_weather *w, double lat, double lon);

#endif
