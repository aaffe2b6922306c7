// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The startup benchmark's probe, shared by Hydravisor and the bare reference window:
 * when HYDRAVISOR_EXIT_AFTER_FIRST_FRAME is set, the first frame @window paints prints
 * `first-frame-us <CLOCK_MONOTONIC µs> rss-kb <VmRSS>` on stdout and quits the
 * application. Does nothing when the variable is unset. */
void hv_first_frame_watch (GtkWindow *window);

G_END_DECLS
