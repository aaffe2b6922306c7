// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hv-markdown-view.h"

/* How long the Copy button shows that it copied. */
#define COPIED_SECONDS 2
/* Room between the Copy button and the corner of its code block. */
#define COPY_BUTTON_MARGIN 6

struct _HvMarkdownView
{
  GtkTextView         parent_instance;

  HvMarkdownRenderer *renderer;
  gboolean            over_link;

  /* One Copy button for all code blocks, over the one under the pointer: a widget per
   * block would make long replies slow to lay out. */
  GtkWidget          *copy_button;
  GtkTextMark        *copy_block;      /* where the block under the button is */
  gboolean            pointer_inside;
  double              pointer_x;
  double              pointer_y;
  GtkTextMark        *menu_block;      /* where the context menu was asked for */
  guint               copied_id;
};

G_DEFINE_FINAL_TYPE (HvMarkdownView, hv_markdown_view, GTK_TYPE_TEXT_VIEW)

static gboolean
hv_markdown_view_iter_at (HvMarkdownView *self,
                          double          x,
                          double          y,
                          GtkTextIter    *iter)
{
  int bx, by;

  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET,
                                         (int) x, (int) y, &bx, &by);
  return gtk_text_view_get_iter_at_location (GTK_TEXT_VIEW (self), iter, bx, by);
}

static const char *
hv_markdown_view_link_at (HvMarkdownView *self,
                          double          x,
                          double          y)
{
  GtkTextIter iter;

  if (!hv_markdown_view_iter_at (self, x, y, &iter))
    return NULL;
  return hv_markdown_renderer_get_link_at (self->renderer, &iter);
}

/* ---------------------------------------------------------------------------------------
 * Links
 * ------------------------------------------------------------------------------------- */

static void
hv_markdown_view_released (GtkGestureClick *gesture,
                           int              n_press,
                           double           x,
                           double           y,
                           HvMarkdownView  *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  const char *url;

  /* A drag that selected text is not a click. */
  if (n_press != 1 || gtk_text_buffer_get_has_selection (buffer))
    return;

  url = hv_markdown_view_link_at (self, x, y);
  if (url == NULL)
    return;

  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), url, GDK_CURRENT_TIME);
}

/* ---------------------------------------------------------------------------------------
 * Copying code
 * ------------------------------------------------------------------------------------- */

static gboolean
hv_markdown_view_restore_copy_icon (gpointer data)
{
  HvMarkdownView *self = data;

  self->copied_id = 0;
  gtk_button_set_icon_name (GTK_BUTTON (self->copy_button), "edit-copy-symbolic");
  return G_SOURCE_REMOVE;
}

static void
hv_markdown_view_copy_clicked (HvMarkdownView *self)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &iter, self->copy_block);
  if (!hv_markdown_view_copy_code_block (self, &iter))
    return;

  gtk_button_set_icon_name (GTK_BUTTON (self->copy_button), "emblem-ok-symbolic");
  g_clear_handle_id (&self->copied_id, g_source_remove);
  self->copied_id = g_timeout_add_seconds (COPIED_SECONDS, hv_markdown_view_restore_copy_icon, self);
}

static void
hv_markdown_view_hide_copy_button (HvMarkdownView *self)
{
  if (self->copy_button != NULL)
    gtk_widget_set_visible (self->copy_button, FALSE);
}

/* Made the first time a code block is hovered: a long reply is many views, most without
 * code, and a view is made while the reply streams. */
static GtkWidget *
hv_markdown_view_ensure_copy_button (HvMarkdownView *self)
{
  if (self->copy_button != NULL)
    return self->copy_button;

  self->copy_button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_tooltip_text (self->copy_button, _("Copy Code"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy Code"),
                                  -1);
  gtk_widget_add_css_class (self->copy_button, "hv-code-copy");
  gtk_widget_set_cursor_from_name (self->copy_button, "default");
  gtk_widget_set_visible (self->copy_button, FALSE);
  g_signal_connect_object (self->copy_button, "clicked", G_CALLBACK (hv_markdown_view_copy_clicked), self,
                           G_CONNECT_SWAPPED);
  gtk_text_view_add_overlay (GTK_TEXT_VIEW (self), self->copy_button, 0, 0);
  return self->copy_button;
}

/* Follows the pointer: the Copy button shows over the code block under it. */
static void
hv_markdown_view_update_hover (HvMarkdownView *self)
{
  GtkTextIter iter;
  gboolean over_link = FALSE;
  gboolean in_code = FALSE;

  if (self->pointer_inside && hv_markdown_view_iter_at (self, self->pointer_x, self->pointer_y, &iter))
    {
      over_link = hv_markdown_renderer_get_link_at (self->renderer, &iter) != NULL;
      in_code = hv_markdown_view_show_copy_button (self, &iter);
    }
  if (!in_code)
    hv_markdown_view_hide_copy_button (self);

  if (over_link != self->over_link)
    {
      self->over_link = over_link;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), over_link ? "pointer" : "text");
    }
}

