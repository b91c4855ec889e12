/* OpenMP threads per rank for `terrawatt run`: ranks on one node share its
 * cores, so unless the user set OMP_NUM_THREADS each rank gets
 * cores / (ranks on this node) threads, at least one: threads x ranks never
 * exceed the cores (oversubscribed OpenMP spins cost CPU time for nothing).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "scenario/run_internal.h"
#include "terrawatt/log.h"

int tw_run_cuda_device(MPI_Comm comm, tw_backend_kind kind, int requested) {
  MPI_Comm node = MPI_COMM_NULL;
  int local_rank = 0;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  if (node != MPI_COMM_NULL) {
    MPI_Comm_rank(node, &local_rank);
    MPI_Comm_free(&node);
  }
  if (requested >= 0) return requested;
  const char *env = getenv("TW_CUDA_DEVICE");
  if (kind == TW_BACKEND_CPU || (env && *env)) return -1;
  int count = tw_backend_cuda_compiled() ? tw_backend_cuda_devices(NULL, 0) : 0;
  return count > 0 ? local_rank % count : -1;
}

int tw_run_limit_threads(MPI_Comm comm) {
  MPI_Comm node = MPI_COMM_NULL;
  int local = 1;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  if (node != MPI_COMM_NULL) {
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
  }
#ifdef _OPENMP
  const char *env = getenv("OMP_NUM_THREADS");
  if (env && *env) return omp_get_max_threads();
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int threads = cores > local ? (int)(cores / local) : 1;
  if (threads < omp_get_max_threads()) omp_set_num_threads(threads);
  TW_LOG_D("run: %d rank%s on this node, %d OpenMP thread%s each", local, local == 1 ? "" : "s",
           omp_get_max_threads(), omp_get_max_threads() == 1 ? "" : "s");
  return omp_get_max_threads();
#else
  return 1;
#endif
}
