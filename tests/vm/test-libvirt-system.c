// SPDX-License-Identifier: GPL-3.0-or-later
/* HvLibvirtBackend against a real libvirtd (LIBVIRT_TEST_URI, e.g. qemu:///system, as
 * build-aux/services starts it): a tiny TCG domain through its whole life, and libvirtd
 * killed and restarted under the backend. Skipped when LIBVIRT_TEST_URI is unset. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>

#include "hv-libvirt-backend.h"
#include "hv-process.h"
#include "hv-test-fixture.h"


static const char *uri;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Removes the domain whatever state the test left it in. */
static void
cleanup_domain (const char *name)
{
  const char *destroy[] = { "virsh", "-q", "-c", uri, "destroy", name, NULL };
  const char *undefine[] = { "virsh", "-q", "-c", uri, "undefine", name, "--snapshots-metadata", NULL };

  g_spawn_sync (NULL, (char **) destroy, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  g_spawn_sync (NULL, (char **) undefine, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

static HvLibvirtBackend *
connect_backend (void)
{
  g_autoptr(HvLibvirtBackend) backend = hv_libvirt_backend_new (uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hv_vm_backend_connect_async (HV_VM_BACKEND (backend), NULL, store_result, &result);
  hv_test_wait_result (&result, 20000);
  g_assert_true (hv_vm_backend_connect_finish (HV_VM_BACKEND (backend), result, &error));
  g_assert_no_error (error);
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
  hv_test_wait_result (&result, 60000);
  return hv_vm_backend_action_finish (HV_VM_BACKEND (backend), result, error);
}

static void
do_snapshot (HvLibvirtBackend   *backend,
             HvVm               *vm,
             HvVmSnapshotAction  action,
             const char         *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hv_vm_backend_snapshot_async (HV_VM_BACKEND (backend), vm, action, name, NULL, store_result, &result);
  hv_test_wait_result (&result, 60000);
  g_assert_true (hv_vm_backend_snapshot_finish (HV_VM_BACKEND (backend), result, &error));
  g_assert_no_error (error);
}

static GPtrArray *
list_snapshots (HvLibvirtBackend *backend,
                HvVm             *vm)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *snapshots;

  hv_vm_backend_list_snapshots_async (HV_VM_BACKEND (backend), vm, NULL, store_result, &result);
  hv_test_wait_result (&result, 20000);
  snapshots = hv_vm_backend_list_snapshots_finish (HV_VM_BACKEND (backend), result, &error);
  g_assert_no_error (error);
  return snapshots;
}

static HvVm *
create_tiny (HvLibvirtBackend *backend,
             const char       *name)
{
  g_autoptr(HvVmSpec) spec = hv_vm_spec_new (name);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HvVm *vm;

  spec->vcpus = 1;
  spec->memory = 64 * 1024 * 1024;
  spec->disk_size = 10 * 1000 * 1000;
  spec->network = TRUE;
  hv_vm_backend_create_async (HV_VM_BACKEND (backend), spec, NULL, store_result, &result);
  hv_test_wait_result (&result, 30000);
  vm = hv_vm_backend_create_finish (HV_VM_BACKEND (backend), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vm);
  return vm;
}

static void
test_lifecycle_body (const char *name)
{
  gboolean ok;
  g_autoptr(HvLibvirtBackend) backend = NULL;
  g_autoptr(HvVm) vm = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *disk = NULL;

  if (uri == NULL)
    {
      g_test_skip ("LIBVIRT_TEST_URI is not set");
      return;
    }
  backend = connect_backend ();
  vm = create_tiny (backend, name);
  disk = g_strdup (hv_vm_get_disks (vm)[0]);
  g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (hv_vm_get_state (vm), ==, HV_VM_STATE_SHUTOFF);

  ok = do_action (backend, vm, HV_VM_ACTION_START, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  /* The running state arrives through libvirt's event. */
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 20000);

  ok = do_action (backend, vm, HV_VM_ACTION_PAUSE, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_PAUSED, 10000);
  ok = do_action (backend, vm, HV_VM_ACTION_RESUME, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 10000);

  g_assert_false (do_action (backend, vm, HV_VM_ACTION_DELETE, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE);
  g_clear_error (&error);

  /* Live stats: two samples give a CPU figure. */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;

      hv_vm_backend_update_stats_async (HV_VM_BACKEND (backend), vm, NULL, store_result, &result);
      hv_test_wait_result (&result, 10000);
      g_assert_true (hv_vm_backend_update_stats_finish (HV_VM_BACKEND (backend), result, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpfloat (hv_vm_get_cpu_percent (vm), >=, 0);
  g_assert_cmpuint (hv_vm_get_memory_used (vm), >, 0);

  do_snapshot (backend, vm, HV_VM_SNAPSHOT_CREATE, "snap1");
  snapshots = list_snapshots (backend, vm);
  g_assert_cmpuint (snapshots->len, ==, 1);
  g_assert_cmpstr (hv_vm_snapshot_get_name (snapshots->pdata[0]), ==, "snap1");
  g_assert_true (hv_vm_snapshot_get_is_current (snapshots->pdata[0]));
  g_assert_true (hv_vm_snapshot_get_with_memory (snapshots->pdata[0]));
  g_assert_cmpint (hv_vm_snapshot_get_created (snapshots->pdata[0]), >, 0);
  g_clear_pointer (&snapshots, g_ptr_array_unref);
  do_snapshot (backend, vm, HV_VM_SNAPSHOT_DELETE, "snap1");
  snapshots = list_snapshots (backend, vm);
  g_assert_cmpuint (snapshots->len, ==, 0);

  /* No guest OS answers ACPI: the shutdown forces it off after the timeout. */
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 10000);
  g_object_set (backend, "shutdown-timeout", 1u, NULL);
  ok = do_action (backend, vm, HV_VM_ACTION_SHUTDOWN, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_SHUTOFF, 10000);
  g_assert_cmpstr (hv_vm_get_state_reason (vm), ==, "forced off");

  ok = do_action (backend, vm, HV_VM_ACTION_START, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 20000);
  ok = do_action (backend, vm, HV_VM_ACTION_FORCE_OFF, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_SHUTOFF, 10000);

  ok = do_action (backend, vm, HV_VM_ACTION_DELETE_WITH_DISKS, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_null (hv_vm_backend_find_vm (HV_VM_BACKEND (backend), name));
  g_assert_false (g_file_test (disk, G_FILE_TEST_EXISTS));
}

/* Where build-aux/services keeps libvirtd's pid (it restarts it the same way). */
static const char *
pid_file (void)
{
  return g_getenv ("HV_TEST_LIBVIRTD_PIDFILE");
}

/* A process's environment, from /proc. */
static char **
read_environ (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/environ", (int) pid);
  g_autofree char *contents = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  for (gsize i = 0; i < length; i += strlen (contents + i) + 1)
    if (contents[i] != '\0')
      g_strv_builder_add (builder, contents + i);
  return g_strv_builder_end (builder);
}

static GPid
read_libvirtd_pid (void)
{
  g_autofree char *text = NULL;

  if (pid_file () == NULL || !g_file_get_contents (pid_file (), &text, NULL, NULL))
    return 0;
  return (GPid) g_ascii_strtoll (text, NULL, 10);
}

static void
restart_libvirtd (char **envp)
{
  const char *argv[] = { "libvirtd", "-d", "--pid-file", pid_file (), NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  /* With the environment it had (build-aux/services'), not this test's isolated one: the
   * daemon outlives the test and serves the tests and benchmarks after it. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* libvirt's own view; ignores a few seconds of "starting up" after a restart. */
static gboolean
virsh_says_shut_off (const char *name)
{
  const char *argv[] = { "virsh", "-q", "-c", uri, "domstate", name, NULL };
  g_autofree char *out = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, NULL, NULL))
    return FALSE;
  return strstr (out, "shut off") != NULL;
}

static gboolean
process_gone (GPid pid)
{
  return !hv_process_is_running (pid);
}

/* libvirtd killed under a connected backend: disconnected with a reason, then back by
 * itself with the same HvVm objects, still running. */
static void
test_reconnect_body (const char *name)
{
  gboolean ok;
  g_autoptr(HvLibvirtBackend) backend = NULL;
  g_autoptr(HvVm) vm = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *vms;
  guint n_before;
  GPid pid;
  g_auto(GStrv) daemon_env = NULL;
  const char *message;

  if (uri == NULL)
    {
      g_test_skip ("LIBVIRT_TEST_URI is not set");
      return;
    }
  if ((pid = read_libvirtd_pid ()) <= 0)
    {
      g_test_skip ("HV_TEST_LIBVIRTD_PIDFILE is not set (build-aux/services sets it when it starts libvirtd)");
      return;
    }

  backend = connect_backend ();
  vms = hv_vm_backend_get_vms (HV_VM_BACKEND (backend));
  vm = create_tiny (backend, name);
  ok = do_action (backend, vm, HV_VM_ACTION_START, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 20000);
  n_before = g_list_model_get_n_items (vms);

  daemon_env = read_environ (pid);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  HV_TEST_WAIT_FOR (hv_vm_backend_get_connection_state (HV_VM_BACKEND (backend)) != HV_VM_CONNECTION_CONNECTED, 10000);
  message = hv_vm_backend_get_connection_error (HV_VM_BACKEND (backend));
  g_assert_nonnull (message);
  g_test_message ("while down: %s", message);
  g_assert_nonnull (strstr (message, uri));

  /* Actions say why they cannot work. */
  g_assert_false (do_action (backend, vm, HV_VM_ACTION_PAUSE, &error));
  g_assert_error (error, HV_VM_ERROR, HV_VM_ERROR_DISCONNECTED);
  g_clear_error (&error);

  HV_TEST_WAIT_FOR (process_gone (pid), 10000);
  g_unlink (pid_file ());
  restart_libvirtd (daemon_env);
  HV_TEST_WAIT_FOR (hv_vm_backend_get_connection_state (HV_VM_BACKEND (backend)) == HV_VM_CONNECTION_CONNECTED, 30000);
  g_assert_null (hv_vm_backend_get_connection_error (HV_VM_BACKEND (backend)));

  g_assert_cmpuint (g_list_model_get_n_items (vms), ==, n_before);
  g_assert_true (hv_vm_backend_find_vm (HV_VM_BACKEND (backend), name) == vm);
  g_assert_true (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING || hv_vm_get_state (vm) == HV_VM_STATE_SHUTOFF);

  /* A restarted libvirtd sometimes fails to take the guest back and stops it ("reason=daemon"
   * in the qemu log), now or a moment later; the backend must then show it shut off, through
   * the event. Wait until it agrees with libvirtd, and start it again if it was stopped. */
  HV_TEST_WAIT_FOR ((hv_vm_get_state (vm) == HV_VM_STATE_SHUTOFF) == virsh_says_shut_off (name), 15000);
  if (hv_vm_get_state (vm) == HV_VM_STATE_SHUTOFF)
    {
      ok = do_action (backend, vm, HV_VM_ACTION_START, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_RUNNING, 20000);
    }

  /* And events flow again on the new connection. Should libvirtd stop the guest between the
   * check above and this, turning it off fails as "not running"; the event still comes. */
  ok = do_action (backend, vm, HV_VM_ACTION_FORCE_OFF, &error);
  if (!ok)
    {
      g_assert_true (virsh_says_shut_off (name));
      g_clear_error (&error);
    }
  HV_TEST_WAIT_FOR (hv_vm_get_state (vm) == HV_VM_STATE_SHUTOFF, 10000);
  ok = do_action (backend, vm, HV_VM_ACTION_DELETE_WITH_DISKS, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static gboolean
libvirtd_answers (void)
{
  const char *argv[] = { "virsh", "-q", "-c", uri, "version", NULL };
  int status = 0;

  return g_spawn_sync (NULL, (char **) argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
}

/* Whatever became of the body, the tests and benchmarks after this one need libvirtd: if
 * it was killed and not brought back, bring it back before reporting. */
static void
ensure_libvirtd (char **daemon_env)
{
  GPid pid = read_libvirtd_pid ();

  if (daemon_env == NULL || (pid > 0 && !process_gone (pid)))
    return;
  g_test_message ("libvirtd was left stopped; starting it again");
  g_unlink (pid_file ());
  restart_libvirtd (daemon_env);
  HV_TEST_WAIT_FOR (libvirtd_answers (), 15000);
}

/* The body runs in a subprocess so the domain is removed even when an assertion aborts it.
 * DAEMON_ENV, when the body kills libvirtd, is what to start it again with. */
static void
run_isolated (void (*body) (const char *name),
              char **daemon_env)
{
  g_autofree char *name = NULL;

  if (g_test_subprocess ())
    {
      body (g_getenv ("HV_TEST_VM_NAME"));
      return;
    }
  if (uri == NULL)
    {
      g_test_skip ("LIBVIRT_TEST_URI is not set");
      return;
    }
  name = g_strdup_printf ("hvtest-%08x", g_random_int ());
  g_setenv ("HV_TEST_VM_NAME", name, TRUE);
  g_test_trap_subprocess (NULL, 150 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  ensure_libvirtd (daemon_env);
  cleanup_domain (name);
  g_test_trap_assert_passed ();
}

static void
test_lifecycle (void)
{
  run_isolated (test_lifecycle_body, NULL);
}

static void
test_reconnect (void)
{
  g_auto(GStrv) daemon_env = NULL;
  GPid pid;

  if (g_test_subprocess () || uri == NULL)
    {
      run_isolated (test_reconnect_body, NULL);
      return;
    }
  /* Decided here: a skip inside the subprocess would read as its failure. */
  if ((pid = read_libvirtd_pid ()) <= 0 || process_gone (pid))
    {
      g_test_skip ("HV_TEST_LIBVIRTD_PIDFILE names no running libvirtd (build-aux/services sets it when it starts one)");
      return;
    }
  daemon_env = read_environ (pid);
  run_isolated (test_reconnect_body, daemon_env);
}


int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);
  uri = g_getenv ("LIBVIRT_TEST_URI");
  if (uri != NULL && *uri == '\0')
    uri = NULL;

  g_test_add_func ("/libvirt/system/lifecycle", test_lifecycle);
  g_test_add_func ("/libvirt/system/reconnect", test_reconnect);

  return g_test_run ();
}
