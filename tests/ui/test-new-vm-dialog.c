// SPDX-License-Identifier: GPL-3.0-or-later
/* The New VM dialog under Xvfb against libvirt's test driver (test:///default): names are
 * checked as they are typed (the rules, and the VMs the connection already has), Create
 * stays off while the form is wrong, and a valid form creates the VM in the backend.
 * Also the live graph widget of the VM page. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "hv-config.h"
#include "hv-graph.h"
#include "hv-libvirt-backend.h"
#include "hv-new-vm-dialog.h"
#include "hv-test-fixture.h"
#include "hv-ui-test.h"
#include "hv-vm-manager.h"

#define MIB (G_GUINT64_CONSTANT (1024) * 1024)
#define GIB (MIB * 1024)

static char *config_dir;
static char *iso_path;
static HvConfig *config;
static HvVmManager *manager;
static HvVmBackend *backend;    /* test:///default, connected */
static HvVmBackend *offline;    /* a test driver file that does not exist: never connects */
static GtkWindow *parent;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
write_file (const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (config_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

static void
setup_world (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *config_toml = NULL;

  config_dir = g_dir_make_tmp ("hv-new-vm-XXXXXX", &error);
  g_assert_no_error (error);
  iso_path = g_build_filename (config_dir, "install.iso", NULL);
  write_file ("install.iso", "not really an ISO");

  /* Defaults above the policy's limit are brought down to it. */
  config_toml = g_strdup_printf ("[defaults]\n"
                                 "cpu = 8\n"
                                 "ram = \"1GiB\"\n"
                                 "disk = \"2GiB\"\n"
                                 "vm_image = \"%s\"\n", iso_path);
  write_file ("config.toml", config_toml);
  write_file ("policy.toml",
              "[defaults.vm]\n"
              "cpu_limit = 4\n"
              "ram_limit = \"2GiB\"\n"
              "disk_limit = \"8GiB\"\n");
  config = hv_config_new (config_dir);
  g_assert_true (hv_config_load (config, &error));
  g_assert_no_error (error);

  manager = hv_vm_manager_new ();
  offline = HV_VM_BACKEND (hv_libvirt_backend_new ("test:///nonexistent/hydravisor-test.xml"));
  backend = HV_VM_BACKEND (hv_libvirt_backend_new ("test:///default"));
  hv_vm_manager_add_backend (manager, offline);
  hv_vm_manager_add_backend (manager, backend);
  hv_vm_manager_set_default_backend (manager, backend);

  hv_vm_backend_connect_async (backend, NULL, store_result, &result);
  g_assert_true (hv_vm_backend_connect_finish (backend, hv_test_wait_result (&result, 20000), &error));
  g_assert_no_error (error);
  g_assert_cmpint (hv_vm_backend_get_connection_state (backend), ==, HV_VM_CONNECTION_CONNECTED);

  parent = GTK_WINDOW (adw_application_window_new (NULL));
  g_object_ref_sink (parent);
  gtk_window_set_default_size (parent, 800, 600);
  gtk_window_present (parent);
}

/* The button that activates @action_name inside @root. */
static GtkWidget *
find_action_button (GtkWidget  *root,
                    const char *action_name)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action_name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static HvNewVmDialog *
open_dialog (void)
{
  HvNewVmDialog *dialog = hv_new_vm_dialog_new (parent, manager, config);

  gtk_window_present (GTK_WINDOW (dialog));
  HV_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)), 5000);
  hv_ui_test_wait_frames (GTK_WIDGET (dialog), 2);
  return dialog;
}

static void
close_dialog (HvNewVmDialog *dialog)
{
  GtkWidget *alive = GTK_WIDGET (dialog);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &alive);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-vm.cancel", NULL);
  HV_TEST_WAIT_FOR (alive == NULL, 5000);
}

static GtkWidget *
create_button (HvNewVmDialog *dialog)
{
  GtkWidget *button = find_action_button (GTK_WIDGET (dialog), "new-vm.create");

  g_assert_nonnull (button);
  return button;
}

