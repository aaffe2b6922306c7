// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <stdio.h>

#include "hv-first-frame.h"

static void
on_after_paint (GdkFrameClock *clock,
                GtkWindow     *window)
{
  g_autofree char *status = NULL;
  GApplication *app;
  const char *line;
  guint64 rss_kb = 0;
  gint64 now = g_get_monotonic_time ();

  g_signal_handlers_disconnect_by_func (clock, on_after_paint, window);

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (line = strstr (status, "\nVmRSS:")) != NULL)
    rss_kb = g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);

  printf ("first-frame-us %" G_GINT64_FORMAT " rss-kb %" G_GUINT64_FORMAT "\n", now, rss_kb);
  fflush (stdout);

  app = G_APPLICATION (gtk_window_get_application (window));
  if (app != NULL)
    g_application_quit (app);
}

static void
on_map (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  g_signal_handlers_disconnect_by_func (widget, on_map, NULL);
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_after_paint), widget, 0);
}

void
hv_first_frame_watch (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

  if (g_getenv ("HYDRAVISOR_EXIT_AFTER_FIRST_FRAME") == NULL)
    return;
  g_signal_connect (window, "map", G_CALLBACK (on_map), NULL);
}
