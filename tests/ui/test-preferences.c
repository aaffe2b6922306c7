// SPDX-License-Identifier: GPL-3.0-or-later
/* The Configuration page of the real preferences window under Xvfb: it shows the effective
 * configuration, writes config.toml without disturbing the user's comments, follows the
 * file on disk, and says so when the file stops loading. */
#include "config.h"

#include <adwaita.h>

#include "hv-application.h"
#include "hv-config.h"
#include "hv-preferences-window.h"
#include "hv-test-fixture.h"
#include "hv-ui-test.h"
#include "hv-window.h"

/* What a person might have written by hand; every byte but the edited value must survive. */
static const char original_toml[] =
  "# My Hydravisor settings\n"
  "[defaults]\n"
  "vm_backend = \"libvirt\"   # I use libvirt at work\n"
  "\n"
  "[providers.ollama]\n"
  "host = \"http://10.0.0.5:11434\"  # the GPU box\n";

static const char edited_toml[] =
  "# My Hydravisor settings\n"
  "[defaults]\n"
  "vm_backend = \"libvirt\"   # I use libvirt at work\n"
  "\n"
  "[providers.ollama]\n"
  "host = \"http://10.0.0.7:11434\"  # the GPU box\n";

static const char * const overriding_variables[] = {
  "OLLAMA_HOST", "CONTAINERD_ADDRESS", "CONTAINERD_NAMESPACE", "AWS_PROFILE", "AWS_REGION",
  "AWS_DEFAULT_REGION", "LIBVIRT_DEFAULT_URI",
};

static HvApplication *app;
static char *config_path;

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

static HvPreferencesWindow *
preferences (void)
{
  return HV_PREFERENCES_WINDOW (find_toplevel (HV_TYPE_PREFERENCES_WINDOW));
}

static HvWindow *
main_window (void)
{
  return HV_WINDOW (find_toplevel (HV_TYPE_WINDOW));
}

static HvConfig *
config (void)
{
  return hv_application_get_config (app);
}

static GtkWidget *
row (const char *key)
{
  GtkWidget *widget = hv_preferences_window_get_config_row (preferences (), key);

  g_assert_nonnull (widget);
  return widget;
}

static const char *
row_text (const char *key)
{
  GtkWidget *widget = row (key);

  g_assert_true (ADW_IS_ENTRY_ROW (widget));
  return gtk_editable_get_text (GTK_EDITABLE (widget));
}

static char *
read_config_file (void)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (config_path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
write_config_file (const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (config_path, contents, -1, &error);
  g_assert_no_error (error);
}

/* A label the user can see in @widget's tree (toasts included) whose text contains @needle. */
static GtkWidget *
find_shown_label (GtkWidget  *widget,
                  const char *needle)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;

  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_shown_label (child, needle);

      if (found != NULL)
        return found;
    }
  return NULL;
}



static gboolean
preferences_shown (gpointer data)
{
  HvPreferencesWindow *window = preferences ();

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
         gtk_widget_get_width (GTK_WIDGET (window)) > 0;
}

