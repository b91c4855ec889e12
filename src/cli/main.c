/* terrawatt: the command-line entry point.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "cli.h"
#include "terrawatt/input_file.h"
#include "terrawatt/log.h"

static void print_usage(FILE *out) {
  fprintf(out,
          "usage: terrawatt [--verbose|--quiet] [--backend auto|cpu|cuda] [--device N] COMMAND [ARGS]\n\n"
          "Turn climate data into resilient, low-carbon power-system schedules.\n\n"
          "Commands:\n");
  for (const tw_cli_command *c = tw_cli_commands; c->name; c++)
    fprintf(out, "  %-10s %s\n", c->name, c->summary);
  fprintf(out, "\nGlobal options (also accepted after COMMAND):\n"
               "  -v, --verbose      more log output (debug); errors show where they arose\n"
               "  -q, --quiet        errors only\n"
               "  --backend B        compute backend: auto (default), cpu, cuda; or TW_BACKEND\n"
               "  --device N         CUDA device index; default TW_CUDA_DEVICE, else (run) the\n"
               "                     node-local MPI rank modulo the GPU count, else 0\n"
               "  --follow-symlinks  follow symlinks inside input folders (a PyPSA CSV folder,\n"
               "                     an emobpy directory); refused by default\n"
               "Environment: TW_LOG_LEVEL=error|warn|info|debug, TW_BACKEND, TW_CUDA_DEVICE,\n"
               "TW_CUDA_LIBRARY (path of libterrawatt_cuda.so).\n"
               "Exit codes: 0 ok, 1 usage, 2 bad input, 3 infeasible, 4 resource, 5 internal.\n"
               "Run 'terrawatt COMMAND --help' for a command's options.\n");
}

/* Remove argv[i] (and `count` following) from the vector. */
static void drop_args(int *argc, char **argv, int i, int count) {
  memmove(&argv[i], &argv[i + count], (size_t)(*argc - i - count + 1) * sizeof *argv);
  *argc -= count;
}

/* Pull the global options out of argv wherever they are (before "--"). */
static int take_global_options(int *argc, char **argv) {
  const char *env_backend = getenv("TW_BACKEND");
  if (env_backend && *env_backend &&
      tw_backend_kind_parse(env_backend, &tw_cli_global.backend) != TW_OK) {
    fprintf(stderr, "terrawatt: TW_BACKEND: %s\n", tw_last_error());
    return TW_ERR_USAGE;
  }
  if (tw_log_init_from_env() != 0) {
    fprintf(stderr, "terrawatt: TW_LOG_LEVEL='%s' is not error, warn, info or debug\n",
            getenv("TW_LOG_LEVEL"));
    return TW_ERR_USAGE;
  }
  for (int i = 1; i < *argc;) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) break;
    if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
      tw_log_set_level(TW_LOG_DEBUG);
      drop_args(argc, argv, i, 1);
    } else if (strcmp(a, "--follow-symlinks") == 0) {
      tw_input_set_follow_symlinks(1);
      drop_args(argc, argv, i, 1);
    } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
      tw_log_set_level(TW_LOG_ERROR);
      drop_args(argc, argv, i, 1);
    } else if (strcmp(a, "--backend") == 0 || strncmp(a, "--backend=", 10) == 0) {
      const char *value = a[9] == '=' ? a + 10 : (i + 1 < *argc ? argv[i + 1] : NULL);
      if (!value) {
        fprintf(stderr, "terrawatt: --backend needs a value (auto, cpu, cuda)\n");
        return TW_ERR_USAGE;
      }
      if (tw_backend_kind_parse(value, &tw_cli_global.backend) != TW_OK) {
        fprintf(stderr, "terrawatt: %s\n", tw_last_error());
        return TW_ERR_USAGE;
      }
      drop_args(argc, argv, i, a[9] == '=' ? 1 : 2);
    } else if (strcmp(a, "--device") == 0 || strncmp(a, "--device=", 9) == 0) {
      const char *value = a[8] == '=' ? a + 9 : (i + 1 < *argc ? argv[i + 1] : NULL);
      char *end = NULL;
      long d = value ? strtol(value, &end, 10) : -1;
      if (!value || !*value || *end || d < 0 || d > 1024) {
        fprintf(stderr, "terrawatt: --device needs a CUDA device index (0, 1, ...), got '%s'\n",
                value ? value : "");
        return TW_ERR_USAGE;
      }
      tw_cli_global.device = (int)d;
      drop_args(argc, argv, i, a[8] == '=' ? 1 : 2);
    } else {
      i++;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  int rc = take_global_options(&argc, argv);
  if (rc != 0) return rc;
  if (argc < 2) {
    print_usage(stderr);
    return TW_ERR_USAGE;
  }
  if (tw_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
    print_usage(stdout);
    return 0;
  }
  const tw_cli_command *cmd = NULL;
  for (const tw_cli_command *c = tw_cli_commands; c->name; c++)
    if (strcmp(c->name, argv[1]) == 0) cmd = c;
  if (!cmd) {
    fprintf(stderr, "terrawatt: unknown command '%s'\n\n", argv[1]);
    print_usage(stderr);
    return TW_ERR_USAGE;
  }
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) break;
    if (tw_cli_is_help(argv[i])) {
      cmd->usage(stdout);
      return 0;
    }
  }

  /* MPI is initialised for every command so that all of them work under
   * mpirun; a plain start is an MPI singleton. Exception: `convert` runs in
   * one process and calls no MPI, and Open MPI's singleton start costs
   * about 0.5 s (measured here: a program doing only MPI_Init_thread +
   * MPI_Finalize takes 0.45-0.50 s), so a plain `convert` (no launcher in
   * the environment) skips MPI. */
  int use_mpi = strcmp(cmd->name, "convert") != 0 || getenv("OMPI_COMM_WORLD_SIZE") ||
                getenv("PMIX_RANK") || getenv("PMI_RANK") || getenv("PMI_SIZE");
  int provided = 0;
  if (use_mpi && MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    fprintf(stderr, "terrawatt: MPI_Init failed\n");
    return TW_ERR_RESOURCE;
  }
  if (use_mpi) {
    MPI_Comm_rank(MPI_COMM_WORLD, &tw_cli_global.mpi_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &tw_cli_global.mpi_size);
  }
  if (tw_cli_global.mpi_size > 1) tw_log_set_rank(tw_cli_global.mpi_rank);

  rc = cmd->run(argc - 1, argv + 1);

  /* A failing rank must not leave the others waiting in a collective. */
  if (tw_cli_global.mpi_size > 1) {
    int worst = rc;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    rc = worst;
  }
  if (use_mpi) MPI_Finalize();
  /* After a resource error (a full disk) HDF5 may hold a file whose close
   * failed, and its exit handler then crashes closing it again: leave
   * without running exit handlers (outputs are already committed or
   * removed). */
  if (rc == TW_ERR_RESOURCE) {
    fflush(stdout);
    fflush(stderr);
#if defined(__SANITIZE_ADDRESS__)
    /* _exit skips LeakSanitizer's exit-time check: run it here, so the
     * allocation fault loop still sees leaks on out-of-memory paths. */
    __lsan_do_leak_check();
#endif
    _exit(rc);
  }
  return rc;
}
