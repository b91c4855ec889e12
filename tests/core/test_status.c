/* Unit tests: status codes, error messages and TW_CHECK propagation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/status.h"

static tw_status fails_with_input(const char *path) {
  return tw_error(TW_ERR_INPUT, "%s: variable '%s': units '%s' but '%s' was expected", path, "ssrd",
                  "W m-2", "J m**-2");
}

static tw_status propagates(const char *path, int *reached_end) {
  TW_CHECK(fails_with_input(path));
  *reached_end = 1;
  return TW_OK;
}

static void test_message_names_file_variable_value(void **state) {
  (void)state;
  assert_int_equal(fails_with_input("era5_2017.nc"), TW_ERR_INPUT);
  assert_string_equal(tw_last_error(),
                      "era5_2017.nc: variable 'ssrd': units 'W m-2' but 'J m**-2' was expected");
}

static void test_check_propagates_and_prefix_keeps_code(void **state) {
  (void)state;
  int reached = 0;
  assert_int_equal(propagates("a.nc", &reached), TW_ERR_INPUT);
  assert_int_equal(reached, 0);
  assert_int_equal(tw_error_prefix(TW_ERR_INPUT, "while reading %s: ", "dataset"), TW_ERR_INPUT);
  assert_non_null(strstr(tw_last_error(), "while reading dataset: a.nc: variable 'ssrd'"));
  tw_error_clear();
  assert_string_equal(tw_last_error(), "");
}

static void test_codes_are_exit_codes(void **state) {
  (void)state;
  assert_int_equal(TW_OK, 0);
  assert_int_equal(TW_ERR_USAGE, 1);
  assert_int_equal(TW_ERR_INPUT, 2);
  assert_int_equal(TW_ERR_INFEASIBLE, 3);
  assert_int_equal(TW_ERR_RESOURCE, 4);
  assert_int_equal(TW_ERR_INTERNAL, 5);
  assert_string_equal(tw_status_name(TW_ERR_INFEASIBLE), "infeasible or unbounded");
}

static void test_calloc_overflow_is_resource_error(void **state) {
  (void)state;
  void *p = (void *)1;
  assert_int_equal(tw_calloc(SIZE_MAX / 2, 4, "huge grid", &p), TW_ERR_RESOURCE);
  assert_null(p);
  assert_non_null(strstr(tw_last_error(), "huge grid"));
  assert_int_equal(tw_calloc(4, 8, "small", &p), TW_OK);
  assert_non_null(p);
  free(p);
}

static void test_long_messages_are_truncated_not_overflowed(void **state) {
  (void)state;
  char big[5000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  tw_error(TW_ERR_INPUT, "%s", big);
  tw_error_prefix(TW_ERR_INPUT, "%s", big);
  assert_true(strlen(tw_last_error()) < 4096);
}

/* A chain deeper than the trace holds: one raise and `depth` propagations. */
static tw_status propagate_depth(int depth) {
  if (depth == 0) return tw_error(TW_ERR_INPUT, "deep.nc: bad value");
  TW_CHECK(propagate_depth(depth - 1));
  return TW_OK;
}

static tw_status goto_cleanup(void) {
  tw_status st = TW_OK;
  TW_CHECK_GOTO(st, fails_with_input("g.nc"));
cleanup:
  return st;
}

static void test_trace_records_raise_and_propagation_sites(void **state) {
  (void)state;
  int reached = 0;
  const tw_error_frame *f = NULL;
  assert_int_equal(propagates("a.nc", &reached), TW_ERR_INPUT);
  assert_int_equal(tw_error_trace(&f), 2);
  assert_string_equal(f[0].func, "fails_with_input");
  assert_string_equal(f[1].func, "propagates");
  assert_non_null(strstr(f[0].file, "test_status.c"));
  assert_true(f[0].line > 0 && f[1].line > f[0].line);
  assert_int_equal(tw_error_prefix(TW_ERR_INPUT, "while reading %s: ", "x"), TW_ERR_INPUT);
  assert_int_equal(tw_error_trace(&f), 3);
  assert_string_equal(f[2].func, "test_trace_records_raise_and_propagation_sites");

  char text[1024];
  assert_int_equal(tw_error_trace_format(text, sizeof text), 3);
  assert_non_null(strstr(text, "  at fails_with_input (tests/core/test_status.c:"));
  assert_non_null(strstr(text, "  at propagates (tests/core/test_status.c:"));

  /* a new error starts a new trace; clearing empties it */
  assert_int_equal(goto_cleanup(), TW_ERR_INPUT);
  assert_int_equal(tw_error_trace(&f), 2);
  assert_string_equal(f[1].func, "goto_cleanup");
  tw_error_clear();
  assert_int_equal(tw_error_trace(NULL), 0);
  assert_int_equal(tw_error_trace_format(text, sizeof text), 0);
  assert_string_equal(text, "");
}

static void test_trace_is_bounded(void **state) {
  (void)state;
  const tw_error_frame *f = NULL;
  assert_int_equal(propagate_depth(40), TW_ERR_INPUT);
  assert_int_equal(tw_error_trace(&f), TW_ERROR_TRACE_MAX);
  assert_int_equal(tw_error_trace_dropped(), 40 + 1 - TW_ERROR_TRACE_MAX);
  char text[4096];
  assert_int_equal(tw_error_trace_format(text, sizeof text), TW_ERROR_TRACE_MAX);
  assert_non_null(strstr(text, "  ... 25 more\n"));
  /* a buffer too small for every frame keeps whole lines only */
  char small[60];
  size_t n = tw_error_trace_format(small, sizeof small);
  assert_true(n >= 1 && n < TW_ERROR_TRACE_MAX);
  assert_int_equal(small[strlen(small) - 1], '\n');
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_message_names_file_variable_value),
      cmocka_unit_test(test_check_propagates_and_prefix_keeps_code),
      cmocka_unit_test(test_codes_are_exit_codes),
      cmocka_unit_test(test_calloc_overflow_is_resource_error),
      cmocka_unit_test(test_long_messages_are_truncated_not_overflowed),
      cmocka_unit_test(test_trace_records_raise_and_propagation_sites),
      cmocka_unit_test(test_trace_is_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
