// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "hv-recording.h"

G_BEGIN_DECLS

/* The recordings of a folder, newest first, each with its session's name, start, duration
 * and size, or an empty state. It follows the folder (a file monitor; a recording still
 * being written updates its row) and reads the files on a worker thread, from the first
 * time it is shown. Activating a row plays the recording (win.open-recording). */

#define HV_TYPE_RECORDINGS_LIST (hv_recordings_list_get_type ())

G_DECLARE_FINAL_TYPE (HvRecordingsList, hv_recordings_list, HV, RECORDINGS_LIST, GtkWidget)

const char  *hv_recordings_list_get_folder         (HvRecordingsList *self);
void         hv_recordings_list_set_folder         (HvRecordingsList *self,
                                                    const char       *folder);
const char  *hv_recordings_list_get_session_prefix (HvRecordingsList *self);
void         hv_recordings_list_set_session_prefix (HvRecordingsList *self,
                                                    const char       *prefix);
GListModel  *hv_recordings_list_get_model          (HvRecordingsList *self);
gboolean     hv_recordings_list_get_loaded         (HvRecordingsList *self);
HvRecording *hv_recordings_list_lookup             (HvRecordingsList *self,
                                                    const char       *path);
void         hv_recordings_list_reload             (HvRecordingsList *self);

G_END_DECLS
