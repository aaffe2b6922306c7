// SPDX-License-Identifier: GPL-3.0-or-later
/* `hydravisor models …` and `hydravisor chat …`: the real binary against the fake Ollama,
 * which runs in this process while the CLI runs as a child. */
#include "config.h"

#include <gio/gio.h>
#include <signal.h>

#include "hv-fake-ollama.h"
#include "hv-test-fixture.h"

#define REPLY "Bonjour ! Voilà un café à Zürich, 日本語も 🦙🚀."

typedef struct {
  HvFakeOllama *fake;
  char *config_dir;
} Fixture;

static void
write_config (Fixture    *f,
              const char *host,
              const char *extra)
{
  g_autofree char *file = g_build_filename (f->config_dir, "config.toml", NULL);
  g_autofree char *text = g_strdup_printf ("%s[providers.ollama]\nhost = \"%s\"\n", extra ? extra : "", host);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, text, -1, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->fake = hv_fake_ollama_new (&error);
  g_assert_no_error (error);
  f->config_dir = g_build_filename (g_get_user_config_dir (), "hv-test-config", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->config_dir, 0700), ==, 0);
  write_config (f, hv_fake_ollama_get_url (f->fake), NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  hv_fake_ollama_free (f->fake);
  g_free (f->config_dir);
}

/* One run of the binary, read while this process keeps serving. */
typedef struct {
  GSubprocess *process;
  GString *out;
  GString *err;
  gboolean out_done;
  gboolean err_done;
  gboolean exited;
  int status;
} Run;

static void
run_free (Run *run)
{
  g_clear_object (&run->process);
  g_string_free (run->out, TRUE);
  g_string_free (run->err, TRUE);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

typedef struct {
  Run *run;
  GString *into;
  gboolean *done;
} Reader;

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reader *reader = user_data;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      *reader->done = TRUE;
      g_free (reader);
      return;
    }
  g_string_append_len (reader->into, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_input_stream_read_bytes_async (G_INPUT_STREAM (object), 65536, G_PRIORITY_DEFAULT, NULL, on_read, reader);
}

static void
read_all (Run          *run,
          GInputStream *stream,
          GString      *into,
          gboolean     *done)
{
  Reader *reader = g_new0 (Reader, 1);

  reader->run = run;
  reader->into = into;
  reader->done = done;
  g_input_stream_read_bytes_async (stream, 65536, G_PRIORITY_DEFAULT, NULL, on_read, reader);
}

static void
on_process_exit (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL));
  g_assert_true (g_subprocess_get_if_exited (G_SUBPROCESS (object)));
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (object));
  run->exited = TRUE;
}

