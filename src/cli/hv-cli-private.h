// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hv-cli.h"

G_BEGIN_DECLS

/* Each file of src/cli/ that adds subcommands has one register function, called from
 * hv_cli_register_all() in hv-cli-commands.c. */
void _hv_cli_register_builtin (void);
void _hv_cli_register_config  (void);
void _hv_cli_register_session (void);
void _hv_cli_register_record  (void);
void _hv_cli_register_models  (void);
void _hv_cli_register_chat    (void);
void _hv_cli_register_vm      (void);
void _hv_cli_register_session_exec (void);
void hv_cli_register_all      (void);

G_END_DECLS
