// SPDX-License-Identifier: GPL-3.0-or-later
/* Terminal tabs of the real window under Xvfb, against a private tmux server: each tab is a
 * session, sessions that outlived the application come back as tabs, New Terminal makes a
 * session, closing a tab detaches or kills, and a session that ends elsewhere takes its
 * tab with it. */
#include "config.h"

#include <adwaita.h>

#include "hv-application.h"
#include "hv-session-row.h"
#include "hv-sessions-list.h"
#include "hv-terminal-page.h"
#include "hv-test-fixture.h"
#include "hv-ui-test.h"
#include "hv-window.h"

static HvApplication *app;
static char *tmux_socket;

/* ---------------------------------------------------------------------------------------
 * tmux, driven the way a person at another terminal would
 * ------------------------------------------------------------------------------------- */

static gboolean
tmux_run (char       **out,
          const char  *first,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) "tmux");
  g_ptr_array_add (argv, (char *) "-L");
  g_ptr_array_add (argv, tmux_socket);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
                               NULL, NULL, out, &err, &status, &error));
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL);
}

static gboolean
tmux_has_session (const char *name)
{
  g_autofree char *target = g_strconcat ("=", name, NULL);

  return tmux_run (NULL, "has-session", "-t", target, NULL);
}

static void
tmux_type (const char *name,
           const char *line)
{
  g_autofree char *target = g_strconcat ("=", name, ":", NULL);

  g_assert_true (tmux_run (NULL, "send-keys", "-t", target, "-l", line, NULL));
  g_assert_true (tmux_run (NULL, "send-keys", "-t", target, "Enter", NULL));
}

static guint
tmux_n_panes (const char *name)
{
  g_autofree char *target = g_strconcat ("=", name, ":", NULL);
  g_autofree char *out = NULL;

  g_assert_true (tmux_run (&out, "display-message", "-p", "-t", target, "#{window_panes}", NULL));
  return (guint) g_ascii_strtoull (out, NULL, 10);
}

/* ---------------------------------------------------------------------------------------
 * The window
 * ------------------------------------------------------------------------------------- */

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

static HvWindow *main_window;

static AdwTabView *
tab_view (void)
{
  return hv_window_get_tab_view (main_window);
}

static guint
n_tabs (void)
{
  return adw_tab_view_get_n_pages (tab_view ());
}

/* The tab of session hydravisor-@id in @window, or NULL. */
static AdwTabPage *
find_tab_in (HvWindow   *window,
             const char *id)
{
  g_autofree char *name = g_strconcat ("hydravisor-", id, NULL);
  AdwTabView *view = hv_window_get_tab_view (window);

  for (int i = 0; i < adw_tab_view_get_n_pages (view); i++)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (view, i);
      GtkWidget *child = adw_tab_page_get_child (page);

      if (HV_IS_TERMINAL_PAGE (child) &&
          g_strcmp0 (hv_tmux_session_get_name (hv_terminal_page_get_session (HV_TERMINAL_PAGE (child))), name) == 0)
        return page;
    }
  return NULL;
}

static AdwTabPage *
find_tab (const char *id)
{
  return find_tab_in (main_window, id);
}

static HvTerminalPage *
terminal_page (const char *id)
{
  AdwTabPage *page = find_tab (id);

  g_assert_nonnull (page);
  return HV_TERMINAL_PAGE (adw_tab_page_get_child (page));
}

static gboolean
terminal_shows (const char *id,
                const char *text)
{
  AdwTabPage *page = find_tab (id);
  g_autofree char *contents = NULL;

  if (page == NULL)
    return FALSE;
  contents = vte_terminal_get_text (hv_terminal_page_get_terminal (HV_TERMINAL_PAGE (adw_tab_page_get_child (page))),
                                    NULL, NULL, NULL);
  return contents != NULL && strstr (contents, text) != NULL;
}

static HvTmuxSession *
lookup_session (const char *id)
{
  g_autofree char *name = g_strconcat ("hydravisor-", id, NULL);

  return hv_tmux_server_lookup_session (hv_application_get_tmux_server (app), name);
}

