// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "hv-host-command.h"
#include "hv-paths.h"
#include "hv-session-recorder.h"
#include "hv-tmux-server.h"
#include "hv-tmux-session-private.h"

#define SESSION_FORMAT "#{session_id}\t#{session_windows}\t#{session_created}\t#{pane_pipe}\t#{window_name}\t#{pane_current_command}\t#{session_name}"
#define CLIENT_FORMAT "#{client_control_mode}\t#{client_session}"

struct _HvTmuxServer
{
  GObject parent_instance;

  char *socket_name;
  char *prefix;
  GListStore *sessions;

  /* recording of new sessions: the hydravisor binary that runs `record`, or NULL */
  char *recorder_path;
  char *recordings_dir;
  char *config_dir;

  /* the control-mode client */
  GSubprocess *control;
  GDataInputStream *control_out;
  GCancellable *control_cancellable;
  gint64 control_started;
  guint reconnect_source;
  guint n_quick_exits;
  gboolean started;

  /* watching for a server to appear */
  GFileMonitor *dir_monitor;
  GFileMonitor *base_monitor;

  /* refreshes triggered by notifications, coalesced */
  gboolean refreshing;
  gboolean refresh_again;
  guint64 generation;
  guint64 applied_generation;
};

G_DEFINE_FINAL_TYPE (HvTmuxServer, hv_tmux_server, G_TYPE_OBJECT)
G_DEFINE_QUARK (hv-tmux-error-quark, hv_tmux_error)

enum {
  PROP_0,
  PROP_SOCKET_NAME,
  PROP_PREFIX,
  PROP_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void connect_control (HvTmuxServer *self);
static void schedule_refresh (HvTmuxServer *self);

/* ---------------------------------------------------------------------------------------
 * Names and argv
 * ------------------------------------------------------------------------------------- */

/**
 * hv_tmux_validate_id:
 * @id: the part of a session name after the prefix
 *
 * Ids are 1 to 64 letters, digits, '-' and '_': nothing tmux reads as target syntax
 * (':', '.', '=') and nothing a shell would interpret.
 */
gboolean
hv_tmux_validate_id (const char  *id,
                     GError     **error)
{
  gsize len;

  g_return_val_if_fail (id != NULL, FALSE);

  len = strlen (id);
  if (len == 0 || len > 64 ||
      strspn (id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != len)
    {
      g_autofree char *shown = g_utf8_make_valid (id, -1);

      g_set_error (error, HV_TMUX_ERROR, HV_TMUX_ERROR_INVALID_NAME,
                   _("“%s” cannot be a session name: use 1 to 64 letters, digits, '-' or '_'"), shown);
      return FALSE;
    }
  return TRUE;
}

/** hv_tmux_server_session_name: Returns: (transfer full): prefix + @id */
char *
hv_tmux_server_session_name (HvTmuxServer *self,
                             const char   *id)
{
  g_return_val_if_fail (HV_IS_TMUX_SERVER (self), NULL);

  return g_strconcat (self->prefix, id, NULL);
}

/* Separates two tmux commands in one invocation. Compared by address: any other ";" is data. */
static const char tmux_separator[] = ";";

/* tmux reads an argument that ends in ';' as the end of a command (and strips one
 * backslash before a final ';'). Data must never split a command, so escape it. */
static char *
escape_arg (const char *arg)
{
  gsize len = strlen (arg);

  if (len == 0 || arg[len - 1] != ';')
    return g_strdup (arg);
  return g_strdup_printf ("%.*s\\;", (int) (len - 1), arg);
}

/**
 * hv_tmux_server_build_argv:
 * @args: the tmux command and its arguments
 *
 * Every argument reaches tmux as data: one ending in ';' is escaped so it cannot end the
 * command early.
 *
 * Returns: (transfer full): `tmux [-L SOCKET] ARGS…`
 */
static void
add_args (GStrvBuilder       *builder,
          const char * const *args)
{
  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autofree char *escaped = NULL;

      if (args[i] == tmux_separator)
        {
          g_strv_builder_add (builder, ";");
          continue;
        }
      escaped = escape_arg (args[i]);
      g_strv_builder_add (builder, escaped);
    }
}

static GStrvBuilder *
tmux_builder (HvTmuxServer *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();

  g_strv_builder_add (builder, "tmux");
  if (self->socket_name != NULL && self->socket_name[0] != '\0')
    g_strv_builder_add_many (builder, "-L", self->socket_name, NULL);
  return builder;
}

char **
hv_tmux_server_build_argv (HvTmuxServer       *self,
                           const char * const *args)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  g_return_val_if_fail (HV_IS_TMUX_SERVER (self), NULL);

  builder = tmux_builder (self);
  add_args (builder, args);
  return g_strv_builder_end (builder);
}

/**
 * hv_tmux_server_attach_argv:
 *
 * Returns: (transfer full): the argv a terminal runs to show session @name. Spawn it with an
 *   environment from hv_tmux_server_clean_environ() so it also works when Hydravisor itself
 *   runs inside tmux.
 */
