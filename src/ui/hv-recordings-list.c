// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <adwaita.h>

#include "hv-paths.h"
#include "hv-recording-row.h"
#include "hv-recordings-list.h"

/* Files coming and going: list the folder again once they settle. */
#define RELIST_DELAY_MS 300
/* A recording being written: read its duration and size again at most this often. */
#define GROWTH_INTERVAL_MS 1000

struct _HvRecordingsList
{
  GtkWidget     parent_instance;

  char         *folder;
  char         *session_prefix;
  GListStore   *recordings;    /* of HvRecording, newest first */
  GFileMonitor *monitor;
  GCancellable *cancellable;   /* the folder's listings and readings */
  GHashTable   *grown;         /* paths of listed recordings written to since last read */
  guint         relist_source;
  guint         growth_source;
  gboolean      started;       /* the folder is watched */
  gboolean      listing;
  gboolean      relist_again;
  gboolean      reading;
  gboolean      loaded;        /* a first listing came back */

  /* Template widgets */
  GtkStack     *stack;
  GtkListView  *list_view;
};

G_DEFINE_FINAL_TYPE (HvRecordingsList, hv_recordings_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_FOLDER,
  PROP_SESSION_PREFIX,
  PROP_MODEL,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void hv_recordings_list_list (HvRecordingsList *self);

static void
hv_recordings_list_update_stack (HvRecordingsList *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->recordings)) == 0;

  /* Until the first listing, an empty list rather than an empty state that may be wrong. */
  if (self->stack != NULL)
    gtk_stack_set_visible_child_name (self->stack, self->loaded && empty ? "empty" : "list");
}

static HvRecording *
hv_recordings_list_find (HvRecordingsList *self,
                         const char       *path,
                         guint            *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->recordings));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvRecording) recording = g_list_model_get_item (G_LIST_MODEL (self->recordings), i);

      if (g_strcmp0 (hv_recording_get_path (recording), path) == 0)
        {
          if (position != NULL)
            *position = i;
          return recording;
        }
    }
  return NULL;
}

/* Takes a fresh listing without disturbing the rows of recordings that stay: those keep
 * their objects (updated), and only the part of the list that changed is replaced. */
static void
hv_recordings_list_merge (HvRecordingsList *self,
                          GListModel       *listed)
{
  GListModel *model = G_LIST_MODEL (self->recordings);
  guint n_old = g_list_model_get_n_items (model);
  guint n_new = g_list_model_get_n_items (listed);
  g_autoptr(GPtrArray) old = g_ptr_array_new_full (n_old, g_object_unref);
  g_autoptr(GPtrArray) items = g_ptr_array_new_full (n_new, g_object_unref);
  g_autoptr(GHashTable) by_path = g_hash_table_new (g_str_hash, g_str_equal);
  guint start = 0, end_old, end_new;

  for (guint i = 0; i < n_old; i++)
    {
      HvRecording *recording = g_list_model_get_item (model, i);

      g_ptr_array_add (old, recording);
      g_hash_table_insert (by_path, (gpointer) hv_recording_get_path (recording), recording);
    }

  for (guint i = 0; i < n_new; i++)
    {
      g_autoptr(HvRecording) fresh = g_list_model_get_item (listed, i);
      HvRecording *known = g_hash_table_lookup (by_path, hv_recording_get_path (fresh));

      if (known != NULL)
        {
          hv_recording_update_from (known, fresh);
          g_ptr_array_add (items, g_object_ref (known));
        }
      else
        g_ptr_array_add (items, g_steal_pointer (&fresh));
    }

  end_old = old->len;
  end_new = items->len;
  while (start < end_old && start < end_new && old->pdata[start] == items->pdata[start])
    start++;
  while (end_old > start && end_new > start && old->pdata[end_old - 1] == items->pdata[end_new - 1])
    {
      end_old--;
      end_new--;
    }
  if (start == end_old && start == end_new)
    return;

  g_list_store_splice (self->recordings, start, end_old - start, items->pdata + start, end_new - start);
}

