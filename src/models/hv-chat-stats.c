// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-chat-stats.h"

G_DEFINE_BOXED_TYPE (HvChatStats, hv_chat_stats, hv_chat_stats_copy, hv_chat_stats_free)

HvChatStats *
hv_chat_stats_new (void)
{
  return g_new0 (HvChatStats, 1);
}

HvChatStats *
hv_chat_stats_copy (const HvChatStats *stats)
{
  HvChatStats *copy;

  g_return_val_if_fail (stats != NULL, NULL);

  copy = g_memdup2 (stats, sizeof *stats);
  copy->done_reason = g_strdup (stats->done_reason);
  return copy;
}

void
hv_chat_stats_free (HvChatStats *stats)
{
  if (stats == NULL)
    return;
  g_free (stats->done_reason);
  g_free (stats);
}

static double
per_second (gint64 count,
            gint64 duration_ns)
{
  if (count <= 0 || duration_ns <= 0)
    return 0.0;
  return (double) count / (double) duration_ns * 1e9;
}

/**
 * hv_chat_stats_get_tokens_per_second:
 *
 * Returns: how fast the reply was generated, eval_count / eval_duration × 10⁹ (Ollama's
 *   documented formula); 0 when the provider did not report both
 */
double
hv_chat_stats_get_tokens_per_second (const HvChatStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0.0);

  return per_second (stats->eval_count, stats->eval_duration);
}

double
hv_chat_stats_get_prompt_tokens_per_second (const HvChatStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0.0);

  return per_second (stats->prompt_eval_count, stats->prompt_eval_duration);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/**
 * hv_chat_stats_to_json:
 *
 * Returns: (transfer full): an object with Ollama's member names ("done_reason" only when
 *   known); tokens per second are left out, as they follow from eval_count and eval_duration
 */
JsonNode *
hv_chat_stats_to_json (const HvChatStats *stats)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (stats != NULL, NULL);

  json_builder_begin_object (builder);
  if (stats->done_reason != NULL)
    {
      json_builder_set_member_name (builder, "done_reason");
      json_builder_add_string_value (builder, stats->done_reason);
    }
  add_int (builder, "total_duration", stats->total_duration);
  add_int (builder, "load_duration", stats->load_duration);
  add_int (builder, "prompt_eval_count", stats->prompt_eval_count);
  add_int (builder, "prompt_eval_duration", stats->prompt_eval_duration);
  add_int (builder, "eval_count", stats->eval_count);
  add_int (builder, "eval_duration", stats->eval_duration);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gint64
get_int (JsonObject *object,
         const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return MAX (json_node_get_int (node), 0);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return MAX ((gint64) json_node_get_double (node), 0);
  return 0;
}

/**
 * hv_chat_stats_new_from_json:
 * @object: an object with Ollama's member names (the final object of a stream, or what
 *   hv_chat_stats_to_json() wrote); unknown members are ignored
 */
HvChatStats *
hv_chat_stats_new_from_json (JsonObject *object)
{
  HvChatStats *stats;
  JsonNode *reason;

  g_return_val_if_fail (object != NULL, NULL);

  stats = hv_chat_stats_new ();
  stats->total_duration = get_int (object, "total_duration");
  stats->load_duration = get_int (object, "load_duration");
  stats->prompt_eval_count = get_int (object, "prompt_eval_count");
  stats->prompt_eval_duration = get_int (object, "prompt_eval_duration");
  stats->eval_count = get_int (object, "eval_count");
  stats->eval_duration = get_int (object, "eval_duration");
  reason = json_object_get_member (object, "done_reason");
  if (reason != NULL && JSON_NODE_HOLDS_VALUE (reason) && json_node_get_value_type (reason) == G_TYPE_STRING)
    stats->done_reason = g_strdup (json_node_get_string (reason));
  return stats;
}
