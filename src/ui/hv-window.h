// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-application.h"
#include "hv-models-page.h"
#include "hv-recording.h"
#include "hv-sessions-list.h"
#include "hv-vm.h"

G_BEGIN_DECLS

#define HV_TYPE_WINDOW (hv_window_get_type ())

G_DECLARE_FINAL_TYPE (HvWindow, hv_window, HV, WINDOW, AdwApplicationWindow)

HvWindow     *hv_window_new          (HvApplication *app);
AdwTabView   *hv_window_get_tab_view (HvWindow      *self);
AdwViewStack *hv_window_get_sections (HvWindow      *self);
/* The Models and Sessions sections, built on first use (or after the first frame). */
HvModelsPage   *hv_window_get_models_page   (HvWindow *self);
HvSessionsList *hv_window_get_sessions_list (HvWindow *self);
void          hv_window_add_toast    (HvWindow      *self,
                                      AdwToast      *toast);

AdwTabPage   *hv_window_find_session_page (HvWindow      *self,
                                           HvTmuxSession *session);
AdwTabPage   *hv_window_open_session      (HvWindow      *self,
                                           HvTmuxSession *session,
                                           gboolean       select);
void          hv_window_select_page       (HvWindow      *self,
                                           AdwTabPage    *page);

AdwTabPage   *hv_window_open_vm           (HvWindow      *self,
                                           HvVm          *vm);
void          hv_window_open_vm_console   (HvWindow      *self,
                                           HvVm          *vm);

AdwTabPage   *hv_window_find_replay_page  (HvWindow      *self,
                                           const char    *path);
AdwTabPage   *hv_window_open_recording    (HvWindow      *self,
                                           HvRecording   *recording);

G_END_DECLS
