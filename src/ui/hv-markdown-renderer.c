// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <cmark.h>
#include <string.h>

#include "hv-markdown-renderer.h"

/* Pixels. */
#define LIST_INDENT     6     /* from the container's margin to a list marker */
#define BULLET_WIDTH    18    /* from a bullet to its text */
#define DIGIT_WIDTH     8
#define NUMBER_PAD      14    /* from a number ("12.") to its text, besides the digits */
#define QUOTE_INDENT    16
#define CODE_INDENT     0     /* from the container's margin to a code block */
#define CODE_PADDING    10    /* from a code block's edge to its text */

#define MAX_TAGS        15

/* One piece of the rendering: text with a set of tags. Consecutive text with the same tags
 * is one run. */
typedef struct {
  GString    *text;
  glong       n_chars;
  guint       n_tags;
  GtkTextTag *tags[MAX_TAGS];
} Run;

struct _HvMarkdownRenderer
{
  GObject        parent_instance;

  GtkTextBuffer *buffer;
  GtkTextMark   *stable_end;     /* what is before it is final */
  GString       *stable_source;  /* the source of the final blocks */
  guint          n_stable_blocks;
  GArray        *tail;           /* Run: the rendering after stable_end, as in the buffer */
  gssize         open_paragraph; /* where the text's last block starts, if a paragraph */
  gboolean       continues;      /* the first block after stable_end goes on with the
                                    paragraph before it (hv_markdown_renderer_break_paragraph) */
  gboolean       dark;

  GtkTextTag    *heading[6];
  GtkTextTag    *em;
  GtkTextTag    *strong;
  GtkTextTag    *code;
  GtkTextTag    *code_block;
  GtkTextTag    *code_header;
  GtkTextTag    *code_language;
  GtkTextTag    *code_last;
  GtkTextTag    *quote;
  GtkTextTag    *link;
  GtkTextTag    *list_marker;
  GtkTextTag    *hr;
  GtkTextTag    *spacer;
  GtkTextTag    *paragraph_break;
  GtkTextTag    *html;
};

G_DEFINE_FINAL_TYPE (HvMarkdownRenderer, hv_markdown_renderer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BUFFER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
run_clear (gpointer data)
{
  Run *run = data;

  g_string_free (run->text, TRUE);
}

static GArray *
runs_new (void)
{
  GArray *runs = g_array_new (FALSE, TRUE, sizeof (Run));

  g_array_set_clear_func (runs, run_clear);
  return runs;
}

static gboolean
same_tags (const Run *a,
           const Run *b)
{
  return a->n_tags == b->n_tags && memcmp (a->tags, b->tags, a->n_tags * sizeof (GtkTextTag *)) == 0;
}

static gboolean
runs_equal (const Run *a,
            const Run *b)
{
  return same_tags (a, b) &&
         a->text->len == b->text->len && memcmp (a->text->str, b->text->str, a->text->len) == 0;
}

/* ---------------------------------------------------------------------------------------
 * Tags
 * ------------------------------------------------------------------------------------- */

static GtkTextTag *
ensure_tag (HvMarkdownRenderer *self,
            const char         *name,
            const char         *first_property,
            ...)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (self->buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, name);
  va_list args;

  if (tag != NULL)
    return tag;

  tag = gtk_text_tag_new (name);
  va_start (args, first_property);
  if (first_property != NULL)
    g_object_set_valist (G_OBJECT (tag), first_property, args);
  va_end (args);
  gtk_text_tag_table_add (table, tag);
  g_object_unref (tag);
  return tag;
}

static void
set_rgba (GtkTextTag *tag,
          const char *property,
          const char *color)
{
  GdkRGBA rgba;

  if (gdk_rgba_parse (&rgba, color))
    g_object_set (tag, property, &rgba, NULL);
}

static void
update_colors (HvMarkdownRenderer *self)
{
  gboolean dark = self->dark;

  set_rgba (self->code, "background-rgba", dark ? "rgba(255,255,255,0.10)" : "rgba(0,0,0,0.07)");
  set_rgba (self->code_block, "paragraph-background-rgba", dark ? "rgba(255,255,255,0.06)" : "rgba(0,0,0,0.045)");
  set_rgba (self->quote, "foreground-rgba", dark ? "rgba(255,255,255,0.62)" : "rgba(0,0,0,0.62)");
  set_rgba (self->link, "foreground-rgba", dark ? "#78aeed" : "#1c71d8");
  set_rgba (self->hr, "paragraph-background-rgba", dark ? "rgba(255,255,255,0.15)" : "rgba(0,0,0,0.15)");
  set_rgba (self->html, "foreground-rgba", dark ? "rgba(255,255,255,0.62)" : "rgba(0,0,0,0.62)");
  set_rgba (self->list_marker, "foreground-rgba", dark ? "rgba(255,255,255,0.62)" : "rgba(0,0,0,0.55)");
  set_rgba (self->code_language, "foreground-rgba", dark ? "rgba(255,255,255,0.55)" : "rgba(0,0,0,0.5)");
}

