// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>
#include <vte/vte.h>

#include "hv-tmux-server.h"

G_BEGIN_DECLS

/* The content of a terminal tab: a VteTerminal running `tmux attach-session -t =NAME` for
 * one session of the server, a find bar, and the `term.*` actions (copy, paste, zoom, find,
 * split). The page never closes itself: it emits ::exited when the tmux client ends and
 * ::activity when it prints while hidden, and the window decides what to do. */

#define HV_TYPE_TERMINAL_PAGE (hv_terminal_page_get_type ())

G_DECLARE_FINAL_TYPE (HvTerminalPage, hv_terminal_page, HV, TERMINAL_PAGE, GtkWidget)

HvTerminalPage *hv_terminal_page_new          (HvTmuxServer   *server,
                                               HvTmuxSession  *session);
HvTmuxServer   *hv_terminal_page_get_server   (HvTerminalPage *self);
HvTmuxSession  *hv_terminal_page_get_session  (HvTerminalPage *self);
VteTerminal    *hv_terminal_page_get_terminal (HvTerminalPage *self);
gboolean        hv_terminal_page_get_attached (HvTerminalPage *self);
void            hv_terminal_page_focus        (HvTerminalPage *self);

G_END_DECLS
