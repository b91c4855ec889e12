/* Lazy CUDA: libterrawatt maps no CUDA library (cudart, cuBLAS, cuSPARSE)
 * until a CUDA backend is asked for, so a CPU-only process never holds
 * them; auto without a GPU falls back to cpu without loading them; cuda
 * without a GPU fails with TW_ERR_RESOURCE (exit 4) naming the reason; the
 * device interface and op tables answer through the wrappers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "terrawatt/backend.h"

/* 1 if a library whose path contains `name` is mapped in this process. */
static int mapped(const char *name) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[4096];
  int found = 0;
  assert_non_null(f);
  while (!found && fgets(line, sizeof line, f)) found = strstr(line, name) != NULL;
  fclose(f);
  return found;
}

static void assert_no_cuda_mapped(void) {
  assert_false(mapped("libcublas"));
  assert_false(mapped("libcudart"));
  assert_false(mapped("libcusparse"));
  assert_false(mapped("libterrawatt_cuda"));
}

static void cpu_maps_no_cuda(void **state) {
  (void)state;
  assert_no_cuda_mapped(); /* libterrawatt itself links no CUDA library */
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  assert_string_equal(tw_backend_name(be), "cpu");
  assert_int_equal(tw_backend_get_kind(be), TW_BACKEND_CPU);
  assert_int_equal(tw_backend_device(be), -1);
  assert_int_equal(tw_backend_is_host(be), 1);
  for (int op = 0; op < TW_OP_COUNT; op++) assert_true(tw_backend_supports(be, (tw_backend_op)op));
  float x[4] = {-1.0f, 0.0f, 2.0f, -3.0f};
  assert_int_equal(tw_backend_activation(be, TW_ACT_RELU, 4, x), TW_OK);
  assert_true(x[0] == 0.0f && x[2] == 2.0f && x[3] == 0.0f);
  tw_backend_destroy(&be);
  assert_null(be);
  tw_backend_destroy(&be); /* NULL-safe */
  assert_no_cuda_mapped();
}

/* Zero copy on the CPU: upload/download between the same array are no-ops,
 * host staging memory is plain zeroed memory. */
static void cpu_zero_copy(void **state) {
  (void)state;
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_CPU, &be), TW_OK);
  float a[3] = {1, 2, 3}, b[3] = {0, 0, 0};
  assert_int_equal(tw_backend_upload(be, a, a, sizeof a), TW_OK);
  assert_int_equal(tw_backend_upload_async(be, b, a, sizeof a), TW_OK);
  assert_int_equal(tw_backend_synchronize(be), TW_OK);
  assert_memory_equal(a, b, sizeof a);
  float *pinned = NULL;
  assert_int_equal(tw_backend_host_alloc(be, 64 * sizeof *pinned, (void **)&pinned), TW_OK);
  for (int i = 0; i < 64; i++) assert_true(pinned[i] == 0.0f);
  tw_backend_host_free(be, pinned);
  tw_backend_destroy(&be);
}

static void auto_without_gpu_is_cpu(void **state) {
  (void)state;
  if (tw_backend_cuda_devices(NULL, 0) > 0) skip(); /* a GPU machine: auto takes CUDA */
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create(TW_BACKEND_AUTO, &be), TW_OK);
  assert_int_equal(tw_backend_get_kind(be), TW_BACKEND_CPU);
  tw_backend_destroy(&be);
  assert_no_cuda_mapped();
}

static void cuda_without_gpu_fails_clearly(void **state) {
  (void)state;
  if (tw_backend_cuda_devices(NULL, 0) > 0) skip();
  tw_backend *be = NULL;
  assert_int_equal(tw_backend_create_on(TW_BACKEND_CUDA, 0, &be), TW_ERR_RESOURCE);
  assert_null(be);
  const char *msg = tw_last_error();
  assert_non_null(strstr(msg, "cuda"));
  /* the reason: no CUDA in the build, no driver, or no GPU */
  assert_true(strstr(msg, "no CUDA") || strstr(msg, "driver") || strstr(msg, "GPU"));
  assert_no_cuda_mapped();
}

static void kind_parse(void **state) {
  (void)state;
  tw_backend_kind k;
  assert_int_equal(tw_backend_kind_parse("cuda", &k), TW_OK);
  assert_int_equal(k, TW_BACKEND_CUDA);
  assert_int_equal(tw_backend_kind_parse("gpu", &k), TW_ERR_USAGE);
  assert_non_null(strstr(tw_last_error(), "'gpu'"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cpu_maps_no_cuda),
      cmocka_unit_test(cpu_zero_copy),
      cmocka_unit_test(auto_without_gpu_is_cpu),
      cmocka_unit_test(cuda_without_gpu_fails_clearly),
      cmocka_unit_test(kind_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
