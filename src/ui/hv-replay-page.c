// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <vte/vte.h>

#include "hv-recording-player.h"
#include "hv-recording-row-private.h"
#include "hv-replay-page.h"
#include "hv-terminal-page-private.h"

/* How often the position moves on while playing. */
#define POSITION_INTERVAL_MS 200
/* Dragging the position bar seeks at most this often. */
#define SEEK_DELAY_MS 50
/* Longer pauses are shortened to this, like `asciinema play -i 2`: agents wait a lot. */
#define MAX_IDLE_S 2.0

struct _HvReplayPage
{
  GtkWidget          parent_instance;

  HvRecording       *recording;
  char              *session_prefix;
  HvRecordingPlayer *player;
  GCancellable      *cancellable;
  GSettings         *interface_settings;
  guint              position_source;
  guint              seek_source;
  double             seek_target;
  gboolean           loading;
  gboolean           playing;
  gboolean           finished;

  /* Template widgets */
  GtkButton         *play_button;
  GtkRange          *scale;
  GtkLabel          *position;
  GtkDropDown       *speed;
  GtkStack          *stack;
  AdwStatusPage     *error_page;
  VteTerminal       *terminal;
};

G_DEFINE_FINAL_TYPE (HvReplayPage, hv_replay_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RECORDING,
  PROP_SESSION_PREFIX,
  PROP_LOADING,
  PROP_PLAYING,
  PROP_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const double speeds[] = { 0.5, 1, 2, 4, 8 };

static void
hv_replay_page_update_position (HvReplayPage *self)
{
  g_autofree char *now = NULL;
  g_autofree char *total = NULL;
  g_autofree char *text = NULL;
  double duration, position;

  if (self->player == NULL)
    return;

  duration = hv_recording_player_get_duration (self->player);
  position = CLAMP (hv_recording_player_get_position (self->player), 0, duration);
  now = _hv_recording_row_format_duration (position);
  total = _hv_recording_row_format_duration (duration);
  /* Translators: the position in a recording being played, and its length: "0:12 / 1:05". */
  text = g_strdup_printf (_("%s / %s"), now, total);
  gtk_label_set_label (self->position, text);

  /* While a seek is pending the bar shows where it goes. */
  if (self->seek_source == 0)
    gtk_range_set_value (self->scale, position);
}

static gboolean
hv_replay_page_position_tick (gpointer data)
{
  hv_replay_page_update_position (data);
  return G_SOURCE_CONTINUE;
}

static void
hv_replay_page_update_playing (HvReplayPage *self)
{
  gboolean playing = self->player != NULL && hv_recording_player_get_playing (self->player);
  gboolean finished = self->player != NULL && hv_recording_player_get_finished (self->player);

  if (playing)
    {
      gtk_button_set_icon_name (self->play_button, "media-playback-pause-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), _("Pause (Space)"));
    }
  else if (finished)
    {
      gtk_button_set_icon_name (self->play_button, "media-playlist-repeat-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), _("Play Again (Space)"));
    }
  else
    {
      gtk_button_set_icon_name (self->play_button, "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), _("Play (Space)"));
    }

  g_clear_handle_id (&self->position_source, g_source_remove);
  if (playing)
    self->position_source = g_timeout_add (POSITION_INTERVAL_MS, hv_replay_page_position_tick, self);
  hv_replay_page_update_position (self);

  if (self->playing != playing)
    {
      self->playing = playing;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
    }
  if (self->finished != finished)
    {
      self->finished = finished;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
    }
}

static void
hv_replay_page_output (HvReplayPage      *self,
                       const char        *data,
                       HvRecordingPlayer *player)
{
  vte_terminal_feed (self->terminal, data, -1);
}

static void
hv_replay_page_resize (HvReplayPage      *self,
                       guint              cols,
                       guint              rows,
                       HvRecordingPlayer *player)
{
  vte_terminal_set_size (self->terminal, cols, rows);
}

/* Back to the start: a clear terminal at the size the recording started with. A full
 * reset and an erase of the scrollback, fed in line with the output: VTE 0.70's
 * vte_terminal_reset() keeps the screen of a terminal whose input is off. */
static void
hv_replay_page_reset (HvReplayPage      *self,
                      HvRecordingPlayer *player)
{
  vte_terminal_feed (self->terminal, "\033c\033[3J", -1);
  vte_terminal_set_size (self->terminal, hv_recording_get_width (self->recording),
                         hv_recording_get_height (self->recording));
}

static void
hv_replay_page_speed_selected (HvReplayPage *self)
{
  guint i = gtk_drop_down_get_selected (self->speed);

  if (self->player != NULL && i < G_N_ELEMENTS (speeds))
    hv_recording_player_set_speed (self->player, speeds[i]);
}

static gboolean
hv_replay_page_seek_cb (gpointer data)
{
  HvReplayPage *self = data;

  self->seek_source = 0;
  if (self->player != NULL)
    hv_recording_player_seek (self->player, self->seek_target);
  hv_replay_page_update_position (self);
  return G_SOURCE_REMOVE;
}

static gboolean
hv_replay_page_scale_change_value (HvReplayPage  *self,
                                   GtkScrollType  scroll,
                                   double         value,
                                   GtkRange      *range)
{
  if (self->player == NULL)
    return TRUE;

  self->seek_target = CLAMP (value, 0, hv_recording_player_get_duration (self->player));
  gtk_range_set_value (range, self->seek_target);
  if (self->seek_source == 0)
    self->seek_source = g_timeout_add (SEEK_DELAY_MS, hv_replay_page_seek_cb, self);
  return TRUE;
}

static void
hv_replay_page_set_loading (HvReplayPage *self,
                            gboolean      loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
hv_replay_page_events_loaded (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(HvReplayPage) self = user_data;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  events = hv_recording_load_events_finish (HV_RECORDING (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  hv_replay_page_set_loading (self, FALSE);
  if (events == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  if (events->len == 0)
    {
      adw_status_page_set_icon_name (self->error_page, "utilities-terminal-symbolic");
      adw_status_page_set_title (self->error_page, _("Nothing Was Recorded"));
      adw_status_page_set_description (self->error_page, _("The session printed nothing while it was recorded."));
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  self->player = hv_recording_player_new (events);
  hv_recording_player_set_max_idle (self->player, MAX_IDLE_S);
  if (hv_recording_get_duration (self->recording) - hv_recording_player_get_duration (self->player) >= 1)
    {
      g_autofree char *lasted = _hv_recording_row_format_duration (hv_recording_get_duration (self->recording));
      /* Translators: %s is how long the recorded session lasted, like "1:05". */
      g_autofree char *tooltip = g_strdup_printf (_("Pauses longer than 2 seconds are shortened; the session lasted %s"),
                                                  lasted);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->position), tooltip);
    }
  g_signal_connect_object (self->player, "output", G_CALLBACK (hv_replay_page_output), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "resize", G_CALLBACK (hv_replay_page_resize), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "reset", G_CALLBACK (hv_replay_page_reset), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::playing", G_CALLBACK (hv_replay_page_update_playing), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::finished", G_CALLBACK (hv_replay_page_update_playing), self,
                           G_CONNECT_SWAPPED);
  hv_replay_page_speed_selected (self);

  gtk_range_set_range (self->scale, 0, MAX (hv_recording_player_get_duration (self->player), 0.001));
  gtk_widget_set_sensitive (GTK_WIDGET (self->scale), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "terminal");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "replay.restart", TRUE);
  hv_recording_player_play (self->player);
  hv_replay_page_update_playing (self);
}

static void
hv_replay_page_toggle_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  HvReplayPage *self = HV_REPLAY_PAGE (widget);

  if (self->player == NULL)
    return;

  if (hv_recording_player_get_playing (self->player))
    hv_recording_player_pause (self->player);
  else if (hv_recording_player_get_finished (self->player))
    hv_recording_player_restart (self->player);
  else
    hv_recording_player_play (self->player);
}

static void
hv_replay_page_restart_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  HvReplayPage *self = HV_REPLAY_PAGE (widget);

  if (self->player != NULL)
    hv_recording_player_restart (self->player);
}

static void
hv_replay_page_update_colors (HvReplayPage *self)
{
  if (self->terminal != NULL)
    _hv_terminal_page_set_colors (self->terminal);
}

static void
hv_replay_page_update_font (HvReplayPage *self)
{
  if (self->terminal != NULL)
    _hv_terminal_page_set_font (self->terminal, self->interface_settings);
}

/* The keyboard goes to the play button: Space plays and pauses. */
static gboolean
hv_replay_page_grab_focus (GtkWidget *widget)
{
  HvReplayPage *self = HV_REPLAY_PAGE (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->play_button));
}

static void
hv_replay_page_constructed (GObject *object)
{
  HvReplayPage *self = HV_REPLAY_PAGE (object);

  G_OBJECT_CLASS (hv_replay_page_parent_class)->constructed (object);

  g_assert (HV_IS_RECORDING (self->recording));

  vte_terminal_set_size (self->terminal, hv_recording_get_width (self->recording),
                         hv_recording_get_height (self->recording));
  hv_recording_load_events_async (self->recording, self->cancellable, hv_replay_page_events_loaded,
                                  g_object_ref (self));
}

static void
hv_replay_page_dispose (GObject *object)
{
  HvReplayPage *self = HV_REPLAY_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->position_source, g_source_remove);
  g_clear_handle_id (&self->seek_source, g_source_remove);
  if (self->player != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->player, self);
      hv_recording_player_pause (self->player);
    }
  g_clear_object (&self->player);
  g_clear_object (&self->interface_settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_REPLAY_PAGE);
  /* The template removes the children it binds, not the others. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (hv_replay_page_parent_class)->dispose (object);
}

static void
hv_replay_page_finalize (GObject *object)
{
  HvReplayPage *self = HV_REPLAY_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->recording);
  g_free (self->session_prefix);

  G_OBJECT_CLASS (hv_replay_page_parent_class)->finalize (object);
}

static void
hv_replay_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HvReplayPage *self = HV_REPLAY_PAGE (object);

  switch (prop_id)
    {
    case PROP_RECORDING:
      g_value_set_object (value, self->recording);
      break;

    case PROP_SESSION_PREFIX:
      g_value_set_string (value, self->session_prefix);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_PLAYING:
      g_value_set_boolean (value, hv_replay_page_get_playing (self));
      break;

    case PROP_FINISHED:
      g_value_set_boolean (value, hv_replay_page_get_finished (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_replay_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HvReplayPage *self = HV_REPLAY_PAGE (object);

  switch (prop_id)
    {
    case PROP_RECORDING:
      self->recording = g_value_dup_object (value);
      break;

    case PROP_SESSION_PREFIX:
      self->session_prefix = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_replay_page_class_init (HvReplayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hv_replay_page_constructed;
  object_class->dispose = hv_replay_page_dispose;
  object_class->finalize = hv_replay_page_finalize;
  object_class->get_property = hv_replay_page_get_property;
  object_class->set_property = hv_replay_page_set_property;
  widget_class->grab_focus = hv_replay_page_grab_focus;

  properties[PROP_RECORDING] =
    g_param_spec_object ("recording", NULL, NULL,
                         HV_TYPE_RECORDING,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * HvReplayPage:session-prefix:
   *
   * The prefix of the application's session names, left out of the title.
   */
  properties[PROP_SESSION_PREFIX] =
    g_param_spec_string ("session-prefix", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * HvReplayPage:loading:
   *
   * Whether the recording is still being read.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VTE_TYPE_TERMINAL);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-replay-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HvReplayPage, play_button);
  gtk_widget_class_bind_template_child (widget_class, HvReplayPage, scale);
  gtk_widget_class_bind_template_child (widget_class, HvReplayPage, position);
  gtk_widget_class_bind_template_child (widget_class, HvReplayPage, speed);
  gtk_widget_class_bind_template_child (widget_class, HvReplayPage, stack);
  gtk_widget_class_bind_template_child (widget_class, HvReplayPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, HvReplayPage, terminal);
  gtk_widget_class_bind_template_callback (widget_class, hv_replay_page_scale_change_value);

  gtk_widget_class_install_action (widget_class, "replay.toggle", NULL, hv_replay_page_toggle_action);
  gtk_widget_class_install_action (widget_class, "replay.restart", NULL, hv_replay_page_restart_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "replay.toggle", NULL);

  gtk_widget_class_set_css_name (widget_class, "hv-replay-page");
}

