// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "hv-chat-provider-private.h"
#include "hv-line-buffer.h"
#include "hv-ollama-chunk.h"
#include "hv-ollama-provider.h"

#define READ_BUFFER_SIZE (64 * 1024)
#define MAX_LINE_LENGTH (64 * 1024 * 1024)
#define CONTROL_TIMEOUT_SECONDS 30
#define MAX_READ_BURST_USEC 4000   /* reading what is waiting, per main-loop iteration */

struct _HvOllamaProvider
{
  GObject parent_instance;
  HvConfig *config;
  char *host;              /* as configured */
  char *system_prompt;
  char *base_url;          /* what endpoint paths are appended to, without a trailing '/' */
  char *socket_path;       /* for unix: hosts */
  GError *host_error;      /* why the host cannot be used, if it cannot */
  SoupSession *session;        /* short requests: a timeout applies */
  SoupSession *stream_session; /* streams: a model may take minutes to load, so no timeout */
};

static void hv_ollama_provider_iface_init (HvChatProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HvOllamaProvider, hv_ollama_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HV_TYPE_CHAT_PROVIDER, hv_ollama_provider_iface_init))

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_HOST,
  PROP_SYSTEM_PROMPT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The default of providers.ollama.host, and Ollama's own. */
static const char default_host[] = "http://127.0.0.1:11434";

/* ---- host ---------------------------------------------------------------------------- */

static void
apply_host (HvOllamaProvider *self)
{
  const char *host = self->host;

  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->socket_path, g_free);
  g_clear_error (&self->host_error);
  g_clear_object (&self->session);
  g_clear_object (&self->stream_session);

  if (g_str_has_prefix (host, "unix:"))
    {
      const char *path = host + strlen ("unix:");

      if (g_str_has_prefix (path, "//"))
        path += 2;   /* unix:///run/ollama.sock */
      if (path[0] == '/')
        {
          self->socket_path = g_strdup (path);
          self->base_url = g_strdup ("http://localhost");
          return;
        }
    }
  else
    {
      g_autofree char *url = strstr (host, "://") ? g_strdup (host) : g_strconcat ("http://", host, NULL);
      g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

      if (uri != NULL &&
          (g_str_equal (g_uri_get_scheme (uri), "http") || g_str_equal (g_uri_get_scheme (uri), "https")) &&
          g_uri_get_host (uri) != NULL && g_uri_get_host (uri)[0] != '\0' &&
          g_uri_get_query (uri) == NULL && g_uri_get_fragment (uri) == NULL)
        {
          gsize len = strlen (url);

          while (len > 0 && url[len - 1] == '/')
            url[--len] = '\0';
          self->base_url = g_steal_pointer (&url);
          return;
        }
    }

  self->host_error = g_error_new (HV_MODEL_ERROR, HV_MODEL_ERROR_INVALID_ADDRESS,
                                  _("“%s” is not an Ollama address; use http://HOST:PORT, https://HOST:PORT "
                                    "or unix:/path/to/socket in providers.ollama.host or OLLAMA_HOST"),
                                  host);
}

static SoupSession *
get_session (HvOllamaProvider *self,
             gboolean          streaming)
{
  SoupSession **slot = streaming ? &self->stream_session : &self->session;

  if (*slot == NULL)
    {
      g_autoptr(GSocketAddress) address = NULL;

      if (self->socket_path != NULL)
        address = g_unix_socket_address_new (self->socket_path);
      *slot = soup_session_new_with_options ("remote-connectable", address,
                                             "timeout", streaming ? 0 : CONTROL_TIMEOUT_SECONDS,
                                             "user-agent", "hydravisor/" PACKAGE_VERSION,
                                             NULL);
    }
  return *slot;
}

/* ---- requests ------------------------------------------------------------------------ */

typedef struct _Request Request;

/* Takes one JSON object of the answer (each line of a stream, or the whole body). */
typedef gboolean (*ObjectHandler) (Request     *req,
                                   JsonObject  *object,
                                   GError     **error);

struct _Request
{
  HvOllamaProvider *self;
  SoupMessage *msg;
  GInputStream *stream;
  HvLineBuffer *lines;
  JsonParser *parser;
  char *buffer;
  ObjectHandler handle;
  char *model;                   /* the model the request names, for errors */
  gboolean suggest_pull;         /* a missing model is fixed by pulling it */
  gboolean done;                 /* the last object of the stream arrived */

  HvChatMessage *reply;          /* chat, generate */
  gboolean generate;
  HvOllamaChunk chunk;

