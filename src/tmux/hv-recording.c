// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "hv-recording.h"

struct _HvRecording
{
  GObject parent_instance;

  char *path;
  char *title;
  gint64 started;
  guint width;
  guint height;
  double duration;
  guint64 size;
};

G_DEFINE_FINAL_TYPE (HvRecording, hv_recording, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_TITLE,
  PROP_STARTED,
  PROP_DURATION,
  PROP_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
event_free (HvRecordingEvent *event)
{
  g_free (event->data);
  g_free (event);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HvRecordingEvent, event_free)

/* Parses one event line `[time, "type", "data"]`; NULL when it is not one (a torn line). */
static HvRecordingEvent *
parse_event (JsonParser *parser,
             const char *line)
{
  JsonArray *array;
  HvRecordingEvent *event;
  const char *type;

  if (line[0] != '[' || !json_parser_load_from_data (parser, line, -1, NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return NULL;
  array = json_node_get_array (json_parser_get_root (parser));
  if (json_array_get_length (array) != 3 ||
      json_node_get_value_type (json_array_get_element (array, 1)) != G_TYPE_STRING ||
      json_node_get_value_type (json_array_get_element (array, 2)) != G_TYPE_STRING)
    return NULL;
  type = json_array_get_string_element (array, 1);
  event = g_new0 (HvRecordingEvent, 1);
  event->time = json_array_get_double_element (array, 0);
  event->type = type[0];
  event->data = g_strdup (json_array_get_string_element (array, 2));
  return event;
}

/* The time of the last complete event, read from the end of the file. */
static double
read_duration (GFileInputStream *stream,
               guint64           size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize tail = (gsize) MIN (size, 64 * 1024);
  g_autofree char *buf = g_malloc (tail + 1);
  gsize n = 0;
  char *end;

  if (!g_seekable_seek (G_SEEKABLE (stream), (goffset) (size - tail), G_SEEK_SET, NULL, NULL) ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), buf, tail, &n, NULL, NULL))
    return 0;
  buf[n] = '\0';

  /* Walk the lines backwards; the last one may be torn. */
  end = buf + n;
  while (end > buf)
    {
      char *start;
      g_autoptr(HvRecordingEvent) event = NULL;

      while (end > buf && (end[-1] == '\n'))
        *--end = '\0';
      start = end;
      while (start > buf && start[-1] != '\n')
        start--;
      event = parse_event (parser, start);
      if (event != NULL)
        return event->time;
      end = start;
    }
  return 0;
}

/**
 * hv_recording_new_for_path:
 *
 * Reads the header and the last event of a `.cast` file. Blocking: call it from a worker.
 */
HvRecording *
hv_recording_new_for_path (const char  *path,
                           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *header = NULL;
  g_autoptr(HvRecording) self = NULL;
  JsonObject *object;

  stream = g_file_read (file, NULL, error);
  if (stream == NULL)
    return NULL;
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, error);
  if (info == NULL)
    return NULL;

  lines = g_data_input_stream_new (G_INPUT_STREAM (stream));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);
  header = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL);
  if (header == NULL || !json_parser_load_from_data (parser, header, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      json_object_get_int_member_with_default (json_node_get_object (json_parser_get_root (parser)), "version", 0) != 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not an asciicast v2 recording"), path);
      return NULL;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  self = g_object_new (HV_TYPE_RECORDING, NULL);
  self->path = g_strdup (path);
  self->title = g_strdup (json_object_get_string_member_with_default (object, "title", ""));
  self->started = json_object_get_int_member_with_default (object, "timestamp", 0);
  self->width = (guint) json_object_get_int_member_with_default (object, "width", 80);
  self->height = (guint) json_object_get_int_member_with_default (object, "height", 24);
  self->size = g_file_info_get_size (info);
  self->duration = read_duration (stream, self->size);
  return g_steal_pointer (&self);
}

static void
new_for_path_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  HvRecording *self = hv_recording_new_for_path (task_data, &error);

  if (self == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, self, g_object_unref);
}

