// SPDX-License-Identifier: GPL-3.0-or-later
/* HvLibvirtBackend against libvirt's test driver: test:///default (one running domain
 * "test") and a generated node XML with many domains. No daemon needed. */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hv-libvirt-backend.h"
#include "hv-test-fixture.h"

#define N_MANY 1000

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static HvLibvirtBackend *
connect_backend (const char *uri)
{
  g_autoptr(HvLibvirtBackend) backend = hv_libvirt_backend_new (uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hv_vm_backend_connect_async (HV_VM_BACKEND (backend), NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  g_assert_true (hv_vm_backend_connect_finish (HV_VM_BACKEND (backend), result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hv_vm_backend_get_connection_state (HV_VM_BACKEND (backend)), ==, HV_VM_CONNECTION_CONNECTED);
  g_assert_null (hv_vm_backend_get_connection_error (HV_VM_BACKEND (backend)));
  return g_steal_pointer (&backend);
}

static gboolean
do_action (HvLibvirtBackend  *backend,
           HvVm              *vm,
           HvVmAction         action,
           GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_vm_backend_action_async (HV_VM_BACKEND (backend), vm, action, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  return hv_vm_backend_action_finish (HV_VM_BACKEND (backend), result, error);
}

static gboolean
do_snapshot (HvLibvirtBackend    *backend,
             HvVm                *vm,
             HvVmSnapshotAction   action,
             const char          *name,
             GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_vm_backend_snapshot_async (HV_VM_BACKEND (backend), vm, action, name, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  return hv_vm_backend_snapshot_finish (HV_VM_BACKEND (backend), result, error);
}

static GPtrArray *
list_snapshots (HvLibvirtBackend *backend,
                HvVm             *vm)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *snapshots;

  hv_vm_backend_list_snapshots_async (HV_VM_BACKEND (backend), vm, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  snapshots = hv_vm_backend_list_snapshots_finish (HV_VM_BACKEND (backend), result, &error);
  g_assert_no_error (error);
  return snapshots;
}

static HvVm *
create_vm (HvLibvirtBackend  *backend,
           const HvVmSpec    *spec,
           GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_vm_backend_create_async (HV_VM_BACKEND (backend), spec, NULL, store_result, &result);
  hv_test_wait_result (&result, 20000);
  return hv_vm_backend_create_finish (HV_VM_BACKEND (backend), result, error);
}

/* The default test driver has one running domain, "test", with 2 vCPUs and 8 GiB. */
static void
test_list_default (void)
{
  g_autoptr(HvLibvirtBackend) backend = connect_backend ("test:///default");
  GListModel *vms = hv_vm_backend_get_vms (HV_VM_BACKEND (backend));
  HvVm *vm;

  g_assert_cmpstr (hv_vm_backend_get_name (HV_VM_BACKEND (backend)), ==, "libvirt");
  g_assert_cmpstr (hv_vm_backend_get_connection (HV_VM_BACKEND (backend)), ==, "test:///default");
  g_assert_cmpuint (g_list_model_get_n_items (vms), >=, 1);

  vm = hv_vm_backend_find_vm (HV_VM_BACKEND (backend), "test");
  g_assert_nonnull (vm);
  g_assert_cmpstr (hv_vm_get_backend_name (vm), ==, "libvirt");
  g_assert_cmpstr (hv_vm_get_connection (vm), ==, "test:///default");
  g_assert_true (hv_vm_get_backend (vm) == (gpointer) backend);
  g_assert_cmpstr (hv_vm_get_uuid (vm), ==, "6695eb01-f6a4-8304-79aa-97f2502e193f");
  g_assert_cmpint (hv_vm_get_state (vm), ==, HV_VM_STATE_RUNNING);
  g_assert_cmpuint (hv_vm_get_vcpus (vm), ==, 2);
  g_assert_cmpuint (hv_vm_get_memory (vm), ==, G_GUINT64_CONSTANT (8388608) * 1024);

  /* Disks and network come from the configuration, read after the list. */
  HV_TEST_WAIT_FOR (hv_libvirt_backend_get_details_loaded (backend), 5000);
  g_assert_nonnull (hv_vm_get_disks (vm));
  g_assert_cmpstr (hv_vm_get_disks (vm)[0], ==, "/guest/diskimage1");
  g_assert_nonnull (hv_vm_get_network (vm));
}

static void
test_console_argv (void)
{
  g_autoptr(HvLibvirtBackend) backend = connect_backend ("test:///default");
  HvVm *vm = hv_vm_backend_find_vm (HV_VM_BACKEND (backend), "test");
  g_auto(GStrv) argv = NULL;
  const char *expected[] = { "virsh", "-c", "test:///default", "console", "--force", "test", NULL };
  g_autoptr(GError) error = NULL;

  argv = hv_vm_backend_get_console_argv (HV_VM_BACKEND (backend), vm, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (argv, expected);
}

static gboolean
is_qcow2 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return length >= 4 && memcmp (contents, "QFI\xfb", 4) == 0;
}

/* Define (with a new qcow2 disk), start, pause, resume, shut down, snapshots, delete. */
static void
test_lifecycle (void)
{
  g_autoptr(HvLibvirtBackend) backend = connect_backend ("test:///default");
  g_autofree char *name = g_strdup_printf ("hvtest-%08x", g_random_int ());
  g_autofree char *disk = g_build_filename (g_get_user_data_dir (), "hydravisor", "vms", name, "disk.qcow2", NULL);
  g_autoptr(HvVmSpec) spec = hv_vm_spec_new (name);
  g_autoptr(HvVm) vm = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  guint n_before = g_list_model_get_n_items (hv_vm_backend_get_vms (HV_VM_BACKEND (backend)));

  spec->vcpus = 3;
  spec->memory = 96 * 1024 * 1024;
  spec->disk_size = 10 * 1000 * 1000;
  vm = create_vm (backend, spec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vm);
  g_assert_true (hv_vm_backend_find_vm (HV_VM_BACKEND (backend), name) == vm);
  g_assert_cmpuint (g_list_model_get_n_items (hv_vm_backend_get_vms (HV_VM_BACKEND (backend))), ==, n_before + 1);
  g_assert_cmpint (hv_vm_get_state (vm), ==, HV_VM_STATE_SHUTOFF);
  g_assert_cmpuint (hv_vm_get_vcpus (vm), ==, 3);
  g_assert_cmpuint (hv_vm_get_memory (vm), ==, 96 * 1024 * 1024);
  g_assert_nonnull (hv_vm_get_uuid (vm));
  g_assert_cmpstr (hv_vm_get_disks (vm)[0], ==, disk);
  g_assert_cmpstr (hv_vm_get_network (vm), ==, "user (NAT)");
  g_assert_true (is_qcow2 (disk));

  /* The same name again is refused. */
  g_assert_null (create_vm (backend, spec, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_EXISTS);
  g_clear_error (&error);

  /* Pause before start is refused. */
  g_assert_false (do_action (backend, vm, HV_VM_ACTION_PAUSE, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE);
  g_clear_error (&error);

  g_assert_true (do_action (backend, vm, HV_VM_ACTION_START, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 5000);
  g_assert_cmpint (hv_vm_get_started_at (vm), >, 0);

  g_assert_true (do_action (backend, vm, HV_VM_ACTION_PAUSE, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_PAUSED, 5000);
  g_assert_true (do_action (backend, vm, HV_VM_ACTION_RESUME, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 5000);

  /* Deleting a running VM is refused. */
  g_assert_false (do_action (backend, vm, HV_VM_ACTION_DELETE, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE);
  g_clear_error (&error);

  /* Snapshots: create two, list oldest first, revert, delete. */
  g_assert_true (do_snapshot (backend, vm, HV_VM_SNAPSHOT_CREATE, "first", &error));
  g_assert_no_error (error);
  g_assert_true (do_snapshot (backend, vm, HV_VM_SNAPSHOT_CREATE, "second", &error));
  g_assert_no_error (error);
  g_assert_false (do_snapshot (backend, vm, HV_VM_SNAPSHOT_CREATE, "second", &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (do_snapshot (backend, vm, HV_VM_SNAPSHOT_CREATE, "bad name", &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_NAME);
  g_clear_error (&error);

  snapshots = list_snapshots (backend, vm);
  g_assert_cmpuint (snapshots->len, ==, 2);
  g_assert_cmpstr (hv_vm_snapshot_get_name (snapshots->pdata[0]), ==, "first");
  g_assert_cmpstr (hv_vm_snapshot_get_name (snapshots->pdata[1]), ==, "second");
  g_assert_false (hv_vm_snapshot_get_is_current (snapshots->pdata[0]));
  g_assert_true (hv_vm_snapshot_get_is_current (snapshots->pdata[1]));
  g_assert_cmpint (hv_vm_snapshot_get_created (snapshots->pdata[0]), >, 0);
  g_clear_pointer (&snapshots, g_ptr_array_unref);

  g_assert_true (do_snapshot (backend, vm, HV_VM_SNAPSHOT_REVERT, "first", &error));
  g_assert_no_error (error);
  snapshots = list_snapshots (backend, vm);
  g_assert_true (hv_vm_snapshot_get_is_current (snapshots->pdata[0]));
  g_clear_pointer (&snapshots, g_ptr_array_unref);

  g_assert_true (do_snapshot (backend, vm, HV_VM_SNAPSHOT_DELETE, "second", &error));
  g_assert_no_error (error);
  g_assert_false (do_snapshot (backend, vm, HV_VM_SNAPSHOT_DELETE, "second", &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  snapshots = list_snapshots (backend, vm);
  g_assert_cmpuint (snapshots->len, ==, 1);
  g_clear_pointer (&snapshots, g_ptr_array_unref);

  /* Shut down: the test driver stops at once; the action ends when it is off. */
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 5000);
  g_object_set (backend, "shutdown-timeout", 5u, NULL);
  g_assert_true (do_action (backend, vm, HV_VM_ACTION_SHUTDOWN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hv_vm_get_state (vm), ==, HV_VM_STATE_SHUTOFF);

  /* Start and force off: the reason says so. */
  g_assert_true (do_action (backend, vm, HV_VM_ACTION_START, &error));
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 5000);
  g_assert_true (do_action (backend, vm, HV_VM_ACTION_FORCE_OFF, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_SHUTOFF, 5000);
  g_assert_cmpstr (hv_vm_get_state_reason (vm), ==, "forced off");

  /* Delete with disks removes the VM and the disk Hydravisor made. */
  g_assert_true (do_action (backend, vm, HV_VM_ACTION_DELETE_WITH_DISKS, &error));
  g_assert_no_error (error);
  g_assert_null (hv_vm_backend_find_vm (HV_VM_BACKEND (backend), name));
  g_assert_false (g_file_test (disk, G_FILE_TEST_EXISTS));

  /* Acting on it afterwards says it is gone. */
  g_assert_false (do_action (backend, vm, HV_VM_ACTION_START, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_NOT_FOUND);
}

/* An existing image is used in place and survives "delete with disks". */
static void
test_existing_image (void)
{
  g_autoptr(HvLibvirtBackend) backend = connect_backend ("test:///default");
  g_autofree char *name = g_strdup_printf ("hvtest-%08x", g_random_int ());
  g_autofree char *image = g_build_filename (g_get_user_data_dir (), "user-image.raw", NULL);
  g_autoptr(HvVmSpec) spec = hv_vm_spec_new (name);
  g_autoptr(HvVm) vm = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (image, "raw", 3, NULL));
  spec->disk_image = g_strdup (image);
  spec->network = FALSE;
  vm = create_vm (backend, spec, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hv_vm_get_disks (vm)[0], ==, image);
  g_assert_cmpstr (hv_vm_get_network (vm), ==, "none");

  g_assert_true (do_action (backend, vm, HV_VM_ACTION_DELETE_WITH_DISKS, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (image, G_FILE_TEST_EXISTS));
}

static void
test_invalid (void)
{
  g_autoptr(HvLibvirtBackend) backend = connect_backend ("test:///default");
  g_autoptr(HvVmSpec) spec = hv_vm_spec_new ("bad/name");
  g_autoptr(GError) error = NULL;

  spec->disk_size = 10 * 1024 * 1024;
  g_assert_null (create_vm (backend, spec, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_NAME);
  g_clear_error (&error);

  g_free (spec->name);
  spec->name = g_strdup ("test");
  g_assert_null (create_vm (backend, spec, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_EXISTS);
  g_clear_error (&error);

  g_free (spec->name);
  spec->name = g_strdup ("hvtest-nodisk");
  spec->disk_size = 0;
  g_assert_null (create_vm (backend, spec, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_SPEC);
}

/* A URI that cannot be opened: disconnected, with libvirt's reason, and it retries. */
static void
test_connect_failure (void)
{
  g_autoptr(HvLibvirtBackend) backend = hv_libvirt_backend_new ("test:///nonexistent/node.xml");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *message;

  hv_vm_backend_connect_async (HV_VM_BACKEND (backend), NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  g_assert_false (hv_vm_backend_connect_finish (HV_VM_BACKEND (backend), result, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_DISCONNECTED);
  g_assert_cmpint (hv_vm_backend_get_connection_state (HV_VM_BACKEND (backend)), ==, HV_VM_CONNECTION_DISCONNECTED);
  message = hv_vm_backend_get_connection_error (HV_VM_BACKEND (backend));
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "test:///nonexistent/node.xml"));
  /* It tries again by itself. */
  HV_TEST_WAIT_FOR (hv_vm_backend_get_connection_state (HV_VM_BACKEND (backend)) == HV_VM_CONNECTION_CONNECTING, 3000);
}

static void
test_stats (void)
{
  g_autoptr(HvLibvirtBackend) backend = connect_backend ("test:///default");
  HvVm *vm = hv_vm_backend_find_vm (HV_VM_BACKEND (backend), "test");
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 2; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;

      hv_vm_backend_update_stats_async (HV_VM_BACKEND (backend), vm, NULL, store_result, &result);
      hv_test_wait_result (&result, 5000);
      g_assert_true (hv_vm_backend_update_stats_finish (HV_VM_BACKEND (backend), result, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpfloat (hv_vm_get_cpu_percent (vm), >=, 0);
  g_assert_cmpuint (hv_vm_get_memory_used (vm), >, 0);
}

/* node.xml with N domains: even ones running, odd ones shut off; vCPUs i % 4 + 1;
 * memory 64 + i MiB. */
static char *
write_node_xml (guint n)
{
  g_autoptr(GString) xml = g_string_new ("<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n");
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "node.xml", NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (xml,
                            "<domain type='test'><name>dom-%04u</name>"
                            "<memory unit='MiB'>%u</memory><vcpu>%u</vcpu>"
                            "<os><type>hvm</type></os>%s</domain>\n",
                            i, 64 + i, i % 4 + 1,
                            i % 2 ? "<test:runstate>5</test:runstate>" : "");
  g_string_append (xml, "</node>\n");
  g_assert_true (g_mkdir_with_parents (g_get_user_data_dir (), 0700) == 0);
  g_assert_true (g_file_set_contents (path, xml->str, xml->len, NULL));
  return g_steal_pointer (&path);
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               guint      *changes)
{
  (*changes)++;
}

static void
test_many (void)
{
  g_autofree char *path = write_node_xml (N_MANY);
  g_autofree char *uri = g_strdup_printf ("test://%s", path);
  g_autoptr(HvLibvirtBackend) backend = hv_libvirt_backend_new (uri);
  g_autoptr(HvStallProbe) probe = hv_stall_probe_start (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *vms = hv_vm_backend_get_vms (HV_VM_BACKEND (backend));
  gint64 started = g_get_monotonic_time ();
  gint64 max_us;
  guint changes = 0;

  g_signal_connect (vms, "items-changed", G_CALLBACK (count_changes), &changes);

  hv_vm_backend_connect_async (HV_VM_BACKEND (backend), NULL, store_result, &result);
  hv_test_wait_result (&result, 30000);
  g_assert_true (hv_vm_backend_connect_finish (HV_VM_BACKEND (backend), result, &error));
  g_assert_no_error (error);
  g_test_message ("listed %u domains in %.1f ms", g_list_model_get_n_items (vms),
                  (g_get_monotonic_time () - started) / 1000.0);
  HV_TEST_WAIT_FOR (hv_libvirt_backend_get_details_loaded (backend), 30000);
  max_us = hv_stall_probe_get_max_us (probe);
  g_test_message ("longest main-loop iteration: %.1f ms over %u iterations", max_us / 1000.0,
                  hv_stall_probe_get_iterations (probe));

  g_assert_cmpuint (g_list_model_get_n_items (vms), ==, N_MANY);
  g_assert_cmpuint (changes, ==, 1);   /* one items-changed for the whole list */
  for (guint i = 0; i < N_MANY; i++)
    {
      g_autofree char *name = g_strdup_printf ("dom-%04u", i);
      HvVm *vm = hv_vm_backend_find_vm (HV_VM_BACKEND (backend), name);

      g_assert_nonnull (vm);
      g_assert_cmpint (hv_vm_get_state (vm), ==, (i % 2 ? HV_VM_STATE_SHUTOFF : HV_VM_STATE_RUNNING));
      g_assert_cmpuint (hv_vm_get_vcpus (vm), ==, i % 4 + 1);
      g_assert_cmpuint (hv_vm_get_memory (vm), ==, (guint64) (64 + i) * 1024 * 1024);
    }
  g_assert_cmpint (max_us, <=, 16000);
}

/* A process with a libvirt backend outlives a daemon that goes away: libvirt writes to its
 * socket without MSG_NOSIGNAL, so a write after libvirtd died would raise SIGPIPE. Run in a
 * subprocess, whose signal dispositions start as the test runner's. */
static void
test_survives_closed_socket (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(HvLibvirtBackend) backend = hv_libvirt_backend_new ("test:///default");
      int fds[2];
      char byte = 'x';

      g_assert_nonnull (backend);
      g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
      close (fds[1]);
      /* What libvirt does when the daemon is gone: a plain write to the dead socket. */
      g_assert_cmpint (write (fds[0], &byte, 1), ==, -1);
      g_assert_cmpint (errno, ==, EPIPE);
      close (fds[0]);
      return;
    }
  g_test_trap_subprocess (NULL, 10 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/libvirt/test-driver/list-default", test_list_default);
  g_test_add_func ("/libvirt/test-driver/console-argv", test_console_argv);
  g_test_add_func ("/libvirt/test-driver/lifecycle", test_lifecycle);
  g_test_add_func ("/libvirt/test-driver/existing-image", test_existing_image);
  g_test_add_func ("/libvirt/test-driver/invalid", test_invalid);
  g_test_add_func ("/libvirt/test-driver/connect-failure", test_connect_failure);
  g_test_add_func ("/libvirt/test-driver/stats", test_stats);
  g_test_add_func ("/libvirt/test-driver/many", test_many);
  g_test_add_func ("/libvirt/test-driver/survives-closed-socket", test_survives_closed_socket);

  return g_test_run ();
}
