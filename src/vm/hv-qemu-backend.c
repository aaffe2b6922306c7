// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "hv-host-command.h"
#include "hv-paths.h"
#include "hv-process.h"
#include "hv-qemu-backend.h"
#include "hv-qmp-client.h"

/* The direct QEMU backend.
 *
 * Each VM is a folder vms_dir/NAME/ holding vm.json (the definition) and, when we created it,
 * disk.qcow2. A running VM is a daemonized qemu-system-x86_64 (it outlives Hydravisor) with
 * its QMP monitor, serial console and pidfile in runtime_dir. On connect every definition is
 * loaded and a VM whose monitor answers is adopted. States come from QMP events; when the
 * monitor closes, QEMU has exited. */

#define QEMU_BINARY "qemu-system-x86_64"
#define QEMU_IMG "qemu-img"
#define DEFINITION_FILE "vm.json"
#define DISK_FILE "disk.qcow2"
#define DISK_DEVICE "disk0"
#define UNIX_PATH_MAX 108

typedef struct {
  HvVm        *vm;
  char        *dir;
  char        *definition_path;
  char        *disk;
  char        *disk_format;
  gboolean     disk_created;
  char        *iso;
  gboolean     network;
  char        *qmp_path;
  char        *qmp2_path;         /* a second monitor: two programs can steer the VM */
  char        *serial_path;
  char        *pid_path;

  HvQmpClient *qmp;
  int          pid;
  guint        shutdown_timeout_id;
  guint        shutdown_timeout;  /* seconds, of the shutdown under way */
  char        *stop_reason;       /* why it is going down, when we know better than QEMU */
  guint        snapshot_busy;     /* savevm/loadvm stop and resume the guest: not a pause */
  gboolean     launching;
  gboolean     monitor_busy;      /* running, but another program holds the monitor */

  guint64      last_ticks;
  gint64       last_time;
} VmEntry;

struct _HvQemuBackend
{
  GObject              parent_instance;

  char                *vms_dir;
  char                *runtime_dir;
  GListStore          *vms;
  GHashTable          *entries;      /* HvVm* → VmEntry* */
  HvVmConnectionState  connection_state;
  char                *connection_error;
  guint                shutdown_timeout;
  GFileMonitor        *vms_monitor;      /* VMs made or deleted by another program (the CLI) */
  GFileMonitor        *runtime_monitor;  /* …and started or stopped by one */
  guint                rescan_id;
};

static void hv_qemu_backend_iface_init (HvVmBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HvQemuBackend, hv_qemu_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HV_TYPE_VM_BACKEND, hv_qemu_backend_iface_init))

enum {
  PROP_0,
  PROP_CONNECTION_STATE,
  PROP_CONNECTION_ERROR,
  PROP_SHUTDOWN_TIMEOUT,
  N_PROPS
};

static void hv_qemu_backend_attach (HvQemuBackend *self, VmEntry *entry, GTask *task);
static GFileMonitor *hv_qemu_backend_watch (HvQemuBackend *self, const char *path);

/* ---------------------------------------------------------------------------------------- */
/* Entries */

static void
vm_entry_drop_monitor (VmEntry *entry)
{
  g_clear_handle_id (&entry->shutdown_timeout_id, g_source_remove);
  if (entry->qmp != NULL)
    {
      g_signal_handlers_disconnect_by_data (entry->qmp, entry);
      hv_qmp_client_close (entry->qmp);
      g_clear_object (&entry->qmp);
    }
}

static void
vm_entry_free (VmEntry *entry)
{
  vm_entry_drop_monitor (entry);
  g_clear_object (&entry->vm);
  g_free (entry->dir);
  g_free (entry->definition_path);
  g_free (entry->disk);
  g_free (entry->disk_format);
  g_free (entry->iso);
  g_free (entry->qmp_path);
  g_free (entry->qmp2_path);
  g_free (entry->serial_path);
  g_free (entry->pid_path);
  g_free (entry->stop_reason);
  g_free (entry);
}

static VmEntry *
hv_qemu_backend_lookup (HvQemuBackend *self,
                        HvVm          *vm)
{
  return vm != NULL ? g_hash_table_lookup (self->entries, vm) : NULL;
}

static VmEntry *
hv_qemu_backend_lookup_name (HvQemuBackend *self,
                             const char    *name)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      VmEntry *entry = value;

      if (g_strcmp0 (hv_vm_get_name (entry->vm), name) == 0)
        return entry;
    }
  return NULL;
}

/* Socket paths must fit sun_path (108 bytes); a long name in a deep runtime dir falls back to
 * a short stable name derived from the VM name. */
static char *
hv_qemu_backend_runtime_base (HvQemuBackend *self,
                              const char    *name)
{
  if (strlen (self->runtime_dir) + 1 + strlen (name) + strlen (".serial") < UNIX_PATH_MAX)
    return g_strdup (name);
  else
    {
      g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);

      return g_strdup_printf ("vm-%.16s", sum);
    }
}

static void
vm_entry_set_paths (HvQemuBackend *self,
                    VmEntry       *entry,
                    const char    *name)
{
  g_autofree char *base = hv_qemu_backend_runtime_base (self, name);
  g_autofree char *qmp = g_strconcat (base, ".qmp", NULL);
  g_autofree char *qmp2 = g_strconcat (base, ".qmp2", NULL);
  g_autofree char *serial = g_strconcat (base, ".serial", NULL);
  g_autofree char *pid = g_strconcat (base, ".pid", NULL);

  entry->dir = g_build_filename (self->vms_dir, name, NULL);
  entry->definition_path = g_build_filename (entry->dir, DEFINITION_FILE, NULL);
  entry->qmp_path = g_build_filename (self->runtime_dir, qmp, NULL);
  entry->qmp2_path = g_build_filename (self->runtime_dir, qmp2, NULL);
  entry->serial_path = g_build_filename (self->runtime_dir, serial, NULL);
  entry->pid_path = g_build_filename (self->runtime_dir, pid, NULL);
}

static void
vm_entry_remove_runtime_files (VmEntry *entry)
{
  g_unlink (entry->qmp_path);
  g_unlink (entry->qmp2_path);
  g_unlink (entry->serial_path);
  g_unlink (entry->pid_path);
}

