// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-chat-session.h"
#include "hv-window.h"

G_BEGIN_DECLS

#define HV_TYPE_CHAT_PAGE (hv_chat_page_get_type ())

G_DECLARE_FINAL_TYPE (HvChatPage, hv_chat_page, HV, CHAT_PAGE, GtkWidget)

/* The content of a chat tab: the messages of an HvChatSession (HvChatMessageRow each),
 * following the reply as it streams unless the user scrolled up, and a composer: the text
 * (Enter sends, Shift+Enter is a new line), the model picker (the provider's models) and
 * Send or Stop. When the provider cannot be reached, a bar says so, with Retry; the actions
 * are `chat.send`, `chat.stop` and `chat.retry`. A saved chat is loaded in the background
 * (hv_chat_page_new_for_saved()). */

GtkWidget     *hv_chat_page_new             (HvChatSession *session);
GtkWidget     *hv_chat_page_new_for_saved   (const char    *id);
HvChatSession *hv_chat_page_get_session     (HvChatPage    *self);
const char    *hv_chat_page_get_chat_id     (HvChatPage    *self);
const char    *hv_chat_page_get_title       (HvChatPage    *self);
const char    *hv_chat_page_get_model       (HvChatPage    *self);
gboolean       hv_chat_page_get_busy        (HvChatPage    *self);
GtkTextBuffer *hv_chat_page_get_input       (HvChatPage    *self);
GtkDropDown   *hv_chat_page_get_model_dropdown (HvChatPage *self);
GtkRevealer   *hv_chat_page_get_banner      (HvChatPage    *self);
const char    *hv_chat_page_get_banner_text (HvChatPage    *self);
GtkWidget     *hv_chat_page_get_message_list (HvChatPage   *self);

/* Chat tabs in a window: a new chat (with @model_ref, "ollama:llama3.2", or
 * defaults.model), or a saved one (its tab, if one is open already). */
AdwTabPage    *hv_chat_page_open_new        (HvWindow      *window,
                                             const char    *model_ref);
AdwTabPage    *hv_chat_page_open_saved      (HvWindow      *window,
                                             const char    *id);

G_END_DECLS