static HvSessionRow *
session_row (const char *id)
{
  HvSessionsList *list = hv_window_get_sessions_list (main_window);
  g_autofree char *name = g_strconcat ("hydravisor-", id, NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (hv_sessions_list_get_list_box (list)));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (HV_IS_SESSION_ROW (row) &&
          g_strcmp0 (hv_tmux_session_get_name (hv_session_row_get_session (HV_SESSION_ROW (row))), name) == 0)
        return HV_SESSION_ROW (row);
    }
  return NULL;
}

static gboolean
row_says (const char     *id,
          HvSessionState  state,
          const char     *subtitle)
{
  HvSessionRow *row = session_row (id);

  return row != NULL && hv_session_row_get_state (row) == state &&
         strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), subtitle) != NULL;
}

static AdwMessageDialog *
message_dialog (void)
{
  return ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}


/* Lets animations (a closing tab) finish before a screenshot. */
static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  HV_TEST_WAIT_FOR (g_get_monotonic_time () >= end, ms + 1000);
}


static gboolean
window_mapped (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  return HV_IS_WINDOW (window) && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
         gtk_widget_get_width (GTK_WIDGET (window)) > 0;
}

/* ---------------------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------------------- */

#define PALETTE_LINE \
  "printf '\\033[1mHydravisor\\033[0m \\033[31mred \\033[32mgreen \\033[33myellow \\033[34mblue " \
  "\\033[35mmagenta \\033[36mcyan \\033[90mgrey\\033[0m %s\\n' ready-a"

/* The sessions made before the application started come back as tabs, each attached:
 * what is typed into the session shows in its terminal, hidden tab included. */
static void
test_restore (void)
{
  HvTerminalPage *a, *b;

  g_assert_true (hv_test_wait_for (window_mapped, NULL, 20000));
  main_window = HV_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));

  HV_TEST_WAIT_FOR (n_tabs () == 2, 10000);
  a = terminal_page ("a");
  b = terminal_page ("b");
  HV_TEST_WAIT_FOR (hv_terminal_page_get_attached (a) && hv_terminal_page_get_attached (b), 10000);
  /* tmux counts the terminals' clients (not our control client). */
  HV_TEST_WAIT_FOR (hv_tmux_session_get_n_clients (lookup_session ("a")) == 1 &&
                    hv_tmux_session_get_n_clients (lookup_session ("b")) == 1, 10000);

  /* The tab is titled after the session and its program. */
  HV_TEST_WAIT_FOR (g_str_has_prefix (adw_tab_page_get_title (find_tab ("a")), "a"), 5000);

  tmux_type ("hydravisor-a", PALETTE_LINE);
  tmux_type ("hydravisor-a", "ls -l /usr");
  tmux_type ("hydravisor-b", "printf 'hv-%s\\n' marker-b");
  HV_TEST_WAIT_FOR (terminal_shows ("a", "Hydravisor red green yellow blue magenta cyan grey ready-a"), 10000);
  HV_TEST_WAIT_FOR (terminal_shows ("b", "hv-marker-b"), 10000);

  /* Both are listed as attached here. */
  adw_view_stack_set_visible_child_name (hv_window_get_sections (main_window), "sessions");
  HV_TEST_WAIT_FOR (row_says ("a", HV_SESSION_STATE_ATTACHED_HERE, "Attached here") &&
                    row_says ("b", HV_SESSION_STATE_ATTACHED_HERE, "Attached here"), 5000);

  adw_tab_view_set_selected_page (tab_view (), find_tab ("a"));
  HV_TEST_WAIT_FOR (terminal_shows ("a", "ready-a"), 5000);
  /* The content area's crossfade from its empty state. */
  wait_ms (500);
  hv_ui_test_wait_frames (GTK_WIDGET (main_window), 3);
  hv_ui_test_save_screenshot (GTK_WIDGET (main_window), "ui-terminal-tabs.png");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  hv_ui_test_wait_frames (GTK_WIDGET (main_window), 3);
  hv_ui_test_save_screenshot (GTK_WIDGET (main_window), "ui-terminal-tabs-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  hv_ui_test_wait_frames (GTK_WIDGET (main_window), 2);
}

