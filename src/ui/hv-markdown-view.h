// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "hv-markdown-renderer.h"

G_BEGIN_DECLS

#define HV_TYPE_MARKDOWN_VIEW (hv_markdown_view_get_type ())

G_DECLARE_FINAL_TYPE (HvMarkdownView, hv_markdown_view, HV, MARKDOWN_VIEW, GtkTextView)

/* A read-only text view showing Markdown (HvMarkdownRenderer): links open with a click, a
 * Copy button shows over the code block under the pointer (and the context menu has Copy
 * Code Block), colours follow the light or dark style. hv_markdown_view_set_markdown()
 * renders at once; callers that follow a stream call it at most once per frame, with as
 * much of the text as a frame can take. */

GtkWidget          *hv_markdown_view_new              (void);
void                hv_markdown_view_set_markdown     (HvMarkdownView    *self,
                                                       const char        *text,
                                                       gssize             length);
HvMarkdownRenderer *hv_markdown_view_get_renderer     (HvMarkdownView    *self);
gboolean            hv_markdown_view_copy_code_block  (HvMarkdownView    *self,
                                                       const GtkTextIter *iter);
gboolean            hv_markdown_view_show_copy_button (HvMarkdownView    *self,
                                                       const GtkTextIter *iter);
GtkWidget          *hv_markdown_view_get_copy_button  (HvMarkdownView    *self);

G_END_DECLS
