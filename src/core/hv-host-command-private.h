// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* For tests: pretend /.flatpak-info is at another path (NULL restores the default). */
void _hv_host_command_set_flatpak_info_path (const char *path);

G_END_DECLS