static void
hv_recordings_list_listed (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(HvRecordingsList) self = user_data;
  g_autoptr(GListModel) listed = NULL;
  g_autoptr(GError) error = NULL;

  listed = hv_recording_list_finish (result, &error);
  /* Cancelled: the widget went, or it follows another folder now. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->listing = FALSE;
  if (listed != NULL)
    hv_recordings_list_merge (self, listed);
  else
    g_warning ("Cannot list the recordings in %s: %s", self->folder, error->message);

  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  hv_recordings_list_update_stack (self);

  if (self->relist_again)
    {
      self->relist_again = FALSE;
      hv_recordings_list_list (self);
    }
}

static void
hv_recordings_list_list (HvRecordingsList *self)
{
  if (self->folder == NULL)
    return;

  if (self->listing)
    {
      self->relist_again = TRUE;
      return;
    }

  self->listing = TRUE;
  hv_recording_list_async (self->folder, self->cancellable, hv_recordings_list_listed, g_object_ref (self));
}

static gboolean
hv_recordings_list_relist_cb (gpointer data)
{
  HvRecordingsList *self = data;

  self->relist_source = 0;
  hv_recordings_list_list (self);
  return G_SOURCE_REMOVE;
}

/* Debounced: a burst of events lists the folder once. */
static void
hv_recordings_list_schedule_relist (HvRecordingsList *self)
{
  g_clear_handle_id (&self->relist_source, g_source_remove);
  self->relist_source = g_timeout_add (RELIST_DELAY_MS, hv_recordings_list_relist_cb, self);
}

static void
read_grown_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GPtrArray *paths = task_data;
  g_autoptr(GPtrArray) read = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < paths->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      HvRecording *recording = hv_recording_new_for_path (g_ptr_array_index (paths, i), NULL);

      if (recording != NULL)
        g_ptr_array_add (read, recording);
    }
  g_task_return_pointer (task, g_steal_pointer (&read), (GDestroyNotify) g_ptr_array_unref);
}

static void hv_recordings_list_schedule_growth (HvRecordingsList *self);

static void
hv_recordings_list_grown_read (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(HvRecordingsList) self = user_data;
  g_autoptr(GPtrArray) read = NULL;

  read = g_task_propagate_pointer (G_TASK (result), NULL);
  if (read == NULL)
    return;

  self->reading = FALSE;
  for (guint i = 0; i < read->len; i++)
    {
      HvRecording *fresh = g_ptr_array_index (read, i);
      HvRecording *known = hv_recordings_list_find (self, hv_recording_get_path (fresh), NULL);

      if (known != NULL)
        hv_recording_update_from (known, fresh);
    }

  if (g_hash_table_size (self->grown) > 0)
    hv_recordings_list_schedule_growth (self);
}

static gboolean
hv_recordings_list_growth_cb (gpointer data)
{
  HvRecordingsList *self = data;
  g_autoptr(GTask) task = NULL;
  GHashTableIter iter;
  gpointer path;
  GPtrArray *paths;

  self->growth_source = 0;
  if (self->reading)
    {
      hv_recordings_list_schedule_growth (self);
      return G_SOURCE_REMOVE;
    }

  paths = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, self->grown);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    g_ptr_array_add (paths, g_strdup (path));
  g_hash_table_remove_all (self->grown);
  self->reading = TRUE;
  task = g_task_new (NULL, self->cancellable, hv_recordings_list_grown_read, g_object_ref (self));
  g_task_set_source_tag (task, hv_recordings_list_growth_cb);
  g_task_set_task_data (task, paths, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, read_grown_thread);
  return G_SOURCE_REMOVE;
}

/* Throttled rather than debounced: a recording written to without a pause still updates. */
static void
hv_recordings_list_schedule_growth (HvRecordingsList *self)
{
  if (self->growth_source == 0)
    self->growth_source = g_timeout_add (GROWTH_INTERVAL_MS, hv_recordings_list_growth_cb, self);
}

static gboolean
is_recording_file (GFile *file)
{
  g_autofree char *name = file != NULL ? g_file_get_basename (file) : NULL;

  return name != NULL && g_str_has_suffix (name, ".cast");
}

static void
hv_recordings_list_folder_changed (HvRecordingsList  *self,
                                   GFile             *file,
                                   GFile             *other,
                                   GFileMonitorEvent  event,
                                   GFileMonitor      *monitor)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
      if (is_recording_file (file))
        {
          g_autofree char *path = g_file_get_path (file);

          /* Not listed yet (its header was still being written): list it now. */
          if (hv_recordings_list_find (self, path, NULL) == NULL)
            hv_recordings_list_schedule_relist (self);
          else
            {
              g_hash_table_add (self->grown, g_steal_pointer (&path));
              hv_recordings_list_schedule_growth (self);
            }
        }
      break;

    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    case G_FILE_MONITOR_EVENT_RENAMED:
      if (is_recording_file (file) || is_recording_file (other))
        hv_recordings_list_schedule_relist (self);
      break;

    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    default:
      break;
    }
}

