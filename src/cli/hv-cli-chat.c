// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "hv-chat-provider.h"
#include "hv-chat-session.h"
#include "hv-cli-private.h"
#include "hv-config.h"

typedef struct {
  GMainLoop *loop;
  GAsyncResult *result;
  HvChatSession *session;
  gboolean ends_with_newline;   /* of what was written to stdout */
  gboolean wrote;
  gboolean thinking_open;       /* thinking was written to stderr and needs a newline */
} Chat;

static void
on_content (HvChatSession *session,
            HvChatMessage *message,
            const char    *text,
            gpointer       user_data)
{
  Chat *chat = user_data;
  size_t length = strlen (text);

  if (chat->thinking_open)
    {
      fputs ("\n", stderr);
      chat->thinking_open = FALSE;
    }
  /* Each piece goes out as it arrives. */
  fwrite (text, 1, length, stdout);
  fflush (stdout);
  chat->wrote = TRUE;
  chat->ends_with_newline = text[length - 1] == '\n';
}

static void
on_thinking (HvChatSession *session,
             HvChatMessage *message,
             const char    *text,
             gpointer       user_data)
{
  Chat *chat = user_data;

  fputs (text, stderr);
  fflush (stderr);
  chat->thinking_open = text[strlen (text) - 1] != '\n';
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Chat *chat = user_data;

  chat->result = g_object_ref (result);
  g_main_loop_quit (chat->loop);
}

static gboolean
on_interrupt (gpointer user_data)
{
  Chat *chat = user_data;

  /* Stop the reply, keep (and save) what arrived, and exit once that is done. */
  hv_chat_session_stop (chat->session);
  return G_SOURCE_CONTINUE;
}

static char *
read_prompt (GError **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char buffer[65536];
  size_t n;

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    g_string_append_len (text, buffer, n);
  if (ferror (stdin))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not read the prompt from standard input"));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
print_stats (HvChatSession *session,
             HvChatMessage *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const HvChatStats *stats = hv_chat_message_get_stats (reply);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "chat_id");
  if (hv_chat_session_get_persistent (session))
    json_builder_add_string_value (builder, hv_chat_session_get_id (session));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, hv_chat_session_get_provider_id (session));
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, hv_chat_session_get_model (session));
  if (stats != NULL)
    {
      g_autoptr(JsonNode) node = hv_chat_stats_to_json (stats);
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          json_builder_set_member_name (builder, l->data);
          json_builder_add_value (builder, json_node_copy (json_object_get_member (object, l->data)));
        }
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  /* json-glib writes doubles with 17 digits (62.170000000000002): add the rate by hand. */
  if (stats != NULL && hv_chat_stats_get_tokens_per_second (stats) > 0)
    {
      char rate[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (rate, sizeof rate, "%.2f", hv_chat_stats_get_tokens_per_second (stats));
      text[strlen (text) - 1] = '\0';
      printf ("%s,\"tokens_per_second\":%s}\n", text, rate);
    }
  else
    printf ("%s\n", text);
}

