// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-test-fixture.h"
#include "hv-ui-test.h"

void
hv_ui_test_save_screenshot (GtkWidget  *widget,
                            const char *name)
{
  const char *dir = g_getenv ("HV_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width = 0, height = 0;

  /* Snapshot right after a frame: a widget whose size changed since the last layout has no
   * current allocation and cannot be drawn (GTK warns, and the node is missing). */
  for (guint attempt = 0; node == NULL && attempt < 10; attempt++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      hv_ui_test_wait_frames (widget, 1);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir ? dir : ".", name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

void
hv_ui_test_wait_frames (GtkWidget *widget,
                        guint      n)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  for (guint i = 0; i < n; i++)
    {
      gint64 frame = gdk_frame_clock_get_frame_counter (clock);

      /* An idle window draws one frame per request. */
      gtk_widget_queue_draw (widget);
      HV_TEST_WAIT_FOR (gdk_frame_clock_get_frame_counter (clock) > frame, 5000);
    }
}
