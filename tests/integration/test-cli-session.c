// SPDX-License-Identifier: GPL-3.0-or-later
/* `hydravisor session …` against a real tmux server on a private socket. */
#include "config.h"

#include <glib/gstdio.h>

#include "hv-test-fixture.h"

static char *socket_name;
static char *config_dir;

typedef struct {
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
hydravisor (Run        *run,
            const char *first,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int wait_status;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("HV_BINARY"));
  g_ptr_array_add (argv, (char *) "--config");
  g_ptr_array_add (argv, config_dir);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &run->out, &run->err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

typedef struct {
  const char *needle;
} CaptureWait;

static gboolean
capture_shows (gpointer data)
{
  CaptureWait *w = data;
  g_auto(Run) run = { 0 };

  hydravisor (&run, "session", "capture", "agent_1", NULL);
  return run.status == 0 && strstr (run.out, w->needle) != NULL;
}

static void
test_session_lifecycle (void)
{
  const char *text = "echo \"it's\"; $(id) ✓";
  g_autofree char *echoed = g_strdup_printf ("%s\n%s", text, text);
  CaptureWait wait = { echoed };

  {
    g_auto(Run) run = { 0 };

    hydravisor (&run, "session", "list", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "No sessions. Create one with “hydravisor session new NAME”.\n");
  }
  {
    g_auto(Run) run = { 0 };

    hydravisor (&run, "session", "new", "agent_1", "--", "cat", "-", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "hydravisor-agent_1\n");
  }
  {
    g_auto(Run) run = { 0 };

    hydravisor (&run, "session", "new", "agent_1", NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_cmpstr (run.err, ==, "hydravisor: session new: a session with that name already exists\n");
  }
  {
    g_auto(Run) run = { 0 };

    hydravisor (&run, "session", "send", "agent_1", text, NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  /* cat echoes the typed line: both copies verbatim. */
  g_assert_true (hv_test_wait_for (capture_shows, &wait, 10000));
  {
    g_auto(Run) run = { 0 };

    hydravisor (&run, "session", "list", "--json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "\"session\" : \"hydravisor-agent_1\""));
    g_assert_nonnull (strstr (run.out, "\"command\" : \"cat\""));
  }
  {
    g_auto(Run) run = { 0 };

    hydravisor (&run, "session", "kill", "agent_1", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(Run) run = { 0 };

    hydravisor (&run, "session", "kill", "agent_1", NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_cmpstr (run.err, ==, "hydravisor: session kill: there is no session “agent_1” (see “hydravisor session list”)\n");
  }
}

/* A name with spaces or shell characters is refused before anything runs. */
static void
test_bad_names (void)
{
  const char *bad[] = { "a b", "x;reboot", "$(id)", "a:b", "a.b", "" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(Run) run = { 0 };

      hydravisor (&run, "session", "new", bad[i], NULL);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, "cannot be a session name"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config = NULL;
  int ret;

  hv_test_init (&argc, &argv);
  g_unsetenv ("TMUX");
  socket_name = hv_test_tmux_socket_name ();
  config_dir = g_dir_make_tmp ("hv-cli-session-XXXXXX", NULL);
  config = g_strdup_printf ("[tmux]\nsocket_name = \"%s\"\n", socket_name);
  {
    g_autofree char *path = g_build_filename (config_dir, "config.toml", NULL);
    g_assert_true (g_file_set_contents (path, config, -1, NULL));
  }

  g_test_add_func ("/cli/session/lifecycle", test_session_lifecycle);
  g_test_add_func ("/cli/session/bad-names", test_bad_names);

  ret = g_test_run ();
  hv_test_tmux_kill_server (socket_name);
  {
    g_autofree char *path = g_build_filename (config_dir, "config.toml", NULL);
    g_unlink (path);
    g_rmdir (config_dir);
  }
  return ret;
}