static int
run_chat (HvCliContext  *ctx,
          int            argc,
          char         **argv)
{
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(HvChatProvider) provider = NULL;
  g_autoptr(HvChatSession) session = NULL;
  g_autoptr(HvChatMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *provider_id = NULL;
  g_autofree char *model = NULL;
  g_autofree char *prompt = NULL;
  const char *prompt_arg = NULL;
  gboolean json = FALSE;
  gboolean save = TRUE;
  gboolean show_thinking = FALSE;
  gboolean options_done = FALSE;
  Chat chat = { 0 };
  guint sigint_id;
  int i;

  for (i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (!options_done && g_str_equal (arg, "--"))
        options_done = TRUE;
      else if (!options_done && g_str_equal (arg, "--json"))
        json = TRUE;
      else if (!options_done && g_str_equal (arg, "--no-save"))
        save = FALSE;
      else if (!options_done && g_str_equal (arg, "--show-thinking"))
        show_thinking = TRUE;
      else if (!options_done && (g_str_equal (arg, "--provider") || g_str_has_prefix (arg, "--provider=") ||
                                 g_str_equal (arg, "--model") || g_str_has_prefix (arg, "--model=")))
        {
          gboolean is_model = g_str_has_prefix (arg, "--model");
          const char *eq = strchr (arg, '=');
          const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);

          if (value == NULL || value[0] == '\0')
            return hv_cli_usage_error ("chat", is_model ? _("--model needs a model id")
                                                        : _("--provider needs a provider: ollama or bedrock"));
          if (is_model)
            {
              g_free (model);
              model = g_strdup (value);
            }
          else
            {
              g_free (provider_id);
              provider_id = g_strdup (value);
            }
        }
      else if (!options_done && arg[0] == '-' && arg[1] != '\0')
        return hv_cli_usage_error ("chat", _("unknown option “%s”"), arg);
      else if (prompt_arg == NULL)
        prompt_arg = arg;
      else
        return hv_cli_usage_error ("chat", _("chat takes one prompt; quote it, or give “-” to read it from standard input"));
    }

  if (provider_id != NULL && !g_str_equal (provider_id, "ollama") && !g_str_equal (provider_id, "bedrock"))
    return hv_cli_usage_error ("chat", _("unknown provider “%s”; the providers are ollama and bedrock"), provider_id);

  config = hv_config_new (NULL);
  if (!hv_config_load (config, &error))
    {
      fprintf (stderr, "hydravisor: %s\n", error->message);
      return HV_CLI_EXIT_USAGE;
    }

  /* Without --model: defaults.model, "<provider>:<model id>". */
  if (model == NULL)
    {
      g_autofree char *default_provider = NULL;
      const char *ref = hv_config_get_string (config, "defaults.model");

      if (!hv_chat_parse_model_ref (ref, &default_provider, &model, &error))
        return hv_cli_usage_error ("chat", "%s", error->message);
      if (provider_id != NULL && !g_str_equal (provider_id, default_provider))
        return hv_cli_usage_error ("chat", _("defaults.model (%s) is not a %s model; give --model"), ref, provider_id);
      g_free (provider_id);
      provider_id = g_steal_pointer (&default_provider);
    }
  else if (provider_id == NULL)
    {
      if (!hv_chat_parse_model_ref (hv_config_get_string (config, "defaults.model"), &provider_id, NULL, NULL))
        provider_id = g_strdup ("ollama");
    }

  if (prompt_arg == NULL || g_str_equal (prompt_arg, "-"))
    {
      prompt = read_prompt (&error);
      if (prompt == NULL)
        return hv_cli_fail ("chat", error->message);
      /* `echo question | hydravisor chat -`: the final newline is not part of the question. */
      g_strchomp (prompt);
    }
  else
    prompt = g_strdup (prompt_arg);
  if (prompt[0] == '\0')
    return hv_cli_usage_error ("chat", _("the prompt is empty"));

  provider = hv_chat_provider_new_for_id (provider_id, config, &error);
  if (provider == NULL)
    return hv_cli_fail ("chat", error->message);

  session = hv_chat_session_new (provider, model);
  hv_chat_session_set_persistent (session, save);
  chat.loop = g_main_loop_new (NULL, FALSE);
  chat.session = session;
  chat.ends_with_newline = TRUE;
  g_signal_connect (session, "delta::content", G_CALLBACK (on_content), &chat);
  if (show_thinking)
    g_signal_connect (session, "delta::thinking", G_CALLBACK (on_thinking), &chat);
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &chat);

  hv_chat_session_send_async (session, prompt, NULL, on_sent, &chat);
  g_main_loop_run (chat.loop);
  g_source_remove (sigint_id);

  reply = hv_chat_session_send_finish (session, chat.result, &error);
  g_clear_object (&chat.result);
  g_main_loop_unref (chat.loop);
  g_signal_handlers_disconnect_by_data (session, &chat);

  if (chat.thinking_open)
    fputs ("\n", stderr);
  if (chat.wrote && !chat.ends_with_newline)
    fputs ("\n", stdout);
  fflush (stdout);

  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return hv_cli_fail ("chat", _("interrupted"));
      return hv_cli_fail ("chat", error->message);
    }
  if (json)
    print_stats (session, reply);
  return HV_CLI_EXIT_OK;
}

static const HvCliCommand chat_command = {
  .name = "chat",
  .usage = "[--provider ollama|bedrock] [--model ID] [--json] [--no-save] [--show-thinking] [PROMPT | -]",
  .summary = N_("Ask a model and stream its reply to standard output"),
  .help = N_("The prompt is PROMPT, or standard input with “-” or no PROMPT. The reply is written\n"
             "as it arrives, followed by a newline if it does not end with one. The model is\n"
             "--model, or defaults.model (\"<provider>:<model id>\") without it.\n"
             "\n"
             "--json           after the reply, print one line of JSON with the chat id, provider,\n"
             "                 model and the provider's statistics (eval_count, eval_duration, …,\n"
             "                 tokens_per_second)\n"
             "--no-save        do not keep a transcript (by default the chat is saved in\n"
             "                 $XDG_DATA_HOME/hydravisor/chats/ like the window's chats)\n"
             "--show-thinking  write the model's reasoning, when it reports it apart, to\n"
             "                 standard error\n"
             "\n"
             "Ctrl-C stops the reply; what arrived is kept. Exit status 1 when the reply did not\n"
             "complete, with the reason on standard error."),
  .run = run_chat,
};

void
_hv_cli_register_chat (void)
{
  hv_cli_register (&chat_command);
}
