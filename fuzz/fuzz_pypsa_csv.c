/* libFuzzer harness: the PyPSA CSV-folder reader and network builder
 * (tw_network_read_csv: CSV parsing, defaults, references, validation).
 * Input: files separated by lines "=== NAME ===" (e.g. "=== buses.csv ===");
 * text before the first separator is ignored. File names are restricted to
 * [a-z_-] plus ".csv" so the harness only writes inside its own folder.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "terrawatt/network.h"

static void clear_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char path[512];
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(d);
}

static int safe_name(const char *s, size_t n) {
  if (n < 5 || n > 64 || memcmp(s + n - 4, ".csv", 4) != 0) return 0;
  for (size_t i = 0; i + 4 < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' || s[i] == '-')) return 0;
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char dir[64] = "";
  tw_fuzz_quiet();
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "/tmp/tw-fuzz-csv-%ld", (long)getpid());
    mkdir(dir, 0755);
  }
  clear_dir(dir);
  const char *p = (const char *)data, *end = p + size;
  const char *marker = "=== ";
  char name[80] = "", path[256];
  const char *body = NULL;
  for (;;) {
    /* find the next line starting with the marker */
    const char *q = p;
    const char *hit = NULL;
    while (q < end) {
      if ((q == (const char *)data || q[-1] == '\n') && end - q >= 4 && memcmp(q, marker, 4) == 0) {
        hit = q;
        break;
      }
      q++;
    }
    const char *stop = hit ? hit : end;
    if (body && name[0]) {
      snprintf(path, sizeof path, "%s/%s", dir, name);
      tw_fuzz_write_file(path, body, (size_t)(stop - body));
    }
    if (!hit) break;
    const char *nl = memchr(hit, '\n', (size_t)(end - hit));
    const char *name_end = nl ? nl : end;
    const char *n0 = hit + 4;
    const char *n1 = name_end;
    while (n1 > n0 && (n1[-1] == ' ' || n1[-1] == '=' || n1[-1] == '\r')) n1--;
    name[0] = '\0';
    if (safe_name(n0, (size_t)(n1 - n0))) {
      memcpy(name, n0, (size_t)(n1 - n0));
      name[n1 - n0] = '\0';
    }
    body = nl ? nl + 1 : end;
    p = body;
  }
  tw_network *net = NULL;
  (void)tw_network_read_csv(dir, &net);
  tw_network_destroy(&net);
  return 0;
}