  HvPullProgressFunc progress;   /* pull */
  gpointer progress_data;
  GDestroyNotify progress_destroy;

  gpointer result;               /* list, ps, show, version */
  GDestroyNotify result_destroy;
};

static void
request_free (Request *req)
{
  if (req->result != NULL && req->result_destroy != NULL)
    req->result_destroy (req->result);
  if (req->progress_destroy != NULL)
    req->progress_destroy (req->progress_data);
  g_clear_object (&req->reply);
  hv_ollama_chunk_clear (&req->chunk);
  g_free (req->model);
  g_free (req->buffer);
  g_clear_object (&req->parser);
  g_clear_pointer (&req->lines, hv_line_buffer_free);
  /* Dropping an unfinished body stream closes its connection without reading the rest. */
  g_clear_object (&req->stream);
  g_clear_object (&req->msg);
  g_clear_object (&req->self);
  g_free (req);
}

static GTask *
request_task_new (HvOllamaProvider    *self,
                  gpointer             source_tag,
                  const char          *model,
                  ObjectHandler        handle,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *req = g_new0 (Request, 1);

  g_task_set_source_tag (task, source_tag);
  req->self = g_object_ref (self);
  req->model = g_strdup (model);
  req->handle = handle;
  req->parser = json_parser_new_immutable ();
  hv_ollama_chunk_init (&req->chunk);
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);
  return task;
}

static gboolean
prepare_message (Request     *req,
                 const char  *method,
                 const char  *path,
                 JsonNode    *body,
                 GError     **error)
{
  HvOllamaProvider *self = req->self;
  g_autofree char *url = NULL;

  if (self->host_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->host_error));
      return FALSE;
    }

  url = g_strconcat (self->base_url, path, NULL);
  req->msg = soup_message_new (method, url);
  if (req->msg == NULL)
    {
      g_set_error (error, HV_MODEL_ERROR, HV_MODEL_ERROR_INVALID_ADDRESS,
                   _("“%s” is not an Ollama address; use http://HOST:PORT, https://HOST:PORT "
                     "or unix:/path/to/socket in providers.ollama.host or OLLAMA_HOST"), self->host);
      return FALSE;
    }

  if (body != NULL)
    {
      gsize length;
      char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = NULL;

      length = strlen (text);
      bytes = g_bytes_new_take (text, length);
      soup_message_set_request_body_from_bytes (req->msg, "application/json", bytes);
    }
  return TRUE;
}