char **
hv_tmux_server_attach_argv (HvTmuxServer *self,
                            const char   *name)
{
  g_autofree char *target = g_strconcat ("=", name, NULL);
  const char *args[] = { "attach-session", "-t", target, NULL };

  return hv_tmux_server_build_argv (self, args);
}

/**
 * hv_tmux_server_clean_environ:
 * @envp: (transfer full): an environment
 *
 * Drops TMUX and TMUX_PANE: a client started from inside tmux would otherwise refuse to
 * attach ("sessions should be nested with care") or act on the wrong server.
 *
 * Returns: (transfer full): the environment to give tmux clients
 */
char **
hv_tmux_server_clean_environ (char **envp)
{
  envp = g_environ_unsetenv (envp, "TMUX");
  return g_environ_unsetenv (envp, "TMUX_PANE");
}

static char *
target_for (const char *name,
            gboolean    pane)
{
  return g_strconcat ("=", name, pane ? ":" : NULL, NULL);
}

/* ---------------------------------------------------------------------------------------
 * Running commands
 * ------------------------------------------------------------------------------------- */

static gboolean
is_no_server (const GError *error)
{
  return error != NULL && error->domain != G_IO_ERROR &&
         (strstr (error->message, "no server running") != NULL ||
          strstr (error->message, "error connecting to") != NULL ||
          strstr (error->message, "no sessions") != NULL);
}

static GError *
translate_error (HvTmuxServer *self,
                 GError       *error,
                 const char   *name)
{
  if (name != NULL && (strstr (error->message, "can't find session") != NULL ||
                       strstr (error->message, "can't find pane") != NULL ||
                       strstr (error->message, "can't find window") != NULL ||
                       is_no_server (error)))
    {
      GError *translated = g_error_new (HV_TMUX_ERROR, HV_TMUX_ERROR_NO_SUCH_SESSION,
                                        _("There is no tmux session “%s”%s%s"), name,
                                        self->socket_name ? _(" on the tmux server ") : "",
                                        self->socket_name ? self->socket_name : "");
      g_error_free (error);
      return translated;
    }
  if (strstr (error->message, "duplicate session") != NULL)
    {
      GError *translated = g_error_new (HV_TMUX_ERROR, HV_TMUX_ERROR_EXISTS,
                                        _("A tmux session named “%s” already exists"), name);
      g_error_free (error);
      return translated;
    }
  return error;
}

typedef struct {
  char *name;     /* for error messages */
} CommandData;

static void
command_data_free (CommandData *data)
{
  g_free (data->name);
  g_free (data);
}

static void
command_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvTmuxServer *self = g_task_get_source_object (task);
  CommandData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  if (!hv_host_command_run_finish (result, &out, NULL, &error))
    {
      g_task_return_error (task, translate_error (self, g_steal_pointer (&error), data->name));
      return;
    }
  /* The model follows through the control client; also refresh now for callers that
   * wait on the model right after the command. */
  schedule_refresh (self);
  g_task_return_pointer (task, g_steal_pointer (&out), g_free);
}

static void
run_argv (HvTmuxServer        *self,
          gpointer             source_tag,
          const char          *name,
          const char * const  *argv,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  CommandData *data = g_new0 (CommandData, 1);

  g_task_set_source_tag (task, source_tag);
  data->name = g_strdup (name);
  g_task_set_task_data (task, data, (GDestroyNotify) command_data_free);
  hv_host_command_run_async (argv, NULL, cancellable, command_done, g_steal_pointer (&task));
}

static void
run_command (HvTmuxServer        *self,
             gpointer             source_tag,
             const char          *name,
             const char * const  *args,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_auto(GStrv) argv = hv_tmux_server_build_argv (self, args);

  run_argv (self, source_tag, name, (const char * const *) argv, cancellable, callback, user_data);
}

/**
 * hv_tmux_server_command_finish:
 *
 * Finishes kill, rename, split, send, capture, save and pipe.
 *
 * Returns: (transfer full): what tmux printed (the capture, for capture-pane)
 */
