// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Follows the size of one tmux pane, for the session recorder (pipe-pane carries only
 * bytes). It runs its own control-mode client,
 *
 *   tmux [-L SOCK] -C attach-session -t =SESSION -f read-only,ignore-size,no-output
 *
 * which tmux 3.2+ leaves out of every window-size calculation (ignore-size; a control
 * client without `refresh-client -C` has no size anyway), sends no pane output to
 * (no-output, so it neither costs a copy of the output nor holds tmux's pane buffer), and
 * lets run no command that changes anything (read-only). On start it asks for the pane's
 * size once; then each `%layout-change` notification carries the window's visible layout,
 * in which the pane's cell gives its size (zoom included).
 *
 * "resized" is emitted with the new size and the monotonic time the notification arrived,
 * only when the size differs from the last one seen. "stopped" is emitted once, when the
 * client exits (the session was killed, the server stopped) or stop() was called. */

#define HV_TYPE_PANE_SIZE_WATCHER (hv_pane_size_watcher_get_type ())

G_DECLARE_FINAL_TYPE (HvPaneSizeWatcher, hv_pane_size_watcher, HV, PANE_SIZE_WATCHER, GObject)

HvPaneSizeWatcher *hv_pane_size_watcher_new        (const char         *socket_name,
                                                    const char         *session,
                                                    const char         *pane_id);
gboolean           hv_pane_size_watcher_start      (HvPaneSizeWatcher  *self,
                                                    GError            **error);
void               hv_pane_size_watcher_stop       (HvPaneSizeWatcher  *self);
gboolean           hv_pane_size_watcher_get_running (HvPaneSizeWatcher *self);

gboolean           hv_pane_size_watcher_parse_pane_id (const char      *pane_id,
                                                    guint              *number);
gboolean           hv_pane_size_watcher_parse_layout (const char       *layout,
                                                    guint               pane,
                                                    guint              *cols,
                                                    guint              *rows);

G_END_DECLS