static void
create_tags (HvMarkdownRenderer *self)
{
  static const double scales[6] = { 1.45, 1.25, 1.12, 1.0, 1.0, 1.0 };
  static const int above[6] = { 10, 8, 6, 4, 2, 2 };

  for (guint i = 0; i < 6; i++)
    {
      char name[8];

      g_snprintf (name, sizeof name, "hv-h%u", i + 1);
      self->heading[i] = ensure_tag (self, name,
                                     "weight", i < 4 ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_SEMIBOLD,
                                     "scale", scales[i],
                                     "pixels-above-lines", above[i],
                                     NULL);
    }
  self->em = ensure_tag (self, "hv-em", "style", PANGO_STYLE_ITALIC, NULL);
  self->strong = ensure_tag (self, "hv-strong", "weight", PANGO_WEIGHT_BOLD, NULL);
  self->code = ensure_tag (self, "hv-code", "family", "monospace", "scale", 0.92, NULL);
  self->code_block = ensure_tag (self, "hv-code-block",
                                 "family", "monospace",
                                 "scale", 0.92,
                                 "wrap-mode", GTK_WRAP_CHAR,
                                 "right-margin", CODE_INDENT,
                                 NULL);
  self->code_header = ensure_tag (self, "hv-code-header",
                                  "pixels-above-lines", 8,
                                  "pixels-below-lines", 2,
                                  NULL);
  self->code_language = ensure_tag (self, "hv-code-language", "scale", 0.85, NULL);
  self->code_last = ensure_tag (self, "hv-code-last", "pixels-below-lines", 10, NULL);
  self->quote = ensure_tag (self, "hv-quote", "style", PANGO_STYLE_ITALIC, NULL);
  self->link = ensure_tag (self, "hv-link", "underline", PANGO_UNDERLINE_SINGLE, NULL);
  self->list_marker = ensure_tag (self, "hv-list-marker", NULL);
  self->hr = ensure_tag (self, "hv-hr", "scale", 0.12, NULL);
  self->spacer = ensure_tag (self, "hv-spacer", "scale", 0.55, NULL);
  self->paragraph_break = ensure_tag (self, "hv-paragraph-break", NULL);
  self->html = ensure_tag (self, "hv-html", "family", "monospace", "scale", 0.92, NULL);
  update_colors (self);
}

/* A paragraph's left margin and indent; a negative indent hangs (list items), with a tab
 * stop where the text of the first line starts. */
static GtkTextTag *
para_tag (HvMarkdownRenderer *self,
          int                 left,
          int                 indent)
{
  char name[40];
  GtkTextTag *tag;

  if (left == 0 && indent == 0)
    return NULL;

  g_snprintf (name, sizeof name, "hv-para-%d-%d", left, indent);
  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (self->buffer), name);
  if (tag != NULL)
    return tag;

  if (indent < 0)
    {
      PangoTabArray *tabs = pango_tab_array_new_with_positions (1, TRUE, PANGO_TAB_LEFT, -indent);

      tag = ensure_tag (self, name, "left-margin", left, "indent", indent, "tabs", tabs, NULL);
      pango_tab_array_free (tabs);
    }
  else
    tag = ensure_tag (self, name, "left-margin", left, "indent", indent, NULL);
  return tag;
}

static GtkTextTag *
link_tag (HvMarkdownRenderer *self,
          const char         *url)
{
  g_autofree char *name = g_strconcat ("hv-link:", url, NULL);
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (self->buffer), name);

  if (tag == NULL)
    {
      tag = ensure_tag (self, name, NULL);
      g_object_set_data_full (G_OBJECT (tag), "hv-url", g_strdup (url), g_free);
    }
  return tag;
}

/* ---------------------------------------------------------------------------------------
 * From the syntax tree to runs
 * ------------------------------------------------------------------------------------- */

typedef struct {
  HvMarkdownRenderer *self;
  GArray             *runs;
  GtkTextTag         *stack[MAX_TAGS];
  guint               n_stack;
  int                 left;      /* the margin of the lines of the current block */
  int                 hanging;   /* > 0 until the end of a list item's first line */
  int                 indent;    /* of each line (code) */
  guint               list_depth;
  gboolean            new_run;   /* the next text starts a run: the last block starts there */
} Ctx;

static void
push (Ctx        *ctx,
      GtkTextTag *tag)
{
  /* Deeper nesting than that keeps the outer look. */
  if (ctx->n_stack < MAX_TAGS - 1)
    ctx->stack[ctx->n_stack] = tag;
  ctx->n_stack++;
}

static void
pop (Ctx *ctx)
{
  g_assert (ctx->n_stack > 0);
  ctx->n_stack--;
}

