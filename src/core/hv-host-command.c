// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-error.h"
#include "hv-host-command.h"
#include "hv-host-command-private.h"

static char *flatpak_info_path;

void
_hv_host_command_set_flatpak_info_path (const char *path)
{
  g_free (flatpak_info_path);
  flatpak_info_path = g_strdup (path);
}

gboolean
hv_host_command_is_sandboxed (void)
{
  return g_file_test (flatpak_info_path ? flatpak_info_path : "/.flatpak-info", G_FILE_TEST_EXISTS);
}

/**
 * hv_host_command_wrap_argv:
 * @argv: the program and its arguments
 *
 * Returns: (transfer full): @argv as it must be spawned from here: unchanged on the host,
 *   behind `flatpak-spawn --host` inside Flatpak.
 */
char **
hv_host_command_wrap_argv (const char * const *argv)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  if (hv_host_command_is_sandboxed ())
    {
      g_strv_builder_add (builder, "flatpak-spawn");
      g_strv_builder_add (builder, "--host");
    }
  g_strv_builder_addv (builder, (const char **) argv);

  return g_strv_builder_end (builder);
}

/**
 * hv_host_command_describe:
 *
 * Returns: (transfer full): @argv quoted for a person to read in an error message.
 *   Only ever shown, never given to a shell.
 */
char *
hv_host_command_describe (const char * const *argv)
{
  g_autoptr(GString) str = g_string_new (NULL);

  g_return_val_if_fail (argv != NULL, NULL);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_autofree char *quoted = g_shell_quote (argv[i]);

      if (i > 0)
        g_string_append_c (str, ' ');
      /* Plain words read better unquoted. */
      if (argv[i][0] != '\0' && strpbrk (argv[i], " \t\n'\"\\$`;&|<>(){}*?[]#~!") == NULL)
        g_string_append (str, argv[i]);
      else
        g_string_append (str, quoted);
    }

  return g_string_free (g_steal_pointer (&str), FALSE);
}

GSubprocess *
hv_host_command_spawn (const char * const  *argv,
                       GSubprocessFlags     flags,
                       GError             **error)
{
  g_auto(GStrv) wrapped = NULL;
  g_autoptr(GError) local_error = NULL;
  GSubprocess *proc;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  wrapped = hv_host_command_wrap_argv (argv);
  proc = g_subprocess_newv ((const char * const *) wrapped, flags, &local_error);
  if (proc == NULL)
    {
      g_autofree char *what = hv_host_command_describe (argv);

      if (g_error_matches (local_error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     _("Could not run “%s”: %s is not installed or not in PATH"),
                     what, wrapped[0]);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     _("Could not run “%s”: %s"), what, local_error->message);
      return NULL;
    }

  return proc;
}

typedef struct {
  char **argv;
  GSubprocess *proc;
  GCancellable *cancellable;
  gulong cancelled_id;
  char *out;
  char *err;
} RunData;

static void
run_data_free (RunData *data)
{
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->proc);
  g_strfreev (data->argv);
  g_free (data->out);
  g_free (data->err);
  g_free (data);
}

/* The last non-empty line of what the command printed on stderr: usually the reason. */
static char *
summarize_stderr (const char *err)
{
  g_auto(GStrv) lines = NULL;

  if (err == NULL)
    return NULL;

  lines = g_strsplit (err, "\n", -1);
  for (int i = (int) g_strv_length (lines) - 1; i >= 0; i--)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        return g_strdup (lines[i]);
    }
  return NULL;
}

