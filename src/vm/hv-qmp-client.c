// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <gio/gunixsocketaddress.h>

#include "hv-qmp-client.h"

/* QMP is one JSON object per line in both directions. Reads go into a buffer that is cut at
 * newlines, so a message split over reads, or several in one read, both work. Commands carry
 * an "id" and are matched to their reply by it; writes are queued so that only one is in
 * flight on the stream at a time.
 *
 * Async operations on the socket hold only a weak reference to the client: dropping the last
 * reference closes the connection even while a read is pending. */

#define DEFAULT_GREETING_TIMEOUT_MS 5000

struct _HvQmpClient
{
  GObject             parent_instance;

  char               *socket_path;
  GSocketConnection  *connection;
  GCancellable       *cancellable;       /* the read loop and writes; cancelled on close */
  GByteArray         *buffer;
  JsonObject         *greeting;
  GTask              *connect_task;
  guint               greeting_timeout_id;
  guint               greeting_timeout_ms;
  GHashTable         *pending;           /* id → GTask */
  GQueue              writes;            /* of GBytes */
  guint               next_id;
  guint               used : 1;          /* a client connects once */
  guint               open : 1;          /* the socket is connected */
  guint               ready : 1;         /* capabilities negotiated */
  guint               writing : 1;
};

G_DEFINE_FINAL_TYPE (HvQmpClient, hv_qmp_client, G_TYPE_OBJECT)
G_DEFINE_QUARK (hv-qmp-error-quark, hv_qmp_error)

enum {
  SIGNAL_EVENT,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  char    *id;
  GSource *cancel_source;
} PendingData;

static void
pending_data_free (PendingData *data)
{
  if (data->cancel_source != NULL)
    {
      g_source_destroy (data->cancel_source);
      g_source_unref (data->cancel_source);
    }
  g_free (data->id);
  g_free (data);
}

typedef struct {
  GWeakRef  client;
  GBytes   *bytes;
} OpData;

static OpData *
op_data_new (HvQmpClient *self,
             GBytes      *bytes)
{
  OpData *data = g_new0 (OpData, 1);

  g_weak_ref_init (&data->client, self);
  data->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  return data;
}

static void
op_data_free (OpData *data)
{
  g_weak_ref_clear (&data->client);
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpData, op_data_free)

static void hv_qmp_client_start_read (HvQmpClient *self);
static void hv_qmp_client_write_next (HvQmpClient *self);
static void hv_qmp_client_send (HvQmpClient *self, const char *command, JsonObject *arguments,
                                GTask *task);

/* Detaches a pending command's task from the client and from its cancellable. */
static void
pending_forget (GTask *task)
{
  PendingData *data = g_task_get_task_data (task);

  if (data->cancel_source != NULL)
    {
      g_source_destroy (data->cancel_source);
      g_clear_pointer (&data->cancel_source, g_source_unref);
    }
}

static void
hv_qmp_client_shut (HvQmpClient  *self,
                    const GError *reason,
                    gboolean      emit)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GTask) connect_task = NULL;
  gboolean was_ready = self->ready;
  GHashTableIter iter;
  gpointer value;

  if (!self->open && self->connect_task == NULL)
    return;

  self->open = FALSE;
  self->ready = FALSE;
  g_clear_handle_id (&self->greeting_timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->connection != NULL)
    {
      /* Closing the socket itself works even while the cancelled read is still pending. */
      g_socket_close (g_socket_connection_get_socket (self->connection), NULL);
      g_clear_object (&self->connection);
    }
  g_queue_clear_full (&self->writes, (GDestroyNotify) g_bytes_unref);
  if (self->buffer != NULL)
    g_byte_array_set_size (self->buffer, 0);

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (tasks, g_object_ref (value));
      g_hash_table_iter_remove (&iter);
    }

  connect_task = g_steal_pointer (&self->connect_task);
  if (connect_task != NULL)
    {
      if (reason != NULL)
        g_task_return_new_error (connect_task, reason->domain, reason->code,
                                 _("Could not connect to the QEMU monitor at %s: %s"),
                                 self->socket_path, reason->message);
      else
        g_task_return_new_error (connect_task, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                 _("QEMU closed its monitor socket %s before it was ready"),
                                 self->socket_path);
    }

  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      pending_forget (task);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                               _("The QEMU monitor at %s closed (QEMU has exited)%s%s"),
                               self->socket_path,
                               reason != NULL ? ": " : "",
                               reason != NULL ? reason->message : "");
    }

  if (emit && was_ready)
    g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static void