static void
current_tags (Ctx *ctx,
              Run *run)
{
  guint n = MIN (ctx->n_stack, MAX_TAGS - 1);
  GtkTextTag *para;

  run->n_tags = 0;
  for (guint i = 0; i < n; i++)
    {
      gboolean seen = FALSE;

      /* A link inside a link, emphasis inside emphasis: once. */
      for (guint j = 0; j < run->n_tags && !seen; j++)
        seen = run->tags[j] == ctx->stack[i];
      if (!seen)
        run->tags[run->n_tags++] = ctx->stack[i];
    }

  if (ctx->hanging > 0)
    para = para_tag (ctx->self, ctx->left - ctx->hanging, -ctx->hanging);
  else
    para = para_tag (ctx->self, ctx->left, ctx->indent);
  if (para != NULL)
    run->tags[run->n_tags++] = para;
}

static void
append_text (Ctx        *ctx,
             const char *text,
             gsize       len)
{
  Run run = { 0 };

  if (len == 0)
    return;

  current_tags (ctx, &run);
  if (ctx->runs->len > 0 && !ctx->new_run)
    {
      Run *last = &g_array_index (ctx->runs, Run, ctx->runs->len - 1);

      if (same_tags (last, &run))
        {
          g_string_append_len (last->text, text, len);
          last->n_chars += g_utf8_strlen (text, len);
          return;
        }
    }
  run.text = g_string_new_len (text, len);
  run.n_chars = g_utf8_strlen (text, len);
  g_array_append_val (ctx->runs, run);
  ctx->new_run = FALSE;
}

/* Text, each line ending at a '\n' that belongs to it: the first line of a list item hangs. */
static void
emit (Ctx        *ctx,
      const char *text,
      gssize      length)
{
  gsize len = length < 0 ? strlen (text) : (gsize) length;

  while (len > 0)
    {
      const char *nl = memchr (text, '\n', len);
      gsize n = nl != NULL ? (gsize) (nl - text) + 1 : len;

      append_text (ctx, text, n);
      if (nl != NULL)
        ctx->hanging = 0;
      text += n;
      len -= n;
    }
}

/* Ends the current line, and leaves a short empty line when the blocks are apart. */
static void
emit_separator (Ctx      *ctx,
                gboolean  loose)
{
  emit (ctx, "\n", 1);
  if (loose)
    {
      push (ctx, ctx->self->spacer);
      emit (ctx, "\n", 1);
      pop (ctx);
    }
}

static void render_block (Ctx        *ctx,
                          cmark_node *node,
                          gboolean    tight);

static void
render_inline (Ctx        *ctx,
               cmark_node *node)
{
  HvMarkdownRenderer *self = ctx->self;

  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_HTML_INLINE:
      emit (ctx, cmark_node_get_literal (node), -1);
      break;

    case CMARK_NODE_SOFTBREAK:
      emit (ctx, " ", 1);
      break;

    case CMARK_NODE_LINEBREAK:
      emit (ctx, "\n", 1);
      break;

    case CMARK_NODE_CODE:
      push (ctx, self->code);
      emit (ctx, cmark_node_get_literal (node), -1);
      pop (ctx);
      break;

    case CMARK_NODE_EMPH:
    case CMARK_NODE_STRONG:
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
    case CMARK_NODE_CUSTOM_INLINE:
      {
        cmark_node_type type = cmark_node_get_type (node);
        guint pushed = 0;

        if (type == CMARK_NODE_EMPH)
          push (ctx, self->em), pushed = 1;
        else if (type == CMARK_NODE_STRONG)
          push (ctx, self->strong), pushed = 1;
        else if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE)
          {
            const char *url = cmark_node_get_url (node);

            if (url != NULL && url[0] != '\0')
              {
                push (ctx, self->link);
                push (ctx, link_tag (self, url));
                pushed = 2;
              }
          }
        for (cmark_node *child = cmark_node_first_child (node); child != NULL; child = cmark_node_next (child))
          render_inline (ctx, child);
        for (guint i = 0; i < pushed; i++)
          pop (ctx);
      }
      break;

    default:
      for (cmark_node *child = cmark_node_first_child (node); child != NULL; child = cmark_node_next (child))
        render_inline (ctx, child);
      break;
    }
}

static void
render_inlines (Ctx        *ctx,
                cmark_node *node)
{
  for (cmark_node *child = cmark_node_first_child (node); child != NULL; child = cmark_node_next (child))
    render_inline (ctx, child);
}

static void
render_children (Ctx        *ctx,
                 cmark_node *node,
                 gboolean    tight)
{
  gboolean first = TRUE;

  for (cmark_node *child = cmark_node_first_child (node); child != NULL; child = cmark_node_next (child))
    {
      if (!first)
        emit_separator (ctx, !tight);
      first = FALSE;
      render_block (ctx, child, tight);
    }
}