/** hv_recording_new_for_path_async: hv_recording_new_for_path() on a worker thread */
void
hv_recording_new_for_path_async (const char          *path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_recording_new_for_path_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, new_for_path_thread);
}

/** hv_recording_new_for_path_finish: Returns: (transfer full) (nullable): the recording */
HvRecording *
hv_recording_new_for_path_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hv_recording_update_from:
 * @fresh: the same file read again
 *
 * Takes the duration and size of @fresh, a newer reading of the file of @self (a recording
 * still being written grows), notifying the properties that changed.
 *
 * Returns: whether anything changed
 */
gboolean
hv_recording_update_from (HvRecording *self,
                          HvRecording *fresh)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (HV_IS_RECORDING (self), FALSE);
  g_return_val_if_fail (HV_IS_RECORDING (fresh), FALSE);
  g_return_val_if_fail (g_strcmp0 (self->path, fresh->path) == 0, FALSE);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->duration != fresh->duration)
    {
      self->duration = fresh->duration;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
      changed = TRUE;
    }
  if (self->size != fresh->size)
    {
      self->size = fresh->size;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
      changed = TRUE;
    }
  g_object_thaw_notify (G_OBJECT (self));
  return changed;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  gint64 sa = HV_RECORDING ((gpointer) a)->started;
  gint64 sb = HV_RECORDING ((gpointer) b)->started;

  return (sb > sa) - (sb < sa);
}