/* Starts `hydravisor --config DIR ARGS…` with @input on its standard input. */
static Run *
run_start (Fixture    *f,
           const char *input,
           const char *first,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  GOutputStream *stdin_pipe;
  Run *run = g_new0 (Run, 1);
  va_list args;

  g_assert_nonnull (g_getenv ("HV_BINARY"));
  g_ptr_array_add (argv, (char *) g_getenv ("HV_BINARY"));
  g_ptr_array_add (argv, (char *) "--config");
  g_ptr_array_add (argv, f->config_dir);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  env = g_environ_unsetenv (env, "DISPLAY");
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  env = g_environ_unsetenv (env, "OLLAMA_HOST");
  /* The isolated folders of this test (GLib sets them in-process only), so the child
   * writes its transcripts where this test looks, never in the real ones. */
  env = g_environ_setenv (env, "HOME", g_get_home_dir (), TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  env = g_environ_setenv (env, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  env = g_environ_setenv (env, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  env = g_environ_setenv (env, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  env = g_environ_setenv (env, "TZ", "UTC", TRUE);
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_set_environ (launcher, env);

  run->out = g_string_new (NULL);
  run->err = g_string_new (NULL);
  run->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  stdin_pipe = g_subprocess_get_stdin_pipe (run->process);
  if (input != NULL)
    g_assert_true (g_output_stream_write_all (stdin_pipe, input, strlen (input), NULL, NULL, &error));
  g_assert_true (g_output_stream_close (stdin_pipe, NULL, &error));

  read_all (run, g_subprocess_get_stdout_pipe (run->process), run->out, &run->out_done);
  read_all (run, g_subprocess_get_stderr_pipe (run->process), run->err, &run->err_done);
  g_subprocess_wait_async (run->process, NULL, on_process_exit, run);
  return run;
}

static void
run_wait (Run *run)
{
  HV_TEST_WAIT_FOR (run->out_done && run->err_done && run->exited, 20000);
}

#define RUN(f, input, ...) \
  ({ Run *_run = run_start ((f), (input), __VA_ARGS__, NULL); run_wait (_run); _run; })

static void
test_models_list (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Run) run = RUN (f, NULL, "models", "list");

  g_assert_cmpstr (run->err->str, ==, "");
  g_assert_cmpint (run->status, ==, 0);
  /* Sizes in decimal units as Ollama shows them; times in local time (TZ=UTC here). */
  g_assert_cmpstr (run->out->str, ==,
                   "NAME             SIZE    PARAMS  QUANT   MODIFIED\n"
                   "codellama:13b    7.4 GB  13B     Q4_0    2023-11-04 21:56\n"
                   "llama3:latest    3.8 GB  7B      Q4_0    2023-12-07 17:32\n"
                   "llama3.2:latest  2.0 GB  3.2B    Q4_K_M  2024-09-25 16:16\n");
}

static char *
compact_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_to_string (json_parser_get_root (parser), FALSE);
}

static void
test_models_list_json (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(Run) run = RUN (f, NULL, "models", "list", "--provider", "ollama", "--json");
  g_autofree char *json = NULL;

  g_assert_cmpstr (run->err->str, ==, "");
  g_assert_cmpint (run->status, ==, 0);
  json = compact_json (run->out->str);
  g_assert_cmpstr (json, ==,
                   "[{\"name\":\"codellama:13b\",\"provider\":\"ollama\",\"size\":7365960935,\"parameter_size\":\"13B\","
                   "\"quantization\":\"Q4_0\",\"family\":\"llama\",\"format\":\"gguf\","
                   "\"digest\":\"9f438cb9cd581fc025612d27f7c1a6669ff83a8bb0ed86c94fcf4c5440555697\","
                   "\"modified\":\"2023-11-04T21:56:49.277302Z\"},"
                   "{\"name\":\"llama3:latest\",\"provider\":\"ollama\",\"size\":3825819519,\"parameter_size\":\"7B\","
                   "\"quantization\":\"Q4_0\",\"family\":\"llama\",\"format\":\"gguf\","
                   "\"digest\":\"fe938a131f40e6f6d40083c9f0f430a515233eb2edaa6d72eb85c50d64f2300e\","
                   "\"modified\":\"2023-12-07T17:32:18.757212Z\"},"
                   "{\"name\":\"llama3.2:latest\",\"provider\":\"ollama\",\"size\":2019393189,\"parameter_size\":\"3.2B\","
                   "\"quantization\":\"Q4_K_M\",\"family\":\"llama\",\"format\":\"gguf\","
                   "\"digest\":\"a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72\","
                   "\"modified\":\"2024-09-25T16:16:39.525436Z\"}]");
}

static void
test_models_ps_and_show (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Run) ps = RUN (f, NULL, "models", "ps");
  g_autoptr(Run) show = RUN (f, NULL, "models", "show", "llama3.2");
  g_autoptr(Run) missing = RUN (f, NULL, "models", "show", "phi3");
  g_autofree char *expected = NULL;

  g_assert_cmpint (ps->status, ==, 0);
  g_assert_cmpstr (ps->out->str, ==,
                   "NAME            SIZE    VRAM    PARAMS  QUANT  UNTIL\n"
                   "mistral:latest  5.1 GB  5.1 GB  7.2B    Q4_0   2024-06-04 21:38\n");
  g_assert_cmpint (show->status, ==, 0);
  g_assert_cmpstr (show->out->str, ==,
                   "name            llama3.2\n"
                   "family          llama\n"
                   "parameters      3.2B\n"
                   "quantization    Q4_K_M\n"
                   "context length  131072\n"
                   "capabilities    completion, tools\n"
                   "modified        2024-09-25 16:16\n");
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_cmpstr (missing->out->str, ==, "");
  expected = g_strdup_printf ("hydravisor: models show: Ollama at %s does not have the model “phi3” "
                              "(it answered: model 'phi3' not found). Download it with “hydravisor models pull phi3”\n",
                              hv_fake_ollama_get_url (f->fake));
  g_assert_cmpstr (missing->err->str, ==, expected);
}

static void
test_models_pull (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Run) run = RUN (f, NULL, "models", "pull", "tinyllama");
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) failed = NULL;
  g_autofree char *expected = NULL;

  g_assert_cmpstr (run->err->str, ==, "");
  g_assert_cmpint (run->status, ==, 0);
  /* Not a terminal: one line per step, and per tenth of a layer. */
  g_assert_cmpstr (run->out->str, ==,
                   "pulling manifest\n"
                   "downloading sha256:2644915ede352ea7bdfaff0bfac0be74c719d5d5202acb63a6fb095b52f394a4: 0%\n"
                   "downloading sha256:2644915ede352ea7bdfaff0bfac0be74c719d5d5202acb63a6fb095b52f394a4: 25%\n"
                   "downloading sha256:2644915ede352ea7bdfaff0bfac0be74c719d5d5202acb63a6fb095b52f394a4: 45%\n"
                   "downloading sha256:2644915ede352ea7bdfaff0bfac0be74c719d5d5202acb63a6fb095b52f394a4: 100%\n"
                   "downloading sha256:966de95ca8a62200913e3f8bfbf84c8494536f1b94b49166851e76644e966396: 100%\n"
                   "verifying sha256 digest\n"
                   "writing manifest\n"
                   "removing any unused layers\n"
                   "success\n");

  list = RUN (f, NULL, "models", "list");
  g_assert_true (g_str_has_suffix (list->out->str, "tinyllama:latest  637.7 MB  1B      Q4_0    2024-01-31 10:02\n"));

  failed = RUN (f, NULL, "models", "pull", "no-such-model");
  g_assert_cmpint (failed->status, ==, 1);
  g_assert_cmpstr (failed->out->str, ==, "pulling manifest\n");
  expected = g_strdup_printf ("hydravisor: models pull: Ollama at %s stopped with an error: "
                              "pull model manifest: file does not exist\n", hv_fake_ollama_get_url (f->fake));
  g_assert_cmpstr (failed->err->str, ==, expected);
}

