/* terrawatt inspect FILE... [--json]: summary of a climate dataset.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "terrawatt/forecast.h"
#include "terrawatt/climate_roles.h"
#include "terrawatt/ingest.h"
#include "terrawatt/json.h"
#include "terrawatt/alloc.h"

/* A forecast model file (src/cli/cmd_inspect_model.c). */
int tw_cmd_inspect_model(const char *path, int json);

void tw_cmd_inspect_usage(FILE *out) {
  fprintf(out,
          "usage: terrawatt inspect FILE... [--json]\n\n"
          "Summarise a climate dataset (NetCDF; several files are one dataset, concatenated\n"
          "along time): convention, grid or stations, time axis and calendar, and for every\n"
          "variable its units (raw and SI), packing, missing values and min/mean/max of the\n"
          "decoded values in SI units (missing values skipped). Accumulations such as ERA5\n"
          "ssrd (J m-2) are shown as mean rates (W m-2). See docs/INGEST.md.\n\n"
          "Options:\n"
          "  --json     print exactly one JSON object on stdout\n"
          "  -h, --help this text\n"
          "Exit codes: 0 ok, 1 usage, 2 bad input (missing, truncated or unreadable file).\n");
}

static void print_json(const tw_inspect_report *r) {
  tw_json j;
  tw_json_init(&j);
  tw_json_object_begin(&j);
  tw_json_kv_string(&j, "convention", r->convention);
  tw_json_key(&j, "grid");
  tw_json_object_begin(&j);
  tw_json_kv_int(&j, "ny", (long long)r->ny);
  tw_json_kv_int(&j, "nx", (long long)r->nx);
  tw_json_key(&j, "lat_descending");
  tw_json_bool(&j, r->lat_descending);
  tw_json_key(&j, "stations");
  tw_json_bool(&j, r->is_station);
  tw_json_key(&j, "extent"); /* cell centres, degrees */
  tw_json_object_begin(&j);
  tw_json_kv_number(&j, "lat_min", r->lat_min_deg);
  tw_json_kv_number(&j, "lat_max", r->lat_max_deg);
  tw_json_kv_number(&j, "lon_min", r->lon_min_deg);
  tw_json_kv_number(&j, "lon_max", r->lon_max_deg);
  tw_json_object_end(&j);
  tw_json_object_end(&j);
  tw_json_key(&j, "time");
  tw_json_object_begin(&j);
  tw_json_kv_int(&j, "count", (long long)r->ntime);
  tw_json_kv_string(&j, "start", r->ntime ? r->start : NULL);
  tw_json_kv_string(&j, "end", r->ntime ? r->end : NULL);
  tw_json_kv_string(&j, "calendar", r->ntime ? r->calendar : NULL);
  tw_json_kv_number(&j, "step_seconds", r->step_seconds);
  tw_json_object_end(&j);
  tw_json_key(&j, "variables");
  tw_json_object_begin(&j);
  for (size_t i = 0; i < r->nvars; i++) {
    const tw_inspect_var *v = &r->vars[i];
    tw_json_key(&j, v->name);
    tw_json_object_begin(&j);
    tw_json_kv_string(&j, "canonical", v->canonical[0] ? v->canonical : NULL);
    tw_json_kv_string(&j, "role", tw_role_of_canonical(v->canonical)); /* null: none */
    tw_json_kv_string(&j, "cell_methods", v->cell_methods[0] ? v->cell_methods : NULL);
    if (v->nlevels) { /* a 4-D variable: its level dimension; statistics cover every level */
      tw_json_kv_string(&j, "level_dimension", v->level_name);
      tw_json_key(&j, "levels");
      tw_json_array_begin(&j);
      for (size_t l = 0; l < v->nlevels && l < 16; l++) tw_json_number(&j, v->levels[l]);
      tw_json_array_end(&j);
    }
    tw_json_kv_string(&j, "units", v->units);
    tw_json_kv_string(&j, "units_si", v->units_si[0] ? v->units_si : NULL);
    tw_json_key(&j, "packed");
    tw_json_bool(&j, v->packed);
    tw_json_key(&j, "accumulated");
    tw_json_bool(&j, v->accumulated);
    tw_json_kv_int(&j, "count", (long long)v->count);
    tw_json_kv_int(&j, "missing", (long long)v->missing);
    tw_json_kv_number(&j, "min", v->min);
    tw_json_kv_number(&j, "mean", v->mean);
    tw_json_kv_number(&j, "max", v->max);
    tw_json_object_end(&j);
  }
  tw_json_object_end(&j);
  tw_json_key(&j, "problems");
  tw_json_array_begin(&j);
  for (size_t i = 0; i < r->nproblems; i++) tw_json_string(&j, r->problems[i]);
  tw_json_array_end(&j);
  tw_json_object_end(&j);
  const char *text = tw_json_text(&j);
  printf("%s\n", text ? text : "{}");
  tw_json_free(&j);
}

