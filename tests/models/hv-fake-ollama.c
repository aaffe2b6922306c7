// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>

#include "hv-fake-ollama.h"

/* The shapes and numbers below are those of docs/api.md in ollama/ollama. */
#define CHUNK_CREATED_AT "2023-08-04T08:52:19.385406455-07:00"
#define FINAL_CREATED_AT "2023-08-04T19:22:45.499127Z"

static const char * const reply_tokens[] = {
  "Bonjour", " !", " Voilà", " un", " café", " à", " Zürich", ",", " 日本", "語", "も", " 🦙", "🚀", ".",
};
static const char * const thinking_tokens[] = { "Let", " me", " think", " about", " 日本", "." };
static const char * const answer_tokens[] = { "The", " answer", " is", " 42", "." };

/* A reply as models write them: headings, emphasis, inline code, a link, lists, a quote and
 * fenced code, cut into words (each with the spaces before it) and runs of newlines. */
static const char markdown_reply[] =
  "## Setting up a sandbox\n\n"
  "Here is **how** to run an *agent* with `hydravisor`, step by step. The [documentation](https://example.org/docs) "
  "has more on each part.\n\n"
  "1. Create the virtual machine:\n"
  "   ```sh\n"
  "   hydravisor vm create --cpu 2 --ram 4GB agent-1\n"
  "   ```\n"
  "2. Start the agent in a terminal.\n"
  "3. Watch what it does, or replay it later.\n\n"
  "- Recordings are kept per session\n"
  "- Keys live in the `Secret Service`\n\n"
  "> Tip: a session keeps running when its tab closes.\n\n"
  "```python\n"
  "def main():\n"
  "    for step in range(3):\n"
  "        print(f\"step {step}\")\n"
  "    return 0\n"
  "```\n\n";

/* The end of the token at @p: a run of newlines, or spaces and a word. */
static const char *
markdown_token_end (const char *p)
{
  if (*p == '\n')
    return p + strspn (p, "\n");
  p += strspn (p, " ");
  return p + strcspn (p, " \n");
}

typedef struct {
  const char *name;
  const char *modified_at;
  gint64 size;
  const char *digest;
  const char *family;
  const char *parameter_size;
  const char *quantization_level;
  gint64 context_length;
} ModelSpec;

/* The two models of the /api/tags example, llama3.2 as Ollama's library has it, and the
 * one /api/pull can download. */
static const ModelSpec model_specs[] = {
  { "codellama:13b", "2023-11-04T14:56:49.277302595-07:00", 7365960935,
    "9f438cb9cd581fc025612d27f7c1a6669ff83a8bb0ed86c94fcf4c5440555697", "llama", "13B", "Q4_0", 16384 },
  { "llama3:latest", "2023-12-07T09:32:18.757212583-08:00", 3825819519,
    "fe938a131f40e6f6d40083c9f0f430a515233eb2edaa6d72eb85c50d64f2300e", "llama", "7B", "Q4_0", 8192 },
  { "llama3.2:latest", "2024-09-25T18:16:39.525436114+02:00", 2019393189,
    "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72", "llama", "3.2B", "Q4_K_M", 131072 },
  { "tinyllama:latest", "2024-01-31T10:02:11.123456789Z", 637700138,
    "2644915ede352ea7bdfaff0bfac0be74c719d5d5202acb63a6fb095b52f394a4", "llama", "1B", "Q4_0", 2048 },
};

struct _HvFakeOllama
{
  SoupServer *server;
  char *url;
  guint16 port;
  GHashTable *last_requests;   /* path → JsonNode */
  GHashTable *n_requests;      /* path → count */
  GPtrArray *installed;        /* names */
  GList *streams;
  gboolean burst;
  guint n_streaming;
  guint n_disconnected;
};

typedef enum {
  STREAM_SCRIPT,   /* pieces prepared in advance */
  STREAM_BENCH,    /* n_tokens "tN " as fast as they are written */
  STREAM_PACED,    /* n_tokens stamped with the time they are sent */
  STREAM_MARKDOWN, /* n_tokens of markdown_reply, again and again */
} StreamKind;

typedef struct {
  HvFakeOllama *fake;
  SoupServerMessage *msg;      /* not owned: the stream lives as data on it */
  StreamKind kind;
  GPtrArray *pieces;           /* GBytes, each sent as one HTTP chunk */
  guint next;
  guint n_tokens;
  guint markdown_n_tokens;
  char *model;
  guint first_delay_ms;
  guint delay_ms;
  gboolean drop_at_end;
  guint source_id;
  gboolean ended;
} Stream;

