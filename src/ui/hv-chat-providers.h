// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hv-chat-provider.h"

G_BEGIN_DECLS

/* The chat providers of the running application, one of each kind, made on first use from
 * its configuration (they follow later changes of it, like the Ollama host) and shared by
 * every window: chat tabs and the Models section talk to the same one. */

HvChatProvider *hv_chat_providers_get           (const char  *id,
                                                 GError     **error);
gboolean        hv_chat_providers_default_model (char       **provider_id,
                                                 char       **model,
                                                 GError     **error);

G_END_DECLS
