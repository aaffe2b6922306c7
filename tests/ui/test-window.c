// SPDX-License-Identifier: GPL-3.0-or-later
/* The real window under Xvfb: what a person sees when Hydravisor opens. */
#include "config.h"

#include <adwaita.h>

#include "hv-application.h"
#include "hv-test-fixture.h"
#include "hv-ui-test.h"
#include "hv-window.h"

static HvApplication *app;
static char *tmux_socket;

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static HvWindow *
main_window (void)
{
  return HV_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
}


/* The widget a person clicks for @action, wherever it is (popovers included). */
static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The AdwStatusPage a person sees in the section @widget, if any, following the visible
 * child of stacks inside it (the section itself may not be the one shown now). */
static AdwStatusPage *
visible_status_page (GtkWidget *widget,
                     gboolean   top)
{
  if (!gtk_widget_get_visible (widget) || (!top && !gtk_widget_get_child_visible (widget)))
    return NULL;
  if (ADW_IS_STATUS_PAGE (widget))
    return ADW_STATUS_PAGE (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      AdwStatusPage *found = visible_status_page (child, FALSE);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
window_mapped (gpointer data)
{
  HvWindow *window = main_window ();

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window)) && gtk_widget_get_width (GTK_WIDGET (window)) > 0;
}

/* The window opens with the four sidebar sections, each an empty state saying what to do
 * (the Sessions section lists sessions, and there are none on this test's tmux server),
 * and a tab view, without blocking the main loop. */
static void
test_window_contents (void)
{
  struct { const char *name; const char *title; } sections[] = {
    { "vms", "Virtual Machines" },
    { "containers", "Containers" },
    { "models", "Models" },
    { "sessions", "Sessions" },
  };
  const char *new_actions[] = { "win.new-container" };
  HvWindow *window;
  AdwViewStack *stack;
  AdwTabView *tab_view;

  g_assert_true (hv_test_wait_for (window_mapped, NULL, 20000));
  window = main_window ();

  stack = hv_window_get_sections (window);
  g_assert_true (ADW_IS_VIEW_STACK (stack));
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (stack)));
  /* The Models and Sessions sections are built right after the first frame. */
  HV_TEST_WAIT_FOR (gtk_widget_get_first_child (adw_view_stack_get_child_by_name (stack, "models")) != NULL &&
                    gtk_widget_get_first_child (adw_view_stack_get_child_by_name (stack, "sessions")) != NULL, 5000);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      GtkWidget *child = adw_view_stack_get_child_by_name (stack, sections[i].name);
      AdwViewStackPage *page;
      AdwStatusPage *empty;
      g_autofree char *description = NULL;

      g_assert_nonnull (child);
      page = adw_view_stack_get_page (stack, child);
      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, sections[i].title);
      /* Until a backend lists something, each section shows an empty state that explains. */
      empty = visible_status_page (child, TRUE);
      g_assert_nonnull (empty);
      g_assert_nonnull (adw_status_page_get_title (empty));
      description = g_strdup (adw_status_page_get_description (empty));
      g_assert_nonnull (description);
      g_assert_cmpuint (strlen (description), >, 40);
    }

  tab_view = hv_window_get_tab_view (window);
  g_assert_true (ADW_IS_TAB_VIEW (tab_view));
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view), ==, 0);

  /* Until their issues land, the + menu's entries are there but switched off, each with
   * a tooltip that says why. */
  for (guint i = 0; i < G_N_ELEMENTS (new_actions); i++)
    {
      GtkWidget *button = find_actionable (GTK_WIDGET (window), new_actions[i]);

      g_assert_nonnull (button);
      g_assert_false (gtk_widget_get_sensitive (button));
      g_assert_nonnull (gtk_widget_get_tooltip_text (button));
    }
  /* New Terminal works: tmux sessions are there; so do New VM and New Chat. */
  for (guint i = 0; i < 3; i++)
    {
      const char *action = i == 0 ? "win.new-terminal" : i == 1 ? "win.new-vm" : "win.new-chat";
      GtkWidget *button = find_actionable (GTK_WIDGET (window), action);

      g_assert_nonnull (button);
      g_assert_true (gtk_widget_get_sensitive (button));
      g_assert_nonnull (gtk_widget_get_tooltip_text (button));
    }

  hv_ui_test_save_screenshot (GTK_WIDGET (window), "ui-window.png");
}

static void
test_section_shortcut (void)
{
  HvWindow *window = main_window ();
  AdwViewStack *stack = hv_window_get_sections (window);

  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_autoptr(HvStallProbe) probe = hv_stall_probe_start (NULL);
  const char *order[] = { "containers", "models", "sessions", "vms" };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", order[i]));
      g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, order[i]);
      /* Let the switch be drawn before the next one. */
      gint64 frame = gdk_frame_clock_get_frame_counter (clock);
      HV_TEST_WAIT_FOR (gdk_frame_clock_get_frame_counter (clock) > frame + 1, 5000);
    }
  g_test_message ("longest main-loop iteration while switching sections: %.1f ms over %u iterations",
                  hv_stall_probe_get_max_us (probe) / 1000.0, hv_stall_probe_get_iterations (probe));
}

static gboolean
about_shown (gpointer data)
{
  return find_toplevel (ADW_TYPE_ABOUT_WINDOW) != NULL;
}

static gboolean
shortcuts_shown (gpointer data)
{
  GtkWindow *window = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
         gtk_widget_get_width (GTK_WIDGET (window)) > 0;
}

static void
test_about (void)
{
  GtkWindow *about;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (hv_test_wait_for (about_shown, NULL, 10000));
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Hydravisor");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  gtk_window_destroy (about);
}

static void
test_shortcuts (void)
{
  GtkWindow *shortcuts;

  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  g_assert_true (hv_test_wait_for (shortcuts_shown, NULL, 10000));
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  hv_ui_test_save_screenshot (GTK_WIDGET (shortcuts), "ui-shortcuts.png");
  gtk_widget_set_visible (GTK_WIDGET (shortcuts), FALSE);
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  hv_test_init_ui (&argc, &argv);
  gtk_init ();

  /* A tmux server of its own, with no sessions: the Sessions section is empty. */
  {
    g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "hydravisor", NULL);
    g_autofree char *path = g_build_filename (dir, "config.toml", NULL);
    g_autofree char *toml = NULL;

    tmux_socket = hv_test_tmux_socket_name ();
    /* No libvirt connection: the VM section shows its empty state. */
    toml = g_strdup_printf ("[tmux]\nsocket_name = \"%s\"\nrecord_all_sessions = false\n"
                            "[libvirt]\nuris = []\n", tmux_socket);
    g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
    g_assert_true (g_file_set_contents (path, toml, -1, &error));
  }

  app = hv_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  g_test_add_func ("/ui/window/contents", test_window_contents);
  g_test_add_func ("/ui/window/section-shortcut", test_section_shortcut);
  g_test_add_func ("/ui/window/about", test_about);
  g_test_add_func ("/ui/window/shortcuts", test_shortcuts);

  ret = g_test_run ();

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  hv_test_wait_for (no_windows, NULL, 5000);
  g_clear_object (&app);
  hv_test_tmux_kill_server (tmux_socket);
  g_free (tmux_socket);
  return ret;
}
