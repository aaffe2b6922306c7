// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hv-chat-session.h"
#include "hv-jsonl-writer.h"
#include "hv-models-marshal.h"
#include "hv-paths.h"

#define TITLE_MAX_CHARS 80

struct _HvChatSession
{
  GObject parent_instance;
  char *id;
  GListStore *messages;
  HvChatProvider *provider;
  char *provider_id;
  char *model;
  char *title;
  gboolean persistent;

  HvChatMessage *streaming;    /* the reply arriving now, or NULL */
  GCancellable *cancellable;   /* stops it */

  HvJsonlWriter *writer;       /* opened at the first message written */
  GThreadPool *write_pool;     /* one thread: records reach the file in order, off the main thread */
};

G_DEFINE_FINAL_TYPE (HvChatSession, hv_chat_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_MESSAGES,
  PROP_PROVIDER,
  PROP_PROVIDER_ID,
  PROP_MODEL,
  PROP_TITLE,
  PROP_BUSY,
  PROP_PERSISTENT,
  N_PROPS
};

enum {
  DELTA,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static GQuark quark_content;
static GQuark quark_thinking;

/* ---- transcript ---------------------------------------------------------------------- */

typedef struct {
  HvJsonlWriter *writer;
  JsonNode *record;   /* turned into text on the write thread: a long reply takes a while */
  GTask *task;        /* completed when the record is on disk; may be NULL */
} WriteItem;

static void
write_item_run (gpointer data,
                gpointer user_data)
{
  WriteItem *item = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = json_to_string (item->record, FALSE);
  gboolean ok;

  ok = hv_jsonl_writer_append_line (item->writer, line, &error);
  if (item->task != NULL)
    {
      if (ok)
        g_task_return_boolean (item->task, TRUE);
      else
        g_task_return_error (item->task, g_steal_pointer (&error));
      g_object_unref (item->task);
    }
  else if (!ok)
    g_warning ("Could not save a chat message: %s", error->message);

  g_object_unref (item->writer);
  json_node_unref (item->record);
  g_free (item);
}

static char *
transcript_path (const char *id)
{
  g_autofree char *dir = hv_paths_get_data_subdir ("chats");
  g_autofree char *basename = g_strconcat (id, ".jsonl", NULL);

  return g_build_filename (dir, basename, NULL);
}

static gboolean
ensure_writer (HvChatSession  *self,
               GError        **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (self->writer != NULL)
    return TRUE;

  dir = hv_paths_ensure_data_subdir ("chats", error);
  if (dir == NULL)
    return FALSE;
  path = transcript_path (self->id);
  self->writer = hv_jsonl_writer_new (path, error);
  return self->writer != NULL;
}

/* Appends @message to the transcript on the write thread; completes @task (transfer full,
 * nullable) when it is on disk. */
static void
queue_write (HvChatSession *self,
             HvChatMessage *message,
             GTask         *task)
{
  g_autoptr(GError) error = NULL;
  WriteItem *item;

  if (!self->persistent)
    {
      if (task != NULL)
        {
          g_task_return_boolean (task, TRUE);
          g_object_unref (task);
        }
      return;
    }

  if (!ensure_writer (self, &error))
    {
      if (task != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
        }
      else
        g_warning ("Could not save a chat message: %s", error->message);
      return;
    }

  item = g_new0 (WriteItem, 1);
  item->writer = g_object_ref (self->writer);
  item->record = hv_chat_message_to_json (message);
  item->task = task;
  g_thread_pool_push (self->write_pool, item, NULL);
}

/* ---- the object ---------------------------------------------------------------------- */

static char *
make_title (const char *text)
{
  const char *end = strchr (text, '\n');
  g_autofree char *line = end ? g_strndup (text, end - text) : g_strdup (text);
  glong n_chars;

  g_strstrip (line);
  if (!g_utf8_validate (line, -1, NULL))
    return g_utf8_make_valid (line, -1);
  n_chars = g_utf8_strlen (line, -1);
  if (n_chars <= TITLE_MAX_CHARS)
    return g_steal_pointer (&line);
  *g_utf8_offset_to_pointer (line, TITLE_MAX_CHARS - 1) = '\0';
  return g_strconcat (line, "…", NULL);
}

static void
update_title (HvChatSession *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  g_autofree char *title = NULL;

  for (guint i = 0; i < n && title == NULL; i++)
    {
      g_autoptr(HvChatMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      if (hv_chat_message_get_role (message) == HV_CHAT_ROLE_USER)
        title = make_title (hv_chat_message_get_content (message));
    }
  if (title == NULL)
    title = g_strdup ("");
  if (g_strcmp0 (title, self->title) != 0)
    {
      g_free (self->title);
      self->title = g_steal_pointer (&title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

static char *
new_id (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  return g_strdup_printf ("%s-%08x", stamp, g_random_int ());
}

static void
hv_chat_session_constructed (GObject *object)
{
  HvChatSession *self = HV_CHAT_SESSION (object);

  G_OBJECT_CLASS (hv_chat_session_parent_class)->constructed (object);

  if (self->id == NULL)
    self->id = new_id ();
}

static void
hv_chat_session_dispose (GObject *object)
{
  HvChatSession *self = HV_CHAT_SESSION (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->write_pool != NULL)
    {
      /* Records not yet written must not be lost: wait for them. */
      g_thread_pool_free (self->write_pool, FALSE, TRUE);
      self->write_pool = NULL;
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->streaming);
  g_clear_object (&self->provider);
  if (self->messages != NULL)
    g_list_store_remove_all (self->messages);

  G_OBJECT_CLASS (hv_chat_session_parent_class)->dispose (object);
}

static void
hv_chat_session_finalize (GObject *object)
{
  HvChatSession *self = HV_CHAT_SESSION (object);

  if (self->writer != NULL)
    hv_jsonl_writer_close (self->writer, NULL);
  g_clear_object (&self->writer);
  g_clear_object (&self->messages);
  g_free (self->id);
  g_free (self->provider_id);
  g_free (self->model);
  g_free (self->title);

  G_OBJECT_CLASS (hv_chat_session_parent_class)->finalize (object);
}

static void
hv_chat_session_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HvChatSession *self = HV_CHAT_SESSION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_MESSAGES:
      g_value_set_object (value, self->messages);
      break;
    case PROP_PROVIDER:
      g_value_set_object (value, self->provider);
      break;
    case PROP_PROVIDER_ID:
      g_value_set_string (value, self->provider_id);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->streaming != NULL);
      break;
    case PROP_PERSISTENT:
      g_value_set_boolean (value, self->persistent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_chat_session_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HvChatSession *self = HV_CHAT_SESSION (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_PROVIDER:
      hv_chat_session_set_provider (self, g_value_get_object (value));
      break;
    case PROP_MODEL:
      hv_chat_session_set_model (self, g_value_get_string (value));
      break;
    case PROP_PERSISTENT:
      hv_chat_session_set_persistent (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_chat_session_class_init (HvChatSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags readable = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->constructed = hv_chat_session_constructed;
  object_class->dispose = hv_chat_session_dispose;
  object_class->finalize = hv_chat_session_finalize;
  object_class->get_property = hv_chat_session_get_property;
  object_class->set_property = hv_chat_session_set_property;

  /**
   * HvChatSession:id:
   *
   * Names the transcript file: "20260128-183000-3fa9c2d1". Generated when not given.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * HvChatSession:messages:
   *
   * The #HvChatMessage<!-- -->s, oldest first; a reply is added when it starts streaming.
   */
  properties[PROP_MESSAGES] = g_param_spec_object ("messages", NULL, NULL, G_TYPE_LIST_MODEL, readable);
  properties[PROP_PROVIDER] = g_param_spec_object ("provider", NULL, NULL, HV_TYPE_CHAT_PROVIDER, flags);
  /**
   * HvChatSession:provider-id:
   *
   * The id of the provider ("ollama"): of #HvChatSession:provider when set, else the one of
   * the last message of a loaded chat.
   */
  properties[PROP_PROVIDER_ID] = g_param_spec_string ("provider-id", NULL, NULL, NULL, readable);
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, flags);
  /**
   * HvChatSession:title:
   *
   * The first line of the first user message (at most 80 characters), or "".
   */
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, "", readable);
  /**
   * HvChatSession:busy:
   *
   * A reply is streaming; hv_chat_session_stop() stops it.
   */
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, readable);
  /**
   * HvChatSession:persistent:
   *
   * Whether messages are appended to the transcript file (the default).
   */
  properties[PROP_PERSISTENT] = g_param_spec_boolean ("persistent", NULL, NULL, TRUE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HvChatSession::delta:
   * @message: the reply that grew
   * @text: the new text, valid during the emission only
   *
   * Forwards #HvChatMessage::delta of the streaming reply, with the same detail ("content"
   * or "thinking"), so that a view can follow the whole chat with one handler.
   */
  signals[DELTA] =
    g_signal_new ("delta", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, _hv_models_marshal_VOID__OBJECT_STRING, G_TYPE_NONE, 2,
                  HV_TYPE_CHAT_MESSAGE, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[DELTA], G_TYPE_FROM_CLASS (klass), _hv_models_marshal_VOID__OBJECT_STRINGv);

  quark_content = g_quark_from_static_string ("content");
  quark_thinking = g_quark_from_static_string ("thinking");
}

static void
hv_chat_session_init (HvChatSession *self)
{
  self->messages = g_list_store_new (HV_TYPE_CHAT_MESSAGE);
  self->title = g_strdup ("");
  self->persistent = TRUE;
  self->write_pool = g_thread_pool_new (write_item_run, NULL, 1, FALSE, NULL);
}

/**
 * hv_chat_session_new:
 * @provider: (nullable): who answers
 * @model: (nullable): the model id, as @provider names it
 */
HvChatSession *
hv_chat_session_new (HvChatProvider *provider,
                     const char     *model)
{
  g_return_val_if_fail (provider == NULL || HV_IS_CHAT_PROVIDER (provider), NULL);

  return g_object_new (HV_TYPE_CHAT_SESSION, "provider", provider, "model", model, NULL);
}

const char *
hv_chat_session_get_id (HvChatSession *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SESSION (self), NULL);
  return self->id;
}

/**
 * hv_chat_session_get_messages:
 *
 * Returns: (transfer none): the #HvChatMessage<!-- -->s, oldest first
 */
GListModel *
hv_chat_session_get_messages (HvChatSession *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SESSION (self), NULL);
  return G_LIST_MODEL (self->messages);
}

/**
 * hv_chat_session_get_provider:
 *
 * Returns: (transfer none) (nullable): who answers
 */
HvChatProvider *
hv_chat_session_get_provider (HvChatSession *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SESSION (self), NULL);
  return self->provider;
}

/**
 * hv_chat_session_set_provider:
 *
 * The next message goes to @provider; a reply streaming now continues from the old one.
 */
void
hv_chat_session_set_provider (HvChatSession  *self,
                              HvChatProvider *provider)
{
  g_return_if_fail (HV_IS_CHAT_SESSION (self));
  g_return_if_fail (provider == NULL || HV_IS_CHAT_PROVIDER (provider));

  if (!g_set_object (&self->provider, provider))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
  if (provider != NULL && g_strcmp0 (self->provider_id, hv_chat_provider_get_id (provider)) != 0)
    {
      g_free (self->provider_id);
      self->provider_id = g_strdup (hv_chat_provider_get_id (provider));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER_ID]);
    }
}

