// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-model-info.h"

G_BEGIN_DECLS

#define HV_TYPE_MODEL_ROW (hv_model_row_get_type ())

G_DECLARE_FINAL_TYPE (HvModelRow, hv_model_row, HV, MODEL_ROW, GtkListBoxRow)

/* A model of the Models section: its name, with a "Running" badge when it is loaded;
 * family, parameters and quantization; size and when it changed; a menu with New Chat, Details and
 * Delete (the `models.*` actions of the section, with the model's name). */

GtkWidget   *hv_model_row_new         (HvModelInfo *info,
                                       HvModelInfo *running);
HvModelInfo *hv_model_row_get_info    (HvModelRow  *self);
char        *hv_model_row_get_details (HvModelRow  *self);
gboolean     hv_model_row_get_running (HvModelRow  *self);

G_END_DECLS