static void
test_models_delete (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Run) run = RUN (f, NULL, "models", "delete", "llama3:latest");
  g_autoptr(Run) again = RUN (f, NULL, "models", "delete", "llama3:latest");
  g_autoptr(Run) usage = RUN (f, NULL, "models", "delete");
  g_autofree char *expected = NULL;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->out->str, ==, "deleted llama3:latest\n");
  g_assert_cmpstr (run->err->str, ==, "");

  g_assert_cmpint (again->status, ==, 1);
  expected = g_strdup_printf ("hydravisor: models delete: Ollama at %s does not have the model “llama3:latest” "
                              "(it answered: model 'llama3:latest' not found)\n", hv_fake_ollama_get_url (f->fake));
  g_assert_cmpstr (again->err->str, ==, expected);

  g_assert_cmpint (usage->status, ==, 2);
  g_assert_true (g_str_has_prefix (usage->err->str, "hydravisor: models delete needs a model name\nusage: hydravisor models "));
}

static char **
saved_chats (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "hydravisor", "chats", NULL);
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_strv_builder_add (builder, path);
    }
  return g_strv_builder_end (builder);
}

static char *
last_chat_request (Fixture *f)
{
  return json_to_string (hv_fake_ollama_get_last_request (f->fake, "/api/chat"), FALSE);
}