const char *
hv_chat_session_get_provider_id (HvChatSession *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SESSION (self), NULL);
  return self->provider_id;
}

const char *
hv_chat_session_get_model (HvChatSession *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SESSION (self), NULL);
  return self->model;
}

void
hv_chat_session_set_model (HvChatSession *self,
                           const char    *model)
{
  g_return_if_fail (HV_IS_CHAT_SESSION (self));

  if (g_strcmp0 (self->model, model) == 0)
    return;
  g_free (self->model);
  self->model = g_strdup (model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

const char *
hv_chat_session_get_title (HvChatSession *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SESSION (self), NULL);
  return self->title;
}

gboolean
hv_chat_session_get_busy (HvChatSession *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SESSION (self), FALSE);
  return self->streaming != NULL;
}

gboolean
hv_chat_session_get_persistent (HvChatSession *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SESSION (self), FALSE);
  return self->persistent;
}

void
hv_chat_session_set_persistent (HvChatSession *self,
                                gboolean       persistent)
{
  g_return_if_fail (HV_IS_CHAT_SESSION (self));

  persistent = !!persistent;
  if (self->persistent == persistent)
    return;
  self->persistent = persistent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSISTENT]);
}

/**
 * hv_chat_session_dup_path:
 *
 * Returns: (transfer full): the transcript file (which exists once a message was written)
 */
