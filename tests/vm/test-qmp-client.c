// SPDX-License-Identifier: GPL-3.0-or-later
/* HvQmpClient against a real qemu-system-x86_64 (no guest, TCG) and against a scripted fake
 * monitor that splits and merges lines the way a socket may deliver them. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gio/gunixsocketaddress.h>

#include "hv-qmp-client.h"
#include "hv-test-fixture.h"

typedef struct {
  char        *dir;
  char        *socket_path;
  GSubprocess *qemu;
} Qemu;

static void
qemu_stop (Qemu *qemu)
{
  if (qemu->qemu != NULL)
    {
      g_subprocess_force_exit (qemu->qemu);
      g_subprocess_wait (qemu->qemu, NULL, NULL);
      g_clear_object (&qemu->qemu);
    }
  if (qemu->socket_path != NULL)
    g_unlink (qemu->socket_path);
  if (qemu->dir != NULL)
    g_rmdir (qemu->dir);
  g_clear_pointer (&qemu->socket_path, g_free);
  g_clear_pointer (&qemu->dir, g_free);
  g_free (qemu);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Qemu, qemu_stop)

/* A QEMU child of the test (not daemonized): it dies with the test process. */
static Qemu *
qemu_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *chardev = NULL;
  Qemu *qemu = g_new0 (Qemu, 1);

  qemu->dir = g_dir_make_tmp ("hv-qmp-XXXXXX", &error);
  g_assert_no_error (error);
  qemu->socket_path = g_build_filename (qemu->dir, "qmp.sock", NULL);
  chardev = g_strdup_printf ("unix:%s,server=on,wait=off", qemu->socket_path);
  qemu->qemu = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                 "qemu-system-x86_64", "-machine", "pc,accel=tcg", "-nodefaults",
                                 "-display", "none", "-m", "32", "-qmp", chardev, NULL);
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (g_file_test (qemu->socket_path, G_FILE_TEST_EXISTS), 20000);
  return qemu;
}

typedef struct {
  GPtrArray *events;   /* of event names */
  GPtrArray *data;     /* of JsonObject */
  guint      closed;
} Recorder;

static void
on_event (HvQmpClient *client,
          const char  *name,
          JsonObject  *data,
          Recorder    *recorder)
{
  g_ptr_array_add (recorder->events, g_strdup (name));
  g_ptr_array_add (recorder->data, json_object_ref (data));
}

static void
on_closed (HvQmpClient *client,
           Recorder    *recorder)
{
  recorder->closed++;
}

static gboolean
recorder_has (Recorder   *recorder,
              const char *name)
{
  for (guint i = 0; i < recorder->events->len; i++)
    if (g_str_equal (g_ptr_array_index (recorder->events, i), name))
      return TRUE;
  return FALSE;
}

static void
recorder_clear (Recorder *recorder)
{
  g_clear_pointer (&recorder->events, g_ptr_array_unref);
  g_clear_pointer (&recorder->data, g_ptr_array_unref);
}