char *
hv_tmux_server_command_finish (HvTmuxServer  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

#define RUN(self, tag, name, cancellable, callback, user_data, ...) \
  G_STMT_START { \
    const char *_args[] = { __VA_ARGS__, NULL }; \
    run_command (self, tag, name, _args, cancellable, callback, user_data); \
  } G_STMT_END

void
hv_tmux_server_kill_session_async (HvTmuxServer        *self,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_auto(GStrv) argv = NULL;

  g_return_if_fail (HV_IS_TMUX_SERVER (self) && name != NULL);

  argv = hv_tmux_server_kill_argv (self, name);
  run_argv (self, hv_tmux_server_kill_session_async, name, (const char * const *) argv,
            cancellable, callback, user_data);
}

/**
 * hv_tmux_server_kill_argv:
 *
 * The tmux command that ends session @name. While sessions are recorded, the same tmux
 * invocation first saves the whole scrollback of its active pane as plain text beside the
 * recordings (`NAME-TIMESTAMP-scrollback.txt`), so what was on screen survives the kill.
 *
 * Returns: (transfer full): the argv
 */
char **
hv_tmux_server_kill_argv (HvTmuxServer *self,
                          const char   *name)
{
  g_autofree char *session = target_for (name, FALSE);
  g_autofree char *pane = target_for (name, TRUE);
  g_autofree char *buffer = g_strdup_printf ("hydravisor-archive-%s", name);
  g_autofree char *path = NULL;

  g_return_val_if_fail (HV_IS_TMUX_SERVER (self) && name != NULL, NULL);

  /* tmux expands '#' (formats) and '%' (strftime) in paths: skip a folder that has them. */
  if (self->recorder_path != NULL && self->recordings_dir != NULL && strpbrk (self->recordings_dir, "#%") == NULL &&
      hv_paths_ensure_dir (self->recordings_dir, NULL))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
      g_autofree char *leaf = g_strdup_printf ("%s-%s-scrollback.txt", name, stamp);

      path = g_build_filename (self->recordings_dir, leaf, NULL);
    }

  if (path != NULL)
    {
      const char *args[] = { "capture-pane", "-J", "-S", "-", "-b", buffer, "-t", pane, tmux_separator,
                             "save-buffer", "-b", buffer, path, tmux_separator,
                             "delete-buffer", "-b", buffer, tmux_separator,
                             "kill-session", "-t", session, NULL };
      return hv_tmux_server_build_argv (self, args);
    }
  else
    {
      const char *args[] = { "kill-session", "-t", session, NULL };
      return hv_tmux_server_build_argv (self, args);
    }
}

/**
 * hv_tmux_server_rename_session_async:
 * @new_id: the new id, without the prefix; validated
 */
void
hv_tmux_server_rename_session_async (HvTmuxServer        *self,
                                     const char          *name,
                                     const char          *new_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *target = target_for (name, FALSE);
  g_autofree char *new_name = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HV_IS_TMUX_SERVER (self) && name != NULL && new_id != NULL);

  if (!hv_tmux_validate_id (new_id, &error))
    {
      g_task_report_error (self, callback, user_data, hv_tmux_server_rename_session_async, g_steal_pointer (&error));
      return;
    }
  new_name = hv_tmux_server_session_name (self, new_id);
  RUN (self, hv_tmux_server_rename_session_async, name, cancellable, callback, user_data,
       "rename-session", "-t", target, new_name);
}

/**
 * hv_tmux_server_split_window_async:
 * @right: TRUE for a pane on the right, FALSE for one below
 */
void
hv_tmux_server_split_window_async (HvTmuxServer        *self,
                                   const char          *name,
                                   gboolean             right,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *target = target_for (name, TRUE);

  g_return_if_fail (HV_IS_TMUX_SERVER (self) && name != NULL);
  RUN (self, hv_tmux_server_split_window_async, name, cancellable, callback, user_data,
       "split-window", right ? "-h" : "-v", "-t", target);
}

/** hv_tmux_server_send_text_async: @text: typed literally into the active pane (send-keys -l) */
void
hv_tmux_server_send_text_async (HvTmuxServer        *self,
                                const char          *name,
                                const char          *text,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *target = target_for (name, TRUE);

  g_return_if_fail (HV_IS_TMUX_SERVER (self) && name != NULL && text != NULL);
  RUN (self, hv_tmux_server_send_text_async, name, cancellable, callback, user_data,
       "send-keys", "-t", target, "-l", "--", text);
}