static void
test_defaults (void)
{
  HvNewVmDialog *dialog = open_dialog ();
  g_autoptr(HvVmSpec) spec = hv_new_vm_dialog_get_spec (dialog);

  /* The default connection is chosen, though it is not the first. */
  g_assert_true (hv_new_vm_dialog_get_backend (dialog) == backend);
  /* cpu = 8 within cpu_limit = 4. */
  g_assert_cmpuint (spec->vcpus, ==, 4);
  g_assert_cmpuint (spec->memory, ==, 1 * GIB);
  g_assert_cmpuint (spec->disk_size, ==, 2 * GIB);
  g_assert_null (spec->disk_image);
  g_assert_cmpstr (spec->iso, ==, iso_path);
  g_assert_true (spec->network);

  /* Nothing typed yet: no complaint, but nothing to create either. */
  g_assert_null (hv_new_vm_dialog_get_name_error (dialog));
  g_assert_false (hv_new_vm_dialog_get_can_create (dialog));
  g_assert_false (gtk_widget_get_sensitive (create_button (dialog)));

  close_dialog (dialog);
}

static void
test_invalid_names (void)
{
  HvNewVmDialog *dialog = open_dialog ();
  g_autofree char *long_name = g_strnfill (65, 'a');
  const struct {
    const char *name;
    const char *mentions;   /* the message names the offending character */
  } invalid[] = {
    { "a b", NULL },
    { "a/b", "/" },
    { "x;y", ";" },
    { long_name, NULL },
    { "-leading-dash", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      const char *message;

      hv_new_vm_dialog_set_name (dialog, invalid[i].name);
      message = hv_new_vm_dialog_get_name_error (dialog);
      g_test_message ("%s: %s", invalid[i].name, message);
      g_assert_nonnull (message);
      if (invalid[i].mentions != NULL)
        g_assert_nonnull (strstr (message, invalid[i].mentions));
      g_assert_false (hv_new_vm_dialog_get_can_create (dialog));
      hv_ui_test_wait_frames (GTK_WIDGET (dialog), 1);
      g_assert_false (gtk_widget_get_sensitive (create_button (dialog)));

      /* Enter does nothing while the name is wrong. */
      gtk_widget_activate_action (GTK_WIDGET (dialog), "new-vm.create", NULL);
      g_assert_false (hv_new_vm_dialog_get_creating (dialog));
    }
  hv_ui_test_save_screenshot (GTK_WIDGET (dialog), "new-vm-dialog-invalid.png");

  /* 64 characters is still fine. */
  long_name[64] = '\0';
  hv_new_vm_dialog_set_name (dialog, long_name);
  g_assert_null (hv_new_vm_dialog_get_name_error (dialog));
  g_assert_true (hv_new_vm_dialog_get_can_create (dialog));

  hv_new_vm_dialog_set_name (dialog, "web-01.test_vm");
  g_assert_null (hv_new_vm_dialog_get_name_error (dialog));
  g_assert_true (hv_new_vm_dialog_get_can_create (dialog));
  hv_ui_test_wait_frames (GTK_WIDGET (dialog), 1);
  g_assert_true (gtk_widget_get_sensitive (create_button (dialog)));
  hv_ui_test_save_screenshot (GTK_WIDGET (dialog), "new-vm-dialog.png");

  close_dialog (dialog);
}

static void
test_existing_name (void)
{
  HvNewVmDialog *dialog = open_dialog ();
  GListModel *vms = hv_vm_backend_get_vms (backend);
  g_autoptr(HvVm) existing = NULL;
  const char *message;

  /* The test driver comes with a VM. */
  g_assert_cmpuint (g_list_model_get_n_items (vms), >, 0);
  existing = g_list_model_get_item (vms, 0);

  hv_new_vm_dialog_set_name (dialog, hv_vm_get_name (existing));
  message = hv_new_vm_dialog_get_name_error (dialog);
  g_test_message ("%s", message);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, hv_vm_get_name (existing)));
  g_assert_false (hv_new_vm_dialog_get_can_create (dialog));
  g_assert_false (gtk_widget_get_sensitive (create_button (dialog)));

  /* A connection that is down cannot take a VM, whatever the name. */
  hv_new_vm_dialog_set_name (dialog, "fresh-name");
  g_assert_true (hv_new_vm_dialog_get_can_create (dialog));
  hv_new_vm_dialog_set_backend (dialog, offline);
  g_assert_true (hv_new_vm_dialog_get_backend (dialog) == offline);
  g_assert_false (hv_new_vm_dialog_get_can_create (dialog));
  hv_ui_test_wait_frames (GTK_WIDGET (dialog), 1);
  g_assert_false (gtk_widget_get_sensitive (create_button (dialog)));
  hv_ui_test_save_screenshot (GTK_WIDGET (dialog), "new-vm-dialog-offline.png");

  hv_new_vm_dialog_set_backend (dialog, backend);
  g_assert_true (hv_new_vm_dialog_get_can_create (dialog));

  close_dialog (dialog);
}

