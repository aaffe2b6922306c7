// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hv-vm-backend.h"

G_BEGIN_DECLS

#define HV_TYPE_LIBVIRT_BACKEND (hv_libvirt_backend_get_type ())

G_DECLARE_FINAL_TYPE (HvLibvirtBackend, hv_libvirt_backend, HV, LIBVIRT_BACKEND, GObject)

/* One libvirt connection (any URI: qemu:///session, qemu:///system, qemu+ssh://…, test:///…)
 * through libvirt-gobject; events run on the GLib main loop. */
HvLibvirtBackend *hv_libvirt_backend_new                (const char       *uri);
const char       *hv_libvirt_backend_get_uri            (HvLibvirtBackend *self);
/* TRUE once the disks and networks of every listed VM have been read (notify::details-loaded);
 * the list itself (state, vCPUs, memory) is complete when connect finishes. */
gboolean          hv_libvirt_backend_get_details_loaded (HvLibvirtBackend *self);

G_END_DECLS
