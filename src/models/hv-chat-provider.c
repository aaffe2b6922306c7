// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-chat-provider-private.h"
#include "hv-ollama-provider.h"

G_DEFINE_QUARK (hv-model-error-quark, hv_model_error)

G_DEFINE_INTERFACE (HvChatProvider, hv_chat_provider, G_TYPE_OBJECT)

static void
report_not_supported (HvChatProvider      *self,
                      const char          *what,
                      gpointer             source_tag,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data, source_tag,
                           G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("%s cannot %s"), hv_chat_provider_get_display_name (self), what);
}

static void
default_pull_async (HvChatProvider      *self,
                    const char          *name,
                    HvPullProgressFunc   progress,
                    gpointer             progress_data,
                    GDestroyNotify       progress_destroy,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  if (progress_destroy != NULL)
    progress_destroy (progress_data);
  report_not_supported (self, _("download models"), default_pull_async, callback, user_data);
}

static gboolean
default_boolean_finish (HvChatProvider  *self,
                        GAsyncResult    *result,
                        GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static HvModelInfo *
default_show_model_finish (HvChatProvider  *self,
                           GAsyncResult    *result,
                           GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GListModel *
default_list_running_finish (HvChatProvider  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
default_get_version_finish (HvChatProvider  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
default_delete_model_async (HvChatProvider      *self,
                            const char          *name,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  report_not_supported (self, _("delete models"), default_delete_model_async, callback, user_data);
}

static void
default_show_model_async (HvChatProvider      *self,
                          const char          *name,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  report_not_supported (self, _("show model details"), default_show_model_async, callback, user_data);
}

static void
default_list_running_async (HvChatProvider      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  report_not_supported (self, _("list running models"), default_list_running_async, callback, user_data);
}

static void
default_get_version_async (HvChatProvider      *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  report_not_supported (self, _("report its version"), default_get_version_async, callback, user_data);
}

static HvChatProviderCapabilities
default_get_capabilities (HvChatProvider *self)
{
  return 0;
}

static void
hv_chat_provider_default_init (HvChatProviderInterface *iface)
{
  iface->get_capabilities = default_get_capabilities;
  iface->pull_async = default_pull_async;
  iface->pull_finish = default_boolean_finish;
  iface->delete_model_async = default_delete_model_async;
  iface->delete_model_finish = default_boolean_finish;
  iface->show_model_async = default_show_model_async;
  iface->show_model_finish = default_show_model_finish;
  iface->list_running_async = default_list_running_async;
  iface->list_running_finish = default_list_running_finish;
  iface->get_version_async = default_get_version_async;
  iface->get_version_finish = default_get_version_finish;
}

/**
 * hv_chat_provider_get_id:
 *
 * Returns: the provider's id in configuration and model references: "ollama", "bedrock"
 */
const char *
hv_chat_provider_get_id (HvChatProvider *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (self), NULL);
  return HV_CHAT_PROVIDER_GET_IFACE (self)->get_id (self);
}

/**
 * hv_chat_provider_get_display_name:
 *
 * Returns: the provider's name for people: "Ollama", "Amazon Bedrock"
 */
const char *
hv_chat_provider_get_display_name (HvChatProvider *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (self), NULL);
  return HV_CHAT_PROVIDER_GET_IFACE (self)->get_display_name (self);
}

/**
 * hv_chat_provider_get_address:
 *
 * Returns: where the provider is reached ("http://127.0.0.1:11434", a region), for messages
 */
const char *
hv_chat_provider_get_address (HvChatProvider *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (self), NULL);
  return HV_CHAT_PROVIDER_GET_IFACE (self)->get_address (self);
}

HvChatProviderCapabilities
hv_chat_provider_get_capabilities (HvChatProvider *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (self), 0);
  return HV_CHAT_PROVIDER_GET_IFACE (self)->get_capabilities (self);
}

/**
 * hv_chat_provider_list_models_async:
 *
 * Lists the models one can chat with.
 */
void
hv_chat_provider_list_models_async (HvChatProvider      *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (HV_IS_CHAT_PROVIDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  HV_CHAT_PROVIDER_GET_IFACE (self)->list_models_async (self, cancellable, callback, user_data);
}

/**
 * hv_chat_provider_list_models_finish:
 *
 * Returns: (transfer full): a #GListModel of #HvModelInfo, sorted as the provider sorts them
 */
GListModel *
hv_chat_provider_list_models_finish (HvChatProvider  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (self), NULL);
  return HV_CHAT_PROVIDER_GET_IFACE (self)->list_models_finish (self, result, error);
}

void
_hv_chat_reply_begin (HvChatMessage *reply)
{
  g_object_freeze_notify (G_OBJECT (reply));
  hv_chat_message_set_error_message (reply, NULL);
  hv_chat_message_set_state (reply, HV_CHAT_MESSAGE_STREAMING);
  g_object_thaw_notify (G_OBJECT (reply));
}