static void
render_code (Ctx        *ctx,
             const char *literal,
             const char *info)
{
  HvMarkdownRenderer *self = ctx->self;
  g_autofree char *language = NULL;
  gsize len = literal != NULL ? strlen (literal) : 0;
  const char *last_line;

  /* The language is the first word of the info string: "python title=x.py". */
  if (info != NULL)
    language = g_strndup (info, strcspn (info, " \t{"));

  /* Each line of code is a paragraph: its indent pads it from the edge of the background,
   * which starts at the margin. */
  ctx->left += CODE_INDENT;
  ctx->indent = CODE_PADDING;
  push (ctx, self->code_block);

  /* The header line: the language, where a view shows a Copy button too. */
  push (ctx, self->code_header);
  if (language != NULL && language[0] != '\0')
    {
      push (ctx, self->code_language);
      emit (ctx, language, -1);
      pop (ctx);
    }
  emit (ctx, "\n", 1);
  pop (ctx);

  /* The literal ends with a newline (the block's last line's), which the next block's
   * separator gives. */
  if (len > 0 && literal[len - 1] == '\n')
    len--;
  last_line = g_strrstr_len (literal, len, "\n");
  last_line = last_line != NULL ? last_line + 1 : literal;
  emit (ctx, literal, last_line - literal);
  push (ctx, self->code_last);
  emit (ctx, last_line, len - (last_line - literal));
  pop (ctx);

  pop (ctx);
  ctx->indent = 0;
  ctx->left -= CODE_INDENT;
}

static guint
n_digits (int n)
{
  guint digits = 1;

  for (n = ABS (n); n >= 10; n /= 10)
    digits++;
  return digits;
}

static void
render_list (Ctx        *ctx,
             cmark_node *list)
{
  static const char * const bullets[] = { "•", "◦", "▪" };
  HvMarkdownRenderer *self = ctx->self;
  gboolean ordered = cmark_node_get_list_type (list) == CMARK_ORDERED_LIST;
  gboolean tight = cmark_node_get_list_tight (list);
  int start = cmark_node_get_list_start (list);
  char delim = cmark_node_get_list_delim (list) == CMARK_PAREN_DELIM ? ')' : '.';
  int saved_left = ctx->left;
  guint n_items = 0;
  int width;
  int number;

  for (cmark_node *item = cmark_node_first_child (list); item != NULL; item = cmark_node_next (item))
    n_items++;
  if (ordered)
    width = NUMBER_PAD + DIGIT_WIDTH * (int) MAX (n_digits (start), n_digits (start + (int) n_items - 1));
  else
    width = BULLET_WIDTH;

  number = start;
  for (cmark_node *item = cmark_node_first_child (list); item != NULL; item = cmark_node_next (item))
    {
      cmark_node *first = cmark_node_first_child (item);
      char marker[24];

      if (item != cmark_node_first_child (list))
        emit_separator (ctx, !tight);

      if (ordered)
        g_snprintf (marker, sizeof marker, "%d%c\t", number++, delim);
      else
        g_snprintf (marker, sizeof marker, "%s\t", bullets[ctx->list_depth % G_N_ELEMENTS (bullets)]);

      /* The marker hangs in the margin of the item's text. */
      ctx->left = saved_left + LIST_INDENT + width;
      ctx->hanging = width;
      push (ctx, self->list_marker);
      emit (ctx, marker, -1);
      pop (ctx);

      if (first != NULL && cmark_node_get_type (first) != CMARK_NODE_PARAGRAPH &&
          cmark_node_get_type (first) != CMARK_NODE_HEADING)
        emit (ctx, "\n", 1);

      ctx->list_depth++;
      render_children (ctx, item, tight);
      ctx->list_depth--;

      ctx->hanging = 0;
      ctx->left = saved_left;
    }
}

static void
render_block (Ctx        *ctx,
              cmark_node *node,
              gboolean    tight)
{
  HvMarkdownRenderer *self = ctx->self;

  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_PARAGRAPH:
      render_inlines (ctx, node);
      break;

    case CMARK_NODE_HEADING:
      push (ctx, self->heading[CLAMP (cmark_node_get_heading_level (node), 1, 6) - 1]);
      render_inlines (ctx, node);
      pop (ctx);
      break;

    case CMARK_NODE_CODE_BLOCK:
      render_code (ctx, cmark_node_get_literal (node), cmark_node_get_fence_info (node));
      break;

    case CMARK_NODE_HTML_BLOCK:
    case CMARK_NODE_CUSTOM_BLOCK:
      {
        const char *literal = cmark_node_get_literal (node);
        gsize len = literal != NULL ? strlen (literal) : 0;

        while (len > 0 && literal[len - 1] == '\n')
          len--;
        push (ctx, self->html);
        emit (ctx, literal, len);
        pop (ctx);
      }
      break;

    case CMARK_NODE_THEMATIC_BREAK:
      /* A line of its own, as thin as its tiny font: its background is the rule. */
      push (ctx, self->hr);
      emit (ctx, " ", 1);
      pop (ctx);
      break;

    case CMARK_NODE_BLOCK_QUOTE:
      ctx->left += QUOTE_INDENT;
      push (ctx, self->quote);
      render_children (ctx, node, FALSE);
      pop (ctx);
      ctx->left -= QUOTE_INDENT;
      break;

    case CMARK_NODE_LIST:
      render_list (ctx, node);
      break;

    default:
      render_children (ctx, node, tight);
      break;
    }
}