static void print_table(const tw_inspect_report *r) {
  printf("convention  %s\n", r->convention);
  if (r->is_station)
    printf("locations   %zu (no grid)\n", r->ny);
  else
    printf("grid        %zu x %zu (lat x lon), latitude %s\n", r->ny, r->nx,
           r->lat_descending ? "descending" : "ascending");
  if (r->ntime)
    printf("time        %zu steps, %s .. %s, calendar %s, step %g s\n", r->ntime, r->start, r->end,
           r->calendar, r->step_seconds);
  else
    printf("time        none (static fields)\n");
  printf("\n%-14s %-10s %-16s %-10s %-6s %10s %12s %12s %12s\n", "variable", "canonical", "units",
         "SI units", "packed", "missing", "min", "mean", "max");
  for (size_t i = 0; i < r->nvars; i++) {
    const tw_inspect_var *v = &r->vars[i];
    printf("%-14s %-10s %-16s %-10s %-6s %10zu %12.6g %12.6g %12.6g%s", v->name,
           v->canonical[0] ? v->canonical : "-", v->units[0] ? v->units : "(none)",
           v->units_si[0] ? v->units_si : "?", v->packed ? "yes" : "no", v->missing, v->min, v->mean,
           v->max, v->accumulated ? "  (accumulation -> mean rate)" : "");
    if (v->nlevels) printf("  (%zu levels of '%s', all decoded)", v->nlevels, v->level_name);
    printf("\n");
  }
  if (r->nproblems) {
    printf("\nproblems:\n");
    for (size_t i = 0; i < r->nproblems; i++) printf("  - %s\n", r->problems[i]);
  }
}

int tw_cmd_inspect(int argc, char **argv) {
  int json = 0, rc = 0;
  const char **files = tw_calloc_raw((size_t)argc + 1, sizeof *files);
  size_t nfiles = 0;
  if (!files) return TW_ERR_RESOURCE;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = 1;
    } else if (strcmp(argv[i], "--") == 0) {
      for (int k = i + 1; k < argc; k++) files[nfiles++] = argv[k];
      break;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      free(files);
      return tw_cli_usage_error("inspect", "unknown option '%s'", argv[i]);
    } else {
      files[nfiles++] = argv[i];
    }
  }
  if (nfiles == 0) {
    free(files);
    return tw_cli_usage_error("inspect", "missing FILE");
  }
  if (nfiles == 1 && tw_forecast_model_file_probe(files[0])) { /* forecast model: cmd_inspect_model.c */
    rc = tw_cmd_inspect_model(files[0], json);
    free(files);
    return rc;
  }
  tw_inspect_report *r = NULL;
  tw_status st = tw_ingest_inspect(files, nfiles, &r);
  if (st != TW_OK) {
    rc = tw_cli_fail("inspect", st);
  } else if (json) {
    print_json(r);
  } else {
    print_table(r);
  }
  tw_inspect_report_destroy(&r);
  free(files);
  return rc;
}
