// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gmodule.h>

#include "hv-application.h"
#include "hv-gui-main.h"

G_MODULE_EXPORT int
hv_gui_main (int    argc,
             char **argv)
{
  g_autoptr(HvApplication) app = hv_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
