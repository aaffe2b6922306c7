// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One line of the sidebar's VM list: either a connection's header (its URI, and why it is
 * down with a Retry button) or a VM (state icon, name, vCPUs · memory · state). The list
 * view recycles rows, so a row is bound to one item at a time. */

#define HV_TYPE_VM_ROW (hv_vm_row_get_type ())

G_DECLARE_FINAL_TYPE (HvVmRow, hv_vm_row, HV, VM_ROW, GtkWidget)

GtkWidget *hv_vm_row_new    (void);
/* An HvVm or an HvVmBackend, or NULL to unbind. */
void       hv_vm_row_bind   (HvVmRow  *self,
                             GObject  *item);
GObject   *hv_vm_row_get_item (HvVmRow *self);
const char *hv_vm_row_get_state_icon_name (HvVmRow *self);

/* The symbolic icon of a VM state, shared with the VM page. */
const char *hv_vm_state_icon_name (int state);

G_END_DECLS
