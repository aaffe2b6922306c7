// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-pull-dialog.h"

/* One layer of the model being downloaded, and its row. */
typedef struct {
  char           *digest;
  guint64         total;
  guint64         completed;
  gboolean        dirty;
  AdwActionRow   *row;
  GtkProgressBar *bar;
} Layer;

struct _HvPullDialog
{
  AdwWindow       parent_instance;

  HvChatProvider *provider;
  GCancellable   *cancellable;   /* of the download running, or NULL */
  char           *pulling;       /* its model */
  GPtrArray      *layers;        /* Layer, in the order they were announced */
  char           *status;        /* as the provider last said it */
  gboolean        status_has_digest;
  char           *error;
  guint           tick_id;

  /* Template widgets */
  AdwEntryRow    *name_row;
  GtkWidget      *progress_box;
  GtkLabel       *status_label;
  GtkLabel       *bytes_label;
  GtkProgressBar *progress_bar;
  GtkListBox     *layers_list;
  GtkLabel       *error_label;
};

G_DEFINE_FINAL_TYPE (HvPullDialog, hv_pull_dialog, ADW_TYPE_WINDOW)

enum {
  PULLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
layer_free (gpointer data)
{
  Layer *layer = data;

  g_free (layer->digest);
  g_free (layer);
}

static char *
short_digest (const char *digest)
{
  const char *hex = g_str_has_prefix (digest, "sha256:") ? digest + strlen ("sha256:") : digest;

  return g_strdup_printf ("sha256:%.12s", hex);
}

/* "1.2 GB of 2.0 GB" */
static char *
format_bytes (guint64 completed,
              guint64 total)
{
  g_autofree char *done = g_format_size (completed);
  g_autofree char *all = g_format_size (total);

  /* Translators: how much of a download arrived, "1.2 GB of 2.0 GB". */
  return g_strdup_printf (_("%s of %s"), done, all);
}

static void
hv_pull_dialog_update_actions (HvPullDialog *self)
{
  gboolean pulling = self->cancellable != NULL;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pull.start", !pulling && name[0] != '\0');
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), !pulling);
}

/* Shows the progress that arrived since the last frame. */
static void
hv_pull_dialog_flush (HvPullDialog *self)
{
  guint64 total = 0, completed = 0;

  if (self->status != NULL)
    {
      g_autofree char *text = NULL;

      if (self->status_has_digest)
        text = g_strdup (_("Downloading"));
      else
        {
          /* "pulling manifest" → "Pulling manifest" */
          gunichar first = g_unichar_totitle (g_utf8_get_char (self->status));
          char buffer[8] = { 0 };

          g_unichar_to_utf8 (first, buffer);
          text = g_strconcat (buffer, g_utf8_next_char (self->status), NULL);
        }
      gtk_label_set_label (self->status_label, text);
    }

  for (guint i = 0; i < self->layers->len; i++)
    {
      Layer *layer = g_ptr_array_index (self->layers, i);

      total += layer->total;
      completed += MIN (layer->completed, layer->total);
      if (!layer->dirty)
        continue;
      layer->dirty = FALSE;

      if (layer->row == NULL)
        {
          g_autofree char *title = short_digest (layer->digest);

          layer->row = ADW_ACTION_ROW (adw_action_row_new ());
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (layer->row), title);
          layer->bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
          gtk_widget_set_valign (GTK_WIDGET (layer->bar), GTK_ALIGN_CENTER);
          gtk_widget_set_size_request (GTK_WIDGET (layer->bar), 96, -1);
          adw_action_row_add_suffix (layer->row, GTK_WIDGET (layer->bar));
          gtk_list_box_append (self->layers_list, GTK_WIDGET (layer->row));
          gtk_widget_set_visible (GTK_WIDGET (self->layers_list), TRUE);
        }
      if (layer->total > 0)
        {
          g_autofree char *bytes = format_bytes (MIN (layer->completed, layer->total), layer->total);

          adw_action_row_set_subtitle (layer->row, bytes);
          gtk_progress_bar_set_fraction (layer->bar, (double) MIN (layer->completed, layer->total) / layer->total);
        }
    }

  if (total > 0)
    {
      g_autofree char *bytes = format_bytes (completed, total);

      gtk_label_set_label (self->bytes_label, bytes);
      gtk_progress_bar_set_fraction (self->progress_bar, (double) completed / total);
    }
  else if (self->cancellable != NULL)
    gtk_progress_bar_pulse (self->progress_bar);
}

