// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-model-details-window.h"
#include "hv-ui-format.h"

struct _HvModelDetailsWindow
{
  AdwWindow       parent_instance;

  HvChatProvider *provider;
  HvModelInfo    *listed;
  HvModelInfo    *info;
  GHashTable     *fields;        /* title → value, as shown */
  GCancellable   *cancellable;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkStack       *stack;
  AdwStatusPage  *error_page;
  AdwPreferencesGroup *model_group;
  GtkWidget      *parameters_row;
  GtkLabel       *parameters_label;
  GtkWidget      *template_row;
  GtkLabel       *template_label;
  GtkWidget      *license_row;
  GtkLabel       *license_label;
};

G_DEFINE_FINAL_TYPE (HvModelDetailsWindow, hv_model_details_window, ADW_TYPE_WINDOW)

static void
hv_model_details_window_add_field (HvModelDetailsWindow *self,
                                   const char           *title,
                                   const char           *value)
{
  GtkWidget *row;
  GtkWidget *label;

  if (value == NULL || value[0] == '\0')
    return;

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  label = gtk_label_new (value);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  /* As wide as its value when there is room; wrapped when there is not. */
  gtk_label_set_natural_wrap_mode (GTK_LABEL (label), GTK_NATURAL_WRAP_NONE);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (self->model_group, row);

  g_hash_table_insert (self->fields, g_strdup (title), g_strdup (value));
}

static void
hv_model_details_window_set_text (GtkWidget  *row,
                                  GtkLabel   *label,
                                  const char *text)
{
  gtk_widget_set_visible (row, text != NULL && text[0] != '\0');
  gtk_label_set_label (label, text != NULL ? text : "");
}

static void
hv_model_details_window_show_info (HvModelDetailsWindow *self)
{
  HvModelInfo *info = self->info;
  HvModelInfo *listed = self->listed;
  const char * const *capabilities = hv_model_info_get_capabilities (info);
  guint64 size = hv_model_info_get_size (info) > 0 ? hv_model_info_get_size (info)
                 : listed != NULL ? hv_model_info_get_size (listed) : 0;
  GDateTime *modified = hv_model_info_get_modified (info) != NULL ? hv_model_info_get_modified (info)
                        : listed != NULL ? hv_model_info_get_modified (listed) : NULL;
  const char *digest = hv_model_info_get_digest (info) != NULL ? hv_model_info_get_digest (info)
                       : listed != NULL ? hv_model_info_get_digest (listed) : NULL;
  const char *family = hv_model_info_get_family (info) != NULL ? hv_model_info_get_family (info)
                       : listed != NULL ? hv_model_info_get_family (listed) : NULL;

  hv_model_details_window_add_field (self, _("Name"), hv_model_info_get_name (info));
  hv_model_details_window_add_field (self, _("Family"), family);
  hv_model_details_window_add_field (self, _("Format"), hv_model_info_get_format (info));
  hv_model_details_window_add_field (self, _("Parameters"), hv_model_info_get_parameter_size (info));
  hv_model_details_window_add_field (self, _("Quantization"), hv_model_info_get_quantization (info));
  if (hv_model_info_get_context_length (info) > 0)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, hv_model_info_get_context_length (info));
      /* Translators: the length of a model's context, "131072 tokens". */
      g_autofree char *context = g_strdup_printf (_("%s tokens"), number);

      hv_model_details_window_add_field (self, _("Context Length"), context);
    }
  if (capabilities != NULL && capabilities[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) capabilities);

      hv_model_details_window_add_field (self, _("Capabilities"), joined);
    }
  if (size > 0)
    {
      g_autofree char *text = g_format_size (size);

      hv_model_details_window_add_field (self, _("Size"), text);
    }
  if (modified != NULL)
    {
      g_autofree char *text = hv_format_relative_time (modified, NULL);

      hv_model_details_window_add_field (self, _("Modified"), text);
    }
  if (digest != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%.12s", g_str_has_prefix (digest, "sha256:") ? digest + 7 : digest);

      hv_model_details_window_add_field (self, _("Digest"), text);
    }

  hv_model_details_window_set_text (self->parameters_row, self->parameters_label, hv_model_info_get_parameters (info));
  hv_model_details_window_set_text (self->template_row, self->template_label, hv_model_info_get_template (info));
  hv_model_details_window_set_text (self->license_row, self->license_label, hv_model_info_get_license (info));
  /* Long licenses: the row shows their first line as its subtitle. */
  if (hv_model_info_get_license (info) != NULL)
    {
      const char *license = hv_model_info_get_license (info);
      g_autofree char *first = g_strndup (license, strcspn (license, "\n"));
      g_autofree char *escaped = g_markup_escape_text (first, -1);

      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self->license_row), escaped);
    }

  gtk_stack_set_visible_child_name (self->stack, "details");
}

