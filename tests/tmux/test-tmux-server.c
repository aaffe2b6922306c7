// SPDX-License-Identifier: GPL-3.0-or-later
/* HvTmuxServer against a real tmux server on a private socket. */
#include "config.h"

#include <glib/gstdio.h>

#include "hv-host-command.h"
#include "hv-test-fixture.h"
#include "hv-tmux-server.h"

typedef struct {
  char *socket;
  HvTmuxServer *server;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->socket = hv_test_tmux_socket_name ();
  f->server = hv_tmux_server_new (f->socket, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  hv_tmux_server_stop (f->server);
  hv_test_tmux_kill_server (f->socket);
  /* Cancelled reads and commands still in flight let go of it as they finish. */
  g_object_add_weak_pointer (G_OBJECT (f->server), (gpointer *) &f->server);
  g_object_unref (f->server);
  HV_TEST_WAIT_FOR (f->server == NULL, 5000);
  g_free (f->socket);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs tmux directly, as a person in a shell would. */
static void
plain_tmux (Fixture    *f,
            const char *first,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) "tmux");
  g_ptr_array_add (argv, (char *) "-L");
  g_ptr_array_add (argv, f->socket);
  g_ptr_array_add (argv, (char *) "-f");
  g_ptr_array_add (argv, (char *) "/dev/null");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (hv_host_command_run_sync ((const char * const *) argv->pdata, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static char *
new_session (Fixture            *f,
             const char         *id,
             const char * const *command)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *name;

  hv_tmux_server_new_session_async (f->server, id, command, NULL, NULL, 100, 30, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  name = hv_tmux_server_new_session_finish (f->server, result, &error);
  g_assert_no_error (error);
  return name;
}

static guint
n_sessions (Fixture *f)
{
  return g_list_model_get_n_items (hv_tmux_server_get_sessions (f->server));
}

/* No server: an empty model, and a server started later is picked up. */
static void
test_no_server_then_server (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_tmux_server_start (f->server);
  hv_tmux_server_refresh_async (f->server, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  g_assert_true (hv_tmux_server_refresh_finish (f->server, result, NULL));
  g_assert_cmpuint (n_sessions (f), ==, 0);
  g_assert_false (hv_tmux_server_get_connected (f->server));

  /* Someone else starts the server with one of our sessions and one that is not ours. */
  plain_tmux (f, "new-session", "-d", "-s", "not-ours", NULL);
  plain_tmux (f, "new-session", "-d", "-s", "hydravisor-later", NULL);
  HV_TEST_WAIT_FOR (n_sessions (f) == 1, 5000);
  HV_TEST_WAIT_FOR (hv_tmux_server_get_connected (f->server), 5000);
  g_assert_nonnull (hv_tmux_server_lookup_session (f->server, "hydravisor-later"));
  g_assert_cmpstr (hv_tmux_session_get_short_name (hv_tmux_server_lookup_session (f->server, "hydravisor-later")), ==, "later");
}

/* Changes made anywhere reach the model without polling, within 100 ms. */
static void
test_follows_changes (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *first = NULL;
  gint64 latencies[5];
  HvTmuxSession *session;

  hv_tmux_server_start (f->server);
  first = new_session (f, "api", NULL);
  g_assert_cmpstr (first, ==, "hydravisor-api");
  HV_TEST_WAIT_FOR (hv_tmux_server_lookup_session (f->server, "hydravisor-api") != NULL, 5000);
  HV_TEST_WAIT_FOR (hv_tmux_server_get_connected (f->server), 5000);

  for (guint i = 0; i < G_N_ELEMENTS (latencies); i++)
    {
      g_autofree char *name = g_strdup_printf ("hydravisor-shell%u", i);
      gint64 start = g_get_monotonic_time ();

      plain_tmux (f, "new-session", "-d", "-s", name, NULL);
      start = g_get_monotonic_time ();
      HV_TEST_WAIT_FOR (hv_tmux_server_lookup_session (f->server, name) != NULL, 5000);
      latencies[i] = g_get_monotonic_time () - start;
    }
  for (guint i = 0; i < G_N_ELEMENTS (latencies); i++)
    g_test_message ("tmux new-session → model: %.1f ms", latencies[i] / 1000.0);
  g_assert_cmpint (MIN (MIN (latencies[0], latencies[1]), MIN (latencies[2], latencies[3])), <=, 100000);

  /* Renamed elsewhere: the same object, a new name. */
  session = hv_tmux_server_lookup_session (f->server, "hydravisor-shell0");
  g_object_ref (session);
  plain_tmux (f, "rename-session", "-t", "=hydravisor-shell0", "hydravisor-renamed", NULL);
  HV_TEST_WAIT_FOR (g_strcmp0 (hv_tmux_session_get_name (session), "hydravisor-renamed") == 0, 5000);
  g_object_unref (session);

  /* Killed elsewhere, including the session the control client is attached to. */
  plain_tmux (f, "kill-session", "-t", "=hydravisor-api", NULL);
  plain_tmux (f, "kill-session", "-t", "=hydravisor-renamed", NULL);
  HV_TEST_WAIT_FOR (n_sessions (f) == 4, 5000);
  g_assert_null (hv_tmux_server_lookup_session (f->server, "hydravisor-api"));

  /* The model still follows after the control client had to re-attach. */
  plain_tmux (f, "new-session", "-d", "-s", "hydravisor-after", NULL);
  HV_TEST_WAIT_FOR (hv_tmux_server_lookup_session (f->server, "hydravisor-after") != NULL, 5000);
}

typedef struct {
  Fixture *f;
  const char *name;
  const char *needle;
} PaneWait;

static gboolean
pane_contains (gpointer data)
{
  PaneWait *w = data;
  const char *args[] = { "capture-pane", "-p", "-J", "-t", NULL, NULL };
  g_autofree char *target = g_strconcat ("=", w->name, ":", NULL);
  g_autofree char *out = NULL;

  args[4] = target;
  out = hv_tmux_server_run_sync (w->f->server, args, NULL);
  return out != NULL && strstr (out, w->needle) != NULL;
}

/* Text with quotes, spaces, semicolons and Unicode arrives intact, and capture shows output. */
static void
test_send_and_capture (Fixture       *f,
                       gconstpointer  data)
{
  const char *command[] = { "cat", NULL };
  const char *text = "it's \"quoted\"; $(echo no) `no` ✓ naïve 日本";
  const char *enter[] = { "Enter", NULL };
  g_autofree char *name = new_session (f, "typing", command);
  g_autoptr(GAsyncResult) sent = NULL;
  g_autoptr(GAsyncResult) entered = NULL;
  g_autoptr(GAsyncResult) captured = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *screen = NULL;
  g_autofree char *twice = g_strdup_printf ("%s\n%s", text, text);
  PaneWait wait = { f, name, twice };

  hv_tmux_server_send_text_async (f->server, name, text, NULL, store_result, &sent);
  hv_test_wait_result (&sent, 10000);
  g_free (hv_tmux_server_command_finish (f->server, sent, &error));
  g_assert_no_error (error);
  hv_tmux_server_send_keys_async (f->server, name, enter, NULL, store_result, &entered);
  hv_test_wait_result (&entered, 10000);
  g_free (hv_tmux_server_command_finish (f->server, entered, &error));
  g_assert_no_error (error);

  /* cat prints the line back under the typed one. */
  g_assert_true (hv_test_wait_for (pane_contains, &wait, 10000));

  hv_tmux_server_capture_pane_async (f->server, name, HV_TMUX_CAPTURE_HISTORY, NULL, store_result, &captured);
  hv_test_wait_result (&captured, 10000);
  screen = hv_tmux_server_command_finish (f->server, captured, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (screen, twice));
}

/* tmux ends a command at an argument ending in ';': such data is escaped, never split. */
static void
test_semicolons (Fixture       *f,
                 gconstpointer  data)
{
  const char *command[] = { "sh", "-c", "printf '[%s]' \"$@\"; exec cat", "sh", "a;", ";", "b\\;", NULL };
  const char *typed = "echo done;";
  g_autofree char *name = new_session (f, "semi", command);
  g_autoptr(GAsyncResult) sent = NULL;
  g_autoptr(GError) error = NULL;
  PaneWait args_shown = { f, name, "[a;][;][b\\;]" };
  PaneWait text_shown = { f, name, "[a;][;][b\\;]echo done;" };

  g_assert_true (hv_test_wait_for (pane_contains, &args_shown, 10000));
  hv_tmux_server_send_text_async (f->server, name, typed, NULL, store_result, &sent);
  hv_test_wait_result (&sent, 10000);
  g_free (hv_tmux_server_command_finish (f->server, sent, &error));
  g_assert_no_error (error);
  g_assert_true (hv_test_wait_for (pane_contains, &text_shown, 10000));
}

static char *
find_suffix (const char *dir,
             const char *suffix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (d != NULL && (entry = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (entry, suffix))
      return g_build_filename (dir, entry, NULL);
  return NULL;
}

static char *
find_cast (const char *dir)
{
  return find_suffix (dir, ".cast");
}

typedef struct {
  const char *dir;
  const char *needle;
} CastWait;

static gboolean
cast_contains (gpointer data)
{
  CastWait *w = data;
  g_autofree char *path = find_cast (w->dir);
  g_autofree char *contents = NULL;

  return path != NULL && g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, w->needle) != NULL;
}

/* With a recorder set, a new session is recorded from its first output. */
static void
test_records_from_creation (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "recordings", NULL);
  const char *command[] = { "sh", "-c", "printf 'first words\\n'; exec cat", NULL };
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *header = NULL;
  CastWait wait = { dir, "first words" };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  hv_tmux_server_set_recorder (f->server, g_getenv ("HV_BINARY"), dir, NULL);
  name = new_session (f, "recorded", command);
  g_assert_true (hv_test_wait_for (cast_contains, &wait, 10000));

  path = find_cast (dir);
  g_assert_true (g_str_has_prefix (strrchr (path, '/') + 1, "hydravisor-recorded-"));
  g_assert_true (g_file_get_contents (path, &header, NULL, NULL));
  g_assert_true (g_str_has_prefix (header, "{\"version\":2,"));

  hv_tmux_server_start (f->server);
  HV_TEST_WAIT_FOR (hv_tmux_server_lookup_session (f->server, name) != NULL &&
                    hv_tmux_session_get_recording (hv_tmux_server_lookup_session (f->server, name)), 5000);

  /* Killing a recorded session saves its scrollback as plain text first. */
  {
    g_autoptr(GAsyncResult) killed = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *archive = NULL;
    g_autofree char *text = NULL;

    hv_tmux_server_kill_session_async (f->server, name, NULL, store_result, &killed);
    hv_test_wait_result (&killed, 10000);
    g_free (hv_tmux_server_command_finish (f->server, killed, &error));
    g_assert_no_error (error);
    archive = find_suffix (dir, "-scrollback.txt");
    g_assert_nonnull (archive);
    g_assert_true (g_str_has_prefix (strrchr (archive, '/') + 1, "hydravisor-recorded-"));
    g_assert_true (g_file_get_contents (archive, &text, NULL, NULL));
    g_assert_true (g_str_has_prefix (text, "first words\n"));
    HV_TEST_WAIT_FOR (hv_tmux_server_lookup_session (f->server, name) == NULL, 5000);
  }


}

static gboolean
session_gone (Fixture    *f,
              const char *name)
{
  const char *args[] = { "has-session", "-t", NULL, NULL };
  g_autofree char *target = g_strconcat ("=", name, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  args[2] = target;
  out = hv_tmux_server_run_sync (f->server, args, &error);
  return out == NULL;
}

/* A recorded session whose program ends by itself leaves its scrollback as text too, and
 * the program's exit status, signals and terminal are its own. */
static void
test_archives_when_program_exits (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "recordings", NULL);
  const char *command[] = { "sh", "-c", "printf 'last words\\n'; tty >/dev/null && echo on-a-tty; exit 3", NULL };
  const char *shell_input[] = { "echo bye-$((6*7)); exit", NULL };
  const char *keeper_command[] = { "cat", NULL };
  g_autofree char *keeper = NULL;
  const char *enter[] = { "Enter", NULL };
  g_autofree char *name = NULL;
  g_autofree char *shell_name = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GAsyncResult) sent = NULL;
  g_autoptr(GAsyncResult) entered = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  /* tmux exits with its last session; one that stays keeps the server up between the two
   * sessions below (a new session racing a server on its way out fails). */
  keeper = new_session (f, "keeper", keeper_command);
  hv_tmux_server_set_recorder (f->server, g_getenv ("HV_BINARY"), dir, NULL);

  name = new_session (f, "finishes", command);
  HV_TEST_WAIT_FOR (session_gone (f, name), 10000);
  HV_TEST_WAIT_FOR ((archive = find_suffix (dir, "-scrollback.txt")) != NULL, 5000);
  g_assert_true (g_str_has_prefix (strrchr (archive, '/') + 1, "hydravisor-finishes-"));
  g_assert_true (g_file_get_contents (archive, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "last words\non-a-tty\n"));
  g_assert_cmpint (g_unlink (archive), ==, 0);
  g_clear_pointer (&archive, g_free);
  g_clear_pointer (&text, g_free);

  /* No command: the user's shell, ended by typing exit. */
  shell_name = new_session (f, "shell", NULL);
  /* Typed ahead: the terminal keeps it until the shell reads. */
  hv_tmux_server_send_text_async (f->server, shell_name, shell_input[0], NULL, store_result, &sent);
  hv_test_wait_result (&sent, 10000);
  g_free (hv_tmux_server_command_finish (f->server, sent, &error));
  g_assert_no_error (error);
  hv_tmux_server_send_keys_async (f->server, shell_name, enter, NULL, store_result, &entered);
  hv_test_wait_result (&entered, 10000);
  g_free (hv_tmux_server_command_finish (f->server, entered, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (session_gone (f, shell_name), 10000);
  HV_TEST_WAIT_FOR ((archive = find_suffix (dir, "-scrollback.txt")) != NULL, 5000);
  g_assert_true (g_str_has_prefix (strrchr (archive, '/') + 1, "hydravisor-shell-"));
  g_assert_true (g_file_get_contents (archive, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "bye-42"));
}

/* Names are validated before anything reaches tmux or a shell. */
static void
test_invalid_names (Fixture       *f,
                    gconstpointer  data)
{
  const char *bad[] = { "", "a b", "a:b", "a.b", "=a", "a;rm -rf", "$(id)", "a'b", "ünï",
                        "12345678901234567890123456789012345678901234567890123456789012345" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      hv_tmux_server_new_session_async (f->server, bad[i], NULL, NULL, NULL, 0, 0, NULL, store_result, &result);
      hv_test_wait_result (&result, 10000);
      g_assert_null (hv_tmux_server_new_session_finish (f->server, result, &error));
      g_assert_error (error, HV_TMUX_ERROR, HV_TMUX_ERROR_INVALID_NAME);
    }
  g_assert_true (hv_tmux_validate_id ("agent_01-b", NULL));
}

static void
test_missing_session (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *name = new_session (f, "present", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;

  /* "=" makes the match exact: "hydravisor-pres" must not hit "hydravisor-present". */
  hv_tmux_server_kill_session_async (f->server, "hydravisor-pres", NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  g_assert_null (hv_tmux_server_command_finish (f->server, result, &error));
  g_assert_error (error, HV_TMUX_ERROR, HV_TMUX_ERROR_NO_SUCH_SESSION);
  g_clear_error (&error);
  listed = hv_tmux_server_list_sync (f->server, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
}

/* Run from inside tmux ($TMUX set), the control client still attaches. */
static void
test_inside_tmux (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *name = NULL;

  g_setenv ("TMUX", "/tmp/tmux-0/default,1234,0", TRUE);
  name = new_session (f, "nested", NULL);
  hv_tmux_server_start (f->server);
  HV_TEST_WAIT_FOR (hv_tmux_server_get_connected (f->server), 5000);
  HV_TEST_WAIT_FOR (n_sessions (f) == 1, 5000);
  g_unsetenv ("TMUX");
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);
  g_unsetenv ("TMUX");

  g_test_add ("/tmux/server/no-server-then-server", Fixture, NULL, fixture_setup, test_no_server_then_server, fixture_teardown);
  g_test_add ("/tmux/server/follows-changes", Fixture, NULL, fixture_setup, test_follows_changes, fixture_teardown);
  g_test_add ("/tmux/server/send-and-capture", Fixture, NULL, fixture_setup, test_send_and_capture, fixture_teardown);
  g_test_add ("/tmux/server/semicolons", Fixture, NULL, fixture_setup, test_semicolons, fixture_teardown);
  g_test_add ("/tmux/server/records-from-creation", Fixture, NULL, fixture_setup, test_records_from_creation, fixture_teardown);
  g_test_add ("/tmux/server/archives-when-program-exits", Fixture, NULL, fixture_setup, test_archives_when_program_exits, fixture_teardown);
  g_test_add ("/tmux/server/invalid-names", Fixture, NULL, fixture_setup, test_invalid_names, fixture_teardown);
  g_test_add ("/tmux/server/missing-session", Fixture, NULL, fixture_setup, test_missing_session, fixture_teardown);
  g_test_add ("/tmux/server/inside-tmux", Fixture, NULL, fixture_setup, test_inside_tmux, fixture_teardown);

  return g_test_run ();
}
