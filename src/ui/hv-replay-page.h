// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "hv-recording.h"

G_BEGIN_DECLS

/* A read-only terminal tab that plays a session recording back in time, with play/pause,
 * restart, a position bar to seek and a speed, so a person can watch what an agent did.
 * The terminal keeps the recorded size (it scrolls when the tab is smaller). */

#define HV_TYPE_REPLAY_PAGE (hv_replay_page_get_type ())

G_DECLARE_FINAL_TYPE (HvReplayPage, hv_replay_page, HV, REPLAY_PAGE, GtkWidget)

HvReplayPage *hv_replay_page_new           (HvRecording  *recording,
                                            const char   *session_prefix);
HvRecording  *hv_replay_page_get_recording (HvReplayPage *self);
char         *hv_replay_page_dup_title     (HvReplayPage *self);
GtkWidget    *hv_replay_page_get_terminal  (HvReplayPage *self);
gboolean      hv_replay_page_get_loading   (HvReplayPage *self);
gboolean      hv_replay_page_get_playing   (HvReplayPage *self);
gboolean      hv_replay_page_get_finished  (HvReplayPage *self);
double        hv_replay_page_get_position  (HvReplayPage *self);
void          hv_replay_page_seek          (HvReplayPage *self,
                                            double        position);

G_END_DECLS
