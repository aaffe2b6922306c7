// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hv-cli-private.h"
#include "hv-host-command.h"
#include "hv-paths.h"

/* `hydravisor session-exec --dir DIR --session NAME [-- CMD…]`, run by tmux as the program
 * of a recorded session (HvTmuxServer wraps the session's command in it). It runs CMD (the
 * user's login shell without one) in the pane as its foreground job, and when CMD ends by
 * itself — while the pane still exists — saves the pane's whole scrollback as plain text to
 * DIR/NAME-TIMESTAMP-scrollback.txt, then exits with CMD's status. A killed session is
 * archived by the kill itself (hv_tmux_server_kill_argv); the SIGHUP of a kill ends this
 * program without a second archive. */

static void
log_failure (const char *dir,
             const char *session,
             const char *why)
{
  g_autofree char *path = g_build_filename (dir, "record-errors.log", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);
  FILE *log = fopen (path, "a");

  /* The pane is about to close: what went wrong goes where the recorder's errors go. */
  if (log != NULL)
    {
      fprintf (log, "%s %s: cannot save the scrollback: %s\n", stamp, session, why);
      fclose (log);
    }
}

/* $TMUX is "SOCKET,PID,SESSION": the server this pane belongs to. */
static gboolean
save_scrollback (const char *dir,
                 const char *session)
{
  const char *tmux_env = g_getenv ("TMUX");
  const char *pane = g_getenv ("TMUX_PANE");
  g_autofree char *socket = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *leaf = NULL;
  g_autofree char *stamp = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) error = NULL;

  if (tmux_env == NULL || pane == NULL || strchr (tmux_env, ',') == NULL)
    {
      log_failure (dir, session, "not running in a tmux pane ($TMUX or $TMUX_PANE unset)");
      return FALSE;
    }
  socket = g_strndup (tmux_env, strchr (tmux_env, ',') - tmux_env);

  {
    const char *argv[] = { "tmux", "-S", socket, "capture-pane", "-p", "-J", "-S", "-", "-t", pane, NULL };

    if (!hv_host_command_run_sync (argv, NULL, NULL, &text, NULL, &error))
      {
        log_failure (dir, session, error->message);
        return FALSE;
      }
  }

  now = g_date_time_new_now_utc ();
  stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  leaf = g_strdup_printf ("%s-%s-scrollback.txt", session, stamp);
  path = g_build_filename (dir, leaf, NULL);
  if (!hv_paths_ensure_dir (dir, &error) ||
      !g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      log_failure (dir, session, error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
user_shell (void)
{
  const char *shell = g_getenv ("SHELL");
  struct passwd *pw;

  if (shell != NULL && g_path_is_absolute (shell) && g_file_test (shell, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (shell);
  pw = getpwuid (getuid ());
  if (pw != NULL && pw->pw_shell != NULL && g_file_test (pw->pw_shell, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (pw->pw_shell);
  return g_strdup ("/bin/sh");
}

/* Gives the terminal's foreground to @pgrp (tmux shows that job's name in the tab title). */
static void
set_foreground (pid_t pgrp)
{
  struct sigaction ignore = { .sa_handler = SIG_IGN }, old;

  if (!isatty (STDIN_FILENO))
    return;
  sigaction (SIGTTOU, &ignore, &old);
  tcsetpgrp (STDIN_FILENO, pgrp);
  sigaction (SIGTTOU, &old, NULL);
}

static int
run_session_exec (HvCliContext  *ctx,
                  int            argc,
                  char         **argv)
{
  const char *dir = NULL;
  const char *session = NULL;
  char **command = NULL;
  g_autofree char *shell = NULL;
  g_autofree char *login_name = NULL;
  struct sigaction ignore = { .sa_handler = SIG_IGN };
  int status = 0;
  pid_t child;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--") )
        {
          command = i + 1 < argc ? argv + i + 1 : NULL;
          break;
        }
      if (g_str_equal (argv[i], "--dir") && i + 1 < argc)
        dir = argv[++i];
      else if (g_str_equal (argv[i], "--session") && i + 1 < argc)
        session = argv[++i];
      else
        return hv_cli_usage_error ("session-exec", _("unexpected “%s”"), argv[i]);
    }
  if (dir == NULL || session == NULL)
    return hv_cli_usage_error ("session-exec", _("--dir and --session are needed"));

  if (command == NULL)
    {
      /* As tmux starts a shell: a login shell ("-bash"). */
      shell = user_shell ();
      login_name = g_strconcat ("-", strrchr (shell, '/') != NULL ? strrchr (shell, '/') + 1 : shell, NULL);
    }

  /* Ctrl+C and friends are for the job, not for this program waiting on it. */
  sigaction (SIGINT, &ignore, NULL);
  sigaction (SIGQUIT, &ignore, NULL);
  sigaction (SIGTSTP, &ignore, NULL);

  child = fork ();
  if (child < 0)
    {
      g_autofree char *why = g_strdup_printf ("fork: %s", g_strerror (errno));
      return hv_cli_fail ("session-exec", why);
    }
  if (child == 0)
    {
      struct sigaction dfl = { .sa_handler = SIG_DFL };

      setpgid (0, 0);
      set_foreground (getpid ());
      sigaction (SIGINT, &dfl, NULL);
      sigaction (SIGQUIT, &dfl, NULL);
      sigaction (SIGTSTP, &dfl, NULL);
      if (command != NULL)
        execvp (command[0], command);
      else
        execl (shell, login_name, (char *) NULL);
      fprintf (stderr, "hydravisor: cannot run %s: %s\n", command != NULL ? command[0] : shell, g_strerror (errno));
      _exit (127);
    }

  setpgid (child, child);
  set_foreground (child);
  for (;;)
    {
      pid_t done = waitpid (child, &status, WUNTRACED);

      if (done < 0 && errno == EINTR)
        continue;
      if (done < 0)
        break;
      if (WIFSTOPPED (status))
        {
          /* No job control above it: a stopped job would leave the pane frozen. */
          set_foreground (child);
          kill (-child, SIGCONT);
          continue;
        }
      break;
    }
  set_foreground (getpgrp ());

  save_scrollback (dir, session);

  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 1;
}

static const HvCliCommand session_exec_command = {
  .name = "session-exec",
  .usage = "--dir DIR --session NAME [-- CMD…]",
  .summary = N_("Run a recorded session’s program and save its scrollback when it ends (internal)"),
  .run = run_session_exec,
  .hidden = TRUE,
};

void
_hv_cli_register_session_exec (void)
{
  hv_cli_register (&session_exec_command);
}