/* Timers and idles go to the thread-default main context, the server's, which is not the
 * global default when the server runs in a thread of its own. */
static guint
add_source (guint       delay_ms,
            GSourceFunc func,
            gpointer    data)
{
  g_autoptr(GSource) source = delay_ms > 0 ? g_timeout_source_new (delay_ms) : g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, NULL);
  return g_source_attach (source, g_main_context_get_thread_default ());
}

static void
remove_source (guint id)
{
  GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (), id);

  if (source != NULL)
    g_source_destroy (source);
}

static void
stream_free (Stream *stream)
{
  g_clear_handle_id (&stream->source_id, remove_source);
  if (stream->fake != NULL)
    stream->fake->streams = g_list_remove (stream->fake->streams, stream);
  g_clear_pointer (&stream->pieces, g_ptr_array_unref);
  g_free (stream->model);
  g_free (stream);
}

static char *
normalize (const char *name)
{
  return strchr (name, ':') ? g_strdup (name) : g_strconcat (name, ":latest", NULL);
}

static const ModelSpec *
find_spec (const char *name)
{
  g_autofree char *full = normalize (name);

  for (guint i = 0; i < G_N_ELEMENTS (model_specs); i++)
    if (g_str_equal (model_specs[i].name, full))
      return &model_specs[i];
  return NULL;
}

static gboolean
is_installed (HvFakeOllama *self,
              const char   *name)
{
  g_autofree char *full = normalize (name);

  for (guint i = 0; i < self->installed->len; i++)
    if (g_str_equal (g_ptr_array_index (self->installed, i), full))
      return TRUE;
  return FALSE;
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  respond_json (msg, status, node);
}

static GBytes *
line_bytes (JsonBuilder *builder)
{
  g_autoptr(JsonNode) node = json_builder_get_root (builder);
  char *text = json_to_string (node, FALSE);
  char *line = g_strconcat (text, "\n", NULL);

  g_free (text);
  return g_bytes_new_take (line, strlen (line));
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static GBytes *
chunk_line (const char *model,
            gboolean    generate,
            const char *content,
            const char *thinking)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "model", model);
  add_string (builder, "created_at", CHUNK_CREATED_AT);
  if (generate)
    {
      add_string (builder, "response", content);
      if (thinking != NULL)
        add_string (builder, "thinking", thinking);
    }
  else
    {
      json_builder_set_member_name (builder, "message");
      json_builder_begin_object (builder);
      add_string (builder, "role", "assistant");
      add_string (builder, "content", content);
      if (thinking != NULL)
        add_string (builder, "thinking", thinking);
      json_builder_set_member_name (builder, "images");
      json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "done");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);
  return line_bytes (builder);
}

static GBytes *
final_line (const char *model,
            gboolean    generate)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "model", model);
  add_string (builder, "created_at", FINAL_CREATED_AT);
  if (generate)
    {
      add_string (builder, "response", "");
      json_builder_set_member_name (builder, "done");
      json_builder_add_boolean_value (builder, TRUE);
      add_string (builder, "done_reason", "stop");
      json_builder_set_member_name (builder, "context");
      json_builder_begin_array (builder);
      for (int i = 1; i <= 3; i++)
        json_builder_add_int_value (builder, i);
      json_builder_end_array (builder);
      add_int (builder, "total_duration", 10706818083);
      add_int (builder, "load_duration", 6338219291);
      add_int (builder, "prompt_eval_count", 26);
      add_int (builder, "prompt_eval_duration", 130079000);
      add_int (builder, "eval_count", 259);
      add_int (builder, "eval_duration", 4232710000);
    }
  else
    {
      json_builder_set_member_name (builder, "message");
      json_builder_begin_object (builder);
      add_string (builder, "role", "assistant");
      add_string (builder, "content", "");
      json_builder_end_object (builder);
      add_string (builder, "done_reason", "stop");
      json_builder_set_member_name (builder, "done");
      json_builder_add_boolean_value (builder, TRUE);
      add_int (builder, "total_duration", 4883583458);
      add_int (builder, "load_duration", 1334875);
      add_int (builder, "prompt_eval_count", 26);
      add_int (builder, "prompt_eval_duration", 342546000);
      add_int (builder, "eval_count", 282);
      add_int (builder, "eval_duration", 4535599000);
    }
  json_builder_end_object (builder);
  return line_bytes (builder);
}

