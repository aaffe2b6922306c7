// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether process PID exists and has not ended. A daemonized child (QEMU -daemonize,
 * libvirtd -d) is reparented to pid 1, and where pid 1 never waits for its children (some
 * containers), an ended one stays behind as a zombie that kill (pid, 0) still finds; that
 * counts as ended here. A process owned by another user counts as running. */
gboolean hv_process_is_running (int pid);

G_END_DECLS