static void
hv_replay_page_init (HvReplayPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->loading = TRUE;
  self->cancellable = g_cancellable_new ();
  /* Play/pause stays enabled while the recording is read (it starts playing by itself
   * then), so that the keyboard can be on it from the start. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "replay.restart", FALSE);
  g_signal_connect_object (self->speed, "notify::selected", G_CALLBACK (hv_replay_page_speed_selected), self,
                           G_CONNECT_SWAPPED);

  /* It looks like the terminal tabs. */
  self->interface_settings = _hv_terminal_page_interface_settings_new ();
  if (self->interface_settings != NULL)
    g_signal_connect_object (self->interface_settings, "changed::monospace-font-name",
                             G_CALLBACK (hv_replay_page_update_font), self, G_CONNECT_SWAPPED);
  hv_replay_page_update_font (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (hv_replay_page_update_colors), self, G_CONNECT_SWAPPED);
  hv_replay_page_update_colors (self);
}

/**
 * hv_replay_page_new:
 * @recording: the recording to play
 * @session_prefix: (nullable): the prefix of the application's session names, left out of
 *   the title
 *
 * Returns: (transfer floating): a page that reads @recording and plays it once read
 */
HvReplayPage *
hv_replay_page_new (HvRecording *recording,
                    const char  *session_prefix)
{
  g_return_val_if_fail (HV_IS_RECORDING (recording), NULL);

  return g_object_new (HV_TYPE_REPLAY_PAGE,
                       "recording", recording,
                       "session-prefix", session_prefix,
                       NULL);
}