static GBytes *
object_line (const char *first_name,
             ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      json_builder_set_member_name (builder, name);
      if (g_str_equal (name, "total") || g_str_equal (name, "completed"))
        json_builder_add_int_value (builder, va_arg (args, gint64));
      else
        json_builder_add_string_value (builder, va_arg (args, const char *));
    }
  va_end (args);
  json_builder_end_object (builder);
  return line_bytes (builder);
}

/* Cuts the concatenation of @lines into pieces at @cuts (sorted byte offsets). */
static GPtrArray *
cut (GPtrArray *lines,
     GArray    *cuts)
{
  g_autoptr(GByteArray) all = g_byte_array_new ();
  GPtrArray *pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize start = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (lines, i), &size);

      g_byte_array_append (all, data, size);
    }
  for (guint i = 0; i <= cuts->len; i++)
    {
      gsize end = i < cuts->len ? g_array_index (cuts, gsize, i) : all->len;

      if (end > start)
        g_ptr_array_add (pieces, g_bytes_new (all->data + start, end - start));
      start = end;
    }
  return pieces;
}

static GArray *
cuts_every_byte (gsize total)
{
  GArray *cuts = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (gsize i = 1; i < total; i++)
    g_array_append_val (cuts, i);
  return cuts;
}

/* Inside every multi-byte character: after each of its bytes but the last. */
static GArray *
cuts_inside_utf8 (GPtrArray *lines)
{
  GArray *cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize offset = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (lines, i), &size);

      for (gsize j = 0; j < size; j++)
        if (data[j] >= 0x80 && j + 1 < size && (data[j + 1] & 0xC0) == 0x80)
          {
            gsize at = offset + j + 1;

            g_array_append_val (cuts, at);
          }
      offset += size;
    }
  return cuts;
}

static gsize
total_size (GPtrArray *lines)
{
  gsize total = 0;

  for (guint i = 0; i < lines->len; i++)
    total += g_bytes_get_size (g_ptr_array_index (lines, i));
  return total;
}

static gboolean send_next (gpointer data);

static void
end_stream (Stream *stream)
{
  stream->ended = TRUE;
  stream->fake->n_streaming--;
  if (stream->drop_at_end)
    {
      /* Close the connection in the middle of the reply, as a crashed server would. */
      g_autoptr(GIOStream) connection = soup_server_message_steal_connection (stream->msg);

      g_io_stream_close (connection, NULL, NULL);
      return;
    }
  soup_message_body_complete (soup_server_message_get_response_body (stream->msg));
  soup_server_message_unpause (stream->msg);
}

