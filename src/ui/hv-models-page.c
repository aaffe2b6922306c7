// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-chat-page.h"
#include "hv-chat-providers.h"
#include "hv-chat-session.h"
#include "hv-model-details-window.h"
#include "hv-model-row.h"
#include "hv-models-page.h"
#include "hv-paths.h"
#include "hv-pull-dialog.h"
#include "hv-saved-chat-row.h"
#include "hv-window.h"

/* The provider whose models the section manages. */
#define PROVIDER_ID "ollama"

/* Changes of the chats folder come in bursts (a message is a write or two): list once. */
#define CHATS_SETTLE_MS 300

struct _HvModelsPage
{
  GtkWidget       parent_instance;

  HvChatProvider *provider;
  GListModel     *installed;        /* HvModelInfo, as last listed */
  GCancellable   *cancellable;      /* of the listing running */
  GCancellable   *chats_cancellable;
  GFileMonitor   *chats_monitor;
  guint           chats_settle_id;
  char           *banner_text;
  gboolean        listed;           /* once shown */
  guint           n_listings;       /* completed, for tests */

  /* Template widgets */
  GtkRevealer    *banner;
  GtkLabel       *banner_label;
  GtkStack       *views;
  GtkStack       *installed_stack;
  GtkSpinner     *spinner;
  GtkListBox     *models_list;
  GtkStack       *chats_stack;
  GtkListBox     *chats_list;
};

G_DEFINE_FINAL_TYPE (HvModelsPage, hv_models_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void hv_models_page_refresh_chats (HvModelsPage *self);

static GtkWindow *
hv_models_page_get_window (HvModelsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
hv_models_page_toast (HvModelsPage *self,
                      const char   *message)
{
  GtkWindow *window = hv_models_page_get_window (self);
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  if (HV_IS_WINDOW (window))
    hv_window_add_toast (HV_WINDOW (window), adw_toast_new (escaped));
  else
    g_message ("%s", message);
}

static void
hv_models_page_show_banner (HvModelsPage *self,
                            const char   *message)
{
  g_free (self->banner_text);
  self->banner_text = g_strdup (message);
  gtk_label_set_label (self->banner_label, message);
  gtk_revealer_set_reveal_child (self->banner, TRUE);
}

static void
hv_models_page_hide_banner (HvModelsPage *self)
{
  g_clear_pointer (&self->banner_text, g_free);
  gtk_revealer_set_reveal_child (self->banner, FALSE);
}

static void
hv_models_page_clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static HvModelInfo *
hv_models_page_find (GListModel *models,
                     const char *name)
{
  guint n = models != NULL ? g_list_model_get_n_items (models) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvModelInfo) info = g_list_model_get_item (models, i);

      if (g_strcmp0 (hv_model_info_get_name (info), name) == 0)
        return g_steal_pointer (&info);
    }
  return NULL;
}

/* ---------------------------------------------------------------------------------------
 * Models
 * ------------------------------------------------------------------------------------- */

/* Both answers of one listing: the models installed, and those loaded. */
typedef struct {
  HvModelsPage *self;
  GCancellable *cancellable;
  GListModel   *installed;
  GListModel   *running;
  GError       *error;
  guint         pending;
} Listing;

static void
listing_free (Listing *listing)
{
  g_clear_object (&listing->self);
  g_clear_object (&listing->cancellable);
  g_clear_object (&listing->installed);
  g_clear_object (&listing->running);
  g_clear_error (&listing->error);
  g_free (listing);
}

static void
hv_models_page_show_models (HvModelsPage *self,
                            Listing      *listing)
{
  guint n;

  g_clear_object (&self->installed);
  hv_models_page_clear_list (self->models_list);
  gtk_spinner_stop (self->spinner);

  if (listing->installed == NULL)
    {
      hv_models_page_show_banner (self, listing->error->message);
      gtk_stack_set_visible_child_name (self->installed_stack, "unreachable");
      return;
    }

  hv_models_page_hide_banner (self);
  self->installed = g_object_ref (listing->installed);

  n = g_list_model_get_n_items (listing->installed);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvModelInfo) info = g_list_model_get_item (listing->installed, i);
      g_autoptr(HvModelInfo) running = hv_models_page_find (listing->running, hv_model_info_get_name (info));

      gtk_list_box_append (self->models_list, hv_model_row_new (info, running));
    }

  /* Loaded but no longer installed (deleted while in use): still there, in memory. */
  for (guint i = 0; listing->running != NULL && i < g_list_model_get_n_items (listing->running); i++)
    {
      g_autoptr(HvModelInfo) running = g_list_model_get_item (listing->running, i);
      g_autoptr(HvModelInfo) installed = hv_models_page_find (listing->installed, hv_model_info_get_name (running));

      if (installed == NULL)
        gtk_list_box_append (self->models_list, hv_model_row_new (running, running));
    }

  gtk_stack_set_visible_child_name (self->installed_stack,
                                    gtk_widget_get_first_child (GTK_WIDGET (self->models_list)) != NULL
                                    ? "list" : "empty");
}

