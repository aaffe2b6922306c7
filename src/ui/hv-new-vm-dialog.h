// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-config.h"
#include "hv-vm-backend.h"
#include "hv-vm-manager.h"

G_BEGIN_DECLS

#define HV_TYPE_NEW_VM_DIALOG (hv_new_vm_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HvNewVmDialog, hv_new_vm_dialog, HV, NEW_VM_DIALOG, AdwWindow)

/* Creates a virtual machine: its name (checked as it is typed, also against the VMs of the
 * chosen connection), the connection, vCPUs, memory and disk within the policy's limits, an
 * optional installation ISO and networking. Create runs the backend's create; on success it
 * emits ::created and closes, on failure it says why above the form and keeps it.
 *
 * Actions: `new-vm.create`, `new-vm.cancel` (closes, and stops a creation running; also
 * Escape), `new-vm.choose-image`, `new-vm.choose-iso`, `new-vm.clear-iso`.
 * Read-only properties: "can-create", "creating". */

HvNewVmDialog *hv_new_vm_dialog_new            (GtkWindow     *parent,
                                                HvVmManager   *manager,
                                                HvConfig      *config);
void           hv_new_vm_dialog_set_name       (HvNewVmDialog *self,
                                                const char    *name);
HvVmBackend   *hv_new_vm_dialog_get_backend    (HvNewVmDialog *self);
void           hv_new_vm_dialog_set_backend    (HvNewVmDialog *self,
                                                HvVmBackend   *backend);
void           hv_new_vm_dialog_set_disk_image (HvNewVmDialog *self,
                                                const char    *path);
void           hv_new_vm_dialog_set_iso        (HvNewVmDialog *self,
                                                const char    *path);
HvVmSpec      *hv_new_vm_dialog_get_spec       (HvNewVmDialog *self);
gboolean       hv_new_vm_dialog_get_can_create (HvNewVmDialog *self);
gboolean       hv_new_vm_dialog_get_creating   (HvNewVmDialog *self);
const char    *hv_new_vm_dialog_get_name_error (HvNewVmDialog *self);
const char    *hv_new_vm_dialog_get_error      (HvNewVmDialog *self);

G_END_DECLS
