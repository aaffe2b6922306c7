// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-recording-row-private.h"

struct _HvRecordingRow
{
  GtkWidget    parent_instance;

  HvRecording *recording;
  char        *session_prefix;

  /* Template widgets */
  GtkLabel    *title;
  GtkLabel    *subtitle;
};

G_DEFINE_FINAL_TYPE (HvRecordingRow, hv_recording_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RECORDING,
  PROP_SESSION_PREFIX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const row_actions[] = { "row.play", "row.show-in-files", "row.delete" };

/**
 * _hv_recording_row_format_started:
 * @started: seconds since the epoch
 *
 * Returns: (transfer full): when a recording started, as a file manager says it: the time
 *   for today, else the day and the time, with the year when it is not this one
 */
char *
_hv_recording_row_format_started (gint64 started)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (started);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  const char *format;

  if (when == NULL || now == NULL)
    return g_strdup ("");

  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    /* Translators: when a recording made today started, a g_date_time_format() format. */
    format = _("%H:%M");
  else if (g_date_time_get_year (when) == g_date_time_get_year (now))
    /* Translators: when a recording made this year started, like "28 Nov 18:30"; a
     * g_date_time_format() format. */
    format = _("%-d %b %H:%M");
  else
    /* Translators: when a recording made in another year started, like "28 Nov 2024
     * 18:30"; a g_date_time_format() format. */
    format = _("%-d %b %Y %H:%M");

  return g_date_time_format (when, format);
}

/** _hv_recording_row_format_duration: Returns: (transfer full): "1:05", or "1:02:03" from an hour */
char *
_hv_recording_row_format_duration (double seconds)
{
  guint s = seconds > 0 ? (guint) seconds : 0;

  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", s / 3600, (s / 60) % 60, s % 60);
  return g_strdup_printf ("%u:%02u", s / 60, s % 60);
}

/**
 * _hv_recording_row_short_name:
 * @prefix: (nullable): the prefix of the application's session names, "hydravisor-"
 *
 * Returns: the name of the recorded session without @prefix, like the Sessions list shows it
 */
const char *
_hv_recording_row_short_name (HvRecording *recording,
                              const char  *prefix)
{
  const char *title = hv_recording_get_title (recording);

  if (prefix != NULL && prefix[0] != '\0' && g_str_has_prefix (title, prefix) && title[strlen (prefix)] != '\0')
    return title + strlen (prefix);
  if (title[0] == '\0')
    /* Translators: the name of a recording whose session had no name. */
    return _("Unnamed Session");
  return title;
}

static void
hv_recording_row_update (HvRecordingRow *self)
{
  g_autofree char *started = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *size = NULL;
  g_autofree char *details = NULL;
  g_autofree char *tooltip = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (row_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), row_actions[i], self->recording != NULL);

  if (self->recording == NULL)
    {
      gtk_label_set_label (self->title, "");
      gtk_label_set_label (self->subtitle, "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
      return;
    }

  started = _hv_recording_row_format_started (hv_recording_get_started (self->recording));
  duration = _hv_recording_row_format_duration (hv_recording_get_duration (self->recording));
  size = g_format_size (hv_recording_get_size (self->recording));
  /* Translators: a recording's details, on two lines: when it started, then how long it
   * lasted and its size, like "28 Nov 18:30\n1:05 · 2.3 kB". */
  details = g_strdup_printf (_("%s\n%s · %s"), started, duration, size);
  /* Translators: a recording's tooltip: its session, then its file. */
  tooltip = g_strdup_printf (_("Recording of tmux session %s\n%s"),
                             hv_recording_get_title (self->recording), hv_recording_get_path (self->recording));

  gtk_label_set_label (self->title, _hv_recording_row_short_name (self->recording, self->session_prefix));
  gtk_label_set_label (self->subtitle, details);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
}

static void
show_in_folder_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autofree char *uri = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_warning ("Cannot open the folder %s: %s", uri, error->message);
}

static void
show_items_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree char *folder_uri = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply != NULL)
    return;

  /* No file manager that selects files: open the folder. */
  g_debug ("Cannot show the recording in a file manager: %s", error->message);
  g_app_info_launch_default_for_uri_async (folder_uri, NULL, NULL, show_in_folder_done,
                                           g_steal_pointer (&folder_uri));
}

/* Shows the recording selected in the file manager (the FileManager1 D-Bus interface that
 * Files and others implement), or else opens its folder. */
static void
hv_recording_row_show_in_files (HvRecordingRow *self)
{
  const char *path = hv_recording_get_path (self->recording);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *folder_uri = g_file_get_uri (folder);
  GApplication *app = g_application_get_default ();
  GDBusConnection *bus = app != NULL ? g_application_get_dbus_connection (app) : NULL;
  const char *uris[] = { uri, NULL };

  if (bus == NULL)
    {
      g_app_info_launch_default_for_uri_async (folder_uri, NULL, NULL, show_in_folder_done,
                                               g_steal_pointer (&folder_uri));
      return;
    }

  g_dbus_connection_call (bus,
                          "org.freedesktop.FileManager1",
                          "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1",
                          "ShowItems",
                          g_variant_new ("(^ass)", uris, ""),
                          NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
                          show_items_done, g_steal_pointer (&folder_uri));
}