static void
test_chat_streams_reply (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Run) run = RUN (f, NULL, "chat", "--model", "llama3.2", "Why is the sky blue?");
  g_autofree char *request = last_chat_request (f);
  g_auto(GStrv) chats = saved_chats ();
  g_autofree char *transcript = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpstr (run->err->str, ==, "");
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->out->str, ==, REPLY "\n");
  g_assert_cmpstr (request, ==,
                   "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}],\"stream\":true}");

  /* Saved like the window's chats. */
  g_assert_cmpuint (g_strv_length (chats), ==, 1);
  g_assert_true (g_file_get_contents (chats[0], &transcript, NULL, NULL));
  lines = g_strsplit (transcript, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_nonnull (strstr (lines[0], "\"role\":\"user\",\"provider\":\"ollama\",\"model\":\"llama3.2\",\"content\":\"Why is the sky blue?\""));
  g_assert_nonnull (strstr (lines[1], "\"role\":\"assistant\",\"provider\":\"ollama\",\"model\":\"llama3.2\",\"content\":\"" REPLY "\",\"state\":\"complete\""));
}

static void
test_chat_json_stats (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(Run) run = RUN (f, NULL, "chat", "--json", "--model=llama3.2", "Why is the sky blue?");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *expected = NULL;
  g_autofree char *chat_file = NULL;
  const char *chat_id;
  g_auto(GStrv) chats = NULL;
  const char *stats_line;
  JsonObject *object;

  g_assert_cmpstr (run->err->str, ==, "");
  g_assert_cmpint (run->status, ==, 0);
  /* The reply, then the statistics on a line of their own. */
  g_assert_true (g_str_has_prefix (run->out->str, REPLY "\n{"));
  g_assert_true (g_str_has_suffix (run->out->str, "}\n"));
  stats_line = run->out->str + strlen (REPLY "\n");
  g_assert_true (strchr (stats_line, '\n') == stats_line + strlen (stats_line) - 1);

  g_assert_true (json_parser_load_from_data (parser, stats_line, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  chat_id = json_object_get_string_member (object, "chat_id");
  chat_file = g_strconcat (chat_id, ".jsonl", NULL);
  chats = saved_chats ();
  g_assert_cmpuint (g_strv_length (chats), ==, 1);
  g_assert_true (g_str_has_suffix (chats[0], chat_file));
  expected = g_strdup_printf ("{\"chat_id\":\"%s\",\"provider\":\"ollama\",\"model\":\"llama3.2\",\"done_reason\":\"stop\","
                              "\"total_duration\":4883583458,\"load_duration\":1334875,\"prompt_eval_count\":26,"
                              "\"prompt_eval_duration\":342546000,\"eval_count\":282,\"eval_duration\":4535599000,"
                              "\"tokens_per_second\":62.17}\n", chat_id);
  g_assert_cmpstr (stats_line, ==, expected);
}

static void
test_chat_prompt_from_stdin (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(Run) dash = RUN (f, "Why is the sky blue?\n", "chat", "--model", "llama3.2", "-");
  g_autofree char *request = last_chat_request (f);
  g_autoptr(Run) none = NULL;
  g_autoptr(Run) empty = NULL;

  g_assert_cmpint (dash->status, ==, 0);
  g_assert_cmpstr (dash->out->str, ==, REPLY "\n");
  /* The newline that ends the input is not part of the question. */
  g_assert_cmpstr (request, ==,
                   "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}],\"stream\":true}");

  none = RUN (f, "Line one\nline two\n", "chat", "--model", "llama3.2");
  g_assert_cmpint (none->status, ==, 0);
  g_free (request);
  request = last_chat_request (f);
  g_assert_nonnull (strstr (request, "{\"role\":\"user\",\"content\":\"Line one\\nline two\"}"));

  empty = RUN (f, "", "chat", "--model", "llama3.2");
  g_assert_cmpint (empty->status, ==, 2);
  g_assert_true (g_str_has_prefix (empty->err->str, "hydravisor: the prompt is empty\nusage: hydravisor chat "));
}

static void
test_chat_default_model (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Run) run = NULL;
  g_autofree char *request = NULL;
  g_auto(GStrv) chats = NULL;

  write_config (f, hv_fake_ollama_get_url (f->fake), "[defaults]\nmodel = \"ollama:codellama:13b\"\n\n");
  run = RUN (f, NULL, "chat", "--no-save", "Write a quicksort in C");
  g_assert_cmpstr (run->err->str, ==, "");
  g_assert_cmpint (run->status, ==, 0);
  request = last_chat_request (f);
  g_assert_true (g_str_has_prefix (request, "{\"model\":\"codellama:13b\","));
  /* --no-save left nothing behind. */
  chats = saved_chats ();
  g_assert_cmpuint (g_strv_length (chats), ==, 0);
}

static void
test_chat_thinking (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Run) hidden = RUN (f, NULL, "chat", "--model", "thinking", "Why?");
  g_autoptr(Run) shown = RUN (f, NULL, "chat", "--show-thinking", "--model", "thinking", "Why?");

  /* Standard output has the answer only; the reasoning goes to standard error on request. */
  g_assert_cmpint (hidden->status, ==, 0);
  g_assert_cmpstr (hidden->out->str, ==, "The answer is 42.\n");
  g_assert_cmpstr (hidden->err->str, ==, "");
  g_assert_cmpint (shown->status, ==, 0);
  g_assert_cmpstr (shown->out->str, ==, "The answer is 42.\n");
  g_assert_cmpstr (shown->err->str, ==, "Let me think about 日本.\n");
}

