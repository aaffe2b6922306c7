// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HV_TYPE_CHAT_SUMMARY (hv_chat_summary_get_type ())

G_DECLARE_FINAL_TYPE (HvChatSummary, hv_chat_summary, HV, CHAT_SUMMARY, GObject)

/* A saved chat as a list of past chats shows it (hv_chat_session_list_saved()). */

HvChatSummary *hv_chat_summary_new            (const char    *id,
                                               const char    *title,
                                               const char    *provider,
                                               const char    *model,
                                               GDateTime     *modified,
                                               guint          n_messages);
const char    *hv_chat_summary_get_id         (HvChatSummary *self);
const char    *hv_chat_summary_get_title      (HvChatSummary *self);
const char    *hv_chat_summary_get_provider   (HvChatSummary *self);
const char    *hv_chat_summary_get_model      (HvChatSummary *self);
GDateTime     *hv_chat_summary_get_modified   (HvChatSummary *self);
guint          hv_chat_summary_get_n_messages (HvChatSummary *self);

G_END_DECLS
