// SPDX-License-Identifier: GPL-3.0-or-later
/* HvChatSession: the conversation, its transcript on disk, reloading and stopping. */
#include "config.h"

#include <gio/gio.h>

#include "hv-chat-session.h"
#include "hv-fake-ollama.h"
#include "hv-ollama-provider.h"
#include "hv-test-fixture.h"

#define REPLY "Bonjour ! Voilà un café à Zürich, 日本語も 🦙🚀."

/* The stats record of docs/api.md's final chat object. */
#define DOCS_STATS \
  "\"stats\":{\"done_reason\":\"stop\",\"total_duration\":4883583458,\"load_duration\":1334875," \
  "\"prompt_eval_count\":26,\"prompt_eval_duration\":342546000,\"eval_count\":282," \
  "\"eval_duration\":4535599000}"

typedef struct {
  HvFakeOllama *fake;
  HvOllamaProvider *provider;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->fake = hv_fake_ollama_new (&error);
  g_assert_no_error (error);
  f->provider = hv_ollama_provider_new (hv_fake_ollama_get_url (f->fake));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->provider);
  hv_fake_ollama_free (f->fake);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static HvChatMessage *
send (HvChatSession  *session,
      const char     *text,
      GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_chat_session_send_async (session, text, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  return hv_chat_session_send_finish (session, result, error);
}

/* The transcript's lines, each with its "ts" checked (RFC 3339, UTC, microseconds) and
 * replaced by "TS" so that the rest can be compared literally. */
static GStrv
read_transcript (HvChatSession *session)
{
  g_autofree char *path = hv_chat_session_dup_path (session);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) ts = g_regex_new ("^\\{\"ts\":\"(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z)\",", 0, 0, NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GStrvBuilder) result = g_strv_builder_new ();

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (contents, "\n"));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autofree char *replaced = NULL;

      g_assert_true (g_regex_match (ts, lines[i], 0, NULL));
      replaced = g_regex_replace_literal (ts, lines[i], -1, 0, "{\"ts\":\"TS\",", 0, NULL);
      g_strv_builder_add (result, replaced);
    }
  return g_strv_builder_end (result);
}

static void
test_send_writes_transcript (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(HvChatSession) session = hv_chat_session_new (HV_CHAT_PROVIDER (f->provider), "llama3.2");
  g_autoptr(HvChatMessage) reply = NULL;
  g_autoptr(HvChatMessage) user = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *expected_path = NULL;
  g_autofree char *path = NULL;

  g_assert_true (g_regex_match_simple ("^\\d{8}-\\d{6}-[0-9a-f]{8}$", hv_chat_session_get_id (session), 0, 0));
  g_assert_cmpstr (hv_chat_session_get_provider_id (session), ==, "ollama");
  g_assert_cmpstr (hv_chat_session_get_title (session), ==, "");

  reply = send (session, "Why is the sky blue?", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hv_chat_message_get_content (reply), ==, REPLY);
  g_assert_false (hv_chat_session_get_busy (session));
  g_assert_cmpstr (hv_chat_session_get_title (session), ==, "Why is the sky blue?");

  g_assert_cmpuint (g_list_model_get_n_items (hv_chat_session_get_messages (session)), ==, 2);
  user = g_list_model_get_item (hv_chat_session_get_messages (session), 0);
  g_assert_cmpint (hv_chat_message_get_role (user), ==, HV_CHAT_ROLE_USER);
  g_assert_cmpstr (hv_chat_message_get_content (user), ==, "Why is the sky blue?");

  expected_path = g_build_filename (g_get_user_data_dir (), "hydravisor", "chats", NULL);
  path = hv_chat_session_dup_path (session);
  g_assert_true (g_str_has_prefix (path, expected_path));
  g_assert_true (g_str_has_suffix (path, ".jsonl"));

  lines = read_transcript (session);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[0], ==,
                   "{\"ts\":\"TS\",\"role\":\"user\",\"provider\":\"ollama\",\"model\":\"llama3.2\","
                   "\"content\":\"Why is the sky blue?\",\"state\":\"complete\"}");
  g_assert_cmpstr (lines[1], ==,
                   "{\"ts\":\"TS\",\"role\":\"assistant\",\"provider\":\"ollama\",\"model\":\"llama3.2\","
                   "\"content\":\"" REPLY "\",\"state\":\"complete\"," DOCS_STATS "}");

  /* Nothing (a pending write, a signal connection) keeps the chat alive. */
  g_clear_object (&reply);
  g_clear_object (&user);
  g_assert_finalize_object (g_steal_pointer (&session));
}