/* Could not connect, or the connection failed before an answer. */
static GError *
transport_error (Request *req,
                 GError  *error)
{
  const char *host = req->self->host;
  GError *result;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (error->domain == G_RESOLVER_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    result = g_error_new (HV_MODEL_ERROR, HV_MODEL_ERROR_UNREACHABLE,
                          _("Ollama is not reachable at %s: %s. Is Ollama running? Start it with “ollama serve”, "
                            "or set providers.ollama.host in config.toml or OLLAMA_HOST"),
                          host, error->message);
  else
    result = g_error_new (HV_MODEL_ERROR, HV_MODEL_ERROR_CONNECTION_LOST,
                          _("the connection to Ollama at %s was lost before it answered: %s"),
                          host, error->message);
  g_error_free (error);
  return result;
}

static GError *
connection_lost (Request    *req,
                 const char *reason)
{
  return g_error_new (HV_MODEL_ERROR, HV_MODEL_ERROR_CONNECTION_LOST,
                      _("the connection to Ollama at %s was lost in the middle of the reply: %s"),
                      req->self->host, reason);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gint64
get_int (JsonObject *object,
         const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return 0;
}

static gboolean
get_boolean (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

/* Ollama's error bodies are {"error": "…"}; anything else is shown as text if it is short. */
static char *
error_text (GBytes   *body,
            gboolean *from_ollama)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;

  *from_ollama = FALSE;
  if (size == 0)
    return NULL;

  if (json_parser_load_from_data (parser, data, size, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      const char *text = get_string (json_node_get_object (json_parser_get_root (parser)), "error");

      if (text != NULL)
        {
          *from_ollama = TRUE;
          return g_strdup (text);
        }
    }
  if (size <= 200 && g_utf8_validate (data, size, NULL))
    return g_strstrip (g_strndup (data, size));
  return NULL;
}

static GError *
http_error (Request *req,
            GBytes  *body)
{
  guint status = soup_message_get_status (req->msg);
  const char *reason = soup_message_get_reason_phrase (req->msg);
  const char *host = req->self->host;
  gboolean from_ollama;
  g_autofree char *text = error_text (body, &from_ollama);

  if (status == SOUP_STATUS_NOT_FOUND && from_ollama && req->model != NULL)
    {
      if (req->suggest_pull)
        return g_error_new (HV_MODEL_ERROR, HV_MODEL_ERROR_MODEL_NOT_FOUND,
                            _("Ollama at %s does not have the model “%s” (it answered: %s). "
                              "Download it with “hydravisor models pull %s”"),
                            host, req->model, text, req->model);
      return g_error_new (HV_MODEL_ERROR, HV_MODEL_ERROR_MODEL_NOT_FOUND,
                          _("Ollama at %s does not have the model “%s” (it answered: %s)"),
                          host, req->model, text);
    }
  if (text != NULL && text[0] != '\0')
    return g_error_new (HV_MODEL_ERROR, HV_MODEL_ERROR_SERVER, _("Ollama at %s answered HTTP %u %s: %s"),
                        host, status, reason ? reason : "", text);
  return g_error_new (HV_MODEL_ERROR, HV_MODEL_ERROR_SERVER, _("Ollama at %s answered HTTP %u %s"),
                      host, status, reason ? reason : "");
}

static void
request_return_success (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  if (req->result != NULL)
    {
      gpointer result = g_steal_pointer (&req->result);

      g_task_return_pointer (task, result, req->result_destroy);
    }
  else
    g_task_return_boolean (task, TRUE);
}

/* Parses one JSON object and hands it to the request's handler. */
static gboolean
handle_json (Request     *req,
             const char  *data,
             gsize        length,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *server_error;

  if (!json_parser_load_from_data (req->parser, data, length, &local_error))
    {
      g_set_error (error, HV_MODEL_ERROR, HV_MODEL_ERROR_PROTOCOL,
                   _("Ollama at %s sent something that is not JSON: %s"), req->self->host, local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (req->parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HV_MODEL_ERROR, HV_MODEL_ERROR_PROTOCOL,
                   _("Ollama at %s sent JSON that is not an object"), req->self->host);
      return FALSE;
    }
  object = json_node_get_object (root);

  /* A stream that fails after it started still has status 200: the error is a line. */
  server_error = get_string (object, "error");
  if (server_error != NULL)
    {
      g_set_error (error, HV_MODEL_ERROR, HV_MODEL_ERROR_SERVER,
                   _("Ollama at %s stopped with an error: %s"), req->self->host, server_error);
      return FALSE;
    }

  return req->handle == NULL || req->handle (req, object, error);
}

static gboolean
on_line (const char  *line,
         gsize        length,
         gpointer     user_data,
         GError     **error)
{
  Request *req = user_data;
  gsize i;

  if (req->done)
    return TRUE;   /* nothing belongs after the last object; ignore it */

  for (i = 0; i < length; i++)
    if (!g_ascii_isspace (line[i]))
      break;
  if (i == length)
    return TRUE;

  /* Most lines of a reply are a few characters of text: read them without building a
   * JSON tree (json-glib costs several times more per line than the rest of the path). */
  if (req->reply != NULL && hv_ollama_chunk_scan (&req->chunk, line, length, req->generate))
    {
      if (req->chunk.thinking->len > 0)
        hv_chat_message_append_thinking (req->reply, req->chunk.thinking->str, req->chunk.thinking->len);
      if (req->chunk.content->len > 0)
        hv_chat_message_append_content (req->reply, req->chunk.content->str, req->chunk.content->len);
      return TRUE;
    }

  return handle_json (req, line, length, error);
}

static void
on_stream_closed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
}

/* Handles the outcome of one read: @n bytes in req->buffer, 0 at the end, -1 with @error.
 * Returns TRUE while the stream goes on; FALSE once it completed @task. */
static gboolean
process_read (GTask  *task,
              gssize  n,
              GError *error)
{
  Request *req = g_task_get_task_data (task);
  GError *local_error = NULL;

  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, error);
      else
        {
          g_task_return_error (task, connection_lost (req, error->message));
          g_error_free (error);
        }
      return FALSE;
    }

  if (n == 0)
    {
      if (!hv_line_buffer_finish (req->lines, on_line, req, &local_error))
        g_task_return_error (task, local_error);
      else if (req->done)
        request_return_success (task);
      else
        g_task_return_error (task, connection_lost (req, _("the stream ended before its last message")));
      return FALSE;
    }

  if (!hv_line_buffer_feed (req->lines, req->buffer, n, on_line, req, &local_error))
    {
      g_task_return_error (task, local_error);
      return FALSE;
    }

  if (req->done)
    {
      /* Answer now; the end of the HTTP body is read in the background. */
      g_input_stream_close_async (req->stream, G_PRIORITY_DEFAULT, NULL, on_stream_closed, NULL);
      request_return_success (task);
      return FALSE;
    }
  return TRUE;
}

/* A fast stream has many pieces waiting (libsoup hands out one HTTP chunk per read): take
 * them without going through the main loop for each, for a bounded time so the loop keeps
 * turning. Returns TRUE while the stream goes on. */
static gboolean
read_available (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  GPollableInputStream *pollable;
  gint64 deadline;

  if (!G_IS_POLLABLE_INPUT_STREAM (req->stream) ||
      !g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (req->stream)))
    return TRUE;

  pollable = G_POLLABLE_INPUT_STREAM (req->stream);
  deadline = g_get_monotonic_time () + MAX_READ_BURST_USEC;
  while (g_get_monotonic_time () < deadline)
    {
      GError *error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (pollable, req->buffer, READ_BUFFER_SIZE,
                                                           g_task_get_cancellable (task), &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_error_free (error);
          return TRUE;
        }
      if (!process_read (task, n, error))
        return FALSE;
    }
  return TRUE;
}