static GBytes *
next_piece (Stream *stream)
{
  switch (stream->kind)
    {
    case STREAM_SCRIPT:
      if (stream->next < stream->pieces->len)
        return g_bytes_ref (g_ptr_array_index (stream->pieces, stream->next++));
      return NULL;

    case STREAM_MARKDOWN:
      if (stream->next < stream->n_tokens)
        {
          const char *start = markdown_reply;
          g_autofree char *token = NULL;

          for (guint i = stream->next++ % stream->markdown_n_tokens; i > 0; i--)
            start = markdown_token_end (start);
          token = g_strndup (start, markdown_token_end (start) - start);
          return chunk_line (stream->model, FALSE, token, NULL);
        }
      if (stream->next++ == stream->n_tokens)
        return final_line (stream->model, FALSE);
      return NULL;

    case STREAM_BENCH:
    case STREAM_PACED:
      if (stream->next < stream->n_tokens)
        {
          g_autofree char *token = NULL;
          char *line;

          if (stream->kind == STREAM_BENCH)
            token = g_strdup_printf ("t%u ", stream->next);
          else
            token = g_strdup_printf ("%" G_GINT64_FORMAT " ", g_get_monotonic_time ());
          stream->next++;
          /* The tokens are ASCII: no escaping needed. */
          line = g_strdup_printf ("{\"model\":\"%s\",\"created_at\":\"" CHUNK_CREATED_AT "\","
                                  "\"message\":{\"role\":\"assistant\",\"content\":\"%s\",\"images\":null},"
                                  "\"done\":false}\n", stream->model, token);
          return g_bytes_new_take (line, strlen (line));
        }
      if (stream->next == stream->n_tokens)
        {
          stream->next++;
          return final_line (stream->model, FALSE);
        }
      return NULL;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
send_next (gpointer data)
{
  Stream *stream = data;
  g_autoptr(GBytes) piece = NULL;

  stream->source_id = 0;
  if (stream->ended)
    return G_SOURCE_REMOVE;

  piece = next_piece (stream);
  if (piece == NULL)
    {
      end_stream (stream);
      return G_SOURCE_REMOVE;
    }
  soup_message_body_append_bytes (soup_server_message_get_response_body (stream->msg), piece);
  soup_server_message_unpause (stream->msg);
  return G_SOURCE_REMOVE;
}

/* The previous piece is on the wire: send the next one now, or after the stream's delay. */
static void
on_wrote_chunk (SoupServerMessage *msg,
                gpointer           user_data)
{
  Stream *stream = user_data;

  if (stream->ended || stream->source_id != 0)
    return;
  if (stream->delay_ms > 0)
    stream->source_id = add_source (stream->delay_ms, send_next, stream);
  else if (stream->fake->burst)
    send_next (stream);
  else
    /* From the main loop, not from inside libsoup's write: one piece per iteration, so that
     * a client in the same process is measured alone. */
    stream->source_id = add_source (0, send_next, stream);
}

static void
on_disconnected (SoupServerMessage *msg,
                 gpointer           user_data)
{
  Stream *stream = user_data;

  if (stream->ended)
    return;
  /* The client went away in the middle of the reply. */
  stream->ended = TRUE;
  stream->fake->n_streaming--;
  stream->fake->n_disconnected++;
  g_clear_handle_id (&stream->source_id, remove_source);
}

static void
start_stream (HvFakeOllama      *self,
              SoupServerMessage *msg,
              Stream            *stream)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  GSocket *socket = soup_server_message_get_socket (msg);

  /* Like Ollama (Go sets TCP_NODELAY on every connection): each piece leaves at once,
   * rather than waiting for the client's ACK of the previous one. */
  if (socket != NULL && g_socket_get_family (socket) != G_SOCKET_FAMILY_UNIX)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  stream->fake = self;
  stream->msg = msg;
  self->streams = g_list_prepend (self->streams, stream);
  self->n_streaming++;
  g_object_set_data_full (G_OBJECT (msg), "hv-fake-stream", stream, (GDestroyNotify) stream_free);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), stream);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_disconnected), stream);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "application/x-ndjson", NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  /* Forget each piece once written: a long stream neither grows nor slows down. */
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  soup_server_message_pause (msg);

  if (stream->first_delay_ms > 0)
    stream->source_id = add_source (stream->first_delay_ms, send_next, stream);
  else
    send_next (stream);
}

static GPtrArray *
reply_lines (const char          *model,
             gboolean             generate,
             const char * const  *tokens,
             guint                n_tokens,
             gboolean             final)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < n_tokens; i++)
    g_ptr_array_add (lines, chunk_line (model, generate, tokens[i], NULL));
  if (final)
    g_ptr_array_add (lines, final_line (model, generate));
  return lines;
}

