// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One session recording on disk (an asciicast v2 `.cast` file and its `.jsonl` twin), with
 * what a list needs to show about it. */

#define HV_TYPE_RECORDING (hv_recording_get_type ())

G_DECLARE_FINAL_TYPE (HvRecording, hv_recording, HV, RECORDING, GObject)

typedef struct {
  double time;      /* seconds since the recording started */
  char type;        /* 'o' output, 'r' resize, 'i' input */
  char *data;
} HvRecordingEvent;

const char *hv_recording_get_path       (HvRecording  *self);
const char *hv_recording_get_title      (HvRecording  *self);
gint64      hv_recording_get_started    (HvRecording  *self);
guint       hv_recording_get_width      (HvRecording  *self);
guint       hv_recording_get_height     (HvRecording  *self);
double      hv_recording_get_duration   (HvRecording  *self);
guint64     hv_recording_get_size       (HvRecording  *self);

HvRecording *hv_recording_new_for_path  (const char   *path,
                                         GError      **error);
void         hv_recording_new_for_path_async  (const char          *path,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
HvRecording *hv_recording_new_for_path_finish (GAsyncResult        *result,
                                               GError             **error);
gboolean     hv_recording_update_from   (HvRecording  *self,
                                         HvRecording  *fresh);

void        hv_recording_list_async     (const char          *dir,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GListModel *hv_recording_list_finish    (GAsyncResult        *result,
                                         GError             **error);

void        hv_recording_load_events_async  (HvRecording         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray  *hv_recording_load_events_finish (HvRecording         *self,
                                             GAsyncResult        *result,
                                             GError             **error);

void        hv_recording_delete_files_async  (const char          *path,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean    hv_recording_delete_files_finish (GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
