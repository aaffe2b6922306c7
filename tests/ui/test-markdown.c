// SPDX-License-Identifier: GPL-3.0-or-later
/* The Markdown renderer of chat replies: what each construct looks like in the buffer (tags,
 * list markers, code blocks, links), and that rendering a reply as it streams, piece by
 * piece, ends with exactly the buffer of rendering it whole, while the blocks already
 * complete are neither parsed nor touched again. */
#include "config.h"

#include <gtk/gtk.h>

#include "hv-markdown-renderer.h"
#include "hv-test-fixture.h"

/* What a model writes: every construct the renderer knows, nested, with the kinds of blocks
 * whose meaning changes as they grow (emphasis that closes later, a setext heading, a fence
 * that is open until its end, a list that turns loose). */
static const char document[] =
  "# Setting up *Hydravisor*\n"
  "\n"
  "Hydravisor runs **agents** and people side by side. See the [README](https://example.org/readme) "
  "or `hydravisor --help`; it is _not_ a toy.\n"
  "Second line of the same paragraph.\\\n"
  "After a hard break.\n"
  "\n"
  "Subtitle\n"
  "--------\n"
  "\n"
  "1. Install the packages:\n"
  "   ```sh\n"
  "   sudo apt install tmux qemu-system\n"
  "   ```\n"
  "2. Start it\n"
  "   - with a terminal\n"
  "   - with a VM\n"
  "     and a long line that wraps onto another one in the same item\n"
  "\n"
  "3. Done.\n"
  "\n"
  "> A quote, with *emphasis*\n"
  "> on two lines.\n"
  ">\n"
  "> - and a list\n"
  "\n"
  "---\n"
  "\n"
  "```python\n"
  "def main():\n"
  "    print(\"héllo 日本\")  # ünïcödé\n"
  "\n"
  "    return 0\n"
  "```\n"
  "\n"
  "    indented code\n"
  "\n"
  "<div>html block</div>\n"
  "\n"
  "Final words with 🦙 and a link <https://ollama.com>.\n";

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Blocks whose extent depends on what follows: an ordered list whose numbers get wider, a
 * list that turns loose, lazy continuation lines, nested quotes, setext underlines, HTML,
 * tabs, CRLF line ends, a fence that is never closed. */
static const char * const more_documents[] = {
  "9. nine\n10. ten\n\n- a\n- b\n\n  still b\n- c\n> quote\nlazy continuation\n>> nested\n***\n"
  "Setext\n===\n<!-- comment -->\nText with trailing spaces  \nhard break\n\n\tcode with a tab\n",
  "Line one\r\nline two\r\n\r\n* item\r\n* item two\r\n\r\n```\r\ncode\r\n```\r\n",
  "Intro:\n\n```js\nconsole.log('never closed')\n\n- not a list: still code\n",
  "- [ ] not a task list\n- **bold *and em***\n\n1) paren\n2) list\n\n![alt text](img.png) `a``b`",
};

/* The buffer as text, with the tags of each stretch: "[hv-h1|Setting up ][hv-em,hv-h1|Hydravisor]…". */
static char *
serialize (GtkTextBuffer *buffer)
{
  GString *out = g_string_new (NULL);
  GtkTextIter iter;
  g_autofree char *current = NULL;

  gtk_text_buffer_get_start_iter (buffer, &iter);
  while (!gtk_text_iter_is_end (&iter))
    {
      g_autoptr(GSList) tags = gtk_text_iter_get_tags (&iter);
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autofree char *key = NULL;
      gunichar c = gtk_text_iter_get_char (&iter);

      for (GSList *l = tags; l != NULL; l = l->next)
        {
          char *name = NULL;

          g_object_get (l->data, "name", &name, NULL);
          g_ptr_array_add (names, name);
        }
      g_ptr_array_sort (names, compare_names);
      g_ptr_array_add (names, NULL);
      key = g_strjoinv (",", (char **) names->pdata);
      for (guint i = 0; names->pdata[i] != NULL; i++)
        g_free (names->pdata[i]);

      if (g_strcmp0 (key, current) != 0)
        {
          if (current != NULL)
            g_string_append (out, "]");
          g_string_append_printf (out, "[%s|", key);
          g_free (current);
          current = g_steal_pointer (&key);
        }
      g_string_append_unichar (out, c);
      gtk_text_iter_forward_char (&iter);
    }
  if (current != NULL)
    g_string_append (out, "]");
  return g_string_free (out, FALSE);
}

