// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-chat-provider.h"

G_BEGIN_DECLS

#define HV_TYPE_MODEL_DETAILS_WINDOW (hv_model_details_window_get_type ())

G_DECLARE_FINAL_TYPE (HvModelDetailsWindow, hv_model_details_window, HV, MODEL_DETAILS_WINDOW, AdwWindow)

/* What the provider tells about one model (hv_chat_provider_show_model_async()): family,
 * parameters, quantization, context length, capabilities, its parameters file, template
 * and license. Loads when shown; says why when it cannot. */

HvModelDetailsWindow *hv_model_details_window_new      (GtkWindow            *parent,
                                                        HvChatProvider       *provider,
                                                        HvModelInfo          *listed);
HvModelInfo          *hv_model_details_window_get_info (HvModelDetailsWindow *self);
const char           *hv_model_details_window_get_state (HvModelDetailsWindow *self);
char                 *hv_model_details_window_dup_field (HvModelDetailsWindow *self,
                                                         const char           *title);

G_END_DECLS
