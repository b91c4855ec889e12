/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/yaml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "terrawatt/input_file.h"

/* Collects libcyaml's error lines ("Load: Unexpected key: foo",
 * "Load: Backtrace: ...") into one message. */
typedef struct yaml_log {
  char text[1536];
} yaml_log;

static void collect_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args) {
  yaml_log *log = ctx;
  char line[512];
  if (level < CYAML_LOG_ERROR) return;
  vsnprintf(line, sizeof line, fmt, args);
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == ' ')) line[--n] = '\0';
  const char *body = strncmp(line, "Load: ", 6) == 0 ? line + 6 : line;
  if (strncmp(body, "Backtrace:", 10) == 0) return; /* its detail lines follow */
  size_t used = strlen(log->text);
  if (used + 3 >= sizeof log->text) return;
  snprintf(log->text + used, sizeof log->text - used, "%s%s", used ? "; " : "", body);
}

tw_status tw_yaml_load(const char *path, const cyaml_schema_value_t *top, void **out) {
  yaml_log log = {{0}};
  const cyaml_config_t config = {
      .log_fn = collect_log,
      .log_ctx = &log,
      .mem_fn = cyaml_mem,
      .log_level = CYAML_LOG_ERROR,
      .flags = CYAML_CFG_NO_ALIAS,
  };
  *out = NULL;
  TW_CHECK(tw_input_check(path, 0)); /* a regular file: not a directory, FIFO or device */
  cyaml_err_t err = cyaml_load_file(path, &config, top, (cyaml_data_t **)out, NULL);
  if (err != CYAML_OK) {
    *out = NULL;
    return tw_error(err == CYAML_ERR_OOM ? TW_ERR_RESOURCE : TW_ERR_INPUT, "%s: %s%s%s", path,
                    cyaml_strerror(err), log.text[0] ? ": " : "", log.text);
  }
  if (!*out) return tw_error(TW_ERR_INPUT, "%s: the file is empty", path);
  return TW_OK;
}

tw_status tw_yaml_load_text(const char *name, const char *text, size_t len,
                           const cyaml_schema_value_t *top, void **out) {
  yaml_log log = {{0}};
  const cyaml_config_t config = {
      .log_fn = collect_log,
      .log_ctx = &log,
      .mem_fn = cyaml_mem,
      .log_level = CYAML_LOG_ERROR,
      .flags = CYAML_CFG_NO_ALIAS,
  };
  *out = NULL;
  cyaml_err_t err = cyaml_load_data((const uint8_t *)text, len, &config, top,
                                    (cyaml_data_t **)out, NULL);
  if (err != CYAML_OK) {
    *out = NULL;
    return tw_error(err == CYAML_ERR_OOM ? TW_ERR_RESOURCE : TW_ERR_INPUT, "%s: %s%s%s", name,
                    cyaml_strerror(err), log.text[0] ? ": " : "", log.text);
  }
  if (!*out) return tw_error(TW_ERR_INPUT, "%s: the file is empty", name);
  return TW_OK;
}

void tw_yaml_free(const cyaml_schema_value_t *top, void *data) {
  const cyaml_config_t config = {.log_fn = NULL, .mem_fn = cyaml_mem, .log_level = CYAML_LOG_ERROR};
  if (data) cyaml_free(&config, top, data, 0);
}
