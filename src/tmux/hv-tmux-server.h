// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hv-tmux-session.h"

G_BEGIN_DECLS

/* One tmux server: the user's default, or `tmux -L SOCKET_NAME`. Every command goes through
 * the host command runner as an argv; every target is "=NAME" (exact match), and session ids
 * are validated so no tmux target syntax or shell character can reach a target.
 *
 * hv_tmux_server_start() keeps a control-mode client (`tmux -C`) attached so the session
 * model follows the server's notifications, whoever makes the change; when no server runs,
 * the model is empty and a server started later is picked up. */

#define HV_TYPE_TMUX_SERVER (hv_tmux_server_get_type ())

G_DECLARE_FINAL_TYPE (HvTmuxServer, hv_tmux_server, HV, TMUX_SERVER, GObject)

#define HV_TMUX_ERROR (hv_tmux_error_quark ())

typedef enum {
  HV_TMUX_ERROR_INVALID_NAME,
  HV_TMUX_ERROR_NO_SUCH_SESSION,
  HV_TMUX_ERROR_EXISTS,
} HvTmuxError;

typedef enum {
  HV_TMUX_CAPTURE_PLAIN   = 0,
  HV_TMUX_CAPTURE_ESCAPES = 1 << 0,   /* keep colours and attributes (-e) */
  HV_TMUX_CAPTURE_HISTORY = 1 << 1,   /* the whole scrollback (-S -) */
} HvTmuxCaptureFlags;

GQuark        hv_tmux_error_quark             (void);

HvTmuxServer *hv_tmux_server_new              (const char          *socket_name,
                                               const char          *prefix);
const char   *hv_tmux_server_get_socket_name  (HvTmuxServer        *self);
const char   *hv_tmux_server_get_prefix       (HvTmuxServer        *self);
GListModel   *hv_tmux_server_get_sessions     (HvTmuxServer        *self);
HvTmuxSession *hv_tmux_server_lookup_session  (HvTmuxServer        *self,
                                               const char          *name);
gboolean      hv_tmux_server_get_connected    (HvTmuxServer        *self);
void          hv_tmux_server_start            (HvTmuxServer        *self);
void          hv_tmux_server_set_recorder     (HvTmuxServer        *self,
                                               const char          *hydravisor_path,
                                               const char          *dir,
                                               const char          *config_dir);
void          hv_tmux_server_stop             (HvTmuxServer        *self);

gboolean      hv_tmux_validate_id             (const char          *id,
                                               GError             **error);
char         *hv_tmux_server_session_name     (HvTmuxServer        *self,
                                               const char          *id);
char        **hv_tmux_server_build_argv       (HvTmuxServer        *self,
                                               const char * const  *args);
char        **hv_tmux_server_attach_argv      (HvTmuxServer        *self,
                                               const char          *name);
char        **hv_tmux_server_clean_environ    (char               **envp);

void          hv_tmux_server_refresh_async    (HvTmuxServer        *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      hv_tmux_server_refresh_finish   (HvTmuxServer        *self,
                                               GAsyncResult        *result,
                                               GError             **error);

void          hv_tmux_server_new_session_async (HvTmuxServer       *self,
                                               const char          *id,
                                               const char * const  *command,
                                               const char          *cwd,
                                               const char * const  *environment,
                                               guint                cols,
                                               guint                rows,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char         *hv_tmux_server_new_session_finish (HvTmuxServer      *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* The other commands share one finish function, which returns what tmux printed. */
void          hv_tmux_server_kill_session_async (HvTmuxServer      *self,
                                               const char          *name,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void          hv_tmux_server_rename_session_async (HvTmuxServer    *self,
                                               const char          *name,
                                               const char          *new_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void          hv_tmux_server_split_window_async (HvTmuxServer      *self,
                                               const char          *name,
                                               gboolean             right,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void          hv_tmux_server_send_text_async  (HvTmuxServer        *self,
                                               const char          *name,
                                               const char          *text,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void          hv_tmux_server_send_keys_async  (HvTmuxServer        *self,
                                               const char          *name,
                                               const char * const  *keys,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void          hv_tmux_server_capture_pane_async (HvTmuxServer      *self,
                                               const char          *name,
                                               HvTmuxCaptureFlags   flags,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void          hv_tmux_server_save_history_async (HvTmuxServer      *self,
                                               const char          *name,
                                               const char          *path,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void          hv_tmux_server_pipe_pane_async  (HvTmuxServer        *self,
                                               const char          *name,
                                               const char          *shell_command,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char         *hv_tmux_server_command_finish   (HvTmuxServer        *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Blocking forms for the command line (never on the GUI's main context). */
GPtrArray    *hv_tmux_server_list_sync        (HvTmuxServer        *self,
                                               GError             **error);
char         *hv_tmux_server_run_sync         (HvTmuxServer        *self,
                                               const char * const  *args,
                                               GError             **error);
char        **hv_tmux_server_kill_argv        (HvTmuxServer        *self,
                                               const char          *name);
char        **hv_tmux_server_new_session_argv (HvTmuxServer        *self,
                                               const char          *name,
                                               const char * const  *command,
                                               const char          *cwd,
                                               const char * const  *environment,
                                               guint                cols,
                                               guint                rows);

G_END_DECLS
