// SPDX-License-Identifier: GPL-3.0-or-later
/* Session recordings in the real window under Xvfb: the Sessions section lists the
 * recordings folder newest first with each one's start, duration and size, follows the
 * folder as recordings come, grow and go, plays a recording in a read-only replay tab at
 * its recorded size, and deletes one with everything that belongs to it. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <vte/vte.h>

#include "hv-application.h"
#include "hv-recording-row.h"
#include "hv-recordings-list.h"
#include "hv-replay-page.h"
#include "hv-sessions-list.h"
#include "hv-test-fixture.h"
#include "hv-ui-test.h"
#include "hv-window.h"

static HvApplication *app;
static HvWindow *main_window;
static char *tmux_socket;
static char *folder;

/* The recording played: a resize, coloured text, then a long pause (shortened on replay). */
static const char build_cast[] =
  "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1732818600,\"title\":\"hydravisor-build\","
  "\"env\":{\"TERM\":\"xterm-256color\",\"SHELL\":\"/bin/bash\"}}\n"
  "[0.1, \"r\", \"100x30\"]\n"
  "[0.2, \"o\", \"\\u001b[1;32mhello from the agent\\u001b[0m\\r\\n\"]\n"
  "[0.3, \"o\", \"$ make -j8\\r\\n\"]\n"
  "[65.4, \"o\", \"build finished\\r\\n\"]\n";

/* The one deleted, a day newer. */
static const char agent_cast[] =
  "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1732905000,\"title\":\"hydravisor-agent\"}\n"
  "[0.5, \"o\", \"$ ls\\r\\n\"]\n"
  "[3.25, \"o\", \"README.md\\r\\n\"]\n";

/* Dropped into the folder while the application runs, the newest. */
static const char late_cast[] =
  "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1732991400,\"title\":\"hydravisor-late\"}\n"
  "[1.0, \"o\", \"late\\r\\n\"]\n";

#define BUILD_CAST "hydravisor-build-20241128T183000Z.cast"
#define AGENT_CAST "hydravisor-agent-20241129T183000Z.cast"
#define LATE_CAST  "hydravisor-late-20241130T183000Z.cast"

static char *
folder_file (const char *name)
{
  return g_build_filename (folder, name, NULL);
}