static char *
render_whole (const char *text,
              gsize       len)
{
  g_autoptr(HvMarkdownRenderer) renderer = hv_markdown_renderer_new (NULL);

  hv_markdown_renderer_render (renderer, text, len);
  return serialize (hv_markdown_renderer_get_buffer (renderer));
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_slice (buffer, &start, &end, TRUE);
}

/* The range of the first occurrence of @needle in the buffer. */
static gboolean
find (GtkTextBuffer *buffer,
      const char    *needle,
      GtkTextIter   *match_start,
      GtkTextIter   *match_end)
{
  GtkTextIter start;

  gtk_text_buffer_get_start_iter (buffer, &start);
  return gtk_text_iter_forward_search (&start, needle, GTK_TEXT_SEARCH_TEXT_ONLY, match_start, match_end, NULL);
}

static gboolean
has_tag_over (GtkTextBuffer *buffer,
              const char    *needle,
              const char    *tag_name)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  GtkTextIter start, end;

  g_assert_nonnull (tag);
  if (!find (buffer, needle, &start, &end))
    g_error ("“%s” is not in the buffer", needle);
  for (GtkTextIter i = start; gtk_text_iter_compare (&i, &end) < 0; gtk_text_iter_forward_char (&i))
    if (!gtk_text_iter_has_tag (&i, tag))
      return FALSE;
  return TRUE;
}

/* The code blocks of the buffer, by the start of each. */
static guint
count_code_blocks (HvMarkdownRenderer *renderer)
{
  GtkTextBuffer *buffer = hv_markdown_renderer_get_buffer (renderer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "hv-code-block");
  GtkTextIter iter;
  guint n = 0;

  gtk_text_buffer_get_start_iter (buffer, &iter);
  do
    if (gtk_text_iter_starts_tag (&iter, tag))
      n++;
  while (gtk_text_iter_forward_to_tag_toggle (&iter, tag));
  return n;
}