static gboolean
hv_pull_dialog_tick (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  HvPullDialog *self = HV_PULL_DIALOG (widget);

  self->tick_id = 0;
  hv_pull_dialog_flush (self);
  return G_SOURCE_REMOVE;
}

static void
hv_pull_dialog_progress (const HvPullProgress *progress,
                         gpointer              user_data)
{
  HvPullDialog *self = user_data;

  if (self->cancellable == NULL)
    return;

  if (progress->status != NULL)
    {
      g_free (self->status);
      self->status = g_strdup (progress->status);
      self->status_has_digest = progress->digest != NULL;
    }

  if (progress->digest != NULL)
    {
      Layer *layer = NULL;

      for (guint i = 0; i < self->layers->len && layer == NULL; i++)
        if (g_str_equal (((Layer *) g_ptr_array_index (self->layers, i))->digest, progress->digest))
          layer = g_ptr_array_index (self->layers, i);
      if (layer == NULL)
        {
          layer = g_new0 (Layer, 1);
          layer->digest = g_strdup (progress->digest);
          g_ptr_array_add (self->layers, layer);
        }
      if (progress->total > 0)
        layer->total = progress->total;
      layer->completed = progress->completed;
      layer->dirty = TRUE;
    }

  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), hv_pull_dialog_tick, NULL, NULL);
}

static void
hv_pull_dialog_show_error (HvPullDialog *self,
                           const char   *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
hv_pull_dialog_pull_done (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(HvPullDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (!hv_chat_provider_pull_finish (HV_CHAT_PROVIDER (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  name = g_steal_pointer (&self->pulling);
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  hv_pull_dialog_flush (self);
  hv_pull_dialog_update_actions (self);

  if (error != NULL)
    {
      /* Translators: the first %s is a model name, the second says why. */
      g_autofree char *message = g_strdup_printf (_("Could not pull “%s”: %s"), name, error->message);

      hv_pull_dialog_show_error (self, message);
      gtk_label_set_label (self->status_label, _("Failed"));
      return;
    }

  g_signal_emit (self, signals[PULLED], 0, name);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
hv_pull_dialog_start_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  HvPullDialog *self = HV_PULL_DIALOG (widget);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  GtkWidget *child;

  if (self->cancellable != NULL || name[0] == '\0')
    return;

  /* Start over. */
  g_ptr_array_set_size (self->layers, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->layers_list))) != NULL)
    gtk_list_box_remove (self->layers_list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->layers_list), FALSE);
  g_clear_pointer (&self->status, g_free);
  hv_pull_dialog_show_error (self, NULL);
  gtk_label_set_label (self->status_label, _("Starting…"));
  gtk_label_set_label (self->bytes_label, "");
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_widget_set_visible (self->progress_box, TRUE);

  self->pulling = g_strdup (name);
  self->cancellable = g_cancellable_new ();
  hv_pull_dialog_update_actions (self);
  hv_chat_provider_pull_async (self->provider, name,
                               hv_pull_dialog_progress, g_object_ref (self), g_object_unref,
                               self->cancellable, hv_pull_dialog_pull_done, g_object_ref (self));
}

static void
hv_pull_dialog_cancel_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
hv_pull_dialog_entry_activated (HvPullDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "pull.start", NULL);
}