static int
read_pidfile (const char *path)
{
  g_autofree char *contents = NULL;
  gint64 pid;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  pid = g_ascii_strtoll (g_strstrip (contents), NULL, 10);
  return pid > 0 && pid < G_MAXINT ? (int) pid : 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Definitions (vm.json) */

static gboolean
vm_entry_save (VmEntry  *entry,
               GError  **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, hv_vm_get_name (entry->vm));
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, hv_vm_get_uuid (entry->vm));
  json_builder_set_member_name (builder, "vcpus");
  json_builder_add_int_value (builder, hv_vm_get_vcpus (entry->vm));
  json_builder_set_member_name (builder, "memory");
  json_builder_add_int_value (builder, (gint64) hv_vm_get_memory (entry->vm));
  json_builder_set_member_name (builder, "disks");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, entry->disk);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "disk-format");
  json_builder_add_string_value (builder, entry->disk_format);
  json_builder_set_member_name (builder, "disk-created");
  json_builder_add_boolean_value (builder, entry->disk_created);
  json_builder_set_member_name (builder, "iso");
  if (entry->iso != NULL)
    json_builder_add_string_value (builder, entry->iso);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "network");
  json_builder_add_boolean_value (builder, entry->network);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &length);

  if (!g_file_set_contents_full (entry->definition_path, text, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                   _("Could not save the definition of VM “%s”: %s"),
                   hv_vm_get_name (entry->vm), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static const char *
network_label (gboolean network)
{
  return network ? "user (NAT)" : "none";
}

/* Reads vms_dir/NAME/vm.json into a new entry (with its HvVm), or NULL with a warning. */
static VmEntry *
hv_qemu_backend_load_definition (HvQemuBackend *self,
                                 const char    *dirname)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (self->vms_dir, dirname, DEFINITION_FILE, NULL);
  const char *name, *uuid, *iso, *format;
  JsonObject *object;
  JsonArray *disks;
  JsonNode *root;
  VmEntry *entry;
  const char *disk_list[2] = { NULL, NULL };

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  if (!json_parser_load_from_mapped_file (parser, path, &error))
    {
      g_warning ("Skipping the VM definition %s: %s", path, error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_warning ("Skipping the VM definition %s: not a JSON object", path);
      return NULL;
    }
  object = json_node_get_object (root);
  name = json_object_get_string_member_with_default (object, "name", NULL);
  if (g_strcmp0 (name, dirname) != 0 || !hv_vm_name_validate (name, NULL))
    {
      g_warning ("Skipping the VM definition %s: its name does not match its folder", path);
      return NULL;
    }
  disks = json_object_has_member (object, "disks") ? json_object_get_array_member (object, "disks") : NULL;
  if (disks == NULL || json_array_get_length (disks) < 1 ||
      json_array_get_string_element (disks, 0) == NULL)
    {
      g_warning ("Skipping the VM definition %s: it names no disk", path);
      return NULL;
    }

  entry = g_new0 (VmEntry, 1);
  vm_entry_set_paths (self, entry, name);
  entry->disk = g_strdup (json_array_get_string_element (disks, 0));
  format = json_object_get_string_member_with_default (object, "disk-format", "qcow2");
  entry->disk_format = g_strdup (format != NULL ? format : "qcow2");
  entry->disk_created = json_object_get_boolean_member_with_default (object, "disk-created", FALSE);
  iso = json_object_has_member (object, "iso") && !json_object_get_null_member (object, "iso")
          ? json_object_get_string_member (object, "iso") : NULL;
  entry->iso = (iso != NULL && *iso != '\0') ? g_strdup (iso) : NULL;
  entry->network = json_object_get_boolean_member_with_default (object, "network", TRUE);

  entry->vm = hv_vm_new (name, "qemu", "qemu");
  uuid = json_object_get_string_member_with_default (object, "uuid", NULL);
  hv_vm_set_uuid (entry->vm, uuid);
  hv_vm_set_vcpus (entry->vm, (guint) json_object_get_int_member_with_default (object, "vcpus", 1));
  hv_vm_set_memory (entry->vm, (guint64) json_object_get_int_member_with_default (object, "memory", 512 * 1024 * 1024));
  disk_list[0] = entry->disk;
  hv_vm_set_disks (entry->vm, disk_list);
  hv_vm_set_network (entry->vm, network_label (entry->network));
  hv_vm_set_state (entry->vm, HV_VM_STATE_SHUTOFF, NULL);
  hv_vm_set_backend (entry->vm, self);
  return entry;
}

static void
hv_qemu_backend_add_entry (HvQemuBackend *self,
                           VmEntry       *entry)
{
  g_hash_table_insert (self->entries, entry->vm, entry);
  g_list_store_insert_sorted (self->vms, entry->vm, hv_vm_compare_by_name, NULL);
}

static void
hv_qemu_backend_remove_entry (HvQemuBackend *self,
                              VmEntry       *entry)
{
  guint position;

  if (g_list_store_find (self->vms, entry->vm, &position))
    g_list_store_remove (self->vms, position);
  g_hash_table_remove (self->entries, entry->vm);
}

/* ---------------------------------------------------------------------------------------- */
/* Monitor events */

static HvVmState
state_from_qmp_status (const char *status)
{
  if (g_strcmp0 (status, "running") == 0)
    return HV_VM_STATE_RUNNING;
  if (g_strcmp0 (status, "suspended") == 0)
    return HV_VM_STATE_SUSPENDED;
  if (g_strcmp0 (status, "guest-panicked") == 0 || g_strcmp0 (status, "internal-error") == 0)
    return HV_VM_STATE_CRASHED;
  if (g_strcmp0 (status, "shutdown") == 0)
    return HV_VM_STATE_SHUTTING_DOWN;
  /* paused, prelaunch, debug, io-error, watchdog, save-vm, restore-vm, *migrate, … */
  return HV_VM_STATE_PAUSED;
}

static const char *
describe_shutdown_reason (const char *reason)
{
  if (g_strcmp0 (reason, "guest-shutdown") == 0)
    return _("The guest shut down");
  if (g_strcmp0 (reason, "host-qmp-quit") == 0)
    return _("Forced off");
  if (g_strcmp0 (reason, "host-signal") == 0)
    return _("QEMU was stopped by a signal");
  if (g_strcmp0 (reason, "host-error") == 0)
    return _("QEMU stopped on an error");
  if (g_strcmp0 (reason, "guest-panic") == 0)
    return _("The guest panicked");
  if (g_strcmp0 (reason, "guest-reset") == 0 || g_strcmp0 (reason, "host-qmp-system-reset") == 0)
    return _("The guest reset");
  return reason;
}

static void
on_qmp_event (HvQmpClient *client,
              const char  *name,
              JsonObject  *data,
              VmEntry     *entry)
{
  if (g_str_equal (name, "STOP"))
    {
      if (entry->snapshot_busy == 0 && hv_vm_get_state (entry->vm) != HV_VM_STATE_SHUTTING_DOWN)
        hv_vm_set_state (entry->vm, HV_VM_STATE_PAUSED, NULL);
    }
  else if (g_str_equal (name, "RESUME"))
    {
      if (entry->snapshot_busy == 0)
        hv_vm_set_state (entry->vm, HV_VM_STATE_RUNNING, NULL);
    }
  else if (g_str_equal (name, "SUSPEND"))
    hv_vm_set_state (entry->vm, HV_VM_STATE_SUSPENDED, NULL);
  else if (g_str_equal (name, "WAKEUP"))
    hv_vm_set_state (entry->vm, HV_VM_STATE_RUNNING, NULL);
  else if (g_str_equal (name, "GUEST_PANICKED"))
    hv_vm_set_state (entry->vm, HV_VM_STATE_CRASHED, _("The guest panicked"));
  else if (g_str_equal (name, "SHUTDOWN"))
    {
      const char *reason = json_object_get_string_member_with_default (data, "reason", NULL);

      g_clear_handle_id (&entry->shutdown_timeout_id, g_source_remove);
      /* QEMU exits right after this (no -no-shutdown): the VM is off once the monitor
       * closes, which follows within milliseconds. Until then it cannot start again. */
      if (entry->stop_reason == NULL)
        entry->stop_reason = g_strdup (describe_shutdown_reason (reason));
      hv_vm_set_state (entry->vm, HV_VM_STATE_SHUTTING_DOWN, entry->stop_reason);
    }
}

static void
on_qmp_closed (HvQmpClient *client,
               VmEntry     *entry)
{
  const char *reason = entry->stop_reason;

  g_debug ("VM %s: QEMU monitor closed", hv_vm_get_name (entry->vm));
  if (hv_vm_get_state (entry->vm) != HV_VM_STATE_SHUTOFF)
    hv_vm_set_state (entry->vm, HV_VM_STATE_SHUTOFF,
                     reason != NULL ? reason : _("QEMU exited without shutting the guest down (killed or crashed)"));
  g_clear_pointer (&entry->stop_reason, g_free);
  vm_entry_drop_monitor (entry);
  entry->pid = 0;
  entry->snapshot_busy = 0;
  entry->last_ticks = 0;
  entry->last_time = 0;
  entry->monitor_busy = FALSE;
  /* QEMU removes its pidfile and sockets on a clean exit, not when it was killed. */
  vm_entry_remove_runtime_files (entry);
}

/* ---------------------------------------------------------------------------------------- */
/* Attaching to a running QEMU (after start, and on connect) */

typedef struct {
  HvVm        *vm;
  HvQmpClient *client;
  HvVmAction   action;
  HvVmSnapshotAction snapshot_action;
  char        *name;
  HvVmState    state_before;
  HvVmSpec    *spec;
  char        *disk;
  gboolean     created_dir;
  gboolean     created_disk;
} OpData;

static void
op_data_free (OpData *data)
{
  g_clear_object (&data->vm);
  g_clear_object (&data->client);
  g_free (data->name);
  g_clear_pointer (&data->spec, hv_vm_spec_free);
  g_free (data->disk);
  g_free (data);
}

static OpData *
op_data_new (GTask *task,
             HvVm  *vm)
{
  OpData *data = g_new0 (OpData, 1);

  data->vm = vm != NULL ? g_object_ref (vm) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) op_data_free);
  return data;
}