static void
hv_recording_row_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  HvRecordingRow *self = HV_RECORDING_ROW (widget);
  const char *path;

  if (self->recording == NULL)
    return;

  path = hv_recording_get_path (self->recording);
  if (g_str_equal (action_name, "row.play"))
    gtk_widget_activate_action (widget, "win.open-recording", "s", path);
  else if (g_str_equal (action_name, "row.delete"))
    gtk_widget_activate_action (widget, "win.delete-recording", "s", path);
  else if (g_str_equal (action_name, "row.show-in-files"))
    hv_recording_row_show_in_files (self);
}

static void
hv_recording_row_dispose (GObject *object)
{
  HvRecordingRow *self = HV_RECORDING_ROW (object);
  GtkWidget *child;

  hv_recording_row_set_recording (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_RECORDING_ROW);
  /* The template removes the children it binds, not the others. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (hv_recording_row_parent_class)->dispose (object);
}

static void
hv_recording_row_finalize (GObject *object)
{
  HvRecordingRow *self = HV_RECORDING_ROW (object);

  g_free (self->session_prefix);

  G_OBJECT_CLASS (hv_recording_row_parent_class)->finalize (object);
}

static void
hv_recording_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HvRecordingRow *self = HV_RECORDING_ROW (object);

  switch (prop_id)
    {
    case PROP_RECORDING:
      g_value_set_object (value, self->recording);
      break;

    case PROP_SESSION_PREFIX:
      g_value_set_string (value, self->session_prefix);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_recording_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HvRecordingRow *self = HV_RECORDING_ROW (object);

  switch (prop_id)
    {
    case PROP_RECORDING:
      hv_recording_row_set_recording (self, g_value_get_object (value));
      break;

    case PROP_SESSION_PREFIX:
      hv_recording_row_set_session_prefix (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_recording_row_class_init (HvRecordingRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_recording_row_dispose;
  object_class->finalize = hv_recording_row_finalize;
  object_class->get_property = hv_recording_row_get_property;
  object_class->set_property = hv_recording_row_set_property;

  /**
   * HvRecordingRow:recording:
   *
   * The recording shown, or %NULL while the row is not bound to one.
   */
  properties[PROP_RECORDING] =
    g_param_spec_object ("recording", NULL, NULL,
                         HV_TYPE_RECORDING,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * HvRecordingRow:session-prefix:
   *
   * The prefix of the application's session names, left out of the title.
   */
  properties[PROP_SESSION_PREFIX] =
    g_param_spec_string ("session-prefix", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-recording-row.ui");
  gtk_widget_class_bind_template_child (widget_class, HvRecordingRow, title);
  gtk_widget_class_bind_template_child (widget_class, HvRecordingRow, subtitle);

  for (guint i = 0; i < G_N_ELEMENTS (row_actions); i++)
    gtk_widget_class_install_action (widget_class, row_actions[i], NULL, hv_recording_row_action);

  gtk_widget_class_set_css_name (widget_class, "hv-recording-row");
}

static void
hv_recording_row_init (HvRecordingRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hv_recording_row_update (self);
}

GtkWidget *
hv_recording_row_new (void)
{
  return g_object_new (HV_TYPE_RECORDING_ROW, NULL);
}

/** hv_recording_row_get_recording: Returns: (transfer none) (nullable): the recording shown */
HvRecording *
hv_recording_row_get_recording (HvRecordingRow *self)
{
  g_return_val_if_fail (HV_IS_RECORDING_ROW (self), NULL);

  return self->recording;
}

void
hv_recording_row_set_recording (HvRecordingRow *self,
                                HvRecording    *recording)
{
  g_return_if_fail (HV_IS_RECORDING_ROW (self));
  g_return_if_fail (recording == NULL || HV_IS_RECORDING (recording));

  if (self->recording == recording)
    return;

  /* A recording still being written grows: its row follows. */
  if (self->recording != NULL)
    g_signal_handlers_disconnect_by_func (self->recording, hv_recording_row_update, self);
  g_set_object (&self->recording, recording);
  if (recording != NULL)
    {
      g_signal_connect_object (recording, "notify::duration", G_CALLBACK (hv_recording_row_update), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (recording, "notify::size", G_CALLBACK (hv_recording_row_update), self,
                               G_CONNECT_SWAPPED);
    }

  hv_recording_row_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
}

const char *
hv_recording_row_get_session_prefix (HvRecordingRow *self)
{
  g_return_val_if_fail (HV_IS_RECORDING_ROW (self), NULL);

  return self->session_prefix;
}

void
hv_recording_row_set_session_prefix (HvRecordingRow *self,
                                     const char     *prefix)
{
  g_return_if_fail (HV_IS_RECORDING_ROW (self));

  if (g_strcmp0 (self->session_prefix, prefix) == 0)
    return;

  g_free (self->session_prefix);
  self->session_prefix = g_strdup (prefix);
  hv_recording_row_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_PREFIX]);
}

/** hv_recording_row_get_title: Returns: the title shown, the session's name */
const char *
hv_recording_row_get_title (HvRecordingRow *self)
{
  g_return_val_if_fail (HV_IS_RECORDING_ROW (self), NULL);

  return gtk_label_get_label (self->title);
}

/** hv_recording_row_get_subtitle: Returns: the details shown: start, then duration and size */
const char *
hv_recording_row_get_subtitle (HvRecordingRow *self)
{
  g_return_val_if_fail (HV_IS_RECORDING_ROW (self), NULL);

  return gtk_label_get_label (self->subtitle);
}
