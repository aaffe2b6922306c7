// SPDX-License-Identifier: GPL-3.0-or-later
/* The host command runner against the real tmux: names and text with spaces, quotes and
 * shell characters reach tmux intact because nothing is ever given to a shell. */
#include "config.h"

#include "hv-host-command.h"
#include "hv-test-fixture.h"

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static char *
run_ok (const char * const *argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  hv_host_command_run_async (argv, NULL, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  if (!hv_host_command_run_finish (result, &out, NULL, &error))
    g_error ("%s", error->message);
  return out;
}

typedef struct {
  const char *socket;
  const char *target;
  const char *needle;
  guint min_count;
} PaneWait;

static gboolean
pane_shows (gpointer data)
{
  PaneWait *w = data;
  const char *argv[] = { "tmux", "-L", w->socket, "capture-pane", "-p", "-t", w->target, NULL };
  g_autofree char *screen = NULL;
  guint count = 0;

  if (!hv_host_command_run_sync (argv, NULL, NULL, &screen, NULL, NULL))
    return FALSE;
  for (const char *p = screen; (p = strstr (p, w->needle)) != NULL; p += strlen (w->needle))
    count++;
  return count >= w->min_count;
}

static void
test_tmux_names_and_text (void)
{
  g_autofree char *socket = hv_test_tmux_socket_name ();
  const char *name = "hydravisor-it's a \"test\" $(id) ;&";
  /* "=NAME:" is the exact session and its current pane. */
  g_autofree char *target = g_strdup_printf ("=%s:", name);
  const char *text = "echo $(echo pwned) 'single' \"double\" `tick` ; | & > <";
  const char *new_argv[] = { "tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "20",
                             "-s", name, "cat", NULL };
  const char *list_argv[] = { "tmux", "-L", socket, "list-sessions", "-F", "#{session_name}", NULL };
  const char *send_argv[] = { "tmux", "-L", socket, "send-keys", "-t", target, "-l", text, NULL };
  const char *enter_argv[] = { "tmux", "-L", socket, "send-keys", "-t", target, "Enter", NULL };
  g_autofree char *out = NULL;
  g_autofree char *listing = NULL;
  PaneWait wait = { socket, target, text, 2 };

  out = run_ok (new_argv);
  listing = run_ok (list_argv);
  g_assert_cmpstr (listing, ==, "hydravisor-it's a \"test\" $(id) ;&\n");

  g_free (run_ok (send_argv));
  g_free (run_ok (enter_argv));
  /* cat echoes the line back: the typed line and its copy, both verbatim. */
  g_assert_true (hv_test_wait_for (pane_shows, &wait, 10000));

  hv_test_tmux_kill_server (socket);
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/host-command/tmux/names-and-text", test_tmux_names_and_text);

  return g_test_run ();
}
