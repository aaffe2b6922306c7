// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HV_VM_ERROR (hv_vm_error_quark ())

typedef enum {
  HV_VM_ERROR_FAILED,          /* the backend refused or failed; the message says why */
  HV_VM_ERROR_INVALID_NAME,    /* a VM or snapshot name the rules refuse */
  HV_VM_ERROR_INVALID_SPEC,    /* vCPUs, memory, disk out of limits, missing image … */
  HV_VM_ERROR_NOT_FOUND,       /* no such VM / snapshot */
  HV_VM_ERROR_EXISTS,          /* a VM of that name already exists */
  HV_VM_ERROR_WRONG_STATE,     /* e.g. pause a VM that is not running */
  HV_VM_ERROR_DISCONNECTED,    /* the connection is down (libvirtd gone, …) */
  HV_VM_ERROR_UNSUPPORTED,     /* this backend cannot do that */
} HvVmError;

typedef enum {
  HV_VM_STATE_UNKNOWN,
  HV_VM_STATE_SHUTOFF,
  HV_VM_STATE_STARTING,
  HV_VM_STATE_RUNNING,
  HV_VM_STATE_PAUSED,
  HV_VM_STATE_SHUTTING_DOWN,
  HV_VM_STATE_CRASHED,
  HV_VM_STATE_SUSPENDED,       /* guest power-management suspend */
} HvVmState;

#define HV_TYPE_VM_STATE (hv_vm_state_get_type ())
#define HV_TYPE_VM (hv_vm_get_type ())

G_DECLARE_FINAL_TYPE (HvVm, hv_vm, HV, VM, GObject)

GQuark       hv_vm_error_quark         (void);
GType        hv_vm_state_get_type      (void);
const char  *hv_vm_state_to_string     (HvVmState state);   /* "running", "shut off", … (untranslated id) */
const char  *hv_vm_state_to_label      (HvVmState state);   /* translated, for people */
gboolean     hv_vm_state_is_active     (HvVmState state);   /* running, paused, starting, shutting down */

/* VM names: 1–64 characters of ASCII letters, digits, '.', '_' and '-', starting with a letter
 * or digit. Everything else (spaces, '/', quotes, ';', non-UTF-8, …) is refused with a
 * message that names the offending character. The same rule holds for snapshot names. */
gboolean     hv_vm_name_validate       (const char  *name,
                                        GError     **error);

int          hv_vm_compare_by_name     (gconstpointer a,
                                        gconstpointer b,
                                        gpointer      user_data);

/* Created by backends; everything else only reads it and listens to notify::. */
HvVm        *hv_vm_new                 (const char  *name,
                                        const char  *backend_name,
                                        const char  *connection);

const char  *hv_vm_get_name            (HvVm *self);
const char  *hv_vm_get_uuid            (HvVm *self);
const char  *hv_vm_get_backend_name    (HvVm *self);    /* "qemu" or "libvirt" */
const char  *hv_vm_get_connection      (HvVm *self);    /* libvirt URI, or "qemu" */
HvVmState    hv_vm_get_state           (HvVm *self);
const char  *hv_vm_get_state_reason    (HvVm *self);    /* why it stopped/crashed, may be NULL */
guint        hv_vm_get_vcpus           (HvVm *self);
guint64      hv_vm_get_memory          (HvVm *self);    /* bytes, configured */
const char * const *hv_vm_get_disks    (HvVm *self);    /* disk image paths */
const char  *hv_vm_get_network         (HvVm *self);    /* "user (NAT)", "none", … */
gint64       hv_vm_get_started_at      (HvVm *self);    /* g_get_real_time() µs when it started, 0 */
gint64       hv_vm_get_uptime          (HvVm *self);    /* seconds, 0 when not running */
double       hv_vm_get_cpu_percent     (HvVm *self);    /* live, 0–100×vCPUs; < 0 unknown */
guint64      hv_vm_get_memory_used     (HvVm *self);    /* live, bytes; 0 unknown */
gpointer     hv_vm_get_backend         (HvVm *self);    /* (transfer none) HvVmBackend */

/* For backends. Each setter notifies only on change. */
void         hv_vm_set_uuid            (HvVm *self, const char *uuid);
void         hv_vm_set_state           (HvVm *self, HvVmState state, const char *reason);
void         hv_vm_set_vcpus           (HvVm *self, guint vcpus);
void         hv_vm_set_memory          (HvVm *self, guint64 bytes);
void         hv_vm_set_disks           (HvVm *self, const char * const *disks);
void         hv_vm_set_network         (HvVm *self, const char *network);
void         hv_vm_set_started_at      (HvVm *self, gint64 real_time_us);
void         hv_vm_set_stats           (HvVm *self, double cpu_percent, guint64 memory_used);
void         hv_vm_set_backend         (HvVm *self, gpointer backend);  /* weak */

G_END_DECLS
