// SPDX-License-Identifier: GPL-3.0-or-later
/* The reference for the startup benchmark: a bare AdwApplicationWindow of the same size,
 * built in the same tree with the same flags, reporting its first frame the same way. */
#include "config.h"

#include <adwaita.h>

#include "hv-first-frame.h"

static void
activate (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));

  gtk_window_set_title (GTK_WINDOW (window), "Bare");
  gtk_window_set_default_size (GTK_WINDOW (window), 1180, 760);
  hv_first_frame_watch (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = adw_application_new ("io.github.hydravisor.BareWindow", G_APPLICATION_DEFAULT_FLAGS);

  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
