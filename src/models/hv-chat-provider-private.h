// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hv-chat-provider.h"

G_BEGIN_DECLS

/* The state changes of a reply, the same for every provider and entry point. */
void _hv_chat_reply_begin (HvChatMessage *reply);
void _hv_chat_reply_end   (HvChatMessage *reply,
                           const GError  *error);

G_END_DECLS
