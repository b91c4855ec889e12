/* The one name rule (terrawatt/name.h), the escaping of names in messages
 * and the allocation fault hook (terrawatt/alloc.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/alloc.h"
#include "terrawatt/name.h"
#include "terrawatt/status.h"

static void test_good_names(void **state) {
  (void)state;
  const char *good[] = {"base", "rooftop-pv", "CO2 cap 50%", "Nördliche Nordsee", "風力",
                        "a.b", "x_1", NULL};
  for (size_t i = 0; good[i]; i++) assert_null(tw_name_problem(good[i]));
  char max[TW_NAME_MAX_BYTES + 1];
  memset(max, 'n', TW_NAME_MAX_BYTES);
  max[TW_NAME_MAX_BYTES] = '\0';
  assert_null(tw_name_problem(max)); /* exactly 128 bytes */
}

static void test_bad_names(void **state) {
  (void)state;
  char long_name[TW_NAME_MAX_BYTES + 2];
  memset(long_name, 'n', TW_NAME_MAX_BYTES + 1);
  long_name[TW_NAME_MAX_BYTES + 1] = '\0';
  const struct {
    const char *name, *why;
  } bad[] = {{"", "empty"},
             {long_name, "longer than 128"},
             {"..", "'.' or '..'"},
             {".", "'.' or '..'"},
             {".hidden", "starts with '.'"},
             {"../../escaped", "starts with '.'"},
             {"a/b", "'/'"},
             {"a\\b", "'/'"},
             {"a\nb", "control character"},
             {"a\tb", "control character"},
             {"a\x7f", "control character"},
             {"a\xc2\x85", "control character"}, /* U+0085, C1 */
             {"a\"b", "quote"},
             {"a'b", "quote"},
             {"a`b", "quote"},
             {"b\xff" "d", "UTF-8"},
             {"\xc0\xaf", "UTF-8"},      /* overlong '/' */
             {"\xed\xa0\x80", "UTF-8"},  /* surrogate */
             {"summary.json", "reserved"},
             {"Summary.JSON", "reserved"},
             {"task.done", "reserved"},
             {"capacity_factors_m1.nc", "reserved"},
             {NULL, NULL}};
  for (size_t i = 0; bad[i].name; i++) {
    const char *why = tw_name_problem(bad[i].name);
    assert_non_null(why);
    assert_non_null(strstr(why, bad[i].why));
  }
}

static void test_escape(void **state) {
  (void)state;
  char out[512];
  tw_name_escape("a\nb\tc\x01", out, sizeof out);
  assert_string_equal(out, "a\\nb\\tc\\x01");
  tw_name_escape("Nördlich", out, sizeof out);
  assert_string_equal(out, "Nördlich");
  char many[400];
  memset(many, 'x', sizeof many - 1);
  many[sizeof many - 1] = '\0';
  tw_name_escape(many, out, sizeof out);
  assert_int_equal(strlen(out), 83); /* 80 characters and "..." */
}

static void test_fault_countdown(void **state) {
  (void)state;
  void *a = NULL, *b = NULL, *c = NULL;
  tw_alloc_fault_set(2); /* the 2nd allocation from now and all after fail */
  a = tw_malloc(16);
  assert_non_null(a);
  assert_int_equal(tw_alloc_fault_fired(), 0);
  assert_null(tw_strdup("x"));
  assert_int_equal(tw_calloc(4, 4, "test", &b), TW_ERR_RESOURCE);
  assert_null(b);
  assert_null(tw_realloc(a, 32)); /* a stays valid */
  assert_int_equal(tw_alloc_fault_fired(), 1);
  tw_alloc_fault_set(0);
  c = tw_strndup("abcdef", 3);
  assert_string_equal(c, "abc");
  long before = tw_alloc_count();
  free(tw_calloc_raw(0, 8)); /* zero-size requests still count and return memory */
  assert_int_equal(tw_alloc_count(), before + 1);
  free(a);
  free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_names),
      cmocka_unit_test(test_bad_names),
      cmocka_unit_test(test_escape),
      cmocka_unit_test(test_fault_countdown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