static void
on_attach_status (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvQemuBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  VmEntry *entry = hv_qemu_backend_lookup (self, data->vm);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const char *status = NULL;

  node = hv_qmp_client_execute_finish (HV_QMP_CLIENT (object), result, &error);
  if (node == NULL)
    {
      /* It exited between the greeting and now: "closed" has set the state. */
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("QEMU of VM “%s” stopped right after it started: %s"),
                               hv_vm_get_name (data->vm), error->message);
      return;
    }
  if (entry == NULL || entry->qmp != HV_QMP_CLIENT (object))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    status = json_object_get_string_member_with_default (json_node_get_object (node), "status", NULL);
  hv_vm_set_state (entry->vm, state_from_qmp_status (status), NULL);
  g_task_return_boolean (task, TRUE);
}

static void
on_attach_connected (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvQemuBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  HvQmpClient *client = HV_QMP_CLIENT (object);
  VmEntry *entry = hv_qemu_backend_lookup (self, data->vm);
  g_autoptr(GError) error = NULL;

  if (!hv_qmp_client_connect_finish (client, result, &error))
    {
      /* QEMU serves one client per monitor: the first one held (the window has it while the
       * command line runs, say), the second monitor is tried. */
      if (entry != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
          g_strcmp0 (hv_qmp_client_get_socket_path (client), entry->qmp_path) == 0 &&
          g_file_test (entry->qmp2_path, G_FILE_TEST_EXISTS))
        {
          g_autoptr(HvQmpClient) second = hv_qmp_client_new (entry->qmp2_path);
          GCancellable *cancellable = g_task_get_cancellable (task);

          hv_qmp_client_connect_async (second, 0, cancellable, on_attach_connected, g_steal_pointer (&task));
          return;
        }
      if (entry != NULL)
        {
          entry->launching = FALSE;
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
              hv_process_is_running (entry->pid))
            {
              /* Another program has the monitor: the VM runs, we cannot steer it. */
              entry->monitor_busy = TRUE;
              hv_vm_set_state (entry->vm, HV_VM_STATE_RUNNING,
                               _("Another program (another Hydravisor?) is connected to its QEMU monitor"));
            }
          else
            {
              hv_vm_set_state (entry->vm, HV_VM_STATE_SHUTOFF, NULL);
              entry->pid = 0;
              if (!hv_process_is_running (read_pidfile (entry->pid_path)))
                vm_entry_remove_runtime_files (entry);
            }
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (entry == NULL || entry->qmp != NULL)
    {
      /* Deleted, or attached twice: keep the first. */
      hv_qmp_client_close (client);
      g_task_return_boolean (task, TRUE);
      return;
    }

  entry->launching = FALSE;
  entry->monitor_busy = FALSE;
  entry->qmp = g_object_ref (client);
  if (entry->pid == 0)
    entry->pid = read_pidfile (entry->pid_path);
  g_signal_connect (client, "event", G_CALLBACK (on_qmp_event), entry);
  g_signal_connect (client, "closed", G_CALLBACK (on_qmp_closed), entry);

  hv_qmp_client_execute_async (client, "query-status", NULL, NULL,
                               on_attach_status, g_steal_pointer (&task));
}

/* Connects to the entry's monitor; @task (an OpData task) completes once the state is known. */
static void
hv_qemu_backend_attach (HvQemuBackend *self,
                        VmEntry       *entry,
                        GTask         *task)
{
  g_autoptr(HvQmpClient) client = hv_qmp_client_new (entry->qmp_path);
  /* A held monitor accepts but never greets; with a second one to try, give up sooner. */
  guint timeout_ms = g_file_test (entry->qmp2_path, G_FILE_TEST_EXISTS) ? 1000 : 0;

  hv_qmp_client_connect_async (client, timeout_ms, g_task_get_cancellable (task),
                               on_attach_connected, g_object_ref (task));
}

/* ---------------------------------------------------------------------------------------- */
/* connect */

static void
hv_qemu_backend_set_connection (HvQemuBackend       *self,
                                HvVmConnectionState  state,
                                const char          *error)
{
  if (self->connection_state != state)
    {
      self->connection_state = state;
      g_object_notify (G_OBJECT (self), "connection-state");
    }
  if (g_strcmp0 (self->connection_error, error) != 0)
    {
      g_free (self->connection_error);
      self->connection_error = g_strdup (error);
      g_object_notify (G_OBJECT (self), "connection-error");
    }
}

typedef struct {
  guint pending;
} ConnectData;

static void
connect_one_done (HvQemuBackend *self,
                  GTask         *connect_task)
{
  ConnectData *data = g_task_get_task_data (connect_task);

  if (--data->pending > 0)
    return;
  hv_qemu_backend_set_connection (self, HV_VM_CONNECTION_CONNECTED, NULL);
  g_task_return_boolean (connect_task, TRUE);
}

static void
on_adopted (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (object);
  g_autoptr(GTask) connect_task = user_data;
  OpData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_debug ("VM %s not adopted: %s", hv_vm_get_name (data->vm), error->message);
  connect_one_done (self, connect_task);
}

static void
hv_qemu_backend_connect_async (HvVmBackend         *backend,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  ConnectData *data;
  const char *name;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_qemu_backend_connect_async);
  data = g_new0 (ConnectData, 1);
  data->pending = 1;
  g_task_set_task_data (task, data, g_free);

  hv_qemu_backend_set_connection (self, HV_VM_CONNECTION_CONNECTING, NULL);

  if (self->vms_monitor == NULL)
    self->vms_monitor = hv_qemu_backend_watch (self, self->vms_dir);
  if (self->runtime_monitor == NULL)
    self->runtime_monitor = hv_qemu_backend_watch (self, self->runtime_dir);

  dir = g_dir_open (self->vms_dir, 0, &error);
  if (dir == NULL && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_autofree char *message = g_strdup_printf (_("Could not read the VM folder %s: %s"),
                                                  self->vms_dir, error->message);

      hv_qemu_backend_set_connection (self, HV_VM_CONNECTION_DISCONNECTED, message);
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_DISCONNECTED, "%s", message);
      return;
    }

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      VmEntry *entry = hv_qemu_backend_lookup_name (self, name);

      if (entry == NULL)
        {
          entry = hv_qemu_backend_load_definition (self, name);
          if (entry == NULL)
            continue;
          hv_qemu_backend_add_entry (self, entry);
        }
      g_ptr_array_add (seen, entry);
    }

  /* Definitions removed behind our back (by the CLI, say), unless their VM still runs. */
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      VmEntry *entry = value;

      if (!g_ptr_array_find (seen, entry, NULL) && entry->qmp == NULL && !entry->launching &&
          !g_file_test (entry->definition_path, G_FILE_TEST_EXISTS))
        g_ptr_array_add (gone, entry);
    }
  for (guint i = 0; i < gone->len; i++)
    hv_qemu_backend_remove_entry (self, g_ptr_array_index (gone, i));

  for (guint i = 0; i < seen->len; i++)
    {
      VmEntry *entry = g_ptr_array_index (seen, i);
      g_autoptr(GTask) adopt = NULL;

      if (entry->qmp != NULL || entry->launching)
        continue;
      if (!g_file_test (entry->qmp_path, G_FILE_TEST_EXISTS))
        {
          hv_vm_set_state (entry->vm, HV_VM_STATE_SHUTOFF, NULL);
          continue;
        }
      entry->pid = read_pidfile (entry->pid_path);
      adopt = g_task_new (self, cancellable, on_adopted, g_object_ref (task));
      g_task_set_source_tag (adopt, hv_qemu_backend_attach);
      op_data_new (adopt, entry->vm);
      data->pending++;
      hv_qemu_backend_attach (self, entry, adopt);
    }

  connect_one_done (self, task);
}