static void
hv_models_page_listing_step (Listing *listing)
{
  HvModelsPage *self = listing->self;

  if (--listing->pending > 0)
    return;

  if (!g_cancellable_is_cancelled (listing->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->n_listings++;
      hv_models_page_show_models (self, listing);
    }
  listing_free (listing);
}

static void
hv_models_page_list_models_done (GObject      *source,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  Listing *listing = user_data;

  listing->installed = hv_chat_provider_list_models_finish (HV_CHAT_PROVIDER (source), result, &listing->error);
  hv_models_page_listing_step (listing);
}

static void
hv_models_page_list_running_done (GObject      *source,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  Listing *listing = user_data;
  g_autoptr(GError) error = NULL;

  /* Which models are loaded is a detail: without it, none is shown as running. */
  listing->running = hv_chat_provider_list_running_finish (HV_CHAT_PROVIDER (source), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Cannot list the running models: %s", error->message);
  hv_models_page_listing_step (listing);
}

/**
 * hv_models_page_refresh:
 *
 * Lists the models again, and the saved chats.
 */
void
hv_models_page_refresh (HvModelsPage *self)
{
  g_autoptr(GError) error = NULL;
  Listing *listing;

  g_return_if_fail (HV_IS_MODELS_PAGE (self));

  self->listed = TRUE;
  hv_models_page_refresh_chats (self);

  if (self->provider == NULL)
    self->provider = hv_chat_providers_get (PROVIDER_ID, &error);
  if (self->provider == NULL)
    {
      hv_models_page_show_banner (self, error->message);
      gtk_stack_set_visible_child_name (self->installed_stack, "unreachable");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "models.pull", FALSE);
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "models.pull",
                                 (hv_chat_provider_get_capabilities (self->provider) & HV_CHAT_PROVIDER_CAN_PULL) != 0);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* The first time, while nothing is listed. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->installed_stack), "loading") == 0)
    gtk_spinner_start (self->spinner);

  listing = g_new0 (Listing, 1);
  listing->self = g_object_ref (self);
  listing->cancellable = g_object_ref (self->cancellable);
  listing->pending = 1;
  hv_chat_provider_list_models_async (self->provider, self->cancellable,
                                      hv_models_page_list_models_done, listing);
  if (hv_chat_provider_get_capabilities (self->provider) & HV_CHAT_PROVIDER_CAN_LIST_RUNNING)
    {
      listing->pending++;
      hv_chat_provider_list_running_async (self->provider, self->cancellable,
                                           hv_models_page_list_running_done, listing);
    }
}

/* ---------------------------------------------------------------------------------------
 * Saved chats
 * ------------------------------------------------------------------------------------- */

static void
hv_models_page_list_saved_done (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(HvModelsPage) self = user_data;
  g_autoptr(GListModel) chats = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  chats = hv_chat_session_list_saved_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->chats_cancellable);

  hv_models_page_clear_list (self->chats_list);
  if (chats == NULL)
    {
      g_warning ("Cannot list the saved chats: %s", error->message);
      gtk_stack_set_visible_child_name (self->chats_stack, "empty");
      return;
    }

  n = g_list_model_get_n_items (chats);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvChatSummary) summary = g_list_model_get_item (chats, i);

      /* A chat whose first message could not be saved has nothing to reopen. */
      if (hv_chat_summary_get_n_messages (summary) > 0)
        gtk_list_box_append (self->chats_list, hv_saved_chat_row_new (summary));
    }
  gtk_stack_set_visible_child_name (self->chats_stack,
                                    gtk_widget_get_first_child (GTK_WIDGET (self->chats_list)) != NULL
                                    ? "list" : "empty");
}

static void
hv_models_page_refresh_chats (HvModelsPage *self)
{
  g_cancellable_cancel (self->chats_cancellable);
  g_clear_object (&self->chats_cancellable);
  self->chats_cancellable = g_cancellable_new ();
  hv_chat_session_list_saved_async (self->chats_cancellable, hv_models_page_list_saved_done, g_object_ref (self));
}

