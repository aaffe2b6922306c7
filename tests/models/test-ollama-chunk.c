// SPDX-License-Identifier: GPL-3.0-or-later
/* The fast path for stream chunks never disagrees with json-glib: on recorded lines, on
 * tricky ones, and on many random corruptions of both. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "hv-ollama-chunk.h"
#include "hv-test-fixture.h"

/* Lines as Ollama sends them (docs/api.md), and lines that stretch the grammar. */
static const char * const corpus[] = {
  "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\",\"message\":{\"role\":\"assistant\",\"content\":\"The\",\"images\":null},\"done\":false}",
  "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\",\"response\":\"The\",\"done\":false}",
  "{\"model\":\"qwen3\",\"created_at\":\"2025-05-29T09:35:56.836222Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"Okay\"},\"done\":false}",
  "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T19:22:45.499127Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,\"total_duration\":4883583458,\"load_duration\":1334875,\"prompt_eval_count\":26,\"prompt_eval_duration\":342546000,\"eval_count\":282,\"eval_duration\":4535599000}",
  "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}",
  "{\"message\":{\"content\":\"caf\\u00e9 \\ud83e\\udd99 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"},\"done\":false}",
  "{\"message\":{\"content\":\"\\u003cb\\u003e \\u0026 日本 🦙\"},\"done\":false}",
  " { \"message\" : { \"content\" : \"spaced\" } , \"done\" : false , \"x\" : [ 1 , -2.5e+3 , true , null , { } , [ ] ] } ",
  "{\"message\":{\"content\":\"first\"},\"message\":{\"role\":\"assistant\"},\"done\":false}",
  "{\"message\":{\"content\":\"a\",\"content\":\"b\"}}",
  "{\"message\":null}",
  "{\"message\":{\"content\":5}}",
  "{\"message\":{\"content\":\"lone \\ud800 surrogate\"}}",
  "{\"message\":{\"content\":\"nul \\u0000 inside\"}}",
  "{\"message\":{\"content\":\"raw\ttab\"}}",
  "{\"done\":true}",
  "{\"done\":\"true\",\"response\":\"x\"}",
  "{\"numbers\":[0,-0,1.5,1e5,1E-5,-0.0e+0],\"message\":{\"content\":\"n\"}}",
  "{\"bad\":01}",
  "{\"bad\":1.}",
  "{\"bad\":.5}",
  "{\"trailing\":[1,2,],\"message\":{\"content\":\"t\"}}",
  "{\"a\":1,}",
  "{\"message\":{\"content\":\"x\"}} trailing",
  "[1,2,3]",
  "\"just a string\"",
  "{\"message\":{\"content\":\"\\x41\"}}",
  "{\"message\":{\"content\":\"\\uZZZZ\"}}",
  "{\"deep\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]],\"message\":{\"content\":\"d\"}}",
  "{'single':'quotes'}",
  "{\"message\":{\"content\":\"bad utf8 \xc3\x28\"}}",
  "{\"message\":{\"content\":\"overlong \xc0\xaf\"}}",
  "{}",
  "",
};

/* What json-glib says the line is, in the fast path's terms. */
static gboolean
reference (const char *line,
           gsize       length,
           gboolean    generate,
           char      **content,
           char      **thinking)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonObject *holder;
  JsonNode *node;

  *content = *thinking = NULL;
  if (!json_parser_load_from_data (parser, line, length, NULL) || json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  object = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (object, "error"))
    return FALSE;
  node = json_object_get_member (object, "done");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
      json_node_get_boolean (node))
    return FALSE;

  holder = object;
  if (!generate)
    {
      node = json_object_get_member (object, "message");
      holder = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  for (int i = 0; holder != NULL && i < 2; i++)
    {
      const char *name = i == 0 ? (generate ? "response" : "content") : "thinking";
      char **out = i == 0 ? content : thinking;

      node = json_object_get_member (holder, name);
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        *out = g_strdup (json_node_get_string (node));
    }
  return TRUE;
}

/* When the fast path takes a line, json-glib reads the same text from it. */
static void
check_line (HvOllamaChunk *chunk,
            const char    *line,
            gsize          length,
            guint         *n_accepted)
{
  for (int generate = 0; generate <= 1; generate++)
    {
      g_autofree char *content = NULL;
      g_autofree char *thinking = NULL;
      gboolean ok;

      if (!hv_ollama_chunk_scan (chunk, line, length, generate))
        continue;
      ok = reference (line, length, generate, &content, &thinking);
      if (!ok)
        g_error ("the fast path took a line json-glib refuses: %.*s", (int) length, line);
      g_assert_cmpstr (chunk->content->str, ==, content ? content : "");
      g_assert_cmpstr (chunk->thinking->str, ==, thinking ? thinking : "");
      (*n_accepted)++;
    }
}

