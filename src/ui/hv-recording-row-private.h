// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hv-recording-row.h"

G_BEGIN_DECLS

/* How recordings are described in the list and in their replay tabs. */
char       *_hv_recording_row_format_started  (gint64       started);
char       *_hv_recording_row_format_duration (double       seconds);
const char *_hv_recording_row_short_name      (HvRecording *recording,
                                               const char  *prefix);

G_END_DECLS