static gboolean
hv_qemu_backend_rescan (gpointer user_data)
{
  HvQemuBackend *self = user_data;

  self->rescan_id = 0;
  /* Connecting again is how definitions and running QEMUs are found; the VMs we know keep
   * their objects. */
  hv_vm_backend_connect_async (HV_VM_BACKEND (self), NULL, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
hv_qemu_backend_folder_changed (GFileMonitor      *monitor,
                                GFile             *file,
                                GFile             *other,
                                GFileMonitorEvent  event,
                                HvQemuBackend     *self)
{
  if (event != G_FILE_MONITOR_EVENT_CREATED && event != G_FILE_MONITOR_EVENT_DELETED &&
      event != G_FILE_MONITOR_EVENT_MOVED_IN && event != G_FILE_MONITOR_EVENT_MOVED_OUT)
    return;
  /* A VM is a folder and then its definition, a start is a socket and then a pid file:
   * look once things have settled. */
  g_clear_handle_id (&self->rescan_id, g_source_remove);
  self->rescan_id = g_timeout_add (300, hv_qemu_backend_rescan, self);
}

static GFileMonitor *
hv_qemu_backend_watch (HvQemuBackend *self,
                       const char    *path)
{
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GFileMonitor *monitor;

  if (!hv_paths_ensure_dir (path, NULL))
    return NULL;
  monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (monitor == NULL)
    {
      g_debug ("Not following %s: %s", path, error->message);
      return NULL;
    }
  g_signal_connect_object (monitor, "changed", G_CALLBACK (hv_qemu_backend_folder_changed), self, 0);
  return monitor;
}

static gboolean
hv_qemu_backend_connect_finish (HvVmBackend   *backend,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------------- */
/* create */

static void
create_fail (GTask  *task,
             GError *error)
{
  OpData *data = g_task_get_task_data (task);

  /* Leave nothing behind that this attempt made. */
  if (data->created_disk && data->disk != NULL)
    g_unlink (data->disk);
  if (data->created_dir)
    {
      HvQemuBackend *self = g_task_get_source_object (task);
      g_autofree char *dir = g_build_filename (self->vms_dir, data->spec->name, NULL);

      g_rmdir (dir);
    }
  g_task_return_error (task, error);
}

static void
create_finish_definition (GTask      *task,
                          const char *format,
                          gboolean    disk_created)
{
  HvQemuBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  const HvVmSpec *spec = data->spec;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  const char *disks[2] = { data->disk, NULL };
  VmEntry *entry;

  if (hv_qemu_backend_lookup_name (self, spec->name) != NULL)
    {
      create_fail (task, g_error_new (HV_VM_ERROR, HV_VM_ERROR_EXISTS,
                                      _("A VM named “%s” already exists"), spec->name));
      return;
    }

  entry = g_new0 (VmEntry, 1);
  vm_entry_set_paths (self, entry, spec->name);
  entry->disk = g_strdup (data->disk);
  entry->disk_format = g_strdup (format);
  entry->disk_created = disk_created;
  entry->iso = (spec->iso != NULL && *spec->iso != '\0') ? g_canonicalize_filename (spec->iso, NULL) : NULL;
  entry->network = spec->network;
  entry->vm = hv_vm_new (spec->name, "qemu", "qemu");
  hv_vm_set_uuid (entry->vm, uuid);
  hv_vm_set_vcpus (entry->vm, spec->vcpus);
  hv_vm_set_memory (entry->vm, spec->memory);
  hv_vm_set_disks (entry->vm, disks);
  hv_vm_set_network (entry->vm, network_label (spec->network));
  hv_vm_set_state (entry->vm, HV_VM_STATE_SHUTOFF, NULL);
  hv_vm_set_backend (entry->vm, self);

  if (!vm_entry_save (entry, &error))
    {
      vm_entry_free (entry);
      create_fail (task, g_steal_pointer (&error));
      return;
    }

  hv_qemu_backend_add_entry (self, entry);
  g_task_return_pointer (task, g_object_ref (entry->vm), g_object_unref);
}

static void
on_disk_created (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->created_disk = TRUE;
  if (!hv_host_command_run_finish (result, NULL, NULL, &error))
    {
      create_fail (task, g_error_new (HV_VM_ERROR, HV_VM_ERROR_FAILED,
                                      _("Could not create the disk of VM “%s”: %s"),
                                      data->spec->name, error->message));
      return;
    }
  create_finish_definition (task, "qcow2", TRUE);
}

static void
on_image_inspected (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  const char *format = NULL;

  if (!hv_host_command_run_finish (result, &out, NULL, &error))
    {
      create_fail (task, g_error_new (HV_VM_ERROR, HV_VM_ERROR_INVALID_SPEC,
                                      _("Could not read the disk image %s: %s"),
                                      data->disk, error->message));
      return;
    }
  if (json_parser_load_from_data (parser, out, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    format = json_object_get_string_member_with_default (json_node_get_object (json_parser_get_root (parser)),
                                                         "format", NULL);
  if (format == NULL || strpbrk (format, ",= ") != NULL)
    {
      create_fail (task, g_error_new (HV_VM_ERROR, HV_VM_ERROR_INVALID_SPEC,
                                      _("Could not tell the format of the disk image %s"), data->disk));
      return;
    }
  create_finish_definition (task, format, FALSE);
}

static void
hv_qemu_backend_create_async (HvVmBackend         *backend,
                              const HvVmSpec      *spec,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *definition = NULL;
  OpData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_qemu_backend_create_async);

  /* Nothing touches the disk before the spec is known to be sound. */
  if (!hv_vm_spec_validate (spec, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = op_data_new (task, NULL);
  data->spec = hv_vm_spec_copy (spec);

  dir = g_build_filename (self->vms_dir, spec->name, NULL);
  definition = g_build_filename (dir, DEFINITION_FILE, NULL);
  if (hv_qemu_backend_lookup_name (self, spec->name) != NULL || g_file_test (definition, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_EXISTS,
                               _("A VM named “%s” already exists"), spec->name);
      return;
    }

  if (spec->disk_image != NULL && *spec->disk_image != '\0')
    data->disk = g_canonicalize_filename (spec->disk_image, NULL);
  else
    {
      data->disk = g_build_filename (dir, DISK_FILE, NULL);
      if (g_file_test (data->disk, G_FILE_TEST_EXISTS))
        {
          g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_EXISTS,
                                   _("%s is left from an earlier VM named “%s”; remove it, or create the VM with it as an existing image"),
                                   data->disk, spec->name);
          return;
        }
    }

  if (!hv_paths_ensure_dir (self->vms_dir, &error))
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("Could not create VM “%s”: %s"), spec->name, error->message);
      return;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      if (g_mkdir (dir, 0700) != 0)
        {
          int saved = errno;

          g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                                   _("Could not create the folder %s: %s"), dir, g_strerror (saved));
          return;
        }
      data->created_dir = TRUE;
    }

  if (spec->disk_image != NULL && *spec->disk_image != '\0')
    {
      const char *argv[] = { QEMU_IMG, "info", "--force-share", "--output=json", data->disk, NULL };

      hv_host_command_run_async (argv, NULL, cancellable, on_image_inspected, g_steal_pointer (&task));
    }
  else
    {
      g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT, spec->disk_size);
      const char *argv[] = { QEMU_IMG, "create", "-q", "-f", "qcow2", data->disk, size, NULL };

      hv_host_command_run_async (argv, NULL, cancellable, on_disk_created, g_steal_pointer (&task));
    }
}

static HvVm *
hv_qemu_backend_create_finish (HvVmBackend   *backend,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------------- */
/* Actions */

/* QEMU option values: a ',' is written ",,". */
static char *
escape_option (const char *value)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);

  return g_strjoinv (",,", parts);
}

