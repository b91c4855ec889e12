/* PV parameters: defaults and atlite panel YAML.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "terrawatt/convert.h"

#include <stdlib.h>
#include <string.h>

#include "kv.h"

void tw_pv_params_default(tw_pv_params *p) {
  static const double csi_k[6] = {-0.017162, -0.040289, -0.004681, 0.000148, 0.000169, 0.000005};
  memset(p, 0, sizeof *p);
  p->orientation = TW_PV_LATITUDE_OPTIMAL;
  p->tilt_deg = 30.0;
  p->azimuth_deg = 180.0;
  p->axis_azimuth_deg = 180.0;
  p->max_rotation_deg = 60.0;
  p->albedo = 0.2;
  p->elevation_m = 0.0;
  p->panel = TW_PV_HULD;
  memcpy(p->huld_k, csi_k, sizeof csi_k);
  p->c_temp_amb = 1.0;
  p->c_temp_irrad = 0.035;
  p->r_tmod_K = 298.0;
  p->r_irradiance_wm2 = 1000.0;
  p->inverter_efficiency = 0.9;
  p->gamma_pdc_per_K = -0.0047;
  p->losses = 0.14;
  p->dc_ac_ratio = 1.2;
  p->inverter_eta_nom = 0.96;
  p->default_wind_ms = 1.0;
}

tw_status tw_pv_panel_load_yaml(const char *path, tw_pv_params *p) {
  tw_status st = TW_OK;
  char *text = NULL, *model = NULL;
  TW_CHECK_GOTO(st, tw_kv_read_file(path, &text));
  TW_CHECK_GOTO(st, tw_kv_get(text, "model", &model));
  if (!model || strcmp(model, "huld") != 0) {
    st = tw_error(TW_ERR_INPUT, "%s: key 'model': '%s' is not supported (only 'huld')", path,
                  model ? model : "(missing)");
    goto cleanup;
  }
  static const char *const kk[6] = {"k_1", "k_2", "k_3", "k_4", "k_5", "k_6"};
  tw_pv_params q = *p;
  for (int i = 0; i < 6; i++) {
    int found = 0;
    TW_CHECK_GOTO(st, tw_kv_number(path, text, kk[i], &q.huld_k[i], &found));
    if (!found) {
      st = tw_error(TW_ERR_INPUT, "%s: key '%s' is missing (Huld model)", path, kk[i]);
      goto cleanup;
    }
  }
  TW_CHECK_GOTO(st, tw_kv_number(path, text, "c_temp_amb", &q.c_temp_amb, NULL));
  TW_CHECK_GOTO(st, tw_kv_number(path, text, "c_temp_irrad", &q.c_temp_irrad, NULL));
  TW_CHECK_GOTO(st, tw_kv_number(path, text, "r_tmod", &q.r_tmod_K, NULL));
  TW_CHECK_GOTO(st, tw_kv_number(path, text, "r_irradiance", &q.r_irradiance_wm2, NULL));
  TW_CHECK_GOTO(st, tw_kv_number(path, text, "inverter_efficiency", &q.inverter_efficiency, NULL));
  if (!(q.r_irradiance_wm2 > 0.0) || !(q.r_tmod_K > 0.0) || !(q.inverter_efficiency > 0.0) ||
      q.inverter_efficiency > 1.0) {
    st = tw_error(TW_ERR_INPUT, "%s: r_irradiance (%g) and r_tmod (%g) must be > 0 and "
                  "inverter_efficiency (%g) in (0, 1]", path, q.r_irradiance_wm2, q.r_tmod_K,
                  q.inverter_efficiency);
    goto cleanup;
  }
  q.panel = TW_PV_HULD;
  *p = q;
cleanup:
  free(text);
  free(model);
  return st;
}