hv_qmp_client_handle_reply (HvQmpClient *self,
                            JsonObject  *message)
{
  g_autoptr(GTask) task = NULL;
  const char *id = NULL;
  JsonNode *id_node = json_object_get_member (message, "id");

  if (id_node != NULL && JSON_NODE_HOLDS_VALUE (id_node) &&
      json_node_get_value_type (id_node) == G_TYPE_STRING)
    id = json_node_get_string (id_node);
  if (id == NULL || !g_hash_table_steal_extended (self->pending, id, NULL, (gpointer *) &task))
    {
      g_debug ("QMP %s: reply to no pending command (id %s)", self->socket_path,
               id != NULL ? id : "none");
      return;
    }

  pending_forget (task);

  if (json_object_has_member (message, "error"))
    {
      JsonObject *error = json_object_get_object_member (message, "error");
      const char *klass = error != NULL ? json_object_get_string_member_with_default (error, "class", "") : "";
      const char *desc = error != NULL ? json_object_get_string_member_with_default (error, "desc", NULL) : NULL;
      HvQmpError code = HV_QMP_ERROR_GENERIC;

      if (g_str_equal (klass, "CommandNotFound"))
        code = HV_QMP_ERROR_COMMAND_NOT_FOUND;
      else if (g_str_equal (klass, "DeviceNotActive"))
        code = HV_QMP_ERROR_DEVICE_NOT_ACTIVE;
      else if (g_str_equal (klass, "DeviceNotFound"))
        code = HV_QMP_ERROR_DEVICE_NOT_FOUND;
      else if (g_str_equal (klass, "KVMMissingCap"))
        code = HV_QMP_ERROR_KVM_MISSING_CAP;

      g_task_return_new_error (task, HV_QMP_ERROR, code, "%s",
                               desc != NULL ? desc : _("QEMU refused the command without saying why"));
      return;
    }

  if (json_object_has_member (message, "return"))
    g_task_return_pointer (task, json_node_copy (json_object_get_member (message, "return")),
                           (GDestroyNotify) json_node_unref);
  else
    g_task_return_new_error (task, HV_QMP_ERROR, HV_QMP_ERROR_PROTOCOL,
                             _("QEMU answered with neither a result nor an error"));
}

static void
on_capabilities (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HvQmpClient *self = HV_QMP_CLIENT (object);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) connect_task = NULL;

  node = hv_qmp_client_execute_finish (self, result, &error);
  if (self->connect_task == NULL)
    return;   /* timed out or closed meanwhile; already reported */

  g_clear_handle_id (&self->greeting_timeout_id, g_source_remove);
  if (node == NULL)
    {
      hv_qmp_client_shut (self, error, FALSE);
      return;
    }

  self->ready = TRUE;
  connect_task = g_steal_pointer (&self->connect_task);
  if (!g_task_return_error_if_cancelled (connect_task))
    g_task_return_boolean (connect_task, TRUE);
}

static void
hv_qmp_client_handle_line (HvQmpClient *self,
                           const char  *line,
                           gsize        length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonObject *message;

  if (!json_parser_load_from_data (parser, line, length, &error))
    {
      g_debug ("QMP %s: unreadable line: %s", self->socket_path, error->message);
      return;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  message = json_node_get_object (root);

  if (json_object_has_member (message, "QMP"))
    {
      JsonNode *greeting = json_object_get_member (message, "QMP");
      g_autoptr(GTask) task = NULL;

      if (self->greeting != NULL || !JSON_NODE_HOLDS_OBJECT (greeting))
        return;
      self->greeting = json_object_ref (json_node_get_object (greeting));
      task = g_task_new (self, NULL, on_capabilities, NULL);
      g_task_set_source_tag (task, hv_qmp_client_execute_async);
      hv_qmp_client_send (self, "qmp_capabilities", NULL, task);
      return;
    }

  if (json_object_has_member (message, "event"))
    {
      const char *name = json_object_get_string_member_with_default (message, "event", NULL);
      JsonNode *data = json_object_get_member (message, "data");
      g_autoptr(JsonObject) empty = NULL;

      if (name == NULL)
        return;
      if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
        empty = json_object_new ();
      g_debug ("QMP %s: event %s", self->socket_path, name);
      g_signal_emit (self, signals[SIGNAL_EVENT], g_quark_from_string (name), name,
                     empty != NULL ? empty : json_node_get_object (data));
      return;
    }

  if (json_object_has_member (message, "return") || json_object_has_member (message, "error"))
    hv_qmp_client_handle_reply (self, message);
}

static void
hv_qmp_client_process_buffer (HvQmpClient *self)
{
  /* Handlers may close the client, which empties the buffer: re-check each round. */
  while (self->open && self->buffer->len > 0)
    {
      guint8 *newline = memchr (self->buffer->data, '\n', self->buffer->len);
      g_autofree char *line = NULL;
      gsize length;

      if (newline == NULL)
        break;
      length = newline - self->buffer->data;
      line = g_strndup ((const char *) self->buffer->data, length);
      g_byte_array_remove_range (self->buffer, 0, length + 1);
      if (length > 0 && line[length - 1] == '\r')
        line[--length] = '\0';
      if (length > 0)
        hv_qmp_client_handle_line (self, line, length);
    }
}

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(OpData) data = user_data;
  g_autoptr(HvQmpClient) self = g_weak_ref_get (&data->client);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->open)
    return;

  if (bytes == NULL)
    {
      g_debug ("QMP %s: read failed: %s", self->socket_path, error->message);
      hv_qmp_client_shut (self, error, TRUE);
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      g_debug ("QMP %s: end of stream", self->socket_path);
      hv_qmp_client_shut (self, NULL, TRUE);
      return;
    }

  g_byte_array_append (self->buffer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  hv_qmp_client_process_buffer (self);
  if (self->open)
    hv_qmp_client_start_read (self);
}