static void
write_file (const char *name,
            const char *contents)
{
  g_autofree char *path = folder_file (name);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

static gboolean
file_exists (const char *name)
{
  g_autofree char *path = folder_file (name);

  return g_file_test (path, G_FILE_TEST_EXISTS);
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

static AdwMessageDialog *
message_dialog (void)
{
  return ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

static HvSessionsList *
sessions_list (void)
{
  return hv_window_get_sessions_list (main_window);
}

static HvRecordingsList *
recordings_list (void)
{
  return hv_sessions_list_get_recordings_list (sessions_list ());
}

static guint
n_recordings (void)
{
  return g_list_model_get_n_items (hv_recordings_list_get_model (recordings_list ()));
}

static const char *
nth_recording_title (guint i)
{
  g_autoptr(HvRecording) recording = g_list_model_get_item (hv_recordings_list_get_model (recordings_list ()), i);

  return recording != NULL ? hv_recording_get_title (recording) : NULL;
}

/* The row a person sees for the recording @name, if any. */
static HvRecordingRow *
find_row_in (GtkWidget  *widget,
             const char *name)
{
  if (HV_IS_RECORDING_ROW (widget))
    {
      HvRecording *recording = hv_recording_row_get_recording (HV_RECORDING_ROW (widget));
      g_autofree char *base = recording ? g_path_get_basename (hv_recording_get_path (recording)) : NULL;

      return g_strcmp0 (base, name) == 0 ? HV_RECORDING_ROW (widget) : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      HvRecordingRow *row = find_row_in (child, name);

      if (row != NULL)
        return row;
    }
  return NULL;
}

static HvRecordingRow *
row (const char *name)
{
  return find_row_in (GTK_WIDGET (recordings_list ()), name);
}

static gboolean
row_says (const char *name,
          const char *title,
          const char *subtitle)
{
  HvRecordingRow *r = row (name);

  return r != NULL && gtk_widget_get_mapped (GTK_WIDGET (r)) &&
         g_strcmp0 (hv_recording_row_get_title (r), title) == 0 &&
         g_strcmp0 (hv_recording_row_get_subtitle (r), subtitle) == 0;
}

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

static HvReplayPage *
replay_page (void)
{
  AdwTabPage *page = adw_tab_view_get_selected_page (tab_view ());

  if (page == NULL || !HV_IS_REPLAY_PAGE (adw_tab_page_get_child (page)))
    return NULL;
  return HV_REPLAY_PAGE (adw_tab_page_get_child (page));
}

static VteTerminal *
replay_terminal (void)
{
  return VTE_TERMINAL (hv_replay_page_get_terminal (replay_page ()));
}

static gboolean
replay_shows (const char *text)
{
  g_autofree char *contents = NULL;

  if (replay_page () == NULL)
    return FALSE;
  contents = vte_terminal_get_text (replay_terminal (), NULL, NULL, NULL);
  return contents != NULL && strstr (contents, text) != NULL;
}


static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  HV_TEST_WAIT_FOR (g_get_monotonic_time () >= end, ms + 1000);
}


/* Light, then dark. */
static void
save_screenshots (const char *name)
{
  g_autofree char *light = g_strdup_printf ("%s.png", name);
  g_autofree char *dark = g_strdup_printf ("%s-dark.png", name);

  hv_ui_test_wait_frames (GTK_WIDGET (main_window), 3);
  hv_ui_test_save_screenshot (GTK_WIDGET (main_window), light);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  hv_ui_test_wait_frames (GTK_WIDGET (main_window), 3);
  hv_ui_test_save_screenshot (GTK_WIDGET (main_window), dark);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  hv_ui_test_wait_frames (GTK_WIDGET (main_window), 2);
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

/* The Sessions section's Recordings view lists the folder, newest first, each row with the
 * session's name (without the application's prefix), when it started, how long it lasted
 * and how big it is; files that are not recordings are left out. */
static void
test_list (void)
{
  g_autoptr(HvStallProbe) probe = NULL;

  g_assert_true (hv_test_wait_for (window_mapped, NULL, 20000));
  main_window = HV_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.show-section", "s", "sessions"));
  g_assert_cmpstr (hv_sessions_list_get_view (sessions_list ()), ==, "live");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sessions_list ()), "sessions.view", "s", "recordings"));
  g_assert_cmpstr (hv_sessions_list_get_view (sessions_list ()), ==, "recordings");

  probe = hv_stall_probe_start (NULL);
  HV_TEST_WAIT_FOR (hv_recordings_list_get_loaded (recordings_list ()), 10000);
  g_assert_cmpuint (n_recordings (), ==, 2);
  g_assert_cmpstr (nth_recording_title (0), ==, "hydravisor-agent");
  g_assert_cmpstr (nth_recording_title (1), ==, "hydravisor-build");

  /* TZ is UTC; the sizes are those of the literals above. */
  HV_TEST_WAIT_FOR (row_says (AGENT_CAST, "agent", "29 Nov 2024 18:30\n0:03 · 139 bytes"), 5000);
  HV_TEST_WAIT_FOR (row_says (BUILD_CAST, "build", "28 Nov 2024 18:30\n1:05 · 283 bytes"), 5000);
  g_test_message ("longest main-loop iteration while listing: %.1f ms over %u iterations",
                  hv_stall_probe_get_max_us (probe) / 1000.0, hv_stall_probe_get_iterations (probe));

  wait_ms (300);
  save_screenshots ("ui-recordings");
}

/* win.open-recording opens a read-only replay tab that plays the recording in time, at
 * its recorded size; asking again shows the same tab. */