/* Each construct has its tags, its markers and its text. */
static void
test_constructs (void)
{
  g_autoptr(HvMarkdownRenderer) renderer = hv_markdown_renderer_new (NULL);
  GtkTextBuffer *buffer = hv_markdown_renderer_get_buffer (renderer);
  g_autofree char *text = NULL;
  g_autofree char *code = NULL;
  GtkTextIter start, end;

  hv_markdown_renderer_render (renderer, document, -1);
  text = buffer_text (buffer);

  /* No Markdown syntax is left in the text. */
  g_assert_null (strstr (text, "# Setting"));
  g_assert_null (strstr (text, "**"));
  g_assert_null (strstr (text, "```"));
  g_assert_null (strstr (text, "[README]"));

  g_assert_true (has_tag_over (buffer, "Setting up ", "hv-h1"));
  g_assert_true (has_tag_over (buffer, "Hydravisor", "hv-em"));
  g_assert_true (has_tag_over (buffer, "Subtitle", "hv-h2"));
  g_assert_true (has_tag_over (buffer, "agents", "hv-strong"));
  g_assert_true (has_tag_over (buffer, "not", "hv-em"));
  g_assert_true (has_tag_over (buffer, "hydravisor --help", "hv-code"));
  g_assert_true (has_tag_over (buffer, "README", "hv-link"));
  g_assert_true (has_tag_over (buffer, "README", "hv-link:https://example.org/readme"));
  g_assert_true (has_tag_over (buffer, "A quote, with ", "hv-quote"));
  g_assert_true (has_tag_over (buffer, "def main():", "hv-code-block"));
  g_assert_true (has_tag_over (buffer, "indented code", "hv-code-block"));
  g_assert_true (has_tag_over (buffer, "<div>html block</div>", "hv-html"));
  g_assert_true (has_tag_over (buffer, "https://ollama.com", "hv-link:https://ollama.com"));

  /* A soft break is a space, a hard break a new line. */
  g_assert_nonnull (strstr (text, "it is not a toy. Second line of the same paragraph.\nAfter a hard break."));

  /* Lists: numbers and bullets before a tab, nested bullets differ, the marker hangs. */
  g_assert_nonnull (strstr (text, "1.\tInstall the packages:\n"));
  g_assert_nonnull (strstr (text, "2.\tStart it\n"));
  g_assert_nonnull (strstr (text, "◦\twith a terminal\n"));
  g_assert_nonnull (strstr (text, "3.\tDone."));
  g_assert_nonnull (strstr (text, "•\tand a list"));
  g_assert_true (has_tag_over (buffer, "1.\t", "hv-list-marker"));
  g_assert_true (find (buffer, "1.\t", &start, &end));
  {
    g_autoptr(GSList) tags = gtk_text_iter_get_tags (&start);
    int indent = 0, left = 0;

    for (GSList *l = tags; l != NULL; l = l->next)
      {
        g_autofree char *name = NULL;

        g_object_get (l->data, "name", &name, NULL);
        if (g_str_has_prefix (name, "hv-para-"))
          g_object_get (l->data, "indent", &indent, "left-margin", &left, NULL);
      }
    g_assert_cmpint (indent, <, 0);
    g_assert_cmpint (left, >=, 0);
  }

  /* Code blocks: a header line with the language, and the code to copy, from anywhere in
   * the block. */
  g_assert_cmpuint (count_code_blocks (renderer), ==, 3);
  g_assert_nonnull (strstr (text, "\nsh\nsudo apt install tmux qemu-system"));
  g_assert_nonnull (strstr (text, "\npython\ndef main():"));
  g_assert_true (has_tag_over (buffer, "python\n", "hv-code-header"));
  g_assert_true (has_tag_over (buffer, "python", "hv-code-language"));
  g_assert_true (find (buffer, "indented code", &start, &end));
  code = hv_markdown_renderer_dup_code_block (renderer, &start);
  g_assert_cmpstr (code, ==, "indented code");
  g_clear_pointer (&code, g_free);
  g_assert_true (find (buffer, "return 0", &start, &end));
  code = hv_markdown_renderer_dup_code_block (renderer, &start);
  g_assert_cmpstr (code, ==, "def main():\n    print(\"héllo 日本\")  # ünïcödé\n\n    return 0");
  g_clear_pointer (&code, g_free);
  g_assert_true (find (buffer, "python", &start, &end));
  code = hv_markdown_renderer_dup_code_block (renderer, &start);
  g_assert_cmpstr (code, ==, "def main():\n    print(\"héllo 日本\")  # ünïcödé\n\n    return 0");
  g_assert_true (find (buffer, "Final words", &start, &end));
  g_assert_null (hv_markdown_renderer_dup_code_block (renderer, &start));

  /* Links are found where they are. */
  g_assert_true (find (buffer, "README", &start, &end));
  gtk_text_iter_forward_char (&start);
  g_assert_cmpstr (hv_markdown_renderer_get_link_at (renderer, &start), ==, "https://example.org/readme");
  g_assert_true (find (buffer, "Final", &start, &end));
  g_assert_null (hv_markdown_renderer_get_link_at (renderer, &start));

  g_assert_finalize_object (g_steal_pointer (&renderer));
}

/* Rendering every prefix of the reply in turn, as a stream does, gives for each the buffer
 * of rendering that prefix alone. */
static guint
check_every_prefix (HvMarkdownRenderer *renderer,
                    const char         *text)
{
  GtkTextBuffer *buffer = hv_markdown_renderer_get_buffer (renderer);
  gsize len = strlen (text);
  guint n_checked = 0;

  for (gsize i = 0; i <= len; i++)
    {
      g_autofree char *incremental = NULL;
      g_autofree char *whole = NULL;

      /* Streams cut between characters. */
      if (i < len && (text[i] & 0xC0) == 0x80)
        continue;
      hv_markdown_renderer_render (renderer, text, i);
      incremental = serialize (buffer);
      whole = render_whole (text, i);
      if (g_strcmp0 (incremental, whole) != 0)
        {
          g_autofree char *end = g_strndup (text + (i > 30 ? i - 30 : 0), MIN (i, 30));

          g_error ("after %" G_GSIZE_FORMAT " bytes (…%s):\nincremental: %s\nwhole:       %s",
                   i, end, incremental, whole);
        }
      n_checked++;
    }
  return n_checked;
}

