// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hv-vm-backend.h"

G_BEGIN_DECLS

#define HV_TYPE_QEMU_BACKEND (hv_qemu_backend_get_type ())

G_DECLARE_FINAL_TYPE (HvQemuBackend, hv_qemu_backend, HV, QEMU_BACKEND, GObject)

/* The direct QEMU backend (no daemon). vms_dir holds one folder per VM (definition file +
 * disk), normally $XDG_DATA_HOME/hydravisor/vms; runtime_dir holds the QMP and serial
 * sockets, normally $XDG_RUNTIME_DIR/hydravisor. NULL for either means those defaults. */
HvQemuBackend *hv_qemu_backend_new (const char *vms_dir,
                                    const char *runtime_dir);

const char    *hv_qemu_backend_get_vms_dir       (HvQemuBackend *self);
const char    *hv_qemu_backend_get_runtime_dir   (HvQemuBackend *self);

/* Where a VM's serial console listens (a unix socket QEMU serves while the VM runs; one
 * client at a time), its QMP monitor, and its pidfile. NULL for a VM of another backend. */
const char    *hv_qemu_backend_get_serial_socket (HvQemuBackend *self,
                                                  HvVm          *vm);
const char    *hv_qemu_backend_get_qmp_socket    (HvQemuBackend *self,
                                                  HvVm          *vm);
const char    *hv_qemu_backend_get_pidfile       (HvQemuBackend *self,
                                                  HvVm          *vm);
/* The QEMU process id while the VM runs, else 0. */
int            hv_qemu_backend_get_pid           (HvQemuBackend *self,
                                                  HvVm          *vm);

G_END_DECLS