static void
test_chat_errors (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Run) missing = RUN (f, NULL, "chat", "--model", "nope", "Hi");
  g_autoptr(Run) broken = RUN (f, NULL, "chat", "--model", "error-mid-stream", "Hi");
  g_autoptr(Run) bad_provider = RUN (f, NULL, "chat", "--provider", "nope", "--model", "x", "Hi");
  g_autoptr(Run) bedrock = RUN (f, NULL, "chat", "--provider", "bedrock", "--model", "anthropic.claude-v2", "Hi");
  g_autofree char *expected = NULL;

  g_assert_cmpint (missing->status, ==, 1);
  g_assert_cmpstr (missing->out->str, ==, "");
  expected = g_strdup_printf ("hydravisor: chat: Ollama at %s does not have the model “nope” (it answered: "
                              "model \"nope\" not found, try pulling it first). "
                              "Download it with “hydravisor models pull nope”\n", hv_fake_ollama_get_url (f->fake));
  g_assert_cmpstr (missing->err->str, ==, expected);

  /* The part of the reply that arrived is printed, and ended with a newline. */
  g_assert_cmpint (broken->status, ==, 1);
  g_assert_cmpstr (broken->out->str, ==, "Bonjour ! Voilà\n");
  g_free (expected);
  expected = g_strdup_printf ("hydravisor: chat: Ollama at %s stopped with an error: "
                              "an error was encountered while running the model: unexpected EOF\n",
                              hv_fake_ollama_get_url (f->fake));
  g_assert_cmpstr (broken->err->str, ==, expected);

  g_assert_cmpint (bad_provider->status, ==, 2);
  g_assert_true (g_str_has_prefix (bad_provider->err->str,
                                   "hydravisor: unknown provider “nope”; the providers are ollama and bedrock\n"
                                   "usage: hydravisor chat "));

  g_assert_cmpint (bedrock->status, ==, 1);
  g_assert_cmpstr (bedrock->err->str, ==,
                   "hydravisor: chat: the Amazon Bedrock provider is not available yet; use --provider ollama\n");
}