static void
list_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *dir = task_data;
  g_autoptr(GListStore) store = g_list_store_new (HV_TYPE_RECORDING);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  const char *name;

  if (d == NULL)
    {
      /* No folder yet: no recordings yet. */
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  while ((name = g_dir_read_name (d)) != NULL && !g_cancellable_is_cancelled (cancellable))
    {
      g_autofree char *path = NULL;
      g_autoptr(HvRecording) recording = NULL;

      if (!g_str_has_suffix (name, ".cast"))
        continue;
      path = g_build_filename (dir, name, NULL);
      recording = hv_recording_new_for_path (path, NULL);
      if (recording != NULL)
        g_list_store_insert_sorted (store, recording, compare_newest_first, NULL);
    }
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

/**
 * hv_recording_list_async:
 * @dir: the recordings folder
 *
 * Lists the recordings of @dir, newest first, reading them on a worker thread.
 */
void
hv_recording_list_async (const char          *dir,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (dir != NULL);

  g_task_set_source_tag (task, hv_recording_list_async);
  g_task_set_task_data (task, g_strdup (dir), g_free);
  g_task_run_in_thread (task, list_thread);
}

/** hv_recording_list_finish: Returns: (transfer full): a #GListModel of #HvRecording */
GListModel *
hv_recording_list_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HvRecording *self = source;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  char *line, *next;

  if (!g_file_get_contents (self->path, &contents, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (line = contents; line != NULL && *line != '\0'; line = next)
    {
      HvRecordingEvent *event;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      event = parse_event (parser, line);
      if (event != NULL)
        g_ptr_array_add (events, event);
    }
  g_task_return_pointer (task, g_steal_pointer (&events), (GDestroyNotify) g_ptr_array_unref);
}

/** hv_recording_load_events_async: reads every event, on a worker thread */
void
hv_recording_load_events_async (HvRecording         *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (HV_IS_RECORDING (self));

  g_task_set_source_tag (task, hv_recording_load_events_async);
  g_task_run_in_thread (task, load_thread);
}

/** hv_recording_load_events_finish: Returns: (transfer full) (element-type HvRecordingEvent) */
GPtrArray *
hv_recording_load_events_finish (HvRecording   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
unlink_file (const char  *path,
             gboolean     missing_ok,
             GError     **error)
{
  int saved;

  if (g_unlink (path) == 0)
    return TRUE;
  saved = errno;
  if (saved == ENOENT && missing_ok)
    return TRUE;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               /* Translators: the first %s is a file, the second says why. */
               _("Cannot delete %s: %s"), path, g_strerror (saved));
  return FALSE;
}

static void
delete_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char *path = task_data;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *stem = g_strndup (name, strlen (name) - strlen (".cast"));
  g_autofree char *jsonl = g_strdup_printf ("%s/%s.jsonl", dir, stem);
  g_autofree char *scrollback = g_strdup_printf ("%s-scrollback-", stem);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;
  const char *entry;

  /* The recording first: when it cannot go, what belongs to it stays too. */
  if (!unlink_file (path, FALSE, &error) || !unlink_file (jsonl, TRUE, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The scrollback archives of its panes, NAME-TIMESTAMP-scrollback-%ID.txt. */
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *file = NULL;

      if (!g_str_has_prefix (entry, scrollback) || !g_str_has_suffix (entry, ".txt"))
        continue;
      file = g_build_filename (dir, entry, NULL);
      /* Each one is tried; the first failure is the one reported. */
      unlink_file (file, TRUE, error == NULL ? &error : NULL);
    }

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * hv_recording_delete_files_async:
 * @path: a recording's `.cast` file
 *
 * Deletes the recording at @path with its `.jsonl` twin and the scrollback archives of its
 * session (`STEM-scrollback-*.txt`), on a worker thread.
 */
void
hv_recording_delete_files_async (const char          *path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL && g_str_has_suffix (path, ".cast"));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_recording_delete_files_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, delete_thread);
}

gboolean
hv_recording_delete_files_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
hv_recording_get_path (HvRecording *self)
{
  g_return_val_if_fail (HV_IS_RECORDING (self), NULL);
  return self->path;
}

/** hv_recording_get_title: Returns: the session name the recording was made of */
const char *
hv_recording_get_title (HvRecording *self)
{
  g_return_val_if_fail (HV_IS_RECORDING (self), NULL);
  return self->title;
}

/** hv_recording_get_started: Returns: seconds since the epoch */
gint64
hv_recording_get_started (HvRecording *self)
{
  g_return_val_if_fail (HV_IS_RECORDING (self), 0);
  return self->started;
}

guint
hv_recording_get_width (HvRecording *self)
{
  g_return_val_if_fail (HV_IS_RECORDING (self), 0);
  return self->width;
}

guint
hv_recording_get_height (HvRecording *self)
{
  g_return_val_if_fail (HV_IS_RECORDING (self), 0);
  return self->height;
}

/** hv_recording_get_duration: Returns: seconds from the first to the last event */
double
hv_recording_get_duration (HvRecording *self)
{
  g_return_val_if_fail (HV_IS_RECORDING (self), 0);
  return self->duration;
}

/** hv_recording_get_size: Returns: the size of the .cast file in bytes */
guint64
hv_recording_get_size (HvRecording *self)
{
  g_return_val_if_fail (HV_IS_RECORDING (self), 0);
  return self->size;
}

static void
hv_recording_finalize (GObject *object)
{
  HvRecording *self = HV_RECORDING (object);

  g_free (self->path);
  g_free (self->title);

  G_OBJECT_CLASS (hv_recording_parent_class)->finalize (object);
}

static void
hv_recording_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HvRecording *self = HV_RECORDING (object);

  switch (prop_id)
    {
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_STARTED: g_value_set_int64 (value, self->started); break;
    case PROP_DURATION: g_value_set_double (value, self->duration); break;
    case PROP_SIZE: g_value_set_uint64 (value, self->size); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_recording_class_init (HvRecordingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hv_recording_finalize;
  object_class->get_property = hv_recording_get_property;

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_STARTED] = g_param_spec_int64 ("started", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_DURATION] = g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hv_recording_init (HvRecording *self)
{
}
