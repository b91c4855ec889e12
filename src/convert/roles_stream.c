/* Streaming counterpart of tw_climate_read_roles: open ingest's chunked
 * reader when the planned variables need no whole-series transformation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/climate_roles.h"

#include <string.h>

/* The variables the conversion reads as they are (derive() leaves them
 * unchanged); any other planned name (tas, rsds, wnd100m, influx_*, uas,
 * sfcWind, rsdsdiff, tasmax/tasmin) needs a derivation over the series. */
static int is_conversion_input(const char *name) {
  static const char *const inputs[] = {"u100", "v100", "u10", "v10", "t2m", "ssrd", "fdir", "fsr"};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
    if (!strcmp(name, inputs[i])) return 1;
  return 0;
}

tw_status tw_climate_reader_open_roles(const tw_ingest_params *p0, const tw_climate_request *rq,
                                       tw_climate_roles_stream *rs, tw_climate_reader **out) {
  tw_ingest_params p = *p0;
  tw_ingest_shape shape;
  size_t n = 0;
  *out = NULL;
  const char *source = p.npaths ? p.paths[0] : "climate";
  TW_CHECK(tw_preset_check(rq->preset, source));
  p.aliases = rs->aliases;
  p.naliases = tw_role_aliases(rq->names, rs->aliases);
  p.variables = NULL;
  p.nvariables = 0;
  TW_CHECK(tw_climate_shape(&p, &shape));
  TW_CHECK(tw_climate_plan(&shape, rq, source, rs->names, &n));
  if (n == 0) return TW_OK; /* tw_climate_read_roles reports it */
  /* coarser than hourly: tw_climate_to_hourly resamples the whole series */
  if (shape.ntime >= 2 && shape.step_s > 3600.0) return TW_OK;
  int has_u100 = 0;
  for (size_t i = 0; i < n; i++) {
    if (!is_conversion_input(rs->names[i])) return TW_OK;
    if (!strcmp(rs->names[i], "u100")) has_u100 = 1;
  }
  if (rq->wind && !has_u100) return TW_OK; /* 100 m wind derived from 10 m data */
  p.variables = rs->names;
  p.nvariables = n;
  return tw_climate_reader_open(&p, 0, out);
}
