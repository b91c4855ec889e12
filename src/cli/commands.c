/* The subcommand table: only commands that work are listed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

const tw_cli_command tw_cli_commands[] = {
    {"version", "print version, backends, GPUs and library versions", tw_cmd_version,
     tw_cmd_version_usage},
    {NULL, NULL, NULL, NULL},
};
