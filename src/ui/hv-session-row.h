// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-tmux-session.h"

G_BEGIN_DECLS

/* One session in the sidebar's Sessions section: its name and whether it is attached
 * here (has a tab in this window), attached elsewhere, or detached, and recording. */

#define HV_TYPE_SESSION_ROW (hv_session_row_get_type ())

G_DECLARE_FINAL_TYPE (HvSessionRow, hv_session_row, HV, SESSION_ROW, AdwActionRow)

typedef enum {
  HV_SESSION_STATE_DETACHED,
  HV_SESSION_STATE_ATTACHED_HERE,
  HV_SESSION_STATE_ATTACHED_ELSEWHERE,
} HvSessionState;

GtkWidget      *hv_session_row_new               (HvTmuxSession *session);
HvTmuxSession  *hv_session_row_get_session       (HvSessionRow  *self);
gboolean        hv_session_row_get_attached_here (HvSessionRow  *self);
void            hv_session_row_set_attached_here (HvSessionRow  *self,
                                                  gboolean       attached_here);
HvSessionState  hv_session_row_get_state         (HvSessionRow  *self);

G_END_DECLS