static gboolean
check_exit (GSubprocess         *proc,
            const char * const  *argv,
            const char          *err,
            GError             **error)
{
  g_autofree char *what = hv_host_command_describe (argv);
  g_autofree char *reason = summarize_stderr (err);

  if (g_subprocess_get_if_exited (proc))
    {
      int status = g_subprocess_get_exit_status (proc);

      if (status == 0)
        return TRUE;

      if (reason != NULL)
        g_set_error (error, HV_HOST_COMMAND_ERROR, HV_HOST_COMMAND_ERROR_FAILED,
                     _("“%s” failed with exit status %d: %s"), what, status, reason);
      else
        g_set_error (error, HV_HOST_COMMAND_ERROR, HV_HOST_COMMAND_ERROR_FAILED,
                     _("“%s” failed with exit status %d"), what, status);
      return FALSE;
    }

  g_set_error (error, HV_HOST_COMMAND_ERROR, HV_HOST_COMMAND_ERROR_SIGNALED,
               _("“%s” was killed by signal %d"), what, g_subprocess_get_term_sig (proc));
  return FALSE;
}

static void
on_cancelled (GCancellable *cancellable,
              GSubprocess  *proc)
{
  /* Cancelling the read alone would leave the child running. */
  g_subprocess_force_exit (proc);
}

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GSubprocess *proc = G_SUBPROCESS (object);
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_communicate_utf8_finish (proc, result, &data->out, &data->err, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          g_autofree char *what = hv_host_command_describe ((const char * const *) data->argv);

          g_task_return_new_error (task, G_IO_ERROR, error->code,
                                   _("Could not read the output of “%s”: %s"),
                                   what, error->message);
        }
      return;
    }

  if (!check_exit (proc, (const char * const *) data->argv, data->err, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * hv_host_command_run_async:
 * @argv: the program and its arguments; each element reaches the program as one argument
 * @stdin_text: (nullable): text written to the command's standard input, then closed
 * @cancellable: (nullable): cancelling it kills the command
 *
 * Runs @argv to completion, capturing standard output and standard error.
 * A non-zero exit is an error of %HV_HOST_COMMAND_ERROR naming the command and its status.
 */
void
hv_host_command_run_async (const char * const  *argv,
                           const char          *stdin_text,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  RunData *data;

  g_return_if_fail (argv != NULL && argv[0] != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_host_command_run_async);
  g_task_set_name (task, argv[0]);

  data = g_new0 (RunData, 1);
  data->argv = g_strdupv ((char **) argv);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  flags |= stdin_text != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_STDIN_INHERIT;
  data->proc = hv_host_command_spawn (argv, flags, &error);
  if (data->proc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                  data->proc, NULL);
    }

  g_subprocess_communicate_utf8_async (data->proc, stdin_text, cancellable,
                                       communicate_cb, g_steal_pointer (&task));
}

/**
 * hv_host_command_run_finish:
 * @out_stdout: (out) (optional): what the command printed on standard output
 * @out_stderr: (out) (optional): what it printed on standard error
 */
gboolean
hv_host_command_run_finish (GAsyncResult  *result,
                            char         **out_stdout,
                            char         **out_stderr,
                            GError       **error)
{
  RunData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hv_host_command_run_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (out_stdout != NULL)
    *out_stdout = g_strdup (data->out);
  if (out_stderr != NULL)
    *out_stderr = g_strdup (data->err);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * hv_host_command_run_sync:
 *
 * The blocking form, for the command line and worker threads. Never call it on the
 * GUI's main context.
 */
gboolean
hv_host_command_run_sync (const char * const  *argv,
                          const char          *stdin_text,
                          GCancellable        *cancellable,
                          char               **out_stdout,
                          char               **out_stderr,
                          GError             **error)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  gulong cancelled_id = 0;
  gboolean ok;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  flags |= stdin_text != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_STDIN_INHERIT;
  proc = hv_host_command_spawn (argv, flags, error);
  if (proc == NULL)
    return FALSE;

  if (cancellable != NULL)
    cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), proc, NULL);
  ok = g_subprocess_communicate_utf8 (proc, stdin_text, cancellable, &out, &err, error);
  if (cancelled_id != 0)
    g_cancellable_disconnect (cancellable, cancelled_id);
  if (!ok)
    return FALSE;

  if (out_stdout != NULL)
    *out_stdout = g_strdup (out);
  if (out_stderr != NULL)
    *out_stderr = g_strdup (err);

  return check_exit (proc, argv, err, error);
}