static void
test_replay (void)
{
  g_autofree char *path = folder_file (BUILD_CAST);
  g_autoptr(HvStallProbe) probe = NULL;
  HvReplayPage *replay;
  VteTerminal *terminal;
  GtkWidget *focus;

  g_assert_cmpuint (n_tabs (), ==, 0);
  probe = hv_stall_probe_start (NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.open-recording", "s", path));
  HV_TEST_WAIT_FOR (replay_page () != NULL, 5000);
  replay = replay_page ();
  g_assert_cmpuint (n_tabs (), ==, 1);
  g_assert_cmpstr (adw_tab_page_get_title (adw_tab_view_get_selected_page (tab_view ())), ==,
                   "Replay of build, 28 Nov 2024 18:30");

  HV_TEST_WAIT_FOR (replay_shows ("hello from the agent"), 10000);
  terminal = replay_terminal ();
  g_assert_false (vte_terminal_get_input_enabled (terminal));
  /* The keyboard is on the controls, where Space plays and pauses, not in the terminal. */
  focus = gtk_root_get_focus (GTK_ROOT (main_window));
  g_assert_true (GTK_IS_BUTTON (focus));
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (replay)));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (focus)), ==, "replay.toggle");
  /* The recorded resize, kept through the window's layout. */
  hv_ui_test_wait_frames (GTK_WIDGET (main_window), 3);
  g_assert_cmpint (vte_terminal_get_column_count (terminal), ==, 100);
  g_assert_cmpint (vte_terminal_get_row_count (terminal), ==, 30);
  g_assert_true (hv_replay_page_get_playing (replay));

  g_test_message ("longest main-loop iteration while opening and playing: %.1f ms over %u iterations",
                  hv_stall_probe_get_max_us (probe) / 1000.0, hv_stall_probe_get_iterations (probe));

  /* The 65 s pause is cut to 2 s. */
  HV_TEST_WAIT_FOR (hv_replay_page_get_finished (replay), 10000);
  /* The terminal takes in what it is fed at its own pace. */
  HV_TEST_WAIT_FOR (replay_shows ("build finished"), 5000);
  g_assert_false (hv_replay_page_get_playing (replay));

  /* Back before the text: gone; forward past it: there, without playing. */
  hv_replay_page_seek (replay, 0.15);
  g_assert_false (hv_replay_page_get_finished (replay));
  HV_TEST_WAIT_FOR (!replay_shows ("hello from the agent"), 5000);
  hv_replay_page_seek (replay, 0.25);
  HV_TEST_WAIT_FOR (replay_shows ("hello from the agent"), 5000);
  g_assert_false (replay_shows ("make -j8"));
  g_assert_false (hv_replay_page_get_playing (replay));

  /* Play goes on from there. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (replay), "replay.toggle", NULL));
  g_assert_true (hv_replay_page_get_playing (replay));
  HV_TEST_WAIT_FOR (replay_shows ("make -j8"), 5000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (replay), "replay.toggle", NULL));
  g_assert_false (hv_replay_page_get_playing (replay));
  g_assert_false (hv_replay_page_get_finished (replay));

  /* One tab per recording. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.open-recording", "s", path));
  g_assert_cmpuint (n_tabs (), ==, 1);

  /* Playing from the start, to the end, for the screenshots. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (replay), "replay.restart", NULL));
  HV_TEST_WAIT_FOR (hv_replay_page_get_finished (replay), 10000);
  HV_TEST_WAIT_FOR (replay_shows ("build finished"), 5000);
  wait_ms (500);
  save_screenshots ("ui-replay");
}

/* Activating a row opens its replay. */
static void
test_row_activation (void)
{
  GtkListView *view = NULL;

  /* The list view the rows are in. */
  for (GtkWidget *w = GTK_WIDGET (row (AGENT_CAST)); w != NULL; w = gtk_widget_get_parent (w))
    if (GTK_IS_LIST_VIEW (w))
      {
        view = GTK_LIST_VIEW (w);
        break;
      }
  g_assert_nonnull (view);

  g_signal_emit_by_name (view, "activate", 0);
  HV_TEST_WAIT_FOR (replay_page () != NULL &&
                    g_str_has_suffix (hv_recording_get_path (hv_replay_page_get_recording (replay_page ())), AGENT_CAST),
                    5000);
  g_assert_cmpuint (n_tabs (), ==, 2);
  HV_TEST_WAIT_FOR (replay_shows ("README.md"), 10000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.close-tab", NULL));
  HV_TEST_WAIT_FOR (n_tabs () == 1, 5000);
}

/* Delete asks first; then the recording goes with its transcript and its scrollback
 * archives, and from the list; other recordings' files stay. */
static void
test_delete (void)
{
  AdwMessageDialog *dialog;

  write_file ("hydravisor-agent-20241129T183000Z.jsonl", "{}\n");
  write_file ("hydravisor-agent-20241129T183000Z-scrollback-%3.txt", "$ ls\n");
  write_file ("hydravisor-build-20241128T183000Z.jsonl", "{}\n");

  g_assert_nonnull (row (AGENT_CAST));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row (AGENT_CAST)), "row.delete", NULL));
  HV_TEST_WAIT_FOR (message_dialog () != NULL, 5000);
  dialog = message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete Recording?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“agent”"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==, ADW_RESPONSE_DESTRUCTIVE);

  /* Cancel keeps it. */
  adw_message_dialog_response (dialog, "cancel");
  HV_TEST_WAIT_FOR (message_dialog () == NULL, 5000);
  g_assert_true (file_exists (AGENT_CAST));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row (AGENT_CAST)), "row.delete", NULL));
  HV_TEST_WAIT_FOR (message_dialog () != NULL, 5000);
  adw_message_dialog_response (message_dialog (), "delete");
  HV_TEST_WAIT_FOR (message_dialog () == NULL, 5000);

  HV_TEST_WAIT_FOR (!file_exists (AGENT_CAST), 5000);
  HV_TEST_WAIT_FOR (!file_exists ("hydravisor-agent-20241129T183000Z.jsonl") &&
                    !file_exists ("hydravisor-agent-20241129T183000Z-scrollback-%3.txt"), 5000);
  HV_TEST_WAIT_FOR (n_recordings () == 1, 5000);
  g_assert_cmpstr (nth_recording_title (0), ==, "hydravisor-build");
  HV_TEST_WAIT_FOR (row (AGENT_CAST) == NULL, 5000);
  g_assert_true (file_exists (BUILD_CAST));
  g_assert_true (file_exists ("hydravisor-build-20241128T183000Z.jsonl"));
}