/* Watches and lists the folder, made first so that it can be watched. */
static void
hv_recordings_list_start (HvRecordingsList *self)
{
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;

  if (self->started || self->folder == NULL)
    return;
  self->started = TRUE;

  if (!hv_paths_ensure_dir (self->folder, &error))
    {
      g_warning ("Cannot create the recordings folder: %s", error->message);
      g_clear_error (&error);
    }

  folder = g_file_new_for_path (self->folder);
  self->monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->monitor != NULL)
    g_signal_connect_object (self->monitor, "changed", G_CALLBACK (hv_recordings_list_folder_changed), self,
                             G_CONNECT_SWAPPED);
  else
    g_debug ("Recordings in %s are listed once, not followed: %s", self->folder, error->message);

  hv_recordings_list_list (self);
}

static void
hv_recordings_list_stop (HvRecordingsList *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  g_clear_handle_id (&self->relist_source, g_source_remove);
  g_clear_handle_id (&self->growth_source, g_source_remove);
  g_hash_table_remove_all (self->grown);
  self->started = FALSE;
  self->listing = FALSE;
  self->relist_again = FALSE;
  self->reading = FALSE;
}

static void
hv_recordings_list_activate (HvRecordingsList *self,
                             guint             position)
{
  g_autoptr(HvRecording) recording = g_list_model_get_item (G_LIST_MODEL (self->recordings), position);

  if (recording != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.open-recording", "s", hv_recording_get_path (recording));
}

static void
hv_recordings_list_setup_row (HvRecordingsList *self,
                              GtkListItem      *item)
{
  GtkWidget *row = hv_recording_row_new ();

  g_object_bind_property (self, "session-prefix", row, "session-prefix", G_BINDING_SYNC_CREATE);
  gtk_list_item_set_child (item, row);
}

static void
hv_recordings_list_bind_row (HvRecordingsList *self,
                             GtkListItem      *item)
{
  hv_recording_row_set_recording (HV_RECORDING_ROW (gtk_list_item_get_child (item)),
                                  gtk_list_item_get_item (item));
}

static void
hv_recordings_list_unbind_row (HvRecordingsList *self,
                               GtkListItem      *item)
{
  hv_recording_row_set_recording (HV_RECORDING_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
hv_recordings_list_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (hv_recordings_list_parent_class)->map (widget);

  /* Nothing is read before a person looks. */
  hv_recordings_list_start (HV_RECORDINGS_LIST (widget));
}

static void
hv_recordings_list_dispose (GObject *object)
{
  HvRecordingsList *self = HV_RECORDINGS_LIST (object);

  hv_recordings_list_stop (self);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_RECORDINGS_LIST);

  G_OBJECT_CLASS (hv_recordings_list_parent_class)->dispose (object);
}

static void
hv_recordings_list_finalize (GObject *object)
{
  HvRecordingsList *self = HV_RECORDINGS_LIST (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->recordings);
  g_clear_pointer (&self->grown, g_hash_table_unref);
  g_free (self->folder);
  g_free (self->session_prefix);

  G_OBJECT_CLASS (hv_recordings_list_parent_class)->finalize (object);
}

static void
hv_recordings_list_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HvRecordingsList *self = HV_RECORDINGS_LIST (object);

  switch (prop_id)
    {
    case PROP_FOLDER:
      g_value_set_string (value, self->folder);
      break;

    case PROP_SESSION_PREFIX:
      g_value_set_string (value, self->session_prefix);
      break;

    case PROP_MODEL:
      g_value_set_object (value, self->recordings);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_recordings_list_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HvRecordingsList *self = HV_RECORDINGS_LIST (object);

  switch (prop_id)
    {
    case PROP_FOLDER:
      hv_recordings_list_set_folder (self, g_value_get_string (value));
      break;

    case PROP_SESSION_PREFIX:
      hv_recordings_list_set_session_prefix (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_recordings_list_class_init (HvRecordingsListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_recordings_list_dispose;
  object_class->finalize = hv_recordings_list_finalize;
  object_class->get_property = hv_recordings_list_get_property;
  object_class->set_property = hv_recordings_list_set_property;
  widget_class->map = hv_recordings_list_map;

  /**
   * HvRecordingsList:folder:
   *
   * The folder whose recordings are listed, created when missing.
   */
  properties[PROP_FOLDER] =
    g_param_spec_string ("folder", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * HvRecordingsList:session-prefix:
   *
   * The prefix of the application's session names, left out of the rows' titles.
   */
  properties[PROP_SESSION_PREFIX] =
    g_param_spec_string ("session-prefix", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * HvRecordingsList:model:
   *
   * The recordings listed, a #GListModel of #HvRecording, newest first.
   */
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * HvRecordingsList:loaded:
   *
   * Whether the folder has been listed once.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-recordings-list.ui");
  gtk_widget_class_bind_template_child (widget_class, HvRecordingsList, stack);
  gtk_widget_class_bind_template_child (widget_class, HvRecordingsList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, hv_recordings_list_activate);

  gtk_widget_class_set_css_name (widget_class, "hv-recordings-list");
}

static void
hv_recordings_list_init (HvRecordingsList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->recordings = g_list_store_new (HV_TYPE_RECORDING);
  self->cancellable = g_cancellable_new ();
  self->grown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_signal_connect_swapped (factory, "setup", G_CALLBACK (hv_recordings_list_setup_row), self);
  g_signal_connect_swapped (factory, "bind", G_CALLBACK (hv_recordings_list_bind_row), self);
  g_signal_connect_swapped (factory, "unbind", G_CALLBACK (hv_recordings_list_unbind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);

  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->recordings)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));

  g_signal_connect_object (self->recordings, "items-changed", G_CALLBACK (hv_recordings_list_update_stack), self,
                           G_CONNECT_SWAPPED);
  hv_recordings_list_update_stack (self);
}

/** hv_recordings_list_get_folder: Returns: (nullable): the folder listed */
const char *
hv_recordings_list_get_folder (HvRecordingsList *self)
{
  g_return_val_if_fail (HV_IS_RECORDINGS_LIST (self), NULL);

  return self->folder;
}

/**
 * hv_recordings_list_set_folder:
 * @folder: (nullable): the recordings folder, `hv_paths_get_data_subdir ("sessions")` for
 *   the one the application records into
 *
 * Lists @folder instead, from when the list is shown.
 */
void
hv_recordings_list_set_folder (HvRecordingsList *self,
                               const char       *folder)
{
  g_return_if_fail (HV_IS_RECORDINGS_LIST (self));

  if (g_strcmp0 (self->folder, folder) == 0)
    return;

  hv_recordings_list_stop (self);
  g_free (self->folder);
  self->folder = g_strdup (folder);
  g_list_store_remove_all (self->recordings);
  if (self->loaded)
    {
      self->loaded = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  hv_recordings_list_update_stack (self);

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    hv_recordings_list_start (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDER]);
}

const char *
hv_recordings_list_get_session_prefix (HvRecordingsList *self)
{
  g_return_val_if_fail (HV_IS_RECORDINGS_LIST (self), NULL);

  return self->session_prefix;
}

void
hv_recordings_list_set_session_prefix (HvRecordingsList *self,
                                       const char       *prefix)
{
  g_return_if_fail (HV_IS_RECORDINGS_LIST (self));

  if (g_strcmp0 (self->session_prefix, prefix) == 0)
    return;

  g_free (self->session_prefix);
  self->session_prefix = g_strdup (prefix);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_PREFIX]);
}

/** hv_recordings_list_get_model: Returns: (transfer none): the #HvRecording listed, newest first */
GListModel *
hv_recordings_list_get_model (HvRecordingsList *self)
{
  g_return_val_if_fail (HV_IS_RECORDINGS_LIST (self), NULL);

  return G_LIST_MODEL (self->recordings);
}

gboolean
hv_recordings_list_get_loaded (HvRecordingsList *self)
{
  g_return_val_if_fail (HV_IS_RECORDINGS_LIST (self), FALSE);

  return self->loaded;
}

/** hv_recordings_list_lookup: Returns: (transfer none) (nullable): the recording listed for @path */
HvRecording *
hv_recordings_list_lookup (HvRecordingsList *self,
                           const char       *path)
{
  g_return_val_if_fail (HV_IS_RECORDINGS_LIST (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  return hv_recordings_list_find (self, path, NULL);
}

/**
 * hv_recordings_list_reload:
 *
 * Lists the folder again now, if it is listed already (after deleting a recording, not to
 * wait for the file monitor).
 */
void
hv_recordings_list_reload (HvRecordingsList *self)
{
  g_return_if_fail (HV_IS_RECORDINGS_LIST (self));

  if (!self->started)
    return;

  g_clear_handle_id (&self->relist_source, g_source_remove);
  hv_recordings_list_list (self);
}