static gboolean
main_window_shown (gpointer data)
{
  HvWindow *window = main_window ();

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

/* The page shows the values in effect: the file's where it sets them, the defaults elsewhere. */
static void
test_shows_file_values (void)
{
  HvPreferencesWindow *window;
  GtkWidget *record;
  GtkWidget *note;
  guint n_preferences;

  g_assert_true (hv_test_wait_for (main_window_shown, NULL, 20000));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (hv_test_wait_for (preferences_shown, NULL, 10000));
  window = preferences ();
  g_assert_true (hv_preferences_window_get_config (window) == config ());
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "configuration");

  /* Asking again (Ctrl+comma works inside the window too) shows the same window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (preferences () == window);
  n_preferences = 0;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    n_preferences += HV_IS_PREFERENCES_WINDOW (l->data);
  g_assert_cmpuint (n_preferences, ==, 1);

  g_assert_true (ADW_IS_COMBO_ROW (row ("defaults.vm_backend")));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row ("defaults.vm_backend"))), ==, 1);  /* libvirt */
  g_assert_cmpstr (row_text ("providers.ollama.host"), ==, "http://10.0.0.5:11434");
  g_assert_cmpstr (row_text ("containerd.namespace"), ==, "hydravisor");
  g_assert_cmpstr (row_text ("containerd.address"), ==, "/run/containerd/containerd.sock");
  g_assert_cmpstr (row_text ("libvirt.uris"), ==, "qemu:///session");
  g_assert_cmpstr (row_text ("providers.bedrock.region"), ==, "eu-central-1");   /* AWS_REGION */
  g_assert_cmpstr (row_text ("providers.bedrock.profile"), ==, "default");

  record = row ("tmux.record_all_sessions");
  g_assert_true (ADW_IS_ACTION_ROW (record));
  g_assert_true (GTK_IS_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (record))));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (record)))));

  /* The region comes from the environment, and its row says so; no other row does. */
  note = find_shown_label (GTK_WIDGET (window), "Set by");
  g_assert_nonnull (note);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (note)), ==, "Set by AWS_REGION");
  g_assert_true (gtk_widget_is_ancestor (note, row ("providers.bedrock.region")));
  g_assert_nonnull (gtk_widget_get_tooltip_text (note));
  gtk_widget_set_visible (note, FALSE);
  g_assert_null (find_shown_label (GTK_WIDGET (window), "Set by"));
  gtk_widget_set_visible (note, TRUE);
}

static gboolean
host_is (gpointer data)
{
  return g_strcmp0 (hv_config_get_string (config (), "providers.ollama.host"), data) == 0;
}

/* Applying a row rewrites only that value in config.toml; comments, blank lines and the
 * other keys stay byte for byte, and the application picks the new value up. */
static void
test_apply_keeps_comments (void)
{
  GtkWidget *host = row ("providers.ollama.host");
  g_autofree char *contents = NULL;

  gtk_editable_set_text (GTK_EDITABLE (host), "http://10.0.0.7:11434");
  g_signal_emit_by_name (host, "apply");

  contents = read_config_file ();
  g_assert_cmpstr (contents, ==, edited_toml);

  g_assert_true (hv_test_wait_for (host_is, (gpointer) "http://10.0.0.7:11434", 5000));
  g_assert_cmpstr (hv_config_get_source (config (), "providers.ollama.host"), ==, "config.toml:6:8");
}

static gboolean
recording_off (gpointer data)
{
  return !hv_config_get_boolean (config (), "tmux.record_all_sessions");
}

/* Turning the switch off writes the key (which the file did not have yet) and keeps what
 * was there. */
static void
test_switch_writes_file (void)
{
  GtkWidget *record = row ("tmux.record_all_sessions");
  GtkSwitch *toggle = GTK_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (record)));
  g_autofree char *contents = NULL;

  /* As a click on the row: the switch animates, then turns off. */
  adw_action_row_activate (ADW_ACTION_ROW (record));
  HV_TEST_WAIT_FOR (!gtk_switch_get_active (toggle), 5000);

  contents = read_config_file ();
  g_assert_true (g_str_has_prefix (contents, edited_toml));
  g_assert_true (hv_test_wait_for (recording_off, NULL, 5000));
  /* Still the value the user chose once the reload has gone through. */
  g_assert_false (gtk_switch_get_active (toggle));
}

static gboolean
namespace_row_is (gpointer data)
{
  return g_strcmp0 (row_text ("containerd.namespace"), data) == 0;
}

static gboolean
address_is (gpointer data)
{
  return g_strcmp0 (hv_config_get_string (config (), "containerd.address"), data) == 0;
}

static gboolean
address_row_is (gpointer data)
{
  return g_strcmp0 (row_text ("containerd.address"), data) == 0;
}

