/* terrawatt CLI: subcommand table and shared helpers. The CLI is the only
 * code allowed to exit.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_CLI_H
#define TW_CLI_H

#include <stdio.h>

#include "terrawatt/backend.h"
#include "terrawatt/status.h"

/* A subcommand. `run` receives argv with argv[0] the subcommand name and
 * returns the process exit code. `usage` prints its --help text. */
typedef struct tw_cli_command {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv);
  void (*usage)(FILE *out);
} tw_cli_command;

/* The commands that work, NULL-terminated (commands.c). */
extern const tw_cli_command tw_cli_commands[];

/* Global options, set by main before the subcommand runs. */
typedef struct tw_cli_globals {
  tw_backend_kind backend; /* --backend or TW_BACKEND */
  int device;              /* --device N (CUDA device index), -1: not given */
  int mpi_rank;
  int mpi_size;
} tw_cli_globals;
extern tw_cli_globals tw_cli_global;

/* Print "terrawatt CMD: message" and a hint to stderr; returns 1. */
int tw_cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Report a failed status (its message) on stderr; returns its exit code. */
int tw_cli_fail(const char *cmd, tw_status st);

/* 1 if arg is -h or --help. */
int tw_cli_is_help(const char *arg);

/* Parse a non-negative integer option value; returns 0 or prints a usage
 * error and returns 1. */
int tw_cli_parse_int(const char *cmd, const char *option, const char *text, long min, long max,
                     long *out);

/* Check that `path` exists (file or directory); otherwise report a
 * TW_ERR_INPUT naming it and return 2. Returns 0 when it exists. */
int tw_cli_require_path(const char *cmd, const char *path);

/* Check an output path before any work: its directory must exist and be a
 * directory, and the path itself must not be an existing directory when a
 * file is expected (want_dir 0) or a non-directory when a folder is
 * (want_dir 1). Otherwise a TW_ERR_INPUT naming the path, and 2 is
 * returned; 0 when fine. */
int tw_cli_check_out_path(const char *cmd, const char *option, const char *path, int want_dir);

/* Subcommands. */
int tw_cmd_version(int argc, char **argv);
void tw_cmd_version_usage(FILE *out);
int tw_cmd_convert(int argc, char **argv);
void tw_cmd_convert_usage(FILE *out);
int tw_cmd_optimize(int argc, char **argv);
void tw_cmd_optimize_usage(FILE *out);
int tw_cmd_run(int argc, char **argv);
void tw_cmd_run_usage(FILE *out);
int tw_cmd_report(int argc, char **argv);
void tw_cmd_report_usage(FILE *out);
int tw_cmd_merge(int argc, char **argv);
void tw_cmd_merge_usage(FILE *out);
int tw_cmd_example(int argc, char **argv);
void tw_cmd_example_usage(FILE *out);
int tw_cmd_inspect(int argc, char **argv);
void tw_cmd_inspect_usage(FILE *out);
int tw_cmd_train(int argc, char **argv);
void tw_cmd_train_usage(FILE *out);
int tw_cmd_forecast(int argc, char **argv);
void tw_cmd_forecast_usage(FILE *out);

#endif
