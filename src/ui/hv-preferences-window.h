// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-config.h"

G_BEGIN_DECLS

#define HV_TYPE_PREFERENCES_WINDOW (hv_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (HvPreferencesWindow, hv_preferences_window, HV, PREFERENCES_WINDOW, AdwPreferencesWindow)

HvPreferencesWindow *hv_preferences_window_new            (GtkWindow           *parent,
                                                           GSettings           *settings,
                                                           HvConfig            *config);
GSettings           *hv_preferences_window_get_settings   (HvPreferencesWindow *self);
HvConfig            *hv_preferences_window_get_config     (HvPreferencesWindow *self);
GtkWidget           *hv_preferences_window_get_config_row (HvPreferencesWindow *self,
                                                           const char          *key);

G_END_DECLS
