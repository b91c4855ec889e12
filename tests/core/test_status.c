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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_message_names_file_variable_value),
      cmocka_unit_test(test_check_propagates_and_prefix_keeps_code),
      cmocka_unit_test(test_codes_are_exit_codes),
      cmocka_unit_test(test_calloc_overflow_is_resource_error),
      cmocka_unit_test(test_long_messages_are_truncated_not_overflowed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