static void
handle_reply (HvFakeOllama      *self,
              SoupServerMessage *msg,
              const char        *model,
              gboolean           generate)
{
  Stream *stream = g_new0 (Stream, 1);
  guint n;
  guint interval;

  stream->model = g_strdup (model);
  stream->kind = STREAM_SCRIPT;

  if (sscanf (model, "bench-%u", &n) == 1 && g_str_has_prefix (model, "bench-"))
    {
      stream->kind = STREAM_BENCH;
      stream->n_tokens = n;
    }
  else if (sscanf (model, "markdown-%u", &n) == 1 && g_str_has_prefix (model, "markdown-"))
    {
      stream->kind = STREAM_MARKDOWN;
      stream->n_tokens = n;
      for (const char *p = markdown_reply; *p != '\0'; p = markdown_token_end (p))
        stream->markdown_n_tokens++;
    }
  else if (sscanf (model, "paced-%u-%u", &n, &interval) == 2 && g_str_has_prefix (model, "paced-"))
    {
      stream->kind = STREAM_PACED;
      stream->n_tokens = n;
      stream->delay_ms = interval;
    }
  else if (g_str_equal (model, "thinking"))
    {
      stream->pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      for (guint i = 0; i < G_N_ELEMENTS (thinking_tokens); i++)
        g_ptr_array_add (stream->pieces, chunk_line (model, generate, "", thinking_tokens[i]));
      for (guint i = 0; i < G_N_ELEMENTS (answer_tokens); i++)
        g_ptr_array_add (stream->pieces, chunk_line (model, generate, answer_tokens[i], NULL));
      g_ptr_array_add (stream->pieces, final_line (model, generate));
    }
  else if (g_str_equal (model, "slow-stream"))
    {
      static const char * const tick[] = { "tick " };

      stream->pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      for (guint i = 0; i < 100; i++)
        g_ptr_array_add (stream->pieces, chunk_line (model, generate, tick[0], NULL));
      g_ptr_array_add (stream->pieces, final_line (model, generate));
      stream->delay_ms = 50;
    }
  else if (g_str_equal (model, "drop-mid-stream") || g_str_equal (model, "error-mid-stream"))
    {
      stream->pieces = reply_lines (model, generate, reply_tokens, 3, FALSE);
      if (g_str_equal (model, "drop-mid-stream"))
        stream->drop_at_end = TRUE;
      else
        g_ptr_array_add (stream->pieces,
                         object_line ("error", "an error was encountered while running the model: unexpected EOF", NULL));
      /* Let each piece reach the client before the next, so the break falls after them. */
      stream->delay_ms = 20;
    }
  else
    {
      g_autoptr(GPtrArray) lines = reply_lines (model, generate, reply_tokens, G_N_ELEMENTS (reply_tokens), TRUE);

      if (g_str_equal (model, "split-every-byte"))
        {
          g_autoptr(GArray) cuts = cuts_every_byte (total_size (lines));

          stream->pieces = cut (lines, cuts);
        }
      else if (g_str_equal (model, "split-utf8"))
        {
          g_autoptr(GArray) cuts = cuts_inside_utf8 (lines);

          stream->pieces = cut (lines, cuts);
        }
      else if (g_str_equal (model, "one-chunk"))
        {
          g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gsize));

          stream->pieces = cut (lines, cuts);
        }
      else
        {
          stream->pieces = g_steal_pointer (&lines);
          if (g_str_equal (model, "slow-first-token"))
            stream->first_delay_ms = 300;
        }
    }

  start_stream (self, msg, stream);
}

static gboolean
is_scenario (const char *model)
{
  static const char * const scenarios[] = {
    "split-every-byte", "split-utf8", "one-chunk", "slow-first-token", "slow-stream",
    "drop-mid-stream", "error-mid-stream", "thinking",
  };

  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    if (g_str_equal (model, scenarios[i]))
      return TRUE;
  return g_str_has_prefix (model, "bench-") || g_str_has_prefix (model, "paced-") ||
         g_str_has_prefix (model, "markdown-");
}

static const char *
request_model (JsonNode *request)
{
  if (request == NULL || !JSON_NODE_HOLDS_OBJECT (request))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (request), "model", NULL);
}

static void
handle_chat (HvFakeOllama      *self,
             SoupServerMessage *msg,
             JsonNode          *request,
             gboolean           generate)
{
  const char *model = request_model (request);
  g_autofree char *message = NULL;

  if (model == NULL)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "model is required");
      return;
    }
  if (g_str_equal (model, "http-500"))
    {
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "llama runner process has terminated: signal: killed");
      return;
    }
  if (is_scenario (model) || is_installed (self, model))
    {
      handle_reply (self, msg, model, generate);
      return;
    }
  message = g_strdup_printf ("model \"%s\" not found, try pulling it first", model);
  respond_error (msg, SOUP_STATUS_NOT_FOUND, message);
}

static void
add_model_object (JsonBuilder     *builder,
                  const ModelSpec *spec,
                  gboolean         running)
{
  json_builder_begin_object (builder);
  add_string (builder, "name", spec->name);
  if (running)
    add_string (builder, "model", spec->name);
  else
    add_string (builder, "modified_at", spec->modified_at);
  add_int (builder, "size", spec->size);
  add_string (builder, "digest", spec->digest);
  json_builder_set_member_name (builder, "details");
  json_builder_begin_object (builder);
  if (running)
    add_string (builder, "parent_model", "");
  add_string (builder, "format", "gguf");
  add_string (builder, "family", spec->family);
  json_builder_set_member_name (builder, "families");
  if (running)
    {
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, spec->family);
      json_builder_end_array (builder);
    }
  else
    json_builder_add_null_value (builder);
  add_string (builder, "parameter_size", spec->parameter_size);
  add_string (builder, "quantization_level", spec->quantization_level);
  json_builder_end_object (builder);
  if (running)
    {
      add_string (builder, "expires_at", "2024-06-04T14:38:31.83753-07:00");
      add_int (builder, "size_vram", spec->size);
    }
  json_builder_end_object (builder);
}