char *
hv_chat_session_dup_path (HvChatSession *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SESSION (self), NULL);
  return transcript_path (self->id);
}

/* ---- sending ------------------------------------------------------------------------- */

typedef struct {
  HvChatProvider *provider;
  HvChatMessage *reply;
  GCancellable *caller_cancellable;
  gulong caller_handler;
  GError *error;       /* of the provider */
} SendData;

static void
send_data_free (SendData *data)
{
  if (data->caller_handler != 0)
    g_cancellable_disconnect (data->caller_cancellable, data->caller_handler);
  g_clear_object (&data->caller_cancellable);
  g_clear_object (&data->provider);
  g_clear_object (&data->reply);
  g_clear_error (&data->error);
  g_free (data);
}

static void
on_content_delta (HvChatMessage *message,
                  const char    *text,
                  gpointer       user_data)
{
  g_signal_emit (user_data, signals[DELTA], quark_content, message, text);
}

static void
on_thinking_delta (HvChatMessage *message,
                   const char    *text,
                   gpointer       user_data)
{
  g_signal_emit (user_data, signals[DELTA], quark_thinking, message, text);
}

static void
on_caller_cancelled (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
on_reply_saved (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) save_error = NULL;

  g_task_propagate_boolean (G_TASK (result), &save_error);
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else if (save_error != NULL)
    g_task_return_error (task, g_steal_pointer (&save_error));
  else
    g_task_return_pointer (task, g_object_ref (data->reply), g_object_unref);
}

