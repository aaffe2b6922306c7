// SPDX-License-Identifier: GPL-3.0-or-later
/* HvQemuBackend with a real qemu-system-x86_64: guests have no OS, which is enough for
 * QMP states, snapshots and the shutdown fallback.
 *
 * The VMs are daemonized QEMUs that would outlive the test. Each test kills them at its
 * end; a reaper process kills whatever is left when the test process dies any other way
 * (a failed assertion aborts before any cleanup runs). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "hv-qemu-backend.h"
#include "hv-test-fixture.h"

/* Kills every QEMU whose pidfile is in this test's runtime dir. */
static void
kill_test_qemus (void)
{
  g_autofree char *runtime = g_build_filename (g_get_user_runtime_dir (), "hydravisor", NULL);
  g_autoptr(GDir) dir = g_dir_open (runtime, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      int pid;

      if (!g_str_has_suffix (name, ".pid"))
        continue;
      path = g_build_filename (runtime, name, NULL);
      if (!g_file_get_contents (path, &contents, NULL, NULL))
        continue;
      pid = (int) g_ascii_strtoll (contents, NULL, 10);
      if (pid > 0)
        kill (pid, SIGKILL);
    }
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

#define TIMEOUT_MS 60000

static gboolean
backend_connect (HvVmBackend  *backend,
                 GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_vm_backend_connect_async (backend, NULL, store_result, &result);
  return hv_vm_backend_connect_finish (backend, hv_test_wait_result (&result, TIMEOUT_MS), error);
}

static HvVm *
backend_create (HvVmBackend     *backend,
                const HvVmSpec  *spec,
                GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_vm_backend_create_async (backend, spec, NULL, store_result, &result);
  return hv_vm_backend_create_finish (backend, hv_test_wait_result (&result, TIMEOUT_MS), error);
}

static gboolean
backend_action (HvVmBackend  *backend,
                HvVm         *vm,
                HvVmAction    action,
                GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  hv_vm_backend_action_async (backend, vm, action, NULL, store_result, &result);
  ok = hv_vm_backend_action_finish (backend, hv_test_wait_result (&result, TIMEOUT_MS), error);
  return ok;
}

static gboolean
backend_snapshot (HvVmBackend         *backend,
                  HvVm                *vm,
                  HvVmSnapshotAction   action,
                  const char          *name,
                  GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_vm_backend_snapshot_async (backend, vm, action, name, NULL, store_result, &result);
  return hv_vm_backend_snapshot_finish (backend, hv_test_wait_result (&result, TIMEOUT_MS), error);
}

static GPtrArray *
backend_snapshots (HvVmBackend *backend,
                   HvVm        *vm)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *snapshots;

  hv_vm_backend_list_snapshots_async (backend, vm, NULL, store_result, &result);
  snapshots = hv_vm_backend_list_snapshots_finish (backend, hv_test_wait_result (&result, TIMEOUT_MS), &error);
  g_assert_no_error (error);
  return snapshots;
}

static char *
snapshot_names (GPtrArray *snapshots)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < snapshots->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? "," : "",
                            hv_vm_snapshot_get_name (g_ptr_array_index (snapshots, i)));
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static HvVmSpec *
small_spec (const char *name)
{
  HvVmSpec *spec = hv_vm_spec_new (name);

  spec->memory = 64 * 1024 * 1024;
  spec->disk_size = 10 * 1024 * 1024;
  return spec;
}

static char *
vms_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "hydravisor", "vms", NULL);
}

/* Alive and not a zombie (a daemonized QEMU is not our child; someone else reaps it). */
static gboolean
process_alive (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *end;

  if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
    return FALSE;
  return end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';
}

/* Create, start, pause, resume, snapshots running and shut off, stats, console, force off,
 * delete with disks. */