/* A background tab that prints is marked, and the mark goes when it is selected. */
static void
test_activity (void)
{
  AdwTabPage *a = find_tab ("a");
  AdwTabPage *b = find_tab ("b");

  /* What the terminals print in the first second after attaching (tmux's first screen,
   * the shell's prompt) is not news. */
  wait_ms (1000);

  /* Seen once, then hidden: nothing new in it yet. */
  adw_tab_view_set_selected_page (tab_view (), b);
  g_assert_false (adw_tab_page_get_needs_attention (b));
  hv_ui_test_wait_frames (GTK_WIDGET (main_window), 2);
  adw_tab_view_set_selected_page (tab_view (), a);
  hv_ui_test_wait_frames (GTK_WIDGET (main_window), 2);
  g_assert_false (adw_tab_page_get_needs_attention (b));

  tmux_type ("hydravisor-b", "printf 'hv-%s\\n' activity");
  HV_TEST_WAIT_FOR (adw_tab_page_get_needs_attention (b), 10000);
  g_assert_false (adw_tab_page_get_needs_attention (a));

  adw_tab_view_set_selected_page (tab_view (), b);
  g_assert_false (adw_tab_page_get_needs_attention (b));
}

/* New Terminal makes a session with the first free term-N id, running the shell, and
 * opens its tab selected, with the keyboard focus in the terminal. */
static void
test_new_terminal (void)
{
  g_autoptr(HvStallProbe) probe = hv_stall_probe_start (NULL);
  AdwTabPage *page;
  HvTerminalPage *terminal;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.new-terminal", NULL));
  HV_TEST_WAIT_FOR (find_tab ("term-1") != NULL, 10000);
  g_assert_true (tmux_has_session ("hydravisor-term-1"));
  page = find_tab ("term-1");
  g_assert_true (adw_tab_view_get_selected_page (tab_view ()) == page);
  terminal = HV_TERMINAL_PAGE (adw_tab_page_get_child (page));
  HV_TEST_WAIT_FOR (hv_terminal_page_get_attached (terminal), 10000);
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (hv_terminal_page_get_terminal (terminal))));
  g_assert_cmpuint (n_tabs (), ==, 3);

  /* The shell runs in it. */
  tmux_type ("hydravisor-term-1", "printf 'hv-%s\\n' new-shell");
  HV_TEST_WAIT_FOR (terminal_shows ("term-1", "hv-new-shell"), 10000);
  g_test_message ("longest main-loop iteration while opening a terminal: %.1f ms over %u iterations",
                  hv_stall_probe_get_max_us (probe) / 1000.0, hv_stall_probe_get_iterations (probe));

  /* The next one is term-2. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.new-terminal", NULL));
  HV_TEST_WAIT_FOR (find_tab ("term-2") != NULL, 10000);
  g_assert_true (tmux_has_session ("hydravisor-term-2"));
  g_assert_true (adw_tab_view_get_selected_page (tab_view ()) == find_tab ("term-2"));
}

/* Copy, zoom, find and split act on the terminal and its session. */
static void
test_terminal_actions (void)
{
  HvTerminalPage *page = terminal_page ("term-1");
  VteTerminal *terminal = hv_terminal_page_get_terminal (page);
  GtkSearchBar *bar;

  adw_tab_view_set_selected_page (tab_view (), find_tab ("term-1"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "term.zoom-in", NULL));
  g_assert_cmpfloat (vte_terminal_get_font_scale (terminal), >, 1.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "term.zoom-out", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "term.zoom-out", NULL));
  g_assert_cmpfloat (vte_terminal_get_font_scale (terminal), <, 1.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "term.zoom-reset", NULL));
  g_assert_cmpfloat (vte_terminal_get_font_scale (terminal), ==, 1.0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "term.select-all", NULL));
  g_assert_true (vte_terminal_get_has_selection (terminal));
  vte_terminal_unselect_all (terminal);

  /* Find selects the match (case-insensitive for lowercase text). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "term.find", NULL));
  bar = GTK_SEARCH_BAR (gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (page))));
  g_assert_true (GTK_IS_SEARCH_BAR (bar));
  g_assert_true (gtk_search_bar_get_search_mode (bar));
  {
    GtkWidget *entry = gtk_root_get_focus (GTK_ROOT (main_window));

    while (entry != NULL && !GTK_IS_SEARCH_ENTRY (entry))
      entry = gtk_widget_get_parent (entry);
    g_assert_nonnull (entry);
    gtk_editable_set_text (GTK_EDITABLE (entry), "HV-NEW-SHELL");
    /* Uppercase: case-sensitive, no match. */
    HV_TEST_WAIT_FOR (vte_terminal_search_get_regex (terminal) != NULL, 5000);
    g_assert_false (vte_terminal_get_has_selection (terminal));
    gtk_editable_set_text (GTK_EDITABLE (entry), "new-shell");
    HV_TEST_WAIT_FOR (vte_terminal_get_has_selection (terminal), 5000);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "term.find-next", NULL));
    g_assert_true (vte_terminal_get_has_selection (terminal));
  }
  gtk_search_bar_set_search_mode (bar, FALSE);
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (terminal)));

  /* Split: a second pane in the session's window. */
  g_assert_cmpuint (tmux_n_panes ("hydravisor-term-1"), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "term.split-right", NULL));
  HV_TEST_WAIT_FOR (tmux_n_panes ("hydravisor-term-1") == 2, 5000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "term.split-down", NULL));
  HV_TEST_WAIT_FOR (tmux_n_panes ("hydravisor-term-1") == 3, 5000);
}