/* ---------------------------------------------------------------------------------------
 * Into the buffer
 * ------------------------------------------------------------------------------------- */

static int
stable_offset (HvMarkdownRenderer *self)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &iter, self->stable_end);
  return gtk_text_iter_get_offset (&iter);
}

static void
insert_run (HvMarkdownRenderer *self,
            const Run          *run,
            gsize               from)
{
  GtkTextIter start, end;
  int offset;

  gtk_text_buffer_get_end_iter (self->buffer, &end);
  offset = gtk_text_iter_get_offset (&end);

  if (from >= run->text->len)
    return;
  gtk_text_buffer_insert (self->buffer, &end, run->text->str + from, run->text->len - from);

  gtk_text_buffer_get_iter_at_offset (self->buffer, &start, offset);
  for (guint i = 0; i < run->n_tags; i++)
    gtk_text_buffer_apply_tag (self->buffer, run->tags[i], &start, &end);
}

/* Makes the buffer after stable_end show @runs instead of self->tail, touching only what
 * differs. */
static void
apply_runs (HvMarkdownRenderer *self,
            GArray             *runs)
{
  GArray *old = self->tail;
  guint i = 0;
  glong chars = 0;
  gsize from = 0;
  GtkTextIter start, end;

  while (i < old->len && i < runs->len &&
         runs_equal (&g_array_index (old, Run, i), &g_array_index (runs, Run, i)))
    chars += g_array_index (old, Run, i++).n_chars;

  if (i == old->len && i == runs->len)
    return;

  /* Text that grew, or changed towards its end, keeps its common start. */
  if (i < old->len && i < runs->len)
    {
      const Run *a = &g_array_index (old, Run, i);
      const Run *b = &g_array_index (runs, Run, i);

      if (same_tags (a, b))
        {
          gsize n = MIN (a->text->len, b->text->len);
          gsize common = 0;

          while (common < n && a->text->str[common] == b->text->str[common])
            common++;
          /* At a character boundary of both. */
          while (common > 0 && common < b->text->len && (b->text->str[common] & 0xC0) == 0x80)
            common--;
          while (common > 0 && common < a->text->len && (a->text->str[common] & 0xC0) == 0x80)
            common--;
          chars += common == a->text->len ? a->n_chars : g_utf8_strlen (a->text->str, common);
          from = common;
        }
    }

  gtk_text_buffer_get_iter_at_offset (self->buffer, &start, stable_offset (self) + (int) chars);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  if (!gtk_text_iter_equal (&start, &end))
    gtk_text_buffer_delete (self->buffer, &start, &end);

  for (guint j = i; j < runs->len; j++)
    insert_run (self, &g_array_index (runs, Run, j), j == i ? from : 0);
}

/* The byte offset of the start of line @line (1-based) of @text. */
static gsize
line_offset (const char *text,
             gsize       len,
             int         line)
{
  const char *p = text;
  const char *end = text + len;

  for (int i = 1; i < line && p < end; i++)
    {
      const char *nl = memchr (p, '\n', end - p);

      if (nl == NULL)
        return len;
      p = nl + 1;
    }
  return p - text;
}

/**
 * hv_markdown_renderer_render:
 * @text: the whole Markdown text, usually what was rendered last time and more
 * @length: its length in bytes, or -1
 *
 * Shows @text in the buffer. When @text starts with the source of the blocks already final,
 * only the rest is parsed and the buffer only changes where the rendering differs;
 * otherwise everything is rendered again.
 */
