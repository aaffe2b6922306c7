// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-cli-private.h"

/* The registry of subcommands: one line per controller's CLI file. */
void
hv_cli_register_all (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      _hv_cli_register_builtin ();
      _hv_cli_register_config ();
      _hv_cli_register_session ();
      _hv_cli_register_record ();
      _hv_cli_register_models ();
      _hv_cli_register_chat ();
      _hv_cli_register_vm ();
      _hv_cli_register_session_exec ();
      g_once_init_leave (&registered, 1);
    }
}
