// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hv-config.h"
#include "hv-vm-backend.h"

G_BEGIN_DECLS

#define HV_TYPE_VM_MANAGER (hv_vm_manager_get_type ())

G_DECLARE_FINAL_TYPE (HvVmManager, hv_vm_manager, HV, VM_MANAGER, GObject)

/* Every VM of every connection as one GListModel of HvVm (itself), grouped by connection in
 * the order of get_backends(). */
HvVmManager *hv_vm_manager_new              (void);
/* The QEMU backend, one libvirt backend per `libvirt.uris` entry and LIBVIRT_DEFAULT_URI. */
HvVmManager *hv_vm_manager_new_from_config  (HvConfig    *config);
void         hv_vm_manager_add_backend      (HvVmManager *self,
                                             HvVmBackend *backend);
GListModel  *hv_vm_manager_get_backends     (HvVmManager *self);   /* of HvVmBackend */
HvVmBackend *hv_vm_manager_find_backend     (HvVmManager *self,
                                             const char  *connection);  /* "qemu" or a URI */
HvVmBackend *hv_vm_manager_get_default_backend (HvVmManager *self);  /* defaults.vm_backend */
void         hv_vm_manager_set_default_backend (HvVmManager *self,
                                                HvVmBackend *backend);
HvVmBackend *hv_vm_manager_new_libvirt_backend (const char  *uri,
                                                GError     **error);
/* Makes the libvirt connections (loading the libvirt module on a worker thread the first
 * time), then connects every backend; each reconnects by itself afterwards. */
void         hv_vm_manager_connect_all      (HvVmManager *self);
HvVm        *hv_vm_manager_find_vm          (HvVmManager *self,
                                             const char  *connection,   /* NULL: any */
                                             const char  *name);

G_END_DECLS