/* Stopped by the user or cut by the network: what arrived is a fair part of the reply.
 * Anything else is the provider failing. */
void
_hv_chat_reply_end (HvChatMessage *reply,
                    const GError  *error)
{
  g_object_freeze_notify (G_OBJECT (reply));
  if (error == NULL)
    hv_chat_message_set_state (reply, HV_CHAT_MESSAGE_COMPLETE);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    hv_chat_message_set_state (reply, HV_CHAT_MESSAGE_INTERRUPTED);
  else
    {
      hv_chat_message_set_error_message (reply, error->message);
      hv_chat_message_set_state (reply, g_error_matches (error, HV_MODEL_ERROR, HV_MODEL_ERROR_CONNECTION_LOST)
                                          ? HV_CHAT_MESSAGE_INTERRUPTED : HV_CHAT_MESSAGE_ERROR);
    }
  g_object_thaw_notify (G_OBJECT (reply));
}

static void
chat_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  HvChatProvider *self = HV_CHAT_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  HvChatMessage *reply = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  HV_CHAT_PROVIDER_GET_IFACE (self)->chat_finish (self, result, &error);
  _hv_chat_reply_end (reply, error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * hv_chat_provider_chat_async:
 * @model: the model id, as the provider names it
 * @messages: (element-type HvChatMessage): the conversation so far, oldest first, without
 *   @reply
 * @reply: an assistant message to stream the reply into
 *
 * Asks @model for the next message of the conversation. The reply arrives piece by piece in
 * @reply ("delta" signals); its state is %HV_CHAT_MESSAGE_STREAMING until this finishes,
 * then complete, interrupted (cancelled, or the connection was lost: the partial text is
 * kept) or error (#HvChatMessage:error-message says why). Its statistics are set when the
 * provider reports them.
 */
void
hv_chat_provider_chat_async (HvChatProvider      *self,
                             const char          *model,
                             GPtrArray           *messages,
                             HvChatMessage       *reply,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HV_IS_CHAT_PROVIDER (self));
  g_return_if_fail (model != NULL);
  g_return_if_fail (messages != NULL);
  g_return_if_fail (HV_IS_CHAT_MESSAGE (reply));
  g_return_if_fail (hv_chat_message_get_role (reply) == HV_CHAT_ROLE_ASSISTANT);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_chat_provider_chat_async);
  g_task_set_task_data (task, g_object_ref (reply), g_object_unref);

  _hv_chat_reply_begin (reply);
  HV_CHAT_PROVIDER_GET_IFACE (self)->chat_async (self, model, messages, reply, cancellable,
                                                 chat_cb, g_steal_pointer (&task));
}

gboolean
hv_chat_provider_chat_finish (HvChatProvider  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * hv_chat_provider_pull_async:
 * @name: the model to download
 * @progress: (scope notified) (nullable): called on the main context for each step
 *
 * Downloads a model to the provider (%HV_CHAT_PROVIDER_CAN_PULL).
 */
void
hv_chat_provider_pull_async (HvChatProvider      *self,
                             const char          *name,
                             HvPullProgressFunc   progress,
                             gpointer             progress_data,
                             GDestroyNotify       progress_destroy,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (HV_IS_CHAT_PROVIDER (self));
  g_return_if_fail (name != NULL);

  HV_CHAT_PROVIDER_GET_IFACE (self)->pull_async (self, name, progress, progress_data, progress_destroy,
                                                 cancellable, callback, user_data);
}

gboolean
hv_chat_provider_pull_finish (HvChatProvider  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (self), FALSE);
  return HV_CHAT_PROVIDER_GET_IFACE (self)->pull_finish (self, result, error);
}

/**
 * hv_chat_provider_delete_model_async:
 *
 * Removes a model and its data from the provider (%HV_CHAT_PROVIDER_CAN_DELETE).
 */
void
hv_chat_provider_delete_model_async (HvChatProvider      *self,
                                     const char          *name,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (HV_IS_CHAT_PROVIDER (self));
  g_return_if_fail (name != NULL);

  HV_CHAT_PROVIDER_GET_IFACE (self)->delete_model_async (self, name, cancellable, callback, user_data);
}

gboolean
hv_chat_provider_delete_model_finish (HvChatProvider  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (self), FALSE);
  return HV_CHAT_PROVIDER_GET_IFACE (self)->delete_model_finish (self, result, error);
}

/**
 * hv_chat_provider_show_model_async:
 *
 * Fetches the details of one model (%HV_CHAT_PROVIDER_CAN_SHOW).
 */