static void
recorder_init (Recorder    *recorder,
               HvQmpClient *client)
{
  recorder->events = g_ptr_array_new_with_free_func (g_free);
  recorder->data = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  recorder->closed = 0;
  g_signal_connect (client, "event", G_CALLBACK (on_event), recorder);
  g_signal_connect (client, "closed", G_CALLBACK (on_closed), recorder);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
client_connect (HvQmpClient  *client,
                guint         timeout_ms,
                GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_qmp_client_connect_async (client, timeout_ms, NULL, store_result, &result);
  return hv_qmp_client_connect_finish (client, hv_test_wait_result (&result, 20000), error);
}

static JsonNode *
client_execute (HvQmpClient  *client,
                const char   *command,
                JsonObject   *arguments,
                GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_qmp_client_execute_async (client, command, arguments, NULL, store_result, &result);
  return hv_qmp_client_execute_finish (client, hv_test_wait_result (&result, 20000), error);
}

/* The whole conversation with one real QEMU: greeting, capabilities, commands with and
 * without arguments, error replies, events, concurrent commands, and the end. */
static void
test_qmp_real_qemu (void)
{
  g_autoptr(Qemu) qemu = qemu_start ();
  g_autoptr(HvQmpClient) client = hv_qmp_client_new (qemu->socket_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_autoptr(JsonNode) hmp = NULL;
  g_autoptr(JsonNode) bogus = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonObject) arguments = json_object_new ();
  g_autoptr(GAsyncResult) r_version = NULL;
  g_autoptr(GAsyncResult) r_status = NULL;
  g_autoptr(GAsyncResult) r_quit = NULL;
  g_autoptr(JsonNode) version = NULL;
  g_autoptr(JsonNode) status2 = NULL;
  g_autoptr(JsonNode) quit = NULL;
  Recorder recorder;
  JsonObject *greeting;

  recorder_init (&recorder, client);
  g_assert_false (hv_qmp_client_is_connected (client));
  g_assert_true (client_connect (client, 0, &error));
  g_assert_no_error (error);
  g_assert_true (hv_qmp_client_is_connected (client));

  /* The greeting names QEMU's version. */
  greeting = hv_qmp_client_get_greeting (client);
  g_assert_nonnull (greeting);
  g_assert_true (json_object_has_member (greeting, "version"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (greeting, "version"), "qemu"), "major"), >=, 7);

  /* Capabilities were negotiated: query commands work. */
  status = client_execute (client, "query-status", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (status));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (status), "status"), ==, "running");

  /* Arguments reach QEMU. */
  json_object_set_string_member (arguments, "command-line", "info version");
  hmp = client_execute (client, "human-monitor-command", arguments, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (json_node_get_string (hmp), "7."));

  /* QMP errors carry QEMU's desc and class. */
  bogus = client_execute (client, "no-such-command", NULL, &error);
  g_assert_null (bogus);
  g_assert_error (error, HV_QMP_ERROR, HV_QMP_ERROR_COMMAND_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-command"));
  g_clear_error (&error);
  missing = client_execute (client, "human-monitor-command", NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, HV_QMP_ERROR, HV_QMP_ERROR_GENERIC);
  g_assert_nonnull (strstr (error->message, "command-line"));
  g_clear_error (&error);

  /* Events arrive as signals. */
  g_clear_pointer (&status, json_node_unref);
  status = client_execute (client, "stop", NULL, &error);
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (recorder_has (&recorder, "STOP"), 10000);
  g_clear_pointer (&status, json_node_unref);
  status = client_execute (client, "cont", NULL, &error);
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (recorder_has (&recorder, "RESUME"), 10000);

  /* Two commands in flight at once are each answered with their own reply. */
  hv_qmp_client_execute_async (client, "query-version", NULL, NULL, store_result, &r_version);
  hv_qmp_client_execute_async (client, "query-status", NULL, NULL, store_result, &r_status);
  hv_test_wait_result (&r_status, 10000);
  hv_test_wait_result (&r_version, 10000);
  version = hv_qmp_client_execute_finish (client, r_version, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (json_node_get_object (version), "qemu"));
  status2 = hv_qmp_client_execute_finish (client, r_status, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (json_node_get_object (status2), "status"));

  /* quit: its reply (or the closed connection), SHUTDOWN with a reason, then "closed". */
  hv_qmp_client_execute_async (client, "quit", NULL, NULL, store_result, &r_quit);
  hv_test_wait_result (&r_quit, 10000);
  quit = hv_qmp_client_execute_finish (client, r_quit, &error);
  if (quit == NULL)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_clear_error (&error);
  HV_TEST_WAIT_FOR (recorder.closed == 1, 10000);
  g_assert_true (recorder_has (&recorder, "SHUTDOWN"));
  for (guint i = 0; i < recorder.events->len; i++)
    if (g_str_equal (g_ptr_array_index (recorder.events, i), "SHUTDOWN"))
      g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (recorder.data, i), "reason"),
                       ==, "host-qmp-quit");
  g_assert_false (hv_qmp_client_is_connected (client));

  /* A command after QEMU is gone fails at once, without hanging. */
  after = client_execute (client, "query-status", NULL, &error);
  g_assert_null (after);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_cmpuint (recorder.closed, ==, 1);

  g_signal_handlers_disconnect_by_data (client, &recorder);
  recorder_clear (&recorder);
  g_clear_object (&r_version);   /* results hold their source object */
  g_clear_object (&r_status);
  g_clear_object (&r_quit);
  g_assert_finalize_object (g_steal_pointer (&client));
}