static gboolean
kvm_is_usable (void)
{
  int fd = open ("/dev/kvm", O_RDWR | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

static void
strv_builder_add_take (GStrvBuilder *builder,
                       char         *value)
{
  g_strv_builder_add (builder, value);
  g_free (value);
}

static GStrv
hv_qemu_backend_build_argv (VmEntry *entry)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_autofree char *disk = escape_option (entry->disk);
  g_autofree char *qmp = escape_option (entry->qmp_path);
  g_autofree char *qmp2 = escape_option (entry->qmp2_path);
  g_autofree char *serial = escape_option (entry->serial_path);
  guint64 memory_mib = (hv_vm_get_memory (entry->vm) + 1024 * 1024 - 1) / (1024 * 1024);

  g_strv_builder_add_many (argv, QEMU_BINARY,
                           "-name", hv_vm_get_name (entry->vm),
                           "-machine", kvm_is_usable () ? "pc,accel=kvm" : "pc,accel=tcg",
                           "-nodefaults", "-display", "none",
                           NULL);
  if (hv_vm_get_uuid (entry->vm) != NULL)
    g_strv_builder_add_many (argv, "-uuid", hv_vm_get_uuid (entry->vm), NULL);
  strv_builder_add_take (argv, g_strdup ("-m"));
  strv_builder_add_take (argv, g_strdup_printf ("%" G_GUINT64_FORMAT "M", memory_mib));
  strv_builder_add_take (argv, g_strdup ("-smp"));
  strv_builder_add_take (argv, g_strdup_printf ("%u", hv_vm_get_vcpus (entry->vm)));
  strv_builder_add_take (argv, g_strdup ("-drive"));
  strv_builder_add_take (argv, g_strdup_printf ("file=%s,format=%s,if=virtio,id=" DISK_DEVICE,
                                              disk, entry->disk_format));
  if (entry->iso != NULL)
    g_strv_builder_add_many (argv, "-cdrom", entry->iso, NULL);
  if (entry->network)
    g_strv_builder_add_many (argv,
                             "-netdev", "user,id=net0",
                             "-device", "virtio-net-pci,netdev=net0",
                             NULL);
  strv_builder_add_take (argv, g_strdup ("-chardev"));
  strv_builder_add_take (argv, g_strdup_printf ("socket,id=qmp0,path=%s,server=on,wait=off", qmp));
  g_strv_builder_add_many (argv, "-mon", "chardev=qmp0,mode=control", NULL);
  strv_builder_add_take (argv, g_strdup ("-chardev"));
  strv_builder_add_take (argv, g_strdup_printf ("socket,id=qmp1,path=%s,server=on,wait=off", qmp2));
  g_strv_builder_add_many (argv, "-mon", "chardev=qmp1,mode=control", NULL);
  strv_builder_add_take (argv, g_strdup ("-chardev"));
  strv_builder_add_take (argv, g_strdup_printf ("socket,id=serial0,path=%s,server=on,wait=off", serial));
  g_strv_builder_add_many (argv, "-serial", "chardev:serial0",
                           "-daemonize", "-pidfile", entry->pid_path,
                           NULL);
  return g_strv_builder_end (argv);
}

static const char *
last_line (char *text)
{
  char *end;

  if (text == NULL)
    return NULL;
  g_strstrip (text);
  if (*text == '\0')
    return NULL;
  end = strrchr (text, '\n');
  return end != NULL ? end + 1 : text;
}

static void
on_qemu_launched (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvQemuBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  VmEntry *entry = hv_qemu_backend_lookup (self, data->vm);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  if (!hv_host_command_run_finish (result, NULL, &err, &error))
    {
      const char *reason = last_line (err);
      g_autofree char *message = g_strdup_printf (_("Could not start VM “%s”: %s"),
                                                  hv_vm_get_name (data->vm),
                                                  reason != NULL ? reason : error->message);

      if (entry != NULL)
        {
          entry->launching = FALSE;
          hv_vm_set_state (entry->vm, HV_VM_STATE_SHUTOFF, reason != NULL ? reason : error->message);
        }
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED, "%s", message);
      return;
    }
  if (entry == NULL)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_NOT_FOUND,
                               _("VM “%s” was deleted while it started"), hv_vm_get_name (data->vm));
      return;
    }

  entry->pid = read_pidfile (entry->pid_path);
  entry->last_ticks = 0;
  entry->last_time = 0;
  hv_qemu_backend_attach (self, entry, task);
}

static gboolean
on_shutdown_timeout (gpointer user_data)
{
  VmEntry *entry = user_data;

  entry->shutdown_timeout_id = 0;
  if (entry->qmp == NULL)
    return G_SOURCE_REMOVE;
  g_free (entry->stop_reason);
  entry->stop_reason = g_strdup_printf (_("Forced off: the guest did not shut down within %u s"),
                                        entry->shutdown_timeout);
  hv_qmp_client_execute_async (entry->qmp, "quit", NULL, NULL, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static const char *
action_verb (HvVmAction action)
{
  switch (action)
    {
    case HV_VM_ACTION_START: return _("start");
    case HV_VM_ACTION_SHUTDOWN: return _("shut down");
    case HV_VM_ACTION_FORCE_OFF: return _("force off");
    case HV_VM_ACTION_PAUSE: return _("pause");
    case HV_VM_ACTION_RESUME: return _("resume");
    case HV_VM_ACTION_DELETE:
    case HV_VM_ACTION_DELETE_WITH_DISKS: return _("delete");
    default: return "?";
    }
}

static void
on_action_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvQemuBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  VmEntry *entry = hv_qemu_backend_lookup (self, data->vm);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = hv_qmp_client_execute_finish (HV_QMP_CLIENT (object), result, &error);
  if (node == NULL)
    {
      /* "quit" may lose its reply when QEMU exits first: that is success. */
      if (data->action == HV_VM_ACTION_FORCE_OFF &&
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
      if (entry != NULL && data->action == HV_VM_ACTION_SHUTDOWN)
        g_clear_pointer (&entry->stop_reason, g_free);
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("Could not %s VM “%s”: %s"),
                               action_verb (data->action), hv_vm_get_name (data->vm), error->message);
      return;
    }

  if (entry != NULL && data->action == HV_VM_ACTION_SHUTDOWN && entry->qmp != NULL)
    {
      hv_vm_set_state (entry->vm, HV_VM_STATE_SHUTTING_DOWN, NULL);
      g_clear_handle_id (&entry->shutdown_timeout_id, g_source_remove);
      entry->shutdown_timeout = self->shutdown_timeout;
      entry->shutdown_timeout_id = g_timeout_add_seconds (self->shutdown_timeout, on_shutdown_timeout, entry);
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
hv_qemu_backend_delete (HvQemuBackend  *self,
                        VmEntry        *entry,
                        gboolean        with_disks,
                        GError        **error)
{
  const char *name = hv_vm_get_name (entry->vm);

  if (g_unlink (entry->definition_path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                   _("Could not delete VM “%s”: removing %s failed: %s"),
                   name, entry->definition_path, g_strerror (saved));
      return FALSE;
    }
  /* Only a disk we made; never an image the user brought. */
  if (with_disks && entry->disk_created && g_unlink (entry->disk) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                   _("VM “%s” is deleted but its disk %s could not be removed: %s"),
                   name, entry->disk, g_strerror (saved));
      hv_qemu_backend_remove_entry (self, entry);
      return FALSE;
    }
  g_rmdir (entry->dir);   /* fails, rightly, while a kept disk is in it */
  vm_entry_remove_runtime_files (entry);
  hv_qemu_backend_remove_entry (self, entry);
  return TRUE;
}

static void
hv_qemu_backend_action_async (HvVmBackend         *backend,
                              HvVm                *vm,
                              HvVmAction           action,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  VmEntry *entry = hv_qemu_backend_lookup (self, vm);
  const char *name = hv_vm_get_name (vm);
  const char *command = NULL;
  OpData *data;
  HvVmState state;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_qemu_backend_action_async);
  data = op_data_new (task, vm);
  data->action = action;

  if (entry == NULL)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_NOT_FOUND,
                               _("There is no QEMU VM “%s”"), name);
      return;
    }
  state = hv_vm_get_state (vm);

  if (entry->monitor_busy && action != HV_VM_ACTION_START)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_DISCONNECTED,
                               _("VM “%s” runs, but another program (another Hydravisor?) is connected to its QEMU monitor; close that program first"),
                               name);
      return;
    }

  switch (action)
    {
    case HV_VM_ACTION_START:
      {
        g_auto(GStrv) argv = NULL;
        g_autofree char *runtime = NULL;

        if (hv_vm_state_is_active (state) || entry->qmp != NULL || entry->launching)
          {
            g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE,
                                     _("VM “%s” is already running"), name);
            return;
          }
        if (!hv_paths_ensure_dir (self->runtime_dir, &error))
          {
            g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                                     _("Could not start VM “%s”: %s"), name, error->message);
            return;
          }
        if (strlen (entry->qmp_path) >= UNIX_PATH_MAX || strlen (entry->serial_path) >= UNIX_PATH_MAX)
          {
            g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                                     _("Could not start VM “%s”: the socket folder %s is too deep for a unix socket path; set a shorter XDG_RUNTIME_DIR"),
                                     name, self->runtime_dir);
            return;
          }
        vm_entry_remove_runtime_files (entry);
        g_clear_pointer (&entry->stop_reason, g_free);
        entry->launching = TRUE;
        hv_vm_set_state (vm, HV_VM_STATE_STARTING, NULL);
        argv = hv_qemu_backend_build_argv (entry);
        hv_host_command_run_async ((const char * const *) argv, NULL, cancellable,
                                   on_qemu_launched, g_steal_pointer (&task));
        return;
      }

    case HV_VM_ACTION_SHUTDOWN:
      command = "system_powerdown";
      break;
    case HV_VM_ACTION_FORCE_OFF:
      command = "quit";
      break;
    case HV_VM_ACTION_PAUSE:
      if (state != HV_VM_STATE_RUNNING)
        {
          g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE,
                                   _("VM “%s” is %s, not running; only a running VM can be paused"),
                                   name, hv_vm_state_to_string (state));
          return;
        }
      command = "stop";
      break;
    case HV_VM_ACTION_RESUME:
      if (state != HV_VM_STATE_PAUSED)
        {
          g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE,
                                   _("VM “%s” is %s, not paused; only a paused VM can be resumed"),
                                   name, hv_vm_state_to_string (state));
          return;
        }
      command = "cont";
      break;

    case HV_VM_ACTION_DELETE:
    case HV_VM_ACTION_DELETE_WITH_DISKS:
      if (hv_vm_state_is_active (state) || entry->qmp != NULL || entry->launching)
        {
          g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE,
                                   _("VM “%s” is %s; shut it down before deleting it"),
                                   name, hv_vm_state_to_string (state));
          return;
        }
      if (!hv_qemu_backend_delete (self, entry, action == HV_VM_ACTION_DELETE_WITH_DISKS, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;

    default:
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_UNSUPPORTED,
                               _("The QEMU backend cannot do action %d"), action);
      return;
    }

  if (entry->qmp == NULL)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE,
                               _("VM “%s” is %s, not running"), name, hv_vm_state_to_string (state));
      return;
    }
  if (action == HV_VM_ACTION_FORCE_OFF)
    {
      g_clear_handle_id (&entry->shutdown_timeout_id, g_source_remove);
      if (entry->stop_reason == NULL)
        entry->stop_reason = g_strdup (_("Forced off"));
    }
  hv_qmp_client_execute_async (entry->qmp, command, NULL, cancellable, on_action_done,
                               g_steal_pointer (&task));
}

