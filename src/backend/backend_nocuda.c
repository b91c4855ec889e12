/* Stubs used when terrawatt is built without CUDA: the CUDA backend is
 * reported as absent. (Compiled only when TW_ENABLE_CUDA is off.)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/backend.h"

#ifndef TW_HAVE_CUDA
int tw_backend_cuda_compiled(void) { return 0; }

int tw_backend_cuda_devices(char *names, size_t names_size) {
  if (names && names_size) names[0] = '\0';
  return 0;
}

tw_status tw_backend_cuda_create(tw_backend **out) {
  *out = NULL;
  return tw_error(TW_ERR_RESOURCE, "this build of terrawatt has no CUDA backend");
}
#endif
