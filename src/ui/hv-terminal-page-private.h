// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-terminal-page.h"

G_BEGIN_DECLS

/* How terminal tabs look, shared with the other terminals of the window (replays). */
void       _hv_terminal_page_set_colors             (VteTerminal *terminal);
GSettings *_hv_terminal_page_interface_settings_new (void);
void       _hv_terminal_page_set_font               (VteTerminal *terminal,
                                                     GSettings   *interface_settings);

G_END_DECLS