static gboolean
hv_qemu_backend_action_finish (HvVmBackend   *backend,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------------- */
/* Snapshots */

static GPtrArray *
parse_snapshot_infos (JsonArray *array)
{
  GPtrArray *snapshots = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *info = json_array_get_object_element (array, i);
      const char *name;

      if (info == NULL || (name = json_object_get_string_member_with_default (info, "name", NULL)) == NULL)
        continue;
      g_ptr_array_add (snapshots,
                       hv_vm_snapshot_new (name, NULL,
                                           json_object_get_int_member_with_default (info, "date-sec", 0),
                                           json_object_get_int_member_with_default (info, "vm-state-size", 0) > 0,
                                           FALSE));
    }
  return snapshots;
}

static gint
compare_snapshots (gconstpointer a,
                   gconstpointer b)
{
  gint64 ta = hv_vm_snapshot_get_created (*(HvVmSnapshot **) a);
  gint64 tb = hv_vm_snapshot_get_created (*(HvVmSnapshot **) b);

  return ta < tb ? -1 : ta > tb;
}

/* The snapshots in `qemu-img info --output=json` or in query-block's image of our disk. */
static GPtrArray *
snapshots_from_image_info (JsonObject *image)
{
  GPtrArray *snapshots;

  snapshots = parse_snapshot_infos (image != NULL && json_object_has_member (image, "snapshots")
                                      ? json_object_get_array_member (image, "snapshots") : NULL);
  g_ptr_array_sort (snapshots, compare_snapshots);   /* stable in GLib ≥ 2.72? qsort: ids break ties */
  return snapshots;
}

static JsonObject *
find_disk_image (JsonNode *query_block)
{
  JsonArray *devices;

  if (query_block == NULL || !JSON_NODE_HOLDS_ARRAY (query_block))
    return NULL;
  devices = json_node_get_array (query_block);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);
      JsonObject *inserted;

      if (device == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (device, "device", NULL), DISK_DEVICE) != 0 ||
          !json_object_has_member (device, "inserted"))
        continue;
      inserted = json_object_get_object_member (device, "inserted");
      if (inserted != NULL && json_object_has_member (inserted, "image"))
        return json_object_get_object_member (inserted, "image");
    }
  return NULL;
}

static const char *
snapshot_verb (HvVmSnapshotAction action)
{
  switch (action)
    {
    case HV_VM_SNAPSHOT_CREATE: return _("create");
    case HV_VM_SNAPSHOT_REVERT: return _("revert to");
    case HV_VM_SNAPSHOT_DELETE: return _("delete");
    default: return "?";
    }
}

static void
on_snapshot_status (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvQemuBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  VmEntry *entry = hv_qemu_backend_lookup (self, data->vm);
  g_autoptr(JsonNode) node = hv_qmp_client_execute_finish (HV_QMP_CLIENT (object), result, NULL);
  GError *error = g_object_steal_data (G_OBJECT (task), "hv-error");

  if (entry != NULL)
    {
      if (entry->snapshot_busy > 0)
        entry->snapshot_busy--;
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) && entry->qmp == HV_QMP_CLIENT (object))
        hv_vm_set_state (entry->vm,
                         state_from_qmp_status (json_object_get_string_member_with_default (json_node_get_object (node), "status", NULL)),
                         NULL);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_snapshot_cont (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = hv_qmp_client_execute_finish (HV_QMP_CLIENT (object), result, NULL);

  hv_qmp_client_execute_async (HV_QMP_CLIENT (object), "query-status", NULL, NULL,
                               on_snapshot_status, g_steal_pointer (&task));
}

static void
on_snapshot_hmp (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  HvQmpClient *client = HV_QMP_CLIENT (object);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  const char *reason = NULL;

  node = hv_qmp_client_execute_finish (client, result, &error);
  if (node == NULL)
    reason = error->message;
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* HMP says nothing on success and prints "Error: …" otherwise. */
      output = g_strdup (json_node_get_string (node));
      g_strstrip (output);
      if (*output != '\0')
        reason = g_str_has_prefix (output, "Error: ") ? output + strlen ("Error: ") : output;
    }

  if (reason != NULL)
    g_object_set_data_full (G_OBJECT (task), "hv-error",
                            g_error_new (HV_VM_ERROR, HV_VM_ERROR_FAILED,
                                         _("Could not %s snapshot “%s” of VM “%s”: %s"),
                                         snapshot_verb (data->snapshot_action), data->name,
                                         hv_vm_get_name (data->vm), reason),
                            (GDestroyNotify) g_error_free);

  if (node == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    {
      g_task_return_error (task, g_object_steal_data (G_OBJECT (task), "hv-error"));
      return;
    }

  /* A failed loadvm leaves the guest stopped: resume it if it ran. */
  if (reason != NULL && data->snapshot_action == HV_VM_SNAPSHOT_REVERT &&
      data->state_before == HV_VM_STATE_RUNNING)
    hv_qmp_client_execute_async (client, "cont", NULL, NULL, on_snapshot_cont, g_steal_pointer (&task));
  else
    hv_qmp_client_execute_async (client, "query-status", NULL, NULL,
                                 on_snapshot_status, g_steal_pointer (&task));
}

