/* terrawatt version: the version, backends compiled in, GPUs found, and the
 * versions of the libraries linked.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glpk.h>
#include <mpi.h>
#include <netcdf.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "terrawatt/version.h"

#ifdef TW_HAVE_CBLAS
#include <cblas.h>
#endif

void tw_cmd_version_usage(FILE *out) {
  fprintf(out, "usage: terrawatt version\n\n"
               "Print the terrawatt version, the compute backends compiled in, the GPUs found,\n"
               "and the NetCDF, GLPK, MPI and BLAS library versions.\n");
}

int tw_cmd_version(int argc, char **argv) {
  char mpi_version[MPI_MAX_LIBRARY_VERSION_STRING];
  char gpus[1024];
  int len = 0;
  if (argc > 1) return tw_cli_usage_error("version", "unexpected argument '%s'", argv[1]);
  MPI_Get_library_version(mpi_version, &len);
  char *newline = strchr(mpi_version, '\n');
  if (newline) *newline = '\0';
  char *comma = strchr(mpi_version, ',');
  if (comma) *comma = '\0';
  int ngpu = tw_backend_cuda_devices(gpus, sizeof gpus);

  printf("terrawatt %s\n", TW_VERSION_STRING);
  printf("backends: cpu%s\n", tw_backend_cuda_compiled() ? ", cuda" : "");
  printf("gpus: %d%s%s\n", ngpu, ngpu ? " - " : "", ngpu ? gpus : "");
  printf("netcdf: %s\n", nc_inq_libvers());
  printf("glpk: %s\n", glp_version());
  printf("mpi: %s\n", mpi_version);
#ifdef TW_HAVE_CBLAS
  printf("blas: %s\n", openblas_get_config());
#else
  printf("blas: none (reference loops)\n");
#endif
  return 0;
}
