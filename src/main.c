// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "hv-application.h"
#include "hv-cli.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(HvApplication) app = NULL;
  char *gui_argv[] = { argv[0], NULL };
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A subcommand, --version or --help: the command line, without a display. */
  if (hv_cli_dispatch (argc, argv, &status))
    return status;

  /* The global options were read above; GApplication gets only the program name. */
  app = hv_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), 1, gui_argv);
}
