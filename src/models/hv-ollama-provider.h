// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hv-chat-provider.h"

G_BEGIN_DECLS

#define HV_TYPE_OLLAMA_PROVIDER (hv_ollama_provider_get_type ())

G_DECLARE_FINAL_TYPE (HvOllamaProvider, hv_ollama_provider, HV, OLLAMA_PROVIDER, GObject)

/* Ollama's HTTP API (docs/api.md of ollama/ollama) over libsoup, on the main context: NDJSON
 * streams for chat, generate and pull, single objects for the rest. The host is
 * "http://HOST:PORT", "https://HOST:PORT" (a path prefix is kept) or "unix:/path/to/socket". */

HvOllamaProvider *hv_ollama_provider_new             (const char          *host);
HvOllamaProvider *hv_ollama_provider_new_from_config (HvConfig            *config);

const char       *hv_ollama_provider_get_host        (HvOllamaProvider    *self);
void              hv_ollama_provider_set_host        (HvOllamaProvider    *self,
                                                      const char          *host);
const char       *hv_ollama_provider_get_system_prompt (HvOllamaProvider  *self);
void              hv_ollama_provider_set_system_prompt (HvOllamaProvider  *self,
                                                        const char        *system_prompt);

void              hv_ollama_provider_generate_async  (HvOllamaProvider    *self,
                                                      const char          *model,
                                                      const char          *prompt,
                                                      const char          *system,
                                                      HvChatMessage       *reply,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          hv_ollama_provider_generate_finish (HvOllamaProvider    *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
