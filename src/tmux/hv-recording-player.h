// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

#include "hv-recording.h"

G_BEGIN_DECLS

/* Plays a recording's events back in time: "output" with the bytes to feed a terminal,
 * "resize" when the recorded terminal changed size, at a chosen speed. Long idle gaps are
 * shortened to at most max-idle seconds, like `asciinema play -i`. Events due in the same
 * main-loop iteration are delivered together, so playback never floods the main loop. */

#define HV_TYPE_RECORDING_PLAYER (hv_recording_player_get_type ())

G_DECLARE_FINAL_TYPE (HvRecordingPlayer, hv_recording_player, HV, RECORDING_PLAYER, GObject)

HvRecordingPlayer *hv_recording_player_new          (GPtrArray         *events);
void               hv_recording_player_play         (HvRecordingPlayer *self);
void               hv_recording_player_pause        (HvRecordingPlayer *self);
void               hv_recording_player_restart      (HvRecordingPlayer *self);
void               hv_recording_player_seek         (HvRecordingPlayer *self,
                                                     double             position);
gboolean           hv_recording_player_get_playing  (HvRecordingPlayer *self);
gboolean           hv_recording_player_get_finished (HvRecordingPlayer *self);
double             hv_recording_player_get_position (HvRecordingPlayer *self);
double             hv_recording_player_get_duration (HvRecordingPlayer *self);
double             hv_recording_player_get_speed    (HvRecordingPlayer *self);
void               hv_recording_player_set_speed    (HvRecordingPlayer *self,
                                                     double             speed);
void               hv_recording_player_set_max_idle (HvRecordingPlayer *self,
                                                     double             seconds);

G_END_DECLS
