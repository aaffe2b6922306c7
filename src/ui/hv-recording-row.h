// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "hv-recording.h"

G_BEGIN_DECLS

/* A row of the recordings list: the session's name, when it started, how long it lasted
 * and its size, with a menu to play it, show it in Files or delete it. Rows of a list
 * view are reused: the recording shown changes. */

#define HV_TYPE_RECORDING_ROW (hv_recording_row_get_type ())

G_DECLARE_FINAL_TYPE (HvRecordingRow, hv_recording_row, HV, RECORDING_ROW, GtkWidget)

GtkWidget   *hv_recording_row_new                (void);
HvRecording *hv_recording_row_get_recording      (HvRecordingRow *self);
void         hv_recording_row_set_recording      (HvRecordingRow *self,
                                                  HvRecording    *recording);
const char  *hv_recording_row_get_session_prefix (HvRecordingRow *self);
void         hv_recording_row_set_session_prefix (HvRecordingRow *self,
                                                  const char     *prefix);
const char  *hv_recording_row_get_title          (HvRecordingRow *self);
const char  *hv_recording_row_get_subtitle       (HvRecordingRow *self);

G_END_DECLS