static void
test_incremental_equals_whole (void)
{
  g_autoptr(HvMarkdownRenderer) renderer = hv_markdown_renderer_new (NULL);
  gsize len = strlen (document);

  for (guint i = 0; i < G_N_ELEMENTS (more_documents); i++)
    {
      g_autoptr(HvMarkdownRenderer) other = hv_markdown_renderer_new (NULL);

      g_assert_cmpuint (check_every_prefix (other, more_documents[i]), ==, g_utf8_strlen (more_documents[i], -1) + 1);
    }

  g_assert_cmpuint (check_every_prefix (renderer, document), ==, g_utf8_strlen (document, -1) + 1);

  /* The blocks before the last are final: their source is not parsed again. */
  g_assert_cmpuint (hv_markdown_renderer_get_n_stable_blocks (renderer), >=, 8);
  g_assert_cmpuint (hv_markdown_renderer_get_stable_length (renderer), >, len / 2);
}

/* The same in the pieces a model sends: words, with pieces of several lines too. */
static void
test_incremental_tokens (void)
{
  g_autoptr(HvMarkdownRenderer) renderer = hv_markdown_renderer_new (NULL);
  g_autofree char *whole = render_whole (document, strlen (document));
  g_autofree char *incremental = NULL;
  gsize len = strlen (document);
  gsize at = 0;
  guint step = 0;

  while (at < len)
    {
      /* 1 to 40 bytes, ending at a character boundary. */
      gsize next = MIN (len, at + 1 + (step++ * 7919) % 40);

      while (next < len && (document[next] & 0xC0) == 0x80)
        next++;
      at = next;
      hv_markdown_renderer_render (renderer, document, at);
    }
  incremental = serialize (hv_markdown_renderer_get_buffer (renderer));
  g_assert_cmpstr (incremental, ==, whole);
}

static guint n_deleted;

static void
on_delete_range (GtkTextBuffer *buffer,
                 GtkTextIter   *start,
                 GtkTextIter   *end)
{
  n_deleted += (guint) (gtk_text_iter_get_offset (end) - gtk_text_iter_get_offset (start));
}

/* A growing paragraph or code block is appended to the buffer, and what is complete is not
 * touched again. */
static void
test_appends (void)
{
  g_autoptr(HvMarkdownRenderer) renderer = hv_markdown_renderer_new (NULL);
  GtkTextBuffer *buffer = hv_markdown_renderer_get_buffer (renderer);
  g_autoptr(GString) text = g_string_new ("```c\nint x;\n```\n\nSome words,\nmore");
  GtkTextIter iter;

  hv_markdown_renderer_render (renderer, text->str, -1);
  g_assert_cmpuint (hv_markdown_renderer_get_n_stable_blocks (renderer), ==, 1);

  g_signal_connect (buffer, "delete-range", G_CALLBACK (on_delete_range), NULL);
  n_deleted = 0;
  for (guint i = 0; i < 200; i++)
    {
      g_string_append_printf (text, " word%u", i);
      hv_markdown_renderer_render (renderer, text->str, -1);
    }
  g_assert_cmpuint (n_deleted, ==, 0);

  /* A new code block that grows line by line: appends too (the last line's padding moves). */
  g_string_append (text, "\n\n```\n");
  hv_markdown_renderer_render (renderer, text->str, -1);
  n_deleted = 0;
  for (guint i = 0; i < 50; i++)
    {
      g_string_append_printf (text, "line %u\n", i);
      hv_markdown_renderer_render (renderer, text->str, -1);
    }
  g_assert_cmpuint (n_deleted, <, 50 * 10);

  /* Emphasis that closes later turns the literal star into emphasis. */
  g_string_append (text, "```\n\nan *open");
  hv_markdown_renderer_render (renderer, text->str, -1);
  g_assert_true (find (buffer, "*open", &iter, &iter));
  g_string_append (text, " one*");
  hv_markdown_renderer_render (renderer, text->str, -1);
  g_assert_false (find (buffer, "*open", &iter, &iter));
  g_assert_true (has_tag_over (buffer, "open one", "hv-em"));
}