static void
on_chat_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvChatSession *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);
  GTask *save_task;

  hv_chat_provider_chat_finish (HV_CHAT_PROVIDER (object), result, &data->error);

  g_signal_handlers_disconnect_by_data (data->reply, self);
  if (data->caller_handler != 0)
    {
      g_cancellable_disconnect (data->caller_cancellable, data->caller_handler);
      data->caller_handler = 0;
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->streaming);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  /* The send finishes when the reply, whatever its state, is in the transcript. */
  save_task = g_task_new (self, NULL, on_reply_saved, g_steal_pointer (&task));
  queue_write (self, data->reply, save_task);
}

/**
 * hv_chat_session_send_async:
 * @text: what the user writes
 * @cancellable: (nullable): cancelling it stops the reply, like hv_chat_session_stop()
 *
 * Appends a user message with @text and an assistant message that streams the reply of the
 * session's model to the whole conversation (#HvChatMessage::delta, and
 * #HvChatSession::delta). Each is appended to the transcript once complete; the send
 * finishes when the reply is saved.
 */
void
hv_chat_session_send_async (HvChatSession       *self,
                            const char          *text,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(HvChatMessage) user = NULL;
  g_autoptr(GPtrArray) history = NULL;
  SendData *data;
  guint n;

  g_return_if_fail (HV_IS_CHAT_SESSION (self));
  g_return_if_fail (text != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_chat_session_send_async);

  if (self->streaming != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("the chat is still receiving a reply; stop it first"));
      return;
    }
  if (self->provider == NULL || self->model == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("the chat has no model to talk to; choose one first"));
      return;
    }
  if (text[0] == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("the message is empty"));
      return;
    }

  data = g_new0 (SendData, 1);
  data->provider = g_object_ref (self->provider);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);

  user = g_object_new (HV_TYPE_CHAT_MESSAGE,
                       "role", HV_CHAT_ROLE_USER,
                       "content", text,
                       "provider", self->provider_id,
                       "model", self->model,
                       NULL);
  g_list_store_append (self->messages, user);
  update_title (self);
  queue_write (self, user, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  history = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (history, g_list_model_get_item (G_LIST_MODEL (self->messages), i));

  data->reply = g_object_new (HV_TYPE_CHAT_MESSAGE,
                              "role", HV_CHAT_ROLE_ASSISTANT,
                              "provider", self->provider_id,
                              "model", self->model,
                              NULL);
  g_signal_connect_object (data->reply, "delta::content", G_CALLBACK (on_content_delta), self, 0);
  g_signal_connect_object (data->reply, "delta::thinking", G_CALLBACK (on_thinking_delta), self, 0);

  self->streaming = g_object_ref (data->reply);
  self->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                    g_object_ref (self->cancellable), g_object_unref);
    }

  hv_chat_provider_chat_async (self->provider, self->model, history, data->reply, self->cancellable,
                               on_chat_done, g_object_ref (task));
  g_list_store_append (self->messages, data->reply);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/**
 * hv_chat_session_send_finish:
 *
 * Returns: (transfer full): the reply, complete; %NULL with @error set when it could not be
 *   completed (it stays in the messages, interrupted or failed, with what arrived of it):
 *   G_IO_ERROR_CANCELLED when stopped, an %HV_MODEL_ERROR from the provider, or the error
 *   that kept it from the transcript
 */