static void
hv_pull_dialog_name_changed (HvPullDialog *self)
{
  hv_pull_dialog_update_actions (self);
}

/* Closing stops the download. */
static gboolean
hv_pull_dialog_close_request (GtkWindow *window)
{
  HvPullDialog *self = HV_PULL_DIALOG (window);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  return GTK_WINDOW_CLASS (hv_pull_dialog_parent_class)->close_request (window);
}

static void
hv_pull_dialog_dispose (GObject *object)
{
  HvPullDialog *self = HV_PULL_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_PULL_DIALOG);
  g_clear_object (&self->provider);

  G_OBJECT_CLASS (hv_pull_dialog_parent_class)->dispose (object);
}

static void
hv_pull_dialog_finalize (GObject *object)
{
  HvPullDialog *self = HV_PULL_DIALOG (object);

  g_ptr_array_unref (self->layers);
  g_free (self->pulling);
  g_free (self->status);
  g_free (self->error);

  G_OBJECT_CLASS (hv_pull_dialog_parent_class)->finalize (object);
}

static void
hv_pull_dialog_class_init (HvPullDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hv_pull_dialog_dispose;
  object_class->finalize = hv_pull_dialog_finalize;
  window_class->close_request = hv_pull_dialog_close_request;

  /**
   * HvPullDialog::pulled:
   * @name: the model, now installed
   */
  signals[PULLED] =
    g_signal_new ("pulled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-pull-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HvPullDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, HvPullDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, HvPullDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, HvPullDialog, bytes_label);
  gtk_widget_class_bind_template_child (widget_class, HvPullDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HvPullDialog, layers_list);
  gtk_widget_class_bind_template_child (widget_class, HvPullDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, hv_pull_dialog_entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, hv_pull_dialog_name_changed);

  gtk_widget_class_install_action (widget_class, "pull.start", NULL, hv_pull_dialog_start_action);
  gtk_widget_class_install_action (widget_class, "pull.cancel", NULL, hv_pull_dialog_cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "pull.cancel", NULL);
}

static void
hv_pull_dialog_init (HvPullDialog *self)
{
  self->layers = g_ptr_array_new_with_free_func (layer_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  hv_pull_dialog_update_actions (self);
}

/**
 * hv_pull_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @provider: who downloads the model
 */
HvPullDialog *
hv_pull_dialog_new (GtkWindow      *parent,
                    HvChatProvider *provider)
{
  HvPullDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HV_IS_CHAT_PROVIDER (provider), NULL);

  self = g_object_new (HV_TYPE_PULL_DIALOG, "transient-for", parent, NULL);
  self->provider = g_object_ref (provider);
  return self;
}

void
hv_pull_dialog_set_model_name (HvPullDialog *self,
                               const char   *name)
{
  g_return_if_fail (HV_IS_PULL_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
}

/**
 * hv_pull_dialog_get_status:
 *
 * Returns: (nullable): the last status the provider reported: "pulling manifest", …
 */
const char *
hv_pull_dialog_get_status (HvPullDialog *self)
{
  g_return_val_if_fail (HV_IS_PULL_DIALOG (self), NULL);
  return self->status;
}

/**
 * hv_pull_dialog_get_error:
 *
 * Returns: (nullable): why the last download failed
 */
const char *
hv_pull_dialog_get_error (HvPullDialog *self)
{
  g_return_val_if_fail (HV_IS_PULL_DIALOG (self), NULL);
  return self->error;
}

double
hv_pull_dialog_get_fraction (HvPullDialog *self)
{
  g_return_val_if_fail (HV_IS_PULL_DIALOG (self), 0.0);
  return gtk_progress_bar_get_fraction (self->progress_bar);
}

guint
hv_pull_dialog_get_n_layers (HvPullDialog *self)
{
  g_return_val_if_fail (HV_IS_PULL_DIALOG (self), 0);
  return self->layers->len;
}
