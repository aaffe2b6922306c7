// SPDX-License-Identifier: GPL-3.0-or-later
/* New terminal tab latency, in the real application and window (run under Xvfb):
 *
 * from the moment New Terminal (win.new-terminal) asks tmux for a session until its tab is
 * visible and attached: the tab is mapped, its terminal shows the session (tmux has drawn
 * into it) and tmux counts its client (n-clients ≥ 1; Hydravisor's control client is not
 * counted). 20 times, each session killed before the next; the first session of the run,
 * which also starts the tmux server, is reported apart.
 *
 * Target: median under 150 ms. Prints each figure and the median; exits 1 on a miss. */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>

#include "hv-application.h"
#include "hv-terminal-page.h"
#include "hv-test-fixture.h"
#include "hv-window.h"

#define ITERATIONS 20
#define TARGET_MS 150.0
#define TIMEOUT_MS 10000

static HvApplication *app;

typedef struct {
  double visible_ms;    /* the tab is mapped */
  double contents_ms;   /* its terminal shows what tmux drew */
  double attached_ms;   /* tmux counts its client */
  double total_ms;      /* all three */
} Sample;

static gboolean
window_mapped (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  return HV_IS_WINDOW (window) && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
         gtk_widget_get_width (GTK_WIDGET (window)) > 0;
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

static HvTerminalPage *
only_terminal (AdwTabView *view)
{
  if (adw_tab_view_get_n_pages (view) != 1)
    return NULL;
  return HV_TERMINAL_PAGE (adw_tab_page_get_child (adw_tab_view_get_nth_page (view, 0)));
}

static gboolean
terminal_has_text (HvTerminalPage *page)
{
  g_autofree char *text = vte_terminal_get_text (hv_terminal_page_get_terminal (page), NULL, NULL, NULL);

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return TRUE;
  return FALSE;
}

static gboolean
measure_one (HvWindow *window,
             Sample   *sample)
{
  AdwTabView *view = hv_window_get_tab_view (window);
  gint64 start, deadline;
  gint64 visible = 0, contents = 0, attached = 0;
  HvTerminalPage *page = NULL;

  g_assert (adw_tab_view_get_n_pages (view) == 0);

  start = g_get_monotonic_time ();
  if (!gtk_widget_activate_action (GTK_WIDGET (window), "win.new-terminal", NULL))
    return FALSE;

  deadline = start + (gint64) TIMEOUT_MS * 1000;
  while (visible == 0 || contents == 0 || attached == 0)
    {
      gint64 now;

      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (200);
      now = g_get_monotonic_time ();
      if (now > deadline)
        {
          fprintf (stderr, "timed out: visible %d, contents %d, attached %d\n",
                   visible != 0, contents != 0, attached != 0);
          return FALSE;
        }

      if (page == NULL)
        page = only_terminal (view);
      if (page == NULL)
        continue;
      if (visible == 0 && gtk_widget_get_mapped (GTK_WIDGET (page)))
        visible = now;
      if (contents == 0 && terminal_has_text (page))
        contents = now;
      if (attached == 0 && hv_tmux_session_get_n_clients (hv_terminal_page_get_session (page)) >= 1)
        attached = now;
    }

  sample->visible_ms = (visible - start) / 1000.0;
  sample->contents_ms = (contents - start) / 1000.0;
  sample->attached_ms = (attached - start) / 1000.0;
  sample->total_ms = (MAX (visible, MAX (contents, attached)) - start) / 1000.0;

  /* Kill it, and wait for its tab to go, so that each round starts alike. */
  {
    HvTmuxServer *server = hv_application_get_tmux_server (app);
    g_autofree char *name = g_strdup (hv_tmux_session_get_name (hv_terminal_page_get_session (page)));

    hv_tmux_server_kill_session_async (server, name, NULL, NULL, NULL);
    HV_TEST_WAIT_FOR (adw_tab_view_get_n_pages (view) == 0 && hv_tmux_server_lookup_session (server, name) == NULL,
                      TIMEOUT_MS);
  }
  return TRUE;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *socket_name = NULL;
  g_autofree char *config_dir = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *toml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HvStallProbe) probe = NULL;
  double totals[ITERATIONS];
  Sample first;
  HvWindow *window;
  double median;
  gboolean ok = TRUE;

  hv_test_init_ui (&argc, &argv);
  gtk_init ();

  /* A private tmux server running /bin/sh, no recording: the cost of the tab itself. */
  g_setenv ("SHELL", "/bin/sh", TRUE);
  g_unsetenv ("TMUX");
  socket_name = hv_test_tmux_socket_name ();
  config_dir = g_build_filename (g_get_user_config_dir (), "hydravisor", NULL);
  config_path = g_build_filename (config_dir, "config.toml", NULL);
  toml = g_strdup_printf ("[tmux]\nsocket_name = \"%s\"\nrecord_all_sessions = false\n", socket_name);
  g_mkdir_with_parents (config_dir, 0700);
  if (!g_file_set_contents (config_path, toml, -1, &error))
    g_error ("%s", error->message);

  app = hv_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  g_application_activate (G_APPLICATION (app));
  if (!hv_test_wait_for (window_mapped, NULL, 20000))
    g_error ("the window did not open");
  window = HV_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));

  printf ("New terminal tab: from New Terminal to the tab visible, showing its session and attached\n");

  if (!measure_one (window, &first))
    {
      ok = FALSE;
      goto out;
    }
  printf ("  first session (starts the tmux server): %.1f ms\n", first.total_ms);

  probe = hv_stall_probe_start (NULL);
  for (guint i = 0; i < ITERATIONS; i++)
    {
      Sample sample;

      if (!measure_one (window, &sample))
        {
          ok = FALSE;
          goto out;
        }
      totals[i] = sample.total_ms;
      printf ("  %2u: %6.1f ms  (visible %.1f, contents %.1f, attached %.1f)\n",
              i + 1, sample.total_ms, sample.visible_ms, sample.contents_ms, sample.attached_ms);
    }

  qsort (totals, ITERATIONS, sizeof (double), compare_doubles);
  median = (totals[ITERATIONS / 2 - 1] + totals[ITERATIONS / 2]) / 2.0;
  ok = median < TARGET_MS;
  printf ("median of %u: %.1f ms (min %.1f, max %.1f); target < %.0f ms: %s\n",
          ITERATIONS, median, totals[0], totals[ITERATIONS - 1], TARGET_MS, ok ? "PASS" : "FAIL");
  printf ("longest main-loop iteration: %.1f ms\n", hv_stall_probe_get_max_us (probe) / 1000.0);

out:
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  hv_test_wait_for (no_windows, NULL, 5000);
  g_clear_object (&app);
  hv_test_tmux_kill_server (socket_name);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
