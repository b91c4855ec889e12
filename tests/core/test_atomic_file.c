/* Unit tests: atomic writes leave either the old file or the complete new
 * one, never a temporary file or a partial one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrawatt/atomic_file.h"

static int count_entries(const char *dir) {
  int n = 0;
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  if (d) closedir(d);
  return n;
}

static void test_write_replace_and_no_leftovers(void **state) {
  (void)state;
  char dir[] = "/tmp/tw_atomic_XXXXXX";
  char path[600], sub[300], buf[64] = {0};
  assert_non_null(mkdtemp(dir));
  snprintf(sub, sizeof sub, "%s/a/b", dir);
  assert_int_equal(tw_mkdir_p(sub), TW_OK);
  assert_int_equal(tw_mkdir_p(sub), TW_OK); /* idempotent */
  snprintf(path, sizeof path, "%s/out.json", sub);
  assert_int_equal(tw_atomic_write(path, "first", 5), TW_OK);
  assert_int_equal(tw_atomic_write(path, "second", 6), TW_OK);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  assert_int_equal(fread(buf, 1, sizeof buf, f), 6);
  fclose(f);
  assert_string_equal(buf, "second");
  assert_int_equal(count_entries(sub), 1);
}

static void test_unwritable_target_is_reported(void **state) {
  (void)state;
  assert_int_not_equal(tw_atomic_write("/nonexistent-dir/x.json", "x", 1), TW_OK);
  assert_non_null(strstr(tw_last_error(), "/nonexistent-dir/x.json"));
  assert_int_not_equal(tw_mkdir_p("/proc/self/nope/deeper"), TW_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_write_replace_and_no_leftovers),
      cmocka_unit_test(test_unwritable_target_is_reported),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
