// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HV_TYPE_MARKDOWN_RENDERER (hv_markdown_renderer_get_type ())

G_DECLARE_FINAL_TYPE (HvMarkdownRenderer, hv_markdown_renderer, HV, MARKDOWN_RENDERER, GObject)

/* Renders CommonMark (parsed by cmark) into a GtkTextBuffer with GtkTextTags, incrementally:
 * while a reply streams, each hv_markdown_renderer_render() gets the whole text so far. The
 * top-level blocks that cannot change any more (those followed by a block that starts on a
 * complete line) stay as rendered; only the source of the last ones is parsed again, and
 * its rendering is compared with the previous one so that only what differs is deleted and
 * inserted (a growing paragraph or code block is an append).
 *
 * The tags, by name: "hv-h1" … "hv-h6", "hv-em", "hv-strong", "hv-code" (inline code),
 * "hv-code-block" (fenced and indented code, with a header line: the language, tagged
 * "hv-code-language"), "hv-code-header", "hv-quote", "hv-link" (the look of links; each link also
 * has a tag "hv-link:URL"), "hv-list-marker", "hv-hr", "hv-spacer", "hv-paragraph-break" (a line end that
 * stands for a space, hv_markdown_renderer_break_paragraph()), and "hv-para-L-I"
 * (paragraph left margin L and indent I, for lists, quotes and code).
 *
 * Known limit: a link reference definition applies only to the links of its own top-level
 * block and those after it. */

HvMarkdownRenderer *hv_markdown_renderer_new              (GtkTextBuffer      *buffer);
GtkTextBuffer      *hv_markdown_renderer_get_buffer       (HvMarkdownRenderer *self);
void                hv_markdown_renderer_render           (HvMarkdownRenderer *self,
                                                           const char         *text,
                                                           gssize              length);
void                hv_markdown_renderer_reset            (HvMarkdownRenderer *self);
gsize               hv_markdown_renderer_get_stable_length (HvMarkdownRenderer *self);
guint               hv_markdown_renderer_get_n_stable_blocks (HvMarkdownRenderer *self);
void                hv_markdown_renderer_break_paragraph  (HvMarkdownRenderer *self,
                                                           const char         *text,
                                                           gsize               at);
gboolean            hv_markdown_renderer_get_continues    (HvMarkdownRenderer *self);
char               *hv_markdown_renderer_dup_text         (HvMarkdownRenderer *self);
gboolean            hv_markdown_renderer_get_open_paragraph (HvMarkdownRenderer *self,
                                                             gsize              *start);
void                hv_markdown_renderer_set_dark         (HvMarkdownRenderer *self,
                                                           gboolean            dark);
const char         *hv_markdown_renderer_get_link_at      (HvMarkdownRenderer *self,
                                                           const GtkTextIter  *iter);
gboolean            hv_markdown_renderer_find_code_block  (HvMarkdownRenderer *self,
                                                           const GtkTextIter  *iter,
                                                           GtkTextIter        *start,
                                                           GtkTextIter        *end);
char               *hv_markdown_renderer_dup_code_block   (HvMarkdownRenderer *self,
                                                           const GtkTextIter  *iter);

G_END_DECLS