static void
test_chat_unreachable (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *host = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(Run) run = NULL;

  /* A port that was just free: bound, never listened on. */
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  host = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  write_config (f, host, NULL);

  run = RUN (f, NULL, "chat", "--model", "llama3.2", "Hi");
  g_assert_cmpint (run->status, ==, 1);
  g_assert_cmpstr (run->out->str, ==, "");
  prefix = g_strdup_printf ("hydravisor: chat: Ollama is not reachable at %s: ", host);
  g_assert_true (g_str_has_prefix (run->err->str, prefix));
  g_assert_true (g_str_has_suffix (run->err->str, ". Is Ollama running? Start it with “ollama serve”, "
                                                  "or set providers.ollama.host in config.toml or OLLAMA_HOST\n"));
}

static gboolean
has_two_ticks (gpointer data)
{
  return strstr (((Run *) data)->out->str, "tick tick ") != NULL;
}

static void
test_chat_interrupt (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Run) run = run_start (f, NULL, "chat", "--model", "slow-stream", "Count", NULL);
  g_auto(GStrv) chats = NULL;
  g_autofree char *transcript = NULL;

  g_assert_true (hv_test_wait_for (has_two_ticks, run, 10000));
  g_subprocess_send_signal (run->process, SIGINT);
  run_wait (run);

  g_assert_cmpint (run->status, ==, 1);
  g_assert_true (g_regex_match_simple ("^(tick ){2,}\n$", run->out->str, 0, 0));
  g_assert_cmpstr (run->err->str, ==, "hydravisor: chat: interrupted\n");

  /* What arrived is kept in the transcript, marked interrupted. */
  chats = saved_chats ();
  g_assert_cmpuint (g_strv_length (chats), ==, 1);
  g_assert_true (g_file_get_contents (chats[0], &transcript, NULL, NULL));
  g_assert_nonnull (strstr (transcript, "\"state\":\"interrupted\"}\n"));
  HV_TEST_WAIT_FOR (hv_fake_ollama_get_n_disconnected (f->fake) == 1, 2000);
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(Run) action = RUN (f, NULL, "models", "rename");
  g_autoptr(Run) option = RUN (f, NULL, "chat", "--temperature", "1", "Hi");
  g_autoptr(Run) help = RUN (f, NULL, "help", "models");

  g_assert_cmpint (action->status, ==, 2);
  g_assert_true (g_str_has_prefix (action->err->str, "hydravisor: unknown action “rename”\nusage: hydravisor models list "));
  g_assert_cmpint (option->status, ==, 2);
  g_assert_true (g_str_has_prefix (option->err->str, "hydravisor: unknown option “--temperature”\n"));
  g_assert_cmpint (help->status, ==, 0);
  g_assert_true (g_str_has_prefix (help->out->str,
                                   "usage: hydravisor models list [--provider ollama|bedrock] [--json]|ps [--json]|"
                                   "show NAME [--json]|pull NAME|delete NAME\n"));
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
  g_test_add ("/cli/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("models/list", test_models_list);
  ADD ("models/list-json", test_models_list_json);
  ADD ("models/ps-and-show", test_models_ps_and_show);
  ADD ("models/pull", test_models_pull);
  ADD ("models/delete", test_models_delete);
  ADD ("chat/streams-reply", test_chat_streams_reply);
  ADD ("chat/json-stats", test_chat_json_stats);
  ADD ("chat/prompt-from-stdin", test_chat_prompt_from_stdin);
  ADD ("chat/default-model", test_chat_default_model);
  ADD ("chat/thinking", test_chat_thinking);
  ADD ("chat/errors", test_chat_errors);
  ADD ("chat/unreachable", test_chat_unreachable);
  ADD ("chat/interrupt", test_chat_interrupt);
  ADD ("usage", test_usage);

  return g_test_run ();
}