static void
on_snapshot_img (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  if (!hv_host_command_run_finish (result, NULL, &err, &error))
    {
      const char *reason = last_line (err);

      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("Could not %s snapshot “%s” of VM “%s”: %s"),
                               snapshot_verb (data->snapshot_action), data->name, hv_vm_get_name (data->vm),
                               reason != NULL ? reason : error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
hv_qemu_backend_snapshot_async (HvVmBackend         *backend,
                                HvVm                *vm,
                                HvVmSnapshotAction   action,
                                const char          *name,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  VmEntry *entry = hv_qemu_backend_lookup (self, vm);
  HvVmState state = hv_vm_get_state (vm);
  OpData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_qemu_backend_snapshot_async);
  data = op_data_new (task, vm);
  data->snapshot_action = action;
  data->name = g_strdup (name);
  data->state_before = state;

  if (!hv_vm_name_validate (name, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (entry == NULL)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_NOT_FOUND,
                               _("There is no QEMU VM “%s”"), hv_vm_get_name (vm));
      return;
    }

  if (entry->qmp != NULL && (state == HV_VM_STATE_RUNNING || state == HV_VM_STATE_PAUSED))
    {
      g_autoptr(JsonObject) arguments = json_object_new ();
      const char *verb = action == HV_VM_SNAPSHOT_CREATE ? "savevm"
                         : action == HV_VM_SNAPSHOT_REVERT ? "loadvm" : "delvm";
      g_autofree char *command_line = g_strdup_printf ("%s %s", verb, name);

      json_object_set_string_member (arguments, "command-line", command_line);
      entry->snapshot_busy++;
      hv_qmp_client_execute_async (entry->qmp, "human-monitor-command", arguments, cancellable,
                                   on_snapshot_hmp, g_steal_pointer (&task));
      return;
    }

  if (state != HV_VM_STATE_SHUTOFF && state != HV_VM_STATE_CRASHED && state != HV_VM_STATE_UNKNOWN)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE,
                               _("VM “%s” is %s; snapshots work while it runs, is paused or is shut off"),
                               hv_vm_get_name (vm), hv_vm_state_to_string (state));
      return;
    }
  if (g_strcmp0 (entry->disk_format, "qcow2") != 0)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_UNSUPPORTED,
                               _("The disk of VM “%s” is %s, not qcow2: it cannot hold snapshots"),
                               hv_vm_get_name (vm), entry->disk_format);
      return;
    }

  {
    const char *flag = action == HV_VM_SNAPSHOT_CREATE ? "-c"
                       : action == HV_VM_SNAPSHOT_REVERT ? "-a" : "-d";
    const char *argv[] = { QEMU_IMG, "snapshot", flag, name, entry->disk, NULL };

    hv_host_command_run_async (argv, NULL, cancellable, on_snapshot_img, g_steal_pointer (&task));
  }
}

static gboolean
hv_qemu_backend_snapshot_finish (HvVmBackend   *backend,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_list_query_block (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = hv_qmp_client_execute_finish (HV_QMP_CLIENT (object), result, &error);
  if (node == NULL)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("Could not list the snapshots of VM “%s”: %s"),
                               hv_vm_get_name (data->vm), error->message);
      return;
    }
  g_task_return_pointer (task, snapshots_from_image_info (find_disk_image (node)),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
on_list_img_info (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  JsonNode *root;

  if (!hv_host_command_run_finish (result, &out, NULL, &error) ||
      !json_parser_load_from_data (parser, out, -1, &error))
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("Could not list the snapshots of VM “%s”: %s"),
                               hv_vm_get_name (data->vm), error->message);
      return;
    }
  root = json_parser_get_root (parser);
  g_task_return_pointer (task,
                         snapshots_from_image_info (root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                                                      ? json_node_get_object (root) : NULL),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
hv_qemu_backend_list_snapshots_async (HvVmBackend         *backend,
                                      HvVm                *vm,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  VmEntry *entry = hv_qemu_backend_lookup (self, vm);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_qemu_backend_list_snapshots_async);
  op_data_new (task, vm);

  if (entry == NULL)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_NOT_FOUND,
                               _("There is no QEMU VM “%s”"), hv_vm_get_name (vm));
      return;
    }
  if (entry->qmp != NULL)
    hv_qmp_client_execute_async (entry->qmp, "query-block", NULL, cancellable,
                                 on_list_query_block, g_steal_pointer (&task));
  else
    {
      /* --force-share: readable even while a QEMU we cannot talk to holds the image. */
      const char *argv[] = { QEMU_IMG, "info", "--force-share", "--output=json", entry->disk, NULL };

      hv_host_command_run_async (argv, NULL, cancellable, on_list_img_info, g_steal_pointer (&task));
    }
}

static GPtrArray *
hv_qemu_backend_list_snapshots_finish (HvVmBackend   *backend,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------------- */
/* Stats */

typedef struct {
  int     pid;
  guint64 ticks;        /* utime + stime */
  guint64 start_ticks;  /* process start, after boot */
  double  uptime;       /* seconds since boot, when read */
  guint64 rss;          /* bytes */
} ProcSample;

static gboolean
read_proc_sample (ProcSample  *sample,
                  GError     **error)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", sample->pid);
  g_autofree char *status_path = g_strdup_printf ("/proc/%d/status", sample->pid);
  g_autofree char *stat = NULL;
  g_autofree char *status = NULL;
  g_autofree char *uptime = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;
  const char *rss;

  if (!g_file_get_contents (stat_path, &stat, NULL, error) ||
      !g_file_get_contents (status_path, &status, NULL, error))
    return FALSE;

  /* The command name may hold spaces and parentheses: fields start after the last ')'. */
  after = strrchr (stat, ')');
  if (after == NULL)
    goto bad;
  fields = g_strsplit (after + 2, " ", -1);
  /* fields[0] is field 3 (state): utime 14, stime 15, starttime 22. */
  if (g_strv_length (fields) < 20)
    goto bad;
  sample->ticks = g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
  sample->start_ticks = g_ascii_strtoull (fields[19], NULL, 10);

  rss = strstr (status, "\nVmRSS:");
  sample->rss = rss != NULL ? g_ascii_strtoull (rss + strlen ("\nVmRSS:"), NULL, 10) * 1024 : 0;

  if (g_file_get_contents ("/proc/uptime", &uptime, NULL, NULL))
    sample->uptime = g_ascii_strtod (uptime, NULL);
  return TRUE;

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s has an unexpected format"), stat_path);
  return FALSE;
}

static void
read_stats_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ProcSample *sample = g_memdup2 (task_data, sizeof (ProcSample));
  GError *error = NULL;

  if (!read_proc_sample (sample, &error))
    {
      g_free (sample);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, sample, g_free);
}

static void
on_stats_read (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (object);
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  VmEntry *entry = hv_qemu_backend_lookup (self, data->vm);
  g_autoptr(GError) error = NULL;
  g_autofree ProcSample *sample = g_task_propagate_pointer (G_TASK (result), &error);
  double clk = (double) sysconf (_SC_CLK_TCK);
  gint64 now = g_get_monotonic_time ();
  double cpu = -1;

  if (sample == NULL)
    {
      if (entry != NULL)
        hv_vm_set_stats (entry->vm, -1, 0);
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("Could not read the usage of VM “%s”: %s"),
                               hv_vm_get_name (data->vm), error->message);
      return;
    }
  if (entry == NULL || !hv_vm_state_is_active (hv_vm_get_state (entry->vm)))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (entry->last_time != 0 && now > entry->last_time && sample->ticks >= entry->last_ticks)
    cpu = (sample->ticks - entry->last_ticks) / clk / ((now - entry->last_time) / (double) G_USEC_PER_SEC) * 100.0;
  else if (sample->uptime > sample->start_ticks / clk)
    /* First sample: the average since QEMU started. */
    cpu = sample->ticks / clk / (sample->uptime - sample->start_ticks / clk) * 100.0;
  entry->last_ticks = sample->ticks;
  entry->last_time = now;

  hv_vm_set_stats (entry->vm, cpu, sample->rss);
  g_task_return_boolean (task, TRUE);
}

static void
hv_qemu_backend_update_stats_async (HvVmBackend         *backend,
                                    HvVm                *vm,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) reader = NULL;
  VmEntry *entry = hv_qemu_backend_lookup (self, vm);
  ProcSample *sample;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hv_qemu_backend_update_stats_async);
  op_data_new (task, vm);

  if (entry == NULL || entry->pid <= 0 || !hv_vm_state_is_active (hv_vm_get_state (vm)))
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE,
                               _("VM “%s” is not running"), hv_vm_get_name (vm));
      return;
    }

  reader = g_task_new (self, cancellable, on_stats_read, g_steal_pointer (&task));
  sample = g_new0 (ProcSample, 1);
  sample->pid = entry->pid;
  g_task_set_task_data (reader, sample, g_free);
  g_task_run_in_thread (reader, read_stats_thread);
}

