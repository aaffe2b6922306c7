// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HV_TYPE_PREFERENCES_WINDOW (hv_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (HvPreferencesWindow, hv_preferences_window, HV, PREFERENCES_WINDOW, AdwPreferencesWindow)

HvPreferencesWindow *hv_preferences_window_new          (GtkWindow           *parent,
                                                         GSettings           *settings);
GSettings           *hv_preferences_window_get_settings (HvPreferencesWindow *self);

G_END_DECLS