void
hv_chat_provider_show_model_async (HvChatProvider      *self,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (HV_IS_CHAT_PROVIDER (self));
  g_return_if_fail (name != NULL);

  HV_CHAT_PROVIDER_GET_IFACE (self)->show_model_async (self, name, cancellable, callback, user_data);
}

/**
 * hv_chat_provider_show_model_finish:
 *
 * Returns: (transfer full): the model, with its details
 */
HvModelInfo *
hv_chat_provider_show_model_finish (HvChatProvider  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (self), NULL);
  return HV_CHAT_PROVIDER_GET_IFACE (self)->show_model_finish (self, result, error);
}

/**
 * hv_chat_provider_list_running_async:
 *
 * Lists the models loaded in memory (%HV_CHAT_PROVIDER_CAN_LIST_RUNNING).
 */
void
hv_chat_provider_list_running_async (HvChatProvider      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (HV_IS_CHAT_PROVIDER (self));

  HV_CHAT_PROVIDER_GET_IFACE (self)->list_running_async (self, cancellable, callback, user_data);
}

/**
 * hv_chat_provider_list_running_finish:
 *
 * Returns: (transfer full): a #GListModel of #HvModelInfo with size-vram and expires set
 */
GListModel *
hv_chat_provider_list_running_finish (HvChatProvider  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (self), NULL);
  return HV_CHAT_PROVIDER_GET_IFACE (self)->list_running_finish (self, result, error);
}

/**
 * hv_chat_provider_get_version_async:
 *
 * Asks the provider for its version (%HV_CHAT_PROVIDER_CAN_GET_VERSION); also a cheap way
 * to check that it is reachable.
 */
void
hv_chat_provider_get_version_async (HvChatProvider      *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (HV_IS_CHAT_PROVIDER (self));

  HV_CHAT_PROVIDER_GET_IFACE (self)->get_version_async (self, cancellable, callback, user_data);
}

/**
 * hv_chat_provider_get_version_finish:
 *
 * Returns: (transfer full): the version, like "0.12.6"
 */
char *
hv_chat_provider_get_version_finish (HvChatProvider  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (self), NULL);
  return HV_CHAT_PROVIDER_GET_IFACE (self)->get_version_finish (self, result, error);
}

/**
 * hv_chat_provider_new_for_id:
 * @id: "ollama" or "bedrock"
 * @config: (nullable): the configuration to read the provider's settings from and follow
 *
 * Returns: (transfer full) (nullable): the provider, or %NULL with @error set when @id is
 *   unknown, disabled in @config or not available in this build
 */
HvChatProvider *
hv_chat_provider_new_for_id (const char  *id,
                             HvConfig    *config,
                             GError     **error)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (config == NULL || HV_IS_CONFIG (config), NULL);

  if (g_str_equal (id, "ollama"))
    {
      if (config != NULL && !hv_config_get_boolean (config, "providers.ollama.enabled"))
        {
          g_set_error_literal (error, HV_MODEL_ERROR, HV_MODEL_ERROR_UNKNOWN_PROVIDER,
                               _("the Ollama provider is disabled; set providers.ollama.enabled = true in config.toml"));
          return NULL;
        }
      return HV_CHAT_PROVIDER (hv_ollama_provider_new_from_config (config));
    }
  if (g_str_equal (id, "bedrock"))
    {
      g_set_error_literal (error, HV_MODEL_ERROR, HV_MODEL_ERROR_UNKNOWN_PROVIDER,
                           _("the Amazon Bedrock provider is not available yet; use --provider ollama"));
      return NULL;
    }
  g_set_error (error, HV_MODEL_ERROR, HV_MODEL_ERROR_UNKNOWN_PROVIDER,
               _("unknown provider “%s”; the providers are ollama and bedrock"), id);
  return NULL;
}

/**
 * hv_chat_parse_model_ref:
 * @ref: "<provider>:<model id>", as in defaults.model: "ollama:llama3.2"
 * @provider: (out) (optional): "ollama"
 * @model: (out) (optional): "llama3.2" (which may contain ':' itself: "ollama:llama3.2:1b")
 */
gboolean
hv_chat_parse_model_ref (const char  *ref,
                         char       **provider,
                         char       **model,
                         GError     **error)
{
  const char *colon;

  g_return_val_if_fail (ref != NULL, FALSE);

  colon = strchr (ref, ':');
  if (colon == NULL || colon == ref || colon[1] == '\0')
    {
      g_set_error (error, HV_MODEL_ERROR, HV_MODEL_ERROR_UNKNOWN_PROVIDER,
                   _("“%s” is not a model reference; write <provider>:<model id>, like ollama:llama3.2"), ref);
      return FALSE;
    }
  if (provider != NULL)
    *provider = g_strndup (ref, colon - ref);
  if (model != NULL)
    *model = g_strdup (colon + 1);
  return TRUE;
}