void
hv_markdown_renderer_render (HvMarkdownRenderer *self,
                             const char         *text,
                             gssize              length)
{
  gsize len;
  const char *tail;
  gsize tail_len;
  cmark_node *document;
  cmark_node *boundary = NULL;
  g_autoptr(GArray) runs = NULL;
  guint boundary_run = 0;
  int n_complete_lines = 0;
  Ctx ctx = { 0 };

  g_return_if_fail (HV_IS_MARKDOWN_RENDERER (self));
  g_return_if_fail (text != NULL || length == 0);

  len = length < 0 ? strlen (text) : (gsize) length;
  if (len < self->stable_source->len ||
      memcmp (text, self->stable_source->str, self->stable_source->len) != 0)
    hv_markdown_renderer_reset (self);

  tail = text + self->stable_source->len;
  tail_len = len - self->stable_source->len;
  document = cmark_parse_document (tail, tail_len, CMARK_OPT_VALIDATE_UTF8);

  /* A paragraph at the top level, not in a list or a quote. */
  self->open_paragraph = -1;
  if (cmark_node_last_child (document) != NULL &&
      cmark_node_get_type (cmark_node_last_child (document)) == CMARK_NODE_PARAGRAPH)
    self->open_paragraph = self->stable_source->len +
                           line_offset (tail, tail_len, cmark_node_get_start_line (cmark_node_last_child (document)));

  /* A block is final once the block after it starts on a complete line: the parser decided
   * to close it on that line, and what comes later cannot reopen it. (The line still
   * arriving can: "2" after a list is a paragraph, "2." continues the list.) */
  for (const char *p = tail, *end = tail + tail_len; (p = memchr (p, '\n', end - p)) != NULL; p++)
    n_complete_lines++;
  if (cmark_node_first_child (document) != NULL)
    for (cmark_node *node = cmark_node_next (cmark_node_first_child (document)); node != NULL; node = cmark_node_next (node))
      if (cmark_node_get_start_line (node) <= n_complete_lines)
        boundary = node;

  runs = runs_new ();
  ctx.self = self;
  ctx.runs = runs;
  for (cmark_node *node = cmark_node_first_child (document); node != NULL; node = cmark_node_next (node))
    {
      if (node == boundary)
        {
          boundary_run = runs->len;
          ctx.new_run = TRUE;
        }
      if (node == cmark_node_first_child (document) && self->continues)
        {
          /* A line end that stands for a space: the paragraph goes on. */
          push (&ctx, self->paragraph_break);
          emit (&ctx, "\n", 1);
          pop (&ctx);
        }
      else if (node != cmark_node_first_child (document) || self->n_stable_blocks > 0)
        emit_separator (&ctx, TRUE);
      render_block (&ctx, node, FALSE);
    }
  g_assert (ctx.n_stack == 0);

  apply_runs (self, runs);

  /* The final blocks move before stable_end, their source to stable_source. */
  if (boundary != NULL)
    {
      GtkTextIter iter;
      glong chars = 0;
      gsize offset = line_offset (tail, tail_len, cmark_node_get_start_line (boundary));

      for (guint i = 0; i < boundary_run; i++)
        chars += g_array_index (runs, Run, i).n_chars;
      for (cmark_node *node = cmark_node_first_child (document); node != boundary; node = cmark_node_next (node))
        self->n_stable_blocks++;

      gtk_text_buffer_get_iter_at_mark (self->buffer, &iter, self->stable_end);
      gtk_text_iter_forward_chars (&iter, (int) chars);
      gtk_text_buffer_move_mark (self->buffer, self->stable_end, &iter);
      g_string_append_len (self->stable_source, tail, offset);
      g_array_remove_range (runs, 0, boundary_run);
      self->continues = FALSE;
    }

  g_array_unref (self->tail);
  self->tail = g_steal_pointer (&runs);
  cmark_node_free (document);
}

/**
 * hv_markdown_renderer_reset:
 *
 * Empties the buffer; the next rendering starts from scratch.
 */
void
hv_markdown_renderer_reset (HvMarkdownRenderer *self)
{
  GtkTextIter start, end;

  g_return_if_fail (HV_IS_MARKDOWN_RENDERER (self));

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_delete (self->buffer, &start, &end);
  gtk_text_buffer_get_start_iter (self->buffer, &start);
  gtk_text_buffer_move_mark (self->buffer, self->stable_end, &start);
  g_string_truncate (self->stable_source, 0);
  self->n_stable_blocks = 0;
  self->open_paragraph = -1;
  self->continues = FALSE;
  g_array_set_size (self->tail, 0);
}

/**
 * hv_markdown_renderer_get_stable_length:
 *
 * Returns: how many bytes at the start of the text are final blocks, not parsed again
 */
gsize
hv_markdown_renderer_get_stable_length (HvMarkdownRenderer *self)
{
  g_return_val_if_fail (HV_IS_MARKDOWN_RENDERER (self), 0);
  return self->stable_source->len;
}

guint
hv_markdown_renderer_get_n_stable_blocks (HvMarkdownRenderer *self)
{
  g_return_val_if_fail (HV_IS_MARKDOWN_RENDERER (self), 0);
  return self->n_stable_blocks;
}