static void
test_corpus (void)
{
  HvOllamaChunk chunk;
  guint accepted = 0;

  hv_ollama_chunk_init (&chunk);
  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    check_line (&chunk, corpus[i], strlen (corpus[i]), &accepted);

  /* The plain chunks go the fast way, with their text. */
  g_assert_true (hv_ollama_chunk_scan (&chunk, corpus[0], strlen (corpus[0]), FALSE));
  g_assert_cmpstr (chunk.content->str, ==, "The");
  g_assert_true (hv_ollama_chunk_scan (&chunk, corpus[1], strlen (corpus[1]), TRUE));
  g_assert_cmpstr (chunk.content->str, ==, "The");
  g_assert_true (hv_ollama_chunk_scan (&chunk, corpus[2], strlen (corpus[2]), FALSE));
  g_assert_cmpstr (chunk.thinking->str, ==, "Okay");
  g_assert_true (hv_ollama_chunk_scan (&chunk, corpus[5], strlen (corpus[5]), FALSE));
  g_assert_cmpstr (chunk.content->str, ==, "café 🦙 \"q\" \\ / \b\f\n\r\t");
  g_assert_true (hv_ollama_chunk_scan (&chunk, corpus[8], strlen (corpus[8]), FALSE));
  g_assert_cmpstr (chunk.content->str, ==, "");
  g_assert_true (hv_ollama_chunk_scan (&chunk, corpus[9], strlen (corpus[9]), FALSE));
  g_assert_cmpstr (chunk.content->str, ==, "b");
  /* The rest go to json-glib: the final object, errors, and anything not plain. */
  g_assert_false (hv_ollama_chunk_scan (&chunk, corpus[3], strlen (corpus[3]), FALSE));
  g_assert_false (hv_ollama_chunk_scan (&chunk, corpus[4], strlen (corpus[4]), FALSE));
  g_assert_false (hv_ollama_chunk_scan (&chunk, corpus[11], strlen (corpus[11]), FALSE));
  g_assert_false (hv_ollama_chunk_scan (&chunk, corpus[12], strlen (corpus[12]), FALSE));
  g_assert_false (hv_ollama_chunk_scan (&chunk, corpus[13], strlen (corpus[13]), FALSE));
  g_assert_false (hv_ollama_chunk_scan (&chunk, corpus[30], strlen (corpus[30]), FALSE));
  g_assert_cmpuint (accepted, >=, 10);
  hv_ollama_chunk_clear (&chunk);
}

/* Random corruptions of the corpus: whatever the fast path accepts, json-glib reads alike. */
static void
test_mutations (void)
{
  static const char * const pieces[] = {
    "\"", "\\", "{", "}", "[", "]", ",", ":", " ", "u", "0", "9", "-", ".", "e", "\\u", "\\ud83e",
    "\\udd99", "true", "null", "\xc3\xa9", "\xe6\x97\xa5", "\xff", "\x01", "\"content\":", "\"message\":{",
    "\"done\":true", "\"error\":1",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240925);
  HvOllamaChunk chunk;
  guint accepted = 0;

  hv_ollama_chunk_init (&chunk);
  for (guint round = 0; round < 200000; round++)
    {
      const char *base = corpus[g_rand_int_range (rand, 0, G_N_ELEMENTS (corpus))];
      g_autoptr(GString) line = g_string_new (base);
      guint n_edits = g_rand_int_range (rand, 1, 4);

      for (guint e = 0; e < n_edits; e++)
        {
          gsize at = line->len > 0 ? g_rand_int_range (rand, 0, line->len) : 0;

          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:
              g_string_insert (line, at, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
              break;
            case 1:
              if (line->len > 0)
                {
                  gsize n = g_rand_int_range (rand, 1, 4);

                  g_string_erase (line, at, MIN (n, line->len - at));
                }
              break;
            default:
              if (line->len > 0)
                line->str[at] = pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))][0];
              break;
            }
        }
      check_line (&chunk, line->str, line->len, &accepted);
    }
  /* Many mutants stay valid chunks; they were all checked. */
  g_assert_cmpuint (accepted, >, 1000);
  hv_ollama_chunk_clear (&chunk);
}

int
main (int    argc,
      char **argv)
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/models/ollama-chunk/corpus", test_corpus);
  g_test_add_func ("/models/ollama-chunk/mutations", test_mutations);

  return g_test_run ();
}