/* A session killed from another terminal closes its tab, without asking anything. */
static void
test_killed_elsewhere (void)
{
  guint before = n_tabs ();

  g_assert_nonnull (find_tab ("b"));
  g_assert_true (tmux_run (NULL, "kill-session", "-t", "=hydravisor-b", NULL));
  HV_TEST_WAIT_FOR (find_tab ("b") == NULL, 5000);
  g_assert_cmpuint (n_tabs (), ==, before - 1);
  g_assert_null (message_dialog ());
  HV_TEST_WAIT_FOR (session_row ("b") == NULL, 5000);
}

/* Closing a tab asks; Detach keeps the session running, listed as detached, and it
 * reopens from the list. */
static void
test_close_detach (void)
{
  AdwMessageDialog *dialog;
  HvSessionRow *row;

  adw_tab_view_set_selected_page (tab_view (), find_tab ("a"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.close-tab", NULL));
  HV_TEST_WAIT_FOR (message_dialog () != NULL, 5000);
  dialog = message_dialog ();
  g_assert_true (adw_message_dialog_has_response (dialog, "detach"));
  g_assert_true (adw_message_dialog_has_response (dialog, "kill"));
  g_assert_true (adw_message_dialog_has_response (dialog, "cancel"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "kill"), ==, ADW_RESPONSE_DESTRUCTIVE);

  /* Cancel keeps the tab. */
  adw_message_dialog_response (dialog, "cancel");
  HV_TEST_WAIT_FOR (message_dialog () == NULL, 5000);
  g_assert_nonnull (find_tab ("a"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.close-tab", NULL));
  HV_TEST_WAIT_FOR (message_dialog () != NULL, 5000);
  adw_message_dialog_response (message_dialog (), "detach");
  HV_TEST_WAIT_FOR (message_dialog () == NULL, 5000);
  g_assert_null (find_tab ("a"));

  g_assert_true (tmux_has_session ("hydravisor-a"));
  HV_TEST_WAIT_FOR (hv_tmux_session_get_n_clients (lookup_session ("a")) == 0, 5000);
  adw_view_stack_set_visible_child_name (hv_window_get_sections (main_window), "sessions");
  HV_TEST_WAIT_FOR (row_says ("a", HV_SESSION_STATE_DETACHED, "Detached"), 5000);
  g_assert_true (row_says ("term-1", HV_SESSION_STATE_ATTACHED_HERE, "Attached here"));
  wait_ms (500);
  hv_ui_test_wait_frames (GTK_WIDGET (main_window), 3);
  hv_ui_test_save_screenshot (GTK_WIDGET (main_window), "ui-terminal-sessions.png");

  /* Activating the row brings the tab back, attached, with what the session showed. */
  row = session_row ("a");
  g_signal_emit_by_name (hv_sessions_list_get_list_box (hv_window_get_sessions_list (main_window)),
                         "row-activated", row);
  HV_TEST_WAIT_FOR (find_tab ("a") != NULL, 5000);
  g_assert_true (adw_tab_view_get_selected_page (tab_view ()) == find_tab ("a"));
  HV_TEST_WAIT_FOR (terminal_shows ("a", "ready-a"), 10000);
  HV_TEST_WAIT_FOR (row_says ("a", HV_SESSION_STATE_ATTACHED_HERE, "Attached here"), 5000);
}

/* A session has one tab across windows: opening it from another window shows the tab where
 * it is rather than attach a second terminal. */
static void
test_one_tab_per_session (void)
{
  HvWindow *second = hv_window_new (app);
  guint before = n_tabs ();

  gtk_window_present (GTK_WINDOW (second));
  HV_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (second)), 10000);
  g_assert_cmpint (adw_tab_view_get_n_pages (hv_window_get_tab_view (second)), ==, 0);

  adw_tab_view_set_selected_page (tab_view (), find_tab ("term-1"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "win.open-session", "s", "hydravisor-a"));
  g_assert_cmpint (adw_tab_view_get_n_pages (hv_window_get_tab_view (second)), ==, 0);
  g_assert_cmpuint (n_tabs (), ==, before);
  g_assert_true (adw_tab_view_get_selected_page (tab_view ()) == find_tab ("a"));

  /* A session made elsewhere opens in the focused window, in the background. */
  gtk_window_present (GTK_WINDOW (second));
  HV_TEST_WAIT_FOR (gtk_application_get_active_window (GTK_APPLICATION (app)) == GTK_WINDOW (second), 5000);
  g_assert_true (tmux_run (NULL, "new-session", "-d", "-s", "hydravisor-elsewhere", NULL));
  HV_TEST_WAIT_FOR (find_tab_in (second, "elsewhere") != NULL, 5000);
  g_assert_null (find_tab ("elsewhere"));

  gtk_window_destroy (GTK_WINDOW (second));
  gtk_window_present (GTK_WINDOW (main_window));
  HV_TEST_WAIT_FOR (gtk_application_get_active_window (GTK_APPLICATION (app)) == GTK_WINDOW (main_window), 5000);
  /* The window closed; the session did not. */
  HV_TEST_WAIT_FOR (hv_tmux_session_get_n_clients (lookup_session ("elsewhere")) == 0, 5000);
  g_assert_true (tmux_has_session ("hydravisor-elsewhere"));
}

/* Kill Session in the dialog ends the session. */
static void
test_close_kill (void)
{
  adw_tab_view_set_selected_page (tab_view (), find_tab ("term-2"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.close-tab", NULL));
  HV_TEST_WAIT_FOR (message_dialog () != NULL, 5000);
  adw_message_dialog_response (message_dialog (), "kill");
  HV_TEST_WAIT_FOR (message_dialog () == NULL, 5000);
  g_assert_null (find_tab ("term-2"));
  HV_TEST_WAIT_FOR (!tmux_has_session ("hydravisor-term-2"), 5000);
  HV_TEST_WAIT_FOR (session_row ("term-2") == NULL, 5000);
}

/* The sidebar's Kill asks, then kills. */
static void
test_row_kill (void)
{
  HvSessionRow *row = session_row ("elsewhere");

  g_assert_nonnull (row);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "row.kill", NULL));
  HV_TEST_WAIT_FOR (message_dialog () != NULL, 5000);
  adw_message_dialog_response (message_dialog (), "kill");
  HV_TEST_WAIT_FOR (!tmux_has_session ("hydravisor-elsewhere"), 5000);
  HV_TEST_WAIT_FOR (session_row ("elsewhere") == NULL, 5000);
}

/* A terminal detached from tmux (prefix d, or another client) closes its tab without
 * asking; the session keeps running, listed as detached. */
static void
test_detached_elsewhere (void)
{
  g_assert_nonnull (find_tab ("a"));
  g_assert_true (tmux_run (NULL, "detach-client", "-s", "=hydravisor-a", NULL));
  HV_TEST_WAIT_FOR (find_tab ("a") == NULL, 10000);
  g_assert_null (message_dialog ());
  g_assert_true (tmux_has_session ("hydravisor-a"));
  HV_TEST_WAIT_FOR (row_says ("a", HV_SESSION_STATE_DETACHED, "Detached"), 5000);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.open-session", "s", "hydravisor-a"));
  HV_TEST_WAIT_FOR (find_tab ("a") != NULL && hv_terminal_page_get_attached (terminal_page ("a")), 10000);
}

/* Typing exit ends the session: the tab closes without asking. */
static void
test_exit (void)
{
  adw_tab_view_set_selected_page (tab_view (), find_tab ("a"));
  tmux_type ("hydravisor-a", "exit");
  HV_TEST_WAIT_FOR (find_tab ("a") == NULL, 10000);
  g_assert_null (message_dialog ());
  g_assert_false (tmux_has_session ("hydravisor-a"));
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

static void
start_app (const char *id)
{
  g_autoptr(GError) error = NULL;

  app = hv_application_new (id, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
}

/* The application quits, its sessions keep running; started again with restore-tabs off,
 * it lists them in Sessions, detached, without opening tabs. */
static void
test_restore_off (void)
{
  g_autoptr(GSettings) settings = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (hv_test_wait_for (no_windows, NULL, 5000));
  g_clear_object (&app);
  main_window = NULL;
  g_assert_true (tmux_has_session ("hydravisor-term-1"));

  settings = g_settings_new (BASE_ID);
  g_settings_set_boolean (settings, "restore-tabs", FALSE);

  /* Another id: the first instance stays exported on the session bus (it is never run,
   * so never shut down). */
  start_app (APP_ID ".Restarted");
  g_assert_true (hv_test_wait_for (window_mapped, NULL, 20000));
  main_window = HV_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HV_TEST_WAIT_FOR (row_says ("term-1", HV_SESSION_STATE_DETACHED, "Detached"), 10000);
  /* Time for tabs that should not come. */
  wait_ms (500);
  g_assert_cmpuint (n_tabs (), ==, 0);

  /* A new one still opens. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.new-terminal", NULL));
  HV_TEST_WAIT_FOR (find_tab ("term-2") != NULL, 10000);

  g_settings_reset (settings, "restore-tabs");
}

static void
write_config (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "hydravisor", NULL);
  g_autofree char *path = g_build_filename (dir, "config.toml", NULL);
  g_autofree char *toml = NULL;
  g_autoptr(GError) error = NULL;

  toml = g_strdup_printf ("[tmux]\nsocket_name = \"%s\"\nrecord_all_sessions = false\n", tmux_socket);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, toml, -1, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  hv_test_init_ui (&argc, &argv);
  gtk_init ();

  /* The sessions' shell; tmux takes it from the environment of the server. */
  g_setenv ("SHELL", "/bin/sh", TRUE);
  g_unsetenv ("TMUX");
  g_unsetenv ("TMUX_PANE");
  tmux_socket = hv_test_tmux_socket_name ();
  write_config ();

  /* Sessions left by an earlier run of the application, or made by hand. */
  g_assert_true (tmux_run (NULL, "new-session", "-d", "-s", "hydravisor-a", "-x", "100", "-y", "30", NULL));
  g_assert_true (tmux_run (NULL, "new-session", "-d", "-s", "hydravisor-b", NULL));
  /* Not one of ours: no tab. */
  g_assert_true (tmux_run (NULL, "new-session", "-d", "-s", "other", NULL));

  start_app (APP_ID);

  g_test_add_func ("/ui/terminal/restore", test_restore);
  g_test_add_func ("/ui/terminal/activity", test_activity);
  g_test_add_func ("/ui/terminal/new-terminal", test_new_terminal);
  g_test_add_func ("/ui/terminal/actions", test_terminal_actions);
  g_test_add_func ("/ui/terminal/killed-elsewhere", test_killed_elsewhere);
  g_test_add_func ("/ui/terminal/close-detach", test_close_detach);
  g_test_add_func ("/ui/terminal/one-tab-per-session", test_one_tab_per_session);
  g_test_add_func ("/ui/terminal/close-kill", test_close_kill);
  g_test_add_func ("/ui/terminal/row-kill", test_row_kill);
  g_test_add_func ("/ui/terminal/detached-elsewhere", test_detached_elsewhere);
  g_test_add_func ("/ui/terminal/exit", test_exit);
  g_test_add_func ("/ui/terminal/restore-off", test_restore_off);

  ret = g_test_run ();

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  hv_test_wait_for (no_windows, NULL, 5000);
  g_clear_object (&app);

  hv_test_tmux_kill_server (tmux_socket);
  g_free (tmux_socket);
  return ret;
}