/** hv_tmux_server_send_keys_async: @keys: named keys, like "Enter", "C-c" */
void
hv_tmux_server_send_keys_async (HvTmuxServer        *self,
                                const char          *name,
                                const char * const  *keys,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *target = target_for (name, TRUE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;

  g_return_if_fail (HV_IS_TMUX_SERVER (self) && name != NULL && keys != NULL);

  g_strv_builder_add_many (builder, "send-keys", "-t", target, NULL);
  g_strv_builder_addv (builder, (const char **) keys);
  args = g_strv_builder_end (builder);
  run_command (self, hv_tmux_server_send_keys_async, name, (const char * const *) args,
               cancellable, callback, user_data);
}

void
hv_tmux_server_capture_pane_async (HvTmuxServer        *self,
                                   const char          *name,
                                   HvTmuxCaptureFlags   flags,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *target = target_for (name, TRUE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;

  g_return_if_fail (HV_IS_TMUX_SERVER (self) && name != NULL);

  g_strv_builder_add_many (builder, "capture-pane", "-p", "-J", "-t", target, NULL);
  if (flags & HV_TMUX_CAPTURE_ESCAPES)
    g_strv_builder_add (builder, "-e");
  if (flags & HV_TMUX_CAPTURE_HISTORY)
    g_strv_builder_add_many (builder, "-S", "-", NULL);
  args = g_strv_builder_end (builder);
  run_command (self, hv_tmux_server_capture_pane_async, name, (const char * const *) args,
               cancellable, callback, user_data);
}

/**
 * hv_tmux_server_save_history_async:
 * @path: the file the whole scrollback of the active pane is written to, as plain text
 */
void
hv_tmux_server_save_history_async (HvTmuxServer        *self,
                                   const char          *name,
                                   const char          *path,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *target = target_for (name, TRUE);
  g_autofree char *buffer = g_strdup_printf ("hydravisor-save-%d", (int) getpid ());

  g_return_if_fail (HV_IS_TMUX_SERVER (self) && name != NULL && path != NULL);

  /* One tmux invocation, commands separated by ";" arguments: the buffer never lingers. */
  RUN (self, hv_tmux_server_save_history_async, name, cancellable, callback, user_data,
       "capture-pane", "-J", "-S", "-", "-b", buffer, "-t", target, tmux_separator,
       "save-buffer", "-b", buffer, path, tmux_separator,
       "delete-buffer", "-b", buffer);
}

/**
 * hv_tmux_server_pipe_pane_async:
 * @shell_command: (nullable): what tmux runs with the pane's output on its stdin, or %NULL
 *   to stop piping. tmux gives it to /bin/sh: build it only from g_shell_quote()d words.
 */
void
hv_tmux_server_pipe_pane_async (HvTmuxServer        *self,
                                const char          *name,
                                const char          *shell_command,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *target = target_for (name, TRUE);

  g_return_if_fail (HV_IS_TMUX_SERVER (self) && name != NULL);

  if (shell_command != NULL)
    RUN (self, hv_tmux_server_pipe_pane_async, name, cancellable, callback, user_data,
         "pipe-pane", "-O", "-t", target, shell_command);
  else
    RUN (self, hv_tmux_server_pipe_pane_async, name, cancellable, callback, user_data,
         "pipe-pane", "-t", target);
}

/**
 * hv_tmux_server_new_session_argv:
 * @command: (nullable): the program and its arguments; %NULL for the user's shell
 * @environment: (nullable): "NAME=VALUE" entries for the session
 *
 * Returns: (transfer full): the argv of `tmux new-session` creating @name detached
 */
char **
hv_tmux_server_new_session_argv (HvTmuxServer       *self,
                                 const char         *name,
                                 const char * const *command,
                                 const char         *cwd,
                                 const char * const *environment,
                                 guint               cols,
                                 guint               rows)
{
  g_autoptr(GStrvBuilder) args = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) builder = tmux_builder (self);
  g_autofree char *x = g_strdup_printf ("%u", cols ? cols : 80);
  g_autofree char *y = g_strdup_printf ("%u", rows ? rows : 24);
  g_auto(GStrv) new_session = NULL;

  g_strv_builder_add_many (args, "new-session", "-d", "-s", name, "-x", x, "-y", y, NULL);
  if (cwd != NULL)
    g_strv_builder_add_many (args, "-c", cwd, NULL);
  for (guint i = 0; environment != NULL && environment[i] != NULL; i++)
    g_strv_builder_add_many (args, "-e", environment[i], NULL);
  if (self->recorder_path != NULL)
    {
      /* A recorded session runs its program under `hydravisor session-exec`, which saves the
       * scrollback as text when the program ends by itself (the pane still exists then). */
      g_strv_builder_add_many (args, "--", self->recorder_path, "session-exec",
                               "--dir", self->recordings_dir, "--session", name, NULL);
      if (command != NULL && command[0] != NULL)
        {
          g_strv_builder_add (args, "--");
          g_strv_builder_addv (args, (const char **) command);
        }
    }
  else if (command != NULL && command[0] != NULL)
    {
      g_strv_builder_add (args, "--");
      /* tmux hands a single word to "sh -c"; with two or more it executes them directly. */
      if (command[1] == NULL)
        g_strv_builder_add (args, "/usr/bin/env");
      g_strv_builder_addv (args, (const char **) command);
    }
  new_session = g_strv_builder_end (args);
  add_args (builder, (const char * const *) new_session);

  /* The pipe is set up by the same tmux invocation, before the program has had a chance
   * to print, so the recording starts with the session. */
  if (self->recorder_path != NULL)
    {
      g_autofree char *pipe = hv_session_recorder_build_pipe_command (self->recorder_path, name, self->socket_name,
                                                                       self->recordings_dir, self->config_dir,
                                                                       0, 0);
      g_autofree char *target = target_for (name, TRUE);
      const char *pipe_args[] = { tmux_separator, "pipe-pane", "-O", "-t", target, pipe, NULL };

      add_args (builder, pipe_args);
    }
  return g_strv_builder_end (builder);
}

/**
 * hv_tmux_server_set_recorder:
 * @hydravisor_path: (nullable): the hydravisor binary that runs `hydravisor record`;
 *   %NULL stops recording new sessions
 * @dir: (nullable): where recordings go; %NULL for `$XDG_DATA_HOME/hydravisor/sessions`
 * @config_dir: (nullable): the `--config` folder the recorder reads redaction patterns from
 *
 * Every session created from now on is recorded from its first byte (pipe-pane).
 */
void
hv_tmux_server_set_recorder (HvTmuxServer *self,
                             const char   *hydravisor_path,
                             const char   *dir,
                             const char   *config_dir)
{
  g_return_if_fail (HV_IS_TMUX_SERVER (self));

  g_free (self->recorder_path);
  g_free (self->recordings_dir);
  g_free (self->config_dir);
  self->recorder_path = g_strdup (hydravisor_path);
  /* The recorder runs in the tmux server's environment, not ours: name both folders. */
  self->recordings_dir = dir ? g_strdup (dir) : hv_paths_get_data_subdir ("sessions");
  self->config_dir = g_strdup (config_dir ? config_dir : hv_paths_get_config_dir ());
}

typedef struct {
  char  *name;
  char **argv;
  guint  attempts;
} NewSessionData;

static void
new_session_data_free (NewSessionData *data)
{
  g_free (data->name);
  g_strfreev (data->argv);
  g_free (data);
}

static void
new_session_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvTmuxServer *self = g_task_get_source_object (task);
  NewSessionData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!hv_host_command_run_finish (result, NULL, NULL, &error))
    {
      /* The server was on its way out (its last session just ended) as this command reached
       * it: once more starts a new one. */
      if (strstr (error->message, "server exited unexpectedly") != NULL && data->attempts++ < 2)
        {
          GCancellable *cancellable = g_task_get_cancellable (task);

          hv_host_command_run_async ((const char * const *) data->argv, NULL, cancellable,
                                     new_session_done, g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, translate_error (self, g_steal_pointer (&error), data->name));
      return;
    }
  if (self->started && self->control == NULL)
    connect_control (self);
  schedule_refresh (self);
  g_task_return_pointer (task, g_strdup (data->name), g_free);
}

