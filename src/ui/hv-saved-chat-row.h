// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-chat-summary.h"

G_BEGIN_DECLS

#define HV_TYPE_SAVED_CHAT_ROW (hv_saved_chat_row_get_type ())

G_DECLARE_FINAL_TYPE (HvSavedChatRow, hv_saved_chat_row, HV, SAVED_CHAT_ROW, AdwActionRow)

/* A past chat of the Models section: its title, model, date and length. Activating it
 * reopens the chat (`chats.open`); its menu also deletes it (`chats.delete`). */

GtkWidget     *hv_saved_chat_row_new         (HvChatSummary  *summary);
HvChatSummary *hv_saved_chat_row_get_summary (HvSavedChatRow *self);

G_END_DECLS