/* A text that does not extend the last one is rendered from scratch. */
static void
test_replace (void)
{
  g_autoptr(HvMarkdownRenderer) renderer = hv_markdown_renderer_new (NULL);
  GtkTextBuffer *buffer = hv_markdown_renderer_get_buffer (renderer);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  hv_markdown_renderer_render (renderer, "# One\n\nTwo\n\nThree", -1);
  first = buffer_text (buffer);
  g_assert_cmpstr (first, ==, "One\n\nTwo\n\nThree");

  hv_markdown_renderer_render (renderer, "Other *text*", -1);
  second = buffer_text (buffer);
  g_assert_cmpstr (second, ==, "Other text");
  g_assert_cmpuint (hv_markdown_renderer_get_n_stable_blocks (renderer), ==, 0);

  hv_markdown_renderer_render (renderer, "", -1);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 0);
}

/* The renderer tells where the paragraph that ends the text starts, when it is at the top
 * level: a chat reply goes on with a long one in another view. */
static void
test_open_paragraph (void)
{
  g_autoptr(HvMarkdownRenderer) renderer = hv_markdown_renderer_new (NULL);
  const char *text;
  gsize start = 0;

  hv_markdown_renderer_render (renderer, "", -1);
  g_assert_false (hv_markdown_renderer_get_open_paragraph (renderer, &start));

  text = "# Title\n\nFirst paragraph.\n\nSecond one, still\ngoing";
  hv_markdown_renderer_render (renderer, text, -1);
  g_assert_true (hv_markdown_renderer_get_open_paragraph (renderer, &start));
  g_assert_cmpuint (start, ==, strstr (text, "Second") - text);

  /* Rendered incrementally (the first blocks final), still from the start of the text. */
  text = "# Title\n\nFirst paragraph.\n\nSecond one, still\ngoing on";
  hv_markdown_renderer_render (renderer, text, -1);
  g_assert_cmpuint (hv_markdown_renderer_get_stable_length (renderer), >, 0);
  g_assert_true (hv_markdown_renderer_get_open_paragraph (renderer, &start));
  g_assert_cmpuint (start, ==, strstr (text, "Second") - text);

  /* Not a paragraph of a list, a quote or code. */
  hv_markdown_renderer_render (renderer, "Intro\n\n- an item that goes on", -1);
  g_assert_false (hv_markdown_renderer_get_open_paragraph (renderer, NULL));
  hv_markdown_renderer_render (renderer, "> quoted text", -1);
  g_assert_false (hv_markdown_renderer_get_open_paragraph (renderer, NULL));
  hv_markdown_renderer_render (renderer, "```\ncode", -1);
  g_assert_false (hv_markdown_renderer_get_open_paragraph (renderer, NULL));
}

/* Notes the line where text goes into @buffer. */
static void
note_inserted_line (GtkTextBuffer *buffer,
                    GtkTextIter   *location,
                    const char    *text,
                    int            length,
                    GArray        *lines)
{
  int line = gtk_text_iter_get_line (location);

  g_array_append_val (lines, line);
}

/* Notes the first line of what goes out of @buffer. */
static void
note_deleted_line (GtkTextBuffer *buffer,
                   GtkTextIter   *start,
                   GtkTextIter   *end,
                   GArray        *lines)
{
  int line = gtk_text_iter_get_line (start);

  g_array_append_val (lines, line);
}

/* A long paragraph broken where it may go on on a line of its own: the part before the
 * break is final and never touched again, what follows renders as the same paragraph
 * going on (one line end, no gap), and the text reads as one paragraph. */
