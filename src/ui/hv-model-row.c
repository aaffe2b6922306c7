// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-model-row.h"
#include "hv-ui-format.h"

struct _HvModelRow
{
  GtkListBoxRow  parent_instance;

  HvModelInfo   *info;
  HvModelInfo   *running;

  /* Template widgets */
  GtkLabel      *name_label;
  GtkWidget     *running_badge;
  GtkLabel      *details_label;
  GtkLabel      *size_label;
  GtkMenuButton *menu_button;
};

G_DEFINE_FINAL_TYPE (HvModelRow, hv_model_row, GTK_TYPE_LIST_BOX_ROW)

static void
append_part (GString    *line,
             const char *part)
{
  if (part == NULL || part[0] == '\0')
    return;
  if (line->len > 0)
    g_string_append (line, " · ");
  g_string_append (line, part);
}

static void
hv_model_row_update (HvModelRow *self)
{
  HvModelInfo *info = self->info;
  g_autoptr(GString) first = g_string_new (NULL);
  g_autoptr(GString) second = g_string_new (NULL);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  GMenuItem *item;
  const char *name = hv_model_info_get_name (info);

  gtk_label_set_label (self->name_label, name);

  append_part (first, hv_model_info_get_family (info));
  append_part (first, hv_model_info_get_parameter_size (info));
  append_part (first, hv_model_info_get_quantization (info));

  if (hv_model_info_get_size (info) > 0)
    {
      g_autofree char *size = g_format_size (hv_model_info_get_size (info));

      append_part (second, size);
    }
  if (hv_model_info_get_modified (info) != NULL)
    {
      g_autofree char *when = hv_format_relative_time (hv_model_info_get_modified (info), NULL);

      append_part (second, when);
    }

  gtk_label_set_label (self->details_label, first->str);
  gtk_widget_set_visible (GTK_WIDGET (self->details_label), first->len > 0);
  gtk_label_set_label (self->size_label, second->str);
  gtk_widget_set_visible (GTK_WIDGET (self->size_label), second->len > 0);

  gtk_widget_set_visible (self->running_badge, self->running != NULL);
  if (self->running != NULL)
    {
      g_autoptr(GString) tooltip = g_string_new (_("Loaded in memory"));

      if (hv_model_info_get_size_vram (self->running) > 0)
        {
          g_autofree char *vram = g_format_size (hv_model_info_get_size_vram (self->running));

          /* Translators: %s is an amount of memory, "2.0 GB". */
          g_string_append_printf (tooltip, _(", %s of it on the GPU"), vram);
        }
      if (hv_model_info_get_expires (self->running) != NULL)
        {
          g_autofree char *until = hv_format_relative_time (hv_model_info_get_expires (self->running), NULL);

          /* Translators: %s is a time, "14:38" or "Monday 14:38". */
          g_string_append_printf (tooltip, _(", until %s"), until);
        }
      gtk_widget_set_tooltip_text (self->running_badge, tooltip->str);
    }

  gtk_actionable_set_action_name (GTK_ACTIONABLE (self), "models.chat");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self), "s", name);

  item = g_menu_item_new (_("New _Chat"), NULL);
  g_menu_item_set_action_and_target (item, "models.chat", "s", name);
  g_menu_append_item (section, item);
  g_object_unref (item);
  item = g_menu_item_new (_("_Details"), NULL);
  g_menu_item_set_action_and_target (item, "models.details", "s", name);
  g_menu_append_item (section, item);
  g_object_unref (item);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_clear_object (&section);
  section = g_menu_new ();
  item = g_menu_item_new (_("_Delete…"), NULL);
  g_menu_item_set_action_and_target (item, "models.delete", "s", name);
  g_menu_append_item (section, item);
  g_object_unref (item);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
}

static void
hv_model_row_dispose (GObject *object)
{
  HvModelRow *self = HV_MODEL_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_MODEL_ROW);
  g_clear_object (&self->info);
  g_clear_object (&self->running);

  G_OBJECT_CLASS (hv_model_row_parent_class)->dispose (object);
}

static void
hv_model_row_class_init (HvModelRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_model_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-model-row.ui");
  gtk_widget_class_bind_template_child (widget_class, HvModelRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, HvModelRow, running_badge);
  gtk_widget_class_bind_template_child (widget_class, HvModelRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, HvModelRow, size_label);
  gtk_widget_class_bind_template_child (widget_class, HvModelRow, menu_button);
}

static void
hv_model_row_init (HvModelRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * hv_model_row_new:
 * @info: the model, as the provider lists it
 * @running: (nullable): the same model as the provider lists those loaded, if it is
 */
GtkWidget *
hv_model_row_new (HvModelInfo *info,
                  HvModelInfo *running)
{
  HvModelRow *self;

  g_return_val_if_fail (HV_IS_MODEL_INFO (info), NULL);
  g_return_val_if_fail (running == NULL || HV_IS_MODEL_INFO (running), NULL);

  self = g_object_new (HV_TYPE_MODEL_ROW, NULL);
  self->info = g_object_ref (info);
  self->running = running != NULL ? g_object_ref (running) : NULL;
  hv_model_row_update (self);
  return GTK_WIDGET (self);
}

/**
 * hv_model_row_get_info:
 *
 * Returns: (transfer none): the model
 */
HvModelInfo *
hv_model_row_get_info (HvModelRow *self)
{
  g_return_val_if_fail (HV_IS_MODEL_ROW (self), NULL);
  return self->info;
}

/**
 * hv_model_row_get_details:
 *
 * Returns: (transfer full): what the row says under the name: "llama · 3.2B · Q4_K_M\n2.0 GB · 25 Sep 2024"
 */
char *
hv_model_row_get_details (HvModelRow *self)
{
  g_return_val_if_fail (HV_IS_MODEL_ROW (self), NULL);
  return g_strconcat (gtk_label_get_label (self->details_label), "\n", gtk_label_get_label (self->size_label), NULL);
}

gboolean
hv_model_row_get_running (HvModelRow *self)
{
  g_return_val_if_fail (HV_IS_MODEL_ROW (self), FALSE);
  return self->running != NULL;
}