static void
handle_tags (HvFakeOllama      *self,
             SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "models");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->installed->len; i++)
    add_model_object (builder, find_spec (g_ptr_array_index (self->installed, i)), FALSE);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  respond_json (msg, SOUP_STATUS_OK, node);
}

/* The /api/ps example: mistral:latest, 7.2B, loaded until 2024-06-04T14:38:31.83753-07:00. */
static void
handle_ps (HvFakeOllama      *self,
           SoupServerMessage *msg)
{
  static const ModelSpec mistral = {
    "mistral:latest", NULL, 5137025024, "2ae6f6dd7a3dd734790bbbf58b8909a606e0e7e97e94b7604e0aa7ae4490e6d8",
    "llama", "7.2B", "Q4_0", 32768,
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "models");
  json_builder_begin_array (builder);
  add_model_object (builder, &mistral, TRUE);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  respond_json (msg, SOUP_STATUS_OK, node);
}

static void
handle_show (HvFakeOllama      *self,
             SoupServerMessage *msg,
             JsonNode          *request)
{
  const char *model = request_model (request);
  const ModelSpec *spec = model ? find_spec (model) : NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  if (spec == NULL || !is_installed (self, model))
    {
      g_autofree char *message = g_strdup_printf ("model '%s' not found", model ? model : "");

      respond_error (msg, SOUP_STATUS_NOT_FOUND, message);
      return;
    }

  json_builder_begin_object (builder);
  add_string (builder, "modelfile", "# Modelfile generated by \"ollama show\"\nFROM /models/blobs/sha256-dde5\n");
  add_string (builder, "parameters", "stop                           \"<|start_header_id|>\"\n"
                                     "stop                           \"<|end_header_id|>\"\n"
                                     "stop                           \"<|eot_id|>\"");
  add_string (builder, "template", "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}");
  add_string (builder, "license", "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT");
  json_builder_set_member_name (builder, "details");
  json_builder_begin_object (builder);
  add_string (builder, "parent_model", "");
  add_string (builder, "format", "gguf");
  add_string (builder, "family", spec->family);
  json_builder_set_member_name (builder, "families");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, spec->family);
  json_builder_end_array (builder);
  add_string (builder, "parameter_size", spec->parameter_size);
  add_string (builder, "quantization_level", spec->quantization_level);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "model_info");
  json_builder_begin_object (builder);
  add_string (builder, "general.architecture", "llama");
  add_int (builder, "general.file_type", 2);
  add_int (builder, "general.parameter_count", 3212749888);
  add_int (builder, "llama.context_length", spec->context_length);
  add_int (builder, "llama.embedding_length", 3072);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "capabilities");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "completion");
  json_builder_add_string_value (builder, "tools");
  json_builder_end_array (builder);
  add_string (builder, "modified_at", spec->modified_at);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  respond_json (msg, SOUP_STATUS_OK, node);
}

static void
handle_pull (HvFakeOllama      *self,
             SoupServerMessage *msg,
             JsonNode          *request)
{
  const char *model = request_model (request);
  const ModelSpec *spec = model ? find_spec (model) : NULL;
  Stream *stream;

  if (model == NULL)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "model is required");
      return;
    }

  stream = g_new0 (Stream, 1);
  stream->kind = STREAM_SCRIPT;
  stream->model = g_strdup (model);
  stream->pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (stream->pieces, object_line ("status", "pulling manifest", NULL));
  if (spec == NULL)
    {
      g_ptr_array_add (stream->pieces, object_line ("error", "pull model manifest: file does not exist", NULL));
    }
  else
    {
      /* Two layers, as docs/api.md shows them: "completed" is absent until some arrived. */
      g_autofree char *digest = g_strconcat ("sha256:", spec->digest, NULL);
      g_autofree char *status = g_strconcat ("downloading ", digest, NULL);
      const char *small = "sha256:966de95ca8a62200913e3f8bfbf84c8494536f1b94b49166851e76644e966396";
      g_autofree char *small_status = g_strconcat ("downloading ", small, NULL);

      g_ptr_array_add (stream->pieces, object_line ("status", status, "digest", digest, "total", (gint64) 2000, NULL));
      g_ptr_array_add (stream->pieces, object_line ("status", status, "digest", digest, "total", (gint64) 2000, "completed", (gint64) 500, NULL));
      g_ptr_array_add (stream->pieces, object_line ("status", status, "digest", digest, "total", (gint64) 2000, "completed", (gint64) 900, NULL));
      g_ptr_array_add (stream->pieces, object_line ("status", status, "digest", digest, "total", (gint64) 2000, "completed", (gint64) 2000, NULL));
      g_ptr_array_add (stream->pieces, object_line ("status", small_status, "digest", small, "total", (gint64) 100, "completed", (gint64) 100, NULL));
      g_ptr_array_add (stream->pieces, object_line ("status", "verifying sha256 digest", NULL));
      g_ptr_array_add (stream->pieces, object_line ("status", "writing manifest", NULL));
      g_ptr_array_add (stream->pieces, object_line ("status", "removing any unused layers", NULL));
      g_ptr_array_add (stream->pieces, object_line ("status", "success", NULL));
      if (!is_installed (self, model))
        g_ptr_array_add (self->installed, normalize (model));
    }
  start_stream (self, msg, stream);
}