/**
 * hv_tmux_server_new_session_async:
 * @id: the session's id; the session is named prefix + @id
 * @command: (nullable): argv of the program to run; %NULL for the user's shell
 * @cwd: (nullable): working folder
 * @environment: (nullable): "NAME=VALUE" entries
 * @cols: width, 0 for 80
 * @rows: height, 0 for 24
 */
void
hv_tmux_server_new_session_async (HvTmuxServer        *self,
                                  const char          *id,
                                  const char * const  *command,
                                  const char          *cwd,
                                  const char * const  *environment,
                                  guint                cols,
                                  guint                rows,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) argv = NULL;
  NewSessionData *data;

  g_return_if_fail (HV_IS_TMUX_SERVER (self) && id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_tmux_server_new_session_async);
  if (!hv_tmux_validate_id (id, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  name = hv_tmux_server_session_name (self, id);
  argv = hv_tmux_server_new_session_argv (self, name, command, cwd, environment, cols, rows);
  data = g_new0 (NewSessionData, 1);
  data->name = g_steal_pointer (&name);
  data->argv = g_strdupv (argv);
  g_task_set_task_data (task, data, (GDestroyNotify) new_session_data_free);
  hv_host_command_run_async ((const char * const *) argv, NULL, cancellable, new_session_done, g_steal_pointer (&task));
}

/** hv_tmux_server_new_session_finish: Returns: (transfer full): the new session's name */
char *
hv_tmux_server_new_session_finish (HvTmuxServer  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------------
 * The session model
 * ------------------------------------------------------------------------------------- */

typedef struct {
  char *id;
  char *name;
  guint n_windows;
  guint n_clients;
  gint64 created;
  gboolean piped;
  char *window_name;
  char *command;
} Row;

static void
row_free (Row *row)
{
  g_free (row->id);
  g_free (row->name);
  g_free (row->window_name);
  g_free (row->command);
  g_free (row);
}

/* Parses list-sessions and list-clients output; keeps only sessions with our prefix. */
static GPtrArray *
parse_rows (HvTmuxServer *self,
            const char   *sessions,
            const char   *clients)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  g_auto(GStrv) lines = g_strsplit (sessions ? sessions : "", "\n", -1);
  g_auto(GStrv) client_lines = g_strsplit (clients ? clients : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 7);
      Row *row;

      if (g_strv_length (fields) != 7 || !g_str_has_prefix (fields[6], self->prefix))
        continue;
      row = g_new0 (Row, 1);
      row->id = g_strdup (fields[0]);
      row->n_windows = (guint) g_ascii_strtoull (fields[1], NULL, 10);
      row->created = g_ascii_strtoll (fields[2], NULL, 10);
      row->piped = g_str_equal (fields[3], "1");
      row->window_name = g_strdup (fields[4]);
      row->command = g_strdup (fields[5]);
      row->name = g_strdup (fields[6]);
      for (guint j = 0; client_lines[j] != NULL; j++)
        {
          g_auto(GStrv) cf = g_strsplit (client_lines[j], "\t", 2);

          if (g_strv_length (cf) == 2 && g_str_equal (cf[0], "0") && g_str_equal (cf[1], row->name))
            row->n_clients++;
        }
      g_ptr_array_add (rows, row);
    }
  return g_steal_pointer (&rows);
}

static void
apply_rows (HvTmuxServer *self,
            GPtrArray    *rows)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));

  /* Remove sessions that are gone, from the end so positions stay valid. */
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(HvTmuxSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i - 1);
      gboolean found = FALSE;

      for (guint j = 0; j < rows->len && !found; j++)
        found = g_str_equal (((Row *) g_ptr_array_index (rows, j))->id, hv_tmux_session_get_id (session));
      if (!found)
        g_list_store_remove (self->sessions, i - 1);
    }

  for (guint j = 0; j < rows->len; j++)
    {
      Row *row = g_ptr_array_index (rows, j);
      g_autoptr(HvTmuxSession) session = NULL;

      n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
      for (guint i = 0; i < n && session == NULL; i++)
        {
          g_autoptr(HvTmuxSession) candidate = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

          if (g_str_equal (hv_tmux_session_get_id (candidate), row->id))
            session = g_steal_pointer (&candidate);
        }
      if (session == NULL)
        {
          session = _hv_tmux_session_new (row->id, self->prefix);
          _hv_tmux_session_update (session, row->name, row->n_windows, row->n_clients, row->created,
                                   row->window_name, row->command, row->piped);
          g_list_store_append (self->sessions, session);
        }
      else
        _hv_tmux_session_update (session, row->name, row->n_windows, row->n_clients, row->created,
                                 row->window_name, row->command, row->piped);
    }
}

