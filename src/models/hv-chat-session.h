// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hv-chat-message.h"
#include "hv-chat-provider.h"
#include "hv-chat-summary.h"

G_BEGIN_DECLS

#define HV_TYPE_CHAT_SESSION (hv_chat_session_get_type ())

G_DECLARE_FINAL_TYPE (HvChatSession, hv_chat_session, HV, CHAT_SESSION, GObject)

/* One chat: its messages (a GListModel of HvChatMessage, oldest first), the provider and
 * model it talks to, and its transcript: $XDG_DATA_HOME/hydravisor/chats/<id>.jsonl, one
 * record per message appended when the message is complete (FORMATS.md). */

HvChatSession  *hv_chat_session_new             (HvChatProvider       *provider,
                                                 const char           *model);
const char     *hv_chat_session_get_id          (HvChatSession        *self);
GListModel     *hv_chat_session_get_messages    (HvChatSession        *self);
HvChatProvider *hv_chat_session_get_provider    (HvChatSession        *self);
void            hv_chat_session_set_provider    (HvChatSession        *self,
                                                 HvChatProvider       *provider);
const char     *hv_chat_session_get_provider_id (HvChatSession        *self);
const char     *hv_chat_session_get_model       (HvChatSession        *self);
void            hv_chat_session_set_model       (HvChatSession        *self,
                                                 const char           *model);
const char     *hv_chat_session_get_title       (HvChatSession        *self);
gboolean        hv_chat_session_get_busy        (HvChatSession        *self);
gboolean        hv_chat_session_get_persistent  (HvChatSession        *self);
void            hv_chat_session_set_persistent  (HvChatSession        *self,
                                                 gboolean              persistent);
char           *hv_chat_session_dup_path        (HvChatSession        *self);

void            hv_chat_session_send_async      (HvChatSession        *self,
                                                 const char           *text,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
HvChatMessage  *hv_chat_session_send_finish     (HvChatSession        *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void            hv_chat_session_stop            (HvChatSession        *self);

/* Saved chats. The synchronous forms read files on the calling thread: fine for the CLI,
 * use the _async forms from the GUI. */
gboolean        hv_chat_session_validate_id     (const char           *id,
                                                 GError              **error);
HvChatSession  *hv_chat_session_load            (const char           *id,
                                                 GError              **error);
void            hv_chat_session_load_async      (const char           *id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
HvChatSession  *hv_chat_session_load_finish     (GAsyncResult         *result,
                                                 GError              **error);
GListModel     *hv_chat_session_list_saved      (GError              **error);
void            hv_chat_session_list_saved_async  (GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
GListModel     *hv_chat_session_list_saved_finish (GAsyncResult       *result,
                                                   GError            **error);
gboolean        hv_chat_session_delete_saved    (const char           *id,
                                                 GError              **error);

G_END_DECLS
