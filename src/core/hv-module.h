// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parts of Hydravisor that pull in large libraries (libvirt) are loadable modules, opened
 * the first time they are needed so that starting the window or a command that does not
 * need them never pays for them. A module "name" is the file libhydravisor-NAME.so, looked
 * for in $HYDRAVISOR_MODULE_DIR, beside the running program (the build tree), then in the
 * installed module folder. Modules stay loaded. */
gpointer hv_module_lookup (const char  *name,
                           const char  *symbol,
                           GError     **error);

G_END_DECLS