/* An edit on disk shows up in the rows, except in a row the user is typing in. */
static void
test_follows_file (void)
{
  GtkWidget *profile = row ("providers.bedrock.profile");

  gtk_editable_set_text (GTK_EDITABLE (profile), "half-typ");

  write_config_file ("[containerd]\n"
                     "namespace = \"lab\"\n"
                     "[providers.ollama]\n"
                     "host = \"http://10.0.0.7:11434\"\n"
                     "[providers.bedrock]\n"
                     "profile = \"work\"\n");
  g_assert_true (hv_test_wait_for (namespace_row_is, (gpointer) "lab", 5000));
  g_assert_cmpstr (hv_config_get_string (config (), "providers.bedrock.profile"), ==, "work");
  g_assert_cmpstr (row_text ("providers.bedrock.profile"), ==, "half-typ");
  /* The switch follows the file too: the key is gone, so it is back at its default. */
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row ("tmux.record_all_sessions"))))));

  /* A row with the keyboard focus waits until the focus leaves it. */
  g_assert_true (gtk_widget_grab_focus (row ("containerd.address")));
  write_config_file ("[containerd]\n"
                     "namespace = \"lab\"\n"
                     "address = \"/run/user/1000/containerd.sock\"\n"
                     "[providers.ollama]\n"
                     "host = \"http://10.0.0.7:11434\"\n");
  g_assert_true (hv_test_wait_for (address_is, (gpointer) "/run/user/1000/containerd.sock", 5000));
  g_assert_cmpstr (row_text ("containerd.address"), ==, "/run/containerd/containerd.sock");
  g_assert_true (gtk_widget_grab_focus (row ("defaults.vm_backend")));
  g_assert_true (hv_test_wait_for (address_row_is, (gpointer) "/run/user/1000/containerd.sock", 5000));
}

typedef struct {
  GtkWidget *window;
  const char *needle;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return find_shown_label (wait->window, wait->needle) != NULL;
}

static gboolean
message_dialog_shown (gpointer data)
{
  GtkWindow *dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

/* A file that no longer loads leaves the last good configuration in effect, and both the
 * main window and the preferences say what is wrong and where. */
static void
test_broken_file_toast (void)
{
  LabelWait in_main = { GTK_WIDGET (main_window ()), "config.toml:2:7" };
  LabelWait in_preferences = { GTK_WIDGET (preferences ()), "config.toml:2:7" };
  AdwMessageDialog *dialog;
  GtkWidget *label;
  gint64 toast_shown_at;

  write_config_file ("[defaults]\ncpu = \"two\"\n");

  g_assert_true (hv_test_wait_for (label_shown, &in_main, 5000));
  g_assert_true (hv_test_wait_for (label_shown, &in_preferences, 5000));
  toast_shown_at = g_get_monotonic_time ();
  label = find_shown_label (in_main.window, in_main.needle);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), "Configuration not reloaded: config.toml:2:7: "));
  /* One line, and the folder is not spelled out. */
  g_assert_null (strchr (gtk_label_get_text (GTK_LABEL (label)), '\n'));
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (label)), hv_config_get_dir (config ())));

  g_assert_cmpstr (hv_config_get_string (config (), "providers.ollama.host"), ==, "http://10.0.0.7:11434");
  g_assert_cmpstr (hv_config_get_string (config (), "containerd.namespace"), ==, "lab");
  g_assert_cmpstr (row_text ("containerd.namespace"), ==, "lab");

  /* Once the toast has slid in. */
  HV_TEST_WAIT_FOR (g_get_monotonic_time () > toast_shown_at + 500 * 1000, 1000);
  hv_ui_test_save_screenshot (in_main.window, "ui-config-error-toast.png");

  /* The toast is one line; its Details button tells the whole story. */
  g_assert_true (gtk_widget_activate_action (label, "app.show-config-errors", NULL));
  g_assert_true (hv_test_wait_for (message_dialog_shown, NULL, 5000));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "config.toml:2:7: "));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "defaults.cpu"));
  hv_ui_test_wait_frames (GTK_WIDGET (dialog), 3);
  hv_ui_test_save_screenshot (GTK_WIDGET (dialog), "ui-config-errors-dialog.png");
  gtk_window_close (GTK_WINDOW (dialog));
  HV_TEST_WAIT_FOR (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL, 5000);
}