/** hv_replay_page_get_recording: Returns: (transfer none): the recording played */
HvRecording *
hv_replay_page_get_recording (HvReplayPage *self)
{
  g_return_val_if_fail (HV_IS_REPLAY_PAGE (self), NULL);

  return self->recording;
}

/** hv_replay_page_dup_title: Returns: (transfer full): "Replay of work, 28 Nov 18:30" for its tab */
char *
hv_replay_page_dup_title (HvReplayPage *self)
{
  g_autofree char *started = NULL;

  g_return_val_if_fail (HV_IS_REPLAY_PAGE (self), NULL);

  started = _hv_recording_row_format_started (hv_recording_get_started (self->recording));
  /* Translators: the title of a tab playing a recording: the session, when it started. */
  return g_strdup_printf (_("Replay of %s, %s"),
                          _hv_recording_row_short_name (self->recording, self->session_prefix), started);
}

/** hv_replay_page_get_terminal: Returns: (transfer none): the #VteTerminal playing the recording */
GtkWidget *
hv_replay_page_get_terminal (HvReplayPage *self)
{
  g_return_val_if_fail (HV_IS_REPLAY_PAGE (self), NULL);

  return GTK_WIDGET (self->terminal);
}

gboolean
hv_replay_page_get_loading (HvReplayPage *self)
{
  g_return_val_if_fail (HV_IS_REPLAY_PAGE (self), FALSE);

  return self->loading;
}

gboolean
hv_replay_page_get_playing (HvReplayPage *self)
{
  g_return_val_if_fail (HV_IS_REPLAY_PAGE (self), FALSE);

  return self->player != NULL && hv_recording_player_get_playing (self->player);
}

gboolean
hv_replay_page_get_finished (HvReplayPage *self)
{
  g_return_val_if_fail (HV_IS_REPLAY_PAGE (self), FALSE);

  return self->player != NULL && hv_recording_player_get_finished (self->player);
}

/** hv_replay_page_get_position: Returns: the playback time reached, in seconds */
double
hv_replay_page_get_position (HvReplayPage *self)
{
  g_return_val_if_fail (HV_IS_REPLAY_PAGE (self), 0);

  return self->player != NULL ? hv_recording_player_get_position (self->player) : 0;
}

/** hv_replay_page_seek: goes to @position seconds, as dragging the position bar does */
void
hv_replay_page_seek (HvReplayPage *self,
                     double        position)
{
  g_return_if_fail (HV_IS_REPLAY_PAGE (self));

  if (self->player == NULL)
    return;

  g_clear_handle_id (&self->seek_source, g_source_remove);
  hv_recording_player_seek (self->player, position);
  hv_replay_page_update_position (self);
}
