// SPDX-License-Identifier: GPL-3.0-or-later
/* The libvirt backend's speed:
 *  1. `hydravisor vm list --uri test:///NODE.xml` against `virsh -c … list --all` on 1000
 *     test-driver domains, wall time, median of 5. Target: within 1.2×.
 *  2. With LIBVIRT_TEST_URI: `virsh suspend` / `virsh resume` of a tiny TCG domain, time until
 *     the backend's HvVm notifies the new state, median of 20 each. Target: ≤ 100 ms.
 *  3. The longest main-loop iteration while a backend lists the 1000 domains. Target: ≤ 16 ms.
 * Exits non-zero on a miss only with HV_BENCH_STRICT=1. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "hv-libvirt-backend.h"
#include "hv-test-fixture.h"

#define N_DOMAINS 1000
#define LIST_RUNS 5
#define EVENT_RUNS 20
#define LIST_RATIO 1.2
#define EVENT_TARGET_MS 100.0
#define STALL_TARGET_MS 16.0

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        int     n)
{
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static char *
write_node_xml (const char *dir)
{
  g_autoptr(GString) xml = g_string_new ("<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n");
  char *path = g_build_filename (dir, "node.xml", NULL);

  for (guint i = 0; i < N_DOMAINS; i++)
    g_string_append_printf (xml,
                            "<domain type='test'><name>dom-%04u</name>"
                            "<memory unit='MiB'>%u</memory><vcpu>%u</vcpu>"
                            "<os><type>hvm</type></os>%s</domain>\n",
                            i, 64 + i, i % 4 + 1,
                            i % 2 ? "<test:runstate>5</test:runstate>" : "");
  g_string_append (xml, "</node>\n");
  if (!g_file_set_contents (path, xml->str, xml->len, NULL))
    g_error ("cannot write %s", path);
  return path;
}

/* Wall time of one run in ms; < 0 when it failed (then *out_error says why). */
static double
time_command (const char * const  *argv,
              const char          *must_print,
              char               **out_error)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 started = g_get_monotonic_time ();
  double ms;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error))
    {
      *out_error = g_strdup (error->message);
      return -1;
    }
  ms = (g_get_monotonic_time () - started) / 1000.0;
  if (!g_subprocess_get_successful (proc) || strstr (out, must_print) == NULL)
    {
      *out_error = g_strdup_printf ("exit status %d, stderr: %s", g_subprocess_get_exit_status (proc),
                                    err != NULL && *err ? g_strstrip (err) : "(empty)");
      return -1;
    }
  return ms;
}

