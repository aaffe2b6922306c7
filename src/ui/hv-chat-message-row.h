// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "hv-chat-message.h"
#include "hv-markdown-view.h"

G_BEGIN_DECLS

#define HV_TYPE_CHAT_MESSAGE_ROW (hv_chat_message_row_get_type ())

G_DECLARE_FINAL_TYPE (HvChatMessageRow, hv_chat_message_row, HV, CHAT_MESSAGE_ROW, GtkWidget)

/* One message of a chat tab. A person's message is a bubble at the end of the line; a
 * model's reply is Markdown (HvMarkdownView, one per few kilobytes of a long reply) under
 * its reasoning, if any (in a "Thinking…" expander), over a footer: the model and its speed when complete, "Interrupted" or the
 * error otherwise. While a reply streams, its pieces are rendered at most once per frame, and
 * no more of them than a frame has time for. */

GtkWidget      *hv_chat_message_row_new              (HvChatMessage    *message);
HvChatMessage  *hv_chat_message_row_get_message      (HvChatMessageRow *self);
guint           hv_chat_message_row_get_n_chunks     (HvChatMessageRow *self);
HvMarkdownView *hv_chat_message_row_get_chunk        (HvChatMessageRow *self,
                                                      guint             n);
char           *hv_chat_message_row_dup_text         (HvChatMessageRow *self);
GtkExpander    *hv_chat_message_row_get_thinking     (HvChatMessageRow *self);
const char     *hv_chat_message_row_get_footer_text  (HvChatMessageRow *self);
gboolean        hv_chat_message_row_get_rendered     (HvChatMessageRow *self);
guint           hv_chat_message_row_get_n_renders    (HvChatMessageRow *self);

G_END_DECLS