static void
hv_qmp_client_start_read (HvQmpClient *self)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (self->connection));

  g_input_stream_read_bytes_async (input, 8192, G_PRIORITY_DEFAULT, self->cancellable,
                                   on_read, op_data_new (self, NULL));
}

static void
on_written (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(OpData) data = user_data;
  g_autoptr(HvQmpClient) self = g_weak_ref_get (&data->client);
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->writing = FALSE;
  if (error != NULL)
    {
      g_debug ("QMP %s: write failed: %s", self->socket_path, error->message);
      hv_qmp_client_shut (self, error, TRUE);
      return;
    }
  hv_qmp_client_write_next (self);
}

static void
hv_qmp_client_write_next (HvQmpClient *self)
{
  GOutputStream *output;
  GBytes *bytes;
  gsize size;
  gconstpointer buf;

  if (self->writing || !self->open || (bytes = g_queue_pop_head (&self->writes)) == NULL)
    return;

  self->writing = TRUE;
  output = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  buf = g_bytes_get_data (bytes, &size);
  /* The operation data keeps the bytes alive until the write completes. */
  g_output_stream_write_all_async (output, buf, size, G_PRIORITY_DEFAULT, self->cancellable,
                                   on_written, op_data_new (self, bytes));
  g_bytes_unref (bytes);
}

static gboolean
on_execute_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  GTask *task = G_TASK (user_data);
  HvQmpClient *self = g_task_get_source_object (task);
  PendingData *data = g_task_get_task_data (task);
  g_autoptr(GTask) stolen = NULL;

  /* QEMU still runs the command; its reply is dropped when it comes. */
  if (g_hash_table_steal_extended (self->pending, data->id, NULL, (gpointer *) &stolen))
    {
      g_clear_pointer (&data->cancel_source, g_source_unref);
      g_task_return_error_if_cancelled (stolen);
    }
  return G_SOURCE_REMOVE;
}

static void
hv_qmp_client_send (HvQmpClient *self,
                    const char  *command,
                    JsonObject  *arguments,
                    GTask       *task)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  PendingData *data;
  char *text;
  gsize length;

  data = g_new0 (PendingData, 1);
  data->id = g_strdup_printf ("hv-%u", ++self->next_id);
  g_task_set_task_data (task, data, (GDestroyNotify) pending_data_free);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "execute");
  json_builder_add_string_value (builder, command);
  if (arguments != NULL)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, arguments);
      json_builder_set_member_name (builder, "arguments");
      json_builder_add_value (builder, g_steal_pointer (&node));
    }
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, data->id);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  /* One line per message: the generator never pretty-prints unless asked. */
  text = g_realloc (text, length + 2);
  text[length] = '\n';
  text[length + 1] = '\0';

  g_hash_table_insert (self->pending, g_strdup (data->id), g_object_ref (task));
  if (cancellable != NULL)
    {
      data->cancel_source = g_cancellable_source_new (cancellable);
      g_task_attach_source (task, data->cancel_source, G_SOURCE_FUNC (on_execute_cancelled));
    }

  g_debug ("QMP %s: -> %s", self->socket_path, command);
  g_queue_push_tail (&self->writes, g_bytes_new_take (text, length + 1));
  hv_qmp_client_write_next (self);
}

