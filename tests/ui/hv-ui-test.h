// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Helpers shared by the UI tests (they need GTK, unlike tests/hv-test-fixture.h). */

/* Renders @widget as it is on screen into HV_SCREENSHOT_DIR/@name (a PNG). */
void hv_ui_test_save_screenshot (GtkWidget  *widget,
                                 const char *name);

/* Iterates the main loop until @widget's window has drawn @n more frames. */
void hv_ui_test_wait_frames     (GtkWidget  *widget,
                                 guint       n);

G_END_DECLS