typedef struct {
  guint64 generation;
  char *sessions;
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_free (data->sessions);
  g_free (data);
}

static void
refresh_clients_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvTmuxServer *self = g_task_get_source_object (task);
  RefreshData *data = g_task_get_task_data (task);
  g_autofree char *clients = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  /* No clients (or no server any more) is an empty list, not an error. */
  hv_host_command_run_finish (result, &clients, NULL, NULL);
  if (data->generation > self->applied_generation)
    {
      self->applied_generation = data->generation;
      rows = parse_rows (self, data->sessions, clients);
      apply_rows (self, rows);
    }
  g_task_return_boolean (task, TRUE);
}

static void
refresh_sessions_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvTmuxServer *self = g_task_get_source_object (task);
  RefreshData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *args[] = { "list-clients", "-F", CLIENT_FORMAT, NULL };
  g_auto(GStrv) argv = NULL;
  GCancellable *cancellable;

  if (!hv_host_command_run_finish (result, &data->sessions, NULL, &error))
    {
      if (!is_no_server (error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* No server: no sessions. */
      if (data->generation > self->applied_generation)
        {
          g_autoptr(GPtrArray) none = g_ptr_array_new ();

          self->applied_generation = data->generation;
          apply_rows (self, none);
        }
      g_task_return_boolean (task, TRUE);
      return;
    }

  argv = hv_tmux_server_build_argv (self, args);
  cancellable = g_task_get_cancellable (task);
  hv_host_command_run_async ((const char * const *) argv, NULL, cancellable,
                             refresh_clients_done, g_steal_pointer (&task));
}

/**
 * hv_tmux_server_refresh_async:
 *
 * Lists the sessions now and updates the model. The control client does this on every
 * change; call it to be sure the model is current before reading it.
 */
void
hv_tmux_server_refresh_async (HvTmuxServer        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *args[] = { "list-sessions", "-F", SESSION_FORMAT, NULL };
  g_auto(GStrv) argv = NULL;
  RefreshData *data;

  g_return_if_fail (HV_IS_TMUX_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_tmux_server_refresh_async);
  data = g_new0 (RefreshData, 1);
  data->generation = ++self->generation;
  g_task_set_task_data (task, data, (GDestroyNotify) refresh_data_free);

  argv = hv_tmux_server_build_argv (self, args);
  hv_host_command_run_async ((const char * const *) argv, NULL, cancellable,
                             refresh_sessions_done, g_steal_pointer (&task));
}

gboolean
hv_tmux_server_refresh_finish (HvTmuxServer  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
scheduled_refresh_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  HvTmuxServer *self = HV_TMUX_SERVER (source);
  g_autoptr(GError) error = NULL;

  if (!hv_tmux_server_refresh_finish (self, result, &error))
    g_debug ("Listing tmux sessions failed: %s", error->message);

  self->refreshing = FALSE;
  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      schedule_refresh (self);
    }
  else if (self->started && self->control == NULL && self->reconnect_source == 0 &&
           g_list_model_get_n_items (G_LIST_MODEL (self->sessions)) > 0)
    connect_control (self);
  g_object_unref (self);
}

/* At most one refresh runs at a time; changes during it cause exactly one more. */
static void
schedule_refresh (HvTmuxServer *self)
{
  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }
  self->refreshing = TRUE;
  hv_tmux_server_refresh_async (self, NULL, scheduled_refresh_done, g_object_ref (self));
}

/* ---------------------------------------------------------------------------------------
 * The control-mode client
 * ------------------------------------------------------------------------------------- */

static void read_next_line (HvTmuxServer *self);

static gboolean
reconnect_cb (gpointer data)
{
  HvTmuxServer *self = data;

  self->reconnect_source = 0;
  /* Attach again if any session is left (ours may have been the one killed). */
  schedule_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
control_ended (HvTmuxServer *self)
{
  gboolean quick = g_get_monotonic_time () - self->control_started < G_USEC_PER_SEC / 2;

  g_cancellable_cancel (self->control_cancellable);
  g_clear_object (&self->control_cancellable);
  g_clear_object (&self->control_out);
  if (self->control != NULL)
    g_subprocess_force_exit (self->control);
  g_clear_object (&self->control);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);

  if (!self->started)
    return;

  /* A client that keeps exiting at once (a server refusing us) is retried more slowly. */
  self->n_quick_exits = quick ? self->n_quick_exits + 1 : 0;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->reconnect_source = g_timeout_add (self->n_quick_exits > 2 ? 1000 : 10, reconnect_cb, self);
}