static void
on_created (HvNewVmDialog  *dialog,
            HvVm           *vm,
            HvVm          **out)
{
  g_assert_null (*out);
  *out = g_object_ref (vm);
}

static void
test_create (void)
{
  HvNewVmDialog *dialog = open_dialog ();
  g_autoptr(HvVm) created = NULL;
  GtkWidget *alive = GTK_WIDGET (dialog);
  GtkWidget *name_entry;
  HvVm *listed;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &alive);
  g_signal_connect (dialog, "created", G_CALLBACK (on_created), &created);

  /* Refused before it reaches the backend: the ISO is gone. The form stays. */
  hv_new_vm_dialog_set_name (dialog, "hv-new-vm-test");
  hv_new_vm_dialog_set_iso (dialog, "/nonexistent/hydravisor/install.iso");
  g_assert_true (hv_new_vm_dialog_get_can_create (dialog));
  /* A button's activation is a short press animation, then the click. */
  gtk_widget_activate (create_button (dialog));
  HV_TEST_WAIT_FOR (hv_new_vm_dialog_get_error (dialog) != NULL, 5000);
  g_test_message ("%s", hv_new_vm_dialog_get_error (dialog));
  g_assert_false (hv_new_vm_dialog_get_creating (dialog));
  g_assert_null (created);
  hv_ui_test_wait_frames (GTK_WIDGET (dialog), 1);
  hv_ui_test_save_screenshot (GTK_WIDGET (dialog), "new-vm-dialog-error.png");

  /* Without an ISO it goes through; Enter in the name is Create. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-vm.clear-iso", NULL);
  g_assert_true (hv_new_vm_dialog_get_can_create (dialog));
  name_entry = find_widget (find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW), GTK_TYPE_TEXT);
  g_assert_nonnull (name_entry);
  g_signal_emit_by_name (name_entry, "activate");
  HV_TEST_WAIT_FOR (hv_new_vm_dialog_get_creating (dialog) || created != NULL, 5000);
  if (created == NULL)
    {
      /* The error of the last try is gone, and the form waits. */
      g_assert_null (hv_new_vm_dialog_get_error (dialog));
      g_assert_false (hv_new_vm_dialog_get_can_create (dialog));
    }
  HV_TEST_WAIT_FOR (created != NULL || (alive != NULL && hv_new_vm_dialog_get_error (dialog) != NULL), 30000);
  if (created == NULL)
    g_error ("Create failed: %s", hv_new_vm_dialog_get_error (dialog));

  g_assert_cmpstr (hv_vm_get_name (created), ==, "hv-new-vm-test");
  listed = hv_vm_backend_find_vm (backend, "hv-new-vm-test");
  g_assert_nonnull (listed);
  g_assert_true (listed == created);
  g_assert_cmpuint (hv_vm_get_vcpus (listed), ==, 4);
  g_assert_cmpuint (hv_vm_get_memory (listed), ==, 1 * GIB);

  /* It closed. */
  HV_TEST_WAIT_FOR (alive == NULL, 5000);

  /* The next dialog knows the name is taken. */
  dialog = open_dialog ();
  hv_new_vm_dialog_set_name (dialog, "hv-new-vm-test");
  g_assert_nonnull (hv_new_vm_dialog_get_name_error (dialog));
  g_assert_false (hv_new_vm_dialog_get_can_create (dialog));
  close_dialog (dialog);
}

