// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-chat-message.h"

struct _HvChatMessage
{
  GObject parent_instance;
  HvChatRole role;
  GString *content;
  GString *thinking;
  GDateTime *created;
  GDateTime *finished;
  char *provider;
  char *model;
  HvChatStats *stats;
  HvChatMessageState state;
  char *error_message;
};

G_DEFINE_FINAL_TYPE (HvChatMessage, hv_chat_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ROLE,
  PROP_CONTENT,
  PROP_THINKING,
  PROP_CREATED,
  PROP_FINISHED,
  PROP_PROVIDER,
  PROP_MODEL,
  PROP_STATS,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
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

static const char * const role_names[] = { "system", "user", "assistant" };
static const char * const state_names[] = { "complete", "streaming", "interrupted", "error" };

const char *
hv_chat_role_to_string (HvChatRole role)
{
  g_return_val_if_fail (role < G_N_ELEMENTS (role_names), NULL);
  return role_names[role];
}

gboolean
hv_chat_role_from_string (const char *text,
                          HvChatRole *role)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (text, role_names[i]))
      {
        *role = (HvChatRole) i;
        return TRUE;
      }
  return FALSE;
}

const char *
hv_chat_message_state_to_string (HvChatMessageState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

gboolean
hv_chat_message_state_from_string (const char         *text,
                                   HvChatMessageState *state)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (text, state_names[i]))
      {
        *state = (HvChatMessageState) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * hv_chat_format_timestamp:
 *
 * Returns: (transfer full): @time as RFC 3339 in UTC with microseconds,
 *   "2026-11-28T18:30:00.104511Z" (the format of every Hydravisor JSONL file)
 */
char *
hv_chat_format_timestamp (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static void
hv_chat_message_finalize (GObject *object)
{
  HvChatMessage *self = HV_CHAT_MESSAGE (object);

  g_string_free (self->content, TRUE);
  g_string_free (self->thinking, TRUE);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->finished, g_date_time_unref);
  g_free (self->provider);
  g_free (self->model);
  g_clear_pointer (&self->stats, hv_chat_stats_free);
  g_free (self->error_message);

  G_OBJECT_CLASS (hv_chat_message_parent_class)->finalize (object);
}

static void
hv_chat_message_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HvChatMessage *self = HV_CHAT_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    case PROP_CONTENT:
      g_value_set_string (value, self->content->str);
      break;
    case PROP_THINKING:
      g_value_set_string (value, self->thinking->str);
      break;
    case PROP_CREATED:
      g_value_set_boxed (value, self->created);
      break;
    case PROP_FINISHED:
      g_value_set_boxed (value, self->finished);
      break;
    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_STATS:
      g_value_set_boxed (value, self->stats);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_chat_message_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HvChatMessage *self = HV_CHAT_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ROLE:
      self->role = g_value_get_enum (value);
      break;
    case PROP_CONTENT:
      if (g_value_get_string (value) != NULL)
        g_string_assign (self->content, g_value_get_string (value));
      break;
    case PROP_CREATED:
      if (g_value_get_boxed (value) != NULL)
        {
          g_clear_pointer (&self->created, g_date_time_unref);
          self->created = g_date_time_ref (g_value_get_boxed (value));
        }
      break;
    case PROP_PROVIDER:
      hv_chat_message_set_provider (self, g_value_get_string (value));
      break;
    case PROP_MODEL:
      hv_chat_message_set_model (self, g_value_get_string (value));
      break;
    case PROP_STATS:
      hv_chat_message_set_stats (self, g_value_get_boxed (value));
      break;
    case PROP_STATE:
      hv_chat_message_set_state (self, g_value_get_enum (value));
      break;
    case PROP_ERROR_MESSAGE:
      hv_chat_message_set_error_message (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_chat_message_class_init (HvChatMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  GParamFlags readable = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hv_chat_message_finalize;
  object_class->get_property = hv_chat_message_get_property;
  object_class->set_property = hv_chat_message_set_property;

  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL, HV_TYPE_CHAT_ROLE, HV_CHAT_ROLE_USER, construct);
  /**
   * HvChatMessage:content:
   *
   * The text of the message; grows while a reply streams.
   */
  properties[PROP_CONTENT] = g_param_spec_string ("content", NULL, NULL, "", construct);
  /**
   * HvChatMessage:thinking:
   *
   * The model's reasoning before its answer, for models that report it apart; "" otherwise.
   */
  properties[PROP_THINKING] = g_param_spec_string ("thinking", NULL, NULL, "", readable);
  /**
   * HvChatMessage:created:
   *
   * When the message was written or the reply started.
   */
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, construct);
  /**
   * HvChatMessage:finished:
   *
   * When a reply stopped streaming (complete, interrupted or failed); %NULL before.
   */
  properties[PROP_FINISHED] = g_param_spec_boxed ("finished", NULL, NULL, G_TYPE_DATE_TIME, readable);
  properties[PROP_PROVIDER] = g_param_spec_string ("provider", NULL, NULL, NULL, flags);
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, flags);
  /**
   * HvChatMessage:stats:
   *
   * What the provider reported about a finished reply (#HvChatStats), or %NULL.
   */
  properties[PROP_STATS] = g_param_spec_boxed ("stats", NULL, NULL, HV_TYPE_CHAT_STATS, flags);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, HV_TYPE_CHAT_MESSAGE_STATE, HV_CHAT_MESSAGE_COMPLETE, flags);
  /**
   * HvChatMessage:error-message:
   *
   * Why a reply was interrupted or failed, for the person reading the chat; %NULL otherwise.
   */
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HvChatMessage::delta:
   * @text: the new text, valid during the emission only
   *
   * A piece of a streaming reply arrived. The detail says where it goes: "content" (the
   * answer) or "thinking" (the model's reasoning).
   */
  signals[DELTA] =
    g_signal_new ("delta", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, g_cclosure_marshal_VOID__STRING,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* Emitted for every token: skip the generic (libffi) marshaller. */
  g_signal_set_va_marshaller (signals[DELTA], G_TYPE_FROM_CLASS (klass), g_cclosure_marshal_VOID__STRINGv);

  quark_content = g_quark_from_static_string ("content");
  quark_thinking = g_quark_from_static_string ("thinking");
}

static void
hv_chat_message_init (HvChatMessage *self)
{
  self->content = g_string_new (NULL);
  self->thinking = g_string_new (NULL);
  self->created = g_date_time_new_now_utc ();
}

HvChatMessage *
hv_chat_message_new (HvChatRole  role,
                     const char *content)
{
  return g_object_new (HV_TYPE_CHAT_MESSAGE, "role", role, "content", content, NULL);
}

HvChatRole
hv_chat_message_get_role (HvChatMessage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (self), HV_CHAT_ROLE_USER);
  return self->role;
}