static void
test_conversation_and_reload (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(HvChatSession) session = hv_chat_session_new (HV_CHAT_PROVIDER (f->provider), "llama3.2");
  g_autoptr(HvChatSession) loaded = NULL;
  g_autoptr(HvChatMessage) reply = NULL;
  g_autoptr(HvChatMessage) thinking = NULL;
  g_autoptr(HvChatMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  g_auto(GStrv) lines = NULL;
  GListModel *messages;
  const HvChatStats *stats;

  reply = send (session, "Why is the sky blue?", &error);
  g_assert_no_error (error);
  g_clear_object (&reply);

  /* The next message carries the whole conversation. */
  hv_chat_session_set_model (session, "thinking");
  thinking = send (session, "And the answer?", &error);
  g_assert_no_error (error);
  request = json_to_string (hv_fake_ollama_get_last_request (f->fake, "/api/chat"), FALSE);
  g_assert_cmpstr (request, ==,
                   "{\"model\":\"thinking\",\"messages\":["
                   "{\"role\":\"user\",\"content\":\"Why is the sky blue?\"},"
                   "{\"role\":\"assistant\",\"content\":\"" REPLY "\"},"
                   "{\"role\":\"user\",\"content\":\"And the answer?\"}],\"stream\":true}");

  lines = read_transcript (session);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[3], ==,
                   "{\"ts\":\"TS\",\"role\":\"assistant\",\"provider\":\"ollama\",\"model\":\"thinking\","
                   "\"content\":\"The answer is 42.\",\"thinking\":\"Let me think about 日本.\","
                   "\"state\":\"complete\"," DOCS_STATS "}");

  loaded = hv_chat_session_load (hv_chat_session_get_id (session), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hv_chat_session_get_id (loaded), ==, hv_chat_session_get_id (session));
  g_assert_null (hv_chat_session_get_provider (loaded));
  g_assert_cmpstr (hv_chat_session_get_provider_id (loaded), ==, "ollama");
  g_assert_cmpstr (hv_chat_session_get_model (loaded), ==, "thinking");
  g_assert_cmpstr (hv_chat_session_get_title (loaded), ==, "Why is the sky blue?");

  messages = hv_chat_session_get_messages (loaded);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 4);
  message = g_list_model_get_item (messages, 1);
  g_assert_cmpint (hv_chat_message_get_role (message), ==, HV_CHAT_ROLE_ASSISTANT);
  g_assert_cmpstr (hv_chat_message_get_content (message), ==, REPLY);
  g_assert_cmpstr (hv_chat_message_get_model (message), ==, "llama3.2");
  g_assert_cmpint (hv_chat_message_get_state (message), ==, HV_CHAT_MESSAGE_COMPLETE);
  {
    g_autoptr(HvChatMessage) original = g_list_model_get_item (hv_chat_session_get_messages (session), 1);

    g_assert_true (g_date_time_equal (hv_chat_message_get_created (message), hv_chat_message_get_created (original)));
  }
  stats = hv_chat_message_get_stats (message);
  g_assert_cmpint (stats->eval_count, ==, 282);
  g_assert_cmpint (stats->eval_duration, ==, 4535599000);
  g_assert_cmpstr (stats->done_reason, ==, "stop");
  g_clear_object (&message);
  message = g_list_model_get_item (messages, 3);
  g_assert_cmpstr (hv_chat_message_get_thinking (message), ==, "Let me think about 日本.");
  g_clear_object (&message);

  /* The loaded chat continues in the same file once it has a provider. */
  hv_chat_session_set_provider (loaded, HV_CHAT_PROVIDER (f->provider));
  hv_chat_session_set_model (loaded, "llama3.2");
  g_clear_object (&reply);
  reply = send (loaded, "Thanks", &error);
  g_assert_no_error (error);
  g_clear_pointer (&lines, g_strfreev);
  lines = read_transcript (session);
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  g_assert_cmpstr (lines[4], ==,
                   "{\"ts\":\"TS\",\"role\":\"user\",\"provider\":\"ollama\",\"model\":\"llama3.2\","
                   "\"content\":\"Thanks\",\"state\":\"complete\"}");
  g_free (request);
  request = json_to_string (hv_fake_ollama_get_last_request (f->fake, "/api/chat"), FALSE);
  g_assert_true (g_str_has_prefix (request, "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"},"));
  g_assert_true (g_str_has_suffix (request, "{\"role\":\"user\",\"content\":\"Thanks\"}],\"stream\":true}"));
}