static void read_more (GTask *task);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (!process_read (task, n, error) || !read_available (task))
    return;
  read_more (g_steal_pointer (&task));
}

static void
read_more (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  /* Below the window's own work (drawing, layout, and GTK's idle layout of text): a reply
   * that arrives faster than it can be shown waits in the socket, and the window never
   * builds up a backlog of work to do all at once when the stream ends. */
  g_input_stream_read_async (req->stream, req->buffer, READ_BUFFER_SIZE, G_PRIORITY_DEFAULT_IDLE,
                             g_task_get_cancellable (task), on_read, task);
}

static void
on_error_body (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) < 0 &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_output_stream_is_closed (G_OUTPUT_STREAM (source)))
    body = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (source));
  g_task_return_error (task, http_error (req, body));
}

static void
on_stream_sent (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;

  req->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (req->stream == NULL)
    {
      g_task_return_error (task, transport_error (req, error));
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (req->msg)))
    {
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
      GCancellable *cancellable = g_task_get_cancellable (task);

      g_output_stream_splice_async (out, req->stream,
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                    G_PRIORITY_DEFAULT, cancellable, on_error_body, g_steal_pointer (&task));
      return;
    }

  req->lines = hv_line_buffer_new (MAX_LINE_LENGTH);
  req->buffer = g_malloc (READ_BUFFER_SIZE);
  read_more (g_steal_pointer (&task));
}

/* Sends a request whose answer is a stream of JSON lines, each handed to req->handle;
 * the request succeeds when the handler sets req->done. Takes @task. */
