// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "hv-chat-stats.h"
#include "hv-models-enums.h"

G_BEGIN_DECLS

typedef enum {
  HV_CHAT_ROLE_SYSTEM,
  HV_CHAT_ROLE_USER,
  HV_CHAT_ROLE_ASSISTANT,
} HvChatRole;

typedef enum {
  HV_CHAT_MESSAGE_COMPLETE,      /* written by a person, or a reply the provider finished */
  HV_CHAT_MESSAGE_STREAMING,     /* a reply still arriving */
  HV_CHAT_MESSAGE_INTERRUPTED,   /* stopped, or the connection was lost; the text so far is kept */
  HV_CHAT_MESSAGE_ERROR,         /* the provider failed; see error-message; the text so far is kept */
} HvChatMessageState;

#define HV_TYPE_CHAT_MESSAGE (hv_chat_message_get_type ())

G_DECLARE_FINAL_TYPE (HvChatMessage, hv_chat_message, HV, CHAT_MESSAGE, GObject)

/* One message of a chat. A reply grows while it streams: each piece is emitted as
 * "delta::content" or "delta::thinking" (fine-grained: a widget should batch them per frame)
 * and "content" / "thinking" notify. The model's reasoning ("thinking") is kept apart from
 * the answer ("content"). */

HvChatMessage      *hv_chat_message_new               (HvChatRole          role,
                                                       const char         *content);
HvChatRole          hv_chat_message_get_role          (HvChatMessage      *self);
const char         *hv_chat_message_get_content       (HvChatMessage      *self);
const char         *hv_chat_message_get_thinking      (HvChatMessage      *self);
void                hv_chat_message_append_content    (HvChatMessage      *self,
                                                       const char         *text,
                                                       gssize              length);
void                hv_chat_message_append_thinking   (HvChatMessage      *self,
                                                       const char         *text,
                                                       gssize              length);
GDateTime          *hv_chat_message_get_created       (HvChatMessage      *self);
GDateTime          *hv_chat_message_get_finished      (HvChatMessage      *self);
const char         *hv_chat_message_get_provider      (HvChatMessage      *self);
void                hv_chat_message_set_provider      (HvChatMessage      *self,
                                                       const char         *provider);
const char         *hv_chat_message_get_model         (HvChatMessage      *self);
void                hv_chat_message_set_model         (HvChatMessage      *self,
                                                       const char         *model);
const HvChatStats  *hv_chat_message_get_stats         (HvChatMessage      *self);
void                hv_chat_message_set_stats         (HvChatMessage      *self,
                                                       const HvChatStats  *stats);
HvChatMessageState  hv_chat_message_get_state         (HvChatMessage      *self);
void                hv_chat_message_set_state         (HvChatMessage      *self,
                                                       HvChatMessageState  state);
const char         *hv_chat_message_get_error_message (HvChatMessage      *self);
void                hv_chat_message_set_error_message (HvChatMessage      *self,
                                                       const char         *message);

JsonNode           *hv_chat_message_to_json           (HvChatMessage      *self);
HvChatMessage      *hv_chat_message_new_from_json     (JsonNode           *node,
                                                       GError            **error);

const char         *hv_chat_role_to_string            (HvChatRole          role);
gboolean            hv_chat_role_from_string          (const char         *text,
                                                       HvChatRole         *role);
const char         *hv_chat_message_state_to_string   (HvChatMessageState  state);
gboolean            hv_chat_message_state_from_string (const char         *text,
                                                       HvChatMessageState *state);

char               *hv_chat_format_timestamp          (GDateTime          *time);

G_END_DECLS