static void
test_break_paragraph (void)
{
  g_autoptr(HvMarkdownRenderer) renderer = hv_markdown_renderer_new (NULL);
  GtkTextBuffer *buffer = hv_markdown_renderer_get_buffer (renderer);
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (int));
  const char *text = "# Title\n\nThe first sentence, *emphasised*. The second one goes on and on";
  gsize at = strstr (text, "The second") - text;
  g_autofree char *shown = NULL;
  g_autofree char *read = NULL;
  gsize start = 0;

  hv_markdown_renderer_render (renderer, text, (gssize) at + 7);
  hv_markdown_renderer_break_paragraph (renderer, text, at);
  g_assert_true (hv_markdown_renderer_get_continues (renderer));
  g_assert_cmpuint (hv_markdown_renderer_get_stable_length (renderer), ==, at);
  shown = buffer_text (buffer);
  g_assert_cmpstr (shown, ==, "Title\n\nThe first sentence, emphasised.");
  g_clear_pointer (&shown, g_free);

  /* More of the paragraph: after the line end of the break, only the line after it
   * changes ("Title", the gap, the paragraph's first part, its second). */
  hv_markdown_renderer_render (renderer, text, (gssize) at + 1);
  g_signal_connect (buffer, "insert-text", G_CALLBACK (note_inserted_line), changed);
  g_signal_connect (buffer, "delete-range", G_CALLBACK (note_deleted_line), changed);
  for (gsize end = at + 2; end <= strlen (text); end++)
    hv_markdown_renderer_render (renderer, text, (gssize) end);
  g_signal_handlers_disconnect_by_data (buffer, changed);
  g_assert_cmpuint (changed->len, >, 0);
  for (guint i = 0; i < changed->len; i++)
    g_assert_cmpint (g_array_index (changed, int, i), ==, 3);
  g_assert_true (hv_markdown_renderer_get_open_paragraph (renderer, &start));
  g_assert_cmpuint (start, ==, at);

  shown = buffer_text (buffer);
  g_assert_cmpstr (shown, ==, "Title\n\nThe first sentence, emphasised.\nThe second one goes on and on");
  read = hv_markdown_renderer_dup_text (renderer);
  g_assert_cmpstr (read, ==, "Title\n\nThe first sentence, emphasised. The second one goes on and on");

  /* Once the paragraph ends, what follows is a block apart again. */
  hv_markdown_renderer_render (renderer, "# Title\n\nThe first sentence, *emphasised*. The second one goes on and on.\n\nNext\n\n", -1);
  g_assert_false (hv_markdown_renderer_get_continues (renderer));
  g_clear_pointer (&read, g_free);
  read = hv_markdown_renderer_dup_text (renderer);
  g_assert_cmpstr (read, ==, "Title\n\nThe first sentence, emphasised. The second one goes on and on.\n\nNext");

  /* Starting again from other text forgets the break. */
  hv_markdown_renderer_render (renderer, "Other", -1);
  g_assert_false (hv_markdown_renderer_get_continues (renderer));
  g_clear_pointer (&read, g_free);
  read = hv_markdown_renderer_dup_text (renderer);
  g_assert_cmpstr (read, ==, "Other");
}

/* Text that is not valid UTF-8 or holds NUL bytes still renders (as U+FFFD). */
static void
test_invalid_input (void)
{
  g_autoptr(HvMarkdownRenderer) renderer = hv_markdown_renderer_new (NULL);
  static const char bad[] = "a\xff" "b\0c *d*";
  g_autofree char *text = NULL;

  hv_markdown_renderer_render (renderer, bad, sizeof bad - 1);
  text = buffer_text (hv_markdown_renderer_get_buffer (renderer));
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_nonnull (strstr (text, "b"));
  g_assert_true (g_str_has_suffix (text, "c d"));
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/markdown/constructs", test_constructs);
  g_test_add_func ("/markdown/incremental-equals-whole", test_incremental_equals_whole);
  g_test_add_func ("/markdown/incremental-tokens", test_incremental_tokens);
  g_test_add_func ("/markdown/appends", test_appends);
  g_test_add_func ("/markdown/replace", test_replace);
  g_test_add_func ("/markdown/open-paragraph", test_open_paragraph);
  g_test_add_func ("/markdown/break-paragraph", test_break_paragraph);
  g_test_add_func ("/markdown/invalid-input", test_invalid_input);

  return g_test_run ();
}