static void
test_graph (void)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  HvGraph *graph = hv_graph_new ();

  gtk_window_set_default_size (window, 360, 120);
  gtk_window_set_child (window, GTK_WIDGET (graph));
  gtk_window_present (window);
  HV_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (graph)), 5000);

  g_assert_cmpuint (hv_graph_get_capacity (graph), ==, 120);
  g_assert_cmpuint (hv_graph_get_n_samples (graph), ==, 0);
  g_assert_cmpfloat (hv_graph_get_max (graph), ==, 0.0);
  hv_ui_test_wait_frames (GTK_WIDGET (graph), 1);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (graph)), >=, 64);

  /* One sample, then more than fit: the oldest go. */
  hv_graph_push (graph, 5.0);
  hv_ui_test_wait_frames (GTK_WIDGET (graph), 1);
  for (guint i = 1; i <= 200; i++)
    hv_graph_push (graph, (double) ((i * 37) % 100));
  g_assert_cmpuint (hv_graph_get_n_samples (graph), ==, 120);
  g_assert_cmpfloat_with_epsilon (hv_graph_get_sample (graph, 119), (double) ((200 * 37) % 100), 1e-9);
  g_assert_cmpfloat_with_epsilon (hv_graph_get_sample (graph, 0), (double) ((81 * 37) % 100), 1e-9);

  hv_graph_set_label (graph, "CPU 12 %");
  g_assert_cmpstr (hv_graph_get_label (graph), ==, "CPU 12 %");
  hv_graph_set_max (graph, 100.0);
  hv_ui_test_wait_frames (GTK_WIDGET (graph), 2);
  hv_ui_test_save_screenshot (GTK_WIDGET (window), "graph.png");

  /* Dark style too. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  hv_ui_test_wait_frames (GTK_WIDGET (graph), 2);
  hv_ui_test_save_screenshot (GTK_WIDGET (window), "graph-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Odd values and auto scale. */
  hv_graph_set_max (graph, 0.0);
  hv_graph_push (graph, -3.0);
  hv_graph_push (graph, 0.0 / 0.0);
  g_assert_cmpfloat (hv_graph_get_sample (graph, 119), ==, 0.0);
  g_object_set (graph, "capacity", 10, NULL);
  g_assert_cmpuint (hv_graph_get_n_samples (graph), ==, 10);
  g_assert_cmpfloat (hv_graph_get_sample (graph, 9), ==, 0.0);
  hv_ui_test_wait_frames (GTK_WIDGET (graph), 1);

  hv_graph_clear (graph);
  g_assert_cmpuint (hv_graph_get_n_samples (graph), ==, 0);
  hv_ui_test_wait_frames (GTK_WIDGET (graph), 1);

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  hv_test_init_ui (&argc, &argv);
  adw_init ();

  setup_world ();

  g_test_add_func ("/ui/new-vm-dialog/defaults", test_defaults);
  g_test_add_func ("/ui/new-vm-dialog/invalid-names", test_invalid_names);
  g_test_add_func ("/ui/new-vm-dialog/existing-name", test_existing_name);
  g_test_add_func ("/ui/new-vm-dialog/create", test_create);
  g_test_add_func ("/ui/graph/draws", test_graph);

  ret = g_test_run ();

  gtk_window_destroy (parent);
  g_clear_object (&parent);
  g_clear_object (&manager);
  g_clear_object (&backend);
  g_clear_object (&offline);
  g_clear_object (&config);
  for (guint i = 0; i < 3; i++)
    {
      const char *names[] = { "install.iso", "config.toml", "policy.toml" };
      g_autofree char *path = g_build_filename (config_dir, names[i], NULL);

      g_unlink (path);
    }
  g_rmdir (config_dir);
  g_free (config_dir);
  g_free (iso_path);
  return ret;
}