static gboolean
hv_models_page_chats_settled (gpointer data)
{
  HvModelsPage *self = data;

  self->chats_settle_id = 0;
  hv_models_page_refresh_chats (self);
  return G_SOURCE_REMOVE;
}

static void
hv_models_page_chats_changed (HvModelsPage      *self,
                              GFile             *file,
                              GFile             *other,
                              GFileMonitorEvent  event,
                              GFileMonitor      *monitor)
{
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  g_clear_handle_id (&self->chats_settle_id, g_source_remove);
  self->chats_settle_id = g_timeout_add (CHATS_SETTLE_MS, hv_models_page_chats_settled, self);
}

static void
hv_models_page_watch_chats (HvModelsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *dir = NULL;

  if (self->chats_monitor != NULL)
    return;

  dir = hv_paths_ensure_data_subdir ("chats", &error);
  if (dir != NULL)
    {
      folder = g_file_new_for_path (dir);
      self->chats_monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_NONE, NULL, &error);
    }
  if (self->chats_monitor == NULL)
    {
      g_debug ("Cannot follow the saved chats: %s", error->message);
      return;
    }
  g_signal_connect_object (self->chats_monitor, "changed", G_CALLBACK (hv_models_page_chats_changed), self,
                           G_CONNECT_SWAPPED);
}

/* ---------------------------------------------------------------------------------------
 * Actions
 * ------------------------------------------------------------------------------------- */

static void
hv_models_page_refresh_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  hv_models_page_refresh (HV_MODELS_PAGE (widget));
}

static void
hv_models_page_pulled (HvModelsPage *self,
                       const char   *name)
{
  /* Translators: %s is a model name. */
  g_autofree char *message = g_strdup_printf (_("Pulled %s"), name);

  hv_models_page_toast (self, message);
  hv_models_page_refresh (self);
}

static void
hv_models_page_pull_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  HvModelsPage *self = HV_MODELS_PAGE (widget);
  HvPullDialog *dialog;

  if (self->provider == NULL)
    return;

  dialog = hv_pull_dialog_new (hv_models_page_get_window (self), self->provider);
  g_signal_connect_object (dialog, "pulled", G_CALLBACK (hv_models_page_pulled), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
hv_models_page_chat_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  HvModelsPage *self = HV_MODELS_PAGE (widget);
  GtkWindow *window = hv_models_page_get_window (self);
  g_autofree char *ref = g_strconcat (PROVIDER_ID ":", g_variant_get_string (parameter, NULL), NULL);

  if (HV_IS_WINDOW (window))
    hv_chat_page_open_new (HV_WINDOW (window), ref);
}

static void
hv_models_page_details_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  HvModelsPage *self = HV_MODELS_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  g_autoptr(HvModelInfo) listed = hv_models_page_find (self->installed, name);

  if (self->provider == NULL)
    return;
  if (listed == NULL)
    listed = hv_model_info_new (PROVIDER_ID, name);

  gtk_window_present (GTK_WINDOW (hv_model_details_window_new (hv_models_page_get_window (self),
                                                               self->provider, listed)));
}

typedef struct {
  HvModelsPage *self;
  char         *name;
} Deletion;

static void
hv_models_page_delete_done (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  Deletion *deletion = user_data;
  g_autoptr(HvModelsPage) self = deletion->self;
  g_autofree char *name = deletion->name;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  g_free (deletion);
  if (hv_chat_provider_delete_model_finish (HV_CHAT_PROVIDER (source), result, &error))
    /* Translators: %s is a model name. */
    message = g_strdup_printf (_("Deleted %s"), name);
  else
    /* Translators: the first %s is a model name, the second says why. */
    message = g_strdup_printf (_("Could not delete %s: %s"), name, error->message);

  hv_models_page_toast (self, message);
  hv_models_page_refresh (self);
}

static void
hv_models_page_delete_response (AdwMessageDialog *dialog,
                                const char       *response,
                                HvModelsPage     *self)
{
  Deletion *deletion;

  if (!g_str_equal (response, "delete") || self->provider == NULL)
    return;

  /* No cancellable: the user asked for it, it happens even if the window closes. */
  deletion = g_new0 (Deletion, 1);
  deletion->self = g_object_ref (self);
  deletion->name = g_strdup (g_object_get_data (G_OBJECT (dialog), "hv-name"));
  hv_chat_provider_delete_model_async (self->provider, deletion->name, NULL, hv_models_page_delete_done, deletion);
}

