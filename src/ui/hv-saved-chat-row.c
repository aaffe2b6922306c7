// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-saved-chat-row.h"
#include "hv-ui-format.h"

struct _HvSavedChatRow
{
  AdwActionRow   parent_instance;

  HvChatSummary *summary;

  /* Template widgets */
  GtkMenuButton *menu_button;
};

G_DEFINE_FINAL_TYPE (HvSavedChatRow, hv_saved_chat_row, ADW_TYPE_ACTION_ROW)

static void
hv_saved_chat_row_update (HvSavedChatRow *self)
{
  HvChatSummary *summary = self->summary;
  const char *id = hv_chat_summary_get_id (summary);
  const char *title = hv_chat_summary_get_title (summary);
  const char *model = hv_chat_summary_get_model (summary);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  g_autofree char *escaped_title = NULL;
  g_autofree char *escaped_subtitle = NULL;
  GMenuItem *item;

  escaped_title = g_markup_escape_text (title != NULL && title[0] != '\0' ? title : _("Untitled Chat"), -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), escaped_title);

  if (model != NULL)
    g_string_append (subtitle, model);
  if (hv_chat_summary_get_modified (summary) != NULL)
    {
      g_autofree char *when = hv_format_relative_time (hv_chat_summary_get_modified (summary), NULL);

      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      g_string_append (subtitle, when);
    }
  escaped_subtitle = g_markup_escape_text (subtitle->str, -1);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), escaped_subtitle);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (self), "chats.open");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self), "s", id);

  item = g_menu_item_new (_("_Open"), NULL);
  g_menu_item_set_action_and_target (item, "chats.open", "s", id);
  g_menu_append_item (section, item);
  g_object_unref (item);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_clear_object (&section);
  section = g_menu_new ();
  item = g_menu_item_new (_("_Delete…"), NULL);
  g_menu_item_set_action_and_target (item, "chats.delete", "s", id);
  g_menu_append_item (section, item);
  g_object_unref (item);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
}

static void
hv_saved_chat_row_dispose (GObject *object)
{
  HvSavedChatRow *self = HV_SAVED_CHAT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_SAVED_CHAT_ROW);
  g_clear_object (&self->summary);

  G_OBJECT_CLASS (hv_saved_chat_row_parent_class)->dispose (object);
}

static void
hv_saved_chat_row_class_init (HvSavedChatRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_saved_chat_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-saved-chat-row.ui");
  gtk_widget_class_bind_template_child (widget_class, HvSavedChatRow, menu_button);
}

static void
hv_saved_chat_row_init (HvSavedChatRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
hv_saved_chat_row_new (HvChatSummary *summary)
{
  HvSavedChatRow *self;

  g_return_val_if_fail (HV_IS_CHAT_SUMMARY (summary), NULL);

  self = g_object_new (HV_TYPE_SAVED_CHAT_ROW, NULL);
  self->summary = g_object_ref (summary);
  hv_saved_chat_row_update (self);
  return GTK_WIDGET (self);
}

/**
 * hv_saved_chat_row_get_summary:
 *
 * Returns: (transfer none): the chat
 */
HvChatSummary *
hv_saved_chat_row_get_summary (HvSavedChatRow *self)
{
  g_return_val_if_fail (HV_IS_SAVED_CHAT_ROW (self), NULL);
  return self->summary;
}