static void
test_backend_lifecycle (void)
{
  g_autoptr(HvQemuBackend) backend = hv_qemu_backend_new (NULL, NULL);
  HvVmBackend *vb = HV_VM_BACKEND (backend);
  g_autoptr(HvVmSpec) spec = small_spec ("lifecycle");
  g_autoptr(GError) error = NULL;
  g_autoptr(HvVm) vm = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *definition = NULL;
  g_autofree char *names = NULL;
  g_auto(GStrv) console = NULL;
  g_autoptr(GAsyncResult) stats = NULL;
  int pid;

  g_assert_cmpstr (hv_vm_backend_get_name (vb), ==, "qemu");
  g_assert_cmpstr (hv_vm_backend_get_connection (vb), ==, "qemu");
  g_assert_true (backend_connect (vb, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hv_vm_backend_get_connection_state (vb), ==, HV_VM_CONNECTION_CONNECTED);
  g_assert_null (hv_vm_backend_get_connection_error (vb));

  vm = backend_create (vb, spec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vm);
  g_assert_cmpuint (g_list_model_get_n_items (hv_vm_backend_get_vms (vb)), ==, 1);
  g_assert_true (hv_vm_backend_find_vm (vb, "lifecycle") == vm);
  g_assert_cmpint (hv_vm_get_state (vm), ==, HV_VM_STATE_SHUTOFF);
  g_assert_cmpuint (hv_vm_get_memory (vm), ==, 64 * 1024 * 1024);
  g_assert_cmpstr (hv_vm_get_network (vm), ==, "user (NAT)");
  g_assert_nonnull (hv_vm_get_uuid (vm));
  g_assert_true (hv_vm_get_backend (vm) == (gpointer) backend);

  /* The folder holds the definition and a qcow2 disk of the size asked. */
  dir = vms_dir ();
  definition = g_build_filename (dir, "lifecycle", "vm.json", NULL);
  g_assert_true (g_file_test (definition, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (hv_vm_get_disks (vm));
  g_assert_true (g_str_has_prefix (hv_vm_get_disks (vm)[0], dir));
  {
    g_autofree char *out = NULL;
    const char *argv[] = { "qemu-img", "info", "--output=json", hv_vm_get_disks (vm)[0], NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, NULL, NULL));
    g_assert_nonnull (strstr (out, "\"format\": \"qcow2\""));
    g_assert_nonnull (strstr (out, "\"virtual-size\": 10485760"));
  }

  /* A second VM of the same name is refused. */
  {
    g_autoptr(HvVm) twin = backend_create (vb, spec, &error);

    g_assert_null (twin);
    g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_EXISTS);
    g_clear_error (&error);
  }

  /* Snapshots while shut off go through qemu-img. */
  g_assert_true (backend_snapshot (vb, vm, HV_VM_SNAPSHOT_CREATE, "cold", &error));
  g_assert_no_error (error);
  snapshots = backend_snapshots (vb, vm);
  names = snapshot_names (snapshots);
  g_assert_cmpstr (names, ==, "cold");
  g_assert_false (hv_vm_snapshot_get_with_memory (g_ptr_array_index (snapshots, 0)));
  g_assert_cmpint (hv_vm_snapshot_get_created (g_ptr_array_index (snapshots, 0)), >, 0);
  g_clear_pointer (&snapshots, g_ptr_array_unref);
  g_clear_pointer (&names, g_free);

  /* Console of a shut-off VM: refused with the reason. */
  console = hv_vm_backend_get_console_argv (vb, vm, &error);
  g_assert_null (console);
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE);
  g_clear_error (&error);

  g_assert_true (backend_action (vb, vm, HV_VM_ACTION_START, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hv_vm_get_state (vm), ==, HV_VM_STATE_RUNNING);
  pid = hv_qemu_backend_get_pid (backend, vm);
  g_assert_true (process_alive (pid));
  g_assert_true (g_file_test (hv_qemu_backend_get_serial_socket (backend, vm), G_FILE_TEST_EXISTS));
  g_assert_cmpint (hv_vm_get_started_at (vm), >, 0);

  /* Starting twice is refused. */
  g_assert_false (backend_action (vb, vm, HV_VM_ACTION_START, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE);
  g_clear_error (&error);

  /* Deleting a running VM is refused and leaves it alone. */
  g_assert_false (backend_action (vb, vm, HV_VM_ACTION_DELETE_WITH_DISKS, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE);
  g_clear_error (&error);
  g_assert_true (g_file_test (definition, G_FILE_TEST_IS_REGULAR));

  /* Console argv: this program with the CLI's console command. */
  console = hv_vm_backend_get_console_argv (vb, vm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (console), ==, 6);
  g_assert_true (g_path_is_absolute (console[0]));
  g_assert_cmpstr (console[1], ==, "vm");
  g_assert_cmpstr (console[2], ==, "console");
  g_assert_cmpstr (console[3], ==, "--backend");
  g_assert_cmpstr (console[4], ==, "qemu");
  g_assert_cmpstr (console[5], ==, "lifecycle");

  /* Stats from /proc: QEMU's resident memory, and a CPU share. */
  hv_vm_backend_update_stats_async (vb, vm, NULL, store_result, &stats);
  g_assert_true (hv_vm_backend_update_stats_finish (vb, hv_test_wait_result (&stats, TIMEOUT_MS), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hv_vm_get_memory_used (vm), >, 1024 * 1024);
  g_assert_cmpfloat (hv_vm_get_cpu_percent (vm), >=, 0);
  g_clear_object (&stats);
  hv_vm_backend_update_stats_async (vb, vm, NULL, store_result, &stats);
  g_assert_true (hv_vm_backend_update_stats_finish (vb, hv_test_wait_result (&stats, TIMEOUT_MS), &error));
  g_assert_cmpfloat (hv_vm_get_cpu_percent (vm), >=, 0);

  /* Pause and resume: the state follows QEMU's STOP and RESUME events. */
  g_assert_true (backend_action (vb, vm, HV_VM_ACTION_PAUSE, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_PAUSED, 10000);
  g_assert_false (backend_action (vb, vm, HV_VM_ACTION_PAUSE, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE);
  g_clear_error (&error);
  g_assert_true (backend_action (vb, vm, HV_VM_ACTION_RESUME, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 10000);

  /* Snapshots while running go through the monitor and include the memory. */
  g_assert_true (backend_snapshot (vb, vm, HV_VM_SNAPSHOT_CREATE, "snap1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (hv_vm_get_state (vm), ==, HV_VM_STATE_RUNNING);
  g_assert_true (backend_snapshot (vb, vm, HV_VM_SNAPSHOT_CREATE, "snap2", &error));
  g_assert_no_error (error);
  snapshots = backend_snapshots (vb, vm);
  names = snapshot_names (snapshots);
  g_assert_cmpstr (names, ==, "cold,snap1,snap2");
  g_assert_true (hv_vm_snapshot_get_with_memory (g_ptr_array_index (snapshots, 1)));
  g_clear_pointer (&snapshots, g_ptr_array_unref);
  g_clear_pointer (&names, g_free);

  g_assert_true (backend_snapshot (vb, vm, HV_VM_SNAPSHOT_REVERT, "snap1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (hv_vm_get_state (vm), ==, HV_VM_STATE_RUNNING);

  /* A snapshot that does not exist: QEMU's reason, and the guest keeps running. */
  g_assert_false (backend_snapshot (vb, vm, HV_VM_SNAPSHOT_REVERT, "nope", &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "nope"));
  g_clear_error (&error);
  g_assert_cmpint (hv_vm_get_state (vm), ==, HV_VM_STATE_RUNNING);

  /* Snapshot names follow the VM name rules. */
  g_assert_false (backend_snapshot (vb, vm, HV_VM_SNAPSHOT_CREATE, "a b", &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_NAME);
  g_clear_error (&error);

  g_assert_true (backend_snapshot (vb, vm, HV_VM_SNAPSHOT_DELETE, "snap1", &error));
  g_assert_no_error (error);
  snapshots = backend_snapshots (vb, vm);
  names = snapshot_names (snapshots);
  g_assert_cmpstr (names, ==, "cold,snap2");
  g_clear_pointer (&snapshots, g_ptr_array_unref);
  g_clear_pointer (&names, g_free);

  /* Force off: QEMU quits, the monitor closes, the VM is shut off. */
  g_assert_true (backend_action (vb, vm, HV_VM_ACTION_FORCE_OFF, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_SHUTOFF, 20000);
  g_assert_nonnull (hv_vm_get_state_reason (vm));
  HV_TEST_WAIT_FOR (!process_alive (pid), 20000);
  g_assert_cmpint (hv_qemu_backend_get_pid (backend, vm), ==, 0);
  g_assert_cmpint (hv_vm_get_started_at (vm), ==, 0);

  /* Shut off, the running snapshot is still listed (qemu-img) and can be removed. */
  snapshots = backend_snapshots (vb, vm);
  names = snapshot_names (snapshots);
  g_assert_cmpstr (names, ==, "cold,snap2");
  g_assert_true (hv_vm_snapshot_get_with_memory (g_ptr_array_index (snapshots, 1)));
  g_assert_true (backend_snapshot (vb, vm, HV_VM_SNAPSHOT_REVERT, "cold", &error));
  g_assert_no_error (error);
  g_assert_true (backend_snapshot (vb, vm, HV_VM_SNAPSHOT_DELETE, "snap2", &error));
  g_assert_no_error (error);
  g_assert_false (backend_snapshot (vb, vm, HV_VM_SNAPSHOT_DELETE, "snap2", &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_FAILED);
  g_clear_error (&error);

  /* Delete with disks removes the definition, the disk and the folder. */
  g_assert_true (backend_action (vb, vm, HV_VM_ACTION_DELETE_WITH_DISKS, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (hv_vm_backend_get_vms (vb)), ==, 0);
  {
    g_autofree char *vm_dir = g_build_filename (dir, "lifecycle", NULL);

    g_assert_false (g_file_test (vm_dir, G_FILE_TEST_EXISTS));
  }

  kill_test_qemus ();
  g_clear_object (&stats);   /* its task holds the backend and the VM */
  g_assert_finalize_object (g_steal_pointer (&vm));
  g_assert_finalize_object (g_steal_pointer (&backend));
}

/* A guest without an OS ignores the power button: after the timeout QEMU is told to quit. */
static void
test_backend_shutdown_timeout (void)
{
  g_autoptr(HvQemuBackend) backend = hv_qemu_backend_new (NULL, NULL);
  HvVmBackend *vb = HV_VM_BACKEND (backend);
  g_autoptr(HvVmSpec) spec = small_spec ("stubborn");
  g_autoptr(GError) error = NULL;
  g_autoptr(HvVm) vm = NULL;
  guint timeout;

  g_object_get (backend, "shutdown-timeout", &timeout, NULL);
  g_assert_cmpuint (timeout, ==, 60);
  g_object_set (backend, "shutdown-timeout", 1, NULL);

  g_assert_true (backend_connect (vb, &error));
  spec->network = FALSE;
  vm = backend_create (vb, spec, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hv_vm_get_network (vm), ==, "none");
  g_assert_true (backend_action (vb, vm, HV_VM_ACTION_START, &error));
  g_assert_no_error (error);

  g_assert_true (backend_action (vb, vm, HV_VM_ACTION_SHUTDOWN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hv_vm_get_state (vm), ==, HV_VM_STATE_SHUTTING_DOWN);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_SHUTOFF, 20000);
  g_assert_nonnull (strstr (hv_vm_get_state_reason (vm), "did not shut down within 1 s"));

  /* Deleting without disks keeps the disk we made (and so the folder). */
  {
    g_autofree char *disk = g_strdup (hv_vm_get_disks (vm)[0]);

    g_assert_true (backend_action (vb, vm, HV_VM_ACTION_DELETE, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
    g_assert_null (hv_vm_backend_find_vm (vb, "stubborn"));
  }

  kill_test_qemus ();
  g_assert_finalize_object (g_steal_pointer (&vm));
  g_assert_finalize_object (g_steal_pointer (&backend));
}

/* A new backend on the same folders (Hydravisor restarted) lists the VMs again and adopts
 * the one still running. */
static void
test_backend_readopt (void)
{
  g_autoptr(HvQemuBackend) first = hv_qemu_backend_new (NULL, NULL);
  g_autoptr(HvQemuBackend) second = NULL;
  g_autoptr(HvVmSpec) spec = small_spec ("survivor");
  g_autoptr(HvVmSpec) idle_spec = small_spec ("idle");
  g_autoptr(GError) error = NULL;
  g_autoptr(HvVm) vm = NULL;
  g_autoptr(HvVm) idle = NULL;
  HvVm *adopted;
  HvVm *idle_again;
  int pid;

  g_assert_true (backend_connect (HV_VM_BACKEND (first), &error));
  vm = backend_create (HV_VM_BACKEND (first), spec, &error);
  g_assert_no_error (error);
  idle = backend_create (HV_VM_BACKEND (first), idle_spec, &error);
  g_assert_no_error (error);
  g_assert_true (backend_action (HV_VM_BACKEND (first), vm, HV_VM_ACTION_START, &error));
  g_assert_no_error (error);
  pid = hv_qemu_backend_get_pid (first, vm);
  g_assert_true (process_alive (pid));

  /* Hydravisor goes away; QEMU stays. */
  g_clear_object (&vm);
  g_clear_object (&idle);
  g_assert_finalize_object (g_steal_pointer (&first));
  g_assert_true (process_alive (pid));

  second = hv_qemu_backend_new (NULL, NULL);
  g_assert_true (backend_connect (HV_VM_BACKEND (second), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (hv_vm_backend_get_vms (HV_VM_BACKEND (second))), ==, 2);
  adopted = hv_vm_backend_find_vm (HV_VM_BACKEND (second), "survivor");
  idle_again = hv_vm_backend_find_vm (HV_VM_BACKEND (second), "idle");
  g_assert_nonnull (adopted);
  g_assert_nonnull (idle_again);
  g_assert_cmpint (hv_vm_get_state (adopted), ==, HV_VM_STATE_RUNNING);
  g_assert_cmpint (hv_vm_get_state (idle_again), ==, HV_VM_STATE_SHUTOFF);
  g_assert_cmpint (hv_qemu_backend_get_pid (second, adopted), ==, pid);
  g_assert_cmpuint (hv_vm_get_memory (adopted), ==, 64 * 1024 * 1024);

  /* The adopted VM is steered and followed like one we started. */
  g_assert_true (backend_action (HV_VM_BACKEND (second), adopted, HV_VM_ACTION_PAUSE, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (adopted) == HV_VM_STATE_PAUSED, 10000);

  /* Reconnecting keeps the same objects. */
  g_assert_true (backend_connect (HV_VM_BACKEND (second), &error));
  g_assert_true (hv_vm_backend_find_vm (HV_VM_BACKEND (second), "survivor") == adopted);

  g_assert_true (backend_action (HV_VM_BACKEND (second), adopted, HV_VM_ACTION_FORCE_OFF, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (adopted) == HV_VM_STATE_SHUTOFF, 20000);

  kill_test_qemus ();
  g_assert_finalize_object (g_steal_pointer (&second));
}

/* Two programs at once (the window and `hydravisor vm …`): the second uses QEMU's second
 * monitor, can steer the VM, and the first follows what it did through its own events. */
static void
test_backend_two_programs (void)
{
  g_autoptr(HvQemuBackend) window = hv_qemu_backend_new (NULL, NULL);
  g_autoptr(HvQemuBackend) command = hv_qemu_backend_new (NULL, NULL);
  g_autoptr(HvVmSpec) spec = small_spec ("shared");
  g_autoptr(GError) error = NULL;
  g_autoptr(HvVm) vm = NULL;
  HvVm *other;

  g_assert_true (backend_connect (HV_VM_BACKEND (window), &error));
  vm = backend_create (HV_VM_BACKEND (window), spec, &error);
  g_assert_no_error (error);
  g_assert_true (backend_action (HV_VM_BACKEND (window), vm, HV_VM_ACTION_START, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 10000);

  /* The window holds the first monitor. */
  g_assert_true (backend_connect (HV_VM_BACKEND (command), &error));
  g_assert_no_error (error);
  other = hv_vm_backend_find_vm (HV_VM_BACKEND (command), "shared");
  g_assert_nonnull (other);
  g_assert_cmpint (hv_vm_get_state (other), ==, HV_VM_STATE_RUNNING);
  g_assert_null (hv_vm_get_state_reason (other));

  g_assert_true (backend_action (HV_VM_BACKEND (command), other, HV_VM_ACTION_PAUSE, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (other) == HV_VM_STATE_PAUSED, 10000);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_PAUSED, 10000);

  g_assert_true (backend_action (HV_VM_BACKEND (window), vm, HV_VM_ACTION_FORCE_OFF, &error));
  g_assert_no_error (error);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_SHUTOFF, 20000);
  HV_TEST_WAIT_FOR (hv_vm_get_state (other) == HV_VM_STATE_SHUTOFF, 20000);

  /* A VM the command line makes, starts and deletes shows up in the window by itself. */
  {
    g_autoptr(HvVmSpec) cli_spec = small_spec ("from-cli");
    g_autoptr(HvVm) made = backend_create (HV_VM_BACKEND (command), cli_spec, &error);
    HvVm *seen;

    g_assert_no_error (error);
    HV_TEST_WAIT_FOR (hv_vm_backend_find_vm (HV_VM_BACKEND (window), "from-cli") != NULL, 10000);
    seen = hv_vm_backend_find_vm (HV_VM_BACKEND (window), "from-cli");
    g_assert_cmpint (hv_vm_get_state (seen), ==, HV_VM_STATE_SHUTOFF);
    g_assert_true (backend_action (HV_VM_BACKEND (command), made, HV_VM_ACTION_START, &error));
    g_assert_no_error (error);
    HV_TEST_WAIT_FOR (hv_vm_get_state (seen) == HV_VM_STATE_RUNNING, 10000);
    g_assert_true (backend_action (HV_VM_BACKEND (command), made, HV_VM_ACTION_FORCE_OFF, &error));
    g_assert_no_error (error);
    HV_TEST_WAIT_FOR (hv_vm_get_state (seen) == HV_VM_STATE_SHUTOFF, 20000);
    HV_TEST_WAIT_FOR (hv_vm_get_state (made) == HV_VM_STATE_SHUTOFF, 20000);
    g_assert_true (backend_action (HV_VM_BACKEND (command), made, HV_VM_ACTION_DELETE_WITH_DISKS, &error));
    g_assert_no_error (error);
    HV_TEST_WAIT_FOR (hv_vm_backend_find_vm (HV_VM_BACKEND (window), "from-cli") == NULL, 10000);
  }

  kill_test_qemus ();
}

/* An image the user brings is used in place and never deleted; QEMU's own complaint is in
 * the error when it cannot start. */
static void
test_backend_existing_image (void)
{
  g_autoptr(HvQemuBackend) backend = hv_qemu_backend_new (NULL, NULL);
  HvVmBackend *vb = HV_VM_BACKEND (backend);
  g_autoptr(HvVmSpec) spec = hv_vm_spec_new ("brought");
  g_autoptr(GError) error = NULL;
  g_autoptr(HvVm) vm = NULL;
  g_autofree char *image = g_build_filename (g_get_home_dir (), "mine.img", NULL);
  const char *argv[] = { "qemu-img", "create", "-q", "-f", "raw", image, "1M", NULL };
  int status;

  g_assert_cmpint (g_mkdir_with_parents (g_get_home_dir (), 0700), ==, 0);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);

  g_assert_true (backend_connect (vb, &error));
  spec->memory = 64 * 1024 * 1024;
  spec->disk_image = g_strdup (image);
  vm = backend_create (vb, spec, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hv_vm_get_disks (vm)[0], ==, image);

  /* A raw image holds no snapshots: said so, nothing run. */
  g_assert_false (backend_snapshot (vb, vm, HV_VM_SNAPSHOT_CREATE, "s", &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* The image vanishes: start fails with QEMU's reason, the VM stays shut off. */
  {
    g_autofree char *moved = g_strconcat (image, ".moved", NULL);

    g_assert_cmpint (g_rename (image, moved), ==, 0);
    g_assert_false (backend_action (vb, vm, HV_VM_ACTION_START, &error));
    g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "brought"));
    g_assert_nonnull (strstr (error->message, "mine.img"));
    g_clear_error (&error);
    g_assert_cmpint (hv_vm_get_state (vm), ==, HV_VM_STATE_SHUTOFF);
    g_assert_cmpint (g_rename (moved, image), ==, 0);
  }

  /* Delete with disks: the definition goes, the user's image stays. */
  g_assert_true (backend_action (vb, vm, HV_VM_ACTION_DELETE_WITH_DISKS, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (image, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *dir = vms_dir ();
    g_autofree char *vm_dir = g_build_filename (dir, "brought", NULL);

    g_assert_false (g_file_test (vm_dir, G_FILE_TEST_EXISTS));
  }

  kill_test_qemus ();
  g_assert_finalize_object (g_steal_pointer (&vm));
  g_assert_finalize_object (g_steal_pointer (&backend));
}

/* Names the rules refuse never reach the disk. */
static void
test_backend_bad_names (void)
{
  g_autoptr(HvQemuBackend) backend = hv_qemu_backend_new (NULL, NULL);
  HvVmBackend *vb = HV_VM_BACKEND (backend);
  g_autofree char *long_name = g_strnfill (65, 'a');
  const char *names[] = { "a/b", "a b", "a\"b", "a;b", long_name, "bad\xff\xfename", "../escape", "", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vms_dir ();
  g_autoptr(GDir) listing = NULL;

  g_assert_true (backend_connect (vb, &error));
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(HvVmSpec) spec = small_spec (names[i]);
      g_autoptr(HvVm) vm = backend_create (vb, spec, &error);

      g_assert_null (vm);
      g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_NAME);
      g_clear_error (&error);
    }
  g_assert_cmpuint (g_list_model_get_n_items (hv_vm_backend_get_vms (vb)), ==, 0);

  /* Nothing was created: no VM folder, not even the top folder. */
  listing = g_dir_open (dir, 0, NULL);
  if (listing != NULL)
    g_assert_null (g_dir_read_name (listing));
  {
    g_autofree char *escaped = g_build_filename (g_get_user_data_dir (), "hydravisor", "escape", NULL);

    g_assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
  }

  /* A bad spec (not a name) is refused the same way, before the disk. */
  {
    g_autoptr(HvVmSpec) spec = small_spec ("tiny");
    g_autoptr(HvVm) vm = NULL;

    spec->memory = 1024;
    vm = backend_create (vb, spec, &error);
    g_assert_null (vm);
    g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_SPEC);
    g_clear_error (&error);
    g_clear_pointer (&listing, g_dir_close);
    listing = g_dir_open (dir, 0, NULL);
    if (listing != NULL)
      g_assert_null (g_dir_read_name (listing));
  }

  g_assert_finalize_object (g_steal_pointer (&backend));
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);
  hv_test_start_qemu_reaper ();

  g_test_add_func ("/qemu-backend/bad-names", test_backend_bad_names);
  g_test_add_func ("/qemu-backend/lifecycle", test_backend_lifecycle);
  g_test_add_func ("/qemu-backend/shutdown-timeout", test_backend_shutdown_timeout);
  g_test_add_func ("/qemu-backend/readopt", test_backend_readopt);
  g_test_add_func ("/qemu-backend/two-programs", test_backend_two_programs);
  g_test_add_func ("/qemu-backend/existing-image", test_backend_existing_image);

  return g_test_run ();
}
