// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hv-vm.h"
#include "hv-vm-snapshot.h"

G_BEGIN_DECLS

/* What a new VM is made of. Sizes in bytes. Either disk_size (a new qcow2) or disk_image
 * (an existing image, used in place) — not both. iso is optional. */
typedef struct {
  char    *name;
  guint    vcpus;
  guint64  memory;
  guint64  disk_size;
  char    *disk_image;
  char    *iso;
  gboolean network;      /* user-mode NAT networking */
} HvVmSpec;

#define HV_TYPE_VM_SPEC (hv_vm_spec_get_type ())
GType      hv_vm_spec_get_type (void);
HvVmSpec  *hv_vm_spec_new      (const char *name);
HvVmSpec  *hv_vm_spec_copy     (const HvVmSpec *spec);
void       hv_vm_spec_free     (HvVmSpec *spec);
/* Name rules, vCPUs 1–256, memory ≥ 16 MiB, disk size ≥ 1 MiB or an image that exists. */
gboolean   hv_vm_spec_validate (const HvVmSpec *spec,
                                GError        **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HvVmSpec, hv_vm_spec_free)

typedef enum {
  HV_VM_ACTION_START,
  HV_VM_ACTION_SHUTDOWN,           /* ACPI power button, then force off after the timeout */
  HV_VM_ACTION_FORCE_OFF,
  HV_VM_ACTION_PAUSE,
  HV_VM_ACTION_RESUME,
  HV_VM_ACTION_DELETE,             /* undefine; keeps the disk images */
  HV_VM_ACTION_DELETE_WITH_DISKS,  /* undefine and remove the disks it created */
} HvVmAction;

typedef enum {
  HV_VM_SNAPSHOT_CREATE,
  HV_VM_SNAPSHOT_REVERT,
  HV_VM_SNAPSHOT_DELETE,
} HvVmSnapshotAction;

typedef enum {
  HV_VM_CONNECTION_DISCONNECTED,
  HV_VM_CONNECTION_CONNECTING,
  HV_VM_CONNECTION_CONNECTED,
} HvVmConnectionState;

GType hv_vm_action_get_type (void);
GType hv_vm_connection_state_get_type (void);
#define HV_TYPE_VM_ACTION (hv_vm_action_get_type ())
#define HV_TYPE_VM_CONNECTION_STATE (hv_vm_connection_state_get_type ())

#define HV_TYPE_VM_BACKEND (hv_vm_backend_get_type ())
G_DECLARE_INTERFACE (HvVmBackend, hv_vm_backend, HV, VM_BACKEND, GObject)

/* One connection: the direct QEMU backend, or one libvirt URI.
 *
 * Properties every implementation has: "connection-state" (HvVmConnectionState),
 * "connection-error" (string, why it is down; NULL when connected), "shutdown-timeout"
 * (uint seconds, default 60). The VM list (get_vms) is a GListModel of HvVm kept current by
 * the backend itself (events, not polling); a VM object stays the same object for as long as
 * the VM exists, also across reconnects. All operations are asynchronous and run on the
 * thread-default main context of the caller; blocking library calls go to worker threads. */
struct _HvVmBackendInterface
{
  GTypeInterface parent_iface;

  const char *(*get_name)        (HvVmBackend *self);   /* "qemu" or "libvirt" */
  const char *(*get_connection)  (HvVmBackend *self);   /* URI, or "qemu" */
  GListModel *(*get_vms)         (HvVmBackend *self);
  HvVmConnectionState (*get_connection_state) (HvVmBackend *self);
  const char *(*get_connection_error) (HvVmBackend *self);   /* NULL when connected */