static void
line_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HvTmuxServer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL && error != NULL && error->domain == G_CONVERT_ERROR)
    {
      /* A line that is not UTF-8 (a window name, say): skip it. */
      read_next_line (self);
      return;
    }
  if (line == NULL || g_str_has_prefix (line, "%exit"))
    {
      control_ended (self);
      return;
    }

  /* Notifications start with '%'; %begin/%end/%output carry no change of the model. */
  if (line[0] == '%' && !g_str_has_prefix (line, "%begin") && !g_str_has_prefix (line, "%end") &&
      !g_str_has_prefix (line, "%error") && !g_str_has_prefix (line, "%output") &&
      !g_str_has_prefix (line, "%extended-output"))
    schedule_refresh (self);

  read_next_line (self);
}

static void
read_next_line (HvTmuxServer *self)
{
  if (self->control_out == NULL)
    return;
  g_data_input_stream_read_line_async (self->control_out, G_PRIORITY_DEFAULT, self->control_cancellable,
                                       line_read, g_object_ref (self));
}

static void
connect_control (HvTmuxServer *self)
{
  const char *args[] = { "-C", "attach-session", "-f", "no-output,read-only,ignore-size", NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) wrapped = NULL;
  g_auto(GStrv) envp = NULL;

  if (self->control != NULL)
    return;

  argv = hv_tmux_server_build_argv (self, args);
  wrapped = hv_host_command_wrap_argv ((const char * const *) argv);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  envp = hv_tmux_server_clean_environ (g_get_environ ());
  g_subprocess_launcher_set_environ (launcher, envp);
  self->control = g_subprocess_launcher_spawnv (launcher, (const char * const *) wrapped, &error);
  if (self->control == NULL)
    {
      g_warning ("Cannot follow tmux sessions: %s", error->message);
      return;
    }
  self->control_started = g_get_monotonic_time ();
  self->control_cancellable = g_cancellable_new ();
  self->control_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->control));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
  read_next_line (self);
}

static char *
socket_dir (void)
{
  const char *tmpdir = g_getenv ("TMUX_TMPDIR");
  g_autofree char *leaf = g_strdup_printf ("tmux-%u", (guint) getuid ());

  return g_build_filename (tmpdir && tmpdir[0] ? tmpdir : "/tmp", leaf, NULL);
}

static void
on_socket_dir_changed (GFileMonitor      *monitor,
                       GFile             *file,
                       GFile             *other,
                       GFileMonitorEvent  event,
                       HvTmuxServer      *self);

static void
watch_socket_dir (HvTmuxServer *self)
{
  g_autofree char *dir = socket_dir ();
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GFile) parent = g_file_get_parent (file);

  if (self->dir_monitor == NULL && g_file_query_exists (file, NULL))
    {
      self->dir_monitor = g_file_monitor_directory (file, G_FILE_MONITOR_NONE, NULL, NULL);
      if (self->dir_monitor != NULL)
        g_signal_connect_object (self->dir_monitor, "changed", G_CALLBACK (on_socket_dir_changed), self, 0);
    }
  /* Until tmux creates its folder, watch the folder it will appear in. */
  if (self->dir_monitor == NULL && self->base_monitor == NULL)
    {
      self->base_monitor = g_file_monitor_directory (parent, G_FILE_MONITOR_NONE, NULL, NULL);
      if (self->base_monitor != NULL)
        g_signal_connect_object (self->base_monitor, "changed", G_CALLBACK (on_socket_dir_changed), self, 0);
    }
}

static void
on_socket_dir_changed (GFileMonitor      *monitor,
                       GFile             *file,
                       GFile             *other,
                       GFileMonitorEvent  event,
                       HvTmuxServer      *self)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *dir = socket_dir ();
  g_autofree char *dir_name = g_path_get_basename (dir);
  const char *socket = self->socket_name && self->socket_name[0] ? self->socket_name : "default";

  if (monitor == self->base_monitor && g_str_equal (name, dir_name))
    {
      watch_socket_dir (self);
      return;
    }
  if (monitor == self->dir_monitor && g_str_equal (name, socket) && event == G_FILE_MONITOR_EVENT_CREATED &&
      self->control == NULL)
    schedule_refresh (self);
}

/**
 * hv_tmux_server_start:
 *
 * Fills the session model and keeps it current.
 */
void
hv_tmux_server_start (HvTmuxServer *self)
{
  g_return_if_fail (HV_IS_TMUX_SERVER (self));

  if (self->started)
    return;
  self->started = TRUE;
  watch_socket_dir (self);
  schedule_refresh (self);
}

void
hv_tmux_server_stop (HvTmuxServer *self)
{
  g_return_if_fail (HV_IS_TMUX_SERVER (self));

  self->started = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->control != NULL)
    control_ended (self);
  g_clear_object (&self->dir_monitor);
  g_clear_object (&self->base_monitor);
}

/* ---------------------------------------------------------------------------------------
 * Blocking forms for the command line
 * ------------------------------------------------------------------------------------- */