static void
send_streaming (GTask      *task,
                const char *method,
                const char *path,
                JsonNode   *body)
{
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;

  if (!prepare_message (req, method, path, body, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  soup_session_send_async (get_session (req->self, TRUE), req->msg, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_stream_sent, task);
}

static void
on_simple_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  gsize size;
  const char *data;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, transport_error (req, error));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (req->msg)))
    {
      g_task_return_error (task, http_error (req, body));
      return;
    }

  data = g_bytes_get_data (body, &size);
  if (req->handle != NULL && !handle_json (req, data, size, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  request_return_success (task);
}

/* Sends a request whose answer is one JSON object (or nothing, when req->handle is NULL).
 * Takes @task. */
static void
send_simple (GTask      *task,
             const char *method,
             const char *path,
             JsonNode   *body)
{
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;

  if (!prepare_message (req, method, path, body, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  soup_session_send_and_read_async (get_session (req->self, FALSE), req->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_simple_done, task);
}

/* ---- models -------------------------------------------------------------------------- */

static GDateTime *
parse_time (const char *text)
{
  return text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
}

static void
fill_details (HvModelInfo *info,
              JsonObject  *details)
{
  if (details == NULL)
    return;
  g_object_set (info,
                "family", get_string (details, "family"),
                "format", get_string (details, "format"),
                "parameter-size", get_string (details, "parameter_size"),
                "quantization", get_string (details, "quantization_level"),
                NULL);
}

static HvModelInfo *
model_from_json (JsonObject *object)
{
  const char *name = get_string (object, "name");
  g_autoptr(GDateTime) modified = NULL;
  g_autoptr(GDateTime) expires = NULL;
  HvModelInfo *info;

  if (name == NULL)
    name = get_string (object, "model");
  if (name == NULL)
    return NULL;

  info = hv_model_info_new ("ollama", name);
  modified = parse_time (get_string (object, "modified_at"));
  expires = parse_time (get_string (object, "expires_at"));
  g_object_set (info,
                "size", (guint64) MAX (get_int (object, "size"), 0),
                "size-vram", (guint64) MAX (get_int (object, "size_vram"), 0),
                "digest", get_string (object, "digest"),
                "modified", modified,
                "expires", expires,
                NULL);
  fill_details (info, get_object (object, "details"));
  return info;
}

static gboolean
handle_model_list (Request     *req,
                   JsonObject  *object,
                   GError     **error)
{
  JsonArray *models = get_array (object, "models");
  g_autoptr(GListStore) store = NULL;

  if (models == NULL)
    {
      g_set_error (error, HV_MODEL_ERROR, HV_MODEL_ERROR_PROTOCOL,
                   _("Ollama at %s answered without a list of models"), req->self->host);
      return FALSE;
    }

  store = g_list_store_new (HV_TYPE_MODEL_INFO);
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonNode *node = json_array_get_element (models, i);
      g_autoptr(HvModelInfo) info = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        info = model_from_json (json_node_get_object (node));
      if (info != NULL)
        g_list_store_append (store, info);
    }

  req->result = g_steal_pointer (&store);
  req->result_destroy = g_object_unref;
  return TRUE;
}

static void
list_models_async (HvChatProvider      *provider,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (provider);

  send_simple (request_task_new (self, list_models_async, NULL, handle_model_list, cancellable, callback, user_data),
               SOUP_METHOD_GET, "/api/tags", NULL);
}

static GListModel *
list_models_finish (HvChatProvider  *provider,
                    GAsyncResult    *result,
                    GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_running_async (HvChatProvider      *provider,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (provider);

  send_simple (request_task_new (self, list_running_async, NULL, handle_model_list, cancellable, callback, user_data),
               SOUP_METHOD_GET, "/api/ps", NULL);
}

static GListModel *
list_running_finish (HvChatProvider  *provider,
                     GAsyncResult    *result,
                     GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
handle_show (Request     *req,
             JsonObject  *object,
             GError     **error)
{
  g_autoptr(HvModelInfo) info = hv_model_info_new ("ollama", req->model);
  g_autoptr(GDateTime) modified = parse_time (get_string (object, "modified_at"));
  g_autoptr(GStrvBuilder) capabilities = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;
  JsonArray *array = get_array (object, "capabilities");
  JsonObject *model_info = get_object (object, "model_info");

  fill_details (info, get_object (object, "details"));
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (capabilities, json_node_get_string (node));
    }
  strv = g_strv_builder_end (capabilities);

  g_object_set (info,
                "modified", modified,
                "parameters", get_string (object, "parameters"),
                "template", get_string (object, "template"),
                "license", get_string (object, "license"),
                "capabilities", array != NULL ? strv : NULL,
                NULL);

  /* model_info: {"general.architecture": "llama", "llama.context_length": 8192, …} */
  if (model_info != NULL)
    {
      const char *arch = get_string (model_info, "general.architecture");

      if (arch != NULL)
        {
          g_autofree char *key = g_strconcat (arch, ".context_length", NULL);

          g_object_set (info, "context-length", (guint64) MAX (get_int (model_info, key), 0), NULL);
        }
    }

  req->result = g_steal_pointer (&info);
  req->result_destroy = g_object_unref;
  return TRUE;
}

static JsonNode *
model_body (const char *name,
            gboolean    stream)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, name);
  if (stream)
    {
      json_builder_set_member_name (builder, "stream");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
show_model_async (HvChatProvider      *provider,
                  const char          *name,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (provider);
  g_autoptr(JsonNode) body = model_body (name, FALSE);
  GTask *task = request_task_new (self, show_model_async, name, handle_show, cancellable, callback, user_data);

  ((Request *) g_task_get_task_data (task))->suggest_pull = TRUE;
  send_simple (task, SOUP_METHOD_POST, "/api/show", body);
}

static HvModelInfo *
show_model_finish (HvChatProvider  *provider,
                   GAsyncResult    *result,
                   GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
delete_model_async (HvChatProvider      *provider,
                    const char          *name,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (provider);
  g_autoptr(JsonNode) body = model_body (name, FALSE);

  send_simple (request_task_new (self, delete_model_async, name, NULL, cancellable, callback, user_data),
               SOUP_METHOD_DELETE, "/api/delete", body);
}

static gboolean
boolean_finish (HvChatProvider  *provider,
                GAsyncResult    *result,
                GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
handle_version (Request     *req,
                JsonObject  *object,
                GError     **error)
{
  const char *version = get_string (object, "version");

  if (version == NULL)
    {
      g_set_error (error, HV_MODEL_ERROR, HV_MODEL_ERROR_PROTOCOL,
                   _("Ollama at %s answered without a version"), req->self->host);
      return FALSE;
    }
  req->result = g_strdup (version);
  req->result_destroy = g_free;
  return TRUE;
}

static void
get_version_async (HvChatProvider      *provider,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (provider);

  send_simple (request_task_new (self, get_version_async, NULL, handle_version, cancellable, callback, user_data),
               SOUP_METHOD_GET, "/api/version", NULL);
}

static char *
get_version_finish (HvChatProvider  *provider,
                    GAsyncResult    *result,
                    GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
handle_pull (Request     *req,
             JsonObject  *object,
             GError     **error)
{
  HvPullProgress progress = { 0 };

  progress.status = get_string (object, "status");
  if (progress.status == NULL)
    return TRUE;
  progress.digest = get_string (object, "digest");
  progress.total = (guint64) MAX (get_int (object, "total"), 0);
  progress.completed = (guint64) MAX (get_int (object, "completed"), 0);

  if (req->progress != NULL)
    req->progress (&progress, req->progress_data);
  if (g_str_equal (progress.status, "success"))
    req->done = TRUE;
  return TRUE;
}

static void
pull_async (HvChatProvider      *provider,
            const char          *name,
            HvPullProgressFunc   progress,
            gpointer             progress_data,
            GDestroyNotify       progress_destroy,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (provider);
  g_autoptr(JsonNode) body = model_body (name, TRUE);
  GTask *task = request_task_new (self, pull_async, name, handle_pull, cancellable, callback, user_data);
  Request *req = g_task_get_task_data (task);

  req->progress = progress;
  req->progress_data = progress_data;
  req->progress_destroy = progress_destroy;
  send_streaming (task, SOUP_METHOD_POST, "/api/pull", body);
}

/* ---- chat ---------------------------------------------------------------------------- */

static gboolean
handle_reply (Request     *req,
              JsonObject  *object,
              GError     **error)
{
  const char *content = NULL;
  const char *thinking = NULL;

  if (req->generate)
    {
      content = get_string (object, "response");
      thinking = get_string (object, "thinking");
    }
  else
    {
      JsonObject *message = get_object (object, "message");

      if (message != NULL)
        {
          content = get_string (message, "content");
          thinking = get_string (message, "thinking");
        }
    }

  if (thinking != NULL && thinking[0] != '\0')
    hv_chat_message_append_thinking (req->reply, thinking, -1);
  if (content != NULL && content[0] != '\0')
    hv_chat_message_append_content (req->reply, content, -1);

  if (get_boolean (object, "done"))
    {
      g_autoptr(HvChatStats) stats = hv_chat_stats_new_from_json (object);

      hv_chat_message_set_stats (req->reply, stats);
      req->done = TRUE;
    }
  return TRUE;
}

static void
add_message (JsonBuilder *builder,
             const char  *role,
             const char  *content)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, content);
  json_builder_end_object (builder);
}

static JsonNode *
chat_body (HvOllamaProvider *self,
           const char       *model,
           GPtrArray        *messages)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean has_system = messages->len > 0 &&
    hv_chat_message_get_role (g_ptr_array_index (messages, 0)) == HV_CHAT_ROLE_SYSTEM;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  if (!has_system && self->system_prompt != NULL && self->system_prompt[0] != '\0')
    add_message (builder, "system", self->system_prompt);
  for (guint i = 0; i < messages->len; i++)
    {
      HvChatMessage *message = g_ptr_array_index (messages, i);
      const char *content = hv_chat_message_get_content (message);

      /* A reply that failed before it said anything is not part of the conversation. */
      if (content[0] == '\0')
        continue;
      add_message (builder, hv_chat_role_to_string (hv_chat_message_get_role (message)), content);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
chat_async (HvChatProvider      *provider,
            const char          *model,
            GPtrArray           *messages,
            HvChatMessage       *reply,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (provider);
  g_autoptr(JsonNode) body = chat_body (self, model, messages);
  GTask *task = request_task_new (self, chat_async, model, handle_reply, cancellable, callback, user_data);
  Request *req = g_task_get_task_data (task);

  req->reply = g_object_ref (reply);
  req->suggest_pull = TRUE;
  send_streaming (task, SOUP_METHOD_POST, "/api/chat", body);
}

static void
generate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvChatMessage *reply = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  _hv_chat_reply_end (reply, error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * hv_ollama_provider_generate_async:
 * @prompt: the prompt, without a conversation (POST /api/generate)
 * @system: (nullable): a system prompt; %NULL for providers.ollama.system_prompt
 * @reply: an assistant message to stream the answer into, as hv_chat_provider_chat_async()
 */
void
hv_ollama_provider_generate_async (HvOllamaProvider    *self,
                                   const char          *model,
                                   const char          *prompt,
                                   const char          *system,
                                   HvChatMessage       *reply,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  GTask *outer;
  GTask *task;
  Request *req;

  g_return_if_fail (HV_IS_OLLAMA_PROVIDER (self));
  g_return_if_fail (model != NULL && prompt != NULL);
  g_return_if_fail (HV_IS_CHAT_MESSAGE (reply));

  if (system == NULL && self->system_prompt != NULL && self->system_prompt[0] != '\0')
    system = self->system_prompt;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "prompt");
  json_builder_add_string_value (builder, prompt);
  if (system != NULL)
    {
      json_builder_set_member_name (builder, "system");
      json_builder_add_string_value (builder, system);
    }
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, hv_ollama_provider_generate_async);
  g_task_set_task_data (outer, g_object_ref (reply), g_object_unref);

  _hv_chat_reply_begin (reply);
  task = request_task_new (self, hv_ollama_provider_generate_async, model, handle_reply, cancellable, generate_cb, outer);
  req = g_task_get_task_data (task);
  req->reply = g_object_ref (reply);
  req->generate = TRUE;
  req->suggest_pull = TRUE;
  send_streaming (task, SOUP_METHOD_POST, "/api/generate", body);
}

gboolean
hv_ollama_provider_generate_finish (HvOllamaProvider  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (HV_IS_OLLAMA_PROVIDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the object ---------------------------------------------------------------------- */

static const char *
get_id (HvChatProvider *provider)
{
  return "ollama";
}

static const char *
get_display_name (HvChatProvider *provider)
{
  return "Ollama";
}

static const char *
get_address (HvChatProvider *provider)
{
  return HV_OLLAMA_PROVIDER (provider)->host;
}

static HvChatProviderCapabilities
get_capabilities (HvChatProvider *provider)
{
  return HV_CHAT_PROVIDER_CAN_PULL | HV_CHAT_PROVIDER_CAN_DELETE | HV_CHAT_PROVIDER_CAN_SHOW |
         HV_CHAT_PROVIDER_CAN_LIST_RUNNING | HV_CHAT_PROVIDER_CAN_GET_VERSION;
}

static void
hv_ollama_provider_iface_init (HvChatProviderInterface *iface)
{
  iface->get_id = get_id;
  iface->get_display_name = get_display_name;
  iface->get_address = get_address;
  iface->get_capabilities = get_capabilities;
  iface->list_models_async = list_models_async;
  iface->list_models_finish = list_models_finish;
  iface->chat_async = chat_async;
  iface->chat_finish = boolean_finish;
  iface->pull_async = pull_async;
  iface->pull_finish = boolean_finish;
  iface->delete_model_async = delete_model_async;
  iface->delete_model_finish = boolean_finish;
  iface->show_model_async = show_model_async;
  iface->show_model_finish = show_model_finish;
  iface->list_running_async = list_running_async;
  iface->list_running_finish = list_running_finish;
  iface->get_version_async = get_version_async;
  iface->get_version_finish = get_version_finish;
}

static void
on_config_changed (HvConfig   *config,
                   const char *key,
                   gpointer    user_data)
{
  HvOllamaProvider *self = user_data;

  if (g_str_equal (key, "providers.ollama.host"))
    hv_ollama_provider_set_host (self, hv_config_get_string (config, key));
  else if (g_str_equal (key, "providers.ollama.system_prompt"))
    hv_ollama_provider_set_system_prompt (self, hv_config_get_string (config, key));
}

static void
hv_ollama_provider_constructed (GObject *object)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (object);

  G_OBJECT_CLASS (hv_ollama_provider_parent_class)->constructed (object);

  if (self->config != NULL)
    {
      if (self->host == NULL)
        self->host = g_strdup (hv_config_get_string (self->config, "providers.ollama.host"));
      if (self->system_prompt == NULL)
        self->system_prompt = g_strdup (hv_config_get_string (self->config, "providers.ollama.system_prompt"));
      g_signal_connect_object (self->config, "changed::providers.ollama.host",
                               G_CALLBACK (on_config_changed), self, 0);
      g_signal_connect_object (self->config, "changed::providers.ollama.system_prompt",
                               G_CALLBACK (on_config_changed), self, 0);
    }
  if (self->host == NULL)
    self->host = g_strdup (default_host);
  apply_host (self);
}

static void
hv_ollama_provider_dispose (GObject *object)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (object);

  g_clear_object (&self->session);
  g_clear_object (&self->stream_session);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (hv_ollama_provider_parent_class)->dispose (object);
}

static void
hv_ollama_provider_finalize (GObject *object)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (object);

  g_free (self->host);
  g_free (self->system_prompt);
  g_free (self->base_url);
  g_free (self->socket_path);
  g_clear_error (&self->host_error);

  G_OBJECT_CLASS (hv_ollama_provider_parent_class)->finalize (object);
}

static void
hv_ollama_provider_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_SYSTEM_PROMPT:
      g_value_set_string (value, self->system_prompt);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_ollama_provider_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HvOllamaProvider *self = HV_OLLAMA_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;
    case PROP_HOST:
      if (self->base_url == NULL && self->host_error == NULL)
        self->host = g_value_dup_string (value);   /* construction: applied in constructed() */
      else
        hv_ollama_provider_set_host (self, g_value_get_string (value));
      break;
    case PROP_SYSTEM_PROMPT:
      hv_ollama_provider_set_system_prompt (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_ollama_provider_class_init (HvOllamaProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = hv_ollama_provider_constructed;
  object_class->dispose = hv_ollama_provider_dispose;
  object_class->finalize = hv_ollama_provider_finalize;
  object_class->get_property = hv_ollama_provider_get_property;
  object_class->set_property = hv_ollama_provider_set_property;

  /**
   * HvOllamaProvider:config:
   *
   * The configuration the host and system prompt come from (and follow), or %NULL.
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, HV_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * HvOllamaProvider:host:
   *
   * Where Ollama listens: "http://127.0.0.1:11434", "https://…", "unix:/path/to/socket".
   */
  properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, NULL, flags | G_PARAM_CONSTRUCT);
  /**
   * HvOllamaProvider:system-prompt:
   *
   * Sent as the first message of each chat that does not start with its own; "" for none.
   */
  properties[PROP_SYSTEM_PROMPT] = g_param_spec_string ("system-prompt", NULL, NULL, NULL, flags | G_PARAM_CONSTRUCT);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hv_ollama_provider_init (HvOllamaProvider *self)
{
}

/**
 * hv_ollama_provider_new:
 * @host: (nullable): "http://HOST:PORT", "https://HOST:PORT", "HOST:PORT" or
 *   "unix:/path/to/socket"; %NULL for http://127.0.0.1:11434
 */
HvOllamaProvider *
hv_ollama_provider_new (const char *host)
{
  return g_object_new (HV_TYPE_OLLAMA_PROVIDER, "host", host, NULL);
}

/**
 * hv_ollama_provider_new_from_config:
 * @config: (nullable): a loaded configuration; the provider follows its changes of
 *   providers.ollama.host and providers.ollama.system_prompt
 */
HvOllamaProvider *
hv_ollama_provider_new_from_config (HvConfig *config)
{
  g_return_val_if_fail (config == NULL || HV_IS_CONFIG (config), NULL);

  return g_object_new (HV_TYPE_OLLAMA_PROVIDER, "config", config, NULL);
}

const char *
hv_ollama_provider_get_host (HvOllamaProvider *self)
{
  g_return_val_if_fail (HV_IS_OLLAMA_PROVIDER (self), NULL);
  return self->host;
}

/**
 * hv_ollama_provider_set_host:
 *
 * Requests already running keep their connection; later ones go to @host.
 */
void
hv_ollama_provider_set_host (HvOllamaProvider *self,
                             const char       *host)
{
  g_return_if_fail (HV_IS_OLLAMA_PROVIDER (self));

  if (host == NULL)
    host = default_host;
  if (g_strcmp0 (self->host, host) == 0)
    return;
  g_free (self->host);
  self->host = g_strdup (host);
  apply_host (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
}

const char *
hv_ollama_provider_get_system_prompt (HvOllamaProvider *self)
{
  g_return_val_if_fail (HV_IS_OLLAMA_PROVIDER (self), NULL);
  return self->system_prompt;
}

void
hv_ollama_provider_set_system_prompt (HvOllamaProvider *self,
                                      const char       *system_prompt)
{
  g_return_if_fail (HV_IS_OLLAMA_PROVIDER (self));

  if (g_strcmp0 (self->system_prompt, system_prompt) == 0)
    return;
  g_free (self->system_prompt);
  self->system_prompt = g_strdup (system_prompt);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYSTEM_PROMPT]);
}