static void
hv_models_page_delete_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  HvModelsPage *self = HV_MODELS_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  g_autoptr(HvModelInfo) listed = hv_models_page_find (self->installed, name);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *size = NULL;
  AdwMessageDialog *dialog;

  if (self->provider == NULL)
    return;

  /* Translators: %s is a model name, "llama3.2:latest". */
  heading = g_strdup_printf (_("Delete %s?"), name);
  if (listed != NULL && hv_model_info_get_size (listed) > 0)
    {
      size = g_format_size (hv_model_info_get_size (listed));
      /* Translators: the first %s is a size, "2.0 GB", the second an address. */
      body = g_strdup_printf (_("Its %s are removed from Ollama at %s. Pull it again to chat with it."),
                              size, hv_chat_provider_get_address (self->provider));
    }
  else
    /* Translators: %s is an address, "http://127.0.0.1:11434". */
    body = g_strdup_printf (_("Its files are removed from Ollama at %s. Pull it again to chat with it."),
                            hv_chat_provider_get_address (self->provider));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (hv_models_page_get_window (self), heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "hv-name", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (hv_models_page_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
hv_models_page_open_chat_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  GtkWindow *window = hv_models_page_get_window (HV_MODELS_PAGE (widget));

  if (HV_IS_WINDOW (window))
    hv_chat_page_open_saved (HV_WINDOW (window), g_variant_get_string (parameter, NULL));
}

static void
delete_chat_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GError *error = NULL;

  if (hv_chat_session_delete_saved (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
hv_models_page_delete_chat_done (GObject      *source,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  HvModelsPage *self = HV_MODELS_PAGE (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Translators: %s says why. */
      g_autofree char *message = g_strdup_printf (_("Could not delete the chat: %s"), error->message);

      hv_models_page_toast (self, message);
    }
  hv_models_page_refresh_chats (self);
}

static void
hv_models_page_delete_chat_response (AdwMessageDialog *dialog,
                                     const char       *response,
                                     HvModelsPage     *self)
{
  g_autoptr(GTask) task = NULL;

  if (!g_str_equal (response, "delete"))
    return;

  task = g_task_new (self, NULL, hv_models_page_delete_chat_done, NULL);
  g_task_set_source_tag (task, hv_models_page_delete_chat_response);
  g_task_set_task_data (task, g_strdup (g_object_get_data (G_OBJECT (dialog), "hv-id")), g_free);
  g_task_run_in_thread (task, delete_chat_in_thread);
}

static void
hv_models_page_delete_chat_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  HvModelsPage *self = HV_MODELS_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  const char *title = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->chats_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      HvChatSummary *summary;

      if (!HV_IS_SAVED_CHAT_ROW (row))
        continue;
      summary = hv_saved_chat_row_get_summary (HV_SAVED_CHAT_ROW (row));
      if (g_strcmp0 (hv_chat_summary_get_id (summary), id) == 0)
        title = hv_chat_summary_get_title (summary);
    }

  if (title != NULL && title[0] != '\0')
    /* Translators: %s is the title of a chat: its first message. */
    body = g_strdup_printf (_("The transcript of “%s” is removed from this computer."), title);
  else
    body = g_strdup (_("Its transcript is removed from this computer."));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (hv_models_page_get_window (self), _("Delete Chat?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "hv-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (hv_models_page_delete_chat_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---------------------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------------------- */

static void
hv_models_page_view_changed (HvModelsPage *self)
{
  if (self->views != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

static void
hv_models_page_map (GtkWidget *widget)
{
  HvModelsPage *self = HV_MODELS_PAGE (widget);

  GTK_WIDGET_CLASS (hv_models_page_parent_class)->map (widget);

  /* Nothing is asked of Ollama until the section is shown. */
  hv_models_page_watch_chats (self);
  if (!self->listed)
    hv_models_page_refresh (self);
}

static void
hv_models_page_dispose (GObject *object)
{
  HvModelsPage *self = HV_MODELS_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->chats_cancellable);
  g_clear_handle_id (&self->chats_settle_id, g_source_remove);
  if (self->chats_monitor != NULL)
    g_file_monitor_cancel (self->chats_monitor);
  g_clear_object (&self->chats_monitor);
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_MODELS_PAGE);
  /* The template's children without an id are not its bound children. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->chats_cancellable);
  g_clear_object (&self->installed);
  g_clear_object (&self->provider);

  G_OBJECT_CLASS (hv_models_page_parent_class)->dispose (object);
}

static void
hv_models_page_finalize (GObject *object)
{
  HvModelsPage *self = HV_MODELS_PAGE (object);

  g_free (self->banner_text);

  G_OBJECT_CLASS (hv_models_page_parent_class)->finalize (object);
}

static void
hv_models_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HvModelsPage *self = HV_MODELS_PAGE (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      g_value_set_string (value, hv_models_page_get_view (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_models_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HvModelsPage *self = HV_MODELS_PAGE (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      hv_models_page_set_view (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_models_page_class_init (HvModelsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_models_page_dispose;
  object_class->finalize = hv_models_page_finalize;
  object_class->get_property = hv_models_page_get_property;
  object_class->set_property = hv_models_page_set_property;
  widget_class->map = hv_models_page_map;

  /**
   * HvModelsPage:view:
   *
   * "installed" or "chats"; the stateful action `models.view` sets it.
   */
  properties[PROP_VIEW] =
    g_param_spec_string ("view", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-models-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HvModelsPage, banner);
  gtk_widget_class_bind_template_child (widget_class, HvModelsPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, HvModelsPage, views);
  gtk_widget_class_bind_template_child (widget_class, HvModelsPage, installed_stack);
  gtk_widget_class_bind_template_child (widget_class, HvModelsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, HvModelsPage, models_list);
  gtk_widget_class_bind_template_child (widget_class, HvModelsPage, chats_stack);
  gtk_widget_class_bind_template_child (widget_class, HvModelsPage, chats_list);
  gtk_widget_class_bind_template_callback (widget_class, hv_models_page_view_changed);

  gtk_widget_class_install_property_action (widget_class, "models.view", "view");
  gtk_widget_class_install_action (widget_class, "models.refresh", NULL, hv_models_page_refresh_action);
  gtk_widget_class_install_action (widget_class, "models.pull", NULL, hv_models_page_pull_action);
  gtk_widget_class_install_action (widget_class, "models.chat", "s", hv_models_page_chat_action);
  gtk_widget_class_install_action (widget_class, "models.details", "s", hv_models_page_details_action);
  gtk_widget_class_install_action (widget_class, "models.delete", "s", hv_models_page_delete_action);
  gtk_widget_class_install_action (widget_class, "chats.open", "s", hv_models_page_open_chat_action);
  gtk_widget_class_install_action (widget_class, "chats.delete", "s", hv_models_page_delete_chat_action);

  gtk_widget_class_set_css_name (widget_class, "hv-models-page");
}

static void
hv_models_page_init (HvModelsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->installed_stack, "loading");
  gtk_stack_set_visible_child_name (self->chats_stack, "empty");
}

const char *
hv_models_page_get_view (HvModelsPage *self)
{
  const char *name = NULL;

  g_return_val_if_fail (HV_IS_MODELS_PAGE (self), NULL);

  /* The toggle buttons read the action state while the template is built. */
  if (self->views != NULL)
    name = gtk_stack_get_visible_child_name (self->views);
  return name != NULL ? name : "";
}

void
hv_models_page_set_view (HvModelsPage *self,
                         const char   *view)
{
  g_return_if_fail (HV_IS_MODELS_PAGE (self));

  if (view != NULL && gtk_stack_get_child_by_name (self->views, view) != NULL)
    gtk_stack_set_visible_child_name (self->views, view);
}

/**
 * hv_models_page_get_state:
 *
 * Returns: what the Installed view shows: "loading", "empty", "unreachable" or "list"
 */
const char *
hv_models_page_get_state (HvModelsPage *self)
{
  g_return_val_if_fail (HV_IS_MODELS_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->installed_stack);
}

/**
 * hv_models_page_get_banner_text:
 *
 * Returns: (nullable): what the bar says, %NULL when it is hidden
 */
const char *
hv_models_page_get_banner_text (HvModelsPage *self)
{
  g_return_val_if_fail (HV_IS_MODELS_PAGE (self), NULL);
  return self->banner_text;
}

/**
 * hv_models_page_get_models_list:
 *
 * Returns: (transfer none): the list of #HvModelRow<!-- -->s
 */
GtkListBox *
hv_models_page_get_models_list (HvModelsPage *self)
{
  g_return_val_if_fail (HV_IS_MODELS_PAGE (self), NULL);
  return self->models_list;
}

/**
 * hv_models_page_get_chats_list:
 *
 * Returns: (transfer none): the list of #HvSavedChatRow<!-- -->s
 */
GtkListBox *
hv_models_page_get_chats_list (HvModelsPage *self)
{
  g_return_val_if_fail (HV_IS_MODELS_PAGE (self), NULL);
  return self->chats_list;
}

/**
 * hv_models_page_get_n_listings:
 *
 * Returns: how many listings of the models completed
 */
guint
hv_models_page_get_n_listings (HvModelsPage *self)
{
  g_return_val_if_fail (HV_IS_MODELS_PAGE (self), 0);
  return self->n_listings;
}