static gboolean
bench_list (const char *binary,
            const char *uri,
            gboolean   *passed)
{
  const char *hv_argv[] = { binary, "vm", "list", "--uri", uri, NULL };
  const char *virsh_argv[] = { "virsh", "-c", uri, "list", "--all", NULL };
  double hv[LIST_RUNS], virsh[LIST_RUNS];
  g_autofree char *error = NULL;
  double a, b;

  /* One untimed run each warms the caches; then alternate. */
  if (time_command (hv_argv, "dom-0999", &error) < 0)
    {
      printf ("vm list (%d test-driver domains)\n", N_DOMAINS);
      printf ("  `hydravisor vm list --uri` is not available (yet): %s\n", error);
      printf ("FAIL: vm list: not measured\n");
      *passed = FALSE;
      return FALSE;
    }
  if (time_command (virsh_argv, "dom-0999", &error) < 0)
    {
      printf ("  virsh failed: %s\n", error);
      *passed = FALSE;
      return FALSE;
    }
  for (int i = 0; i < LIST_RUNS; i++)
    {
      hv[i] = time_command (hv_argv, "dom-0999", &error);
      virsh[i] = time_command (virsh_argv, "dom-0999", &error);
      if (hv[i] < 0 || virsh[i] < 0)
        {
          printf ("  a run failed: %s\n", error);
          *passed = FALSE;
          return FALSE;
        }
    }
  a = median (hv, LIST_RUNS);
  b = median (virsh, LIST_RUNS);
  printf ("vm list (%d test-driver domains, median of %d)\n", N_DOMAINS, LIST_RUNS);
  printf ("  %-30s %8.1f ms\n", "hydravisor vm list --uri", a);
  printf ("  %-30s %8.1f ms\n", "virsh list --all", b);
  printf ("  %-30s %8.2fx   (target <= %.1fx)\n", "ratio", a / b, LIST_RATIO);
  printf ("%s: vm list ratio %.2f\n", a / b <= LIST_RATIO ? "PASS" : "FAIL", a / b);
  *passed = a / b <= LIST_RATIO;
  return TRUE;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
bench_stall (const char *uri,
             gboolean   *passed)
{
  g_autoptr(HvLibvirtBackend) backend = hv_libvirt_backend_new (uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HvStallProbe) probe = hv_stall_probe_start (NULL);
  gint64 started = g_get_monotonic_time ();
  double listed_ms, max_ms;

  hv_vm_backend_connect_async (HV_VM_BACKEND (backend), NULL, store_result, &result);
  hv_test_wait_result (&result, 60000);
  if (!hv_vm_backend_connect_finish (HV_VM_BACKEND (backend), result, &error))
    {
      printf ("FAIL: stall: %s\n", error->message);
      *passed = FALSE;
      return FALSE;
    }
  listed_ms = (g_get_monotonic_time () - started) / 1000.0;
  HV_TEST_WAIT_FOR (hv_libvirt_backend_get_details_loaded (backend), 60000);
  max_ms = hv_stall_probe_get_max_us (probe) / 1000.0;

  printf ("main loop while listing %u domains\n",
          g_list_model_get_n_items (hv_vm_backend_get_vms (HV_VM_BACKEND (backend))));
  printf ("  %-30s %8.1f ms\n", "list complete after", listed_ms);
  printf ("  %-30s %8.1f ms   (target <= %.0f ms, %u iterations)\n", "longest iteration", max_ms,
          STALL_TARGET_MS, hv_stall_probe_get_iterations (probe));
  printf ("%s: longest main-loop iteration %.1f ms\n", max_ms <= STALL_TARGET_MS ? "PASS" : "FAIL", max_ms);
  *passed = max_ms <= STALL_TARGET_MS;
  return TRUE;
}

static void
cleanup_domain (const char *uri,
                const char *name)
{
  const char *destroy[] = { "virsh", "-q", "-c", uri, "destroy", name, NULL };
  const char *undefine[] = { "virsh", "-q", "-c", uri, "undefine", name, "--snapshots-metadata", NULL };

  g_spawn_sync (NULL, (char **) destroy, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  g_spawn_sync (NULL, (char **) undefine, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

typedef struct {
  HvVmState      wanted;
  gint64         seen_us;
  GAsyncResult **result;
} StateWait;

static gboolean
state_seen (gpointer data)
{
  StateWait *wait = data;

  return wait->seen_us != 0 && *wait->result != NULL;
}

static void
on_state (HvVm       *vm,
          GParamSpec *pspec,
          StateWait  *wait)
{
  if (wait->seen_us == 0 && hv_vm_get_state (vm) == wait->wanted)
    wait->seen_us = g_get_monotonic_time ();
}

/* Runs virsh VERB NAME without blocking the loop; returns ms until @vm reports @state. */
static double
time_event (const char *uri,
            const char *verb,
            const char *name,
            HvVm       *vm,
            HvVmState   state)
{
  const char *argv[] = { "virsh", "-q", "-c", uri, verb, name, NULL };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  StateWait wait = { state, 0, &result };
  gulong id;
  gint64 started;

  id = g_signal_connect (vm, "notify::state", G_CALLBACK (on_state), &wait);
  started = g_get_monotonic_time ();
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, NULL);
  if (proc == NULL)
    return -1;
  g_subprocess_wait_async (proc, NULL, store_result, &result);
  if (!hv_test_wait_for (state_seen, &wait, 20000))
    {
      printf ("  virsh %s %s: no %s state within 20 s (virsh %s, the VM says %s)\n", verb, name,
              hv_vm_state_to_string (state), result == NULL ? "still running" :
              g_subprocess_get_successful (proc) ? "succeeded" : "failed",
              hv_vm_state_to_string (hv_vm_get_state (vm)));
      g_signal_handler_disconnect (vm, id);
      if (result == NULL)
        g_subprocess_force_exit (proc);
      return -1;
    }
  g_signal_handler_disconnect (vm, id);
  return (wait.seen_us - started) / 1000.0;
}

static gboolean
vm_running (gpointer vm)
{
  return hv_vm_get_state (vm) == HV_VM_STATE_RUNNING;
}

static gboolean
bench_events (const char *uri,
              gboolean   *passed)
{
  g_autoptr(HvLibvirtBackend) backend = hv_libvirt_backend_new (uri);
  g_autofree char *name = g_strdup_printf ("hvbench-%08x", g_random_int ());
  g_autoptr(HvVmSpec) spec = hv_vm_spec_new (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(HvVm) vm = NULL;
  double suspend[EVENT_RUNS], resume[EVENT_RUNS];
  double a, b;

  if (!hv_vm_backend_connect_sync (HV_VM_BACKEND (backend), NULL, &error))
    {
      printf ("FAIL: events: %s\n", error->message);
      *passed = FALSE;
      return FALSE;
    }
  spec->memory = 64 * 1024 * 1024;
  spec->disk_size = 10 * 1000 * 1000;
  spec->network = FALSE;
  vm = hv_vm_backend_create_sync (HV_VM_BACKEND (backend), spec, NULL, &error);
  if (vm == NULL || !hv_vm_backend_action_sync (HV_VM_BACKEND (backend), vm, HV_VM_ACTION_START, NULL, &error))
    {
      printf ("FAIL: events: %s\n", error->message);
      cleanup_domain (uri, name);
      *passed = FALSE;
      return FALSE;
    }
  if (!hv_test_wait_for (vm_running, vm, 60000))
    {
      printf ("FAIL: events: %s did not reach running within 60 s (state %s)\n", name,
              hv_vm_state_to_string (hv_vm_get_state (vm)));
      if (!hv_vm_backend_action_sync (HV_VM_BACKEND (backend), vm, HV_VM_ACTION_FORCE_OFF, NULL, &error))
        g_clear_error (&error);
      cleanup_domain (uri, name);
      *passed = FALSE;
      return FALSE;
    }

  for (int i = 0; i < EVENT_RUNS; i++)
    {
      suspend[i] = time_event (uri, "suspend", name, vm, HV_VM_STATE_PAUSED);
      resume[i] = suspend[i] < 0 ? -1 : time_event (uri, "resume", name, vm, HV_VM_STATE_RUNNING);
      if (suspend[i] < 0 || resume[i] < 0)
        {
          printf ("FAIL: events: a state change made with virsh was not seen (run %d)\n", i + 1);
          if (!hv_vm_backend_action_sync (HV_VM_BACKEND (backend), vm, HV_VM_ACTION_FORCE_OFF, NULL, &error))
            g_clear_error (&error);
          cleanup_domain (uri, name);
          *passed = FALSE;
          return FALSE;
        }
    }

  if (!hv_vm_backend_action_sync (HV_VM_BACKEND (backend), vm, HV_VM_ACTION_FORCE_OFF, NULL, &error))
    g_clear_error (&error);
  HV_TEST_WAIT_FOR (!hv_vm_state_is_active (hv_vm_get_state (vm)), 20000);
  if (!hv_vm_backend_action_sync (HV_VM_BACKEND (backend), vm, HV_VM_ACTION_DELETE_WITH_DISKS, NULL, &error))
    {
      g_printerr ("bench-vm: could not delete %s: %s\n", name, error->message);
      cleanup_domain (uri, name);
    }

  a = median (suspend, EVENT_RUNS);
  b = median (resume, EVENT_RUNS);
  printf ("state events on %s (virsh start to HvVm notify, median of %d)\n", uri, EVENT_RUNS);
  printf ("  %-30s %8.1f ms\n", "virsh suspend -> paused", a);
  printf ("  %-30s %8.1f ms\n", "virsh resume -> running", b);
  printf ("%s: event latency %.1f / %.1f ms (target <= %.0f ms)\n",
          a <= EVENT_TARGET_MS && b <= EVENT_TARGET_MS ? "PASS" : "FAIL", a, b, EVENT_TARGET_MS);
  *passed = a <= EVENT_TARGET_MS && b <= EVENT_TARGET_MS;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  const char *binary = argc > 1 ? argv[1] : g_getenv ("HV_BINARY");
  const char *system_uri = g_getenv ("LIBVIRT_TEST_URI");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hv-bench-vm-XXXXXX", &error);
  g_autofree char *data_dir = NULL;
  g_autofree char *node = NULL;
  g_autofree char *uri = NULL;
  gboolean list_ok = FALSE, stall_ok = FALSE, events_ok = TRUE;
  const char *rm[] = { "rm", "-rf", NULL, NULL };

  if (dir == NULL)
    g_error ("%s", error->message);
  /* Disks the benchmark creates stay in its own folder. */
  data_dir = g_build_filename (dir, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);

  node = write_node_xml (dir);
  uri = g_strdup_printf ("test://%s", node);

  if (binary == NULL)
    printf ("FAIL: vm list: no hydravisor binary (pass it or set HV_BINARY)\n");
  else
    bench_list (binary, uri, &list_ok);
  bench_stall (uri, &stall_ok);
  if (system_uri != NULL && *system_uri != '\0')
    bench_events (system_uri, &events_ok);
  else
    printf ("SKIP: state events: LIBVIRT_TEST_URI is not set\n");

  rm[2] = dir;
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);

  if (g_strcmp0 (g_getenv ("HV_BENCH_STRICT"), "1") == 0)
    return list_ok && stall_ok && events_ok ? 0 : 1;
  return 0;
}
