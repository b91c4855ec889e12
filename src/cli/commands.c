/* The subcommand table: only commands that work are listed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

const tw_cli_command tw_cli_commands[] = {
    {"run", "run a scenario file: convert, optimize, report", tw_cmd_run, tw_cmd_run_usage},
    {"report", "write a self-contained HTML report of a run (charts, ensemble spread)",
     tw_cmd_report, tw_cmd_report_usage},
    {"merge", "merge the output directories of separate runs (array jobs) into one summary",
     tw_cmd_merge, tw_cmd_merge_usage},
    {"version", "print version, backends, GPUs and library versions", tw_cmd_version,
     tw_cmd_version_usage},
    {"convert", "weather to per-bus wind/PV capacity factors and degree-hours (NetCDF)",
     tw_cmd_convert, tw_cmd_convert_usage},
    {"optimize", "solve a PyPSA network's linear OPF with GLPK (prices, storage, CO2)",
     tw_cmd_optimize, tw_cmd_optimize_usage},
    {"inspect", "summarise climate NetCDF files (dims, variables, units, time, statistics)",
     tw_cmd_inspect, tw_cmd_inspect_usage},
    {"example", "write the bundled synthetic example (cutout and network)", tw_cmd_example,
     tw_cmd_example_usage},
    {"train", "train an MLP surrogate forecast model (point or quantiles)", tw_cmd_train,
     tw_cmd_train_usage},
    {"forecast", "forecast with a trained model; write forecasts as NetCDF", tw_cmd_forecast,
     tw_cmd_forecast_usage},
    {NULL, NULL, NULL, NULL},
};