static void
handle_delete (HvFakeOllama      *self,
               SoupServerMessage *msg,
               JsonNode          *request)
{
  const char *model = request_model (request);
  g_autofree char *full = model ? normalize (model) : NULL;

  for (guint i = 0; full != NULL && i < self->installed->len; i++)
    if (g_str_equal (g_ptr_array_index (self->installed, i), full))
      {
        g_ptr_array_remove_index (self->installed, i);
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        return;
      }

  {
    g_autofree char *message = g_strdup_printf ("model '%s' not found", model ? model : "");

    respond_error (msg, SOUP_STATUS_NOT_FOUND, message);
  }
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  HvFakeOllama *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *request = NULL;

  if (g_bytes_get_size (body) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL))
    request = json_parser_get_root (parser);

  g_hash_table_insert (self->n_requests, g_strdup (path),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->n_requests, path)) + 1));
  if (request != NULL)
    g_hash_table_insert (self->last_requests, g_strdup (path), json_node_copy (request));

  if (g_str_equal (path, "/api/version") && g_str_equal (method, "GET"))
    {
      g_autoptr(GBytes) line = object_line ("version", "0.12.6", NULL);

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (line, NULL), g_bytes_get_size (line) - 1);
    }
  else if (g_str_equal (path, "/api/tags") && g_str_equal (method, "GET"))
    handle_tags (self, msg);
  else if (g_str_equal (path, "/api/ps") && g_str_equal (method, "GET"))
    handle_ps (self, msg);
  else if (g_str_equal (path, "/api/show") && g_str_equal (method, "POST"))
    handle_show (self, msg, request);
  else if (g_str_equal (path, "/api/chat") && g_str_equal (method, "POST"))
    handle_chat (self, msg, request, FALSE);
  else if (g_str_equal (path, "/api/generate") && g_str_equal (method, "POST"))
    handle_chat (self, msg, request, TRUE);
  else if (g_str_equal (path, "/api/pull") && g_str_equal (method, "POST"))
    handle_pull (self, msg, request);
  else if (g_str_equal (path, "/api/delete") && g_str_equal (method, "DELETE"))
    handle_delete (self, msg, request);
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "404 page not found", 18);
    }
}

/**
 * hv_fake_ollama_new:
 *
 * Starts the server on 127.0.0.1 and a port the kernel picks.
 */
HvFakeOllama *
hv_fake_ollama_new (GError **error)
{
  g_autoptr(HvFakeOllama) self = g_new0 (HvFakeOllama, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  GSList *uris;

  self->last_requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  self->n_requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->installed = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (self->installed, g_strdup (model_specs[i].name));

  self->server = soup_server_new ("server-header", "hv-fake-ollama", NULL);
  soup_server_add_handler (self->server, "/", handle_request, self, NULL);
  if (!soup_server_listen (self->server, address, 0, error))
    return NULL;

  uris = soup_server_get_uris (self->server);
  self->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  return g_steal_pointer (&self);
}

/**
 * hv_fake_ollama_listen_unix:
 *
 * Also listens on a unix socket at @path (created; removed by hv_fake_ollama_free()).
 */
gboolean
hv_fake_ollama_listen_unix (HvFakeOllama  *self,
                            const char    *path,
                            GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL ||
      !g_socket_bind (socket, address, TRUE, error) ||
      !g_socket_listen (socket, error))
    return FALSE;
  return soup_server_listen_socket (self->server, socket, 0, error);
}

