// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "hv-vm-manager.h"

G_BEGIN_DECLS

/* The sidebar's Virtual Machines section: every VM of the manager grouped under its
 * connection (a disconnected one says why, with Retry), or an empty state saying how to
 * make one. Activating a VM opens its page (win.open-vm with its connection and name). */

#define HV_TYPE_VMS_LIST (hv_vms_list_get_type ())

G_DECLARE_FINAL_TYPE (HvVmsList, hv_vms_list, HV, VMS_LIST, GtkWidget)

HvVmManager *hv_vms_list_get_manager   (HvVmsList   *self);
void         hv_vms_list_set_manager   (HvVmsList   *self,
                                        HvVmManager *manager);
GtkListView *hv_vms_list_get_list_view (HvVmsList   *self);

G_END_DECLS
