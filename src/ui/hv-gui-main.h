// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The window: the entry point of the GUI module (libhydravisor-gui.so), which src/main.c
 * loads when there is no subcommand. The command line never loads GTK. */
int hv_gui_main (int    argc,
                 char **argv);

G_END_DECLS