const char *
hv_chat_message_get_content (HvChatMessage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (self), NULL);
  return self->content->str;
}

const char *
hv_chat_message_get_thinking (HvChatMessage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (self), NULL);
  return self->thinking->str;
}

static void
append (HvChatMessage *self,
        GString       *buffer,
        const char    *text,
        gssize         length,
        GQuark         detail,
        guint          prop_id)
{
  gsize start = buffer->len;

  if (length < 0)
    length = strlen (text);
  if (length == 0)
    return;

  g_string_append_len (buffer, text, length);
  /* The buffer is NUL-terminated after the new text: emit it in place, without a copy. */
  g_signal_emit (self, signals[DELTA], detail, buffer->str + start);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/**
 * hv_chat_message_append_content:
 * @text: the new text (UTF-8)
 * @length: its length in bytes, or -1 if NUL-terminated
 *
 * Emits "delta::content" with @text, then notifies "content".
 */
void
hv_chat_message_append_content (HvChatMessage *self,
                                const char    *text,
                                gssize         length)
{
  g_return_if_fail (HV_IS_CHAT_MESSAGE (self));
  g_return_if_fail (text != NULL || length == 0);

  append (self, self->content, text, length, quark_content, PROP_CONTENT);
}

/**
 * hv_chat_message_append_thinking:
 *
 * Emits "delta::thinking" with @text, then notifies "thinking".
 */
void
hv_chat_message_append_thinking (HvChatMessage *self,
                                 const char    *text,
                                 gssize         length)
{
  g_return_if_fail (HV_IS_CHAT_MESSAGE (self));
  g_return_if_fail (text != NULL || length == 0);

  append (self, self->thinking, text, length, quark_thinking, PROP_THINKING);
}

/**
 * hv_chat_message_get_created:
 *
 * Returns: (transfer none): when the message was written or the reply started
 */
GDateTime *
hv_chat_message_get_created (HvChatMessage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (self), NULL);
  return self->created;
}

/**
 * hv_chat_message_get_finished:
 *
 * Returns: (transfer none) (nullable): when the reply stopped streaming
 */
GDateTime *
hv_chat_message_get_finished (HvChatMessage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (self), NULL);
  return self->finished;
}

static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

const char *
hv_chat_message_get_provider (HvChatMessage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (self), NULL);
  return self->provider;
}

void
hv_chat_message_set_provider (HvChatMessage *self,
                              const char    *provider)
{
  g_return_if_fail (HV_IS_CHAT_MESSAGE (self));

  if (replace_string (&self->provider, provider))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
}

const char *
hv_chat_message_get_model (HvChatMessage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (self), NULL);
  return self->model;
}

void
hv_chat_message_set_model (HvChatMessage *self,
                           const char    *model)
{
  g_return_if_fail (HV_IS_CHAT_MESSAGE (self));

  if (replace_string (&self->model, model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * hv_chat_message_get_stats:
 *
 * Returns: (transfer none) (nullable): the provider's statistics of a finished reply
 */
const HvChatStats *
hv_chat_message_get_stats (HvChatMessage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (self), NULL);
  return self->stats;
}

void
hv_chat_message_set_stats (HvChatMessage     *self,
                           const HvChatStats *stats)
{
  g_return_if_fail (HV_IS_CHAT_MESSAGE (self));

  if (self->stats == NULL && stats == NULL)
    return;
  g_clear_pointer (&self->stats, hv_chat_stats_free);
  self->stats = stats ? hv_chat_stats_copy (stats) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATS]);
}