static void
hv_model_details_window_show_done (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(HvModelDetailsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->info = hv_chat_provider_show_model_finish (HV_CHAT_PROVIDER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (self->info == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  hv_model_details_window_show_info (self);
}

static void
hv_model_details_window_dispose (GObject *object)
{
  HvModelDetailsWindow *self = HV_MODEL_DETAILS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_MODEL_DETAILS_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->provider);
  g_clear_object (&self->listed);
  g_clear_object (&self->info);

  G_OBJECT_CLASS (hv_model_details_window_parent_class)->dispose (object);
}

static void
hv_model_details_window_finalize (GObject *object)
{
  HvModelDetailsWindow *self = HV_MODEL_DETAILS_WINDOW (object);

  g_hash_table_unref (self->fields);

  G_OBJECT_CLASS (hv_model_details_window_parent_class)->finalize (object);
}

static void
hv_model_details_window_class_init (HvModelDetailsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_model_details_window_dispose;
  object_class->finalize = hv_model_details_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-model-details-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HvModelDetailsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, HvModelDetailsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HvModelDetailsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, HvModelDetailsWindow, model_group);
  gtk_widget_class_bind_template_child (widget_class, HvModelDetailsWindow, parameters_row);
  gtk_widget_class_bind_template_child (widget_class, HvModelDetailsWindow, parameters_label);
  gtk_widget_class_bind_template_child (widget_class, HvModelDetailsWindow, template_row);
  gtk_widget_class_bind_template_child (widget_class, HvModelDetailsWindow, template_label);
  gtk_widget_class_bind_template_child (widget_class, HvModelDetailsWindow, license_row);
  gtk_widget_class_bind_template_child (widget_class, HvModelDetailsWindow, license_label);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hv_model_details_window_init (HvModelDetailsWindow *self)
{
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * hv_model_details_window_new:
 * @parent: (nullable): the window it belongs to
 * @provider: who has the model
 * @listed: the model as the provider lists it (its name; its size and date, which the
 *   details do not repeat)
 *
 * Asks @provider for the details of the model at once.
 */
HvModelDetailsWindow *
hv_model_details_window_new (GtkWindow      *parent,
                             HvChatProvider *provider,
                             HvModelInfo    *listed)
{
  HvModelDetailsWindow *self;
  const char *name;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (provider), NULL);
  g_return_val_if_fail (HV_IS_MODEL_INFO (listed), NULL);

  name = hv_model_info_get_name (listed);
  self = g_object_new (HV_TYPE_MODEL_DETAILS_WINDOW, "transient-for", parent, "title", name, NULL);
  self->provider = g_object_ref (provider);
  self->listed = g_object_ref (listed);
  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, hv_chat_provider_get_display_name (provider));

  hv_chat_provider_show_model_async (provider, name, self->cancellable,
                                     hv_model_details_window_show_done, g_object_ref (self));
  return self;
}

/**
 * hv_model_details_window_get_info:
 *
 * Returns: (transfer none) (nullable): the details, once they arrived
 */
HvModelInfo *
hv_model_details_window_get_info (HvModelDetailsWindow *self)
{
  g_return_val_if_fail (HV_IS_MODEL_DETAILS_WINDOW (self), NULL);
  return self->info;
}

/**
 * hv_model_details_window_get_state:
 *
 * Returns: "loading", "error" or "details"
 */
const char *
hv_model_details_window_get_state (HvModelDetailsWindow *self)
{
  g_return_val_if_fail (HV_IS_MODEL_DETAILS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * hv_model_details_window_dup_field:
 * @title: the title of a row: "Context Length"
 *
 * Returns: (transfer full) (nullable): what the row says
 */
char *
hv_model_details_window_dup_field (HvModelDetailsWindow *self,
                                   const char           *title)
{
  g_return_val_if_fail (HV_IS_MODEL_DETAILS_WINDOW (self), NULL);
  return g_strdup (g_hash_table_lookup (self->fields, title));
}