static void
hv_markdown_view_motion (GtkEventControllerMotion *controller,
                         double                    x,
                         double                    y,
                         HvMarkdownView           *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  hv_markdown_view_update_hover (self);
}

static void
hv_markdown_view_leave (GtkEventControllerMotion *controller,
                        HvMarkdownView           *self)
{
  self->pointer_inside = FALSE;
  hv_markdown_view_update_hover (self);
}

/* The text under the pointer may have moved, or become a code block. */
static void
hv_markdown_view_buffer_changed (HvMarkdownView *self)
{
  if (self->pointer_inside || (self->copy_button != NULL && gtk_widget_get_visible (self->copy_button)))
    hv_markdown_view_update_hover (self);
}

/* The context menu offers to copy the code block it was opened on. */
static void
hv_markdown_view_menu_pressed (GtkGestureClick *gesture,
                               int              n_press,
                               double           x,
                               double           y,
                               HvMarkdownView  *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter iter;
  gboolean in_code = hv_markdown_view_iter_at (self, x, y, &iter) &&
                     hv_markdown_renderer_find_code_block (self->renderer, &iter, NULL, NULL);

  if (in_code)
    gtk_text_buffer_move_mark (buffer, self->menu_block, &iter);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "markdown.copy-code", in_code);
}

static void
hv_markdown_view_copy_code_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  HvMarkdownView *self = HV_MARKDOWN_VIEW (widget);
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &iter, self->menu_block);
  hv_markdown_view_copy_code_block (self, &iter);
}

/* ---------------------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------------------- */

static void
hv_markdown_view_dark_changed (HvMarkdownView  *self,
                               GParamSpec      *pspec,
                               AdwStyleManager *manager)
{
  hv_markdown_renderer_set_dark (self->renderer, adw_style_manager_get_dark (manager));
}

static void
hv_markdown_view_dispose (GObject *object)
{
  HvMarkdownView *self = HV_MARKDOWN_VIEW (object);

  g_clear_handle_id (&self->copied_id, g_source_remove);
  /* The text view disposes of its overlay. */
  self->copy_button = NULL;
  g_clear_object (&self->copy_block);
  g_clear_object (&self->menu_block);
  g_clear_object (&self->renderer);

  G_OBJECT_CLASS (hv_markdown_view_parent_class)->dispose (object);
}

static void
hv_markdown_view_class_init (HvMarkdownViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_markdown_view_dispose;

  gtk_widget_class_install_action (widget_class, "markdown.copy-code", NULL, hv_markdown_view_copy_code_action);
}

