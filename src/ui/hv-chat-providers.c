// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-application.h"
#include "hv-chat-providers.h"

static HvConfig *
hv_chat_providers_get_config (void)
{
  GApplication *app = g_application_get_default ();

  return HV_IS_APPLICATION (app) ? hv_application_get_config (HV_APPLICATION (app)) : NULL;
}

/**
 * hv_chat_providers_get:
 * @id: "ollama", "bedrock"
 *
 * Returns: (transfer full) (nullable): the application's provider @id, or %NULL with @error
 *   set when there is none (unknown, disabled in config.toml, not in this build)
 */
HvChatProvider *
hv_chat_providers_get (const char  *id,
                       GError     **error)
{
  GApplication *app = g_application_get_default ();
  g_autofree char *key = NULL;
  HvChatProvider *provider;

  g_return_val_if_fail (id != NULL, NULL);

  key = g_strconcat ("hv-chat-provider-", id, NULL);
  provider = app != NULL ? g_object_get_data (G_OBJECT (app), key) : NULL;
  if (provider != NULL)
    return g_object_ref (provider);

  provider = hv_chat_provider_new_for_id (id, hv_chat_providers_get_config (), error);
  if (provider != NULL && app != NULL)
    g_object_set_data_full (G_OBJECT (app), key, g_object_ref (provider), g_object_unref);
  return provider;
}

/**
 * hv_chat_providers_default_model:
 * @provider_id: (out) (optional): "ollama"
 * @model: (out) (optional): "llama3.2"
 *
 * Reads defaults.model of the application's configuration.
 */
gboolean
hv_chat_providers_default_model (char   **provider_id,
                                 char   **model,
                                 GError **error)
{
  HvConfig *config = hv_chat_providers_get_config ();
  const char *ref = config != NULL ? hv_config_get_string (config, "defaults.model") : "ollama:llama3.2";

  return hv_chat_parse_model_ref (ref, provider_id, model, error);
}