/* A command pending when QEMU is killed fails with "closed" and "closed" is emitted. */
static void
test_qmp_killed (void)
{
  g_autoptr(Qemu) qemu = qemu_start ();
  g_autoptr(HvQmpClient) client = hv_qmp_client_new (qemu->socket_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) arguments = json_object_new ();
  Recorder recorder;

  recorder_init (&recorder, client);
  g_assert_true (client_connect (client, 0, &error));
  g_assert_no_error (error);

  g_subprocess_send_signal (qemu->qemu, SIGKILL);
  /* An HMP command that answers quickly; it may be sent before the kill lands. */
  json_object_set_string_member (arguments, "command-line", "info status");
  HV_TEST_WAIT_FOR (recorder.closed == 1, 10000);
  node = client_execute (client, "human-monitor-command", arguments, &error);
  g_assert_null (node);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_false (recorder_has (&recorder, "SHUTDOWN"));

  g_signal_handlers_disconnect_by_data (client, &recorder);
  recorder_clear (&recorder);
  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_qmp_no_socket (void)
{
  g_autoptr(HvQmpClient) client = hv_qmp_client_new ("/nonexistent/hv-test/qmp.sock");
  g_autoptr(GError) error = NULL;

  g_assert_false (client_connect (client, 0, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  g_assert_nonnull (strstr (error->message, "/nonexistent/hv-test/qmp.sock"));
  g_assert_false (hv_qmp_client_is_connected (client));
  g_assert_finalize_object (g_steal_pointer (&client));
}

/* A fake monitor: a thread accepts one client and plays a script. */
typedef struct {
  GSocket *listener;
  gboolean silent;   /* accept, never greet */
  char    *client_id;
  GCancellable *cancellable;
} FakeMonitor;

static void
send_all (GSocket    *socket,
          const char *text)
{
  gsize length = strlen (text);
  gsize done = 0;

  while (done < length)
    {
      gssize n = g_socket_send (socket, text + done, length - done, NULL, NULL);

      g_assert_cmpint (n, >, 0);
      done += n;
    }
  /* Let the client see each piece as its own read. */
  g_usleep (20 * 1000);
}

static char *
receive_line (GSocket *socket)
{
  GString *line = g_string_new (NULL);
  char c;

  while (g_socket_receive (socket, &c, 1, NULL, NULL) == 1 && c != '\n')
    g_string_append_c (line, c);
  return g_string_free (line, FALSE);
}

static char *
command_id (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, line, -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "id"));
}

static gpointer
fake_monitor_thread (gpointer user_data)
{
  FakeMonitor *fake = user_data;
  g_autoptr(GSocket) socket = g_socket_accept (fake->listener, fake->cancellable, NULL);
  g_autofree char *line = NULL;
  g_autofree char *id = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *line2 = NULL;
  g_autofree char *id2 = NULL;
  g_autofree char *reply2 = NULL;

  if (socket == NULL)
    return NULL;
  if (fake->silent)
    {
      char c;

      /* Hold the connection until the client gives up. */
      g_socket_receive (socket, &c, 1, NULL, NULL);
      return NULL;
    }

  /* The greeting in three pieces, breaking inside a string and before the newline. */
  send_all (socket, "{\"QMP\": {\"version\": {\"qemu\": {\"mic");
  send_all (socket, "ro\": 0, \"minor\": 2, \"major\": 7}}, \"capabilities\": []}}");
  send_all (socket, "\r\n");

  line = receive_line (socket);
  g_assert_nonnull (strstr (line, "qmp_capabilities"));
  id = command_id (line);
  reply = g_strdup_printf ("{\"return\": {}, \"id\": \"%s\"}\n", id);
  send_all (socket, reply);

  /* The reply, an event and a second event in one write, plus half a line. */
  line2 = receive_line (socket);
  g_assert_nonnull (strstr (line2, "query-status"));
  id2 = command_id (line2);
  reply2 = g_strdup_printf ("{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\n"
                            "{\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": \"%s\"}\n"
                            "{\"event\": \"RESUME\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 3}}\n"
                            "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, ", id2);
  send_all (socket, reply2);
  send_all (socket, "\"reason\": \"guest-shutdown\"}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 4}}\n");
  g_socket_close (socket, NULL);
  return NULL;
}

static FakeMonitor *
fake_monitor_new (const char *path,
                  gboolean    silent)
{
  FakeMonitor *fake = g_new0 (FakeMonitor, 1);
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GError) error = NULL;

  fake->silent = silent;
  fake->cancellable = g_cancellable_new ();
  fake->listener = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (fake->listener, address, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (fake->listener, &error));
  g_assert_no_error (error);
  return fake;
}

