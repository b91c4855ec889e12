/* libFuzzer harness: the YAML scenario parser and validator
 * (tw_scenario_load: libcyaml schema, then key/value/path checks).
 * Input: the bytes of a scenario file.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <unistd.h>

#include "fuzz_common.h"
#include "terrawatt/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[64] = "";
  tw_fuzz_quiet();
  if (!path[0]) snprintf(path, sizeof path, "/tmp/tw-fuzz-scenario-%ld.yaml", (long)getpid());
  if (tw_fuzz_write_file(path, data, size) != 0) return 0;
  tw_scenario_file *s = NULL;
  if (tw_scenario_load(path, &s) == TW_OK) {
    char *p = NULL;
    if (s->network && tw_scenario_path(s, s->network, &p) == TW_OK) free(p);
  }
  tw_scenario_destroy(&s);
  return 0;
}
