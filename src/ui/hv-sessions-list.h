// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-recordings-list.h"

G_BEGIN_DECLS

/* The sidebar's Sessions section. Its "live" view lists every session of the model
 * (HvTmuxSession), each marked attached here when it has a tab in the tab view, or an empty
 * state saying how to start one; activating a row opens its tab (win.open-session), a
 * row's button kills it (win.kill-session). Its "recordings" view is an HvRecordingsList. */

#define HV_TYPE_SESSIONS_LIST (hv_sessions_list_get_type ())

G_DECLARE_FINAL_TYPE (HvSessionsList, hv_sessions_list, HV, SESSIONS_LIST, GtkWidget)

GListModel  *hv_sessions_list_get_model    (HvSessionsList *self);
void         hv_sessions_list_set_model    (HvSessionsList *self,
                                            GListModel     *model);
AdwTabView  *hv_sessions_list_get_tab_view (HvSessionsList *self);
void         hv_sessions_list_set_tab_view (HvSessionsList *self,
                                            AdwTabView     *tab_view);
GtkListBox  *hv_sessions_list_get_list_box (HvSessionsList *self);
const char  *hv_sessions_list_get_view     (HvSessionsList *self);
void         hv_sessions_list_set_view     (HvSessionsList *self,
                                            const char     *view);
HvRecordingsList *hv_sessions_list_get_recordings_list (HvSessionsList *self);

G_END_DECLS
