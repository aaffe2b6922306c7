// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The one way Hydravisor runs a program on the host: an argv array, never a shell string.
 * Inside Flatpak (when /.flatpak-info exists) the argv is prefixed with
 * `flatpak-spawn --host` so tmux, qemu and ssh run outside the sandbox. */

gboolean  hv_host_command_is_sandboxed (void);
char    **hv_host_command_wrap_argv    (const char * const  *argv);
char     *hv_host_command_describe     (const char * const  *argv);
GSubprocess *hv_host_command_spawn     (const char * const  *argv,
                                        GSubprocessFlags     flags,
                                        GError             **error);

void      hv_host_command_run_async    (const char * const  *argv,
                                        const char          *stdin_text,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  hv_host_command_run_finish   (GAsyncResult        *result,
                                        char               **out_stdout,
                                        char               **out_stderr,
                                        GError             **error);
gboolean  hv_host_command_run_sync     (const char * const  *argv,
                                        const char          *stdin_text,
                                        GCancellable        *cancellable,
                                        char               **out_stdout,
                                        char               **out_stderr,
                                        GError             **error);

G_END_DECLS
