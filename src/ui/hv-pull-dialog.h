// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-chat-provider.h"

G_BEGIN_DECLS

#define HV_TYPE_PULL_DIALOG (hv_pull_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HvPullDialog, hv_pull_dialog, HV, PULL_DIALOG, AdwWindow)

/* Downloads a model: its name, then the provider's progress (overall, and per layer with
 * bytes), Cancel. On success it emits ::pulled and closes; on failure it says why and lets
 * the user try again. Actions: `pull.start`, `pull.cancel`. */

HvPullDialog *hv_pull_dialog_new            (GtkWindow      *parent,
                                             HvChatProvider *provider);
void          hv_pull_dialog_set_model_name (HvPullDialog   *self,
                                             const char     *name);
const char   *hv_pull_dialog_get_status     (HvPullDialog   *self);
const char   *hv_pull_dialog_get_error      (HvPullDialog   *self);
double        hv_pull_dialog_get_fraction   (HvPullDialog   *self);
guint         hv_pull_dialog_get_n_layers   (HvPullDialog   *self);

G_END_DECLS
