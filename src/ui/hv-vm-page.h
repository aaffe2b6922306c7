// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-vm-backend.h"

G_BEGIN_DECLS

/* A VM in a tab: its state and configuration, live CPU and memory graphs (refreshed at
 * interface.refresh_interval_ms while the page is shown and the VM runs), its snapshots,
 * and the actions start / shut down / force off / pause / resume / console / delete
 * (the destructive ones ask first). */

#define HV_TYPE_VM_PAGE (hv_vm_page_get_type ())

G_DECLARE_FINAL_TYPE (HvVmPage, hv_vm_page, HV, VM_PAGE, GtkWidget)

GtkWidget *hv_vm_page_new                 (HvVm      *vm,
                                           guint      refresh_interval_ms);
HvVm      *hv_vm_page_get_vm              (HvVmPage  *self);
GtkWidget *hv_vm_page_get_state_row       (HvVmPage  *self);   /* for tests */
GListModel *hv_vm_page_get_snapshots      (HvVmPage  *self);   /* of HvVmSnapshot */

G_END_DECLS