static void
hv_markdown_view_init (HvMarkdownView *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkGesture *click;
  GtkGesture *menu_click;
  GtkEventController *motion;
  GtkTextIter start;

  gtk_text_view_set_editable (view, FALSE);
  gtk_text_view_set_cursor_visible (view, FALSE);
  gtk_text_view_set_wrap_mode (view, GTK_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (GTK_WIDGET (self), "hv-markdown");

  self->renderer = hv_markdown_renderer_new (buffer);
  hv_markdown_renderer_set_dark (self->renderer, adw_style_manager_get_dark (manager));
  g_signal_connect_object (manager, "notify::dark",
                           G_CALLBACK (hv_markdown_view_dark_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (buffer, "changed",
                           G_CALLBACK (hv_markdown_view_buffer_changed), self, G_CONNECT_SWAPPED);

  gtk_text_buffer_get_start_iter (buffer, &start);
  self->copy_block = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &start, TRUE));
  self->menu_block = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &start, TRUE));


  g_menu_append (menu, _("Copy Code _Block"), "markdown.copy-code");
  gtk_text_view_set_extra_menu (view, G_MENU_MODEL (menu));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "markdown.copy-code", FALSE);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (hv_markdown_view_released), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  /* Before the text view opens its menu. */
  menu_click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (menu_click), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (menu_click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (menu_click, "pressed", G_CALLBACK (hv_markdown_view_menu_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (menu_click));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "motion", G_CALLBACK (hv_markdown_view_motion), self, 0);
  g_signal_connect_object (motion, "leave", G_CALLBACK (hv_markdown_view_leave), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
hv_markdown_view_new (void)
{
  return g_object_new (HV_TYPE_MARKDOWN_VIEW, NULL);
}

/**
 * hv_markdown_view_set_markdown:
 * @text: (nullable): the whole Markdown text
 * @length: its length in bytes, or -1
 *
 * Renders @text now; incrementally when it extends the text of the last call.
 */
void
hv_markdown_view_set_markdown (HvMarkdownView *self,
                               const char     *text,
                               gssize          length)
{
  g_return_if_fail (HV_IS_MARKDOWN_VIEW (self));

  if (text == NULL)
    hv_markdown_renderer_render (self->renderer, "", 0);
  else
    hv_markdown_renderer_render (self->renderer, text, length);
}

/**
 * hv_markdown_view_get_renderer:
 *
 * Returns: (transfer none): the renderer that fills the view's buffer
 */
HvMarkdownRenderer *
hv_markdown_view_get_renderer (HvMarkdownView *self)
{
  g_return_val_if_fail (HV_IS_MARKDOWN_VIEW (self), NULL);
  return self->renderer;
}

/**
 * hv_markdown_view_copy_code_block:
 * @iter: a position in a code block
 *
 * Puts the code of the block at @iter on the clipboard.
 *
 * Returns: whether @iter is in a code block
 */
gboolean
hv_markdown_view_copy_code_block (HvMarkdownView    *self,
                                  const GtkTextIter *iter)
{
  g_autofree char *code = NULL;

  g_return_val_if_fail (HV_IS_MARKDOWN_VIEW (self), FALSE);
  g_return_val_if_fail (iter != NULL, FALSE);

  code = hv_markdown_renderer_dup_code_block (self->renderer, iter);
  if (code == NULL)
    return FALSE;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), code);
  return TRUE;
}

/**
 * hv_markdown_view_show_copy_button:
 * @iter: a position in a code block
 *
 * Shows the Copy button at the top right of the code block at @iter, as when the pointer is
 * over it.
 *
 * Returns: whether @iter is in a code block
 */
gboolean
hv_markdown_view_show_copy_button (HvMarkdownView    *self,
                                   const GtkTextIter *iter)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextIter start;
  GdkRectangle visible;
  int line_y, line_height;
  int width, height;

  g_return_val_if_fail (HV_IS_MARKDOWN_VIEW (self), FALSE);
  g_return_val_if_fail (iter != NULL, FALSE);

  if (!hv_markdown_renderer_find_code_block (self->renderer, iter, &start, NULL))
    return FALSE;

  gtk_text_buffer_move_mark (gtk_text_view_get_buffer (view), self->copy_block, &start);
  gtk_text_view_get_line_yrange (view, &start, &line_y, &line_height);
  gtk_text_view_get_visible_rect (view, &visible);
  hv_markdown_view_ensure_copy_button (self);
  gtk_widget_measure (self->copy_button, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
  gtk_widget_measure (self->copy_button, GTK_ORIENTATION_VERTICAL, -1, NULL, &height, NULL, NULL);

  gtk_text_view_move_overlay (view, self->copy_button,
                              MAX (0, visible.x + visible.width - width - COPY_BUTTON_MARGIN),
                              line_y + COPY_BUTTON_MARGIN / 2);
  gtk_widget_set_visible (self->copy_button, TRUE);
  return TRUE;
}

/**
 * hv_markdown_view_get_copy_button:
 *
 * Returns: (transfer none): the Copy button of code blocks (made now if it was not yet)
 */
GtkWidget *
hv_markdown_view_get_copy_button (HvMarkdownView *self)
{
  g_return_val_if_fail (HV_IS_MARKDOWN_VIEW (self), NULL);
  return hv_markdown_view_ensure_copy_button (self);
}
