/* Unit tests: log level parsing and the TW_LOG_LEVEL environment variable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "terrawatt/log.h"
#include "terrawatt/progress.h"

static void test_parse_levels(void **state) {
  (void)state;
  tw_log_level level;
  assert_int_equal(tw_log_level_parse("debug", &level), 0);
  assert_int_equal(level, TW_LOG_DEBUG);
  assert_int_equal(tw_log_level_parse("warning", &level), 0);
  assert_int_equal(level, TW_LOG_WARN);
  assert_int_equal(tw_log_level_parse("0", &level), 0);
  assert_int_equal(level, TW_LOG_ERROR);
  assert_int_equal(tw_log_level_parse("loud", &level), -1);
  assert_int_equal(tw_log_level_parse(NULL, &level), -1);
}

static void test_env_level(void **state) {
  (void)state;
  tw_log_set_level(TW_LOG_INFO);
  setenv("TW_LOG_LEVEL", "error", 1);
  assert_int_equal(tw_log_init_from_env(), 0);
  assert_int_equal(tw_log_get_level(), TW_LOG_ERROR);
  setenv("TW_LOG_LEVEL", "shouty", 1);
  assert_int_equal(tw_log_init_from_env(), -1);
  assert_int_equal(tw_log_get_level(), TW_LOG_ERROR);
  unsetenv("TW_LOG_LEVEL");
}

static void test_progress_is_silent_off_terminal(void **state) {
  (void)state;
  tw_progress p;
  tw_progress_begin(&p, "test", 10);
  /* ctest captures stderr, so it is never a terminal here. */
  assert_int_equal(p.enabled, 0);
  tw_progress_step(&p, 10);
  assert_int_equal((int)p.done, 10);
  tw_progress_end(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_levels),
      cmocka_unit_test(test_env_level),
      cmocka_unit_test(test_progress_is_silent_off_terminal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
