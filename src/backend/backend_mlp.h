/* CPU loops of the fused MLP epilogues (src/backend/mlp_cpu.c), referenced
 * by the CPU backend's ops table. Not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TW_BACKEND_MLP_H
#define TW_BACKEND_MLP_H

#include "terrawatt/backend.h"

tw_status tw_cpu_dense_forward(tw_backend *be, tw_activation act, int rows, int cols,
                               const float *bias, float *z, float *a);
tw_status tw_cpu_dense_backward(tw_backend *be, int rows, int cols, const float *dact,
                                float *grad, float *db);

#endif
