/* Look-ups in the generated PyPSA attribute table.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "ingest/pypsa_defaults.h"

const tw_pypsa_attr *tw_pypsa_attr_find(const char *list, const char *attribute) {
  for (size_t i = 0; i < tw_pypsa_n_attrs; i++)
    if (strcmp(tw_pypsa_attrs[i].list, list) == 0 &&
        strcmp(tw_pypsa_attrs[i].attribute, attribute) == 0)
      return &tw_pypsa_attrs[i];
  return NULL;
}

double tw_pypsa_default(const char *list, const char *attribute) {
  const tw_pypsa_attr *a = tw_pypsa_attr_find(list, attribute);
  return a ? a->default_value : NAN;
}

int tw_pypsa_list_known(const char *list) {
  for (size_t i = 0; i < tw_pypsa_n_attrs; i++)
    if (strcmp(tw_pypsa_attrs[i].list, list) == 0) return 1;
  return 0;
}