  /* Connect (or reconnect) and list the VMs. Backends reconnect by themselves after a lost
   * connection, with back-off; this starts it now. */
  void      (*connect_async)     (HvVmBackend *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
  gboolean  (*connect_finish)    (HvVmBackend *self, GAsyncResult *result, GError **error);

  void      (*create_async)      (HvVmBackend *self, const HvVmSpec *spec, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
  HvVm     *(*create_finish)     (HvVmBackend *self, GAsyncResult *result, GError **error);

  void      (*action_async)      (HvVmBackend *self, HvVm *vm, HvVmAction action,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
  gboolean  (*action_finish)     (HvVmBackend *self, GAsyncResult *result, GError **error);

  void      (*snapshot_async)    (HvVmBackend *self, HvVm *vm, HvVmSnapshotAction action,
                                  const char *name, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
  gboolean  (*snapshot_finish)   (HvVmBackend *self, GAsyncResult *result, GError **error);

  /* (element-type HvVmSnapshot), oldest first */
  void      (*list_snapshots_async)  (HvVmBackend *self, HvVm *vm, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
  GPtrArray *(*list_snapshots_finish) (HvVmBackend *self, GAsyncResult *result, GError **error);

  /* Refresh cpu-percent / memory-used of one VM (for the UI's live graphs). */
  void      (*update_stats_async)  (HvVmBackend *self, HvVm *vm, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
  gboolean  (*update_stats_finish) (HvVmBackend *self, GAsyncResult *result, GError **error);

  /* The argv of a program that attaches the terminal to the VM's serial console
   * (virsh console for libvirt, `hydravisor vm console-attach SOCKET` for QEMU). */
  char    **(*get_console_argv)  (HvVmBackend *self, HvVm *vm, GError **error);
};

const char *hv_vm_backend_get_name          (HvVmBackend *self);
const char *hv_vm_backend_get_connection    (HvVmBackend *self);
GListModel *hv_vm_backend_get_vms           (HvVmBackend *self);
HvVm       *hv_vm_backend_find_vm           (HvVmBackend *self, const char *name);  /* transfer none */
HvVmConnectionState hv_vm_backend_get_connection_state (HvVmBackend *self);
const char *hv_vm_backend_get_connection_error (HvVmBackend *self);

void        hv_vm_backend_connect_async     (HvVmBackend *self, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean    hv_vm_backend_connect_finish    (HvVmBackend *self, GAsyncResult *result, GError **error);
void        hv_vm_backend_create_async      (HvVmBackend *self, const HvVmSpec *spec,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
HvVm       *hv_vm_backend_create_finish     (HvVmBackend *self, GAsyncResult *result, GError **error);
void        hv_vm_backend_action_async      (HvVmBackend *self, HvVm *vm, HvVmAction action,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean    hv_vm_backend_action_finish     (HvVmBackend *self, GAsyncResult *result, GError **error);
void        hv_vm_backend_snapshot_async    (HvVmBackend *self, HvVm *vm, HvVmSnapshotAction action,
                                             const char *name, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean    hv_vm_backend_snapshot_finish   (HvVmBackend *self, GAsyncResult *result, GError **error);
void        hv_vm_backend_list_snapshots_async  (HvVmBackend *self, HvVm *vm, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
GPtrArray  *hv_vm_backend_list_snapshots_finish (HvVmBackend *self, GAsyncResult *result, GError **error);
void        hv_vm_backend_update_stats_async    (HvVmBackend *self, HvVm *vm, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean    hv_vm_backend_update_stats_finish   (HvVmBackend *self, GAsyncResult *result, GError **error);
char      **hv_vm_backend_get_console_argv  (HvVmBackend *self, HvVm *vm, GError **error);

/* Blocking helpers for the CLI (they spin a private main context). */
gboolean    hv_vm_backend_connect_sync      (HvVmBackend *self, GCancellable *cancellable, GError **error);
HvVm       *hv_vm_backend_create_sync       (HvVmBackend *self, const HvVmSpec *spec,
                                             GCancellable *cancellable, GError **error);
gboolean    hv_vm_backend_action_sync       (HvVmBackend *self, HvVm *vm, HvVmAction action,
                                             GCancellable *cancellable, GError **error);
gboolean    hv_vm_backend_snapshot_sync     (HvVmBackend *self, HvVm *vm, HvVmSnapshotAction action,
                                             const char *name, GCancellable *cancellable, GError **error);
GPtrArray  *hv_vm_backend_list_snapshots_sync (HvVmBackend *self, HvVm *vm,
                                               GCancellable *cancellable, GError **error);

G_END_DECLS