/**
 * hv_markdown_renderer_break_paragraph:
 * @text: the Markdown text, as for hv_markdown_renderer_render()
 * @at: where in @text the paragraph it ends with goes on on a line of its own: after a space,
 *   at the start of a word, outside any inline markup
 *
 * Shows @text up to @at and makes all of it final, so that what comes after @at is parsed
 * and laid out on its own. GTK lays a paragraph out whole each time it changes; a growing
 * paragraph broken this way only lays out its last piece. The break shows as a line end in
 * the buffer (tagged "hv-paragraph-break"; hv_markdown_renderer_dup_text() gives a space for
 * it). The next rendering must start with @text up to @at.
 */
void
hv_markdown_renderer_break_paragraph (HvMarkdownRenderer *self,
                                      const char         *text,
                                      gsize               at)
{
  GtkTextIter end;

  g_return_if_fail (HV_IS_MARKDOWN_RENDERER (self));
  g_return_if_fail (at >= self->stable_source->len);

  hv_markdown_renderer_render (self, text, at);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  gtk_text_buffer_move_mark (self->buffer, self->stable_end, &end);
  g_string_append_len (self->stable_source, text + self->stable_source->len, at - self->stable_source->len);
  self->n_stable_blocks++;
  g_array_set_size (self->tail, 0);
  self->open_paragraph = -1;
  self->continues = TRUE;
}

/**
 * hv_markdown_renderer_get_continues:
 *
 * Returns: whether the text after the final blocks goes on with the paragraph they end
 *   with (broken by hv_markdown_renderer_break_paragraph() and not closed since)
 */
gboolean
hv_markdown_renderer_get_continues (HvMarkdownRenderer *self)
{
  g_return_val_if_fail (HV_IS_MARKDOWN_RENDERER (self), FALSE);
  return self->continues;
}

/**
 * hv_markdown_renderer_dup_text:
 *
 * Returns: (transfer full): the buffer's text, with a space for each paragraph break
 */
char *
hv_markdown_renderer_dup_text (HvMarkdownRenderer *self)
{
  GtkTextIter start, end, iter;
  char *text;
  int offset = 0;
  char *p;

  g_return_val_if_fail (HV_IS_MARKDOWN_RENDERER (self), NULL);

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  text = gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
  p = text;
  iter = start;
  /* Each break is one "\n" with the tag: walk from one to the next. */
  while (gtk_text_iter_forward_to_tag_toggle (&iter, self->paragraph_break))
    {
      int at = gtk_text_iter_get_offset (&iter);

      if (!gtk_text_iter_starts_tag (&iter, self->paragraph_break))
        continue;
      p = g_utf8_offset_to_pointer (p, at - offset);
      offset = at;
      if (*p == '\n')
        *p = ' ';
    }
  return text;
}

/**
 * hv_markdown_renderer_get_open_paragraph:
 * @start: (out) (optional): where the paragraph starts in the text last rendered (bytes)
 *
 * Tells whether the text last rendered ends with a paragraph at the top level (not in a
 * list or a quote): one that more text may make longer.
 *
 * Returns: whether it does
 */
gboolean
hv_markdown_renderer_get_open_paragraph (HvMarkdownRenderer *self,
                                         gsize              *start)
{
  g_return_val_if_fail (HV_IS_MARKDOWN_RENDERER (self), FALSE);

  if (self->open_paragraph < 0)
    return FALSE;
  if (start != NULL)
    *start = (gsize) self->open_paragraph;
  return TRUE;
}

/**
 * hv_markdown_renderer_set_dark:
 *
 * Picks the colours of code, quotes and links for a dark or a light background.
 */
void
hv_markdown_renderer_set_dark (HvMarkdownRenderer *self,
                               gboolean            dark)
{
  g_return_if_fail (HV_IS_MARKDOWN_RENDERER (self));

  dark = !!dark;
  if (self->dark == dark)
    return;
  self->dark = dark;
  update_colors (self);
}

/**
 * hv_markdown_renderer_get_link_at:
 *
 * Returns: (nullable): the URL of the link at @iter
 */
const char *
hv_markdown_renderer_get_link_at (HvMarkdownRenderer *self,
                                  const GtkTextIter  *iter)
{
  g_autoptr(GSList) tags = NULL;
  const char *url = NULL;

  g_return_val_if_fail (HV_IS_MARKDOWN_RENDERER (self), NULL);
  g_return_val_if_fail (iter != NULL, NULL);

  tags = gtk_text_iter_get_tags (iter);
  for (GSList *l = tags; l != NULL && url == NULL; l = l->next)
    url = g_object_get_data (l->data, "hv-url");
  return url;
}

/**
 * hv_markdown_renderer_find_code_block:
 * @iter: a position in the buffer
 * @start: (out) (optional): the start of the code block there (of its header line)
 * @end: (out) (optional): its end
 *
 * Returns: whether @iter is in a code block
 */
