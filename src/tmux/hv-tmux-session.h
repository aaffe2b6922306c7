// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HV_TYPE_TMUX_SESSION (hv_tmux_session_get_type ())

G_DECLARE_FINAL_TYPE (HvTmuxSession, hv_tmux_session, HV, TMUX_SESSION, GObject)

/* One tmux session as the server last reported it. Properties notify when a refresh
 * changes them; the object stays the same across renames (it is keyed by tmux's $id). */

const char *hv_tmux_session_get_id              (HvTmuxSession *self);
const char *hv_tmux_session_get_name            (HvTmuxSession *self);
const char *hv_tmux_session_get_short_name      (HvTmuxSession *self);
guint       hv_tmux_session_get_n_windows       (HvTmuxSession *self);
guint       hv_tmux_session_get_n_clients       (HvTmuxSession *self);
gint64      hv_tmux_session_get_created         (HvTmuxSession *self);
const char *hv_tmux_session_get_window_name     (HvTmuxSession *self);
const char *hv_tmux_session_get_current_command (HvTmuxSession *self);
gboolean    hv_tmux_session_get_recording       (HvTmuxSession *self);
char       *hv_tmux_session_dup_title           (HvTmuxSession *self);

G_END_DECLS