static gboolean
hv_qemu_backend_update_stats_finish (HvVmBackend   *backend,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------------- */
/* Console, names, lists */

static char **
hv_qemu_backend_get_console_argv (HvVmBackend  *backend,
                                  HvVm         *vm,
                                  GError      **error)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (backend);
  VmEntry *entry = hv_qemu_backend_lookup (self, vm);
  g_autofree char *exe = NULL;
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();

  if (entry == NULL)
    {
      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_NOT_FOUND,
                   _("There is no QEMU VM “%s”"), hv_vm_get_name (vm));
      return NULL;
    }
  if (!hv_vm_state_is_active (hv_vm_get_state (vm)))
    {
      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE,
                   _("VM “%s” is not running; start it to use its serial console"), hv_vm_get_name (vm));
      return NULL;
    }

  exe = hv_paths_get_program ();
  g_strv_builder_add_many (argv, exe,
                           "vm", "console", "--backend", "qemu", hv_vm_get_name (vm), NULL);
  return g_strv_builder_end (argv);
}

static HvVmConnectionState
hv_qemu_backend_get_connection_state (HvVmBackend *backend)
{
  return HV_QEMU_BACKEND (backend)->connection_state;
}

static const char *
hv_qemu_backend_get_connection_error (HvVmBackend *backend)
{
  return HV_QEMU_BACKEND (backend)->connection_error;
}

static const char *
hv_qemu_backend_get_name (HvVmBackend *backend)
{
  return "qemu";
}

static const char *
hv_qemu_backend_get_connection (HvVmBackend *backend)
{
  return "qemu";
}

static GListModel *
hv_qemu_backend_get_vms (HvVmBackend *backend)
{
  return G_LIST_MODEL (HV_QEMU_BACKEND (backend)->vms);
}

static void
hv_qemu_backend_iface_init (HvVmBackendInterface *iface)
{
  iface->get_name = hv_qemu_backend_get_name;
  iface->get_connection_state = hv_qemu_backend_get_connection_state;
  iface->get_connection_error = hv_qemu_backend_get_connection_error;
  iface->get_connection = hv_qemu_backend_get_connection;
  iface->get_vms = hv_qemu_backend_get_vms;
  iface->connect_async = hv_qemu_backend_connect_async;
  iface->connect_finish = hv_qemu_backend_connect_finish;
  iface->create_async = hv_qemu_backend_create_async;
  iface->create_finish = hv_qemu_backend_create_finish;
  iface->action_async = hv_qemu_backend_action_async;
  iface->action_finish = hv_qemu_backend_action_finish;
  iface->snapshot_async = hv_qemu_backend_snapshot_async;
  iface->snapshot_finish = hv_qemu_backend_snapshot_finish;
  iface->list_snapshots_async = hv_qemu_backend_list_snapshots_async;
  iface->list_snapshots_finish = hv_qemu_backend_list_snapshots_finish;
  iface->update_stats_async = hv_qemu_backend_update_stats_async;
  iface->update_stats_finish = hv_qemu_backend_update_stats_finish;
  iface->get_console_argv = hv_qemu_backend_get_console_argv;
}

/* ---------------------------------------------------------------------------------------- */
/* Public */

HvQemuBackend *
hv_qemu_backend_new (const char *vms_dir,
                     const char *runtime_dir)
{
  HvQemuBackend *self = g_object_new (HV_TYPE_QEMU_BACKEND, NULL);

  self->vms_dir = vms_dir != NULL ? g_canonicalize_filename (vms_dir, NULL)
                                  : hv_paths_get_data_subdir ("vms");
  self->runtime_dir = runtime_dir != NULL ? g_canonicalize_filename (runtime_dir, NULL)
                                          : hv_paths_get_runtime_dir ();
  return self;
}

const char *
hv_qemu_backend_get_vms_dir (HvQemuBackend *self)
{
  g_return_val_if_fail (HV_IS_QEMU_BACKEND (self), NULL);
  return self->vms_dir;
}

const char *
hv_qemu_backend_get_runtime_dir (HvQemuBackend *self)
{
  g_return_val_if_fail (HV_IS_QEMU_BACKEND (self), NULL);
  return self->runtime_dir;
}

const char *
hv_qemu_backend_get_serial_socket (HvQemuBackend *self,
                                   HvVm          *vm)
{
  VmEntry *entry;

  g_return_val_if_fail (HV_IS_QEMU_BACKEND (self), NULL);
  entry = hv_qemu_backend_lookup (self, vm);
  return entry != NULL ? entry->serial_path : NULL;
}

const char *
hv_qemu_backend_get_qmp_socket (HvQemuBackend *self,
                                HvVm          *vm)
{
  VmEntry *entry;

  g_return_val_if_fail (HV_IS_QEMU_BACKEND (self), NULL);
  entry = hv_qemu_backend_lookup (self, vm);
  return entry != NULL ? entry->qmp_path : NULL;
}

const char *
hv_qemu_backend_get_pidfile (HvQemuBackend *self,
                             HvVm          *vm)
{
  VmEntry *entry;

  g_return_val_if_fail (HV_IS_QEMU_BACKEND (self), NULL);
  entry = hv_qemu_backend_lookup (self, vm);
  return entry != NULL ? entry->pid_path : NULL;
}

int
hv_qemu_backend_get_pid (HvQemuBackend *self,
                         HvVm          *vm)
{
  VmEntry *entry;

  g_return_val_if_fail (HV_IS_QEMU_BACKEND (self), 0);
  entry = hv_qemu_backend_lookup (self, vm);
  return entry != NULL && (entry->qmp != NULL || entry->monitor_busy) ? entry->pid : 0;
}

/* ---------------------------------------------------------------------------------------- */
/* GObject */

static void
hv_qemu_backend_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (object);

  switch (prop_id)
    {
    case PROP_CONNECTION_STATE:
      g_value_set_enum (value, self->connection_state);
      break;
    case PROP_CONNECTION_ERROR:
      g_value_set_string (value, self->connection_error);
      break;
    case PROP_SHUTDOWN_TIMEOUT:
      g_value_set_uint (value, self->shutdown_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_qemu_backend_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (object);

  switch (prop_id)
    {
    case PROP_SHUTDOWN_TIMEOUT:
      if (self->shutdown_timeout != g_value_get_uint (value))
        {
          self->shutdown_timeout = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_qemu_backend_dispose (GObject *object)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (object);

  /* The VMs keep running (QEMU is daemonized); only our monitor connections close. */
  g_clear_handle_id (&self->rescan_id, g_source_remove);
  g_clear_object (&self->vms_monitor);
  g_clear_object (&self->runtime_monitor);
  if (self->entries != NULL)
    g_hash_table_remove_all (self->entries);
  if (self->vms != NULL)
    g_list_store_remove_all (self->vms);

  G_OBJECT_CLASS (hv_qemu_backend_parent_class)->dispose (object);
}

static void
hv_qemu_backend_finalize (GObject *object)
{
  HvQemuBackend *self = HV_QEMU_BACKEND (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_object (&self->vms);
  g_free (self->vms_dir);
  g_free (self->runtime_dir);
  g_free (self->connection_error);

  G_OBJECT_CLASS (hv_qemu_backend_parent_class)->finalize (object);
}

static void
hv_qemu_backend_class_init (HvQemuBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = hv_qemu_backend_get_property;
  object_class->set_property = hv_qemu_backend_set_property;
  object_class->dispose = hv_qemu_backend_dispose;
  object_class->finalize = hv_qemu_backend_finalize;

  g_object_class_override_property (object_class, PROP_CONNECTION_STATE, "connection-state");
  g_object_class_override_property (object_class, PROP_CONNECTION_ERROR, "connection-error");
  g_object_class_override_property (object_class, PROP_SHUTDOWN_TIMEOUT, "shutdown-timeout");
}

static void
hv_qemu_backend_init (HvQemuBackend *self)
{
  self->vms = g_list_store_new (HV_TYPE_VM);
  self->entries = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) vm_entry_free);
  self->connection_state = HV_VM_CONNECTION_DISCONNECTED;
  self->shutdown_timeout = 60;
}
