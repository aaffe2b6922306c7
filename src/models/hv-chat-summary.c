// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-chat-summary.h"

struct _HvChatSummary
{
  GObject parent_instance;
  char *id;
  char *title;
  char *provider;
  char *model;
  GDateTime *modified;
  guint n_messages;
};

G_DEFINE_FINAL_TYPE (HvChatSummary, hv_chat_summary, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_PROVIDER,
  PROP_MODEL,
  PROP_MODIFIED,
  PROP_N_MESSAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hv_chat_summary_finalize (GObject *object)
{
  HvChatSummary *self = HV_CHAT_SUMMARY (object);

  g_free (self->id);
  g_free (self->title);
  g_free (self->provider);
  g_free (self->model);
  g_clear_pointer (&self->modified, g_date_time_unref);

  G_OBJECT_CLASS (hv_chat_summary_parent_class)->finalize (object);
}

static void
hv_chat_summary_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HvChatSummary *self = HV_CHAT_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_MODIFIED:
      g_value_set_boxed (value, self->modified);
      break;
    case PROP_N_MESSAGES:
      g_value_set_uint (value, self->n_messages);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_chat_summary_class_init (HvChatSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hv_chat_summary_finalize;
  object_class->get_property = hv_chat_summary_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  /* The first line of the first user message. */
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_PROVIDER] = g_param_spec_string ("provider", NULL, NULL, NULL, flags);
  /* The model of the last message that names one. */
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, flags);
  /* When the last message was written (its "ts"). */
  properties[PROP_MODIFIED] = g_param_spec_boxed ("modified", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_N_MESSAGES] = g_param_spec_uint ("n-messages", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hv_chat_summary_init (HvChatSummary *self)
{
}

HvChatSummary *
hv_chat_summary_new (const char *id,
                     const char *title,
                     const char *provider,
                     const char *model,
                     GDateTime  *modified,
                     guint       n_messages)
{
  HvChatSummary *self;

  g_return_val_if_fail (id != NULL, NULL);

  self = g_object_new (HV_TYPE_CHAT_SUMMARY, NULL);
  self->id = g_strdup (id);
  self->title = g_strdup (title ? title : "");
  self->provider = g_strdup (provider);
  self->model = g_strdup (model);
  self->modified = modified ? g_date_time_ref (modified) : NULL;
  self->n_messages = n_messages;
  return self;
}

const char *
hv_chat_summary_get_id (HvChatSummary *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SUMMARY (self), NULL);
  return self->id;
}

const char *
hv_chat_summary_get_title (HvChatSummary *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SUMMARY (self), NULL);
  return self->title;
}

const char *
hv_chat_summary_get_provider (HvChatSummary *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SUMMARY (self), NULL);
  return self->provider;
}

const char *
hv_chat_summary_get_model (HvChatSummary *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SUMMARY (self), NULL);
  return self->model;
}

/**
 * hv_chat_summary_get_modified:
 *
 * Returns: (transfer none) (nullable): when the chat's last message was written
 */
GDateTime *
hv_chat_summary_get_modified (HvChatSummary *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SUMMARY (self), NULL);
  return self->modified;
}

guint
hv_chat_summary_get_n_messages (HvChatSummary *self)
{
  g_return_val_if_fail (HV_IS_CHAT_SUMMARY (self), 0);
  return self->n_messages;
}