/* A recording dropped into the folder shows up on top, and as it is written to, its row
 * follows its duration and size. */
static void
test_follow_folder (void)
{
  g_autofree char *path = folder_file (LATE_CAST);
  FILE *file;

  write_file (LATE_CAST, late_cast);
  HV_TEST_WAIT_FOR (n_recordings () == 2, 5000);
  g_assert_cmpstr (nth_recording_title (0), ==, "hydravisor-late");
  HV_TEST_WAIT_FOR (row_says (LATE_CAST, "late", "30 Nov 2024 18:30\n0:01 · 109 bytes"), 5000);

  /* The recorder appends. */
  file = g_fopen (path, "a");
  g_assert_nonnull (file);
  g_assert_cmpint (fputs ("[75.5, \"o\", \"still going\\r\\n\"]\n", file), >=, 0);
  g_assert_cmpint (fclose (file), ==, 0);
  HV_TEST_WAIT_FOR (row_says (LATE_CAST, "late", "30 Nov 2024 18:30\n1:15 · 140 bytes"), 5000);
  g_assert_cmpuint (n_recordings (), ==, 2);
}

/* The last recording deleted: the empty state says how recordings come. */
static void
test_empty (void)
{
  g_autofree char *junk = folder_file ("notes.cast");
  g_autofree char *late = folder_file (LATE_CAST);
  g_autofree char *build = folder_file (BUILD_CAST);

  g_assert_cmpint (g_unlink (late), ==, 0);
  g_assert_cmpint (g_unlink (build), ==, 0);
  HV_TEST_WAIT_FOR (n_recordings () == 0, 5000);
  /* The replay tab of a recording deleted elsewhere stays: it has what it played. */
  g_assert_cmpuint (n_tabs (), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.close-tab", NULL));
  HV_TEST_WAIT_FOR (n_tabs () == 0, 5000);
  wait_ms (300);
  save_screenshots ("ui-recordings-empty");

  /* Not a recording: no tab (a toast says why). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.open-recording", "s", junk));
  wait_ms (500);
  g_assert_cmpuint (n_tabs (), ==, 0);
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
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
  g_autoptr(GError) error = NULL;
  int ret;

  /* Start times are shown in local time. */
  g_setenv ("TZ", "UTC", TRUE);
  hv_test_init_ui (&argc, &argv);
  gtk_init ();

  g_unsetenv ("TMUX");
  g_unsetenv ("TMUX_PANE");
  tmux_socket = hv_test_tmux_socket_name ();
  write_config ();

  /* Where ARCHITECTURE.md says recordings go, with two made by earlier sessions and a
   * file that is not a recording. */
  folder = g_build_filename (g_get_user_data_dir (), "hydravisor", "sessions", NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  write_file (BUILD_CAST, build_cast);
  write_file (AGENT_CAST, agent_cast);
  write_file ("notes.cast", "not a recording\n");

  app = hv_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  g_test_add_func ("/ui/recordings/list", test_list);
  g_test_add_func ("/ui/recordings/replay", test_replay);
  g_test_add_func ("/ui/recordings/row-activation", test_row_activation);
  g_test_add_func ("/ui/recordings/delete", test_delete);
  g_test_add_func ("/ui/recordings/follow-folder", test_follow_folder);
  g_test_add_func ("/ui/recordings/empty", test_empty);

  ret = g_test_run ();

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  hv_test_wait_for (no_windows, NULL, 5000);
  g_clear_object (&app);

  hv_test_tmux_kill_server (tmux_socket);
  g_free (tmux_socket);
  g_free (folder);
  return ret;
}