static void
test_list_and_delete_saved (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(HvChatSession) first = hv_chat_session_new (HV_CHAT_PROVIDER (f->provider), "llama3.2");
  g_autoptr(HvChatSession) second = hv_chat_session_new (HV_CHAT_PROVIDER (f->provider), "codellama:13b");
  g_autoptr(HvChatMessage) reply = NULL;
  g_autoptr(GListModel) saved = NULL;
  g_autoptr(HvChatSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HvChatSession) missing = NULL;

  /* None yet. */
  saved = hv_chat_session_list_saved (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 0);
  g_clear_object (&saved);

  reply = send (first, "Why is the sky blue?\nAnswer briefly.", &error);
  g_assert_no_error (error);
  g_clear_object (&reply);
  reply = send (second, "Write a quicksort in C", &error);
  g_assert_no_error (error);

  hv_chat_session_list_saved_async (NULL, store_result, &result);
  hv_test_wait_result (&result, 5000);
  saved = hv_chat_session_list_saved_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 2);
  /* Newest first. */
  summary = g_list_model_get_item (saved, 0);
  g_assert_cmpstr (hv_chat_summary_get_id (summary), ==, hv_chat_session_get_id (second));
  g_assert_cmpstr (hv_chat_summary_get_title (summary), ==, "Write a quicksort in C");
  g_assert_cmpstr (hv_chat_summary_get_model (summary), ==, "codellama:13b");
  g_assert_cmpstr (hv_chat_summary_get_provider (summary), ==, "ollama");
  g_assert_cmpuint (hv_chat_summary_get_n_messages (summary), ==, 2);
  g_assert_nonnull (hv_chat_summary_get_modified (summary));
  g_clear_object (&summary);
  summary = g_list_model_get_item (saved, 1);
  g_assert_cmpstr (hv_chat_summary_get_id (summary), ==, hv_chat_session_get_id (first));
  g_assert_cmpstr (hv_chat_summary_get_title (summary), ==, "Why is the sky blue?");
  g_clear_object (&saved);

  g_assert_true (hv_chat_session_delete_saved (hv_chat_session_get_id (second), &error));
  g_assert_no_error (error);
  saved = hv_chat_session_list_saved (&error);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 1);

  g_assert_false (hv_chat_session_delete_saved (hv_chat_session_get_id (second), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  missing = hv_chat_session_load (hv_chat_session_get_id (second), &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hv_chat_session_delete_saved ("../config", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

typedef struct {
  gint64 stopped_at;
  gint64 finished_at;
  GAsyncResult *result;
} StopTiming;

static void
on_stop_finished (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  StopTiming *timing = user_data;

  timing->finished_at = g_get_monotonic_time ();
  timing->result = g_object_ref (result);
}

static void
on_delta (HvChatSession *session,
          HvChatMessage *message,
          const char    *text,
          gpointer       user_data)
{
  g_string_append (user_data, text);
}

static gboolean
has_two_ticks (gpointer data)
{
  return g_str_has_prefix (((GString *) data)->str, "tick tick ");
}

static void
test_stop_keeps_partial_reply (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(HvChatSession) session = hv_chat_session_new (HV_CHAT_PROVIDER (f->provider), "slow-stream");
  g_autoptr(GString) streamed = g_string_new (NULL);
  g_autoptr(HvChatMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) busy_result = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *expected = NULL;
  StopTiming timing = { 0 };

  g_signal_connect (session, "delta::content", G_CALLBACK (on_delta), streamed);
  hv_chat_session_send_async (session, "Count", NULL, on_stop_finished, &timing);
  g_assert_true (hv_chat_session_get_busy (session));
  g_assert_true (hv_test_wait_for (has_two_ticks, streamed, 5000));

  /* One reply at a time. */
  hv_chat_session_send_async (session, "Again", NULL, store_result, &busy_result);
  hv_test_wait_result (&busy_result, 1000);
  g_assert_null (hv_chat_session_send_finish (session, busy_result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);

  timing.stopped_at = g_get_monotonic_time ();
  hv_chat_session_stop (session);
  hv_test_wait_result (&timing.result, 5000);
  g_assert_cmpint (timing.finished_at - timing.stopped_at, <, 200 * 1000);
  g_assert_null (hv_chat_session_send_finish (session, timing.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&timing.result);
  g_assert_false (hv_chat_session_get_busy (session));

  g_assert_cmpuint (g_list_model_get_n_items (hv_chat_session_get_messages (session)), ==, 2);
  reply = g_list_model_get_item (hv_chat_session_get_messages (session), 1);
  g_assert_cmpint (hv_chat_message_get_state (reply), ==, HV_CHAT_MESSAGE_INTERRUPTED);
  g_assert_cmpstr (hv_chat_message_get_content (reply), ==, streamed->str);
  g_assert_true (g_regex_match_simple ("^(tick ){2,}$", streamed->str, 0, 0));

  /* The partial reply is in the transcript, marked. */
  lines = read_transcript (session);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  expected = g_strdup_printf ("{\"ts\":\"TS\",\"role\":\"assistant\",\"provider\":\"ollama\",\"model\":\"slow-stream\","
                              "\"content\":\"%s\",\"state\":\"interrupted\"}", streamed->str);
  g_assert_cmpstr (lines[1], ==, expected);
}

static void
test_dropped_connection_recorded (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(HvChatSession) session = hv_chat_session_new (HV_CHAT_PROVIDER (f->provider), "drop-mid-stream");
  g_autoptr(HvChatMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *prefix = NULL;

  g_assert_null (send (session, "Hello", &error));
  g_assert_error (error, HV_MODEL_ERROR, HV_MODEL_ERROR_CONNECTION_LOST);

  reply = g_list_model_get_item (hv_chat_session_get_messages (session), 1);
  g_assert_cmpint (hv_chat_message_get_state (reply), ==, HV_CHAT_MESSAGE_INTERRUPTED);
  g_assert_cmpstr (hv_chat_message_get_content (reply), ==, "Bonjour ! Voilà");

  lines = read_transcript (session);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  prefix = g_strdup_printf ("{\"ts\":\"TS\",\"role\":\"assistant\",\"provider\":\"ollama\",\"model\":\"drop-mid-stream\","
                            "\"content\":\"Bonjour ! Voilà\",\"state\":\"interrupted\","
                            "\"error\":\"the connection to Ollama at %s was lost in the middle of the reply: ",
                            hv_fake_ollama_get_url (f->fake));
  g_assert_true (g_str_has_prefix (lines[1], prefix));
  g_assert_true (g_str_has_suffix (lines[1], "\"}"));
}

static void
test_not_persistent (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HvChatSession) session = hv_chat_session_new (HV_CHAT_PROVIDER (f->provider), "llama3.2");
  g_autoptr(HvChatMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  hv_chat_session_set_persistent (session, FALSE);
  reply = send (session, "Why is the sky blue?", &error);
  g_assert_no_error (error);
  path = hv_chat_session_dup_path (session);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_no_model (void)
{
  g_autoptr(HvChatSession) session = hv_chat_session_new (NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (send (session, "Hello", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_assert_cmpuint (g_list_model_get_n_items (hv_chat_session_get_messages (session)), ==, 0);
}

static void
test_title_is_first_line_shortened (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(HvChatSession) session = hv_chat_session_new (HV_CHAT_PROVIDER (f->provider), "llama3.2");
  g_autoptr(HvChatMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  hv_chat_session_set_persistent (session, FALSE);
  reply = send (session, "  Ünïcödé title that goes on and on and on well beyond the eighty characters allowed\nsecond line", &error);
  g_assert_no_error (error);
  /* 79 characters and an ellipsis. */
  g_assert_cmpstr (hv_chat_session_get_title (session), ==,
                   "Ünïcödé title that goes on and on and on well beyond the eighty characters allo…");
}

int
main (int    argc,
      char **argv)
{
  /* The tests talk to loopback only. GIO's GNOME proxy resolver needs the
   * org.gnome.system.proxy schema, which GSETTINGS_SCHEMA_DIR hides in the test
   * environment: use no proxy resolver at all (the CLI children inherit this). */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  hv_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/models/chat-session/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("send-writes-transcript", test_send_writes_transcript);
  ADD ("conversation-and-reload", test_conversation_and_reload);
  ADD ("list-and-delete-saved", test_list_and_delete_saved);
  ADD ("stop-keeps-partial-reply", test_stop_keeps_partial_reply);
  ADD ("dropped-connection-recorded", test_dropped_connection_recorded);
  ADD ("not-persistent", test_not_persistent);
  ADD ("title", test_title_is_first_line_shortened);
  g_test_add_func ("/models/chat-session/no-model", test_no_model);

  return g_test_run ();
}
