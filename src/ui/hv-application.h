// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hv-config.h"
#include "hv-tmux-server.h"
#include "hv-vm-manager.h"

G_BEGIN_DECLS

#define HV_TYPE_APPLICATION (hv_application_get_type ())

G_DECLARE_FINAL_TYPE (HvApplication, hv_application, HV, APPLICATION, AdwApplication)

HvApplication *hv_application_new          (const char        *application_id,
                                            GApplicationFlags  flags);
GSettings     *hv_application_get_settings (HvApplication     *self);
HvConfig      *hv_application_get_config   (HvApplication     *self);
HvTmuxServer  *hv_application_get_tmux_server (HvApplication  *self);
HvVmManager   *hv_application_get_vm_manager  (HvApplication  *self);

G_END_DECLS