HvChatMessageState
hv_chat_message_get_state (HvChatMessage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (self), HV_CHAT_MESSAGE_COMPLETE);
  return self->state;
}

/**
 * hv_chat_message_set_state:
 *
 * Leaving %HV_CHAT_MESSAGE_STREAMING sets #HvChatMessage:finished to now.
 */
void
hv_chat_message_set_state (HvChatMessage      *self,
                           HvChatMessageState  state)
{
  g_return_if_fail (HV_IS_CHAT_MESSAGE (self));
  g_return_if_fail (state <= HV_CHAT_MESSAGE_ERROR);

  if (self->state == state)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->state == HV_CHAT_MESSAGE_STREAMING)
    {
      g_clear_pointer (&self->finished, g_date_time_unref);
      self->finished = g_date_time_new_now_utc ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
    }
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
hv_chat_message_get_error_message (HvChatMessage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (self), NULL);
  return self->error_message;
}

void
hv_chat_message_set_error_message (HvChatMessage *self,
                                   const char    *message)
{
  g_return_if_fail (HV_IS_CHAT_MESSAGE (self));

  if (replace_string (&self->error_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/**
 * hv_chat_message_to_json:
 *
 * The transcript record of the message (FORMATS.md, "Chat transcripts"):
 * `{"ts", "role", "provider", "model", "content", "thinking", "state", "error", "stats"}`,
 * where "provider" and "model" are left out when unknown, "thinking" when empty, "error"
 * when there is none, and "stats" when the provider reported none.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
hv_chat_message_to_json (HvChatMessage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *ts = NULL;

  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (self), NULL);

  ts = hv_chat_format_timestamp (self->created);
  json_builder_begin_object (builder);
  add_string (builder, "ts", ts);
  add_string (builder, "role", hv_chat_role_to_string (self->role));
  if (self->provider != NULL)
    add_string (builder, "provider", self->provider);
  if (self->model != NULL)
    add_string (builder, "model", self->model);
  add_string (builder, "content", self->content->str);
  if (self->thinking->len > 0)
    add_string (builder, "thinking", self->thinking->str);
  add_string (builder, "state", hv_chat_message_state_to_string (self->state));
  if (self->error_message != NULL)
    add_string (builder, "error", self->error_message);
  if (self->stats != NULL)
    {
      json_builder_set_member_name (builder, "stats");
      json_builder_add_value (builder, hv_chat_stats_to_json (self->stats));
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * hv_chat_message_new_from_json:
 * @node: a transcript record, as hv_chat_message_to_json() writes it
 *
 * A message still "streaming" in a record (its writer stopped in the middle) comes back
 * interrupted.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL if @node is not a message
 */
HvChatMessage *
hv_chat_message_new_from_json (JsonNode  *node,
                               GError   **error)
{
  g_autoptr(HvChatMessage) self = NULL;
  g_autoptr(GDateTime) created = NULL;
  JsonObject *object;
  JsonNode *stats;
  const char *role_text;
  const char *content;
  const char *text;
  HvChatRole role;
  HvChatMessageState state = HV_CHAT_MESSAGE_COMPLETE;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("a chat message must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);

  role_text = get_string_member (object, "role");
  if (!hv_chat_role_from_string (role_text, &role))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("a chat message needs a \"role\" of system, user or assistant, not %s"),
                   role_text ? role_text : "nothing");
      return NULL;
    }
  content = get_string_member (object, "content");
  if (content == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("a chat message needs a \"content\" string"));
      return NULL;
    }

  text = get_string_member (object, "ts");
  if (text != NULL)
    created = g_date_time_new_from_iso8601 (text, NULL);

  self = g_object_new (HV_TYPE_CHAT_MESSAGE,
                       "role", role,
                       "content", content,
                       "created", created,
                       "provider", get_string_member (object, "provider"),
                       "model", get_string_member (object, "model"),
                       "error-message", get_string_member (object, "error"),
                       NULL);
  text = get_string_member (object, "thinking");
  if (text != NULL)
    g_string_assign (self->thinking, text);
  if (hv_chat_message_state_from_string (get_string_member (object, "state"), &state) &&
      state == HV_CHAT_MESSAGE_STREAMING)
    state = HV_CHAT_MESSAGE_INTERRUPTED;
  self->state = state;
  stats = json_object_get_member (object, "stats");
  if (stats != NULL && JSON_NODE_HOLDS_OBJECT (stats))
    self->stats = hv_chat_stats_new_from_json (json_node_get_object (stats));

  return g_steal_pointer (&self);
}