HvChatMessage *
hv_chat_session_send_finish (HvChatSession  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (HV_IS_CHAT_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hv_chat_session_stop:
 *
 * Stops the reply streaming now, if any. It keeps the text that arrived and becomes
 * %HV_CHAT_MESSAGE_INTERRUPTED; the send finishes with G_IO_ERROR_CANCELLED.
 */
void
hv_chat_session_stop (HvChatSession *self)
{
  g_return_if_fail (HV_IS_CHAT_SESSION (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* ---- saved chats --------------------------------------------------------------------- */

/**
 * hv_chat_session_validate_id:
 *
 * Checks that @id can name a transcript: letters, digits, '.', '_' and '-', not starting
 * with '.', at most 128 characters.
 */
gboolean
hv_chat_session_validate_id (const char  *id,
                             GError     **error)
{
  g_return_val_if_fail (id != NULL, FALSE);

  if (g_regex_match_simple ("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$", id, 0, 0))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a chat id; chat ids are made of letters, digits, '.', '_' and '-'"), id);
  return FALSE;
}

static GPtrArray *
read_transcript (const char  *id,
                 GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *records;

  if (!hv_chat_session_validate_id (id, error))
    return NULL;

  path = transcript_path (id);
  records = hv_jsonl_read_file (path, NULL, &local_error);
  if (records == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("there is no saved chat “%s”"), id);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return records;
}

/**
 * hv_chat_session_load:
 * @id: a saved chat's id
 *
 * Reads a transcript back. The session has the provider id and model of its last message
 * but no provider: set one (hv_chat_provider_new_for_id() with
 * hv_chat_session_get_provider_id()) to continue the chat; new messages are appended to
 * the same transcript. Records that are not messages (a torn last line) are skipped.
 *
 * Returns: (transfer full): the chat, or %NULL with G_IO_ERROR_NOT_FOUND when there is none
 */
HvChatSession *
hv_chat_session_load (const char  *id,
                      GError     **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(HvChatSession) self = NULL;

  g_return_val_if_fail (id != NULL, NULL);

  records = read_transcript (id, error);
  if (records == NULL)
    return NULL;

  self = g_object_new (HV_TYPE_CHAT_SESSION, "id", id, NULL);
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(HvChatMessage) message = hv_chat_message_new_from_json (g_ptr_array_index (records, i), NULL);

      if (message == NULL)
        continue;
      if (hv_chat_message_get_provider (message) != NULL)
        {
          g_free (self->provider_id);
          self->provider_id = g_strdup (hv_chat_message_get_provider (message));
        }
      if (hv_chat_message_get_model (message) != NULL)
        {
          g_free (self->model);
          self->model = g_strdup (hv_chat_message_get_model (message));
        }
      g_list_store_append (self->messages, message);
    }
  update_title (self);
  return g_steal_pointer (&self);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  HvChatSession *session = hv_chat_session_load (task_data, &error);

  if (session == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, session, g_object_unref);
}

/**
 * hv_chat_session_load_async:
 *
 * hv_chat_session_load() on a worker thread.
 */
void
hv_chat_session_load_async (const char          *id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_chat_session_load_async);
  g_task_set_task_data (task, g_strdup (id), g_free);
  g_task_run_in_thread (task, load_in_thread);
}

/**
 * hv_chat_session_load_finish:
 *
 * Returns: (transfer full): the chat
 */
HvChatSession *
hv_chat_session_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static HvChatSummary *
summarize (const char  *id,
           GFile       *file,
           GFileInfo   *info)
{
  g_autoptr(GPtrArray) records = read_transcript (id, NULL);
  g_autofree char *title = NULL;
  g_autoptr(GDateTime) modified = NULL;
  const char *provider = NULL;
  const char *model = NULL;
  const char *last_ts = NULL;
  guint n_messages = 0;

  if (records == NULL)
    return NULL;

  for (guint i = 0; i < records->len; i++)
    {
      JsonNode *node = g_ptr_array_index (records, i);
      JsonObject *object;
      JsonNode *member;
      const char *role;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      role = json_object_get_string_member_with_default (object, "role", NULL);
      if (role == NULL)
        continue;
      n_messages++;
      last_ts = json_object_get_string_member_with_default (object, "ts", last_ts);
      if (title == NULL && g_str_equal (role, "user"))
        title = make_title (json_object_get_string_member_with_default (object, "content", ""));
      member = json_object_get_member (object, "model");
      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
        {
          model = json_node_get_string (member);
          provider = json_object_get_string_member_with_default (object, "provider", NULL);
        }
    }

  /* The time of the last message, to the microsecond; the file's if it has none. */
  if (last_ts != NULL)
    modified = g_date_time_new_from_iso8601 (last_ts, NULL);
  if (modified == NULL)
    modified = g_file_info_get_modification_date_time (info);
  return hv_chat_summary_new (id, title, provider, model, modified, n_messages);
}

static int
compare_summaries (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  HvChatSummary *sa = HV_CHAT_SUMMARY ((gpointer) a);
  HvChatSummary *sb = HV_CHAT_SUMMARY ((gpointer) b);
  GDateTime *ma = hv_chat_summary_get_modified (sa);
  GDateTime *mb = hv_chat_summary_get_modified (sb);
  int order = 0;

  if (ma != NULL && mb != NULL)
    order = g_date_time_compare (mb, ma);
  if (order == 0)
    order = g_strcmp0 (hv_chat_summary_get_id (sb), hv_chat_summary_get_id (sa));
  return order;
}

/**
 * hv_chat_session_list_saved:
 *
 * Returns: (transfer full): a #GListModel of #HvChatSummary, the one with the latest
 *   message first; empty when there are none
 */
GListModel *
hv_chat_session_list_saved (GError **error)
{
  g_autofree char *dir = hv_paths_get_data_subdir ("chats");
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GListStore) store = g_list_store_new (HV_TYPE_CHAT_SUMMARY);
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) local_error = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (folder,
                                        G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                        G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                        G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                        G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (children == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return G_LIST_MODEL (g_steal_pointer (&store));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  while (g_file_enumerator_iterate (children, &info, &child, NULL, &local_error) && info != NULL)
    {
      const char *name = g_file_info_get_name (info);
      g_autofree char *id = NULL;
      g_autoptr(HvChatSummary) summary = NULL;

      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || !g_str_has_suffix (name, ".jsonl"))
        continue;
      id = g_strndup (name, strlen (name) - strlen (".jsonl"));
      if (!hv_chat_session_validate_id (id, NULL))
        continue;
      summary = summarize (id, child, info);
      if (summary != NULL)
        g_list_store_append (store, summary);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_list_store_sort (store, compare_summaries, NULL);
  return G_LIST_MODEL (g_steal_pointer (&store));
}

static void
list_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  GListModel *list = hv_chat_session_list_saved (&error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, g_object_unref);
}

/**
 * hv_chat_session_list_saved_async:
 *
 * hv_chat_session_list_saved() on a worker thread.
 */
void
hv_chat_session_list_saved_async (GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, hv_chat_session_list_saved_async);
  g_task_run_in_thread (task, list_in_thread);
}

/**
 * hv_chat_session_list_saved_finish:
 *
 * Returns: (transfer full): a #GListModel of #HvChatSummary
 */
GListModel *
hv_chat_session_list_saved_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hv_chat_session_delete_saved:
 *
 * Removes a saved chat's transcript.
 */
gboolean
hv_chat_session_delete_saved (const char  *id,
                              GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (id != NULL, FALSE);

  if (!hv_chat_session_validate_id (id, error))
    return FALSE;
  path = transcript_path (id);
  if (g_unlink (path) != 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("there is no saved chat “%s”"), id);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     _("Could not delete %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
