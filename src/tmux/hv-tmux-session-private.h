// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hv-tmux-session.h"

G_BEGIN_DECLS

HvTmuxSession *_hv_tmux_session_new    (const char    *id,
                                        const char    *prefix);
void           _hv_tmux_session_update (HvTmuxSession *self,
                                        const char    *name,
                                        guint          n_windows,
                                        guint          n_clients,
                                        gint64         created,
                                        const char    *window_name,
                                        const char    *current_command,
                                        gboolean       recording);

G_END_DECLS
