// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <stdio.h>

#include "hv-recording-player.h"

struct _HvRecordingPlayer
{
  GObject parent_instance;

  GPtrArray *events;       /* HvRecordingEvent*, as recorded */
  double *schedule;        /* each event's playback time, idle gaps shortened */
  guint next;              /* index of the next event to deliver */
  double position;         /* recording time reached, seconds */
  double speed;
  double max_idle;
  gint64 resumed_at;       /* monotonic µs when playing (re)started */
  double resumed_position;
  guint timeout;
};

G_DEFINE_FINAL_TYPE (HvRecordingPlayer, hv_recording_player, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PLAYING,
  PROP_FINISHED,
  PROP_POSITION,
  PROP_SPEED,
  N_PROPS
};

enum {
  OUTPUT,
  RESIZE,
  RESET,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static double
event_time (HvRecordingPlayer *self,
            guint              index)
{
  return self->schedule[index];
}

/* Recording time now, following the wall clock since playback resumed. */
static double
current_position (HvRecordingPlayer *self)
{
  if (self->timeout == 0)
    return self->position;
  return self->resumed_position + (g_get_monotonic_time () - self->resumed_at) / 1e6 * self->speed;
}

static void schedule (HvRecordingPlayer *self);

/* Delivers the events due by @until (playback time): output batched, each resize on its
 * own between the output before and after it. */
static void
deliver_until (HvRecordingPlayer *self,
               double             until)
{
  g_autoptr(GString) batch = g_string_new (NULL);

  while (self->next < self->events->len && event_time (self, self->next) <= until)
    {
      HvRecordingEvent *event = g_ptr_array_index (self->events, self->next++);

      if (event->type == 'o')
        g_string_append (batch, event->data);
      else if (event->type == 'r')
        {
          guint cols = 0, rows = 0;

          /* Output before a resize is drawn at the old size. */
          if (batch->len > 0)
            {
              g_signal_emit (self, signals[OUTPUT], 0, batch->str);
              g_string_truncate (batch, 0);
            }
          if (sscanf (event->data, "%ux%u", &cols, &rows) == 2 && cols > 0 && rows > 0)
            g_signal_emit (self, signals[RESIZE], 0, cols, rows);
        }
    }
  if (batch->len > 0)
    g_signal_emit (self, signals[OUTPUT], 0, batch->str);
}

static gboolean
tick (gpointer data)
{
  HvRecordingPlayer *self = data;
  double now;

  self->timeout = 0;
  now = self->resumed_position + (g_get_monotonic_time () - self->resumed_at) / 1e6 * self->speed;

  deliver_until (self, now);

  self->position = MIN (now, hv_recording_player_get_duration (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);

  if (self->next >= self->events->len)
    {
      self->position = hv_recording_player_get_duration (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
      return G_SOURCE_REMOVE;
    }
  schedule (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (HvRecordingPlayer *self)
{
  double wait = (event_time (self, self->next) - self->resumed_position) / self->speed;
  gint64 due = self->resumed_at + (gint64) (wait * 1e6);
  gint64 delay_ms = MAX (0, (due - g_get_monotonic_time ()) / 1000);

  /* At most one wake-up per frame while events are dense. */
  self->timeout = g_timeout_add ((guint) MAX (delay_ms, 16), tick, self);
}

/**
 * hv_recording_player_new:
 * @events: (transfer none) (element-type HvRecordingEvent): from hv_recording_load_events_finish()
 */
HvRecordingPlayer *
hv_recording_player_new (GPtrArray *events)
{
  HvRecordingPlayer *self;

  g_return_val_if_fail (events != NULL, NULL);

  self = g_object_new (HV_TYPE_RECORDING_PLAYER, NULL);
  self->events = g_ptr_array_ref (events);
  hv_recording_player_set_max_idle (self, 2.0);
  return self;
}

void
hv_recording_player_play (HvRecordingPlayer *self)
{
  g_return_if_fail (HV_IS_RECORDING_PLAYER (self));

  if (self->timeout != 0 || self->next >= self->events->len)
    return;
  self->resumed_at = g_get_monotonic_time ();
  self->resumed_position = self->position;
  schedule (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

void
hv_recording_player_pause (HvRecordingPlayer *self)
{
  g_return_if_fail (HV_IS_RECORDING_PLAYER (self));

  if (self->timeout == 0)
    return;
  self->position = MIN (current_position (self), hv_recording_player_get_duration (self));
  g_clear_handle_id (&self->timeout, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

/** hv_recording_player_restart: back to the start; "reset" tells the view to clear */
void
hv_recording_player_restart (HvRecordingPlayer *self)
{
  gboolean was_playing;

  g_return_if_fail (HV_IS_RECORDING_PLAYER (self));

  was_playing = self->timeout != 0;
  g_clear_handle_id (&self->timeout, g_source_remove);
  self->next = 0;
  self->position = 0;
  g_signal_emit (self, signals[RESET], 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
  if (!was_playing)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
  hv_recording_player_play (self);
}

/**
 * hv_recording_player_seek:
 * @position: the playback time to go to, from 0 to the duration
 *
 * Jumps to @position: forwards, the events up to it are delivered at once; backwards,
 * "reset" clears the view and the events from the start up to it are delivered. Playback
 * goes on from there if it was playing.
 */
void
hv_recording_player_seek (HvRecordingPlayer *self,
                          double             position)
{
  gboolean was_playing, was_finished;

  g_return_if_fail (HV_IS_RECORDING_PLAYER (self));

  position = CLAMP (position, 0, hv_recording_player_get_duration (self));
  was_playing = self->timeout != 0;
  was_finished = hv_recording_player_get_finished (self);
  if (was_playing)
    self->position = current_position (self);
  g_clear_handle_id (&self->timeout, g_source_remove);

  if (position < self->position)
    {
      self->next = 0;
      g_signal_emit (self, signals[RESET], 0);
    }
  deliver_until (self, position);
  self->position = position;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
  if (was_finished != hv_recording_player_get_finished (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
  if (was_playing && self->next < self->events->len)
    {
      self->resumed_at = g_get_monotonic_time ();
      self->resumed_position = self->position;
      schedule (self);
    }
  else if (was_playing)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
hv_recording_player_get_playing (HvRecordingPlayer *self)
{
  g_return_val_if_fail (HV_IS_RECORDING_PLAYER (self), FALSE);
  return self->timeout != 0;
}

gboolean
hv_recording_player_get_finished (HvRecordingPlayer *self)
{
  g_return_val_if_fail (HV_IS_RECORDING_PLAYER (self), FALSE);
  return self->next >= self->events->len;
}

double
hv_recording_player_get_position (HvRecordingPlayer *self)
{
  g_return_val_if_fail (HV_IS_RECORDING_PLAYER (self), 0);
  return current_position (self);
}

/** hv_recording_player_get_duration: Returns: playing time at speed 1, idle gaps shortened */
double
hv_recording_player_get_duration (HvRecordingPlayer *self)
{
  g_return_val_if_fail (HV_IS_RECORDING_PLAYER (self), 0);
  return self->events->len ? event_time (self, self->events->len - 1) : 0;
}

double
hv_recording_player_get_speed (HvRecordingPlayer *self)
{
  g_return_val_if_fail (HV_IS_RECORDING_PLAYER (self), 1);
  return self->speed;
}

/** hv_recording_player_set_speed: @speed: 0.25 to 16; 1 is real time */
void
hv_recording_player_set_speed (HvRecordingPlayer *self,
                               double             speed)
{
  gboolean playing;

  g_return_if_fail (HV_IS_RECORDING_PLAYER (self));

  speed = CLAMP (speed, 0.25, 16.0);
  if (speed == self->speed)
    return;
  playing = self->timeout != 0;
  if (playing)
    hv_recording_player_pause (self);
  self->speed = speed;
  if (playing)
    hv_recording_player_play (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

/**
 * hv_recording_player_set_max_idle:
 * @seconds: the longest pause kept between two events; 0 keeps every pause
 *
 * Call before playing.
 */
void
hv_recording_player_set_max_idle (HvRecordingPlayer *self,
                                  double             seconds)
{
  double shift = 0;
  double previous = 0;

  g_return_if_fail (HV_IS_RECORDING_PLAYER (self));

  self->max_idle = seconds;
  g_free (self->schedule);
  self->schedule = g_new0 (double, MAX (self->events->len, 1));
  for (guint i = 0; i < self->events->len; i++)
    {
      double t = ((HvRecordingEvent *) g_ptr_array_index (self->events, i))->time;

      if (seconds > 0 && t - previous > seconds)
        shift += t - previous - seconds;
      self->schedule[i] = t - shift;
      previous = t;
    }
}

static void
hv_recording_player_dispose (GObject *object)
{
  HvRecordingPlayer *self = HV_RECORDING_PLAYER (object);

  g_clear_handle_id (&self->timeout, g_source_remove);

  G_OBJECT_CLASS (hv_recording_player_parent_class)->dispose (object);
}

static void
hv_recording_player_finalize (GObject *object)
{
  HvRecordingPlayer *self = HV_RECORDING_PLAYER (object);

  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_free (self->schedule);

  G_OBJECT_CLASS (hv_recording_player_parent_class)->finalize (object);
}

static void
hv_recording_player_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HvRecordingPlayer *self = HV_RECORDING_PLAYER (object);

  switch (prop_id)
    {
    case PROP_PLAYING: g_value_set_boolean (value, hv_recording_player_get_playing (self)); break;
    case PROP_FINISHED: g_value_set_boolean (value, hv_recording_player_get_finished (self)); break;
    case PROP_POSITION: g_value_set_double (value, hv_recording_player_get_position (self)); break;
    case PROP_SPEED: g_value_set_double (value, self->speed); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_recording_player_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_SPEED: hv_recording_player_set_speed (HV_RECORDING_PLAYER (object), g_value_get_double (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_recording_player_class_init (HvRecordingPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = hv_recording_player_dispose;
  object_class->finalize = hv_recording_player_finalize;
  object_class->get_property = hv_recording_player_get_property;
  object_class->set_property = hv_recording_player_set_property;

  properties[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE, ro);
  properties[PROP_FINISHED] = g_param_spec_boolean ("finished", NULL, NULL, FALSE, ro);
  properties[PROP_POSITION] = g_param_spec_double ("position", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_SPEED] = g_param_spec_double ("speed", NULL, NULL, 0.25, 16, 1,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[OUTPUT] = g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[RESIZE] = g_signal_new ("resize", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);
}

static void
hv_recording_player_init (HvRecordingPlayer *self)
{
  self->speed = 1.0;
}
