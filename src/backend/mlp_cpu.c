/* CPU loops of the fused MLP epilogues (forward: bias, activation and its
 * derivative in one pass; backward: the derivative product and the bias
 * gradient in one pass). Compiled so the loops vectorise (see
 * CMakeLists.txt). One thread: OpenMP threads spinning idle between
 * regions would steal the cores that OpenBLAS's own threads need for the
 * GEMMs (measured: half of the training time went to libgomp spinning).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "backend_mlp.h"

#include "terrawatt/mlp_math.h"

#include <string.h>

/* x86-64: an AVX2 clone besides the baseline SSE2 code, picked at load
 * time (GCC function multiversioning), doubles the vector width. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define TW_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TW_VECTOR_CLONES
#endif

/* The loop for one activation: with `act` a constant the switch inside the
 * element function folds away and the inner loop vectorises. */
#define DENSE_FORWARD(ACT)                                                                      \
  for (int j = 0; j < cols; j++) {                                                              \
    const size_t col = (size_t)j * (size_t)rows;                                                \
    for (int i = 0; i < rows; i++) tw_dense_forward_element(ACT, bias, i, col + (size_t)i, z, a); \
  }

/* The clones are static: GCC gives the ifunc resolver of an external
 * target_clones function default visibility, whatever -fvisibility says, so
 * libterrawatt would export it; the tw_cpu_* entry points call them. */
TW_VECTOR_CLONES
static tw_status dense_forward(tw_activation act, int rows, int cols, const float *bias, float *z,
                               float *a) {
  switch (act) {
  case TW_ACT_RELU: DENSE_FORWARD(TW_ACT_RELU) break;
  case TW_ACT_GELU: DENSE_FORWARD(TW_ACT_GELU) break;
  case TW_ACT_TANH: DENSE_FORWARD(TW_ACT_TANH) break;
  default: DENSE_FORWARD(TW_ACT_IDENTITY) break;
  }
  return TW_OK;
}

TW_VECTOR_CLONES
static tw_status dense_backward(int rows, int cols, const float *dact, float *grad, float *db) {
  memset(db, 0, (size_t)rows * sizeof *db);
  for (int j = 0; j < cols; j++) {
    float *g = grad + (size_t)j * (size_t)rows;
    if (dact) {
      const float *d = dact + (size_t)j * (size_t)rows;
      for (int i = 0; i < rows; i++) g[i] *= d[i];
    }
    for (int i = 0; i < rows; i++) db[i] += g[i];
  }
  return TW_OK;
}

tw_status tw_cpu_dense_forward(tw_backend *be, tw_activation act, int rows, int cols,
                               const float *bias, float *z, float *a) {
  (void)be;
  return dense_forward(act, rows, cols, bias, z, a);
}

tw_status tw_cpu_dense_backward(tw_backend *be, int rows, int cols, const float *dact,
                                float *grad, float *db) {
  (void)be;
  return dense_backward(rows, cols, dact, grad, db);
}
