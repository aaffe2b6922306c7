// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "hv-cli.h"
#include "hv-module.h"

typedef int (*GuiMain) (int argc, char **argv);

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  char *gui_argv[] = { argv[0], NULL };
  GuiMain gui_main;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A subcommand, --version or --help: the command line, without a display (or GTK). */
  if (hv_cli_dispatch (argc, argv, &status))
    return status;

  /* The window lives in a module so that commands start without loading GTK. The global
   * options were read above; GApplication gets only the program name. */
  gui_main = hv_module_lookup ("gui", "hv_gui_main", &error);
  if (gui_main == NULL)
    {
      fprintf (stderr, "hydravisor: cannot open the window: %s\n", error->message);
      return 1;
    }
  return gui_main (1, gui_argv);
}