void
hv_qmp_client_execute_async (HvQmpClient         *self,
                             const char          *command,
                             JsonObject          *arguments,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HV_IS_QMP_CLIENT (self));
  g_return_if_fail (command != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_qmp_client_execute_async);
  g_task_set_name (task, command);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!self->ready)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Could not run “%s”: the QEMU monitor at %s is not connected (QEMU is not running)"),
                               command, self->socket_path);
      return;
    }

  hv_qmp_client_send (self, command, arguments, task);
}

JsonNode *
hv_qmp_client_execute_finish (HvQmpClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (HV_IS_QMP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
on_greeting_timeout (gpointer user_data)
{
  HvQmpClient *self = HV_QMP_CLIENT (user_data);
  g_autoptr(GError) error = NULL;

  self->greeting_timeout_id = 0;
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       _("QEMU did not answer within %u s; another program (another Hydravisor?) may be using this VM’s monitor"),
                       (self->greeting_timeout_ms + 999) / 1000);
  hv_qmp_client_shut (self, error, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_socket_connected (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvQmpClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (self->connect_task != task)
    return;   /* closed meanwhile */
  if (connection == NULL)
    {
      g_clear_object (&self->connect_task);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR, error->code,
                                 _("Could not connect to the QEMU monitor at %s: %s"),
                                 self->socket_path, error->message);
      return;
    }

  self->connection = g_steal_pointer (&connection);
  self->open = TRUE;
  self->greeting_timeout_id = g_timeout_add (self->greeting_timeout_ms, on_greeting_timeout, self);
  hv_qmp_client_start_read (self);
}

void
hv_qmp_client_connect_async (HvQmpClient         *self,
                             guint                timeout_ms,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketAddress) address = NULL;

  g_return_if_fail (HV_IS_QMP_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_qmp_client_connect_async);

  if (self->used)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("This QMP client was already connected once; make a new one"));
      return;
    }
  self->used = TRUE;
  self->greeting_timeout_ms = timeout_ms != 0 ? timeout_ms : DEFAULT_GREETING_TIMEOUT_MS;
  self->connect_task = g_object_ref (task);

  client = g_socket_client_new ();
  address = g_unix_socket_address_new (self->socket_path);
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), cancellable,
                                 on_socket_connected, g_steal_pointer (&task));
}

gboolean
hv_qmp_client_connect_finish (HvQmpClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (HV_IS_QMP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hv_qmp_client_close (HvQmpClient *self)
{
  g_return_if_fail (HV_IS_QMP_CLIENT (self));

  hv_qmp_client_shut (self, NULL, TRUE);
}

HvQmpClient *
hv_qmp_client_new (const char *socket_path)
{
  HvQmpClient *self;

  g_return_val_if_fail (socket_path != NULL, NULL);

  self = g_object_new (HV_TYPE_QMP_CLIENT, NULL);
  self->socket_path = g_strdup (socket_path);
  return self;
}

const char *
hv_qmp_client_get_socket_path (HvQmpClient *self)
{
  g_return_val_if_fail (HV_IS_QMP_CLIENT (self), NULL);
  return self->socket_path;
}

gboolean
hv_qmp_client_is_connected (HvQmpClient *self)
{
  g_return_val_if_fail (HV_IS_QMP_CLIENT (self), FALSE);
  return self->ready;
}

JsonObject *
hv_qmp_client_get_greeting (HvQmpClient *self)
{
  g_return_val_if_fail (HV_IS_QMP_CLIENT (self), NULL);
  return self->greeting;
}

static void
hv_qmp_client_dispose (GObject *object)
{
  HvQmpClient *self = HV_QMP_CLIENT (object);

  /* Pending commands and a pending connect hold references: nothing is left to fail here. */
  hv_qmp_client_shut (self, NULL, FALSE);
  g_clear_handle_id (&self->greeting_timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->connection);
  g_queue_clear_full (&self->writes, (GDestroyNotify) g_bytes_unref);

  G_OBJECT_CLASS (hv_qmp_client_parent_class)->dispose (object);
}

static void
hv_qmp_client_finalize (GObject *object)
{
  HvQmpClient *self = HV_QMP_CLIENT (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->buffer, g_byte_array_unref);
  g_clear_pointer (&self->greeting, json_object_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_free (self->socket_path);

  G_OBJECT_CLASS (hv_qmp_client_parent_class)->finalize (object);
}

static void
hv_qmp_client_class_init (HvQmpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hv_qmp_client_dispose;
  object_class->finalize = hv_qmp_client_finalize;

  /* Detailed by the event name: "event::SHUTDOWN". */
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_OBJECT);
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
hv_qmp_client_init (HvQmpClient *self)
{
  self->cancellable = g_cancellable_new ();
  self->buffer = g_byte_array_new ();
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_queue_init (&self->writes);
}
