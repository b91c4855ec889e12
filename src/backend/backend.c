/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/backend.h"
#include "terrawatt/log.h"

#include <stdlib.h>
#include <string.h>

tw_status tw_backend_kind_parse(const char *text, tw_backend_kind *out) {
  if (text && strcmp(text, "auto") == 0) *out = TW_BACKEND_AUTO;
  else if (text && strcmp(text, "cpu") == 0) *out = TW_BACKEND_CPU;
  else if (text && strcmp(text, "cuda") == 0) *out = TW_BACKEND_CUDA;
  else
    return tw_error(TW_ERR_USAGE, "backend '%s' is not one of auto, cpu, cuda", text ? text : "");
  return TW_OK;
}

tw_status tw_backend_create(tw_backend_kind kind, tw_backend **out) {
  *out = NULL;
  if (kind == TW_BACKEND_CPU) return tw_backend_cpu_create(out);
  if (kind == TW_BACKEND_CUDA) {
    if (!tw_backend_cuda_compiled())
      return tw_error(TW_ERR_RESOURCE, "backend 'cuda' requested but this build has no CUDA "
                                       "(configure with -DTW_ENABLE_CUDA=ON)");
    if (tw_backend_cuda_devices(NULL, 0) <= 0)
      return tw_error(TW_ERR_RESOURCE, "backend 'cuda' requested but no GPU is visible");
    return tw_backend_cuda_create(out);
  }
  if (tw_backend_cuda_compiled() && tw_backend_cuda_devices(NULL, 0) > 0) {
    tw_status st = tw_backend_cuda_create(out);
    if (st == TW_OK) return TW_OK;
    TW_LOG_W("CUDA backend unavailable (%s); using cpu", tw_last_error());
  }
  return tw_backend_cpu_create(out);
}

void tw_backend_destroy(tw_backend **be) {
  if (!be || !*be) return;
  if ((*be)->ops && (*be)->ops->destroy) (*be)->ops->destroy(*be);
  free(*be);
  *be = NULL;
}