gboolean
hv_markdown_renderer_find_code_block (HvMarkdownRenderer *self,
                                      const GtkTextIter  *iter,
                                      GtkTextIter        *start,
                                      GtkTextIter        *end)
{
  GtkTextIter s, e;

  g_return_val_if_fail (HV_IS_MARKDOWN_RENDERER (self), FALSE);
  g_return_val_if_fail (iter != NULL, FALSE);

  if (!gtk_text_iter_has_tag (iter, self->code_block))
    return FALSE;

  s = e = *iter;
  if (!gtk_text_iter_starts_tag (&s, self->code_block))
    gtk_text_iter_backward_to_tag_toggle (&s, self->code_block);
  gtk_text_iter_forward_to_tag_toggle (&e, self->code_block);
  if (start != NULL)
    *start = s;
  if (end != NULL)
    *end = e;
  return TRUE;
}

/**
 * hv_markdown_renderer_dup_code_block:
 * @iter: a position in a code block
 *
 * Returns: (transfer full) (nullable): the code of the block, as it is rendered now, or
 *   %NULL when @iter is not in a code block
 */
char *
hv_markdown_renderer_dup_code_block (HvMarkdownRenderer *self,
                                     const GtkTextIter  *iter)
{
  GtkTextIter start, end;

  g_return_val_if_fail (HV_IS_MARKDOWN_RENDERER (self), NULL);
  g_return_val_if_fail (iter != NULL, NULL);

  if (!hv_markdown_renderer_find_code_block (self, iter, &start, &end))
    return NULL;

  /* The code starts on the line after the header. */
  if (!gtk_text_iter_forward_line (&start) || gtk_text_iter_compare (&start, &end) >= 0)
    return g_strdup ("");
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

/* ---------------------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------------------- */

static void
hv_markdown_renderer_constructed (GObject *object)
{
  HvMarkdownRenderer *self = HV_MARKDOWN_RENDERER (object);
  GtkTextIter start;

  G_OBJECT_CLASS (hv_markdown_renderer_parent_class)->constructed (object);

  if (self->buffer == NULL)
    self->buffer = gtk_text_buffer_new (NULL);
  create_tags (self);
  gtk_text_buffer_get_start_iter (self->buffer, &start);
  self->stable_end = gtk_text_buffer_create_mark (self->buffer, NULL, &start, TRUE);
  g_object_ref (self->stable_end);
}

static void
hv_markdown_renderer_finalize (GObject *object)
{
  HvMarkdownRenderer *self = HV_MARKDOWN_RENDERER (object);

  if (self->stable_end != NULL && !gtk_text_mark_get_deleted (self->stable_end))
    gtk_text_buffer_delete_mark (self->buffer, self->stable_end);
  g_clear_object (&self->stable_end);
  g_clear_object (&self->buffer);
  g_string_free (self->stable_source, TRUE);
  g_array_unref (self->tail);

  G_OBJECT_CLASS (hv_markdown_renderer_parent_class)->finalize (object);
}

static void
hv_markdown_renderer_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HvMarkdownRenderer *self = HV_MARKDOWN_RENDERER (object);

  switch (prop_id)
    {
    case PROP_BUFFER:
      g_value_set_object (value, self->buffer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_markdown_renderer_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HvMarkdownRenderer *self = HV_MARKDOWN_RENDERER (object);

  switch (prop_id)
    {
    case PROP_BUFFER:
      self->buffer = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_markdown_renderer_class_init (HvMarkdownRendererClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hv_markdown_renderer_constructed;
  object_class->finalize = hv_markdown_renderer_finalize;
  object_class->get_property = hv_markdown_renderer_get_property;
  object_class->set_property = hv_markdown_renderer_set_property;

  /**
   * HvMarkdownRenderer:buffer:
   *
   * The buffer rendered into; the renderer owns its contents.
   */
  properties[PROP_BUFFER] =
    g_param_spec_object ("buffer", NULL, NULL, GTK_TYPE_TEXT_BUFFER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hv_markdown_renderer_init (HvMarkdownRenderer *self)
{
  self->stable_source = g_string_new (NULL);
  self->tail = runs_new ();
  self->open_paragraph = -1;
}

/**
 * hv_markdown_renderer_new:
 * @buffer: (nullable): the buffer to render into; a new one when %NULL
 */
HvMarkdownRenderer *
hv_markdown_renderer_new (GtkTextBuffer *buffer)
{
  g_return_val_if_fail (buffer == NULL || GTK_IS_TEXT_BUFFER (buffer), NULL);

  return g_object_new (HV_TYPE_MARKDOWN_RENDERER, "buffer", buffer, NULL);
}

/**
 * hv_markdown_renderer_get_buffer:
 *
 * Returns: (transfer none): the buffer
 */
GtkTextBuffer *
hv_markdown_renderer_get_buffer (HvMarkdownRenderer *self)
{
  g_return_val_if_fail (HV_IS_MARKDOWN_RENDERER (self), NULL);
  return self->buffer;
}