/** hv_tmux_server_run_sync: Returns: (transfer full): what tmux printed */
char *
hv_tmux_server_run_sync (HvTmuxServer        *self,
                         const char * const  *args,
                         GError             **error)
{
  g_auto(GStrv) argv = hv_tmux_server_build_argv (self, args);
  char *out = NULL;

  if (!hv_host_command_run_sync ((const char * const *) argv, NULL, NULL, &out, NULL, error))
    return NULL;
  return out;
}

/** hv_tmux_server_list_sync: Returns: (transfer container) (element-type HvTmuxSession): our sessions */
GPtrArray *
hv_tmux_server_list_sync (HvTmuxServer  *self,
                          GError       **error)
{
  const char *sessions_args[] = { "list-sessions", "-F", SESSION_FORMAT, NULL };
  const char *clients_args[] = { "list-clients", "-F", CLIENT_FORMAT, NULL };
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *sessions = NULL;
  g_autofree char *clients = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  sessions = hv_tmux_server_run_sync (self, sessions_args, &local_error);
  if (sessions == NULL)
    {
      if (is_no_server (local_error))
        return g_steal_pointer (&result);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  clients = hv_tmux_server_run_sync (self, clients_args, NULL);
  rows = parse_rows (self, sessions, clients);
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);
      HvTmuxSession *session = _hv_tmux_session_new (row->id, self->prefix);

      _hv_tmux_session_update (session, row->name, row->n_windows, row->n_clients, row->created,
                               row->window_name, row->command, row->piped);
      g_ptr_array_add (result, session);
    }
  return g_steal_pointer (&result);
}

/* ---------------------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------------------- */

/**
 * hv_tmux_server_new:
 * @socket_name: (nullable): `tmux -L` name; %NULL or "" for the user's default server
 * @prefix: (nullable): session name prefix; %NULL for "hydravisor-"
 */
HvTmuxServer *
hv_tmux_server_new (const char *socket_name,
                    const char *prefix)
{
  return g_object_new (HV_TYPE_TMUX_SERVER,
                       "socket-name", socket_name && socket_name[0] ? socket_name : NULL,
                       "prefix", prefix ? prefix : "hydravisor-",
                       NULL);
}

const char *
hv_tmux_server_get_socket_name (HvTmuxServer *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SERVER (self), NULL);
  return self->socket_name;
}

const char *
hv_tmux_server_get_prefix (HvTmuxServer *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SERVER (self), NULL);
  return self->prefix;
}

/** hv_tmux_server_get_sessions: Returns: (transfer none): a #GListModel of #HvTmuxSession */
GListModel *
hv_tmux_server_get_sessions (HvTmuxServer *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SERVER (self), NULL);
  return G_LIST_MODEL (self->sessions);
}

/** hv_tmux_server_lookup_session: Returns: (transfer none) (nullable): the session named @name */
HvTmuxSession *
hv_tmux_server_lookup_session (HvTmuxServer *self,
                               const char   *name)
{
  guint n;

  g_return_val_if_fail (HV_IS_TMUX_SERVER (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvTmuxSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      if (g_strcmp0 (hv_tmux_session_get_name (session), name) == 0)
        return session;   /* the store keeps it alive */
    }
  return NULL;
}

/** hv_tmux_server_get_connected: Returns: whether the control client is attached */
gboolean
hv_tmux_server_get_connected (HvTmuxServer *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SERVER (self), FALSE);
  return self->control != NULL;
}

static void
hv_tmux_server_dispose (GObject *object)
{
  hv_tmux_server_stop (HV_TMUX_SERVER (object));

  G_OBJECT_CLASS (hv_tmux_server_parent_class)->dispose (object);
}

static void
hv_tmux_server_finalize (GObject *object)
{
  HvTmuxServer *self = HV_TMUX_SERVER (object);

  g_clear_object (&self->sessions);
  g_free (self->recorder_path);
  g_free (self->recordings_dir);
  g_free (self->config_dir);
  g_free (self->socket_name);
  g_free (self->prefix);

  G_OBJECT_CLASS (hv_tmux_server_parent_class)->finalize (object);
}

static void
hv_tmux_server_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HvTmuxServer *self = HV_TMUX_SERVER (object);

  switch (prop_id)
    {
    case PROP_SOCKET_NAME: g_value_set_string (value, self->socket_name); break;
    case PROP_PREFIX: g_value_set_string (value, self->prefix); break;
    case PROP_CONNECTED: g_value_set_boolean (value, self->control != NULL); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_tmux_server_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HvTmuxServer *self = HV_TMUX_SERVER (object);

  switch (prop_id)
    {
    case PROP_SOCKET_NAME: self->socket_name = g_value_dup_string (value); break;
    case PROP_PREFIX: self->prefix = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_tmux_server_class_init (HvTmuxServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hv_tmux_server_dispose;
  object_class->finalize = hv_tmux_server_finalize;
  object_class->get_property = hv_tmux_server_get_property;
  object_class->set_property = hv_tmux_server_set_property;

  properties[PROP_SOCKET_NAME] =
    g_param_spec_string ("socket-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREFIX] =
    g_param_spec_string ("prefix", NULL, NULL, "hydravisor-",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hv_tmux_server_init (HvTmuxServer *self)
{
  self->sessions = g_list_store_new (HV_TYPE_TMUX_SESSION);
}
