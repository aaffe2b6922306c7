// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HV_TYPE_CHAT_STATS (hv_chat_stats_get_type ())

/* What a provider reported about one reply. Durations are nanoseconds (Ollama's unit);
 * a field the provider did not report is 0 (done_reason: NULL). */
typedef struct {
  gint64 total_duration;        /* the whole request, model loading included */
  gint64 load_duration;         /* loading the model */
  gint64 prompt_eval_count;     /* tokens in the prompt */
  gint64 prompt_eval_duration;
  gint64 eval_count;            /* tokens in the reply */
  gint64 eval_duration;
  char *done_reason;            /* "stop", "length", "load", … */
} HvChatStats;

GType        hv_chat_stats_get_type              (void) G_GNUC_CONST;
HvChatStats *hv_chat_stats_new                   (void);
HvChatStats *hv_chat_stats_copy                  (const HvChatStats *stats);
void         hv_chat_stats_free                  (HvChatStats       *stats);
double       hv_chat_stats_get_tokens_per_second (const HvChatStats *stats);
double       hv_chat_stats_get_prompt_tokens_per_second (const HvChatStats *stats);

JsonNode    *hv_chat_stats_to_json               (const HvChatStats *stats);
HvChatStats *hv_chat_stats_new_from_json         (JsonObject        *object);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HvChatStats, hv_chat_stats_free)

G_END_DECLS
