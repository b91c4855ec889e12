/* Without CUDA: PDLP runs on the CPU ops only. (Compiled in every build;
 * the CUDA build defines tw_pdlp_ops_cuda in kernels/pdlp_ops.cu.)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "backend/pdlp_ops.h"

#ifndef TW_HAVE_CUDA
const tw_pdlp_ops *tw_pdlp_ops_cuda(void) { return NULL; }
#endif
