// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HV_TYPE_VM_SNAPSHOT (hv_vm_snapshot_get_type ())

G_DECLARE_FINAL_TYPE (HvVmSnapshot, hv_vm_snapshot, HV, VM_SNAPSHOT, GObject)

HvVmSnapshot *hv_vm_snapshot_new             (const char *name,
                                              const char *description,
                                              gint64      created,      /* unix seconds, 0 unknown */
                                              gboolean    with_memory,  /* includes the running state */
                                              gboolean    is_current);
const char   *hv_vm_snapshot_get_name        (HvVmSnapshot *self);
const char   *hv_vm_snapshot_get_description (HvVmSnapshot *self);
gint64        hv_vm_snapshot_get_created     (HvVmSnapshot *self);
gboolean      hv_vm_snapshot_get_with_memory (HvVmSnapshot *self);
gboolean      hv_vm_snapshot_get_is_current  (HvVmSnapshot *self);

G_END_DECLS