void
hv_fake_ollama_free (HvFakeOllama *self)
{
  if (self == NULL)
    return;

  for (GList *l = self->streams; l != NULL; l = l->next)
    {
      Stream *stream = l->data;

      g_clear_handle_id (&stream->source_id, remove_source);
      stream->ended = TRUE;
      stream->fake = NULL;
    }
  g_clear_pointer (&self->streams, g_list_free);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->last_requests, g_hash_table_unref);
  g_clear_pointer (&self->n_requests, g_hash_table_unref);
  g_clear_pointer (&self->installed, g_ptr_array_unref);
  g_free (self->url);
  g_free (self);
}

/**
 * hv_fake_ollama_set_burst:
 * @burst: %TRUE to write the pieces of an undelayed stream as fast as libsoup takes them,
 *   several per main-loop iteration (for a server in its own process, as benchmarks run
 *   it); %FALSE (the default) for one piece per iteration (a client in the same process
 *   then has the main loop to itself between pieces)
 */
void
hv_fake_ollama_set_burst (HvFakeOllama *self,
                          gboolean      burst)
{
  self->burst = burst;
}

/**
 * hv_fake_ollama_get_url:
 *
 * Returns: "http://127.0.0.1:PORT"
 */
const char *
hv_fake_ollama_get_url (HvFakeOllama *self)
{
  return self->url;
}

guint16
hv_fake_ollama_get_port (HvFakeOllama *self)
{
  return self->port;
}

/**
 * hv_fake_ollama_get_last_request:
 * @path: "/api/chat"
 *
 * Returns: (transfer none) (nullable): the JSON body of the last request to @path
 */
JsonNode *
hv_fake_ollama_get_last_request (HvFakeOllama *self,
                                 const char   *path)
{
  return g_hash_table_lookup (self->last_requests, path);
}

guint
hv_fake_ollama_get_n_requests (HvFakeOllama *self,
                               const char   *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->n_requests, path));
}

/**
 * hv_fake_ollama_get_n_streaming:
 *
 * Returns: how many streamed answers are being sent now
 */
guint
hv_fake_ollama_get_n_streaming (HvFakeOllama *self)
{
  return self->n_streaming;
}

/**
 * hv_fake_ollama_get_n_disconnected:
 *
 * Returns: how many streamed answers the client abandoned (closed the connection) midway
 */
guint
hv_fake_ollama_get_n_disconnected (HvFakeOllama *self)
{
  return self->n_disconnected;
}

/* ---------------------------------------------------------------------------------------
 * On a thread of its own
 * ------------------------------------------------------------------------------------- */

static struct {
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  char         *url;
  GMutex        mutex;
  GCond         cond;
} threaded;

static gpointer
fake_thread_run (gpointer data)
{
  g_autoptr(GError) error = NULL;
  HvFakeOllama *fake;

  g_main_context_push_thread_default (threaded.context);
  fake = hv_fake_ollama_new (&error);
  if (fake == NULL)
    g_error ("the fake Ollama did not start: %s", error->message);
  hv_fake_ollama_set_burst (fake, TRUE);

  g_mutex_lock (&threaded.mutex);
  threaded.url = g_strdup (hv_fake_ollama_get_url (fake));
  g_cond_signal (&threaded.cond);
  g_mutex_unlock (&threaded.mutex);

  g_main_loop_run (threaded.loop);

  hv_fake_ollama_free (fake);
  g_main_context_pop_thread_default (threaded.context);
  return NULL;
}

const char *
hv_fake_ollama_thread_start (void)
{
  g_assert (threaded.thread == NULL);

  threaded.context = g_main_context_new ();
  threaded.loop = g_main_loop_new (threaded.context, FALSE);
  threaded.thread = g_thread_new ("fake-ollama", fake_thread_run, NULL);

  g_mutex_lock (&threaded.mutex);
  while (threaded.url == NULL)
    g_cond_wait (&threaded.cond, &threaded.mutex);
  g_mutex_unlock (&threaded.mutex);
  return threaded.url;
}

static gboolean
quit_fake_loop (gpointer data)
{
  g_main_loop_quit (threaded.loop);
  return G_SOURCE_REMOVE;
}

void
hv_fake_ollama_thread_stop (void)
{
  g_main_context_invoke (threaded.context, quit_fake_loop, NULL);
  g_thread_join (g_steal_pointer (&threaded.thread));
  g_clear_pointer (&threaded.loop, g_main_loop_unref);
  g_clear_pointer (&threaded.context, g_main_context_unref);
  g_clear_pointer (&threaded.url, g_free);
}