/* Fixing the file brings it back, and the windows say so. A value the environment sets
 * can still be saved, and the page says the environment keeps winning. */
static void
test_fixed_file_and_environment (void)
{
  HvPreferencesWindow *window = preferences ();
  LabelWait reloaded = { GTK_WIDGET (main_window ()), "Configuration reloaded" };
  LabelWait precedence = { GTK_WIDGET (window), "AWS_REGION is set" };
  LabelWait stale_error = { GTK_WIDGET (window), "Configuration not reloaded" };
  GtkWidget *region = row ("providers.bedrock.region");
  g_autofree char *contents = NULL;
  int width, height;

  write_config_file (original_toml);
  g_assert_true (hv_test_wait_for (label_shown, &reloaded, 5000));
  /* The error is gone from the windows as soon as the file is fixed. */
  HV_TEST_WAIT_FOR (!label_shown (&stale_error), 5000);
  g_assert_true (hv_test_wait_for (host_is, (gpointer) "http://10.0.0.5:11434", 5000));
  g_assert_cmpstr (row_text ("providers.ollama.host"), ==, "http://10.0.0.5:11434");

  /* Tall enough to show the whole page. */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (window), width, 1040);
  hv_ui_test_wait_frames (GTK_WIDGET (window), 3);
  hv_ui_test_save_screenshot (GTK_WIDGET (window), "ui-preferences-configuration.png");
  g_settings_set_string (hv_application_get_settings (app), "color-scheme", "dark");
  hv_ui_test_wait_frames (GTK_WIDGET (window), 3);
  hv_ui_test_save_screenshot (GTK_WIDGET (window), "ui-preferences-configuration-dark.png");
  g_settings_reset (hv_application_get_settings (app), "color-scheme");
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);

  gtk_editable_set_text (GTK_EDITABLE (region), "us-west-2");
  g_signal_emit_by_name (region, "apply");
  g_assert_true (hv_test_wait_for (label_shown, &precedence, 5000));
  contents = read_config_file ();
  g_assert_true (g_str_has_prefix (contents, original_toml));
  g_assert_nonnull (strstr (contents, "\"us-west-2\""));
  g_assert_cmpstr (hv_config_get_string (config (), "providers.bedrock.region"), ==, "eu-central-1");
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
  g_autofree char *config_dir = NULL;
  HvPreferencesWindow *window;
  int ret;

  hv_test_init_ui (&argc, &argv);

  /* The variables that override config.toml: one set, to see how the page shows it, the
   * others cleared, whatever the environment of the test run. Before any thread starts. */
  for (guint i = 0; i < G_N_ELEMENTS (overriding_variables); i++)
    g_unsetenv (overriding_variables[i]);
  g_setenv ("AWS_REGION", "eu-central-1", TRUE);

  gtk_init ();

  config_dir = g_build_filename (g_get_user_config_dir (), "hydravisor", NULL);
  g_assert_cmpint (g_mkdir_with_parents (config_dir, 0700), ==, 0);
  config_path = g_build_filename (config_dir, "config.toml", NULL);
  write_config_file (original_toml);

  app = hv_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  g_test_add_func ("/ui/preferences/shows-file-values", test_shows_file_values);
  g_test_add_func ("/ui/preferences/apply-keeps-comments", test_apply_keeps_comments);
  g_test_add_func ("/ui/preferences/switch-writes-file", test_switch_writes_file);
  g_test_add_func ("/ui/preferences/follows-file", test_follows_file);
  g_test_add_func ("/ui/preferences/broken-file-toast", test_broken_file_toast);
  g_test_add_func ("/ui/preferences/fixed-file-and-environment", test_fixed_file_and_environment);

  ret = g_test_run ();

  /* The preferences window goes away whole when closed. */
  window = preferences ();
  if (window != NULL)
    {
      g_object_ref (window);
      gtk_window_destroy (GTK_WINDOW (window));
      g_assert_finalize_object (window);
    }

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  hv_test_wait_for (no_windows, NULL, 5000);
  g_clear_object (&app);
  g_free (config_path);
  return ret;
}