static void
fake_monitor_free (FakeMonitor *fake)
{
  g_cancellable_cancel (fake->cancellable);
  g_clear_object (&fake->cancellable);
  g_socket_close (fake->listener, NULL);
  g_clear_object (&fake->listener);
  g_free (fake);
}

static void
test_qmp_split_lines (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hv-qmp-fake-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "fake.sock", NULL);
  FakeMonitor *fake = fake_monitor_new (path, FALSE);
  GThread *thread = g_thread_new ("fake-qmp", fake_monitor_thread, fake);
  g_autoptr(HvQmpClient) client = hv_qmp_client_new (path);
  g_autoptr(JsonNode) status = NULL;
  JsonObject *greeting;
  Recorder recorder;

  recorder_init (&recorder, client);
  g_assert_true (client_connect (client, 0, &error));
  g_assert_no_error (error);
  greeting = hv_qmp_client_get_greeting (client);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (greeting, "version"), "qemu"), "minor"), ==, 2);

  status = client_execute (client, "query-status", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (status), "status"), ==, "paused");

  HV_TEST_WAIT_FOR (recorder.closed == 1, 10000);
  g_assert_cmpuint (recorder.events->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (recorder.events, 0), ==, "STOP");
  g_assert_cmpstr (g_ptr_array_index (recorder.events, 1), ==, "RESUME");
  g_assert_cmpstr (g_ptr_array_index (recorder.events, 2), ==, "SHUTDOWN");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (recorder.data, 2), "reason"), ==, "guest-shutdown");
  /* Events without data come with an empty object, never NULL. */
  g_assert_cmpuint (json_object_get_size (g_ptr_array_index (recorder.data, 0)), ==, 0);

  g_thread_join (thread);
  fake_monitor_free (fake);
  g_unlink (path);
  g_rmdir (dir);
  g_signal_handlers_disconnect_by_data (client, &recorder);
  recorder_clear (&recorder);
  g_assert_finalize_object (g_steal_pointer (&client));
}

/* QEMU serves one monitor client at a time: a second one is accepted but never greeted. */
static void
test_qmp_greeting_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hv-qmp-fake-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "silent.sock", NULL);
  FakeMonitor *fake = fake_monitor_new (path, TRUE);
  GThread *thread = g_thread_new ("fake-qmp", fake_monitor_thread, fake);
  g_autoptr(HvQmpClient) client = hv_qmp_client_new (path);
  gint64 begin = g_get_monotonic_time ();

  g_assert_false (client_connect (client, 300, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "another program"));
  g_assert_cmpint (g_get_monotonic_time () - begin, <, 5 * G_USEC_PER_SEC);
  g_assert_false (hv_qmp_client_is_connected (client));
  g_assert_finalize_object (g_steal_pointer (&client));   /* closes: the thread's read ends */

  g_thread_join (thread);
  fake_monitor_free (fake);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/qmp-client/real-qemu", test_qmp_real_qemu);
  g_test_add_func ("/qmp-client/killed", test_qmp_killed);
  g_test_add_func ("/qmp-client/no-socket", test_qmp_no_socket);
  g_test_add_func ("/qmp-client/split-lines", test_qmp_split_lines);
  g_test_add_func ("/qmp-client/greeting-timeout", test_qmp_greeting_timeout);

  return g_test_run ();
}
