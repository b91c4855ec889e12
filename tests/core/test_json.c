/* Unit tests: the JSON writer (nesting, commas, escaping, NaN as null). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "terrawatt/json.h"

static void test_nested_document(void **state) {
  (void)state;
  tw_json j;
  tw_json_init(&j);
  tw_json_object_begin(&j);
  tw_json_kv_string(&j, "status", "optimal");
  tw_json_kv_number(&j, "objective", -3474256.04055);
  tw_json_key(&j, "prices");
  tw_json_array_begin(&j);
  tw_json_number(&j, 1.5);
  tw_json_number(&j, NAN);
  tw_json_object_begin(&j);
  tw_json_object_end(&j);
  tw_json_array_end(&j);
  tw_json_key(&j, "ev");
  tw_json_object_begin(&j);
  tw_json_kv_int(&j, "n", 3);
  tw_json_key(&j, "ok");
  tw_json_bool(&j, 1);
  tw_json_object_end(&j);
  tw_json_kv_string(&j, "note", "a \"quoted\"\tline\n");
  tw_json_object_end(&j);
  assert_string_equal(tw_json_text(&j),
                      "{\"status\":\"optimal\",\"objective\":-3474256.041,\"prices\":[1.5,null,{}],"
                      "\"ev\":{\"n\":3,\"ok\":true},\"note\":\"a \\\"quoted\\\"\\tline\\n\"}");
  tw_json_free(&j);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_nested_document)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
